-- migrate:upgrade transaction:false
-- add unique constraint items_sku_key on public.items (1/2): its index, concurrently
-- built without blocking writes; a failed build left INVALID is dropped first
DO $retort$
BEGIN
	IF EXISTS (SELECT FROM pg_catalog.pg_index
		   WHERE indexrelid = pg_catalog.to_regclass('public.items_sku_key') AND NOT indisvalid) THEN
		PERFORM pg_catalog.set_config('lock_timeout', '5s', true);
		DROP INDEX public.items_sku_key;
	END IF;
END
$retort$;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS items_sku_key ON public.items USING btree (sku);

-- migrate:upgrade
-- wait at most 5s for each lock, then fail (retort tries the step again: lock_retries)
SET LOCAL lock_timeout = '5s';

-- add unique constraint items_sku_key on public.items (2/2): the constraint, using the index
ALTER TABLE public.items ADD CONSTRAINT items_sku_key UNIQUE USING INDEX items_sku_key;

-- migrate:downgrade
-- wait at most 5s for each lock, then fail (retort tries the step again: lock_retries)
SET LOCAL lock_timeout = '5s';

-- drop constraint items_sku_key on public.items
ALTER TABLE public.items DROP CONSTRAINT items_sku_key;
