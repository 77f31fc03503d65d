/*
 * theme.c: the rows of org_theme.  Contract in theme.h.
 */
#include <string.h>

#include "core/arena.h"
#include "store/db.h"
#include "store/theme.h"

DB_ROW_READER(theme_row, struct theme, THEME_COLUMNS)

DB_GET_ID(store_theme_get, struct theme, theme_row, SQL_THEME_BY_ORG, SQL_THEME_BY_ORG_LOCK)

enum gh_err
store_theme_get_by_slug(struct db *db, struct arena *a, const char *slug, struct theme *out)
{
	return DB_GET(db, a, SQL_THEME_BY_SLUG, theme_row, out, DB_STR(slug));
}

enum gh_err
store_theme_update(struct db *db, struct arena *a, const struct theme *t, long long actor)
{
	return DB_RUN(db, a, SQL_THEME_UPSERT, DB_INT(t->organization_id),
	    DB_STR(t->primary_color), DB_STR(t->secondary_color), DB_STR(t->accent_color),
	    DB_STR(t->background_color), DB_STR(t->text_color), DB_STR(t->logo_ref),
	    DB_STR(t->favicon_ref), DB_INT(actor));
}
