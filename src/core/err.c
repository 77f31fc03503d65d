#include <stddef.h>

#include "core/err.h"

const struct gh_err_info gh_err_table[GH_ERR__MAX] = {
	[GH_OK] = { 200, "ok", "OK" },
	[GH_ERR_BAD_REQUEST] = { 400, "bad_request", "Bad request" },
	[GH_ERR_VALIDATION] = { 400, "validation_failed", "A field is invalid" },
	[GH_ERR_MALFORMED_JSON] = { 400, "malformed_json", "The body is not valid JSON" },
	[GH_ERR_BODY_REQUIRED] = { 400, "body_required", "A JSON body is required" },
	[GH_ERR_BODY_TOO_LARGE] = { 413, "body_too_large", "The body is larger than the limit" },
	[GH_ERR_UNSUPPORTED_MEDIA] = { 415, "unsupported_media_type", "The body must be application/json" },
	[GH_ERR_BAD_PATH] = { 400, "bad_path", "The request path is not acceptable" },
	[GH_ERR_URI_TOO_LONG] = { 414, "uri_too_long", "The request URI is too long" },
	[GH_ERR_NOT_FOUND] = { 404, "not_found", "Not found" },
	[GH_ERR_METHOD] = { 405, "method_not_allowed", "Method not allowed" },
	[GH_ERR_UNAUTHORIZED] = { 401, "unauthorized", "Authentication is required" },
	[GH_ERR_TOKEN_INVALID] = { 401, "token_invalid", "The access token is not valid" },
	[GH_ERR_TOKEN_EXPIRED] = { 401, "token_expired", "The access token has expired" },
	[GH_ERR_TOKEN_REVOKED] = { 401, "token_revoked", "The access token has been revoked" },
	[GH_ERR_INVALID_CREDENTIALS] = { 401, "invalid_credentials", "Invalid login or password" },
	[GH_ERR_ACCOUNT_DISABLED] = { 403, "account_disabled", "The account is disabled" },
	[GH_ERR_ACCOUNT_EXPIRED] = { 403, "account_expired", "The account has expired" },
	[GH_ERR_ACCOUNT_LOCKED] = { 423, "account_locked", "The account is locked" },
	[GH_ERR_CREDENTIALS_EXPIRED] = { 403, "credentials_expired", "The password must be changed" },
	[GH_ERR_REFRESH_INVALID] = { 401, "refresh_token_invalid", "The refresh token is not valid" },
	[GH_ERR_REFRESH_REUSED] = { 401, "refresh_token_reused", "The refresh token was already used; the session is revoked" },
	[GH_ERR_FORBIDDEN] = { 403, "forbidden", "Permission denied" },
	[GH_ERR_ORG_NOT_MEMBER] = { 403, "organization_not_allowed", "The user is not a member of that organization" },
	[GH_ERR_ORG_SUSPENDED] = { 403, "organization_suspended", "The organization is suspended" },
	[GH_ERR_MEMBERSHIP_SUSPENDED] = { 403, "membership_suspended",
	    "The membership in that organization is suspended" },
	[GH_ERR_ACCOUNT_NOT_MANAGED] = { 403, "account_not_managed",
	    "The account is not managed by your organization" },
	[GH_ERR_CONFLICT] = { 409, "conflict", "The resource already exists" },
	[GH_ERR_IN_USE] = { 409, "in_use", "The object is still in use" },
	[GH_ERR_SYSTEM_ROLE] = { 403, "system_role", "This role cannot be changed this way" },
	[GH_ERR_SYSTEM_PERMISSION] = { 403, "system_permission", "Built-in permissions cannot be deleted" },
	[GH_ERR_PRECONDITION] = { 412, "precondition_failed", "The resource has changed" },
	[GH_ERR_PRECONDITION_REQUIRED] = { 428, "precondition_required", "If-Match is required" },
	[GH_ERR_RATE_LIMITED] = { 429, "rate_limited", "Too many requests" },
	[GH_ERR_PASSWORD_POLICY] = { 400, "password_policy", "The password does not meet the policy" },
	[GH_ERR_INVITATION_UNKNOWN] = { 404, "invitation_unknown", "The invitation link is not valid" },
	[GH_ERR_INVITATION_EXPIRED] = { 410, "invitation_expired", "The invitation has expired" },
	[GH_ERR_INVITATION_REVOKED] = { 410, "invitation_revoked", "The invitation was revoked" },
	[GH_ERR_INVITATION_USED] = { 410, "invitation_used", "The invitation was already accepted" },
	[GH_ERR_EMAIL_UNVERIFIED] = { 403, "email_unverified", "The email address is not verified" },
	[GH_ERR_LINK_UNKNOWN] = { 404, "link_unknown", "No such link" },
	[GH_ERR_LINK_EXPIRED] = { 410, "link_expired", "The link has expired" },
	[GH_ERR_LINK_REVOKED] = { 410, "link_revoked", "The link was replaced or cancelled" },
	[GH_ERR_LINK_USED] = { 410, "link_used", "The link was already used" },
	[GH_ERR_MFA_TICKET_INVALID] = { 401, "mfa_ticket_invalid", "The MFA ticket is unknown, expired or used" },
	[GH_ERR_MFA_CODE_INVALID] = { 401, "mfa_code_invalid", "The second factor was not accepted" },
	[GH_ERR_INSUFFICIENT_AUTH] = { 401, "insufficient_authentication", "This needs a sign-in with a second factor" },
	[GH_ERR_MFA_ENROLLMENT] = { 403, "mfa_enrollment_required", "Enroll a second factor first" },
	[GH_ERR_NOT_READY] = { 503, "not_ready", "A dependency is unavailable" },
	[GH_ERR_DB_UNAVAILABLE] = { 503, "database_unavailable", "The database is unavailable" },
	[GH_ERR_REDIS_UNAVAILABLE] = { 503, "redis_unavailable", "The session store is unavailable" },
	[GH_ERR_INTERNAL] = { 500, "internal_error", "Internal error" },
};

const struct gh_err_info *
gh_err_info(enum gh_err e)
{
	if ((int)e < 0 || e >= GH_ERR__MAX || gh_err_table[e].code == NULL)
		e = GH_ERR_INTERNAL;
	return &gh_err_table[e];
}
