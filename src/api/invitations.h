/*
 * invitations.h: handlers and routes of the invitations admin API (issue 5).  ROUTES_INVITATIONS is spliced into
 * api_routes[] (api/routes.c); its statements are SQL_STATEMENTS_INVITATIONS in store/sql_invitations.h.
 */
#ifndef GH_API_INVITATIONS_H
#define GH_API_INVITATIONS_H

#include "core/err.h"
#include "http/request.h"

#include <cJSON.h>

#define ROUTES_INVITATIONS

/*
 * Invite email to organization org with role role_id (0 = the organization's default, member):
 * stores the invitation (token hash only), sends the mail, and sets *out to the invitation object
 * (arena).  Runs inside the caller's transaction when there is one.  Used by POST /invitations
 * and by user creation with "invite": true.
 */
enum gh_err	 invitation_issue(struct request *, long long org, const char *email,
		    long long role_id, cJSON **out);

#endif
