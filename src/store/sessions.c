/*
 * sessions.c: a user's sessions.  Contract in sessions.h.
 */
#include <string.h>

#include "core/arena.h"
#include "store/db.h"
#include "store/sessions.h"

static void
session_row(const struct db_result *r, size_t i, struct session_row *o)
{
	SESSION_COLUMNS(DB_COL_READ)
	o->family_len = db_len(r, i, SESS_FAMILY);
}

enum gh_err
store_session_list(struct db *db, struct arena *a, long long user, long long org,
    struct session_row **out, size_t *n)
{
	return DB_ROWS(db, a, SQL_SESSION_LIST, session_row, out, n, DB_INT(user), DB_INT(org),
	    DB_INT(org));
}

enum gh_err
store_session_end(struct db *db, struct arena *a, long long user, const unsigned char *family,
    long long org, const char *reason)
{
	return DB_CHANGE(db, a, SQL_SESSION_END, DB_STR(reason), DB_INT(user), DB_BLOB(family, 16),
	    DB_INT(org), DB_INT(org));
}
