/*
 * policy.c: the rows of policy.  Contract in policy.h.
 */
#include <string.h>

#include "core/arena.h"
#include "store/db.h"
#include "store/policy.h"

static void
policy_row(const struct db_result *r, size_t i, struct policy *o)
{
	POLICY_COLUMNS(DB_COL_READ)
}

enum gh_err
store_policy_list(struct db *db, struct arena *a, long long org, struct policy **out,
    size_t *n)
{
	struct db_param	 p[1];

	p[0] = DB_INT(org);
	return DB_ROWS(db, a, SQL_POLICY_LIST, p, 1, policy_row, out, n);
}

enum gh_err
store_policy_get(struct db *db, struct arena *a, long long org, const char *kind, int lock,
    struct policy *out)
{
	struct db_result r;
	struct db_param	 p[2];
	enum gh_err	 err;

	p[0] = DB_INT(org);
	p[1] = DB_STR(kind);
	if ((err = db_exec_one(db, a, lock ? SQL_POLICY_GET_LOCK : SQL_POLICY_GET, p, 2, &r)) != GH_OK)
		return err;
	policy_row(&r, 0, out);
	return GH_OK;
}

enum gh_err
store_policy_settings(struct db *db, struct arena *a, long long org, const char *kind,
    const char **settings)
{
	struct db_result r;
	struct db_param	 p[2];
	enum gh_err	 err;

	p[0] = DB_INT(org);
	p[1] = DB_STR(kind);
	if ((err = db_exec(db, a, SQL_POLICY_SETTINGS, p, 2, &r)) != GH_OK)
		return err;
	/* The statement's one column. */
	*settings = r.nrows > 0 ? db_str(&r, 0, 0) : NULL;
	return GH_OK;
}

enum gh_err
store_policy_update(struct db *db, struct arena *a, long long org, const char *kind,
    const char *settings, long long actor)
{
	struct db_param	 p[5];

	p[0] = DB_INT(org);
	p[1] = DB_STR(kind);
	p[2] = DB_STR(settings);
	p[3] = DB_INT(actor);
	p[4] = DB_INT(actor);
	return db_exec(db, a, SQL_POLICY_UPSERT, p, 5, NULL);
}
