/*
 * permission.c: the rows of permissions and permission_api_endpoints.  Contract in
 * permission.h.
 */
#include <string.h>

#include "core/arena.h"
#include "store/db.h"
#include "store/permission.h"

/* Columns of SQL_AUTHZ_PERMS and SQL_AUTHZ_ENDPOINTS (store/sql.h). */
enum { AUTHZ_PERM_ID, AUTHZ_PERM_NAME };
enum { AUTHZ_EP_ENDPOINT, AUTHZ_EP_METHOD, AUTHZ_EP_PERM_ID };

static void
perm_row(const struct db_result *r, size_t i, struct permission *o)
{
	PERM_COLUMNS(DB_COL_READ)
}

static void
ep_row(const struct db_result *r, size_t i, struct endpoint *o)
{
	EP_COLUMNS(DB_COL_READ)
}

enum gh_err
store_permission_list(struct db *db, struct arena *a, const char *module,
    const struct db_keyset *ks, struct permission **out, size_t *n)
{
	struct db_param	 p[4];

	p[0] = DB_INT(ks->after);
	p[1] = DB_STR(module ? module : "");
	p[2] = DB_STR(module ? module : "");
	p[3] = DB_INT(ks->limit + 1);
	return DB_ROWS(db, a, SQL_PERM_LIST, p, 4, perm_row, out, n);
}

enum gh_err
store_permission_list_all(struct db *db, struct arena *a, struct permission **out, size_t *n)
{
	struct db_result r;
	size_t		 i;
	enum gh_err	 err;

	if ((err = db_exec(db, a, SQL_AUTHZ_PERMS, NULL, 0, &r)) != GH_OK)
		return err;
	*out = arena_calloc(a, (r.nrows + 1) * sizeof(**out));
	for (i = 0; i < r.nrows; i++) {
		(*out)[i].id = db_int(&r, i, AUTHZ_PERM_ID);
		(*out)[i].name = db_str(&r, i, AUTHZ_PERM_NAME);
	}
	*n = r.nrows;
	return GH_OK;
}

enum gh_err
store_permission_list_by_role(struct db *db, struct arena *a, long long role,
    struct permission **out, size_t *n)
{
	struct db_param	 p[1];

	p[0] = DB_INT(role);
	return DB_ROWS(db, a, SQL_ROLE_PERMS, p, 1, perm_row, out, n);
}

enum gh_err
store_permission_get(struct db *db, struct arena *a, long long id, int lock,
    struct permission *out)
{
	struct db_result r;
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_INT(id);
	if ((err = db_exec_one(db, a, lock ? SQL_PERM_GET_LOCK : SQL_PERM_GET, p, 1, &r)) != GH_OK)
		return err;
	perm_row(&r, 0, out);
	return GH_OK;
}

enum gh_err
store_permission_id_by_name(struct db *db, struct arena *a, const char *name, long long *id)
{
	struct db_result r;
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_STR(name);
	if ((err = db_exec_one(db, a, SQL_PERM_ID_BY_NAME, p, 1, &r)) != GH_OK)
		return err;
	*id = db_int(&r, 0, 0);
	return GH_OK;
}

enum gh_err
store_permission_insert(struct db *db, struct arena *a, const struct permission *pm,
    long long actor, long long *id)
{
	struct db_result r;
	struct db_param	 p[5];
	enum gh_err	 err;

	p[0] = DB_STR(pm->name);
	p[1] = DB_STR(pm->module);
	p[2] = DB_STR(pm->description);
	p[3] = DB_INT(actor);
	p[4] = DB_INT(actor);
	if ((err = db_exec(db, a, SQL_PERM_INSERT, p, 5, &r)) != GH_OK)
		return err;
	*id = (long long)r.insert_id;
	return GH_OK;
}

enum gh_err
store_permission_update(struct db *db, struct arena *a, const struct permission *pm,
    long long actor)
{
	struct db_param	 p[4];

	p[0] = DB_STR(pm->module);
	p[1] = DB_STR(pm->description);
	p[2] = DB_INT(actor);
	p[3] = DB_INT(pm->id);
	return db_exec(db, a, SQL_PERM_UPDATE, p, 4, NULL);
}

enum gh_err
store_permission_uses(struct db *db, struct arena *a, long long id, long long *roles,
    long long *endpoints)
{
	struct db_result r;
	struct db_param	 p[2];
	enum gh_err	 err;

	p[0] = DB_INT(id);
	p[1] = DB_INT(id);
	if ((err = db_exec(db, a, SQL_PERM_USES, p, 2, &r)) != GH_OK)
		return err;
	*roles = db_int(&r, 0, 0);
	*endpoints = db_int(&r, 0, 1);
	return GH_OK;
}

enum gh_err
store_permission_delete(struct db *db, struct arena *a, long long id)
{
	return db_exec_ints(db, a, SQL_PERM_DELETE, 1, id, 0LL);
}

enum gh_err
store_endpoint_list(struct db *db, struct arena *a, const struct endpoint_filter *f,
    const struct db_keyset *ks, struct endpoint **out, size_t *n)
{
	struct db_param	 p[8];

	p[0] = DB_INT(ks->after);
	p[1] = DB_STR(f->permission ? f->permission : "");
	p[2] = DB_STR(f->permission ? f->permission : "");
	p[3] = DB_STR(f->method ? f->method : "");
	p[4] = DB_STR(f->method ? f->method : "");
	p[5] = DB_INT(f->active);
	p[6] = DB_INT(f->active);
	p[7] = DB_INT(ks->limit + 1);
	return DB_ROWS(db, a, SQL_EP_LIST, p, 8, ep_row, out, n);
}

enum gh_err
store_endpoint_list_active(struct db *db, struct arena *a, struct endpoint **out, size_t *n)
{
	struct db_result r;
	size_t		 i;
	enum gh_err	 err;

	if ((err = db_exec(db, a, SQL_AUTHZ_ENDPOINTS, NULL, 0, &r)) != GH_OK)
		return err;
	*out = arena_calloc(a, (r.nrows + 1) * sizeof(**out));
	for (i = 0; i < r.nrows; i++) {
		(*out)[i].api_endpoint = db_str(&r, i, AUTHZ_EP_ENDPOINT);
		(*out)[i].http_method = db_str(&r, i, AUTHZ_EP_METHOD);
		(*out)[i].permission_id = db_int(&r, i, AUTHZ_EP_PERM_ID);
		(*out)[i].is_active = 1;
	}
	*n = r.nrows;
	return GH_OK;
}

enum gh_err
store_endpoint_get(struct db *db, struct arena *a, long long id, int lock, struct endpoint *out)
{
	struct db_result r;
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_INT(id);
	if ((err = db_exec_one(db, a, lock ? SQL_EP_GET_LOCK : SQL_EP_GET, p, 1, &r)) != GH_OK)
		return err;
	ep_row(&r, 0, out);
	return GH_OK;
}

enum gh_err
store_endpoint_insert(struct db *db, struct arena *a, const struct endpoint *e, long long actor,
    long long *id)
{
	struct db_result r;
	struct db_param	 p[7];
	enum gh_err	 err;

	p[0] = DB_INT(e->permission_id);
	p[1] = DB_STR(e->api_endpoint);
	p[2] = DB_STR(e->http_method);
	p[3] = DB_STR(e->description);
	p[4] = DB_INT(e->is_active);
	p[5] = DB_INT(actor);
	p[6] = DB_INT(actor);
	if ((err = db_exec(db, a, SQL_EP_INSERT, p, 7, &r)) != GH_OK)
		return err;
	*id = (long long)r.insert_id;
	return GH_OK;
}

enum gh_err
store_endpoint_update(struct db *db, struct arena *a, const struct endpoint *e, long long actor)
{
	struct db_param	 p[6];

	p[0] = DB_STR(e->api_endpoint);
	p[1] = DB_STR(e->http_method);
	p[2] = DB_STR(e->description);
	p[3] = DB_INT(e->is_active);
	p[4] = DB_INT(actor);
	p[5] = DB_INT(e->id);
	return db_exec(db, a, SQL_EP_UPDATE, p, 6, NULL);
}

enum gh_err
store_endpoint_delete(struct db *db, struct arena *a, long long id)
{
	return db_exec_ints(db, a, SQL_EP_DELETE, 1, id, 0LL);
}
