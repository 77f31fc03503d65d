#include "auth/authn.h"
#include "server/worker.h"

int
authn_init(struct worker *w)
{
	(void)w;
	return 0;
}

void
authn_fini(struct worker *w)
{
	(void)w;
}

enum gh_err
authn_request(struct request *req)
{
	return req_fail(req, GH_ERR_UNAUTHORIZED, NULL, "a bearer token is required");
}
