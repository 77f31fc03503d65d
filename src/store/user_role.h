/*
 * user_role.h: the rows of user_roles (the roles a user holds), as structs.
 *
 * The columns are USER_ROLE_COLUMNS in store/sql_rbac.h.  A user holds an organization role in
 * one organization (organization_id) and a platform role everywhere (organization_id NULL, read
 * as 0).  Every function takes the worker's connection and an arena, which owns whatever it
 * returns.  Errors are those of db_exec, and GH_ERR_NOT_FOUND where a row is missing.  Nothing
 * here authorizes (api/user_roles.c) nor touches tokens: callers bump the user's
 * permission_version (auth/session.h).
 */
#ifndef GH_STORE_USER_ROLE_H
#define GH_STORE_USER_ROLE_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"

DB_STRUCT(user_role, USER_ROLE_COLUMNS);

/* The roles user holds in org and everywhere, in name order: *out gets them, *n how many. */
enum gh_err	 store_user_role_list(struct db *, struct arena *, long long user, long long org,
		    struct user_role **out, size_t *n);

/* Let user hold role in org (0 = everywhere: a platform role), by actor; nothing if it does. */
enum gh_err	 store_user_role_insert(struct db *, struct arena *, long long user, long long role,
		    long long org, long long actor);

/* Take role from user in org (0 = a platform role); GH_ERR_NOT_FOUND when not held there. */
enum gh_err	 store_user_role_delete(struct db *, struct arena *, long long user, long long role,
		    long long org);

/* Take every role user holds in org (platform roles stay). */
enum gh_err	 store_user_role_clear(struct db *, struct arena *, long long user, long long org);

#endif
