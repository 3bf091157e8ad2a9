-- migrate:upgrade transaction:false
-- create index public.items_price (concurrently)
-- built without blocking writes; a failed build left INVALID is dropped first
DO $retort$
BEGIN
	IF EXISTS (SELECT FROM pg_catalog.pg_index
		   WHERE indexrelid = pg_catalog.to_regclass('public.items_price') AND NOT indisvalid) THEN
		PERFORM pg_catalog.set_config('lock_timeout', '5s', true);
		DROP INDEX public.items_price;
	END IF;
END
$retort$;
CREATE INDEX CONCURRENTLY IF NOT EXISTS items_price ON public.items USING btree (price);

-- migrate:downgrade
-- migrate:upgrade transaction:false
-- drop index public.items_price (concurrently)
DROP INDEX CONCURRENTLY IF EXISTS public.items_price;
