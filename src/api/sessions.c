/*
 * sessions.c: the sessions of the caller (/api/v1/me/sessions) and of a user, for
 * administrators (/api/v1/users/{id}/sessions): list them, end one.  Ending a session revokes
 * its refresh tokens and puts its id on the session blocklist, so that its access tokens are
 * refused at once, on every worker and in forward auth (docs/mfa.md, "Sessions").
 */
#include <string.h>

#include <cJSON.h>

#include "api/common.h"
#include "api/routes.h"
#include "auth/authn.h"
#include "auth/session.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/sessions.h"

static cJSON *
session_json(struct request *req, const struct session_row *s)
{
	cJSON		*o = api_object(req);
	const char	*sid = s->family_len == SESSION_FAMILY_LEN ?
			    session_sid(req, (const unsigned char *)s->family) : "";

	cJSON_AddStringToObject(o, "id", sid);
	cJSON_AddBoolToObject(o, "current", req->auth.sid != NULL && strcmp(sid, req->auth.sid) == 0);
	API_F(STR, created_at) API_F(STR, last_used_at) API_F(STR, expires_at)
	API_F(STR, client_ip) API_F(STR, user_agent) API_F(ID, organization_id)
	API_F(STR, organization_slug) API_F(STR, organization_name)
	session_add_amr(o, s->amr);
	return o;
}

/* Answer the sessions of user (only those in org when org > 0). */
static enum gh_err
list(struct request *req, long long user, long long org)
{
	struct session_row	*rows;
	size_t			 n;
	enum gh_err		 err;

	if ((err = store_session_list(req->w->db, req->arena, user, org, &rows, &n)) != GH_OK)
		return err;
	API_LIST_RESPOND(req, rows, n, session_json);
	return GH_OK;
}

/* End session sid of user (in org when org > 0): revoke, block, audit; 204. */
static enum gh_err
end(struct request *req, long long user, const char *sid, long long org, const char *reason)
{
	unsigned char	 family[SESSION_FAMILY_LEN];
	enum gh_err	 err;

	if (sid == NULL || session_sid_decode(sid, family) != 0)
		return req_fail(req, GH_ERR_NOT_FOUND, NULL, "no such session");
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	err = store_session_end(req->w->db, req->arena, user, family, org, reason);
	if (err == GH_ERR_NOT_FOUND)
		req_fail(req, err, NULL, "no live session %s", sid);
	if (err != GH_OK)
		goto fail;
	(void)audit_change(req, "auth.session.end", "user", user, req->auth.org_id, NULL);
	if ((err = api_commit(req)) != GH_OK)
		return err;
	if ((err = session_block_sid(req, sid)) != GH_OK)
		return req_fail(req, err, NULL, "the session's refresh tokens were revoked but the "
		    "token store is unreachable: its access tokens live until they expire");
	return resp_status(req, 204);
fail:
	return api_rollback(req, err);
}

enum gh_err
api_me_sessions(struct request *req)
{
	return list(req, req->auth.user_id, 0);
}

enum gh_err
api_me_session_end(struct request *req)
{
	return end(req, req->auth.user_id, req_param(req, 0), 0, "session_end");
}

/*
 * An administrator's view of user id's sessions (route parameter 0): the list (what 0, with
 * users.read) or the end of one (what 1, with users.update).  An organization's administrator
 * sees and ends only the sessions in that organization.
 */
static enum gh_err
admin(struct request *req, int what)
{
	const char	*perm = what ? "users.update" : "users.read";
	struct user	 u;
	long long	 org;
	enum gh_err	 err;

	if ((err = api_user_param(req, perm, &u)) != GH_OK)
		return err;
	org = authn_platform_has(req, perm) ? 0 : req->auth.org_id;
	if (what)
		return end(req, u.id, req_param(req, 1), org, "admin_session_end");
	return list(req, u.id, org);
}

API_HANDLER_WITH(api_user_sessions, admin, 0)
API_HANDLER_WITH(api_user_session_end, admin, 1)
