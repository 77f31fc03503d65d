/*
 * sql_email.h: statements of the email verification (docs/api-users.md, "Verified email").
 * Part of the SQL_STATEMENTS list in store/sql.h.
 *
 * A verification link is a row of signup_info with purpose 'email_verification': user_id the
 * account, email the address it proves (the current one, or the new one of a pending change),
 * token_hash the SHA-256 of its token; its status is derived as an invitation's (INV_STATUS).
 * A link is made, retired and used with SQL_SIGNUP_INSERT, SQL_SIGNUP_RETIRE and SQL_SIGNUP_USE
 * (sql_invitations.h, store/signup.h), as a password reset is.
 */
#ifndef GH_SQL_EMAIL_H
#define GH_SQL_EMAIL_H

/* A verification link and the account's address now (NULL: the account is deleted). */
#define EMAIL_VERIFICATION_COLUMNS(X) \
	X(EMAIL_VERIFICATION_ID, INT, id, "s.id") \
	X(EMAIL_VERIFICATION_USER, INT, user_id, "s.user_id") \
	X(EMAIL_VERIFICATION_STATUS, STR, status, INV_STATUS) \
	X(EMAIL_VERIFICATION_EMAIL, STR, email, "s.email") \
	X(EMAIL_VERIFICATION_CURRENT, STR, current_email, "u.email")

#define EV_FROM " FROM signup_info s LEFT JOIN users u ON u.id = s.user_id AND u.deleted_at IS NULL" \
	" WHERE s.token_hash = ? AND s.purpose = 'email_verification'"

#define SQL_STATEMENTS_EMAIL \
	DB_GET_STATEMENTS(X, SQL_EV_BY_TOKEN, "SELECT " DB_SELECT(EMAIL_VERIFICATION_COLUMNS) \
	    EV_FROM) \
	X(SQL_EV_CONFIRM, "UPDATE users SET email = ?, email_verified_at = CURRENT_TIMESTAMP(6)" \
	    " WHERE id = ? AND deleted_at IS NULL") \
	X(SQL_EV_UNVERIFY, "UPDATE users SET email_verified_at = NULL WHERE id = ?") \
	X(SQL_EV_PROVEN, "UPDATE users SET email_verified_at = CURRENT_TIMESTAMP(6)" \
	    " WHERE id = ? AND email = ? AND email_verified_at IS NULL")

#endif
