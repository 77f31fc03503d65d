/*
 * permissions.c: the permission catalogue (seed 004 permissions) and the endpoint mappings
 * (permission_api_endpoints) that make routes, and other services behind nginx, require them.
 */
#include <ctype.h>
#include <string.h>

#include <cJSON.h>

#include "api/api.h"
#include "api/common.h"
#include "api/routes.h"
#include "auth/authn.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "http/body.h"
#include "http/pattern.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/permission.h"

/* HEAD is authorized as GET; OPTIONS (CORS preflight) carries no credentials to check. */
static const char *const methods[] = {
	"GET", "POST", "PUT", "PATCH", "DELETE", "*", NULL
};

/* lowercase dotted name: module.action[.more] */
static int
valid_perm_name(const char *s)
{
	size_t	 i;
	int	 dots = 0, start = 1;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '.') {
			if (start)
				return 0;
			dots++;
			start = 1;
			continue;
		}
		if (start && !(s[i] >= 'a' && s[i] <= 'z'))
			return 0;
		if (!(s[i] >= 'a' && s[i] <= 'z') && !isdigit((unsigned char)s[i]) && s[i] != '_' &&
		    !(s[i] == '-' && dots > 0))
			return 0;
		start = 0;
	}
	return dots > 0 && !start && i <= 100;
}

API_RENDERER(perm_json, struct permission,
    API_F(NUM, id) API_F(STR, name) API_F(STR, module) API_F(STR, description)
    API_F(BOOL, is_system) API_F(STR, created_at) API_F(STR, updated_at))

static enum gh_err
perm_load(struct request *req, long long id, int lock, struct permission *p)
{
	return api_found(req, store_permission_get(req->w->db, req->arena, id, lock, p),
	    "no permission %lld", id);
}

enum gh_err
api_perms_list(struct request *req)
{
	struct db_keyset	 ks;
	struct permission	*rows;
	enum gh_err		 err;
	size_t			 n;

	if ((err = api_keyset_parse(req, &ks)) != GH_OK)
		return err;
	if ((err = store_permission_list(req->w->db, req->arena, req_query(req, "module"), &ks,
	    &rows, &n)) != GH_OK)
		return err;
	API_PAGE_RESPOND(req, rows, n, ks.limit, perm_json);
	return GH_OK;
}

API_GET_BY_ID(api_perm_get, struct permission, perm_load(req, id, 0, &row), perm_json)

enum gh_err
api_perm_create(struct request *req)
{
	static const char *const fields[] = { "name", "description", "module", NULL };
	struct permission p;
	const char	*name, *desc, *module;
	enum gh_err	 err;
	long long	 id;

	if ((err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "name", BODY_REQUIRED, 3, 100, &name)) != GH_OK ||
	    (err = body_str(req, "description", BODY_OPTIONAL, 0, 500, &desc)) != GH_OK ||
	    (err = body_str(req, "module", BODY_OPTIONAL, 1, 50, &module)) != GH_OK)
		return err;
	if (!valid_perm_name(name))
		return req_fail(req, GH_ERR_VALIDATION, "name",
		    "a permission name is lower case and dotted, like billing.read");
	if (module == NULL)
		module = arena_strndup(req->arena, name, strcspn(name, "."));
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	memset(&p, 0, sizeof(p));
	p.name = name;
	p.module = module;
	p.description = desc;
	if ((err = api_unique(req, store_permission_insert(req->w->db, req->arena, &p,
	    req->auth.user_id, &id), "name", "a permission named %s already exists",
	    name)) != GH_OK)
		return err;
	(void)audit_change(req, "permission.create", "permission", id, req->auth.org_id, NULL);
	if ((err = perm_load(req, id, 0, &p)) != GH_OK ||
	    (err = api_commit_authz(req, NULL)) != GH_OK)
		return err;
	return api_entity(req, 201, perm_json(req, &p),
	    arena_printf(req->arena, "/api/v1/permissions/%lld", id));
}

enum gh_err
api_perm_update(struct request *req)
{
	static const char *const fields[] = { "description", "module", NULL };
	struct permission p;
	const char	*desc, *module;
	long long	 id;
	enum gh_err	 err;

	if ((err = api_id_param(req, 0, &id)) != GH_OK ||
	    (err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "description", BODY_OPTIONAL, 0, 500, &desc)) != GH_OK ||
	    (err = body_str(req, "module", BODY_OPTIONAL, 1, 50, &module)) != GH_OK)
		return err;
	if ((err = db_begin(req->w->db)) != GH_OK ||
	    (err = perm_load(req, id, 1, &p)) != GH_OK ||
	    (err = api_if_match(req, perm_json(req, &p))) != GH_OK)
		return err;
	if (module != NULL)
		p.module = module;
	if (cJSON_GetObjectItemCaseSensitive(req->json, "description") != NULL)
		p.description = desc;
	if ((err = store_permission_update(req->w->db, req->arena, &p, req->auth.user_id)) != GH_OK)
		return err;
	(void)audit_change(req, "permission.update", "permission", id, req->auth.org_id, NULL);
	if ((err = perm_load(req, id, 0, &p)) != GH_OK)
		return err;
	return api_commit_entity(req, 200, perm_json(req, &p), NULL);
}

enum gh_err
api_perm_delete(struct request *req)
{
	struct permission p;
	long long	 id, roles, endpoints;
	enum gh_err	 err;

	if ((err = api_id_begin(req, &id)) != GH_OK ||
	    (err = perm_load(req, id, 1, &p)) != GH_OK ||
	    (err = api_if_match(req, perm_json(req, &p))) != GH_OK)
		return err;
	if (p.is_system)
		return req_fail(req, GH_ERR_SYSTEM_PERMISSION, NULL,
		    "built-in permissions guard built-in routes and cannot be deleted");
	if ((err = store_permission_uses(req->w->db, req->arena, id, &roles,
	    &endpoints)) != GH_OK)
		return err;
	if (roles > 0 || endpoints > 0)
		return req_fail(req, GH_ERR_IN_USE, NULL, "%s is granted to %lld role(s) and mapped to "
		    "%lld endpoint(s); remove those first", p.name, roles, endpoints);
	if ((err = store_permission_delete(req->w->db, req->arena, id)) != GH_OK)
		return err;
	(void)audit_change(req, "permission.delete", "permission", id, req->auth.org_id, NULL);
	if ((err = api_commit_authz(req, NULL)) != GH_OK)
		return err;
	return resp_status(req, 204);
}

API_RENDERER(ep_json, struct endpoint,
    API_F(NUM, id) API_F(STR, permission) API_F(NUM, permission_id) API_F(STR, api_endpoint)
    API_F(STR, http_method) API_F(STR, description) API_F(BOOL, is_active)
    API_F(BOOL, requires_mfa) API_F(STR, created_at) API_F(STR, updated_at))

static enum gh_err
ep_load(struct request *req, long long id, int lock, struct endpoint *e)
{
	return api_found(req, store_endpoint_get(req->w->db, req->arena, id, lock, e),
	    "no endpoint mapping %lld", id);
}

/*
 * The end of a change to endpoint mapping id: read it again, commit and announce the change
 * (api_commit_authz), then answer status with it (and its Location when it was created).
 */
static enum gh_err
ep_commit(struct request *req, long long id, int status)
{
	struct endpoint	 e;
	enum gh_err	 err;

	if ((err = ep_load(req, id, 0, &e)) != GH_OK ||
	    (err = api_commit_authz(req, "saved, but the change could not be announced")) != GH_OK)
		return err;
	return api_entity(req, status, ep_json(req, &e), status == 201 ?
	    arena_printf(req->arena, "/api/v1/endpoints/%lld", id) : NULL);
}

static enum gh_err
check_endpoint(struct request *req, const char *ep, const char *method)
{
	struct pattern	*p;
	const char	*why;
	size_t		 i;

	if (ep != NULL) {
		if ((p = pattern_compile(ep, &why)) == NULL)
			return req_fail(req, GH_ERR_VALIDATION, "api_endpoint",
			    "api_endpoint %s (use /segments, {param} and a final /**)", why);
		pattern_free(p);
	}
	if (method != NULL) {
		for (i = 0; methods[i] != NULL; i++)
			if (strcmp(method, methods[i]) == 0)
				break;
		if (methods[i] == NULL)
			return req_fail(req, GH_ERR_VALIDATION, "http_method",
			    "http_method is one of GET POST PUT PATCH DELETE * (HEAD counts as GET)");
	}
	return GH_OK;
}

enum gh_err
api_eps_list(struct request *req)
{
	struct db_keyset	 ks;
	struct endpoint_filter	 f;
	struct endpoint		*rows;
	enum gh_err		 err;
	size_t			 n;

	memset(&f, 0, sizeof(f));
	if ((err = api_keyset_parse(req, &ks)) != GH_OK ||
	    (err = api_query_bool(req, "active", &f.active)) != GH_OK)
		return err;
	f.permission = req_query(req, "permission");
	f.method = req_query(req, "method");
	if ((err = store_endpoint_list(req->w->db, req->arena, &f, &ks, &rows, &n)) != GH_OK)
		return err;
	API_PAGE_RESPOND(req, rows, n, ks.limit, ep_json);
	return GH_OK;
}

API_GET_BY_ID(api_ep_get, struct endpoint, ep_load(req, id, 0, &row), ep_json)

static enum gh_err
perm_id(struct request *req, const char *name, long long *id)
{
	enum gh_err	 err;

	if ((err = store_permission_id_by_name(req->w->db, req->arena, name,
	    id)) == GH_ERR_NOT_FOUND)
		return req_fail(req, GH_ERR_VALIDATION, "permission", "no permission named %s", name);
	return err;
}

/* is_active and requires_mfa, each left alone when absent. */
static enum gh_err
body_flags(struct request *req, int *active, int *mfa)
{
	enum gh_err	 err;

	if ((err = body_bool(req, "is_active", 0, active, NULL)) != GH_OK)
		return err;
	return body_bool(req, "requires_mfa", 0, mfa, NULL);
}

enum gh_err
api_ep_create(struct request *req)
{
	static const char *const fields[] = { "permission", "api_endpoint", "http_method",
	    "description", "is_active", "requires_mfa", NULL };
	struct endpoint	 e;
	const char	*perm, *ep, *method, *desc;
	long long	 pid = 0, id;
	int		 active = 1, mfa = 0;
	enum gh_err	 err;

	if ((err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "permission", BODY_REQUIRED, 1, 100, &perm)) != GH_OK ||
	    (err = body_str(req, "api_endpoint", BODY_REQUIRED, 1, 255, &ep)) != GH_OK ||
	    (err = body_str(req, "http_method", BODY_REQUIRED, 1, 10, &method)) != GH_OK ||
	    (err = body_str(req, "description", BODY_OPTIONAL, 0, 500, &desc)) != GH_OK ||
	    (err = body_flags(req, &active, &mfa)) != GH_OK ||
	    (err = check_endpoint(req, ep, method)) != GH_OK)
		return err;
	if ((err = db_begin(req->w->db)) != GH_OK ||
	    (err = perm_id(req, perm, &pid)) != GH_OK)
		return err;
	memset(&e, 0, sizeof(e));
	e.permission_id = pid;
	e.api_endpoint = ep;
	e.http_method = method;
	e.description = desc;
	e.is_active = active;
	e.requires_mfa = mfa;
	if ((err = api_unique(req, store_endpoint_insert(req->w->db, req->arena, &e,
	    req->auth.user_id, &id), "api_endpoint", "%s %s is already mapped to %s", method, ep,
	    perm)) != GH_OK)
		return err;
	(void)audit_change(req, "endpoint.create", "endpoint", id, req->auth.org_id, NULL);
	return ep_commit(req, id, 201);
}

enum gh_err
api_ep_update(struct request *req)
{
	static const char *const fields[] = { "api_endpoint", "http_method", "description",
	    "is_active", "requires_mfa", NULL };
	struct endpoint	 e;
	const char	*ep, *method, *desc;
	long long	 id;
	int		 active = -1, mfa = -1;
	enum gh_err	 err;

	if ((err = api_id_param(req, 0, &id)) != GH_OK ||
	    (err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "api_endpoint", BODY_OPTIONAL, 1, 255, &ep)) != GH_OK ||
	    (err = body_str(req, "http_method", BODY_OPTIONAL, 1, 10, &method)) != GH_OK ||
	    (err = body_str(req, "description", BODY_OPTIONAL, 0, 500, &desc)) != GH_OK ||
	    (err = body_flags(req, &active, &mfa)) != GH_OK ||
	    (err = check_endpoint(req, ep, method)) != GH_OK)
		return err;
	if ((err = db_begin(req->w->db)) != GH_OK ||
	    (err = ep_load(req, id, 1, &e)) != GH_OK ||
	    (err = api_if_match(req, ep_json(req, &e))) != GH_OK)
		return err;
	if (ep != NULL)
		e.api_endpoint = ep;
	if (method != NULL)
		e.http_method = method;
	if (cJSON_GetObjectItemCaseSensitive(req->json, "description") != NULL)
		e.description = desc;
	if (active >= 0)
		e.is_active = active;
	if (mfa >= 0)
		e.requires_mfa = mfa;
	if ((err = api_unique(req, store_endpoint_update(req->w->db, req->arena, &e,
	    req->auth.user_id), "api_endpoint", "that mapping already exists")) != GH_OK)
		return err;
	(void)audit_change(req, "endpoint.update", "endpoint", id, req->auth.org_id, NULL);
	return ep_commit(req, id, 200);
}

enum gh_err
api_ep_delete(struct request *req)
{
	struct endpoint	 e;
	long long	 id;
	enum gh_err	 err;

	if ((err = api_id_begin(req, &id)) != GH_OK ||
	    (err = ep_load(req, id, 1, &e)) != GH_OK ||
	    (err = api_if_match(req, ep_json(req, &e))) != GH_OK ||
	    (err = store_endpoint_delete(req->w->db, req->arena, id)) != GH_OK)
		return err;
	(void)audit_change(req, "endpoint.delete", "endpoint", id, req->auth.org_id, NULL);
	if ((err = api_commit_authz(req, "deleted, but the change could not be announced")) !=
	    GH_OK)
		return err;
	return resp_status(req, 204);
}
