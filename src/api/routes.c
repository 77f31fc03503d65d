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
	{ HTTP_GET, "/api/v1/debug/sleep", api_debug_sleep, ROUTE_PUBLIC | ROUTE_DEBUG,
	  "test only: answers after ?ms= milliseconds" },
};

const size_t api_nroutes = sizeof(api_routes) / sizeof(api_routes[0]);
