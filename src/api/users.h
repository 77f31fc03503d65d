/*
 * users.h: handlers and routes of the users admin API (issue 5).  ROUTES_USERS is spliced into
 * api_routes[] (api/routes.c); its statements are SQL_STATEMENTS_USERS in store/sql_users.h.
 */
#ifndef GH_API_USERS_H
#define GH_API_USERS_H

#include "core/err.h"
#include "http/request.h"

#define ROUTES_USERS

#endif
