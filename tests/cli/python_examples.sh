#!/bin/bash
# python_examples.sh - examples/flask as a user runs it: its migrations
# agree with its models (retort check), upgrade builds its database, the
# Flask app works on it, and a model change migrates.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/python.inc"

EXAMPLES="$_REPO/examples"

# The Flask test client against the app on ./app.db; prints the JSON of the posts.
flask_client() {
	"$PY" - <<'PY'
from app import create_app

app = create_app()
c = app.test_client()
r = c.post("/users", json={"username": "ann", "email": "ann@example.com"})
assert r.status_code == 201, r.data
uid = r.get_json()["id"]
assert c.post("/posts", json={"body": "hello", "user_id": uid, "category": "news"}).status_code == 201
assert c.post("/posts", json={"body": "again", "user_id": uid}).status_code == 201
print(c.get("/posts").get_data(as_text=True).strip())
PY
}

sqlite_test_flask_example() {
	py_need flask flask_sqlalchemy sqlalchemy
	cp -R "$EXAMPLES/flask/." .
	unset DATABASE_URL
	rt check
	expect_rc 0
	expect_err_has "No changes"
	rt upgrade head
	expect_rc 0
	expect_err_has "categories"
	[ -f app.db ] || fail "the app's database is not where retort put it"
	local posts
	posts=$(flask_client) || fail "the Flask app failed: $posts"
	grep -q '"category":"news"' <<<"$posts" || fail "unexpected posts: $posts"
	grep -q '"author":"ann"' <<<"$posts" || fail "unexpected posts: $posts"
	# a model change, as the guides make one
	sed -i 's|^    password_hash = db.Column(db.String(256))$|&\n    about_me = db.Column(db.String(140))|' app/models.py
	rt migrate -m "about me"
	expect_rc 0
	grep -q "ADD COLUMN about_me" "$OUT" || fail "no ADD COLUMN in $OUT"
	rt upgrade head
	expect_rc 0
	expect_q "SELECT username, about_me FROM user" "ann|"
	rt downgrade base
	expect_rc 0
	expect_q "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('user', 'post', 'category')" "0"
}

run_tests
