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

DB_ROW_READER(team_row, struct team, TEAM_COLUMNS)
DB_ROW_READER(member_row, struct team_member, TEAM_MEMBER_COLUMNS)

enum gh_err
store_team_list(struct db *db, struct arena *a, long long org, const char *like,
    const struct db_keyset *ks, struct team **out, size_t *n)
{
	like = like ? like : "";
	return DB_PAGE(db, a, team_lists[ks->sort], ks, ks->sort >= TEAM_SORT_NAME, team_row, out,
	    n, DB_INT(org), DB_INT(org), DB_STR(like), DB_STR(like));
}

DB_GET_ID(store_team_get, struct team, team_row, SQL_TEAM_GET, SQL_TEAM_GET_LOCK)

enum gh_err
store_team_insert(struct db *db, struct arena *a, const struct team *t, long long actor,
    long long *id)
{
	struct db_result r;
	enum gh_err	 err;

	if ((err = db_exec_one(db, a, SQL_TEAM_ORG_EXISTS,
	    DB_PARAMS(DB_INT(t->organization_id)), &r)) != GH_OK)
		return err;
	return DB_INSERT(db, a, SQL_TEAM_INSERT, id, DB_INT(t->organization_id),
	    DB_STR(t->name), DB_STR(t->description), DB_INT(actor), DB_INT(actor));
}

enum gh_err
store_team_update(struct db *db, struct arena *a, const struct team *t, long long actor)
{
	return DB_RUN(db, a, SQL_TEAM_UPDATE, DB_STR(t->name), DB_STR(t->description),
	    DB_INT(actor), DB_INT(t->id));
}

DB_RUN_ID(store_team_delete, SQL_TEAM_DELETE)

enum gh_err
store_team_member_list(struct db *db, struct arena *a, long long team, const char *role,
    const struct db_keyset *ks, struct team_member **out, size_t *n)
{
	role = role ? role : "";
	return DB_PAGE(db, a, member_lists[ks->sort], ks, ks->sort >= TEAM_SORT_NAME, member_row,
	    out, n, DB_INT(team), DB_STR(role), DB_STR(role));
}

DB_GET_PAIR(store_team_member_get, struct team_member, member_row, SQL_TEAM_MEMBER_GET)

enum gh_err
store_team_member_insert(struct db *db, struct arena *a, long long team, long long user,
    const char *role, long long actor)
{
	return DB_RUN(db, a, SQL_TEAM_MEMBER_INSERT, DB_INT(team), DB_INT(user), DB_STR(role),
	    DB_INT(actor), DB_INT(actor));
}

enum gh_err
store_team_member_update(struct db *db, struct arena *a, long long team, long long user,
    const char *role, long long actor)
{
	return DB_RUN(db, a, SQL_TEAM_MEMBER_UPDATE, DB_STR(role), DB_INT(actor), DB_INT(team),
	    DB_INT(user));
}

DB_RUN_PAIR(store_team_member_delete, SQL_TEAM_MEMBER_DELETE)
