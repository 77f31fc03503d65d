#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "http/pattern.h"
#include "http/request.h"
#include "http/router.h"

struct router {
	size_t			 n;
	const struct route	**routes;
	struct pattern		**pats;
};

void
router_free(struct router *r)
{
	size_t	 i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++)
		pattern_free(r->pats[i]);
	free(r->pats);
	free(r->routes);
	free(r);
}

struct router *
router_new(const struct route *routes, size_t n, int debug, const char **why)
{
	struct router	*r;
	size_t		 i;

	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->routes = calloc(n ? n : 1, sizeof(*r->routes))) == NULL ||
	    (r->pats = calloc(n ? n : 1, sizeof(*r->pats))) == NULL) {
		*why = "out of memory";
		router_free(r);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if ((routes[i].flags & ROUTE_DEBUG) && !debug)
			continue;
		if ((r->pats[r->n] = pattern_compile(routes[i].pattern, why)) == NULL) {
			router_free(r);
			return NULL;
		}
		if (r->pats[r->n]->nparams > REQ_MAXPARAMS) {
			*why = "a route has more parameters than REQ_MAXPARAMS";
			pattern_free(r->pats[r->n]);
			router_free(r);
			return NULL;
		}
		r->routes[r->n++] = &routes[i];
	}
	return r;
}

const struct route *
router_match(const struct router *r, struct request *req, enum gh_err *err,
    char *allow, size_t allowlen)
{
	const char		*segs[PATTERN_MAXSEGS];
	char			 buf[REQ_MAXURI + 1];
	unsigned int		 methods = 0;
	enum http_method	 m = req->method == HTTP_HEAD ? HTTP_GET : req->method;
	size_t			 i, k, off = 0;
	int			 nsegs;

	*err = GH_ERR_NOT_FOUND;
	if (allowlen > 0)
		allow[0] = '\0';
	if ((nsegs = pattern_split(req->path, buf, sizeof(buf), segs)) < 0)
		return NULL;
	for (i = 0; i < r->n; i++) {
		if (!pattern_match(r->pats[i], segs, nsegs, NULL, 0))
			continue;
		if (r->routes[i]->method != m) {
			methods |= 1u << r->routes[i]->method;
			continue;
		}
		/* Copy the parameters out of the stack buffer into the arena. */
		pattern_match(r->pats[i], segs, nsegs, req->params, REQ_MAXPARAMS);
		req->nparams = r->pats[i]->nparams;
		for (k = 0; k < req->nparams && k < REQ_MAXPARAMS; k++)
			req->params[k] = arena_strdup(req->arena, req->params[k]);
		req->route = r->routes[i];
		*err = GH_OK;
		return req->route;
	}
	if (methods == 0)
		return NULL;
	*err = GH_ERR_METHOD;
	if (methods & (1u << HTTP_GET))
		methods |= 1u << HTTP_HEAD;
	for (i = 0; i < HTTP__MAX; i++)
		if (methods & (1u << i)) {
			size_t len = strlen(http_method_names[i]);
			if (off + len + 3 > allowlen)
				break;
			if (off > 0) {
				memcpy(allow + off, ", ", 2);
				off += 2;
			}
			memcpy(allow + off, http_method_names[i], len);
			off += len;
			allow[off] = '\0';
		}
	return NULL;
}

size_t
router_count(const struct router *r)
{
	return r->n;
}

const struct route *
router_get(const struct router *r, size_t i)
{
	return i < r->n ? r->routes[i] : NULL;
}
