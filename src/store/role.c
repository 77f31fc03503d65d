/*
 * role.c: the rows of roles and role_permissions.  Contract in role.h.
 */
#include <string.h>

#include "core/arena.h"
#include "store/db.h"
#include "store/role.h"

static void
role_row(const struct db_result *r, size_t i, struct role *o)
{
	memset(o, 0, sizeof(*o));
	ROLE_COLUMNS(DB_COL_READ)
}

DB_ROW_READER(role_list_row, struct role, ROLE_LIST_COLUMNS)
DB_ROW_READER(role_perm_row, struct role_perm, ROLE_PERM_COLUMNS)

enum gh_err
store_role_list(struct db *db, struct arena *a, const struct role_filter *f,
    const struct db_keyset *ks, struct role **out, size_t *n)
{
	const char	*scope = f->scope ? f->scope : "";

	return DB_ROWS(db, a, SQL_ROLE_LIST, role_list_row, out, n, DB_INT(ks->after),
	    DB_INT(f->every_org), DB_INT(f->caller_org), DB_INT(f->by_org), DB_INT(f->org),
	    DB_STR(scope), DB_STR(scope), DB_INT(ks->limit + 1));
}

enum gh_err
store_role_list_all(struct db *db, struct arena *a, struct role **out, size_t *n)
{
	return DB_ROWS(db, a, SQL_AUTHZ_ROLES, role_row, out, n);
}

DB_GET_ID(store_role_get, struct role, role_row, SQL_ROLE_GET, SQL_ROLE_GET_LOCK)

enum gh_err
store_role_get_by_name(struct db *db, struct arena *a, const char *name, long long org,
    struct role *out)
{
	return DB_GET(db, a, SQL_ROLE_ID_BY_NAME, role_row, out, DB_STR(name), DB_INT(org));
}

enum gh_err
store_role_name_taken(struct db *db, struct arena *a, const char *name, long long org,
    long long self, int *taken)
{
	return DB_EXISTS(db, a, org > 0 ? SQL_ROLE_SHARED_NAME : SQL_ROLE_NAME_IN_ORGS, taken,
	    DB_STR(name), DB_INT(self));
}

enum gh_err
store_role_insert(struct db *db, struct arena *a, const struct role *ro, long long actor,
    long long *id)
{
	return DB_INSERT(db, a, SQL_ROLE_INSERT, id, DB_STR(ro->name), DB_STR(ro->description),
	    ro->organization_id > 0 ? DB_INT(ro->organization_id) : DB_NULL, DB_STR(ro->scope),
	    DB_INT(actor), DB_INT(actor));
}

enum gh_err
store_role_update(struct db *db, struct arena *a, const struct role *ro, long long actor)
{
	return DB_RUN(db, a, SQL_ROLE_UPDATE, DB_STR(ro->name), DB_STR(ro->description),
	    DB_INT(actor), DB_INT(ro->id));
}

enum gh_err
store_role_touch(struct db *db, struct arena *a, long long id, long long actor)
{
	return DB_RUN(db, a, SQL_ROLE_TOUCH, DB_INT(actor), DB_INT(id));
}

DB_RUN_ID(store_role_delete, SQL_ROLE_DELETE)

enum gh_err
store_role_holders(struct db *db, struct arena *a, long long id, struct db_versions *out)
{
	return DB_VERSIONS(db, a, SQL_ROLE_HOLDERS_PV, out, DB_INT(id));
}

enum gh_err
store_role_perm_list_all(struct db *db, struct arena *a, struct role_perm **out, size_t *n)
{
	return DB_ROWS(db, a, SQL_AUTHZ_ROLE_PERMS, role_perm_row, out, n);
}

enum gh_err
store_role_perm_insert(struct db *db, struct arena *a, long long role, long long perm,
    long long actor, int *added)
{
	unsigned long long n;
	enum gh_err	 err;

	err = DB_AFFECTED(db, a, SQL_ROLE_PERM_ADD, &n, DB_INT(role), DB_INT(perm), DB_INT(actor));
	/* 1 = inserted; 0 = it was there (ON DUPLICATE KEY with no change). */
	*added = err == GH_OK && n == 1;
	return err;
}

enum gh_err
store_role_perm_delete(struct db *db, struct arena *a, long long role, long long perm)
{
	return DB_CHANGE(db, a, SQL_ROLE_PERM_DEL, DB_INT(role), DB_INT(perm));
}

enum gh_err
store_role_perm_clear(struct db *db, struct arena *a, long long role, int *removed)
{
	unsigned long long n;
	enum gh_err	 err;

	err = DB_AFFECTED(db, a, SQL_ROLE_PERM_CLEAR, &n, DB_INT(role));
	*removed = err == GH_OK && n > 0;
	return err;
}
