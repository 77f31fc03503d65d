/*
 * theme.c: the rows of org_theme.  Contract in theme.h.
 */
#include <string.h>

#include "core/arena.h"
#include "store/db.h"
#include "store/theme.h"

static void
theme_row(const struct db_result *r, size_t i, struct theme *o)
{
	THEME_COLUMNS(DB_COL_READ)
}

/* Run the lookup id with its one parameter p into *out. */
static enum gh_err
lookup(struct db *db, struct arena *a, enum sql_id id, struct db_param p, struct theme *out)
{
	struct db_result r;
	enum gh_err	 err;

	if ((err = db_exec_one(db, a, id, &p, 1, &r)) != GH_OK)
		return err;
	theme_row(&r, 0, out);
	return GH_OK;
}

enum gh_err
store_theme_get(struct db *db, struct arena *a, long long org, int lock, struct theme *out)
{
	return lookup(db, a, lock ? SQL_THEME_BY_ORG_LOCK : SQL_THEME_BY_ORG, DB_INT(org), out);
}

enum gh_err
store_theme_get_by_slug(struct db *db, struct arena *a, const char *slug, struct theme *out)
{
	return lookup(db, a, SQL_THEME_BY_SLUG, DB_STR(slug), out);
}

enum gh_err
store_theme_update(struct db *db, struct arena *a, const struct theme *t, long long actor)
{
	struct db_param	 p[9];

	p[0] = DB_INT(t->organization_id);
	p[1] = DB_STR(t->primary_color);
	p[2] = DB_STR(t->secondary_color);
	p[3] = DB_STR(t->accent_color);
	p[4] = DB_STR(t->background_color);
	p[5] = DB_STR(t->text_color);
	p[6] = DB_STR(t->logo_ref);
	p[7] = DB_STR(t->favicon_ref);
	p[8] = DB_INT(actor);
	return db_exec(db, a, SQL_THEME_UPSERT, p, 9, NULL);
}
