-- migrate:upgrade
-- wait at most 5s for each lock, then fail (retort tries the step again: lock_retries)
SET LOCAL lock_timeout = '5s';

-- alter column public.items.sku: not null (1/3): a CHECK NOT VALID, which new rows must pass
ALTER TABLE public.items ADD CONSTRAINT retort_nn_sku CHECK (sku IS NOT NULL) NOT VALID;

-- migrate:upgrade
-- wait at most 5s for each lock, then fail (retort tries the step again: lock_retries)
SET LOCAL lock_timeout = '5s';

-- alter column public.items.sku: not null (2/3): validate the check
-- reads every row under a SHARE UPDATE EXCLUSIVE lock: reads and writes go on
ALTER TABLE public.items VALIDATE CONSTRAINT retort_nn_sku;

-- migrate:upgrade
-- wait at most 5s for each lock, then fail (retort tries the step again: lock_retries)
SET LOCAL lock_timeout = '5s';

-- alter column public.items.sku: not null (3/3): SET NOT NULL, which the validated check spares its scan; then the check goes
ALTER TABLE public.items ALTER COLUMN sku SET NOT NULL;
ALTER TABLE public.items DROP CONSTRAINT retort_nn_sku;

-- migrate:downgrade
-- wait at most 5s for each lock, then fail (retort tries the step again: lock_retries)
SET LOCAL lock_timeout = '5s';

-- alter column public.items.sku: nullable
ALTER TABLE public.items ALTER COLUMN sku DROP NOT NULL;
