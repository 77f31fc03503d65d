/*
 * me.c: the caller's own profile, password and organizations (docs/api.md, "The caller"):
 * GET and PATCH /me, the organizations the caller belongs to, and the switch of the session to
 * another of them (docs/tokens.md, "Switching organization").
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>
#include <sodium.h>

#include "api/api.h"
#include "api/common.h"
#include "api/routes.h"
#include "auth/authn.h"
#include "auth/password.h"
#include "auth/policy.h"
#include "auth/session.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "http/body.h"
#include "store/account.h"
#include "store/audit.h"
#include "store/refresh.h"
#include "store/db.h"
#include "store/user.h"

static void
json_free(void *p)
{
	cJSON_Delete(p);
}

/*
 * The /me body: the caller's profile, the token's organization and roles, the organizations.
 * The ETag (*etag) covers the profile (the "user" member) alone, the part PATCH /me changes;
 * the rest follows the token, not the account.
 */
static enum gh_err
me_object(struct request *req, cJSON **out, const char **etag)
{
	struct session_user	 su;
	struct user_org		*uo;
	enum gh_err		 err;
	cJSON			*o, *u, *orgs, *it, *org = NULL;
	size_t			 i, n;

	if ((err = api_user_object(req, req->auth.user_id, &u)) != GH_OK)
		return err;
	memset(&su, 0, sizeof(su));
	su.id = req->auth.user_id;
	su.org = req->auth.org_id;
	su.mv = req->auth.mv;
	if ((err = session_load_roles(req, &su)) != GH_OK)
		return err;
	if ((err = store_user_orgs(req->w->db, req->arena, req->auth.user_id, &uo, &n)) != GH_OK)
		return err;
	o = cJSON_CreateObject();
	arena_cleanup(req->arena, json_free, o);
	cJSON_AddItemReferenceToObject(o, "user", u);
	orgs = cJSON_CreateArray();
	for (i = 0; i < n; i++) {
		it = cJSON_CreateObject();
		cJSON_AddNumberToObject(it, "id", (double)uo[i].id);
		cJSON_AddStringToObject(it, "slug", uo[i].slug);
		cJSON_AddStringToObject(it, "name", uo[i].name);
		cJSON_AddBoolToObject(it, "is_primary", uo[i].is_primary);
		cJSON_AddItemToArray(orgs, it);
		if (uo[i].id == req->auth.org_id) {
			org = cJSON_CreateObject();
			cJSON_AddNumberToObject(org, "id", (double)uo[i].id);
			cJSON_AddStringToObject(org, "slug", uo[i].slug);
			cJSON_AddStringToObject(org, "name", uo[i].name);
		}
	}
	if (org != NULL)
		cJSON_AddItemToObject(o, "organization", org);
	else
		cJSON_AddNullToObject(o, "organization");
	cJSON_AddItemReferenceToObject(o, "roles", su.roles_json);
	cJSON_AddItemToObject(o, "organizations", orgs);
	*etag = api_etag(req, u);
	*out = o;
	return GH_OK;
}

/* Answer status with the /me body, read from the database. */
static enum gh_err
me_respond(struct request *req, int status)
{
	const char	*etag;
	enum gh_err	 err;
	cJSON		*o;

	if ((err = me_object(req, &o, &etag)) != GH_OK)
		return err;
	resp_header(req, "ETag", etag);
	return resp_json(req, status, o);
}

/*
 * The cached /me (docs/tokens.md, "The cached /me").  Each worker keeps the last answers it
 * gave, by user and organization, with what they were made under: the user's profile version
 * and the /me and authorization generations (session_profile_tag, kept keys read before the
 * database), and the token's permission_version and membership version.  Every statement that
 * changes what the answer shows notes the user (or all users) and the worker deletes uv:<user>
 * (or moves me:gen) after the request, before answering (db_changes_take,
 * session_profile_flush); Redis tells every worker at once, as for pv:.  So an answer is
 * served again only while nothing it shows can have changed.  A role change also moves the
 * permission_version, so the token it was made under no longer passes the check.
 */
#define ME_SLOTS	256		/* per worker: about 130 kB with 500-byte answers */
#define ME_BODY_MAX	4096		/* larger answers are not kept */
#define ME_TAG_MAX	96
#define ME_MAX_AGE	60		/* seconds: a bound on a lost invalidation */

struct me_ent {
	long long	 user, org, pv, mv;
	time_t		 at;
	char		 tag[ME_TAG_MAX];
	char		 etag[40];
	char		*body;		/* malloc'd, cap bytes */
	size_t		 len, cap;
};

static struct me_ent	me_cache[ME_SLOTS];

static struct me_ent *
me_slot(long long user, long long org)
{
	unsigned long long	 h = (unsigned long long)user * 0x9e3779b97f4a7c15ULL ^
				    (unsigned long long)org * 0xc2b2ae3d27d4eb4fULL;

	return &me_cache[(h >> 32) % ME_SLOTS];
}

enum gh_err
api_me(struct request *req)
{
	struct me_ent	*e = me_slot(req->auth.user_id, req->auth.org_id);
	const char	*tag, *etag;
	time_t		 now = time(NULL);
	enum gh_err	 err;
	char		*s;
	size_t		 len;
	cJSON		*o;

	/* The tag first: what is read after it is at least as new as it. */
	tag = session_profile_tag(req, req->auth.user_id);
	if (tag != NULL && e->body != NULL && e->user == req->auth.user_id &&
	    e->org == req->auth.org_id && e->pv == req->auth.pv && e->mv == req->auth.mv &&
	    strcmp(e->tag, tag) == 0 && now >= e->at && now - e->at < ME_MAX_AGE) {
		resp_header(req, "ETag", arena_strdup(req->arena, e->etag));
		req->status = 200;
		req->body_out = arena_strndup(req->arena, e->body, e->len);
		req->body_out_len = e->len;
		req->content_type = "application/json";
		return GH_OK;
	}
	if ((err = me_object(req, &o, &etag)) != GH_OK)
		return err;
	resp_header(req, "ETag", etag);
	resp_json(req, 200, o);
	if (tag == NULL || req->status != 200 || req->body_out == NULL ||
	    (len = req->body_out_len) >= ME_BODY_MAX || strlen(tag) >= ME_TAG_MAX ||
	    strlen(etag) >= sizeof(e->etag))
		return GH_OK;
	if (len > e->cap) {
		if ((s = realloc(e->body, len)) == NULL)
			return GH_OK;
		e->body = s;
		e->cap = len;
	}
	memcpy(e->body, req->body_out, len);
	e->len = len;
	e->user = req->auth.user_id;
	e->org = req->auth.org_id;
	e->pv = req->auth.pv;
	e->mv = req->auth.mv;
	e->at = now;
	memcpy(e->tag, tag, strlen(tag) + 1);
	memcpy(e->etag, etag, strlen(etag) + 1);
	return GH_OK;
}

/*
 * PATCH /me: the names, phone number and image reference, with the rules and the If-Match of
 * PATCH /users/{id}.  The username is an administrator's to change, the email goes through
 * POST /me/email (a verified address): both are refused, naming the field.
 */
enum gh_err
api_me_update(struct request *req)
{
	struct api_user_patch	 p;
	struct policy_session	 ps;
	struct user		 u;
	long long		 id = req->auth.user_id;
	enum gh_err		 err;
	cJSON			*d, *names, *cur;

	if (cJSON_GetObjectItemCaseSensitive(req->json, "username") != NULL &&
	    (policy_session(req, req->auth.org_id, &ps) != GH_OK ||
	    !ps.users_change_username))
		return req_fail(req, GH_ERR_VALIDATION, "username", "the username cannot be "
		    "changed here under this organization's policy; an administrator changes it "
		    "(PATCH /api/v1/users/{id})");
	if (cJSON_GetObjectItemCaseSensitive(req->json, "email") != NULL)
		return req_fail(req, GH_ERR_VALIDATION, "email", "the email cannot be changed "
		    "here; use POST /api/v1/me/email, which verifies the new address");
	if ((err = body_only(req, api_user_fields)) != GH_OK ||
	    (err = api_user_patch_parse(req, &p)) != GH_OK)
		return err;
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((err = store_user_get(req->w->db, req->arena, id, 1, &u)) != GH_OK) {
		if (err == GH_ERR_NOT_FOUND)
			return req_fail(req, GH_ERR_NOT_FOUND, NULL, "no such user");
	}
	/* The profile as GET /me shows it, read under the row lock: its ETag is the one sent. */
	if ((err = api_user_object(req, id, &cur)) != GH_OK ||
	    (err = api_if_match(req, cur)) != GH_OK)
		return err;
	d = api_object(req);
	names = cJSON_AddArrayToObject(d, "fields");
	if (api_user_patch_apply(&p, &u, names) > 0) {
		if ((err = store_user_update(req->w->db, req->arena, &u, id)) != GH_OK) {
			if (err == GH_ERR_CONFLICT)
				return api_user_conflict(req);
		}
		(void)audit_change(req, "user.update", "user", id, req->auth.org_id, d);
	}
	if ((err = api_commit(req)) != GH_OK)
		return err;
	return me_respond(req, 200);
}

/*
 * GET /me/organizations: every organization the caller belongs to, with the membership, the
 * role names a token for it would carry, its public theme and whether it is the token's.
 */
enum gh_err
api_me_orgs(struct request *req)
{
	struct session_user	 su;
	struct user_org		*uo;
	enum gh_err		 err;
	cJSON			*o, *items, *it;
	size_t			 i, n;

	if ((err = store_user_orgs(req->w->db, req->arena, req->auth.user_id, &uo, &n)) != GH_OK)
		return err;
	o = api_object(req);
	items = cJSON_AddArrayToObject(o, "items");
	for (i = 0; i < n; i++) {
		memset(&su, 0, sizeof(su));
		su.id = req->auth.user_id;
		su.org = uo[i].id;
		if ((err = session_load_roles(req, &su)) != GH_OK)
			return err;
		it = cJSON_CreateObject();
		cJSON_AddItemToArray(items, it);
		cJSON_AddNumberToObject(it, "id", (double)uo[i].id);
		cJSON_AddStringToObject(it, "slug", uo[i].slug);
		cJSON_AddStringToObject(it, "name", uo[i].name);
		cJSON_AddStringToObject(it, "status", uo[i].status);
		cJSON_AddStringToObject(it, "membership_status", uo[i].member_status);
		cJSON_AddBoolToObject(it, "is_primary", uo[i].is_primary);
		cJSON_AddBoolToObject(it, "current", uo[i].id == req->auth.org_id);
		cJSON_AddItemReferenceToObject(it, "roles", su.roles_json);
		api_add_str(it, "theme", uo[i].has_theme ? arena_printf(req->arena,
		    "/api/v1/themes/%s", uo[i].slug) : NULL);
	}
	api_add_idv(o, "current", req->auth.org_id);
	return resp_json(req, 200, o);
}

/* A refused switch: audited with the reason, then answered. */
static enum gh_err
switch_refused(struct request *req, enum gh_err err, const char *want)
{
	const char	*reason = session_org_refusal(err);
	cJSON		*d;

	if (reason == NULL)
		return err;
	d = api_object(req);
	api_add_idv(d, "from", req->auth.org_id);
	cJSON_AddStringToObject(d, "to", want);
	(void)audit_refusal(req, "auth.organization.switch", "organization", 0, req->auth.org_id,
	    reason, d);
	return err;
}

/*
 * POST /me/organization: a new token pair for another organization of the caller, in the same
 * session.  The live refresh token of the session is rotated into a successor for the new
 * organization, so the family keeps one live token and the old one counts as reuse if it comes
 * back; access tokens already issued keep their lifetime.
 */
enum gh_err
api_me_switch_org(struct request *req)
{
	static const char *const fields[] = { "organization", NULL };
	struct session_user	 u;
	struct account		 acct;
	struct refresh		 head;
	const char		*want;
	char			*access, *refresh;
	struct policy_session	 ps;
	const char		*reason;
	long long		 attl, rttl, nid;
	enum gh_err		 err;
	int			 unlock;
	cJSON			*o, *d, *user;

	if ((err = body_only(req, fields)) != GH_OK ||
	    (err = body_str_or_int(req, "organization", BODY_REQUIRED, 64, &want)) != GH_OK)
		return err;
	memset(&u, 0, sizeof(u));
	u.id = req->auth.user_id;
	if (session_sid_decode(req->auth.sid ? req->auth.sid : "", u.family) != 0)
		return req_fail(req, GH_ERR_TOKEN_INVALID, NULL, "the token names no session");
	err = store_account_get(req->w->db, req->arena, u.id, &acct);
	if (err == GH_ERR_NOT_FOUND)
		return req_fail(req, GH_ERR_TOKEN_REVOKED, NULL, "the user no longer exists");
	if (err != GH_OK)
		return err;
	u.pv = acct.permission_version;
	/* A switch issues a refresh token, so it answers to the flags a refresh answers to. */
	if ((err = session_account_flags(req, &acct, &unlock, &reason)) != GH_OK)
		return err;
	if ((err = session_pick_org(req, &u, want)) != GH_OK)
		return switch_refused(req, err, want);
	if ((err = session_load_roles(req, &u)) != GH_OK)
		return err;

	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	err = store_refresh_family_head(req->w->db, req->arena, u.family, &head);
	if (err != GH_OK && err != GH_ERR_NOT_FOUND)
		return err;
	if (err == GH_ERR_NOT_FOUND || !head.live || head.user_id != u.id) {
		db_rollback(req->w->db);
		return req_fail(req, GH_ERR_REFRESH_INVALID, NULL,
		    "this session has no live refresh token; log in again");
	}
	u.session_end = head.session_expires_at;
	u.session_left = head.session_left;
	u.amr = head.amr;
	if ((err = session_refresh_token(req, &u, head.id, &refresh, &nid, &rttl)) != GH_OK ||
	    (err = store_refresh_rotate(req->w->db, req->arena, head.id, nid)) != GH_OK)
		return err;
	d = api_object(req);
	api_add_idv(d, "from", req->auth.org_id);
	api_add_idv(d, "to", u.org);
	(void)audit_change(req, "auth.organization.switch", "organization", u.org, u.org, d);
	if ((err = api_commit(req)) != GH_OK)
		return err;
	/* The organization left may want the access token it issued ended now. */
	if (req->auth.org_id > 0 && req->auth.org_id != u.org &&
	    policy_session(req, req->auth.org_id, &ps) == GH_OK && ps.end_access_on_switch &&
	    (err = session_block(req, req->auth.jti, req->auth.exp)) != GH_OK)
		return req_fail(req, err, NULL, "the session moved but the token store is "
		    "unreachable; try again");
	if ((err = session_access_token(req, &u, &access, &attl)) != GH_OK)
		return err;
	o = session_response(req, &u, access, attl, refresh, rttl);
	if ((err = api_user_object(req, u.id, &user)) != GH_OK)
		return err;
	cJSON_AddItemReferenceToObject(o, "user", user);
	return resp_json(req, 200, o);
}

enum gh_err
api_me_password(struct request *req)
{
	static const char *const fields[] = { "current_password", "new_password", NULL };
	const struct gh_config	*cfg = req->w->cfg;
	struct session_user	 su;
	const char		*cur, *npw;
	struct account		 acct;
	char			 hash[crypto_pwhash_STRBYTES], *access;
	long long		 ttl;
	enum gh_err		 err;
	cJSON			*o;

	if ((err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "current_password", BODY_REQUIRED, 1, 1024, &cur)) != GH_OK ||
	    (err = body_str(req, "new_password", BODY_REQUIRED, 1, 4096, &npw)) != GH_OK)
		return err;
	if ((err = policy_check_password(req, req->auth.org_id, npw, "new_password")) != GH_OK)
		return err;
	if (strcmp(cur, npw) == 0)
		return req_fail(req, GH_ERR_PASSWORD_POLICY, "new_password",
		    "the new password must differ from the current one");
	if ((err = api_reauth(req, "current_password", cur, "the current password is wrong",
	    &acct)) != GH_OK)
		return err;
	if (password_hash(npw, strlen(npw), (unsigned long long)cfg->pwhash_opslimit,
	    (size_t)cfg->pwhash_memlimit_kib * 1024, hash) != 0)
		return GH_ERR_INTERNAL;

	memset(&su, 0, sizeof(su));
	su.id = req->auth.user_id;
	su.org = req->auth.org_id;
	su.mv = req->auth.mv;
	if (session_sid_decode(req->auth.sid ? req->auth.sid : "", su.family) != 0)
		return req_fail(req, GH_ERR_TOKEN_INVALID, NULL, "the token names no session");
	if ((err = db_begin(req->w->db)) != GH_OK)
		goto out;
	if ((err = store_account_set_password(req->w->db, req->arena, su.id, hash)) != GH_OK)
		goto fail;
	/* Every other session ends; this one continues with a new access token. */
	if ((err = store_refresh_revoke_user_except(req->w->db, req->arena, su.id, su.family,
	    "password_change")) != GH_OK)
		goto fail;
	(void)audit_auth(req, su.id, su.org, "auth.password.change", NULL);
	if ((err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	sodium_memzero(hash, sizeof(hash));
	if ((err = session_pv_publish(req, su.id)) != GH_OK)
		return req_fail(req, err, NULL, "the password was changed but the token store is "
		    "unreachable; log in again when it returns");
	if ((err = session_pv_fill(req, su.id, &su.pv)) != GH_OK ||
	    (err = session_load_roles(req, &su)) != GH_OK ||
	    (err = session_access_token(req, &su, &access, &ttl)) != GH_OK)
		return err;
	o = cJSON_CreateObject();
	arena_cleanup(req->arena, json_free, o);
	cJSON_AddStringToObject(o, "access_token", access);
	cJSON_AddStringToObject(o, "token_type", "Bearer");
	cJSON_AddNumberToObject(o, "expires_in", (double)ttl);
	return resp_json(req, 200, o);
fail:
	db_rollback(req->w->db);
out:
	sodium_memzero(hash, sizeof(hash));
	return err;
}
