/*
 * invitations.c: the invitations admin API (issue 5).  Not written yet.
 */
#include "api/invitations.h"

enum gh_err
invitation_issue(struct request *req, long long org, const char *email, long long role_id,
    cJSON **out)
{
	(void)org;
	(void)email;
	(void)role_id;
	*out = NULL;
	return req_fail(req, GH_ERR_INTERNAL, NULL, "invitations are not implemented yet");
}
