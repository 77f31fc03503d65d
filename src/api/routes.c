/*
 * routes.c: every route Gatehouse serves.  A route that is not ROUTE_PUBLIC needs a permission
 * mapped to its (method, pattern) in permission_api_endpoints: the migrations seed one for each,
 * and a test fails when one is missing.
 */
#include "api/api.h"

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
	{ HTTP_POST, "/api/v1/me/password", api_me_password, ROUTE_BODY,
	  "change the caller's password; ends the other sessions" },
	{ HTTP_GET, "/api/v1/debug/sleep", api_debug_sleep, ROUTE_PUBLIC | ROUTE_DEBUG,
	  "test only: answers after ?ms= milliseconds" },
};

const size_t api_nroutes = sizeof(api_routes) / sizeof(api_routes[0]);
