/*
 * users.c: the users admin API (issue 5): list and search, read, create (with a password or an
 * invitation), update, the account actions (disable, enable, lock, unlock, expire credentials,
 * end sessions) and a soft delete that scrubs personal data.  Contract: docs/api-users.md.
 *
 * Tenancy: a caller holding the route's permission through a platform role acts on every user;
 * any other caller sees only members of its token's organization (others answer 404) and makes
 * account-level changes (profile, flags, deletion) only to accounts its organization manages:
 * no platform role, no other organization (403 account_not_managed; docs/authorization.md).
 * Changes that must end access (disable, lock, delete, end sessions) bump permission_version
 * and revoke the refresh tokens in the same transaction, then publish the new version to Redis
 * after the commit; an organization caller's "end sessions" ends only the sessions of its
 * organization (the membership's session_version).
 *
 * The rows are the store's (store/user.h); the list's plans are in store/user_search.c, this
 * file parses the query and renders the page.  Everything returned belongs to the request's
 * arena.
 */
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>
#include <sodium.h>

#include "api/api.h"
#include "api/common.h"
#include "api/email.h"
#include "api/invitations.h"
#include "api/routes.h"
#include "auth/authn.h"
#include "auth/authz.h"
#include "auth/password.h"
#include "auth/policy.h"
#include "auth/session.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "core/log.h"
#include "core/valid.h"
#include "http/body.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/email_verification.h"
#include "store/kv.h"
#include "store/signup.h"
#include "store/refresh.h"
#include "store/user.h"
#include "store/user_search.h"


#define Q_MIN		2
#define Q_MAX		100

static void
json_free(void *p)
{
	cJSON_Delete(p);
}

/* ---------------------------------------------------------------------------------------------
 * Validation
 */


/* ---------------------------------------------------------------------------------------------
 * Representation, tenancy, audit
 */

static cJSON *
user_json(struct request *req, const struct user *s)
{
	cJSON	*o = api_object(req);

	API_F(NUM, id) API_F(STR, username) API_F(STR, email)
	cJSON_AddBoolToObject(o, "email_verified", s->email_verified_at != NULL);
	API_F(STR, email_verified_at) API_F(STR, phone_number) API_F(STR, first_name)
	API_F(STR, last_name) API_F(STR, full_name) API_F(STR, profile_image_ref)
	API_F(STR, status) API_F(BOOL, is_enabled) API_F(BOOL, is_account_non_expired)
	API_F(BOOL, is_account_non_locked) API_F(BOOL, is_credentials_non_expired)
	API_F(STR, locked_until) API_F(BOOL, has_password) API_F(STR, last_login)
	API_F(STR, password_changed_at) API_F(STR, created_at) API_F(STR, updated_at)
	API_F(ID, created_by) API_F(ID, updated_by)
	return o;
}

/*
 * Roll back a refused or failed change; a refusal by the account rule is audited as refused
 * (after the rollback, or it would go with it).
 */
static enum gh_err
refused(struct request *req, enum gh_err err, const char *action, long long id)
{
	db_rollback(req->w->db);
	if (err == GH_ERR_ACCOUNT_NOT_MANAGED)
		(void)audit_refusal(req, action, "user", id, req->auth.org_id,
		    "account_not_managed", NULL);
	return err;
}

/*
 * Answer user u with its ETag, plus what the account rule says of the caller:
 * account_editable (may it make account-level changes, given the permission) and why not.
 * The two are not part of the ETag: they depend on the caller, not on the user.
 */
static enum gh_err
user_entity(struct request *req, int status, const struct user *u, const char *location)
{
	cJSON		*o = user_json(req, u);
	const char	*why = NULL;
	long long	 id = u->id;
	enum gh_err	 err;

	resp_header(req, "ETag", api_etag(req, o));
	if (location != NULL)
		resp_header(req, "Location", location);
	if (id != req->auth.user_id && !authn_platform_has(req, "users.read") &&
	    (err = api_account_unmanaged(req, id, &why)) != GH_OK)
		return err;
	cJSON_AddBoolToObject(o, "account_editable", why == NULL);
	if (why != NULL)
		cJSON_AddStringToObject(o, "account_editable_reason",
		    arena_printf(req->arena, "this user %s", why));
	else
		cJSON_AddNullToObject(o, "account_editable_reason");
	return resp_json(req, status, o);
}

/* The organization an event about user id belongs to: the caller's, or for platform callers
 * the user's primary organization (so that organization's administrators see it). */
static long long
event_org(struct request *req, const char *perm, long long id)
{
	long long	 org;

	if (!authn_platform_has(req, perm))
		return req->auth.org_id;
	if (store_user_primary_org(req->w->db, req->arena, id, &org) == GH_OK)
		return org;
	return req->auth.org_id;
}

/* After the commit: publish the user's new permission_version (deleted users included). */
static enum gh_err
publish(struct request *req, long long id)
{
	struct db_versions v;
	enum gh_err	 err;

	if ((err = store_user_pv_rows(req->w->db, req->arena, id, &v)) != GH_OK)
		return req_fail(req, err, NULL, "saved, but the new session state could not be "
		    "read back; tokens end when their cache expires");
	return session_pv_publish_versions(req, &v);
}

/* ---------------------------------------------------------------------------------------------
 * List and search
 */

/* The sort keys of ?sort=, in the order of enum user_sort (sort * 2 + desc). */
enum list_sort { SORT_USERNAME, SORT_EMAIL, SORT_LAST_NAME, SORT_CREATED, SORT__MAX };

static const char *const sort_names[SORT__MAX] = { "username", "email", "last_name", "created_at" };

struct list_args {
	enum list_sort		 sort;
	int			 desc;
	struct user_filter	 f;
	struct db_keyset	 ks;	/* key: username/email/last_name/created_at of the cursor */
	const char		*key2;	/* its first_name (last_name sorts) */
};

/* The LIKE pattern matching values that start with q ('!' escapes). */
static const char *
like_prefix(struct request *req, const char *q)
{
	char	*out = arena_alloc(req->arena, strlen(q) * 2 + 2), *o = out;

	for (; *q != '\0'; q++) {
		if (*q == '!' || *q == '%' || *q == '_')
			*o++ = '!';
		*o++ = *q;
	}
	*o++ = '%';
	*o = '\0';
	return out;
}

/* The cursor after user u: base64url of [sort, desc, keys..., id]. */
static const char *
cursor_of(struct request *req, const struct list_args *a, const struct user *u)
{
	cJSON	*c = api_array(req);
	char	*s, *out;
	size_t	 n, olen;

	cJSON_AddItemToArray(c, cJSON_CreateNumber(a->sort));
	cJSON_AddItemToArray(c, cJSON_CreateNumber(a->desc));
	switch (a->sort) {
	case SORT_USERNAME:
		cJSON_AddItemToArray(c, cJSON_CreateString(u->username));
		break;
	case SORT_EMAIL:
		cJSON_AddItemToArray(c, cJSON_CreateString(u->email));
		break;
	case SORT_LAST_NAME:
		cJSON_AddItemToArray(c, cJSON_CreateString(u->last_name));
		cJSON_AddItemToArray(c, cJSON_CreateString(u->first_name));
		break;
	default:
		cJSON_AddItemToArray(c, cJSON_CreateString(u->created_key));
		break;
	}
	cJSON_AddItemToArray(c, cJSON_CreateNumber((double)u->id));
	s = cJSON_PrintUnformatted(c);
	n = strlen(s);
	olen = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	out = arena_alloc(req->arena, olen);
	sodium_bin2base64(out, olen, (unsigned char *)s, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	cJSON_free(s);
	return out;
}

/* "YYYY-MM-DD HH:MM:SS.ffffff", as USER_COLUMNS select the created_key of a cursor. */
static int
datetime_text(const char *s)
{
	static const char	 shape[] = "dddd-dd-dd dd:dd:dd.dddddd";
	size_t			 i;

	for (i = 0; shape[i] != '\0'; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
			return 0;
	return s[i] == '\0';
}

static enum gh_err
bad_cursor(struct request *req)
{
	return req_fail(req, GH_ERR_VALIDATION, "cursor",
	    "cursor is not one we issued for this sort and direction");
}

static enum gh_err
cursor_parse(struct request *req, const char *c, struct list_args *a)
{
	unsigned char	*dec;
	size_t		 n, want;
	cJSON		*j;
	const cJSON	*v;
	int		 i;

	if (strlen(c) > 1024 || !valid_base64url(c))
		return bad_cursor(req);
	dec = arena_alloc(req->arena, 1024);
	if (sodium_base642bin(dec, 1023, c, strlen(c), NULL, &n, NULL,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return bad_cursor(req);
	dec[n] = '\0';
	if ((j = cJSON_ParseWithLength((char *)dec, n)) == NULL)
		return bad_cursor(req);
	arena_cleanup(req->arena, json_free, j);
	want = a->sort == SORT_LAST_NAME ? 5 : 4;
	if (!cJSON_IsArray(j) || (size_t)cJSON_GetArraySize(j) != want)
		return bad_cursor(req);
	for (i = 0, v = j->child; v != NULL; v = v->next, i++) {
		if (i < 2 || v->next == NULL) {
			if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 9e15 ||
			    v->valuedouble != floor(v->valuedouble))
				return bad_cursor(req);
		} else if (!cJSON_IsString(v) || v->valuestring == NULL ||
		    utf8_len(v->valuestring) == (size_t)-1)
			return bad_cursor(req);
	}
	v = j->child;
	if ((int)v->valuedouble != (int)a->sort || (int)v->next->valuedouble != a->desc)
		return bad_cursor(req);
	v = v->next->next;
	a->ks.key = v->valuestring;
	if (a->sort == SORT_LAST_NAME) {
		v = v->next;
		a->key2 = v->valuestring;
	}
	a->ks.after = (long long)v->next->valuedouble;
	a->ks.has = 1;
	if (a->sort == SORT_CREATED && !datetime_text(a->ks.key))
		return bad_cursor(req);
	return GH_OK;
}

/* Parse the query of GET /users; resolve the organization context, team and role. */
static enum gh_err
list_parse(struct request *req, struct list_args *a)
{
	static const char *const statuses[] = { "enabled", "disabled", "locked", "expired" };
	const char	*c = req_query(req, "cursor");
	const char	*q = req_query(req, "q"), *org = req_query(req, "organization_id");
	const char	*team = req_query(req, "team"), *st = req_query(req, "status");
	const char	*sort = req_query(req, "sort"), *dir = req_query(req, "direction");
	struct user_filter *f = &a->f;
	long long	 id;
	enum gh_err	 err;
	size_t		 i, n;

	memset(a, 0, sizeof(*a));
	if ((err = api_limit_parse(req, &a->ks.limit)) != GH_OK)
		return err;
	a->sort = SORT_USERNAME;
	if (sort != NULL) {
		for (i = 0; i < SORT__MAX && strcmp(sort, sort_names[i]) != 0; i++)
			;
		if (i == SORT__MAX)
			return req_fail(req, GH_ERR_VALIDATION, "sort",
			    "sort is username, email, last_name or created_at");
		a->sort = (enum list_sort)i;
	}
	if (dir != NULL) {
		if (strcmp(dir, "asc") != 0 && strcmp(dir, "desc") != 0)
			return req_fail(req, GH_ERR_VALIDATION, "direction", "direction is asc or desc");
		a->desc = strcmp(dir, "desc") == 0;
	}
	a->ks.sort = (int)a->sort * 2 + a->desc;
	if (c != NULL && (err = cursor_parse(req, c, a)) != GH_OK)
		return err;
	if (q != NULL) {
		n = utf8_len(q);
		if (n == (size_t)-1 || n < Q_MIN || n > Q_MAX)
			return req_fail(req, GH_ERR_VALIDATION, "q",
			    "q must have from %d to %d characters", Q_MIN, Q_MAX);
		f->like = like_prefix(req, q);
		f->q = q;
		f->qlen = n;
	}
	if (st != NULL) {
		for (i = 0; i < 4 && strcmp(st, statuses[i]) != 0; i++)
			;
		if (i == 4)
			return req_fail(req, GH_ERR_VALIDATION, "status",
			    "status is enabled, disabled, locked or expired");
		f->state = (enum user_state)(i + 1);
	}

	/* The organization context. */
	if ((err = api_query_int(req, "organization_id", 1, LLONG_MAX,
	    "organization_id must be a positive integer", &f->org)) != GH_OK)
		return err;
	if (!authn_platform_has(req, "users.read")) {
		if (req->auth.org_id <= 0)
			return req_fail(req, GH_ERR_FORBIDDEN, NULL, "your session has no organization");
		if (org != NULL && f->org != req->auth.org_id)
			return req_fail(req, GH_ERR_FORBIDDEN, "organization_id",
			    "you can list only the users of your own organization");
		f->org = req->auth.org_id;
	}

	if ((err = api_query_int(req, "team", 1, LLONG_MAX, "team must be a team id",
	    &f->team)) != GH_OK)
		return err;
	if (team != NULL) {
		err = store_user_team_org(req->w->db, req->arena, f->team, &id);
		if (err != GH_OK && err != GH_ERR_NOT_FOUND)
			return err;
		if (err == GH_ERR_NOT_FOUND || (!authn_platform_has(req, "users.read") &&
		    id != f->org))
			return req_fail(req, GH_ERR_VALIDATION, "team", "no team %lld", f->team);
	}
	f->role = req_query(req, "role");
	if (f->role != NULL) {
		if ((n = utf8_len(f->role)) == (size_t)-1 || n < 1 || n > 100)
			return req_fail(req, GH_ERR_VALIDATION, "role",
			    "role must be a role name of 1 to 100 characters");
		if (f->org > 0) {
			err = store_user_role_in_org(req->w->db, req->arena, f->role, f->org, &id);
			if (err == GH_ERR_NOT_FOUND)
				return req_fail(req, GH_ERR_VALIDATION, "role",
				    "no role named %s in organization %lld", f->role, f->org);
			if (err != GH_OK)
				return err;
		}
	}
	return GH_OK;
}

enum gh_err
api_users_list(struct request *req)
{
	struct list_args a;
	struct user	*u;
	enum gh_err	 err;
	size_t		 n;
	cJSON		*items;

	if ((err = list_parse(req, &a)) != GH_OK ||
	    (err = store_user_search(req->w->db, req->arena, &a.f, &a.ks, a.key2, &u, &n)) !=
	    GH_OK)
		return err;
	API_PAGE_ITEMS(items, req, u, n, a.ks.limit, user_json);
	return api_page_answer(req, items, (long long)n > a.ks.limit ?
	    cursor_of(req, &a, &u[a.ks.limit - 1]) : NULL);
}

enum gh_err
api_user_get(struct request *req)
{
	struct user	 u;
	enum gh_err	 err;

	if ((err = api_user_param(req, "users.read", &u)) != GH_OK)
		return err;
	return user_entity(req, 200, &u, NULL);
}

/* ---------------------------------------------------------------------------------------------
 * Create
 */

/*
 * The role a new user gets in org (by name: the organization's own, then the shared one), with
 * the checks of POST /users/{id}/roles (may_assign in user_roles.c): callers without a platform
 * role give neither platform roles nor roles holding permissions they lack.
 */
static enum gh_err
role_for(struct request *req, const char *name, long long org, long long *id, int *platform)
{
	const struct authz_role	*role;
	enum gh_err		 err;

	err = store_user_role_in_org(req->w->db, req->arena, name, org, id);
	if (err == GH_ERR_NOT_FOUND)
		return req_fail(req, GH_ERR_VALIDATION, "role", "no role named %s in organization %lld",
		    name, org);
	if (err != GH_OK)
		return err;
	if ((role = authn_role_by_id(req, *id)) == NULL)
		return req_fail(req, GH_ERR_VALIDATION, "role", "role %s is not loaded yet; retry",
		    name);
	*platform = role->platform;
	if (authn_platform_has(req, "users.create"))
		return GH_OK;
	if (role->platform)
		return req_fail(req, GH_ERR_FORBIDDEN, "role",
		    "platform roles are granted by platform administrators");
	if (!authn_holds_role(req, role))
		return req_fail(req, GH_ERR_FORBIDDEN, "role",
		    "role %s grants permissions you do not hold", name);
	return GH_OK;
}

/* The organization a new user joins: the caller's, or for platform callers organization_id. */
static enum gh_err
target_org(struct request *req, long long *org)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(req->json, "organization_id");
	long long	 want = 0;
	enum gh_err	 err;
	int		 exists;

	if (v != NULL && !cJSON_IsNull(v) && body_int_value(req, v, "organization_id", 1,
	    LLONG_MAX, &want) != GH_OK)
		return req_fail(req, GH_ERR_VALIDATION, "organization_id",
		    "organization_id must be an organization id");
	if (authn_platform_has(req, "users.create"))
		*org = want > 0 ? want : req->auth.org_id;
	else {
		if (want > 0 && want != req->auth.org_id)
			return req_fail(req, GH_ERR_FORBIDDEN, "organization_id",
			    "you can create users only in your own organization");
		*org = req->auth.org_id;
	}
	if (*org <= 0)
		return req_fail(req, GH_ERR_VALIDATION, "organization_id",
		    "organization_id is required: your session has no organization");
	if ((err = store_user_org_exists(req->w->db, req->arena, *org, &exists)) != GH_OK)
		return err;
	if (!exists)
		return req_fail(req, GH_ERR_VALIDATION, "organization_id", "no organization %lld",
		    *org);
	return GH_OK;
}

/* "invite": true -- an invitation instead of an account; the invitee picks the rest. */
static enum gh_err
create_invite(struct request *req, const char *email, const char *rolename, long long org)
{
	static const char *const fields[] = { "email", "role", "organization_id", "invite", NULL };
	long long	 role = 0;
	int		 platform, taken;
	enum gh_err	 err;
	cJSON		*inv = NULL, *d, *idv;

	if ((err = body_only(req, fields)) != GH_OK) {
		req->detail = arena_printf(req->arena, "%s is not used with invite: the invitee "
		    "chooses it when accepting", req->field ? req->field : "that field");
		return err;
	}
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((err = store_user_email_taken(req->w->db, req->arena, email, &taken)) != GH_OK)
		goto fail;
	if (taken) {
		err = req_fail(req, GH_ERR_CONFLICT, "email", "another user already has this email");
		goto fail;
	}
	if ((err = role_for(req, rolename, org, &role, &platform)) != GH_OK)
		goto fail;
	if (platform) {
		err = req_fail(req, GH_ERR_VALIDATION, "role",
		    "platform roles are not given by invitation");
		goto fail;
	}
	if ((err = invitation_issue(req, org, email, role, &inv)) != GH_OK)
		goto fail;
	d = api_object(req);
	cJSON_AddStringToObject(d, "role", rolename);
	cJSON_AddBoolToObject(d, "invite", 1);
	idv = inv ? cJSON_GetObjectItemCaseSensitive(inv, "id") : NULL;
	if (cJSON_IsNumber(idv))
		cJSON_AddNumberToObject(d, "invitation_id", idv->valuedouble);
	(void)audit_change(req, "user.invite", "user", 0, org, d);
	if ((err = api_commit(req)) != GH_OK)
		return err;
	if (cJSON_IsNumber(idv))
		resp_header(req, "Location", arena_printf(req->arena, "/api/v1/invitations/%lld",
		    (long long)idv->valuedouble));
	return resp_json(req, 202, inv);
fail:
	return api_rollback(req, err);
}

enum gh_err
api_user_create(struct request *req)
{
	static const char *const fields[] = { "username", "email", "phone_number", "first_name",
	    "last_name", "full_name", "profile_image_ref", "password", "invite", "role",
	    "organization_id", NULL };
	const struct gh_config	*cfg = req->w->cfg;
	struct user		 u;
	const char		*username, *email, *phone, *first, *last, *full, *image, *pw;
	const char		*rolename;
	struct api_user_patch	 p;
	char			 hash[crypto_pwhash_STRBYTES];
	long long		 org = 0, id, role;
	int			 invite = 0, platform;
	enum gh_err		 err;
	cJSON			*d;

	if ((err = body_only(req, fields)) != GH_OK ||
	    (err = body_bool(req, "invite", 1, &invite, NULL)) != GH_OK ||
	    (err = body_str(req, "email", BODY_REQUIRED, 3, 254, &email)) != GH_OK ||
	    (err = body_str(req, "role", BODY_OPTIONAL, 1, 100, &rolename)) != GH_OK)
		return err;
	if ((err = api_ident(req, "email", VALID_EMAIL, email, API_EMAIL_WHY, &email)) != GH_OK)
		return err;
	if (rolename == NULL)
		rolename = "member";
	if ((err = target_org(req, &org)) != GH_OK)
		return err;
	if (invite)
		return create_invite(req, email, rolename, org);

	if ((err = body_str(req, "username", BODY_REQUIRED, 3, 64, &username)) != GH_OK ||
	    (err = api_user_patch_parse(req, &p)) != GH_OK)
		return err;
	phone = p.v[UF_PHONE];
	first = p.v[UF_FIRST];
	last = p.v[UF_LAST];
	full = p.v[UF_FULL];
	image = p.v[UF_IMAGE];
	if ((err = api_ident(req, "username", VALID_USERNAME, username, API_USERNAME_WHY,
	    &username)) != GH_OK)
		return err;
	if (cJSON_GetObjectItemCaseSensitive(req->json, "password") == NULL ||
	    cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(req->json, "password")))
		return req_fail(req, GH_ERR_VALIDATION, "password",
		    "password is required unless invite is true");
	if ((err = body_str(req, "password", BODY_REQUIRED, 1, 4096, &pw)) != GH_OK ||
	    (err = policy_check_password(req, org, pw, "password")) != GH_OK)
		return err;
	if (first == NULL)
		first = "";
	if (last == NULL)
		last = "";
	if (full == NULL) {
		/* Default: "first last", when that fits. */
		full = arena_printf(req->arena, "%s%s%s", first, *first && *last ? " " : "", last);
		if (utf8_len(full) > 200)
			full = "";
	}
	if (password_hash(pw, strlen(pw), (unsigned long long)cfg->pwhash_opslimit,
	    (size_t)cfg->pwhash_memlimit_kib * 1024, hash) != 0)
		return GH_ERR_INTERNAL;

	/* One transaction: the account, its membership and its role, or nothing. */
	if ((err = db_begin(req->w->db)) != GH_OK)
		goto out;
	memset(&u, 0, sizeof(u));
	u.username = username;
	u.email = email;
	u.phone_number = phone;
	u.first_name = first;
	u.last_name = last;
	u.full_name = full;
	u.profile_image_ref = image;
	if ((err = store_user_insert(req->w->db, req->arena, &u, hash, req->auth.user_id,
	    &id)) != GH_OK) {
		if (err == GH_ERR_CONFLICT)
			err = api_user_conflict(req);
		goto fail;
	}
	if ((err = store_user_join_org(req->w->db, req->arena, id, org)) != GH_OK)
		goto fail;
	/*
	 * The role is resolved here, after the rows above, inside the transaction: a role renamed
	 * or deleted meanwhile fails the whole creation instead of leaving a user without one.
	 */
	if ((err = role_for(req, rolename, org, &role, &platform)) != GH_OK)
		goto fail;
	if ((err = store_user_grant(req->w->db, req->arena, id, role, platform ? 0 : org,
	    req->auth.user_id)) != GH_OK)
		goto fail;
	d = api_object(req);
	cJSON_AddStringToObject(d, "role", rolename);
	cJSON_AddBoolToObject(d, "invite", 0);
	(void)audit_change(req, "user.create", "user", id, org, d);
	if ((err = store_user_get(req->w->db, req->arena, id, 0, &u)) != GH_OK ||
	    (err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	sodium_memzero(hash, sizeof(hash));
	return user_entity(req, 201, &u, arena_printf(req->arena, "/api/v1/users/%lld", id));
fail:
	db_rollback(req->w->db);
out:
	sodium_memzero(hash, sizeof(hash));
	return err;
}

/* ---------------------------------------------------------------------------------------------
 * Update
 */

enum gh_err
api_user_update(struct request *req)
{
	struct api_user_patch	 p;
	struct user		 u;
	long long		 id;
	enum gh_err		 err;
	const char		*old_email;
	int			 email_changed = 0;
	cJSON			*d, *names;

	if ((err = api_id_param(req, 0, &id)) != GH_OK ||
	    (err = body_only(req, api_user_fields)) != GH_OK ||
	    (err = api_user_patch_parse(req, &p)) != GH_OK)
		return err;

	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((err = api_user_load(req, "users.update", id, 1, &u)) != GH_OK ||
	    (err = api_if_match(req, user_json(req, &u))) != GH_OK ||
	    (err = api_account_rule(req, "users.update", id, 1)) != GH_OK)
		goto fail;
	d = api_object(req);
	names = cJSON_AddArrayToObject(d, "fields");
	old_email = u.email;
	if (api_user_patch_apply(&p, &u, names) > 0) {
		email_changed = strcmp(old_email, u.email) != 0;
		if ((err = store_user_update(req->w->db, req->arena, &u, req->auth.user_id)) !=
		    GH_OK) {
			if (err == GH_ERR_CONFLICT)
				err = api_user_conflict(req);
			goto fail;
		}
		/* A new address is not proven: unverified, its owner's pending links retired. */
		if (email_changed &&
		    ((err = store_email_verification_unverify(req->w->db, req->arena, id)) !=
		    GH_OK ||
		    (err = store_signup_retire(req->w->db, req->arena, SIGNUP_EMAIL_VERIFICATION,
		    id)) != GH_OK))
			goto fail;
		(void)audit_change(req, "user.update", "user", id,
		    event_org(req, "users.update", id), d);
		if ((err = store_user_get(req->w->db, req->arena, id, 0, &u)) != GH_OK)
			goto fail;
	}
	if ((err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	/* The verification mail to the new address; the change stands if it cannot be sent. */
	if (email_changed &&
	    api_email_verification_send(req, id, u.username, u.email) != GH_OK)
		log_warn("users: no verification mail for the new address of user %lld", id);
	return user_entity(req, 200, &u, NULL);
fail:
	return refused(req, err, "user.update", id);
}

/* ---------------------------------------------------------------------------------------------
 * Account actions
 */

enum user_action {
	ACT_DISABLE, ACT_ENABLE, ACT_LOCK, ACT_UNLOCK, ACT_EXPIRE, ACT_END_SESSIONS, ACT__MAX
};

static const struct {
	const char	*audit;		/* audit_log action */
	int		 ends_access;	/* bump permission_version, revoke refresh tokens */
	int		 self_ok;	/* the caller may do it to itself */
	const char	*reason;	/* refresh_tokens.revoke_reason */
} actions[ACT__MAX] = {
	[ACT_DISABLE] = { "user.disable", 1, 0, "user_disabled" },
	[ACT_ENABLE] = { "user.enable", 0, 1, NULL },
	[ACT_LOCK] = { "user.lock", 1, 0, "user_locked" },
	[ACT_UNLOCK] = { "user.unlock", 0, 1, NULL },
	[ACT_EXPIRE] = { "user.expire_credentials", 0, 0, NULL },
	[ACT_END_SESSIONS] = { "user.end_sessions", 1, 1, "admin_end_sessions" },
};

/* The account change of action what to user id (none for ACT_END_SESSIONS). */
static enum gh_err
act_change(struct request *req, enum user_action what, long long id)
{
	struct db	*db = req->w->db;
	long long	 by = req->auth.user_id;

	switch (what) {
	case ACT_DISABLE:
	case ACT_ENABLE:
		return store_user_set_enabled(db, req->arena, id, what == ACT_ENABLE, by);
	case ACT_LOCK:
		return store_user_lock(db, req->arena, id, by);
	case ACT_UNLOCK:
		return store_user_unlock(db, req->arena, id, by);
	case ACT_EXPIRE:
		return store_user_expire_credentials(db, req->arena, id, by);
	default:
		return GH_OK;
	}
}

/*
 * An organization caller's "end sessions": the membership's session_version moves and the
 * refresh tokens issued for its organization are revoked, so the user's other organizations
 * keep working (sql/0013).  *mv gets the new version to publish after the commit.
 */
static enum gh_err
end_org_sessions(struct request *req, long long id, long long *mv)
{
	enum gh_err	 err;

	if ((err = session_mv_bump(req, id, req->auth.org_id, mv)) != GH_OK)
		return err;
	return store_refresh_revoke_user_org(req->w->db, req->arena, id, req->auth.org_id,
	    "admin_end_sessions");
}

static enum gh_err
act(struct request *req, enum user_action what)
{
	struct user	 u;
	redisReply	*rep;
	long long	 id, mv = -1;
	enum gh_err	 err;
	int		 org_scope;
	cJSON		*d = NULL;

	if ((err = api_id_param(req, 0, &id)) != GH_OK)
		return err;
	/* Sessions are the account's, but an organization ends only those it issued. */
	org_scope = what == ACT_END_SESSIONS && !authn_platform_has(req, "users.manage");
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((err = api_user_load(req, "users.manage", id, 1, &u)) != GH_OK ||
	    (err = api_if_match(req, user_json(req, &u))) != GH_OK ||
	    (!org_scope &&
	    (err = api_account_rule(req, "users.manage", id, actions[what].self_ok)) != GH_OK) ||
	    (err = act_change(req, what, id)) != GH_OK)
		goto fail;
	if (org_scope) {
		if ((err = end_org_sessions(req, id, &mv)) != GH_OK)
			goto fail;
		d = api_object(req);
		cJSON_AddStringToObject(d, "scope", "organization");
	} else if (actions[what].ends_access) {
		if ((err = session_pv_bump(req, id)) != GH_OK ||
		    (err = store_refresh_revoke_user(req->w->db, req->arena, id,
		    actions[what].reason)) != GH_OK)
			goto fail;
	}
	(void)audit_change(req, actions[what].audit, "user", id,
	    event_org(req, "users.manage", id), d);
	if ((err = store_user_get(req->w->db, req->arena, id, 0, &u)) != GH_OK ||
	    (err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	if (org_scope && (err = session_mv_publish(req, id, req->auth.org_id, mv)) != GH_OK)
		return req_fail(req, err, NULL, "the sessions were ended in the database but the "
		    "token store is unreachable; tokens are refused until it returns");
	if (!org_scope && actions[what].ends_access && (err = publish(req, id)) != GH_OK)
		return err;
	if (what == ACT_UNLOCK)	/* the login failure counter, best effort */
		(void)kv_run(req->w->kv, req->arena, &rep, 2, "DEL",
		    kv_key(req->arena, KV_FAIL_ACCT, "%lld", id));
	if (what == ACT_END_SESSIONS) {
		return resp_status(req, 204);
	}
	return user_entity(req, 200, &u, NULL);
fail:
	return refused(req, err, actions[what].audit, id);
}

API_HANDLER_WITH(api_user_disable, act, ACT_DISABLE)
API_HANDLER_WITH(api_user_enable, act, ACT_ENABLE)
API_HANDLER_WITH(api_user_lock, act, ACT_LOCK)
API_HANDLER_WITH(api_user_unlock, act, ACT_UNLOCK)
API_HANDLER_WITH(api_user_expire_credentials, act, ACT_EXPIRE)
API_HANDLER_WITH(api_user_end_sessions, act, ACT_END_SESSIONS)

/* ---------------------------------------------------------------------------------------------
 * Delete
 */

/*
 * Soft delete: the row stays (audit rows and created_by/updated_by keep pointing at it) but
 * everything personal goes: username and email become tombstones free for reuse, names, phone,
 * image, password and login times are cleared; memberships, roles, team places, refresh tokens
 * (with their addresses and user agents) and every signup_info row of the user (password resets
 * and the invitations it accepted: they hold the email address) are deleted.
 */
enum gh_err
api_user_delete(struct request *req)
{
	struct user	 u;
	long long	 id, org;
	enum gh_err	 err;

	if ((err = api_id_begin(req, &id)) != GH_OK)
		return err;
	if ((err = api_user_load(req, "users.delete", id, 1, &u)) != GH_OK ||
	    (err = api_if_match(req, user_json(req, &u))) != GH_OK ||
	    (err = api_account_rule(req, "users.delete", id, 0)) != GH_OK)
		goto fail;
	org = event_org(req, "users.delete", id);
	if ((err = store_user_delete(req->w->db, req->arena, id, req->auth.user_id)) != GH_OK)
		goto fail;
	(void)audit_change(req, "user.delete", "user", id, org, NULL);
	if ((err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	if ((err = publish(req, id)) != GH_OK)
		return err;
	return resp_status(req, 204);
fail:
	return refused(req, err, "user.delete", id);
}
