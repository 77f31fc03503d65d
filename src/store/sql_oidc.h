/*
 * sql_oidc.h: statements of the OpenID Connect provider (oidc_client, oidc_consent, the service
 * accounts and the OpenID columns of refresh_tokens; sql/0019).  Part of SQL_STATEMENTS.
 */
#ifndef GH_SQL_OIDC_H
#define GH_SQL_OIDC_H

/* x while the previous secret is still accepted, else none. */
#define OIDC_PREV_LIVE(x, none) "IF(c.previous_secret_expires_at > CURRENT_TIMESTAMP(6), " x \
	", " none ")"

/* A client as the API and the endpoints read it (store/oidc.h). */
#define OIDC_CLIENT_COLUMNS(X) \
	X(OCC_ID, INT, id, "c.id") \
	X(OCC_ORG, INT, organization_id, "c.organization_id") \
	X(OCC_CLIENT_ID, STR, client_id, "c.client_id") \
	X(OCC_NAME, STR, name, "c.name") \
	X(OCC_TYPE, STR, client_type, "c.client_type") \
	X(OCC_SECRET, STR, secret_hash, "LOWER(HEX(c.secret_hash))") \
	X(OCC_PREV_SECRET, STR, previous_secret_hash, \
	    OIDC_PREV_LIVE("LOWER(HEX(c.previous_secret_hash))", "NULL")) \
	X(OCC_PREV_UNTIL, TS, previous_secret_expires_at, \
	    OIDC_PREV_LIVE("c.previous_secret_expires_at", "NULL")) \
	X(OCC_PREV_UNTIL_TS, INT, previous_secret_until, \
	    OIDC_PREV_LIVE("UNIX_TIMESTAMP(c.previous_secret_expires_at)", "0")) \
	X(OCC_REDIRECTS, STR, redirect_uris, "c.redirect_uris") \
	X(OCC_LOGOUT_REDIRECTS, STR, post_logout_redirect_uris, "c.post_logout_redirect_uris") \
	X(OCC_GRANTS, STR, grant_types, "c.grant_types") \
	X(OCC_SCOPES, STR, scopes, "c.scopes") \
	X(OCC_ACCESS_TTL, INT, access_token_ttl, "IFNULL(c.access_token_ttl, 0)") \
	X(OCC_REFRESH_TTL, INT, refresh_token_ttl, "IFNULL(c.refresh_token_ttl, 0)") \
	X(OCC_ID_TTL, INT, id_token_ttl, "c.id_token_ttl") \
	X(OCC_FIRST_PARTY, BOOL, first_party, "c.first_party") \
	X(OCC_ENABLED, BOOL, enabled, "c.enabled") \
	X(OCC_SERVICE_USER, INT, service_user_id, "IFNULL(c.service_user_id, 0)") \
	X(OCC_CREATED, TS, created_at, "c.created_at") \
	X(OCC_UPDATED, TS, updated_at, "c.updated_at")
#define OIDC_CLIENT_COLS DB_SELECT(OIDC_CLIENT_COLUMNS)

/* A consent as GET /api/v1/me/consents shows it. */
#define OIDC_CONSENT_COLUMNS(X) \
	X(OCN_CLIENT_ID, STR, client_id, "c.client_id") \
	X(OCN_NAME, STR, client_name, "c.name") \
	X(OCN_SCOPES, STR, scopes, "k.scopes") \
	X(OCN_GRANTED, TS, granted_at, "k.granted_at") \
	X(OCN_UPDATED, TS, updated_at, "k.updated_at")

#define SQL_STATEMENTS_OIDC \
	X(SQL_OIDC_CLIENT_INSERT, "INSERT INTO oidc_client (organization_id, client_id, name," \
	    " client_type, secret_hash, redirect_uris, post_logout_redirect_uris, grant_types," \
	    " scopes, access_token_ttl, refresh_token_ttl, id_token_ttl, first_party, enabled," \
	    " created_by) SELECT o.id, ?, ?, ?, UNHEX(?), ?, ?, ?, ?, NULLIF(?, 0), NULLIF(?, 0)," \
	    " ?, ?, ?, ? FROM organization o WHERE o.id = ?") \
	DB_GET_STATEMENTS(X, SQL_OIDC_CLIENT_GET, "SELECT " OIDC_CLIENT_COLS " FROM oidc_client c" \
	    " WHERE c.id = ?") \
	X(SQL_OIDC_CLIENT_BY_CLIENT_ID, "SELECT " OIDC_CLIENT_COLS " FROM oidc_client c" \
	    " WHERE c.client_id = ?") \
	X(SQL_OIDC_CLIENT_LIST, "SELECT " OIDC_CLIENT_COLS " FROM oidc_client c" \
	    " WHERE (? = 0 OR c.organization_id = ?) AND (? = 0 OR c.id < ?) ORDER BY c.id DESC" \
	    " LIMIT ?") \
	X(SQL_OIDC_CLIENT_UPDATE, "UPDATE oidc_client SET name = ?, redirect_uris = ?," \
	    " post_logout_redirect_uris = ?, grant_types = ?, scopes = ?," \
	    " access_token_ttl = NULLIF(?, 0), refresh_token_ttl = NULLIF(?, 0), id_token_ttl = ?," \
	    " first_party = ?, enabled = ? WHERE id = ?") \
	X(SQL_OIDC_CLIENT_SET_SERVICE, "UPDATE oidc_client SET service_user_id = ? WHERE id = ?") \
	X(SQL_OIDC_CLIENT_ROTATE, "UPDATE oidc_client SET previous_secret_hash = secret_hash," \
	    " previous_secret_expires_at = IF(? > 0, CURRENT_TIMESTAMP(6) + INTERVAL ? SECOND, NULL)," \
	    " secret_hash = UNHEX(?) WHERE id = ?") \
	X(SQL_OIDC_CLIENT_END_PREVIOUS, "UPDATE oidc_client SET previous_secret_hash = NULL," \
	    " previous_secret_expires_at = NULL WHERE id = ?") \
	X(SQL_OIDC_CLIENT_DELETE, "DELETE FROM oidc_client WHERE id = ?") \
	X(SQL_OIDC_SERVICE_INSERT, "INSERT INTO users (username, kind, email, full_name," \
	    " password_hash, created_by, updated_by) VALUES (?, 'service', ?, ?, NULL, ?, ?)") \
	X(SQL_OIDC_SERVICE_MEMBER, "INSERT INTO user_organization (user_id, organization_id," \
	    " is_primary) VALUES (?, ?, 1)") \
	X(SQL_OIDC_SERVICE_ENABLE, "UPDATE users SET is_enabled = ? WHERE id = ? AND kind = 'service'") \
	X(SQL_OIDC_SERVICE_DELETE, "DELETE FROM users WHERE id = ? AND kind = 'service'") \
	X(SQL_OIDC_CONSENT_GET, "SELECT scopes FROM oidc_consent WHERE user_id = ? AND client_id = ?") \
	X(SQL_OIDC_CONSENT_PUT, "INSERT INTO oidc_consent (user_id, client_id, scopes) VALUES (?, ?, ?)" \
	    " ON DUPLICATE KEY UPDATE scopes = VALUES(scopes)") \
	X(SQL_OIDC_CONSENT_LIST, "SELECT " DB_SELECT(OIDC_CONSENT_COLUMNS) " FROM oidc_consent k" \
	    " JOIN oidc_client c ON c.id = k.client_id WHERE k.user_id = ? ORDER BY k.granted_at, c.id") \
	X(SQL_OIDC_CONSENT_DELETE, "DELETE k FROM oidc_consent k JOIN oidc_client c" \
	    " ON c.id = k.client_id WHERE k.user_id = ? AND c.client_id = ?") \
	X(SQL_OIDC_RT_TAG, "UPDATE refresh_tokens SET oidc_client_id = ?, oidc_scope = ?," \
	    " oidc_auth_time = ? WHERE id = ?") \
	X(SQL_OIDC_RT_CAP, "UPDATE refresh_tokens SET expires_at = LEAST(expires_at," \
	    " CURRENT_TIMESTAMP(6) + INTERVAL ? SECOND) WHERE id = ?") \
	X(SQL_OIDC_RT_REVOKE_USER_CLIENT, "UPDATE refresh_tokens SET revoked_at = CURRENT_TIMESTAMP(6)," \
	    " revoke_reason = ? WHERE user_id = ? AND oidc_client_id = (SELECT id FROM oidc_client" \
	    " WHERE client_id = ?) AND revoked_at IS NULL") \
	X(SQL_OIDC_RT_REVOKE_CLIENT, "UPDATE refresh_tokens SET revoked_at = CURRENT_TIMESTAMP(6)," \
	    " revoke_reason = ? WHERE oidc_client_id = ? AND revoked_at IS NULL") \
	X(SQL_OIDC_FAMILY_LIVE, "SELECT COUNT(*) FROM refresh_tokens WHERE family_id = ?" \
	    " AND revoked_at IS NULL AND rotated_at IS NULL AND expires_at > CURRENT_TIMESTAMP(6)" \
	    " AND session_expires_at > CURRENT_TIMESTAMP(6)")

#endif
