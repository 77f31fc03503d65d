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
 * Everything returned belongs to the request's arena.
 */
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>
#include <sodium.h>

#include "api/api.h"
#include "api/common.h"
#include "api/invitations.h"
#include "api/users.h"
#include "auth/authn.h"
#include "auth/authz.h"
#include "auth/password.h"
#include "auth/policy.h"
#include "auth/session.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "core/valid.h"
#include "http/body.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/kv.h"

enum user_col {
	UC_ID, UC_USERNAME, UC_EMAIL, UC_PHONE, UC_FIRST, UC_LAST, UC_FULL, UC_IMAGE, UC_STATUS,
	UC_ENABLED, UC_NON_EXPIRED, UC_NON_LOCKED, UC_CRED_NON_EXPIRED, UC_LOCKED_UNTIL,
	UC_HAS_PASSWORD, UC_LAST_LOGIN, UC_PW_CHANGED, UC_CREATED, UC_UPDATED, UC_CREATED_BY,
	UC_UPDATED_BY, UC_CREATED_RAW
};

/*
 * A driver that starts from fewer rows than this is cheaper than walking the sort index; past
 * it, walking the sort index fills a page sooner.  About sqrt(page x users) for a million users.
 * The environment variable GATEHOUSE_USERS_PROBE_CAP overrides it (the tests set 1 to run the
 * plans a large table gets on a small one).
 */
#define LIST_PROBE_CAP	5000

/*
 * user_search holds prefixes of up to GRAM_K characters (sql/0010): a q of at most GRAM_K
 * characters is exactly the rows of its prefix, a longer one is among those of its first GRAM_K.
 */
#define GRAM_K		4

/*
 * The sorted matches of q (SEARCH, about 5 us per match) against a walk in sort order that
 * keeps the matches (GRAM for the username sort, the sort index for the others).  The username
 * sort's walk is exact and cheap, so the matches are sorted only below SEARCH_SORT_MAX; the
 * other sorts' walks run under a budget of WALK_BUDGET rows examined and fall back to the
 * sorted matches, so those are sorted up to the probe cap.  A q longer than GRAM_K is counted
 * on its five ranges (each capped at SEARCH_SORT_MAX): its prefix rows may be far more.
 */
#define SEARCH_SORT_MAX	1000
#define WALK_BUDGET	10000
#define NO_BUDGET	1000000000000LL

#define USERNAME_WHY	"a username has 3 to 64 letters, digits, '.', '_' or '-'"
#define EMAIL_WHY	"email is not a valid address"

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


/*
 * An https URL (printable ASCII, no spaces, quotes, angle brackets or backslashes), or a
 * relative asset key: letters, digits, . _ - / starting with a letter or digit, without
 * empty, "." or ".." segments.
 */
static int
valid_image_ref(const char *s)
{
	const char	*p, *seg;

	if (strncmp(s, "https://", 8) == 0) {
		if (s[8] == '\0' || s[8] == '/')
			return 0;
		for (p = s; *p != '\0'; p++)
			if (*p <= 0x20 || *p >= 0x7f || strchr("\"<>\\^`{|}", *p) != NULL)
				return 0;
		return 1;
	}
	if (!isalnum((unsigned char)s[0]))
		return 0;
	for (p = s; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("._-/", *p) == NULL)
			return 0;
	for (seg = s; seg != NULL; seg = strchr(seg, '/') ? strchr(seg, '/') + 1 : NULL) {
		if (*seg == '/' || *seg == '\0' || strncmp(seg, "./", 2) == 0 ||
		    strcmp(seg, ".") == 0 || strncmp(seg, "../", 3) == 0 || strcmp(seg, "..") == 0)
			return 0;
	}
	return 1;
}

/* The body field name a duplicate key names. */
static const char *
dup_field(struct request *req)
{
	const char	*k = db_dup_key(req->w->db);

	if (strstr(k, "uq_users_username") != NULL)
		return "username";
	if (strstr(k, "uq_users_email") != NULL)
		return "email";
	if (strstr(k, "uq_users_phone_number") != NULL)
		return "phone_number";
	return NULL;
}

static enum gh_err
conflict(struct request *req)
{
	const char	*f = dup_field(req);

	if (f == NULL)
		return req_fail(req, GH_ERR_CONFLICT, NULL, "a user with these details exists");
	return req_fail(req, GH_ERR_CONFLICT, f, "another user already has this %s", f);
}

/*
 * An optional member that may be null: *present tells whether it was sent, *out is the string
 * or NULL for null.  Strings are min..max characters without non-printing characters (names
 * are shown in consoles and mails).
 */
static enum gh_err
nullable_str(struct request *req, const char *name, size_t min, size_t max, int *present,
    const char **out)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(req->json, name);
	enum gh_err	 err;

	*present = v != NULL;
	*out = NULL;
	if (v == NULL || cJSON_IsNull(v))
		return GH_OK;
	if ((err = body_str(req, name, BODY_REQUIRED, min, max, out)) != GH_OK)
		return err;
	return api_printable(req, name, *out);
}

/* A JSON boolean; absent or null leaves *out at 0. */
static enum gh_err
body_bool(struct request *req, const char *name, int *out)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(req->json, name);

	*out = 0;
	if (v == NULL || cJSON_IsNull(v))
		return GH_OK;
	if (!cJSON_IsBool(v))
		return req_fail(req, GH_ERR_VALIDATION, name, "%s must be true or false", name);
	*out = cJSON_IsTrue(v);
	return GH_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Representation, tenancy, audit
 */

static void
add_id(cJSON *o, const char *k, const struct db_result *r, size_t i, size_t col)
{
	if (db_isnull(r, i, col))
		cJSON_AddNullToObject(o, k);
	else
		cJSON_AddNumberToObject(o, k, (double)db_int(r, i, col));
}

static cJSON *
user_json(struct request *req, const struct db_result *r, size_t i)
{
	cJSON	*o = api_object(req);

	cJSON_AddNumberToObject(o, "id", (double)db_int(r, i, UC_ID));
	cJSON_AddStringToObject(o, "username", db_str(r, i, UC_USERNAME));
	cJSON_AddStringToObject(o, "email", db_str(r, i, UC_EMAIL));
	api_add_str(o, "phone_number", db_str(r, i, UC_PHONE));
	cJSON_AddStringToObject(o, "first_name", db_str(r, i, UC_FIRST));
	cJSON_AddStringToObject(o, "last_name", db_str(r, i, UC_LAST));
	cJSON_AddStringToObject(o, "full_name", db_str(r, i, UC_FULL));
	api_add_str(o, "profile_image_ref", db_str(r, i, UC_IMAGE));
	cJSON_AddStringToObject(o, "status", db_str(r, i, UC_STATUS));
	cJSON_AddBoolToObject(o, "is_enabled", db_int(r, i, UC_ENABLED) != 0);
	cJSON_AddBoolToObject(o, "is_account_non_expired", db_int(r, i, UC_NON_EXPIRED) != 0);
	cJSON_AddBoolToObject(o, "is_account_non_locked", db_int(r, i, UC_NON_LOCKED) != 0);
	cJSON_AddBoolToObject(o, "is_credentials_non_expired",
	    db_int(r, i, UC_CRED_NON_EXPIRED) != 0);
	api_add_str(o, "locked_until", db_str(r, i, UC_LOCKED_UNTIL));
	cJSON_AddBoolToObject(o, "has_password", db_int(r, i, UC_HAS_PASSWORD) != 0);
	api_add_str(o, "last_login", db_str(r, i, UC_LAST_LOGIN));
	api_add_str(o, "password_changed_at", db_str(r, i, UC_PW_CHANGED));
	cJSON_AddStringToObject(o, "created_at", db_str(r, i, UC_CREATED));
	cJSON_AddStringToObject(o, "updated_at", db_str(r, i, UC_UPDATED));
	add_id(o, "created_by", r, i, UC_CREATED_BY);
	add_id(o, "updated_by", r, i, UC_UPDATED_BY);
	return o;
}

/*
 * Read user id (locked for update when lock) into r; 404 when it does not exist, is deleted,
 * or is not a member of a non-platform caller's organization.
 */
static enum gh_err
load(struct request *req, const char *perm, long long id, int lock, struct db_result *r)
{
	struct db_result m;
	struct db_param	 p[2];
	enum gh_err	 err;

	p[0] = DB_INT(id);
	if ((err = db_exec(req->w->db, req->arena, lock ? SQL_USER_GET_LOCK : SQL_USER_GET, p, 1,
	    r)) != GH_OK)
		return err;
	if (r->nrows == 0)
		return req_fail(req, GH_ERR_NOT_FOUND, NULL, "no user %lld", id);
	if (authn_platform_has(req, perm))
		return GH_OK;
	p[1] = DB_INT(req->auth.org_id);
	if ((err = db_exec(req->w->db, req->arena, SQL_USER_IN_ORG, p, 2, &m)) != GH_OK)
		return err;
	if (m.nrows == 0)
		return req_fail(req, GH_ERR_NOT_FOUND, NULL, "no user %lld in your organization", id);
	return GH_OK;
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
 * Answer user row i of r with its ETag, plus what the account rule says of the caller:
 * account_editable (may it make account-level changes, given the permission) and why not.
 * The two are not part of the ETag: they depend on the caller, not on the user.
 */
static enum gh_err
user_entity(struct request *req, int status, const struct db_result *r, const char *location)
{
	cJSON		*o = user_json(req, r, 0);
	const char	*why = NULL;
	long long	 id = db_int(r, 0, UC_ID);
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
	resp_json(req, status, o);
	return GH_OK;
}

/* The organization an event about user id belongs to: the caller's, or for platform callers
 * the user's primary organization (so that organization's administrators see it). */
static long long
event_org(struct request *req, const char *perm, long long id)
{
	struct db_result r;
	struct db_param	 p[1];

	if (!authn_platform_has(req, perm))
		return req->auth.org_id;
	p[0] = DB_INT(id);
	if (db_exec(req->w->db, req->arena, SQL_USER_PRIMARY_ORG, p, 1, &r) == GH_OK && r.nrows > 0)
		return db_int(&r, 0, 0);
	return req->auth.org_id;
}

static void
audit(struct request *req, const char *action, long long id, long long org, const cJSON *details)
{
	(void)audit_change(req, action, "user", id, org, details);
}

/* After the commit: publish the user's new permission_version (deleted users included). */
static enum gh_err
publish(struct request *req, long long id)
{
	struct db_result r;
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_INT(id);
	if ((err = db_exec(req->w->db, req->arena, SQL_USER_PV_ROW, p, 1, &r)) != GH_OK)
		return req_fail(req, err, NULL, "saved, but the new session state could not be "
		    "read back; tokens end when their cache expires");
	return session_pv_publish_rows(req, &r);
}

/* ---------------------------------------------------------------------------------------------
 * List and search
 */

enum list_sort { SORT_USERNAME, SORT_EMAIL, SORT_LAST_NAME, SORT_CREATED, SORT__MAX };
/*
 * Where a plan starts (sql_users.h): USERS, WALK and ORG_ORDERED walk a sort index (of users,
 * of the organization's memberships); ORG, TEAM, SEARCH and ROLE sort the rows of a selective
 * driver; GRAM and GRAM_ORG walk q's prefix rows in username order.
 */
enum list_driver {
	DRV_USERS, DRV_ORG_ORDERED, DRV_ORG, DRV_TEAM, DRV_SEARCH, DRV_ROLE, DRV_WALK, DRV__SORTS,
	DRV_GRAM = DRV__SORTS, DRV_GRAM_ORG, DRV__MAX
};

static const char *const sort_names[SORT__MAX] = { "username", "email", "last_name", "created_at" };

#define UL_ROW(N) { SQL_USER_LIST_##N##_USERNAME_ASC, SQL_USER_LIST_##N##_USERNAME_DESC, \
	SQL_USER_LIST_##N##_EMAIL_ASC, SQL_USER_LIST_##N##_EMAIL_DESC, \
	SQL_USER_LIST_##N##_LAST_NAME_ASC, SQL_USER_LIST_##N##_LAST_NAME_DESC, \
	SQL_USER_LIST_##N##_CREATED_ASC, SQL_USER_LIST_##N##_CREATED_DESC }

static const enum sql_id list_sql[DRV__SORTS][SORT__MAX * 2] = {
	UL_ROW(USERS), UL_ROW(ORG_ORDERED), UL_ROW(ORG), UL_ROW(TEAM), UL_ROW(SEARCH), UL_ROW(ROLE),
	UL_ROW(WALK),
};

/* GRAM and GRAM_ORG: username order only. */
static const enum sql_id gram_sql[2][2] = {
	{ SQL_USER_LIST_GRAM_ASC, SQL_USER_LIST_GRAM_DESC },
	{ SQL_USER_LIST_GRAM_ORG_ASC, SQL_USER_LIST_GRAM_ORG_DESC },
};

/* Drivers whose statement takes a budget of rows examined after the limit. */
static int
drv_walks(enum list_driver d)
{
	return d == DRV_ORG_ORDERED || d == DRV_WALK || d == DRV_GRAM || d == DRV_GRAM_ORG;
}

struct list_args {
	long long	 limit;
	enum list_sort	 sort;
	int		 desc;
	int		 after;		/* a cursor was given */
	const char	*k1, *k2;	/* cursor keys (username/email/last_name/created_at, first_name) */
	long long	 kid;		/* cursor id */
	const char	*q;		/* LIKE pattern, escaped, with the final % */
	const char	*qraw;		/* q as given */
	size_t		 qlen;		/* its length in characters */
	long long	 org;		/* organization context, 0 = every user */
	const char	*role;		/* name */
	long long	 team;
	int		 status;	/* 0 any, 1 enabled, 2 disabled, 3 locked, 4 expired */
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

/* The cursor after row i of r: base64url of [sort, desc, keys..., id]. */
static const char *
cursor_of(struct request *req, const struct list_args *a, const struct db_result *r, size_t i)
{
	cJSON	*c = api_array(req);
	char	*s, *out;
	size_t	 n, olen;

	cJSON_AddItemToArray(c, cJSON_CreateNumber(a->sort));
	cJSON_AddItemToArray(c, cJSON_CreateNumber(a->desc));
	switch (a->sort) {
	case SORT_USERNAME:
		cJSON_AddItemToArray(c, cJSON_CreateString(db_str(r, i, UC_USERNAME)));
		break;
	case SORT_EMAIL:
		cJSON_AddItemToArray(c, cJSON_CreateString(db_str(r, i, UC_EMAIL)));
		break;
	case SORT_LAST_NAME:
		cJSON_AddItemToArray(c, cJSON_CreateString(db_str(r, i, UC_LAST)));
		cJSON_AddItemToArray(c, cJSON_CreateString(db_str(r, i, UC_FIRST)));
		break;
	default:
		cJSON_AddItemToArray(c, cJSON_CreateString(db_str(r, i, UC_CREATED_RAW)));
		break;
	}
	cJSON_AddItemToArray(c, cJSON_CreateNumber((double)db_int(r, i, UC_ID)));
	s = cJSON_PrintUnformatted(c);
	n = strlen(s);
	olen = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	out = arena_alloc(req->arena, olen);
	sodium_bin2base64(out, olen, (unsigned char *)s, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	cJSON_free(s);
	return out;
}

/* "YYYY-MM-DD HH:MM:SS.ffffff", as SQL_USER_* select the created_at of a cursor. */
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

	if (strlen(c) > 1024)
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
	a->k1 = v->valuestring;
	if (a->sort == SORT_LAST_NAME) {
		v = v->next;
		a->k2 = v->valuestring;
	}
	a->kid = (long long)v->next->valuedouble;
	a->after = 1;
	if (a->sort == SORT_CREATED && !datetime_text(a->k1))
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
	struct db_result r;
	struct db_param	 p[2];
	enum gh_err	 err;
	size_t		 i, n;

	memset(a, 0, sizeof(*a));
	if ((err = api_limit_parse(req, &a->limit)) != GH_OK)
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
	if (c != NULL && (err = cursor_parse(req, c, a)) != GH_OK)
		return err;
	if (q != NULL) {
		n = utf8_len(q);
		if (n == (size_t)-1 || n < Q_MIN || n > Q_MAX)
			return req_fail(req, GH_ERR_VALIDATION, "q",
			    "q must have from %d to %d characters", Q_MIN, Q_MAX);
		a->q = like_prefix(req, q);
		a->qraw = q;
		a->qlen = n;
	}
	if (st != NULL) {
		for (i = 0; i < 4 && strcmp(st, statuses[i]) != 0; i++)
			;
		if (i == 4)
			return req_fail(req, GH_ERR_VALIDATION, "status",
			    "status is enabled, disabled, locked or expired");
		a->status = (int)i + 1;
	}

	/* The organization context. */
	if ((err = api_query_int(req, "organization_id", 1, LLONG_MAX,
	    "organization_id must be a positive integer", &a->org)) != GH_OK)
		return err;
	if (!authn_platform_has(req, "users.read")) {
		if (req->auth.org_id <= 0)
			return req_fail(req, GH_ERR_FORBIDDEN, NULL, "your session has no organization");
		if (org != NULL && a->org != req->auth.org_id)
			return req_fail(req, GH_ERR_FORBIDDEN, "organization_id",
			    "you can list only the users of your own organization");
		a->org = req->auth.org_id;
	}

	if ((err = api_query_int(req, "team", 1, LLONG_MAX, "team must be a team id",
	    &a->team)) != GH_OK)
		return err;
	if (team != NULL) {
		p[0] = DB_INT(a->team);
		if ((err = db_exec(req->w->db, req->arena, SQL_USER_TEAM_ORG, p, 1, &r)) != GH_OK)
			return err;
		if (r.nrows == 0 || (!authn_platform_has(req, "users.read") &&
		    db_int(&r, 0, 0) != a->org))
			return req_fail(req, GH_ERR_VALIDATION, "team", "no team %lld", a->team);
	}
	a->role = req_query(req, "role");
	if (a->role != NULL) {
		if ((n = utf8_len(a->role)) == (size_t)-1 || n < 1 || n > 100)
			return req_fail(req, GH_ERR_VALIDATION, "role",
			    "role must be a role name of 1 to 100 characters");
		if (a->org > 0) {
			p[0] = DB_STR(a->role);
			p[1] = DB_INT(a->org);
			if ((err = db_exec(req->w->db, req->arena, SQL_USER_ROLE_IN_ORG, p, 2, &r)) !=
			    GH_OK)
				return err;
			if (r.nrows == 0)
				return req_fail(req, GH_ERR_VALIDATION, "role",
				    "no role named %s in organization %lld", a->role, a->org);
		}
	}
	return GH_OK;
}

static long long
probe_cap(void)
{
	static long long	 cap;
	const char		*e;

	if (cap == 0) {
		e = getenv("GATEHOUSE_USERS_PROBE_CAP");
		cap = e != NULL ? strtoll(e, NULL, 10) : 0;
		if (cap < 1 || cap > 1000000)
			cap = LIST_PROBE_CAP;
	}
	return cap;
}

static enum gh_err
probe(struct request *req, enum sql_id id, const struct db_param *p, size_t n, long long *out)
{
	struct db_result r;
	enum gh_err	 err;

	if ((err = db_exec(req->w->db, req->arena, id, p, n, &r)) != GH_OK)
		return err;
	*out = db_int(&r, 0, 0);
	return GH_OK;
}

static long long
min_ll(long long a, long long b)
{
	return a < b ? a : b;
}

/*
 * Choose where the plan starts, and the budget of a walk (0: none).  Every choice reads a
 * bounded number of rows (docs/api-users.md, "Performance"):
 *  - a team: its members, sorted (teams are small);
 *  - no filter that thins the rows out (only an organization, status enabled or none): a walk
 *    of the sort index, of users or of the organization's memberships: a page is ~51 rows;
 *  - a q of at most GRAM_K characters sorted by username, nothing else but an organization:
 *    its prefix rows (of that organization: org_user_search);
 *  - otherwise the smallest of the organization's members, the holders of the role and q's
 *    candidates, when below its cap, sorted; every capped count stops at the best so far;
 *  - a rare state: its accounts (ix_users_state), sorted;
 *  - a q with many candidates and no small driver: for the username sort, its prefix rows in
 *    username order (exact when q has at most GRAM_K characters; a longer q gets a budget);
 *    for the other sorts, the sort index under a budget.  A walk that runs out of budget falls
 *    back to the matches, sorted (api_users_list).
 */
static enum gh_err
plan(struct request *req, const struct list_args *a, enum list_driver *drv, long long *budget)
{
	struct db_param	 p[10];
	long long	 best = LLONG_MAX, n, lim, cap = probe_cap();
	enum gh_err	 err;
	int		 k;

	*budget = 0;
	if (a->team > 0) {
		*drv = DRV_TEAM;
		return GH_OK;
	}
	*drv = a->org > 0 ? DRV_ORG_ORDERED : DRV_USERS;
	if (a->role == NULL && a->q == NULL && a->status <= 1)
		return GH_OK;
	if (a->q != NULL && a->role == NULL && a->status <= 1 &&
	    a->sort == SORT_USERNAME && a->qlen <= GRAM_K) {
		*drv = a->org > 0 ? DRV_GRAM_ORG : DRV_GRAM;
		return GH_OK;
	}
	if (a->org > 0) {
		p[0] = DB_INT(a->org);
		p[1] = DB_INT(cap);
		if ((err = probe(req, SQL_USER_PROBE_ORG, p, 2, &n)) != GH_OK)
			return err;
		if (n < cap) {
			best = n;
			*drv = DRV_ORG;
		}
	}
	if (a->role != NULL) {
		lim = min_ll(cap, best);
		p[0] = DB_STR(a->role);
		p[1] = DB_INT(a->org > 0);
		p[2] = DB_INT(a->org);
		p[3] = DB_INT(lim);
		if ((err = probe(req, SQL_USER_PROBE_ROLE, p, 4, &n)) != GH_OK)
			return err;
		if (n < lim) {
			best = n;
			*drv = DRV_ROLE;
		}
	}
	if (a->q == NULL) {
		/*
		 * A rare state in a large organization: the users of that state (ix_users_state,
		 * which the optimizer picks for them) with the membership probed, sorted.
		 */
		if (*drv == DRV_ORG_ORDERED && a->status > 1)
			*drv = DRV_USERS;
		return GH_OK;
	}
	if (a->qlen > GRAM_K) {
		lim = min_ll(min_ll(cap, best), SEARCH_SORT_MAX);
		for (k = 0; k < 10; k += 2) {
			p[k] = DB_STR(a->q);
			p[k + 1] = DB_INT(lim);
		}
		if ((err = probe(req, SQL_USER_PROBE_SEARCH, p, 10, &n)) != GH_OK)
			return err;
	} else {
		lim = min_ll(cap, best);
		if (a->sort == SORT_USERNAME)
			lim = min_ll(lim, SEARCH_SORT_MAX);
		p[0] = DB_STR(a->qraw);
		p[1] = DB_INT(lim);
		if ((err = probe(req, SQL_USER_PROBE_GRAM, p, 2, &n)) != GH_OK)
			return err;
	}
	if (n < lim) {
		*drv = DRV_SEARCH;
		return GH_OK;
	}
	if (best != LLONG_MAX)
		return GH_OK;
	if (a->status > 1) {
		/* the accounts of a rare state (ix_users_state, chosen by the optimizer), sorted */
		*drv = DRV_USERS;
		return GH_OK;
	}
	if (a->sort == SORT_USERNAME) {
		*drv = a->org > 0 ? DRV_GRAM_ORG : DRV_GRAM;
		if (a->qlen > GRAM_K)
			*budget = WALK_BUDGET;
	} else {
		*drv = a->org > 0 ? DRV_ORG_ORDERED : DRV_WALK;
		*budget = WALK_BUDGET;
	}
	return GH_OK;
}

/* Run the list statement of driver drv into r. */
static enum gh_err
list_run(struct request *req, const struct list_args *a, enum list_driver drv, long long budget,
    struct db_result *r)
{
	struct db_param	 p[40];
	enum sql_id	 id;
	size_t		 n = 0;
	int		 k, org_in_driver;

	/* The driver's own parameters. */
	switch (drv) {
	case DRV_ORG_ORDERED:
	case DRV_ORG:
		p[n++] = DB_INT(a->org);
		break;
	case DRV_TEAM:
		p[n++] = DB_INT(a->team);
		break;
	case DRV_SEARCH:
		for (k = 0; k < 5; k++)
			p[n++] = DB_STR(a->q);
		break;
	case DRV_ROLE:
		p[n++] = DB_STR(a->role);
		p[n++] = DB_INT(a->org > 0);
		p[n++] = DB_INT(a->org);
		break;
	case DRV_GRAM_ORG:
		p[n++] = DB_INT(a->org);
		/* FALLTHROUGH */
	case DRV_GRAM:
		p[n++] = DB_STR(a->qraw);
		break;
	default:
		break;
	}
	org_in_driver = drv == DRV_ORG_ORDERED || drv == DRV_ORG || drv == DRV_GRAM_ORG;

	/* UL_FILTERS */
	p[n++] = DB_INT(a->q != NULL && drv != DRV_SEARCH);
	for (k = 0; k < 5; k++)
		p[n++] = DB_STR(a->q ? a->q : "");
	p[n++] = DB_INT(a->org > 0 && !org_in_driver);
	p[n++] = DB_INT(a->org);
	p[n++] = DB_STR(a->role ? a->role : "");
	p[n++] = DB_STR(a->role ? a->role : "");
	p[n++] = DB_INT(a->org > 0);
	p[n++] = DB_INT(a->org);
	for (k = 0; k < 5; k++)
		p[n++] = DB_INT(a->status);

	/* The keyset. */
	p[n++] = DB_INT(a->after);
	switch (a->sort) {
	case SORT_LAST_NAME:
		p[n++] = DB_STR(a->after ? a->k1 : "");
		p[n++] = DB_STR(a->after ? a->k1 : "");
		p[n++] = DB_STR(a->after ? a->k2 : "");
		p[n++] = DB_STR(a->after ? a->k2 : "");
		p[n++] = DB_INT(a->kid);
		break;
	case SORT_CREATED:
		p[n++] = DB_STR(a->after ? a->k1 : "1970-01-01 00:00:00");
		p[n++] = DB_STR(a->after ? a->k1 : "1970-01-01 00:00:00");
		p[n++] = DB_INT(a->kid);
		break;
	default:
		p[n++] = DB_STR(a->after ? a->k1 : "");
		break;
	}
	p[n++] = DB_INT(a->limit + 1);
	if (drv_walks(drv))
		p[n++] = DB_INT(budget > 0 ? budget : NO_BUDGET);

	if (drv == DRV_GRAM || drv == DRV_GRAM_ORG)
		id = gram_sql[drv == DRV_GRAM_ORG][a->desc];
	else
		id = list_sql[drv][a->sort * 2 + a->desc];
	return db_exec(req->w->db, req->arena, id, p, n, r);
}

enum gh_err
api_users_list(struct request *req)
{
	struct list_args a;
	struct db_result r;
	enum list_driver drv;
	enum gh_err	 err;
	long long	 budget;
	size_t		 i;
	cJSON		*items, *o;
	const char	*next = NULL;

	if ((err = list_parse(req, &a)) != GH_OK || (err = plan(req, &a, &drv, &budget)) != GH_OK ||
	    (err = list_run(req, &a, drv, budget, &r)) != GH_OK)
		return err;
	/*
	 * A walk under a budget that did not fill the page either ran out of budget or reached
	 * the end: the sorted matches answer both.
	 */
	if (budget > 0 && (long long)r.nrows <= a.limit &&
	    (err = list_run(req, &a, DRV_SEARCH, 0, &r)) != GH_OK)
		return err;
	items = api_array(req);
	for (i = 0; i < r.nrows && (long long)i < a.limit; i++)
		cJSON_AddItemReferenceToArray(items, user_json(req, &r, i));
	if ((long long)r.nrows > a.limit)
		next = cursor_of(req, &a, &r, (size_t)a.limit - 1);
	o = api_object(req);
	cJSON_AddItemReferenceToObject(o, "items", items);
	api_add_str(o, "next_cursor", next);
	resp_json(req, 200, o);
	return GH_OK;
}

enum gh_err
api_user_get(struct request *req)
{
	struct db_result r;
	long long	 id;
	enum gh_err	 err;

	if ((err = api_id_param(req, 0, &id)) != GH_OK ||
	    (err = load(req, "users.read", id, 0, &r)) != GH_OK)
		return err;
	return user_entity(req, 200, &r, NULL);
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
	struct db_result	 r;
	struct db_param		 p[2];
	enum gh_err		 err;

	p[0] = DB_STR(name);
	p[1] = DB_INT(org);
	if ((err = db_exec(req->w->db, req->arena, SQL_USER_ROLE_IN_ORG, p, 2, &r)) != GH_OK)
		return err;
	if (r.nrows == 0)
		return req_fail(req, GH_ERR_VALIDATION, "role", "no role named %s in organization %lld",
		    name, org);
	*id = db_int(&r, 0, 0);
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
	struct db_result r;
	struct db_param	 p[1];
	long long	 want = 0;
	enum gh_err	 err;

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
	p[0] = DB_INT(*org);
	if ((err = db_exec(req->w->db, req->arena, SQL_USER_ORG_EXISTS, p, 1, &r)) != GH_OK)
		return err;
	if (r.nrows == 0)
		return req_fail(req, GH_ERR_VALIDATION, "organization_id", "no organization %lld",
		    *org);
	return GH_OK;
}

/* "invite": true -- an invitation instead of an account; the invitee picks the rest. */
static enum gh_err
create_invite(struct request *req, const char *email, const char *rolename, long long org)
{
	static const char *const fields[] = { "email", "role", "organization_id", "invite", NULL };
	struct db_result r;
	struct db_param	 p[1];
	long long	 role = 0;
	int		 platform;
	enum gh_err	 err;
	cJSON		*inv = NULL, *d, *idv;

	if ((err = body_only(req, fields)) != GH_OK) {
		req->detail = arena_printf(req->arena, "%s is not used with invite: the invitee "
		    "chooses it when accepting", req->field ? req->field : "that field");
		return err;
	}
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	p[0] = DB_STR(email);
	if ((err = db_exec(req->w->db, req->arena, SQL_USER_EMAIL_TAKEN, p, 1, &r)) != GH_OK)
		goto fail;
	if (r.nrows > 0) {
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
	audit(req, "user.invite", 0, org, d);
	if ((err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	if (cJSON_IsNumber(idv))
		resp_header(req, "Location", arena_printf(req->arena, "/api/v1/invitations/%lld",
		    (long long)idv->valuedouble));
	resp_json(req, 202, inv);
	return GH_OK;
fail:
	db_rollback(req->w->db);
	return err;
}

enum gh_err
api_user_create(struct request *req)
{
	static const char *const fields[] = { "username", "email", "phone_number", "first_name",
	    "last_name", "full_name", "profile_image_ref", "password", "invite", "role",
	    "organization_id", NULL };
	const struct gh_config	*cfg = req->w->cfg;
	struct db_result	 r;
	struct db_param		 p[10];
	const char		*username, *email, *phone, *first, *last, *full, *image, *pw;
	const char		*rolename;
	char			 hash[crypto_pwhash_STRBYTES];
	long long		 org = 0, id, role;
	int			 invite, platform, present;
	enum gh_err		 err;
	cJSON			*d;

	if ((err = body_only(req, fields)) != GH_OK ||
	    (err = body_bool(req, "invite", &invite)) != GH_OK ||
	    (err = body_str(req, "email", BODY_REQUIRED, 3, 254, &email)) != GH_OK ||
	    (err = body_str(req, "role", BODY_OPTIONAL, 1, 100, &rolename)) != GH_OK)
		return err;
	if ((err = api_ident(req, "email", VALID_EMAIL, email, EMAIL_WHY, &email)) != GH_OK)
		return err;
	if (rolename == NULL)
		rolename = "member";
	if ((err = target_org(req, &org)) != GH_OK)
		return err;
	if (invite)
		return create_invite(req, email, rolename, org);

	if ((err = body_str(req, "username", BODY_REQUIRED, 3, 64, &username)) != GH_OK ||
	    (err = nullable_str(req, "phone_number", 3, 16, &present, &phone)) != GH_OK ||
	    (err = nullable_str(req, "first_name", 0, 100, &present, &first)) != GH_OK ||
	    (err = nullable_str(req, "last_name", 0, 100, &present, &last)) != GH_OK ||
	    (err = nullable_str(req, "full_name", 0, 200, &present, &full)) != GH_OK ||
	    (err = nullable_str(req, "profile_image_ref", 1, 512, &present, &image)) != GH_OK)
		return err;
	if ((err = api_ident(req, "username", VALID_USERNAME, username, USERNAME_WHY,
	    &username)) != GH_OK)
		return err;
	if (phone != NULL && !valid_phone(phone))
		return req_fail(req, GH_ERR_VALIDATION, "phone_number",
		    "phone_number must be in E.164 form, like +14155550123");
	if (image != NULL && !valid_image_ref(image))
		return req_fail(req, GH_ERR_VALIDATION, "profile_image_ref",
		    "profile_image_ref is an https URL or a relative asset path");
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
	p[0] = DB_STR(username);
	p[1] = DB_STR(email);
	p[2] = DB_STR(phone);
	p[3] = DB_STR(first);
	p[4] = DB_STR(last);
	p[5] = DB_STR(full);
	p[6] = DB_STR(image);
	p[7] = DB_STR(hash);
	p[8] = DB_INT(req->auth.user_id);
	p[9] = DB_INT(req->auth.user_id);
	if ((err = db_exec(req->w->db, req->arena, SQL_USER_INSERT, p, 10, &r)) != GH_OK) {
		if (err == GH_ERR_CONFLICT)
			err = conflict(req);
		goto fail;
	}
	id = (long long)r.insert_id;
	p[0] = DB_INT(id);
	p[1] = DB_INT(org);
	if ((err = db_exec(req->w->db, req->arena, SQL_USER_JOIN_ORG, p, 2, NULL)) != GH_OK)
		goto fail;
	/*
	 * The role is resolved here, after the rows above, inside the transaction: a role renamed
	 * or deleted meanwhile fails the whole creation instead of leaving a user without one.
	 */
	if ((err = role_for(req, rolename, org, &role, &platform)) != GH_OK)
		goto fail;
	p[0] = DB_INT(id);
	p[1] = DB_INT(role);
	p[2] = platform ? DB_NULL : DB_INT(org);
	p[3] = DB_INT(req->auth.user_id);
	if ((err = db_exec(req->w->db, req->arena, SQL_USER_GRANT, p, 4, NULL)) != GH_OK)
		goto fail;
	p[0] = DB_INT(role);
	p[1] = DB_INT(id);
	if ((err = db_exec(req->w->db, req->arena, SQL_USER_SET_ROLE, p, 2, NULL)) != GH_OK)
		goto fail;
	d = api_object(req);
	cJSON_AddStringToObject(d, "role", rolename);
	cJSON_AddBoolToObject(d, "invite", 0);
	audit(req, "user.create", id, org, d);
	p[0] = DB_INT(id);
	if ((err = db_exec(req->w->db, req->arena, SQL_USER_GET, p, 1, &r)) != GH_OK ||
	    (err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	sodium_memzero(hash, sizeof(hash));
	return user_entity(req, 201, &r, arena_printf(req->arena, "/api/v1/users/%lld", id));
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
	static const char *const fields[] = { "username", "email", "phone_number", "first_name",
	    "last_name", "full_name", "profile_image_ref", NULL };
	static const struct { const char *name; size_t min, max; int col; } f[] = {
		{ "username", 3, 64, UC_USERNAME }, { "email", 3, 254, UC_EMAIL },
		{ "phone_number", 3, 16, UC_PHONE }, { "first_name", 0, 100, UC_FIRST },
		{ "last_name", 0, 100, UC_LAST }, { "full_name", 0, 200, UC_FULL },
		{ "profile_image_ref", 1, 512, UC_IMAGE },
	};
	const size_t	 nf = sizeof(f) / sizeof(f[0]);
	const char	*v[sizeof(f) / sizeof(f[0])];
	int		 given[sizeof(f) / sizeof(f[0])];
	struct db_result r;
	struct db_param	 p[9];
	long long	 id;
	enum gh_err	 err;
	size_t		 i, changed = 0;
	cJSON		*d, *names;

	if ((err = api_id_param(req, 0, &id)) != GH_OK || (err = body_only(req, fields)) != GH_OK)
		return err;
	for (i = 0; i < nf; i++)
		if ((err = nullable_str(req, f[i].name, f[i].min, f[i].max, &given[i], &v[i])) !=
		    GH_OK)
			return err;
	if (given[0] && (err = api_ident(req, "username", VALID_USERNAME, v[0] ? v[0] : "",
	    USERNAME_WHY, &v[0])) != GH_OK)
		return err;
	if (given[1] && (err = api_ident(req, "email", VALID_EMAIL, v[1] ? v[1] : "", EMAIL_WHY,
	    &v[1])) != GH_OK)
		return err;
	if (v[2] != NULL && !valid_phone(v[2]))
		return req_fail(req, GH_ERR_VALIDATION, "phone_number",
		    "phone_number must be in E.164 form, like +14155550123");
	if (v[6] != NULL && !valid_image_ref(v[6]))
		return req_fail(req, GH_ERR_VALIDATION, "profile_image_ref",
		    "profile_image_ref is an https URL or a relative asset path");

	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((err = load(req, "users.update", id, 1, &r)) != GH_OK ||
	    (err = api_if_match(req, user_json(req, &r, 0))) != GH_OK ||
	    (err = api_account_rule(req, "users.update", id, 1)) != GH_OK)
		goto fail;
	d = api_object(req);
	names = cJSON_AddArrayToObject(d, "fields");
	for (i = 0; i < nf; i++) {
		const char *old = db_str(&r, 0, (size_t)f[i].col);

		if (!given[i])
			v[i] = old;
		else if (v[i] == NULL && f[i].col != UC_PHONE && f[i].col != UC_IMAGE)
			v[i] = "";	/* names: null clears */
		if ((v[i] == NULL) != (old == NULL) || (v[i] != NULL && strcmp(v[i], old) != 0)) {
			cJSON_AddItemToArray(names, cJSON_CreateString(f[i].name));
			changed++;
		}
	}
	if (changed > 0) {
		for (i = 0; i < nf; i++)
			p[i] = DB_STR(v[i]);
		p[7] = DB_INT(req->auth.user_id);
		p[8] = DB_INT(id);
		if ((err = db_exec(req->w->db, req->arena, SQL_USER_UPDATE, p, 9, NULL)) != GH_OK) {
			if (err == GH_ERR_CONFLICT)
				err = conflict(req);
			goto fail;
		}
		audit(req, "user.update", id, event_org(req, "users.update", id), d);
		p[0] = DB_INT(id);
		if ((err = db_exec(req->w->db, req->arena, SQL_USER_GET, p, 1, &r)) != GH_OK)
			goto fail;
	}
	if ((err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	return user_entity(req, 200, &r, NULL);
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
	enum sql_id	 stmt;		/* the change; SQL_PING when there is none */
	int		 ends_access;	/* bump permission_version, revoke refresh tokens */
	int		 self_ok;	/* the caller may do it to itself */
	const char	*reason;	/* refresh_tokens.revoke_reason */
} actions[ACT__MAX] = {
	[ACT_DISABLE] = { "user.disable", SQL_USER_SET_ENABLED, 1, 0, "user_disabled" },
	[ACT_ENABLE] = { "user.enable", SQL_USER_SET_ENABLED, 0, 1, NULL },
	[ACT_LOCK] = { "user.lock", SQL_USER_ADMIN_LOCK, 1, 0, "user_locked" },
	[ACT_UNLOCK] = { "user.unlock", SQL_USER_ADMIN_UNLOCK, 0, 1, NULL },
	[ACT_EXPIRE] = { "user.expire_credentials", SQL_USER_EXPIRE_CREDENTIALS, 0, 0, NULL },
	[ACT_END_SESSIONS] = { "user.end_sessions", SQL_PING, 1, 1, "admin_end_sessions" },
};

/*
 * An organization caller's "end sessions": the membership's session_version moves and the
 * refresh tokens issued for its organization are revoked, so the user's other organizations
 * keep working (sql/0013).  *mv gets the new version to publish after the commit.
 */
static enum gh_err
end_org_sessions(struct request *req, long long id, long long *mv)
{
	struct db_param	 p[3];
	enum gh_err	 err;

	if ((err = session_mv_bump(req, id, req->auth.org_id, mv)) != GH_OK)
		return err;
	p[0] = DB_STR("admin_end_sessions");
	p[1] = DB_INT(id);
	p[2] = DB_INT(req->auth.org_id);
	return db_exec(req->w->db, req->arena, SQL_RT_REVOKE_USER_ORG, p, 3, NULL);
}

static enum gh_err
act(struct request *req, enum user_action what)
{
	struct db_result r;
	struct db_param	 p[3];
	redisReply	*rep;
	long long	 id, mv = -1;
	size_t		 n = 0;
	enum gh_err	 err;
	int		 org_scope;
	cJSON		*d = NULL;

	if ((err = api_id_param(req, 0, &id)) != GH_OK)
		return err;
	/* Sessions are the account's, but an organization ends only those it issued. */
	org_scope = what == ACT_END_SESSIONS && !authn_platform_has(req, "users.manage");
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((err = load(req, "users.manage", id, 1, &r)) != GH_OK ||
	    (err = api_if_match(req, user_json(req, &r, 0))) != GH_OK ||
	    (!org_scope &&
	    (err = api_account_rule(req, "users.manage", id, actions[what].self_ok)) != GH_OK))
		goto fail;
	if (what == ACT_DISABLE || what == ACT_ENABLE)
		p[n++] = DB_INT(what == ACT_ENABLE);
	p[n++] = DB_INT(req->auth.user_id);
	p[n++] = DB_INT(id);
	if (actions[what].stmt != SQL_PING &&
	    (err = db_exec(req->w->db, req->arena, actions[what].stmt, p, n, NULL)) != GH_OK)
		goto fail;
	if (org_scope) {
		if ((err = end_org_sessions(req, id, &mv)) != GH_OK)
			goto fail;
		d = api_object(req);
		cJSON_AddStringToObject(d, "scope", "organization");
	} else if (actions[what].ends_access) {
		p[0] = DB_STR(actions[what].reason);
		p[1] = DB_INT(id);
		if ((err = session_pv_bump(req, id)) != GH_OK ||
		    (err = db_exec(req->w->db, req->arena, SQL_RT_REVOKE_USER, p, 2, NULL)) != GH_OK)
			goto fail;
	}
	audit(req, actions[what].audit, id, event_org(req, "users.manage", id), d);
	p[0] = DB_INT(id);
	if ((err = db_exec(req->w->db, req->arena, SQL_USER_GET, p, 1, &r)) != GH_OK ||
	    (err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	if (org_scope && (err = session_mv_publish(req, id, req->auth.org_id, mv)) != GH_OK)
		return req_fail(req, err, NULL, "the sessions were ended in the database but the "
		    "token store is unreachable; tokens are refused until it returns");
	if (!org_scope && actions[what].ends_access && (err = publish(req, id)) != GH_OK)
		return err;
	if (what == ACT_UNLOCK)	/* the login failure counter, best effort */
		(void)kv_run(req->w->kv, req->arena, &rep, 2, "DEL",
		    session_key(req, "fail:acct:", id));
	if (what == ACT_END_SESSIONS) {
		resp_status(req, 204);
		return GH_OK;
	}
	return user_entity(req, 200, &r, NULL);
fail:
	return refused(req, err, actions[what].audit, id);
}

enum gh_err
api_user_disable(struct request *req)
{
	return act(req, ACT_DISABLE);
}

enum gh_err
api_user_enable(struct request *req)
{
	return act(req, ACT_ENABLE);
}

enum gh_err
api_user_lock(struct request *req)
{
	return act(req, ACT_LOCK);
}

enum gh_err
api_user_unlock(struct request *req)
{
	return act(req, ACT_UNLOCK);
}

enum gh_err
api_user_expire_credentials(struct request *req)
{
	return act(req, ACT_EXPIRE);
}

enum gh_err
api_user_end_sessions(struct request *req)
{
	return act(req, ACT_END_SESSIONS);
}

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
	static const enum sql_id drops[] = { SQL_USER_DROP_MEMBERSHIPS, SQL_USER_DROP_ROLES,
	    SQL_USER_DROP_TEAMS, SQL_USER_DROP_TOKENS, SQL_USER_DROP_SIGNUPS };
	struct db_result r;
	struct db_param	 p[2];
	long long	 id, org;
	enum gh_err	 err;
	size_t		 i;

	if ((err = api_id_param(req, 0, &id)) != GH_OK)
		return err;
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((err = load(req, "users.delete", id, 1, &r)) != GH_OK ||
	    (err = api_if_match(req, user_json(req, &r, 0))) != GH_OK ||
	    (err = api_account_rule(req, "users.delete", id, 0)) != GH_OK)
		goto fail;
	org = event_org(req, "users.delete", id);
	p[0] = DB_INT(req->auth.user_id);
	p[1] = DB_INT(id);
	if ((err = db_exec(req->w->db, req->arena, SQL_USER_SCRUB, p, 2, NULL)) != GH_OK)
		goto fail;
	p[0] = DB_INT(id);
	for (i = 0; i < sizeof(drops) / sizeof(drops[0]); i++)
		if ((err = db_exec(req->w->db, req->arena, drops[i], p, 1, NULL)) != GH_OK)
			goto fail;
	audit(req, "user.delete", id, org, NULL);
	if ((err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	if ((err = publish(req, id)) != GH_OK)
		return err;
	resp_status(req, 204);
	return GH_OK;
fail:
	return refused(req, err, "user.delete", id);
}
