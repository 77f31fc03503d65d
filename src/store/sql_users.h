/*
 * sql_users.h: statements of the users API.  Part of the SQL_STATEMENTS list in store/sql.h.
 */
#ifndef GH_SQL_USERS_H
#define GH_SQL_USERS_H

#define SQL_STATEMENTS_USERS

#endif
