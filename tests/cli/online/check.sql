-- migrate:upgrade
-- wait at most 5s for each lock, then fail (retort tries the step again: lock_retries)
SET LOCAL lock_timeout = '5s';

-- add check constraint items_price_check on public.items (1/2): NOT VALID, checked for new rows
ALTER TABLE public.items ADD CONSTRAINT items_price_check CHECK ((price > 0)) NOT VALID;

-- migrate:upgrade
-- wait at most 5s for each lock, then fail (retort tries the step again: lock_retries)
SET LOCAL lock_timeout = '5s';

-- validate check constraint items_price_check on public.items (2/2): the existing rows
-- reads every row under a SHARE UPDATE EXCLUSIVE lock: reads and writes go on
ALTER TABLE public.items VALIDATE CONSTRAINT items_price_check;

-- migrate:downgrade
-- wait at most 5s for each lock, then fail (retort tries the step again: lock_retries)
SET LOCAL lock_timeout = '5s';

-- drop constraint items_price_check on public.items
ALTER TABLE public.items DROP CONSTRAINT items_price_check;
