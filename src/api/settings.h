/*
 * settings.h: handlers and routes of the settings admin API (issue 5): organization policies,
 * organization themes and the audit log.  ROUTES_SETTINGS is spliced into api_routes[]
 * (api/routes.c); its statements are SQL_STATEMENTS_SETTINGS in store/sql_settings.h.
 *
 * The typed policy settings (kinds, keys, ranges, validation, effective values) live in
 * auth/policy.{c,h} next to the getters that read them at login, refresh and password changes.
 * Everything returned belongs to the request's arena.
 */
#ifndef GH_API_SETTINGS_H
#define GH_API_SETTINGS_H

#include <cJSON.h>

#include "core/err.h"
#include "http/request.h"

enum gh_err	 api_policies_list(struct request *);
enum gh_err	 api_policy_get(struct request *);
enum gh_err	 api_policy_put(struct request *);
enum gh_err	 api_theme_public(struct request *);
enum gh_err	 api_theme_put(struct request *);
enum gh_err	 api_audit_list(struct request *);

#define ROUTES_SETTINGS \
	{ HTTP_GET, "/api/v1/organizations/{id}/policies", api_policies_list, 0, \
	  "an organization's policies (effective values)" }, \
	{ HTTP_GET, "/api/v1/organizations/{id}/policies/{kind}", api_policy_get, 0, \
	  "one policy of an organization (effective values)" }, \
	{ HTTP_PUT, "/api/v1/organizations/{id}/policies/{kind}", api_policy_put, ROUTE_BODY, \
	  "set the values of one policy of an organization" }, \
	{ HTTP_GET, "/api/v1/themes/{slug}", api_theme_public, ROUTE_PUBLIC, \
	  "an organization's theme by its slug (public, cacheable)" }, \
	{ HTTP_PUT, "/api/v1/organizations/{id}/theme", api_theme_put, ROUTE_BODY, \
	  "set an organization's theme" }, \
	{ HTTP_GET, "/api/v1/audit-events", api_audit_list, 0, \
	  "the audit log, newest first, with filters" },

#endif
