/*
 * password_reset.h: handlers and routes of the password reset (issue 5), which shares
 * signup_info and its link tokens with the invitations (api/link_token.h).  ROUTES_PASSWORD_RESET
 * is spliced into api_routes[] (api/routes.c); its rows are store/password_reset.h.
 * docs/api-invitations.md describes both routes.
 */
#ifndef GH_API_PASSWORD_RESET_H
#define GH_API_PASSWORD_RESET_H

#include "core/err.h"
#include "http/request.h"

enum gh_err	 api_password_reset_request(struct request *);
enum gh_err	 api_password_reset_confirm(struct request *);

#define ROUTES_PASSWORD_RESET \
	{ HTTP_POST, "/api/v1/auth/password-reset", api_password_reset_request, \
	  ROUTE_PUBLIC | ROUTE_BODY, "mail a password reset link (same answer for any email)" }, \
	{ HTTP_POST, "/api/v1/auth/password-reset/confirm", api_password_reset_confirm, \
	  ROUTE_PUBLIC | ROUTE_BODY, "set a new password with a reset token; ends every session" },

#endif
