/*
 * invitations.h: handlers and routes of the invitations admin API and the public invitation
 * look-up and acceptance (issue 5); the password reset is api/password_reset.h.
 * ROUTES_INVITATIONS is spliced into api_routes[] (api/routes.c); its rows are
 * store/invitation.h.  docs/api-invitations.md describes every route.
 */
#ifndef GH_API_INVITATIONS_H
#define GH_API_INVITATIONS_H

#include "core/err.h"
#include "http/request.h"

#include <cJSON.h>

enum gh_err	 api_invitations_list(struct request *);
enum gh_err	 api_invitation_create(struct request *);
enum gh_err	 api_invitation_get(struct request *);
enum gh_err	 api_invitation_revoke(struct request *);
enum gh_err	 api_invitation_resend(struct request *);
enum gh_err	 api_public_invitation_get(struct request *);
enum gh_err	 api_public_invitation_accept(struct request *);

#define ROUTES_INVITATIONS \
	{ HTTP_GET, "/api/v1/invitations", api_invitations_list, 0, \
	  "list invitations (?status=pending|accepted|revoked|expired)" }, \
	{ HTTP_POST, "/api/v1/invitations", api_invitation_create, ROUTE_BODY, \
	  "invite someone by email into an organization with a role" }, \
	{ HTTP_GET, "/api/v1/invitations/{id}", api_invitation_get, 0, "read an invitation" }, \
	{ HTTP_POST, "/api/v1/invitations/{id}/revoke", api_invitation_revoke, 0, \
	  "revoke an invitation: its link stops working" }, \
	{ HTTP_POST, "/api/v1/invitations/{id}/resend", api_invitation_resend, 0, \
	  "mail an invitation again with a new link; the old link stops working" }, \
	{ HTTP_GET, "/api/v1/public/invitations/{token}", api_public_invitation_get, ROUTE_PUBLIC, \
	  "what an invitation link is for: organization, branding, invited email" }, \
	{ HTTP_POST, "/api/v1/public/invitations/{token}/accept", api_public_invitation_accept, \
	  ROUTE_PUBLIC | ROUTE_BODY, "accept an invitation: create the account or join with one" },

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
