/*
 * permissions.c: the permission catalogue (seed 004 permissions) and the endpoint mappings
 * (permission_api_endpoints) that make routes, and other services behind nginx, require them.
 */
#include <ctype.h>
#include <string.h>

#include <cJSON.h>

#include "api/api.h"
#include "api/common.h"
#include "auth/authn.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "http/body.h"
#include "http/pattern.h"
#include "store/audit.h"
#include "store/db.h"

enum { PC_ID, PC_NAME, PC_MODULE, PC_DESC, PC_SYSTEM, PC_CREATED, PC_UPDATED };
enum { EC_ID, EC_PERM, EC_PERM_ID, EC_ENDPOINT, EC_METHOD, EC_DESC, EC_ACTIVE, EC_CREATED, EC_UPDATED };

/* HEAD is authorized as GET; OPTIONS (CORS preflight) carries no credentials to check. */
static const char *const methods[] = {
	"GET", "POST", "PUT", "PATCH", "DELETE", "*", NULL
};

static void
audit(struct request *req, const char *action, const char *type, long long id)
{
	(void)audit_change(req, action, type, id, req->auth.org_id, NULL);
}

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

static cJSON *
perm_json(struct request *req, const struct db_result *r, size_t i)
{
	cJSON	*o = api_object(req);

	cJSON_AddNumberToObject(o, "id", (double)db_int(r, i, PC_ID));
	cJSON_AddStringToObject(o, "name", db_str(r, i, PC_NAME));
	cJSON_AddStringToObject(o, "module", db_str(r, i, PC_MODULE));
	api_add_str(o, "description", db_str(r, i, PC_DESC));
	cJSON_AddBoolToObject(o, "is_system", db_int(r, i, PC_SYSTEM) != 0);
	cJSON_AddStringToObject(o, "created_at", db_str(r, i, PC_CREATED));
	cJSON_AddStringToObject(o, "updated_at", db_str(r, i, PC_UPDATED));
	return o;
}

static enum gh_err
perm_load(struct request *req, long long id, int lock, struct db_result *r)
{
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_INT(id);
	if ((err = db_exec(req->w->db, req->arena, lock ? SQL_PERM_GET_LOCK : SQL_PERM_GET, p, 1,
	    r)) != GH_OK)
		return err;
	if (r->nrows == 0)
		return req_fail(req, GH_ERR_NOT_FOUND, NULL, "no permission %lld", id);
	return GH_OK;
}

enum gh_err
api_perms_list(struct request *req)
{
	struct api_page	 pg;
	struct db_result r;
	struct db_param	 p[4];
	const char	*module = req_query(req, "module");
	long long	 last = 0;
	enum gh_err	 err;
	cJSON		*items;
	size_t		 i;

	if ((err = api_page_parse(req, &pg)) != GH_OK)
		return err;
	p[0] = DB_INT(pg.after);
	p[1] = DB_STR(module ? module : "");
	p[2] = DB_STR(module ? module : "");
	p[3] = DB_INT(pg.limit + 1);
	if ((err = db_exec(req->w->db, req->arena, SQL_PERM_LIST, p, 4, &r)) != GH_OK)
		return err;
	items = api_array(req);
	for (i = 0; i < r.nrows && (long long)i < pg.limit; i++) {
		cJSON_AddItemReferenceToArray(items, perm_json(req, &r, i));
		last = db_int(&r, i, PC_ID);
	}
	api_page_respond(req, items, (long long)r.nrows > pg.limit ? last : 0);
	return GH_OK;
}

enum gh_err
api_perm_get(struct request *req)
{
	struct db_result r;
	long long	 id;
	enum gh_err	 err;

	if ((err = api_id_param(req, 0, &id)) != GH_OK || (err = perm_load(req, id, 0, &r)) != GH_OK)
		return err;
	api_entity(req, 200, perm_json(req, &r, 0), NULL);
	return GH_OK;
}

enum gh_err
api_perm_create(struct request *req)
{
	static const char *const fields[] = { "name", "description", "module", NULL };
	struct db_result r;
	struct db_param	 p[5];
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
	p[0] = DB_STR(name);
	p[1] = DB_STR(module);
	p[2] = DB_STR(desc);
	p[3] = DB_INT(req->auth.user_id);
	p[4] = DB_INT(req->auth.user_id);
	if ((err = db_exec(req->w->db, req->arena, SQL_PERM_INSERT, p, 5, &r)) != GH_OK) {
		if (err == GH_ERR_CONFLICT)
			req_fail(req, err, "name", "a permission named %s already exists", name);
		goto fail;
	}
	id = (long long)r.insert_id;
	audit(req, "permission.create", "permission", id);
	if ((err = perm_load(req, id, 0, &r)) != GH_OK || (err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	(void)api_authz_changed(req);
	api_entity(req, 201, perm_json(req, &r, 0),
	    arena_printf(req->arena, "/api/v1/permissions/%lld", id));
	return GH_OK;
fail:
	db_rollback(req->w->db);
	return err;
}

enum gh_err
api_perm_update(struct request *req)
{
	static const char *const fields[] = { "description", "module", NULL };
	struct db_result r;
	struct db_param	 p[4];
	const char	*desc, *module;
	long long	 id;
	enum gh_err	 err;

	if ((err = api_id_param(req, 0, &id)) != GH_OK ||
	    (err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "description", BODY_OPTIONAL, 0, 500, &desc)) != GH_OK ||
	    (err = body_str(req, "module", BODY_OPTIONAL, 1, 50, &module)) != GH_OK)
		return err;
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((err = perm_load(req, id, 1, &r)) != GH_OK ||
	    (err = api_if_match(req, perm_json(req, &r, 0))) != GH_OK)
		goto fail;
	p[0] = DB_STR(module ? module : db_str(&r, 0, PC_MODULE));
	p[1] = cJSON_GetObjectItemCaseSensitive(req->json, "description") ? DB_STR(desc) :
	    DB_STR(db_str(&r, 0, PC_DESC));
	p[2] = DB_INT(req->auth.user_id);
	p[3] = DB_INT(id);
	if ((err = db_exec(req->w->db, req->arena, SQL_PERM_UPDATE, p, 4, NULL)) != GH_OK)
		goto fail;
	audit(req, "permission.update", "permission", id);
	if ((err = perm_load(req, id, 0, &r)) != GH_OK || (err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	api_entity(req, 200, perm_json(req, &r, 0), NULL);
	return GH_OK;
fail:
	db_rollback(req->w->db);
	return err;
}

enum gh_err
api_perm_delete(struct request *req)
{
	struct db_result r, uses;
	struct db_param	 p[2];
	long long	 id;
	enum gh_err	 err;

	if ((err = api_id_param(req, 0, &id)) != GH_OK)
		return err;
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((err = perm_load(req, id, 1, &r)) != GH_OK ||
	    (err = api_if_match(req, perm_json(req, &r, 0))) != GH_OK)
		goto fail;
	if (db_int(&r, 0, PC_SYSTEM)) {
		err = req_fail(req, GH_ERR_SYSTEM_PERMISSION, NULL,
		    "built-in permissions guard built-in routes and cannot be deleted");
		goto fail;
	}
	p[0] = DB_INT(id);
	p[1] = DB_INT(id);
	if ((err = db_exec(req->w->db, req->arena, SQL_PERM_USES, p, 2, &uses)) != GH_OK)
		goto fail;
	if (db_int(&uses, 0, 0) > 0 || db_int(&uses, 0, 1) > 0) {
		err = req_fail(req, GH_ERR_IN_USE, NULL, "%s is granted to %lld role(s) and mapped to "
		    "%lld endpoint(s); remove those first", db_str(&r, 0, PC_NAME),
		    db_int(&uses, 0, 0), db_int(&uses, 0, 1));
		goto fail;
	}
	if ((err = db_exec(req->w->db, req->arena, SQL_PERM_DELETE, p, 1, NULL)) != GH_OK)
		goto fail;
	audit(req, "permission.delete", "permission", id);
	if ((err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	(void)api_authz_changed(req);
	resp_status(req, 204);
	return GH_OK;
fail:
	db_rollback(req->w->db);
	return err;
}

static cJSON *
ep_json(struct request *req, const struct db_result *r, size_t i)
{
	cJSON	*o = api_object(req);

	cJSON_AddNumberToObject(o, "id", (double)db_int(r, i, EC_ID));
	cJSON_AddStringToObject(o, "permission", db_str(r, i, EC_PERM));
	cJSON_AddNumberToObject(o, "permission_id", (double)db_int(r, i, EC_PERM_ID));
	cJSON_AddStringToObject(o, "api_endpoint", db_str(r, i, EC_ENDPOINT));
	cJSON_AddStringToObject(o, "http_method", db_str(r, i, EC_METHOD));
	api_add_str(o, "description", db_str(r, i, EC_DESC));
	cJSON_AddBoolToObject(o, "is_active", db_int(r, i, EC_ACTIVE) != 0);
	cJSON_AddStringToObject(o, "created_at", db_str(r, i, EC_CREATED));
	cJSON_AddStringToObject(o, "updated_at", db_str(r, i, EC_UPDATED));
	return o;
}

static enum gh_err
ep_load(struct request *req, long long id, int lock, struct db_result *r)
{
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_INT(id);
	if ((err = db_exec(req->w->db, req->arena, lock ? SQL_EP_GET_LOCK : SQL_EP_GET, p, 1,
	    r)) != GH_OK)
		return err;
	if (r->nrows == 0)
		return req_fail(req, GH_ERR_NOT_FOUND, NULL, "no endpoint mapping %lld", id);
	return GH_OK;
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
	struct api_page	 pg;
	struct db_result r;
	struct db_param	 p[8];
	const char	*perm = req_query(req, "permission"), *method = req_query(req, "method");
	long long	 last = 0;
	int		 active;
	enum gh_err	 err;
	cJSON		*items;
	size_t		 i;

	if ((err = api_page_parse(req, &pg)) != GH_OK ||
	    (err = api_query_bool(req, "active", &active)) != GH_OK)
		return err;
	p[0] = DB_INT(pg.after);
	p[1] = DB_STR(perm ? perm : "");
	p[2] = DB_STR(perm ? perm : "");
	p[3] = DB_STR(method ? method : "");
	p[4] = DB_STR(method ? method : "");
	p[5] = DB_INT(active);
	p[6] = DB_INT(active);
	p[7] = DB_INT(pg.limit + 1);
	if ((err = db_exec(req->w->db, req->arena, SQL_EP_LIST, p, 8, &r)) != GH_OK)
		return err;
	items = api_array(req);
	for (i = 0; i < r.nrows && (long long)i < pg.limit; i++) {
		cJSON_AddItemReferenceToArray(items, ep_json(req, &r, i));
		last = db_int(&r, i, EC_ID);
	}
	api_page_respond(req, items, (long long)r.nrows > pg.limit ? last : 0);
	return GH_OK;
}

enum gh_err
api_ep_get(struct request *req)
{
	struct db_result r;
	long long	 id;
	enum gh_err	 err;

	if ((err = api_id_param(req, 0, &id)) != GH_OK || (err = ep_load(req, id, 0, &r)) != GH_OK)
		return err;
	api_entity(req, 200, ep_json(req, &r, 0), NULL);
	return GH_OK;
}

static enum gh_err
perm_id(struct request *req, const char *name, long long *id)
{
	struct db_result r;
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_STR(name);
	if ((err = db_exec(req->w->db, req->arena, SQL_PERM_ID_BY_NAME, p, 1, &r)) != GH_OK)
		return err;
	if (r.nrows == 0)
		return req_fail(req, GH_ERR_VALIDATION, "permission", "no permission named %s", name);
	*id = db_int(&r, 0, 0);
	return GH_OK;
}

static enum gh_err
body_active(struct request *req, int *active)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(req->json, "is_active");

	if (v == NULL)
		return GH_OK;
	if (!cJSON_IsBool(v))
		return req_fail(req, GH_ERR_VALIDATION, "is_active", "is_active must be true or false");
	*active = cJSON_IsTrue(v);
	return GH_OK;
}

enum gh_err
api_ep_create(struct request *req)
{
	static const char *const fields[] = { "permission", "api_endpoint", "http_method",
	    "description", "is_active", NULL };
	struct db_result r;
	struct db_param	 p[7];
	const char	*perm, *ep, *method, *desc;
	long long	 pid = 0, id;
	int		 active = 1;
	enum gh_err	 err;

	if ((err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "permission", BODY_REQUIRED, 1, 100, &perm)) != GH_OK ||
	    (err = body_str(req, "api_endpoint", BODY_REQUIRED, 1, 255, &ep)) != GH_OK ||
	    (err = body_str(req, "http_method", BODY_REQUIRED, 1, 10, &method)) != GH_OK ||
	    (err = body_str(req, "description", BODY_OPTIONAL, 0, 500, &desc)) != GH_OK ||
	    (err = body_active(req, &active)) != GH_OK ||
	    (err = check_endpoint(req, ep, method)) != GH_OK)
		return err;
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((err = perm_id(req, perm, &pid)) != GH_OK)
		goto fail;
	p[0] = DB_INT(pid);
	p[1] = DB_STR(ep);
	p[2] = DB_STR(method);
	p[3] = DB_STR(desc);
	p[4] = DB_INT(active);
	p[5] = DB_INT(req->auth.user_id);
	p[6] = DB_INT(req->auth.user_id);
	if ((err = db_exec(req->w->db, req->arena, SQL_EP_INSERT, p, 7, &r)) != GH_OK) {
		if (err == GH_ERR_CONFLICT)
			req_fail(req, err, "api_endpoint", "%s %s is already mapped to %s", method, ep,
			    perm);
		goto fail;
	}
	id = (long long)r.insert_id;
	audit(req, "endpoint.create", "endpoint", id);
	if ((err = ep_load(req, id, 0, &r)) != GH_OK || (err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	if ((err = api_authz_changed(req)) != GH_OK)
		return req_fail(req, err, NULL, "saved, but the change could not be announced");
	api_entity(req, 201, ep_json(req, &r, 0),
	    arena_printf(req->arena, "/api/v1/endpoints/%lld", id));
	return GH_OK;
fail:
	db_rollback(req->w->db);
	return err;
}

enum gh_err
api_ep_update(struct request *req)
{
	static const char *const fields[] = { "api_endpoint", "http_method", "description",
	    "is_active", NULL };
	struct db_result r;
	struct db_param	 p[6];
	const char	*ep, *method, *desc;
	long long	 id;
	int		 active = -1;
	enum gh_err	 err;

	if ((err = api_id_param(req, 0, &id)) != GH_OK ||
	    (err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "api_endpoint", BODY_OPTIONAL, 1, 255, &ep)) != GH_OK ||
	    (err = body_str(req, "http_method", BODY_OPTIONAL, 1, 10, &method)) != GH_OK ||
	    (err = body_str(req, "description", BODY_OPTIONAL, 0, 500, &desc)) != GH_OK ||
	    (err = body_active(req, &active)) != GH_OK ||
	    (err = check_endpoint(req, ep, method)) != GH_OK)
		return err;
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((err = ep_load(req, id, 1, &r)) != GH_OK ||
	    (err = api_if_match(req, ep_json(req, &r, 0))) != GH_OK)
		goto fail;
	p[0] = DB_STR(ep ? ep : db_str(&r, 0, EC_ENDPOINT));
	p[1] = DB_STR(method ? method : db_str(&r, 0, EC_METHOD));
	p[2] = cJSON_GetObjectItemCaseSensitive(req->json, "description") ? DB_STR(desc) :
	    DB_STR(db_str(&r, 0, EC_DESC));
	p[3] = DB_INT(active >= 0 ? active : db_int(&r, 0, EC_ACTIVE));
	p[4] = DB_INT(req->auth.user_id);
	p[5] = DB_INT(id);
	if ((err = db_exec(req->w->db, req->arena, SQL_EP_UPDATE, p, 6, NULL)) != GH_OK) {
		if (err == GH_ERR_CONFLICT)
			req_fail(req, err, "api_endpoint", "that mapping already exists");
		goto fail;
	}
	audit(req, "endpoint.update", "endpoint", id);
	if ((err = ep_load(req, id, 0, &r)) != GH_OK || (err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	if ((err = api_authz_changed(req)) != GH_OK)
		return req_fail(req, err, NULL, "saved, but the change could not be announced");
	api_entity(req, 200, ep_json(req, &r, 0), NULL);
	return GH_OK;
fail:
	db_rollback(req->w->db);
	return err;
}

enum gh_err
api_ep_delete(struct request *req)
{
	struct db_result r;
	struct db_param	 p[1];
	long long	 id;
	enum gh_err	 err;

	if ((err = api_id_param(req, 0, &id)) != GH_OK)
		return err;
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((err = ep_load(req, id, 1, &r)) != GH_OK ||
	    (err = api_if_match(req, ep_json(req, &r, 0))) != GH_OK)
		goto fail;
	p[0] = DB_INT(id);
	if ((err = db_exec(req->w->db, req->arena, SQL_EP_DELETE, p, 1, NULL)) != GH_OK)
		goto fail;
	audit(req, "endpoint.delete", "endpoint", id);
	if ((err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	if ((err = api_authz_changed(req)) != GH_OK)
		return req_fail(req, err, NULL, "deleted, but the change could not be announced");
	resp_status(req, 204);
	return GH_OK;
fail:
	db_rollback(req->w->db);
	return err;
}
