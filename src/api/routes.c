/*
 * routes.c: every route Gatehouse serves.  A route that is not ROUTE_PUBLIC needs a permission
 * mapped to its (method, pattern) in permission_api_endpoints: the migrations seed one for each,
 * and a test fails when one is missing.
 */
#include "api/api.h"
#include "api/components.h"
#include "api/email.h"
#include "api/invitations.h"
#include "api/orgs.h"
#include "api/password_reset.h"
#include "api/settings.h"
#include "api/teams.h"
#include "api/users.h"

const struct route api_routes[] = {
	{ HTTP_GET, "/healthz", api_healthz, ROUTE_PUBLIC, "liveness: the process answers" },
	{ HTTP_GET, "/readyz", api_readyz, ROUTE_PUBLIC, "readiness: MySQL and Redis reachable" },
	{ HTTP_GET, "/metrics", api_metrics, ROUTE_PUBLIC, "Prometheus metrics (restrict in nginx)" },
	{ HTTP_GET, "/.well-known/jwks.json", api_jwks, ROUTE_PUBLIC, "public keys of the token signers" },
	{ HTTP_POST, "/api/v1/auth/login", api_login, ROUTE_PUBLIC | ROUTE_BODY,
	  "exchange credentials for an access and a refresh token" },
	{ HTTP_POST, "/api/v1/auth/refresh", api_refresh, ROUTE_PUBLIC | ROUTE_BODY,
	  "rotate a refresh token for a new token pair" },
	{ HTTP_GET, "/api/v1/auth/check", api_auth_check, ROUTE_OWN_AUTH,
	  "forward auth for nginx auth_request" },
	{ HTTP_POST, "/api/v1/auth/logout", api_logout, 0, "end this session" },
	{ HTTP_POST, "/api/v1/auth/logout-all", api_logout_all, 0, "end every session of the caller" },
	{ HTTP_GET, "/api/v1/me", api_me, 0, "the caller's profile, organization and roles" },
	{ HTTP_PATCH, "/api/v1/me", api_me_update, ROUTE_BODY,
	  "change the caller's names, phone number and image reference" },
	{ HTTP_GET, "/api/v1/me/organizations", api_me_orgs, 0,
	  "the organizations the caller belongs to, with roles and themes" },
	{ HTTP_POST, "/api/v1/me/organization", api_me_switch_org, ROUTE_BODY,
	  "switch this session to another organization: a new token pair" },
	{ HTTP_POST, "/api/v1/me/password", api_me_password, ROUTE_BODY,
	  "change the caller's password; ends the other sessions" },
	{ HTTP_GET, "/api/v1/me/permissions", api_me_permissions, 0,
	  "the caller's effective permissions in the active organization" },

	{ HTTP_GET, "/api/v1/roles", api_roles_list, 0, "list roles" },
	{ HTTP_POST, "/api/v1/roles", api_role_create, ROUTE_BODY, "create a role" },
	{ HTTP_GET, "/api/v1/roles/{id}", api_role_get, 0, "read a role" },
	{ HTTP_PATCH, "/api/v1/roles/{id}", api_role_update, ROUTE_BODY, "rename or describe a role" },
	{ HTTP_DELETE, "/api/v1/roles/{id}", api_role_delete, 0, "delete a role" },
	{ HTTP_GET, "/api/v1/roles/{id}/permissions", api_role_perms_list, 0,
	  "the permissions a role grants" },
	{ HTTP_PUT, "/api/v1/roles/{id}/permissions", api_role_perms_replace, ROUTE_BODY,
	  "replace the permissions a role grants" },
	{ HTTP_POST, "/api/v1/roles/{id}/permissions", api_role_perms_add, ROUTE_BODY,
	  "grant one more permission" },
	{ HTTP_DELETE, "/api/v1/roles/{id}/permissions/{name}", api_role_perms_remove, 0,
	  "revoke one permission" },

	{ HTTP_GET, "/api/v1/permissions", api_perms_list, 0, "list permissions" },
	{ HTTP_POST, "/api/v1/permissions", api_perm_create, ROUTE_BODY, "create a permission" },
	{ HTTP_GET, "/api/v1/permissions/{id}", api_perm_get, 0, "read a permission" },
	{ HTTP_PATCH, "/api/v1/permissions/{id}", api_perm_update, ROUTE_BODY, "describe a permission" },
	{ HTTP_DELETE, "/api/v1/permissions/{id}", api_perm_delete, 0,
	  "delete an unused permission" },

	{ HTTP_GET, "/api/v1/endpoints", api_eps_list, 0, "list endpoint mappings" },
	{ HTTP_POST, "/api/v1/endpoints", api_ep_create, ROUTE_BODY, "map an endpoint to a permission" },
	{ HTTP_GET, "/api/v1/endpoints/{id}", api_ep_get, 0, "read an endpoint mapping" },
	{ HTTP_PATCH, "/api/v1/endpoints/{id}", api_ep_update, ROUTE_BODY,
	  "change or (de)activate an endpoint mapping" },
	{ HTTP_DELETE, "/api/v1/endpoints/{id}", api_ep_delete, 0, "delete an endpoint mapping" },

	{ HTTP_GET, "/api/v1/users/{id}/roles", api_user_roles_list, 0,
	  "a user's roles in an organization" },
	{ HTTP_PUT, "/api/v1/users/{id}/roles", api_user_roles_replace, ROUTE_BODY,
	  "replace a user's organization roles" },
	{ HTTP_POST, "/api/v1/users/{id}/roles", api_user_roles_add, ROUTE_BODY,
	  "grant a user a role" },
	{ HTTP_DELETE, "/api/v1/users/{id}/roles/{role_id}", api_user_roles_remove, 0,
	  "take a role from a user" },

	ROUTES_ORGS
	ROUTES_USERS
	ROUTES_TEAMS
	ROUTES_INVITATIONS
	ROUTES_PASSWORD_RESET
	ROUTES_EMAIL
	ROUTES_SETTINGS
	ROUTES_COMPONENTS

	{ HTTP_GET, "/api/v1/debug/sleep", api_debug_sleep, ROUTE_PUBLIC | ROUTE_DEBUG,
	  "test only: answers after ?ms= milliseconds" },
};

const size_t api_nroutes = sizeof(api_routes) / sizeof(api_routes[0]);
