/*
 * embedded.c - an application that migrates its own database at start-up
 * with its migration files compiled in: `retort embed -o project.c` turns
 * them into data, and rt_ctx_open_embedded() reads them from there, so the
 * shipped binary needs no files beside it -- only a database URL.
 *
 *   retort -c examples/embed/retort.ini embed -o project.c
 *   cc embedded.c project.c $(pkg-config --cflags --libs retort) -o app
 *   ./app sqlite:///app.db          (or DATABASE_URL=... ./app)
 */
#include <stdio.h>
#include <stdlib.h>
#include <retort.h>

extern const rt_embedded retort_project; /* defined by the generated project.c */

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

int main(int argc, char **argv)
{
	const char *url = argc > 1 ? argv[1] : getenv("DATABASE_URL");
	if (!url) {
		fprintf(stderr, "usage: %s DATABASE_URL\n", argv[0]);
		return 2;
	}
	rt_error *err = rt_error_new();
	rt_config *cfg = rt_config_new(".");
	rt_ctx *ctx = NULL;
	int rc = rt_config_set(cfg, "url", url, err);
	if (rc == 0 && !(ctx = rt_ctx_open_embedded(cfg, &retort_project, err)))
		rc = -1;
	if (ctx) {
		rt_ctx_on_event(ctx, on_event, NULL);
		rc = rt_upgrade(ctx, "heads", err);
	}
	if (rc < 0) {
		const char *hint = rt_error_hint(err);
		fprintf(stderr, "migration failed: %s%s%s\n", rt_error_message(err),
			hint ? "\nhint: " : "", hint ? hint : "");
	} else {
		printf("database ready\n");
	}
	rt_ctx_close(ctx);
	rt_config_free(cfg);
	rt_error_free(err);
	return rc < 0 ? 1 : 0;
}
