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
#include "api/teams.h"
#include "auth/authn.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "core/valid.h"
#include "http/body.h"
#include "store/audit.h"
#include "store/db.h"

enum { TC_ID, TC_ORG, TC_NAME, TC_DESC, TC_MEMBERS, TC_CREATED, TC_UPDATED, TC_CBY, TC_UBY };
enum { MC_USER, MC_USERNAME, MC_EMAIL, MC_FULLNAME, MC_ROLE, MC_CREATED, MC_CBY, MC_UPDATED,
	MC_UBY };

#define TEAM_NAME_MAX	100
#define TEAM_DESC_MAX	500
#define TEAM_Q_MAX	100
#define CURSOR_MAX	1024	/* characters of a cursor we accept */

/*
 * Keyset pagination.  Sorting by id uses the shared "id:N" cursor (api/common.c); sorting by a
 * text column (team name, member username) needs that text too, so those cursors carry
 * "<sort>:<id>:<text>" in base64url, and a cursor is only accepted with the sort it came from.
 */
struct keyset {
	long long	 limit;
	int		 sort;		/* index into the resource's sorts[]: id, -id, text, -text */
	int		 has;		/* a cursor was given */
	long long	 after;		/* id of the last row of the previous page */
	const char	*key;		/* its text, for text sorts */
};

static const char *const team_sorts[] = { "id", "-id", "name", "-name", NULL };
static const char *const member_sorts[] = { "user_id", "-user_id", "username", "-username", NULL };

static const enum sql_id team_lists[] = {
	SQL_TEAM_LIST_ID, SQL_TEAM_LIST_ID_DESC, SQL_TEAM_LIST_NAME, SQL_TEAM_LIST_NAME_DESC
};
static const enum sql_id member_lists[] = {
	SQL_TEAM_MEMBER_LIST_ID, SQL_TEAM_MEMBER_LIST_ID_DESC, SQL_TEAM_MEMBER_LIST_NAME,
	SQL_TEAM_MEMBER_LIST_NAME_DESC
};

/* ?sort=, ?limit= and ?cursor= against sorts (4 names: id, -id, text, -text). */
static enum gh_err
keyset_parse(struct request *req, const char *const *sorts, struct keyset *ks)
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
	if (strlen(c) >= CURSOR_MAX || sodium_base642bin(dec, sizeof(dec) - 1, c, strlen(c), NULL,
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

/* Bind the keyset parameters of a list statement at p; returns how many. */
static size_t
keyset_params(const struct keyset *ks, struct db_param *p)
{
	size_t	 n = 0;

	p[n++] = DB_INT(ks->has);
	if (ks->sort >= 2) {
		p[n++] = DB_STR(ks->key ? ks->key : "");
		p[n++] = DB_STR(ks->key ? ks->key : "");
	}
	p[n++] = DB_INT(ks->after);
	p[n++] = DB_INT(ks->limit + 1);
	return n;
}

/* The cursor that continues after row (id, text) in this sort. */
static const char *
keyset_cursor(struct request *req, const char *const *sorts, const struct keyset *ks,
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

static void
page_respond(struct request *req, cJSON *items, const char *next)
{
	cJSON	*o = api_object(req);

	cJSON_AddItemReferenceToObject(o, "items", items);
	api_add_str(o, "next_cursor", next);
	resp_json(req, 200, o);
}

static cJSON *
team_json(struct request *req, const struct db_result *r, size_t i)
{
	cJSON	*o = api_object(req);

	cJSON_AddNumberToObject(o, "id", (double)db_int(r, i, TC_ID));
	cJSON_AddNumberToObject(o, "organization_id", (double)db_int(r, i, TC_ORG));
	cJSON_AddStringToObject(o, "name", db_str(r, i, TC_NAME));
	api_add_str(o, "description", db_str(r, i, TC_DESC));
	cJSON_AddNumberToObject(o, "member_count", (double)db_int(r, i, TC_MEMBERS));
	cJSON_AddStringToObject(o, "created_at", db_str(r, i, TC_CREATED));
	cJSON_AddStringToObject(o, "updated_at", db_str(r, i, TC_UPDATED));
	api_add_id(o, "created_by", r, i, TC_CBY);
	api_add_id(o, "updated_by", r, i, TC_UBY);
	return o;
}

static cJSON *
member_json(struct request *req, long long team, const struct db_result *r, size_t i)
{
	cJSON	*o = api_object(req);

	cJSON_AddNumberToObject(o, "team_id", (double)team);
	cJSON_AddNumberToObject(o, "user_id", (double)db_int(r, i, MC_USER));
	cJSON_AddStringToObject(o, "username", db_str(r, i, MC_USERNAME));
	cJSON_AddStringToObject(o, "email", db_str(r, i, MC_EMAIL));
	cJSON_AddStringToObject(o, "full_name", db_str(r, i, MC_FULLNAME));
	cJSON_AddStringToObject(o, "member_role", db_str(r, i, MC_ROLE));
	cJSON_AddStringToObject(o, "created_at", db_str(r, i, MC_CREATED));
	api_add_id(o, "created_by", r, i, MC_CBY);
	cJSON_AddStringToObject(o, "updated_at", db_str(r, i, MC_UPDATED));
	api_add_id(o, "updated_by", r, i, MC_UBY);
	return o;
}

/* Whether the caller may act on org's teams with perm. */
static int
in_scope(struct request *req, long long org, const char *perm)
{
	return (req->auth.org_id > 0 && org == req->auth.org_id) || authn_platform_has(req, perm);
}

/* Read team id (locked for update when lock); 404 when it is out of the caller's scope. */
static enum gh_err
team_load(struct request *req, long long id, int lock, const char *perm, struct db_result *r)
{
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_INT(id);
	if ((err = db_exec(req->w->db, req->arena, lock ? SQL_TEAM_GET_LOCK : SQL_TEAM_GET, p, 1,
	    r)) != GH_OK)
		return err;
	if (r->nrows == 0 || !in_scope(req, db_int(r, 0, TC_ORG), perm))
		return req_fail(req, GH_ERR_NOT_FOUND, NULL, "no team %lld", id);
	return GH_OK;
}

/* Read the membership of user in team; 404 when there is none. */
static enum gh_err
member_load(struct request *req, long long team, long long user, struct db_result *r)
{
	struct db_param	 p[2];
	enum gh_err	 err;

	p[0] = DB_INT(team);
	p[1] = DB_INT(user);
	if ((err = db_exec(req->w->db, req->arena, SQL_TEAM_MEMBER_GET, p, 2, r)) != GH_OK)
		return err;
	if (r->nrows == 0)
		return req_fail(req, GH_ERR_NOT_FOUND, NULL, "user %lld is not a member of team %lld",
		    user, team);
	return GH_OK;
}

static void
audit(struct request *req, const char *action, long long team, long long org, const cJSON *details)
{
	(void)audit_change(req, action, "team", team, org, details);
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

/* "%q%" for LIKE ... ESCAPE '!'. */
enum gh_err
api_teams_list(struct request *req)
{
	struct keyset	 ks;
	struct db_result r;
	struct db_param	 p[9];
	const char	*q = req_query(req, "q"), *next = NULL;
	long long	 org;
	size_t		 i, n, len;
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
	p[0] = DB_INT(org);
	p[1] = DB_INT(org);
	p[2] = DB_STR(q ? q : "");
	p[3] = DB_STR(q ? api_like_pattern(req, q) : "");
	n = 4 + keyset_params(&ks, p + 4);
	if ((err = db_exec(req->w->db, req->arena, team_lists[ks.sort], p, n, &r)) != GH_OK)
		return err;
	items = api_array(req);
	for (i = 0; i < r.nrows && (long long)i < ks.limit; i++)
		cJSON_AddItemReferenceToArray(items, team_json(req, &r, i));
	if ((long long)r.nrows > ks.limit)
		next = keyset_cursor(req, team_sorts, &ks, db_int(&r, i - 1, TC_ID),
		    db_str(&r, i - 1, TC_NAME));
	page_respond(req, items, next);
	return GH_OK;
}

enum gh_err
api_team_get(struct request *req)
{
	struct db_result r;
	long long	 id;
	enum gh_err	 err;

	if ((err = api_id_param(req, 0, &id)) != GH_OK ||
	    (err = team_load(req, id, 0, "teams.read", &r)) != GH_OK)
		return err;
	api_entity(req, 200, team_json(req, &r, 0), NULL);
	return GH_OK;
}

enum gh_err
api_team_create(struct request *req)
{
	static const char *const fields[] = { "name", "description", "organization_id", NULL };
	struct db_result r;
	struct db_param	 p[5];
	const char	*name, *desc;
	long long	 org, id;
	enum gh_err	 err;

	if ((err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "name", BODY_REQUIRED, 1, TEAM_NAME_MAX, &name)) != GH_OK ||
	    (err = check_name(req, name)) != GH_OK ||
	    (err = body_str(req, "description", BODY_OPTIONAL, 0, TEAM_DESC_MAX, &desc)) != GH_OK ||
	    (err = target_org(req, "teams.create", 1, &org)) != GH_OK)
		return err;
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	p[0] = DB_INT(org);
	if ((err = db_exec(req->w->db, req->arena, SQL_TEAM_ORG_EXISTS, p, 1, &r)) != GH_OK)
		goto fail;
	if (r.nrows == 0) {
		err = req_fail(req, GH_ERR_VALIDATION, "organization_id", "no organization %lld", org);
		goto fail;
	}
	p[1] = DB_STR(name);
	p[2] = DB_STR(desc);
	p[3] = DB_INT(req->auth.user_id);
	p[4] = DB_INT(req->auth.user_id);
	if ((err = db_exec(req->w->db, req->arena, SQL_TEAM_INSERT, p, 5, &r)) != GH_OK) {
		if (err == GH_ERR_CONFLICT)
			req_fail(req, err, "name", "the organization already has a team named %s",
			    name);
		goto fail;
	}
	id = (long long)r.insert_id;
	audit(req, "team.create", id, org, NULL);
	if ((err = team_load(req, id, 0, "teams.create", &r)) != GH_OK ||
	    (err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	api_entity(req, 201, team_json(req, &r, 0),
	    arena_printf(req->arena, "/api/v1/teams/%lld", id));
	return GH_OK;
fail:
	db_rollback(req->w->db);
	return err;
}

enum gh_err
api_team_update(struct request *req)
{
	static const char *const fields[] = { "name", "description", NULL };
	struct db_result r;
	struct db_param	 p[4];
	const char	*name, *desc, *olddesc;
	long long	 id, org;
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
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((err = team_load(req, id, 1, "teams.update", &r)) != GH_OK ||
	    (err = api_if_match(req, team_json(req, &r, 0))) != GH_OK)
		goto fail;
	org = db_int(&r, 0, TC_ORG);
	olddesc = db_str(&r, 0, TC_DESC);
	details = api_object(req);
	changed = cJSON_AddArrayToObject(details, "changed");
	if (name != NULL && strcmp(name, db_str(&r, 0, TC_NAME)) != 0)
		cJSON_AddItemToArray(changed, cJSON_CreateString("name"));
	else
		name = db_str(&r, 0, TC_NAME);
	if (setdesc && (desc == NULL ? olddesc != NULL : olddesc == NULL || strcmp(desc, olddesc)))
		cJSON_AddItemToArray(changed, cJSON_CreateString("description"));
	else
		desc = olddesc;
	if (cJSON_GetArraySize(changed) > 0) {
		p[0] = DB_STR(name);
		p[1] = DB_STR(desc);
		p[2] = DB_INT(req->auth.user_id);
		p[3] = DB_INT(id);
		if ((err = db_exec(req->w->db, req->arena, SQL_TEAM_UPDATE, p, 4, NULL)) != GH_OK) {
			if (err == GH_ERR_CONFLICT)
				req_fail(req, err, "name",
				    "the organization already has a team named %s", name);
			goto fail;
		}
		audit(req, "team.update", id, org, details);
		if ((err = team_load(req, id, 0, "teams.update", &r)) != GH_OK)
			goto fail;
	}
	if ((err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	api_entity(req, 200, team_json(req, &r, 0), NULL);
	return GH_OK;
fail:
	db_rollback(req->w->db);
	return err;
}

enum gh_err
api_team_delete(struct request *req)
{
	struct db_result r;
	struct db_param	 p[1];
	long long	 id;
	enum gh_err	 err;
	cJSON		*details;

	if ((err = api_id_param(req, 0, &id)) != GH_OK)
		return err;
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((err = team_load(req, id, 1, "teams.delete", &r)) != GH_OK ||
	    (err = api_if_match(req, team_json(req, &r, 0))) != GH_OK)
		goto fail;
	p[0] = DB_INT(id);
	/* The memberships go with the team (ON DELETE CASCADE); the audit row says how many. */
	if ((err = db_exec(req->w->db, req->arena, SQL_TEAM_DELETE, p, 1, NULL)) != GH_OK)
		goto fail;
	details = api_object(req);
	cJSON_AddStringToObject(details, "name", db_str(&r, 0, TC_NAME));
	cJSON_AddNumberToObject(details, "member_count", (double)db_int(&r, 0, TC_MEMBERS));
	audit(req, "team.delete", id, db_int(&r, 0, TC_ORG), details);
	if ((err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	resp_status(req, 204);
	return GH_OK;
fail:
	db_rollback(req->w->db);
	return err;
}

enum gh_err
api_team_members_list(struct request *req)
{
	struct keyset	 ks;
	struct db_result t, r;
	struct db_param	 p[8];
	const char	*role = req_query(req, "member_role"), *next = NULL;
	long long	 id;
	size_t		 i, n;
	enum gh_err	 err;
	cJSON		*items;

	if ((err = api_id_param(req, 0, &id)) != GH_OK ||
	    (err = keyset_parse(req, member_sorts, &ks)) != GH_OK ||
	    (role != NULL && (err = check_role(req, "member_role", role)) != GH_OK) ||
	    (err = team_load(req, id, 0, "teams.read", &t)) != GH_OK)
		return err;
	p[0] = DB_INT(id);
	p[1] = DB_STR(role ? role : "");
	p[2] = DB_STR(role ? role : "");
	n = 3 + keyset_params(&ks, p + 3);
	if ((err = db_exec(req->w->db, req->arena, member_lists[ks.sort], p, n, &r)) != GH_OK)
		return err;
	items = api_array(req);
	for (i = 0; i < r.nrows && (long long)i < ks.limit; i++)
		cJSON_AddItemReferenceToArray(items, member_json(req, id, &r, i));
	if ((long long)r.nrows > ks.limit)
		next = keyset_cursor(req, member_sorts, &ks, db_int(&r, i - 1, MC_USER),
		    db_str(&r, i - 1, MC_USERNAME));
	page_respond(req, items, next);
	return GH_OK;
}

enum gh_err
api_team_member_get(struct request *req)
{
	struct db_result t, r;
	long long	 id, user;
	enum gh_err	 err;

	if ((err = api_id_param(req, 0, &id)) != GH_OK ||
	    (err = api_id_param(req, 1, &user)) != GH_OK ||
	    (err = team_load(req, id, 0, "teams.read", &t)) != GH_OK ||
	    (err = member_load(req, id, user, &r)) != GH_OK)
		return err;
	api_entity(req, 200, member_json(req, id, &r, 0), NULL);
	return GH_OK;
}

static cJSON *
member_details(struct request *req, long long user, const char *role, const char *from)
{
	cJSON	*d = api_object(req);

	cJSON_AddNumberToObject(d, "user_id", (double)user);
	if (from != NULL)
		cJSON_AddStringToObject(d, "from", from);
	cJSON_AddStringToObject(d, "member_role", role);
	return d;
}

enum gh_err
api_team_member_add(struct request *req)
{
	static const char *const fields[] = { "user_id", "member_role", NULL };
	struct db_result t, r;
	struct db_param	 p[5];
	const char	*role;
	long long	 id, user, org;
	enum gh_err	 err;

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
	if ((err = team_load(req, id, 1, "teams.members", &t)) != GH_OK)
		goto fail;
	org = db_int(&t, 0, TC_ORG);
	p[0] = DB_INT(user);
	p[1] = DB_INT(org);
	if ((err = db_exec(req->w->db, req->arena, SQL_TEAM_USER_IN_ORG, p, 2, &r)) != GH_OK)
		goto fail;
	if (r.nrows == 0) {
		err = req_fail(req, GH_ERR_VALIDATION, "user_id",
		    "user %lld is not a member of the team's organization", user);
		goto fail;
	}
	p[0] = DB_INT(id);
	p[1] = DB_INT(user);
	p[2] = DB_STR(role);
	p[3] = DB_INT(req->auth.user_id);
	p[4] = DB_INT(req->auth.user_id);
	if ((err = db_exec(req->w->db, req->arena, SQL_TEAM_MEMBER_INSERT, p, 5, NULL)) != GH_OK) {
		if (err == GH_ERR_CONFLICT)
			req_fail(req, err, "user_id", "user %lld is already a member of team %lld",
			    user, id);
		goto fail;
	}
	audit(req, "team.member.add", id, org, member_details(req, user, role, NULL));
	if ((err = member_load(req, id, user, &r)) != GH_OK ||
	    (err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	api_entity(req, 201, member_json(req, id, &r, 0),
	    arena_printf(req->arena, "/api/v1/teams/%lld/members/%lld", id, user));
	return GH_OK;
fail:
	db_rollback(req->w->db);
	return err;
}

enum gh_err
api_team_member_update(struct request *req)
{
	static const char *const fields[] = { "member_role", NULL };
	struct db_result t, r;
	struct db_param	 p[4];
	const char	*role, *old;
	long long	 id, user;
	enum gh_err	 err;

	if ((err = api_id_param(req, 0, &id)) != GH_OK ||
	    (err = api_id_param(req, 1, &user)) != GH_OK ||
	    (err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "member_role", BODY_REQUIRED, 1, 20, &role)) != GH_OK ||
	    (err = check_role(req, "member_role", role)) != GH_OK)
		return err;
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((err = team_load(req, id, 1, "teams.members", &t)) != GH_OK ||
	    (err = member_load(req, id, user, &r)) != GH_OK ||
	    (err = api_if_match(req, member_json(req, id, &r, 0))) != GH_OK)
		goto fail;
	old = db_str(&r, 0, MC_ROLE);
	if (strcmp(old, role) != 0) {
		p[0] = DB_STR(role);
		p[1] = DB_INT(req->auth.user_id);
		p[2] = DB_INT(id);
		p[3] = DB_INT(user);
		if ((err = db_exec(req->w->db, req->arena, SQL_TEAM_MEMBER_UPDATE, p, 4,
		    NULL)) != GH_OK)
			goto fail;
		audit(req, "team.member.update", id, db_int(&t, 0, TC_ORG),
		    member_details(req, user, role, old));
		if ((err = member_load(req, id, user, &r)) != GH_OK)
			goto fail;
	}
	if ((err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	api_entity(req, 200, member_json(req, id, &r, 0), NULL);
	return GH_OK;
fail:
	db_rollback(req->w->db);
	return err;
}

enum gh_err
api_team_member_remove(struct request *req)
{
	struct db_result t, r;
	struct db_param	 p[2];
	long long	 id, user;
	enum gh_err	 err;

	if ((err = api_id_param(req, 0, &id)) != GH_OK ||
	    (err = api_id_param(req, 1, &user)) != GH_OK)
		return err;
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((err = team_load(req, id, 1, "teams.members", &t)) != GH_OK ||
	    (err = member_load(req, id, user, &r)) != GH_OK ||
	    (err = api_if_match(req, member_json(req, id, &r, 0))) != GH_OK)
		goto fail;
	p[0] = DB_INT(id);
	p[1] = DB_INT(user);
	if ((err = db_exec(req->w->db, req->arena, SQL_TEAM_MEMBER_DELETE, p, 2, NULL)) != GH_OK)
		goto fail;
	audit(req, "team.member.remove", id, db_int(&t, 0, TC_ORG),
	    member_details(req, user, db_str(&r, 0, MC_ROLE), NULL));
	if ((err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	resp_status(req, 204);
	return GH_OK;
fail:
	db_rollback(req->w->db);
	return err;
}
