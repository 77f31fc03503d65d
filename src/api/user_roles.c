/*
 * user_roles.c: the roles a user holds in an organization (seed 004 user_roles).
 *
 * A user holds organization roles per organization and platform roles everywhere.  Any change
 * bumps the user's permission_version, so tokens issued with the old roles stop working at once
 * and a refresh issues tokens with the new ones.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "api/api.h"
#include "api/common.h"
#include "api/routes.h"
#include "auth/authn.h"
#include "auth/authz.h"
#include "auth/session.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "http/body.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/organization.h"
#include "store/role.h"
#include "store/user_role.h"

/* Resolve the organization the request is about and check the caller may act in it. */
static enum gh_err
target(struct request *req, const char *perm, long long *user, long long *org)
{
	const cJSON	*b = req->json ? cJSON_GetObjectItemCaseSensitive(req->json,
			    "organization_id") : NULL;
	int		 platform = authn_platform_has(req, perm);
	int		 member;
	enum gh_err	 err;

	if ((err = api_id_param(req, 0, user)) != GH_OK)
		return err;
	*org = req->auth.org_id;
	if (b != NULL && !cJSON_IsNull(b)) {
		if (body_int_value(req, b, "organization_id", 1, LLONG_MAX, org) != GH_OK)
			return req_fail(req, GH_ERR_VALIDATION, "organization_id", "an organization id");
	} else if ((err = api_query_int(req, "organization_id", 1, LLONG_MAX,
	    "an organization id", org)) != GH_OK)
		return err;
	if (*org != req->auth.org_id && !platform)
		return req_fail(req, GH_ERR_NOT_FOUND, NULL, "no such user in your organization");
	if ((err = store_organization_has_member(req->w->db, req->arena, *org, *user,
	    &member)) != GH_OK)
		return err;
	if (!member)
		return req_fail(req, GH_ERR_NOT_FOUND, NULL, "user %lld is not a member of "
		    "organization %lld", *user, *org);
	return GH_OK;
}

API_RENDERER(role_json, struct user_role,
    API_F(NUM, role_id) API_F(STR, name) API_F(STR, scope) API_F(ID, organization_id))

static enum gh_err
respond(struct request *req, long long user, long long org, int status)
{
	struct user_role *rows;
	enum gh_err	 err;
	cJSON		*items;
	size_t		 i, n;

	if ((err = store_user_role_list(req->w->db, req->arena, user, org, &rows, &n)) != GH_OK)
		return err;
	items = api_array(req);
	for (i = 0; i < n; i++)
		cJSON_AddItemReferenceToArray(items, role_json(req, &rows[i]));
	if (status == 204)
		resp_status(req, 204);
	else
		api_page_respond(req, items, 0);
	return GH_OK;
}

enum gh_err
api_user_roles_list(struct request *req)
{
	long long	 user, org;
	enum gh_err	 err;

	if ((err = target(req, "roles.read", &user, &org)) != GH_OK)
		return err;
	return respond(req, user, org, 200);
}

/*
 * Check that the caller may grant (or take away) role id in org; *platform tells whether it is a
 * platform role (held with no organization).
 */
static enum gh_err
may_assign(struct request *req, long long id, long long org, const char *field, int *platform)
{
	const struct authz_role	*role = authn_role_by_id(req, id);
	int			 plat_caller = authn_platform_has(req, "roles.assign");

	if (role == NULL)
		return req_fail(req, GH_ERR_VALIDATION, field, "no such role");
	*platform = role->platform;
	if (role->org_key != 0 && role->org_key != org)
		return req_fail(req, GH_ERR_VALIDATION, field,
		    "role %s belongs to another organization", role->name);
	if (plat_caller)
		return GH_OK;
	if (role->platform)
		return req_fail(req, GH_ERR_FORBIDDEN, field,
		    "platform roles are granted by platform administrators");
	if (!authn_holds_role(req, role))
		return req_fail(req, GH_ERR_FORBIDDEN, field,
		    "role %s grants permissions you do not hold", role->name);
	return GH_OK;
}

static enum gh_err
role_by_name(struct request *req, const char *name, long long org, const char *field, long long *id)
{
	struct role	 r;
	enum gh_err	 err;

	if ((err = store_role_get_by_name(req->w->db, req->arena, name, org,
	    &r)) == GH_ERR_NOT_FOUND)
		return req_fail(req, GH_ERR_VALIDATION, field, "no role named %s here", name);
	if (err == GH_OK)
		*id = r.id;
	return err;
}

/*
 * Open the transaction of a change of the user's roles, its permission_version bumped first.
 * The bump's UPDATE takes the user's row lock before anything else, so concurrent changes of one
 * user's roles wait for each other.  Bumped last, two grants deadlocked (503): each insert's
 * foreign key check holds a shared lock on the users row that the other's bump must wait for.
 */
static enum gh_err
begin(struct request *req, long long user)
{
	enum gh_err	 err;

	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((err = session_pv_bump(req, user)) != GH_OK)
		db_rollback(req->w->db);
	return err;
}

/* Record the change (permission_version already bumped by begin), commit and publish. */
static enum gh_err
finish(struct request *req, long long user, long long org, int status)
{
	enum gh_err	 err;
	cJSON		*details;

	details = api_object(req);
	cJSON_AddStringToObject(details, "method", req->method_str);
	(void)audit_change(req, "user.roles.update", "user", user, org, details);
	if ((err = api_commit(req)) != GH_OK)
		return err;
	if ((err = session_pv_publish(req, user)) != GH_OK)
		return req_fail(req, err, NULL, "saved, but the token store is unreachable; tokens "
		    "are refused until it returns");
	return respond(req, user, org, status);
}

enum gh_err
api_user_roles_add(struct request *req)
{
	static const char *const fields[] = { "role", "organization_id", NULL };
	const char	*name;
	long long	 user, org, role;
	int		 platform;
	enum gh_err	 err;

	/* The user in the path first: a bad id is 404 whatever the body holds. */
	if ((err = target(req, "roles.assign", &user, &org)) != GH_OK ||
	    (err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "role", BODY_REQUIRED, 1, 100, &name)) != GH_OK)
		return err;
	if ((err = begin(req, user)) != GH_OK)
		return err;
	if ((err = role_by_name(req, name, org, "role", &role)) != GH_OK ||
	    (err = may_assign(req, role, org, "role", &platform)) != GH_OK ||
	    (err = store_user_role_insert(req->w->db, req->arena, user, role, platform ? 0 : org,
	    req->auth.user_id)) != GH_OK) {
		db_rollback(req->w->db);
		return err;
	}
	return finish(req, user, org, 200);
}

enum gh_err
api_user_roles_replace(struct request *req)
{
	static const char *const fields[] = { "roles", "organization_id", NULL };
	const cJSON	*list, *it;
	struct user_role *held;
	size_t		 i, n;
	long long	 user, org, role;
	int		 platform;
	enum gh_err	 err;

	if ((err = target(req, "roles.assign", &user, &org)) != GH_OK ||
	    (err = body_only(req, fields)) != GH_OK)
		return err;
	list = cJSON_GetObjectItemCaseSensitive(req->json, "roles");
	if (!cJSON_IsArray(list))
		return req_fail(req, GH_ERR_VALIDATION, "roles", "roles must be an array of names");
	cJSON_ArrayForEach(it, list)
		if (!cJSON_IsString(it))
			return req_fail(req, GH_ERR_VALIDATION, "roles", "roles must hold names");
	if ((err = begin(req, user)) != GH_OK)
		return err;
	/* The caller must be allowed to take away what the user holds here, too. */
	if ((err = store_user_role_list(req->w->db, req->arena, user, org, &held, &n)) != GH_OK)
		return err;
	for (i = 0; i < n; i++) {
		if (held[i].organization_id == 0)
			continue;	/* platform roles are not replaced here */
		if ((err = may_assign(req, held[i].role_id, org, "roles", &platform)) != GH_OK)
			return err;
	}
	if ((err = store_user_role_clear(req->w->db, req->arena, user, org)) != GH_OK)
		return err;
	cJSON_ArrayForEach(it, list) {
		if ((err = role_by_name(req, it->valuestring, org, "roles", &role)) != GH_OK ||
		    (err = may_assign(req, role, org, "roles", &platform)) != GH_OK)
			return err;
		if (platform)
			return req_fail(req, GH_ERR_VALIDATION, "roles", "%s is a platform role: add it "
			    "with POST, it is not held per organization", it->valuestring);
		if ((err = store_user_role_insert(req->w->db, req->arena, user, role, org,
		    req->auth.user_id)) != GH_OK)
			return err;
	}
	return finish(req, user, org, 200);
}

enum gh_err
api_user_roles_remove(struct request *req)
{
	long long	 user, org, role;
	int		 platform;
	enum gh_err	 err;

	if ((err = target(req, "roles.assign", &user, &org)) != GH_OK)
		return err;
	if ((err = api_id_param(req, 1, &role)) != GH_OK)
		return err;
	if ((err = begin(req, user)) != GH_OK)
		return err;
	if ((err = may_assign(req, role, org, "role_id", &platform)) != GH_OK)
		return err;
	if ((err = store_user_role_delete(req->w->db, req->arena, user, role,
	    platform ? 0 : org)) != GH_OK) {
		if (err == GH_ERR_NOT_FOUND)
			req_fail(req, err, NULL, "the user does not hold that role here");
		return err;
	}
	return finish(req, user, org, 204);
}
