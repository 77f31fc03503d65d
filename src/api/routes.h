/*
 * routes.h: every route Gatehouse serves, one row each, and from the same rows the prototype of
 * every handler (each file of api/ includes this header, so a handler and its row cannot
 * disagree).  A row is R(method, pattern, handler, flags, summary):
 *	method	GET, POST, PUT, PATCH or DELETE (enum http_method without HTTP_)
 *	pattern	the path, with {name} for a parameter (http/pattern.h)
 *	flags	ROUTE_PUBLIC (no token), ROUTE_OWN_AUTH (the handler reads the token itself),
 *		ROUTE_BODY (a JSON body is read), ROUTE_DEBUG (only with debug_routes on)
 *	summary	one line for `gatehouse routes` and the route table of docs/api.md
 * A route that is not ROUTE_PUBLIC needs a permission mapped to its (method, pattern) in
 * permission_api_endpoints: the migrations seed one for each, and a test fails when one is
 * missing.  api/routes.c turns the rows into api_routes[].
 */
#ifndef GH_API_ROUTES_H
#define GH_API_ROUTES_H

#include "core/err.h"
#include "http/request.h"

#define API_ROUTES(R) \
	R(GET, "/healthz", api_healthz, ROUTE_PUBLIC, "liveness: the process answers") \
	R(GET, "/readyz", api_readyz, ROUTE_PUBLIC, "readiness: MySQL and Redis reachable") \
	R(GET, "/metrics", api_metrics, ROUTE_PUBLIC, "Prometheus metrics (restrict in nginx)") \
	R(GET, "/.well-known/jwks.json", api_jwks, ROUTE_PUBLIC, \
	    "public keys of the token signers") \
	R(GET, "/api/v1/openapi.json", api_openapi, ROUTE_PUBLIC, \
	    "this API's OpenAPI 3.1 document (public, cacheable)") \
	R(POST, "/api/v1/auth/login", api_login, ROUTE_PUBLIC | ROUTE_BODY, \
	    "exchange credentials for an access and a refresh token") \
	R(POST, "/api/v1/auth/refresh", api_refresh, ROUTE_PUBLIC | ROUTE_BODY, \
	    "rotate a refresh token for a new token pair") \
	R(GET, "/api/v1/auth/check", api_auth_check, ROUTE_OWN_AUTH, \
	    "forward auth for nginx auth_request") \
	R(POST, "/api/v1/auth/mfa/verify", api_mfa_verify, ROUTE_PUBLIC | ROUTE_BODY, \
	    "complete a login with its second factor (an MFA ticket and a code)") \
	R(POST, "/api/v1/auth/mfa/webauthn/options", api_mfa_webauthn_options, \
	    ROUTE_PUBLIC | ROUTE_BODY, "passkey options for the second step of a login (its ticket)") \
	R(POST, "/api/v1/auth/passkey/options", api_passkey_options, ROUTE_PUBLIC, \
	    "start a sign-in with a passkey, no username: a challenge and its id") \
	R(POST, "/api/v1/auth/passkey/login", api_passkey_login, ROUTE_PUBLIC | ROUTE_BODY, \
	    "sign in with a passkey (user verification required): a token pair") \
	R(POST, "/api/v1/auth/logout", api_logout, 0, "end this session") \
	R(POST, "/api/v1/auth/logout-all", api_logout_all, 0, "end every session of the caller") \
	R(GET, "/api/v1/me", api_me, 0, "the caller's profile, organization and roles") \
	R(PATCH, "/api/v1/me", api_me_update, ROUTE_BODY, \
	    "change the caller's names, phone number and image reference") \
	R(GET, "/api/v1/me/organizations", api_me_orgs, 0, \
	    "the organizations the caller belongs to, with roles and themes") \
	R(POST, "/api/v1/me/organization", api_me_switch_org, ROUTE_BODY, \
	    "switch this session to another organization: a new token pair") \
	R(POST, "/api/v1/me/password", api_me_password, ROUTE_BODY, \
	    "change the caller's password; ends the other sessions") \
	R(GET, "/api/v1/me/mfa", api_me_mfa, 0, "the caller's second factors and MFA policy") \
	R(POST, "/api/v1/me/mfa/totp", api_me_totp_start, 0, \
	    "start enrolling an authenticator app: its secret, otpauth URI and QR code") \
	R(POST, "/api/v1/me/mfa/totp/confirm", api_me_totp_confirm, ROUTE_BODY, \
	    "confirm the authenticator app with a first code (answers the recovery codes)") \
	R(DELETE, "/api/v1/me/mfa/totp", api_me_totp_delete, ROUTE_BODY, \
	    "remove the authenticator app, with the password and a code") \
	R(POST, "/api/v1/me/mfa/recovery-codes", api_me_recovery_codes, ROUTE_BODY, \
	    "make ten new recovery codes, with the password (the old ones stop working)") \
	R(GET, "/api/v1/me/sessions", api_me_sessions, 0, \
	    "the caller's sessions: devices, addresses, organizations, the current one marked") \
	R(DELETE, "/api/v1/me/sessions/{id}", api_me_session_end, 0, \
	    "end one of the caller's sessions (its tokens are refused at once)") \
	R(GET, "/api/v1/me/permissions", api_me_permissions, 0, \
	    "the caller's effective permissions in the active organization") \
	R(GET, "/api/v1/roles", api_roles_list, 0, "list roles") \
	R(POST, "/api/v1/roles", api_role_create, ROUTE_BODY, "create a role") \
	R(GET, "/api/v1/roles/{id}", api_role_get, 0, "read a role") \
	R(PATCH, "/api/v1/roles/{id}", api_role_update, ROUTE_BODY, "rename or describe a role") \
	R(DELETE, "/api/v1/roles/{id}", api_role_delete, 0, "delete a role") \
	R(GET, "/api/v1/roles/{id}/permissions", api_role_perms_list, 0, \
	    "the permissions a role grants") \
	R(PUT, "/api/v1/roles/{id}/permissions", api_role_perms_replace, ROUTE_BODY, \
	    "replace the permissions a role grants") \
	R(POST, "/api/v1/roles/{id}/permissions", api_role_perms_add, ROUTE_BODY, \
	    "grant one more permission") \
	R(DELETE, "/api/v1/roles/{id}/permissions/{name}", api_role_perms_remove, 0, \
	    "revoke one permission") \
	R(GET, "/api/v1/permissions", api_perms_list, 0, "list permissions") \
	R(POST, "/api/v1/permissions", api_perm_create, ROUTE_BODY, "create a permission") \
	R(GET, "/api/v1/permissions/{id}", api_perm_get, 0, "read a permission") \
	R(PATCH, "/api/v1/permissions/{id}", api_perm_update, ROUTE_BODY, "describe a permission") \
	R(DELETE, "/api/v1/permissions/{id}", api_perm_delete, 0, "delete an unused permission") \
	R(GET, "/api/v1/endpoints", api_eps_list, 0, "list endpoint mappings") \
	R(POST, "/api/v1/endpoints", api_ep_create, ROUTE_BODY, "map an endpoint to a permission") \
	R(GET, "/api/v1/endpoints/{id}", api_ep_get, 0, "read an endpoint mapping") \
	R(PATCH, "/api/v1/endpoints/{id}", api_ep_update, ROUTE_BODY, \
	    "change or (de)activate an endpoint mapping") \
	R(DELETE, "/api/v1/endpoints/{id}", api_ep_delete, 0, "delete an endpoint mapping") \
	R(GET, "/api/v1/users/{id}/sessions", api_user_sessions, 0, \
	    "a user's sessions (an organization's administrator: those in the organization)") \
	R(DELETE, "/api/v1/users/{id}/sessions/{sid}", api_user_session_end, 0, \
	    "end one of a user's sessions") \
	R(GET, "/api/v1/users/{id}/mfa", api_user_mfa, 0, "a user's second factors") \
	R(DELETE, "/api/v1/users/{id}/mfa", api_user_mfa_reset, 0, \
	    "reset a user's second factors and end the user's sessions") \
	R(GET, "/api/v1/users/{id}/roles", api_user_roles_list, 0, \
	    "a user's roles in an organization") \
	R(PUT, "/api/v1/users/{id}/roles", api_user_roles_replace, ROUTE_BODY, \
	    "replace a user's organization roles") \
	R(POST, "/api/v1/users/{id}/roles", api_user_roles_add, ROUTE_BODY, "grant a user a role") \
	R(DELETE, "/api/v1/users/{id}/roles/{role_id}", api_user_roles_remove, 0, \
	    "take a role from a user") \
	R(GET, "/api/v1/organizations", api_orgs_list, 0, "list organizations") \
	R(POST, "/api/v1/organizations", api_org_create, ROUTE_BODY, \
	    "create an organization (platform callers)") \
	R(GET, "/api/v1/organizations/{id}", api_org_get, 0, "read an organization") \
	R(PATCH, "/api/v1/organizations/{id}", api_org_update, ROUTE_BODY, \
	    "rename, describe, suspend or reactivate an organization") \
	R(DELETE, "/api/v1/organizations/{id}", api_org_delete, 0, \
	    "delete an organization (?cascade=true removes what it holds)") \
	R(GET, "/api/v1/organizations/{id}/members", api_org_members_list, 0, \
	    "list an organization's members") \
	R(POST, "/api/v1/organizations/{id}/members", api_org_member_add, ROUTE_BODY, \
	    "add a user to an organization") \
	R(GET, "/api/v1/organizations/{id}/members/{user_id}", api_org_member_get, 0, \
	    "read one membership") \
	R(PATCH, "/api/v1/organizations/{id}/members/{user_id}", api_org_member_update, \
	    ROUTE_BODY, \
	    "suspend or reactivate a membership (this organization's tokens only)") \
	R(DELETE, "/api/v1/organizations/{id}/members/{user_id}", api_org_member_remove, 0, \
	    "remove a member with the roles held there") \
	R(PUT, "/api/v1/organizations/{id}/members/{user_id}/primary", api_org_member_primary, 0, \
	    "make this organization the member's primary one") \
	R(GET, "/api/v1/users", api_users_list, 0, \
	    "list and search users (q, organization_id, role, team, status, sort)") \
	R(POST, "/api/v1/users", api_user_create, ROUTE_BODY, \
	    "create a user with a password, or invite one") \
	R(GET, "/api/v1/users/{id}", api_user_get, 0, "read a user") \
	R(PATCH, "/api/v1/users/{id}", api_user_update, ROUTE_BODY, \
	    "change a user's profile, username or email") \
	R(DELETE, "/api/v1/users/{id}", api_user_delete, 0, \
	    "delete a user (soft: personal data scrubbed)") \
	R(POST, "/api/v1/users/{id}/disable", api_user_disable, 0, \
	    "disable a user and end their sessions") \
	R(POST, "/api/v1/users/{id}/enable", api_user_enable, 0, "enable a user") \
	R(POST, "/api/v1/users/{id}/lock", api_user_lock, 0, \
	    "lock a user until unlocked and end their sessions") \
	R(POST, "/api/v1/users/{id}/unlock", api_user_unlock, 0, \
	    "lift a lock and clear the failed-login count") \
	R(POST, "/api/v1/users/{id}/expire-credentials", api_user_expire_credentials, 0, \
	    "make the user's password expired") \
	R(POST, "/api/v1/users/{id}/end-sessions", api_user_end_sessions, 0, \
	    "end every session of a user") \
	R(GET, "/api/v1/teams", api_teams_list, 0, "list teams") \
	R(POST, "/api/v1/teams", api_team_create, ROUTE_BODY, "create a team") \
	R(GET, "/api/v1/teams/{id}", api_team_get, 0, "read a team") \
	R(PATCH, "/api/v1/teams/{id}", api_team_update, ROUTE_BODY, "rename or describe a team") \
	R(DELETE, "/api/v1/teams/{id}", api_team_delete, 0, "delete a team and its memberships") \
	R(GET, "/api/v1/teams/{id}/members", api_team_members_list, 0, \
	    "list the members of a team") \
	R(POST, "/api/v1/teams/{id}/members", api_team_member_add, ROUTE_BODY, \
	    "add a member of the team's organization to a team") \
	R(GET, "/api/v1/teams/{id}/members/{user_id}", api_team_member_get, 0, \
	    "read a team membership") \
	R(PATCH, "/api/v1/teams/{id}/members/{user_id}", api_team_member_update, ROUTE_BODY, \
	    "set a member's role in a team (member or lead)") \
	R(DELETE, "/api/v1/teams/{id}/members/{user_id}", api_team_member_remove, 0, \
	    "remove a member from a team") \
	R(GET, "/api/v1/invitations", api_invitations_list, 0, \
	    "list invitations (?status=pending|accepted|revoked|expired)") \
	R(POST, "/api/v1/invitations", api_invitation_create, ROUTE_BODY, \
	    "invite someone by email into an organization with a role") \
	R(GET, "/api/v1/invitations/{id}", api_invitation_get, 0, "read an invitation") \
	R(POST, "/api/v1/invitations/{id}/revoke", api_invitation_revoke, 0, \
	    "revoke an invitation: its link stops working") \
	R(POST, "/api/v1/invitations/{id}/resend", api_invitation_resend, 0, \
	    "mail an invitation again with a new link; the old link stops working") \
	R(GET, "/api/v1/public/invitations/{token}", api_public_invitation_get, ROUTE_PUBLIC, \
	    "what an invitation link is for: organization, branding, invited email") \
	R(POST, "/api/v1/public/invitations/{token}/accept", api_public_invitation_accept, \
	    ROUTE_PUBLIC | ROUTE_BODY, \
	    "accept an invitation: create the account or join with one") \
	R(POST, "/api/v1/auth/password-reset", api_password_reset_request, \
	    ROUTE_PUBLIC | ROUTE_BODY, \
	    "mail a password reset link (same answer for any email)") \
	R(POST, "/api/v1/auth/password-reset/confirm", api_password_reset_confirm, \
	    ROUTE_PUBLIC | ROUTE_BODY, \
	    "set a new password with a reset token; ends every session") \
	R(POST, "/api/v1/me/email", api_me_email_change, ROUTE_BODY, \
	    "change one's email address: takes effect when the new address confirms") \
	R(POST, "/api/v1/me/email/verification", api_me_email_verification, 0, \
	    "mail a verification link to one's current address") \
	R(POST, "/api/v1/public/email/verify", api_email_verify, ROUTE_PUBLIC | ROUTE_BODY, \
	    "confirm an email address with the token of a mailed link") \
	R(GET, "/api/v1/organizations/{id}/policies", api_policies_list, 0, \
	    "an organization's policies (effective values)") \
	R(GET, "/api/v1/organizations/{id}/policies/{kind}", api_policy_get, 0, \
	    "one policy of an organization (effective values)") \
	R(PUT, "/api/v1/organizations/{id}/policies/{kind}", api_policy_put, ROUTE_BODY, \
	    "set the values of one policy of an organization") \
	R(GET, "/api/v1/themes/{slug}", api_theme_public, ROUTE_PUBLIC, \
	    "an organization's theme by its slug (public, cacheable)") \
	R(PUT, "/api/v1/organizations/{id}/theme", api_theme_put, ROUTE_BODY, \
	    "set an organization's theme") \
	R(GET, "/api/v1/audit-events", api_audit_list, 0, \
	    "the audit log, newest first, with filters") \
	R(GET, "/api/v1/ui-components", api_components_list, 0, "list UI components") \
	R(POST, "/api/v1/ui-components", api_component_create, ROUTE_BODY, \
	    "create a UI component") \
	R(GET, "/api/v1/ui-components/{id}", api_component_get, 0, "read a UI component") \
	R(PATCH, "/api/v1/ui-components/{id}", api_component_update, ROUTE_BODY, \
	    "change, move or (de)activate a UI component") \
	R(DELETE, "/api/v1/ui-components/{id}", api_component_delete, 0, \
	    "delete a UI component without children, its actions and their grants") \
	R(GET, "/api/v1/ui-components/{id}/actions", api_component_actions_list, 0, \
	    "the actions of a UI component") \
	R(POST, "/api/v1/ui-components/{id}/actions", api_component_action_create, ROUTE_BODY, \
	    "add an action (VIEW, CREATE, EDIT, DELETE) to a UI component") \
	R(GET, "/api/v1/ui-components/{id}/actions/{action}", api_component_action_get, 0, \
	    "read an action of a UI component") \
	R(PATCH, "/api/v1/ui-components/{id}/actions/{action}", api_component_action_update, \
	    ROUTE_BODY, \
	    "describe or (de)activate an action of a UI component") \
	R(DELETE, "/api/v1/ui-components/{id}/actions/{action}", api_component_action_delete, 0, \
	    "delete an action of a UI component and its grants") \
	R(GET, "/api/v1/roles/{id}/components", api_role_components_list, 0, \
	    "the UI component actions a role grants") \
	R(PUT, "/api/v1/roles/{id}/components", api_role_components_replace, ROUTE_BODY, \
	    "replace the UI component actions a role grants") \
	R(POST, "/api/v1/roles/{id}/components", api_role_components_add, ROUTE_BODY, \
	    "grant a role one UI component action") \
	R(DELETE, "/api/v1/roles/{id}/components/{component_key}/{action}", api_role_components_remove, \
	    0, \
	    "revoke one UI component action from a role") \
	R(GET, "/api/v1/me/navigation", api_me_navigation, 0, \
	    "the UI components the caller may see in the active organization, as a tree") \
	R(POST, "/api/v1/me/mfa/webauthn/options", api_webauthn_reg_options, 0, \
	    "start registering a passkey: options for navigator.credentials.create()") \
	R(POST, "/api/v1/me/mfa/webauthn", api_webauthn_register, ROUTE_BODY, \
	    "register a passkey: the browser's answer to the options, verified") \
	R(GET, "/api/v1/me/mfa/webauthn", api_webauthn_list, 0, "the caller's passkeys") \
	R(PATCH, "/api/v1/me/mfa/webauthn/{id}", api_webauthn_rename, ROUTE_BODY, \
	    "rename a passkey of the caller") \
	R(DELETE, "/api/v1/me/mfa/webauthn/{id}", api_webauthn_delete, ROUTE_BODY, \
	    "remove a passkey of the caller (the password again in the body)") \
	R(GET, "/.well-known/openid-configuration", api_oidc_discovery, ROUTE_PUBLIC, \
	    "OpenID Connect discovery: the provider's endpoints and what it supports") \
	R(GET, "/oauth2/authorize", api_oidc_authorize, ROUTE_PUBLIC, \
	    "OpenID Connect authorization (code flow, PKCE): sign-in, consent, a code") \
	R(POST, "/oauth2/authorize", api_oidc_authorize_post, ROUTE_PUBLIC, \
	    "the consent page's answer (a form): allow or deny, then a code or an error") \
	R(POST, "/oauth2/token", api_oidc_token, ROUTE_PUBLIC, \
	    "OAuth token endpoint: authorization_code, refresh_token, client_credentials") \
	R(GET, "/oauth2/userinfo", api_oidc_userinfo, ROUTE_PUBLIC, \
	    "OpenID Connect userinfo: the claims of the token's scopes (Bearer)") \
	R(POST, "/oauth2/userinfo", api_oidc_userinfo, ROUTE_PUBLIC, \
	    "userinfo by POST (Bearer, or access_token in a form)") \
	R(POST, "/oauth2/introspect", api_oidc_introspect, ROUTE_PUBLIC, \
	    "token introspection (RFC 7662), for an authenticated client") \
	R(POST, "/oauth2/revoke", api_oidc_revoke, ROUTE_PUBLIC, \
	    "token revocation (RFC 7009): an access or a refresh token of the client") \
	R(GET, "/oauth2/logout", api_oidc_logout, ROUTE_PUBLIC, \
	    "RP-initiated logout: ends the Gatehouse session, back to a registered URI") \
	R(POST, "/oauth2/logout", api_oidc_logout, ROUTE_PUBLIC, \
	    "RP-initiated logout by form POST") \
	R(GET, "/api/v1/clients", api_clients_list, 0, \
	    "list OpenID Connect clients (?organization_id= for platform callers)") \
	R(POST, "/api/v1/clients", api_client_create, ROUTE_BODY, \
	    "create an OpenID Connect client (its secret is shown once)") \
	R(GET, "/api/v1/clients/{id}", api_client_get, 0, "read an OpenID Connect client") \
	R(PATCH, "/api/v1/clients/{id}", api_client_update, ROUTE_BODY, \
	    "change a client; disabling it refuses its tokens at once") \
	R(DELETE, "/api/v1/clients/{id}", api_client_delete, 0, \
	    "delete a client, its consents, tokens and service account") \
	R(POST, "/api/v1/clients/{id}/secret", api_client_rotate, ROUTE_BODY, \
	    "rotate the secret (shown once); the old one works overlap_seconds more") \
	R(DELETE, "/api/v1/clients/{id}/secret/previous", api_client_end_previous, 0, \
	    "end the overlap now: the old secret and the service account's tokens stop") \
	R(GET, "/api/v1/me/consents", api_me_consents, 0, \
	    "the applications the caller allowed, with the scopes") \
	R(DELETE, "/api/v1/me/consents/{id}", api_me_consent_revoke, 0, \
	    "withdraw a consent (by client_id): the client's refresh tokens stop") \
	R(GET, "/api/v1/debug/sleep", api_debug_sleep, ROUTE_PUBLIC | ROUTE_DEBUG, \
	    "test only: answers after ?ms= milliseconds") \
	R(POST, "/api/v1/debug/webauthn/options", api_debug_webauthn_options, \
	    ROUTE_PUBLIC | ROUTE_DEBUG | ROUTE_BODY, \
	    "test only: passkey sign-in options as the MFA login step makes them") \
	R(POST, "/api/v1/debug/webauthn/assert", api_debug_webauthn_assert, \
	    ROUTE_PUBLIC | ROUTE_DEBUG | ROUTE_BODY, \
	    "test only: verify a passkey assertion as the MFA login step does")

#define API_ROUTE_PROTOTYPE(method, pattern, handler, flags, summary) \
	enum gh_err handler(struct request *);
API_ROUTES(API_ROUTE_PROTOTYPE)
#undef API_ROUTE_PROTOTYPE

#endif
