/*
 * sha256.h - SHA-256 (checksums of migrations, the progress chain, a
 * machine's tag) through libcrypto, which is opened at the first digest
 * (util/dl.h): mapping and initialising it costs a process about a
 * millisecond, which a start-up that finds nothing to do would pay for
 * nothing.
 */
#ifndef RT_SHA256_H
#define RT_SHA256_H

#include "util/strbuf.h"

#include <stddef.h>

typedef struct rt_sha256 {
	void *md; /* libcrypto's EVP_MD_CTX */
} rt_sha256;

/*
 * Start a digest.  libcrypto is part of retort's installation, like
 * libsqlite3: when it cannot be loaded, this writes one line to stderr
 * and aborts, as an allocation failure does.
 */
void rt_sha256_init(rt_sha256 *h);
void rt_sha256_add(rt_sha256 *h, const void *p, size_t n);
/* End the digest: its 32 bytes into md. */
void rt_sha256_end(rt_sha256 *h, unsigned char md[32]);
/* End the digest: "name:" and its 64 hex digits appended to sb. */
void rt_sha256_end_hex(rt_sha256 *h, const char *name, strbuf *sb);

#endif
