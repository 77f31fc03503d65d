/*
 * role.c: the rows of roles and role_permissions.  Contract in role.h.
 */
#include <string.h>

#include "core/arena.h"
#include "store/db.h"
#include "store/role.h"

/* Columns of SQL_ROLE_ID_BY_NAME (store/sql_rbac.h) and SQL_AUTHZ_* (store/sql.h). */
enum { BY_NAME_ID, BY_NAME_ORG, BY_NAME_SCOPE };
enum { AUTHZ_ROLE_ID, AUTHZ_ROLE_ORG, AUTHZ_ROLE_NAME, AUTHZ_ROLE_SCOPE };
enum { AUTHZ_RP_ROLE, AUTHZ_RP_PERM };

static void
role_row(const struct db_result *r, size_t i, struct role *o)
{
	memset(o, 0, sizeof(*o));
	ROLE_COLUMNS(DB_COL_READ)
}

static void
role_list_row(const struct db_result *r, size_t i, struct role *o)
{
	ROLE_LIST_COLUMNS(DB_COL_READ)
}

enum gh_err
store_role_list(struct db *db, struct arena *a, const struct role_filter *f,
    const struct db_keyset *ks, struct role **out, size_t *n)
{
	struct db_param	 p[8];

	p[0] = DB_INT(ks->after);
	p[1] = DB_INT(f->every_org);
	p[2] = DB_INT(f->caller_org);
	p[3] = DB_INT(f->by_org);
	p[4] = DB_INT(f->org);
	p[5] = DB_STR(f->scope ? f->scope : "");
	p[6] = DB_STR(f->scope ? f->scope : "");
	p[7] = DB_INT(ks->limit + 1);
	return DB_ROWS(db, a, SQL_ROLE_LIST, p, 8, role_list_row, out, n);
}

enum gh_err
store_role_list_all(struct db *db, struct arena *a, struct role **out, size_t *n)
{
	struct db_result r;
	size_t		 i;
	enum gh_err	 err;

	if ((err = db_exec(db, a, SQL_AUTHZ_ROLES, NULL, 0, &r)) != GH_OK)
		return err;
	*out = arena_calloc(a, (r.nrows + 1) * sizeof(**out));
	for (i = 0; i < r.nrows; i++) {
		(*out)[i].id = db_int(&r, i, AUTHZ_ROLE_ID);
		(*out)[i].organization_id = db_int(&r, i, AUTHZ_ROLE_ORG);
		(*out)[i].name = db_str(&r, i, AUTHZ_ROLE_NAME);
		(*out)[i].scope = db_str(&r, i, AUTHZ_ROLE_SCOPE);
	}
	*n = r.nrows;
	return GH_OK;
}

enum gh_err
store_role_get(struct db *db, struct arena *a, long long id, int lock, struct role *out)
{
	struct db_result r;
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_INT(id);
	if ((err = db_exec_one(db, a, lock ? SQL_ROLE_GET_LOCK : SQL_ROLE_GET, p, 1, &r)) != GH_OK)
		return err;
	role_row(&r, 0, out);
	return GH_OK;
}

enum gh_err
store_role_get_by_name(struct db *db, struct arena *a, const char *name, long long org,
    struct role *out)
{
	struct db_result r;
	struct db_param	 p[2];
	enum gh_err	 err;

	p[0] = DB_STR(name);
	p[1] = DB_INT(org);
	if ((err = db_exec_one(db, a, SQL_ROLE_ID_BY_NAME, p, 2, &r)) != GH_OK)
		return err;
	memset(out, 0, sizeof(*out));
	out->id = db_int(&r, 0, BY_NAME_ID);
	out->organization_id = db_int(&r, 0, BY_NAME_ORG);
	out->name = name;
	out->scope = db_str(&r, 0, BY_NAME_SCOPE);
	return GH_OK;
}

enum gh_err
store_role_name_taken(struct db *db, struct arena *a, const char *name, long long org,
    long long self, int *taken)
{
	struct db_result r;
	struct db_param	 p[2];
	enum gh_err	 err;

	p[0] = DB_STR(name);
	p[1] = DB_INT(self);
	if ((err = db_exec(db, a, org > 0 ? SQL_ROLE_SHARED_NAME : SQL_ROLE_NAME_IN_ORGS, p, 2,
	    &r)) != GH_OK)
		return err;
	*taken = r.nrows > 0;
	return GH_OK;
}

enum gh_err
store_role_insert(struct db *db, struct arena *a, const struct role *ro, long long actor,
    long long *id)
{
	struct db_result r;
	struct db_param	 p[6];
	enum gh_err	 err;

	p[0] = DB_STR(ro->name);
	p[1] = DB_STR(ro->description);
	p[2] = ro->organization_id > 0 ? DB_INT(ro->organization_id) : DB_NULL;
	p[3] = DB_STR(ro->scope);
	p[4] = DB_INT(actor);
	p[5] = DB_INT(actor);
	if ((err = db_exec(db, a, SQL_ROLE_INSERT, p, 6, &r)) != GH_OK)
		return err;
	*id = (long long)r.insert_id;
	return GH_OK;
}

enum gh_err
store_role_update(struct db *db, struct arena *a, const struct role *ro, long long actor)
{
	struct db_param	 p[4];

	p[0] = DB_STR(ro->name);
	p[1] = DB_STR(ro->description);
	p[2] = DB_INT(actor);
	p[3] = DB_INT(ro->id);
	return db_exec(db, a, SQL_ROLE_UPDATE, p, 4, NULL);
}

enum gh_err
store_role_touch(struct db *db, struct arena *a, long long id, long long actor)
{
	return db_exec_ints(db, a, SQL_ROLE_TOUCH, 2, actor, id);
}

enum gh_err
store_role_delete(struct db *db, struct arena *a, long long id)
{
	return db_exec_ints(db, a, SQL_ROLE_DELETE, 1, id, 0LL);
}

enum gh_err
store_role_holders(struct db *db, struct arena *a, long long id, struct db_versions *out)
{
	struct db_result r;
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_INT(id);
	if ((err = db_exec(db, a, SQL_ROLE_HOLDERS_PV, p, 1, &r)) != GH_OK)
		return err;
	db_versions_of(a, &r, out);
	return GH_OK;
}

enum gh_err
store_role_perm_list_all(struct db *db, struct arena *a, struct role_perm **out, size_t *n)
{
	struct db_result r;
	size_t		 i;
	enum gh_err	 err;

	if ((err = db_exec(db, a, SQL_AUTHZ_ROLE_PERMS, NULL, 0, &r)) != GH_OK)
		return err;
	*out = arena_alloc(a, (r.nrows + 1) * sizeof(**out));
	for (i = 0; i < r.nrows; i++) {
		(*out)[i].role_id = db_int(&r, i, AUTHZ_RP_ROLE);
		(*out)[i].permission_id = db_int(&r, i, AUTHZ_RP_PERM);
	}
	*n = r.nrows;
	return GH_OK;
}

enum gh_err
store_role_perm_insert(struct db *db, struct arena *a, long long role, long long perm,
    long long actor, int *added)
{
	struct db_result r;
	struct db_param	 p[3];
	enum gh_err	 err;

	p[0] = DB_INT(role);
	p[1] = DB_INT(perm);
	p[2] = DB_INT(actor);
	if ((err = db_exec(db, a, SQL_ROLE_PERM_ADD, p, 3, &r)) != GH_OK)
		return err;
	/* 1 = inserted; 0 = it was there (ON DUPLICATE KEY with no change). */
	*added = r.affected == 1;
	return GH_OK;
}

enum gh_err
store_role_perm_delete(struct db *db, struct arena *a, long long role, long long perm)
{
	struct db_result r;
	struct db_param	 p[2];
	enum gh_err	 err;

	p[0] = DB_INT(role);
	p[1] = DB_INT(perm);
	if ((err = db_exec(db, a, SQL_ROLE_PERM_DEL, p, 2, &r)) != GH_OK)
		return err;
	return r.affected == 0 ? GH_ERR_NOT_FOUND : GH_OK;
}

enum gh_err
store_role_perm_clear(struct db *db, struct arena *a, long long role, int *removed)
{
	struct db_result r;
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_INT(role);
	if ((err = db_exec(db, a, SQL_ROLE_PERM_CLEAR, p, 1, &r)) != GH_OK)
		return err;
	*removed = r.affected > 0;
	return GH_OK;
}
