/*
 * policy.c: organization policies.  For now the configuration's values for every organization;
 * reading the policy table is the policies work of issue 5.
 */
#include <string.h>

#include "auth/policy.h"
#include "http/body.h"
#include "server/worker.h"

enum gh_err
policy_password(struct request *req, long long org, struct policy_password *p)
{
	(void)org;
	p->min_length = req->w->cfg->password_min_length;
	p->max_length = req->w->cfg->password_max_length;
	return GH_OK;
}

enum gh_err
policy_session(struct request *req, long long org, struct policy_session *p)
{
	(void)org;
	p->access_token_ttl = req->w->cfg->access_token_ttl;
	p->refresh_token_ttl = req->w->cfg->refresh_token_ttl;
	p->absolute_session_ttl = req->w->cfg->session_absolute_ttl;
	return GH_OK;
}

enum gh_err
policy_lockout(struct request *req, long long org, struct policy_lockout *p)
{
	(void)org;
	p->threshold = req->w->cfg->lockout_threshold;
	p->period = req->w->cfg->lockout_period;
	return GH_OK;
}

enum gh_err
policy_invitation(struct request *req, long long org, struct policy_invitation *p)
{
	(void)org;
	p->allowed_domains = NULL;
	p->ndomains = 0;
	p->ttl = req->w->cfg->invitation_ttl;
	return GH_OK;
}

enum gh_err
policy_check_password(struct request *req, long long org, const char *pw, const char *field)
{
	struct policy_password	 pp;
	size_t			 n = utf8_len(pw);
	enum gh_err		 err;

	if ((err = policy_password(req, org, &pp)) != GH_OK)
		return err;
	if (n == (size_t)-1 || (long long)n < pp.min_length || (long long)n > pp.max_length)
		return req_fail(req, GH_ERR_PASSWORD_POLICY, field,
		    "the password must have from %lld to %lld characters", pp.min_length,
		    pp.max_length);
	return GH_OK;
}
