/*
 * sha256.c - SHA-256 through libcrypto opened at first use (see sha256.h).
 */
#include "internal.h"
#include "util/dl.h"
#include "util/sha256.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every libcrypto function retort calls. */
#define RT_CRYPTO_FUNCS(X)                                                   \
	X(EVP_MD_CTX_new) X(EVP_MD_CTX_free) X(EVP_DigestInit_ex)            \
	X(EVP_DigestUpdate) X(EVP_DigestFinal_ex) X(EVP_sha256)

typedef struct crypto_api {
#define RT_CRYPTO_MEMBER(f) __typeof__(f) *f;
	RT_CRYPTO_FUNCS(RT_CRYPTO_MEMBER)
#undef RT_CRYPTO_MEMBER
} crypto_api;

static crypto_api crypto;

static const rt_dl_sym syms[] = {
#define RT_CRYPTO_SYM(f) { #f, offsetof(crypto_api, f) },
	RT_CRYPTO_FUNCS(RT_CRYPTO_SYM)
#undef RT_CRYPTO_SYM
};

/* OpenSSL 3's soname. */
static rt_dl lib = RT_DL("libcrypto.so.3", NULL, "retort needs libcrypto for SHA-256",
			 "OpenSSL's library (Debian: apt-get install libssl3)", syms);

static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void)
{
	rt_dl_open(&lib, &crypto, sizeof(crypto));
}

/* See sha256.h: a missing libcrypto is a broken installation. */
void rt_sha256_init(rt_sha256 *h)
{
	pthread_once(&load_once, load);
	rt_error err = { 0 };
	if (rt_dl_check(&lib, &err) < 0) {
		fprintf(stderr, "retort: %s (%s)\n", err.message, err.hint ? err.hint : "");
		abort();
	}
	h->md = crypto.EVP_MD_CTX_new();
	if (!h->md) {
		fprintf(stderr, "retort: out of memory (starting a SHA-256 digest)\n");
		abort();
	}
	crypto.EVP_DigestInit_ex(h->md, crypto.EVP_sha256(), NULL);
}

void rt_sha256_add(rt_sha256 *h, const void *p, size_t n)
{
	crypto.EVP_DigestUpdate(h->md, p, n);
}

void rt_sha256_end(rt_sha256 *h, unsigned char md[32])
{
	unsigned char buf[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	crypto.EVP_DigestFinal_ex(h->md, buf, &n);
	crypto.EVP_MD_CTX_free(h->md);
	h->md = NULL;
	memcpy(md, buf, 32);
}

void rt_sha256_end_hex(rt_sha256 *h, const char *name, strbuf *sb)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[32];
	rt_sha256_end(h, md);
	rt_strbuf_addf(sb, "%s:", name);
	for (size_t i = 0; i < sizeof(md); i++) {
		rt_strbuf_addc(sb, hex[md[i] >> 4]);
		rt_strbuf_addc(sb, hex[md[i] & 15]);
	}
}
