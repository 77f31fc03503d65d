#include <limits.h>
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
#include "core/valid.h"
#include "store/account.h"
#include "store/db.h"
#include "store/kv.h"
#include "store/refresh.h"
#include "store/role.h"

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

	if (!valid_base64url(sid) ||
	    sodium_base642bin(family, SESSION_FAMILY_LEN, sid, strlen(sid), NULL, &n, NULL,
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
session_pick_org(struct request *req, struct session_user *u, const char *want)
{
	struct session_org	 o;
	enum gh_err		 err;
	long long		 id = 0;

	/* An id as the strict parser reads it; anything else is a slug. */
	if (want != NULL && !valid_int_text(want, 1, LLONG_MAX, &id))
		id = 0;
	err = store_account_org(req->w->db, req->arena, u->id, id, want != NULL && id == 0 ?
	    want : NULL, &o);
	if (err == GH_ERR_NOT_FOUND) {
		if (want != NULL)
			return req_fail(req, GH_ERR_ORG_NOT_MEMBER, "organization",
			    "you are not a member of organization %s", want);
		u->org = 0;
		return GH_OK;
	}
	if (err != GH_OK)
		return err;
	u->org = o.id;
	u->org_slug = o.slug;
	u->org_name = o.name;
	u->mv = o.session_version;
	if (strcmp(o.status, "active") != 0)
		return req_fail(req, GH_ERR_ORG_SUSPENDED, "organization",
		    "organization %s is suspended", u->org_slug);
	if (strcmp(o.member_status, "active") != 0)
		return req_fail(req, GH_ERR_MEMBERSHIP_SUSPENDED, "organization",
		    "your membership in organization %s is suspended", u->org_slug);
	return GH_OK;
}

const char *
session_org_refusal(enum gh_err err)
{
	switch (err) {
	case GH_ERR_ORG_NOT_MEMBER:
		return "not_member";
	case GH_ERR_ORG_SUSPENDED:
		return "organization_suspended";
	case GH_ERR_MEMBERSHIP_SUSPENDED:
		return "membership_suspended";
	default:
		return NULL;
	}
}

/* u->roles (comma-separated) and u->roles_json from n role names. */
static void
set_roles(struct request *req, struct session_user *u, const char *const *names, size_t n)
{
	size_t	 i, len = 0;
	char	*s;

	u->roles_json = cJSON_CreateArray();
	arena_cleanup(req->arena, json_free, u->roles_json);
	for (i = 0; i < n; i++)
		len += strlen(names[i]) + 1;
	s = arena_alloc(req->arena, len + 1);
	s[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(s, ",");
		strcat(s, names[i]);
		cJSON_AddItemToArray(u->roles_json, cJSON_CreateString(names[i]));
	}
	u->roles = s;
}

enum gh_err
session_load_roles(struct request *req, struct session_user *u)
{
	const char	**names;
	enum gh_err	 err;
	size_t		 n;

	if ((err = store_account_role_names(req->w->db, req->arena, u->id, u->org, &names,
	    &n)) != GH_OK)
		return err;
	set_roles(req, u, names, n);
	return GH_OK;
}

void
session_set_roles(struct request *req, struct session_user *u, const char *list)
{
	const char	**names;
	char		*copy, *p, *comma;
	size_t		 n = 0, max = 1;

	if (list == NULL || *list == '\0') {
		set_roles(req, u, NULL, 0);
		return;
	}
	for (p = (char *)list; *p != '\0'; p++)
		max += *p == ',';
	names = arena_alloc(req->arena, max * sizeof(*names));
	copy = arena_strdup(req->arena, list);
	for (p = copy; p != NULL; p = comma) {
		if ((comma = strchr(p, ',')) != NULL)
			*comma++ = '\0';
		names[n++] = p;
	}
	set_roles(req, u, names, n);
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
	if (u->access_ttl > 0)
		ps.access_token_ttl = u->access_ttl;
	c.exp = now + ps.access_token_ttl;
	if (u->cid != NULL)
		snprintf(c.cid, sizeof(c.cid), "%s", u->cid);
	if (u->scope != NULL)
		snprintf(c.scope, sizeof(c.scope), "%s", u->scope);
	snprintf(c.typ, sizeof(c.typ), "access");
	snprintf(c.amr, sizeof(c.amr), "%s", u->amr != NULL ? u->amr : "pwd");
	snprintf(c.acr, sizeof(c.acr), "%s", session_acr(c.amr));
	if (u->scp != NULL)
		snprintf(c.scp, sizeof(c.scp), "%s", u->scp);
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

const char *
session_acr(const char *amr)
{
	if (strstr(amr, "hwk") != NULL || strstr(amr, "swk") != NULL)
		return strstr(amr, "mfa") != NULL || strstr(amr, "pwd") == NULL ? "phr" : "1fa";
	return strstr(amr, "mfa") != NULL ? "2fa" : "1fa";
}

void
session_add_amr(cJSON *o, const char *amr)
{
	cJSON		*a = cJSON_AddArrayToObject(o, "amr");
	const char	*p = amr != NULL && *amr != '\0' ? amr : "pwd";
	char		 w[16];
	size_t		 n;

	while (*p != '\0') {
		n = strcspn(p, ",");
		snprintf(w, sizeof(w), "%.*s", (int)(n < sizeof(w) ? n : sizeof(w) - 1), p);
		cJSON_AddItemToArray(a, cJSON_CreateString(w));
		p += n + (p[n] == ',');
	}
	cJSON_AddStringToObject(o, "acr", session_acr(amr != NULL && *amr != '\0' ? amr : "pwd"));
}

enum gh_err
session_refresh_new(struct request *req, struct session_user *u, long long rotated_from,
    struct session_refresh *out)
{
	struct policy_session	 ps;
	struct refresh_new	*n = &out->row;
	unsigned char		 raw[SESSION_REFRESH_LEN];
	const char		*ua = req_header(req, "User-Agent");
	long long		 left;
	enum gh_err		 err;

	if ((err = policy_session(req, u->org, &ps)) != GH_OK)
		return err;
	randombytes_buf(raw, sizeof(raw));
	out->token = arena_alloc(req->arena, 64);
	sodium_bin2base64(out->token, 64, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	session_token_hash(out->token, out->hash);
	memset(n, 0, sizeof(*n));
	n->user_id = u->id;
	n->organization_id = u->org;
	n->ttl = ps.refresh_token_ttl;
	n->session_ttl = ps.absolute_session_ttl;
	n->client_ip = req->client_ip;
	/*
	 * Informational: cut at 255 bytes, at a character's end, and dropped when it is not
	 * printable UTF-8 (the column refuses invalid UTF-8: that was a 500).
	 */
	if (ua != NULL) {
		char	*c = arena_strndup(req->arena, ua, strnlen(ua, 255));
		size_t	 l = strlen(c), k;

		for (k = 0; k < 4 && l > 0 && !valid_printable(c); k++)
			c[--l] = '\0';
		n->user_agent = valid_printable(c) ? c : NULL;
	}
	n->amr = u->amr;
	/* The roles its access tokens carry, for the next rotation (sql/0020): read after pv. */
	n->roles = u->roles;
	n->roles_pv = u->pv;
	if (rotated_from == 0)
		randombytes_buf(u->family, sizeof(u->family));
	else
		n->session_end = u->session_end;
	/* What the INSERT computes: the idle lifetime, cut at the end of the session. */
	left = rotated_from == 0 ? ps.absolute_session_ttl : u->session_left;
	out->ttl = ps.refresh_token_ttl < left ? ps.refresh_token_ttl : left;
	return GH_OK;
}

enum gh_err
session_refresh_token(struct request *req, struct session_user *u, long long rotated_from,
    char **token, long long *id, long long *ttl)
{
	struct session_refresh	 r;
	enum gh_err		 err;

	if ((err = session_refresh_new(req, u, rotated_from, &r)) != GH_OK ||
	    (err = store_refresh_insert(req->w->db, req->arena, r.hash, u->family, &r.row,
	    id)) != GH_OK)
		return err;
	*ttl = r.ttl;
	*token = r.token;
	return GH_OK;
}

void
session_profile_flush(struct request *req)
{
	struct kv_cmd	 cmds[17];
	redisReply	*rep[17];
	long long	 ids[16];
	size_t		 i, n;
	int		 all;

	n = db_changes_take(req->w->db, ids, 16, &all);
	if (n == 0 && !all)
		return;
	for (i = 0; i < n; i++)
		kv_cmd_set(&cmds[i], 2, "DEL", kv_key(req->arena, KV_UV, "%lld", ids[i]));
	if (all)
		kv_cmd_set(&cmds[n++], 2, "INCR", kv_prefixes[KV_ME_GEN]);
	/* Acknowledged by a replica (with Sentinel): a failover must not bring a stale /me back. */
	if (kv_pipeline_acked(req->w->kv, req->arena, cmds, n, rep) != GH_OK)
		log_error("session: cannot invalidate %zu cached /me answer(s)%s", n,
		    all ? " (all users)" : "");
}

const char *
session_profile_tag(struct request *req, long long user)
{
	struct kv_cmd	 cmds[2];
	redisReply	*rep[2];
	const char	*keys[3], *v[3];
	unsigned char	 r[12];
	char		 fresh[24];
	int		 hit;

	keys[0] = kv_key(req->arena, KV_UV, "%lld", user);
	keys[1] = kv_prefixes[KV_ME_GEN];
	keys[2] = kv_prefixes[KV_AUTHZ_GEN];
	if (kv_mget(req->w->kv, req->arena, 3, keys, v, &hit) != GH_OK)
		return NULL;
	if (v[0] == NULL) {
		/*
		 * A random start, not 1: a key that expired or was deleted and made again must not
		 * come back with a value an old cached answer was tagged with.
		 */
		randombytes_buf(r, sizeof(r));
		sodium_bin2base64(fresh, sizeof(fresh), r, sizeof(r),
		    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		kv_cmd_set(&cmds[0], 6, "SET", keys[0], fresh, "NX", "EX", SESSION_UV_TTL);
		kv_cmd_set(&cmds[1], 2, "GET", keys[0]);
		if (kv_pipeline(req->w->kv, req->arena, cmds, 2, rep) != GH_OK ||
		    rep[1]->type != REDIS_REPLY_STRING)
			return NULL;
		v[0] = rep[1]->str;
	}
	return arena_printf(req->arena, "%s|%s|%s", v[0], v[1] ? v[1] : "0", v[2] ? v[2] : "0");
}

enum gh_err
session_pv_bump(struct request *req, long long user_id)
{
	return store_account_bump_pv(req->w->db, req->arena, user_id);
}

/*
 * Store version v under key unless a higher one is there; *kept gets what the key holds.
 * acked: a change being published (a revocation: kv_run_acked), not a fill of the cache by a
 * token check (losing a fill in a failover costs a read of MariaDB, nothing else).
 */
static enum gh_err
version_store(struct request *req, const char *key, long long v, long long *kept, int acked)
{
	redisReply	*r;
	enum gh_err	 err;
	const char	*val = arena_printf(req->arena, "%lld", v);

	if (acked)
		err = kv_run_acked(req->w->kv, req->arena, &r, 6, "EVAL", pv_script, "1", key,
		    val, SESSION_PV_TTL);
	else
		err = kv_run(req->w->kv, req->arena, &r, 6, "EVAL", pv_script, "1", key, val,
		    SESSION_PV_TTL);
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
pv_fill(struct request *req, long long user_id, long long *pv, int acked)
{
	enum gh_err	 err;

	if ((err = store_account_pv(req->w->db, req->arena, user_id, pv)) != GH_OK || *pv < 0)
		return err;
	return version_store(req, kv_key(req->arena, KV_PV, "%lld", user_id), *pv, pv, acked);
}

enum gh_err
session_pv_fill(struct request *req, long long user_id, long long *pv)
{
	return pv_fill(req, user_id, pv, 0);
}

enum gh_err
session_pv_publish(struct request *req, long long user_id)
{
	long long	 pv;

	return pv_fill(req, user_id, &pv, 1);
}

const char *
session_mv_key(struct request *req, long long user_id, long long org)
{
	return kv_key(req->arena, KV_MV, "%lld:%lld", user_id, org);
}

enum gh_err
session_mv_bump(struct request *req, long long user_id, long long org, long long *mv)
{
	long long	 v;
	enum gh_err	 err;

	if ((err = store_membership_bump(req->w->db, req->arena, user_id, org)) != GH_OK ||
	    (err = store_membership_sv(req->w->db, req->arena, user_id, org, &v)) != GH_OK)
		return err;
	if (mv != NULL)
		*mv = v;
	return GH_OK;
}

static enum gh_err
mv_fill(struct request *req, long long user_id, long long org, long long *mv, int acked)
{
	enum gh_err	 err;

	if ((err = store_membership_sv(req->w->db, req->arena, user_id, org, mv)) != GH_OK ||
	    *mv < 0)
		return err;	/* not a member (any more): nothing to keep */
	return version_store(req, session_mv_key(req, user_id, org), *mv, mv, acked);
}

enum gh_err
session_mv_fill(struct request *req, long long user_id, long long org, long long *mv)
{
	return mv_fill(req, user_id, org, mv, 0);
}

enum gh_err
session_mv_publish(struct request *req, long long user_id, long long org, long long mv)
{
	if (mv < 0)
		return mv_fill(req, user_id, org, &mv, 1);
	return version_store(req, session_mv_key(req, user_id, org), mv, NULL, 1);
}

enum gh_err
session_block(struct request *req, const char *jti, long long exp)
{
	redisReply	*r;
	long long	 left = exp - (long long)time(NULL) + req->w->cfg->jwt_leeway + 1;

	if (left <= 0)
		return GH_OK;
	return kv_run_acked(req->w->kv, req->arena, &r, 5, "SET",
	    kv_key(req->arena, KV_BL, "%s", jti), "1", "EX",
	    arena_printf(req->arena, "%lld", left));
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
	return kv_run_acked(req->w->kv, req->arena, &r, 5, "SET",
	    kv_key(req->arena, KV_BLS, "%s", sid), "1", "EX",
	    arena_printf(req->arena, "%lld", ttl + req->w->cfg->jwt_leeway + 1));
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
	return store_account_bump_pv_role(req->w->db, req->arena, role_id);
}

enum gh_err
session_pv_publish_versions(struct request *req, const struct db_versions *v)
{
	return session_pv_publish_ids(req, v->ids, v->versions, v->n);
}

enum gh_err
session_pv_publish_ids(struct request *req, const long long *ids, const long long *pvs, size_t n)
{
	struct kv_cmd	*cmds;
	redisReply	**rep;
	size_t		 i, k, chunk = 256;
	enum gh_err	 err;

	cmds = arena_alloc(req->arena, chunk * sizeof(*cmds));
	rep = arena_alloc(req->arena, chunk * sizeof(*rep));
	/* Pipelined in chunks: a role held by many users costs a few round trips, not one each. */
	for (i = 0; i < n; i += chunk) {
		for (k = 0; k < chunk && i + k < n; k++) {
			cmds[k].argc = 6;
			cmds[k].argv[0] = "EVAL";
			cmds[k].argv[1] = pv_script;
			cmds[k].argv[2] = "1";
			cmds[k].argv[3] = kv_key(req->arena, KV_PV, "%lld", ids[i + k]);
			cmds[k].argv[4] = arena_printf(req->arena, "%lld", pvs[i + k]);
			cmds[k].argv[5] = SESSION_PV_TTL;
			for (int a = 0; a < 6; a++)
				cmds[k].lens[a] = strlen(cmds[k].argv[a]);
		}
		if ((err = kv_pipeline_acked(req->w->kv, req->arena, cmds, k, rep)) != GH_OK)
			return req_fail(req, err, NULL, "saved, but the token store is unreachable; "
			    "tokens are refused until it returns");
	}
	return GH_OK;
}

enum gh_err
session_pv_publish_role(struct request *req, long long role_id)
{
	struct db_versions	 v;
	enum gh_err		 err;

	if ((err = store_role_holders(req->w->db, req->arena, role_id, &v)) != GH_OK)
		return err;
	return session_pv_publish_versions(req, &v);
}

enum gh_err
session_account_flags(struct request *req, const struct account *acct, int *unlock, const char **reason)
{
	long long	 left;

	*unlock = 0;
	if (!acct->is_enabled) {
		*reason = "disabled";
		return req_fail(req, GH_ERR_ACCOUNT_DISABLED, NULL, "this account is disabled");
	}
	if (!acct->is_account_non_expired) {
		*reason = "expired";
		return req_fail(req, GH_ERR_ACCOUNT_EXPIRED, NULL, "this account has expired");
	}
	if (!acct->is_account_non_locked) {
		left = acct->lock_left;
		if (acct->has_lock_end && left <= 0)
			*unlock = 1;	/* the lock period is over */
		else {
			*reason = "locked";
			if (acct->has_lock_end)
				resp_header(req, "Retry-After", arena_printf(req->arena, "%lld", left));
			return req_fail(req, GH_ERR_ACCOUNT_LOCKED, NULL, "this account is locked%s",
			    acct->has_lock_end ? arena_printf(req->arena,
			    " for %lld more seconds", left) : "; ask an administrator");
		}
	}
	if (!acct->is_credentials_non_expired) {
		*reason = "credentials_expired";
		return req_fail(req, GH_ERR_CREDENTIALS_EXPIRED, NULL,
		    "the password has expired and must be changed");
	}
	return GH_OK;
}
