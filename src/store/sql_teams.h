/*
 * sql_teams.h: statements of the teams API.  Part of the SQL_STATEMENTS list in store/sql.h.
 */
#ifndef GH_SQL_TEAMS_H
#define GH_SQL_TEAMS_H

#define SQL_STATEMENTS_TEAMS

#endif
