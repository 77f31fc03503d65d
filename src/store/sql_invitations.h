/*
 * sql_invitations.h: statements of the invitations API.  Part of the SQL_STATEMENTS list in store/sql.h.
 */
#ifndef GH_SQL_INVITATIONS_H
#define GH_SQL_INVITATIONS_H

#define SQL_STATEMENTS_INVITATIONS

#endif
