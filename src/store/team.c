/*
 * team.c: the rows of team and team_member.  Contract in team.h.
 */
#include <string.h>

#include "core/arena.h"
#include "store/db.h"
#include "store/team.h"

static const enum sql_id team_lists[TEAM_SORT__MAX] = {
	SQL_TEAM_LIST_ID, SQL_TEAM_LIST_ID_DESC, SQL_TEAM_LIST_NAME, SQL_TEAM_LIST_NAME_DESC
};
static const enum sql_id member_lists[TEAM_SORT__MAX] = {
	SQL_TEAM_MEMBER_LIST_ID, SQL_TEAM_MEMBER_LIST_ID_DESC, SQL_TEAM_MEMBER_LIST_NAME,
	SQL_TEAM_MEMBER_LIST_NAME_DESC
};

static void
team_row(const struct db_result *r, size_t i, struct team *o)
{
	TEAM_COLUMNS(DB_COL_READ)
}

static void
member_row(const struct db_result *r, size_t i, struct team_member *o)
{
	TEAM_MEMBER_COLUMNS(DB_COL_READ)
}

enum gh_err
store_team_list(struct db *db, struct arena *a, long long org, const char *like,
    const struct db_keyset *ks, struct team **out, size_t *n)
{
	struct db_param	 p[9];
	size_t		 np;

	p[0] = DB_INT(org);
	p[1] = DB_INT(org);
	p[2] = DB_STR(like ? like : "");
	p[3] = DB_STR(like ? like : "");
	np = 4 + db_keyset_params(ks, ks->sort >= TEAM_SORT_NAME, p + 4);
	return DB_ROWS(db, a, team_lists[ks->sort], p, np, team_row, out, n);
}

enum gh_err
store_team_get(struct db *db, struct arena *a, long long id, int lock, struct team *out)
{
	struct db_result r;
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_INT(id);
	if ((err = db_exec_one(db, a, lock ? SQL_TEAM_GET_LOCK : SQL_TEAM_GET, p, 1, &r)) != GH_OK)
		return err;
	team_row(&r, 0, out);
	return GH_OK;
}

enum gh_err
store_team_insert(struct db *db, struct arena *a, const struct team *t, long long actor,
    long long *id)
{
	struct db_result r;
	struct db_param	 p[5];
	enum gh_err	 err;

	p[0] = DB_INT(t->organization_id);
	if ((err = db_exec_one(db, a, SQL_TEAM_ORG_EXISTS, p, 1, &r)) != GH_OK)
		return err;
	p[1] = DB_STR(t->name);
	p[2] = DB_STR(t->description);
	p[3] = DB_INT(actor);
	p[4] = DB_INT(actor);
	if ((err = db_exec(db, a, SQL_TEAM_INSERT, p, 5, &r)) != GH_OK)
		return err;
	*id = (long long)r.insert_id;
	return GH_OK;
}

enum gh_err
store_team_update(struct db *db, struct arena *a, const struct team *t, long long actor)
{
	struct db_param	 p[4];

	p[0] = DB_STR(t->name);
	p[1] = DB_STR(t->description);
	p[2] = DB_INT(actor);
	p[3] = DB_INT(t->id);
	return db_exec(db, a, SQL_TEAM_UPDATE, p, 4, NULL);
}

enum gh_err
store_team_delete(struct db *db, struct arena *a, long long id)
{
	return db_exec_ints(db, a, SQL_TEAM_DELETE, 1, id, 0LL);
}

enum gh_err
store_team_member_list(struct db *db, struct arena *a, long long team, const char *role,
    const struct db_keyset *ks, struct team_member **out, size_t *n)
{
	struct db_param	 p[8];
	size_t		 np;

	p[0] = DB_INT(team);
	p[1] = DB_STR(role ? role : "");
	p[2] = DB_STR(role ? role : "");
	np = 3 + db_keyset_params(ks, ks->sort >= TEAM_SORT_NAME, p + 3);
	return DB_ROWS(db, a, member_lists[ks->sort], p, np, member_row, out, n);
}

enum gh_err
store_team_member_get(struct db *db, struct arena *a, long long team, long long user,
    struct team_member *out)
{
	struct db_result r;
	struct db_param	 p[2];
	enum gh_err	 err;

	p[0] = DB_INT(team);
	p[1] = DB_INT(user);
	if ((err = db_exec_one(db, a, SQL_TEAM_MEMBER_GET, p, 2, &r)) != GH_OK)
		return err;
	member_row(&r, 0, out);
	return GH_OK;
}

enum gh_err
store_team_user_in_org(struct db *db, struct arena *a, long long user, long long org, int *yes)
{
	struct db_result r;
	struct db_param	 p[2];
	enum gh_err	 err;

	p[0] = DB_INT(user);
	p[1] = DB_INT(org);
	if ((err = db_exec(db, a, SQL_TEAM_USER_IN_ORG, p, 2, &r)) != GH_OK)
		return err;
	*yes = r.nrows > 0;
	return GH_OK;
}

enum gh_err
store_team_member_insert(struct db *db, struct arena *a, long long team, long long user,
    const char *role, long long actor)
{
	struct db_param	 p[5];

	p[0] = DB_INT(team);
	p[1] = DB_INT(user);
	p[2] = DB_STR(role);
	p[3] = DB_INT(actor);
	p[4] = DB_INT(actor);
	return db_exec(db, a, SQL_TEAM_MEMBER_INSERT, p, 5, NULL);
}

enum gh_err
store_team_member_update(struct db *db, struct arena *a, long long team, long long user,
    const char *role, long long actor)
{
	struct db_param	 p[4];

	p[0] = DB_STR(role);
	p[1] = DB_INT(actor);
	p[2] = DB_INT(team);
	p[3] = DB_INT(user);
	return db_exec(db, a, SQL_TEAM_MEMBER_UPDATE, p, 4, NULL);
}

enum gh_err
store_team_member_delete(struct db *db, struct arena *a, long long team, long long user)
{
	return db_exec_ints(db, a, SQL_TEAM_MEMBER_DELETE, 2, team, user);
}
