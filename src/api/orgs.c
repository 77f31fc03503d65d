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
#include "api/routes.h"
#include "auth/authn.h"
#include "auth/session.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "core/valid.h"
#include "http/body.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/organization.h"

#define ORG_NAME_MAX	200
#define ORG_DESC_MAX	1000
#define ORG_Q_MAX	200
#define CURSOR_MAX	2048	/* bytes of a decoded list cursor */

/* The sort orders of the list, in the order of enum organization_sort. */
static const char *const sorts[ORGANIZATION_SORT__MAX] = {
	"id", "-id", "name", "-name", "created_at", "-created_at"
};

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

API_RENDERER(org_json, struct organization,
    API_F(NUM, id) API_F(STR, slug) API_F(STR, name) API_F(STR, description)
    API_F(STR, status) API_F_AUDIT)

static cJSON *
member_json(struct request *req, long long org, const struct org_member *s)
{
	cJSON	*o = api_object(req);

	API_F(NUM, user_id)
	cJSON_AddNumberToObject(o, "organization_id", (double)org);
	API_F(STR, username) API_F(STR, email) API_F(STR, full_name) API_F(BOOL, is_primary)
	API_F(STR, joined_at) API_F(STR, status) API_F(STR, status_changed_at)
	API_F(ID, status_changed_by)
	api_add_names(req, o, "roles", s->roles);
	return o;
}

/*
 * Read organization id (locked for update when lock) into o: 404 unless the caller holds perm
 * through a platform role or it is the caller's own organization.
 */
static enum gh_err
load(struct request *req, long long id, const char *perm, int lock, struct organization *o)
{
	return api_found_in_org(req, store_organization_get(req->w->db, req->arena, id, lock, o),
	    &id, perm, "no organization %lld", id);
}

/* The membership of user in org (a user who is not deleted), or 404. */
static enum gh_err
load_member(struct request *req, long long org, long long user, struct org_member *m)
{
	return api_found(req, store_organization_member_get(req->w->db, req->arena, org, user, m),
	    "user %lld is not a member of organization %lld", user, org);
}

/*
 * Begin the transaction of a change to user's membership in org: the organization (visible to
 * the caller, locked), the user's row locked, the membership read into m, If-Match checked
 * against it.  On failure the transaction is rolled back.
 */
static enum gh_err
member_begin(struct request *req, long long org, long long user, struct org_member *m)
{
	struct organization o;
	enum gh_err	 err;
	int		 found;

	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((err = load(req, org, "organizations.members", 1, &o)) != GH_OK ||
	    (err = store_organization_user_lock(req->w->db, req->arena, user, &found)) != GH_OK ||
	    (err = load_member(req, org, user, m)) != GH_OK ||
	    (err = api_if_match(req, member_json(req, org, m))) != GH_OK)
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
	if (strlen(c) > CURSOR_MAX * 4 / 3 + 4 || !valid_base64url(c) ||
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

/* GET /organizations: ?sort=, ?status=, ?q= (slug or name, anywhere), ?limit=, ?cursor=. */
enum gh_err
api_orgs_list(struct request *req)
{
	struct organization *rows;
	struct db_keyset ks;
	const char	*sort = req_query(req, "sort"), *status = req_query(req, "status");
	const char	*q = req_query(req, "q"), *pat = NULL;
	enum gh_err	 err;
	cJSON		*items;
	size_t		 n;

	memset(&ks, 0, sizeof(ks));
	if ((err = api_limit_parse(req, &ks.limit)) != GH_OK)
		return err;
	if (sort == NULL || *sort == '\0')
		sort = "id";
	for (ks.sort = 0; ks.sort < ORGANIZATION_SORT__MAX; ks.sort++)
		if (strcmp(sort, sorts[ks.sort]) == 0)
			break;
	if (ks.sort == ORGANIZATION_SORT__MAX)
		return req_fail(req, GH_ERR_VALIDATION, "sort",
		    "sort is id, name or created_at, with a leading - for descending order");
	if (status != NULL && *status != '\0' && !valid_status(status))
		return req_fail(req, GH_ERR_VALIDATION, "status", "status is active or suspended");
	if (q != NULL && *q != '\0') {
		if (utf8_len(q) == (size_t)-1 || utf8_len(q) > ORG_Q_MAX)
			return req_fail(req, GH_ERR_VALIDATION, "q",
			    "q is up to %d characters of UTF-8", ORG_Q_MAX);
		pat = api_like_pattern(req, q);
	}
	if ((err = parse_cursor(req, sort, &ks.after, &ks.key)) != GH_OK)
		return err;
	ks.has = ks.after > 0;

	if ((err = store_organization_list(req->w->db, req->arena,
	    authn_platform_has(req, "organizations.read"), req->auth.org_id, status, pat, &ks,
	    &rows, &n)) != GH_OK)
		return err;
	API_PAGE_ITEMS(items, req, rows, n, ks.limit, org_json);
	return api_page_answer(req, items, (long long)n > ks.limit ? make_cursor(req, sort,
	    rows[ks.limit - 1].id, rows[ks.limit - 1].sort_key) : NULL);
}

API_GET_BY_ID(api_org_get, struct organization,
    load(req, id, "organizations.read", 0, &row), org_json)

enum gh_err
api_org_create(struct request *req)
{
	static const char *const fields[] = { "slug", "name", "description", "status", NULL };
	struct organization o;
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

	memset(&o, 0, sizeof(o));
	o.slug = slug;
	o.name = name;
	o.description = desc;
	o.status = status;
	if ((err = db_begin(req->w->db)) != GH_OK ||
	    (err = api_unique(req, store_organization_insert(req->w->db, req->arena, &o,
	    req->auth.user_id, &id), "slug", "an organization with slug %s already exists",
	    slug)) != GH_OK)
		return err;
	d = api_object(req);
	cJSON_AddStringToObject(d, "slug", slug);
	cJSON_AddStringToObject(d, "status", status);
	if ((err = audit_change(req, "organization.create", "organization", id, id, d)) != GH_OK ||
	    (err = load(req, id, "organizations.create", 0, &o)) != GH_OK)
		return err;
	return api_commit_entity(req, 201, org_json(req, &o),
	    arena_printf(req->arena, "/api/v1/organizations/%lld", id));
}

enum gh_err
api_org_update(struct request *req)
{
	static const char *const fields[] = { "name", "description", "status", NULL };
	struct organization o, to;
	struct db_versions pv;
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

	if ((err = db_begin(req->w->db)) != GH_OK ||
	    (err = load(req, id, "organizations.update", 1, &o)) != GH_OK ||
	    (err = api_if_match(req, org_json(req, &o))) != GH_OK)
		return err;
	old = o.status;
	if (status != NULL && strcmp(status, old) != 0) {
		if (!authn_platform_has(req, "organizations.update"))
			return req_fail(req, GH_ERR_FORBIDDEN, "status",
			    "organizations are suspended and reactivated by platform administrators");
		suspend = strcmp(status, "suspended") == 0;
	} else
		status = NULL;
	to = o;
	if (name != NULL)
		to.name = name;
	if (has_desc)
		to.description = desc;
	if (status != NULL)
		to.status = status;
	if ((err = store_organization_update(req->w->db, req->arena, &to,
	    req->auth.user_id)) != GH_OK)
		return err;
	memset(&pv, 0, sizeof(pv));
	/* End the members' access tokens now; login and refresh refuse the organization. */
	if (suspend && (err = store_organization_members_bump(req->w->db, req->arena, id,
	    &pv)) != GH_OK)
		return err;
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
	if ((err = audit_change(req, status == NULL ? "organization.update" : suspend ?
	    "organization.suspend" : "organization.reactivate", "organization", id, id,
	    d)) != GH_OK ||
	    (err = load(req, id, "organizations.update", 0, &o)) != GH_OK ||
	    (err = api_commit(req)) != GH_OK)
		return err;
	if (suspend && (err = session_pv_publish_versions(req, &pv)) != GH_OK)
		return err;
	return api_entity(req, 200, org_json(req, &o), NULL);
}

enum gh_err
api_org_delete(struct request *req)
{
	struct organization o;
	struct org_usage u;
	struct db_versions pv;
	long long	 id;
	int		 cascade;
	enum gh_err	 err;
	cJSON		*d;

	if ((err = api_id_param(req, 0, &id)) != GH_OK ||
	    (err = api_query_bool(req, "cascade", &cascade)) != GH_OK)
		return err;
	if ((err = db_begin(req->w->db)) != GH_OK ||
	    (err = load(req, id, "organizations.delete", 1, &o)) != GH_OK ||
	    (err = api_if_match(req, org_json(req, &o))) != GH_OK)
		return err;
	if (!authn_platform_has(req, "organizations.delete"))
		return req_fail(req, GH_ERR_FORBIDDEN, NULL,
		    "organizations are deleted by platform administrators");
	if ((err = store_organization_usage(req->w->db, req->arena, id, &u)) != GH_OK)
		return err;
	if (u.live_members > 0 && cascade != 1)
		return req_fail(req, GH_ERR_IN_USE, NULL, "organization %s has %lld members: remove "
		    "them first, or delete with ?cascade=true", o.slug, u.live_members);
	/* Everyone whose tokens name it or its roles: bump now, remember, publish after commit. */
	if ((err = store_organization_affected_bump(req->w->db, req->arena, id, &pv)) != GH_OK ||
	    (err = store_organization_delete(req->w->db, req->arena, id)) != GH_OK)
		return err;
	d = api_object(req);
	cJSON_AddStringToObject(d, "slug", o.slug);
	cJSON_AddStringToObject(d, "name", o.name);
	cJSON_AddBoolToObject(d, "cascade", cascade == 1);
	cJSON_AddNumberToObject(d, "members", (double)u.members);
	cJSON_AddNumberToObject(d, "role_grants", (double)u.role_grants);
	cJSON_AddNumberToObject(d, "roles", (double)u.roles);
	cJSON_AddNumberToObject(d, "teams", (double)u.teams);
	cJSON_AddNumberToObject(d, "invitations", (double)u.invitations);
	cJSON_AddNumberToObject(d, "policies", (double)u.policies);
	cJSON_AddNumberToObject(d, "theme", (double)u.theme);
	if ((err = audit_change(req, "organization.delete", "organization", id, id, d)) != GH_OK ||
	    (err = api_commit(req)) != GH_OK)
		return err;
	/* Its own roles left the authorization tables. */
	if (u.roles > 0 && (err = api_authz_changed(req)) != GH_OK)
		return req_fail(req, err, NULL, "deleted, but the change could not be announced; "
		    "workers pick it up within a minute");
	if ((err = session_pv_publish_versions(req, &pv)) != GH_OK)
		return err;
	return resp_status(req, 204);
}

enum gh_err
api_org_members_list(struct request *req)
{
	struct organization o;
	struct org_member *rows;
	struct api_page	 pg;
	long long	 id, last = 0;
	enum gh_err	 err;
	cJSON		*items;
	size_t		 i, n;

	if ((err = api_id_param(req, 0, &id)) != GH_OK ||
	    (err = api_page_parse(req, &pg)) != GH_OK ||
	    (err = load(req, id, "organizations.read", 0, &o)) != GH_OK ||
	    (err = store_organization_member_list(req->w->db, req->arena, id, pg.after, pg.limit,
	    &rows, &n)) != GH_OK)
		return err;
	items = api_array(req);
	for (i = 0; i < n && (long long)i < pg.limit; i++) {
		cJSON_AddItemReferenceToArray(items, member_json(req, id, &rows[i]));
		last = rows[i].user_id;
	}
	api_page_respond(req, items, (long long)n > pg.limit ? last : 0);
	return GH_OK;
}

enum gh_err
api_org_member_get(struct request *req)
{
	struct organization o;
	struct org_member m;
	long long	 id, user;
	enum gh_err	 err;

	if ((err = api_id_pair(req, &id, &user)) != GH_OK ||
	    (err = load(req, id, "organizations.read", 0, &o)) != GH_OK ||
	    (err = load_member(req, id, user, &m)) != GH_OK)
		return err;
	return api_entity(req, 200, member_json(req, id, &m), NULL);
}

enum gh_err
api_org_member_add(struct request *req)
{
	static const char *const fields[] = { "user_id", "is_primary", NULL };
	struct organization o;
	struct org_member m;
	long long	 id, user;
	int		 primary = 0, found;
	enum gh_err	 err;
	cJSON		*d;

	if ((err = api_id_param(req, 0, &id)) != GH_OK ||
	    (err = body_only(req, fields)) != GH_OK ||
	    (err = body_int(req, "user_id", BODY_REQUIRED, 1, 9000000000000000LL, &user,
	    NULL)) != GH_OK)
		return err;
	if ((err = body_bool(req, "is_primary", 1, &primary, NULL)) != GH_OK)
		return err;
	if ((err = db_begin(req->w->db)) != GH_OK ||
	    (err = load(req, id, "organizations.members", 1, &o)) != GH_OK)
		return err;
	if (!authn_platform_has(req, "organizations.members"))
		return req_fail(req, GH_ERR_FORBIDDEN, NULL, "users are added to an organization by "
		    "platform administrators; invite people instead");
	if ((err = store_organization_user_lock(req->w->db, req->arena, user, &found)) != GH_OK)
		return err;
	if (!found)
		return req_fail(req, GH_ERR_VALIDATION, "user_id", "no user %lld", user);
	if ((err = api_unique(req, store_organization_member_insert(req->w->db, req->arena, id,
	    user), "user_id", "user %lld is already a member of %s", user, o.slug)) != GH_OK)
		return err;
	if (primary && (err = store_organization_member_primary(req->w->db, req->arena, id,
	    user)) != GH_OK)
		return err;
	d = api_object(req);
	cJSON_AddNumberToObject(d, "user_id", (double)user);
	cJSON_AddBoolToObject(d, "is_primary", primary);
	if ((err = audit_change(req, "organization.member.add", "user", user, id, d)) != GH_OK ||
	    (err = load_member(req, id, user, &m)) != GH_OK)
		return err;
	return api_commit_entity(req, 201, member_json(req, id, &m),
	    arena_printf(req->arena, "/api/v1/organizations/%lld/members/%lld", id, user));
}

enum gh_err
api_org_member_remove(struct request *req)
{
	struct org_member m;
	long long	 id, user, mv;
	enum gh_err	 err;
	cJSON		*d;

	if ((err = api_id_pair(req, &id, &user)) != GH_OK ||
	    (err = member_begin(req, id, user, &m)) != GH_OK)
		return err;
	/*
	 * The membership's version moves before its row goes, and is published after the commit:
	 * the tokens issued for this organization end, those of the user's others do not.
	 */
	if ((err = session_mv_bump(req, user, id, &mv)) != GH_OK ||
	    (err = store_organization_member_delete(req->w->db, req->arena, id, user)) != GH_OK)
		return err;
	d = api_object(req);
	cJSON_AddNumberToObject(d, "user_id", (double)user);
	cJSON_AddItemReferenceToObject(d, "roles",
	    cJSON_GetObjectItemCaseSensitive(member_json(req, id, &m), "roles"));
	cJSON_AddBoolToObject(d, "was_primary", m.is_primary);
	if ((err = audit_change(req, "organization.member.remove", "user", user, id,
	    d)) != GH_OK ||
	    (err = api_commit(req)) != GH_OK)
		return err;
	if ((err = session_mv_publish(req, user, id, mv)) != GH_OK)
		return req_fail(req, err, NULL, "removed, but the token store is unreachable; "
		    "tokens are refused until it returns");
	return resp_status(req, 204);
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
	struct org_member m;
	const char	*status, *from;
	long long	 id, user, mv = -1;
	enum gh_err	 err;
	int		 suspend;
	cJSON		*d;

	if ((err = api_id_pair(req, &id, &user)) != GH_OK ||
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
	if (strcmp(m.status, status) != 0) {
		from = m.status;
		if ((err = store_organization_member_update(req->w->db, req->arena, id, user,
		    status, req->auth.user_id)) != GH_OK)
			return err;
		if (suspend && ((err = session_mv_bump(req, user, id, &mv)) != GH_OK ||
		    (err = store_organization_member_revoke(req->w->db, req->arena, id, user,
		    "membership_suspended")) != GH_OK))
			return err;
		d = api_object(req);
		cJSON_AddNumberToObject(d, "user_id", (double)user);
		cJSON_AddStringToObject(d, "from", from);
		cJSON_AddStringToObject(d, "to", status);
		if ((err = audit_change(req, suspend ? "organization.member.suspend" :
		    "organization.member.reactivate", "user", user, id, d)) != GH_OK ||
		    (err = load_member(req, id, user, &m)) != GH_OK)
			return err;
	}
	if ((err = api_commit(req)) != GH_OK)
		return err;
	if (mv >= 0 && (err = session_mv_publish(req, user, id, mv)) != GH_OK)
		return req_fail(req, err, NULL, "suspended, but the token store is unreachable; "
		    "tokens are refused until it returns");
	return api_entity(req, 200, member_json(req, id, &m), NULL);
}

enum gh_err
api_org_member_primary(struct request *req)
{
	struct org_member m;
	long long	 id, user;
	enum gh_err	 err;
	cJSON		*d;

	if ((err = api_id_pair(req, &id, &user)) != GH_OK ||
	    (err = member_begin(req, id, user, &m)) != GH_OK)
		return err;
	if ((err = api_account_rule(req, "organizations.members", user, 1)) != GH_OK ||
	    (err = store_organization_member_primary(req->w->db, req->arena, id, user)) != GH_OK)
		goto fail;
	d = api_object(req);
	cJSON_AddNumberToObject(d, "user_id", (double)user);
	cJSON_AddBoolToObject(d, "was_primary", m.is_primary);
	if ((err = audit_change(req, "organization.member.primary", "user", user, id,
	    d)) != GH_OK ||
	    (err = load_member(req, id, user, &m)) != GH_OK)
		goto fail;
	return api_commit_entity(req, 200, member_json(req, id, &m), NULL);
fail:
	db_rollback(req->w->db);
	if (err == GH_ERR_ACCOUNT_NOT_MANAGED)
		(void)audit_refusal(req, "organization.member.primary", "user", user, id,
		    "account_not_managed", NULL);
	return err;
}
