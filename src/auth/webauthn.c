/*
 * webauthn.c: WebAuthn Level 2 registration and assertion verification.  Contract in
 * webauthn.h.
 *
 * CBOR comes from the client, so every CBOR item is first walked with libcbor's streaming
 * decoder (bounded): definite lengths only, no tags, no floats, at most CBOR_DEPTH_MAX levels
 * and CBOR_ITEMS_MAX items, and no array or map that declares more members than bytes are left
 * (cbor_load allocates a definite map or array for its declared size before reading it).  Only
 * an item that passes is built with cbor_load, and every built item is released with
 * cbor_decref on every path.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cbor.h>
#include <cJSON.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>
#include <sodium.h>

#include "auth/webauthn.h"

#define CBOR_DEPTH_MAX	8
#define CBOR_ITEMS_MAX	1024
#define CBOR_MAP_MAX	32	/* entries of a map we look into */
#define SHA256_LEN	32
#define AUTH_DATA_MIN	37	/* rpIdHash, flags, signCount */
#define RSA_BITS_MIN	2048
#define RSA_BITS_MAX	4096

static int
fail(struct webauthn_error *e, int kind, const char *field, const char *code, const char *reason)
{
	e->kind = kind;
	e->field = field;
	e->code = code;
	e->reason = reason;
	return -1;
}

#define MALFORMED(e, f, c, r)	fail((e), WEBAUTHN_MALFORMED, (f), (c), (r))
#define REFUSED(e, f, c, r)	fail((e), WEBAUTHN_REFUSED, (f), (c), (r))
#define INTERNAL(e, f)		fail((e), WEBAUTHN_INTERNAL, (f), "internal", \
				    "the verification could not be completed")

/*
 * The flags byte of authenticator data (in field) of either ceremony: the user was present,
 * and verified when require_uv.  0, or -1 refused.
 */
static int
presence(unsigned char flags, const char *field, int require_uv, struct webauthn_error *err)
{
	if (!(flags & WEBAUTHN_F_UP))
		return REFUSED(err, field, "user_not_present",
		    "the authenticator did not see the user present");
	if (require_uv && !(flags & WEBAUTHN_F_UV))
		return REFUSED(err, field, "user_not_verified",
		    "the policy requires user verification and the authenticator did not verify");
	return 0;
}

/* The base64url members of the ceremonies: the name a malformed one is reported under, and why. */
enum part { PART_CLIENT_DATA, PART_ATT_OBJ, PART_AUTH_DATA, PART_SIG };
static const struct {
	const char	*field;
	const char	*why;
} parts[] = {
	[PART_CLIENT_DATA] = { "clientDataJSON",
	    "clientDataJSON is not base64url of at most 8192 bytes" },
	[PART_ATT_OBJ] = { "attestationObject",
	    "attestationObject is not base64url of at most 16384 bytes" },
	[PART_AUTH_DATA] = { "authenticatorData",
	    "authenticatorData is not base64url of at most 8192 bytes" },
	[PART_SIG] = { "signature", "signature is not base64url of at most 1024 bytes" },
};

/* Member p, the base64url text b64, into buf of cap bytes: 0, or -1 malformed. */
static int
decode(enum part p, const char *b64, unsigned char *buf, size_t cap, size_t *len,
    struct webauthn_error *err)
{
	if (webauthn_b64url_decode(b64, buf, cap, len) != 0)
		return MALFORMED(err, parts[p].field, "bad_encoding", parts[p].why);
	return 0;
}

/* The signature counter of authenticator data ad (big-endian, after the flags). */
static uint32_t
sign_count(const unsigned char *ad)
{
	return (uint32_t)ad[33] << 24 | (uint32_t)ad[34] << 16 | (uint32_t)ad[35] << 8 | ad[36];
}

int
webauthn_b64url_decode(const char *s, unsigned char *buf, size_t cap, size_t *len)
{
	size_t	 sl;

	if (s == NULL)
		return -1;
	sl = strlen(s);
	/* 4 characters carry 3 bytes: refuse before decoding what cannot fit. */
	if (sl == 0 || sl / 4 * 3 > cap + 3)
		return -1;
	if (sodium_base642bin(buf, cap, s, sl, NULL, len, NULL,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return -1;
	return 0;
}

static int
sha256(const void *p, size_t n, unsigned char out[SHA256_LEN])
{
	unsigned int	 ol = 0;

	if (EVP_Digest(p, n, out, &ol, EVP_sha256(), NULL) != 1 || ol != SHA256_LEN)
		return -1;
	return 0;
}

/* The bounded walk (see the top of the file). */

struct walk {
	size_t	 left[CBOR_DEPTH_MAX];	/* items still to come in each open container */
	size_t	 depth;
	size_t	 items;
	size_t	 avail;			/* bytes from the current header to the end */
	int	 bad;
};

static void
walk_pop(struct walk *w)
{
	while (w->depth > 0 && w->left[w->depth - 1] == 0)
		w->depth--;
}

/* A leaf: counted in its container, which closes (with those it ends) when it was the last. */
static void
walk_item(struct walk *w)
{
	if (++w->items > CBOR_ITEMS_MAX)
		w->bad = 1;
	if (w->depth > 0)
		w->left[w->depth - 1]--;
	walk_pop(w);
}

/*
 * A container of members items: counted in its parent, which stays open (its count at 0) until
 * this one closes, so that depth is the real nesting.
 */
static void
walk_open(struct walk *w, size_t members)
{
	if (members == 0) {
		walk_item(w);
		return;
	}
	if (++w->items > CBOR_ITEMS_MAX || members > w->avail || w->depth >= CBOR_DEPTH_MAX) {
		w->bad = 1;
		return;
	}
	if (w->depth > 0)
		w->left[w->depth - 1]--;
	w->left[w->depth++] = members;
}

static void w_u8(void *c, uint8_t v) { (void)v; walk_item(c); }
static void w_u16(void *c, uint16_t v) { (void)v; walk_item(c); }
static void w_u32(void *c, uint32_t v) { (void)v; walk_item(c); }
static void w_u64(void *c, uint64_t v) { (void)v; walk_item(c); }
static void w_str(void *c, cbor_data d, size_t n) { (void)d; (void)n; walk_item(c); }
static void w_leaf(void *c) { walk_item(c); }
static void w_bool(void *c, bool v) { (void)v; walk_item(c); }
static void w_bad(void *c) { ((struct walk *)c)->bad = 1; }
static void w_bad64(void *c, uint64_t v) { (void)v; ((struct walk *)c)->bad = 1; }
static void w_badf(void *c, float v) { (void)v; ((struct walk *)c)->bad = 1; }
static void w_badd(void *c, double v) { (void)v; ((struct walk *)c)->bad = 1; }
static void w_array(void *c, size_t n) { walk_open(c, n); }

static void
w_map(void *c, size_t n)
{
	struct walk	*w = c;

	if (n > SIZE_MAX / 2) {
		w->bad = 1;
		return;
	}
	walk_open(w, n * 2);
}

static const struct cbor_callbacks walk_callbacks = {
	.uint8 = w_u8, .uint16 = w_u16, .uint32 = w_u32, .uint64 = w_u64,
	.negint8 = w_u8, .negint16 = w_u16, .negint32 = w_u32, .negint64 = w_u64,
	.byte_string = w_str, .byte_string_start = w_bad,
	.string = w_str, .string_start = w_bad,
	.array_start = w_array, .indef_array_start = w_bad,
	.map_start = w_map, .indef_map_start = w_bad,
	.tag = w_bad64,
	.float2 = w_badf, .float4 = w_badf, .float8 = w_badd,
	.undefined = w_bad, .null = w_leaf, .boolean = w_bool,
	.indef_break = w_bad,
};

/*
 * Walk the first CBOR item of buf: its length in *item_len, 0; -1 when it breaks the bounds,
 * is cut short or is not CBOR.
 */
static int
cbor_walk(const unsigned char *buf, size_t len, size_t *item_len)
{
	struct walk			 w;
	struct cbor_decoder_result	 r;
	size_t				 off = 0;

	memset(&w, 0, sizeof(w));
	do {
		if (off >= len)
			return -1;
		w.avail = len - off;
		r = cbor_stream_decode(buf + off, len - off, &walk_callbacks, &w);
		if (r.status != CBOR_DECODER_FINISHED || r.read == 0 || w.bad)
			return -1;
		off += r.read;
	} while (w.depth > 0);
	*item_len = off;
	return 0;
}

/* The first item of buf, walked then built; *used its length.  NULL when refused. */
static cbor_item_t *
cbor_read(const unsigned char *buf, size_t len, size_t *used)
{
	struct cbor_load_result	 res;
	cbor_item_t		*it;
	size_t			 n;

	if (cbor_walk(buf, len, &n) != 0)
		return NULL;
	memset(&res, 0, sizeof(res));
	if ((it = cbor_load(buf, n, &res)) == NULL)
		return NULL;
	if (res.error.code != CBOR_ERR_NONE || res.read != n) {
		cbor_decref(&it);
		return NULL;
	}
	*used = n;
	return it;
}

/* An integer item as int64_t; -1 when it is not an integer or out of range. */
static int
cbor_int64(const cbor_item_t *it, int64_t *v)
{
	uint64_t	 u;

	if (!cbor_isa_uint(it) && !cbor_isa_negint(it))
		return -1;
	u = cbor_get_int(it);
	if (u > (uint64_t)INT64_MAX)
		return -1;
	*v = cbor_isa_uint(it) ? (int64_t)u : -1 - (int64_t)u;
	return 0;
}

static int
key_equal(const cbor_item_t *a, const cbor_item_t *b)
{
	int64_t	 x, y;

	if (cbor_isa_string(a) && cbor_isa_string(b))
		return cbor_string_length(a) == cbor_string_length(b) &&
		    memcmp(cbor_string_handle(a), cbor_string_handle(b),
		    cbor_string_length(a)) == 0;
	if (cbor_int64(a, &x) == 0 && cbor_int64(b, &y) == 0)
		return x == y;
	return 0;
}

/*
 * A map of at most CBOR_MAP_MAX entries whose keys are all text (text) or all integers, none
 * twice.  0 or -1.
 */
static int
map_check(const cbor_item_t *m, int text)
{
	struct cbor_pair	*p;
	size_t			 n, i, j;
	int64_t			 v;

	if (!cbor_isa_map(m) || !cbor_map_is_definite(m))
		return -1;
	if ((n = cbor_map_size(m)) > CBOR_MAP_MAX)
		return -1;
	p = cbor_map_handle(m);
	for (i = 0; i < n; i++) {
		if (text ? !cbor_isa_string(p[i].key) || !cbor_string_is_definite(p[i].key) :
		    cbor_int64(p[i].key, &v) != 0)
			return -1;
		for (j = 0; j < i; j++)
			if (key_equal(p[i].key, p[j].key))
				return -1;
	}
	return 0;
}

static cbor_item_t *
map_text(const cbor_item_t *m, const char *k)
{
	struct cbor_pair	*p = cbor_map_handle(m);
	size_t			 n = cbor_map_size(m), i, kl = strlen(k);

	for (i = 0; i < n; i++)
		if (cbor_string_length(p[i].key) == kl &&
		    memcmp(cbor_string_handle(p[i].key), k, kl) == 0)
			return p[i].value;
	return NULL;
}

static cbor_item_t *
map_int(const cbor_item_t *m, int64_t k)
{
	struct cbor_pair	*p = cbor_map_handle(m);
	size_t			 n = cbor_map_size(m), i;
	int64_t			 v;

	for (i = 0; i < n; i++)
		if (cbor_int64(p[i].key, &v) == 0 && v == k)
			return p[i].value;
	return NULL;
}

/* A definite byte string's bytes and length; NULL when it is not one. */
static const unsigned char *
bytes_of(const cbor_item_t *it, size_t *len)
{
	if (it == NULL || !cbor_isa_bytestring(it) || !cbor_bytestring_is_definite(it))
		return NULL;
	*len = cbor_bytestring_length(it);
	return cbor_bytestring_handle(it);
}

/*
 * The public key of a COSE_Key map (RFC 9053): EC2 P-256 with ES256, RSA with RS256, OKP
 * Ed25519 with EdDSA, each with its alg given.  NULL with *err set when refused.
 */
static EVP_PKEY *
cose_key(const cbor_item_t *m, int *alg, struct webauthn_error *err)
{
	static const char	 F[] = "attestationObject";
	EVP_PKEY		*pk = NULL;
	EVP_PKEY_CTX		*ctx = NULL;
	OSSL_PARAM_BLD		*bld = NULL;
	OSSL_PARAM		*params = NULL;
	BIGNUM			*n = NULL, *e = NULL;
	const unsigned char	*x, *y, *bn, *be;
	unsigned char		 pt[65];
	size_t			 xl, yl, nl, el;
	int64_t			 kty, a, crv;
	int			 ok = 0;

	if (map_check(m, 0) != 0) {
		MALFORMED(err, F, "bad_cose_key", "the credential public key is not a COSE_Key map");
		return NULL;
	}
	if (map_int(m, 1) == NULL || cbor_int64(map_int(m, 1), &kty) != 0 ||
	    map_int(m, 3) == NULL || cbor_int64(map_int(m, 3), &a) != 0) {
		MALFORMED(err, F, "bad_cose_key", "the COSE_Key lacks an integer kty or alg");
		return NULL;
	}
	if (kty == 2 && a == WEBAUTHN_ALG_ES256) {
		if (map_int(m, -1) == NULL || cbor_int64(map_int(m, -1), &crv) != 0 || crv != 1 ||
		    (x = bytes_of(map_int(m, -2), &xl)) == NULL || xl != 32 ||
		    (y = bytes_of(map_int(m, -3), &yl)) == NULL || yl != 32) {
			MALFORMED(err, F, "bad_cose_key",
			    "an ES256 COSE_Key needs crv P-256 (1) and 32-byte x and y");
			return NULL;
		}
		pt[0] = 0x04;
		memcpy(pt + 1, x, 32);
		memcpy(pt + 33, y, 32);
		if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
		    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0) ||
		    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof(pt)) ||
		    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
		    (ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL ||
		    EVP_PKEY_fromdata_init(ctx) != 1)
			goto internal;
		/* The point is decoded, and checked to be on the curve, here. */
		if (EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params) != 1) {
			REFUSED(err, F, "bad_public_key", "the EC public key is not a point of P-256");
			goto out;
		}
	} else if (kty == 3 && a == WEBAUTHN_ALG_RS256) {
		if ((bn = bytes_of(map_int(m, -1), &nl)) == NULL ||
		    (be = bytes_of(map_int(m, -2), &el)) == NULL ||
		    nl < RSA_BITS_MIN / 8 || nl > RSA_BITS_MAX / 8 || el < 1 || el > 8) {
			MALFORMED(err, F, "bad_cose_key",
			    "an RS256 COSE_Key needs n of 2048 to 4096 bits and e of 1 to 8 bytes");
			return NULL;
		}
		if ((n = BN_bin2bn(bn, (int)nl, NULL)) == NULL ||
		    (e = BN_bin2bn(be, (int)el, NULL)) == NULL ||
		    (bld = OSSL_PARAM_BLD_new()) == NULL ||
		    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
		    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) ||
		    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
		    (ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) == NULL ||
		    EVP_PKEY_fromdata_init(ctx) != 1)
			goto internal;
		if (EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params) != 1 ||
		    EVP_PKEY_get_bits(pk) < RSA_BITS_MIN || EVP_PKEY_get_bits(pk) > RSA_BITS_MAX) {
			REFUSED(err, F, "bad_public_key", "the RSA public key is not usable");
			goto out;
		}
	} else if (kty == 1 && a == WEBAUTHN_ALG_EDDSA) {
		if (map_int(m, -1) == NULL || cbor_int64(map_int(m, -1), &crv) != 0 || crv != 6 ||
		    (x = bytes_of(map_int(m, -2), &xl)) == NULL || xl != 32) {
			MALFORMED(err, F, "bad_cose_key",
			    "an EdDSA COSE_Key needs crv Ed25519 (6) and a 32-byte x");
			return NULL;
		}
		if ((pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, x, 32)) == NULL) {
			REFUSED(err, F, "bad_public_key", "the Ed25519 public key is not usable");
			goto out;
		}
	} else {
		REFUSED(err, F, "unsupported_algorithm",
		    "the credential's algorithm is not ES256 (-7), RS256 (-257) or EdDSA (-8)");
		return NULL;
	}
	if (kty != 1) {
		/* An RSA modulus that is even, or e that is even or 1, fails here. */
		EVP_PKEY_CTX_free(ctx);
		if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL)) == NULL)
			goto internal;
		if (EVP_PKEY_public_check(ctx) != 1) {
			REFUSED(err, F, "bad_public_key", "the public key fails its checks");
			goto out;
		}
	}
	*alg = (int)a;
	ok = 1;
	goto out;
internal:
	INTERNAL(err, F);
out:
	if (!ok) {
		EVP_PKEY_free(pk);
		pk = NULL;
	}
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	return pk;
}

/* Whether pk is of the key type alg needs. */
static int
key_fits(EVP_PKEY *pk, int alg)
{
	switch (alg) {
	case WEBAUTHN_ALG_ES256:
		return EVP_PKEY_is_a(pk, "EC");
	case WEBAUTHN_ALG_RS256:
		return EVP_PKEY_is_a(pk, "RSA");
	case WEBAUTHN_ALG_EDDSA:
		return EVP_PKEY_is_a(pk, "ED25519");
	}
	return 0;
}

/*
 * Verify sig over ad || cdh with pk and alg: 1 valid, 0 not, -1 a library failure.  ES256 is a
 * DER ECDSA signature over SHA-256, RS256 PKCS#1 v1.5 with SHA-256, EdDSA pure Ed25519.
 */
static int
verify(EVP_PKEY *pk, int alg, const unsigned char *ad, size_t adl,
    const unsigned char cdh[SHA256_LEN], const unsigned char *sig, size_t sigl)
{
	EVP_MD_CTX	*md;
	unsigned char	*msg;
	int		 rc;

	if (!key_fits(pk, alg))
		return 0;
	if (adl > WEBAUTHN_ATT_OBJ_MAX || (msg = malloc(adl + SHA256_LEN)) == NULL)
		return -1;
	memcpy(msg, ad, adl);
	memcpy(msg + adl, cdh, SHA256_LEN);
	if ((md = EVP_MD_CTX_new()) == NULL) {
		free(msg);
		return -1;
	}
	rc = EVP_DigestVerifyInit(md, NULL, alg == WEBAUTHN_ALG_EDDSA ? NULL : EVP_sha256(), NULL,
	    pk);
	if (rc == 1 && alg == WEBAUTHN_ALG_RS256)
		rc = EVP_PKEY_CTX_set_rsa_padding(EVP_MD_CTX_get_pkey_ctx(md), RSA_PKCS1_PADDING);
	if (rc == 1)
		rc = EVP_DigestVerify(md, sig, sigl, msg, adl + SHA256_LEN) == 1 ? 1 : 0;
	else
		rc = -1;
	EVP_MD_CTX_free(md);
	free(msg);
	return rc;
}

/*
 * clientDataJSON (WebAuthn L2 5.8.1) of raw bytes cd: its type must be type, its challenge the
 * one given, its origin one of rp's, crossOrigin absent or false.  0 or -1 with *err.
 */
static int
client_data(const struct webauthn_rp *rp, const unsigned char *cd, size_t cdl,
    const char *type, const unsigned char *challenge, size_t challenge_len,
    struct webauthn_error *err)
{
	static const char	 F[] = "clientDataJSON";
	static const char *const known[] = { "type", "challenge", "origin", "crossOrigin", NULL };
	cJSON			*j, *t, *c, *o, *x, *it, *jt;
	unsigned char		 got[64];
	size_t			 gl, i;
	int			 rc = -1;

	if ((j = cJSON_ParseWithLength((const char *)cd, cdl)) == NULL || !cJSON_IsObject(j)) {
		MALFORMED(err, F, "bad_client_data", "clientDataJSON is not a JSON object");
		goto out;
	}
	/* A member we read given twice could say one thing to us and another to the browser. */
	for (it = j->child; it != NULL; it = it->next)
		for (i = 0; known[i] != NULL; i++)
			if (it->string != NULL && strcmp(it->string, known[i]) == 0)
				for (jt = it->next; jt != NULL; jt = jt->next)
					if (jt->string != NULL && strcmp(jt->string, known[i]) == 0) {
						MALFORMED(err, F, "bad_client_data",
						    "clientDataJSON has a member twice");
						goto out;
					}
	t = cJSON_GetObjectItemCaseSensitive(j, "type");
	c = cJSON_GetObjectItemCaseSensitive(j, "challenge");
	o = cJSON_GetObjectItemCaseSensitive(j, "origin");
	x = cJSON_GetObjectItemCaseSensitive(j, "crossOrigin");
	if (!cJSON_IsString(t) || !cJSON_IsString(c) || !cJSON_IsString(o) ||
	    (x != NULL && !cJSON_IsBool(x))) {
		MALFORMED(err, F, "bad_client_data",
		    "clientDataJSON needs string type, challenge and origin (and a boolean crossOrigin)");
		goto out;
	}
	if (strcmp(t->valuestring, type) != 0) {
		REFUSED(err, F, "wrong_type", strcmp(type, "webauthn.create") == 0 ?
		    "clientDataJSON.type is not webauthn.create" :
		    "clientDataJSON.type is not webauthn.get");
		goto out;
	}
	if (webauthn_b64url_decode(c->valuestring, got, sizeof(got), &gl) != 0) {
		MALFORMED(err, F, "bad_client_data", "clientDataJSON.challenge is not base64url");
		goto out;
	}
	if (gl != challenge_len || sodium_memcmp(got, challenge, gl) != 0) {
		REFUSED(err, F, "challenge_mismatch",
		    "the challenge is not the one issued for this ceremony");
		goto out;
	}
	for (i = 0; i < rp->norigins; i++)
		if (rp->origins[i] != NULL && strcmp(o->valuestring, rp->origins[i]) == 0)
			break;
	if (i == rp->norigins) {
		REFUSED(err, F, "origin_mismatch", "the origin is not one this service accepts");
		goto out;
	}
	if (cJSON_IsTrue(x)) {
		REFUSED(err, F, "cross_origin", "a cross-origin ceremony is not accepted");
		goto out;
	}
	rc = 0;
out:
	cJSON_Delete(j);
	return rc;
}

/*
 * Authenticator data (WebAuthn L2 6.1).  With rp, rpIdHash must be SHA-256 of its id.  A
 * registration's must carry attested credential data, whose key goes to out; an assertion's
 * must not.  Extensions, when flagged, must be one CBOR map that ends the data.
 */
static int
auth_data(const struct webauthn_rp *rp, const unsigned char *ad, size_t len, int registration,
    struct webauthn_credential *out, EVP_PKEY **pkp, struct webauthn_error *err)
{
	static const char	 F[] = "authenticatorData";
	const char		*f = registration ? "attestationObject" : F;
	unsigned char		 h[SHA256_LEN], *der;
	cbor_item_t		*it;
	EVP_PKEY		*pk = NULL;
	size_t			 off, idl, used;
	int			 flags, alg = 0, dl;

	if (len < AUTH_DATA_MIN || len > WEBAUTHN_AUTH_DATA_MAX)
		return MALFORMED(err, f, "bad_auth_data", "authenticator data is too short or too long");
	flags = ad[32];
	if ((flags & WEBAUTHN_F_BS) && !(flags & WEBAUTHN_F_BE))
		return MALFORMED(err, f, "bad_auth_data",
		    "authenticator data flags backup state without backup eligibility");
	if (registration != !!(flags & WEBAUTHN_F_AT))
		return MALFORMED(err, f, "bad_auth_data", registration ?
		    "authenticator data carries no attested credential data" :
		    "authenticator data of an assertion carries attested credential data");
	off = AUTH_DATA_MIN;
	if (registration) {
		if (len - off < 18)
			return MALFORMED(err, f, "bad_auth_data",
			    "attested credential data is cut short");
		if (out != NULL)
			memcpy(out->aaguid, ad + off, 16);
		idl = (size_t)ad[off + 16] << 8 | ad[off + 17];
		off += 18;
		if (idl == 0 || idl > WEBAUTHN_CRED_ID_MAX || len - off < idl)
			return MALFORMED(err, f, "bad_credential_id",
			    "the credential id length is 0, over 1023 or past the data");
		if (out != NULL) {
			memcpy(out->id, ad + off, idl);
			out->id_len = idl;
		}
		off += idl;
		if ((it = cbor_read(ad + off, len - off, &used)) == NULL)
			return MALFORMED(err, f, "bad_cbor", "the credential public key is not CBOR");
		pk = cose_key(it, &alg, err);
		cbor_decref(&it);
		if (pk == NULL)
			return -1;
		off += used;
		if (out != NULL) {
			if ((dl = i2d_PUBKEY(pk, NULL)) <= 0 || dl > WEBAUTHN_PUBKEY_MAX) {
				EVP_PKEY_free(pk);
				return INTERNAL(err, f);
			}
			der = out->public_key;
			if (i2d_PUBKEY(pk, &der) != dl) {
				EVP_PKEY_free(pk);
				return INTERNAL(err, f);
			}
			out->public_key_len = (size_t)dl;
			out->alg = alg;
		}
	}
	if (flags & WEBAUTHN_F_ED) {
		it = off < len ? cbor_read(ad + off, len - off, &used) : NULL;
		if (it == NULL || !cbor_isa_map(it)) {
			if (it != NULL)
				cbor_decref(&it);
			EVP_PKEY_free(pk);
			return MALFORMED(err, f, "bad_cbor", "the extensions are not a CBOR map");
		}
		cbor_decref(&it);
		off += used;
	}
	if (off != len) {
		EVP_PKEY_free(pk);
		return MALFORMED(err, f, "bad_auth_data", "authenticator data has trailing bytes");
	}
	if (rp != NULL) {
		if (sha256(rp->id, strlen(rp->id), h) != 0) {
			EVP_PKEY_free(pk);
			return INTERNAL(err, f);
		}
		if (CRYPTO_memcmp(h, ad, SHA256_LEN) != 0) {
			EVP_PKEY_free(pk);
			return REFUSED(err, f, "rp_id_mismatch",
			    "the authenticator data is for another relying party");
		}
	}
	if (out != NULL) {
		out->sign_count = sign_count(ad);
		out->uv = !!(flags & WEBAUTHN_F_UV);
		out->backup_eligible = !!(flags & WEBAUTHN_F_BE);
		out->backup_state = !!(flags & WEBAUTHN_F_BS);
	}
	if (pkp != NULL)
		*pkp = pk;
	else
		EVP_PKEY_free(pk);
	return 0;
}

int
webauthn_parse_auth_data(const struct webauthn_rp *rp, const unsigned char *ad, size_t len,
    int registration, struct webauthn_credential *out, struct webauthn_error *err)
{
	int	 rc;

	memset(err, 0, sizeof(*err));
	rc = auth_data(rp, ad, len, registration, out, NULL, err);
	ERR_clear_error();
	return rc;
}

/* The parts of an attestation object; the item owns the bytes the pointers point into. */
struct att {
	cbor_item_t		*root;
	const char		*fmt;		/* "none" or "packed" */
	const unsigned char	*ad;
	size_t			 adl;
	const unsigned char	*sig;		/* packed only */
	size_t			 sigl;
	int64_t			 alg;		/* packed only */
};

static int
att_parse(const unsigned char *buf, size_t len, struct att *a, struct webauthn_error *err)
{
	static const char	 F[] = "attestationObject";
	cbor_item_t		*fmt, *st, *ad, *v;
	size_t			 used, fl;
	const char		*fs;

	memset(a, 0, sizeof(*a));
	if ((a->root = cbor_read(buf, len, &used)) == NULL)
		return MALFORMED(err, F, "bad_cbor", "attestationObject is not well-formed CBOR");
	if (used != len)
		return MALFORMED(err, F, "bad_cbor", "attestationObject has trailing bytes");
	if (map_check(a->root, 1) != 0 || cbor_map_size(a->root) != 3)
		return MALFORMED(err, F, "bad_attestation",
		    "attestationObject is not a map of fmt, attStmt and authData");
	fmt = map_text(a->root, "fmt");
	st = map_text(a->root, "attStmt");
	ad = map_text(a->root, "authData");
	if (fmt == NULL || st == NULL || ad == NULL || !cbor_isa_string(fmt) ||
	    !cbor_string_is_definite(fmt) || (a->ad = bytes_of(ad, &a->adl)) == NULL)
		return MALFORMED(err, F, "bad_attestation",
		    "attestationObject needs a text fmt, a map attStmt and a byte string authData");
	if (map_check(st, 1) != 0)
		return MALFORMED(err, F, "bad_attestation", "attStmt is not a map with text keys");
	fs = (const char *)cbor_string_handle(fmt);
	fl = cbor_string_length(fmt);
	if (fl == 4 && memcmp(fs, "none", 4) == 0) {
		a->fmt = "none";
		if (cbor_map_size(st) != 0)
			return MALFORMED(err, F, "bad_attestation",
			    "attStmt of fmt none must be empty");
		return 0;
	}
	if (fl == 6 && memcmp(fs, "packed", 6) == 0) {
		a->fmt = "packed";
		if (map_text(st, "x5c") != NULL || map_text(st, "ecdaaKeyId") != NULL)
			return REFUSED(err, F, "unsupported_attestation",
			    "packed attestation with a certificate chain is not accepted: "
			    "use attestation none");
		if ((v = map_text(st, "alg")) == NULL || cbor_int64(v, &a->alg) != 0 ||
		    (a->sig = bytes_of(map_text(st, "sig"), &a->sigl)) == NULL ||
		    cbor_map_size(st) != 2)
			return MALFORMED(err, F, "bad_attestation",
			    "attStmt of packed self attestation needs exactly alg and sig");
		return 0;
	}
	return REFUSED(err, F, "unsupported_attestation",
	    "only attestation formats none and packed (self) are accepted");
}

int
webauthn_parse_attestation(const unsigned char *buf, size_t len, struct webauthn_credential *out,
    struct webauthn_error *err)
{
	struct att	 a;
	int		 rc;

	memset(err, 0, sizeof(*err));
	if ((rc = att_parse(buf, len, &a, err)) == 0)
		rc = auth_data(NULL, a.ad, a.adl, 1, out, NULL, err);
	if (a.root != NULL)
		cbor_decref(&a.root);
	ERR_clear_error();
	return rc;
}

int
webauthn_register(const struct webauthn_rp *rp, const unsigned char *challenge,
    size_t challenge_len, const char *client_data_json_b64url,
    const char *attestation_object_b64url, int require_uv, struct webauthn_credential *out,
    struct webauthn_error *err)
{
	unsigned char	 cd[WEBAUTHN_CLIENT_DATA_MAX], ao[WEBAUTHN_ATT_OBJ_MAX], cdh[SHA256_LEN];
	size_t		 cdl, aol;
	struct att	 a;
	EVP_PKEY	*pk = NULL;
	int		 rc = -1, v;

	memset(err, 0, sizeof(*err));
	memset(out, 0, sizeof(*out));
	memset(&a, 0, sizeof(a));
	if (decode(PART_CLIENT_DATA, client_data_json_b64url, cd, sizeof(cd), &cdl, err) != 0 ||
	    decode(PART_ATT_OBJ, attestation_object_b64url, ao, sizeof(ao), &aol, err) != 0 ||
	    client_data(rp, cd, cdl, "webauthn.create", challenge, challenge_len, err) != 0)
		return -1;
	if (sha256(cd, cdl, cdh) != 0)
		return INTERNAL(err, "clientDataJSON");
	if (att_parse(ao, aol, &a, err) != 0 ||
	    auth_data(rp, a.ad, a.adl, 1, out, &pk, err) != 0)
		goto out;
	if (presence(a.ad[32], "attestationObject", require_uv, err) != 0)
		goto out;
	out->fmt = a.fmt;
	if (strcmp(a.fmt, "packed") == 0) {
		if (a.alg != out->alg) {
			REFUSED(err, "attestationObject", "bad_attestation",
			    "the packed attestation's alg is not the credential's");
			goto out;
		}
		if ((v = verify(pk, out->alg, a.ad, a.adl, cdh, a.sig, a.sigl)) < 0) {
			INTERNAL(err, "attestationObject");
			goto out;
		}
		if (v == 0) {
			REFUSED(err, "attestationObject", "bad_signature",
			    "the self attestation signature does not verify");
			goto out;
		}
	}
	rc = 0;
out:
	EVP_PKEY_free(pk);
	if (a.root != NULL)
		cbor_decref(&a.root);
	if (rc != 0)
		memset(out, 0, sizeof(*out));
	/* A refused key or signature leaves OpenSSL errors queued: not for the next caller. */
	ERR_clear_error();
	return rc;
}

int
webauthn_assert(const struct webauthn_rp *rp, const unsigned char *challenge,
    size_t challenge_len, const char *client_data_json_b64url,
    const char *authenticator_data_b64url, const char *signature_b64url,
    const struct webauthn_credential *stored, int require_uv, uint32_t *new_count, int *uv,
    struct webauthn_error *err)
{
	unsigned char		 cd[WEBAUTHN_CLIENT_DATA_MAX], ad[WEBAUTHN_AUTH_DATA_MAX];
	unsigned char		 sig[WEBAUTHN_SIG_MAX], cdh[SHA256_LEN];
	const unsigned char	*p;
	size_t			 cdl, adl, sigl;
	uint32_t		 count;
	EVP_PKEY		*pk;
	int			 v;

	memset(err, 0, sizeof(*err));
	if (decode(PART_CLIENT_DATA, client_data_json_b64url, cd, sizeof(cd), &cdl, err) != 0 ||
	    decode(PART_AUTH_DATA, authenticator_data_b64url, ad, sizeof(ad), &adl, err) != 0 ||
	    decode(PART_SIG, signature_b64url, sig, sizeof(sig), &sigl, err) != 0 ||
	    client_data(rp, cd, cdl, "webauthn.get", challenge, challenge_len, err) != 0 ||
	    auth_data(rp, ad, adl, 0, NULL, NULL, err) != 0 ||
	    presence(ad[32], "authenticatorData", require_uv, err) != 0)
		return -1;
	if (sha256(cd, cdl, cdh) != 0)
		return INTERNAL(err, "clientDataJSON");
	p = stored->public_key;
	if (stored->public_key_len == 0 || stored->public_key_len > WEBAUTHN_PUBKEY_MAX ||
	    (pk = d2i_PUBKEY(NULL, &p, (long)stored->public_key_len)) == NULL)
		return INTERNAL(err, "credential id");
	v = verify(pk, stored->alg, ad, adl, cdh, sig, sigl);
	EVP_PKEY_free(pk);
	ERR_clear_error();
	if (v < 0)
		return INTERNAL(err, "signature");
	if (v == 0)
		return REFUSED(err, "signature", "bad_signature", "the signature does not verify");
	count = sign_count(ad);
	/* WebAuthn L2 7.2 step 21: either count non-zero and the new one not greater. */
	if ((stored->sign_count != 0 || count != 0) && count <= stored->sign_count)
		return fail(err, WEBAUTHN_CLONED, "authenticatorData", "counter_regression",
		    "counter regression: the signature counter did not increase, the "
		    "authenticator may be cloned");
	*new_count = count;
	*uv = !!(ad[32] & WEBAUTHN_F_UV);
	return 0;
}
