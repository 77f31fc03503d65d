/*
 * user.c: the rows of users.  Contract in user.h.
 */
#include <string.h>

#include "core/arena.h"
#include "store/db.h"
#include "store/user.h"

/* The columns of SQL_USER_PROFILE and SQL_USER_ORGS (store/sql.h). */
enum profile_col { PROF_ID, PROF_USERNAME, PROF_EMAIL, PROF_FIRST, PROF_LAST, PROF_FULL,
	PROF_PHONE, PROF_IMAGE, PROF_LAST_LOGIN, PROF_EMAIL_VERIFIED_AT };

void
store_user_row(const struct db_result *r, size_t i, struct user *o)
{
	USER_COLUMNS(DB_COL_READ)
}

/* Run statement id on one id parameter into *r. */
static enum gh_err
by_id(struct db *db, struct arena *a, enum sql_id id, long long v, struct db_result *r)
{
	struct db_param	 p[1];

	p[0] = DB_INT(v);
	return db_exec(db, a, id, p, 1, r);
}

/* Run stmt on the n parameters p: *yes 1 when it returned a row, else 0. */
static enum gh_err
exists(struct db *db, struct arena *a, enum sql_id stmt, const struct db_param *p, size_t n,
    int *yes)
{
	struct db_result r;
	enum gh_err	 err;

	if ((err = db_exec(db, a, stmt, p, n, &r)) != GH_OK)
		return err;
	*yes = r.nrows > 0;
	return GH_OK;
}

/* Run stmt on the n parameters p: the first column of the first row into *v, or NOT_FOUND. */
static enum gh_err
first_int(struct db *db, struct arena *a, enum sql_id stmt, const struct db_param *p, size_t n,
    long long *v)
{
	struct db_result r;
	enum gh_err	 err;

	if ((err = db_exec_one(db, a, stmt, p, n, &r)) != GH_OK)
		return err;
	*v = db_int(&r, 0, 0);
	return GH_OK;
}

/* Run statement id on (id, actor) parameters in that order, without a result. */
static enum gh_err
change(struct db *db, struct arena *a, enum sql_id stmt, long long id, long long actor)
{
	return db_exec_ints(db, a, stmt, 2, actor, id);
}

enum gh_err
store_user_get(struct db *db, struct arena *a, long long id, int lock, struct user *out)
{
	struct db_result r;
	enum gh_err	 err;

	if ((err = by_id(db, a, lock ? SQL_USER_GET_LOCK : SQL_USER_GET, id, &r)) != GH_OK)
		return err;
	if (r.nrows == 0)
		return GH_ERR_NOT_FOUND;
	store_user_row(&r, 0, out);
	return GH_OK;
}

enum gh_err
store_user_profile(struct db *db, struct arena *a, long long id, struct user *out)
{
	struct db_result r;
	enum gh_err	 err;

	if ((err = by_id(db, a, SQL_USER_PROFILE, id, &r)) != GH_OK)
		return err;
	if (r.nrows == 0)
		return GH_ERR_NOT_FOUND;
	memset(out, 0, sizeof(*out));
	out->id = db_int(&r, 0, PROF_ID);
	out->username = db_str(&r, 0, PROF_USERNAME);
	out->email = db_str(&r, 0, PROF_EMAIL);
	out->first_name = db_str(&r, 0, PROF_FIRST);
	out->last_name = db_str(&r, 0, PROF_LAST);
	out->full_name = db_str(&r, 0, PROF_FULL);
	out->phone_number = db_str(&r, 0, PROF_PHONE);
	out->profile_image_ref = db_str(&r, 0, PROF_IMAGE);
	out->last_login = db_str(&r, 0, PROF_LAST_LOGIN);
	out->email_verified_at = db_str(&r, 0, PROF_EMAIL_VERIFIED_AT);
	return GH_OK;
}

enum gh_err
store_user_in_org(struct db *db, struct arena *a, long long id, long long org, int *yes)
{
	struct db_param	 p[2];

	p[0] = DB_INT(id);
	p[1] = DB_INT(org);
	return exists(db, a, SQL_USER_IN_ORG, p, 2, yes);
}

enum gh_err
store_user_primary_org(struct db *db, struct arena *a, long long id, long long *org)
{
	struct db_param	 p[1];

	p[0] = DB_INT(id);
	return first_int(db, a, SQL_USER_PRIMARY_ORG, p, 1, org);
}

static void
user_org_row(const struct db_result *r, size_t i, struct user_org *o)
{
	USER_ORG_COLUMNS(DB_COL_READ)
}

enum gh_err
store_user_orgs(struct db *db, struct arena *a, long long id, struct user_org **out, size_t *n)
{
	struct db_param	 p[1];

	p[0] = DB_INT(id);
	return DB_ROWS(db, a, SQL_USER_ORGS, p, 1, user_org_row, out, n);
}

enum gh_err
store_user_is_platform(struct db *db, struct arena *a, long long id, int *yes)
{
	struct db_param	 p[1];

	p[0] = DB_INT(id);
	return exists(db, a, SQL_USER_IS_PLATFORM, p, 1, yes);
}

enum gh_err
store_user_other_orgs(struct db *db, struct arena *a, long long id, long long org, long long *n)
{
	struct db_param	 p[2];

	p[0] = DB_INT(id);
	p[1] = DB_INT(org);
	return first_int(db, a, SQL_USER_OTHER_ORGS, p, 2, n);
}

enum gh_err
store_user_team_org(struct db *db, struct arena *a, long long team, long long *org)
{
	struct db_param	 p[1];

	p[0] = DB_INT(team);
	return first_int(db, a, SQL_USER_TEAM_ORG, p, 1, org);
}

enum gh_err
store_user_role_in_org(struct db *db, struct arena *a, const char *name, long long org,
    long long *role)
{
	struct db_param	 p[2];

	p[0] = DB_STR(name);
	p[1] = DB_INT(org);
	return first_int(db, a, SQL_USER_ROLE_IN_ORG, p, 2, role);
}

enum gh_err
store_user_org_exists(struct db *db, struct arena *a, long long org, int *yes)
{
	struct db_param	 p[1];

	p[0] = DB_INT(org);
	return exists(db, a, SQL_USER_ORG_EXISTS, p, 1, yes);
}

enum gh_err
store_user_email_taken(struct db *db, struct arena *a, const char *email, int *yes)
{
	struct db_param	 p[1];

	p[0] = DB_STR(email);
	return exists(db, a, SQL_USER_EMAIL_TAKEN, p, 1, yes);
}

enum gh_err
store_user_insert(struct db *db, struct arena *a, const struct user *u, const char *hash,
    long long actor, long long *id)
{
	struct db_result r;
	struct db_param	 p[10];
	enum gh_err	 err;

	p[0] = DB_STR(u->username);
	p[1] = DB_STR(u->email);
	p[2] = DB_STR(u->phone_number);
	p[3] = DB_STR(u->first_name);
	p[4] = DB_STR(u->last_name);
	p[5] = DB_STR(u->full_name);
	p[6] = DB_STR(u->profile_image_ref);
	p[7] = DB_STR(hash);
	p[8] = DB_INT(actor);
	p[9] = DB_INT(actor);
	if ((err = db_exec(db, a, SQL_USER_INSERT, p, 10, &r)) != GH_OK)
		return err;
	*id = (long long)r.insert_id;
	return GH_OK;
}

enum gh_err
store_user_join_org(struct db *db, struct arena *a, long long id, long long org)
{
	return db_exec_ints(db, a, SQL_USER_JOIN_ORG, 2, id, org);
}

enum gh_err
store_user_grant(struct db *db, struct arena *a, long long id, long long role, long long org,
    long long actor)
{
	struct db_param	 p[4];
	enum gh_err	 err;

	p[0] = DB_INT(id);
	p[1] = DB_INT(role);
	p[2] = org > 0 ? DB_INT(org) : DB_NULL;
	p[3] = DB_INT(actor);
	if ((err = db_exec(db, a, SQL_USER_GRANT, p, 4, NULL)) != GH_OK)
		return err;
	p[0] = DB_INT(role);
	p[1] = DB_INT(id);
	return db_exec(db, a, SQL_USER_SET_ROLE, p, 2, NULL);
}

enum gh_err
store_user_update(struct db *db, struct arena *a, const struct user *u, long long actor)
{
	struct db_param	 p[9];

	p[0] = DB_STR(u->username);
	p[1] = DB_STR(u->email);
	p[2] = DB_STR(u->phone_number);
	p[3] = DB_STR(u->first_name);
	p[4] = DB_STR(u->last_name);
	p[5] = DB_STR(u->full_name);
	p[6] = DB_STR(u->profile_image_ref);
	p[7] = DB_INT(actor);
	p[8] = DB_INT(u->id);
	return db_exec(db, a, SQL_USER_UPDATE, p, 9, NULL);
}

enum gh_err
store_user_set_enabled(struct db *db, struct arena *a, long long id, int enabled,
    long long actor)
{
	struct db_param	 p[3];

	p[0] = DB_INT(enabled != 0);
	p[1] = DB_INT(actor);
	p[2] = DB_INT(id);
	return db_exec(db, a, SQL_USER_SET_ENABLED, p, 3, NULL);
}

enum gh_err
store_user_lock(struct db *db, struct arena *a, long long id, long long actor)
{
	return change(db, a, SQL_USER_ADMIN_LOCK, id, actor);
}

enum gh_err
store_user_unlock(struct db *db, struct arena *a, long long id, long long actor)
{
	return change(db, a, SQL_USER_ADMIN_UNLOCK, id, actor);
}

enum gh_err
store_user_expire_credentials(struct db *db, struct arena *a, long long id, long long actor)
{
	return change(db, a, SQL_USER_EXPIRE_CREDENTIALS, id, actor);
}

enum gh_err
store_user_delete(struct db *db, struct arena *a, long long id, long long actor)
{
	static const enum sql_id drops[] = { SQL_USER_DROP_MEMBERSHIPS, SQL_USER_DROP_ROLES,
	    SQL_USER_DROP_TEAMS, SQL_USER_DROP_TOKENS, SQL_USER_DROP_SIGNUPS };
	enum gh_err	 err;
	size_t		 i;

	if ((err = change(db, a, SQL_USER_SCRUB, id, actor)) != GH_OK)
		return err;
	for (i = 0; i < sizeof(drops) / sizeof(drops[0]); i++)
		if ((err = by_id(db, a, drops[i], id, NULL)) != GH_OK)
			return err;
	return GH_OK;
}

enum gh_err
store_user_pv_rows(struct db *db, struct arena *a, long long id, struct db_versions *out)
{
	struct db_result r;
	enum gh_err	 err;

	if ((err = by_id(db, a, SQL_USER_PV_ROW, id, &r)) != GH_OK)
		return err;
	db_versions_of(a, &r, out);
	return GH_OK;
}
