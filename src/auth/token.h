/*
 * token: signing and verifying Gatehouse access tokens (JWT) and publishing the JWKS.
 *
 * Ownership:
 * - struct token_keyset is opaque and lives for a worker's lifetime: token_keyset_load() allocates
 *   it, token_keyset_free() releases it (NULL is a no-op). Secret material (HS secrets, private-key
 *   PEMs) sits in sodium_malloc'd, read-only memory and is wiped on free. A keyset is never
 *   modified after load, so it may be shared read-only.
 * - struct token_key_conf strings are borrowed during token_keyset_load() only.
 * - token_sign() and token_jwks_json() return a malloc'd string the caller frees with free().
 * - token_verify() fills a caller-owned struct token_claims; it keeps no pointer into the token.
 * - token_result_str() returns a static string.
 *
 * Supported algorithms: HS256, ES256 (P-256), RS256 (>= 2048 bits). Each key has exactly one
 * algorithm; a token is accepted only when its header names that algorithm and that key.
 */
#ifndef GATEHOUSE_AUTH_TOKEN_H
#define GATEHOUSE_AUTH_TOKEN_H

#include <stddef.h>

/* Largest token token_verify() will look at, in bytes. */
#define TOKEN_MAX_LEN 8192
/* Shortest accepted HS256 secret, in bytes (after one trailing newline is stripped). */
#define TOKEN_HS_SECRET_MIN 32
/* Longest kid: letters, digits, '.', '_', '-'. */
#define TOKEN_KID_MAX 64
/* Length of a token_new_jti() identifier, without the NUL. */
#define TOKEN_JTI_LEN 22

struct token_key_conf {
	const char *kid;	/* unique within the keyset */
	const char *alg;	/* "HS256", "ES256" or "RS256" */
	const char *path;	/* HS: secret file; ES/RS: private-key PEM (signing, or verify-only)
				   or public-key PEM (verify-only) */
	int sign;		/* 1 = the active signing key; exactly one key has it */
	int id;			/* 1 = the ID-token key (OpenID Connect): an ES/RS private key;
				   at most one key has it */
};

struct token_keyset;

struct token_claims {
	char sub[24];		/* user id, decimal, no sign, no leading zero */
	long long org;		/* active organization id; 0 = none (JSON null) */
	char roles[512];	/* role names joined by ',' (names never contain ',') */
	long long pv;		/* the user's permission_version */
	long long mv;		/* the membership's session_version in org; 0 = none (absent) */
	char jti[48];		/* base64url token id, see token_new_jti() */
	char sid[48];		/* base64url session id (the refresh family); "" = none */
	long long iat, nbf, exp;	/* seconds since the epoch; nbf 0 = not set */
	char typ[16];		/* "access" */
	char amr[48];		/* authentication methods (RFC 8176) joined by ','; "" = absent */
	char acr[16];		/* authentication context class; "" = absent */
	char scp[16];		/* "" or a restriction: "mfa_enroll" (the token may only enroll) */
	char cid[48];		/* "client_id": the OpenID Connect client it was issued to; "" = none */
	char scope[160];	/* "scope": its OAuth scopes, space separated; "" = none */
};

struct token_expect {
	const char *iss;	/* required: the configured jwt_issuer */
	const char *aud;	/* required: the configured jwt_audience */
	const char *typ;	/* required: e.g. "access" */
	long long leeway;	/* seconds of clock skew tolerated on exp/nbf/iat; < 0 means 0 */
};

enum token_result {
	TOKEN_OK,
	TOKEN_MALFORMED,	/* not a compact JWS we can parse, too long, bad charset */
	TOKEN_BAD_SIGNATURE,
	TOKEN_UNKNOWN_KID,
	TOKEN_BAD_ALG,		/* header alg is not the one configured for that key (incl. "none") */
	TOKEN_EXPIRED,
	TOKEN_NOT_YET_VALID,	/* nbf, or iat, in the future beyond the leeway */
	TOKEN_BAD_ISSUER,
	TOKEN_BAD_AUDIENCE,
	TOKEN_BAD_TYPE,		/* "typ" claim (or a header typ other than JWT) */
	TOKEN_BAD_CLAIMS,	/* exp/sub/pv/jti/roles/... missing or ill-formed */
	TOKEN__MAX
};

/*
 * Read the n keys described by keys[] into a new keyset stored in *out.
 * Returns 0, or -1 with *out NULL and a one-line reason in err (never secret bytes).
 * Requires exactly one key with sign=1; a signing ES/RS key needs a private-key PEM.
 * Encrypted PEMs are refused (never prompted for).
 */
int token_keyset_load(struct token_keyset **out, const struct token_key_conf *keys, size_t n,
    char *err, size_t errlen);

/* Wipe and free a keyset. NULL is a no-op. */
void token_keyset_free(struct token_keyset *ks);

/*
 * Sign an access token with the keyset's signing key. Header: alg, typ "JWT", kid. Claims: sub,
 * org (null when 0), roles (array), pv, sid (only when non-empty), jti, iat, nbf (only when
 * non-zero), exp, iss and aud (from expect), typ (claims->typ, or expect->typ when that is empty).
 * Returns 0 and a malloc'd NUL-terminated token in *out, or -1 (bad claims, out of memory).
 */
int token_sign(const struct token_keyset *ks, const struct token_claims *claims,
    const struct token_expect *expect, char **out);

/*
 * Verify the len bytes at jwt (need not be NUL-terminated) against the keyset at time now.
 * Returns TOKEN_OK and fills *out, or the first failed check with *out zeroed.
 * Required claims: exp, iat, iss, aud, typ, sub, pv, jti, roles; optional: nbf, org, sid, mv
 * (the membership session_version, only with org), amr (an array of words), acr, scp (words:
 * lower-case letters, digits and '_', 1 to 15 of them).
 * Does no file IO and no allocation of its own beyond libjwt's and cJSON's.
 */
enum token_result token_verify(const struct token_keyset *ks, const char *jwt, size_t len,
    const struct token_expect *expect, long long now, struct token_claims *out);

/*
 * token_verify() remembers the tokens it accepted (per keyset, 256 entries, a digest of the token
 * as the key) and answers a token it accepted before from there, checking its time claims again.
 * How many verifications were answered that way and how many went the full way and were kept.
 */
void token_cache_stats(const struct token_keyset *ks, unsigned long long *hits,
    unsigned long long *misses);

/* Stable lower-case name of a result ("ok", "expired", ...); "unknown" when out of range. */
const char *token_result_str(enum token_result r);

/*
 * The public keys of the keyset's ES/RS keys as a JWKS: {"keys":[{kty,kid,use,alg,...}]}.
 * HS keys never appear. Returns a malloc'd string, or NULL when out of memory.
 */
char *token_jwks_json(const struct token_keyset *ks);

/*
 * The algorithm of the ID-token key ("ES256" or "RS256"): the key loaded with id=1, else the
 * signing key when it is an ES/RS key.  NULL when the keyset has no such key (then ID tokens
 * cannot be signed).
 */
const char *token_id_alg(const struct token_keyset *ks);

/*
 * Sign payload (a JSON object's text, used as it is) with the ID-token key: header alg, typ
 * "JWT", kid.  Returns 0 and a malloc'd token in *out, or -1 (no such key, bad JSON, memory).
 */
int token_id_sign(const struct token_keyset *ks, const char *payload, char **out);

/*
 * Check the signature of jwt (len bytes) by its kid and pinned alg, against an ES/RS key of the
 * keyset only, and nothing else (no time, issuer or audience check: the caller's to make, as
 * for an id_token_hint, which may have expired).  TOKEN_OK and a malloc'd copy of the payload's
 * JSON text in *payload, or the failed check with *payload NULL.
 */
enum token_result token_verify_signature(const struct token_keyset *ks, const char *jwt,
    size_t len, char **payload);

/* Fill out with a new random token id: 128 bits, base64url, TOKEN_JTI_LEN chars, NUL-terminated. */
void token_new_jti(char out[48]);

#endif
