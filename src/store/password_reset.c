/*
 * password_reset.c: the password reset rows of signup_info and what a reset writes.  Contract
 * in password_reset.h.
 */
#include <string.h>

#include "core/arena.h"
#include "store/db.h"
#include "store/password_reset.h"

DB_ROW_READER(reset_row, struct password_reset, PASSWORD_RESET_COLUMNS)
DB_ROW_READER(user_row, struct password_reset_user, PASSWORD_RESET_USER_COLUMNS)

enum gh_err
store_password_reset_user(struct db *db, struct arena *a, const char *email,
    struct password_reset_user *out)
{
	return DB_GET(db, a, SQL_PWR_USER, user_row, out, DB_STR(email));
}

DB_GET_HASH(store_password_reset_get, struct password_reset, reset_row, SQL_PWR_BY_TOKEN,
    SQL_PWR_BY_TOKEN_LOCK)

enum gh_err
store_password_reset_set_password(struct db *db, struct arena *a, long long user,
    const char *hash)
{
	return DB_CHANGE(db, a, SQL_PWR_SET_PASSWORD, DB_STR(hash), DB_INT(user));
}

enum gh_err
store_password_reset_revoke_tokens(struct db *db, struct arena *a, long long user)
{
	return DB_RUN(db, a, SQL_RT_REVOKE_USER, DB_STR("password_reset"), DB_INT(user));
}

enum gh_err
store_password_reset_org(struct db *db, struct arena *a, long long user, long long *org)
{
	/* SQL_ORG_PRIMARY's first column is the organization's id. */
	return DB_VALUE(db, a, SQL_ORG_PRIMARY, 0, org, DB_INT(user));
}
