/*
 * orgs.h: handlers and routes of the orgs admin API (issue 5).  ROUTES_ORGS is spliced into
 * api_routes[] (api/routes.c); its statements are SQL_STATEMENTS_ORGS in store/sql_orgs.h.
 */
#ifndef GH_API_ORGS_H
#define GH_API_ORGS_H

#include "core/err.h"
#include "http/request.h"

#define ROUTES_ORGS

#endif
