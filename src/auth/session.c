#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>
#include <sodium.h>

#include "auth/policy.h"
#include "auth/session.h"
#include "auth/token.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "core/log.h"
#include "store/db.h"
#include "store/kv.h"

/* Set KEYS[1] to ARGV[1] unless it already holds a larger number; answer the value kept. */
static const char pv_script[] =
	"local c = tonumber(redis.call('GET', KEYS[1]) or '0') "
	"local v = tonumber(ARGV[1]) "
	"if v > c then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) return v end "
	"redis.call('EXPIRE', KEYS[1], ARGV[2]) return c";

static void
json_free(void *p)
{
	cJSON_Delete(p);
}

const char *
session_key(struct request *req, const char *prefix, long long id)
{
	return arena_printf(req->arena, "%s%lld", prefix, id);
}

const char *
session_sid(struct request *req, const unsigned char family[SESSION_FAMILY_LEN])
{
	char	*s = arena_alloc(req->arena, 32);

	sodium_bin2base64(s, 32, family, SESSION_FAMILY_LEN, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return s;
}

int
session_sid_decode(const char *sid, unsigned char family[SESSION_FAMILY_LEN])
{
	size_t	 n;

	if (sodium_base642bin(family, SESSION_FAMILY_LEN, sid, strlen(sid), NULL, &n, NULL,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 || n != SESSION_FAMILY_LEN)
		return -1;
	return 0;
}

void
session_token_hash(const char *token, unsigned char out[32])
{
	crypto_hash_sha256(out, (const unsigned char *)token, strlen(token));
}

enum gh_err
session_load_roles(struct request *req, struct session_user *u)
{
	struct db_result	 r;
	struct db_param		 p[2];
	enum gh_err		 err;
	size_t			 i, len = 0;
	char			*s;

	p[0] = DB_INT(u->id);
	p[1] = DB_INT(u->org);
	if ((err = db_exec(req->w->db, req->arena, SQL_USER_ROLE_NAMES, p, 2, &r)) != GH_OK)
		return err;
	u->roles_json = cJSON_CreateArray();
	arena_cleanup(req->arena, json_free, u->roles_json);
	for (i = 0; i < r.nrows; i++)
		len += strlen(db_str(&r, i, 0)) + 1;
	s = arena_alloc(req->arena, len + 1);
	s[0] = '\0';
	for (i = 0; i < r.nrows; i++) {
		if (i > 0)
			strcat(s, ",");
		strcat(s, db_str(&r, i, 0));
		cJSON_AddItemToArray(u->roles_json, cJSON_CreateString(db_str(&r, i, 0)));
	}
	u->roles = s;
	return GH_OK;
}

enum gh_err
session_access_token(struct request *req, const struct session_user *u, char **out,
    long long *ttl)
{
	const struct gh_config	*cfg = req->w->cfg;
	struct policy_session	 ps;
	struct token_claims	 c;
	struct token_expect	 ex;
	char			*tok = NULL;
	long long		 now = (long long)time(NULL);
	enum gh_err		 err;

	if ((err = policy_session(req, u->org, &ps)) != GH_OK)
		return err;

	memset(&c, 0, sizeof(c));
	snprintf(c.sub, sizeof(c.sub), "%lld", u->id);
	c.org = u->org;
	if (strlen(u->roles) >= sizeof(c.roles)) {
		log_error("session: user %lld holds too many roles for one token", u->id);
		return GH_ERR_INTERNAL;
	}
	snprintf(c.roles, sizeof(c.roles), "%s", u->roles);
	c.pv = u->pv;
	c.mv = u->org > 0 ? u->mv : 0;
	token_new_jti(c.jti);
	snprintf(c.sid, sizeof(c.sid), "%s", session_sid(req, u->family));
	c.iat = now;
	c.nbf = now;
	c.exp = now + ps.access_token_ttl;
	snprintf(c.typ, sizeof(c.typ), "access");
	ex.iss = cfg->jwt_issuer;
	ex.aud = cfg->jwt_audience;
	ex.typ = "access";
	ex.leeway = cfg->jwt_leeway;
	if (token_sign(req->w->keys, &c, &ex, &tok) != 0) {
		log_error("session: cannot sign an access token");
		return GH_ERR_INTERNAL;
	}
	*out = arena_strdup(req->arena, tok);
	sodium_memzero(tok, strlen(tok));
	free(tok);
	*ttl = ps.access_token_ttl;
	return GH_OK;
}

enum gh_err
session_refresh_token(struct request *req, struct session_user *u, long long rotated_from,
    char **token, long long *id, long long *ttl)
{
	struct policy_session	 ps;
	unsigned char		 raw[SESSION_REFRESH_LEN], hash[32];
	struct db_param		 p[9];
	struct db_result	 r;
	const char		*ua = req_header(req, "User-Agent");
	char			*tok, *uacut = NULL;
	long long		 left;
	enum gh_err		 err;

	if ((err = policy_session(req, u->org, &ps)) != GH_OK)
		return err;
	randombytes_buf(raw, sizeof(raw));
	tok = arena_alloc(req->arena, 64);
	sodium_bin2base64(tok, 64, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	session_token_hash(tok, hash);
	if (ua != NULL)
		uacut = arena_strndup(req->arena, ua, strnlen(ua, 255));
	if (rotated_from == 0) {
		randombytes_buf(u->family, sizeof(u->family));
		p[0] = DB_BLOB(hash, sizeof(hash));
		p[1] = DB_BLOB(u->family, sizeof(u->family));
		p[2] = DB_INT(u->id);
		p[3] = u->org > 0 ? DB_INT(u->org) : DB_NULL;
		p[4] = DB_INT(ps.refresh_token_ttl);
		p[5] = DB_INT(ps.absolute_session_ttl);
		p[6] = DB_INT(ps.absolute_session_ttl);
		p[7] = DB_STR(req->client_ip);
		p[8] = DB_STR(uacut);
		err = db_exec(req->w->db, req->arena, SQL_RT_INSERT_NEW, p, 9, &r);
	} else {
		/*
		 * Plain values from the row the caller holds locked: an INSERT ... SELECT from the
		 * same table fails under concurrency (error 1467 reading the auto-increment).
		 */
		p[0] = DB_BLOB(hash, sizeof(hash));
		p[1] = DB_BLOB(u->family, sizeof(u->family));
		p[2] = DB_INT(u->id);
		p[3] = u->org > 0 ? DB_INT(u->org) : DB_NULL;
		p[4] = DB_INT(ps.refresh_token_ttl);
		p[5] = DB_STR(u->session_end);
		p[6] = DB_STR(u->session_end);
		p[7] = DB_STR(req->client_ip);
		p[8] = DB_STR(uacut);
		err = db_exec(req->w->db, req->arena, SQL_RT_INSERT_ROTATED, p, 9, &r);
	}
	if (err != GH_OK)
		return err;
	*id = (long long)r.insert_id;
	/* What the INSERT computed: the idle lifetime, cut at the end of the session. */
	left = rotated_from == 0 ? ps.absolute_session_ttl : u->session_left;
	*ttl = ps.refresh_token_ttl < left ? ps.refresh_token_ttl : left;
	*token = tok;
	return GH_OK;
}

enum gh_err
session_pv_bump(struct request *req, long long user_id)
{
	struct db_param	 p[1];

	p[0] = DB_INT(user_id);
	return db_exec(req->w->db, req->arena, SQL_USER_BUMP_PV, p, 1, NULL);
}

/* Store version v under key unless a higher one is there; *kept gets what the key holds. */
static enum gh_err
version_store(struct request *req, const char *key, long long v, long long *kept)
{
	redisReply	*r;
	enum gh_err	 err;

	err = kv_run(req->w->kv, req->arena, &r, 6, "EVAL", pv_script, "1", key,
	    arena_printf(req->arena, "%lld", v), SESSION_PV_TTL);
	if (err != GH_OK)
		return err;
	if (r->type != REDIS_REPLY_INTEGER) {
		log_error("session: pv script: %s", r->type == REDIS_REPLY_ERROR ? r->str : "bad reply");
		return GH_ERR_REDIS_UNAVAILABLE;
	}
	if (kept != NULL)
		*kept = r->integer;
	return GH_OK;
}

static enum gh_err
pv_store(struct request *req, long long user_id, long long pv, long long *kept)
{
	return version_store(req, session_key(req, "pv:", user_id), pv, kept);
}

enum gh_err
session_pv_fill(struct request *req, long long user_id, long long *pv)
{
	struct db_result	 r;
	struct db_param		 p[1];
	enum gh_err		 err;

	p[0] = DB_INT(user_id);
	if ((err = db_exec(req->w->db, req->arena, SQL_USER_PV, p, 1, &r)) != GH_OK)
		return err;
	if (r.nrows == 0) {
		*pv = -1;
		return GH_OK;
	}
	return pv_store(req, user_id, db_int(&r, 0, 0), pv);
}

enum gh_err
session_pv_publish(struct request *req, long long user_id)
{
	long long	 pv;

	return session_pv_fill(req, user_id, &pv);
}

const char *
session_mv_key(struct request *req, long long user_id, long long org)
{
	return arena_printf(req->arena, "mv:%lld:%lld", user_id, org);
}

/* The membership's session_version from MySQL into *mv, -1 when there is no membership. */
static enum gh_err
mv_read(struct request *req, long long user_id, long long org, long long *mv)
{
	struct db_result	 r;
	struct db_param		 p[2];
	enum gh_err		 err;

	p[0] = DB_INT(user_id);
	p[1] = DB_INT(org);
	if ((err = db_exec(req->w->db, req->arena, SQL_MEMBER_SV, p, 2, &r)) != GH_OK)
		return err;
	*mv = r.nrows > 0 ? db_int(&r, 0, 0) : -1;
	return GH_OK;
}

enum gh_err
session_mv_bump(struct request *req, long long user_id, long long org, long long *mv)
{
	struct db_param		 p[2];
	long long		 v;
	enum gh_err		 err;

	p[0] = DB_INT(user_id);
	p[1] = DB_INT(org);
	if ((err = db_exec(req->w->db, req->arena, SQL_MEMBER_BUMP, p, 2, NULL)) != GH_OK ||
	    (err = mv_read(req, user_id, org, &v)) != GH_OK)
		return err;
	if (mv != NULL)
		*mv = v;
	return GH_OK;
}

enum gh_err
session_mv_fill(struct request *req, long long user_id, long long org, long long *mv)
{
	enum gh_err	 err;

	if ((err = mv_read(req, user_id, org, mv)) != GH_OK || *mv < 0)
		return err;	/* not a member (any more): nothing to keep */
	return version_store(req, session_mv_key(req, user_id, org), *mv, mv);
}

enum gh_err
session_mv_publish(struct request *req, long long user_id, long long org, long long mv)
{
	if (mv < 0)
		return session_mv_fill(req, user_id, org, &mv);
	return version_store(req, session_mv_key(req, user_id, org), mv, NULL);
}

enum gh_err
session_block(struct request *req, const char *jti, long long exp)
{
	redisReply	*r;
	long long	 left = exp - (long long)time(NULL) + req->w->cfg->jwt_leeway + 1;

	if (left <= 0)
		return GH_OK;
	return kv_run(req->w->kv, req->arena, &r, 5, "SET", arena_printf(req->arena, "bl:%s", jti),
	    "1", "EX", arena_printf(req->arena, "%lld", left));
}

enum gh_err
session_block_sid(struct request *req, const char *sid)
{
	redisReply	*r;
	long long	 ttl = req->w->cfg->access_token_ttl;

	if (sid == NULL || *sid == '\0')
		return GH_OK;
	/* Organization policies may allow access tokens up to a day: cover the longest. */
	if (ttl < 86400)
		ttl = 86400;
	return kv_run(req->w->kv, req->arena, &r, 5, "SET", arena_printf(req->arena, "bls:%s", sid),
	    "1", "EX", arena_printf(req->arena, "%lld", ttl + req->w->cfg->jwt_leeway + 1));
}

cJSON *
session_response(struct request *req, const struct session_user *u, const char *access,
    long long access_ttl, const char *refresh, long long refresh_ttl)
{
	cJSON	*o = cJSON_CreateObject(), *org;

	arena_cleanup(req->arena, json_free, o);
	cJSON_AddStringToObject(o, "access_token", access);
	cJSON_AddStringToObject(o, "token_type", "Bearer");
	cJSON_AddNumberToObject(o, "expires_in", (double)access_ttl);
	if (refresh != NULL) {
		cJSON_AddStringToObject(o, "refresh_token", refresh);
		cJSON_AddNumberToObject(o, "refresh_expires_in", (double)refresh_ttl);
	}
	if (u->org > 0) {
		org = cJSON_AddObjectToObject(o, "organization");
		cJSON_AddNumberToObject(org, "id", (double)u->org);
		cJSON_AddStringToObject(org, "slug", u->org_slug ? u->org_slug : "");
		cJSON_AddStringToObject(org, "name", u->org_name ? u->org_name : "");
	} else
		cJSON_AddNullToObject(o, "organization");
	cJSON_AddItemReferenceToObject(o, "roles", u->roles_json);
	return o;
}

enum gh_err
session_pv_bump_role(struct request *req, long long role_id)
{
	struct db_param	 p[1];

	p[0] = DB_INT(role_id);
	return db_exec(req->w->db, req->arena, SQL_ROLE_HOLDERS_BUMP, p, 1, NULL);
}

enum gh_err
session_pv_publish_rows(struct request *req, const struct db_result *rows)
{
	struct kv_cmd	*cmds;
	redisReply	**rep;
	size_t		 i, k, chunk = 256;
	enum gh_err	 err;

	cmds = arena_alloc(req->arena, chunk * sizeof(*cmds));
	rep = arena_alloc(req->arena, chunk * sizeof(*rep));
	/* Pipelined in chunks: a role held by many users costs a few round trips, not one each. */
	for (i = 0; i < rows->nrows; i += chunk) {
		for (k = 0; k < chunk && i + k < rows->nrows; k++) {
			cmds[k].argc = 6;
			cmds[k].argv[0] = "EVAL";
			cmds[k].argv[1] = pv_script;
			cmds[k].argv[2] = "1";
			cmds[k].argv[3] = arena_printf(req->arena, "pv:%s", db_str(rows, i + k, 0));
			cmds[k].argv[4] = db_str(rows, i + k, 1);
			cmds[k].argv[5] = SESSION_PV_TTL;
			for (int a = 0; a < 6; a++)
				cmds[k].lens[a] = strlen(cmds[k].argv[a]);
		}
		if ((err = kv_pipeline(req->w->kv, req->arena, cmds, k, rep)) != GH_OK)
			return req_fail(req, err, NULL, "saved, but the token store is unreachable; "
			    "tokens are refused until it returns");
	}
	return GH_OK;
}

enum gh_err
session_pv_publish_role(struct request *req, long long role_id)
{
	struct db_result r;
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_INT(role_id);
	if ((err = db_exec(req->w->db, req->arena, SQL_ROLE_HOLDERS_PV, p, 1, &r)) != GH_OK)
		return err;
	return session_pv_publish_rows(req, &r);
}
