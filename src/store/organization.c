/*
 * organization.c: the rows of organization and user_organization.  Contract in organization.h.
 */
#include <string.h>

#include "core/arena.h"
#include "store/db.h"
#include "store/organization.h"

/* The sort key follows the columns and DB_SELECT's closing NULL (ORG_LIST_SQL). */
#define ORGANIZATION_SORT_KEY	(ORGANIZATION__NCOLS + 1)

static const enum sql_id organization_lists[ORGANIZATION_SORT__MAX] = {
	SQL_ORG_LIST_ID, SQL_ORG_LIST_ID_DESC, SQL_ORG_LIST_NAME, SQL_ORG_LIST_NAME_DESC,
	SQL_ORG_LIST_CREATED, SQL_ORG_LIST_CREATED_DESC
};

static void
organization_row(const struct db_result *r, size_t i, struct organization *o)
{
	ORGANIZATION_COLUMNS(DB_COL_READ)
	o->sort_key = NULL;
}

static void
member_row(const struct db_result *r, size_t i, struct org_member *o)
{
	ORG_MEMBER_COLUMNS(DB_COL_READ)
}

static void
usage_row(const struct db_result *r, size_t i, struct org_usage *o)
{
	ORG_USAGE_COLUMNS(DB_COL_READ)
}

enum gh_err
store_organization_list(struct db *db, struct arena *a, int every, long long org,
    const char *status, const char *like, const struct db_keyset *ks,
    struct organization **out, size_t *n)
{
	struct db_result r;
	struct db_param	 p[12];
	size_t		 np, i;
	enum gh_err	 err;

	p[0] = DB_INT(every != 0);
	p[1] = DB_INT(org);
	p[2] = DB_STR(status ? status : "");
	p[3] = DB_STR(status ? status : "");
	p[4] = DB_STR(like ? "q" : "");
	p[5] = DB_STR(like ? like : "");
	p[6] = DB_STR(like ? like : "");
	np = 7 + db_keyset_params(ks, 1, p + 7);
	if ((err = db_exec(db, a, organization_lists[ks->sort], p, np, &r)) != GH_OK)
		return err;
	*out = arena_alloc(a, (r.nrows + 1) * sizeof(**out));
	for (i = 0; i < r.nrows; i++) {
		organization_row(&r, i, &(*out)[i]);
		(*out)[i].sort_key = db_str(&r, i, ORGANIZATION_SORT_KEY);
	}
	*n = r.nrows;
	return GH_OK;
}

enum gh_err
store_organization_get(struct db *db, struct arena *a, long long id, int lock,
    struct organization *out)
{
	struct db_result r;
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_INT(id);
	if ((err = db_exec_one(db, a, lock ? SQL_ORG_GET_LOCK : SQL_ORG_GET, p, 1, &r)) != GH_OK)
		return err;
	organization_row(&r, 0, out);
	return GH_OK;
}

enum gh_err
store_organization_insert(struct db *db, struct arena *a, const struct organization *o,
    long long actor, long long *id)
{
	struct db_result r;
	struct db_param	 p[6];
	enum gh_err	 err;

	p[0] = DB_STR(o->slug);
	p[1] = DB_STR(o->name);
	p[2] = DB_STR(o->description);
	p[3] = DB_STR(o->status);
	p[4] = DB_INT(actor);
	p[5] = DB_INT(actor);
	if ((err = db_exec(db, a, SQL_ORG_INSERT, p, 6, &r)) != GH_OK)
		return err;
	*id = (long long)r.insert_id;
	return GH_OK;
}

enum gh_err
store_organization_update(struct db *db, struct arena *a, const struct organization *o,
    long long actor)
{
	struct db_param	 p[5];

	p[0] = DB_STR(o->name);
	p[1] = DB_STR(o->description);
	p[2] = DB_STR(o->status);
	p[3] = DB_INT(actor);
	p[4] = DB_INT(o->id);
	return db_exec(db, a, SQL_ORG_UPDATE, p, 5, NULL);
}

enum gh_err
store_organization_delete(struct db *db, struct arena *a, long long id)
{
	return db_exec_ints(db, a, SQL_ORG_DELETE, 1, id, 0LL);
}

enum gh_err
store_organization_usage(struct db *db, struct arena *a, long long id, struct org_usage *out)
{
	struct db_result r;
	struct db_param	 p[ORG_USAGE__NCOLS];
	size_t		 k;
	enum gh_err	 err;

	/* Every count takes the organization's id. */
	for (k = 0; k < ORG_USAGE__NCOLS; k++)
		p[k] = DB_INT(id);
	if ((err = db_exec(db, a, SQL_ORG_USAGE, p, ORG_USAGE__NCOLS, &r)) != GH_OK)
		return err;
	usage_row(&r, 0, out);
	return GH_OK;
}

/* Run bump, then read into *pv, each with id as its parameters (n of them). */
static enum gh_err
bump_and_read(struct db *db, struct arena *a, enum sql_id bump, enum sql_id read, long long id,
    size_t n, struct db_versions *pv)
{
	struct db_result r;
	struct db_param	 p[3];
	size_t		 k;
	enum gh_err	 err;

	for (k = 0; k < n; k++)
		p[k] = DB_INT(id);
	if ((err = db_exec(db, a, bump, p, n, NULL)) != GH_OK ||
	    (err = db_exec(db, a, read, p, n, &r)) != GH_OK)
		return err;
	db_versions_of(a, &r, pv);
	return GH_OK;
}

enum gh_err
store_organization_affected_bump(struct db *db, struct arena *a, long long id,
    struct db_versions *pv)
{
	return bump_and_read(db, a, SQL_ORG_AFFECTED_BUMP, SQL_ORG_AFFECTED_PV, id, 3, pv);
}

enum gh_err
store_organization_members_bump(struct db *db, struct arena *a, long long id,
    struct db_versions *pv)
{
	return bump_and_read(db, a, SQL_ORG_MEMBERS_BUMP, SQL_ORG_MEMBERS_PV, id, 1, pv);
}

enum gh_err
store_organization_member_list(struct db *db, struct arena *a, long long org, long long after,
    long long limit, struct org_member **out, size_t *n)
{
	struct db_param	 p[3];

	p[0] = DB_INT(org);
	p[1] = DB_INT(after);
	p[2] = DB_INT(limit + 1);
	return DB_ROWS(db, a, SQL_ORG_MEMBER_LIST, p, 3, member_row, out, n);
}

enum gh_err
store_organization_member_get(struct db *db, struct arena *a, long long org, long long user,
    struct org_member *out)
{
	struct db_result r;
	struct db_param	 p[2];
	enum gh_err	 err;

	p[0] = DB_INT(org);
	p[1] = DB_INT(user);
	if ((err = db_exec_one(db, a, SQL_ORG_MEMBER_GET, p, 2, &r)) != GH_OK)
		return err;
	member_row(&r, 0, out);
	return GH_OK;
}

enum gh_err
store_organization_user_lock(struct db *db, struct arena *a, long long user, int *found)
{
	struct db_result r;
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_INT(user);
	if ((err = db_exec(db, a, SQL_ORG_USER_LOCK, p, 1, &r)) != GH_OK)
		return err;
	*found = r.nrows > 0;
	return GH_OK;
}

enum gh_err
store_organization_member_insert(struct db *db, struct arena *a, long long org, long long user)
{
	return db_exec_ints(db, a, SQL_ORG_MEMBER_INSERT, 2, user, org);
}

enum gh_err
store_organization_member_primary(struct db *db, struct arena *a, long long org, long long user)
{
	struct db_param	 p[2];
	enum gh_err	 err;

	p[0] = DB_INT(user);
	p[1] = DB_INT(org);
	if ((err = db_exec(db, a, SQL_ORG_PRIMARY_CLEAR, p, 1, NULL)) != GH_OK)
		return err;
	return db_exec(db, a, SQL_ORG_PRIMARY_SET, p, 2, NULL);
}

enum gh_err
store_organization_member_update(struct db *db, struct arena *a, long long org, long long user,
    const char *status, long long actor)
{
	struct db_param	 p[4];

	p[0] = DB_STR(status);
	p[1] = DB_INT(actor);
	p[2] = DB_INT(user);
	p[3] = DB_INT(org);
	return db_exec(db, a, SQL_ORG_MEMBER_STATUS, p, 4, NULL);
}

enum gh_err
store_organization_member_revoke(struct db *db, struct arena *a, long long org, long long user,
    const char *reason)
{
	struct db_param	 p[3];

	p[0] = DB_STR(reason);
	p[1] = DB_INT(user);
	p[2] = DB_INT(org);
	return db_exec(db, a, SQL_RT_REVOKE_USER_ORG, p, 3, NULL);
}

enum gh_err
store_organization_member_delete(struct db *db, struct arena *a, long long org, long long user)
{
	struct db_param	 p[2];
	enum gh_err	 err;

	p[0] = DB_INT(user);
	p[1] = DB_INT(org);
	if ((err = db_exec(db, a, SQL_ORG_MEMBER_ROLES_DEL, p, 2, NULL)) != GH_OK ||
	    (err = db_exec(db, a, SQL_ORG_MEMBER_TEAMS_DEL, p, 2, NULL)) != GH_OK ||
	    (err = db_exec(db, a, SQL_ORG_MEMBER_DEL, p, 2, NULL)) != GH_OK)
		return err;
	return store_organization_member_revoke(db, a, org, user, "membership_removed");
}
