/*
 * oidc.c: the OpenID Connect provider (docs/oidc.md): discovery, the authorization endpoint
 * with its consent page, the token endpoint (authorization_code with PKCE, refresh_token,
 * client_credentials), userinfo, introspection (RFC 7662), revocation (RFC 7009) and
 * RP-initiated logout.
 *
 * Access tokens are Gatehouse's own (auth/session.h) with client_id and scope claims, so they
 * pass /api/v1/auth/check and every endpoint mapping on the same path as any other, and the
 * same revocation (blocklist, permission_version, ocd:<client_id> when the client is disabled).
 * ID tokens are signed with the ID-token key (ES256 or RS256, in the JWKS).
 *
 * Errors follow the specifications, not problem+json: the authorization endpoint answers an
 * HTML page while it cannot trust the redirect URI (unknown client, a redirect_uri that does
 * not match one registered exactly), and redirects every other error to it with error and
 * state; the token, introspection and revocation endpoints answer RFC 6749 JSON errors.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cJSON.h>
#include <sodium.h>

#include "api/api.h"
#include "api/common.h"
#include "api/oidc.h"
#include "api/routes.h"
#include "auth/authn.h"
#include "auth/session.h"
#include "auth/sso.h"
#include "auth/token.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/ctx.h"
#include "core/log.h"
#include "core/valid.h"
#include "store/account.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/kv.h"
#include "store/oidc.h"
#include "store/refresh.h"

#define B64URL		sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define CODE_RAW	32
#define STATE_MAX	1024
#define NONCE_MAX	255
#define USED_TTL	86400	/* seconds an exchanged code is remembered (reuse revokes) */

/* The scopes this provider knows. */
static const char *const known_scopes[] = { "openid", "profile", "email", "offline_access",
    "gatehouse", NULL };

/* ---- small helpers ---- */

const char *
oidc_issuer(struct request *req)
{
	const struct gh_config	*c = req->w->cfg;
	const char		*s = c->oidc_issuer != NULL && *c->oidc_issuer != '\0' ?
				    c->oidc_issuer : c->public_url;
	size_t			 n = strlen(s);

	while (n > 0 && s[n - 1] == '/')
		n--;
	return arena_strndup(req->arena, s, n);
}

/* Whether word w (len bytes) is one of the space separated words of list. */
static int
has_word(const char *list, const char *w, size_t len)
{
	const char	*p, *q;

	for (p = list; p != NULL && *p != '\0'; p = *q ? q + 1 : q) {
		q = strchr(p, ' ');
		if (q == NULL)
			q = p + strlen(p);
		if ((size_t)(q - p) == len && strncmp(p, w, len) == 0)
			return 1;
	}
	return 0;
}

int
oidc_has(const char *list, const char *w)
{
	return has_word(list, w, strlen(w));
}

/* Whether every word of want is in have. */
static int
subset(const char *want, const char *have)
{
	const char	*p, *q;

	for (p = want; *p != '\0'; p = *q ? q + 1 : q) {
		q = strchr(p, ' ');
		if (q == NULL)
			q = p + strlen(p);
		if (q > p && !has_word(have, p, (size_t)(q - p)))
			return 0;
	}
	return 1;
}

/* Percent-encode s for a query string (RFC 3986 unreserved characters stay). */
static const char *
urlenc(struct request *req, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t		 n = strlen(s), i, j = 0;
	char		*o = arena_alloc(req->arena, 3 * n + 1);

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
			o[j++] = (char)c;
		else {
			o[j++] = '%';
			o[j++] = hex[c >> 4];
			o[j++] = hex[c & 15];
		}
	}
	o[j] = '\0';
	return o;
}

/* HTML-escape s into the arena. */
static const char *
esc(struct request *req, const char *s)
{
	size_t		 n = s ? strlen(s) : 0, i, j = 0;
	char		*o = arena_alloc(req->arena, 6 * n + 1);

	for (i = 0; i < n; i++) {
		const char *r = NULL;
		switch (s[i]) {
		case '&': r = "&amp;"; break;
		case '<': r = "&lt;"; break;
		case '>': r = "&gt;"; break;
		case '"': r = "&quot;"; break;
		case '\'': r = "&#39;"; break;
		}
		if (r != NULL) {
			memcpy(o + j, r, strlen(r));
			j += strlen(r);
		} else
			o[j++] = s[i];
	}
	o[j] = '\0';
	return o;
}

/* An HTML page: title and body (HTML, escaped by the caller). */
static enum gh_err
page(struct request *req, int status, const char *title, const char *body)
{
	const char *html = arena_printf(req->arena,
	    "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	    "<title>%s · Gatehouse</title><style>"
	    "body{font-family:system-ui,sans-serif;background:#f4f5f7;color:#1d2330;margin:0}"
	    "main{max-width:30rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:8px;"
	    "box-shadow:0 1px 3px rgba(0,0,0,.15)}h1{font-size:1.4rem;margin-top:0}"
	    "ul{padding-left:1.2rem}button{font:inherit;padding:.5rem 1.2rem;margin-right:.5rem;"
	    "border-radius:4px;border:1px solid #3056d3;background:#fff;color:#3056d3;cursor:pointer}"
	    "button.primary{background:#3056d3;color:#fff}code{background:#eef;padding:0 .2rem}"
	    "</style></head><body><main>%s</main></body></html>\n", esc(req, title), body);

	req->status = status;
	req->body_out = html;
	req->body_out_len = strlen(html);
	req->content_type = "text/html; charset=utf-8";
	resp_header(req, "Content-Security-Policy",
	    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
	resp_header(req, "X-Frame-Options", "DENY");
	resp_header(req, "Referrer-Policy", "no-referrer");
	return GH_OK;
}

/* The error page of an authorization request that cannot be sent back to the client. */
static enum gh_err
error_page(struct request *req, const char *error, const char *why)
{
	return page(req, 400, "Sign-in request refused", arena_printf(req->arena,
	    "<h1>This sign-in request cannot be completed</h1><p>%s</p>"
	    "<p>Error: <code>%s</code>. Go back to the application and try again, or tell its "
	    "administrator.</p>", esc(req, why), esc(req, error)));
}

/* A 302 to url. */
static enum gh_err
redirect(struct request *req, const char *url)
{
	resp_header(req, "Location", url);
	req->status = 302;
	req->body_out = "";
	req->body_out_len = 0;
	return GH_OK;
}

/* uri with name=value appended to its query (value encoded). */
static const char *
add_param(struct request *req, const char *uri, const char *name, const char *value)
{
	return arena_printf(req->arena, "%s%c%s=%s", uri, strchr(uri, '?') ? '&' : '?', name,
	    urlenc(req, value));
}

/* RFC 6749 section 5.2: a JSON error of the token, introspection or revocation endpoint. */
static enum gh_err
oauth_error(struct request *req, int status, const char *error, const char *why)
{
	cJSON	*o = api_object(req);

	cJSON_AddStringToObject(o, "error", error);
	if (why != NULL)
		cJSON_AddStringToObject(o, "error_description", why);
	if (status == 401)
		resp_header(req, "WWW-Authenticate", "Basic realm=\"gatehouse\"");
	resp_header(req, "Pragma", "no-cache");
	resp_json(req, status, o);
	return GH_OK;
}

/* SHA-256 of s as 64 lower-case hex digits (arena). */
static const char *
sha256_hex(struct request *req, const char *s)
{
	unsigned char	 h[crypto_hash_sha256_BYTES];
	char		*hex = arena_alloc(req->arena, 2 * sizeof(h) + 1);

	crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
	sodium_bin2hex(hex, 2 * sizeof(h) + 1, h, sizeof(h));
	return hex;
}

/* A new random value of raw bytes as base64url (arena). */
static char *
random_b64(struct request *req, size_t raw)
{
	unsigned char	 b[64];
	size_t		 n = sodium_base64_ENCODED_LEN(raw, B64URL);
	char		*o = arena_alloc(req->arena, n);

	randombytes_buf(b, raw);
	sodium_bin2base64(o, n, b, raw, B64URL);
	sodium_memzero(b, sizeof(b));
	return o;
}

char *
oidc_new_secret(struct request *req, const char **hash_hex)
{
	char	*s = random_b64(req, 32);

	*hash_hex = sha256_hex(req, s);
	return s;
}

/* Whether uri is exactly one of the JSON array of strings list. */
static int
listed(const char *list, const char *uri)
{
	cJSON	*a = cJSON_Parse(list), *it;
	int	 found = 0;

	if (a == NULL)
		return 0;
	cJSON_ArrayForEach(it, a)
		if (cJSON_IsString(it) && strcmp(it->valuestring, uri) == 0)
			found = 1;
	cJSON_Delete(a);
	return found;
}

/* ---- client authentication ---- */

/*
 * The clients this worker authenticated lately, so that introspection and client_credentials
 * read no SQL for the client: an entry is used while oidc:gen (a kept key, moved by every change
 * of a client: api/clients.c) holds the value it was read under, for CC_MAX_AGE seconds at most
 * (which bounds how long a lapsed secret overlap may still be honoured).
 */
#define CC_SLOTS	64
#define CC_MAX_AGE	30

struct cc_ent {
	char			 client_id[65];
	char			 gen[48];
	time_t			 at;
	struct oidc_client	 c;
	char			*strs;		/* malloc: the strings of c */
};

static struct cc_ent	 cc_cache[CC_SLOTS];

#define CC_LEN(e, k, m, sql)	CC_LEN_##k(m)
#define CC_LEN_STR(m)		n += src->m != NULL ? strlen(src->m) + 1 : 0;
#define CC_LEN_INT(m)
#define CC_LEN_BOOL(m)
#define CC_CPY(e, k, m, sql)	CC_CPY_##k(m)
#define CC_CPY_STR(m)		if (src->m != NULL) { size_t l_ = strlen(src->m) + 1; \
				    memcpy(p, src->m, l_); dst->m = p; p += l_; } else dst->m = NULL;
#define CC_CPY_INT(m)		dst->m = src->m;
#define CC_CPY_BOOL(m)		dst->m = src->m;

static void
cc_put(struct cc_ent *e, const struct oidc_client *src, const char *gen)
{
	struct oidc_client	*dst = &e->c;
	size_t			 n = 0;
	char			*p;

	OIDC_CLIENT_COLUMNS(CC_LEN)
	free(e->strs);
	e->client_id[0] = '\0';
	if ((e->strs = p = malloc(n + 1)) == NULL)
		return;
	OIDC_CLIENT_COLUMNS(CC_CPY)
	snprintf(e->client_id, sizeof(e->client_id), "%s", src->client_id);
	snprintf(e->gen, sizeof(e->gen), "%s", gen);
	e->at = time(NULL);
}

/* The client of that client_id, from this worker's cache or MySQL (then cached). */
static enum gh_err
client_get(struct request *req, const char *id, struct oidc_client *c)
{
	const char		*key = kv_prefixes[KV_OIDC_GEN], *gen = NULL;
	unsigned long long	 h = 1469598103934665603ULL;
	struct cc_ent		*e;
	const char		*p;
	enum gh_err		 err;
	int			 hit;
	time_t			 now = time(NULL);

	if (kv_mget(req->w->kv, req->arena, 1, &key, &gen, &hit) != GH_OK)
		gen = NULL;
	for (p = id; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	e = &cc_cache[h % CC_SLOTS];
	if (gen == NULL)
		gen = "";
	if (e->strs != NULL && strcmp(e->client_id, id) == 0 && strcmp(e->gen, gen) == 0 &&
	    now >= e->at && now - e->at < CC_MAX_AGE) {
		*c = e->c;
		return GH_OK;
	}
	if ((err = store_oidc_client_by_client_id(req->w->db, req->arena, id, c)) != GH_OK)
		return err;
	if (strlen(gen) < sizeof(e->gen) && strlen(id) < sizeof(e->client_id))
		cc_put(e, c, gen);
	return GH_OK;
}

/* Constant-time comparison of a presented secret's hash with a stored one (hex). */
static int
secret_matches(const char *hash_hex, const char *stored_hex)
{
	return stored_hex != NULL && strlen(stored_hex) == 64 &&
	    sodium_memcmp(hash_hex, stored_hex, 64) == 0;
}

/*
 * Authenticate the client of a token, introspection or revocation request: HTTP Basic
 * (client_secret_basic) or client_id and client_secret in the body (client_secret_post), or a
 * public client's client_id alone when public_ok.  GH_OK with *c filled and *ok 1; *ok 0 when
 * the answer (401 invalid_client) has been written.
 */
static enum gh_err
client_auth(struct request *req, int public_ok, struct oidc_client *c, int *ok)
{
	const char	*h = req_header(req, "Authorization"), *id = NULL, *secret = NULL;
	unsigned char	 dec[512];
	size_t		 n;
	enum gh_err	 err;
	int		 basic = 0;

	*ok = 0;
	if (h != NULL && strncasecmp(h, "Basic ", 6) == 0) {
		char *colon, *raw;
		const char *b = h + 6;
		struct request tmp;

		while (*b == ' ')
			b++;
		if (sodium_base642bin(dec, sizeof(dec) - 1, b, strlen(b), NULL, &n, NULL,
		    sodium_base64_VARIANT_ORIGINAL) != 0 || memchr(dec, '\0', n) != NULL)
			return oauth_error(req, 401, "invalid_client", "bad Basic credentials");
		dec[n] = '\0';
		if ((colon = strchr((char *)dec, ':')) == NULL)
			return oauth_error(req, 401, "invalid_client", "bad Basic credentials");
		*colon = '\0';
		/* RFC 6749 2.3.1: both parts are form-encoded. */
		raw = arena_printf(req->arena, "i=%s&s=%s", (char *)dec, colon + 1);
		memset(&tmp, 0, sizeof(tmp));
		tmp.arena = req->arena;
		tmp.query = raw;
		id = req_query(&tmp, "i");
		secret = req_query(&tmp, "s");
		sodium_memzero(dec, sizeof(dec));
		basic = 1;
	} else {
		id = req_form(req, "client_id");
		secret = req_form(req, "client_secret");
	}
	if (id == NULL || *id == '\0' || strlen(id) > 64)
		return oauth_error(req, 401, "invalid_client", "client authentication is required");
	err = client_get(req, id, c);
	if (err == GH_ERR_NOT_FOUND || (err == GH_OK && !c->enabled))
		return oauth_error(req, 401, "invalid_client", "unknown or disabled client");
	if (err != GH_OK)
		return err;
	if (strcmp(c->client_type, "public") == 0) {
		if (!public_ok || basic || (secret != NULL && *secret != '\0'))
			return oauth_error(req, 401, "invalid_client",
			    "this public client cannot authenticate here");
		*ok = 1;
		return GH_OK;
	}
	if (secret == NULL || *secret == '\0')
		return oauth_error(req, 401, "invalid_client", "the client secret is required");
	{
		const char *hh = sha256_hex(req, secret);
		int a = secret_matches(hh, c->secret_hash);
		int b = secret_matches(hh, c->previous_secret_hash);
		if (!(a | b)) {
			(void)audit_auth(req, 0, c->organization_id, "oidc.client_auth.failure",
			    "bad_secret");
			return oauth_error(req, 401, "invalid_client", "wrong client secret");
		}
	}
	*ok = 1;
	return GH_OK;
}

/* ---- discovery ---- */

enum gh_err
api_oidc_discovery(struct request *req)
{
	const char	*iss = oidc_issuer(req), *alg = token_id_alg(req->w->keys);
	cJSON		*o = api_object(req), *a;
	size_t		 i;

	if (alg == NULL)
		return req_fail(req, GH_ERR_INTERNAL, NULL, "no ID-token key is configured "
		    "(oidc_key_file): OpenID Connect is off");
	cJSON_AddStringToObject(o, "issuer", iss);
	cJSON_AddStringToObject(o, "authorization_endpoint",
	    arena_printf(req->arena, "%s/oauth2/authorize", iss));
	cJSON_AddStringToObject(o, "token_endpoint", arena_printf(req->arena, "%s/oauth2/token", iss));
	cJSON_AddStringToObject(o, "userinfo_endpoint",
	    arena_printf(req->arena, "%s/oauth2/userinfo", iss));
	cJSON_AddStringToObject(o, "jwks_uri",
	    arena_printf(req->arena, "%s/.well-known/jwks.json", iss));
	cJSON_AddStringToObject(o, "introspection_endpoint",
	    arena_printf(req->arena, "%s/oauth2/introspect", iss));
	cJSON_AddStringToObject(o, "revocation_endpoint",
	    arena_printf(req->arena, "%s/oauth2/revoke", iss));
	cJSON_AddStringToObject(o, "end_session_endpoint",
	    arena_printf(req->arena, "%s/oauth2/logout", iss));
	a = cJSON_AddArrayToObject(o, "scopes_supported");
	for (i = 0; known_scopes[i] != NULL; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(known_scopes[i]));
	a = cJSON_AddArrayToObject(o, "response_types_supported");
	cJSON_AddItemToArray(a, cJSON_CreateString("code"));
	a = cJSON_AddArrayToObject(o, "response_modes_supported");
	cJSON_AddItemToArray(a, cJSON_CreateString("query"));
	a = cJSON_AddArrayToObject(o, "grant_types_supported");
	cJSON_AddItemToArray(a, cJSON_CreateString("authorization_code"));
	cJSON_AddItemToArray(a, cJSON_CreateString("refresh_token"));
	cJSON_AddItemToArray(a, cJSON_CreateString("client_credentials"));
	a = cJSON_AddArrayToObject(o, "subject_types_supported");
	cJSON_AddItemToArray(a, cJSON_CreateString("public"));
	a = cJSON_AddArrayToObject(o, "id_token_signing_alg_values_supported");
	cJSON_AddItemToArray(a, cJSON_CreateString(alg));
	a = cJSON_AddArrayToObject(o, "token_endpoint_auth_methods_supported");
	cJSON_AddItemToArray(a, cJSON_CreateString("client_secret_basic"));
	cJSON_AddItemToArray(a, cJSON_CreateString("client_secret_post"));
	cJSON_AddItemToArray(a, cJSON_CreateString("none"));
	a = cJSON_AddArrayToObject(o, "introspection_endpoint_auth_methods_supported");
	cJSON_AddItemToArray(a, cJSON_CreateString("client_secret_basic"));
	cJSON_AddItemToArray(a, cJSON_CreateString("client_secret_post"));
	a = cJSON_AddArrayToObject(o, "revocation_endpoint_auth_methods_supported");
	cJSON_AddItemToArray(a, cJSON_CreateString("client_secret_basic"));
	cJSON_AddItemToArray(a, cJSON_CreateString("client_secret_post"));
	cJSON_AddItemToArray(a, cJSON_CreateString("none"));
	a = cJSON_AddArrayToObject(o, "code_challenge_methods_supported");
	cJSON_AddItemToArray(a, cJSON_CreateString("S256"));
	a = cJSON_AddArrayToObject(o, "prompt_values_supported");
	cJSON_AddItemToArray(a, cJSON_CreateString("none"));
	cJSON_AddItemToArray(a, cJSON_CreateString("login"));
	cJSON_AddItemToArray(a, cJSON_CreateString("consent"));
	a = cJSON_AddArrayToObject(o, "claims_supported");
	{
		static const char *const cl[] = { "iss", "sub", "aud", "exp", "iat", "auth_time",
		    "nonce", "amr", "acr", "at_hash", "sid", "name", "given_name", "family_name",
		    "preferred_username", "email", "email_verified", "org", "org_slug", "roles",
		    NULL };
		for (i = 0; cl[i] != NULL; i++)
			cJSON_AddItemToArray(a, cJSON_CreateString(cl[i]));
	}
	cJSON_AddBoolToObject(o, "claims_parameter_supported", 0);
	cJSON_AddBoolToObject(o, "request_parameter_supported", 0);
	cJSON_AddBoolToObject(o, "request_uri_parameter_supported", 0);
	cJSON_AddBoolToObject(o, "authorization_response_iss_parameter_supported", 1);
	resp_json(req, 200, o);
	req->cache_control = "public, max-age=300";
	return GH_OK;
}

/* ---- ID tokens and claims ---- */

/* Add the claims of scope about user id (and its org and roles) to o. */
static enum gh_err
user_claims(struct request *req, cJSON *o, long long id, const char *scope, long long org,
    const char *org_slug, const char *roles)
{
	cJSON		*u, *it;
	enum gh_err	 err;

	if (oidc_has(scope, "profile") || oidc_has(scope, "email")) {
		if ((err = api_user_object(req, id, &u)) != GH_OK)
			return err;
		if (oidc_has(scope, "profile")) {
			const char *full = cJSON_GetStringValue(cJSON_GetObjectItem(u, "full_name"));
			const char *first = cJSON_GetStringValue(cJSON_GetObjectItem(u, "first_name"));
			const char *last = cJSON_GetStringValue(cJSON_GetObjectItem(u, "last_name"));
			const char *name = full != NULL && *full ? full :
			    arena_printf(req->arena, "%s%s%s", first ? first : "",
			    first && *first && last && *last ? " " : "", last ? last : "");
			if (*name == '\0')
				name = cJSON_GetStringValue(cJSON_GetObjectItem(u, "username"));
			cJSON_AddStringToObject(o, "name", name ? name : "");
			if (first != NULL && *first)
				cJSON_AddStringToObject(o, "given_name", first);
			if (last != NULL && *last)
				cJSON_AddStringToObject(o, "family_name", last);
			cJSON_AddStringToObject(o, "preferred_username",
			    cJSON_GetStringValue(cJSON_GetObjectItem(u, "username")));
		}
		if (oidc_has(scope, "email")) {
			cJSON_AddStringToObject(o, "email",
			    cJSON_GetStringValue(cJSON_GetObjectItem(u, "email")));
			it = cJSON_GetObjectItem(u, "email_verified");
			cJSON_AddBoolToObject(o, "email_verified", cJSON_IsTrue(it));
		}
	}
	if (oidc_has(scope, "gatehouse")) {
		cJSON *arr;
		const char *p, *q;

		if (org > 0)
			cJSON_AddNumberToObject(o, "org", (double)org);
		else
			cJSON_AddNullToObject(o, "org");
		if (org_slug != NULL)
			cJSON_AddStringToObject(o, "org_slug", org_slug);
		arr = cJSON_AddArrayToObject(o, "roles");
		for (p = roles ? roles : ""; *p != '\0'; p = *q ? q + 1 : q) {
			q = strchr(p, ',');
			if (q == NULL)
				q = p + strlen(p);
			cJSON_AddItemToArray(arr, cJSON_CreateString(arena_strndup(req->arena, p,
			    (size_t)(q - p))));
		}
	}
	return GH_OK;
}

/* Sign an ID token for u at client c into *out (arena). */
static enum gh_err
id_token(struct request *req, const struct oidc_client *c, const struct session_user *u,
    const char *scope, const char *nonce, long long auth_time, const char *access, char **out)
{
	unsigned char	 h[crypto_hash_sha256_BYTES];
	char		 ath[64], *doc, *tok;
	long long	 now = (long long)time(NULL);
	cJSON		*o = api_object(req);
	enum gh_err	 err;

	cJSON_AddStringToObject(o, "iss", oidc_issuer(req));
	cJSON_AddStringToObject(o, "sub", arena_printf(req->arena, "%lld", u->id));
	cJSON_AddStringToObject(o, "aud", c->client_id);
	cJSON_AddStringToObject(o, "azp", c->client_id);
	cJSON_AddNumberToObject(o, "exp", (double)(now + (c->id_token_ttl > 0 ? c->id_token_ttl :
	    300)));
	cJSON_AddNumberToObject(o, "iat", (double)now);
	cJSON_AddNumberToObject(o, "auth_time", (double)auth_time);
	if (nonce != NULL && *nonce != '\0')
		cJSON_AddStringToObject(o, "nonce", nonce);
	session_add_amr(o, u->amr);
	cJSON_AddStringToObject(o, "sid", session_sid(req, u->family));
	if (access != NULL) {
		/* at_hash: the left half of the SHA-256 of the access token, base64url. */
		crypto_hash_sha256(h, (const unsigned char *)access, strlen(access));
		sodium_bin2base64(ath, sizeof(ath), h, sizeof(h) / 2, B64URL);
		cJSON_AddStringToObject(o, "at_hash", ath);
	}
	if ((err = user_claims(req, o, u->id, scope, u->org, u->org_slug, u->roles)) != GH_OK)
		return err;
	if ((doc = cJSON_PrintUnformatted(o)) == NULL)
		return GH_ERR_INTERNAL;
	if (token_id_sign(req->w->keys, doc, &tok) != 0) {
		cJSON_free(doc);
		log_error("oidc: cannot sign an ID token (is oidc_key_file set?)");
		return GH_ERR_INTERNAL;
	}
	cJSON_free(doc);
	*out = arena_strdup(req->arena, tok);
	free(tok);
	return GH_OK;
}

/* ---- the authorization endpoint ---- */

struct authz {
	const char		*response_type, *client_id, *redirect_uri, *scope, *state, *nonce;
	const char		*challenge, *method, *prompt, *max_age, *login_hint, *after;
	struct oidc_client	 c;
	long long		 max_age_v, after_v;
	int			 none, login, consent;
};

static const char *
param(struct request *req, int form, const char *name)
{
	return form ? req_form(req, name) : req_query(req, name);
}

/* An authorization error sent back to the client's redirect URI. */
static enum gh_err
back(struct request *req, const struct authz *a, const char *error, const char *why)
{
	const char *u = add_param(req, a->redirect_uri, "error", error);

	if (why != NULL)
		u = add_param(req, u, "error_description", why);
	if (a->state != NULL)
		u = add_param(req, u, "state", a->state);
	u = add_param(req, u, "iss", oidc_issuer(req));
	return redirect(req, u);
}

/* The request's query for the login page's return: the same request, after a fresh login. */
static const char *
return_url(struct request *req, const struct authz *a)
{
	const char	*q = "/oauth2/authorize?response_type=code";
	const char	*prompt = a->consent ? "consent" : NULL;

	q = arena_printf(req->arena, "%s&client_id=%s&redirect_uri=%s", q,
	    urlenc(req, a->client_id), urlenc(req, a->redirect_uri));
	if (a->scope)
		q = arena_printf(req->arena, "%s&scope=%s", q, urlenc(req, a->scope));
	if (a->state)
		q = arena_printf(req->arena, "%s&state=%s", q, urlenc(req, a->state));
	if (a->nonce)
		q = arena_printf(req->arena, "%s&nonce=%s", q, urlenc(req, a->nonce));
	if (a->challenge)
		q = arena_printf(req->arena, "%s&code_challenge=%s", q, urlenc(req, a->challenge));
	if (a->method)
		q = arena_printf(req->arena, "%s&code_challenge_method=%s", q, urlenc(req, a->method));
	if (prompt)
		q = arena_printf(req->arena, "%s&prompt=%s", q, prompt);
	/* The login that follows satisfies prompt=login and max_age: only a later one counts. */
	return arena_printf(req->arena, "%s&gh_after=%lld", q, (long long)time(NULL) - 1);
}

/* Read and check the request.  *done 1 when an answer (error page or redirect) was made. */
static enum gh_err
authz_parse(struct request *req, int form, struct authz *a, int *done)
{
	const char	*p, *q;
	enum gh_err	 err;
	size_t		 i, n;

	*done = 1;
	memset(a, 0, sizeof(*a));
	a->response_type = param(req, form, "response_type");
	a->client_id = param(req, form, "client_id");
	a->redirect_uri = param(req, form, "redirect_uri");
	a->scope = param(req, form, "scope");
	a->state = param(req, form, "state");
	a->nonce = param(req, form, "nonce");
	a->challenge = param(req, form, "code_challenge");
	a->method = param(req, form, "code_challenge_method");
	a->prompt = param(req, form, "prompt");
	a->max_age = param(req, form, "max_age");
	a->login_hint = param(req, form, "login_hint");
	a->after = param(req, form, "gh_after");

	if (token_id_alg(req->w->keys) == NULL)
		return error_page(req, "server_error", "OpenID Connect is not configured on this "
		    "server (no ID-token key).");
	if (a->client_id == NULL || *a->client_id == '\0' || strlen(a->client_id) > 64)
		return error_page(req, "invalid_request", "The request names no client.");
	err = store_oidc_client_by_client_id(req->w->db, req->arena, a->client_id, &a->c);
	if (err == GH_ERR_NOT_FOUND || (err == GH_OK && !a->c.enabled))
		return error_page(req, "invalid_client", "The application is unknown or disabled.");
	if (err != GH_OK)
		return err;
	/* Never redirect to a URI the client did not register, byte for byte. */
	if (a->redirect_uri == NULL || !listed(a->c.redirect_uris, a->redirect_uri))
		return error_page(req, "invalid_request", "The redirect URI is not one registered "
		    "for this application.");
	if (a->state != NULL && strlen(a->state) > STATE_MAX)
		return back(req, a, "invalid_request", "state is too long");
	if (a->response_type == NULL || strcmp(a->response_type, "code") != 0)
		return back(req, a, "unsupported_response_type", "only response_type=code");
	if (!oidc_has(a->c.grant_types, "authorization_code"))
		return back(req, a, "unauthorized_client", "this client may not use the code flow");
	if (a->scope == NULL || *a->scope == '\0')
		return back(req, a, "invalid_scope", "scope is required");
	for (p = a->scope; *p != '\0'; p = *q ? q + 1 : q) {
		q = strchr(p, ' ');
		if (q == NULL)
			q = p + strlen(p);
		n = (size_t)(q - p);
		for (i = 0; known_scopes[i] != NULL; i++)
			if (strlen(known_scopes[i]) == n && strncmp(known_scopes[i], p, n) == 0)
				break;
		if (n == 0 || known_scopes[i] == NULL || !has_word(a->c.scopes, p, n))
			return back(req, a, "invalid_scope", "a scope is unknown or not allowed to "
			    "this client");
	}
	if (a->nonce != NULL && strlen(a->nonce) > NONCE_MAX)
		return back(req, a, "invalid_request", "nonce is too long");
	if (a->method != NULL && strcmp(a->method, "S256") != 0)
		return back(req, a, "invalid_request", "code_challenge_method must be S256");
	if (a->challenge != NULL) {
		n = strlen(a->challenge);
		if (n < 43 || n > 128)
			return back(req, a, "invalid_request", "code_challenge must be 43 to 128 "
			    "characters");
		for (i = 0; i < n; i++)
			if (!isalnum((unsigned char)a->challenge[i]) && !strchr("-._~",
			    a->challenge[i]))
				return back(req, a, "invalid_request", "bad code_challenge");
		if (a->method == NULL)
			return back(req, a, "invalid_request", "code_challenge_method=S256 is "
			    "required (plain is refused)");
	} else if (strcmp(a->c.client_type, "public") == 0)
		return back(req, a, "invalid_request", "PKCE (code_challenge, S256) is required for "
		    "this client");
	else if (a->method != NULL)
		return back(req, a, "invalid_request", "code_challenge_method without "
		    "code_challenge");
	if (a->prompt != NULL) {
		for (p = a->prompt; *p != '\0'; p = *q ? q + 1 : q) {
			q = strchr(p, ' ');
			if (q == NULL)
				q = p + strlen(p);
			n = (size_t)(q - p);
			if (n == 4 && strncmp(p, "none", 4) == 0)
				a->none = 1;
			else if (n == 5 && strncmp(p, "login", 5) == 0)
				a->login = 1;
			else if (n == 7 && strncmp(p, "consent", 7) == 0)
				a->consent = 1;
			else if (!(n == 14 && strncmp(p, "select_account", 14) == 0) && n > 0)
				return back(req, a, "invalid_request", "unknown prompt value");
		}
		if (a->none && (a->login || a->consent))
			return back(req, a, "invalid_request", "prompt=none cannot be combined");
	}
	a->max_age_v = -1;
	if (a->max_age != NULL && !valid_int_text(a->max_age, 0, INT_MAX, &a->max_age_v))
		return back(req, a, "invalid_request", "max_age must be a number of seconds");
	if (a->after != NULL && !valid_int_text(a->after, 0, LLONG_MAX, &a->after_v))
		a->after = NULL;
	*done = 0;
	return GH_OK;
}

/* The consent form's anti-forgery value: bound to the browser session and the request. */
static const char *
csrf(struct request *req, const struct sso *s, const struct authz *a)
{
	unsigned char	 key[crypto_auth_hmacsha256_KEYBYTES], mac[crypto_auth_hmacsha256_BYTES];
	char		*out = arena_alloc(req->arena, 64);
	const char	*msg = arena_printf(req->arena, "consent|%s|%s|%s", a->client_id,
			    a->redirect_uri, a->scope);

	crypto_hash_sha256(key, (const unsigned char *)s->key, strlen(s->key));
	crypto_auth_hmacsha256(mac, (const unsigned char *)msg, strlen(msg), key);
	sodium_bin2base64(out, 64, mac, sizeof(mac), B64URL);
	sodium_memzero(key, sizeof(key));
	return out;
}

static const char *
hidden(struct request *req, const char *name, const char *v)
{
	return v == NULL ? "" : arena_printf(req->arena,
	    "<input type=\"hidden\" name=\"%s\" value=\"%s\">", name, esc(req, v));
}

static const char *const scope_text[][2] = {
	{ "openid", "Sign you in with your Gatehouse account (your user id)" },
	{ "profile", "Your name and username" },
	{ "email", "Your email address and whether it is verified" },
	{ "offline_access", "Stay signed in (keep access while you are away)" },
	{ "gatehouse", "Your organization and your roles in it" },
};

static enum gh_err
consent_page(struct request *req, const struct authz *a, const struct sso *s)
{
	const char	*items = "", *p, *q, *form;
	size_t		 i, n;

	for (p = a->scope; *p != '\0'; p = *q ? q + 1 : q) {
		q = strchr(p, ' ');
		if (q == NULL)
			q = p + strlen(p);
		n = (size_t)(q - p);
		for (i = 0; i < sizeof(scope_text) / sizeof(scope_text[0]); i++)
			if (strlen(scope_text[i][0]) == n && strncmp(scope_text[i][0], p, n) == 0)
				items = arena_printf(req->arena, "%s<li>%s <small>(<code>%s</code>)"
				    "</small></li>", items, scope_text[i][1], scope_text[i][0]);
	}
	form = arena_printf(req->arena, "<form method=\"post\" action=\"/oauth2/authorize\">"
	    "%s%s%s%s%s%s%s%s%s%s"
	    "<button class=\"primary\" type=\"submit\" name=\"decision\" value=\"allow\">Allow"
	    "</button><button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button>"
	    "</form>",
	    hidden(req, "response_type", "code"), hidden(req, "client_id", a->client_id),
	    hidden(req, "redirect_uri", a->redirect_uri), hidden(req, "scope", a->scope),
	    hidden(req, "state", a->state), hidden(req, "nonce", a->nonce),
	    hidden(req, "code_challenge", a->challenge),
	    hidden(req, "code_challenge_method", a->method),
	    hidden(req, "gh_after", a->after), hidden(req, "csrf", csrf(req, s, a)));
	return page(req, 200, "Allow access", arena_printf(req->arena,
	    "<h1>Allow <span id=\"client-name\">%s</span> to use your account?</h1>"
	    "<p>The application will receive:</p><ul id=\"scopes\">%s</ul>"
	    "<p>It will go back to <code>%s</code>. You can withdraw this later from your "
	    "account page (Connected applications).</p>%s",
	    esc(req, a->c.name), items, esc(req, a->redirect_uri), form));
}

/* Store code for a, and redirect to the client with it. */
static enum gh_err
issue_code(struct request *req, const struct authz *a, const struct sso *s, long long org)
{
	const char	*code = random_b64(req, CODE_RAW), *u;
	cJSON		*o = api_object(req);
	redisReply	*r;
	char		*doc;
	enum gh_err	 err;

	cJSON_AddNumberToObject(o, "c", (double)a->c.id);
	cJSON_AddNumberToObject(o, "u", (double)s->user_id);
	cJSON_AddNumberToObject(o, "o", (double)org);
	cJSON_AddStringToObject(o, "r", a->redirect_uri);
	cJSON_AddStringToObject(o, "s", a->scope);
	if (a->nonce)
		cJSON_AddStringToObject(o, "n", a->nonce);
	if (a->challenge)
		cJSON_AddStringToObject(o, "p", a->challenge);
	cJSON_AddNumberToObject(o, "t", (double)s->auth_time);
	cJSON_AddStringToObject(o, "a", s->amr);
	if ((doc = cJSON_PrintUnformatted(o)) == NULL)
		return GH_ERR_INTERNAL;
	err = kv_run(req->w->kv, req->arena, &r, 5, "SET", kv_key(req->arena, KV_OIDC_CODE, "%s",
	    sha256_hex(req, code)), arena_strdup(req->arena, doc), "EX",
	    arena_printf(req->arena, "%lld", req->w->cfg->oidc_code_ttl));
	cJSON_free(doc);
	if (err != GH_OK)
		return err;
	u = add_param(req, a->redirect_uri, "code", code);
	if (a->state != NULL)
		u = add_param(req, u, "state", a->state);
	u = add_param(req, u, "iss", oidc_issuer(req));
	return redirect(req, u);
}

static enum gh_err
authorize(struct request *req, int form)
{
	struct authz		 a;
	struct sso		 s;
	struct session_user	 u;
	const char		*granted, *decision = NULL, *want;
	char			 orgs[24];
	enum gh_err		 err;
	int			 done, found;
	long long		 now = (long long)time(NULL);

	if ((err = authz_parse(req, form, &a, &done)) != GH_OK || done)
		return err;
	if ((err = sso_get(req, &s, &found)) != GH_OK)
		return err;
	if (found) {
		if (a.after != NULL) {
			if (s.auth_time < a.after_v)
				found = 0;
		} else if (a.login || (a.max_age_v >= 0 && now - s.auth_time >= a.max_age_v))
			found = 0;
	}
	if (!found) {
		const char *login = "/#/login";

		if (a.none)
			return back(&*req, &a, "login_required", "no signed-in session");
		login = arena_printf(req->arena, "%s?return=%s", login, urlenc(req,
		    return_url(req, &a)));
		if (a.login_hint != NULL && strlen(a.login_hint) <= 254)
			login = arena_printf(req->arena, "%s&login=%s", login,
			    urlenc(req, a.login_hint));
		return redirect(req, login);
	}
	/* The user signs in to the client's organization: a member only. */
	memset(&u, 0, sizeof(u));
	u.id = s.user_id;
	snprintf(orgs, sizeof(orgs), "%lld", a.c.organization_id);
	if ((err = session_pick_org(req, &u, orgs)) != GH_OK) {
		if (err == GH_ERR_DB_UNAVAILABLE)
			return err;
		return back(req, &a, "access_denied", "your account may not sign in to this "
		    "application's organization");
	}
	if (form) {
		decision = req_form(req, "decision");
		want = req_form(req, "csrf");
		if (want == NULL || strlen(want) != strlen(csrf(req, &s, &a)) ||
		    sodium_memcmp(want, csrf(req, &s, &a), strlen(want)) != 0)
			return error_page(req, "invalid_request", "The consent form has expired or "
			    "was not sent from this page. Start again from the application.");
		if (decision == NULL || strcmp(decision, "allow") != 0) {
			(void)audit_by(req, u.id, a.c.organization_id, "oidc.consent.deny",
			    "oidc_client", a.c.id, NULL, NULL);
			return back(req, &a, "access_denied", "the user refused");
		}
		/* Remember what was granted, with anything granted before. */
		if ((err = store_oidc_consent_get(req->w->db, req->arena, u.id, a.c.id,
		    &granted)) != GH_OK)
			return err;
		want = a.scope;
		if (granted != NULL) {
			const char *p, *q;
			for (p = granted; *p != '\0'; p = *q ? q + 1 : q) {
				q = strchr(p, ' ');
				if (q == NULL)
					q = p + strlen(p);
				if (q > p && !has_word(want, p, (size_t)(q - p)))
					want = arena_printf(req->arena, "%s %.*s", want, (int)(q - p), p);
			}
		}
		if (strlen(want) > 255)
			want = a.scope;
		if ((err = store_oidc_consent_put(req->w->db, req->arena, u.id, a.c.id, want)) !=
		    GH_OK)
			return err;
		(void)audit_by(req, u.id, a.c.organization_id, "oidc.consent.grant", "oidc_client",
		    a.c.id, NULL, NULL);
		return issue_code(req, &a, &s, u.org);
	}
	if (!a.c.first_party) {
		if ((err = store_oidc_consent_get(req->w->db, req->arena, u.id, a.c.id,
		    &granted)) != GH_OK)
			return err;
		if (a.consent || granted == NULL || !subset(a.scope, granted)) {
			if (a.none)
				return back(req, &a, "consent_required", "the user has not granted "
				    "these scopes");
			return consent_page(req, &a, &s);
		}
	}
	return issue_code(req, &a, &s, u.org);
}

enum gh_err
api_oidc_authorize(struct request *req)
{
	return authorize(req, 0);
}

enum gh_err
api_oidc_authorize_post(struct request *req)
{
	const char *ct = req_env(req, "CONTENT_TYPE");

	if (ct == NULL || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0)
		return error_page(req, "invalid_request", "The consent form was not sent as a form.");
	return authorize(req, 1);
}

/* ---- the token endpoint ---- */

/* The token answer for u at client c. */
static enum gh_err
token_answer(struct request *req, const struct oidc_client *c, struct session_user *u,
    const char *scope, const char *nonce, long long auth_time, const char *refresh)
{
	char		*access, *idt = NULL;
	long long	 ttl;
	enum gh_err	 err;
	cJSON		*o;

	u->cid = c->client_id;
	u->scope = scope;
	u->access_ttl = c->access_token_ttl;
	if ((err = session_access_token(req, u, &access, &ttl)) != GH_OK)
		return err;
	if (oidc_has(scope, "openid") &&
	    (err = id_token(req, c, u, scope, nonce, auth_time, access, &idt)) != GH_OK)
		return err;
	o = api_object(req);
	cJSON_AddStringToObject(o, "access_token", access);
	cJSON_AddStringToObject(o, "token_type", "Bearer");
	cJSON_AddNumberToObject(o, "expires_in", (double)ttl);
	cJSON_AddStringToObject(o, "scope", scope);
	if (idt != NULL)
		cJSON_AddStringToObject(o, "id_token", idt);
	if (refresh != NULL)
		cJSON_AddStringToObject(o, "refresh_token", refresh);
	resp_header(req, "Pragma", "no-cache");
	resp_json(req, 200, o);
	return GH_OK;
}

/* The user of a grant: account flags, membership of org, roles.  *ok 0 when refused. */
static enum gh_err
grant_user(struct request *req, struct session_user *u, long long org, int *ok)
{
	struct account	 acct;
	const char	*reason = NULL;
	char		 orgs[24];
	enum gh_err	 err;
	int		 unlock;

	*ok = 0;
	if ((err = store_account_get(req->w->db, req->arena, u->id, &acct)) != GH_OK)
		return err == GH_ERR_NOT_FOUND ? GH_OK : err;
	u->pv = acct.permission_version;
	if ((err = session_account_flags(req, &acct, &unlock, &reason)) != GH_OK)
		return err == GH_ERR_DB_UNAVAILABLE ? err : GH_OK;
	snprintf(orgs, sizeof(orgs), "%lld", org);
	if ((err = session_pick_org(req, u, org > 0 ? orgs : NULL)) != GH_OK)
		return err == GH_ERR_DB_UNAVAILABLE ? err : GH_OK;
	if ((err = session_load_roles(req, u)) != GH_OK)
		return err;
	*ok = 1;
	return GH_OK;
}

/* Reset what a refused check recorded, so the OAuth answer is the only one. */
static void
clear_fail(struct request *req)
{
	req->err = GH_OK;
	req->detail = NULL;
	req->field = NULL;
	req->problem_extra = NULL;
	req->headers = NULL;
}

static enum gh_err
grant_code(struct request *req, const struct oidc_client *c)
{
	const char		*code = req_form(req, "code"), *ru = req_form(req, "redirect_uri");
	const char		*verifier = req_form(req, "code_verifier"), *hash, *v;
	struct session_user	 u;
	unsigned char		 h[crypto_hash_sha256_BYTES], family[SESSION_FAMILY_LEN];
	char			 chal[64], *refresh = NULL;
	long long		 rid, user, org, cl, auth_time;
	redisReply		*r;
	cJSON			*o;
	enum gh_err		 err;
	int			 ok;

	if (!oidc_has(c->grant_types, "authorization_code"))
		return oauth_error(req, 400, "unauthorized_client", "this client may not use "
		    "authorization_code");
	if (code == NULL || *code == '\0' || strlen(code) > 128)
		return oauth_error(req, 400, "invalid_request", "code is required");
	hash = sha256_hex(req, code);
	if ((err = kv_run(req->w->kv, req->arena, &r, 2, "GETDEL", kv_key(req->arena,
	    KV_OIDC_CODE, "%s", hash))) != GH_OK)
		return err;
	if (r == NULL || r->type != REDIS_REPLY_STRING) {
		/* Used before?  Then someone else holds it: revoke what it issued (RFC 6749 4.1.2). */
		if (kv_run(req->w->kv, req->arena, &r, 2, "GETDEL", kv_key(req->arena, KV_OIDC_USED,
		    "%s", hash)) == GH_OK && r != NULL && r->type == REDIS_REPLY_STRING) {
			unsigned char fam[SESSION_FAMILY_LEN];
			const char *sid = arena_strdup(req->arena, r->str);

			(void)session_block_sid(req, sid);
			if (session_sid_decode(sid, fam) == 0)
				(void)store_refresh_revoke_family(req->w->db, req->arena, fam,
				    "code_reuse");
			(void)audit_auth(req, 0, c->organization_id, "oidc.code.reuse",
			    "reuse_detected");
			log_warn("oidc: authorization code reused by client %s; its tokens revoked",
			    c->client_id);
			return oauth_error(req, 400, "invalid_grant", "the code was already used; "
			    "the tokens it issued are revoked");
		}
		return oauth_error(req, 400, "invalid_grant", "the code is unknown or expired");
	}
	if ((o = cJSON_Parse(r->str)) == NULL)
		return oauth_error(req, 400, "invalid_grant", "the code is unknown or expired");
	arena_cleanup(req->arena, (void (*)(void *))cJSON_Delete, o);
	/*
	 * The session this exchange starts, remembered at once so that a second exchange of the
	 * code, even one racing this, revokes it (for as long as a reuse should).
	 */
	randombytes_buf(family, sizeof(family));
	(void)kv_run(req->w->kv, req->arena, &r, 5, "SET", kv_key(req->arena, KV_OIDC_USED, "%s",
	    hash), session_sid(req, family), "EX", arena_printf(req->arena, "%d", USED_TTL));
	cl = (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(o, "c"));
	user = (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(o, "u"));
	org = (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(o, "o"));
	auth_time = (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(o, "t"));
	if (cl != c->id)
		return oauth_error(req, 400, "invalid_grant", "the code was issued to another "
		    "client");
	v = cJSON_GetStringValue(cJSON_GetObjectItem(o, "r"));
	if (ru == NULL || v == NULL || strcmp(ru, v) != 0)
		return oauth_error(req, 400, "invalid_grant", "redirect_uri differs from the "
		    "authorization request's");
	v = cJSON_GetStringValue(cJSON_GetObjectItem(o, "p"));
	if (v != NULL) {
		size_t n = verifier ? strlen(verifier) : 0;

		if (n < 43 || n > 128)
			return oauth_error(req, 400, "invalid_grant", "code_verifier is required "
			    "(43 to 128 characters)");
		crypto_hash_sha256(h, (const unsigned char *)verifier, n);
		sodium_bin2base64(chal, sizeof(chal), h, sizeof(h), B64URL);
		if (strlen(chal) != strlen(v) || sodium_memcmp(chal, v, strlen(v)) != 0)
			return oauth_error(req, 400, "invalid_grant", "code_verifier does not match "
			    "the code_challenge");
	} else if (verifier != NULL)
		return oauth_error(req, 400, "invalid_grant", "the authorization request had no "
		    "code_challenge");
	memset(&u, 0, sizeof(u));
	u.id = user;
	u.amr = arena_strdup(req->arena, cJSON_GetStringValue(cJSON_GetObjectItem(o, "a")));
	if ((err = grant_user(req, &u, org, &ok)) != GH_OK)
		return err;
	if (!ok) {
		clear_fail(req);
		return oauth_error(req, 400, "invalid_grant", "the account or its membership can no "
		    "longer sign in");
	}
	v = cJSON_GetStringValue(cJSON_GetObjectItem(o, "s"));
	memcpy(u.family, family, sizeof(u.family));
	if (oidc_has(v, "offline_access") && oidc_has(c->grant_types, "refresh_token")) {
		/* A session of its own for the client: rotated and reuse-detected as any. */
		struct session_refresh nr;

		if ((err = session_refresh_new(req, &u, 0, &nr)) != GH_OK)
			return err;
		/* In the family remembered for the code, not the new one session_refresh_new drew. */
		memcpy(u.family, family, sizeof(u.family));
		if ((err = db_begin(req->w->db)) != GH_OK)
			return err;
		if ((err = store_refresh_insert(req->w->db, req->arena, nr.hash, u.family, &nr.row,
		    &rid)) != GH_OK || (err = store_oidc_refresh_tag(req->w->db, req->arena, rid,
		    c->id, v, auth_time)) != GH_OK || (err = db_commit(req->w->db)) != GH_OK) {
			db_rollback(req->w->db);
			return err;
		}
		refresh = nr.token;
	}
	return token_answer(req, c, &u, v, cJSON_GetStringValue(cJSON_GetObjectItem(o, "n")),
	    auth_time, refresh);
}

static enum gh_err
grant_refresh(struct request *req, const struct oidc_client *c)
{
	const char		*tok = req_form(req, "refresh_token");
	struct session_user	 u;
	struct refresh		 rt;
	unsigned char		 hash[32];
	char			*refresh;
	long long		 nid, rttl;
	enum gh_err		 err;
	int			 ok;

	if (!oidc_has(c->grant_types, "refresh_token"))
		return oauth_error(req, 400, "unauthorized_client", "this client may not use "
		    "refresh_token");
	if (tok == NULL || *tok == '\0' || strlen(tok) > 4096)
		return oauth_error(req, 400, "invalid_request", "refresh_token is required");
	session_token_hash(tok, hash);
	if ((err = db_begin_read_committed(req->w->db)) != GH_OK)
		return err;
	err = store_refresh_get(req->w->db, req->arena, hash, &rt);
	if (err != GH_OK && err != GH_ERR_NOT_FOUND)
		goto fail;
	if (err == GH_ERR_NOT_FOUND || rt.revoked || rt.oidc_client != c->id) {
		db_rollback(req->w->db);
		return oauth_error(req, 400, "invalid_grant", "the refresh token is unknown or "
		    "revoked");
	}
	memset(&u, 0, sizeof(u));
	memcpy(u.family, rt.family_id, SESSION_FAMILY_LEN);
	u.id = rt.user_id;
	u.session_end = rt.session_expires_at;
	u.session_left = rt.session_left;
	u.amr = rt.amr;
	if (rt.rotated) {
		if ((err = store_refresh_revoke_family(req->w->db, req->arena, u.family,
		    "reuse")) != GH_OK)
			goto fail;
		(void)audit_auth(req, u.id, rt.organization_id, "auth.refresh.reuse",
		    "reuse_detected");
		if ((err = db_commit(req->w->db)) != GH_OK)
			goto fail;
		(void)session_block_sid(req, session_sid(req, u.family));
		return oauth_error(req, 400, "invalid_grant", "this refresh token was already used; "
		    "the session has been revoked");
	}
	if (!rt.live) {
		db_rollback(req->w->db);
		return oauth_error(req, 400, "invalid_grant", "the session has expired");
	}
	if ((err = grant_user(req, &u, rt.organization_id, &ok)) != GH_OK)
		goto fail;
	if (!ok) {
		db_rollback(req->w->db);
		clear_fail(req);
		return oauth_error(req, 400, "invalid_grant", "the account or its membership can no "
		    "longer sign in");
	}
	if ((err = session_refresh_token(req, &u, rt.id, &refresh, &nid, &rttl)) != GH_OK ||
	    (err = store_refresh_rotate(req->w->db, req->arena, rt.id, nid)) != GH_OK ||
	    (err = store_oidc_refresh_tag(req->w->db, req->arena, nid, c->id, rt.oidc_scope,
	    rt.oidc_auth_time)) != GH_OK || (err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	return token_answer(req, c, &u, rt.oidc_scope ? rt.oidc_scope : "", NULL,
	    rt.oidc_auth_time, refresh);
fail:
	db_rollback(req->w->db);
	return err;
}

static enum gh_err
grant_client(struct request *req, const struct oidc_client *c)
{
	const char		*scope = req_form(req, "scope"), *p, *q;
	struct session_user	 u;
	char			 orgs[24];
	enum gh_err		 err;

	if (strcmp(c->client_type, "confidential") != 0 ||
	    !oidc_has(c->grant_types, "client_credentials") || c->service_user_id == 0)
		return oauth_error(req, 400, "unauthorized_client", "this client may not use "
		    "client_credentials");
	if (scope == NULL)
		scope = "";
	for (p = scope; *p != '\0'; p = *q ? q + 1 : q) {
		q = strchr(p, ' ');
		if (q == NULL)
			q = p + strlen(p);
		if (q == p || !has_word(c->scopes, p, (size_t)(q - p)) ||
		    ((size_t)(q - p) == 6 && strncmp(p, "openid", 6) == 0) ||
		    ((size_t)(q - p) == 14 && strncmp(p, "offline_access", 14) == 0))
			return oauth_error(req, 400, "invalid_scope", "a scope is unknown or not "
			    "allowed here");
	}
	memset(&u, 0, sizeof(u));
	u.id = c->service_user_id;
	if ((err = session_pv_fill(req, u.id, &u.pv)) != GH_OK)
		return err;
	if (u.pv < 0)
		return oauth_error(req, 400, "unauthorized_client", "the service account is gone");
	snprintf(orgs, sizeof(orgs), "%lld", c->organization_id);
	if ((err = session_pick_org(req, &u, orgs)) != GH_OK) {
		if (err == GH_ERR_DB_UNAVAILABLE)
			return err;
		clear_fail(req);
		return oauth_error(req, 400, "unauthorized_client", "the organization is "
		    "suspended");
	}
	if ((err = session_load_roles(req, &u)) != GH_OK)
		return err;
	randombytes_buf(u.family, sizeof(u.family));
	u.amr = "svc";
	u.cid = c->client_id;
	u.scope = scope;
	u.access_ttl = c->access_token_ttl;
	{
		char		*access;
		long long	 ttl;
		cJSON		*o;

		if ((err = session_access_token(req, &u, &access, &ttl)) != GH_OK)
			return err;
		o = api_object(req);
		cJSON_AddStringToObject(o, "access_token", access);
		cJSON_AddStringToObject(o, "token_type", "Bearer");
		cJSON_AddNumberToObject(o, "expires_in", (double)ttl);
		if (*scope != '\0')
			cJSON_AddStringToObject(o, "scope", scope);
		resp_header(req, "Pragma", "no-cache");
		resp_json(req, 200, o);
	}
	return GH_OK;
}

/* A form POST, or the 400 the OAuth endpoints answer. */
static int
form_ok(struct request *req)
{
	const char *ct = req_env(req, "CONTENT_TYPE");

	return ct != NULL && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0;
}

enum gh_err
api_oidc_token(struct request *req)
{
	struct oidc_client	 c;
	const char		*gt;
	enum gh_err		 err;
	int			 ok;

	if (!form_ok(req))
		return oauth_error(req, 400, "invalid_request", "send an "
		    "application/x-www-form-urlencoded body");
	if (token_id_alg(req->w->keys) == NULL)
		return oauth_error(req, 503, "temporarily_unavailable", "OpenID Connect is not "
		    "configured (no ID-token key)");
	gt = req_form(req, "grant_type");
	if ((err = client_auth(req, gt != NULL && strcmp(gt, "client_credentials") != 0, &c,
	    &ok)) != GH_OK || !ok)
		return err;
	if (gt == NULL)
		return oauth_error(req, 400, "invalid_request", "grant_type is required");
	if (strcmp(gt, "authorization_code") == 0)
		return grant_code(req, &c);
	if (strcmp(gt, "refresh_token") == 0)
		return grant_refresh(req, &c);
	if (strcmp(gt, "client_credentials") == 0)
		return grant_client(req, &c);
	return oauth_error(req, 400, "unsupported_grant_type", "grant_type is "
	    "authorization_code, refresh_token or client_credentials");
}

/* ---- userinfo ---- */

/*
 * The cached userinfo, as the cached /me (api/me.c, docs/tokens.md "The cached /me"): the last
 * answers of this worker by user, organization and scope, served again while the user's profile
 * tag (session_profile_tag: uv:<user>, me:gen, authz:gen, kept keys) and the token's
 * permission and membership versions are those it was made under, for 60 s at most.
 */
#define UI_SLOTS	256
#define UI_BODY_MAX	2048
#define UI_TAG_MAX	96
#define UI_MAX_AGE	60

struct ui_ent {
	long long	 user, org, pv, mv;
	time_t		 at;
	char		 scope[160];
	char		 tag[UI_TAG_MAX];
	char		 body[UI_BODY_MAX];
	size_t		 len;
};

static struct ui_ent	*ui_cache;

static struct ui_ent *
ui_slot(const struct request *req)
{
	unsigned long long	 h = (unsigned long long)req->auth.user_id * 0x9e3779b97f4a7c15ULL ^
				    (unsigned long long)req->auth.org_id * 0xc2b2ae3d27d4eb4fULL;
	const char		*p;

	for (p = req->auth.scope; p != NULL && *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	if (ui_cache == NULL && (ui_cache = calloc(UI_SLOTS, sizeof(*ui_cache))) == NULL)
		return NULL;
	return &ui_cache[(h >> 32) % UI_SLOTS];
}

enum gh_err
api_oidc_userinfo(struct request *req)
{
	const char	*tok = NULL, *h = req_header(req, "Authorization"), *tag;
	struct ui_ent	*e;
	time_t		 now = time(NULL);
	cJSON		*o;
	enum gh_err	 err;

	if (h == NULL && req->method == HTTP_POST && form_ok(req))
		tok = req_form(req, "access_token");
	if ((err = tok != NULL ? authn_token_str(req, tok) : authn_token(req)) != GH_OK)
		return err;
	if (req->auth.cid == NULL || *req->auth.cid == '\0' || !oidc_has(req->auth.scope, "openid")) {
		resp_header(req, "WWW-Authenticate", "Bearer realm=\"gatehouse\", "
		    "error=\"insufficient_scope\", scope=\"openid\"");
		return req_fail(req, GH_ERR_FORBIDDEN, NULL, "userinfo needs a token issued with "
		    "the openid scope");
	}
	tag = session_profile_tag(req, req->auth.user_id);
	e = ui_slot(req);
	if (tag != NULL && e != NULL && e->len > 0 && e->user == req->auth.user_id &&
	    e->org == req->auth.org_id && e->pv == req->auth.pv && e->mv == req->auth.mv &&
	    strcmp(e->scope, req->auth.scope) == 0 && strcmp(e->tag, tag) == 0 && now >= e->at &&
	    now - e->at < UI_MAX_AGE) {
		req->status = 200;
		req->body_out = arena_strndup(req->arena, e->body, e->len);
		req->body_out_len = e->len;
		req->content_type = "application/json";
		return GH_OK;
	}
	o = api_object(req);
	cJSON_AddStringToObject(o, "sub", arena_printf(req->arena, "%lld", req->auth.user_id));
	if ((err = user_claims(req, o, req->auth.user_id, req->auth.scope, req->auth.org_id, NULL,
	    req->auth.roles)) != GH_OK)
		return err;
	resp_json(req, 200, o);
	if (tag == NULL || e == NULL || req->status != 200 || req->body_out == NULL ||
	    req->body_out_len >= UI_BODY_MAX || strlen(tag) >= UI_TAG_MAX ||
	    strlen(req->auth.scope) >= sizeof(e->scope))
		return GH_OK;
	memcpy(e->body, req->body_out, req->body_out_len);
	e->len = req->body_out_len;
	e->user = req->auth.user_id;
	e->org = req->auth.org_id;
	e->pv = req->auth.pv;
	e->mv = req->auth.mv;
	e->at = now;
	memcpy(e->scope, req->auth.scope, strlen(req->auth.scope) + 1);
	memcpy(e->tag, tag, strlen(tag) + 1);
	return GH_OK;
}

/* ---- introspection and revocation ---- */

/* A refresh token's row, if tok is one of client c's. */
static int
refresh_of(struct request *req, const struct oidc_client *c, const char *tok, struct refresh *rt)
{
	unsigned char hash[32];

	session_token_hash(tok, hash);
	return store_refresh_get(req->w->db, req->arena, hash, rt) == GH_OK &&
	    rt->oidc_client == c->id;
}

enum gh_err
api_oidc_introspect(struct request *req)
{
	struct oidc_client	 c;
	struct refresh		 rt;
	const char		*tok;
	enum gh_err		 err;
	int			 ok;
	cJSON			*o;

	if (!form_ok(req))
		return oauth_error(req, 400, "invalid_request", "send an "
		    "application/x-www-form-urlencoded body");
	if ((err = client_auth(req, 0, &c, &ok)) != GH_OK || !ok)
		return err;
	tok = req_form(req, "token");
	if (tok == NULL || *tok == '\0')
		return oauth_error(req, 400, "invalid_request", "token is required");
	o = api_object(req);
	if (strchr(tok, '.') != NULL) {
		/* An access token: the token check itself, no SQL when its caches are warm. */
		err = authn_token_str(req, tok);
		if (err == GH_ERR_REDIS_UNAVAILABLE || err == GH_ERR_DB_UNAVAILABLE)
			return err;
		if (err != GH_OK || req->auth.org_id != c.organization_id) {
			clear_fail(req);
			cJSON_AddBoolToObject(o, "active", 0);
		} else {
			cJSON_AddBoolToObject(o, "active", 1);
			cJSON_AddStringToObject(o, "token_type", "Bearer");
			if (req->auth.cid && *req->auth.cid)
				cJSON_AddStringToObject(o, "client_id", req->auth.cid);
			if (req->auth.scope && *req->auth.scope)
				cJSON_AddStringToObject(o, "scope", req->auth.scope);
			cJSON_AddStringToObject(o, "sub", arena_printf(req->arena, "%lld",
			    req->auth.user_id));
			cJSON_AddNumberToObject(o, "exp", (double)req->auth.exp);
			cJSON_AddNumberToObject(o, "iat", (double)req->auth.iat);
			cJSON_AddStringToObject(o, "iss", req->w->cfg->jwt_issuer);
			cJSON_AddStringToObject(o, "aud", req->w->cfg->jwt_audience);
			cJSON_AddStringToObject(o, "jti", req->auth.jti);
			cJSON_AddNumberToObject(o, "org", (double)req->auth.org_id);
			api_add_names(req, o, "roles", req->auth.roles);
			if (req->auth.amr && *req->auth.amr)
				api_add_names(req, o, "amr", req->auth.amr);
		}
	} else if (strlen(tok) <= 4096 && refresh_of(req, &c, tok, &rt) && !rt.revoked &&
	    !rt.rotated && rt.live) {
		cJSON_AddBoolToObject(o, "active", 1);
		cJSON_AddStringToObject(o, "token_type", "refresh_token");
		cJSON_AddStringToObject(o, "client_id", c.client_id);
		if (rt.oidc_scope)
			cJSON_AddStringToObject(o, "scope", rt.oidc_scope);
		cJSON_AddStringToObject(o, "sub", arena_printf(req->arena, "%lld", rt.user_id));
	} else
		cJSON_AddBoolToObject(o, "active", 0);
	resp_json(req, 200, o);
	return GH_OK;
}

enum gh_err
api_oidc_revoke(struct request *req)
{
	struct oidc_client	 c;
	struct refresh		 rt;
	const char		*tok;
	enum gh_err		 err;
	int			 ok;

	if (!form_ok(req))
		return oauth_error(req, 400, "invalid_request", "send an "
		    "application/x-www-form-urlencoded body");
	if ((err = client_auth(req, 1, &c, &ok)) != GH_OK || !ok)
		return err;
	tok = req_form(req, "token");
	if (tok == NULL || *tok == '\0')
		return oauth_error(req, 400, "invalid_request", "token is required");
	if (strchr(tok, '.') != NULL) {
		err = authn_token_str(req, tok);
		if (err == GH_OK && req->auth.cid != NULL && strcmp(req->auth.cid, c.client_id) == 0)
			err = session_block(req, req->auth.jti, req->auth.exp);
		else if (err == GH_ERR_REDIS_UNAVAILABLE)
			return err;
		clear_fail(req);
		if (err == GH_ERR_REDIS_UNAVAILABLE)
			return err;
	} else if (strlen(tok) <= 4096 && refresh_of(req, &c, tok, &rt)) {
		/* The whole session: its refresh tokens and the access tokens issued in it. */
		if ((err = store_refresh_revoke_family(req->w->db, req->arena,
		    (const unsigned char *)rt.family_id, "revoked")) != GH_OK)
			return err;
		(void)session_block_sid(req, session_sid(req, (const unsigned char *)rt.family_id));
	}
	resp_header(req, "Pragma", "no-cache");
	resp_status(req, 200);
	return GH_OK;
}

/* ---- logout ---- */

enum gh_err
api_oidc_logout(struct request *req)
{
	int		 form = req->method == HTTP_POST && form_ok(req);
	const char	*hint = param(req, form, "id_token_hint");
	const char	*plr = param(req, form, "post_logout_redirect_uri");
	const char	*state = param(req, form, "state");
	const char	*cid = param(req, form, "client_id"), *aud = NULL, *iss;
	struct oidc_client c;
	enum gh_err	 err;
	int		 have = 0;

	if (hint != NULL && *hint != '\0') {
		char *payload = NULL;
		cJSON *p;

		if (token_verify_signature(req->w->keys, hint, strlen(hint), &payload) != TOKEN_OK)
			return error_page(req, "invalid_request", "The id_token_hint is not an ID "
			    "token this server issued.");
		p = cJSON_Parse(payload);
		free(payload);
		if (p == NULL)
			return error_page(req, "invalid_request", "The id_token_hint is malformed.");
		arena_cleanup(req->arena, (void (*)(void *))cJSON_Delete, p);
		iss = cJSON_GetStringValue(cJSON_GetObjectItem(p, "iss"));
		aud = cJSON_GetStringValue(cJSON_GetObjectItem(p, "aud"));
		if (iss == NULL || strcmp(iss, oidc_issuer(req)) != 0 || aud == NULL)
			return error_page(req, "invalid_request", "The id_token_hint is not an ID "
			    "token this server issued.");
	}
	if (cid != NULL && aud != NULL && strcmp(cid, aud) != 0)
		return error_page(req, "invalid_request", "client_id and id_token_hint disagree.");
	if (aud != NULL)
		cid = aud;
	if (cid != NULL && *cid != '\0' && strlen(cid) <= 64) {
		err = store_oidc_client_by_client_id(req->w->db, req->arena, cid, &c);
		if (err != GH_OK && err != GH_ERR_NOT_FOUND)
			return err;
		have = err == GH_OK;
	}
	if (plr != NULL) {
		/* Only to a URI the client registered for this, byte for byte. */
		if (!have || !listed(c.post_logout_redirect_uris, plr))
			return error_page(req, "invalid_request", "The post-logout redirect URI is "
			    "not one registered for this application (or no application was "
			    "named with client_id or id_token_hint).");
	}
	if ((err = sso_end(req)) != GH_OK)
		return err;
	if (plr != NULL)
		return redirect(req, state != NULL ? add_param(req, plr, "state", state) : plr);
	return page(req, 200, "Signed out", "<h1 id=\"signed-out\">You are signed out</h1>"
	    "<p>Your Gatehouse session has ended. You can close this window.</p>");
}
