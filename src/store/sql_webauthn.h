/*
 * sql_webauthn.h: statements of passkeys (webauthn_credential, webauthn_user; sql/0018).  Part
 * of the SQL_STATEMENTS list in store/sql.h.
 */
#ifndef GH_SQL_WEBAUTHN_H
#define GH_SQL_WEBAUTHN_H

/* A credential as the API shows it and an assertion needs it (store/webauthn.h). */
#define WEBAUTHN_COLUMNS(X) \
	X(WAC_ID, INT, id, "c.id") \
	X(WAC_USER, INT, user_id, "c.user_id") \
	X(WAC_CRED_ID, STR, credential_id, "c.credential_id") \
	X(WAC_PUBLIC_KEY, STR, public_key, "c.public_key") \
	X(WAC_ALG, INT, alg, "c.alg") \
	X(WAC_SIGN_COUNT, INT, sign_count, "c.sign_count") \
	X(WAC_NAME, STR, name, "c.name") \
	X(WAC_UV, BOOL, uv, "c.uv") \
	X(WAC_BE, BOOL, backup_eligible, "c.backup_eligible") \
	X(WAC_BS, BOOL, backup_state, "c.backup_state") \
	X(WAC_AAGUID, STR, aaguid, "LOWER(HEX(c.aaguid))") \
	X(WAC_TRANSPORTS, STR, transports, "c.transports") \
	X(WAC_CREATED, TS, created_at, "c.created_at") \
	X(WAC_LAST_USED, TS, last_used_at, "c.last_used_at")
#define WEBAUTHN_COLS DB_SELECT(WEBAUTHN_COLUMNS)
#define WEBAUTHN_FROM " FROM webauthn_credential c"

#define SQL_STATEMENTS_WEBAUTHN \
	X(SQL_WEBAUTHN_INSERT, "INSERT INTO webauthn_credential (user_id, credential_id," \
	    " public_key, alg, sign_count, name, uv, backup_eligible, backup_state, aaguid," \
	    " transports) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)") \
	X(SQL_WEBAUTHN_LIST_USER, "SELECT " WEBAUTHN_COLS WEBAUTHN_FROM " WHERE c.user_id = ?" \
	    " ORDER BY c.id") \
	X(SQL_WEBAUTHN_GET_CRED, "SELECT " WEBAUTHN_COLS WEBAUTHN_FROM " WHERE c.credential_id = ?") \
	X(SQL_WEBAUTHN_GET, "SELECT " WEBAUTHN_COLS WEBAUTHN_FROM " WHERE c.id = ? AND c.user_id = ?") \
	X(SQL_WEBAUTHN_USE, "UPDATE webauthn_credential SET sign_count = ?," \
	    " last_used_at = CURRENT_TIMESTAMP(6) WHERE id = ? AND sign_count = ?") \
	X(SQL_WEBAUTHN_RENAME, "UPDATE webauthn_credential SET name = ? WHERE id = ? AND user_id = ?") \
	X(SQL_WEBAUTHN_DELETE, "DELETE FROM webauthn_credential WHERE id = ? AND user_id = ?") \
	X(SQL_WEBAUTHN_DELETE_USER, "DELETE FROM webauthn_credential WHERE user_id = ?") \
	X(SQL_WEBAUTHN_COUNT, "SELECT COUNT(*) FROM webauthn_credential WHERE user_id = ?") \
	X(SQL_WEBAUTHN_HANDLE_GET, "SELECT handle FROM webauthn_user WHERE user_id = ?") \
	X(SQL_WEBAUTHN_HANDLE_INSERT, "INSERT IGNORE INTO webauthn_user (user_id, handle)" \
	    " VALUES (?, ?)") \
	X(SQL_WEBAUTHN_HANDLE_USER, "SELECT user_id FROM webauthn_user WHERE handle = ?")

#endif
