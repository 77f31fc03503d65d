/*
 * sso.c: the browser's Gatehouse session (gh_sso cookie).  Contract in sso.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "auth/session.h"
#include "auth/sso.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/ctx.h"
#include "core/log.h"
#include "core/valid.h"
#include "store/kv.h"
#include "store/oidc.h"
#include "store/refresh.h"

#define SSO_RAW		32
#define B64URL		sodium_base64_VARIANT_URLSAFE_NO_PADDING

static const char *
key_of(struct request *req, const char *value)
{
	unsigned char	 h[crypto_hash_sha256_BYTES];
	char		 hex[2 * sizeof(h) + 1];

	crypto_hash_sha256(h, (const unsigned char *)value, strlen(value));
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	return kv_key(req->arena, KV_SSO, "%s", hex);
}

static const char *
attrs(struct request *req)
{
	const char *u = req->w->cfg->public_url;

	return u != NULL && strncasecmp(u, "https:", 6) == 0 ?
	    "; Path=/; HttpOnly; Secure; SameSite=Lax" : "; Path=/; HttpOnly; SameSite=Lax";
}

enum gh_err
sso_start(struct request *req, long long user, long long org, const char *sid, const char *amr)
{
	unsigned char	 raw[SSO_RAW];
	char		 val[sodium_base64_ENCODED_LEN(SSO_RAW, B64URL)];
	redisReply	*r;
	long long	 ttl = req->w->cfg->session_absolute_ttl;
	enum gh_err	 err;

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(val, sizeof(val), raw, sizeof(raw), B64URL);
	err = kv_run(req->w->kv, req->arena, &r, 5, "SET", key_of(req, val),
	    arena_printf(req->arena, "%lld %s %lld %lld %s", user, sid, (long long)time(NULL), org,
	    amr != NULL && *amr != '\0' ? amr : "pwd"), "EX", arena_printf(req->arena, "%lld", ttl));
	if (err == GH_OK)
		resp_header(req, "Set-Cookie", arena_printf(req->arena, "%s=%s%s", SSO_COOKIE, val,
		    attrs(req)));
	sodium_memzero(raw, sizeof(raw));
	sodium_memzero(val, sizeof(val));
	return err;
}

/* The value of the gh_sso cookie, or NULL. */
static const char *
cookie(struct request *req)
{
	const char	*h = req_header(req, "Cookie"), *p, *e;
	size_t		 n = strlen(SSO_COOKIE);

	for (p = h; p != NULL && *p != '\0'; p = e) {
		while (*p == ' ' || *p == ';')
			p++;
		e = strchr(p, ';');
		if (e == NULL)
			e = p + strlen(p);
		if ((size_t)(e - p) > n + 1 && strncmp(p, SSO_COOKIE, n) == 0 && p[n] == '=') {
			const char *v = arena_strndup(req->arena, p + n + 1, (size_t)(e - p) - n - 1);
			return strlen(v) <= 64 && valid_base64url(v) ? v : NULL;
		}
	}
	return NULL;
}

enum gh_err
sso_get(struct request *req, struct sso *out, int *found)
{
	const char	*v = cookie(req), *key;
	redisReply	*r;
	char		 sid[48], amr[64];
	unsigned char	 family[SESSION_FAMILY_LEN];
	enum gh_err	 err;
	int		 live;

	*found = 0;
	memset(out, 0, sizeof(*out));
	if (v == NULL)
		return GH_OK;
	key = key_of(req, v);
	if ((err = kv_run(req->w->kv, req->arena, &r, 2, "GET", key)) != GH_OK)
		return err;
	if (r == NULL || r->type != REDIS_REPLY_STRING)
		return GH_OK;
	if (sscanf(r->str, "%lld %47s %lld %lld %63s", &out->user_id, sid, &out->auth_time,
	    &out->org, amr) != 5 || session_sid_decode(sid, family) != 0)
		return GH_OK;
	/* Logout blocklists the session; a revoked or expired family ends it for good. */
	if ((err = kv_run(req->w->kv, req->arena, &r, 2, "EXISTS", kv_key(req->arena, KV_BLS,
	    "%s", sid))) != GH_OK)
		return err;
	if (r != NULL && r->type == REDIS_REPLY_INTEGER && r->integer > 0)
		return GH_OK;
	if ((err = store_oidc_family_live(req->w->db, req->arena, family, &live)) != GH_OK)
		return err;
	if (!live)
		return GH_OK;
	out->sid = arena_strdup(req->arena, sid);
	out->amr = arena_strdup(req->arena, amr);
	out->key = key;
	*found = 1;
	return GH_OK;
}

enum gh_err
sso_end(struct request *req)
{
	struct sso	 s;
	unsigned char	 family[SESSION_FAMILY_LEN];
	redisReply	*r;
	enum gh_err	 err;
	int		 found;

	resp_header(req, "Set-Cookie", arena_printf(req->arena, "%s=; Max-Age=0%s", SSO_COOKIE,
	    attrs(req)));
	if ((err = sso_get(req, &s, &found)) != GH_OK || !found)
		return err;
	(void)kv_run(req->w->kv, req->arena, &r, 2, "DEL", s.key);
	if (session_sid_decode(s.sid, family) == 0 &&
	    (err = store_refresh_revoke_family(req->w->db, req->arena, family, "logout")) != GH_OK)
		return err;
	return session_block_sid(req, s.sid);
}
