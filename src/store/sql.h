/*
 * sql.h: every SQL statement the program runs, as one enum and one array of text
 * (store/sql.c), kept in step by the SQL_STATEMENTS list.  Parameters are always '?'.
 */
#ifndef GH_SQL_H
#define GH_SQL_H

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
	X(SQL_ADMIN_USER_INSERT, "INSERT INTO users (username, email, full_name, password_hash," \
	    " password_changed_at) VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP(6))") \
	X(SQL_ADMIN_ROLE_GRANT, "INSERT INTO user_roles (user_id, role_id, organization_id)" \
	    " SELECT ?, id, NULL FROM roles WHERE name = 'platform_admin' AND organization_id IS NULL") \
	X(SQL_ADMIN_SET_PRIMARY_ROLE, "UPDATE users SET role_id = (SELECT id FROM roles" \
	    " WHERE name = 'platform_admin' AND organization_id IS NULL) WHERE id = ?") \
	SQL_STATEMENTS_AUTH

#ifndef SQL_STATEMENTS_AUTH
#define SQL_STATEMENTS_AUTH
#endif

enum sql_id {
#define X(id, text) id,
	SQL_STATEMENTS
#undef X
	SQL__MAX
};

extern const char *const sql_text[SQL__MAX];
extern const char *const sql_name[SQL__MAX];

#endif
