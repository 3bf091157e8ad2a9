/*
 * graph_load.c - reading a project's migration files into the revision
 * graph: every script location's directory, its files read and parsed by
 * one thread per core when there are many, and for the listings
 * (rt_graph_load_headers) through the directory's graph cache
 * (graph_cache.c).  graph.c connects and validates what this reads.
 */
#include "internal.h"
#include "graph_cache.h"
#include "util/fs.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

/* Reading and parsing the files of one directory, a slice per thread. */
typedef struct load_job {
	int dfd;
	const char *dir;
	const rt_strlist *names;
	rt_revision **revs; /* one slot per name: the revision, or NULL ... */
	rt_error *errs;     /* ... and then its error */
	size_t from, to;
	/* headers only (rt_graph_load_headers): through the graph cache */
	const rt_gcache *cache;
	int *entries;         /* per name: its entry in the cache, or -1 */
	rt_gcache_key *keys;  /* per name: what stat said before it was read ... */
	unsigned char *state; /* ... KEY_NONE, KEY_READ (read) or KEY_CACHED (from the cache) */
} load_job;

enum { KEY_NONE, KEY_READ, KEY_CACHED };

/*
 * Headers only: the file's revision from the cache when its stat matches
 * (1), else 0 with its key noted, so that what is read next is stored
 * under the key of a version no newer than what was read.
 */
static int from_cache(load_job *job, size_t i)
{
	struct stat st;
	if (!job->keys || fstatat(job->dfd, job->names->v[i], &st, 0) != 0)
		return 0;
	rt_gcache_key_of(&st, &job->keys[i]);
	job->revs[i] = rt_gcache_get(job->cache, job->entries[i], job->dir, job->names->v[i],
				     &job->keys[i]);
	job->state[i] = job->revs[i] ? KEY_CACHED : KEY_READ;
	return job->revs[i] != NULL;
}

/*
 * Thread body: read and parse files [from, to) of the directory, each
 * into its own slot of revs or errs, so threads write nothing shared.
 */
static void *load_slice(void *arg)
{
	load_job *job = arg;
	strbuf path = STRBUF_INIT;
	for (size_t i = job->from; i < job->to; i++) {
		const char *name = job->names->v[i];
		if (from_cache(job, i))
			continue;
		rt_strbuf_reset(&path);
		rt_strbuf_adds(&path, job->dir);
		rt_strbuf_addc(&path, '/');
		rt_strbuf_adds(&path, name);
		char *text;
		size_t len;
		if (rt_fs_read_file_at(job->dfd, name, path.buf, &text, &len,
				    &job->errs[i]) == 0)
			job->revs[i] = rt_revision_parse(path.buf, text, len,
							 &job->errs[i]);
	}
	rt_strbuf_release(&path);
	return NULL;
}

/*
 * Large directories are read by one thread per core: the time goes into
 * open/read/close system calls, which then run side by side.  Results
 * land in per-file slots, so the outcome does not depend on timing.
 */
static void load_parallel(load_job *job)
{
	size_t n = job->names->n;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nthreads = n >= 2000 && cpus > 1 ? (size_t)(cpus < 8 ? cpus : 8) : 1;
	pthread_t tid[8];
	load_job slice[8];
	size_t started = 1;
	for (size_t t = 0; t < nthreads; t++) {
		slice[t] = *job;
		slice[t].from = n * t / nthreads;
		slice[t].to = n * (t + 1) / nthreads;
	}
	for (size_t t = 1; t < nthreads; t++) {
		if (pthread_create(&tid[t], NULL, load_slice, &slice[t]) != 0)
			break;
		started++;
	}
	load_slice(&slice[0]);
	for (size_t t = 1; t < started; t++)
		pthread_join(tid[t], NULL);
	for (size_t t = started; t < nthreads; t++)
		load_slice(&slice[t]); /* a thread could not start: do its share here */
}

/*
 * Headers only: rewrite the directory's cache when it missed a file or
 * holds one that is gone (a read-only directory keeps none).
 */
static void update_cache(load_job *job)
{
	size_t n = job->names->n, cached = 0, read = 0;
	for (size_t i = 0; i < n; i++) {
		cached += job->state[i] == KEY_CACHED;
		read += job->state[i] == KEY_READ;
	}
	if (!read && cached == rt_gcache_count(job->cache))
		return;
	rt_revision **keep = rt_xcalloc(n ? n : 1, sizeof(*keep));
	for (size_t i = 0; i < n; i++)
		keep[i] = job->state[i] != KEY_NONE ? job->revs[i] : NULL;
	rt_gcache_write(job->dfd, job->names, job->keys, keep, n);
	free(keep);
}

/*
 * Read and parse every migration file of one directory into *revs; with
 * headers, through the directory's graph cache (graph_cache.c).
 */
static void load_dir(const char *dir, int headers, rt_revision ***revs, size_t *n,
		     size_t *alloc, rt_errlist *errs)
{
	rt_error e = { 0 };
	rt_strlist names = { 0 };
	if (rt_fs_list_dir(dir, ".sql", &names, &e) < 0) {
		if (!rt_fs_exists(dir)) {
			e.code = RT_ECONFIG;
			free(e.message);
			e.message = rt_xstrdup("the script location does not exist");
		}
		rt_hint(&e, "check script_location in the configuration file, or start a new project");
		rt_fix_with(&e, RT_FIX_NEW_PROJECT, NULL);
		rt_errlist_add(errs, &e);
		return;
	}
	size_t slots = names.n ? names.n : 1;
	load_job job = {
		.dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC),
		.dir = dir,
		.names = &names,
		.revs = rt_xcalloc(slots, sizeof(rt_revision *)),
		.errs = rt_xcalloc(slots, sizeof(rt_error)),
	};
	if (headers && job.dfd >= 0) {
		job.cache = rt_gcache_read(job.dfd);
		job.keys = rt_xcalloc(slots, sizeof(*job.keys));
		job.state = rt_xcalloc(slots, 1);
		job.entries = rt_xcalloc(slots, sizeof(int));
		rt_gcache_match(job.cache, &names, job.entries);
	}
	load_parallel(&job);
	if (job.keys)
		update_cache(&job);
	for (size_t i = 0; i < names.n; i++) {
		if (!job.revs[i]) {
			rt_errlist_add(errs, &job.errs[i]);
			continue;
		}
		ALLOC_GROW(*revs, *n + 1, *alloc);
		(*revs)[(*n)++] = job.revs[i];
	}
	if (job.dfd >= 0)
		close(job.dfd);
	rt_gcache_free((rt_gcache *)job.cache);
	free(job.keys);
	free(job.state);
	free(job.entries);
	free(job.revs);
	free(job.errs);
	rt_strlist_free(&names);
}

/* Every script location's revisions, then the graph (see rt_graph_load). */
static rt_graph *load(const rt_config *cfg, int headers, rt_error *err)
{
	rt_revision **revs = NULL;
	size_t n = 0, alloc = 0;
	rt_errlist errs = { 0 };
	for (size_t i = 0; i < cfg->nscript_locations; i++)
		load_dir(cfg->script_locations[i], headers, &revs, &n, &alloc, &errs);
	if (rt_errlist_finish(&errs, err) < 0) {
		for (size_t i = 0; i < n; i++)
			rt_revision_free(revs[i]);
		free(revs);
		return NULL;
	}
	return rt_graph_build(revs, n, err);
}

/*
 * See retort.h.  Every script location is read before anything fails, so
 * the malformed files of all directories are reported at once.
 */
rt_graph *rt_graph_load(const rt_config *cfg, rt_error *err)
{
	return load(cfg, 0, err);
}

/* See internal.h. */
rt_graph *rt_graph_load_headers(const rt_config *cfg, rt_error *err)
{
	return load(cfg, 1, err);
}
