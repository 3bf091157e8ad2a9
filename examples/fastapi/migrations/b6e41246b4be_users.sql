-- Revision ID: b6e41246b4be
-- Revises:
-- Create Date: 2026-12-03 15:35:47.991699+00:00
-- Message: users
-- Branch Labels:
-- Depends On:

-- migrate:upgrade
-- create sequence public.users_id_seq
CREATE SEQUENCE public.users_id_seq AS integer;

-- create table public.users
CREATE TABLE public.users (
    id integer DEFAULT nextval('public.users_id_seq'::regclass) NOT NULL,
    email character varying(255) NOT NULL,
    hashed_password character varying(255) NOT NULL,
    CONSTRAINT pk_users PRIMARY KEY (id)
);

-- sequence public.users_id_seq: owned by public.users.id
ALTER SEQUENCE public.users_id_seq OWNED BY public.users.id;

-- create index public.ix_users_email
CREATE UNIQUE INDEX ix_users_email ON public.users USING btree (email);

-- migrate:downgrade
-- sequence public.users_id_seq: owned by nothing
ALTER SEQUENCE public.users_id_seq OWNED BY NONE;

-- drop table public.users
-- WARNING: drops table public.users and all its rows
DROP TABLE public.users;

-- drop sequence public.users_id_seq
DROP SEQUENCE public.users_id_seq;
