-- Revision ID: fb60d396ca3d
-- Revises: b6e41246b4be
-- Create Date: 2026-12-03 15:35:51.012391+00:00
-- Message: items and users.is_active
-- Branch Labels:
-- Depends On:

-- migrate:upgrade
-- create sequence public.items_id_seq
CREATE SEQUENCE public.items_id_seq AS integer;

-- add column public.users.is_active
ALTER TABLE public.users ADD COLUMN is_active boolean DEFAULT true NOT NULL;

-- create table public.items
CREATE TABLE public.items (
    id integer DEFAULT nextval('public.items_id_seq'::regclass) NOT NULL,
    title character varying(200) NOT NULL,
    description text,
    owner_id integer NOT NULL,
    CONSTRAINT pk_items PRIMARY KEY (id)
);

-- sequence public.items_id_seq: owned by public.items.id
ALTER SEQUENCE public.items_id_seq OWNED BY public.items.id;

-- create index public.ix_items_owner_id
CREATE INDEX ix_items_owner_id ON public.items USING btree (owner_id);

-- create index public.ix_items_title
CREATE INDEX ix_items_title ON public.items USING btree (title);

-- add foreign key fk_items_owner_id_users on public.items
ALTER TABLE public.items ADD CONSTRAINT fk_items_owner_id_users FOREIGN KEY (owner_id) REFERENCES public.users(id) ON DELETE CASCADE;

-- migrate:downgrade
-- drop constraint fk_items_owner_id_users on public.items
ALTER TABLE public.items DROP CONSTRAINT fk_items_owner_id_users;

-- sequence public.items_id_seq: owned by nothing
ALTER SEQUENCE public.items_id_seq OWNED BY NONE;

-- drop column public.users.is_active
-- WARNING: drops column public.users.is_active and its data
ALTER TABLE public.users DROP COLUMN is_active;

-- drop table public.items
-- WARNING: drops table public.items and all its rows
DROP TABLE public.items;

-- drop sequence public.items_id_seq
DROP SEQUENCE public.items_id_seq;
