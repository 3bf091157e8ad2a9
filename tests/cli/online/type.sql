-- migrate:upgrade
-- wait at most 5s for each lock, then fail (retort tries the step again: lock_retries)
SET LOCAL lock_timeout = '5s';

-- alter column public.items.price: type integer -> bigint
-- rewrites table public.items and its indexes under an ACCESS EXCLUSIVE lock (no reads or writes until it ends); on a large live table change the type in steps instead: a new column, written by both, backfilled in batches (see "Changing a column's type" in docs/postgresql.md)
ALTER TABLE public.items ALTER COLUMN price TYPE bigint USING price::bigint;

-- alter column public.items.note: type character varying(20) -> character varying(40)
-- character varying(20) to character varying(40) keeps every value as it is stored: no rewrite
-- retort:lint-ignore changing-column-type
ALTER TABLE public.items ALTER COLUMN note TYPE character varying(40) USING note::character varying(40);

-- migrate:downgrade
-- wait at most 5s for each lock, then fail (retort tries the step again: lock_retries)
SET LOCAL lock_timeout = '5s';

-- alter column public.items.price: type bigint -> integer
-- WARNING: changes the type of public.items.price from bigint to integer: values that do not fit fail the change or are converted; rewrites table public.items and its indexes under an ACCESS EXCLUSIVE lock (no reads or writes until it ends); on a large live table change the type in steps instead: a new column, written by both, backfilled in batches (see "Changing a column's type" in docs/postgresql.md)
ALTER TABLE public.items ALTER COLUMN price TYPE integer USING price::integer;

-- alter column public.items.note: type character varying(40) -> character varying(20)
-- WARNING: changes the type of public.items.note from character varying(40) to character varying(20): values that do not fit fail the change or are converted; rewrites table public.items and its indexes under an ACCESS EXCLUSIVE lock (no reads or writes until it ends); on a large live table change the type in steps instead: a new column, written by both, backfilled in batches (see "Changing a column's type" in docs/postgresql.md)
ALTER TABLE public.items ALTER COLUMN note TYPE character varying(20) USING note::character varying(20);
