/*
 * authn.h: authentication of a request (the token check every authenticated request pays) and
 * the worker-lifetime state it needs (keys, caches).
 */
#ifndef GH_AUTHN_H
#define GH_AUTHN_H

#include "core/err.h"
#include "http/request.h"

struct worker;

/* Load keys etc. for w; 0, or -1 after logging why. */
int		 authn_init(struct worker *w);
void		 authn_fini(struct worker *w);

/*
 * Authenticate req from its Authorization header and authorize it for req->route.  Fills
 * req->auth.  GH_OK, a 401 error, GH_ERR_FORBIDDEN, or a 503 when Redis is down (fail closed).
 */
enum gh_err	 authn_request(struct request *req);

#endif
