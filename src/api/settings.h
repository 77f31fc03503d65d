/*
 * settings.h: handlers and routes of the settings admin API (issue 5): organization policies,
 * organization themes and the audit log.  ROUTES_SETTINGS is spliced into api_routes[]
 * (api/routes.c); its statements are SQL_STATEMENTS_SETTINGS in store/sql_settings.h.
 *
 * The typed policy settings (kinds, keys, ranges, validation, effective values) live in
 * auth/policy.c next to the getters that read them at login, refresh and password changes; the
 * part of them this API needs is declared at the end of this file.  Everything returned belongs
 * to the request's arena.
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

/* --- Policy settings, implemented in auth/policy.c ------------------------------------------- */

enum policy_kind {
	POLICY_PASSWORD,
	POLICY_SESSION,
	POLICY_LOCKOUT,
	POLICY_INVITATION,
	POLICY__MAX
};

/* "password", "session", "lockout", "invitation": the values of policy.kind. */
extern const char *const policy_kind_names[POLICY__MAX];

/* The kind named s, or POLICY__MAX. */
enum policy_kind policy_kind_parse(const char *s);

/*
 * Validate in (the "settings" member of a request body) for kind: an object of known keys with
 * values in range, null meaning "the default".  Errors are 400 validation_failed naming
 * "settings.<key>" (or "settings").  On success *out is the object to store: only the keys set,
 * normalized (domain names in lower case, no duplicates).
 */
enum gh_err	 policy_settings_check(struct request *, enum policy_kind kind, const cJSON *in,
		    cJSON **out);

/* Every key of kind with its effective value: stored (may be NULL) over the configuration. */
cJSON		*policy_settings_effective(struct request *, enum policy_kind kind,
		    const cJSON *stored);

/* Tell every worker to drop its cached policies (INCR policy:gen). */
enum gh_err	 policy_changed(struct request *);

#endif
