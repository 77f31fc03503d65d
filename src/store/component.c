/*
 * component.c: the rows of ui_components, component_permissions and
 * role_component_permissions.  Contract in component.h.
 */
#include <string.h>

#include "core/arena.h"
#include "store/component.h"
#include "store/db.h"

static void
comp_row(const struct db_result *r, size_t i, struct component *o)
{
	COMP_COLUMNS(DB_COL_READ)
}

static void
action_row(const struct db_result *r, size_t i, struct component_action *o)
{
	COMP_ACTION_COLUMNS(DB_COL_READ)
}

static void
grant_row(const struct db_result *r, size_t i, struct role_component *o)
{
	ROLE_COMP_COLUMNS(DB_COL_READ)
}

static void
nav_read(const struct db_result *r, size_t i, struct nav_row *o)
{
	NAV_COLUMNS(DB_COL_READ)
}

/* Statement id with the n parameters p, whose only row holds one count, into *out. */
static enum gh_err
count(struct db *db, struct arena *a, enum sql_id id, const struct db_param *p, size_t n,
    long long *out)
{
	struct db_result r;
	enum gh_err	 err;

	if ((err = db_exec(db, a, id, p, n, &r)) != GH_OK)
		return err;
	*out = db_int(&r, 0, 0);
	return GH_OK;
}

enum gh_err
store_component_list(struct db *db, struct arena *a, const struct component_filter *f,
    const struct db_keyset *ks, struct component **out, size_t *n)
{
	struct db_param	 p[9];

	p[0] = DB_INT(ks->after);
	p[1] = DB_STR(f->category ? f->category : "");
	p[2] = DB_STR(f->category ? f->category : "");
	p[3] = DB_INT(f->parent);
	p[4] = DB_INT(f->parent);
	p[5] = DB_INT(f->parent);
	p[6] = DB_INT(f->active);
	p[7] = DB_INT(f->active);
	p[8] = DB_INT(ks->limit + 1);
	return DB_ROWS(db, a, SQL_COMP_LIST, p, 9, comp_row, out, n);
}

enum gh_err
store_component_get(struct db *db, struct arena *a, long long id, int lock,
    struct component *out)
{
	struct db_result r;
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_INT(id);
	if ((err = db_exec_one(db, a, lock ? SQL_COMP_GET_LOCK : SQL_COMP_GET, p, 1, &r)) != GH_OK)
		return err;
	comp_row(&r, 0, out);
	return GH_OK;
}

enum gh_err
store_component_lock_all(struct db *db, struct arena *a)
{
	struct db_result r;

	return db_exec(db, a, SQL_COMP_LOCK_ALL, NULL, 0, &r);
}

/* The parameters of SQL_COMP_INSERT and SQL_COMP_UPDATE up to is_active, into p. */
static void
comp_params(const struct component *c, struct db_param *p)
{
	p[0] = DB_STR(c->key);
	p[1] = DB_STR(c->display_name);
	p[2] = DB_STR(c->description);
	p[3] = DB_STR(c->category);
	p[4] = DB_STR(c->route);
	p[5] = DB_STR(c->icon);
	p[6] = DB_INT(c->display_order);
	p[7] = c->parent_id > 0 ? DB_INT(c->parent_id) : DB_NULL;
	p[8] = DB_INT(c->is_active);
}

enum gh_err
store_component_insert(struct db *db, struct arena *a, const struct component *c,
    long long actor, long long *id)
{
	struct db_result r;
	struct db_param	 p[11];
	enum gh_err	 err;

	comp_params(c, p);
	p[9] = DB_INT(actor);
	p[10] = DB_INT(actor);
	if ((err = db_exec(db, a, SQL_COMP_INSERT, p, 11, &r)) != GH_OK)
		return err;
	*id = (long long)r.insert_id;
	return GH_OK;
}

enum gh_err
store_component_update(struct db *db, struct arena *a, const struct component *c,
    long long actor)
{
	struct db_param	 p[11];

	comp_params(c, p);
	p[9] = DB_INT(actor);
	p[10] = DB_INT(c->id);
	return db_exec(db, a, SQL_COMP_UPDATE, p, 11, NULL);
}

enum gh_err
store_component_children(struct db *db, struct arena *a, long long id, long long *n)
{
	struct db_param	 p[1];

	p[0] = DB_INT(id);
	return count(db, a, SQL_COMP_CHILDREN, p, 1, n);
}

enum gh_err
store_component_uses(struct db *db, struct arena *a, long long id, long long *actions,
    long long *grants)
{
	struct db_result r;
	struct db_param	 p[2];
	enum gh_err	 err;

	p[0] = DB_INT(id);
	p[1] = DB_INT(id);
	if ((err = db_exec(db, a, SQL_COMP_USES, p, 2, &r)) != GH_OK)
		return err;
	*actions = db_int(&r, 0, 0);
	*grants = db_int(&r, 0, 1);
	return GH_OK;
}

enum gh_err
store_component_delete(struct db *db, struct arena *a, long long id)
{
	return db_exec_ints(db, a, SQL_COMP_DELETE, 1, id, 0LL);
}

enum gh_err
store_component_action_list(struct db *db, struct arena *a, long long comp,
    struct component_action **out, size_t *n)
{
	struct db_param	 p[1];

	p[0] = DB_INT(comp);
	return DB_ROWS(db, a, SQL_COMP_ACTION_LIST, p, 1, action_row, out, n);
}

enum gh_err
store_component_action_get(struct db *db, struct arena *a, long long comp, const char *action,
    int lock, struct component_action *out)
{
	struct db_result r;
	struct db_param	 p[2];
	enum gh_err	 err;

	p[0] = DB_INT(comp);
	p[1] = DB_STR(action);
	if ((err = db_exec(db, a, lock ? SQL_COMP_ACTION_GET_LOCK : SQL_COMP_ACTION_GET, p, 2,
	    &r)) != GH_OK)
		return err;
	if (r.nrows == 0)
		return GH_ERR_NOT_FOUND;
	action_row(&r, 0, out);
	return GH_OK;
}

enum gh_err
store_component_action_id_by_key(struct db *db, struct arena *a, const char *key,
    const char *action, long long *id, int *nokey)
{
	struct db_result r;
	struct db_param	 p[2];
	enum gh_err	 err;

	p[0] = DB_STR(key);
	p[1] = DB_STR(action);
	if ((err = db_exec(db, a, SQL_COMP_ACTION_BY_KEY, p, 2, &r)) != GH_OK)
		return err;
	if (r.nrows > 0) {
		*id = db_int(&r, 0, 0);
		*nokey = 0;
		return GH_OK;
	}
	if ((err = db_exec(db, a, SQL_COMP_KEY_EXISTS, p, 1, &r)) != GH_OK)
		return err;
	*nokey = r.nrows == 0;
	return GH_ERR_NOT_FOUND;
}

enum gh_err
store_component_action_insert(struct db *db, struct arena *a, const struct component_action *ca,
    long long actor)
{
	struct db_param	 p[6];

	p[0] = DB_INT(ca->component_id);
	p[1] = DB_STR(ca->action);
	p[2] = DB_STR(ca->description);
	p[3] = DB_INT(ca->is_active);
	p[4] = DB_INT(actor);
	p[5] = DB_INT(actor);
	return db_exec(db, a, SQL_COMP_ACTION_INSERT, p, 6, NULL);
}

enum gh_err
store_component_action_update(struct db *db, struct arena *a, const struct component_action *ca,
    long long actor)
{
	struct db_param	 p[4];

	p[0] = DB_STR(ca->description);
	p[1] = DB_INT(ca->is_active);
	p[2] = DB_INT(actor);
	p[3] = DB_INT(ca->id);
	return db_exec(db, a, SQL_COMP_ACTION_UPDATE, p, 4, NULL);
}

enum gh_err
store_component_action_grants(struct db *db, struct arena *a, long long id, long long *n)
{
	struct db_param	 p[1];

	p[0] = DB_INT(id);
	return count(db, a, SQL_COMP_ACTION_GRANTS, p, 1, n);
}

enum gh_err
store_component_action_delete(struct db *db, struct arena *a, long long id)
{
	return db_exec_ints(db, a, SQL_COMP_ACTION_DELETE, 1, id, 0LL);
}

enum gh_err
store_role_component_list(struct db *db, struct arena *a, long long role,
    struct role_component **out, size_t *n)
{
	struct db_param	 p[1];

	p[0] = DB_INT(role);
	return DB_ROWS(db, a, SQL_ROLE_COMP_LIST, p, 1, grant_row, out, n);
}

enum gh_err
store_role_component_insert(struct db *db, struct arena *a, long long role, long long cp,
    int active, long long actor)
{
	struct db_param	 p[5];

	p[0] = DB_INT(role);
	p[1] = DB_INT(cp);
	p[2] = DB_INT(active);
	p[3] = DB_INT(actor);
	p[4] = DB_INT(actor);
	return db_exec(db, a, SQL_ROLE_COMP_INSERT, p, 5, NULL);
}

enum gh_err
store_role_component_update(struct db *db, struct arena *a, long long role, long long cp,
    int active, long long actor)
{
	struct db_param	 p[4];

	p[0] = DB_INT(active);
	p[1] = DB_INT(actor);
	p[2] = DB_INT(role);
	p[3] = DB_INT(cp);
	return db_exec(db, a, SQL_ROLE_COMP_SET_ACTIVE, p, 4, NULL);
}

enum gh_err
store_role_component_delete(struct db *db, struct arena *a, long long role, long long cp)
{
	return db_exec_ints(db, a, SQL_ROLE_COMP_DELETE, 2, role, cp);
}

enum gh_err
store_role_component_held(struct db *db, struct arena *a, long long cp, const char *roles,
    int *yes)
{
	struct db_result r;
	struct db_param	 p[2];
	enum gh_err	 err;

	p[0] = DB_INT(cp);
	p[1] = DB_STR(roles);
	if ((err = db_exec(db, a, SQL_ROLE_COMP_HELD, p, 2, &r)) != GH_OK)
		return err;
	*yes = r.nrows > 0;
	return GH_OK;
}

enum gh_err
store_component_nav_list(struct db *db, struct arena *a, const char *roles,
    struct nav_row **out, size_t *n)
{
	struct db_param	 p[1];

	p[0] = DB_STR(roles);
	return DB_ROWS(db, a, SQL_NAV_ROWS, p, 1, nav_read, out, n);
}
