/*
 * teams.c: teams inside an organization and their members (seed 000 team, team_member).
 *
 * Every team belongs to one organization.  A caller holding the route's permission through a
 * platform role acts in every organization; any other caller acts only in its token's
 * organization, and another organization's team answers 404.  A member must belong to the
 * team's organization; a member is a "member" or the team's "lead" (several leads are allowed).
 * Teams grant no permissions, so no change here touches tokens or the authorization tables.
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
#include "core/arena.h"
#include "core/ctx.h"
#include "core/valid.h"
#include "http/body.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/organization.h"
#include "store/team.h"


#define TEAM_NAME_MAX	100
#define TEAM_DESC_MAX	500
#define TEAM_Q_MAX	100
#define CURSOR_MAX	1024	/* characters of a cursor we accept */

/*
 * Keyset pagination.  Sorting by id uses the shared "id:N" cursor (api/common.c); sorting by a
 * text column (team name, member username) needs that text too, so those cursors carry
 * "<sort>:<id>:<text>" in base64url, and a cursor is only accepted with the sort it came from.
 * The sorts are in the order of enum team_sort.
 */
static const char *const team_sorts[] = { "id", "-id", "name", "-name", NULL };
static const char *const member_sorts[] = { "user_id", "-user_id", "username", "-username", NULL };

/* ?sort=, ?limit= and ?cursor= against sorts (4 names: id, -id, text, -text). */
static enum gh_err
keyset_parse(struct request *req, const char *const *sorts, struct db_keyset *ks)
{
	const char	*s = req_query(req, "sort"), *c, *p;
	struct api_page	 pg;
	unsigned char	 dec[CURSOR_MAX];
	size_t		 n, sl;
	enum gh_err	 err;

	memset(ks, 0, sizeof(*ks));
	if (s != NULL) {
		for (ks->sort = 0; sorts[ks->sort] != NULL; ks->sort++)
			if (strcmp(s, sorts[ks->sort]) == 0)
				break;
		if (sorts[ks->sort] == NULL)
			return req_fail(req, GH_ERR_VALIDATION, "sort", "sort is one of %s, %s, %s, %s",
			    sorts[0], sorts[1], sorts[2], sorts[3]);
	}
	if (ks->sort < 2) {
		if ((err = api_page_parse(req, &pg)) != GH_OK)
			return err;
		ks->limit = pg.limit;
		ks->after = pg.after;
		ks->has = pg.after > 0;
		return GH_OK;
	}
	if ((err = api_limit_parse(req, &ks->limit)) != GH_OK)
		return err;
	if ((c = req_query(req, "cursor")) == NULL)
		return GH_OK;
	sl = strlen(sorts[ks->sort]);
	if (strlen(c) >= CURSOR_MAX || !valid_base64url(c) || sodium_base642bin(dec, sizeof(dec) - 1, c, strlen(c), NULL,
	    &n, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		goto bad;
	dec[n] = '\0';
	if (strlen((char *)dec) != n || n < sl + 3 || memcmp(dec, sorts[ks->sort], sl) != 0 ||
	    dec[sl] != ':' || !isdigit(dec[sl + 1]))
		goto bad;
	if ((p = strchr((char *)dec + sl + 1, ':')) == NULL ||
	    !valid_int_mem((char *)dec + sl + 1, (size_t)(p - (char *)dec) - sl - 1, 1, LLONG_MAX,
	    &ks->after))
		goto bad;
	p++;
	if (utf8_len(p) == (size_t)-1)
		goto bad;
	ks->key = arena_strndup(req->arena, p, strlen(p));
	ks->has = 1;
	return GH_OK;
bad:
	return req_fail(req, GH_ERR_VALIDATION, "cursor",
	    "cursor is not one we issued for sort=%s", sorts[ks->sort]);
}

/* The cursor that continues after row (id, text) in this sort. */
static const char *
keyset_cursor(struct request *req, const char *const *sorts, const struct db_keyset *ks,
    long long id, const char *text)
{
	const char	*plain;
	size_t		 len, outlen;
	char		*out;

	if (ks->sort < 2)
		return api_cursor(req, id);
	plain = arena_printf(req->arena, "%s:%lld:%s", sorts[ks->sort], id, text ? text : "");
	len = strlen(plain);
	outlen = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	out = arena_alloc(req->arena, outlen);
	sodium_bin2base64(out, outlen, (const unsigned char *)plain, len,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

API_RENDERER(team_json, struct team,
    API_F(NUM, id) API_F(NUM, organization_id) API_F(STR, name) API_F(STR, description)
    API_F(NUM, member_count) API_F_AUDIT)

API_RENDERER(member_json, struct team_member,
    API_F(NUM, team_id) API_F(NUM, user_id) API_F(STR, username) API_F(STR, email)
    API_F(STR, full_name) API_F(STR, member_role) API_F(STR, created_at)
    API_F(ID, created_by) API_F(STR, updated_at) API_F(ID, updated_by))

/* Read team id (locked for update when lock); 404 when it is out of the caller's scope. */
static enum gh_err
team_load(struct request *req, long long id, int lock, const char *perm, struct team *t)
{
	return api_found_in_org(req, store_team_get(req->w->db, req->arena, id, lock, t),
	    &t->organization_id, perm, "no team %lld", id);
}

/* Read the membership of user in team; 404 when there is none. */
static enum gh_err
member_load(struct request *req, long long team, long long user, struct team_member *m)
{
	return api_found(req, store_team_member_get(req->w->db, req->arena, team, user, m),
	    "user %lld is not a member of team %lld", user, team);
}

/*
 * The end of a change to user's membership in team: read it again (who changed it and when),
 * commit, and answer status with it (and its Location when it was added, 201).
 */
static enum gh_err
member_commit(struct request *req, long long team, long long user, int status)
{
	struct team_member	 m;
	enum gh_err		 err;

	if ((err = member_load(req, team, user, &m)) != GH_OK)
		return err;
	return api_commit_entity(req, status, member_json(req, &m), status != 201 ? NULL :
	    arena_printf(req->arena, "/api/v1/teams/%lld/members/%lld", team, user));
}

/*
 * Begin the transaction of a change to user's membership in team: the team (visible to the
 * caller, locked: its row lock serialises every membership change of the team), the membership
 * read into m, If-Match checked against it.
 */
static enum gh_err
member_begin(struct request *req, long long team, long long user, struct team *t,
    struct team_member *m)
{
	enum gh_err	 err;

	if ((err = db_begin(req->w->db)) != GH_OK ||
	    (err = team_load(req, team, 1, "teams.members", t)) != GH_OK ||
	    (err = member_load(req, team, user, m)) != GH_OK)
		return err;
	return api_if_match(req, member_json(req, m));
}

/*
 * The organization a list or a new team is about: organization_id from the query (list) or the
 * body (create), else the caller's own.  Only platform callers may name another organization.
 * *org is 0 (every organization) only for a platform caller whose session has no organization
 * listing without a filter.
 */
static enum gh_err
target_org(struct request *req, const char *perm, int create, long long *org)
{
	const cJSON	*v;
	long long	 want = 0;
	int		 platform = authn_platform_has(req, perm);
	enum gh_err	 err;

	if (create) {
		v = cJSON_GetObjectItemCaseSensitive(req->json, "organization_id");
		if (v != NULL && !cJSON_IsNull(v) && body_int_value(req, v, "organization_id", 1,
		    LLONG_MAX, &want) != GH_OK)
			return req_fail(req, GH_ERR_VALIDATION, "organization_id",
			    "organization_id must be an organization id");
	} else if ((err = api_query_int(req, "organization_id", 1, LLONG_MAX,
	    "organization_id must be an organization id", &want)) != GH_OK)
		return err;
	if (want > 0 && want != req->auth.org_id && !platform)
		return req_fail(req, GH_ERR_FORBIDDEN, "organization_id",
		    "you manage teams only in your own organization");
	if (want == 0 && req->auth.org_id <= 0) {
		if (!platform)
			return req_fail(req, GH_ERR_FORBIDDEN, NULL, "your session has no organization");
		if (create)
			return req_fail(req, GH_ERR_VALIDATION, "organization_id",
			    "organization_id is required: your session has no organization");
	}
	*org = want > 0 ? want : req->auth.org_id > 0 ? req->auth.org_id : 0;
	return GH_OK;
}

/* A team name: 1-100 characters, no non-printing characters, no space at either end. */
static enum gh_err
check_name(struct request *req, const char *name)
{
	const unsigned char	*s = (const unsigned char *)name;
	size_t			 n = strlen(name);
	enum gh_err		 err;

	if ((err = api_printable(req, "name", name)) != GH_OK)
		return err;
	if (n == 0 || isspace(s[0]) || isspace(s[n - 1]))
		return req_fail(req, GH_ERR_VALIDATION, "name",
		    "a team name cannot start or end with a space");
	return GH_OK;
}

static enum gh_err
check_role(struct request *req, const char *field, const char *role)
{
	if (strcmp(role, "member") != 0 && strcmp(role, "lead") != 0)
		return req_fail(req, GH_ERR_VALIDATION, field, "%s is member or lead", field);
	return GH_OK;
}

enum gh_err
api_teams_list(struct request *req)
{
	struct db_keyset ks;
	struct team	*t;
	const char	*q = req_query(req, "q");
	long long	 org;
	size_t		 n, len;
	enum gh_err	 err;
	cJSON		*items;

	if ((err = keyset_parse(req, team_sorts, &ks)) != GH_OK ||
	    (err = target_org(req, "teams.read", 0, &org)) != GH_OK)
		return err;
	if (q != NULL && *q == '\0')
		q = NULL;
	if (q != NULL && ((len = utf8_len(q)) == (size_t)-1 || len > TEAM_Q_MAX))
		return req_fail(req, GH_ERR_VALIDATION, "q", "q must be up to %d characters",
		    TEAM_Q_MAX);
	if ((err = store_team_list(req->w->db, req->arena, org,
	    q ? api_like_pattern(req, q) : NULL, &ks, &t, &n)) != GH_OK)
		return err;
	API_PAGE_ITEMS(items, req, t, n, ks.limit, team_json);
	return api_page_answer(req, items, (long long)n > ks.limit ? keyset_cursor(req, team_sorts,
	    &ks, t[ks.limit - 1].id, t[ks.limit - 1].name) : NULL);
}

API_GET_BY_ID(api_team_get, struct team, team_load(req, id, 0, "teams.read", &row), team_json)

enum gh_err
api_team_create(struct request *req)
{
	static const char *const fields[] = { "name", "description", "organization_id", NULL };
	struct team	 t;
	long long	 id;
	enum gh_err	 err;

	memset(&t, 0, sizeof(t));
	if ((err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "name", BODY_REQUIRED, 1, TEAM_NAME_MAX, &t.name)) != GH_OK ||
	    (err = check_name(req, t.name)) != GH_OK ||
	    (err = body_str(req, "description", BODY_OPTIONAL, 0, TEAM_DESC_MAX,
	    &t.description)) != GH_OK ||
	    (err = target_org(req, "teams.create", 1, &t.organization_id)) != GH_OK)
		return err;
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	/* GH_ERR_NOT_FOUND: the organization does not exist. */
	err = store_team_insert(req->w->db, req->arena, &t, req->auth.user_id, &id);
	if (err == GH_ERR_NOT_FOUND)
		return req_fail(req, GH_ERR_VALIDATION, "organization_id", "no organization %lld",
		    t.organization_id);
	if ((err = api_unique(req, err, "name", "the organization already has a team named %s",
	    t.name)) != GH_OK)
		return err;
	(void)audit_change(req, "team.create", "team", id, t.organization_id, NULL);
	if ((err = team_load(req, id, 0, "teams.create", &t)) != GH_OK)
		return err;
	return api_commit_entity(req, 201, team_json(req, &t),
	    arena_printf(req->arena, "/api/v1/teams/%lld", id));
}

enum gh_err
api_team_update(struct request *req)
{
	static const char *const fields[] = { "name", "description", NULL };
	struct team	 t;
	const char	*name, *desc;
	long long	 id;
	int		 setdesc;
	enum gh_err	 err;
	cJSON		*details, *changed;

	if ((err = api_id_param(req, 0, &id)) != GH_OK ||
	    (err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "name", BODY_OPTIONAL, 1, TEAM_NAME_MAX, &name)) != GH_OK ||
	    (name != NULL && (err = check_name(req, name)) != GH_OK) ||
	    (err = body_str(req, "description", BODY_OPTIONAL, 0, TEAM_DESC_MAX, &desc)) != GH_OK)
		return err;
	/* description: null clears it; absent keeps it. */
	setdesc = cJSON_GetObjectItemCaseSensitive(req->json, "description") != NULL;
	if ((err = db_begin(req->w->db)) != GH_OK ||
	    (err = team_load(req, id, 1, "teams.update", &t)) != GH_OK ||
	    (err = api_if_match(req, team_json(req, &t))) != GH_OK)
		return err;
	details = api_object(req);
	changed = cJSON_AddArrayToObject(details, "changed");
	if (name != NULL && strcmp(name, t.name) != 0) {
		cJSON_AddItemToArray(changed, cJSON_CreateString("name"));
		t.name = name;
	}
	if (setdesc && (desc == NULL ? t.description != NULL : t.description == NULL ||
	    strcmp(desc, t.description))) {
		cJSON_AddItemToArray(changed, cJSON_CreateString("description"));
		t.description = desc;
	}
	if (cJSON_GetArraySize(changed) == 0)
		return api_commit_entity(req, 200, team_json(req, &t), NULL);
	if ((err = api_unique(req, store_team_update(req->w->db, req->arena, &t,
	    req->auth.user_id), "name", "the organization already has a team named %s",
	    t.name)) != GH_OK)
		return err;
	(void)audit_change(req, "team.update", "team", id, t.organization_id, details);
	if ((err = team_load(req, id, 0, "teams.update", &t)) != GH_OK)
		return err;
	return api_commit_entity(req, 200, team_json(req, &t), NULL);
}

enum gh_err
api_team_delete(struct request *req)
{
	struct team	 t;
	long long	 id;
	enum gh_err	 err;
	cJSON		*details;

	if ((err = api_id_begin(req, &id)) != GH_OK ||
	    (err = team_load(req, id, 1, "teams.delete", &t)) != GH_OK ||
	    (err = api_if_match(req, team_json(req, &t))) != GH_OK)
		return err;
	/* The memberships go with the team (ON DELETE CASCADE); the audit row says how many. */
	if ((err = store_team_delete(req->w->db, req->arena, id)) != GH_OK)
		return err;
	details = api_object(req);
	cJSON_AddStringToObject(details, "name", t.name);
	cJSON_AddNumberToObject(details, "member_count", (double)t.member_count);
	(void)audit_change(req, "team.delete", "team", id, t.organization_id, details);
	return api_commit_status(req, 204);
}

enum gh_err
api_team_members_list(struct request *req)
{
	struct db_keyset ks;
	struct team	 t;
	struct team_member *m;
	const char	*role = req_query(req, "member_role");
	long long	 id;
	size_t		 n;
	enum gh_err	 err;
	cJSON		*items;

	if ((err = api_id_param(req, 0, &id)) != GH_OK ||
	    (err = keyset_parse(req, member_sorts, &ks)) != GH_OK ||
	    (role != NULL && (err = check_role(req, "member_role", role)) != GH_OK) ||
	    (err = team_load(req, id, 0, "teams.read", &t)) != GH_OK)
		return err;
	if ((err = store_team_member_list(req->w->db, req->arena, id, role, &ks, &m, &n)) != GH_OK)
		return err;
	API_PAGE_ITEMS(items, req, m, n, ks.limit, member_json);
	return api_page_answer(req, items, (long long)n > ks.limit ? keyset_cursor(req,
	    member_sorts, &ks, m[ks.limit - 1].user_id, m[ks.limit - 1].username) : NULL);
}

enum gh_err
api_team_member_get(struct request *req)
{
	struct team	 t;
	struct team_member m;
	long long	 id, user;
	enum gh_err	 err;

	if ((err = api_id_pair(req, &id, &user)) != GH_OK ||
	    (err = team_load(req, id, 0, "teams.read", &t)) != GH_OK ||
	    (err = member_load(req, id, user, &m)) != GH_OK)
		return err;
	return api_entity(req, 200, member_json(req, &m), NULL);
}

/* The audit row of action on user's membership in team t: its role (and the one before). */
static enum gh_err
member_audit(struct request *req, const char *action, const struct team *t, long long user,
    const char *role, const char *from)
{
	cJSON	*d = api_object(req);

	cJSON_AddNumberToObject(d, "user_id", (double)user);
	if (from != NULL)
		cJSON_AddStringToObject(d, "from", from);
	cJSON_AddStringToObject(d, "member_role", role);
	return audit_change(req, action, "team", t->id, t->organization_id, d);
}

enum gh_err
api_team_member_add(struct request *req)
{
	static const char *const fields[] = { "user_id", "member_role", NULL };
	struct team	 t;
	const char	*role;
	long long	 id, user;
	enum gh_err	 err;
	int		 in_org;

	if ((err = api_id_param(req, 0, &id)) != GH_OK ||
	    (err = body_only(req, fields)) != GH_OK ||
	    (err = body_int(req, "user_id", BODY_REQUIRED, 1, 999999999999999LL, &user,
	    NULL)) != GH_OK ||
	    (err = body_str(req, "member_role", BODY_OPTIONAL, 1, 20, &role)) != GH_OK ||
	    (role != NULL && (err = check_role(req, "member_role", role)) != GH_OK))
		return err;
	if (role == NULL)
		role = "member";
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	/* The team's row lock serialises every membership change of the team. */
	if ((err = team_load(req, id, 1, "teams.members", &t)) != GH_OK ||
	    (err = store_organization_has_member(req->w->db, req->arena, t.organization_id, user,
	    &in_org)) != GH_OK)
		return err;
	if (!in_org)
		return req_fail(req, GH_ERR_VALIDATION, "user_id",
		    "user %lld is not a member of the team's organization", user);
	if ((err = api_unique(req, store_team_member_insert(req->w->db, req->arena, id, user, role,
	    req->auth.user_id), "user_id", "user %lld is already a member of team %lld", user,
	    id)) != GH_OK)
		return err;
	(void)member_audit(req, "team.member.add", &t, user, role, NULL);
	return member_commit(req, id, user, 201);
}

enum gh_err
api_team_member_update(struct request *req)
{
	static const char *const fields[] = { "member_role", NULL };
	struct team	 t;
	struct team_member m;
	const char	*role, *old;
	long long	 id, user;
	enum gh_err	 err;

	if ((err = api_id_pair(req, &id, &user)) != GH_OK ||
	    (err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "member_role", BODY_REQUIRED, 1, 20, &role)) != GH_OK ||
	    (err = check_role(req, "member_role", role)) != GH_OK ||
	    (err = member_begin(req, id, user, &t, &m)) != GH_OK)
		return err;
	old = m.member_role;
	if (strcmp(old, role) == 0)
		return api_commit_entity(req, 200, member_json(req, &m), NULL);
	if ((err = store_team_member_update(req->w->db, req->arena, id, user, role,
	    req->auth.user_id)) != GH_OK)
		return err;
	(void)member_audit(req, "team.member.update", &t, user, role, old);
	return member_commit(req, id, user, 200);
}

enum gh_err
api_team_member_remove(struct request *req)
{
	struct team	 t;
	struct team_member m;
	long long	 id, user;
	enum gh_err	 err;

	if ((err = api_id_pair(req, &id, &user)) != GH_OK ||
	    (err = member_begin(req, id, user, &t, &m)) != GH_OK)
		return err;
	if ((err = store_team_member_delete(req->w->db, req->arena, id, user)) != GH_OK)
		return err;
	(void)member_audit(req, "team.member.remove", &t, user, m.member_role, NULL);
	return api_commit_status(req, 204);
}
