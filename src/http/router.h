/*
 * router.h: the route table (method + pattern -> handler) and its matcher.
 *
 * The table itself is const data (api/routes.c).  router_new() compiles the patterns once per
 * worker; router_free() releases them.
 */
#ifndef GH_ROUTER_H
#define GH_ROUTER_H

#include <stddef.h>

#include "core/err.h"
#include "http/pattern.h"
#include "http/request.h"

typedef enum gh_err (*route_fn)(struct request *);

enum route_flag {
	ROUTE_PUBLIC	= 1 << 0,	/* no token needed */
	ROUTE_BODY	= 1 << 1,	/* a JSON object body is required */
	ROUTE_DEBUG	= 1 << 2,	/* exists only with debug_endpoints = on */
	ROUTE_OWN_AUTH	= 1 << 3,	/* the handler authenticates itself (forward auth) */
};

struct route {
	enum http_method	 method;
	const char		*pattern;
	route_fn		 fn;
	unsigned int		 flags;
	const char		*summary;
};

struct router;

/* Compile n routes; routes flagged ROUTE_DEBUG are left out unless debug is set.  NULL + why. */
struct router		*router_new(const struct route *routes, size_t n, int debug, const char **why);
void			 router_free(struct router *);

/*
 * Find the route for req->method and req->path.  On success sets req->route and req->params.
 * Otherwise returns NULL with *err GH_ERR_NOT_FOUND, or GH_ERR_METHOD with the allowed methods
 * written to allow ("GET, POST").  HEAD is served by GET routes.
 */
const struct route	*router_match(const struct router *, struct request *req,
			    enum gh_err *err, char *allow, size_t allowlen);

/* Iterate over the compiled routes (for `gatehouse routes`). */
size_t			 router_count(const struct router *);
const struct route	*router_get(const struct router *, size_t i);

#endif
