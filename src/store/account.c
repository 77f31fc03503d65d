/*
 * account.c: accounts, session organizations and token versions.  Contract in account.h.
 */
#include <string.h>

#include "core/arena.h"
#include "store/account.h"
#include "store/db.h"

static void
account_row(const struct db_result *r, size_t i, struct account *o)
{
	ACCOUNT_COLUMNS(DB_COL_READ)
}

static void
session_org_row(const struct db_result *r, size_t i, struct session_org *o)
{
	SESSION_ORG_COLUMNS(DB_COL_READ)
}

/* Run id with one parameter v and read row 0 into *out; GH_ERR_NOT_FOUND without one. */
static enum gh_err
account_one(struct db *db, struct arena *a, enum sql_id id, struct db_param v,
    struct account *out)
{
	struct db_result r;
	enum gh_err	 err;

	if ((err = db_exec_one(db, a, id, &v, 1, &r)) != GH_OK)
		return err;
	account_row(&r, 0, out);
	return GH_OK;
}

enum gh_err
store_account_by_login(struct db *db, struct arena *a, const char *login, int email,
    struct account *out)
{
	return account_one(db, a, email ? SQL_USER_LOGIN_BY_EMAIL : SQL_USER_LOGIN_BY_NAME,
	    DB_STR(login), out);
}

enum gh_err
store_account_get(struct db *db, struct arena *a, long long id, struct account *out)
{
	return account_one(db, a, SQL_USER_LOGIN_BY_ID, DB_INT(id), out);
}

enum gh_err
store_account_login_ok(struct db *db, struct arena *a, long long id)
{
	return db_exec_ints(db, a, SQL_USER_LOGIN_OK, 1, id, 0);
}

enum gh_err
store_account_unlock_expired(struct db *db, struct arena *a, long long id)
{
	return db_exec_ints(db, a, SQL_USER_UNLOCK_EXPIRED, 1, id, 0);
}

enum gh_err
store_account_bump_pv(struct db *db, struct arena *a, long long id)
{
	return db_exec_ints(db, a, SQL_USER_BUMP_PV, 1, id, 0);
}

enum gh_err
store_account_bump_pv_role(struct db *db, struct arena *a, long long role_id)
{
	return db_exec_ints(db, a, SQL_ROLE_HOLDERS_BUMP, 1, role_id, 0);
}

/* Set users.password_hash of id with statement sid (rehash or a new password). */
static enum gh_err
set_hash(struct db *db, struct arena *a, enum sql_id sid, long long id, const char *hash)
{
	struct db_param	 p[2];

	p[0] = DB_STR(hash);
	p[1] = DB_INT(id);
	return db_exec(db, a, sid, p, 2, NULL);
}

enum gh_err
store_account_rehash(struct db *db, struct arena *a, long long id, const char *hash)
{
	return set_hash(db, a, SQL_USER_REHASH, id, hash);
}

enum gh_err
store_account_set_password(struct db *db, struct arena *a, long long id, const char *hash)
{
	return set_hash(db, a, SQL_USER_SET_PASSWORD, id, hash);
}

enum gh_err
store_account_lock(struct db *db, struct arena *a, long long id, long long period,
    long long failures)
{
	struct db_param	 p[3];

	p[0] = DB_INT(period);
	p[1] = DB_INT(failures);
	p[2] = DB_INT(id);
	return db_exec(db, a, SQL_USER_LOCK, p, 3, NULL);
}

enum gh_err
store_account_pv(struct db *db, struct arena *a, long long id, long long *pv)
{
	struct db_result r;
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_INT(id);
	if ((err = db_exec(db, a, SQL_USER_PV, p, 1, &r)) != GH_OK)
		return err;
	*pv = r.nrows > 0 ? db_int(&r, 0, 0) : -1;
	return GH_OK;
}

enum gh_err
store_account_role_names(struct db *db, struct arena *a, long long user, long long org,
    const char ***names, size_t *n)
{
	struct db_result r;
	struct db_param	 p[2];
	enum gh_err	 err;
	size_t		 i;

	p[0] = DB_INT(user);
	p[1] = DB_INT(org);
	if ((err = db_exec(db, a, SQL_USER_ROLE_NAMES, p, 2, &r)) != GH_OK)
		return err;
	*names = arena_alloc(a, (r.nrows + 1) * sizeof(**names));
	for (i = 0; i < r.nrows; i++)
		(*names)[i] = db_str(&r, i, 0);
	*n = r.nrows;
	return GH_OK;
}

enum gh_err
store_account_org(struct db *db, struct arena *a, long long user, long long id,
    const char *slug, struct session_org *out)
{
	struct db_result r;
	struct db_param	 p[2];
	enum sql_id	 q = SQL_ORG_PRIMARY;
	size_t		 np = 1;
	enum gh_err	 err;

	p[0] = DB_INT(user);
	if (id > 0 || slug != NULL) {
		q = id > 0 ? SQL_ORG_MEMBER_BY_ID : SQL_ORG_MEMBER_BY_SLUG;
		p[1] = id > 0 ? DB_INT(id) : DB_STR(slug);
		np = 2;
	}
	if ((err = db_exec_one(db, a, q, p, np, &r)) != GH_OK)
		return err;
	session_org_row(&r, 0, out);
	return GH_OK;
}

enum gh_err
store_membership_sv(struct db *db, struct arena *a, long long user, long long org, long long *sv)
{
	struct db_result r;
	struct db_param	 p[2];
	enum gh_err	 err;

	p[0] = DB_INT(user);
	p[1] = DB_INT(org);
	if ((err = db_exec(db, a, SQL_MEMBER_SV, p, 2, &r)) != GH_OK)
		return err;
	*sv = r.nrows > 0 ? db_int(&r, 0, 0) : -1;
	return GH_OK;
}

enum gh_err
store_membership_bump(struct db *db, struct arena *a, long long user, long long org)
{
	return db_exec_ints(db, a, SQL_MEMBER_BUMP, 2, user, org);
}

enum gh_err
store_account_insert(struct db *db, struct arena *a, const char *username, const char *email,
    const char *full_name, const char *hash, long long *id)
{
	struct db_result r;
	struct db_param	 p[4];
	enum gh_err	 err;

	p[0] = DB_STR(username);
	p[1] = DB_STR(email);
	p[2] = DB_STR(full_name);
	p[3] = DB_STR(hash);
	if ((err = db_exec(db, a, SQL_ADMIN_USER_INSERT, p, 4, &r)) != GH_OK)
		return err;
	*id = (long long)r.insert_id;
	return GH_OK;
}

enum gh_err
store_account_grant_platform_admin(struct db *db, struct arena *a, long long id)
{
	struct db_result r;
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_INT(id);
	if ((err = db_exec(db, a, SQL_ADMIN_ROLE_GRANT, p, 1, &r)) != GH_OK)
		return err;
	if (r.affected != 1)
		return GH_ERR_NOT_FOUND;
	return db_exec_ints(db, a, SQL_ADMIN_SET_PRIMARY_ROLE, 1, id, 0);
}
