/*
 * app.c - an application that migrates its own database at start-up with
 * libretort (the example of docs/library.md).  Several copies may start at
 * once: the migration lock lets one migrate while the others wait.
 *
 *   cc app.c $(pkg-config --cflags --libs retort) -o app
 *   ./app path/to/retort.ini
 */
#include <stdio.h>
#include <retort.h>

/* Progress from the library (it never prints by itself). */
static void on_event(const rt_event *ev, void *ud)
{
	(void)ud;
	const rt_revision *rev = rt_event_revision(ev);
	if (rt_event_kind_of(ev) == RT_EV_STEP_END && rev)
		fprintf(stderr, "migrated %s (%s) in %.1f ms\n", rt_revision_id(rev),
			rt_revision_message(rev) ? rt_revision_message(rev) : "",
			rt_event_elapsed_ms(ev));
}

/* Bring the application's database to the newest revision. */
static int migrate(const char *config)
{
	rt_error *err = rt_error_new();
	rt_config *cfg = rt_config_load(config, NULL, 1, err);
	rt_ctx *ctx = cfg ? rt_ctx_open(cfg, err) : NULL;
	if (ctx)
		rt_ctx_on_event(ctx, on_event, NULL);
	int rc = ctx ? rt_upgrade(ctx, "heads", err) : -1;
	if (rc < 0) {
		const char *hint = rt_error_hint(err);
		fprintf(stderr, "migration failed: %s%s%s\n", rt_error_message(err),
			hint ? "\nhint: " : "", hint ? hint : "");
	}
	rt_ctx_close(ctx);
	rt_config_free(cfg);
	rt_error_free(err);
	return rc;
}

int main(int argc, char **argv)
{
	if (migrate(argc > 1 ? argv[1] : "retort.ini") < 0)
		return 1;
	printf("database ready\n");
	return 0;
}
