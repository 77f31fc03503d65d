/*
 * teams.h: handlers and routes of the teams admin API (issue 5).  ROUTES_TEAMS is spliced into
 * api_routes[] (api/routes.c); its statements are SQL_STATEMENTS_TEAMS in store/sql_teams.h.
 */
#ifndef GH_API_TEAMS_H
#define GH_API_TEAMS_H

#include "core/err.h"
#include "http/request.h"

#define ROUTES_TEAMS

#endif
