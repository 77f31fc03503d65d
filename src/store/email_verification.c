/*
 * email_verification.c: the email verification rows of signup_info and the account columns
 * they write.  Contract in email_verification.h.
 */
#include <string.h>

#include "core/arena.h"
#include "store/db.h"
#include "store/email_verification.h"

DB_ROW_READER(ev_row, struct email_verification, EMAIL_VERIFICATION_COLUMNS)

DB_GET_HASH(store_email_verification_get, struct email_verification, ev_row, SQL_EV_BY_TOKEN,
    SQL_EV_BY_TOKEN_LOCK)

enum gh_err
store_email_verification_confirm(struct db *db, struct arena *a, long long user,
    const char *email)
{
	return DB_CHANGE(db, a, SQL_EV_CONFIRM, DB_STR(email), DB_INT(user));
}

DB_RUN_ID(store_email_verification_unverify, SQL_EV_UNVERIFY)

enum gh_err
store_email_verification_proven(struct db *db, struct arena *a, long long user,
    const char *email)
{
	return DB_RUN(db, a, SQL_EV_PROVEN, DB_INT(user), DB_STR(email));
}
