-- migrate:upgrade
-- wait at most 5s for each lock, then fail (retort tries the step again: lock_retries)
SET LOCAL lock_timeout = '5s';

-- add foreign key items_user_id_fkey on public.items (1/2): NOT VALID, checked for new rows
ALTER TABLE public.items ADD CONSTRAINT items_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) NOT VALID;

-- migrate:upgrade
-- wait at most 5s for each lock, then fail (retort tries the step again: lock_retries)
SET LOCAL lock_timeout = '5s';

-- validate foreign key items_user_id_fkey on public.items (2/2): the existing rows
-- reads every row under a SHARE UPDATE EXCLUSIVE lock: reads and writes go on
ALTER TABLE public.items VALIDATE CONSTRAINT items_user_id_fkey;

-- migrate:downgrade
-- wait at most 5s for each lock, then fail (retort tries the step again: lock_retries)
SET LOCAL lock_timeout = '5s';

-- drop constraint items_user_id_fkey on public.items
ALTER TABLE public.items DROP CONSTRAINT items_user_id_fkey;
