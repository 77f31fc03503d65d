/*
 * permission.h: the rows of permissions (the catalogue) and permission_api_endpoints (the
 * endpoint mappings), as structs.
 *
 * The columns are PERM_COLUMNS and EP_COLUMNS in store/sql_rbac.h.  Every function takes the
 * worker's connection and an arena, which owns whatever it returns (strings point into the
 * arena).  Errors are those of db_exec, and GH_ERR_NOT_FOUND where a row is missing; the caller
 * words the problem.  Nothing here authorizes: api/permissions.c decides who may call what.
 */
#ifndef GH_STORE_PERMISSION_H
#define GH_STORE_PERMISSION_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"

DB_STRUCT(permission, PERM_COLUMNS);

/* An endpoint mapping; permission is the name of permission_id. */
DB_STRUCT(endpoint, EP_COLUMNS);

/* What an endpoint list keeps: NULL (or -1 for active) keeps every row. */
struct endpoint_filter {
	const char	*permission;	/* permission name */
	const char	*method;
	int		 active;	/* 0, 1, or -1 */
};

/*
 * Permissions of module (NULL = any) after id ks->after, in id order: *out gets up to
 * ks->limit + 1 of them, *n how many.
 */
enum gh_err	 store_permission_list(struct db *, struct arena *, const char *module,
		    const struct db_keyset *ks, struct permission **out, size_t *n);

/* Every permission, id and name only (the authorization tables). */
enum gh_err	 store_permission_list_all(struct db *, struct arena *, struct permission **out,
		    size_t *n);

/* The permissions role grants, in name order: *out gets them, *n how many. */
enum gh_err	 store_permission_list_by_role(struct db *, struct arena *, long long role,
		    struct permission **out, size_t *n);

/* Permission id into *out (its row locked for update when lock); GH_ERR_NOT_FOUND when none. */
enum gh_err	 store_permission_get(struct db *, struct arena *, long long id, int lock,
		    struct permission *out);

/* The id of the permission named name into *id; GH_ERR_NOT_FOUND when none. */
enum gh_err	 store_permission_id_by_name(struct db *, struct arena *, const char *name,
		    long long *id);

/*
 * A new permission p->name of p->module with p->description, made by actor; *id gets its id.
 * GH_ERR_CONFLICT when the name exists.
 */
enum gh_err	 store_permission_insert(struct db *, struct arena *, const struct permission *p,
		    long long actor, long long *id);

/* Set the module and description of permission p->id as p holds them, changed by actor. */
enum gh_err	 store_permission_update(struct db *, struct arena *, const struct permission *p,
		    long long actor);

/* How many roles grant permission id (*roles) and how many mappings require it (*endpoints). */
enum gh_err	 store_permission_uses(struct db *, struct arena *, long long id, long long *roles,
		    long long *endpoints);

/* Delete permission id. */
enum gh_err	 store_permission_delete(struct db *, struct arena *, long long id);

/* Endpoint mappings kept by f after id ks->after, in id order (as store_permission_list). */
enum gh_err	 store_endpoint_list(struct db *, struct arena *, const struct endpoint_filter *f,
		    const struct db_keyset *ks, struct endpoint **out, size_t *n);

/*
 * Every active mapping: api_endpoint, http_method and permission_id only (the authorization
 * tables).
 */
enum gh_err	 store_endpoint_list_active(struct db *, struct arena *, struct endpoint **out,
		    size_t *n);

/* Mapping id into *out (locked for update when lock); GH_ERR_NOT_FOUND when none. */
enum gh_err	 store_endpoint_get(struct db *, struct arena *, long long id, int lock,
		    struct endpoint *out);

/*
 * A new mapping of e->http_method e->api_endpoint to e->permission_id, with e->description and
 * e->is_active, made by actor; *id gets its id.  GH_ERR_CONFLICT when the mapping exists.
 */
enum gh_err	 store_endpoint_insert(struct db *, struct arena *, const struct endpoint *e,
		    long long actor, long long *id);

/*
 * Set api_endpoint, http_method, description and is_active of mapping e->id as e holds them,
 * changed by actor; GH_ERR_CONFLICT when that mapping exists.
 */
enum gh_err	 store_endpoint_update(struct db *, struct arena *, const struct endpoint *e,
		    long long actor);

/* Delete mapping id. */
enum gh_err	 store_endpoint_delete(struct db *, struct arena *, long long id);

#endif
