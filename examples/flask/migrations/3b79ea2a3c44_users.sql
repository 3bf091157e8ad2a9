-- Revision ID: 3b79ea2a3c44
-- Revises:
-- Create Date: 2026-12-03 15:04:10.102325+00:00
-- Message: users
-- Branch Labels:
-- Depends On:

-- migrate:upgrade
-- create table user
CREATE TABLE user (
	id INTEGER NOT NULL, 
	username VARCHAR(64) NOT NULL, 
	email VARCHAR(120) NOT NULL, 
	password_hash VARCHAR(256), 
	CONSTRAINT pk_user PRIMARY KEY (id)
);

-- create index ix_user_email on user
CREATE UNIQUE INDEX ix_user_email ON user (email);

-- create index ix_user_username on user
CREATE UNIQUE INDEX ix_user_username ON user (username);

-- migrate:downgrade
-- drop table user
-- WARNING: drops table user and all its rows
DROP TABLE user;
