/*
 * password_reset.c: the password reset rows of signup_info and what a reset writes.  Contract
 * in password_reset.h.
 */
#include <string.h>

#include "core/arena.h"
#include "store/db.h"
#include "store/password_reset.h"

static void
reset_row(const struct db_result *r, size_t i, struct password_reset *o)
{
	PASSWORD_RESET_COLUMNS(DB_COL_READ)
}

static void
user_row(const struct db_result *r, size_t i, struct password_reset_user *o)
{
	PASSWORD_RESET_USER_COLUMNS(DB_COL_READ)
}

enum gh_err
store_password_reset_user(struct db *db, struct arena *a, const char *email,
    struct password_reset_user *out)
{
	struct db_result r;
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_STR(email);
	if ((err = db_exec_one(db, a, SQL_PWR_USER, p, 1, &r)) != GH_OK)
		return err;
	user_row(&r, 0, out);
	return GH_OK;
}

enum gh_err
store_password_reset_get(struct db *db, struct arena *a, const unsigned char hash[32], int lock,
    struct password_reset *out)
{
	struct db_result r;
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_BLOB(hash, 32);
	if ((err = db_exec(db, a, lock ? SQL_PWR_BY_TOKEN_LOCK : SQL_PWR_BY_TOKEN, p, 1, &r)) !=
	    GH_OK)
		return err;
	if (r.nrows == 0)
		return GH_ERR_NOT_FOUND;
	reset_row(&r, 0, out);
	return GH_OK;
}

enum gh_err
store_password_reset_insert(struct db *db, struct arena *a, const char *email, long long user,
    const unsigned char hash[32], long long ttl)
{
	struct db_param	 p[4];

	p[0] = DB_STR(email);
	p[1] = user > 0 ? DB_INT(user) : DB_NULL;
	p[2] = DB_BLOB(hash, 32);
	p[3] = DB_INT(ttl);
	return db_exec(db, a, SQL_PWR_INSERT, p, 4, NULL);
}

enum gh_err
store_password_reset_retire(struct db *db, struct arena *a, long long user)
{
	return db_exec_ints(db, a, SQL_PWR_RETIRE, 1, user, 0LL);
}

enum gh_err
store_password_reset_use(struct db *db, struct arena *a, long long id)
{
	return db_exec_ints(db, a, SQL_SIGNUP_USE, 1, id, 0LL);
}

enum gh_err
store_password_reset_set_password(struct db *db, struct arena *a, long long user,
    const char *hash)
{
	struct db_result r;
	struct db_param	 p[2];
	enum gh_err	 err;

	p[0] = DB_STR(hash);
	p[1] = DB_INT(user);
	if ((err = db_exec(db, a, SQL_PWR_SET_PASSWORD, p, 2, &r)) != GH_OK)
		return err;
	return r.affected == 1 ? GH_OK : GH_ERR_NOT_FOUND;
}

enum gh_err
store_password_reset_revoke_tokens(struct db *db, struct arena *a, long long user)
{
	struct db_param	 p[2];

	p[0] = DB_STR("password_reset");
	p[1] = DB_INT(user);
	return db_exec(db, a, SQL_RT_REVOKE_USER, p, 2, NULL);
}

enum gh_err
store_password_reset_org(struct db *db, struct arena *a, long long user, long long *org)
{
	struct db_result r;
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_INT(user);
	if ((err = db_exec(db, a, SQL_ORG_PRIMARY, p, 1, &r)) != GH_OK)
		return err;
	*org = r.nrows > 0 ? db_int(&r, 0, SOC_ID) : 0;
	return GH_OK;
}
