/*
 * Unit tests for src/auth/token.c: round trips, key rotation, every refusal with its exact result,
 * key loading errors and the JWKS. Keys come from tests/unit/keys (test-only keys), found through
 * $GH_TEST_KEYS, else $srcdir/tests/unit/keys (automake's test harness), else
 * ./tests/unit/keys. Hostile tokens are built here by hand (libsodium HMAC, base64url), not
 * through libjwt, so the checks do not depend on the library under test.
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <jwt.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sodium.h>

#include "auth/token.h"

#define NOW	1800000000LL
#define B64URL	sodium_base64_VARIANT_URLSAFE_NO_PADDING

static const struct token_expect expect = { "gatehouse", "gatehouse", "access", 30 };

/* ---- helpers ---- */

static const char *
kp(const char *name)
{
	static char bufs[8][1024];
	static int next;
	const char *dir = getenv("GH_TEST_KEYS");
	const char *src = getenv("srcdir");
	char *b = bufs[next++ % 8];

	if (dir != NULL && dir[0] != '\0')
		snprintf(b, 1024, "%s/%s", dir, name);
	else if (src != NULL && src[0] != '\0')
		snprintf(b, 1024, "%s/tests/unit/keys/%s", src, name);
	else
		snprintf(b, 1024, "tests/unit/keys/%s", name);
	return b;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len != NULL)
		*len = (size_t)n;
	return buf;
}

static struct token_keyset *
load(const struct token_key_conf *kc, size_t n)
{
	struct token_keyset *ks = NULL;
	char err[256] = "";

	if (token_keyset_load(&ks, kc, n, err, sizeof(err)) != 0)
		fail_msg("keyset load failed: %s", err);
	assert_non_null(ks);
	return ks;
}

/* Load expecting failure; returns the error text (static). */
static const char *
load_err(const struct token_key_conf *kc, size_t n)
{
	static char err[256];
	struct token_keyset *ks = (struct token_keyset *)&err;	/* must be reset to NULL */

	err[0] = '\0';
	assert_int_equal(token_keyset_load(&ks, kc, n, err, sizeof(err)), -1);
	assert_null(ks);
	assert_true(err[0] != '\0');
	return err;
}

static void
claims_init(struct token_claims *c)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->sub, "42");
	c->org = 7;
	strcpy(c->roles, "org_admin,member");
	c->pv = 3;
	token_new_jti(c->jti);
	strcpy(c->sid, "c2Vzc2lvbi1mYW1pbHktMQ");
	c->iat = NOW - 60;
	c->exp = NOW + 840;
	strcpy(c->typ, "access");
}

static char *
sign(const struct token_keyset *ks, const struct token_claims *c)
{
	char *tok = NULL;

	assert_int_equal(token_sign(ks, c, &expect, &tok), 0);
	assert_non_null(tok);
	return tok;
}

static enum token_result
verify(const struct token_keyset *ks, const char *tok, struct token_claims *out)
{
	struct token_claims scratch;

	return token_verify(ks, tok, strlen(tok), &expect, NOW, out != NULL ? out : &scratch);
}

static char *
b64(const void *bin, size_t len)
{
	size_t max = sodium_base64_ENCODED_LEN(len, B64URL);
	char *out = malloc(max);

	assert_non_null(out);
	sodium_bin2base64(out, max, bin, len, B64URL);
	return out;
}

/* Decode one base64url segment of tok (0 header, 1 payload, 2 signature); malloc'd, NUL-ended. */
static char *
part(const char *tok, int which, size_t *outlen)
{
	const char *p = tok, *q;
	unsigned char *out;
	size_t len;
	int i;

	for (i = 0; i < which; i++) {
		p = strchr(p, '.');
		assert_non_null(p);
		p++;
	}
	q = strchr(p, '.');
	if (q == NULL)
		q = p + strlen(p);
	out = malloc((size_t)(q - p) + 1);
	assert_non_null(out);
	assert_int_equal(sodium_base642bin(out, (size_t)(q - p), p, (size_t)(q - p), NULL, &len,
	    NULL, B64URL), 0);
	out[len] = '\0';
	if (outlen != NULL)
		*outlen = len;
	return (char *)out;
}

/* header.payload (base64url of the two JSON texts) + "." + signature, HS256 over key. */
static char *
hs_token(const void *key, size_t keylen, const char *hjson, const char *pjson)
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char *h = b64(hjson, strlen(hjson)), *p = b64(pjson, strlen(pjson)), *s, *out;
	size_t len = strlen(h) + strlen(p) + 1;

	out = malloc(len + 1 + sodium_base64_ENCODED_LEN(sizeof(mac), B64URL));
	assert_non_null(out);
	snprintf(out, len + 1, "%s.%s", h, p);
	crypto_auth_hmacsha256_init(&st, key, keylen);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)out, len);
	crypto_auth_hmacsha256_final(&st, mac);
	s = b64(mac, sizeof(mac));
	strcat(out, ".");
	strcat(out, s);
	free(h);
	free(p);
	free(s);
	return out;
}

/* Replace the header (which 0) or payload (1) of tok with new JSON, keeping the rest. */
static char *
splice(const char *tok, int which, const char *json)
{
	const char *d1 = strchr(tok, '.'), *d2 = strchr(d1 + 1, '.');
	char *enc = b64(json, strlen(json)), *out;

	out = malloc(strlen(tok) + strlen(enc) + 1);
	assert_non_null(out);
	if (which == 0)
		sprintf(out, "%s%s", enc, d1);
	else
		sprintf(out, "%.*s.%s%s", (int)(d1 - tok), tok, enc, d2);
	free(enc);
	return out;
}

/* Replace the first occurrence of from by to in s (malloc'd result). */
static char *
subst(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);
	char *out;

	assert_non_null(at);
	out = malloc(strlen(s) + strlen(to) + 1);
	assert_non_null(out);
	sprintf(out, "%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
	return out;
}

static const char good_payload[] =
    "{\"iss\":\"gatehouse\",\"aud\":\"gatehouse\",\"sub\":\"42\",\"org\":7,"
    "\"roles\":[\"member\"],\"pv\":3,\"jti\":\"AAAAAAAAAAAAAAAAAAAAAA\","
    "\"iat\":1799999900,\"exp\":1800000900,\"typ\":\"access\"}";

static const struct token_key_conf hs_only[] = {
	{ "hs1", "HS256", NULL, 1 },
};

static struct token_keyset *
load_hs(void)
{
	struct token_key_conf kc = hs_only[0];

	kc.path = kp("hs256_a.secret");
	return load(&kc, 1);
}

static char *
hs_secret(size_t *len)
{
	char *s = slurp(kp("hs256_a.secret"), len);

	assert_true(*len > 0 && s[*len - 1] == '\n');
	s[--*len] = '\0';
	return s;
}

/* ---- round trips ---- */

static void
roundtrip(const char *alg, const char *file, size_t siglen)
{
	struct token_key_conf kc = { "k1", alg, kp(file), 1 };
	struct token_keyset *ks = load(&kc, 1);
	struct token_claims c, got;
	char *tok, *hdr, *sig;
	char want[128];
	size_t len;

	claims_init(&c);
	tok = sign(ks, &c);
	assert_int_equal(verify(ks, tok, &got), TOKEN_OK);
	assert_string_equal(got.sub, "42");
	assert_int_equal(got.org, 7);
	assert_string_equal(got.roles, "org_admin,member");
	assert_int_equal(got.pv, 3);
	assert_string_equal(got.jti, c.jti);
	assert_string_equal(got.sid, "c2Vzc2lvbi1mYW1pbHktMQ");
	assert_int_equal(got.iat, c.iat);
	assert_int_equal(got.exp, c.exp);
	assert_int_equal(got.nbf, 0);
	assert_string_equal(got.typ, "access");

	hdr = part(tok, 0, NULL);
	snprintf(want, sizeof(want), "\"alg\":\"%s\"", alg);
	assert_non_null(strstr(hdr, want));
	assert_non_null(strstr(hdr, "\"kid\":\"k1\""));
	assert_non_null(strstr(hdr, "\"typ\":\"JWT\""));
	/* JOSE signature sizes: 32-byte MAC, 64-byte R||S (not DER), modulus-size RSA. */
	sig = part(tok, 2, &len);
	assert_int_equal(len, siglen);

	free(sig);
	free(hdr);
	free(tok);
	token_keyset_free(ks);
}

static void
test_roundtrip_hs256(void **state)
{
	(void)state;
	roundtrip("HS256", "hs256_a.secret", 32);
}

static void
test_roundtrip_es256(void **state)
{
	(void)state;
	roundtrip("ES256", "es256_private.pem", 64);
}

static void
test_roundtrip_rs256(void **state)
{
	(void)state;
	roundtrip("RS256", "rs256_private.pem", 256);
}

static void
test_roundtrip_details(void **state)
{
	struct token_keyset *ks = load_hs();
	struct token_claims c, got;
	char *tok, *pl;

	(void)state;
	/* org 0 is written as null and read back as 0; nbf round-trips; no roles is []. */
	claims_init(&c);
	c.org = 0;
	c.nbf = NOW - 5;
	c.roles[0] = '\0';
	c.sid[0] = '\0';
	tok = sign(ks, &c);
	pl = part(tok, 1, NULL);
	assert_null(strstr(pl, "\"sid\""));
	assert_non_null(strstr(pl, "\"org\":null"));
	assert_non_null(strstr(pl, "\"roles\":[]"));
	assert_non_null(strstr(pl, "\"iss\":\"gatehouse\""));
	assert_non_null(strstr(pl, "\"aud\":\"gatehouse\""));
	assert_int_equal(verify(ks, tok, &got), TOKEN_OK);
	assert_int_equal(got.org, 0);
	assert_int_equal(got.nbf, NOW - 5);
	assert_string_equal(got.roles, "");
	assert_string_equal(got.sid, "");
	free(pl);
	free(tok);

	/* The token need not be NUL-terminated: only len bytes are read. */
	claims_init(&c);
	tok = sign(ks, &c);
	{
		size_t n = strlen(tok);
		char *copy = malloc(n + 5);

		assert_non_null(copy);
		memcpy(copy, tok, n);
		memcpy(copy + n, "junk", 5);
		assert_int_equal(token_verify(ks, copy, n, &expect, NOW, &got), TOKEN_OK);
		assert_int_equal(token_verify(ks, copy, n + 4, &expect, NOW, &got),
		    TOKEN_BAD_SIGNATURE);
		free(copy);
	}
	free(tok);
	token_keyset_free(ks);
}

static void
test_rotation(void **state)
{
	struct token_key_conf old_only[] = {
		{ "es-old", "ES256", kp("es256_old_private.pem"), 1 },
	};
	struct token_key_conf rotated[] = {
		{ "es-new", "ES256", kp("es256_private.pem"), 1 },
		{ "es-old", "ES256", kp("es256_old_public.pem"), 0 },
	};
	struct token_key_conf hs_old[] = { { "hs-a", "HS256", kp("hs256_a.secret"), 1 } };
	struct token_key_conf hs_rot[] = {
		{ "hs-a", "HS256", kp("hs256_a.secret"), 0 },
		{ "hs-b", "HS256", kp("hs256_b.secret"), 1 },
	};
	struct token_keyset *a, *b;
	struct token_claims c, got;
	char *old_tok, *new_tok, *hdr;

	(void)state;
	claims_init(&c);
	a = load(old_only, 1);
	old_tok = sign(a, &c);
	b = load(rotated, 2);
	assert_int_equal(verify(b, old_tok, &got), TOKEN_OK);
	assert_string_equal(got.jti, c.jti);
	new_tok = sign(b, &c);
	hdr = part(new_tok, 0, NULL);
	assert_non_null(strstr(hdr, "\"kid\":\"es-new\""));
	assert_int_equal(verify(b, new_tok, NULL), TOKEN_OK);
	/* The old keyset never knew the new key. */
	assert_int_equal(verify(a, new_tok, NULL), TOKEN_UNKNOWN_KID);
	free(hdr);
	free(old_tok);
	free(new_tok);
	token_keyset_free(a);
	token_keyset_free(b);

	/* Same with HS256 secrets: the retired one only verifies. */
	a = load(hs_old, 1);
	old_tok = sign(a, &c);
	b = load(hs_rot, 2);
	assert_int_equal(verify(b, old_tok, NULL), TOKEN_OK);
	new_tok = sign(b, &c);
	hdr = part(new_tok, 0, NULL);
	assert_non_null(strstr(hdr, "\"kid\":\"hs-b\""));
	assert_int_equal(verify(b, new_tok, NULL), TOKEN_OK);
	free(hdr);
	free(old_tok);
	free(new_tok);
	token_keyset_free(a);
	token_keyset_free(b);
}

/* ---- refusals ---- */

static void
test_alg_none(void **state)
{
	struct token_keyset *ks = load_hs();
	struct token_claims got;
	char *p = b64(good_payload, strlen(good_payload));
	const char *none_kid = "{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"hs1\"}";
	const char *none = "{\"alg\":\"none\"}", *lower = "{\"alg\":\"hs256\"}";
	char *h1 = b64(none_kid, strlen(none_kid)), *h2 = b64(none, strlen(none));
	char tok[1024];

	(void)state;
	snprintf(tok, sizeof(tok), "%s.%s.", h1, p);
	assert_int_equal(verify(ks, tok, &got), TOKEN_BAD_ALG);
	assert_string_equal(got.sub, "");	/* nothing leaks out of a refused token */
	/* No kid, one key configured: the key is selected, its alg still does not match. */
	snprintf(tok, sizeof(tok), "%s.%s.", h2, p);
	assert_int_equal(verify(ks, tok, NULL), TOKEN_BAD_ALG);
	/* A junk signature does not change the verdict. */
	snprintf(tok, sizeof(tok), "%s.%s.AAAA", h2, p);
	assert_int_equal(verify(ks, tok, NULL), TOKEN_BAD_ALG);
	/* Case games are not "HS256". */
	free(h2);
	h2 = b64(lower, strlen(lower));
	snprintf(tok, sizeof(tok), "%s.%s.AAAA", h2, p);
	assert_int_equal(verify(ks, tok, NULL), TOKEN_BAD_ALG);
	free(h1);
	free(h2);
	free(p);
	token_keyset_free(ks);
}

static void
test_alg_confusion(void **state)
{
	struct token_key_conf kc[] = {
		{ "hs1", "HS256", kp("hs256_a.secret"), 1 },
		{ "rs1", "RS256", kp("rs256_public.pem"), 0 },
	};
	struct token_key_conf rs_only[] = { { "rs1", "RS256", kp("rs256_private.pem"), 1 } };
	struct token_keyset *ks = load(kc, 2), *ks1 = load(rs_only, 1);
	size_t publen;
	char *pub = slurp(kp("rs256_public.pem"), &publen);
	char *tok, *tok2;
	jwt_t *j = NULL;

	(void)state;
	tok = hs_token(pub, publen, "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"rs1\"}",
	    good_payload);
	/* The trap is real: libjwt alone accepts this forgery against the RSA public key. */
	assert_int_equal(jwt_decode(&j, tok, (const unsigned char *)pub, (int)publen), 0);
	jwt_free(j);
	assert_int_equal(verify(ks, tok, NULL), TOKEN_BAD_ALG);
	assert_int_equal(verify(ks1, tok, NULL), TOKEN_BAD_ALG);
	/* Without a kid, against a single RS256 key. */
	tok2 = hs_token(pub, publen, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", good_payload);
	assert_int_equal(verify(ks1, tok2, NULL), TOKEN_BAD_ALG);
	free(tok);
	free(tok2);
	free(pub);
	token_keyset_free(ks);
	token_keyset_free(ks1);
}

static void
test_tampered_payload(void **state)
{
	struct token_key_conf rs[] = { { "rs1", "RS256", kp("rs256_private.pem"), 1 } };
	struct token_keyset *hs = load_hs(), *rsa = load(rs, 1);
	struct token_keyset *sets[2] = { hs, rsa };
	struct token_claims c;
	char *tok, *pl, *evil, *forged;
	int i;

	(void)state;
	claims_init(&c);
	for (i = 0; i < 2; i++) {
		tok = sign(sets[i], &c);
		assert_int_equal(verify(sets[i], tok, NULL), TOKEN_OK);
		pl = part(tok, 1, NULL);
		evil = subst(pl, "\"sub\":\"42\"", "\"sub\":\"1\"");
		forged = splice(tok, 1, evil);
		assert_int_equal(verify(sets[i], forged, NULL), TOKEN_BAD_SIGNATURE);
		free(forged);
		free(evil);
		evil = subst(pl, "\"org_admin\"", "\"platform_admin\"");
		forged = splice(tok, 1, evil);
		assert_int_equal(verify(sets[i], forged, NULL), TOKEN_BAD_SIGNATURE);
		free(forged);
		free(evil);
		free(pl);
		free(tok);
	}
	/* A flipped signature byte. */
	tok = sign(hs, &c);
	tok[strlen(tok) - 2] = tok[strlen(tok) - 2] == 'A' ? 'B' : 'A';
	assert_int_equal(verify(hs, tok, NULL), TOKEN_BAD_SIGNATURE);
	free(tok);
	token_keyset_free(hs);
	token_keyset_free(rsa);
}

/* Another spelling of the same ES256 signature (non-zero unused base64 bits) is refused too. */
static void
test_signature_spelling(void **state)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	struct token_key_conf es[] = { { "es1", "ES256", kp("es256_private.pem"), 1 } };
	struct token_keyset *ks = load(es, 1);
	struct token_claims c;
	char *tok, *last;
	size_t v;
	jwt_t *j = NULL;
	size_t publen;
	char *pub = slurp(kp("es256_public.pem"), &publen);

	(void)state;
	claims_init(&c);
	tok = sign(ks, &c);
	assert_int_equal(verify(ks, tok, NULL), TOKEN_OK);
	/* 64 bytes take 86 characters; the last one carries 2 bits and 4 that must be zero. */
	last = tok + strlen(tok) - 1;
	v = (size_t)(strchr(alphabet, *last) - alphabet);
	assert_int_equal(v & 15, 0);
	*last = alphabet[v | 1];
	/* libjwt alone decodes it to the same signature and accepts it... */
	assert_int_equal(jwt_decode(&j, tok, (const unsigned char *)pub, (int)publen), 0);
	jwt_free(j);
	/* ...we do not: one token, one spelling. */
	assert_int_equal(verify(ks, tok, NULL), TOKEN_BAD_SIGNATURE);
	free(pub);
	free(tok);
	token_keyset_free(ks);
}

static void
test_tampered_header(void **state)
{
	struct token_key_conf rs[] = { { "rs1", "RS256", kp("rs256_private.pem"), 1 } };
	struct token_keyset *hs = load_hs(), *rsa = load(rs, 1);
	struct token_claims c;
	char *tok, *forged;

	(void)state;
	claims_init(&c);
	tok = sign(hs, &c);
	forged = splice(tok, 0, "{\"alg\":\"HS512\",\"kid\":\"hs1\",\"typ\":\"JWT\"}");
	assert_int_equal(verify(hs, forged, NULL), TOKEN_BAD_ALG);
	free(forged);
	/* Header changed without changing alg: the signature covers it. */
	forged = splice(tok, 0, "{\"alg\":\"HS256\",\"kid\":\"hs1\",\"typ\":\"jwt\"}");
	assert_int_equal(verify(hs, forged, NULL), TOKEN_BAD_SIGNATURE);
	free(forged);
	/* Duplicate members (another parser might read the last alg) and crit are refused. */
	forged = splice(tok, 0, "{\"alg\":\"HS256\",\"kid\":\"hs1\",\"alg\":\"HS256\"}");
	assert_int_equal(verify(hs, forged, NULL), TOKEN_MALFORMED);
	free(forged);
	forged = splice(tok, 0, "{\"alg\":\"HS256\",\"kid\":\"hs1\",\"crit\":[\"exp\"]}");
	assert_int_equal(verify(hs, forged, NULL), TOKEN_MALFORMED);
	free(forged);
	forged = splice(tok, 0, "{\"alg\":\"HS256\",\"kid\":\"hs1\",\"typ\":\"JWE\"}");
	assert_int_equal(verify(hs, forged, NULL), TOKEN_BAD_TYPE);
	free(forged);
	free(tok);

	tok = sign(rsa, &c);
	forged = splice(tok, 0, "{\"alg\":\"HS256\",\"kid\":\"rs1\",\"typ\":\"JWT\"}");
	assert_int_equal(verify(rsa, forged, NULL), TOKEN_BAD_ALG);
	free(forged);
	forged = splice(tok, 0, "{\"alg\":\"RS512\",\"kid\":\"rs1\",\"typ\":\"JWT\"}");
	assert_int_equal(verify(rsa, forged, NULL), TOKEN_BAD_ALG);
	free(forged);
	free(tok);
	token_keyset_free(hs);
	token_keyset_free(rsa);
}

static void
test_unknown_kid(void **state)
{
	struct token_key_conf kc[] = {
		{ "hs1", "HS256", kp("hs256_a.secret"), 1 },
		{ "hs2", "HS256", kp("hs256_b.secret"), 0 },
	};
	struct token_keyset *ks = load(kc, 2), *one = load_hs();
	size_t len;
	char *secret = hs_secret(&len), *tok;

	(void)state;
	tok = hs_token(secret, len, "{\"alg\":\"HS256\",\"kid\":\"hs9\"}", good_payload);
	assert_int_equal(verify(ks, tok, NULL), TOKEN_UNKNOWN_KID);
	assert_int_equal(verify(one, tok, NULL), TOKEN_UNKNOWN_KID);
	free(tok);
	/* Two keys and no kid: no guessing. */
	tok = hs_token(secret, len, "{\"alg\":\"HS256\"}", good_payload);
	assert_int_equal(verify(ks, tok, NULL), TOKEN_UNKNOWN_KID);
	/* One key and no kid: that key is used (this token is really signed with it). */
	assert_int_equal(verify(one, tok, NULL), TOKEN_OK);
	free(tok);
	/* A kid of the wrong type is malformed. */
	tok = hs_token(secret, len, "{\"alg\":\"HS256\",\"kid\":1}", good_payload);
	assert_int_equal(verify(one, tok, NULL), TOKEN_MALFORMED);
	free(tok);
	free(secret);
	token_keyset_free(ks);
	token_keyset_free(one);
}

static void
test_expired(void **state)
{
	struct token_keyset *ks = load_hs();
	struct token_expect strict = expect;
	struct token_claims c, got;
	char *tok;

	(void)state;
	claims_init(&c);
	c.iat = NOW - 1000;
	c.exp = NOW - 100;
	tok = sign(ks, &c);
	assert_int_equal(verify(ks, tok, &got), TOKEN_EXPIRED);
	assert_string_equal(got.jti, "");
	free(tok);
	/* Inside the leeway it is still good; with no leeway exp itself is already too late. */
	c.exp = NOW - 10;
	tok = sign(ks, &c);
	assert_int_equal(verify(ks, tok, NULL), TOKEN_OK);
	free(tok);
	c.exp = NOW;
	tok = sign(ks, &c);
	strict.leeway = 0;
	assert_int_equal(token_verify(ks, tok, strlen(tok), &strict, NOW, &got), TOKEN_EXPIRED);
	assert_int_equal(token_verify(ks, tok, strlen(tok), &strict, NOW - 1, &got), TOKEN_OK);
	free(tok);
	token_keyset_free(ks);
}

/*
 * A token accepted once is answered from the keyset's cache: same claims, no second full
 * verification, and its time claims are checked again (an expired cached token is refused).
 * A changed byte, or other expectations, never hit.
 */
static void
test_cache(void **state)
{
	struct token_keyset *ks = load_hs();
	struct token_expect other = expect;
	struct token_claims c, first, again;
	unsigned long long hits, misses, hits0, misses0;
	char *tok, *bad;
	size_t n;

	(void)state;
	claims_init(&c);
	tok = sign(ks, &c);
	token_cache_stats(ks, &hits0, &misses0);	/* loading verified a token of its own */
	assert_int_equal(verify(ks, tok, &first), TOKEN_OK);
	assert_int_equal(verify(ks, tok, &again), TOKEN_OK);
	token_cache_stats(ks, &hits, &misses);
	assert_true(hits == hits0 + 1 && misses == misses0 + 1);
	assert_memory_equal(&first, &again, sizeof(first));

	/* Past exp (and the leeway) the cached token is refused, and so before nbf/iat. */
	assert_int_equal(token_verify(ks, tok, strlen(tok), &expect, c.exp + 3600, &again),
	    TOKEN_EXPIRED);
	assert_int_equal(token_verify(ks, tok, strlen(tok), &expect, c.iat - 3600, &again),
	    TOKEN_NOT_YET_VALID);
	token_cache_stats(ks, &hits, &misses);
	assert_true(hits == hits0 + 3 && misses == misses0 + 1);

	/* One changed signature character: not the cached token, and refused. */
	bad = strdup(tok);
	n = strlen(bad);
	bad[n - 2] = bad[n - 2] == 'A' ? 'B' : 'A';
	assert_int_not_equal(verify(ks, bad, NULL), TOKEN_OK);
	free(bad);
	/* The same token checked for another audience or type: not a hit, refused. */
	other.aud = "someone-else";
	assert_int_equal(token_verify(ks, tok, strlen(tok), &other, NOW, &again), TOKEN_BAD_AUDIENCE);
	other = expect;
	other.typ = "refresh";
	assert_int_equal(token_verify(ks, tok, strlen(tok), &other, NOW, &again), TOKEN_BAD_TYPE);
	token_cache_stats(ks, &hits, &misses);
	assert_true(hits == hits0 + 3 && misses == misses0 + 1);
	free(tok);
	token_keyset_free(ks);
}

static void
test_not_yet_valid(void **state)
{
	struct token_keyset *ks = load_hs();
	struct token_claims c;
	char *tok;

	(void)state;
	claims_init(&c);
	c.nbf = NOW + 100;
	tok = sign(ks, &c);
	assert_int_equal(verify(ks, tok, NULL), TOKEN_NOT_YET_VALID);
	free(tok);
	c.nbf = NOW + 20;	/* within leeway */
	tok = sign(ks, &c);
	assert_int_equal(verify(ks, tok, NULL), TOKEN_OK);
	free(tok);
	/* Issued in the future. */
	c.nbf = 0;
	c.iat = NOW + 300;
	c.exp = NOW + 1200;
	tok = sign(ks, &c);
	assert_int_equal(verify(ks, tok, NULL), TOKEN_NOT_YET_VALID);
	free(tok);
	token_keyset_free(ks);
}

static void
test_wrong_iss_aud_typ(void **state)
{
	struct token_keyset *ks = load_hs();
	struct token_expect other = expect;
	struct token_claims c;
	size_t len;
	char *secret = hs_secret(&len), *tok, *pl;
	const char *hdr = "{\"alg\":\"HS256\",\"kid\":\"hs1\",\"typ\":\"JWT\"}";

	(void)state;
	claims_init(&c);
	tok = sign(ks, &c);
	other.iss = "someone-else";
	assert_int_equal(token_verify(ks, tok, strlen(tok), &other, NOW, &c), TOKEN_BAD_ISSUER);
	other = expect;
	other.aud = "another-service";
	assert_int_equal(token_verify(ks, tok, strlen(tok), &other, NOW, &c), TOKEN_BAD_AUDIENCE);
	other = expect;
	other.typ = "refresh";
	assert_int_equal(token_verify(ks, tok, strlen(tok), &other, NOW, &c), TOKEN_BAD_TYPE);
	/* NULL expectations fail closed. */
	other = expect;
	other.aud = NULL;
	assert_int_equal(token_verify(ks, tok, strlen(tok), &other, NOW, &c), TOKEN_BAD_AUDIENCE);
	free(tok);

	/* Hand-built tokens signed with the real secret. */
	pl = subst(good_payload, "\"aud\":\"gatehouse\"", "\"aud\":[\"x\",\"gatehouse\"]");
	tok = hs_token(secret, len, hdr, pl);
	assert_int_equal(verify(ks, tok, NULL), TOKEN_OK);
	free(tok);
	free(pl);
	pl = subst(good_payload, "\"aud\":\"gatehouse\"", "\"aud\":[\"x\",\"y\"]");
	tok = hs_token(secret, len, hdr, pl);
	assert_int_equal(verify(ks, tok, NULL), TOKEN_BAD_AUDIENCE);
	free(tok);
	free(pl);
	pl = subst(good_payload, "\"iss\":\"gatehouse\",", "");
	tok = hs_token(secret, len, hdr, pl);
	assert_int_equal(verify(ks, tok, NULL), TOKEN_BAD_ISSUER);
	free(tok);
	free(pl);
	pl = subst(good_payload, "\"typ\":\"access\"", "\"typ\":\"refresh\"");
	tok = hs_token(secret, len, hdr, pl);
	assert_int_equal(verify(ks, tok, NULL), TOKEN_BAD_TYPE);
	free(tok);
	free(pl);
	free(secret);
	token_keyset_free(ks);
}

static void
test_bad_claims(void **state)
{
	static const struct {
		const char *from, *to;
	} cases[] = {
		{ "\"exp\":1800000900,", "" },			/* missing exp */
		{ "\"exp\":1800000900,", "\"exp\":\"1800000900\"," },
		{ "\"exp\":1800000900,", "\"exp\":1800000900.5," },
		{ "\"iat\":1799999900,", "" },
		{ "\"iat\":1799999900,", "\"iat\":1800000901," },	/* after exp */
		{ "\"sub\":\"42\",", "" },
		{ "\"sub\":\"42\",", "\"sub\":42," },
		{ "\"sub\":\"42\",", "\"sub\":\"042\"," },
		{ "\"sub\":\"42\",", "\"sub\":\"4x\"," },
		{ "\"sub\":\"42\",", "\"sub\":\"99999999999999999999\"," },
		{ "\"pv\":3,", "" },
		{ "\"pv\":3,", "\"pv\":-1," },
		{ "\"jti\":\"AAAAAAAAAAAAAAAAAAAAAA\",", "" },
		{ "\"jti\":\"AAAAAAAAAAAAAAAAAAAAAA\",", "\"jti\":\"a b\"," },
		{ "\"org\":7,", "\"org\":\"7\"," },
		{ "\"org\":7,", "\"org\":0," },
		{ "\"org\":7,", "\"org\":7,\"sid\":\"\"," },
		{ "\"org\":7,", "\"org\":7,\"sid\":\"a/b\"," },
		{ "\"org\":7,", "\"org\":7,\"sid\":12," },
		{ "\"roles\":[\"member\"],", "" },
		{ "\"roles\":[\"member\"],", "\"roles\":\"member\"," },
		{ "\"roles\":[\"member\"],", "\"roles\":[\"a,b\"]," },
		{ "\"roles\":[\"member\"],", "\"roles\":[1]," },
	};
	struct token_keyset *ks = load_hs();
	struct token_claims got;
	size_t i, len;
	char *secret = hs_secret(&len), *tok, *pl;
	const char *hdr = "{\"alg\":\"HS256\",\"kid\":\"hs1\"}";

	(void)state;
	/* The unmodified hand-built token is good, so each refusal below is the edit's doing. */
	tok = hs_token(secret, len, hdr, good_payload);
	assert_int_equal(verify(ks, tok, &got), TOKEN_OK);
	assert_string_equal(got.roles, "member");
	free(tok);
	/* org may be absent or null. */
	pl = subst(good_payload, "\"org\":7,", "");
	tok = hs_token(secret, len, hdr, pl);
	assert_int_equal(verify(ks, tok, &got), TOKEN_OK);
	assert_int_equal(got.org, 0);
	free(tok);
	free(pl);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pl = subst(good_payload, cases[i].from, cases[i].to);
		tok = hs_token(secret, len, hdr, pl);
		if (verify(ks, tok, &got) != TOKEN_BAD_CLAIMS)
			fail_msg("case %zu (%s): %s", i, pl, token_result_str(verify(ks, tok, NULL)));
		free(tok);
		free(pl);
	}
	/* A payload that is not a JSON object is malformed. */
	tok = hs_token(secret, len, hdr, "[1,2]");
	assert_int_equal(verify(ks, tok, NULL), TOKEN_MALFORMED);
	free(tok);
	free(secret);
	token_keyset_free(ks);
}

static void
test_garbage(void **state)
{
	static const char *const junk[] = {
		"not a token",
		"abc",
		"a.b",
		"a.b.c.d",
		"..",
		".eyJhbGciOiJIUzI1NiJ9.sig",
		"eyJhbGciOiJIUzI1NiJ9..sig",
		"eyJhbGciOiJIUzI1NiJ9.e30.sig=",	/* padding is not base64url */
		"eyJhbGciOiJIUzI1NiJ9.e30.si+g",
		"Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln",
		"aGVsbG8.aGVsbG8.aGVsbG8",		/* "hello": not JSON */
		"e30.e30.AAAA",				/* {} header: no alg */
		"eyJhbGciOjF9.e30.AAAA",		/* alg is a number */
		"eyJhbGciOiJIUzI1NiJ9x.e30.AAAA",	/* trailing base64 bits */
	};
	struct token_keyset *ks = load_hs();
	struct token_claims got;
	const char nul[] = "eyJhbGciOiJIUzI1NiJ9\0.e30.AAAA";
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		if (verify(ks, junk[i], &got) != TOKEN_MALFORMED)
			fail_msg("junk %zu \"%s\": %s", i, junk[i],
			    token_result_str(verify(ks, junk[i], NULL)));
	assert_int_equal(token_verify(ks, nul, sizeof(nul) - 1, &expect, NOW, &got),
	    TOKEN_MALFORMED);
	assert_int_equal(token_verify(NULL, "a.b.c", 5, &expect, NOW, &got), TOKEN_MALFORMED);
	assert_int_equal(token_verify(ks, "a.b.c", 5, NULL, NOW, &got), TOKEN_MALFORMED);
	token_keyset_free(ks);
}

static void
test_empty(void **state)
{
	struct token_keyset *ks = load_hs();
	struct token_claims got;

	(void)state;
	assert_int_equal(token_verify(ks, "", 0, &expect, NOW, &got), TOKEN_MALFORMED);
	assert_int_equal(token_verify(ks, NULL, 0, &expect, NOW, &got), TOKEN_MALFORMED);
	token_keyset_free(ks);
}

static void
test_oversized(void **state)
{
	struct token_keyset *ks = load_hs();
	struct token_claims got;
	size_t len, n;
	char *secret = hs_secret(&len), *tok, *big;

	(void)state;
	big = malloc(TOKEN_MAX_LEN + 2);
	assert_non_null(big);
	memset(big, 'A', TOKEN_MAX_LEN + 1);
	big[10] = '.';
	big[20] = '.';
	big[TOKEN_MAX_LEN + 1] = '\0';
	assert_int_equal(verify(ks, big, &got), TOKEN_MALFORMED);
	free(big);

	/* Correctly signed: a large token under the cap passes, one over it is refused. */
	for (n = 5600; n <= 6200; n += 600) {
		big = malloc(strlen(good_payload) + n + 16);
		assert_non_null(big);
		sprintf(big, "{\"pad\":\"%0*d\",%s", (int)n, 0, good_payload + 1);
		tok = hs_token(secret, len, "{\"alg\":\"HS256\",\"kid\":\"hs1\"}", big);
		if (n == 5600) {
			assert_true(strlen(tok) > 7600 && strlen(tok) <= TOKEN_MAX_LEN);
			assert_int_equal(verify(ks, tok, NULL), TOKEN_OK);
		} else {
			assert_true(strlen(tok) > TOKEN_MAX_LEN);
			assert_int_equal(verify(ks, tok, NULL), TOKEN_MALFORMED);
		}
		free(tok);
		free(big);
	}
	free(secret);
	token_keyset_free(ks);
}

/* ---- loading ---- */

static void
test_load_errors(void **state)
{
	struct token_key_conf one;
	struct token_key_conf two[2];
	struct token_keyset *ks;
	const char *e;

	(void)state;
	one = (struct token_key_conf){ "k", "HS256", kp("hs256_short.secret"), 1 };
	assert_string_equal(load_err(&one, 1), "jwt secret too short (need at least 32 bytes)");
	one.path = kp("hs256_exact32.secret");	/* 32 bytes and a newline: just enough */
	ks = load(&one, 1);
	token_keyset_free(ks);

	two[0] = (struct token_key_conf){ "k", "HS256", kp("hs256_a.secret"), 1 };
	two[1] = (struct token_key_conf){ "k", "HS256", kp("hs256_b.secret"), 0 };
	assert_non_null(strstr(load_err(two, 2), "duplicate"));
	two[1].kid = "k2";
	two[1].sign = 1;
	assert_non_null(strstr(load_err(two, 2), "exactly one"));
	two[0].sign = two[1].sign = 0;
	assert_non_null(strstr(load_err(two, 2), "exactly one"));

	one = (struct token_key_conf){ "k", "HS512", kp("hs256_a.secret"), 1 };
	assert_non_null(strstr(load_err(&one, 1), "alg"));
	one.alg = "none";
	assert_non_null(strstr(load_err(&one, 1), "alg"));
	one = (struct token_key_conf){ "bad kid!", "HS256", kp("hs256_a.secret"), 1 };
	assert_non_null(strstr(load_err(&one, 1), "kid"));
	one = (struct token_key_conf){ "k", "HS256", kp("does-not-exist"), 1 };
	assert_non_null(strstr(load_err(&one, 1), "No such file"));
	one = (struct token_key_conf){ "k", "HS256", kp("rs256_public.pem"), 1 };
	assert_non_null(strstr(load_err(&one, 1), "must not be a PEM key"));
	one = (struct token_key_conf){ "k", "ES256", kp("es384_private.pem"), 1 };
	assert_non_null(strstr(load_err(&one, 1), "P-256"));
	one = (struct token_key_conf){ "k", "ES256", kp("rs256_private.pem"), 1 };
	assert_non_null(strstr(load_err(&one, 1), "does not match"));
	one = (struct token_key_conf){ "k", "RS256", kp("es256_private.pem"), 1 };
	assert_non_null(strstr(load_err(&one, 1), "does not match"));
	one = (struct token_key_conf){ "k", "RS256", kp("rs1024_private.pem"), 1 };
	assert_non_null(strstr(load_err(&one, 1), "1024 bits"));
	one = (struct token_key_conf){ "k", "ES256", kp("es256_encrypted.pem"), 1 };
	assert_non_null(strstr(load_err(&one, 1), "encrypted"));
	one = (struct token_key_conf){ "k", "ES256", kp("es256_public.pem"), 1 };
	assert_non_null(strstr(load_err(&one, 1), "private key"));
	one = (struct token_key_conf){ "k", "ES256", kp("hs256_a.secret"), 1 };
	assert_non_null(strstr(load_err(&one, 1), "no PEM"));
	e = load_err(NULL, 0);
	assert_non_null(strstr(e, "keys"));
	token_keyset_free(NULL);
}

/* ---- JWKS ---- */

static char *
bn_b64(const char *pemfile, const char *param, int pad)
{
	size_t len;
	char *pem = slurp(kp(pemfile), &len), *out;
	BIO *b = BIO_new_mem_buf(pem, (int)len);
	EVP_PKEY *pk = PEM_read_bio_PUBKEY(b, NULL, NULL, NULL);
	BIGNUM *bn = NULL;
	unsigned char bin[1024];
	int n;

	assert_non_null(pk);
	assert_int_equal(EVP_PKEY_get_bn_param(pk, param, &bn), 1);
	n = pad ? BN_bn2binpad(bn, bin, pad) : BN_bn2bin(bn, bin);
	assert_true(n > 0);
	out = b64(bin, (size_t)n);
	BN_free(bn);
	EVP_PKEY_free(pk);
	BIO_free(b);
	free(pem);
	return out;
}

static void
test_jwks(void **state)
{
	struct token_key_conf kc[] = {
		{ "hs1", "HS256", kp("hs256_a.secret"), 1 },
		{ "rs1", "RS256", kp("rs256_private.pem"), 0 },
		{ "es1", "ES256", kp("es256_public.pem"), 0 },
	};
	struct token_keyset *ks = load(kc, 3);
	size_t len;
	char *doc = token_jwks_json(ks), *secret = hs_secret(&len), *v, want[1024];

	(void)state;
	assert_non_null(doc);
	assert_true(strncmp(doc, "{\"keys\":[", 9) == 0);
	assert_non_null(strstr(doc, "\"kid\":\"rs1\""));
	assert_non_null(strstr(doc, "\"kid\":\"es1\""));
	assert_non_null(strstr(doc, "\"kty\":\"RSA\""));
	assert_non_null(strstr(doc, "\"kty\":\"EC\""));
	assert_non_null(strstr(doc, "\"crv\":\"P-256\""));
	assert_non_null(strstr(doc, "\"alg\":\"RS256\""));
	assert_non_null(strstr(doc, "\"alg\":\"ES256\""));
	assert_non_null(strstr(doc, "\"use\":\"sig\""));
	assert_non_null(strstr(doc, "\"e\":\"AQAB\""));
	/* No trace of the HS key: not its kid, not a symmetric JWK, not its secret. */
	assert_null(strstr(doc, "hs1"));
	assert_null(strstr(doc, "\"oct\""));
	assert_null(strstr(doc, "\"k\":"));
	assert_null(strstr(doc, "\"d\":"));	/* nor the RSA private exponent */
	assert_null(strstr(doc, secret));
	/* The published numbers are those of the keys, x/y padded to 32 bytes. */
	v = bn_b64("rs256_public.pem", OSSL_PKEY_PARAM_RSA_N, 0);
	snprintf(want, sizeof(want), "\"n\":\"%s\"", v);
	assert_non_null(strstr(doc, want));
	free(v);
	v = bn_b64("es256_public.pem", OSSL_PKEY_PARAM_EC_PUB_X, 32);
	snprintf(want, sizeof(want), "\"x\":\"%s\"", v);
	assert_non_null(strstr(doc, want));
	free(v);
	v = bn_b64("es256_public.pem", OSSL_PKEY_PARAM_EC_PUB_Y, 32);
	snprintf(want, sizeof(want), "\"y\":\"%s\"", v);
	assert_non_null(strstr(doc, want));
	free(v);
	free(doc);
	free(secret);
	token_keyset_free(ks);

	/* An HS-only keyset publishes an empty set. */
	ks = load_hs();
	doc = token_jwks_json(ks);
	assert_string_equal(doc, "{\"keys\":[]}");
	free(doc);
	token_keyset_free(ks);
}

/* ---- odds and ends ---- */

static void
test_sign_refuses(void **state)
{
	struct token_keyset *ks = load_hs();
	struct token_claims c;
	char *tok = (char *)"unset";

	(void)state;
	claims_init(&c);
	strcpy(c.sub, "0");
	assert_int_equal(token_sign(ks, &c, &expect, &tok), -1);
	assert_null(tok);
	claims_init(&c);
	c.jti[0] = '\0';
	assert_int_equal(token_sign(ks, &c, &expect, &tok), -1);
	claims_init(&c);
	c.exp = c.iat;
	assert_int_equal(token_sign(ks, &c, &expect, &tok), -1);
	claims_init(&c);
	strcpy(c.sid, "not base64url!");
	assert_int_equal(token_sign(ks, &c, &expect, &tok), -1);
	claims_init(&c);
	strcpy(c.roles, "a,,b");
	assert_int_equal(token_sign(ks, &c, &expect, &tok), -1);
	claims_init(&c);
	strcpy(c.roles, "a,");
	assert_int_equal(token_sign(ks, &c, &expect, &tok), -1);
	claims_init(&c);
	c.typ[0] = '\0';	/* falls back to expect->typ */
	assert_int_equal(token_sign(ks, &c, &expect, &tok), 0);
	assert_int_equal(verify(ks, tok, NULL), TOKEN_OK);
	free(tok);
	token_keyset_free(ks);
}

static void
test_result_str(void **state)
{
	(void)state;
	assert_string_equal(token_result_str(TOKEN_OK), "ok");
	assert_string_equal(token_result_str(TOKEN_BAD_ALG), "bad_alg");
	assert_string_equal(token_result_str(TOKEN_BAD_CLAIMS), "bad_claims");
	assert_string_equal(token_result_str(TOKEN__MAX), "unknown");
	assert_string_equal(token_result_str((enum token_result)-1), "unknown");
}

static void
test_new_jti(void **state)
{
	char a[48], b[48];
	size_t i;

	(void)state;
	token_new_jti(a);
	token_new_jti(b);
	assert_int_equal(strlen(a), TOKEN_JTI_LEN);
	assert_string_not_equal(a, b);
	for (i = 0; a[i] != '\0'; i++)
		assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789-_", a[i]));
}

/* The hot path: HS256 verify should stay around 10 us; the bound only catches gross regressions. */
static void
test_verify_cost(void **state)
{
	struct token_keyset *ks = load_hs();
	struct token_claims c, got;
	struct timespec t0, t1;
	char *tok, *toks[2000];
	size_t len;
	double us, full;
	int i, n = 20000, m = 2000;

	(void)state;
	claims_init(&c);
	/* The full verification: m different tokens, each new to the cache. */
	for (i = 0; i < m; i++) {
		token_new_jti(c.jti);
		toks[i] = sign(ks, &c);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < m; i++)
		if (token_verify(ks, toks[i], strlen(toks[i]), &expect, NOW, &got) != TOKEN_OK)
			fail_msg("verify failed in loop");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	full = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / m / 1e3;
	for (i = 0; i < m; i++)
		free(toks[i]);
	/* The same token again and again: answered by the cache. */
	tok = sign(ks, &c);
	len = strlen(tok);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++)
		if (token_verify(ks, tok, len, &expect, NOW, &got) != TOKEN_OK)
			fail_msg("verify failed in loop");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	us = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / n / 1e3;
	printf("# HS256 token_verify: %.2f us per call, %.2f us when cached (%zu-byte token)\n",
	    full, us, len);
	/* Generous for sanitizers; GH_TEST_SLOW=1 (valgrind) skips the bound. */
	if (getenv("GH_TEST_SLOW") == NULL)
		assert_true(full < 250.0 && us < 250.0);
	free(tok);
	token_keyset_free(ks);
}


/*
 * The OpenID Connect ID-token key: an ES/RS key loaded with id=1 beside an HS256 signer signs
 * arbitrary claims (ID tokens), is published in the JWKS, is found by token_verify_signature,
 * and does not make a kid-less access token ambiguous.  Without it, an ES/RS signer is the ID
 * key; with an HS256 signer alone there is none.  An HS256 ID key, or two, are refused.
 */
static void
test_id_key(void **state)
{
	struct token_key_conf kc[2], one[1], bad[3];
	struct token_keyset *ks;
	struct token_claims c, got;
	char *tok, *payload = NULL, *jwks, *nokid, *dot;

	(void)state;
	/* kp() has 8 buffers: each configuration is filled just before it is loaded. */
	kc[0] = (struct token_key_conf){ "k1", "HS256", kp("hs256_a.secret"), 1, 0 };
	kc[1] = (struct token_key_conf){ "oidc1", "ES256", kp("es256_private.pem"), 0, 1 };
	ks = load(kc, 2);
	assert_string_equal(token_id_alg(ks), "ES256");
	assert_int_equal(token_id_sign(ks, "{\"iss\":\"https://op.example\",\"sub\":\"42\","
	    "\"aud\":\"client\",\"nonce\":\"n\"}", &tok), 0);
	assert_int_equal(token_verify_signature(ks, tok, strlen(tok), &payload), TOKEN_OK);
	assert_non_null(strstr(payload, "\"nonce\":\"n\""));
	free(payload);
	/* Not an access token: the token check refuses it (no access claims, no typ). */
	assert_int_not_equal(verify(ks, tok, &got), TOKEN_OK);
	/* A changed signature. */
	tok[strlen(tok) - 2] = tok[strlen(tok) - 2] == 'A' ? 'B' : 'A';
	assert_int_equal(token_verify_signature(ks, tok, strlen(tok), &payload),
	    TOKEN_BAD_SIGNATURE);
	assert_null(payload);
	free(tok);
	/* An HS256 access token is never accepted by token_verify_signature. */
	claims_init(&c);
	tok = sign(ks, &c);
	assert_int_equal(token_verify_signature(ks, tok, strlen(tok), &payload), TOKEN_BAD_ALG);
	assert_int_equal(verify(ks, tok, &got), TOKEN_OK);
	/* Without a kid the one access-token key is chosen (the ID key aside): not unknown_kid. */
	dot = strchr(tok, '.');
	nokid = malloc(strlen(tok) + 64);
	assert_non_null(nokid);
	sprintf(nokid, "%s%s", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9", dot);
	assert_int_equal(verify(ks, nokid, &got), TOKEN_BAD_SIGNATURE);
	free(nokid);
	free(tok);
	jwks = token_jwks_json(ks);
	assert_non_null(strstr(jwks, "\"kid\":\"oidc1\""));
	assert_null(strstr(jwks, "\"k1\""));
	free(jwks);
	token_keyset_free(ks);

	one[0] = (struct token_key_conf){ "k1", "HS256", kp("hs256_a.secret"), 1, 0 };
	ks = load(one, 1);
	assert_null(token_id_alg(ks));
	assert_int_equal(token_id_sign(ks, "{}", &tok), -1);
	assert_null(tok);
	token_keyset_free(ks);

	one[0] = (struct token_key_conf){ "rsa", "RS256", kp("rs256_private.pem"), 1, 0 };
	ks = load(one, 1);
	assert_string_equal(token_id_alg(ks), "RS256");
	assert_int_equal(token_id_sign(ks, "{\"sub\":\"1\"}", &tok), 0);
	assert_int_equal(token_verify_signature(ks, tok, strlen(tok), &payload), TOKEN_OK);
	free(payload);
	free(tok);
	token_keyset_free(ks);

	bad[0] = (struct token_key_conf){ "k1", "HS256", kp("hs256_a.secret"), 1, 0 };
	bad[1] = (struct token_key_conf){ "k2", "HS256", kp("hs256_b.secret"), 0, 1 };
	assert_non_null(strstr(load_err(bad, 2), "ES256 or RS256"));
	bad[1] = (struct token_key_conf){ "i1", "ES256", kp("es256_private.pem"), 0, 1 };
	bad[2] = (struct token_key_conf){ "i2", "RS256", kp("rs256_private.pem"), 0, 1 };
	assert_non_null(strstr(load_err(bad, 3), "at most one"));
	bad[1] = (struct token_key_conf){ "i1", "ES256", kp("es256_public.pem"), 0, 1 };
	assert_non_null(strstr(load_err(bad, 2), "private key"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_hs256),
		cmocka_unit_test(test_roundtrip_es256),
		cmocka_unit_test(test_roundtrip_rs256),
		cmocka_unit_test(test_roundtrip_details),
		cmocka_unit_test(test_rotation),
		cmocka_unit_test(test_alg_none),
		cmocka_unit_test(test_alg_confusion),
		cmocka_unit_test(test_tampered_payload),
		cmocka_unit_test(test_signature_spelling),
		cmocka_unit_test(test_tampered_header),
		cmocka_unit_test(test_unknown_kid),
		cmocka_unit_test(test_expired),
		cmocka_unit_test(test_not_yet_valid),
		cmocka_unit_test(test_wrong_iss_aud_typ),
		cmocka_unit_test(test_bad_claims),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_oversized),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_jwks),
		cmocka_unit_test(test_sign_refuses),
		cmocka_unit_test(test_result_str),
		cmocka_unit_test(test_new_jti),
		cmocka_unit_test(test_verify_cost),
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_id_key),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
