/*
 * user.h: the rows of users, as structs, and what an account's changes write (docs/api-users.md).
 *
 * The columns are USER_COLUMNS in store/sql_users.h.  Every function takes the worker's
 * connection and an arena, which owns whatever it returns (strings point into the arena).
 * Errors are those of db_exec (GH_ERR_CONFLICT for a duplicate key: db_dup_key names it), and
 * GH_ERR_NOT_FOUND where a row is missing; the caller words the problem.  Nothing here
 * authorizes or opens a transaction: api/users.c decides who may call what, and when.
 * Lists and search are in store/user_search.h.
 */
#ifndef GH_STORE_USER_H
#define GH_STORE_USER_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"

DB_STRUCT(user, USER_COLUMNS);

/* An organization the user belongs to, with the membership (GET /me, /me/organizations). */
struct user_org {
	USER_ORG_COLUMNS(DB_COL_MEMBER)
};

/* Row i of r, a result of USER_COLS (the users statements of sql_users.h), into *o. */
void		 store_user_row(const struct db_result *r, size_t i, struct user *o);

/*
 * User id, not deleted, into *out (its row locked for update when lock); GH_ERR_NOT_FOUND when
 * there is none.
 */
enum gh_err	 store_user_get(struct db *, struct arena *, long long id, int lock,
		    struct user *out);

/*
 * The public profile of user id, not deleted (SQL_USER_PROFILE): *out gets id, username,
 * email, the names, phone_number, profile_image_ref, last_login and email_verified_at, the
 * rest zero.
 * GH_ERR_NOT_FOUND when there is none.
 */
enum gh_err	 store_user_profile(struct db *, struct arena *, long long id, struct user *out);

/* Whether user id is a member of organization org: *yes 1 or 0. */
enum gh_err	 store_user_in_org(struct db *, struct arena *, long long id, long long org,
		    int *yes);

/*
 * The organization user id belongs to first (primary, then the oldest membership) into *org;
 * GH_ERR_NOT_FOUND when it belongs to none.
 */
enum gh_err	 store_user_primary_org(struct db *, struct arena *, long long id,
		    long long *org);

/* The organizations of user id, primary first, then by name: *out gets *n of them. */
enum gh_err	 store_user_orgs(struct db *, struct arena *, long long id,
		    struct user_org **out, size_t *n);

/* Whether user id holds a role of platform scope: *yes 1 or 0. */
enum gh_err	 store_user_is_platform(struct db *, struct arena *, long long id, int *yes);

/*
 * How many organizations other than org user id belongs to, into *n.  The memberships are
 * read with a shared lock, which holds until the caller's transaction ends.
 */
enum gh_err	 store_user_other_orgs(struct db *, struct arena *, long long id, long long org,
		    long long *n);

/* The organization of team id into *org; GH_ERR_NOT_FOUND when there is no such team. */
enum gh_err	 store_user_team_org(struct db *, struct arena *, long long team, long long *org);

/*
 * The role named name that organization org can give (its own, before a shared one) into
 * *role; GH_ERR_NOT_FOUND when there is none.
 */
enum gh_err	 store_user_role_in_org(struct db *, struct arena *, const char *name,
		    long long org, long long *role);

/* Whether organization org exists: *yes 1 or 0. */
enum gh_err	 store_user_org_exists(struct db *, struct arena *, long long org, int *yes);

/* Whether any user row (deleted ones' tombstones included) has this email: *yes 1 or 0. */
enum gh_err	 store_user_email_taken(struct db *, struct arena *, const char *email, int *yes);

/*
 * A new user with u's username, email, phone_number, names and profile_image_ref (NULL phone
 * and image are SQL NULL), password hash, made by actor; *id gets its id.  GH_ERR_CONFLICT
 * when a unique key is taken.
 */
enum gh_err	 store_user_insert(struct db *, struct arena *, const struct user *u,
		    const char *hash, long long actor, long long *id);

/* Make user id a member of organization org, as its primary organization. */
enum gh_err	 store_user_join_org(struct db *, struct arena *, long long id, long long org);

/*
 * Give user id role in organization org (0: a platform role, held everywhere), by actor, and
 * make it the user's role (users.role_id).
 */
enum gh_err	 store_user_grant(struct db *, struct arena *, long long id, long long role,
		    long long org, long long actor);

/*
 * Write u's username, email, phone_number, names and profile_image_ref to user u->id, changed
 * by actor; GH_ERR_CONFLICT when a unique key is taken.
 */
enum gh_err	 store_user_update(struct db *, struct arena *, const struct user *u,
		    long long actor);

/* Enable (enabled 1) or disable user id, by actor. */
enum gh_err	 store_user_set_enabled(struct db *, struct arena *, long long id, int enabled,
		    long long actor);

/* Lock user id with no end (until unlocked), by actor. */
enum gh_err	 store_user_lock(struct db *, struct arena *, long long id, long long actor);

/* Lift any lock of user id and clear its failed logins, by actor. */
enum gh_err	 store_user_unlock(struct db *, struct arena *, long long id, long long actor);

/* Mark the credentials of user id expired, by actor. */
enum gh_err	 store_user_expire_credentials(struct db *, struct arena *, long long id,
		    long long actor);

/*
 * Soft-delete user id, by actor: the row stays but its personal data is scrubbed, its
 * permission_version bumped, and its memberships, roles, team places, refresh tokens and
 * signup_info rows are deleted.
 */
enum gh_err	 store_user_delete(struct db *, struct arena *, long long id, long long actor);

/* The permission_version of user id, deleted or not, to publish after a change. */
enum gh_err	 store_user_pv_rows(struct db *, struct arena *, long long id,
		    struct db_versions *out);

#endif
