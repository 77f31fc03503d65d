/*
 * sql_settings.h: statements of the settings API.  Part of the SQL_STATEMENTS list in store/sql.h.
 */
#ifndef GH_SQL_SETTINGS_H
#define GH_SQL_SETTINGS_H

#define SQL_STATEMENTS_SETTINGS

#endif
