/*
 * permission.c: the rows of permissions and permission_api_endpoints.  Contract in
 * permission.h.
 */
#include <string.h>

#include "core/arena.h"
#include "store/db.h"
#include "store/permission.h"

DB_ROW_READER(perm_row, struct permission, PERM_COLUMNS)
DB_ROW_READER(ep_row, struct endpoint, EP_COLUMNS)

enum gh_err
store_permission_list(struct db *db, struct arena *a, const char *module,
    const struct db_keyset *ks, struct permission **out, size_t *n)
{
	module = module ? module : "";
	return DB_ROWS(db, a, SQL_PERM_LIST, perm_row, out, n, DB_INT(ks->after), DB_STR(module),
	    DB_STR(module), DB_INT(ks->limit + 1));
}

enum gh_err
store_permission_list_all(struct db *db, struct arena *a, struct permission **out, size_t *n)
{
	return DB_ROWS(db, a, SQL_AUTHZ_PERMS, perm_row, out, n);
}

DB_ROWS_ID(store_permission_list_by_role, struct permission, perm_row, SQL_ROLE_PERMS)

DB_GET_ID(store_permission_get, struct permission, perm_row, SQL_PERM_GET, SQL_PERM_GET_LOCK)

enum gh_err
store_permission_id_by_name(struct db *db, struct arena *a, const char *name, long long *id)
{
	enum gh_err	 err;

	if ((err = DB_VALUE(db, a, SQL_PERM_ID_BY_NAME, 0, id, DB_STR(name))) != GH_OK)
		return err;
	return *id == 0 ? GH_ERR_NOT_FOUND : GH_OK;
}

enum gh_err
store_permission_insert(struct db *db, struct arena *a, const struct permission *pm,
    long long actor, long long *id)
{
	return DB_INSERT(db, a, SQL_PERM_INSERT, id, DB_STR(pm->name), DB_STR(pm->module),
	    DB_STR(pm->description), DB_INT(actor), DB_INT(actor));
}

enum gh_err
store_permission_update(struct db *db, struct arena *a, const struct permission *pm,
    long long actor)
{
	return DB_RUN(db, a, SQL_PERM_UPDATE, DB_STR(pm->module), DB_STR(pm->description),
	    DB_INT(actor), DB_INT(pm->id));
}

enum gh_err
store_permission_uses(struct db *db, struct arena *a, long long id, long long *roles,
    long long *endpoints)
{
	struct db_result r;
	enum gh_err	 err;

	if ((err = db_exec(db, a, SQL_PERM_USES, DB_PARAMS(DB_INT(id), DB_INT(id)), &r)) != GH_OK)
		return err;
	*roles = db_int(&r, 0, 0);
	*endpoints = db_int(&r, 0, 1);
	return GH_OK;
}

DB_RUN_ID(store_permission_delete, SQL_PERM_DELETE)

enum gh_err
store_endpoint_list(struct db *db, struct arena *a, const struct endpoint_filter *f,
    const struct db_keyset *ks, struct endpoint **out, size_t *n)
{
	const char	*perm = f->permission ? f->permission : "";
	const char	*method = f->method ? f->method : "";

	return DB_ROWS(db, a, SQL_EP_LIST, ep_row, out, n, DB_INT(ks->after), DB_STR(perm),
	    DB_STR(perm), DB_STR(method), DB_STR(method), DB_INT(f->active), DB_INT(f->active),
	    DB_INT(ks->limit + 1));
}

enum gh_err
store_endpoint_list_active(struct db *db, struct arena *a, struct endpoint **out, size_t *n)
{
	return DB_ROWS(db, a, SQL_AUTHZ_ENDPOINTS, ep_row, out, n);
}

DB_GET_ID(store_endpoint_get, struct endpoint, ep_row, SQL_EP_GET, SQL_EP_GET_LOCK)

enum gh_err
store_endpoint_insert(struct db *db, struct arena *a, const struct endpoint *e, long long actor,
    long long *id)
{
	return DB_INSERT(db, a, SQL_EP_INSERT, id, DB_INT(e->permission_id),
	    DB_STR(e->api_endpoint), DB_STR(e->http_method), DB_STR(e->description),
	    DB_INT(e->is_active), DB_INT(e->requires_mfa), DB_INT(actor), DB_INT(actor));
}

enum gh_err
store_endpoint_update(struct db *db, struct arena *a, const struct endpoint *e, long long actor)
{
	return DB_RUN(db, a, SQL_EP_UPDATE, DB_STR(e->api_endpoint), DB_STR(e->http_method),
	    DB_STR(e->description), DB_INT(e->is_active), DB_INT(e->requires_mfa), DB_INT(actor),
	    DB_INT(e->id));
}

DB_RUN_ID(store_endpoint_delete, SQL_EP_DELETE)
