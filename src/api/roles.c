/*
 * roles.c: roles and the permissions they grant (seed 004 roles, role_permissions).
 *
 * Platform callers (the permission held through a platform-scope role) manage every role;
 * organization callers see the shared roles and their organization's own, change only their
 * organization's own, and never grant a permission they do not hold.
 */
#include <ctype.h>
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
#include "core/valid.h"
#include "http/body.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/permission.h"
#include "store/role.h"

/* A role name: a letter, then letters, digits, _ . - (100 at most). */
static int
valid_role_name(const char *s)
{
	return valid_word(s, 0, 1, 100);
}

/*
 * The role and the names of its permissions: perms (n of them) when given, else the list's
 * comma-separated perm_names.
 */
static cJSON *
role_json(struct request *req, const struct role *s, const struct permission *perms, size_t n)
{
	cJSON		*o = api_object(req), *a;
	size_t		 k;

	API_F(NUM, id) API_F(STR, name) API_F(STR, description) API_F(ID, organization_id)
	API_F(STR, scope) API_F(BOOL, is_system)
	if (perms != NULL) {
		a = cJSON_AddArrayToObject(o, "permissions");
		for (k = 0; k < n; k++)
			cJSON_AddItemToArray(a, cJSON_CreateString(perms[k].name));
	} else
		api_add_names(req, o, "permissions", s->perm_names);
	API_F(STR, created_at) API_F(STR, updated_at)
	return o;
}

/* A role as loaded for one request: the row and the permissions it grants. */
struct loaded {
	struct role		 r;
	struct permission	*perms;
	size_t			 nperms;
};

static cJSON *
loaded_json(struct request *req, const struct loaded *l)
{
	return role_json(req, &l->r, l->perms, l->nperms);
}

/* Read role id (locked for update when lock) and its permissions; 404 when not visible. */
static enum gh_err
load(struct request *req, long long id, int lock, struct loaded *l)
{
	enum gh_err	 err;

	if ((err = api_role_load(req, id, lock, "roles.read", &l->r)) != GH_OK)
		return err;
	return store_permission_list_by_role(req->w->db, req->arena, id, &l->perms, &l->nperms);
}

/* The organization of a role's audit events: its own, else the caller's. */
static long long
audit_org(struct request *req, long long org)
{
	return org > 0 ? org : req->auth.org_id;
}

/*
 * After a committed change to a role's grants: reload every worker's tables and end the
 * tokens of everyone who holds it (MySQL first, then Redis).
 */
static enum gh_err
propagate(struct request *req, long long role_id)
{
	enum gh_err	 err;

	if ((err = api_authz_changed(req)) != GH_OK)
		return req_fail(req, err, NULL, "saved, but the change could not be announced; "
		    "workers pick it up within a minute");
	return session_pv_publish_role(req, role_id);
}

/*
 * Set the role's permissions from a JSON array of names (replace) or add one name.  Refuses
 * names that do not exist and, for organization callers, permissions they do not hold.
 */
static enum gh_err
grant(struct request *req, long long role_id, const cJSON *names, const char *field, int replace,
    int *changed)
{
	const cJSON	*it;
	long long	 perm;
	enum gh_err	 err;
	int		 done, platform = authn_platform_has(req, "roles.update") ||
			    authn_platform_has(req, "roles.create");

	if (!cJSON_IsArray(names))
		return req_fail(req, GH_ERR_VALIDATION, field, "%s must be an array of names", field);
	cJSON_ArrayForEach(it, names)
		if (!cJSON_IsString(it))
			return req_fail(req, GH_ERR_VALIDATION, field, "%s must hold names", field);
	if (replace) {
		if ((err = store_role_perm_clear(req->w->db, req->arena, role_id, &done)) != GH_OK)
			return err;
		*changed |= done;
	}
	cJSON_ArrayForEach(it, names) {
		err = store_permission_id_by_name(req->w->db, req->arena, it->valuestring, &perm);
		if (err == GH_ERR_NOT_FOUND)
			return req_fail(req, GH_ERR_VALIDATION, field, "no permission named %s",
			    it->valuestring);
		if (err != GH_OK)
			return err;
		if (!platform && !authn_has(req, it->valuestring))
			return req_fail(req, GH_ERR_FORBIDDEN, field,
			    "you cannot grant %s: you do not hold it", it->valuestring);
		if ((err = store_role_perm_insert(req->w->db, req->arena, role_id, perm,
		    req->auth.user_id, &done)) != GH_OK)
			return err;
		*changed |= done;
	}
	return GH_OK;
}

enum gh_err
api_roles_list(struct request *req)
{
	struct db_keyset	 ks;
	struct role_filter	 f;
	struct role		*rows;
	const char		*scope = req_query(req, "scope");
	long long		 forg = 0, last = 0;
	enum gh_err		 err;
	cJSON			*items;
	size_t			 i, n;

	if ((err = api_keyset_parse(req, &ks)) != GH_OK)
		return err;
	if (scope != NULL && strcmp(scope, "platform") && strcmp(scope, "organization"))
		return req_fail(req, GH_ERR_VALIDATION, "scope", "scope is platform or organization");
	if ((err = api_query_int(req, "organization_id", 0, LLONG_MAX,
	    "organization_id is an organization id, or 0 for shared roles", &forg)) != GH_OK)
		return err;
	memset(&f, 0, sizeof(f));
	f.every_org = authn_platform_has(req, "roles.read");
	f.caller_org = req->auth.org_id;
	f.by_org = req_query(req, "organization_id") != NULL;
	f.org = forg;
	f.scope = scope;
	if ((err = store_role_list(req->w->db, req->arena, &f, &ks, &rows, &n)) != GH_OK)
		return err;
	items = api_array(req);
	for (i = 0; i < n && (long long)i < ks.limit; i++) {
		cJSON_AddItemReferenceToArray(items, role_json(req, &rows[i], NULL, 0));
		last = rows[i].id;
	}
	api_page_respond(req, items, (long long)n > ks.limit ? last : 0);
	return GH_OK;
}

API_GET_BY_ID(api_role_get, struct loaded, load(req, id, 0, &row), loaded_json)

/* 409 when name is taken where it would make token role names ambiguous. */
static enum gh_err
name_free(struct request *req, const char *name, long long org, long long self)
{
	enum gh_err	 err;
	int		 taken;

	if ((err = store_role_name_taken(req->w->db, req->arena, name, org, self,
	    &taken)) != GH_OK)
		return err;
	if (taken)
		return req_fail(req, GH_ERR_CONFLICT, "name", "the role name %s is already used %s",
		    name, org > 0 ? "by a shared role" : "by an organization's role");
	return GH_OK;
}

enum gh_err
api_role_create(struct request *req)
{
	static const char *const fields[] = { "name", "description", "organization_id", "scope",
	    "permissions", NULL };
	struct role	 nr;
	struct loaded	 l;
	const char	*name, *desc, *scope;
	const cJSON	*orgv, *pl;
	long long	 org, id, want;
	int		 platform = authn_platform_has(req, "roles.create"), changed = 0;
	enum gh_err	 err;

	if ((err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "name", BODY_REQUIRED, 1, 100, &name)) != GH_OK ||
	    (err = body_str(req, "description", BODY_OPTIONAL, 0, 500, &desc)) != GH_OK ||
	    (err = body_str(req, "scope", BODY_OPTIONAL, 1, 20, &scope)) != GH_OK)
		return err;
	if (!valid_role_name(name))
		return req_fail(req, GH_ERR_VALIDATION, "name",
		    "a role name starts with a letter and holds letters, digits, _ . -");
	if (scope == NULL)
		scope = "organization";
	if (strcmp(scope, "organization") && strcmp(scope, "platform"))
		return req_fail(req, GH_ERR_VALIDATION, "scope", "scope is platform or organization");
	orgv = cJSON_GetObjectItemCaseSensitive(req->json, "organization_id");
	want = 0;
	if (orgv != NULL && !cJSON_IsNull(orgv) && body_int_value(req, orgv, "organization_id", 1,
	    LLONG_MAX, &want) != GH_OK)
		return req_fail(req, GH_ERR_VALIDATION, "organization_id", "an organization id or null");
	if (platform)
		org = want;
	else {
		if (want != 0 && want != req->auth.org_id)
			return req_fail(req, GH_ERR_FORBIDDEN, "organization_id",
			    "you can create roles only in your own organization");
		if (orgv != NULL && cJSON_IsNull(orgv))
			return req_fail(req, GH_ERR_FORBIDDEN, "organization_id",
			    "shared roles are created by platform administrators");
		if (strcmp(scope, "platform") == 0)
			return req_fail(req, GH_ERR_FORBIDDEN, "scope",
			    "platform roles are created by platform administrators");
		org = req->auth.org_id;
		if (org <= 0)
			return req_fail(req, GH_ERR_FORBIDDEN, NULL, "your session has no organization");
	}
	if (strcmp(scope, "platform") == 0 && org > 0)
		return req_fail(req, GH_ERR_VALIDATION, "scope",
		    "a platform role cannot belong to an organization");
	pl = cJSON_GetObjectItemCaseSensitive(req->json, "permissions");

	if ((err = db_begin(req->w->db)) != GH_OK ||
	    (err = name_free(req, name, org, 0)) != GH_OK)
		return err;
	memset(&nr, 0, sizeof(nr));
	nr.name = name;
	nr.description = desc;
	nr.organization_id = org > 0 ? org : 0;
	nr.scope = scope;
	if ((err = api_unique(req, store_role_insert(req->w->db, req->arena, &nr, req->auth.user_id,
	    &id), "name", "a role named %s already exists there", name)) != GH_OK)
		return err;
	if (pl != NULL && !cJSON_IsNull(pl) &&
	    (err = grant(req, id, pl, "permissions", 1, &changed)) != GH_OK)
		return err;
	(void)audit_change(req, "role.create", "role", id, audit_org(req, org), NULL);
	if ((err = load(req, id, 0, &l)) != GH_OK || (err = api_commit_authz(req, NULL)) != GH_OK)
		return err;
	return api_entity(req, 201, loaded_json(req, &l),
	    arena_printf(req->arena, "/api/v1/roles/%lld", id));
}

enum gh_err
api_role_update(struct request *req)
{
	static const char *const fields[] = { "name", "description", NULL };
	struct loaded	 l;
	struct role	 up;
	const char	*name, *desc;
	long long	 id;
	enum gh_err	 err;

	if ((err = api_id_param(req, 0, &id)) != GH_OK ||
	    (err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "name", BODY_OPTIONAL, 1, 100, &name)) != GH_OK ||
	    (err = body_str(req, "description", BODY_OPTIONAL, 0, 500, &desc)) != GH_OK)
		return err;
	if (name != NULL && !valid_role_name(name))
		return req_fail(req, GH_ERR_VALIDATION, "name",
		    "a role name starts with a letter and holds letters, digits, _ . -");
	if ((err = db_begin(req->w->db)) != GH_OK ||
	    (err = load(req, id, 1, &l)) != GH_OK ||
	    (err = api_if_match(req, loaded_json(req, &l))) != GH_OK)
		return err;
	if (name != NULL && strcmp(name, l.r.name) == 0)
		name = NULL;
	if ((err = authn_role_writable(req, &l.r, "roles.update", name != NULL)) != GH_OK)
		return err;
	if (name != NULL && (err = name_free(req, name, l.r.organization_id, id)) != GH_OK)
		return err;
	up = l.r;
	if (name != NULL)
		up.name = name;
	if (cJSON_GetObjectItemCaseSensitive(req->json, "description") != NULL)
		up.description = desc;
	if ((err = api_unique(req, store_role_update(req->w->db, req->arena, &up,
	    req->auth.user_id), "name", "a role with that name already exists there")) != GH_OK)
		return err;
	/* Tokens carry role names: a rename ends the holders' tokens. */
	if (name != NULL && (err = session_pv_bump_role(req, id)) != GH_OK)
		return err;
	(void)audit_change(req, "role.update", "role", id, audit_org(req, l.r.organization_id),
	    NULL);
	if ((err = load(req, id, 0, &l)) != GH_OK || (err = api_commit(req)) != GH_OK)
		return err;
	if (name != NULL && (err = propagate(req, id)) != GH_OK)
		return err;
	return api_entity(req, 200, loaded_json(req, &l), NULL);
}

enum gh_err
api_role_delete(struct request *req)
{
	struct loaded	 l;
	struct db_versions holders;
	long long	 id;
	enum gh_err	 err;

	if ((err = api_id_begin(req, &id)) != GH_OK ||
	    (err = load(req, id, 1, &l)) != GH_OK ||
	    (err = api_if_match(req, loaded_json(req, &l))) != GH_OK)
		return err;
	if (l.r.is_system)
		return req_fail(req, GH_ERR_SYSTEM_ROLE, NULL, "system roles cannot be deleted");
	if ((err = authn_role_writable(req, &l.r, "roles.delete", 0)) != GH_OK ||
	    (err = session_pv_bump_role(req, id)) != GH_OK)
		return err;
	/* Remember the holders before their user_roles rows cascade away; publish after commit. */
	if ((err = store_role_holders(req->w->db, req->arena, id, &holders)) != GH_OK ||
	    (err = store_role_delete(req->w->db, req->arena, id)) != GH_OK)
		return err;
	(void)audit_change(req, "role.delete", "role", id, audit_org(req, l.r.organization_id),
	    NULL);
	if ((err = api_commit_authz(req, NULL)) != GH_OK ||
	    (err = session_pv_publish_versions(req, &holders)) != GH_OK)
		return err;
	return resp_status(req, 204);
}

enum gh_err
api_role_perms_list(struct request *req)
{
	struct loaded	 l;
	long long	 id;
	enum gh_err	 err;
	cJSON		*items, *o;
	size_t		 i;

	if ((err = api_id_param(req, 0, &id)) != GH_OK || (err = load(req, id, 0, &l)) != GH_OK)
		return err;
	items = api_array(req);
	for (i = 0; i < l.nperms; i++) {
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "id", (double)l.perms[i].id);
		cJSON_AddStringToObject(o, "name", l.perms[i].name);
		cJSON_AddStringToObject(o, "module", l.perms[i].module);
		api_add_str(o, "description", l.perms[i].description);
		cJSON_AddItemToArray(items, o);
	}
	api_page_respond(req, items, 0);
	return GH_OK;
}

/* Stop role id granting the permission called name (DELETE .../permissions/{name}). */
static enum gh_err
revoke(struct request *req, long long id, const char *name)
{
	long long	 perm;
	enum gh_err	 err;

	if ((err = api_found(req, store_permission_id_by_name(req->w->db, req->arena, name, &perm),
	    "no permission named %s", name)) != GH_OK)
		return err;
	if (!authn_platform_has(req, "roles.update") && !authn_has(req, name))
		return req_fail(req, GH_ERR_FORBIDDEN, "permission",
		    "you cannot revoke %s: you do not hold it", name);
	return api_found(req, store_role_perm_delete(req->w->db, req->arena, id, perm),
	    "the role does not grant %s", name);
}

/* Shared by PUT (replace), POST (add one) and DELETE (remove one). */
static enum gh_err
change_perms(struct request *req, int mode)
{
	static const char *const put_fields[] = { "permissions", NULL };
	static const char *const post_fields[] = { "permission", NULL };
	struct loaded	 l;
	const char	*name = NULL;
	cJSON		*one;
	long long	 id;
	int		 changed = 0;
	enum gh_err	 err;

	if ((err = api_id_param(req, 0, &id)) != GH_OK)
		return err;
	if (mode == 0 && ((err = body_only(req, put_fields)) != GH_OK))
		return err;
	if (mode == 0 && cJSON_GetObjectItemCaseSensitive(req->json, "permissions") == NULL)
		return req_fail(req, GH_ERR_VALIDATION, "permissions", "permissions is required");
	if (mode == 1 && ((err = body_only(req, post_fields)) != GH_OK ||
	    (err = body_str(req, "permission", BODY_REQUIRED, 1, 100, &name)) != GH_OK))
		return err;
	if (mode == 2)
		name = req_param(req, 1);
	if ((err = db_begin(req->w->db)) != GH_OK ||
	    (err = load(req, id, 1, &l)) != GH_OK ||
	    (err = api_if_match(req, loaded_json(req, &l))) != GH_OK ||
	    (err = authn_role_writable(req, &l.r, "roles.update", 0)) != GH_OK)
		return err;
	if (mode == 0)
		err = grant(req, id, cJSON_GetObjectItemCaseSensitive(req->json, "permissions"),
		    "permissions", 1, &changed);
	else if (mode == 1) {
		one = cJSON_CreateArray();
		cJSON_AddItemToArray(one, cJSON_CreateString(name));
		err = grant(req, id, one, "permission", 0, &changed);
		cJSON_Delete(one);
	} else {
		err = revoke(req, id, name);
		changed = 1;
	}
	if (err != GH_OK)
		return err;
	if (changed) {
		if ((err = store_role_touch(req->w->db, req->arena, id,
		    req->auth.user_id)) != GH_OK || (err = session_pv_bump_role(req, id)) != GH_OK)
			return err;
		(void)audit_change(req, "role.permissions.update", "role", id,
		    audit_org(req, l.r.organization_id), NULL);
	}
	if ((err = load(req, id, 0, &l)) != GH_OK || (err = api_commit(req)) != GH_OK)
		return err;
	/* Holders' tokens end only when what the role grants really changed. */
	if (changed && (err = propagate(req, id)) != GH_OK)
		return err;
	if (mode == 2)
		resp_status(req, 204);
	else
		api_entity(req, 200, loaded_json(req, &l), NULL);
	return GH_OK;
}

API_HANDLER_WITH(api_role_perms_replace, change_perms, 0)
API_HANDLER_WITH(api_role_perms_add, change_perms, 1)
API_HANDLER_WITH(api_role_perms_remove, change_perms, 2)

static int
strp_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

enum gh_err
api_me_permissions(struct request *req)
{
	const struct authz_role	*roles[AUTHZ_MAXROLES];
	const struct authz	*az = req->w->authz;
	long long		 seen[1024];
	const char		*names[1024];
	size_t			 n, i, k, ns = 0, j, nn = 0;
	cJSON			*o = api_object(req), *a;
	const char		*name;

	n = authn_roles(req, roles, AUTHZ_MAXROLES);
	a = cJSON_CreateArray();
	for (i = 0; i < n; i++)
		for (k = 0; k < roles[i]->nperms; k++) {
			for (j = 0; j < ns; j++)
				if (seen[j] == roles[i]->perms[k])
					break;
			if (j < ns || ns == sizeof(seen) / sizeof(seen[0]))
				continue;
			seen[ns++] = roles[i]->perms[k];
			if ((name = authz_perm_name(az, roles[i]->perms[k])) != NULL)
				names[nn++] = name;
		}
	qsort(names, nn, sizeof(*names), strp_cmp);
	for (i = 0; i < nn; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(names[i]));
	if (req->auth.org_id > 0)
		cJSON_AddNumberToObject(o, "organization_id", (double)req->auth.org_id);
	else
		cJSON_AddNullToObject(o, "organization_id");
	cJSON_AddItemToObject(o, "permissions", a);
	return resp_json(req, 200, o);
}
