/*
 * signup.c: the one-time links of signup_info (password resets, email verifications).
 * Contract in signup.h.
 */
#include "core/arena.h"
#include "store/db.h"
#include "store/signup.h"

/* The purpose column's value of each kind of link. */
static const char *const purposes[SIGNUP__MAX] = {
	[SIGNUP_PASSWORD_RESET] = "password_reset",
	[SIGNUP_EMAIL_VERIFICATION] = "email_verification",
};

enum gh_err
store_signup_insert(struct db *db, struct arena *a, enum signup_purpose purpose,
    const char *email, long long user, const unsigned char hash[32], long long ttl)
{
	return DB_RUN(db, a, SQL_SIGNUP_INSERT, DB_STR(purposes[purpose]), DB_STR(email),
	    user > 0 ? DB_INT(user) : DB_NULL, DB_BLOB(hash, 32), DB_INT(ttl));
}

enum gh_err
store_signup_retire(struct db *db, struct arena *a, enum signup_purpose purpose, long long user)
{
	return DB_RUN(db, a, SQL_SIGNUP_RETIRE, DB_STR(purposes[purpose]), DB_INT(user));
}

DB_RUN_ID(store_signup_use, SQL_SIGNUP_USE)
