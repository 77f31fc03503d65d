/*
 * webauthn.c (store): the rows of webauthn_credential and webauthn_user.  Contract in
 * store/webauthn.h.
 */
#include <string.h>

#include <sodium.h>

#include "core/arena.h"
#include "store/db.h"
#include "store/webauthn.h"

static void
cred_row(const struct db_result *r, size_t i, struct webauthn_row *o)
{
	WEBAUTHN_COLUMNS(DB_COL_READ)
	o->credential_id_len = db_len(r, i, WAC_CRED_ID);
	o->public_key_len = db_len(r, i, WAC_PUBLIC_KEY);
}

enum gh_err
store_webauthn_insert(struct db *db, struct arena *a, const struct webauthn_row *r,
    const unsigned char aaguid[16], long long *id)
{
	return DB_INSERT(db, a, SQL_WEBAUTHN_INSERT, id, DB_INT(r->user_id),
	    DB_BLOB(r->credential_id, r->credential_id_len),
	    DB_BLOB(r->public_key, r->public_key_len), DB_INT(r->alg), DB_INT(r->sign_count),
	    DB_STR(r->name), DB_INT(r->uv), DB_INT(r->backup_eligible), DB_INT(r->backup_state),
	    DB_BLOB(aaguid, 16), DB_STR(r->transports));
}

DB_ROWS_ID(store_webauthn_list, struct webauthn_row, cred_row, SQL_WEBAUTHN_LIST_USER)

enum gh_err
store_webauthn_get_by_cred(struct db *db, struct arena *a, const unsigned char *cid, size_t len,
    struct webauthn_row *out)
{
	return DB_GET(db, a, SQL_WEBAUTHN_GET_CRED, cred_row, out, DB_BLOB(cid, len));
}

DB_GET_PAIR(store_webauthn_get, struct webauthn_row, cred_row, SQL_WEBAUTHN_GET)

enum gh_err
store_webauthn_use(struct db *db, struct arena *a, long long id, long long old, long long count)
{
	enum gh_err	 err;

	err = DB_CHANGE(db, a, SQL_WEBAUTHN_USE, DB_INT(count), DB_INT(id), DB_INT(old));
	return err == GH_ERR_NOT_FOUND ? GH_ERR_CONFLICT : err;
}

enum gh_err
store_webauthn_rename(struct db *db, struct arena *a, long long id, long long user,
    const char *name)
{
	struct webauthn_row	 r;
	enum gh_err		 err;

	/* A rename to the same name changes no row: look the row up rather than count changes. */
	if ((err = store_webauthn_get(db, a, id, user, &r)) != GH_OK)
		return err;
	return DB_RUN(db, a, SQL_WEBAUTHN_RENAME, DB_STR(name), DB_INT(id), DB_INT(user));
}

enum gh_err
store_webauthn_delete(struct db *db, struct arena *a, long long id, long long user)
{
	return DB_CHANGE(db, a, SQL_WEBAUTHN_DELETE, DB_INT(id), DB_INT(user));
}

enum gh_err
store_webauthn_count(struct db *db, struct arena *a, long long user, long long *n)
{
	return DB_VALUE(db, a, SQL_WEBAUTHN_COUNT, 0, n, DB_INT(user));
}

enum gh_err
store_webauthn_handle(struct db *db, struct arena *a, long long user,
    unsigned char handle[STORE_WEBAUTHN_HANDLE_LEN])
{
	struct db_result r;
	unsigned char	 fresh[STORE_WEBAUTHN_HANDLE_LEN];
	enum gh_err	 err;

	err = db_exec_one(db, a, SQL_WEBAUTHN_HANDLE_GET, DB_PARAMS(DB_INT(user)), &r);
	if (err == GH_ERR_NOT_FOUND) {
		/* INSERT IGNORE: of two first registrations at once, the first handle stays. */
		randombytes_buf(fresh, sizeof(fresh));
		if ((err = DB_RUN(db, a, SQL_WEBAUTHN_HANDLE_INSERT, DB_INT(user),
		    DB_BLOB(fresh, sizeof(fresh)))) != GH_OK)
			return err;
		err = db_exec_one(db, a, SQL_WEBAUTHN_HANDLE_GET, DB_PARAMS(DB_INT(user)), &r);
	}
	if (err != GH_OK)
		return err;
	if (db_len(&r, 0, 0) != STORE_WEBAUTHN_HANDLE_LEN)
		return GH_ERR_INTERNAL;
	memcpy(handle, db_str(&r, 0, 0), STORE_WEBAUTHN_HANDLE_LEN);
	return GH_OK;
}

enum gh_err
store_webauthn_handle_user(struct db *db, struct arena *a, const unsigned char *handle,
    size_t len, long long *user)
{
	struct db_result r;
	enum gh_err	 err;

	if ((err = db_exec_one(db, a, SQL_WEBAUTHN_HANDLE_USER,
	    DB_PARAMS(DB_BLOB(handle, len)), &r)) != GH_OK)
		return err;
	*user = db_int(&r, 0, 0);
	return GH_OK;
}
