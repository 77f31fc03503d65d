/*
 * role.h: the rows of roles and role_permissions (the permissions a role grants), as structs.
 *
 * The columns are ROLE_COLUMNS in store/sql_rbac.h (ROLE_LIST_COLUMNS adds the names of the
 * role's permissions, which only lists read).  Every function takes the worker's connection
 * and an arena, which owns whatever it returns (strings point into the arena).  Errors are those
 * of db_exec, and GH_ERR_NOT_FOUND where a row is missing; the caller words the problem.
 * Nothing here authorizes (api/roles.c, auth/authn.c authn_role_writable), and nothing here
 * touches tokens: callers bump and publish the holders' permission_version (auth/session.h).
 */
#ifndef GH_STORE_ROLE_H
#define GH_STORE_ROLE_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"

/* organization_id 0 = a shared role (NULL); perm_names is set by store_role_list only. */
DB_STRUCT(role, ROLE_LIST_COLUMNS);

/* A grant of role_permissions. */

DB_STRUCT(role_perm, ROLE_PERM_COLUMNS);

/* What a role list keeps. */
struct role_filter {
	int		 every_org;	/* every organization's roles, else shared and caller_org's */
	long long	 caller_org;
	int		 by_org;	/* only the roles of org (0 = the shared ones) */
	long long	 org;
	const char	*scope;		/* NULL = any */
};

/*
 * Roles kept by f after id ks->after, in id order, with perm_names: *out gets up to
 * ks->limit + 1 of them, *n how many.
 */
enum gh_err	 store_role_list(struct db *, struct arena *, const struct role_filter *f,
		    const struct db_keyset *ks, struct role **out, size_t *n);

/* Every role: id, organization_id, name and scope only (the authorization tables). */
enum gh_err	 store_role_list_all(struct db *, struct arena *, struct role **out, size_t *n);

/* Role id into *out (its row locked for update when lock); GH_ERR_NOT_FOUND when none. */
enum gh_err	 store_role_get(struct db *, struct arena *, long long id, int lock,
		    struct role *out);

/*
 * The role named name that a token issued in organization org means (the organization's own
 * first, then the shared one): id, organization_id and scope into *out; GH_ERR_NOT_FOUND when
 * none.
 */
enum gh_err	 store_role_get_by_name(struct db *, struct arena *, const char *name,
		    long long org, struct role *out);

/*
 * Whether name is used where a role of org (0 = shared) may not reuse it, by a role other than
 * self: a shared role's name by an organization's role and the other way round.  *taken 1 or 0.
 */
enum gh_err	 store_role_name_taken(struct db *, struct arena *, const char *name,
		    long long org, long long self, int *taken);

/*
 * A new role r->name with r->description, r->organization_id (0 = shared) and r->scope, made
 * by actor; *id gets its id.  GH_ERR_CONFLICT when the name exists there.
 */
enum gh_err	 store_role_insert(struct db *, struct arena *, const struct role *r,
		    long long actor, long long *id);

/* Rename and describe role r->id as r holds them, changed by actor; GH_ERR_CONFLICT on the name. */
enum gh_err	 store_role_update(struct db *, struct arena *, const struct role *r,
		    long long actor);

/* Mark role id as changed by actor now (updated_by, updated_at). */
enum gh_err	 store_role_touch(struct db *, struct arena *, long long id, long long actor);

/* Delete role id (its grants and user_roles rows go with it). */
enum gh_err	 store_role_delete(struct db *, struct arena *, long long id);

/*
 * The holders of role id and their permission_version, for session_pv_publish_versions()
 * (auth/session.h): read them before a delete, publish them after the commit.
 */
enum gh_err	 store_role_holders(struct db *, struct arena *, long long id,
		    struct db_versions *out);

/* Every grant, ordered by role (the authorization tables). */
enum gh_err	 store_role_perm_list_all(struct db *, struct arena *, struct role_perm **out,
		    size_t *n);

/* Make role grant perm, by actor; *added 1 when it did not already. */
enum gh_err	 store_role_perm_insert(struct db *, struct arena *, long long role, long long perm,
		    long long actor, int *added);

/* Stop role granting perm; GH_ERR_NOT_FOUND when it did not. */
enum gh_err	 store_role_perm_delete(struct db *, struct arena *, long long role, long long perm);

/* Take every permission from role; *removed 1 when it granted any. */
enum gh_err	 store_role_perm_clear(struct db *, struct arena *, long long role, int *removed);

#endif
