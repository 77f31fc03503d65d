/*
 * sql.h: every SQL statement the program runs, as one enum and one array of text
 * (store/sql.c), kept in step by the SQL_STATEMENTS list.  Parameters are always '?'.
 */
#ifndef GH_SQL_H
#define GH_SQL_H

/*
 * Column tables.  A store declares an entity's columns once, in its sql_<entity>.h, as an
 * X-macro list of X(column enum, kind, struct member, "SQL expression") with kind INT (long
 * long; SQL NULL reads 0, so nullable ids read 0 for none), STR (const char *; NULL stays NULL)
 * or BOOL (int 0/1).  From the one list come:
 *	enum { LIST(DB_COL_ENUM) X__NCOLS };	the column numbers
 *	struct x { LIST(DB_COL_MEMBER) };	the struct
 *	"SELECT " DB_SELECT(LIST) " FROM ..."	the SELECT list, in the statements
 *	LIST(DB_COL_READ)			row i of result r into struct *o
 * DB_SELECT ends the list with a NULL column (after the last real one) so that every
 * expression can be followed by a comma.
 */
#define DB_COL_ENUM(e, k, m, sql)	e,
#define DB_COL_SQL(e, k, m, sql)	sql ", "
#define DB_SELECT(LIST)			LIST(DB_COL_SQL) "NULL"
#define DB_COL_MEMBER(e, k, m, sql)	DB_MEMBER_##k m;
#define DB_MEMBER_INT			long long
#define DB_MEMBER_STR			const char *
#define DB_MEMBER_BOOL			int
#define DB_COL_READ(e, k, m, sql)	o->m = DB_READ_##k(r, i, e);
#define DB_READ_INT(r, i, c)		db_int(r, i, c)
#define DB_READ_STR(r, i, c)		db_str(r, i, c)
#define DB_READ_BOOL(r, i, c)		(db_int(r, i, c) != 0)
/* A row reader for DB_ROWS and DB_GET (store/db.h): static void name(r, i, type *o), LIST's columns. */
#define DB_ROW_READER(name, type, LIST)							\
	static void name(const struct db_result *r, size_t i, type *o) { LIST(DB_COL_READ) }

#include "store/sql_tables.h"

/* The columns of a user as login, refresh and password changes see it (store/account.h). */
#define ACCOUNT_COLUMNS(X) \
	X(ULC_ID, INT, id, "id") \
	X(ULC_HASH, STR, password_hash, "password_hash") \
	X(ULC_ENABLED, BOOL, is_enabled, "is_enabled") \
	X(ULC_NON_EXPIRED, BOOL, is_account_non_expired, "is_account_non_expired") \
	X(ULC_NON_LOCKED, BOOL, is_account_non_locked, "is_account_non_locked") \
	X(ULC_CRED_NON_EXPIRED, BOOL, is_credentials_non_expired, "is_credentials_non_expired") \
	X(ULC_HAS_LOCK_END, BOOL, has_lock_end, "locked_until IS NOT NULL") \
	X(ULC_LOCK_LEFT, INT, lock_left, "GREATEST(0, TIMESTAMPDIFF(SECOND," \
	    " CURRENT_TIMESTAMP(6), IFNULL(locked_until, CURRENT_TIMESTAMP(6))))") \
	X(ULC_PV, INT, permission_version, "permission_version") \
	X(ULC_USERNAME, STR, username, "username") \
	X(ULC_EMAIL, STR, email, "email") \
	X(ULC_EMAIL_VERIFIED, BOOL, email_verified, "email_verified_at IS NOT NULL")
#define USER_LOGIN_COLS DB_SELECT(ACCOUNT_COLUMNS)

enum user_login_col { ACCOUNT_COLUMNS(DB_COL_ENUM) ULC__NCOLS };

/* The organization of a session and the membership there (store/account.h). */
#define SESSION_ORG_COLUMNS(X) \
	X(SOC_ID, INT, id, "o.id") \
	X(SOC_SLUG, STR, slug, "o.slug") \
	X(SOC_NAME, STR, name, "o.name") \
	X(SOC_STATUS, STR, status, "o.status") \
	X(SOC_MEMBER_STATUS, STR, member_status, "uo.status") \
	X(SOC_MEMBER_SV, INT, session_version, "uo.session_version")
#define SESSION_ORG_COLS DB_SELECT(SESSION_ORG_COLUMNS)

enum session_org_col { SESSION_ORG_COLUMNS(DB_COL_ENUM) SOC__NCOLS };

/* The user as GET /me shows it (store/user.h: a struct user with these members set). */
#define USER_PROFILE_COLUMNS(X) \
	X(PROF_ID, INT, id, "u.id") \
	X(PROF_USERNAME, STR, username, "u.username") \
	X(PROF_EMAIL, STR, email, "u.email") \
	X(PROF_FIRST, STR, first_name, "u.first_name") \
	X(PROF_LAST, STR, last_name, "u.last_name") \
	X(PROF_FULL, STR, full_name, "u.full_name") \
	X(PROF_PHONE, STR, phone_number, "u.phone_number") \
	X(PROF_IMAGE, STR, profile_image_ref, "u.profile_image_ref") \
	X(PROF_LAST_LOGIN, STR, last_login, UTS_("u.last_login")) \
	X(PROF_EMAIL_VERIFIED_AT, STR, email_verified_at, UTS_("u.email_verified_at"))

enum user_profile_col { USER_PROFILE_COLUMNS(DB_COL_ENUM) PROF__NCOLS };

/* An organization the user belongs to, with the membership (GET /me, /me/organizations). */
#define USER_ORG_COLUMNS(X) \
	X(UORG_ID, INT, id, "o.id") \
	X(UORG_SLUG, STR, slug, "o.slug") \
	X(UORG_NAME, STR, name, "o.name") \
	X(UORG_PRIMARY, BOOL, is_primary, "uo.is_primary") \
	X(UORG_STATUS, STR, status, "o.status") \
	X(UORG_MEMBER_STATUS, STR, member_status, "uo.status") \
	X(UORG_THEMED, BOOL, has_theme, "EXISTS (SELECT 1 FROM org_theme t" \
	    " WHERE t.organization_id = o.id)")

enum user_org_col { USER_ORG_COLUMNS(DB_COL_ENUM) UORG__NCOLS };

/* A refresh token row as a refresh reads it (store/refresh.h). */
#define REFRESH_COLUMNS(X) \
	X(RTC_ID, INT, id, "id") \
	X(RTC_FAMILY, STR, family_id, "family_id") \
	X(RTC_USER, INT, user_id, "user_id") \
	X(RTC_ORG, INT, organization_id, "IFNULL(organization_id, 0)") \
	X(RTC_LIVE, BOOL, live, "expires_at > CURRENT_TIMESTAMP(6)" \
	    " AND session_expires_at > CURRENT_TIMESTAMP(6)") \
	X(RTC_ROTATED, BOOL, rotated, "rotated_at IS NOT NULL") \
	X(RTC_REVOKED, BOOL, revoked, "revoked_at IS NOT NULL") \
	X(RTC_SESSION_END, STR, session_expires_at, "session_expires_at") \
	X(RTC_SESSION_LEFT, INT, session_left, "GREATEST(0, TIMESTAMPDIFF(SECOND," \
	    " CURRENT_TIMESTAMP(6), session_expires_at))") \
	X(RTC_AMR, STR, amr, "amr") \
	X(RTC_CLIENT, INT, oidc_client, "IFNULL(oidc_client_id, 0)") \
	X(RTC_SCOPE, STR, oidc_scope, "oidc_scope") \
	X(RTC_AUTH_TIME, INT, oidc_auth_time, "IFNULL(oidc_auth_time, 0)")

enum refresh_col { REFRESH_COLUMNS(DB_COL_ENUM) RTC__NCOLS };

/*
 * What a refresh reads before it rotates (store/refresh.h, store_refresh_peek): the token's
 * row, its user's flags, permission_version and profile, the membership in the token's
 * organization and that organization, and the roles held there (platform-wide ones too), in one
 * statement without a lock.  A missing user or membership reads as NULLs (user_found,
 * org_found 0).
 */
#define RT_TS_(c)	"DATE_FORMAT(" c ", '%Y-%m-%dT%H:%i:%s.%fZ')"
#define REFRESH_PEEK_COLUMNS(X) \
	X(RPC_ID, INT, id, "rt.id") \
	X(RPC_FAMILY, STR, family_id, "rt.family_id") \
	X(RPC_USER, INT, user_id, "rt.user_id") \
	X(RPC_ORG, INT, organization_id, "IFNULL(rt.organization_id, 0)") \
	X(RPC_LIVE, BOOL, live, "rt.expires_at > CURRENT_TIMESTAMP(6)" \
	    " AND rt.session_expires_at > CURRENT_TIMESTAMP(6)") \
	X(RPC_ROTATED, BOOL, rotated, "rt.rotated_at IS NOT NULL") \
	X(RPC_REVOKED, BOOL, revoked, "rt.revoked_at IS NOT NULL") \
	X(RPC_SESSION_END, STR, session_expires_at, "rt.session_expires_at") \
	X(RPC_AMR, STR, amr, "rt.amr") \
	X(RPC_CLIENT, INT, oidc_client, "IFNULL(rt.oidc_client_id, 0)") \
	X(RPC_SESSION_LEFT, INT, session_left, "GREATEST(0, TIMESTAMPDIFF(SECOND," \
	    " CURRENT_TIMESTAMP(6), rt.session_expires_at))") \
	X(RPC_USER_FOUND, BOOL, user_found, "u.id IS NOT NULL") \
	X(RPC_ENABLED, BOOL, is_enabled, "u.is_enabled") \
	X(RPC_NON_EXPIRED, BOOL, is_account_non_expired, "u.is_account_non_expired") \
	X(RPC_NON_LOCKED, BOOL, is_account_non_locked, "u.is_account_non_locked") \
	X(RPC_CRED_NON_EXPIRED, BOOL, is_credentials_non_expired, "u.is_credentials_non_expired") \
	X(RPC_HAS_LOCK_END, BOOL, has_lock_end, "u.locked_until IS NOT NULL") \
	X(RPC_LOCK_LEFT, INT, lock_left, "GREATEST(0, TIMESTAMPDIFF(SECOND," \
	    " CURRENT_TIMESTAMP(6), IFNULL(u.locked_until, CURRENT_TIMESTAMP(6))))") \
	X(RPC_PV, INT, permission_version, "u.permission_version") \
	X(RPC_USERNAME, STR, username, "u.username") \
	X(RPC_EMAIL, STR, email, "u.email") \
	X(RPC_FIRST, STR, first_name, "u.first_name") \
	X(RPC_LAST, STR, last_name, "u.last_name") \
	X(RPC_FULL, STR, full_name, "u.full_name") \
	X(RPC_PHONE, STR, phone_number, "u.phone_number") \
	X(RPC_IMAGE, STR, profile_image_ref, "u.profile_image_ref") \
	X(RPC_LAST_LOGIN, STR, last_login, RT_TS_("u.last_login")) \
	X(RPC_EMAIL_VERIFIED_AT, STR, email_verified_at, RT_TS_("u.email_verified_at")) \
	X(RPC_ORG_FOUND, BOOL, org_found, "o.id IS NOT NULL") \
	X(RPC_ORG_SLUG, STR, org_slug, "o.slug") \
	X(RPC_ORG_NAME, STR, org_name, "o.name") \
	X(RPC_ORG_STATUS, STR, org_status, "o.status") \
	X(RPC_MEMBER_STATUS, STR, member_status, "uo.status") \
	X(RPC_MEMBER_SV, INT, member_sv, "uo.session_version") \
	X(RPC_ROLES, STR, roles, "(SELECT GROUP_CONCAT(DISTINCT r.name ORDER BY r.name" \
	    " SEPARATOR ',') FROM user_roles ur JOIN roles r ON r.id = ur.role_id" \
	    " WHERE ur.user_id = rt.user_id AND (ur.organization_id = rt.organization_id" \
	    " OR ur.organization_id IS NULL))")

enum refresh_peek_col { REFRESH_PEEK_COLUMNS(DB_COL_ENUM) RPC__NCOLS };


/* A membership session_version is at least the current time in microseconds (sql/0013). */
#define MEMBER_SV_NOW "CAST(UNIX_TIMESTAMP(CURRENT_TIMESTAMP(6)) * 1000000 AS UNSIGNED)"

#define SQL_STATEMENTS \
	X(SQL_PING, "SELECT 1") \
	X(SQL_MIG_CREATE, "CREATE TABLE IF NOT EXISTS schema_migrations (" \
	    " version INT UNSIGNED NOT NULL PRIMARY KEY," \
	    " name VARCHAR(255) NOT NULL," \
	    " checksum CHAR(64) NOT NULL," \
	    " applied_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)," \
	    " duration_ms INT UNSIGNED NOT NULL DEFAULT 0" \
	    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4") \
	X(SQL_MIG_LOCK, "SELECT GET_LOCK('gatehouse_migrate', 60)") \
	X(SQL_MIG_UNLOCK, "SELECT RELEASE_LOCK('gatehouse_migrate')") \
	X(SQL_MIG_LIST, "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version") \
	X(SQL_MIG_INSERT, "INSERT INTO schema_migrations (version, name, checksum, duration_ms) VALUES (?, ?, ?, ?)") \
	X(SQL_MIG_IDENT_ROWS, "SELECT id, username, email FROM users" \
	    " WHERE CAST(username AS BINARY) <> CAST(LOWER(TRIM(username)) AS BINARY)" \
	    " OR LENGTH(username) <> CHAR_LENGTH(username)" \
	    " OR CAST(email AS BINARY) <> CAST(LOWER(TRIM(email)) AS BINARY)" \
	    " OR LENGTH(email) <> CHAR_LENGTH(email) ORDER BY id") \
	X(SQL_MIG_IDENT_SET_USERNAME, "UPDATE users SET username = ? WHERE id = ?") \
	X(SQL_MIG_IDENT_SET_EMAIL, "UPDATE users SET email = ? WHERE id = ?") \
	X(SQL_ADMIN_USER_INSERT, "INSERT INTO users (username, email, full_name, password_hash," \
	    " password_changed_at) VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP(6))") \
	X(SQL_ADMIN_ROLE_GRANT, "INSERT INTO user_roles (user_id, role_id, organization_id)" \
	    " SELECT ?, id, NULL FROM roles WHERE name = 'platform_admin' AND organization_id IS NULL") \
	X(SQL_ADMIN_SET_PRIMARY_ROLE, "UPDATE users SET role_id = (SELECT id FROM roles" \
	    " WHERE name = 'platform_admin' AND organization_id IS NULL) WHERE id = ?") \
	X(SQL_AUTHZ_ROLES, "SELECT " ROLE_COLS " FROM roles r") \
	X(SQL_AUTHZ_ROLE_PERMS, "SELECT " DB_SELECT(ROLE_PERM_COLUMNS) " FROM role_permissions" \
	    " ORDER BY role_id") \
	X(SQL_AUTHZ_PERMS, "SELECT " PERM_COLS " FROM permissions p") \
	X(SQL_AUTHZ_ENDPOINTS, "SELECT " EP_COLS " FROM permission_api_endpoints e" \
	    " JOIN permissions p ON p.id = e.permission_id WHERE e.is_active = 1") \
	X(SQL_USER_LOGIN_BY_NAME, "SELECT " USER_LOGIN_COLS " FROM users WHERE username = ? AND deleted_at IS NULL") \
	X(SQL_USER_LOGIN_BY_EMAIL, "SELECT " USER_LOGIN_COLS " FROM users WHERE email = ? AND deleted_at IS NULL") \
	X(SQL_USER_LOGIN_BY_ID, "SELECT " USER_LOGIN_COLS " FROM users WHERE id = ? AND deleted_at IS NULL") \
	X(SQL_USER_PV, "SELECT permission_version FROM users WHERE id = ? AND deleted_at IS NULL") \
	X(SQL_USER_LOGIN_OK, "UPDATE users SET last_login = CURRENT_TIMESTAMP(6), failed_login_count = 0," \
	    " last_failed_login = NULL WHERE id = ?") \
	X(SQL_USER_REHASH, "UPDATE users SET password_hash = ? WHERE id = ?") \
	X(SQL_USER_LOCK, "UPDATE users SET is_account_non_locked = 0," \
	    " locked_until = CURRENT_TIMESTAMP(6) + INTERVAL ? SECOND, failed_login_count = ?," \
	    " last_failed_login = CURRENT_TIMESTAMP(6) WHERE id = ?") \
	X(SQL_USER_UNLOCK_EXPIRED, "UPDATE users SET is_account_non_locked = 1, locked_until = NULL," \
	    " failed_login_count = 0 WHERE id = ? AND is_account_non_locked = 0" \
	    " AND locked_until IS NOT NULL AND locked_until <= CURRENT_TIMESTAMP(6)") \
	X(SQL_USER_BUMP_PV, "UPDATE users SET permission_version = permission_version + 1 WHERE id = ?") \
	X(SQL_USER_SET_PASSWORD, "UPDATE users SET password_hash = ?, password_changed_at = CURRENT_TIMESTAMP(6)," \
	    " is_credentials_non_expired = 1, permission_version = permission_version + 1 WHERE id = ?") \
	X(SQL_USER_PROFILE, "SELECT " DB_SELECT(USER_PROFILE_COLUMNS) " FROM users u" \
	    " WHERE u.id = ? AND u.deleted_at IS NULL") \
	X(SQL_USER_ORGS, "SELECT " DB_SELECT(USER_ORG_COLUMNS) " FROM user_organization uo" \
	    " JOIN organization o ON o.id = uo.organization_id WHERE uo.user_id = ?" \
	    " ORDER BY uo.is_primary DESC, o.name") \
	X(SQL_ORG_PRIMARY, "SELECT " SESSION_ORG_COLS " FROM user_organization uo" \
	    " JOIN organization o ON o.id = uo.organization_id WHERE uo.user_id = ?" \
	    " ORDER BY uo.status = 'active' DESC, uo.is_primary DESC, uo.joined_at, o.id LIMIT 1") \
	X(SQL_ORG_MEMBER_BY_SLUG, "SELECT " SESSION_ORG_COLS " FROM organization o" \
	    " JOIN user_organization uo ON uo.organization_id = o.id AND uo.user_id = ? WHERE o.slug = ?") \
	X(SQL_ORG_MEMBER_BY_ID, "SELECT " SESSION_ORG_COLS " FROM organization o" \
	    " JOIN user_organization uo ON uo.organization_id = o.id AND uo.user_id = ? WHERE o.id = ?") \
	X(SQL_MEMBER_SV, "SELECT session_version FROM user_organization" \
	    " WHERE user_id = ? AND organization_id = ?") \
	X(SQL_MEMBER_BUMP, "UPDATE user_organization SET session_version =" \
	    " GREATEST(session_version + 1, " MEMBER_SV_NOW ") WHERE user_id = ? AND organization_id = ?") \
	X(SQL_RT_REVOKE_USER_ORG, "UPDATE refresh_tokens SET revoked_at = CURRENT_TIMESTAMP(6)," \
	    " revoke_reason = ? WHERE user_id = ? AND organization_id = ? AND revoked_at IS NULL") \
	X(SQL_USER_ROLE_NAMES, "SELECT DISTINCT r.name FROM user_roles ur JOIN roles r ON r.id = ur.role_id" \
	    " WHERE ur.user_id = ? AND (ur.organization_id = ? OR ur.organization_id IS NULL) ORDER BY r.name") \
	X(SQL_RT_INSERT_NEW, "INSERT INTO refresh_tokens (token_hash, family_id, user_id, organization_id," \
	    " expires_at, session_expires_at, client_ip, user_agent, amr) VALUES (?, ?, ?, ?," \
	    " CURRENT_TIMESTAMP(6) + INTERVAL LEAST(?, ?) SECOND, CURRENT_TIMESTAMP(6) + INTERVAL ? SECOND," \
	    " ?, ?, ?)") \
	X(SQL_RT_INSERT_ROTATED, "INSERT INTO refresh_tokens (token_hash, family_id, user_id, organization_id," \
	    " expires_at, session_expires_at, client_ip, user_agent, amr) VALUES (?, ?, ?, ?," \
	    " LEAST(CURRENT_TIMESTAMP(6) + INTERVAL ? SECOND, ?), ?, ?, ?, ?)") \
	X(SQL_RT_GET_FOR_UPDATE, "SELECT " DB_SELECT(REFRESH_COLUMNS) \
	    " FROM refresh_tokens WHERE token_hash = ? FOR UPDATE") \
	X(SQL_RT_LIVE_IN_FAMILY, "SELECT " DB_SELECT(REFRESH_COLUMNS) \
	    " FROM refresh_tokens WHERE family_id = ? AND rotated_at IS NULL AND revoked_at IS NULL" \
	    " ORDER BY id DESC LIMIT 1 FOR UPDATE") \
	X(SQL_RT_ROTATE, "UPDATE refresh_tokens SET rotated_at = CURRENT_TIMESTAMP(6), replaced_by = ?" \
	    " WHERE id = ? AND rotated_at IS NULL") \
	X(SQL_RT_LINK, "UPDATE refresh_tokens SET replaced_by = ? WHERE id = ?") \
	X(SQL_RT_PEEK, "SELECT " DB_SELECT(REFRESH_PEEK_COLUMNS) " FROM refresh_tokens rt" \
	    " LEFT JOIN users u ON u.id = rt.user_id AND u.deleted_at IS NULL" \
	    " LEFT JOIN user_organization uo ON uo.user_id = rt.user_id" \
	    " AND uo.organization_id = rt.organization_id" \
	    " LEFT JOIN organization o ON o.id = uo.organization_id WHERE rt.token_hash = ?") \
	/* A rotation's claim: the token, if still live and unrotated (store_refresh_claim). */ \
	X(SQL_RT_CLAIM, "UPDATE refresh_tokens SET rotated_at = CURRENT_TIMESTAMP(6)" \
	    " WHERE token_hash = ? AND rotated_at IS NULL AND revoked_at IS NULL" \
	    " AND expires_at > CURRENT_TIMESTAMP(6) AND session_expires_at > CURRENT_TIMESTAMP(6)") \
	X(SQL_RT_REVOKE_FAMILY, "UPDATE refresh_tokens SET revoked_at = CURRENT_TIMESTAMP(6), revoke_reason = ?" \
	    " WHERE family_id = ? AND revoked_at IS NULL") \
	X(SQL_RT_REVOKE_USER, "UPDATE refresh_tokens SET revoked_at = CURRENT_TIMESTAMP(6), revoke_reason = ?" \
	    " WHERE user_id = ? AND revoked_at IS NULL") \
	X(SQL_RT_REVOKE_USER_EXCEPT, "UPDATE refresh_tokens SET revoked_at = CURRENT_TIMESTAMP(6)," \
	    " revoke_reason = ? WHERE user_id = ? AND family_id <> ? AND revoked_at IS NULL") \
	X(SQL_AUDIT_INSERT, "INSERT INTO audit_log (actor_user_id, organization_id, action, target_type," \
	    " target_id, outcome, reason, client_ip, request_id, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)") \
	SQL_STATEMENTS_TABLES

enum sql_id {
#define X(id, text) id,
	SQL_STATEMENTS
#undef X
	SQL__MAX
};

extern const char *const sql_text[SQL__MAX];
extern const char *const sql_name[SQL__MAX];

#endif
