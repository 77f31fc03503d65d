/*
 * err.h: the one error enum of the program and its problem+json table.
 *
 * Every layer returns an enum gh_err; the dispatcher renders the single error body from
 * gh_err_table[] (HTTP status, stable machine code, title).  Nothing here allocates.
 */
#ifndef GH_ERR_H
#define GH_ERR_H

enum gh_err {
	GH_OK = 0,
	GH_ERR_BAD_REQUEST,		/* generic 400 */
	GH_ERR_VALIDATION,		/* 400, a field is named */
	GH_ERR_MALFORMED_JSON,
	GH_ERR_BODY_REQUIRED,
	GH_ERR_BODY_TOO_LARGE,
	GH_ERR_UNSUPPORTED_MEDIA,
	GH_ERR_BAD_PATH,
	GH_ERR_URI_TOO_LONG,
	GH_ERR_NOT_FOUND,
	GH_ERR_METHOD,
	GH_ERR_UNAUTHORIZED,		/* no or unusable credentials */
	GH_ERR_TOKEN_INVALID,
	GH_ERR_TOKEN_EXPIRED,
	GH_ERR_TOKEN_REVOKED,
	GH_ERR_INVALID_CREDENTIALS,
	GH_ERR_ACCOUNT_DISABLED,
	GH_ERR_ACCOUNT_EXPIRED,
	GH_ERR_ACCOUNT_LOCKED,
	GH_ERR_CREDENTIALS_EXPIRED,
	GH_ERR_REFRESH_INVALID,
	GH_ERR_REFRESH_REUSED,
	GH_ERR_FORBIDDEN,
	GH_ERR_ORG_NOT_MEMBER,
	GH_ERR_ORG_SUSPENDED,
	GH_ERR_MEMBERSHIP_SUSPENDED,	/* 403: the user's membership there is suspended */
	GH_ERR_ACCOUNT_NOT_MANAGED,	/* 403: an account-level change the caller may not make */
	GH_ERR_CONFLICT,
	GH_ERR_IN_USE,
	GH_ERR_SYSTEM_ROLE,
	GH_ERR_SYSTEM_PERMISSION,
	GH_ERR_PRECONDITION,
	GH_ERR_PRECONDITION_REQUIRED,
	GH_ERR_RATE_LIMITED,
	GH_ERR_PASSWORD_POLICY,
	GH_ERR_INVITATION_UNKNOWN,	/* 404: no invitation has this link */
	GH_ERR_INVITATION_EXPIRED,	/* 410 */
	GH_ERR_INVITATION_REVOKED,	/* 410 */
	GH_ERR_INVITATION_USED,		/* 410: already accepted */
	GH_ERR_EMAIL_UNVERIFIED,	/* 403: the policy wants a verified address to sign in */
	GH_ERR_LINK_UNKNOWN,		/* 404: no email verification link has this token */
	GH_ERR_LINK_EXPIRED,		/* 410 */
	GH_ERR_LINK_REVOKED,		/* 410: replaced or cancelled */
	GH_ERR_LINK_USED,		/* 410: already used */
	GH_ERR_MFA_TICKET_INVALID,	/* 401: unknown, expired or used MFA ticket */
	GH_ERR_MFA_CODE_INVALID,	/* 401: a wrong, replayed or used second factor */
	GH_ERR_INSUFFICIENT_AUTH,	/* 401: the route wants a second factor (RFC 9470) */
	GH_ERR_MFA_ENROLLMENT,		/* 403: the token may only enroll a second factor */
	GH_ERR_NOT_READY,
	GH_ERR_DB_UNAVAILABLE,		/* MySQL unreachable: 503 */
	GH_ERR_REDIS_UNAVAILABLE,	/* Redis unreachable: 503, fail closed */
	GH_ERR_INTERNAL,
	GH_ERR__MAX
};

/* api/invitations.c answers the invitation codes above (not 404 not_found + reason). */
#define GH_ERR_HAVE_INVITATION_CODES 1

struct gh_err_info {
	int		 status;
	const char	*code;
	const char	*title;
};

extern const struct gh_err_info gh_err_table[GH_ERR__MAX];

/* Status, code and title of e; out-of-range values map to GH_ERR_INTERNAL. */
const struct gh_err_info *gh_err_info(enum gh_err e);

#endif
