/*
 * team.h: the rows of team and team_member, as structs (docs/api-teams.md).
 *
 * The columns are TEAM_COLUMNS and TEAM_MEMBER_COLUMNS in store/sql_teams.h.  Every function
 * takes the worker's connection and an arena, which owns whatever it returns (strings point into
 * the arena).  Errors are those of db_exec, and GH_ERR_NOT_FOUND where a row is missing; the
 * caller words the problem.  Nothing here authorizes: api/teams.c decides who may call what.
 */
#ifndef GH_STORE_TEAM_H
#define GH_STORE_TEAM_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"

DB_STRUCT(team, TEAM_COLUMNS);
DB_STRUCT(team_member, TEAM_MEMBER_COLUMNS);

/* The sort orders of the lists: the index of db_keyset.sort (text sorts carry a key). */
enum team_sort { TEAM_SORT_ID, TEAM_SORT_ID_DESC, TEAM_SORT_NAME, TEAM_SORT_NAME_DESC,
	TEAM_SORT__MAX };

/*
 * Teams of organization org (0 = every organization) whose name is LIKE like (NULL = any), a
 * page of ks: *out gets up to ks->limit + 1 teams, *n how many.
 */
enum gh_err	 store_team_list(struct db *, struct arena *, long long org, const char *like,
		    const struct db_keyset *ks, struct team **out, size_t *n);

/* Team id into *out (its row locked for update when lock); GH_ERR_NOT_FOUND when none. */
enum gh_err	 store_team_get(struct db *, struct arena *, long long id, int lock,
		    struct team *out);

/*
 * A new team of t->organization_id named t->name with t->description, made by actor; *id gets
 * its id.  GH_ERR_NOT_FOUND when the organization does not exist, GH_ERR_CONFLICT when it has a
 * team of that name.
 */
enum gh_err	 store_team_insert(struct db *, struct arena *, const struct team *t,
		    long long actor, long long *id);

/* Rename and describe team t->id as t holds it, changed by actor; GH_ERR_CONFLICT on the name. */
enum gh_err	 store_team_update(struct db *, struct arena *, const struct team *t,
		    long long actor);

/* Delete team id (its memberships go with it). */
enum gh_err	 store_team_delete(struct db *, struct arena *, long long id);

/* Members of team id with member_role role (NULL = any), a page of ks (as store_team_list). */
enum gh_err	 store_team_member_list(struct db *, struct arena *, long long team,
		    const char *role, const struct db_keyset *ks, struct team_member **out,
		    size_t *n);

/* The membership of user in team; GH_ERR_NOT_FOUND when there is none. */
enum gh_err	 store_team_member_get(struct db *, struct arena *, long long team, long long user,
		    struct team_member *out);

/* Add user to team as role, by actor; GH_ERR_CONFLICT when already a member. */
enum gh_err	 store_team_member_insert(struct db *, struct arena *, long long team,
		    long long user, const char *role, long long actor);

/* Change the member_role of user in team to role, by actor. */
enum gh_err	 store_team_member_update(struct db *, struct arena *, long long team,
		    long long user, const char *role, long long actor);

/* Remove user from team. */
enum gh_err	 store_team_member_delete(struct db *, struct arena *, long long team,
		    long long user);

#endif
