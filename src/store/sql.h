/*
 * sql.h: every SQL statement the program runs, as one enum and one array of text
 * (store/sql.c), kept in step by the SQL_STATEMENTS list.  Parameters are always '?'.
 */
#ifndef GH_SQL_H
#define GH_SQL_H

/*
 * Column tables.  A store declares an entity's columns once, in its sql_<entity>.h, as an
 * X-macro list of X(column enum, kind, struct member, "SQL expression") with kind INT (long
 * long; SQL NULL reads 0, so nullable ids read 0 for none), STR (const char *; NULL stays NULL),
 * BOOL (int 0/1) or TS (a DATETIME(6) expression, selected as RFC 3339 UTC text by DB_TS and
 * read as a STR).  From the one list come:
 *	enum { LIST(DB_COL_ENUM) X__NCOLS };	the column numbers
 *	struct x { LIST(DB_COL_MEMBER) };	the struct (both: DB_STRUCT, below)
 *	"SELECT " DB_SELECT(LIST) " FROM ..."	the SELECT list, in the statements
 *	LIST(DB_COL_READ)			row i of result r into struct *o
 * DB_SELECT ends the list with a NULL column (after the last real one) so that every
 * expression can be followed by a comma.
 */
#define DB_COL_ENUM(e, k, m, sql)	e,
#define DB_COL_SQL(e, k, m, sql)	DB_SQL_##k(sql) ", "
#define DB_SQL_INT(sql)			sql
#define DB_SQL_STR(sql)			sql
#define DB_SQL_BOOL(sql)		sql
#define DB_SQL_TS(sql)			DB_TS(sql)
#define DB_SELECT(LIST)			LIST(DB_COL_SQL) "NULL"
#define DB_COL_MEMBER(e, k, m, sql)	DB_MEMBER_##k m;
#define DB_MEMBER_INT			long long
#define DB_MEMBER_STR			const char *
#define DB_MEMBER_BOOL			int
#define DB_MEMBER_TS			const char *
#define DB_COL_READ(e, k, m, sql)	o->m = DB_READ_##k(r, i, e);
#define DB_READ_INT(r, i, c)		db_int(r, i, c)
#define DB_READ_STR(r, i, c)		db_str(r, i, c)
#define DB_READ_BOOL(r, i, c)		(db_int(r, i, c) != 0)
#define DB_READ_TS(r, i, c)		db_str(r, i, c)
/*
 * DB_COL_ENUMS(name, LIST): enum name_col, the numbers of LIST's columns, then name_col__MAX.
 * DB_STRUCT(name, LIST): struct name, LIST's members, with its DB_COL_ENUMS: an entity's
 * header declares it as DB_STRUCT(team, TEAM_COLUMNS);
 */
#define DB_COL_ENUMS(name, LIST)	enum name##_col { LIST(DB_COL_ENUM) name##_col__MAX }
#define DB_STRUCT(name, LIST)		DB_COL_ENUMS(name, LIST); struct name { LIST(DB_COL_MEMBER) }
/* A row reader for DB_ROWS and DB_GET (store/db.h): static void name(r, i, type *o), LIST's columns. */
#define DB_ROW_READER(name, type, LIST)							\
	static void name(const struct db_result *r, size_t i, type *o) { LIST(DB_COL_READ) }

/* A DATETIME(6) expression c as RFC 3339 UTC text, the form every answer shows times in. */
#define DB_TS(c)	"DATE_FORMAT(" c ", '%Y-%m-%dT%H:%i:%s.%fZ')"

/*
 * The four columns that record who made a row and when (created_at, updated_at as DB_TS text,
 * created_by, updated_by as ids, 0 for none) of the table whose alias prefix is t ("c." or ""),
 * as column table entries P_CREATED, P_UPDATED, P_CBY and P_UBY:
 *	X(COMP_ORDER, INT, display_order, "c.display_order") \
 *	DB_AUDIT_COLUMNS(X, COMP, "c.")
 */
#define DB_AUDIT_COLUMNS(X, P, t) \
	X(P##_CREATED, TS, created_at, t "created_at") \
	X(P##_UPDATED, TS, updated_at, t "updated_at") \
	X(P##_CBY, INT, created_by, t "created_by") \
	X(P##_UBY, INT, updated_by, t "updated_by")

/*
 * The four statements of a keyset-paged list, in the order of its sorts (struct db_keyset in
 * store/db.h): NAME_ID and NAME_ID_DESC by the id expression, NAME_NAME and NAME_NAME_DESC by
 * the text expression key, then id.  select is the statement up to the end of its filters
 * (inside a WHERE); the keyset parameters (db_keyset_params) follow the filters'.
 */
#define DB_KEYSET_STATEMENTS(X, NAME, select, id, key) \
	X(NAME##_ID, select " AND (? = 0 OR " id " > ?) ORDER BY " id " LIMIT ?") \
	X(NAME##_ID_DESC, select " AND (? = 0 OR " id " < ?) ORDER BY " id " DESC LIMIT ?") \
	X(NAME##_NAME, select " AND (? = 0 OR " key " > ? OR (" key " = ? AND " id " > ?))" \
	    " ORDER BY " key ", " id " LIMIT ?") \
	X(NAME##_NAME_DESC, select " AND (? = 0 OR " key " < ? OR (" key " = ? AND " id " < ?))" \
	    " ORDER BY " key " DESC, " id " DESC LIMIT ?")

/*
 * A statement that reads a row and its locking twin, as DB_GET_ID (store/db.h) takes them: NAME
 * runs select, NAME_LOCK runs select FOR UPDATE.
 */
#define DB_GET_STATEMENTS(X, NAME, select) \
	X(NAME, select) \
	X(NAME##_LOCK, select " FOR UPDATE")

#include "store/sql_tables.h"

/*
 * Column groups of the users table that several statements read, like DB_AUDIT_COLUMNS: P is
 * the prefix of the column enums, t the table's alias prefix ("u." or "").
 * USER_FLAG_COLUMNS: the four account flags (docs/api-users.md, "Account state").
 * USER_LOCK_COLUMNS: whether a lock has an end and the seconds left of it, and the
 * permission_version tokens carry (login and refresh decide with them).
 * USER_NAME_COLUMNS: the profile (GET /me, login, refresh).
 */
#define USER_FLAG_COLUMNS(X, P, t) \
	X(P##_ENABLED, BOOL, is_enabled, t "is_enabled") \
	X(P##_NON_EXPIRED, BOOL, is_account_non_expired, t "is_account_non_expired") \
	X(P##_NON_LOCKED, BOOL, is_account_non_locked, t "is_account_non_locked") \
	X(P##_CRED_NON_EXPIRED, BOOL, is_credentials_non_expired, t "is_credentials_non_expired")
#define USER_LOCK_COLUMNS(X, P, t) \
	X(P##_HAS_LOCK_END, BOOL, has_lock_end, t "locked_until IS NOT NULL") \
	X(P##_LOCK_LEFT, INT, lock_left, "GREATEST(0, TIMESTAMPDIFF(SECOND," \
	    " CURRENT_TIMESTAMP(6), IFNULL(" t "locked_until, CURRENT_TIMESTAMP(6))))") \
	X(P##_PV, INT, permission_version, t "permission_version")
#define USER_NAME_COLUMNS(X, P, t) \
	X(P##_USERNAME, STR, username, t "username") \
	X(P##_EMAIL, STR, email, t "email") \
	X(P##_FIRST, STR, first_name, t "first_name") \
	X(P##_LAST, STR, last_name, t "last_name") \
	X(P##_FULL, STR, full_name, t "full_name") \
	X(P##_PHONE, STR, phone_number, t "phone_number") \
	X(P##_IMAGE, STR, profile_image_ref, t "profile_image_ref") \
	X(P##_LAST_LOGIN, TS, last_login, t "last_login") \
	X(P##_EMAIL_VERIFIED_AT, TS, email_verified_at, t "email_verified_at")

/* The columns of a user as login, refresh and password changes see it (store/account.h). */
#define ACCOUNT_COLUMNS(X) \
	X(ULC_ID, INT, id, "id") \
	X(ULC_HASH, STR, password_hash, "password_hash") \
	USER_FLAG_COLUMNS(X, ULC, "") \
	USER_LOCK_COLUMNS(X, ULC, "") \
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
	USER_NAME_COLUMNS(X, PROF, "u.")

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

/*
 * A refresh token row as a refresh reads it (store/refresh.h); REFRESH_TOKEN_COLUMNS is the
 * same with enum prefix P and alias prefix t, for the peek below.
 */
#define REFRESH_TOKEN_COLUMNS(X, P, t) \
	X(P##_ID, INT, id, t "id") \
	X(P##_FAMILY, STR, family_id, t "family_id") \
	X(P##_USER, INT, user_id, t "user_id") \
	X(P##_ORG, INT, organization_id, "IFNULL(" t "organization_id, 0)") \
	X(P##_LIVE, BOOL, live, t "expires_at > CURRENT_TIMESTAMP(6)" \
	    " AND " t "session_expires_at > CURRENT_TIMESTAMP(6)") \
	X(P##_ROTATED, BOOL, rotated, t "rotated_at IS NOT NULL") \
	X(P##_REVOKED, BOOL, revoked, t "revoked_at IS NOT NULL") \
	X(P##_SESSION_END, STR, session_expires_at, t "session_expires_at") \
	X(P##_SESSION_LEFT, INT, session_left, "GREATEST(0, TIMESTAMPDIFF(SECOND," \
	    " CURRENT_TIMESTAMP(6), " t "session_expires_at))") \
	X(P##_AMR, STR, amr, t "amr") \
	X(P##_CLIENT, INT, oidc_client, "IFNULL(" t "oidc_client_id, 0)")
#define REFRESH_COLUMNS(X) \
	REFRESH_TOKEN_COLUMNS(X, RTC, "") \
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
#define REFRESH_PEEK_COLUMNS(X) \
	REFRESH_TOKEN_COLUMNS(X, RPC, "rt.") \
	X(RPC_USER_FOUND, BOOL, user_found, "u.id IS NOT NULL") \
	USER_FLAG_COLUMNS(X, RPC, "u.") \
	USER_LOCK_COLUMNS(X, RPC, "u.") \
	USER_NAME_COLUMNS(X, RPC, "u.") \
	X(RPC_ORG_FOUND, BOOL, org_found, "o.id IS NOT NULL") \
	X(RPC_ORG_SLUG, STR, org_slug, "o.slug") \
	X(RPC_ORG_NAME, STR, org_name, "o.name") \
	X(RPC_ORG_STATUS, STR, org_status, "o.status") \
	X(RPC_MEMBER_STATUS, STR, member_status, "uo.status") \
	X(RPC_MEMBER_SV, INT, member_sv, "uo.session_version") \
	X(RPC_ROLES, STR, roles, "rt.roles") \
	X(RPC_ROLES_KEPT, BOOL, roles_kept, "rt.roles IS NOT NULL" \
	    " AND rt.roles_pv = u.permission_version")

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
	X(SQL_SETUP_TABLES, "SELECT COUNT(*) FROM information_schema.TABLES" \
	    " WHERE TABLE_SCHEMA = DATABASE()") \
	X(SQL_MIG_BINLOG, "SELECT @@log_bin, @@log_bin_trust_function_creators," \
	    " (SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES" \
	    " WHERE PRIVILEGE_TYPE = 'SUPER' AND GRANTEE = CONCAT('''', SUBSTRING_INDEX(CURRENT_USER()," \
	    " '@', 1), '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), ''''))") \
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
	    " expires_at, session_expires_at, client_ip, user_agent, amr, roles, roles_pv)" \
	    " VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP(6) + INTERVAL LEAST(?, ?) SECOND," \
	    " CURRENT_TIMESTAMP(6) + INTERVAL ? SECOND, ?, ?, ?, ?, ?)") \
	X(SQL_RT_INSERT_ROTATED, "INSERT INTO refresh_tokens (token_hash, family_id, user_id, organization_id," \
	    " expires_at, session_expires_at, client_ip, user_agent, amr, roles, roles_pv)" \
	    " VALUES (?, ?, ?, ?, LEAST(CURRENT_TIMESTAMP(6) + INTERVAL ? SECOND, ?), ?, ?, ?, ?, ?, ?)") \
	X(SQL_RT_GET_FOR_UPDATE, "SELECT " DB_SELECT(REFRESH_COLUMNS) \
	    " FROM refresh_tokens WHERE token_hash = ? FOR UPDATE") \
	X(SQL_RT_LIVE_IN_FAMILY, "SELECT " DB_SELECT(REFRESH_COLUMNS) \
	    " FROM refresh_tokens WHERE family_id = ? AND rotated_at IS NULL AND revoked_at IS NULL" \
	    " ORDER BY id DESC LIMIT 1 FOR UPDATE") \
	X(SQL_RT_ROTATE, "UPDATE refresh_tokens SET rotated_at = CURRENT_TIMESTAMP(6), replaced_by = ?" \
	    " WHERE id = ? AND rotated_at IS NULL") \
	/* A rotation in one call (sql/0020): insert, claim and link, commit; answers `claimed`. */ \
	X(SQL_RT_ROTATE_CALL, "CALL refresh_rotate(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)") \
	X(SQL_RT_PEEK, "SELECT " DB_SELECT(REFRESH_PEEK_COLUMNS) " FROM refresh_tokens rt" \
	    " LEFT JOIN users u ON u.id = rt.user_id AND u.deleted_at IS NULL" \
	    " LEFT JOIN user_organization uo ON uo.user_id = rt.user_id" \
	    " AND uo.organization_id = rt.organization_id" \
	    " LEFT JOIN organization o ON o.id = uo.organization_id WHERE rt.token_hash = ?") \
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
