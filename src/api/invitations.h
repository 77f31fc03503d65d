/*
 * invitations.h: what the invitations API (api/invitations.c; its routes are rows of
 * api/routes.h, its rows store/invitation.h) offers the other handlers: issuing an invitation.
 * docs/api-invitations.md describes every route.
 */
#ifndef GH_API_INVITATIONS_H
#define GH_API_INVITATIONS_H

#include "core/err.h"
#include "http/request.h"

#include <cJSON.h>

/*
 * Invite email to organization org with role role_id (0 = the shared role "member"): checks
 * the address (syntax, the organization's allowed domains: 400 naming "email"), the role (one
 * of org's or a shared one, not platform-scope: 400 naming "role"; an organization caller must
 * hold every permission it grants: 403 naming "role"), that org exists and is active, that the
 * address has no account with a password in org and no pending invitation there (409 naming
 * "email"; a member without a password, e.g. a user created to be invited, may be invited).
 * Then stores the invitation (token hash only), records invitation.create, mails the link and
 * sets *out to the invitation object (arena).  Runs inside the caller's transaction when there
 * is one (the caller commits or rolls back), else in its own; a mail that cannot be sent fails
 * the call with 503 not_ready, and the caller must roll back.
 */
enum gh_err	 invitation_issue(struct request *, long long org, const char *email,
		    long long role_id, cJSON **out);

#endif
