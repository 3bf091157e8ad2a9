/*
 * options.c - the one option parser: every command describes its options
 * in a table, and the global options (-c, -e, -x, --url, -q, -v,
 * --lock-wait, --confirm, --help) are accepted before or after the command
 * name.
 */
#include "cli.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const opt global_opts[] = {
	OPT_STRING('c', "config", NULL, "FILE", "configuration file (default: $RETORT_CONFIG, else ./retort.ini)"),
	OPT_STRING('e', "env", NULL, "NAME", "use the settings of [env:NAME] (default: $RETORT_ENV)"),
	OPT_LIST('x', NULL, NULL, "KEY=VALUE", "a value for ${KEY} in migrations (repeatable)"),
	OPT_STRING(0, "url", NULL, "URL", "database URL (overrides the configuration)"),
	OPT_STRING(0, "lock-wait", NULL, "SECONDS", "how long to wait for another retort's lock"),
	OPT_STRING(0, "confirm", NULL, "NAME", "go on in a protected environment: its name"),
	OPT_BOOL(0, "json", NULL, "data as JSON (read-only commands; see docs/json.md)"),
	OPT_BOOL('q', "quiet", NULL, "print no progress"),
	OPT_BOOL('v', "verbose", NULL, "more detail"),
	OPT_BOOL('h', "help", NULL, "show this help"),
	OPT_END(),
};

const opt *cli_global_options(void)
{
	return global_opts;
}

/* Point the global table's entries at this run's cli struct. */
static void bind_globals(cli *c, opt *g)
{
	memcpy(g, global_opts, sizeof(global_opts));
	g[0].value = &c->config_path;
	g[1].value = &c->env;
	g[2].value = &c->xargs;
	g[3].value = &c->url;
	g[4].value = &c->lock_wait_arg;
	g[5].value = &c->confirm;
	g[6].value = &c->json;
	g[7].value = &c->quiet;
	g[8].value = &c->verbose;
	g[9].value = &c->help;
}

/* See cli.h; "error:" is red when stderr is a terminal. */
int usage_error(cli *c, const char *usage, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%serror:%s ", c->color ? "\033[1;31m" : "",
		c->color ? "\033[0m" : "");
	va_start(ap, fmt);
	cli_vprint_safe(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: %s\nSee 'retort %s --help'.\n", usage,
		c->cmd ? c->cmd : "");
	return 2;
}

/*
 * One option table of --help: "-s, --long ARG" in 26 columns (long-only
 * options indented to line up with the others), then the help text.
 */
static void print_table(const opt *o)
{
	for (; o->type != OPT_END; o++) {
		char left[64];
		int n = 0;
		if (o->short_name && o->long_name)
			n = snprintf(left, sizeof(left), "-%c, --%s", o->short_name, o->long_name);
		else if (o->short_name)
			n = snprintf(left, sizeof(left), "-%c", o->short_name);
		else
			n = snprintf(left, sizeof(left), "    --%s", o->long_name);
		if (o->argname && n > 0 && (size_t)n < sizeof(left))
			snprintf(left + n, sizeof(left) - (size_t)n, " %s", o->argname);
		printf("  %-26s %s\n", left, o->help);
	}
}

static void print_help(const opt *opts, const char *usage, const char *desc)
{
	printf("usage: %s\n\n%s\n", usage, desc);
	if (opts && opts->type != OPT_END) {
		printf("\noptions:\n");
		print_table(opts);
	}
	printf("\nglobal options:\n");
	print_table(global_opts);
}

/*
 * The option of table t (NULL: none) with short name s, or with long name
 * l of length ll: l is not NUL-terminated when "--name=value" has an '='.
 */
static const opt *find_opt(const opt *t, char s, const char *l, size_t ll)
{
	for (; t && t->type != OPT_END; t++) {
		if (s && t->short_name == s)
			return t;
		if (l && t->long_name && strlen(t->long_name) == ll &&
		    !strncmp(t->long_name, l, ll))
			return t;
	}
	return NULL;
}

/*
 * Store an option's value where its table points: 1 for a bool, the argv
 * string itself for a string (not copied; the last one given wins), one
 * more entry for a list (the command frees l->v).  An option with no
 * destination is accepted and ignored.
 */
static void set_opt(const opt *o, const char *val)
{
	if (!o->value)
		return;
	if (o->type == OPT_BOOL) {
		*(int *)o->value = 1;
	} else if (o->type == OPT_STRING) {
		*(const char **)o->value = val;
	} else {
		cli_list_add(o->value, val);
	}
}

/* See cli.h. */
void cli_list_add(opt_list *l, const char *s)
{
	l->v = realloc(l->v, (l->n + 1) * sizeof(*l->v));
	if (!l->v)
		abort();
	l->v[l->n++] = s;
}

static int is_number(const char *s)
{
	if (*s != '-' || !isdigit((unsigned char)s[1]))
		return 0;
	for (s++; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* Handle "--name[=value]" at argv[*i]; -1 on error. */
static int long_option(cli *c, const opt *opts, const opt *globals, int argc,
		       char **argv, int *i, const char *usage)
{
	const char *a = argv[*i] + 2;
	const char *eq = strchr(a, '=');
	size_t ll = eq ? (size_t)(eq - a) : strlen(a);
	const opt *o = find_opt(opts, 0, a, ll);
	if (!o)
		o = find_opt(globals, 0, a, ll);
	if (!o) {
		usage_error(c, usage, "unknown option '--%.*s'", (int)ll, a);
		return -1;
	}
	const char *val = NULL;
	if (o->type != OPT_BOOL) {
		if (eq)
			val = eq + 1;
		else if (*i + 1 < argc)
			val = argv[++*i];
		else {
			usage_error(c, usage, "option '--%s' needs a value (%s)", o->long_name, o->argname);
			return -1;
		}
	} else if (eq) {
		usage_error(c, usage, "option '--%s' takes no value", o->long_name);
		return -1;
	}
	set_opt(o, val);
	return 0;
}

/* Handle "-abc" / "-cFILE" / "-c FILE" at argv[*i]; -1 on error. */
static int short_options(cli *c, const opt *opts, const opt *globals, int argc,
			 char **argv, int *i, const char *usage)
{
	for (const char *p = argv[*i] + 1; *p; p++) {
		const opt *o = find_opt(opts, *p, NULL, 0);
		if (!o)
			o = find_opt(globals, *p, NULL, 0);
		if (!o) {
			usage_error(c, usage, "unknown option '-%c'", *p);
			return -1;
		}
		if (o->type == OPT_BOOL) {
			set_opt(o, NULL);
			continue;
		}
		if (p[1]) {
			set_opt(o, p + 1);
		} else if (*i + 1 < argc) {
			set_opt(o, argv[++*i]);
		} else {
			usage_error(c, usage, "option '-%c' needs a value (%s)", *p, o->argname);
			return -1;
		}
		break;
	}
	return 0;
}

/* See cli.h.  -1, not 0, means "go on": 0 is the exit status after --help. */
int cli_start(cli *c, int *argc, char **argv, const cli_spec *spec, rt_ctx **ctx)
{
	int rc = parse_options(c, argc, argv, spec->opts, spec->usage, spec->description);
	if (rc)
		return rc < 0 ? 2 : 0;
	int n = *argc - 1;
	if (n < spec->min_args)
		return usage_error(c, spec->usage, "%s",
				   spec->missing ? spec->missing : "an argument is missing");
	if (spec->max_args >= 0 && n > spec->max_args)
		return usage_error(c, spec->usage, "unexpected argument '%s'",
				   argv[spec->max_args + 1]);
	if (!ctx)
		return -1;
	rt_error *err = c->err;
	*ctx = cli_ctx(c, err);
	return *ctx ? -1 : cli_fail(c, err);
}

/* See cli.h.  The typed name is compared whole, after its newline is cut. */
int cli_confirm_protected(cli *c, rt_ctx *ctx, const char *what)
{
	const rt_config *cfg = rt_ctx_config(ctx);
	const char *name = rt_protected_name(cfg);
	if (!name)
		return -1;
	if (c->confirm) {
		if (strcmp(c->confirm, name))
			return cli_error(c, 2, "--confirm takes the name of the environment the command runs in; nothing was changed",
					 "--confirm '%s' does not name this environment ('%s')", c->confirm, name);
		rt_ctx_confirm(ctx, 1);
		return -1;
	}
	if (!isatty(0) || !isatty(2)) {
		char hint[320];
		snprintf(hint, sizeof(hint), "to go on, pass --confirm %s; nothing was changed", name);
		return cli_error(c, 2, hint, "environment '%s' is marked protected: %s changes its database and needs a confirmation",
				 name, what);
	}
	char *url = rt_config_get(cfg, "url");
	char *masked = rt_url_mask(url);
	rt_free(url);
	fprintf(stderr, "Environment '%s' is marked protected (%s).\n%s changes its database. Type the environment's name to go on: ",
		name, masked, what);
	fflush(stderr);
	rt_free(masked);
	char line[256];
	int ok = fgets(line, sizeof(line), stdin) != NULL;
	if (ok)
		line[strcspn(line, "\r\n")] = '\0';
	if (!ok || strcmp(line, name)) {
		fprintf(stderr, "%s cancelled: nothing was changed\n", what);
		return 1;
	}
	rt_ctx_confirm(ctx, 1);
	return -1;
}

/*
 * See cli.h.  Options and positional arguments may come in any order; the
 * positional ones are moved down in place (argv needs its NULL slot at
 * argc).  --help is acted on only once the whole line is parsed, so a bad
 * option is still reported, and --lock-wait is checked here so every
 * command rejects a bad value alike.
 */
int parse_options(cli *c, int *argc, char **argv, const opt *opts,
		  const char *usage, const char *description)
{
	if (c->describe) {
		c->describe(c, opts);
		return 1;
	}
	opt globals[sizeof(global_opts) / sizeof(*global_opts)];
	bind_globals(c, globals);
	c->help = 0;
	int out = 1, only_args = 0;
	for (int i = 1; i < *argc; i++) {
		char *a = argv[i];
		int rc = 0;
		if (only_args || a[0] != '-' || !a[1] || is_number(a))
			argv[out++] = a;
		else if (!strcmp(a, "--"))
			only_args = 1;
		else if (a[1] == '-')
			rc = long_option(c, opts, globals, *argc, argv, &i, usage);
		else
			rc = short_options(c, opts, globals, *argc, argv, &i, usage);
		if (rc < 0)
			return -1;
	}
	*argc = out;
	argv[out] = NULL;
	if (c->help) {
		print_help(opts, usage, description);
		return 1;
	}
	if (c->lock_wait_arg) {
		char *end;
		double d = strtod(c->lock_wait_arg, &end);
		if (*end || end == c->lock_wait_arg || !(d >= 0 && d <= 86400)) {
			usage_error(c, usage, "--lock-wait '%s' is not a number of seconds",
				    c->lock_wait_arg);
			return -1;
		}
		c->lock_wait = d;
	}
	for (size_t i = 0; i < c->xargs.n; i++) {
		const char *kv = c->xargs.v[i], *eq = strchr(kv, '=');
		if (eq && eq != kv)
			continue;
		if (eq)
			usage_error(c, usage, "-x needs KEY=VALUE: '-x %s' has no KEY before '=': write -x KEY%s",
				    kv, eq);
		else
			usage_error(c, usage, "-x needs KEY=VALUE: '-x %s' has no '=': write -x %s=VALUE",
				    kv, kv);
		return -1;
	}
	return 0;
}
