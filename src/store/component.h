/*
 * component.h: the rows of ui_components, component_permissions (a component's actions),
 * role_component_permissions (the actions a role grants) and the caller's navigation, as
 * structs.
 *
 * The columns are COMP_COLUMNS, COMP_ACTION_COLUMNS, ROLE_COMP_COLUMNS and NAV_COLUMNS in
 * store/sql_components.h.  Every function takes the worker's connection and an arena, which owns
 * whatever it returns (strings point into the arena).  Errors are those of db_exec, and
 * GH_ERR_NOT_FOUND where a row is missing; the caller words the problem.  Nothing here
 * authorizes: api/components.c decides who may call what.
 *
 * Role id sets are one comma-separated text ("1,5,9"), matched with FIND_IN_SET.
 */
#ifndef GH_STORE_COMPONENT_H
#define GH_STORE_COMPONENT_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"

DB_COL_ENUMS(nav, NAV_COLUMNS);

/* parent_id, created_by and updated_by 0 = none (NULL). */
DB_STRUCT(component, COMP_COLUMNS);

/* An action of a component (component_permissions); component_key is the component's key. */
DB_STRUCT(component_action, COMP_ACTION_COLUMNS);

/* An action a role grants (role_component_permissions). */
DB_STRUCT(role_component, ROLE_COMP_COLUMNS);

/* A component with one action the roles hold (parent_id 0 = top level). */
struct nav_row {
	NAV_COLUMNS(DB_COL_MEMBER)
};

/* What a component list keeps. */
struct component_filter {
	const char	*category;	/* NULL = any */
	long long	 parent;	/* -1 = any, 0 = top level */
	int		 active;	/* 0, 1, or -1 = any */
};

/*
 * Components kept by f after id ks->after, in id order: *out gets up to ks->limit + 1 of them,
 * *n how many.
 */
enum gh_err	 store_component_list(struct db *, struct arena *,
		    const struct component_filter *f, const struct db_keyset *ks,
		    struct component **out, size_t *n);

/* Component id into *out (its row locked for update when lock); GH_ERR_NOT_FOUND when none. */
enum gh_err	 store_component_get(struct db *, struct arena *, long long id, int lock,
		    struct component *out);

/* Lock every component row, in id order (tree moves and deletes run one at a time). */
enum gh_err	 store_component_lock_all(struct db *, struct arena *);

/*
 * A new component as c holds it (id, times and authors aside), made by actor; *id gets its
 * id.  GH_ERR_CONFLICT when the key exists.
 */
enum gh_err	 store_component_insert(struct db *, struct arena *, const struct component *c,
		    long long actor, long long *id);

/* Set every field of component c->id as c holds it, changed by actor; GH_ERR_CONFLICT on the key. */
enum gh_err	 store_component_update(struct db *, struct arena *, const struct component *c,
		    long long actor);

/* How many components have id as their parent. */
enum gh_err	 store_component_children(struct db *, struct arena *, long long id,
		    long long *n);

/* How many actions component id has (*actions) and how many grants to roles they have (*grants). */
enum gh_err	 store_component_uses(struct db *, struct arena *, long long id,
		    long long *actions, long long *grants);

/* Delete component id (its actions and their grants go with it). */
enum gh_err	 store_component_delete(struct db *, struct arena *, long long id);

/* The actions of component comp, in action order: *out gets them, *n how many. */
enum gh_err	 store_component_action_list(struct db *, struct arena *, long long comp,
		    struct component_action **out, size_t *n);

/* Action action of component comp (locked when lock) into *out; GH_ERR_NOT_FOUND when none. */
enum gh_err	 store_component_action_get(struct db *, struct arena *, long long comp,
		    const char *action, int lock, struct component_action *out);

/*
 * The id of the action of the component with key into *id; GH_ERR_NOT_FOUND when none, then
 * *nokey is 1 when no component has that key.
 */
enum gh_err	 store_component_action_id_by_key(struct db *, struct arena *, const char *key,
		    const char *action, long long *id, int *nokey);

/*
 * A new action ca->action of component ca->component_id with ca->description and
 * ca->is_active, made by actor.  GH_ERR_CONFLICT when the component has it.
 */
enum gh_err	 store_component_action_insert(struct db *, struct arena *,
		    const struct component_action *ca, long long actor);

/* Set description and is_active of action ca->id as ca holds them, changed by actor. */
enum gh_err	 store_component_action_update(struct db *, struct arena *,
		    const struct component_action *ca, long long actor);

/* How many roles are granted action id. */
enum gh_err	 store_component_action_grants(struct db *, struct arena *, long long id,
		    long long *n);

/* Delete action id (its grants go with it). */
enum gh_err	 store_component_action_delete(struct db *, struct arena *, long long id);

/* The actions role grants, by component key and action: *out gets them, *n how many. */
enum gh_err	 store_role_component_list(struct db *, struct arena *, long long role,
		    struct role_component **out, size_t *n);

/* Make role grant action cp with is_active active, by actor. */
enum gh_err	 store_role_component_insert(struct db *, struct arena *, long long role,
		    long long cp, int active, long long actor);

/* Set is_active of role's grant of action cp to active, by actor. */
enum gh_err	 store_role_component_update(struct db *, struct arena *, long long role,
		    long long cp, int active, long long actor);

/* Stop role granting action cp. */
enum gh_err	 store_role_component_delete(struct db *, struct arena *, long long role,
		    long long cp);

/* Whether one of roles (ids, comma separated) grants action cp through an active grant. */
enum gh_err	 store_role_component_held(struct db *, struct arena *, long long cp,
		    const char *roles, int *yes);

/*
 * The navigation of roles (ids, comma separated): one row per active component and active
 * action an active grant of those roles holds, a component's rows together, in display order.
 */
enum gh_err	 store_component_nav_list(struct db *, struct arena *, const char *roles,
		    struct nav_row **out, size_t *n);

#endif
