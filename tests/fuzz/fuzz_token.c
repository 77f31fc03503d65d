/*
 * fuzz_token: token_verify against a keyset of three fixed keys from tests/unit/keys (kid "hs"
 * HS256, "es" ES256, "rs" RS256), as the token check and every protected route verify a bearer
 * token.  The first input byte picks the mode:
 *   0-127    the rest is the token itself (header, claims and signature as sent);
 *   128-191  the rest is a claims set (JSON) signed with the HS256 key, so that the claim
 *            checks (exp, nbf, iat, iss, aud, typ, sub, pv, jti, roles, org, sid, mv) run;
 *   192-223  the same signed with the ES256 key (slower: libjwt parses the PEM each call);
 *   224-255  the rest is a header (JSON) and the token a fixed valid claims set signed with
 *            the HS256 key under that header (alg and kid confusion, typ).
 * Whatever verifies must leave NUL-terminated claims; a failure must leave them zeroed.  Every
 * token also goes through token_verify_signature (an OpenID Connect id_token_hint), which must
 * return a NUL-terminated payload exactly when it answers TOKEN_OK, and never accept HS256.
 * Keys: $GH_TEST_KEYS, else the tests/unit/keys of the source tree (GH_FUZZ_KEYS).
 */
#include "fuzz.h"

#include <stdio.h>

#include <jwt.h>

#include "auth/token.h"

#ifndef GH_FUZZ_KEYS
#define GH_FUZZ_KEYS	"tests/unit/keys"
#endif

#define NOW	1800000000LL

static const struct token_expect expect = { "gatehouse", "gatehouse", "access", 30 };
static struct token_keyset	*ks;
static unsigned char		*hs_secret, *es_pem;
static size_t			 hs_len, es_len;
static char			 kp[3][1024];

static unsigned char *
slurp(const char *p, size_t *len)
{
	FILE		*f = fopen(p, "rb");
	unsigned char	*b;
	long		 n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0)
		abort();
	rewind(f);
	if ((b = malloc((size_t)n + 1)) == NULL || fread(b, 1, (size_t)n, f) != (size_t)n)
		abort();
	b[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return b;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char	*dir = getenv("GH_TEST_KEYS");
	char		 err[256], p[1024];
	struct token_key_conf	 kc[3];

	(void)argc;
	(void)argv;
	if (dir == NULL || *dir == '\0')
		dir = GH_FUZZ_KEYS;
	snprintf(kp[0], sizeof(kp[0]), "%s/hs256_a.secret", dir);
	snprintf(kp[1], sizeof(kp[1]), "%s/es256_public.pem", dir);
	snprintf(kp[2], sizeof(kp[2]), "%s/rs256_public.pem", dir);
	kc[0] = (struct token_key_conf){ "hs", "HS256", kp[0], 1 };
	kc[1] = (struct token_key_conf){ "es", "ES256", kp[1], 0 };
	kc[2] = (struct token_key_conf){ "rs", "RS256", kp[2], 0 };
	if (token_keyset_load(&ks, kc, 3, err, sizeof(err)) != 0) {
		fprintf(stderr, "fuzz_token: %s\n", err);
		abort();
	}
	hs_secret = slurp(kp[0], &hs_len);
	if (hs_len > 0 && hs_secret[hs_len - 1] == '\n')
		hs_len--;
	snprintf(p, sizeof(p), "%s/es256_private.pem", dir);
	es_pem = slurp(p, &es_len);
	return 0;
}

/* A compact JWS of claims (JSON) under header (JSON, or NULL: kid only), or NULL. */
static char *
sign(const char *header, const char *claims, jwt_alg_t alg, const char *kid,
    const unsigned char *key, size_t keylen)
{
	jwt_t	*j = NULL;
	char	*out = NULL;

	if (jwt_new(&j) != 0)
		return NULL;
	if (jwt_add_grants_json(j, claims) == 0 &&
	    (header == NULL || jwt_add_headers_json(j, header) == 0) &&
	    (header != NULL || jwt_add_header(j, "kid", kid) == 0) &&
	    jwt_set_alg(j, alg, key, (int)keylen) == 0)
		out = jwt_encode_str(j);
	jwt_free(j);
	return out;
}

static void
verify(const char *t, size_t len)
{
	struct token_claims	 c;
	static const struct token_claims zero;
	enum token_result	 r;

	char			*payload = (char *)&c;	/* must be reset */

	r = token_verify_signature(ks, t, len, &payload);
	if (r >= TOKEN__MAX || (r == TOKEN_OK) != (payload != NULL) ||
	    (payload != NULL && strlen(payload) > len))
		abort();
	free(payload);
	r = token_verify(ks, t, len, &expect, NOW, &c);
	if (r >= TOKEN__MAX || token_result_str(r) == NULL)
		abort();
	if (r != TOKEN_OK) {
		if (memcmp(&c, &zero, sizeof(c)) != 0)
			abort();
		return;
	}
	if (memchr(c.sub, '\0', sizeof(c.sub)) == NULL || memchr(c.roles, '\0', sizeof(c.roles)) == NULL ||
	    memchr(c.jti, '\0', sizeof(c.jti)) == NULL || memchr(c.sid, '\0', sizeof(c.sid)) == NULL ||
	    memchr(c.typ, '\0', sizeof(c.typ)) == NULL || c.exp + expect.leeway < NOW)
		abort();
}

static const char good_claims[] =
    "{\"sub\":\"42\",\"org\":7,\"roles\":[\"member\"],\"pv\":3,\"jti\":\"AAAAAAAAAAAAAAAAAAAAAA\","
    "\"iat\":1800000000,\"exp\":1800000600,\"iss\":\"gatehouse\",\"aud\":\"gatehouse\","
    "\"typ\":\"access\"}";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s, *t = NULL;

	if (size == 0)
		return 0;
	s = fuzz_str(data + 1, size - 1);
	if (data[0] < 128)
		verify((const char *)data + 1, size - 1);
	else if (data[0] < 192)
		t = sign(NULL, s, JWT_ALG_HS256, "hs", hs_secret, hs_len);
	else if (data[0] < 224)
		t = sign(NULL, s, JWT_ALG_ES256, "es", es_pem, es_len);
	else
		t = sign(s, good_claims, JWT_ALG_HS256, NULL, hs_secret, hs_len);
	if (t != NULL) {
		verify(t, strlen(t));
		free(t);
	}
	free(s);
	return 0;
}
