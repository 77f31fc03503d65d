/*
 * account.c: accounts, session organizations and token versions.  Contract in account.h.
 */
#include <string.h>

#include "core/arena.h"
#include "store/account.h"
#include "store/db.h"

DB_ROW_READER(account_row, struct account, ACCOUNT_COLUMNS)
DB_ROW_READER(session_org_row, struct session_org, SESSION_ORG_COLUMNS)

enum gh_err
store_account_by_login(struct db *db, struct arena *a, const char *login, int email,
    struct account *out)
{
	return DB_GET(db, a, email ? SQL_USER_LOGIN_BY_EMAIL : SQL_USER_LOGIN_BY_NAME,
	    account_row, out, DB_STR(login));
}

enum gh_err
store_account_get(struct db *db, struct arena *a, long long id, struct account *out)
{
	return DB_GET(db, a, SQL_USER_LOGIN_BY_ID, account_row, out, DB_INT(id));
}

DB_RUN_ID(store_account_login_ok, SQL_USER_LOGIN_OK)
DB_RUN_ID(store_account_unlock_expired, SQL_USER_UNLOCK_EXPIRED)
DB_RUN_ID(store_account_bump_pv, SQL_USER_BUMP_PV)
DB_RUN_ID(store_account_bump_pv_role, SQL_ROLE_HOLDERS_BUMP)

enum gh_err
store_account_rehash(struct db *db, struct arena *a, long long id, const char *hash)
{
	return DB_RUN(db, a, SQL_USER_REHASH, DB_STR(hash), DB_INT(id));
}

enum gh_err
store_account_set_password(struct db *db, struct arena *a, long long id, const char *hash)
{
	return DB_RUN(db, a, SQL_USER_SET_PASSWORD, DB_STR(hash), DB_INT(id));
}

enum gh_err
store_account_lock(struct db *db, struct arena *a, long long id, long long period,
    long long failures)
{
	return DB_RUN(db, a, SQL_USER_LOCK, DB_INT(period), DB_INT(failures), DB_INT(id));
}

enum gh_err
store_account_pv(struct db *db, struct arena *a, long long id, long long *pv)
{
	return DB_VALUE(db, a, SQL_USER_PV, -1, pv, DB_INT(id));
}

static void
name_row(const struct db_result *r, size_t i, const char **o)
{
	*o = db_str(r, i, 0);
}

enum gh_err
store_account_role_names(struct db *db, struct arena *a, long long user, long long org,
    const char ***names, size_t *n)
{
	return DB_ROWS(db, a, SQL_USER_ROLE_NAMES, name_row, names, n, DB_INT(user), DB_INT(org));
}

enum gh_err
store_account_org(struct db *db, struct arena *a, long long user, long long id,
    const char *slug, struct session_org *out)
{
	if (id > 0)
		return DB_GET(db, a, SQL_ORG_MEMBER_BY_ID, session_org_row, out, DB_INT(user),
		    DB_INT(id));
	if (slug != NULL)
		return DB_GET(db, a, SQL_ORG_MEMBER_BY_SLUG, session_org_row, out, DB_INT(user),
		    DB_STR(slug));
	return DB_GET(db, a, SQL_ORG_PRIMARY, session_org_row, out, DB_INT(user));
}

enum gh_err
store_membership_sv(struct db *db, struct arena *a, long long user, long long org, long long *sv)
{
	return DB_VALUE(db, a, SQL_MEMBER_SV, -1, sv, DB_INT(user), DB_INT(org));
}

DB_RUN_PAIR(store_membership_bump, SQL_MEMBER_BUMP)

enum gh_err
store_account_insert(struct db *db, struct arena *a, const char *username, const char *email,
    const char *full_name, const char *hash, long long *id)
{
	return DB_INSERT(db, a, SQL_ADMIN_USER_INSERT, id, DB_STR(username), DB_STR(email),
	    DB_STR(full_name), DB_STR(hash));
}

enum gh_err
store_account_grant_platform_admin(struct db *db, struct arena *a, long long id)
{
	struct db_result r;
	enum gh_err	 err;

	if ((err = db_exec(db, a, SQL_ADMIN_ROLE_GRANT, DB_PARAMS(DB_INT(id)), &r)) != GH_OK)
		return err;
	if (r.affected != 1)
		return GH_ERR_NOT_FOUND;
	return DB_RUN(db, a, SQL_ADMIN_SET_PRIMARY_ROLE, DB_INT(id));
}
