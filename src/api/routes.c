/*
 * routes.c: the route table, from the rows of api/routes.h.
 */
#include "api/api.h"
#include "api/routes.h"

#define API_ROUTE_ROW(method, pattern, handler, flags, summary) \
	{ HTTP_##method, pattern, handler, flags, summary },

const struct route api_routes[] = {
	API_ROUTES(API_ROUTE_ROW)
};

const size_t api_nroutes = sizeof(api_routes) / sizeof(api_routes[0]);
