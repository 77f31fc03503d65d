/*
 * theme.h: an organization's theme (org_theme, with the organization's slug and name), as a
 * struct.
 *
 * The columns are THEME_COLUMNS in store/sql_settings.h.  An organization without an org_theme
 * row reads with every color and reference NULL.  Every function takes the worker's connection
 * and an arena, which owns whatever it returns.  Errors are those of db_exec, and
 * GH_ERR_NOT_FOUND when the organization does not exist; the caller words the problem.
 */
#ifndef GH_STORE_THEME_H
#define GH_STORE_THEME_H

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"

DB_STRUCT(theme, THEME_COLUMNS);

/* The theme of organization org into *out (its organization's row locked when lock). */
enum gh_err	 store_theme_get(struct db *, struct arena *, long long org, int lock,
		    struct theme *out);

/* The theme of the organization with slug into *out. */
enum gh_err	 store_theme_get_by_slug(struct db *, struct arena *, const char *slug,
		    struct theme *out);

/*
 * Store the colors and references of t (NULL = none) as the theme of t->organization_id,
 * inserting or replacing its row, by actor.
 */
enum gh_err	 store_theme_update(struct db *, struct arena *, const struct theme *t,
		    long long actor);

#endif
