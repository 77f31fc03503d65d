/*
 * settings.h: handlers and routes of the settings admin API (issue 5).  ROUTES_SETTINGS is spliced into
 * api_routes[] (api/routes.c); its statements are SQL_STATEMENTS_SETTINGS in store/sql_settings.h.
 */
#ifndef GH_API_SETTINGS_H
#define GH_API_SETTINGS_H

#include "core/err.h"
#include "http/request.h"

#define ROUTES_SETTINGS

#endif
