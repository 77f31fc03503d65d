/*
 * organization.c: the rows of organization and user_organization.  Contract in organization.h.
 */
#include <string.h>

#include "core/arena.h"
#include "store/db.h"
#include "store/organization.h"

/* The sort key follows the columns and DB_SELECT's closing NULL (ORG_LIST_SQL). */
#define ORGANIZATION_SORT_KEY	(organization_col__MAX + 1)

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

/* A row of a list: the columns, then the sort key after DB_SELECT's closing NULL. */
static void
organization_list_row(const struct db_result *r, size_t i, struct organization *o)
{
	ORGANIZATION_COLUMNS(DB_COL_READ)
	o->sort_key = db_str(r, i, ORGANIZATION_SORT_KEY);
}

DB_ROW_READER(member_row, struct org_member, ORG_MEMBER_COLUMNS)
DB_ROW_READER(usage_row, struct org_usage, ORG_USAGE_COLUMNS)

enum gh_err
store_organization_list(struct db *db, struct arena *a, int every, long long org,
    const char *status, const char *like, const struct db_keyset *ks,
    struct organization **out, size_t *n)
{
	status = status ? status : "";
	return DB_PAGE(db, a, organization_lists[ks->sort], ks, 1, organization_list_row, out, n,
	    DB_INT(every != 0), DB_INT(org), DB_STR(status), DB_STR(status),
	    DB_STR(like ? "q" : ""), DB_STR(like ? like : ""), DB_STR(like ? like : ""));
}

DB_GET_ID(store_organization_get, struct organization, organization_row, SQL_ORG_GET,
    SQL_ORG_GET_LOCK)

enum gh_err
store_organization_insert(struct db *db, struct arena *a, const struct organization *o,
    long long actor, long long *id)
{
	return DB_INSERT(db, a, SQL_ORG_INSERT, id, DB_STR(o->slug), DB_STR(o->name),
	    DB_STR(o->description), DB_STR(o->status), DB_INT(actor), DB_INT(actor));
}

enum gh_err
store_organization_update(struct db *db, struct arena *a, const struct organization *o,
    long long actor)
{
	return DB_RUN(db, a, SQL_ORG_UPDATE, DB_STR(o->name), DB_STR(o->description),
	    DB_STR(o->status), DB_INT(actor), DB_INT(o->id));
}

DB_RUN_ID(store_organization_delete, SQL_ORG_DELETE)

enum gh_err
store_organization_usage(struct db *db, struct arena *a, long long id, struct org_usage *out)
{
	struct db_result r;
	struct db_param	 p[org_usage_col__MAX];
	size_t		 k;
	enum gh_err	 err;

	/* Every count takes the organization's id. */
	for (k = 0; k < org_usage_col__MAX; k++)
		p[k] = DB_INT(id);
	if ((err = db_exec(db, a, SQL_ORG_USAGE, p, org_usage_col__MAX, &r)) == GH_OK)
		usage_row(&r, 0, out);
	return err;
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
	return DB_ROWS(db, a, SQL_ORG_MEMBER_LIST, member_row, out, n, DB_INT(org), DB_INT(after),
	    DB_INT(limit + 1));
}

DB_GET_PAIR(store_organization_member_get, struct org_member, member_row, SQL_ORG_MEMBER_GET)

enum gh_err
store_organization_has_member(struct db *db, struct arena *a, long long org, long long user,
    int *yes)
{
	return DB_EXISTS(db, a, SQL_ORG_HAS_MEMBER, yes, DB_INT(user), DB_INT(org));
}

enum gh_err
store_organization_user_lock(struct db *db, struct arena *a, long long user, int *found)
{
	return DB_EXISTS(db, a, SQL_ORG_USER_LOCK, found, DB_INT(user));
}

enum gh_err
store_organization_member_insert(struct db *db, struct arena *a, long long org, long long user)
{
	return DB_RUN(db, a, SQL_ORG_MEMBER_INSERT, DB_INT(user), DB_INT(org));
}

enum gh_err
store_organization_member_primary(struct db *db, struct arena *a, long long org, long long user)
{
	enum gh_err	 err;

	if ((err = DB_RUN(db, a, SQL_ORG_PRIMARY_CLEAR, DB_INT(user))) != GH_OK)
		return err;
	return DB_RUN(db, a, SQL_ORG_PRIMARY_SET, DB_INT(user), DB_INT(org));
}

enum gh_err
store_organization_member_update(struct db *db, struct arena *a, long long org, long long user,
    const char *status, long long actor)
{
	return DB_RUN(db, a, SQL_ORG_MEMBER_STATUS, DB_STR(status), DB_INT(actor), DB_INT(user),
	    DB_INT(org));
}

enum gh_err
store_organization_member_revoke(struct db *db, struct arena *a, long long org, long long user,
    const char *reason)
{
	return DB_RUN(db, a, SQL_RT_REVOKE_USER_ORG, DB_STR(reason), DB_INT(user), DB_INT(org));
}

enum gh_err
store_organization_member_delete(struct db *db, struct arena *a, long long org, long long user)
{
	static const enum sql_id steps[] = {
		SQL_ORG_MEMBER_ROLES_DEL, SQL_ORG_MEMBER_TEAMS_DEL, SQL_ORG_MEMBER_DEL
	};
	size_t		 k;
	enum gh_err	 err;

	for (k = 0; k < sizeof(steps) / sizeof(steps[0]); k++)
		if ((err = DB_RUN(db, a, steps[k], DB_INT(user), DB_INT(org))) != GH_OK)
			return err;
	return store_organization_member_revoke(db, a, org, user, "membership_removed");
}
