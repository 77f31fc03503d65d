/*
 * sql_invitations.h: statements of the invitations API, the public invitation routes and the
 * password reset.  Part of the SQL_STATEMENTS list in store/sql.h.
 *
 * Invitations and password resets are rows of signup_info (purpose 'invitation' or
 * 'password_reset'); a token is never stored, only its SHA-256 (token_hash).  The status of an
 * invitation is derived: accepted, revoked, expired or pending, in that order (INV_STATUS).
 */
#ifndef GH_SQL_INVITATIONS_H
#define GH_SQL_INVITATIONS_H

#define INV_STATUS "(CASE WHEN s.accepted_at IS NOT NULL THEN 'accepted'" \
	" WHEN s.revoked_at IS NOT NULL THEN 'revoked'" \
	" WHEN s.expires_at <= CURRENT_TIMESTAMP(6) THEN 'expired' ELSE 'pending' END)"
/*
 * The columns of an invitation, of the organization it invites into, of an invitation link (its
 * organization and theme: the public look-up), of a link locked for acceptance, of the role it
 * grants, and of a password reset (store/sql.h, "Column tables").
 */
#define INVITATION_COLUMNS(X) \
	X(INVITATION_ID, INT, id, "s.id") \
	X(INVITATION_ORG, INT, organization_id, "s.organization_id") \
	X(INVITATION_EMAIL, STR, email, "s.email") \
	X(INVITATION_ROLE_ID, INT, role_id, "s.role_id") \
	X(INVITATION_ROLE, STR, role, "r.name") \
	X(INVITATION_STATUS, STR, status, INV_STATUS) \
	X(INVITATION_USER, INT, user_id, "s.user_id") \
	X(INVITATION_CBY, INT, invited_by, "s.invited_by") \
	X(INVITATION_UBY, INT, updated_by, "s.updated_by") \
	X(INVITATION_EXPIRES, TS, expires_at, "s.expires_at") \
	X(INVITATION_ACCEPTED, TS, accepted_at, "s.accepted_at") \
	X(INVITATION_REVOKED, TS, revoked_at, "s.revoked_at") \
	X(INVITATION_SENT, TS, last_sent_at, "s.last_sent_at") \
	X(INVITATION_SEND_COUNT, INT, send_count, "s.send_count") \
	X(INVITATION_CREATED, TS, created_at, "s.created_at") \
	X(INVITATION_UPDATED, TS, updated_at, "s.updated_at")
#define INV_COLS DB_SELECT(INVITATION_COLUMNS)

#define INVITATION_ORG_COLUMNS(X) \
	X(INVITATION_ORG_ID, INT, id, "id") \
	X(INVITATION_ORG_SLUG, STR, slug, "slug") \
	X(INVITATION_ORG_NAME, STR, name, "name") \
	X(INVITATION_ORG_STATUS, STR, status, "status")

#define INVITATION_LINK_COLUMNS(X) \
	X(INVITATION_LINK_ID, INT, id, "s.id") \
	X(INVITATION_LINK_STATUS, STR, status, INV_STATUS) \
	X(INVITATION_LINK_EMAIL, STR, email, "s.email") \
	X(INVITATION_LINK_ORG_NAME, STR, org_name, "o.name") \
	X(INVITATION_LINK_ORG_SLUG, STR, org_slug, "o.slug") \
	X(INVITATION_LINK_ORG_STATUS, STR, org_status, "o.status") \
	X(INVITATION_LINK_PRIMARY, STR, primary_color, "t.primary_color") \
	X(INVITATION_LINK_SECONDARY, STR, secondary_color, "t.secondary_color") \
	X(INVITATION_LINK_ACCENT, STR, accent_color, "t.accent_color") \
	X(INVITATION_LINK_BACKGROUND, STR, background_color, "t.background_color") \
	X(INVITATION_LINK_TEXT, STR, text_color, "t.text_color") \
	X(INVITATION_LINK_LOGO, STR, logo_ref, "t.logo_ref") \
	X(INVITATION_LINK_FAVICON, STR, favicon_ref, "t.favicon_ref") \
	X(INVITATION_LINK_ORG, INT, organization_id, "s.organization_id")

#define INVITATION_CLAIM_COLUMNS(X) \
	X(INVITATION_CLAIM_ID, INT, id, "s.id") \
	X(INVITATION_CLAIM_STATUS, STR, status, INV_STATUS) \
	X(INVITATION_CLAIM_EMAIL, STR, email, "s.email") \
	X(INVITATION_CLAIM_ORG, INT, organization_id, "s.organization_id") \
	X(INVITATION_CLAIM_ROLE_ID, INT, role_id, "s.role_id") \
	X(INVITATION_CLAIM_CBY, INT, invited_by, "s.invited_by")

#define INVITATION_GRANT_COLUMNS(X) \
	X(INVITATION_GRANT_ID, INT, id, "id") \
	X(INVITATION_GRANT_NAME, STR, name, "name") \
	X(INVITATION_GRANT_SCOPE, STR, scope, "scope") \
	X(INVITATION_GRANT_ORG, INT, organization_id, "IFNULL(organization_id, 0)")

#define PASSWORD_RESET_COLUMNS(X) \
	X(PASSWORD_RESET_ID, INT, id, "s.id") \
	X(PASSWORD_RESET_USER, INT, user_id, "s.user_id") \
	X(PASSWORD_RESET_STATUS, STR, status, INV_STATUS) \
	X(PASSWORD_RESET_EMAIL, STR, email, "s.email")

#define PASSWORD_RESET_USER_COLUMNS(X) \
	X(PASSWORD_RESET_USER_ID, INT, id, "id") \
	X(PASSWORD_RESET_USER_NAME, STR, username, "username") \
	X(PASSWORD_RESET_USER_ENABLED, BOOL, is_enabled, "is_enabled") \
	X(PASSWORD_RESET_USER_EMAIL, STR, email, "email") \
	X(PASSWORD_RESET_USER_VERIFIED, BOOL, email_verified, "email_verified_at IS NOT NULL")

#define INV_FROM " FROM signup_info s LEFT JOIN roles r ON r.id = s.role_id"
/* The list filters: visibility (platform or own organization), organization, status, email. */
#define INV_FILTERS " AND (? = 1 OR s.organization_id = ?) AND (? = 0 OR s.organization_id = ?)" \
	" AND (? = '' OR " INV_STATUS " = ?) AND (? = '' OR s.email = ?)"

#define SQL_STATEMENTS_INVITATIONS \
	X(SQL_INV_LIST, "SELECT " INV_COLS INV_FROM " WHERE s.purpose = 'invitation'" \
	    " AND (? = 0 OR s.id > ?)" INV_FILTERS " ORDER BY s.id LIMIT ?") \
	X(SQL_INV_LIST_DESC, "SELECT " INV_COLS INV_FROM " WHERE s.purpose = 'invitation'" \
	    " AND (? = 0 OR s.id < ?)" INV_FILTERS " ORDER BY s.id DESC LIMIT ?") \
	X(SQL_INV_GET, "SELECT " INV_COLS INV_FROM " WHERE s.id = ? AND s.purpose = 'invitation'") \
	X(SQL_INV_LOCK, "SELECT id FROM signup_info WHERE id = ? AND purpose = 'invitation' FOR UPDATE") \
	X(SQL_INV_ORG, "SELECT " DB_SELECT(INVITATION_ORG_COLUMNS) " FROM organization WHERE id = ?") \
	X(SQL_INV_MEMBER, "SELECT u.id, u.password_hash IS NOT NULL FROM users u" \
	    " JOIN user_organization uo ON uo.user_id = u.id AND uo.organization_id = ?" \
	    " WHERE u.email = ? AND u.deleted_at IS NULL") \
	X(SQL_INV_PENDING, "SELECT id FROM signup_info WHERE purpose = 'invitation'" \
	    " AND organization_id = ? AND email = ? AND accepted_at IS NULL AND revoked_at IS NULL" \
	    " AND expires_at > CURRENT_TIMESTAMP(6) ORDER BY id LIMIT 1") \
	X(SQL_INV_INSERT, "INSERT INTO signup_info (purpose, organization_id, email, role_id," \
	    " token_hash, invited_by, updated_by, expires_at, last_sent_at, send_count)" \
	    " VALUES ('invitation', ?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP(6) + INTERVAL ? SECOND," \
	    " CURRENT_TIMESTAMP(6), 1)") \
	X(SQL_INV_REVOKE, "UPDATE signup_info SET revoked_at = CURRENT_TIMESTAMP(6), updated_by = ?" \
	    " WHERE id = ? AND accepted_at IS NULL AND revoked_at IS NULL") \
	X(SQL_INV_RESEND, "UPDATE signup_info SET token_hash = ?," \
	    " expires_at = CURRENT_TIMESTAMP(6) + INTERVAL ? SECOND," \
	    " last_sent_at = CURRENT_TIMESTAMP(6), send_count = send_count + 1, updated_by = ?" \
	    " WHERE id = ?") \
	X(SQL_INV_INVITER, "SELECT username, full_name FROM users WHERE id = ?") \
	X(SQL_INV_BY_TOKEN, "SELECT " DB_SELECT(INVITATION_LINK_COLUMNS) " FROM signup_info s" \
	    " JOIN organization o ON o.id = s.organization_id" \
	    " LEFT JOIN org_theme t ON t.organization_id = o.id" \
	    " WHERE s.token_hash = ? AND s.purpose = 'invitation'") \
	X(SQL_INV_BY_TOKEN_LOCK, "SELECT " DB_SELECT(INVITATION_CLAIM_COLUMNS) " FROM signup_info s" \
	    " WHERE s.token_hash = ? AND s.purpose = 'invitation' FOR UPDATE") \
	X(SQL_INV_MARK_ACCEPTED, "UPDATE signup_info SET accepted_at = CURRENT_TIMESTAMP(6)" \
	    " WHERE id = ? AND accepted_at IS NULL AND revoked_at IS NULL") \
	X(SQL_INV_SET_USER, "UPDATE signup_info SET user_id = ? WHERE id = ?") \
	X(SQL_INV_USER_INSERT, "INSERT INTO users (username, email, first_name, last_name, full_name," \
	    " password_hash, role_id, password_changed_at, created_by, updated_by)" \
	    " VALUES (?, ?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP(6), ?, ?)") \
	X(SQL_INV_USER_CLAIM, "UPDATE users SET username = ?, first_name = ?, last_name = ?," \
	    " full_name = ?, password_hash = ?, password_changed_at = CURRENT_TIMESTAMP(6)," \
	    " is_credentials_non_expired = 1, role_id = IFNULL(role_id, ?), updated_by = ?" \
	    " WHERE id = ? AND password_hash IS NULL") \
	X(SQL_INV_USER_NAMES, "SELECT username, first_name, last_name FROM users WHERE id = ?") \
	X(SQL_INV_HAS_PRIMARY, "SELECT COUNT(*) FROM user_organization WHERE user_id = ? AND is_primary = 1") \
	X(SQL_INV_MEMBERSHIP_ADD, "INSERT INTO user_organization (user_id, organization_id, is_primary)" \
	    " VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE user_id = user_id") \
	X(SQL_INV_ROLE, "SELECT " DB_SELECT(INVITATION_GRANT_COLUMNS) " FROM roles WHERE id = ?") \
	X(SQL_PWR_USER, "SELECT " DB_SELECT(PASSWORD_RESET_USER_COLUMNS) " FROM users" \
	    " WHERE email = ? AND deleted_at IS NULL") \
	DB_GET_STATEMENTS(X, SQL_PWR_BY_TOKEN, "SELECT " DB_SELECT(PASSWORD_RESET_COLUMNS) \
	    " FROM signup_info s" \
	    " WHERE s.token_hash = ? AND s.purpose = 'password_reset'") \
	/* A password reset's or an email verification's link: new, retired, used (store/signup.h). */ \
	X(SQL_SIGNUP_INSERT, "INSERT INTO signup_info (purpose, email, user_id, token_hash, expires_at," \
	    " last_sent_at, send_count) VALUES (?, ?, ?, ?," \
	    " CURRENT_TIMESTAMP(6) + INTERVAL ? SECOND, CURRENT_TIMESTAMP(6), 1)") \
	X(SQL_SIGNUP_RETIRE, "UPDATE signup_info SET revoked_at = CURRENT_TIMESTAMP(6)" \
	    " WHERE purpose = ? AND user_id = ? AND accepted_at IS NULL AND revoked_at IS NULL") \
	X(SQL_SIGNUP_USE, "UPDATE signup_info SET accepted_at = CURRENT_TIMESTAMP(6) WHERE id = ?") \
	X(SQL_PWR_SET_PASSWORD, "UPDATE users SET password_hash = ?," \
	    " password_changed_at = CURRENT_TIMESTAMP(6), is_credentials_non_expired = 1," \
	    " permission_version = permission_version + 1, failed_login_count = 0," \
	    " last_failed_login = NULL," \
	    " is_account_non_locked = IF(locked_until IS NOT NULL, 1, is_account_non_locked)," \
	    " locked_until = NULL WHERE id = ? AND deleted_at IS NULL")

#endif
