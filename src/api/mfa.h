/*
 * mfa.h: what the second-factor API (api/mfa.c; docs/mfa.md) offers login (api/auth.c): the
 * decision after a right password, and the check of the factor sent to complete a login.
 */
#ifndef GH_API_MFA_H
#define GH_API_MFA_H

#include <cJSON.h>

#include "auth/session.h"
#include "core/err.h"
#include "http/request.h"

/* What the second step decided. */
struct mfa_step {
	int	 answered;	/* 1: the login was answered (a ticket, or a token to enroll) */
	cJSON	*extra;		/* members to add to a full answer (the grace period), or NULL */
};

/*
 * After a right password for u (organization and roles picked, a transaction open): answer
 * 200 with mfa_required and a ticket when u has a factor the organization's policy asks for;
 * answer a token that may only enroll (no refresh token) when the policy requires a factor u
 * lacks and the grace period is over; otherwise let the login go on, with the grace period's
 * end in step->extra while it runs.
 */
enum gh_err	 mfa_login_step(struct request *, struct session_user *u, struct mfa_step *step);

/*
 * Check the second factor of the request's body for user, whose login holds ticket: "method"
 * "totp" or "recovery_code" with "code", in the caller's transaction (a used code or step is
 * recorded there), or "webauthn" with "assertion" (the browser's PublicKeyCredential for the
 * challenge of POST /api/v1/auth/mfa/webauthn/options).  *amr gets the method's RFC 8176 value
 * ("otp", "hwk").  401 mfa_code_invalid naming "code" when a code is wrong or replayed, 401
 * invalid_credentials for a refused passkey, 400 naming the field when the body is not one.
 */
enum gh_err	 mfa_verify_factor(struct request *, long long user, const char *ticket,
		    const char **amr);

#endif
