/*
 * mfa.c: the rows of second factors.  Contract in mfa.h.
 */
#include <string.h>

#include "core/arena.h"
#include "store/db.h"
#include "store/mfa.h"

static void
totp_row(const struct db_result *r, size_t i, struct totp *o)
{
	TOTP_COLUMNS(DB_COL_READ)
	o->secret_len = db_len(r, i, TOTP_SECRET);
}

DB_ROW_READER(status_row, struct mfa_status, MFA_STATUS_COLUMNS)

DB_GET_ID(store_totp_get, struct totp, totp_row, SQL_TOTP_GET, SQL_TOTP_GET_LOCK)

enum gh_err
store_totp_start(struct db *db, struct arena *a, long long user, const unsigned char *sealed,
    size_t len)
{
	return DB_RUN(db, a, SQL_TOTP_START, DB_INT(user), DB_BLOB(sealed, len));
}

enum gh_err
store_totp_confirm(struct db *db, struct arena *a, long long user, long long step)
{
	return DB_CHANGE(db, a, SQL_TOTP_CONFIRM, DB_INT(step), DB_INT(user));
}

enum gh_err
store_totp_use(struct db *db, struct arena *a, long long user, long long step)
{
	return DB_CHANGE(db, a, SQL_TOTP_STEP, DB_INT(step), DB_INT(user), DB_INT(step));
}

enum gh_err
store_totp_reseal(struct db *db, struct arena *a, long long user, const unsigned char *sealed,
    size_t len)
{
	return DB_RUN(db, a, SQL_TOTP_RESEAL, DB_BLOB(sealed, len), DB_INT(user));
}

DB_RUN_ID(store_totp_delete, SQL_TOTP_DELETE)

enum gh_err
store_recovery_replace(struct db *db, struct arena *a, long long user,
    const unsigned char (*digests)[32], size_t n)
{
	enum gh_err	 err;
	size_t		 i;
	int		 any;

	/*
	 * A DELETE that finds no row still locks the gap of the index where the user's rows
	 * would be, and two users enrolling at once would then wait for each other's inserts (a
	 * deadlock): delete only what is there.
	 */
	if ((err = DB_EXISTS(db, a, SQL_RC_ANY, &any, DB_INT(user))) != GH_OK ||
	    (any && (err = DB_RUN(db, a, SQL_RC_CLEAR, DB_INT(user))) != GH_OK))
		return err;
	for (i = 0; i < n; i++)
		if ((err = DB_RUN(db, a, SQL_RC_INSERT, DB_INT(user), DB_BLOB(digests[i], 32))) !=
		    GH_OK)
			return err;
	return GH_OK;
}

enum gh_err
store_recovery_use(struct db *db, struct arena *a, long long user, const unsigned char digest[32])
{
	return DB_CHANGE(db, a, SQL_RC_USE, DB_INT(user), DB_BLOB(digest, 32));
}

enum gh_err
store_mfa_status(struct db *db, struct arena *a, long long user, struct mfa_status *out)
{
	return DB_GET(db, a, SQL_MFA_STATUS, status_row, out, DB_INT(user));
}

enum gh_err
store_mfa_reset(struct db *db, struct arena *a, long long user)
{
	enum gh_err	 err;

	/* Passkeys are factors too (store/webauthn.h): a reset removes them with the rest. */
	if ((err = DB_RUN(db, a, SQL_TOTP_DELETE, DB_INT(user))) != GH_OK ||
	    (err = DB_RUN(db, a, SQL_RC_CLEAR, DB_INT(user))) != GH_OK ||
	    (err = DB_RUN(db, a, SQL_WEBAUTHN_DELETE_USER, DB_INT(user))) != GH_OK)
		return err;
	return DB_RUN(db, a, SQL_MFA_GRACE_CLEAR, DB_INT(user));
}

enum gh_err
store_mfa_grace(struct db *db, struct arena *a, long long user, long long org, long long days,
    long long *left)
{
	enum gh_err	 err;

	if ((err = DB_RUN(db, a, SQL_MFA_GRACE_START, DB_INT(user), DB_INT(org))) != GH_OK)
		return err;
	return DB_VALUE(db, a, SQL_MFA_GRACE_LEFT, 0, left, DB_INT(days), DB_INT(user), DB_INT(org));
}
