/*
 * component.c: the rows of ui_components, component_permissions and
 * role_component_permissions.  Contract in component.h.
 */
#include <string.h>

#include "core/arena.h"
#include "store/component.h"
#include "store/db.h"

DB_ROW_READER(comp_row, struct component, COMP_COLUMNS)
DB_ROW_READER(action_row, struct component_action, COMP_ACTION_COLUMNS)
DB_ROW_READER(grant_row, struct role_component, ROLE_COMP_COLUMNS)
DB_ROW_READER(nav_read, struct nav_row, NAV_COLUMNS)

enum gh_err
store_component_list(struct db *db, struct arena *a, const struct component_filter *f,
    const struct db_keyset *ks, struct component **out, size_t *n)
{
	const char	*cat = f->category ? f->category : "";

	return DB_ROWS(db, a, SQL_COMP_LIST, comp_row, out, n, DB_INT(ks->after), DB_STR(cat),
	    DB_STR(cat), DB_INT(f->parent), DB_INT(f->parent), DB_INT(f->parent),
	    DB_INT(f->active), DB_INT(f->active), DB_INT(ks->limit + 1));
}

DB_GET_ID(store_component_get, struct component, comp_row, SQL_COMP_GET, SQL_COMP_GET_LOCK)

enum gh_err
store_component_lock_all(struct db *db, struct arena *a)
{
	struct db_result r;

	return db_exec(db, a, SQL_COMP_LOCK_ALL, NULL, 0, &r);
}

/* The parameters of SQL_COMP_INSERT and SQL_COMP_UPDATE up to is_active, then two more. */
#define COMP_PARAMS(c, x, y)								\
	DB_STR((c)->key), DB_STR((c)->display_name), DB_STR((c)->description),		\
	DB_STR((c)->category), DB_STR((c)->route), DB_STR((c)->icon),			\
	DB_INT((c)->display_order), (c)->parent_id > 0 ? DB_INT((c)->parent_id) : DB_NULL,	\
	DB_INT((c)->is_active), DB_INT(x), DB_INT(y)

enum gh_err
store_component_insert(struct db *db, struct arena *a, const struct component *c,
    long long actor, long long *id)
{
	return DB_INSERT(db, a, SQL_COMP_INSERT, id, COMP_PARAMS(c, actor, actor));
}

enum gh_err
store_component_update(struct db *db, struct arena *a, const struct component *c,
    long long actor)
{
	return DB_RUN(db, a, SQL_COMP_UPDATE, COMP_PARAMS(c, actor, c->id));
}

enum gh_err
store_component_children(struct db *db, struct arena *a, long long id, long long *n)
{
	return DB_VALUE(db, a, SQL_COMP_CHILDREN, 0, n, DB_INT(id));
}

enum gh_err
store_component_uses(struct db *db, struct arena *a, long long id, long long *actions,
    long long *grants)
{
	struct db_result r;
	enum gh_err	 err;

	if ((err = db_exec(db, a, SQL_COMP_USES, DB_PARAMS(DB_INT(id), DB_INT(id)), &r)) != GH_OK)
		return err;
	*actions = db_int(&r, 0, 0);
	*grants = db_int(&r, 0, 1);
	return GH_OK;
}

DB_RUN_ID(store_component_delete, SQL_COMP_DELETE)

DB_ROWS_ID(store_component_action_list, struct component_action, action_row,
    SQL_COMP_ACTION_LIST)

enum gh_err
store_component_action_get(struct db *db, struct arena *a, long long comp, const char *action,
    int lock, struct component_action *out)
{
	return DB_GET(db, a, lock ? SQL_COMP_ACTION_GET_LOCK : SQL_COMP_ACTION_GET, action_row,
	    out, DB_INT(comp), DB_STR(action));
}

enum gh_err
store_component_action_id_by_key(struct db *db, struct arena *a, const char *key,
    const char *action, long long *id, int *nokey)
{
	int		 found;
	enum gh_err	 err;

	*nokey = 0;
	if ((err = DB_VALUE(db, a, SQL_COMP_ACTION_BY_KEY, 0, id, DB_STR(key),
	    DB_STR(action))) != GH_OK)
		return err;
	if (*id != 0)
		return GH_OK;
	if ((err = DB_EXISTS(db, a, SQL_COMP_KEY_EXISTS, &found, DB_STR(key))) != GH_OK)
		return err;
	*nokey = !found;
	return GH_ERR_NOT_FOUND;
}

enum gh_err
store_component_action_insert(struct db *db, struct arena *a, const struct component_action *ca,
    long long actor)
{
	return DB_RUN(db, a, SQL_COMP_ACTION_INSERT, DB_INT(ca->component_id), DB_STR(ca->action),
	    DB_STR(ca->description), DB_INT(ca->is_active), DB_INT(actor), DB_INT(actor));
}

enum gh_err
store_component_action_update(struct db *db, struct arena *a, const struct component_action *ca,
    long long actor)
{
	return DB_RUN(db, a, SQL_COMP_ACTION_UPDATE, DB_STR(ca->description),
	    DB_INT(ca->is_active), DB_INT(actor), DB_INT(ca->id));
}

enum gh_err
store_component_action_grants(struct db *db, struct arena *a, long long id, long long *n)
{
	return DB_VALUE(db, a, SQL_COMP_ACTION_GRANTS, 0, n, DB_INT(id));
}

DB_RUN_ID(store_component_action_delete, SQL_COMP_ACTION_DELETE)

DB_ROWS_ID(store_role_component_list, struct role_component, grant_row,
    SQL_ROLE_COMP_LIST)

enum gh_err
store_role_component_insert(struct db *db, struct arena *a, long long role, long long cp,
    int active, long long actor)
{
	return DB_RUN(db, a, SQL_ROLE_COMP_INSERT, DB_INT(role), DB_INT(cp), DB_INT(active),
	    DB_INT(actor), DB_INT(actor));
}

enum gh_err
store_role_component_update(struct db *db, struct arena *a, long long role, long long cp,
    int active, long long actor)
{
	return DB_RUN(db, a, SQL_ROLE_COMP_SET_ACTIVE, DB_INT(active), DB_INT(actor), DB_INT(role),
	    DB_INT(cp));
}

DB_RUN_PAIR(store_role_component_delete, SQL_ROLE_COMP_DELETE)

enum gh_err
store_role_component_held(struct db *db, struct arena *a, long long cp, const char *roles,
    int *yes)
{
	return DB_EXISTS(db, a, SQL_ROLE_COMP_HELD, yes, DB_INT(cp), DB_STR(roles));
}

enum gh_err
store_component_nav_list(struct db *db, struct arena *a, const char *roles,
    struct nav_row **out, size_t *n)
{
	return DB_ROWS(db, a, SQL_NAV_ROWS, nav_read, out, n, DB_STR(roles));
}
