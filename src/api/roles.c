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
#include "auth/authn.h"
#include "auth/authz.h"
#include "auth/session.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "http/body.h"
#include "store/audit.h"
#include "store/db.h"

enum { RC_ID, RC_NAME, RC_DESC, RC_ORG, RC_SCOPE, RC_SYSTEM, RC_CREATED, RC_UPDATED, RC_PERMS };

static int
valid_role_name(const char *s)
{
	size_t	 i;

	if (!isalpha((unsigned char)s[0]))
		return 0;
	for (i = 1; s[i] != '\0'; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-')
			return 0;
	return i <= 100;
}

static cJSON *
role_json(struct request *req, const struct db_result *r, size_t i, const struct db_result *perms)
{
	cJSON	*o = api_object(req), *a;
	size_t	 k;

	cJSON_AddNumberToObject(o, "id", (double)db_int(r, i, RC_ID));
	cJSON_AddStringToObject(o, "name", db_str(r, i, RC_NAME));
	api_add_str(o, "description", db_str(r, i, RC_DESC));
	if (db_isnull(r, i, RC_ORG))
		cJSON_AddNullToObject(o, "organization_id");
	else
		cJSON_AddNumberToObject(o, "organization_id", (double)db_int(r, i, RC_ORG));
	cJSON_AddStringToObject(o, "scope", db_str(r, i, RC_SCOPE));
	cJSON_AddBoolToObject(o, "is_system", db_int(r, i, RC_SYSTEM) != 0);
	a = cJSON_AddArrayToObject(o, "permissions");
	if (perms != NULL) {
		for (k = 0; k < perms->nrows; k++)
			cJSON_AddItemToArray(a, cJSON_CreateString(db_str(perms, k, 1)));
	} else if (r->ncols > RC_PERMS && db_str(r, i, RC_PERMS) != NULL) {
		/* The list query brings them as one comma-separated column. */
		const char *s = db_str(r, i, RC_PERMS), *c;
		for (; s != NULL && *s != '\0'; s = c ? c + 1 : NULL) {
			c = strchr(s, ',');
			cJSON_AddItemToArray(a, cJSON_CreateString(arena_strndup(req->arena, s,
			    c ? (size_t)(c - s) : strlen(s))));
		}
	}
	cJSON_AddStringToObject(o, "created_at", db_str(r, i, RC_CREATED));
	cJSON_AddStringToObject(o, "updated_at", db_str(r, i, RC_UPDATED));
	return o;
}

static int
visible(struct request *req, const struct db_result *r)
{
	return db_isnull(r, 0, RC_ORG) || db_int(r, 0, RC_ORG) == req->auth.org_id ||
	    authn_platform_has(req, "roles.read");
}

/* Read role id (locked for update when lock) and its permissions; 404 when not visible. */
static enum gh_err
load(struct request *req, long long id, int lock, struct db_result *r, struct db_result *perms)
{
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_INT(id);
	if ((err = db_exec(req->w->db, req->arena, lock ? SQL_ROLE_GET_LOCK : SQL_ROLE_GET, p, 1,
	    r)) != GH_OK)
		return err;
	if (r->nrows == 0 || !visible(req, r))
		return req_fail(req, GH_ERR_NOT_FOUND, NULL, "no role %lld", id);
	return db_exec(req->w->db, req->arena, SQL_ROLE_PERMS, p, 1, perms);
}

/* May the caller change this role (perm is the permission of the change)? */
static enum gh_err
writable(struct request *req, const struct db_result *r, const char *perm, int renaming)
{
	if (authn_platform_has(req, perm)) {
		if (renaming && db_int(r, 0, RC_SYSTEM))
			return req_fail(req, GH_ERR_SYSTEM_ROLE, "name",
			    "system roles cannot be renamed");
		return GH_OK;
	}
	if (db_int(r, 0, RC_SYSTEM) || db_isnull(r, 0, RC_ORG))
		return req_fail(req, GH_ERR_SYSTEM_ROLE, NULL,
		    "shared and system roles are managed by platform administrators");
	if (db_int(r, 0, RC_ORG) != req->auth.org_id)
		return req_fail(req, GH_ERR_NOT_FOUND, NULL, "no such role");
	return GH_OK;
}

static void
audit(struct request *req, const char *action, long long id, long long org, const char *details)
{
	struct audit_event	 ev;

	memset(&ev, 0, sizeof(ev));
	ev.actor = req->auth.user_id;
	ev.org = org > 0 ? org : req->auth.org_id;
	ev.action = action;
	ev.target_type = "role";
	ev.target_id = arena_printf(req->arena, "%lld", id);
	ev.details = details;
	(void)audit_write(req, &ev);
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
	struct db_param	 p[3];
	struct db_result r;
	enum gh_err	 err;
	int		 platform = authn_platform_has(req, "roles.update") ||
			    authn_platform_has(req, "roles.create");

	if (!cJSON_IsArray(names))
		return req_fail(req, GH_ERR_VALIDATION, field, "%s must be an array of names", field);
	cJSON_ArrayForEach(it, names)
		if (!cJSON_IsString(it))
			return req_fail(req, GH_ERR_VALIDATION, field, "%s must hold names", field);
	if (replace) {
		p[0] = DB_INT(role_id);
		if ((err = db_exec(req->w->db, req->arena, SQL_ROLE_PERM_CLEAR, p, 1, &r)) != GH_OK)
			return err;
		*changed |= r.affected > 0;
	}
	cJSON_ArrayForEach(it, names) {
		p[0] = DB_STR(it->valuestring);
		if ((err = db_exec(req->w->db, req->arena, SQL_PERM_ID_BY_NAME, p, 1, &r)) != GH_OK)
			return err;
		if (r.nrows == 0)
			return req_fail(req, GH_ERR_VALIDATION, field, "no permission named %s",
			    it->valuestring);
		if (!platform && !authn_has(req, it->valuestring))
			return req_fail(req, GH_ERR_FORBIDDEN, field,
			    "you cannot grant %s: you do not hold it", it->valuestring);
		p[0] = DB_INT(role_id);
		p[1] = DB_INT(db_int(&r, 0, 0));
		p[2] = DB_INT(req->auth.user_id);
		if ((err = db_exec(req->w->db, req->arena, SQL_ROLE_PERM_ADD, p, 3, &r)) != GH_OK)
			return err;
		/* 1 = inserted; 0 = it was there (ON DUPLICATE KEY with no change). */
		*changed |= r.affected == 1;
	}
	return GH_OK;
}

enum gh_err
api_roles_list(struct request *req)
{
	struct api_page	 pg;
	struct db_result r;
	struct db_param	 p[8];
	const char	*scope = req_query(req, "scope"), *org = req_query(req, "organization_id");
	long long	 forg = 0, last = 0;
	enum gh_err	 err;
	cJSON		*items;
	size_t		 i;

	if ((err = api_page_parse(req, &pg)) != GH_OK)
		return err;
	if (scope != NULL && strcmp(scope, "platform") && strcmp(scope, "organization"))
		return req_fail(req, GH_ERR_VALIDATION, "scope", "scope is platform or organization");
	if ((err = api_query_int(req, "organization_id", 0, LLONG_MAX,
	    "organization_id is an organization id, or 0 for shared roles", &forg)) != GH_OK)
		return err;
	p[0] = DB_INT(pg.after);
	p[1] = DB_INT(authn_platform_has(req, "roles.read"));
	p[2] = DB_INT(req->auth.org_id);
	p[3] = DB_INT(org != NULL);
	p[4] = DB_INT(forg);
	p[5] = DB_STR(scope ? scope : "");
	p[6] = DB_STR(scope ? scope : "");
	p[7] = DB_INT(pg.limit + 1);
	if ((err = db_exec(req->w->db, req->arena, SQL_ROLE_LIST, p, 8, &r)) != GH_OK)
		return err;
	items = api_array(req);
	for (i = 0; i < r.nrows && (long long)i < pg.limit; i++) {
		cJSON_AddItemReferenceToArray(items, role_json(req, &r, i, NULL));
		last = db_int(&r, i, RC_ID);
	}
	api_page_respond(req, items, (long long)r.nrows > pg.limit ? last : 0);
	return GH_OK;
}

enum gh_err
api_role_get(struct request *req)
{
	struct db_result r, perms;
	long long	 id;
	enum gh_err	 err;

	if ((err = api_id_param(req, 0, &id)) != GH_OK ||
	    (err = load(req, id, 0, &r, &perms)) != GH_OK)
		return err;
	api_entity(req, 200, role_json(req, &r, 0, &perms), NULL);
	return GH_OK;
}

/* 409 when name is taken where it would make token role names ambiguous. */
static enum gh_err
name_free(struct request *req, const char *name, long long org, long long self)
{
	struct db_result r;
	struct db_param	 p[2];
	enum gh_err	 err;

	p[0] = DB_STR(name);
	p[1] = DB_INT(self);
	/* A shared role's name may not be reused by an organization, nor the other way round. */
	if ((err = db_exec(req->w->db, req->arena, org > 0 ? SQL_ROLE_SHARED_NAME :
	    SQL_ROLE_NAME_IN_ORGS, p, 2, &r)) != GH_OK)
		return err;
	if (r.nrows > 0)
		return req_fail(req, GH_ERR_CONFLICT, "name", "the role name %s is already used %s",
		    name, org > 0 ? "by a shared role" : "by an organization's role");
	return GH_OK;
}

enum gh_err
api_role_create(struct request *req)
{
	static const char *const fields[] = { "name", "description", "organization_id", "scope",
	    "permissions", NULL };
	struct db_result r, perms;
	struct db_param	 p[6];
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

	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((err = name_free(req, name, org, 0)) != GH_OK)
		goto fail;
	p[0] = DB_STR(name);
	p[1] = DB_STR(desc);
	p[2] = org > 0 ? DB_INT(org) : DB_NULL;
	p[3] = DB_STR(scope);
	p[4] = DB_INT(req->auth.user_id);
	p[5] = DB_INT(req->auth.user_id);
	if ((err = db_exec(req->w->db, req->arena, SQL_ROLE_INSERT, p, 6, &r)) != GH_OK) {
		if (err == GH_ERR_CONFLICT)
			req_fail(req, err, "name", "a role named %s already exists there", name);
		goto fail;
	}
	id = (long long)r.insert_id;
	if (pl != NULL && !cJSON_IsNull(pl) &&
	    (err = grant(req, id, pl, "permissions", 1, &changed)) != GH_OK)
		goto fail;
	audit(req, "role.create", id, org, NULL);
	if ((err = load(req, id, 0, &r, &perms)) != GH_OK || (err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	(void)api_authz_changed(req);
	api_entity(req, 201, role_json(req, &r, 0, &perms),
	    arena_printf(req->arena, "/api/v1/roles/%lld", id));
	return GH_OK;
fail:
	db_rollback(req->w->db);
	return err;
}

enum gh_err
api_role_update(struct request *req)
{
	static const char *const fields[] = { "name", "description", NULL };
	struct db_result r, perms;
	struct db_param	 p[4];
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
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((err = load(req, id, 1, &r, &perms)) != GH_OK ||
	    (err = api_if_match(req, role_json(req, &r, 0, &perms))) != GH_OK)
		goto fail;
	if (name != NULL && strcmp(name, db_str(&r, 0, RC_NAME)) == 0)
		name = NULL;
	if ((err = writable(req, &r, "roles.update", name != NULL)) != GH_OK)
		goto fail;
	if (name != NULL && (err = name_free(req, name, db_int(&r, 0, RC_ORG), id)) != GH_OK)
		goto fail;
	p[0] = DB_STR(name ? name : db_str(&r, 0, RC_NAME));
	p[1] = cJSON_GetObjectItemCaseSensitive(req->json, "description") ? DB_STR(desc) :
	    DB_STR(db_str(&r, 0, RC_DESC));
	p[2] = DB_INT(req->auth.user_id);
	p[3] = DB_INT(id);
	if ((err = db_exec(req->w->db, req->arena, SQL_ROLE_UPDATE, p, 4, NULL)) != GH_OK) {
		if (err == GH_ERR_CONFLICT)
			req_fail(req, err, "name", "a role with that name already exists there");
		goto fail;
	}
	/* Tokens carry role names: a rename ends the holders' tokens. */
	if (name != NULL && (err = session_pv_bump_role(req, id)) != GH_OK)
		goto fail;
	audit(req, "role.update", id, db_int(&r, 0, RC_ORG), NULL);
	if ((err = load(req, id, 0, &r, &perms)) != GH_OK || (err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	if (name != NULL && (err = propagate(req, id)) != GH_OK)
		return err;
	api_entity(req, 200, role_json(req, &r, 0, &perms), NULL);
	return GH_OK;
fail:
	db_rollback(req->w->db);
	return err;
}

enum gh_err
api_role_delete(struct request *req)
{
	struct db_result r, perms, holders;
	struct db_param	 p[1];
	long long	 id;
	enum gh_err	 err;

	if ((err = api_id_param(req, 0, &id)) != GH_OK)
		return err;
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((err = load(req, id, 1, &r, &perms)) != GH_OK ||
	    (err = api_if_match(req, role_json(req, &r, 0, &perms))) != GH_OK)
		goto fail;
	if (db_int(&r, 0, RC_SYSTEM)) {
		err = req_fail(req, GH_ERR_SYSTEM_ROLE, NULL, "system roles cannot be deleted");
		goto fail;
	}
	if ((err = writable(req, &r, "roles.delete", 0)) != GH_OK ||
	    (err = session_pv_bump_role(req, id)) != GH_OK)
		goto fail;
	/* Remember the holders before their user_roles rows cascade away; publish after commit. */
	p[0] = DB_INT(id);
	if ((err = db_exec(req->w->db, req->arena, SQL_ROLE_HOLDERS_PV, p, 1, &holders)) != GH_OK)
		goto fail;
	if ((err = db_exec(req->w->db, req->arena, SQL_ROLE_DELETE, p, 1, NULL)) != GH_OK)
		goto fail;
	audit(req, "role.delete", id, db_int(&r, 0, RC_ORG), NULL);
	if ((err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	(void)api_authz_changed(req);
	if ((err = session_pv_publish_rows(req, &holders)) != GH_OK)
		return err;
	resp_status(req, 204);
	return GH_OK;
fail:
	db_rollback(req->w->db);
	return err;
}

enum gh_err
api_role_perms_list(struct request *req)
{
	struct db_result r, perms;
	long long	 id;
	enum gh_err	 err;
	cJSON		*items, *o;
	size_t		 i;

	if ((err = api_id_param(req, 0, &id)) != GH_OK ||
	    (err = load(req, id, 0, &r, &perms)) != GH_OK)
		return err;
	items = api_array(req);
	for (i = 0; i < perms.nrows; i++) {
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "id", (double)db_int(&perms, i, 0));
		cJSON_AddStringToObject(o, "name", db_str(&perms, i, 1));
		cJSON_AddStringToObject(o, "module", db_str(&perms, i, 2));
		api_add_str(o, "description", db_str(&perms, i, 3));
		cJSON_AddItemToArray(items, o);
	}
	api_page_respond(req, items, 0);
	return GH_OK;
}

/* Shared by PUT (replace), POST (add one) and DELETE (remove one). */
static enum gh_err
change_perms(struct request *req, int mode)
{
	static const char *const put_fields[] = { "permissions", NULL };
	static const char *const post_fields[] = { "permission", NULL };
	struct db_result r, perms, pr;
	struct db_param	 p[3];
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
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((err = load(req, id, 1, &r, &perms)) != GH_OK ||
	    (err = api_if_match(req, role_json(req, &r, 0, &perms))) != GH_OK ||
	    (err = writable(req, &r, "roles.update", 0)) != GH_OK)
		goto fail;
	if (mode == 0)
		err = grant(req, id, cJSON_GetObjectItemCaseSensitive(req->json, "permissions"),
		    "permissions", 1, &changed);
	else if (mode == 1) {
		one = cJSON_CreateArray();
		cJSON_AddItemToArray(one, cJSON_CreateString(name));
		err = grant(req, id, one, "permission", 0, &changed);
		cJSON_Delete(one);
	} else {
		p[0] = DB_STR(name);
		if ((err = db_exec(req->w->db, req->arena, SQL_PERM_ID_BY_NAME, p, 1, &pr)) == GH_OK) {
			if (pr.nrows == 0)
				err = req_fail(req, GH_ERR_NOT_FOUND, NULL, "no permission named %s", name);
			else if (!authn_platform_has(req, "roles.update") && !authn_has(req, name))
				err = req_fail(req, GH_ERR_FORBIDDEN, "permission",
				    "you cannot revoke %s: you do not hold it", name);
			else {
				p[0] = DB_INT(id);
				p[1] = DB_INT(db_int(&pr, 0, 0));
				if ((err = db_exec(req->w->db, req->arena, SQL_ROLE_PERM_DEL, p, 2,
				    &pr)) == GH_OK && pr.affected == 0)
					err = req_fail(req, GH_ERR_NOT_FOUND, NULL,
					    "the role does not grant %s", name);
				changed = 1;
			}
		}
	}
	if (err != GH_OK)
		goto fail;
	if (changed) {
		p[0] = DB_INT(req->auth.user_id);
		p[1] = DB_INT(id);
		if ((err = db_exec(req->w->db, req->arena, SQL_ROLE_TOUCH, p, 2, NULL)) != GH_OK ||
		    (err = session_pv_bump_role(req, id)) != GH_OK)
			goto fail;
		audit(req, "role.permissions.update", id, db_int(&r, 0, RC_ORG), NULL);
	}
	if ((err = load(req, id, 0, &r, &perms)) != GH_OK || (err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	/* Holders' tokens end only when what the role grants really changed. */
	if (changed && (err = propagate(req, id)) != GH_OK)
		return err;
	if (mode == 2)
		resp_status(req, 204);
	else
		api_entity(req, 200, role_json(req, &r, 0, &perms), NULL);
	return GH_OK;
fail:
	db_rollback(req->w->db);
	return err;
}

enum gh_err
api_role_perms_replace(struct request *req)
{
	return change_perms(req, 0);
}

enum gh_err
api_role_perms_add(struct request *req)
{
	return change_perms(req, 1);
}

enum gh_err
api_role_perms_remove(struct request *req)
{
	return change_perms(req, 2);
}

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
	resp_json(req, 200, o);
	return GH_OK;
}
