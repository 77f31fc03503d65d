/*
 * token.c: access tokens (JWT via libjwt 1.10) and the JWKS (OpenSSL 3). Contract in token.h.
 *
 * libjwt 1.10 verifies a token under whatever algorithm the token itself names (an HS256 token
 * HMAC'd with an RSA public key PEM passes against that PEM), accepts anything when the key is
 * NULL, and checks no claim at all. So the header is decoded here first: the key is chosen by
 * kid, the header alg must equal that key's configured alg before jwt_decode() sees the token,
 * and jwt_get_alg() is compared again afterwards. The claims are then read from our own cJSON
 * parse of the payload whose signature libjwt has just checked.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cJSON.h>
#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sodium.h>

#include "auth/token.h"

/* jwt_add_grant_int() takes a long; claims are long long. */
_Static_assert(sizeof(long) == sizeof(long long), "token.c needs an LP64 long");

#define KEYS_MAX	16
#define KEYFILE_MAX	(64 * 1024)
#define RSA_BITS_MIN	2048
#define RSA_BITS_MAX	8192
#define HEADER_B64_MAX	1024		/* a header is ~60 bytes; anything near this is hostile */
#define HEADER_MEMBERS_MAX 16
#define LEEWAY_MAX	86400
#define ROLE_MAX	128
#define JSON_INT_MAX	9007199254740992.0	/* 2^53: above it a JSON number is not exact */
#define B64URL		sodium_base64_VARIANT_URLSAFE_NO_PADDING

enum alg {
	ALG_HS256,
	ALG_ES256,
	ALG_RS256,
	ALG__MAX
};

static const struct {
	const char *name;
	jwt_alg_t jwt;
	int evp;	/* EVP_PKEY base id, 0 for HMAC */
} algs[ALG__MAX] = {
	{ "HS256", JWT_ALG_HS256, 0 },
	{ "ES256", JWT_ALG_ES256, EVP_PKEY_EC },
	{ "RS256", JWT_ALG_RS256, EVP_PKEY_RSA },
};

static const char *const results[TOKEN__MAX] = {
	"ok",
	"malformed",
	"bad_signature",
	"unknown_kid",
	"bad_alg",
	"expired",
	"not_yet_valid",
	"bad_issuer",
	"bad_audience",
	"bad_type",
	"bad_claims",
};

struct token_key {
	char kid[TOKEN_KID_MAX + 1];
	enum alg alg;
	int sign;
	int id;			/* the ID-token key */
	unsigned char *secret;	/* sodium_malloc, read-only: HS secret, or PEM of a signing (or
				   ID-token) ES/RS key */
	size_t secret_len;
	char *pub;		/* malloc: SPKI PEM of an ES/RS key (what verification uses) */
	size_t pub_len;
	size_t sig_len;		/* exact length of a raw signature for this key */
};

/*
 * Tokens this keyset verified, so that the next request with the same token skips the JWS parse
 * and the signature (what the revocation check in Redis does not depend on).  Direct-mapped by a
 * BLAKE2b-256 digest of the token and of what it was checked against; a hit is the same token
 * bytes, and its time claims are checked again against the current time.  Only accepted tokens
 * are remembered.  Allocated with the keyset (calloc: its pages become resident only as slots
 * are used); wiped when the keyset is freed.
 */
#define TOKEN_CACHE_SLOTS	256

struct token_cache_slot {
	unsigned char digest[crypto_generichash_BYTES];
	int used;
	struct token_claims claims;
};

struct token_cache {
	struct token_cache_slot slot[TOKEN_CACHE_SLOTS];
	unsigned long long hits, misses;
};

struct token_keyset {
	struct token_key *keys;
	size_t n;
	const struct token_key *signer;
	const struct token_key *idkey;	/* ID tokens: the id key, else an ES/RS signer, else NULL */
	char *jwks;		/* malloc: the JWKS document, built once at load */
	struct token_cache *cache;	/* verified tokens: the one part token_verify() writes */
};

static void seterr(char *, size_t, const char *, ...) __attribute__((format(printf, 3, 4)));

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int
isb64url(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '_';
}

static int
kid_ok(const char *s)
{
	size_t i;

	if (s == NULL || s[0] == '\0' || strlen(s) > TOKEN_KID_MAX)
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (!isb64url((unsigned char)s[i]) && s[i] != '.')
			return 0;
	return 1;
}

/* A user id: 1 to 19 digits, no leading zero, at most INT64_MAX. */
static int
sub_ok(const char *s)
{
	size_t i, len;

	if (s == NULL || s[0] < '1' || s[0] > '9')
		return 0;
	len = strlen(s);
	if (len > 19)
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return len < 19 || strcmp(s, "9223372036854775807") <= 0;
}

/* jti and sid: 1 to 47 base64url characters. */
static int
id_ok(const char *s)
{
	size_t i;

	if (s == NULL || s[0] == '\0')
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (i >= 47 || !isb64url((unsigned char)s[i]))
			return 0;
	return 1;
}

/* A word of amr, acr or scp: 1 to 15 of [a-z0-9_]. */
static int
word_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > 15)
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/* A role name: 1 to ROLE_MAX bytes, no ',' (the separator) and no control characters. */
static int
role_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > ROLE_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f || s[i] == ',')
			return 0;
	return 1;
}

/* OAuth scopes: words of [a-z0-9_] separated by single spaces, or "". */
static int
scope_ok(const char *s)
{
	const char *p, *q;

	for (p = s; *p != '\0'; p = *q == ' ' ? q + 1 : q) {
		q = strchr(p, ' ');
		if (q == NULL)
			q = p + strlen(p);
		if (!word_ok(p, (size_t)(q - p)) || (*q == ' ' && q[1] == '\0'))
			return 0;
	}
	return 1;
}

static unsigned
b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '-' ? 62 : 63;
}

/*
 * Is the base64url text s[len] (charset already checked) the one canonical spelling of siglen
 * bytes? libjwt's decoder ignores the unused low bits of the last character, which would give
 * one signature several spellings.
 */
static int
sig_shape_ok(const char *s, size_t len, size_t siglen)
{
	size_t want = (siglen * 8 + 5) / 6;
	unsigned unused = (unsigned)(want * 6 - siglen * 8);

	return len == want && (b64val((unsigned char)s[len - 1]) & ((1u << unused) - 1)) == 0;
}

/* Strict base64url (no padding, canonical trailing bits, nothing left over) into out[outmax]. */
static int
b64dec(unsigned char *out, size_t outmax, const char *in, size_t inlen, size_t *outlen)
{
	const char *end;

	if (sodium_base642bin(out, outmax, in, inlen, NULL, outlen, &end, B64URL) != 0)
		return -1;
	return end == in + inlen ? 0 : -1;
}

/* Read a small regular file into sodium_malloc'd memory, NUL-terminated. */
static int
slurp(const char *path, unsigned char **out, size_t *outlen, char *why, size_t whylen)
{
	struct stat st;
	unsigned char *buf;
	size_t len = 0, size;
	ssize_t r = 0;
	int fd;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		seterr(why, whylen, "%s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) || st.st_size > KEYFILE_MAX) {
		seterr(why, whylen, "not a regular file of at most %d bytes", KEYFILE_MAX);
		close(fd);
		return -1;
	}
	size = (size_t)st.st_size;
	if ((buf = sodium_malloc(size + 1)) == NULL) {
		seterr(why, whylen, "out of memory");
		close(fd);
		return -1;
	}
	while (len < size) {
		r = read(fd, buf + len, size - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	if (r == -1) {
		seterr(why, whylen, "%s", strerror(errno));
		close(fd);
		sodium_free(buf);
		return -1;
	}
	close(fd);
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 0;
}

/* Refuse to decrypt: an encrypted key must never make OpenSSL prompt on the terminal. */
static int
nopass(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

/* Parse a PEM private key (*priv = 1) or, failing that, a PEM public key. NULL if neither. */
static EVP_PKEY *
pem_parse(const unsigned char *pem, size_t len, int *priv)
{
	EVP_PKEY *pk = NULL;
	BIO *b;

	*priv = 0;
	if ((b = BIO_new_mem_buf(pem, (int)len)) == NULL)
		return NULL;
	if ((pk = PEM_read_bio_PrivateKey(b, NULL, nopass, NULL)) != NULL)
		*priv = 1;
	BIO_free(b);
	if (pk == NULL && (b = BIO_new_mem_buf(pem, (int)len)) != NULL) {
		pk = PEM_read_bio_PUBKEY(b, NULL, nopass, NULL);
		BIO_free(b);
	}
	ERR_clear_error();
	return pk;
}

/* The public half of pk as a malloc'd SPKI PEM. */
static char *
pem_public(EVP_PKEY *pk, size_t *len)
{
	char *data, *out = NULL;
	long n;
	BIO *b;

	if ((b = BIO_new(BIO_s_mem())) == NULL)
		return NULL;
	if (PEM_write_bio_PUBKEY(b, pk) == 1 && (n = BIO_get_mem_data(b, &data)) > 0 &&
	    (out = malloc((size_t)n + 1)) != NULL) {
		memcpy(out, data, (size_t)n);
		out[n] = '\0';
		*len = (size_t)n;
	}
	BIO_free(b);
	ERR_clear_error();
	return out;
}

static int
pkey_check(EVP_PKEY *pk, enum alg alg, char *why, size_t whylen)
{
	char group[64];
	size_t glen;
	int bits;

	if (EVP_PKEY_get_base_id(pk) != algs[alg].evp) {
		seterr(why, whylen, "key type does not match %s", algs[alg].name);
		return -1;
	}
	if (alg == ALG_RS256) {
		bits = EVP_PKEY_get_bits(pk);
		if (bits < RSA_BITS_MIN || bits > RSA_BITS_MAX) {
			seterr(why, whylen, "RSA key of %d bits (need %d to %d)", bits,
			    RSA_BITS_MIN, RSA_BITS_MAX);
			return -1;
		}
	} else if (alg == ALG_ES256) {
		if (EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group,
		    sizeof(group), &glen) != 1 || strcmp(group, "prime256v1") != 0) {
			ERR_clear_error();
			seterr(why, whylen, "EC key is not on curve P-256");
			return -1;
		}
	}
	return 0;
}

/* Add bn to o as unsigned big-endian base64url, left-padded to pad bytes when pad > 0. */
static int
jwk_bn(cJSON *o, const char *name, EVP_PKEY *pk, const char *param, int pad)
{
	unsigned char bin[RSA_BITS_MAX / 8];
	char b64[sodium_base64_ENCODED_LEN(RSA_BITS_MAX / 8, B64URL)];
	BIGNUM *bn = NULL;
	int n, rc = -1;

	if (EVP_PKEY_get_bn_param(pk, param, &bn) != 1)
		goto out;
	if (BN_num_bytes(bn) > (int)sizeof(bin) || pad > (int)sizeof(bin))
		goto out;
	n = pad > 0 ? BN_bn2binpad(bn, bin, pad) : BN_bn2bin(bn, bin);
	if (n <= 0)
		goto out;
	sodium_bin2base64(b64, sizeof(b64), bin, (size_t)n, B64URL);
	if (cJSON_AddStringToObject(o, name, b64) != NULL)
		rc = 0;
out:
	BN_free(bn);
	ERR_clear_error();
	return rc;
}

static int
jwk_add(cJSON *arr, const struct token_key *k, EVP_PKEY *pk)
{
	cJSON *o;

	if ((o = cJSON_CreateObject()) == NULL)
		return -1;
	cJSON_AddItemToArray(arr, o);
	if (cJSON_AddStringToObject(o, "kty", k->alg == ALG_RS256 ? "RSA" : "EC") == NULL ||
	    cJSON_AddStringToObject(o, "use", "sig") == NULL ||
	    cJSON_AddStringToObject(o, "alg", algs[k->alg].name) == NULL ||
	    cJSON_AddStringToObject(o, "kid", k->kid) == NULL)
		return -1;
	if (k->alg == ALG_RS256)
		return jwk_bn(o, "n", pk, OSSL_PKEY_PARAM_RSA_N, 0) ||
		    jwk_bn(o, "e", pk, OSSL_PKEY_PARAM_RSA_E, 0) ? -1 : 0;
	if (cJSON_AddStringToObject(o, "crv", "P-256") == NULL)
		return -1;
	return jwk_bn(o, "x", pk, OSSL_PKEY_PARAM_EC_PUB_X, 32) ||
	    jwk_bn(o, "y", pk, OSSL_PKEY_PARAM_EC_PUB_Y, 32) ? -1 : 0;
}

static int
load_hs(struct token_key *k, const char *path, char *err, size_t errlen)
{
	char why[128];

	if (slurp(path, &k->secret, &k->secret_len, why, sizeof(why)) == -1) {
		seterr(err, errlen, "jwt key \"%s\": %s: %s", k->kid, path, why);
		return -1;
	}
	/* One trailing newline (LF or CRLF) is the editor's, not the secret's. */
	if (k->secret_len > 0 && k->secret[k->secret_len - 1] == '\n') {
		k->secret[--k->secret_len] = '\0';
		if (k->secret_len > 0 && k->secret[k->secret_len - 1] == '\r')
			k->secret[--k->secret_len] = '\0';
	}
	/* A public key PEM as an HMAC secret is the algorithm confusion attack, configured. */
	if (strncmp((const char *)k->secret, "-----BEGIN", 10) == 0) {
		seterr(err, errlen, "jwt key \"%s\": %s: an HS256 secret must not be a PEM key",
		    k->kid, path);
		return -1;
	}
	if (k->secret_len < TOKEN_HS_SECRET_MIN) {
		seterr(err, errlen, "jwt secret too short (need at least %d bytes)",
		    TOKEN_HS_SECRET_MIN);
		return -1;
	}
	sodium_mprotect_readonly(k->secret);
	k->sig_len = 32;
	return 0;
}

static int
load_pem(struct token_key *k, const char *path, cJSON *jwks, char *err, size_t errlen)
{
	unsigned char *pem;
	size_t len;
	EVP_PKEY *pk;
	char why[128];
	int priv, rc = -1;

	if (slurp(path, &pem, &len, why, sizeof(why)) == -1) {
		seterr(err, errlen, "jwt key \"%s\": %s: %s", k->kid, path, why);
		return -1;
	}
	if ((pk = pem_parse(pem, len, &priv)) == NULL) {
		seterr(err, errlen, "jwt key \"%s\": %s: %s", k->kid, path,
		    strstr((char *)pem, "ENCRYPTED") != NULL ?
		    "encrypted private keys are not supported" : "no PEM private or public key");
		goto out;
	}
	if (pkey_check(pk, k->alg, why, sizeof(why)) == -1) {
		seterr(err, errlen, "jwt key \"%s\": %s: %s", k->kid, path, why);
		goto out;
	}
	if ((k->sign || k->id) && !priv) {
		seterr(err, errlen, "jwt key \"%s\": %s: the %s key needs a private key PEM",
		    k->kid, path, k->sign ? "signing" : "ID-token");
		goto out;
	}
	if ((k->pub = pem_public(pk, &k->pub_len)) == NULL || jwk_add(jwks, k, pk) == -1) {
		seterr(err, errlen, "jwt key \"%s\": %s: cannot export the public key", k->kid, path);
		goto out;
	}
	k->sig_len = k->alg == ALG_ES256 ? 64 : (size_t)EVP_PKEY_get_size(pk);
	if (k->sign || k->id) {
		/* libjwt re-reads this PEM on every signature; it is unencrypted (checked above). */
		k->secret = pem;
		k->secret_len = len;
		sodium_mprotect_readonly(k->secret);
		pem = NULL;
	}
	rc = 0;
out:
	EVP_PKEY_free(pk);
	sodium_free(pem);
	return rc;
}

/* Sign and verify one token, so that a key libjwt cannot use fails at load, not at login. */
static int
selftest(const struct token_keyset *ks)
{
	struct token_expect e = { "gatehouse-selftest", "gatehouse-selftest", "selftest", 0 };
	struct token_claims c, got;
	char *tok;
	enum token_result r;

	memset(&c, 0, sizeof(c));
	strcpy(c.sub, "1");
	strcpy(c.typ, "selftest");
	token_new_jti(c.jti);
	c.iat = 1000000000;
	c.exp = c.iat + 60;
	if (token_sign(ks, &c, &e, &tok) == -1)
		return -1;
	r = token_verify(ks, tok, strlen(tok), &e, c.iat, &got);
	free(tok);
	return r == TOKEN_OK && strcmp(got.jti, c.jti) == 0 ? 0 : -1;
}

int
token_keyset_load(struct token_keyset **out, const struct token_key_conf *keys, size_t n,
    char *err, size_t errlen)
{
	struct token_keyset *ks = NULL;
	struct token_key *k;
	cJSON *jwks = NULL, *arr;
	char *doc;
	size_t i, j, nsign = 0, nid = 0;
	int a;

	*out = NULL;
	if (sodium_init() < 0) {
		seterr(err, errlen, "libsodium failed to initialise");
		return -1;
	}
	if (keys == NULL || n == 0 || n > KEYS_MAX) {
		seterr(err, errlen, "between 1 and %d jwt keys are needed", KEYS_MAX);
		return -1;
	}
	if ((ks = calloc(1, sizeof(*ks))) == NULL || (ks->keys = calloc(n, sizeof(*k))) == NULL ||
	    (ks->cache = calloc(1, sizeof(*ks->cache))) == NULL ||
	    (jwks = cJSON_CreateObject()) == NULL ||
	    (arr = cJSON_AddArrayToObject(jwks, "keys")) == NULL) {
		seterr(err, errlen, "out of memory");
		goto fail;
	}
	for (i = 0; i < n; i++) {
		k = &ks->keys[i];
		ks->n = i + 1;
		if (!kid_ok(keys[i].kid)) {
			seterr(err, errlen, "jwt key %zu: kid must be 1 to %d of [A-Za-z0-9._-]",
			    i + 1, TOKEN_KID_MAX);
			goto fail;
		}
		for (j = 0; j < i; j++)
			if (strcmp(keys[j].kid, keys[i].kid) == 0) {
				seterr(err, errlen, "duplicate jwt kid \"%s\"", keys[i].kid);
				goto fail;
			}
		strcpy(k->kid, keys[i].kid);
		for (a = 0; a < ALG__MAX; a++)
			if (keys[i].alg != NULL && strcmp(keys[i].alg, algs[a].name) == 0)
				break;
		if (a == ALG__MAX) {
			seterr(err, errlen, "jwt key \"%s\": alg must be HS256, ES256 or RS256",
			    k->kid);
			goto fail;
		}
		k->alg = (enum alg)a;
		k->sign = keys[i].sign != 0;
		k->id = keys[i].id != 0;
		nsign += (size_t)k->sign;
		nid += (size_t)k->id;
		if (k->id && k->alg == ALG_HS256) {
			seterr(err, errlen, "jwt key \"%s\": the ID-token key must be ES256 or RS256",
			    k->kid);
			goto fail;
		}
		if (keys[i].path == NULL || keys[i].path[0] == '\0') {
			seterr(err, errlen, "jwt key \"%s\": no key file", k->kid);
			goto fail;
		}
		if ((k->alg == ALG_HS256 ? load_hs(k, keys[i].path, err, errlen) :
		    load_pem(k, keys[i].path, arr, err, errlen)) == -1)
			goto fail;
		if (k->sign)
			ks->signer = k;
		if (k->id)
			ks->idkey = k;
	}
	if (nid > 1) {
		seterr(err, errlen, "at most one jwt key may be the ID-token key (found %zu)", nid);
		goto fail;
	}
	if (ks->idkey == NULL && ks->signer != NULL && ks->signer->alg != ALG_HS256)
		ks->idkey = ks->signer;
	if (nsign != 1) {
		seterr(err, errlen, "exactly one jwt key must be the signing key (found %zu)", nsign);
		goto fail;
	}
	if ((doc = cJSON_PrintUnformatted(jwks)) == NULL || (ks->jwks = strdup(doc)) == NULL) {
		cJSON_free(doc);
		seterr(err, errlen, "out of memory");
		goto fail;
	}
	cJSON_free(doc);
	cJSON_Delete(jwks);
	jwks = NULL;
	if (selftest(ks) == -1) {
		seterr(err, errlen, "jwt key \"%s\": cannot sign and verify a test token with it",
		    ks->signer->kid);
		goto fail;
	}
	*out = ks;
	return 0;
fail:
	cJSON_Delete(jwks);
	token_keyset_free(ks);
	return -1;
}

void
token_keyset_free(struct token_keyset *ks)
{
	size_t i;

	if (ks == NULL)
		return;
	for (i = 0; ks->keys != NULL && i < ks->n; i++) {
		sodium_free(ks->keys[i].secret);
		free(ks->keys[i].pub);
	}
	free(ks->keys);
	free(ks->jwks);
	if (ks->cache != NULL) {
		sodium_memzero(ks->cache, sizeof(*ks->cache));
		free(ks->cache);
	}
	free(ks);
}

char *
token_jwks_json(const struct token_keyset *ks)
{
	return ks == NULL ? NULL : strdup(ks->jwks);
}

void
token_new_jti(char out[48])
{
	unsigned char raw[16];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, 48, raw, sizeof(raw), B64URL);
}

const char *
token_result_str(enum token_result r)
{
	return (unsigned)r < TOKEN__MAX ? results[r] : "unknown";
}

/*
 * {"<member>":[...]} from a comma-separated list of names that ok() accepts (each at most max
 * bytes), or NULL if one is refused.  malloc'd.
 */
static char *
list_json(const char *member, const char *list, int (*ok)(const char *, size_t), size_t max)
{
	cJSON *o, *arr, *s;
	const char *p, *q;
	char name[ROLE_MAX + 1], *doc, *out = NULL;

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	if ((arr = cJSON_AddArrayToObject(o, member)) == NULL)
		goto done;
	for (p = list; *p != '\0'; p = *q == ',' ? q + 1 : q) {
		q = strchr(p, ',');
		if (q == NULL)
			q = p + strlen(p);
		if ((size_t)(q - p) > max || !ok(p, (size_t)(q - p)) || (*q == ',' && q[1] == '\0'))
			goto done;
		memcpy(name, p, (size_t)(q - p));
		name[q - p] = '\0';
		if ((s = cJSON_CreateString(name)) == NULL)
			goto done;
		cJSON_AddItemToArray(arr, s);
	}
	if ((doc = cJSON_PrintUnformatted(o)) != NULL) {
		out = strdup(doc);
		cJSON_free(doc);
	}
done:
	cJSON_Delete(o);
	return out;
}

/* A word claim (acr, scp) that is set: NUL-terminated in its buffer and a word. */
static int
word_claim_ok(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL && (s[0] == '\0' || word_ok(s, strlen(s)));
}

int
token_sign(const struct token_keyset *ks, const struct token_claims *c,
    const struct token_expect *e, char **out)
{
	const struct token_key *k;
	const char *typ;
	char *roles = NULL, *amr = NULL, *tok = NULL;
	jwt_t *j = NULL;
	int rc;

	if (out == NULL)
		return -1;
	*out = NULL;
	if (ks == NULL || c == NULL || e == NULL || e->iss == NULL || e->aud == NULL)
		return -1;
	k = ks->signer;
	typ = c->typ[0] != '\0' ? c->typ : e->typ;
	if (typ == NULL || typ[0] == '\0' || strnlen(typ, sizeof(c->typ)) == sizeof(c->typ) ||
	    memchr(c->roles, '\0', sizeof(c->roles)) == NULL ||
	    memchr(c->sub, '\0', sizeof(c->sub)) == NULL || !sub_ok(c->sub) ||
	    memchr(c->jti, '\0', sizeof(c->jti)) == NULL || !id_ok(c->jti) ||
	    memchr(c->sid, '\0', sizeof(c->sid)) == NULL || (c->sid[0] != '\0' && !id_ok(c->sid)) ||
	    c->org < 0 || c->pv < 0 || c->mv < 0 || c->iat < 0 || c->nbf < 0 || c->exp <= c->iat ||
	    (double)c->exp > JSON_INT_MAX || (double)c->org > JSON_INT_MAX ||
	    (double)c->pv > JSON_INT_MAX || (double)c->mv > JSON_INT_MAX ||
	    memchr(c->amr, '\0', sizeof(c->amr)) == NULL ||
	    !word_claim_ok(c->acr, sizeof(c->acr)) || !word_claim_ok(c->scp, sizeof(c->scp)) ||
	    memchr(c->cid, '\0', sizeof(c->cid)) == NULL || (c->cid[0] != '\0' && !id_ok(c->cid)) ||
	    memchr(c->scope, '\0', sizeof(c->scope)) == NULL || !scope_ok(c->scope))
		return -1;
	if ((roles = list_json("roles", c->roles, role_ok, ROLE_MAX)) == NULL ||
	    (c->amr[0] != '\0' && (amr = list_json("amr", c->amr, word_ok, 15)) == NULL)) {
		free(roles);
		return -1;
	}
	if (jwt_new(&j) != 0)
		goto done;
	if (jwt_set_alg(j, algs[k->alg].jwt, k->secret, (int)k->secret_len) != 0)
		goto done;
	rc = jwt_add_header(j, "typ", "JWT");
	if ((rc != 0 && rc != EEXIST) || jwt_add_header(j, "kid", k->kid) != 0)
		goto done;
	if (jwt_add_grant(j, "iss", e->iss) != 0 ||
	    jwt_add_grant(j, "aud", e->aud) != 0 ||
	    jwt_add_grant(j, "sub", c->sub) != 0 ||
	    (c->org > 0 ? jwt_add_grant_int(j, "org", (long)c->org) :
	     jwt_add_grants_json(j, "{\"org\":null}")) != 0 ||
	    jwt_add_grants_json(j, roles) != 0 ||
	    jwt_add_grant_int(j, "pv", (long)c->pv) != 0 ||
	    (c->mv > 0 && jwt_add_grant_int(j, "mv", (long)c->mv) != 0) ||
	    (c->sid[0] != '\0' && jwt_add_grant(j, "sid", c->sid) != 0) ||
	    (amr != NULL && jwt_add_grants_json(j, amr) != 0) ||
	    (c->acr[0] != '\0' && jwt_add_grant(j, "acr", c->acr) != 0) ||
	    (c->scp[0] != '\0' && jwt_add_grant(j, "scp", c->scp) != 0) ||
	    (c->cid[0] != '\0' && jwt_add_grant(j, "client_id", c->cid) != 0) ||
	    (c->scope[0] != '\0' && jwt_add_grant(j, "scope", c->scope) != 0) ||
	    jwt_add_grant(j, "jti", c->jti) != 0 ||
	    jwt_add_grant_int(j, "iat", (long)c->iat) != 0 ||
	    (c->nbf > 0 && jwt_add_grant_int(j, "nbf", (long)c->nbf) != 0) ||
	    jwt_add_grant_int(j, "exp", (long)c->exp) != 0 ||
	    jwt_add_grant(j, "typ", typ) != 0)
		goto done;
	tok = jwt_encode_str(j);
done:
	jwt_free(j);
	free(roles);
	free(amr);
	*out = tok;
	return tok != NULL ? 0 : -1;
}

/* 1 and *v set: a non-negative exact integer; 0: absent; -1: present but not such a number. */
static int
claim_int(const cJSON *o, const char *name, long long *v)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);
	double d;

	if (it == NULL)
		return 0;
	if (!cJSON_IsNumber(it))
		return -1;
	d = it->valuedouble;
	if (!(d >= 0 && d <= JSON_INT_MAX) || d != (double)(long long)d)
		return -1;
	*v = (long long)d;
	return 1;
}

static const char *
claim_str(const cJSON *o, const char *name)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(it) ? it->valuestring : NULL;
}

static int
copy(char *dst, size_t dstlen, const char *src)
{
	size_t len = strlen(src);

	if (len >= dstlen)
		return -1;
	memcpy(dst, src, len + 1);
	return 0;
}

/* The time claims against now: exp, then nbf (0 = not set), then iat. */
static enum token_result
times(const struct token_claims *c, long long leeway, long long now)
{
	if (now >= c->exp + leeway)
		return TOKEN_EXPIRED;
	if (c->nbf != 0 && now < c->nbf - leeway)
		return TOKEN_NOT_YET_VALID;
	if (now < c->iat - leeway)
		return TOKEN_NOT_YET_VALID;
	return TOKEN_OK;
}

static enum token_result
claims(const cJSON *p, const struct token_expect *e, long long now, struct token_claims *out)
{
	const cJSON *it, *el;
	const char *s;
	long long leeway = e->leeway < 0 ? 0 : e->leeway > LEEWAY_MAX ? LEEWAY_MAX : e->leeway;
	size_t used = 0, len;
	enum token_result tr;
	int r;

	if (claim_int(p, "exp", &out->exp) != 1)
		return TOKEN_BAD_CLAIMS;
	if ((r = claim_int(p, "nbf", &out->nbf)) == -1)
		return TOKEN_BAD_CLAIMS;
	if (r == 0)
		out->nbf = 0;
	if (claim_int(p, "iat", &out->iat) != 1 || out->iat > out->exp)
		return TOKEN_BAD_CLAIMS;
	if ((tr = times(out, leeway, now)) != TOKEN_OK)
		return tr;

	if (e->iss == NULL || (s = claim_str(p, "iss")) == NULL || strcmp(s, e->iss) != 0)
		return TOKEN_BAD_ISSUER;
	it = cJSON_GetObjectItemCaseSensitive(p, "aud");
	if (e->aud == NULL || it == NULL)
		return TOKEN_BAD_AUDIENCE;
	if (cJSON_IsString(it)) {
		if (strcmp(it->valuestring, e->aud) != 0)
			return TOKEN_BAD_AUDIENCE;
	} else if (cJSON_IsArray(it)) {
		cJSON_ArrayForEach(el, it)
			if (cJSON_IsString(el) && strcmp(el->valuestring, e->aud) == 0)
				break;
		if (el == NULL)
			return TOKEN_BAD_AUDIENCE;
	} else
		return TOKEN_BAD_AUDIENCE;
	if (e->typ == NULL || (s = claim_str(p, "typ")) == NULL || strcmp(s, e->typ) != 0)
		return TOKEN_BAD_TYPE;
	if (copy(out->typ, sizeof(out->typ), s) == -1)
		return TOKEN_BAD_CLAIMS;

	if (!sub_ok(s = claim_str(p, "sub")) || copy(out->sub, sizeof(out->sub), s) == -1)
		return TOKEN_BAD_CLAIMS;
	it = cJSON_GetObjectItemCaseSensitive(p, "org");
	if (it != NULL && !cJSON_IsNull(it) &&
	    (claim_int(p, "org", &out->org) != 1 || out->org == 0))
		return TOKEN_BAD_CLAIMS;
	if (claim_int(p, "pv", &out->pv) != 1)
		return TOKEN_BAD_CLAIMS;
	if (claim_int(p, "mv", &out->mv) == -1)
		return TOKEN_BAD_CLAIMS;
	if (!id_ok(s = claim_str(p, "jti")) || copy(out->jti, sizeof(out->jti), s) == -1)
		return TOKEN_BAD_CLAIMS;
	it = cJSON_GetObjectItemCaseSensitive(p, "sid");
	if (it != NULL && (!id_ok(s = claim_str(p, "sid")) ||
	    copy(out->sid, sizeof(out->sid), s) == -1))
		return TOKEN_BAD_CLAIMS;
	it = cJSON_GetObjectItemCaseSensitive(p, "roles");
	if (!cJSON_IsArray(it))
		return TOKEN_BAD_CLAIMS;
	cJSON_ArrayForEach(el, it) {
		if (!cJSON_IsString(el))
			return TOKEN_BAD_CLAIMS;
		len = strlen(el->valuestring);
		if (!role_ok(el->valuestring, len) || used + (used > 0) + len >= sizeof(out->roles))
			return TOKEN_BAD_CLAIMS;
		if (used > 0)
			out->roles[used++] = ',';
		memcpy(out->roles + used, el->valuestring, len + 1);
		used += len;
	}
	if ((it = cJSON_GetObjectItemCaseSensitive(p, "amr")) != NULL) {
		if (!cJSON_IsArray(it))
			return TOKEN_BAD_CLAIMS;
		used = 0;
		cJSON_ArrayForEach(el, it) {
			if (!cJSON_IsString(el))
				return TOKEN_BAD_CLAIMS;
			len = strlen(el->valuestring);
			if (!word_ok(el->valuestring, len) || used + (used > 0) + len >= sizeof(out->amr))
				return TOKEN_BAD_CLAIMS;
			if (used > 0)
				out->amr[used++] = ',';
			memcpy(out->amr + used, el->valuestring, len + 1);
			used += len;
		}
	}
	if ((it = cJSON_GetObjectItemCaseSensitive(p, "acr")) != NULL &&
	    (!cJSON_IsString(it) || !word_ok(it->valuestring, strlen(it->valuestring)) ||
	    copy(out->acr, sizeof(out->acr), it->valuestring) == -1))
		return TOKEN_BAD_CLAIMS;
	if ((it = cJSON_GetObjectItemCaseSensitive(p, "scp")) != NULL &&
	    (!cJSON_IsString(it) || !word_ok(it->valuestring, strlen(it->valuestring)) ||
	    copy(out->scp, sizeof(out->scp), it->valuestring) == -1))
		return TOKEN_BAD_CLAIMS;
	if ((it = cJSON_GetObjectItemCaseSensitive(p, "client_id")) != NULL &&
	    (!cJSON_IsString(it) || !id_ok(it->valuestring) ||
	    copy(out->cid, sizeof(out->cid), it->valuestring) == -1))
		return TOKEN_BAD_CLAIMS;
	if ((it = cJSON_GetObjectItemCaseSensitive(p, "scope")) != NULL &&
	    (!cJSON_IsString(it) || !scope_ok(it->valuestring) ||
	    copy(out->scope, sizeof(out->scope), it->valuestring) == -1))
		return TOKEN_BAD_CLAIMS;
	return TOKEN_OK;
}

/* Decode and parse one base64url JSON object segment into buf; NULL if it is not one. */
static cJSON *
segment(unsigned char *buf, size_t bufsz, const char *in, size_t inlen)
{
	cJSON *o;
	size_t len;

	if (b64dec(buf, bufsz - 1, in, inlen, &len) == -1 || memchr(buf, '\0', len) != NULL)
		return NULL;
	buf[len] = '\0';
	o = cJSON_ParseWithLengthOpts((const char *)buf, len + 1, NULL, 1);
	if (o != NULL && !cJSON_IsObject(o)) {
		cJSON_Delete(o);
		o = NULL;
	}
	return o;
}

/* Decide which key may verify this header, or why none may. */
static enum token_result
header(const struct token_keyset *ks, const cJSON *h, const struct token_key **key)
{
	const cJSON *a, *b, *alg, *kid, *typ;
	size_t i, members = 0;

	cJSON_ArrayForEach(a, h) {
		if (++members > HEADER_MEMBERS_MAX)
			return TOKEN_MALFORMED;
		/* Duplicate names would let another parser read a different alg or kid. */
		for (b = a->next; b != NULL; b = b->next)
			if (strcmp(a->string, b->string) == 0)
				return TOKEN_MALFORMED;
	}
	alg = cJSON_GetObjectItemCaseSensitive(h, "alg");
	kid = cJSON_GetObjectItemCaseSensitive(h, "kid");
	typ = cJSON_GetObjectItemCaseSensitive(h, "typ");
	if (!cJSON_IsString(alg) || (kid != NULL && !cJSON_IsString(kid)))
		return TOKEN_MALFORMED;
	if (cJSON_GetObjectItemCaseSensitive(h, "crit") != NULL)
		return TOKEN_MALFORMED;		/* we implement no extension */
	if (typ != NULL && (!cJSON_IsString(typ) || strcasecmp(typ->valuestring, "JWT") != 0))
		return TOKEN_BAD_TYPE;
	*key = NULL;
	if (kid == NULL) {
		/* Only with a single key for access tokens (the ID-token key aside). */
		const struct token_key *only = NULL;
		size_t n = 0;

		for (i = 0; i < ks->n; i++)
			if (ks->keys[i].sign || !ks->keys[i].id) {
				only = &ks->keys[i];
				n++;
			}
		if (n == 1)
			*key = only;
	} else
		for (i = 0; i < ks->n; i++)
			if (strcmp(ks->keys[i].kid, kid->valuestring) == 0)
				*key = &ks->keys[i];
	if (*key == NULL)
		return TOKEN_UNKNOWN_KID;
	if (strcmp(alg->valuestring, algs[(*key)->alg].name) != 0)
		return TOKEN_BAD_ALG;
	return TOKEN_OK;
}

/* What a verification depends on besides the keys: the token and the expected iss, aud, typ. */
static void
cache_digest(unsigned char d[crypto_generichash_BYTES], const char *jwt, size_t len,
    const struct token_expect *e)
{
	crypto_generichash_state st;
	const char *parts[3] = { e->iss, e->aud, e->typ };
	size_t i;

	crypto_generichash_init(&st, NULL, 0, crypto_generichash_BYTES);
	crypto_generichash_update(&st, (const unsigned char *)jwt, len);
	for (i = 0; i < 3; i++) {
		/* NUL-separated, and a missing value differs from an empty one. */
		crypto_generichash_update(&st, (const unsigned char *)(parts[i] ? "\1" : "\2"), 1);
		if (parts[i] != NULL)
			crypto_generichash_update(&st, (const unsigned char *)parts[i],
			    strlen(parts[i]) + 1);
	}
	crypto_generichash_final(&st, d, crypto_generichash_BYTES);
}

static void
cache_put(const struct token_keyset *ks, struct token_cache_slot *slot, const unsigned char *digest,
    const struct token_claims *c)
{
	ks->cache->misses++;
	memcpy(slot->digest, digest, sizeof(slot->digest));
	slot->claims = *c;
	slot->used = 1;
}

void
token_cache_stats(const struct token_keyset *ks, unsigned long long *hits,
    unsigned long long *misses)
{
	*hits = ks != NULL ? ks->cache->hits : 0;
	*misses = ks != NULL ? ks->cache->misses : 0;
}

enum token_result
token_verify(const struct token_keyset *ks, const char *jwt, size_t len,
    const struct token_expect *e, long long now, struct token_claims *out)
{
	char tok[TOKEN_MAX_LEN + 1];
	unsigned char hbuf[HEADER_B64_MAX], pbuf[TOKEN_MAX_LEN];
	const struct token_key *k = NULL;
	const unsigned char *vkey;
	size_t i, dot1 = 0, dot2 = 0, dots = 0;
	cJSON *h, *p = NULL;
	jwt_t *j = NULL;
	enum token_result r;
	unsigned char digest[crypto_generichash_BYTES];
	struct token_cache_slot *slot;

	if (out == NULL)
		return TOKEN_MALFORMED;
	memset(out, 0, sizeof(*out));
	if (ks == NULL || e == NULL || jwt == NULL || len == 0 || len > TOKEN_MAX_LEN)
		return TOKEN_MALFORMED;
	for (i = 0; i < len; i++) {
		if (jwt[i] == '.') {
			if (++dots == 1)
				dot1 = i;
			else
				dot2 = i;
		} else if (!isb64url((unsigned char)jwt[i]))
			return TOKEN_MALFORMED;
	}
	if (dots != 2 || dot1 == 0 || dot1 > HEADER_B64_MAX || dot2 == dot1 + 1)
		return TOKEN_MALFORMED;

	cache_digest(digest, jwt, len, e);
	slot = &ks->cache->slot[(digest[0] | digest[1] << 8) % TOKEN_CACHE_SLOTS];
	if (slot->used && sodium_memcmp(slot->digest, digest, sizeof(digest)) == 0) {
		ks->cache->hits++;
		if ((r = times(&slot->claims, e->leeway < 0 ? 0 : e->leeway > LEEWAY_MAX ?
		    LEEWAY_MAX : e->leeway, now)) != TOKEN_OK)
			return r;
		*out = slot->claims;
		return TOKEN_OK;
	}

	if ((h = segment(hbuf, sizeof(hbuf), jwt, dot1)) == NULL)
		return TOKEN_MALFORMED;
	r = header(ks, h, &k);
	cJSON_Delete(h);
	if (r != TOKEN_OK)
		return r;

	if ((p = segment(pbuf, sizeof(pbuf), jwt + dot1 + 1, dot2 - dot1 - 1)) == NULL)
		return TOKEN_MALFORMED;
	if (!sig_shape_ok(jwt + dot2 + 1, len - dot2 - 1, k->sig_len)) {
		r = TOKEN_BAD_SIGNATURE;
		goto done;
	}

	/* The alg is pinned and the key is never NULL: only now may libjwt look. */
	memcpy(tok, jwt, len);
	tok[len] = '\0';
	vkey = k->alg == ALG_HS256 ? k->secret : (const unsigned char *)k->pub;
	if (jwt_decode(&j, tok, vkey, (int)(k->alg == ALG_HS256 ? k->secret_len : k->pub_len))
	    != 0 || j == NULL) {
		r = TOKEN_BAD_SIGNATURE;
		goto done;
	}
	if (jwt_get_alg(j) != algs[k->alg].jwt) {
		r = TOKEN_BAD_ALG;
		goto done;
	}
	r = claims(p, e, now, out);
done:
	jwt_free(j);
	cJSON_Delete(p);
	if (r != TOKEN_OK) {
		memset(out, 0, sizeof(*out));
		return r;
	}
	cache_put(ks, slot, digest, out);
	return r;
}

const char *
token_id_alg(const struct token_keyset *ks)
{
	return ks == NULL || ks->idkey == NULL ? NULL : algs[ks->idkey->alg].name;
}

int
token_id_sign(const struct token_keyset *ks, const char *payload, char **out)
{
	const struct token_key *k;
	jwt_t *j = NULL;
	char *tok = NULL;
	int rc;

	if (out == NULL)
		return -1;
	*out = NULL;
	if (ks == NULL || (k = ks->idkey) == NULL || payload == NULL)
		return -1;
	if (jwt_new(&j) != 0)
		return -1;
	if (jwt_set_alg(j, algs[k->alg].jwt, k->secret, (int)k->secret_len) != 0)
		goto done;
	rc = jwt_add_header(j, "typ", "JWT");
	if ((rc != 0 && rc != EEXIST) || jwt_add_header(j, "kid", k->kid) != 0 ||
	    jwt_add_grants_json(j, payload) != 0)
		goto done;
	tok = jwt_encode_str(j);
done:
	jwt_free(j);
	*out = tok;
	return tok != NULL ? 0 : -1;
}

enum token_result
token_verify_signature(const struct token_keyset *ks, const char *jwt, size_t len,
    char **payload)
{
	char tok[TOKEN_MAX_LEN + 1];
	unsigned char hbuf[HEADER_B64_MAX], pbuf[TOKEN_MAX_LEN];
	const struct token_key *k = NULL;
	size_t i, dot1 = 0, dot2 = 0, dots = 0;
	cJSON *h, *p = NULL;
	jwt_t *j = NULL;
	enum token_result r;

	if (payload == NULL)
		return TOKEN_MALFORMED;
	*payload = NULL;
	if (ks == NULL || jwt == NULL || len == 0 || len > TOKEN_MAX_LEN)
		return TOKEN_MALFORMED;
	for (i = 0; i < len; i++) {
		if (jwt[i] == '.') {
			if (++dots == 1)
				dot1 = i;
			else
				dot2 = i;
		} else if (!isb64url((unsigned char)jwt[i]))
			return TOKEN_MALFORMED;
	}
	if (dots != 2 || dot1 == 0 || dot1 > HEADER_B64_MAX || dot2 == dot1 + 1)
		return TOKEN_MALFORMED;
	if ((h = segment(hbuf, sizeof(hbuf), jwt, dot1)) == NULL)
		return TOKEN_MALFORMED;
	r = header(ks, h, &k);
	cJSON_Delete(h);
	if (r != TOKEN_OK)
		return r;
	if (k->alg == ALG_HS256)
		return TOKEN_BAD_ALG;
	if ((p = segment(pbuf, sizeof(pbuf), jwt + dot1 + 1, dot2 - dot1 - 1)) == NULL)
		return TOKEN_MALFORMED;
	if (!sig_shape_ok(jwt + dot2 + 1, len - dot2 - 1, k->sig_len)) {
		r = TOKEN_BAD_SIGNATURE;
		goto done;
	}
	memcpy(tok, jwt, len);
	tok[len] = '\0';
	if (jwt_decode(&j, tok, (const unsigned char *)k->pub, (int)k->pub_len) != 0 ||
	    j == NULL) {
		r = TOKEN_BAD_SIGNATURE;
		goto done;
	}
	if (jwt_get_alg(j) != algs[k->alg].jwt) {
		r = TOKEN_BAD_ALG;
		goto done;
	}
	if ((*payload = strdup((const char *)pbuf)) == NULL)
		r = TOKEN_MALFORMED;
done:
	jwt_free(j);
	cJSON_Delete(p);
	return r;
}
