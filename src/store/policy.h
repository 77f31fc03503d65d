/*
 * policy.h: the rows of policy (an organization's stored settings of one kind), as structs.
 *
 * The columns are POLICY_COLUMNS in store/sql_settings.h; a kind is its text
 * (policy_kind_names in auth/policy.h, which types and validates the settings).  Every function
 * takes the worker's connection and an arena, which owns whatever it returns.  Errors are those
 * of db_exec, and GH_ERR_NOT_FOUND where a row is missing; the caller words the problem.
 */
#ifndef GH_STORE_POLICY_H
#define GH_STORE_POLICY_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"

/* One stored policy: its kind, settings (JSON text) and who made and changed it when. */
DB_STRUCT(policy, POLICY_COLUMNS);

/* The stored policies of organization org (one per kind at most): *out, *n how many. */
enum gh_err	 store_policy_list(struct db *, struct arena *, long long org,
		    struct policy **out, size_t *n);

/* The policy of kind in org into *out (locked for update when lock); GH_ERR_NOT_FOUND if none. */
enum gh_err	 store_policy_get(struct db *, struct arena *, long long org, const char *kind,
		    int lock, struct policy *out);

/* Only the settings text of kind in org into *settings; NULL when it has none. */
enum gh_err	 store_policy_settings(struct db *, struct arena *, long long org,
		    const char *kind, const char **settings);

/* Store settings (JSON text) as the policy of kind in org, inserting or replacing, by actor. */
enum gh_err	 store_policy_update(struct db *, struct arena *, long long org, const char *kind,
		    const char *settings, long long actor);

#endif
