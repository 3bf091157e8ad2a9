-- Revision ID: 6fe3388db813
-- Revises: 4c04f5f7ccce
-- Create Date: 2026-12-03 15:04:11.852047+00:00
-- Message: categories
-- Branch Labels:
-- Depends On:

-- migrate:upgrade
-- create table category
CREATE TABLE category (
	id INTEGER NOT NULL, 
	name VARCHAR(50) NOT NULL, 
	CONSTRAINT pk_category PRIMARY KEY (id), 
	CONSTRAINT uq_category_name UNIQUE (name)
);

-- rebuild table post: column post.category_id added; foreign key fk_post_category_id_category on post: FOREIGN KEY (category_id) REFERENCES category (id) ON UPDATE NO ACTION ON DELETE NO ACTION added
-- SQLite's ALTER TABLE cannot do this: the table is copied into a new one (assumes PRAGMA foreign_keys is OFF, as on retort's connection)
CREATE TABLE _retort_new_post (
	id INTEGER NOT NULL, 
	body VARCHAR(140) NOT NULL, 
	timestamp DATETIME, 
	user_id INTEGER NOT NULL, 
	category_id INTEGER, 
	CONSTRAINT pk_post PRIMARY KEY (id), 
	CONSTRAINT fk_post_user_id_user FOREIGN KEY(user_id) REFERENCES user (id), 
	CONSTRAINT fk_post_category_id_category FOREIGN KEY(category_id) REFERENCES category (id)
);
INSERT INTO _retort_new_post (id, body, timestamp, user_id) SELECT id, body, timestamp, user_id FROM post;
DROP TABLE post;
ALTER TABLE _retort_new_post RENAME TO post;
CREATE INDEX ix_post_category_id ON post (category_id);
CREATE INDEX ix_post_timestamp ON post (timestamp);
CREATE INDEX ix_post_user_id ON post (user_id);

-- check foreign keys after rebuilding tables
PRAGMA foreign_key_check;

-- migrate:downgrade
-- drop table category
-- WARNING: drops table category and all its rows
DROP TABLE category;

-- rebuild table post: column post.category_id removed; foreign key fk_post_category_id_category on post: FOREIGN KEY (category_id) REFERENCES category (id) ON UPDATE NO ACTION ON DELETE NO ACTION removed
-- WARNING: drops column post.category_id and its data; SQLite's ALTER TABLE cannot do this: the table is copied into a new one (assumes PRAGMA foreign_keys is OFF, as on retort's connection)
CREATE TABLE _retort_new_post (
	id INTEGER NOT NULL, 
	body VARCHAR(140) NOT NULL, 
	timestamp DATETIME, 
	user_id INTEGER NOT NULL, 
	CONSTRAINT pk_post PRIMARY KEY (id), 
	CONSTRAINT fk_post_user_id_user FOREIGN KEY(user_id) REFERENCES user (id)
);
INSERT INTO _retort_new_post (id, body, timestamp, user_id) SELECT id, body, timestamp, user_id FROM post;
DROP TABLE post;
ALTER TABLE _retort_new_post RENAME TO post;
CREATE INDEX ix_post_timestamp ON post (timestamp);
CREATE INDEX ix_post_user_id ON post (user_id);

-- check foreign keys after rebuilding tables
PRAGMA foreign_key_check;
