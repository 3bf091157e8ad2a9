-- Revision ID: crlf
-- Revises:
-- migrate:upgrade
SELECT 1;
