"""ctypes bindings to libretort: retort.Project and retort.Error.

Only functions of libretort's public API are called (its structures are
opaque); the library is found by $RETORT_LIBRARY, then the build/ directory
of the checkout this package lives in, then the system (libretort.so.0).
"""

import ctypes
import logging
import os
import threading

__all__ = ["Error", "Project", "library_path", "version"]

log = logging.getLogger("retort")

_c = ctypes.c_char_p
_p = ctypes.c_void_p
_i = ctypes.c_int
_z = ctypes.c_size_t

# name: (restype, argtypes) of every function the bindings call
_FUNCTIONS = {
    "rt_version": (_c, []),
    "rt_free": (None, [_p]),
    "rt_error_new": (_p, []),
    "rt_error_free": (None, [_p]),
    "rt_error_clear": (None, [_p]),
    "rt_error_code": (_i, [_p]),
    "rt_error_message": (_c, [_p]),
    "rt_error_hint": (_c, [_p]),
    "rt_error_file": (_c, [_p]),
    "rt_error_line": (_i, [_p]),
    "rt_error_column": (_i, [_p]),
    "rt_error_fix": (_i, [_p]),
    "rt_error_fix_arg": (_c, [_p]),
    "rt_strerror": (_c, [_i]),
    "rt_config_load_with": (_p, [_c, _c, _i, ctypes.POINTER(_c), ctypes.POINTER(_c), _z, _p]),
    "rt_config_set_placeholder": (None, [_p, _c, _c]),
    "rt_config_free": (None, [_p]),
    "rt_ctx_open": (_p, [_p, _p]),
    "rt_ctx_close": (None, [_p]),
    "rt_ctx_graph": (_p, [_p]),
    "rt_ctx_on_event": (None, [_p, _p, _p]),
    "rt_ctx_set_offline": (None, [_p, _p, _p]),
    "rt_upgrade": (_i, [_p, _c, _p]),
    "rt_downgrade": (_i, [_p, _c, _p]),
    "rt_stamp": (_i, [_p, ctypes.POINTER(_c), _z, _i, _p]),
    "rt_current": (_p, [_p, _p]),
    "rt_state_free": (None, [_p]),
    "rt_state_head_count": (_z, [_p]),
    "rt_state_head": (_i, [_p, _z]),
    "rt_state_unknown_count": (_z, [_p]),
    "rt_state_unknown": (_c, [_p, _z]),
    "rt_graph_count": (_z, [_p]),
    "rt_graph_revision": (_p, [_p, _i]),
    "rt_graph_head_count": (_z, [_p]),
    "rt_graph_head": (_i, [_p, _z]),
    "rt_graph_order": (_i, [_p, _z]),
    "rt_revision_id": (_c, [_p]),
    "rt_revision_message": (_c, [_p]),
    "rt_revision_create_date": (_c, [_p]),
    "rt_revision_path": (_c, [_p]),
    "rt_revision_down_count": (_z, [_p]),
    "rt_revision_down": (_c, [_p, _z]),
    "rt_revision_label_count": (_z, [_p]),
    "rt_revision_label": (_c, [_p, _z]),
    "rt_revision_depends_count": (_z, [_p]),
    "rt_revision_depends": (_c, [_p, _z]),
    "rt_revision_child_count": (_z, [_p]),
    "rt_event_kind_of": (_i, [_p]),
    "rt_event_direction": (_i, [_p]),
    "rt_event_revision": (_p, [_p]),
    "rt_event_from": (_c, [_p]),
    "rt_event_to": (_c, [_p]),
    "rt_event_elapsed_ms": (ctypes.c_double, [_p]),
    "rt_event_text": (_c, [_p]),
    "rt_event_total": (ctypes.c_longlong, [_p]),
    "rt_event_statement": (_i, [_p]),
    "rt_event_statements": (_i, [_p]),
    "rt_event_line": (_i, [_p]),
}

# rt_code, rt_event_kind and rt_direction, as retort.h numbers them
_CODES = ["ok", "fail", "usage", "config", "script", "graph", "resolve", "db", "sql", "lock", "io"]
_EV_STEP_BEGIN, _EV_STEP_END, _EV_LOCK_WAIT, _EV_NOTICE, _EV_BATCH, _EV_STATEMENT = range(6)
_DIRECTIONS = ["upgrade", "downgrade", "stamp"]
# rt_fix: what would fix an error (Error.fix), as retort.h numbers them
_FIXES = [None, "upgrade", "downgrade", "stamp", "stamp_purge", "merge", "new_project",
          "autogenerate", "read_current", "list_revisions", "set", "set_placeholder", "resume"]

_EVENT_FN = ctypes.CFUNCTYPE(None, _p, _p)
_OUTPUT_FN = ctypes.CFUNCTYPE(None, ctypes.POINTER(ctypes.c_char), _z, _p)

_lib = None
_lib_path = None
_lib_lock = threading.Lock()


def _candidates():
    env = os.environ.get("RETORT_LIBRARY")
    if env:
        return [env]
    here = os.path.dirname(os.path.abspath(__file__))
    build = os.path.join(os.path.dirname(os.path.dirname(here)), "build")
    # the system's: dlopen searches the linker's paths (ctypes.util.find_library
    # would cost a web app's start-up 40 ms of imports for the same answer)
    return [os.path.join(build, "libretort.so.0"), "libretort.so.0"]


def _load():
    """The library, loaded once; OSError naming where it was looked for."""
    global _lib, _lib_path
    with _lib_lock:
        if _lib is not None:
            return _lib
        tried = []
        for path in _candidates():
            if os.sep in path and not os.path.exists(path):
                tried.append(path + " (no such file)")
                continue
            try:
                lib = ctypes.CDLL(path)
            except OSError as e:
                tried.append("%s (%s)" % (path, e))
                continue
            missing = [n for n in _FUNCTIONS if not hasattr(lib, n)]
            if missing:
                tried.append("%s (lacks %s: an older libretort)" % (path, ", ".join(missing[:3])))
                continue
            for name, (res, args) in _FUNCTIONS.items():
                fn = getattr(lib, name)
                fn.restype = res
                fn.argtypes = args
            _lib, _lib_path = lib, path
            return lib
        raise OSError("libretort not found; looked for: %s. Build it (make), install it "
                      "(make install), or name it in RETORT_LIBRARY" % "; ".join(tried))


def library_path():
    """The libretort the bindings use (loading it if need be)."""
    _load()
    return _lib_path


def _s(b):
    return b.decode("utf-8", "replace") if b is not None else None


def _b(s):
    return s.encode("utf-8") if s is not None else None


class Error(Exception):
    """A failure reported by libretort.

    message  what happened (several problems: one per line)
    hint     what to do next, or None
    revision the revision that was running when it failed, or None
    file     the file at fault (a migration, retort.ini), or None
    line     its line (0 when unknown); column likewise
    code     the kind: "config", "script", "graph", "resolve", "db", "sql", "lock", ...
    fix      when one action would fix it, (action, argument): ("stamp", "ae10"),
             ("merge", "heads"), ("set", "lock_wait"), ...; else None
    """

    def __init__(self, message, hint=None, revision=None, file=None, line=0, column=0,
                 code="fail", fix=None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.revision = revision
        self.file = file
        self.line = line
        self.column = column
        self.code = code
        self.fix = fix

    def __str__(self):
        where = ""
        if self.file:
            where = self.file + (":%d" % self.line if self.line else "") + ": "
        return where + self.message + ("\nhint: " + self.hint if self.hint else "")


class _Err:
    """An rt_error for one call; raises Error from it."""

    def __init__(self, lib):
        self.lib = lib
        self.p = lib.rt_error_new()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.lib.rt_error_free(self.p)

    def raise_(self, revision=None):
        lib, p = self.lib, self.p
        code = lib.rt_error_code(p)
        fix = lib.rt_error_fix(p)
        fix = (_FIXES[fix] if 0 <= fix < len(_FIXES) else str(fix),
               _s(lib.rt_error_fix_arg(p))) if fix else None
        raise Error(_s(lib.rt_error_message(p)) or "unknown error", _s(lib.rt_error_hint(p)),
                    revision if code == _CODES.index("sql") else None,
                    _s(lib.rt_error_file(p)), lib.rt_error_line(p), lib.rt_error_column(p),
                    _CODES[code] if 0 <= code < len(_CODES) else str(code), fix)


class Project:
    """A retort project: its configuration, its migration files, its database.

        project = retort.Project(config="retort.ini", env=None, url=None)
        project.upgrade("head")

    config  retort.ini's path (None: $RETORT_CONFIG, else ./retort.ini, else
            the defaults, migrations/ in the current directory)
    env     an [env:NAME] section (None: $RETORT_ENV)
    url     the database URL, replacing the file's url before its ${VAR}s are
            expanded (SQLAlchemy's postgresql+asyncpg:// forms are fine)
    placeholders  values for ${name} in migrations (as -x name=value)
    logger  where progress goes (default: the "retort" logger); never stdout

    A Project may be used from several threads (calls are serialised); to
    migrate several databases at once, make one Project each.
    """

    def __init__(self, config=None, env=None, url=None, placeholders=None, logger=None):
        self._lib = lib = _load()
        self._log = logger or log
        self._lock = threading.Lock()
        self._cfg = self._ctx = None
        self._running = None  # the revision of the step in flight
        keys = [b"url"] if url is not None else []
        vals = [_b(url)] if url is not None else []
        karr = (_c * max(len(keys), 1))(*keys)
        varr = (_c * max(len(vals), 1))(*vals)
        with _Err(lib) as err:
            cfg = lib.rt_config_load_with(_b(os.fspath(config)) if config is not None else None,
                                          _b(env), 1 if config is not None else 0,
                                          karr, varr, len(keys), err.p)
            if not cfg:
                err.raise_()
            self._cfg = cfg
            for k, v in (placeholders or {}).items():
                lib.rt_config_set_placeholder(cfg, _b(str(k)), _b(str(v)))
            ctx = lib.rt_ctx_open(cfg, err.p)
            if not ctx:
                self.close()
                err.raise_()
            self._ctx = ctx
        self._on_event = _EVENT_FN(self._event)
        lib.rt_ctx_on_event(self._ctx, ctypes.cast(self._on_event, _p), None)

    # ------------------------------------------------------------------
    def close(self):
        """Release the library's objects (also done when collected)."""
        lib = getattr(self, "_lib", None)
        if lib is None:
            return
        if getattr(self, "_ctx", None):
            lib.rt_ctx_close(self._ctx)
            self._ctx = None
        if getattr(self, "_cfg", None):
            lib.rt_config_free(self._cfg)
            self._cfg = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def _need(self):
        if not self._ctx:
            raise Error("the project is closed", code="usage")
        return self._ctx

    # ------------------------------------------------------------------
    def _event(self, ev, _ud):
        """Progress from libretort, to the logger (exceptions stay here)."""
        try:
            lib = self._lib
            kind = lib.rt_event_kind_of(ev)
            if kind in (_EV_STEP_BEGIN, _EV_STEP_END):
                rev = lib.rt_event_revision(ev)
                rid = _s(lib.rt_revision_id(rev)) if rev else None
                msg = _s(lib.rt_revision_message(rev)) if rev else None
                direction = _DIRECTIONS[lib.rt_event_direction(ev)]
                if kind == _EV_STEP_BEGIN:
                    self._running = rid
                    self._log.info("Running %s %s -> %s%s", direction, _s(lib.rt_event_from(ev)),
                                   _s(lib.rt_event_to(ev)), ", " + msg if msg else "")
                else:
                    self._running = None
                    self._log.debug("%s %s done in %.1f ms", direction, rid or "",
                                    lib.rt_event_elapsed_ms(ev))
            elif kind == _EV_LOCK_WAIT:
                self._log.warning("%s", _s(lib.rt_event_text(ev)))
            elif kind == _EV_NOTICE:
                self._log.info("%s", _s(lib.rt_event_text(ev)))
            elif kind == _EV_BATCH:
                self._log.info("batch: %d rows so far", lib.rt_event_total(ev))
            elif kind == _EV_STATEMENT:  # MySQL DDL: each statement commits on its own
                self._log.info("statement %d of %d (line %d) took effect",
                               lib.rt_event_statement(ev), lib.rt_event_statements(ev),
                               lib.rt_event_line(ev))
        except Exception:  # never into C
            self._log.exception("retort: a progress event could not be logged")

    def _run(self, fn, target, sql):
        """Run rt_upgrade or rt_downgrade, online, or with sql=True offline."""
        with self._lock:
            ctx = self._need()
            lib = self._lib
            chunks = []
            out = None
            if sql:
                def collect(text, n, _ud):
                    chunks.append(ctypes.string_at(text, n))
                out = _OUTPUT_FN(collect)
                lib.rt_ctx_set_offline(ctx, ctypes.cast(out, _p), None)
            self._running = None
            try:
                with _Err(lib) as err:
                    if fn(ctx, _b(target), err.p) < 0:
                        err.raise_(self._running)
            finally:
                if sql:
                    lib.rt_ctx_set_offline(ctx, None, None)
            return b"".join(chunks).decode("utf-8", "replace") if sql else None

    def upgrade(self, target="head", sql=False):
        """Apply migrations up to target ("head", "heads", an id, "+1", ...).

        Takes the migration lock, reads the version table under it (so
        several processes starting at once apply each migration once), and
        runs each migration with its version-table update in a transaction.
        With sql=True nothing connects: the SQL it would run is returned
        (target may be a range "A:B")."""
        return self._run(self._lib.rt_upgrade, target, sql)

    def downgrade(self, target, sql=False):
        """Revert migrations down to target ("-1", "base", an id, ...)."""
        return self._run(self._lib.rt_downgrade, target, sql)

    def stamp(self, *targets, purge=False):
        """Set the version table to targets without running migrations."""
        with self._lock:
            ctx = self._need()
            arr = (_c * max(len(targets), 1))(*[_b(t) for t in targets])
            with _Err(self._lib) as err:
                if self._lib.rt_stamp(ctx, arr, len(targets), 1 if purge else 0, err.p) < 0:
                    err.raise_()

    # ------------------------------------------------------------------
    def _rev(self, g, i):
        lib = self._lib
        r = lib.rt_graph_revision(g, i)

        def lst(count, get):
            return [_s(get(r, k)) for k in range(count(r))]

        return {
            "id": _s(lib.rt_revision_id(r)),
            "down_revisions": lst(lib.rt_revision_down_count, lib.rt_revision_down),
            "branch_labels": lst(lib.rt_revision_label_count, lib.rt_revision_label),
            "depends_on": lst(lib.rt_revision_depends_count, lib.rt_revision_depends),
            "message": _s(lib.rt_revision_message(r)),
            "create_date": _s(lib.rt_revision_create_date(r)),
            "path": _s(lib.rt_revision_path(r)),
            "is_head": lib.rt_revision_child_count(r) == 0,
        }

    def current(self):
        """The revision ids the database is at (its heads); [] at base.

        Reads the version table without changing anything.  A revision the
        database records but no file defines raises Error."""
        with self._lock:
            ctx = self._need()
            lib = self._lib
            with _Err(lib) as err:
                st = lib.rt_current(ctx, err.p)
                if not st:
                    err.raise_()
            try:
                unknown = [_s(lib.rt_state_unknown(st, i)) for i in range(lib.rt_state_unknown_count(st))]
                if unknown:
                    raise Error("the database is at revision %s, which no migration file defines"
                                % ", ".join(unknown),
                                "restore the missing file, or stamp the database at a known revision",
                                code="db")
                g = lib.rt_ctx_graph(ctx)
                return [_s(lib.rt_revision_id(lib.rt_graph_revision(g, lib.rt_state_head(st, i))))
                        for i in range(lib.rt_state_head_count(st))]
            finally:
                lib.rt_state_free(st)

    def heads(self):
        """The head revision ids of the migration files."""
        with self._lock:
            g = self._lib.rt_ctx_graph(self._need())
            return [_s(self._lib.rt_revision_id(self._lib.rt_graph_revision(g, self._lib.rt_graph_head(g, i))))
                    for i in range(self._lib.rt_graph_head_count(g))]

    def history(self):
        """Every revision, newest first (as `retort history`): dicts with id,
        down_revisions, branch_labels, depends_on, message, create_date, path,
        is_head."""
        with self._lock:
            g = self._lib.rt_ctx_graph(self._need())
            n = self._lib.rt_graph_count(g)
            return [self._rev(g, self._lib.rt_graph_order(g, k)) for k in reversed(range(n))]

    def is_up_to_date(self):
        """True when the database is at every head."""
        return sorted(self.current()) == sorted(self.heads())


def version():
    """libretort's version string."""
    return _s(_load().rt_version())
