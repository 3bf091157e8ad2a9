-- schema.sql - the declared schema of the example blog (what the migrations build).
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    author_id INTEGER NOT NULL REFERENCES users(id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    published_at TEXT,
    comment_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ix_posts_author ON posts(author_id);
CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    body TEXT NOT NULL
);
CREATE TRIGGER comments_count AFTER INSERT ON comments
BEGIN
    UPDATE posts SET comment_count = comment_count + 1 WHERE id = new.post_id;
END;
CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE post_tags (
    post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags(id),
    PRIMARY KEY (post_id, tag_id)
) WITHOUT ROWID;
CREATE TABLE settings (key TEXT PRIMARY KEY, value NOT NULL);
CREATE VIEW post_summary AS
SELECT p.id, p.title, u.name AS author, p.comment_count,
       (SELECT count(*) FROM post_tags t WHERE t.post_id = p.id) AS tag_count
FROM posts p JOIN users u ON u.id = p.author_id;
