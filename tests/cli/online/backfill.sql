-- migrate:upgrade
-- wait at most 5s for each lock, then fail (retort tries the step again: lock_retries)
SET LOCAL lock_timeout = '5s';

-- alter column public.items.qty: not null (1/3): a CHECK NOT VALID, which new rows must pass
ALTER TABLE public.items ADD CONSTRAINT retort_nn_qty CHECK (qty IS NOT NULL) NOT VALID;

-- migrate:upgrade batch
-- alter column public.items.qty: NULLs take the default, 10000 rows at a time
-- NULLs in items.qty become its default, 0
UPDATE public.items SET qty = 0 WHERE id IN (SELECT id FROM public.items WHERE qty IS NULL LIMIT 10000);

-- migrate:upgrade
-- wait at most 5s for each lock, then fail (retort tries the step again: lock_retries)
SET LOCAL lock_timeout = '5s';

-- alter column public.items.qty: not null (2/3): validate the check
-- reads every row under a SHARE UPDATE EXCLUSIVE lock: reads and writes go on
ALTER TABLE public.items VALIDATE CONSTRAINT retort_nn_qty;

-- migrate:upgrade
-- wait at most 5s for each lock, then fail (retort tries the step again: lock_retries)
SET LOCAL lock_timeout = '5s';

-- alter column public.items.qty: not null (3/3): SET NOT NULL, which the validated check spares its scan; then the check goes
ALTER TABLE public.items ALTER COLUMN qty SET NOT NULL;
ALTER TABLE public.items DROP CONSTRAINT retort_nn_qty;

-- migrate:downgrade
-- wait at most 5s for each lock, then fail (retort tries the step again: lock_retries)
SET LOCAL lock_timeout = '5s';

-- alter column public.items.qty: nullable
ALTER TABLE public.items ALTER COLUMN qty DROP NOT NULL;
