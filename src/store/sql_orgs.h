/*
 * sql_orgs.h: statements of the orgs API.  Part of the SQL_STATEMENTS list in store/sql.h.
 */
#ifndef GH_SQL_ORGS_H
#define GH_SQL_ORGS_H

#define SQL_STATEMENTS_ORGS

#endif
