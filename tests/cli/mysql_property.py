#!/usr/bin/python3
"""mysql_property.py SEED: one random pair of MySQL schemas (A, B), as two SQL files.

The MySQL part of the schema-diff property test (tests/cli/mysql_property.sh
runs it): A has tables with columns of MySQL's types (numbers, strings with
their own character sets and collations, times, ENUM, JSON, generated
columns, ON UPDATE), keys, indexes (prefix, FULLTEXT, descending), foreign
keys, checks, views and triggers; B is A after a few random mutations
(columns added, dropped, retyped, renamed in place of another; keys and
indexes added and dropped; tables added and dropped; views and triggers
changed).  Each file is written to stdout-named paths A.sql and B.sql in
the current directory, with rows for A that every column type of B can
hold, so the upgrade runs on a table that is not empty.
"""
import random
import sys

rng = random.Random(int(sys.argv[1]))

TYPES = [
    ("INT", "num"), ("BIGINT", "num"), ("SMALLINT UNSIGNED", "num"), ("DECIMAL(10,2)", "num"),
    ("DOUBLE", "num"), ("VARCHAR(40)", "text"), ("VARCHAR(200)", "text"), ("TEXT", "text"),
    ("CHAR(8)", "text"), ("VARCHAR(30) CHARACTER SET latin1", "text"),
    ("VARCHAR(30) COLLATE utf8mb4_bin", "text"), ("DATE", "date"), ("DATETIME(3)", "time"),
    ("TIMESTAMP NULL", "time"), ("ENUM('a','b','c')", "enum"), ("JSON", "json"),
    ("TINYINT(1)", "bool"),
]
VALUES = {"num": ["7", "42"], "text": ["'x1'", "'yy'"], "date": ["'2024-01-02'", "'2025-12-31'"],
          "time": ["'2024-01-02 03:04:05'", "'2025-06-07 08:09:10'"], "enum": ["'a'", "'b'"],
          "json": ["'{\"k\": 1}'", "'[1, 2]'"], "bool": ["0", "1"]}
DEFAULTS = {"num": "0", "text": "'d'", "date": "'2000-01-01'", "time": "'2000-01-01 00:00:00'",
            "enum": "'c'", "bool": "1"}


def q(name):
    return "`" + name + "`"


class Col:
    def __init__(self, name, ty, dom):
        self.name, self.ty, self.dom = name, ty, dom
        self.notnull = rng.random() < 0.3
        self.default = dom in DEFAULTS and ty != "TEXT" and rng.random() < 0.4
        self.gen = None   # a generated column: the expression

    def sql(self):
        if self.gen:
            return "%s %s AS (%s) %s" % (q(self.name), self.ty, self.gen, rng.choice(["VIRTUAL", "STORED"]))
        s = "%s %s" % (q(self.name), self.ty)
        if self.notnull:
            s += " NOT NULL"
        if self.default:
            s += " DEFAULT " + DEFAULTS[self.dom]
        return s


class Table:
    def __init__(self, name):
        self.name = name
        self.cols = [Col("id", "INT", "num")]
        self.cols[0].notnull = True
        self.cols[0].default = False
        self.auto = rng.random() < 0.5
        self.idx = []     # (name, kind, cols)
        self.fks = []     # (name, col, parent)
        self.checks = []  # (name, col)
        self.upd = rng.random() < 0.3   # a TIMESTAMP ... ON UPDATE column
        self.engine_opts = rng.choice(["", " COMMENT='t'", " ROW_FORMAT=DYNAMIC"])

    def col(self, name):
        for c in self.cols:
            if c.name == name:
                return c
        return None


def new_col(t, n):
    ty, dom = rng.choice(TYPES)
    c = Col("c%d" % n, ty, dom)
    t.cols.append(c)
    return c


def new_table(s, n):
    t = Table("t%d" % n)
    for i in range(rng.randint(1, 5)):
        new_col(t, i)
    if rng.random() < 0.3:
        nums = [c for c in t.cols[1:] if c.dom == "num" and c.ty in ("INT", "BIGINT")]
        if nums:
            g = Col("g%d" % n, "BIGINT", "num")
            g.gen = "%s * 2" % q(nums[0].name)
            t.cols.append(g)
    add_indexes(t, rng.randint(0, 2))
    if rng.random() < 0.3 and len(t.cols) > 1:
        c = rng.choice(t.cols[1:])
        if c.dom == "num" and not c.gen:
            t.checks.append(("ck_%s_%s" % (t.name, c.name), c.name))
    s.append(t)
    return t


def add_indexes(t, k):
    for _ in range(k):
        cands = [c for c in t.cols[1:] if not c.gen and c.dom != "json"]
        if not cands:
            return
        c = rng.choice(cands)
        kind = rng.choice(["KEY", "KEY", "UNIQUE KEY", "FULLTEXT KEY"] if c.dom == "text" else ["KEY", "UNIQUE KEY"])
        name = "ix_%s_%d" % (t.name, rng.randint(0, 999))
        if any(i[0] == name for i in t.idx):
            continue
        cols = q(c.name)
        if c.ty == "TEXT" and kind != "FULLTEXT KEY":
            cols += "(10)"
        elif kind == "KEY" and rng.random() < 0.3:
            cols += " DESC"
        t.idx.append((name, kind, cols))


def add_fk(s, t):
    parents = [p for p in s if p is not t and p.name < t.name]
    if not parents:
        return
    p = rng.choice(parents)
    col = "fk_%s" % p.name
    if t.col(col):
        return
    c = Col(col, "INT", "num")
    c.notnull = False
    c.default = False
    t.cols.append(c)
    t.fks.append(("fk_%s_%s" % (t.name, p.name), col, p.name))


def render(s, views, triggers):
    out = []
    for t in s:
        items = [c.sql() + (" AUTO_INCREMENT" if c.name == "id" and t.auto else "") for c in t.cols]
        if t.upd:
            items.append("`touched` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP")
        items.append("PRIMARY KEY (`id`)")
        for name, kind, cols in t.idx:
            items.append("%s %s (%s)" % (kind, q(name), cols))
        for name, col in t.checks:
            items.append("CONSTRAINT %s CHECK (%s >= 0)" % (q(name), q(col)))
        for name, col, parent in t.fks:
            items.append("KEY %s (%s)" % (q("i" + name), q(col)))
            items.append("CONSTRAINT %s FOREIGN KEY (%s) REFERENCES %s (`id`) ON DELETE %s" %
                         (q(name), q(col), q(parent), rng.choice(["CASCADE", "SET NULL", "RESTRICT"])))
        out.append("CREATE TABLE %s (\n  %s\n) ENGINE=InnoDB%s;" % (q(t.name), ",\n  ".join(items), t.engine_opts))
    for v, (t, cols) in views.items():
        out.append("CREATE VIEW %s AS SELECT %s FROM %s;" % (q(v), ", ".join(q(c) for c in cols), q(t)))
    for g, (t, timing) in triggers.items():
        out.append("DELIMITER ;;\nCREATE TRIGGER %s %s INSERT ON %s FOR EACH ROW BEGIN\n  SET @n = COALESCE(@n, 0) + 1;\nEND ;;\nDELIMITER ;" %
                   (q(g), timing, q(t)))
    return "\n\n".join(out) + "\n"


def rows(s):
    """Two rows per table of A, of values every type B may give the column can hold."""
    out = []
    for t in s:
        cols = [c for c in t.cols if not c.gen and not c.name.startswith("fk_")]
        vals = []
        for r in range(2):
            vals.append("(" + ", ".join(str(r + 1) if c.name == "id" else VALUES[c.dom][r] for c in cols) + ")")
        out.append("INSERT INTO %s (%s) VALUES %s;" % (q(t.name), ", ".join(q(c.name) for c in cols), ", ".join(vals)))
    return "\n".join(out) + "\n"


def gen_views(s):
    views = {}
    for i in range(rng.randint(0, 2)):
        t = rng.choice(s)
        cols = [c.name for c in t.cols if not c.gen][:rng.randint(1, 3)]
        views["v%d" % i] = (t.name, cols)
    return views


def gen_triggers(s):
    trg = {}
    for i in range(rng.randint(0, 2)):
        t = rng.choice(s)
        trg["tg%d" % i] = (t.name, rng.choice(["BEFORE", "AFTER"]))
    return trg


def mutate(s, views, triggers, n):
    import copy
    b = copy.deepcopy(s)
    views, triggers = dict(views), dict(triggers)
    for _ in range(rng.randint(1, 4)):
        m = rng.randint(0, 9)
        t = rng.choice(b)
        if m == 0:
            c = new_col(t, 10 + rng.randint(0, 50))
            c.notnull = c.notnull and c.default  # a table with rows: nullable, or a default
        elif m == 1 and len(t.cols) > 2:
            c = rng.choice(t.cols[1:])
            if not c.name.startswith("fk_") and not any(c.name in cols for _, _, cols in t.idx) and \
               not any(c.name == col for _, col in t.checks) and \
               not any(g.gen and c.name in g.gen for g in t.cols):
                t.cols.remove(c)
        elif m == 2:
            c = rng.choice(t.cols[1:]) if len(t.cols) > 1 else None
            if c and not c.gen and not c.name.startswith("fk_") and not any(c.name in cols for _, _, cols in t.idx):
                c.ty, c.dom = {"INT": ("BIGINT", "num"), "VARCHAR(40)": ("VARCHAR(200)", "text"),
                               "SMALLINT UNSIGNED": ("INT", "num"), "CHAR(8)": ("VARCHAR(40)", "text")}.get(c.ty, (c.ty, c.dom))
                c.notnull = not c.notnull if c.default else c.notnull
        elif m == 3 and t.idx:
            t.idx.pop(rng.randrange(len(t.idx)))
        elif m == 4:
            add_indexes(t, 1)
        elif m == 5:
            add_fk(b, t)
        elif m == 6 and t.fks:
            name, col, parent = t.fks.pop()
        elif m == 7:
            new_table(b, 20 + len(b) + rng.randint(0, 9) * 10)
            if len(set(x.name for x in b)) != len(b):
                b.pop()
        elif m == 8 and len(b) > 1:
            victim = rng.choice(b)
            referenced = any(fk[2] == victim.name for o in b for fk in o.fks if o is not victim)
            if not referenced:
                b.remove(victim)
                views = {v: d for v, d in views.items() if d[0] != victim.name}
                triggers = {g: d for g, d in triggers.items() if d[0] != victim.name}
        elif m == 9:
            t.engine_opts = rng.choice(["", " COMMENT='t2'", " ROW_FORMAT=COMPACT"])
    for v, (tn, cols) in list(views.items()):
        t = next((x for x in b if x.name == tn), None)
        if not t or any(not t.col(c) for c in cols):
            del views[v]
    if rng.random() < 0.5:
        views.update(gen_views(b))
    return b, views, triggers


a = []
for i in range(rng.randint(1, 4)):
    new_table(a, i)
for t in a:
    if rng.random() < 0.5:
        add_fk(a, t)
va, ga = gen_views(a), gen_triggers(a)
b, vb, gb = mutate(a, va, ga, 0)
with open("A.sql", "w") as f:
    f.write(render(a, va, ga))
with open("A-rows.sql", "w") as f:
    f.write(rows(a))
with open("B.sql", "w") as f:
    f.write(render(b, vb, gb))
