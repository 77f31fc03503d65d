/*
 * user.c: the rows of users.  Contract in user.h.
 */
#include <string.h>

#include "core/arena.h"
#include "store/db.h"
#include "store/user.h"

void
store_user_row(const struct db_result *r, size_t i, struct user *o)
{
	USER_COLUMNS(DB_COL_READ)
}

static void
profile_row(const struct db_result *r, size_t i, struct user *o)
{
	memset(o, 0, sizeof(*o));
	USER_PROFILE_COLUMNS(DB_COL_READ)
}

DB_ROW_READER(user_org_row, struct user_org, USER_ORG_COLUMNS)

/* An id statement id must find (DB_VALUE into *v): GH_ERR_NOT_FOUND when it reads no row. */
static enum gh_err
find_id(struct db *db, struct arena *a, enum sql_id id, const struct db_param *p, size_t n,
    long long *v)
{
	enum gh_err	 err;

	if ((err = db_value(db, a, id, p, n, 0, v)) != GH_OK)
		return err;
	return *v == 0 ? GH_ERR_NOT_FOUND : GH_OK;
}

DB_GET_ID(store_user_get, struct user, store_user_row, SQL_USER_GET, SQL_USER_GET_LOCK)

enum gh_err
store_user_profile(struct db *db, struct arena *a, long long id, struct user *out)
{
	return DB_GET(db, a, SQL_USER_PROFILE, profile_row, out, DB_INT(id));
}

enum gh_err
store_user_in_org(struct db *db, struct arena *a, long long id, long long org, int *yes)
{
	return DB_EXISTS(db, a, SQL_USER_IN_ORG, yes, DB_INT(id), DB_INT(org));
}

enum gh_err
store_user_primary_org(struct db *db, struct arena *a, long long id, long long *org)
{
	return find_id(db, a, SQL_USER_PRIMARY_ORG, DB_PARAMS(DB_INT(id)), org);
}

DB_ROWS_ID(store_user_orgs, struct user_org, user_org_row, SQL_USER_ORGS)

enum gh_err
store_user_is_platform(struct db *db, struct arena *a, long long id, int *yes)
{
	return DB_EXISTS(db, a, SQL_USER_IS_PLATFORM, yes, DB_INT(id));
}

enum gh_err
store_user_other_orgs(struct db *db, struct arena *a, long long id, long long org, long long *n)
{
	return DB_VALUE(db, a, SQL_USER_OTHER_ORGS, 0, n, DB_INT(id), DB_INT(org));
}

enum gh_err
store_user_team_org(struct db *db, struct arena *a, long long team, long long *org)
{
	return find_id(db, a, SQL_USER_TEAM_ORG, DB_PARAMS(DB_INT(team)), org);
}

enum gh_err
store_user_role_in_org(struct db *db, struct arena *a, const char *name, long long org,
    long long *role)
{
	return find_id(db, a, SQL_ROLE_ID_BY_NAME, DB_PARAMS(DB_STR(name), DB_INT(org)), role);
}

enum gh_err
store_user_org_exists(struct db *db, struct arena *a, long long org, int *yes)
{
	return DB_EXISTS(db, a, SQL_USER_ORG_EXISTS, yes, DB_INT(org));
}

enum gh_err
store_user_email_taken(struct db *db, struct arena *a, const char *email, int *yes)
{
	return DB_EXISTS(db, a, SQL_USER_EMAIL_TAKEN, yes, DB_STR(email));
}

/* The profile columns SQL_USER_INSERT and SQL_USER_UPDATE set, in their order. */
#define USER_PROFILE_PARAMS(u)								\
	DB_STR((u)->username), DB_STR((u)->email), DB_STR((u)->phone_number),		\
	DB_STR((u)->first_name), DB_STR((u)->last_name), DB_STR((u)->full_name),	\
	DB_STR((u)->profile_image_ref)

enum gh_err
store_user_insert(struct db *db, struct arena *a, const struct user *u, const char *hash,
    long long actor, long long *id)
{
	return DB_INSERT(db, a, SQL_USER_INSERT, id, USER_PROFILE_PARAMS(u), DB_STR(hash),
	    DB_INT(actor), DB_INT(actor));
}

DB_RUN_PAIR(store_user_join_org, SQL_USER_JOIN_ORG)

enum gh_err
store_user_grant(struct db *db, struct arena *a, long long id, long long role, long long org,
    long long actor)
{
	enum gh_err	 err;

	if ((err = DB_RUN(db, a, SQL_USER_GRANT, DB_INT(id), DB_INT(role),
	    org > 0 ? DB_INT(org) : DB_NULL, DB_INT(actor))) != GH_OK)
		return err;
	return DB_RUN(db, a, SQL_USER_SET_ROLE, DB_INT(role), DB_INT(id));
}

enum gh_err
store_user_update(struct db *db, struct arena *a, const struct user *u, long long actor)
{
	return DB_RUN(db, a, SQL_USER_UPDATE, USER_PROFILE_PARAMS(u), DB_INT(actor), DB_INT(u->id));
}

enum gh_err
store_user_set_enabled(struct db *db, struct arena *a, long long id, int enabled,
    long long actor)
{
	return DB_RUN(db, a, SQL_USER_SET_ENABLED, DB_INT(enabled != 0), DB_INT(actor), DB_INT(id));
}

enum gh_err
store_user_lock(struct db *db, struct arena *a, long long id, long long actor)
{
	return DB_RUN(db, a, SQL_USER_ADMIN_LOCK, DB_INT(actor), DB_INT(id));
}

enum gh_err
store_user_unlock(struct db *db, struct arena *a, long long id, long long actor)
{
	return DB_RUN(db, a, SQL_USER_ADMIN_UNLOCK, DB_INT(actor), DB_INT(id));
}

enum gh_err
store_user_expire_credentials(struct db *db, struct arena *a, long long id, long long actor)
{
	return DB_RUN(db, a, SQL_USER_EXPIRE_CREDENTIALS, DB_INT(actor), DB_INT(id));
}

enum gh_err
store_user_delete(struct db *db, struct arena *a, long long id, long long actor)
{
	static const enum sql_id drops[] = { SQL_USER_DROP_MEMBERSHIPS, SQL_USER_DROP_ROLES,
	    SQL_USER_DROP_TEAMS, SQL_USER_DROP_TOKENS, SQL_USER_DROP_SIGNUPS };
	enum gh_err	 err;
	size_t		 i;

	if ((err = DB_RUN(db, a, SQL_USER_SCRUB, DB_INT(actor), DB_INT(id))) != GH_OK)
		return err;
	for (i = 0; i < sizeof(drops) / sizeof(drops[0]); i++)
		if ((err = DB_RUN(db, a, drops[i], DB_INT(id))) != GH_OK)
			return err;
	return GH_OK;
}

enum gh_err
store_user_pv_rows(struct db *db, struct arena *a, long long id, struct db_versions *out)
{
	return DB_VERSIONS(db, a, SQL_USER_PV_ROW, out, DB_INT(id));
}
