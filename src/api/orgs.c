/*
 * orgs.c: organizations and their members (user_organization), docs/api-orgs.md.
 *
 * Tenancy: a caller holding the route's permission through a platform role acts on every
 * organization; any other caller sees only its token's organization (another one answers 404)
 * and may rename and describe it, list, remove and re-prioritise its members, but not create,
 * delete, suspend or reactivate organizations, nor add users to them (403).
 *
 * Tokens: suspending an organization, deleting it and removing a member bump the
 * permission_version of the users concerned in the transaction and publish it to Redis after the
 * commit, so their access tokens answer 401 token_revoked on the next request; login and refresh
 * then refuse a suspended organization (organization_suspended) or a lost membership.
 */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <sodium.h>

#include "api/api.h"
#include "api/common.h"
#include "api/orgs.h"
#include "auth/authn.h"
#include "auth/session.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "core/valid.h"
#include "core/valid.h"
#include "http/body.h"
#include "store/audit.h"
#include "store/db.h"

enum { OC_ID, OC_SLUG, OC_NAME, OC_DESC, OC_STATUS, OC_CREATED, OC_UPDATED, OC_CBY, OC_UBY,
    OC_KEY };
enum {
	MC_ID, MC_USERNAME, MC_EMAIL, MC_FULL, MC_PRIMARY, MC_JOINED, MC_ROLES, MC_STATUS,
	MC_STATUS_AT, MC_STATUS_BY
};
enum { UC_LIVE, UC_MEMBERSHIPS, UC_GRANTS, UC_ROLES, UC_TEAMS, UC_INVITATIONS, UC_POLICIES,
    UC_THEME };

#define ORG_NAME_MAX	200
#define ORG_DESC_MAX	1000
#define ORG_Q_MAX	200
#define CURSOR_MAX	2048	/* bytes of a decoded list cursor */

/* The sort orders of the list, each with its statement. */
static const struct {
	const char	*name;
	enum sql_id	 stmt;
} sorts[] = {
	{ "id", SQL_ORG_LIST_ID },
	{ "-id", SQL_ORG_LIST_ID_DESC },
	{ "name", SQL_ORG_LIST_NAME },
	{ "-name", SQL_ORG_LIST_NAME_DESC },
	{ "created_at", SQL_ORG_LIST_CREATED },
	{ "-created_at", SQL_ORG_LIST_CREATED_DESC },
};

/* ^[a-z0-9][a-z0-9-]{1,62}$, and not only digits (login reads a string of digits as an id). */
static int
valid_slug(const char *s)
{
	size_t	 i;
	int	 letter = 0;

	for (i = 0; s[i] != '\0'; i++) {
		if ((s[i] >= 'a' && s[i] <= 'z') || (i > 0 && s[i] == '-'))
			letter = 1;
		else if (!(s[i] >= '0' && s[i] <= '9'))
			return 0;
	}
	return i >= 2 && i <= 63 && letter;
}

/* Not blank, no non-printing characters (valid_printable). */
static int
valid_name(const char *s)
{
	const unsigned char	*p;
	int			 seen = 0;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (!isspace(*p))
			seen = 1;
	return seen && valid_printable(s);
}

static int
valid_status(const char *s)
{
	return strcmp(s, "active") == 0 || strcmp(s, "suspended") == 0;
}

static cJSON *
org_json(struct request *req, const struct db_result *r, size_t i)
{
	cJSON	*o = api_object(req);

	cJSON_AddNumberToObject(o, "id", (double)db_int(r, i, OC_ID));
	cJSON_AddStringToObject(o, "slug", db_str(r, i, OC_SLUG));
	cJSON_AddStringToObject(o, "name", db_str(r, i, OC_NAME));
	api_add_str(o, "description", db_str(r, i, OC_DESC));
	cJSON_AddStringToObject(o, "status", db_str(r, i, OC_STATUS));
	cJSON_AddStringToObject(o, "created_at", db_str(r, i, OC_CREATED));
	cJSON_AddStringToObject(o, "updated_at", db_str(r, i, OC_UPDATED));
	api_add_id(o, "created_by", r, i, OC_CBY);
	api_add_id(o, "updated_by", r, i, OC_UBY);
	return o;
}

static cJSON *
member_json(struct request *req, long long org, const struct db_result *r, size_t i)
{
	cJSON		*o = api_object(req), *a;
	const char	*roles = db_str(r, i, MC_ROLES), *p, *comma;

	cJSON_AddNumberToObject(o, "user_id", (double)db_int(r, i, MC_ID));
	cJSON_AddNumberToObject(o, "organization_id", (double)org);
	cJSON_AddStringToObject(o, "username", db_str(r, i, MC_USERNAME));
	cJSON_AddStringToObject(o, "email", db_str(r, i, MC_EMAIL));
	cJSON_AddStringToObject(o, "full_name", db_str(r, i, MC_FULL));
	cJSON_AddBoolToObject(o, "is_primary", db_int(r, i, MC_PRIMARY) != 0);
	cJSON_AddStringToObject(o, "joined_at", db_str(r, i, MC_JOINED));
	cJSON_AddStringToObject(o, "status", db_str(r, i, MC_STATUS));
	api_add_str(o, "status_changed_at", db_str(r, i, MC_STATUS_AT));
	api_add_id(o, "status_changed_by", r, i, MC_STATUS_BY);
	a = cJSON_AddArrayToObject(o, "roles");
	for (p = roles; p != NULL && *p != '\0'; p = comma ? comma + 1 : NULL) {
		comma = strchr(p, ',');
		cJSON_AddItemToArray(a, cJSON_CreateString(comma ?
		    arena_strndup(req->arena, p, (size_t)(comma - p)) : p));
	}
	return o;
}

static enum gh_err
audit(struct request *req, const char *action, long long org, const char *type, long long target,
    const cJSON *details)
{
	return audit_change(req, action, type, target, org, details);
}

/*
 * Read organization id (locked for update when lock) into r: 404 unless the caller holds perm
 * through a platform role or it is the caller's own organization.
 */
static enum gh_err
load(struct request *req, long long id, const char *perm, int lock, struct db_result *r)
{
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_INT(id);
	if ((err = db_exec(req->w->db, req->arena, lock ? SQL_ORG_GET_LOCK : SQL_ORG_GET, p, 1,
	    r)) != GH_OK)
		return err;
	if (r->nrows == 0 || (id != req->auth.org_id && !authn_platform_has(req, perm)))
		return req_fail(req, GH_ERR_NOT_FOUND, NULL, "no organization %lld", id);
	return GH_OK;
}

/* The membership of user in org (a user who is not deleted), or 404. */
static enum gh_err
load_member(struct request *req, long long org, long long user, struct db_result *r)
{
	struct db_param	 p[2];
	enum gh_err	 err;

	p[0] = DB_INT(org);
	p[1] = DB_INT(user);
	if ((err = db_exec(req->w->db, req->arena, SQL_ORG_MEMBER_GET, p, 2, r)) != GH_OK)
		return err;
	if (r->nrows == 0)
		return req_fail(req, GH_ERR_NOT_FOUND, NULL,
		    "user %lld is not a member of organization %lld", user, org);
	return GH_OK;
}

/* Lock the user's row (serialises changes of its primary organization); 0 rows when gone. */
static enum gh_err
lock_user(struct request *req, long long user, struct db_result *r)
{
	struct db_param	 p[1];

	p[0] = DB_INT(user);
	return db_exec(req->w->db, req->arena, SQL_ORG_USER_LOCK, p, 1, r);
}

/*
 * Begin the transaction of a change to user's membership in org: the organization (visible to
 * the caller, locked), the user's row locked, the membership read into m, If-Match checked
 * against it.  On failure the transaction is rolled back.
 */
static enum gh_err
member_begin(struct request *req, long long org, long long user, struct db_result *m)
{
	struct db_result r;
	enum gh_err	 err;

	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((err = load(req, org, "organizations.members", 1, &r)) != GH_OK ||
	    (err = lock_user(req, user, &r)) != GH_OK ||
	    (err = load_member(req, org, user, m)) != GH_OK ||
	    (err = api_if_match(req, member_json(req, org, m, 0))) != GH_OK)
		db_rollback(req->w->db);
	return err;
}

/*
 * The list cursor: base64url of "sort\nid\nkey", the last row's sort order, id and sort key.  A
 * cursor made for another sort order is refused.
 */
static const char *
make_cursor(struct request *req, const char *sort, long long id, const char *key)
{
	const char	*plain = arena_printf(req->arena, "%s\n%lld\n%s", sort, id, key);
	size_t		 n = strlen(plain), outlen = sodium_base64_ENCODED_LEN(n,
			    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char		*out = arena_alloc(req->arena, outlen);

	sodium_bin2base64(out, outlen, (const unsigned char *)plain, n,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

static enum gh_err
parse_cursor(struct request *req, const char *sort, long long *id, const char **key)
{
	const char	*c = req_query(req, "cursor");
	unsigned char	*dec;
	char		*s, *nl;
	size_t		 n;

	*id = 0;
	*key = "";
	if (c == NULL)
		return GH_OK;
	dec = arena_alloc(req->arena, CURSOR_MAX + 1);
	if (strlen(c) > CURSOR_MAX * 4 / 3 + 4 ||
	    sodium_base642bin(dec, CURSOR_MAX, c, strlen(c), NULL, &n, NULL,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 || memchr(dec, '\0', n) != NULL)
		goto bad;
	dec[n] = '\0';
	s = (char *)dec;
	if ((nl = strchr(s, '\n')) == NULL)
		goto bad;
	*nl = '\0';
	if (strcmp(s, sort) != 0)
		return req_fail(req, GH_ERR_VALIDATION, "cursor",
		    "this cursor belongs to another sort order");
	s = nl + 1;
	if ((nl = strchr(s, '\n')) == NULL)
		goto bad;
	*nl = '\0';
	if (!valid_int_text(s, 1, LLONG_MAX, id))
		goto bad;
	*key = nl + 1;
	if (utf8_len(*key) == (size_t)-1)
		goto bad;
	return GH_OK;
bad:
	return req_fail(req, GH_ERR_VALIDATION, "cursor", "cursor is not one we issued");
}

/* "%q%" for LIKE ... ESCAPE '!'. */
enum gh_err
api_orgs_list(struct request *req)
{
	struct db_result r;
	struct db_param	 p[12];
	const char	*sort = req_query(req, "sort"), *status = req_query(req, "status");
	const char	*q = req_query(req, "q"), *key, *pat = "";
	long long	 limit, after;
	enum sql_id	 stmt = SQL_ORG_LIST_ID;
	enum gh_err	 err;
	cJSON		*items, *o;
	size_t		 i, k;

	if ((err = api_limit_parse(req, &limit)) != GH_OK)
		return err;
	if (sort == NULL || *sort == '\0')
		sort = "id";
	for (k = 0; k < sizeof(sorts) / sizeof(sorts[0]); k++)
		if (strcmp(sort, sorts[k].name) == 0)
			break;
	if (k == sizeof(sorts) / sizeof(sorts[0]))
		return req_fail(req, GH_ERR_VALIDATION, "sort",
		    "sort is id, name or created_at, with a leading - for descending order");
	stmt = sorts[k].stmt;
	if (status != NULL && *status != '\0' && !valid_status(status))
		return req_fail(req, GH_ERR_VALIDATION, "status", "status is active or suspended");
	if (q != NULL && *q != '\0') {
		if (utf8_len(q) == (size_t)-1 || utf8_len(q) > ORG_Q_MAX)
			return req_fail(req, GH_ERR_VALIDATION, "q",
			    "q is up to %d characters of UTF-8", ORG_Q_MAX);
		pat = api_like_pattern(req, q);
	}
	if ((err = parse_cursor(req, sort, &after, &key)) != GH_OK)
		return err;

	p[0] = DB_INT(authn_platform_has(req, "organizations.read"));
	p[1] = DB_INT(req->auth.org_id);
	p[2] = DB_STR(status ? status : "");
	p[3] = DB_STR(status ? status : "");
	p[4] = DB_STR(*pat ? "q" : "");
	p[5] = DB_STR(pat);
	p[6] = DB_STR(pat);
	p[7] = DB_INT(after > 0);
	p[8] = DB_STR(key);
	p[9] = DB_STR(key);
	p[10] = DB_INT(after);
	p[11] = DB_INT(limit + 1);
	if ((err = db_exec(req->w->db, req->arena, stmt, p, 12, &r)) != GH_OK)
		return err;
	items = api_array(req);
	for (i = 0; i < r.nrows && (long long)i < limit; i++)
		cJSON_AddItemReferenceToArray(items, org_json(req, &r, i));
	o = api_object(req);
	cJSON_AddItemReferenceToObject(o, "items", items);
	if ((long long)r.nrows > limit)
		cJSON_AddStringToObject(o, "next_cursor", make_cursor(req, sort,
		    db_int(&r, (size_t)limit - 1, OC_ID), db_str(&r, (size_t)limit - 1, OC_KEY)));
	else
		cJSON_AddNullToObject(o, "next_cursor");
	resp_json(req, 200, o);
	return GH_OK;
}

enum gh_err
api_org_get(struct request *req)
{
	struct db_result r;
	long long	 id;
	enum gh_err	 err;

	if ((err = api_id_param(req, 0, &id)) != GH_OK ||
	    (err = load(req, id, "organizations.read", 0, &r)) != GH_OK)
		return err;
	api_entity(req, 200, org_json(req, &r, 0), NULL);
	return GH_OK;
}

enum gh_err
api_org_create(struct request *req)
{
	static const char *const fields[] = { "slug", "name", "description", "status", NULL };
	struct db_result r;
	struct db_param	 p[6];
	const char	*slug, *name, *desc, *status;
	long long	 id;
	enum gh_err	 err;
	cJSON		*d;

	if ((err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "slug", BODY_REQUIRED, 1, 64, &slug)) != GH_OK ||
	    (err = body_str(req, "name", BODY_REQUIRED, 1, ORG_NAME_MAX, &name)) != GH_OK ||
	    (err = body_str(req, "description", BODY_OPTIONAL, 0, ORG_DESC_MAX, &desc)) != GH_OK ||
	    (err = body_str(req, "status", BODY_OPTIONAL, 1, 20, &status)) != GH_OK)
		return err;
	if (!valid_slug(slug))
		return req_fail(req, GH_ERR_VALIDATION, "slug", "a slug is 2-63 characters of a-z, "
		    "0-9 and -, starting with a letter or digit, and not only digits");
	if (!valid_name(name))
		return req_fail(req, GH_ERR_VALIDATION, "name",
		    "name must not be blank nor hold non-printing characters");
	if (status == NULL)
		status = "active";
	if (!valid_status(status))
		return req_fail(req, GH_ERR_VALIDATION, "status", "status is active or suspended");
	if (!authn_platform_has(req, "organizations.create"))
		return req_fail(req, GH_ERR_FORBIDDEN, NULL,
		    "organizations are created by platform administrators");

	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	p[0] = DB_STR(slug);
	p[1] = DB_STR(name);
	p[2] = DB_STR(desc);
	p[3] = DB_STR(status);
	p[4] = DB_INT(req->auth.user_id);
	p[5] = DB_INT(req->auth.user_id);
	if ((err = db_exec(req->w->db, req->arena, SQL_ORG_INSERT, p, 6, &r)) != GH_OK) {
		if (err == GH_ERR_CONFLICT)
			req_fail(req, err, "slug", "an organization with slug %s already exists", slug);
		goto fail;
	}
	id = (long long)r.insert_id;
	d = api_object(req);
	cJSON_AddStringToObject(d, "slug", slug);
	cJSON_AddStringToObject(d, "status", status);
	if ((err = audit(req, "organization.create", id, "organization", id, d)) != GH_OK ||
	    (err = load(req, id, "organizations.create", 0, &r)) != GH_OK ||
	    (err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	api_entity(req, 201, org_json(req, &r, 0),
	    arena_printf(req->arena, "/api/v1/organizations/%lld", id));
	return GH_OK;
fail:
	db_rollback(req->w->db);
	return err;
}

enum gh_err
api_org_update(struct request *req)
{
	static const char *const fields[] = { "name", "description", "status", NULL };
	struct db_result r, pv;
	struct db_param	 p[5];
	const char	*name, *desc, *status, *old;
	long long	 id;
	int		 suspend = 0, has_desc;
	enum gh_err	 err;
	cJSON		*d, *ch;

	if ((err = api_id_param(req, 0, &id)) != GH_OK)
		return err;
	if (cJSON_GetObjectItemCaseSensitive(req->json, "slug") != NULL)
		return req_fail(req, GH_ERR_VALIDATION, "slug",
		    "the slug cannot be changed (logins and theme addresses use it)");
	if ((err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "name", BODY_OPTIONAL, 1, ORG_NAME_MAX, &name)) != GH_OK ||
	    (err = body_str(req, "description", BODY_OPTIONAL, 0, ORG_DESC_MAX, &desc)) != GH_OK ||
	    (err = body_str(req, "status", BODY_OPTIONAL, 1, 20, &status)) != GH_OK)
		return err;
	if (name != NULL && !valid_name(name))
		return req_fail(req, GH_ERR_VALIDATION, "name",
		    "name must not be blank nor hold non-printing characters");
	if (status != NULL && !valid_status(status))
		return req_fail(req, GH_ERR_VALIDATION, "status", "status is active or suspended");
	has_desc = cJSON_GetObjectItemCaseSensitive(req->json, "description") != NULL;

	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((err = load(req, id, "organizations.update", 1, &r)) != GH_OK ||
	    (err = api_if_match(req, org_json(req, &r, 0))) != GH_OK)
		goto fail;
	old = db_str(&r, 0, OC_STATUS);
	if (status != NULL && strcmp(status, old) != 0) {
		if (!authn_platform_has(req, "organizations.update")) {
			err = req_fail(req, GH_ERR_FORBIDDEN, "status",
			    "organizations are suspended and reactivated by platform administrators");
			goto fail;
		}
		suspend = strcmp(status, "suspended") == 0;
	} else
		status = NULL;
	p[0] = DB_STR(name ? name : db_str(&r, 0, OC_NAME));
	p[1] = has_desc ? DB_STR(desc) : DB_STR(db_str(&r, 0, OC_DESC));
	p[2] = DB_STR(status ? status : old);
	p[3] = DB_INT(req->auth.user_id);
	p[4] = DB_INT(id);
	if ((err = db_exec(req->w->db, req->arena, SQL_ORG_UPDATE, p, 5, NULL)) != GH_OK)
		goto fail;
	memset(&pv, 0, sizeof(pv));
	if (suspend) {
		/* End the members' access tokens now; login and refresh refuse the organization. */
		p[0] = DB_INT(id);
		if ((err = db_exec(req->w->db, req->arena, SQL_ORG_MEMBERS_BUMP, p, 1, NULL)) != GH_OK ||
		    (err = db_exec(req->w->db, req->arena, SQL_ORG_MEMBERS_PV, p, 1, &pv)) != GH_OK)
			goto fail;
	}
	d = api_object(req);
	ch = cJSON_AddArrayToObject(d, "changed");
	if (name != NULL)
		cJSON_AddItemToArray(ch, cJSON_CreateString("name"));
	if (has_desc)
		cJSON_AddItemToArray(ch, cJSON_CreateString("description"));
	if (status != NULL) {
		cJSON_AddItemToArray(ch, cJSON_CreateString("status"));
		cJSON_AddStringToObject(d, "status", status);
		cJSON_AddStringToObject(d, "previous_status", old);
	}
	if ((err = audit(req, status == NULL ? "organization.update" : suspend ?
	    "organization.suspend" : "organization.reactivate", id, "organization", id, d)) != GH_OK ||
	    (err = load(req, id, "organizations.update", 0, &r)) != GH_OK ||
	    (err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	if (suspend && (err = session_pv_publish_rows(req, &pv)) != GH_OK)
		return err;
	api_entity(req, 200, org_json(req, &r, 0), NULL);
	return GH_OK;
fail:
	db_rollback(req->w->db);
	return err;
}

enum gh_err
api_org_delete(struct request *req)
{
	struct db_result r, u, pv;
	struct db_param	 p[8];
	long long	 id;
	int		 cascade, k;
	enum gh_err	 err;
	cJSON		*d;

	if ((err = api_id_param(req, 0, &id)) != GH_OK ||
	    (err = api_query_bool(req, "cascade", &cascade)) != GH_OK)
		return err;
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((err = load(req, id, "organizations.delete", 1, &r)) != GH_OK ||
	    (err = api_if_match(req, org_json(req, &r, 0))) != GH_OK)
		goto fail;
	if (!authn_platform_has(req, "organizations.delete")) {
		err = req_fail(req, GH_ERR_FORBIDDEN, NULL,
		    "organizations are deleted by platform administrators");
		goto fail;
	}
	for (k = 0; k < 8; k++)
		p[k] = DB_INT(id);
	if ((err = db_exec(req->w->db, req->arena, SQL_ORG_USAGE, p, 8, &u)) != GH_OK)
		goto fail;
	if (db_int(&u, 0, UC_LIVE) > 0 && cascade != 1) {
		err = req_fail(req, GH_ERR_IN_USE, NULL, "organization %s has %lld members: remove "
		    "them first, or delete with ?cascade=true", db_str(&r, 0, OC_SLUG),
		    db_int(&u, 0, UC_LIVE));
		goto fail;
	}
	/* Everyone whose tokens name it or its roles: bump now, remember, publish after commit. */
	if ((err = db_exec(req->w->db, req->arena, SQL_ORG_AFFECTED_BUMP, p, 3, NULL)) != GH_OK ||
	    (err = db_exec(req->w->db, req->arena, SQL_ORG_AFFECTED_PV, p, 3, &pv)) != GH_OK)
		goto fail;
	/* The foreign keys cascade to memberships, roles and their grants, teams, invitations,
	 * policies, theme and the organization's sessions. */
	if ((err = db_exec(req->w->db, req->arena, SQL_ORG_DELETE, p, 1, NULL)) != GH_OK)
		goto fail;
	d = api_object(req);
	cJSON_AddStringToObject(d, "slug", db_str(&r, 0, OC_SLUG));
	cJSON_AddStringToObject(d, "name", db_str(&r, 0, OC_NAME));
	cJSON_AddBoolToObject(d, "cascade", cascade == 1);
	cJSON_AddNumberToObject(d, "members", (double)db_int(&u, 0, UC_MEMBERSHIPS));
	cJSON_AddNumberToObject(d, "role_grants", (double)db_int(&u, 0, UC_GRANTS));
	cJSON_AddNumberToObject(d, "roles", (double)db_int(&u, 0, UC_ROLES));
	cJSON_AddNumberToObject(d, "teams", (double)db_int(&u, 0, UC_TEAMS));
	cJSON_AddNumberToObject(d, "invitations", (double)db_int(&u, 0, UC_INVITATIONS));
	cJSON_AddNumberToObject(d, "policies", (double)db_int(&u, 0, UC_POLICIES));
	cJSON_AddNumberToObject(d, "theme", (double)db_int(&u, 0, UC_THEME));
	if ((err = audit(req, "organization.delete", id, "organization", id, d)) != GH_OK ||
	    (err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	/* Its own roles left the authorization tables. */
	if (db_int(&u, 0, UC_ROLES) > 0 && (err = api_authz_changed(req)) != GH_OK)
		return req_fail(req, err, NULL, "deleted, but the change could not be announced; "
		    "workers pick it up within a minute");
	if ((err = session_pv_publish_rows(req, &pv)) != GH_OK)
		return err;
	resp_status(req, 204);
	return GH_OK;
fail:
	db_rollback(req->w->db);
	return err;
}

enum gh_err
api_org_members_list(struct request *req)
{
	struct db_result r, m;
	struct db_param	 p[3];
	struct api_page	 pg;
	long long	 id, last = 0;
	enum gh_err	 err;
	cJSON		*items;
	size_t		 i;

	if ((err = api_id_param(req, 0, &id)) != GH_OK ||
	    (err = api_page_parse(req, &pg)) != GH_OK ||
	    (err = load(req, id, "organizations.read", 0, &r)) != GH_OK)
		return err;
	p[0] = DB_INT(id);
	p[1] = DB_INT(pg.after);
	p[2] = DB_INT(pg.limit + 1);
	if ((err = db_exec(req->w->db, req->arena, SQL_ORG_MEMBER_LIST, p, 3, &m)) != GH_OK)
		return err;
	items = api_array(req);
	for (i = 0; i < m.nrows && (long long)i < pg.limit; i++) {
		cJSON_AddItemReferenceToArray(items, member_json(req, id, &m, i));
		last = db_int(&m, i, MC_ID);
	}
	api_page_respond(req, items, (long long)m.nrows > pg.limit ? last : 0);
	return GH_OK;
}

enum gh_err
api_org_member_get(struct request *req)
{
	struct db_result r, m;
	long long	 id, user;
	enum gh_err	 err;

	if ((err = api_id_param(req, 0, &id)) != GH_OK ||
	    (err = api_id_param(req, 1, &user)) != GH_OK ||
	    (err = load(req, id, "organizations.read", 0, &r)) != GH_OK ||
	    (err = load_member(req, id, user, &m)) != GH_OK)
		return err;
	api_entity(req, 200, member_json(req, id, &m, 0), NULL);
	return GH_OK;
}

/* Make org the user's primary organization (inside the caller's transaction). */
static enum gh_err
set_primary(struct request *req, long long org, long long user)
{
	struct db_param	 p[2];
	enum gh_err	 err;

	p[0] = DB_INT(user);
	p[1] = DB_INT(org);
	if ((err = db_exec(req->w->db, req->arena, SQL_ORG_PRIMARY_CLEAR, p, 1, NULL)) != GH_OK)
		return err;
	return db_exec(req->w->db, req->arena, SQL_ORG_PRIMARY_SET, p, 2, NULL);
}

enum gh_err
api_org_member_add(struct request *req)
{
	static const char *const fields[] = { "user_id", "is_primary", NULL };
	struct db_result r, u, m;
	struct db_param	 p[2];
	const cJSON	*prim;
	long long	 id, user;
	int		 primary = 0;
	enum gh_err	 err;
	cJSON		*d;

	if ((err = api_id_param(req, 0, &id)) != GH_OK ||
	    (err = body_only(req, fields)) != GH_OK ||
	    (err = body_int(req, "user_id", BODY_REQUIRED, 1, 9000000000000000LL, &user,
	    NULL)) != GH_OK)
		return err;
	prim = cJSON_GetObjectItemCaseSensitive(req->json, "is_primary");
	if (prim != NULL && !cJSON_IsNull(prim)) {
		if (!cJSON_IsBool(prim))
			return req_fail(req, GH_ERR_VALIDATION, "is_primary",
			    "is_primary must be true or false");
		primary = cJSON_IsTrue(prim);
	}
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((err = load(req, id, "organizations.members", 1, &r)) != GH_OK)
		goto fail;
	if (!authn_platform_has(req, "organizations.members")) {
		err = req_fail(req, GH_ERR_FORBIDDEN, NULL, "users are added to an organization by "
		    "platform administrators; invite people instead");
		goto fail;
	}
	if ((err = lock_user(req, user, &u)) != GH_OK)
		goto fail;
	if (u.nrows == 0) {
		err = req_fail(req, GH_ERR_VALIDATION, "user_id", "no user %lld", user);
		goto fail;
	}
	p[0] = DB_INT(user);
	p[1] = DB_INT(id);
	if ((err = db_exec(req->w->db, req->arena, SQL_ORG_MEMBER_INSERT, p, 2, NULL)) != GH_OK) {
		if (err == GH_ERR_CONFLICT)
			req_fail(req, err, "user_id", "user %lld is already a member of %s", user,
			    db_str(&r, 0, OC_SLUG));
		goto fail;
	}
	if (primary && (err = set_primary(req, id, user)) != GH_OK)
		goto fail;
	d = api_object(req);
	cJSON_AddNumberToObject(d, "user_id", (double)user);
	cJSON_AddBoolToObject(d, "is_primary", primary);
	if ((err = audit(req, "organization.member.add", id, "user", user, d)) != GH_OK ||
	    (err = load_member(req, id, user, &m)) != GH_OK ||
	    (err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	api_entity(req, 201, member_json(req, id, &m, 0),
	    arena_printf(req->arena, "/api/v1/organizations/%lld/members/%lld", id, user));
	return GH_OK;
fail:
	db_rollback(req->w->db);
	return err;
}

enum gh_err
api_org_member_remove(struct request *req)
{
	struct db_result m;
	struct db_param	 p[2];
	long long	 id, user, mv;
	enum gh_err	 err;
	cJSON		*d;

	if ((err = api_id_param(req, 0, &id)) != GH_OK ||
	    (err = api_id_param(req, 1, &user)) != GH_OK)
		return err;
	if ((err = member_begin(req, id, user, &m)) != GH_OK)
		return err;
	p[0] = DB_INT(user);
	p[1] = DB_INT(id);
	/*
	 * The membership's version moves before its row goes, and is published after the commit:
	 * the tokens issued for this organization end, those of the user's others do not.
	 */
	if ((err = session_mv_bump(req, user, id, &mv)) != GH_OK ||
	    (err = db_exec(req->w->db, req->arena, SQL_ORG_MEMBER_ROLES_DEL, p, 2, NULL)) != GH_OK ||
	    (err = db_exec(req->w->db, req->arena, SQL_ORG_MEMBER_TEAMS_DEL, p, 2, NULL)) != GH_OK ||
	    (err = db_exec(req->w->db, req->arena, SQL_ORG_MEMBER_DEL, p, 2, NULL)) != GH_OK ||
	    (err = db_exec(req->w->db, req->arena, SQL_ORG_MEMBER_RT_REVOKE, p, 2, NULL)) != GH_OK)
		goto fail;
	d = api_object(req);
	cJSON_AddNumberToObject(d, "user_id", (double)user);
	cJSON_AddItemReferenceToObject(d, "roles",
	    cJSON_GetObjectItemCaseSensitive(member_json(req, id, &m, 0), "roles"));
	cJSON_AddBoolToObject(d, "was_primary", db_int(&m, 0, MC_PRIMARY) != 0);
	if ((err = audit(req, "organization.member.remove", id, "user", user, d)) != GH_OK ||
	    (err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	if ((err = session_mv_publish(req, user, id, mv)) != GH_OK)
		return req_fail(req, err, NULL, "removed, but the token store is unreachable; "
		    "tokens are refused until it returns");
	resp_status(req, 204);
	return GH_OK;
fail:
	db_rollback(req->w->db);
	return err;
}

/*
 * PATCH /organizations/{id}/members/{user_id} {"status": "suspended" | "active"}.  A suspension
 * refuses tokens for this organization only: the membership's session_version moves (every
 * access token issued for it fails at once, on every worker) and the refresh tokens issued for
 * it are revoked; login and refresh into it answer 403 membership_suspended until it is active
 * again.  The account and the user's other organizations are untouched.
 */
enum gh_err
api_org_member_update(struct request *req)
{
	static const char *const fields[] = { "status", NULL };
	struct db_result m;
	struct db_param	 p[4];
	const char	*status;
	long long	 id, user, mv = -1;
	enum gh_err	 err;
	int		 suspend;
	cJSON		*d;

	if ((err = api_id_param(req, 0, &id)) != GH_OK ||
	    (err = api_id_param(req, 1, &user)) != GH_OK ||
	    (err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "status", BODY_REQUIRED, 1, 16, &status)) != GH_OK)
		return err;
	if (strcmp(status, "active") != 0 && strcmp(status, "suspended") != 0)
		return req_fail(req, GH_ERR_VALIDATION, "status",
		    "status is \"active\" or \"suspended\"");
	suspend = strcmp(status, "suspended") == 0;
	if (suspend && user == req->auth.user_id)
		return req_fail(req, GH_ERR_FORBIDDEN, NULL,
		    "you cannot suspend your own membership");
	if ((err = member_begin(req, id, user, &m)) != GH_OK)
		return err;
	if (strcmp(db_str(&m, 0, MC_STATUS), status) != 0) {
		p[0] = DB_STR(status);
		p[1] = DB_INT(req->auth.user_id);
		p[2] = DB_INT(user);
		p[3] = DB_INT(id);
		if ((err = db_exec(req->w->db, req->arena, SQL_ORG_MEMBER_STATUS, p, 4, NULL)) != GH_OK)
			goto fail;
		if (suspend) {
			p[0] = DB_STR("membership_suspended");
			p[1] = DB_INT(user);
			p[2] = DB_INT(id);
			if ((err = session_mv_bump(req, user, id, &mv)) != GH_OK ||
			    (err = db_exec(req->w->db, req->arena, SQL_RT_REVOKE_USER_ORG, p, 3,
			    NULL)) != GH_OK)
				goto fail;
		}
		d = api_object(req);
		cJSON_AddNumberToObject(d, "user_id", (double)user);
		cJSON_AddStringToObject(d, "from", db_str(&m, 0, MC_STATUS));
		cJSON_AddStringToObject(d, "to", status);
		if ((err = audit(req, suspend ? "organization.member.suspend" :
		    "organization.member.reactivate", id, "user", user, d)) != GH_OK ||
		    (err = load_member(req, id, user, &m)) != GH_OK)
			goto fail;
	}
	if ((err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	if (mv >= 0 && (err = session_mv_publish(req, user, id, mv)) != GH_OK)
		return req_fail(req, err, NULL, "suspended, but the token store is unreachable; "
		    "tokens are refused until it returns");
	api_entity(req, 200, member_json(req, id, &m, 0), NULL);
	return GH_OK;
fail:
	db_rollback(req->w->db);
	return err;
}

enum gh_err
api_org_member_primary(struct request *req)
{
	struct db_result m;
	long long	 id, user;
	enum gh_err	 err;
	cJSON		*d;

	if ((err = api_id_param(req, 0, &id)) != GH_OK ||
	    (err = api_id_param(req, 1, &user)) != GH_OK)
		return err;
	if ((err = member_begin(req, id, user, &m)) != GH_OK)
		return err;
	if ((err = api_account_rule(req, "organizations.members", user, 1)) != GH_OK ||
	    (err = set_primary(req, id, user)) != GH_OK)
		goto fail;
	d = api_object(req);
	cJSON_AddNumberToObject(d, "user_id", (double)user);
	cJSON_AddBoolToObject(d, "was_primary", db_int(&m, 0, MC_PRIMARY) != 0);
	if ((err = audit(req, "organization.member.primary", id, "user", user, d)) != GH_OK ||
	    (err = load_member(req, id, user, &m)) != GH_OK ||
	    (err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	api_entity(req, 200, member_json(req, id, &m, 0), NULL);
	return GH_OK;
fail:
	db_rollback(req->w->db);
	if (err == GH_ERR_ACCOUNT_NOT_MANAGED)
		(void)audit_refusal(req, "organization.member.primary", "user", user, id,
		    "account_not_managed", NULL);
	return err;
}
