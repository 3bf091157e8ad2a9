/*
 * embed.c - contexts over a project compiled into the program
 * (rt_ctx_open_embedded): the migration files come from memory, so a
 * shipped binary needs no migration files beside it.
 *
 * `retort embed` writes beside each file its digest (rt_embed_digest):
 * what the parser read of its header and section markers, the text's
 * length and a hash of it.  Opening the project builds each revision from
 * its digest when the digest was written for exactly these bytes by this
 * version of the library, and parses the file otherwise (an older
 * generated file, an edited one), so the result is the parser's either
 * way; the graph is built and validated as rt_graph_load does.
 */
#include "internal.h"
#include "ctx_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The fields of rt_embedded a program compiled against this header filled. */
#define EMBEDDED_V1 (offsetof(rt_embedded, nseeds) + sizeof(size_t))
#define EMBEDDED_DIGESTS (offsetof(rt_embedded, digests) + sizeof(const char *const *))

/* The form of the digests this library writes and reads. */
#define DIGEST_FORM "D1"

/*
 * A 64-bit hash of the bytes (not cryptographic: it tells a digest
 * written for this text from one that was not).  Read as little-endian
 * 8-byte words, so it is the same on every host.
 */
static uint64_t text_hash(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	uint64_t h = 0x9e3779b97f4a7c15u ^ n, w;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		memcpy(&w, u + i, 8);
#else
		w = (uint64_t)u[i] | (uint64_t)u[i + 1] << 8 | (uint64_t)u[i + 2] << 16 |
		    (uint64_t)u[i + 3] << 24 | (uint64_t)u[i + 4] << 32 | (uint64_t)u[i + 5] << 40 |
		    (uint64_t)u[i + 6] << 48 | (uint64_t)u[i + 7] << 56;
#endif
		h = (h ^ w) * 0xff51afd7ed558ccdu;
		h ^= h >> 32;
	}
	w = 0;
	for (size_t k = 0; i + k < n; k++)
		w |= (uint64_t)u[i + k] << (8 * k);
	h = (h ^ w) * 0xff51afd7ed558ccdu;
	return h ^ (h >> 32);
}

/* h as 16 lower-case hex digits and a NUL. */
static void hex16(uint64_t h, char out[17])
{
	for (int i = 15; i >= 0; i--, h >>= 4)
		out[i] = "0123456789abcdef"[h & 15];
	out[16] = '\0';
}

static void add_list(strbuf *sb, const rt_strlist *l)
{
	rt_strlist_join(sb, l, ",");
	rt_strbuf_addc(sb, '\n');
}

static void add_opt(strbuf *sb, const char *v)
{
	rt_strbuf_addf(sb, "%s%s\n", v ? "=" : "!", v ? v : "");
}

/*
 * See retort.h.  One line each: the form, the library's version, the
 * text's length and hash; the id; the header lines of Revision ID,
 * Revises, Branch Labels, Depends On, Replaces; the four lists
 * (comma-separated: their items hold no comma or white space); the
 * message and create date ('=' and the value, '!' for none: a value
 * holds no control character); the number of upgrade and downgrade
 * sections; then each section: marker line, body offset, body line,
 * length, transactional, batch.
 */
char *rt_embed_digest(const rt_revision *r)
{
	strbuf sb = STRBUF_INIT;
	char hash[17];
	hex16(text_hash(r->text, r->textlen), hash);
	rt_strbuf_addf(&sb, DIGEST_FORM " %d %zu %s\n%s\n%d %d %d %d %d\n",
		       RETORT_VERSION_NUMBER, r->textlen, hash, r->id,
		       r->line_id, r->line_revises, r->line_labels, r->line_depends, r->line_replaces);
	add_list(&sb, &r->down);
	add_list(&sb, &r->labels);
	add_list(&sb, &r->depends);
	add_list(&sb, &r->replaces);
	add_opt(&sb, r->message);
	add_opt(&sb, r->create_date);
	rt_strbuf_addf(&sb, "%zu %zu\n", r->nsections[0], r->nsections[1]);
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < r->nsections[k]; i++) {
			const rt_section *s = &r->sections[k][i];
			rt_strbuf_addf(&sb, "%d %zu %d %zu %d %d\n", s->line, (size_t)(s->body - r->text),
				       s->body_line, s->len, s->transactional, s->batch);
		}
	return rt_strbuf_detach(&sb);
}

/* Reading a digest: a cursor, and a flag that goes up at the first thing amiss. */
typedef struct reader {
	const char *p;
	int bad;
} reader;

/* The next number, then the separator sep; 0 and bad on anything else. */
static uint64_t num(reader *d, char sep)
{
	uint64_t v = 0;
	const char *s = d->p;
	while (*s >= '0' && *s <= '9' && v < UINT64_MAX / 16)
		v = v * 10 + (uint64_t)(*s++ - '0');
	if (s == d->p || *s != sep)
		d->bad = 1;
	else
		d->p = s + 1;
	return d->bad ? 0 : v;
}

/* A number that fits an int (line numbers, flags). */
static int inum(reader *d, char sep)
{
	uint64_t v = num(d, sep);
	if (v > 0x7fffffff)
		d->bad = 1;
	return (int)v;
}

/* The rest of the line: [*s, *s+*n); bad when there is no line end. */
static void line(reader *d, const char **s, size_t *n)
{
	const char *e = d->bad ? NULL : strchr(d->p, '\n');
	if (!e) {
		d->bad = 1;
		*s = "", *n = 0;
		return;
	}
	*s = d->p, *n = (size_t)(e - d->p);
	d->p = e + 1;
}

static void read_list(reader *d, rt_strlist *l)
{
	const char *s;
	size_t n;
	line(d, &s, &n);
	const char *end = s + n;
	while (n && s <= end) {
		const char *c = memchr(s, ',', (size_t)(end - s));
		const char *e = c ? c : end;
		if (e == s)
			d->bad = 1;
		rt_strlist_pushn(l, s, (size_t)(e - s));
		s = e + 1;
		if (!c)
			break;
	}
}

static char *read_opt(reader *d)
{
	const char *s;
	size_t n;
	line(d, &s, &n);
	if (n && s[0] == '=')
		return rt_xstrndup(s + 1, n - 1);
	if (n != 1 || s[0] != '!')
		d->bad = 1;
	return NULL;
}

/*
 * The revision the digest describes, for the file f; NULL when the digest
 * was not written for f's bytes by this library, or is malformed (the
 * caller parses the file then).
 */
static rt_revision *from_digest(const rt_embedded_file *f, const char *digest)
{
	reader d = { digest, 0 };
	if (strncmp(d.p, DIGEST_FORM " ", 3))
		return NULL;
	d.p += 3;
	if (num(&d, ' ') != RETORT_VERSION_NUMBER || num(&d, ' ') != f->len)
		return NULL;
	char hash[17];
	hex16(text_hash(f->data, f->len), hash);
	if (strncmp(d.p, hash, 16) || d.p[16] != '\n')
		return NULL;
	d.p += 17;
	rt_revision *r = rt_xcalloc(1, sizeof(*r));
	r->path = rt_xstrdup(f->path);
	r->text = rt_xmalloc(f->len + 1);
	memcpy(r->text, f->data, f->len);
	r->text[f->len] = '\0';
	r->textlen = f->len;
	const char *s;
	size_t n;
	line(&d, &s, &n);
	r->id = rt_xstrndup(s, n);
	r->line_id = inum(&d, ' ');
	r->line_revises = inum(&d, ' ');
	r->line_labels = inum(&d, ' ');
	r->line_depends = inum(&d, ' ');
	r->line_replaces = inum(&d, '\n');
	read_list(&d, &r->down);
	read_list(&d, &r->labels);
	read_list(&d, &r->depends);
	read_list(&d, &r->replaces);
	r->message = read_opt(&d);
	r->create_date = read_opt(&d);
	size_t ns[2];
	ns[0] = num(&d, ' ');
	ns[1] = num(&d, '\n');
	for (int k = 0; k < 2 && !d.bad; k++) {
		if (ns[k] > f->len) {
			d.bad = 1;
			break;
		}
		r->sections[k] = ns[k] ? rt_xcalloc(ns[k], sizeof(rt_section)) : NULL;
		r->nsections[k] = ns[k];
		for (size_t i = 0; i < ns[k] && !d.bad; i++) {
			rt_section *sec = &r->sections[k][i];
			sec->present = 1;
			sec->line = inum(&d, ' ');
			size_t off = num(&d, ' ');
			sec->body_line = inum(&d, ' ');
			sec->len = num(&d, ' ');
			sec->transactional = inum(&d, ' ');
			sec->batch = inum(&d, '\n');
			if (off > f->len || sec->len > f->len - off)
				d.bad = 1;
			else
				sec->body = r->text + off;
		}
	}
	if (d.bad || *d.p || !*r->id || !r->nsections[RT_SECTION_UPGRADE]) {
		rt_revision_free(r);
		return NULL;
	}
	rt_revision_set_whole(r);
	return r;
}

/* See retort.h. */
rt_ctx *rt_ctx_open_embedded(const rt_config *cfg, const rt_embedded *p, rt_error *err)
{
	if (!p || p->size < EMBEDDED_V1) {
		rt_fail(err, RT_EUSAGE, "not an embedded project (its size field is %zu, not %zu)",
			p ? p->size : 0, sizeof(rt_embedded));
		rt_hint(err, "pass the rt_embedded that `retort embed` generated, and rebuild that file with this version");
		return NULL;
	}
	const char *const *digests = p->size >= EMBEDDED_DIGESTS ? p->digests : NULL;
	rt_revision **revs = rt_xcalloc(p->nmigrations ? p->nmigrations : 1, sizeof(*revs));
	size_t n = 0;
	rt_errlist errs = { 0 };
	for (size_t i = 0; i < p->nmigrations; i++) {
		const rt_embedded_file *f = &p->migrations[i];
		rt_revision *r = digests && digests[i] ? from_digest(f, digests[i]) : NULL;
		if (r) {
			revs[n++] = r;
			continue;
		}
		char *text = rt_xmalloc(f->len + 1);
		memcpy(text, f->data, f->len);
		text[f->len] = '\0';
		rt_error e = { 0 };
		r = rt_revision_parse(f->path, text, f->len, &e);
		if (r)
			revs[n++] = r;
		else
			rt_errlist_add(&errs, &e);
	}
	if (rt_errlist_finish(&errs, err) < 0) {
		for (size_t i = 0; i < n; i++)
			rt_revision_free(revs[i]);
		free(revs);
		return NULL;
	}
	rt_graph *g = rt_graph_build(revs, n, err);
	if (!g)
		return NULL;
	rt_ctx *ctx = rt_ctx_with_graph(cfg, g, err);
	if (ctx)
		ctx->embedded = p;
	return ctx;
}

/* See ctx_internal.h. */
const rt_embedded_file *rt_embedded_seed(const rt_embedded *p, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; p && i < p->nseeds; i++) {
		const char *path = p->seeds[i].path, *base = strrchr(path, '/');
		base = base ? base + 1 : path;
		if (!strncmp(base, name, n) && !strcmp(base + n, ".sql"))
			return &p->seeds[i];
	}
	return NULL;
}
