/*
 * policy.c: the rows of policy.  Contract in policy.h.
 */
#include <string.h>

#include "core/arena.h"
#include "store/db.h"
#include "store/policy.h"

DB_ROW_READER(policy_row, struct policy, POLICY_COLUMNS)

DB_ROWS_ID(store_policy_list, struct policy, policy_row, SQL_POLICY_LIST)

enum gh_err
store_policy_get(struct db *db, struct arena *a, long long org, const char *kind, int lock,
    struct policy *out)
{
	return DB_GET(db, a, lock ? SQL_POLICY_GET_LOCK : SQL_POLICY_GET, policy_row, out,
	    DB_INT(org), DB_STR(kind));
}

enum gh_err
store_policy_settings(struct db *db, struct arena *a, long long org, const char *kind,
    const char **settings)
{
	return DB_TEXT(db, a, SQL_POLICY_SETTINGS, settings, DB_INT(org), DB_STR(kind));
}

enum gh_err
store_policy_update(struct db *db, struct arena *a, long long org, const char *kind,
    const char *settings, long long actor)
{
	return DB_RUN(db, a, SQL_POLICY_UPSERT, DB_INT(org), DB_STR(kind), DB_STR(settings),
	    DB_INT(actor), DB_INT(actor));
}
