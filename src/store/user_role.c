/*
 * user_role.c: the rows of user_roles.  Contract in user_role.h.
 */
#include <string.h>

#include "core/arena.h"
#include "store/db.h"
#include "store/user_role.h"

DB_ROW_READER(user_role_row, struct user_role, USER_ROLE_COLUMNS)

enum gh_err
store_user_role_list(struct db *db, struct arena *a, long long user, long long org,
    struct user_role **out, size_t *n)
{
	return DB_ROWS(db, a, SQL_UR_LIST, user_role_row, out, n, DB_INT(user), DB_INT(org));
}

enum gh_err
store_user_role_insert(struct db *db, struct arena *a, long long user, long long role,
    long long org, long long actor)
{
	return DB_RUN(db, a, SQL_UR_ADD, DB_INT(user), DB_INT(role),
	    org > 0 ? DB_INT(org) : DB_NULL, DB_INT(actor));
}

enum gh_err
store_user_role_delete(struct db *db, struct arena *a, long long user, long long role,
    long long org)
{
	return DB_CHANGE(db, a, SQL_UR_DEL, DB_INT(user), DB_INT(role), DB_INT(org));
}

DB_RUN_PAIR(store_user_role_clear, SQL_UR_CLEAR_ORG)
