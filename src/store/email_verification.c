/*
 * email_verification.c: the email verification rows of signup_info and the account columns
 * they write.  Contract in email_verification.h.
 */
#include <string.h>

#include "core/arena.h"
#include "store/db.h"
#include "store/email_verification.h"

static void
ev_row(const struct db_result *r, size_t i, struct email_verification *o)
{
	EMAIL_VERIFICATION_COLUMNS(DB_COL_READ)
}

enum gh_err
store_email_verification_insert(struct db *db, struct arena *a, long long user,
    const char *email, const unsigned char hash[32], long long ttl)
{
	struct db_param	 p[4];

	p[0] = DB_STR(email);
	p[1] = DB_INT(user);
	p[2] = DB_BLOB(hash, 32);
	p[3] = DB_INT(ttl);
	return db_exec(db, a, SQL_EV_INSERT, p, 4, NULL);
}

enum gh_err
store_email_verification_retire(struct db *db, struct arena *a, long long user)
{
	return db_exec_ints(db, a, SQL_EV_RETIRE, 1, user, 0LL);
}

enum gh_err
store_email_verification_get(struct db *db, struct arena *a, const unsigned char hash[32],
    int lock, struct email_verification *out)
{
	struct db_result r;
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_BLOB(hash, 32);
	if ((err = db_exec(db, a, lock ? SQL_EV_BY_TOKEN_LOCK : SQL_EV_BY_TOKEN, p, 1, &r)) !=
	    GH_OK)
		return err;
	if (r.nrows == 0)
		return GH_ERR_NOT_FOUND;
	ev_row(&r, 0, out);
	return GH_OK;
}

enum gh_err
store_email_verification_use(struct db *db, struct arena *a, long long id)
{
	return db_exec_ints(db, a, SQL_SIGNUP_USE, 1, id, 0LL);
}

enum gh_err
store_email_verification_confirm(struct db *db, struct arena *a, long long user,
    const char *email)
{
	struct db_result r;
	struct db_param	 p[2];
	enum gh_err	 err;

	p[0] = DB_STR(email);
	p[1] = DB_INT(user);
	if ((err = db_exec(db, a, SQL_EV_CONFIRM, p, 2, &r)) != GH_OK)
		return err;
	return r.affected == 1 ? GH_OK : GH_ERR_NOT_FOUND;
}

enum gh_err
store_email_verification_unverify(struct db *db, struct arena *a, long long user)
{
	return db_exec_ints(db, a, SQL_EV_UNVERIFY, 1, user, 0LL);
}

enum gh_err
store_email_verification_proven(struct db *db, struct arena *a, long long user,
    const char *email)
{
	struct db_param	 p[2];

	p[0] = DB_INT(user);
	p[1] = DB_STR(email);
	return db_exec(db, a, SQL_EV_PROVEN, p, 2, NULL);
}
