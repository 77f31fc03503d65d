/*
 * sql_sessions.h: a user's sessions as the session lists show them (store/sessions.h): each
 * live refresh-token family, read from its newest token.
 */
#ifndef GH_SQL_SESSIONS_H
#define GH_SQL_SESSIONS_H

/* A session: created is its first token's issue, last_used its newest's (login or refresh). */
#define SESSION_COLUMNS(X) \
	X(SESS_FAMILY, STR, family, "r.family_id") \
	X(SESS_CREATED, STR, created_at, "(SELECT " DB_TS("MIN(f.issued_at)") \
	    " FROM refresh_tokens f WHERE f.family_id = r.family_id)") \
	X(SESS_LAST_USED, TS, last_used_at, "r.issued_at") \
	X(SESS_EXPIRES, TS, expires_at, "LEAST(r.expires_at, r.session_expires_at)") \
	X(SESS_IP, STR, client_ip, "r.client_ip") \
	X(SESS_UA, STR, user_agent, "r.user_agent") \
	X(SESS_ORG, INT, organization_id, "r.organization_id") \
	X(SESS_ORG_SLUG, STR, organization_slug, "o.slug") \
	X(SESS_ORG_NAME, STR, organization_name, "o.name") \
	X(SESS_AMR, STR, amr, "r.amr")

/* org 0: every organization's sessions; else only those of org. */
#define SQL_STATEMENTS_SESSIONS \
	X(SQL_SESSION_LIST, "SELECT " DB_SELECT(SESSION_COLUMNS) " FROM refresh_tokens r" \
	    " LEFT JOIN organization o ON o.id = r.organization_id" \
	    " WHERE r.user_id = ? AND r.revoked_at IS NULL AND r.rotated_at IS NULL" \
	    " AND r.expires_at > CURRENT_TIMESTAMP(6) AND r.session_expires_at > CURRENT_TIMESTAMP(6)" \
	    " AND (? = 0 OR r.organization_id = ?) ORDER BY r.issued_at DESC, r.id DESC LIMIT 500") \
	X(SQL_SESSION_END, "UPDATE refresh_tokens SET revoked_at = CURRENT_TIMESTAMP(6)," \
	    " revoke_reason = ? WHERE user_id = ? AND family_id = ? AND revoked_at IS NULL" \
	    " AND (? = 0 OR organization_id = ?)")

#endif
