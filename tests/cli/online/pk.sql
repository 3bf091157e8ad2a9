-- migrate:upgrade transaction:false
-- add primary key events_pkey on public.events (1/2): its index, concurrently
-- built without blocking writes; a failed build left INVALID is dropped first
DO $retort$
BEGIN
	IF EXISTS (SELECT FROM pg_catalog.pg_index
		   WHERE indexrelid = pg_catalog.to_regclass('public.events_pkey') AND NOT indisvalid) THEN
		PERFORM pg_catalog.set_config('lock_timeout', '5s', true);
		DROP INDEX public.events_pkey;
	END IF;
END
$retort$;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS events_pkey ON public.events USING btree (id);

-- migrate:upgrade
-- wait at most 5s for each lock, then fail (retort tries the step again: lock_retries)
SET LOCAL lock_timeout = '5s';

-- add primary key events_pkey on public.events (2/2): the constraint, using the index
ALTER TABLE public.events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_pkey;

-- migrate:downgrade
-- wait at most 5s for each lock, then fail (retort tries the step again: lock_retries)
SET LOCAL lock_timeout = '5s';

-- drop constraint events_pkey on public.events
ALTER TABLE public.events DROP CONSTRAINT events_pkey;
