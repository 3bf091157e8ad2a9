-- Revision ID: 4c04f5f7ccce
-- Revises: 3b79ea2a3c44
-- Create Date: 2026-12-03 15:04:10.969397+00:00
-- Message: posts
-- Branch Labels:
-- Depends On:

-- migrate:upgrade
-- create table post
CREATE TABLE post (
	id INTEGER NOT NULL, 
	body VARCHAR(140) NOT NULL, 
	timestamp DATETIME, 
	user_id INTEGER NOT NULL, 
	CONSTRAINT pk_post PRIMARY KEY (id), 
	CONSTRAINT fk_post_user_id_user FOREIGN KEY(user_id) REFERENCES user (id)
);

-- create index ix_post_timestamp on post
CREATE INDEX ix_post_timestamp ON post (timestamp);

-- create index ix_post_user_id on post
CREATE INDEX ix_post_user_id ON post (user_id);

-- migrate:downgrade
-- drop table post
-- WARNING: drops table post and all its rows
DROP TABLE post;
