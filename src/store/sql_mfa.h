/*
 * sql_mfa.h: the statements and columns of second factors (store/mfa.h): the authenticator app
 * (user_totp), recovery codes and the MFA policy's grace periods (sql/0017_mfa.sql).
 */
#ifndef GH_SQL_MFA_H
#define GH_SQL_MFA_H

/* A user's authenticator app; the secret is sealed (auth/mfa.h). */
#define TOTP_COLUMNS(X) \
	X(TOTP_SECRET, STR, secret, "secret") \
	X(TOTP_CONFIRMED, BOOL, confirmed, "confirmed_at IS NOT NULL") \
	X(TOTP_LAST_STEP, INT, last_step, "last_step")

/* What a user has enrolled, in one row. */
#define MFA_STATUS_COLUMNS(X) \
	X(MFS_TOTP, BOOL, totp, "EXISTS (SELECT 1 FROM user_totp t WHERE t.user_id = u.id" \
	    " AND t.confirmed_at IS NOT NULL)") \
	X(MFS_TOTP_PENDING, BOOL, totp_pending, "EXISTS (SELECT 1 FROM user_totp t" \
	    " WHERE t.user_id = u.id AND t.confirmed_at IS NULL)") \
	X(MFS_RECOVERY, INT, recovery_left, "(SELECT COUNT(*) FROM user_recovery_code c" \
	    " WHERE c.user_id = u.id AND c.used_at IS NULL)") \
	X(MFS_PASSKEYS, INT, passkeys, "(SELECT COUNT(*) FROM webauthn_credential w" \
	    " WHERE w.user_id = u.id)")

#define SQL_STATEMENTS_MFA \
	DB_GET_STATEMENTS(X, SQL_TOTP_GET, "SELECT " DB_SELECT(TOTP_COLUMNS) " FROM user_totp" \
	    " WHERE user_id = ?") \
	X(SQL_TOTP_START, "INSERT INTO user_totp (user_id, secret) VALUES (?, ?)" \
	    " ON DUPLICATE KEY UPDATE secret = VALUES(secret), created_at = CURRENT_TIMESTAMP(6)") \
	X(SQL_TOTP_CONFIRM, "UPDATE user_totp SET confirmed_at = CURRENT_TIMESTAMP(6), last_step = ?" \
	    " WHERE user_id = ? AND confirmed_at IS NULL") \
	X(SQL_TOTP_STEP, "UPDATE user_totp SET last_step = ? WHERE user_id = ? AND last_step < ?" \
	    " AND confirmed_at IS NOT NULL") \
	X(SQL_TOTP_RESEAL, "UPDATE user_totp SET secret = ? WHERE user_id = ?") \
	X(SQL_TOTP_DELETE, "DELETE FROM user_totp WHERE user_id = ?") \
	X(SQL_RC_CLEAR, "DELETE FROM user_recovery_code WHERE user_id = ?") \
	X(SQL_RC_ANY, "SELECT 1 FROM user_recovery_code WHERE user_id = ? LIMIT 1") \
	X(SQL_RC_INSERT, "INSERT INTO user_recovery_code (user_id, code_hash) VALUES (?, ?)") \
	X(SQL_RC_USE, "UPDATE user_recovery_code SET used_at = CURRENT_TIMESTAMP(6)" \
	    " WHERE user_id = ? AND code_hash = ? AND used_at IS NULL") \
	X(SQL_MFA_STATUS, "SELECT " DB_SELECT(MFA_STATUS_COLUMNS) " FROM users u WHERE u.id = ?") \
	X(SQL_MFA_GRACE_START, "INSERT IGNORE INTO mfa_grace (user_id, organization_id) VALUES (?, ?)") \
	X(SQL_MFA_GRACE_LEFT, "SELECT TIMESTAMPDIFF(SECOND, CURRENT_TIMESTAMP(6)," \
	    " since + INTERVAL ? DAY) FROM mfa_grace WHERE user_id = ? AND organization_id = ?") \
	X(SQL_MFA_GRACE_CLEAR, "DELETE FROM mfa_grace WHERE user_id = ?")

#endif
