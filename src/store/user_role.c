/*
 * user_role.c: the rows of user_roles.  Contract in user_role.h.
 */
#include <string.h>

#include "core/arena.h"
#include "store/db.h"
#include "store/user_role.h"

static void
user_role_row(const struct db_result *r, size_t i, struct user_role *o)
{
	USER_ROLE_COLUMNS(DB_COL_READ)
}

enum gh_err
store_user_role_list(struct db *db, struct arena *a, long long user, long long org,
    struct user_role **out, size_t *n)
{
	struct db_param	 p[2];

	p[0] = DB_INT(user);
	p[1] = DB_INT(org);
	return DB_ROWS(db, a, SQL_UR_LIST, p, 2, user_role_row, out, n);
}

enum gh_err
store_user_role_member(struct db *db, struct arena *a, long long user, long long org, int *yes)
{
	struct db_result r;
	struct db_param	 p[2];
	enum gh_err	 err;

	p[0] = DB_INT(user);
	p[1] = DB_INT(org);
	if ((err = db_exec(db, a, SQL_UR_MEMBER, p, 2, &r)) != GH_OK)
		return err;
	*yes = r.nrows > 0;
	return GH_OK;
}

enum gh_err
store_user_role_insert(struct db *db, struct arena *a, long long user, long long role,
    long long org, long long actor)
{
	struct db_param	 p[4];

	p[0] = DB_INT(user);
	p[1] = DB_INT(role);
	p[2] = org > 0 ? DB_INT(org) : DB_NULL;
	p[3] = DB_INT(actor);
	return db_exec(db, a, SQL_UR_ADD, p, 4, NULL);
}

enum gh_err
store_user_role_delete(struct db *db, struct arena *a, long long user, long long role,
    long long org)
{
	struct db_result r;
	struct db_param	 p[3];
	enum gh_err	 err;

	p[0] = DB_INT(user);
	p[1] = DB_INT(role);
	p[2] = DB_INT(org);
	if ((err = db_exec(db, a, SQL_UR_DEL, p, 3, &r)) != GH_OK)
		return err;
	return r.affected == 0 ? GH_ERR_NOT_FOUND : GH_OK;
}

enum gh_err
store_user_role_clear(struct db *db, struct arena *a, long long user, long long org)
{
	return db_exec_ints(db, a, SQL_UR_CLEAR_ORG, 2, user, org);
}
