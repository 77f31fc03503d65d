/*
 * sql_rbac.h: statements of the authorization admin API (roles, permissions, endpoint
 * mappings, user roles).  Part of the SQL_STATEMENTS list in store/sql.h.
 */
#ifndef GH_SQL_RBAC_H
#define GH_SQL_RBAC_H

/* The columns of a role, a permission and an endpoint mapping (store/sql.h, "Column tables"). */
#define ROLE_COLUMNS(X) \
	X(ROLE_ID, INT, id, "r.id") \
	X(ROLE_NAME, STR, name, "r.name") \
	X(ROLE_DESC, STR, description, "r.description") \
	X(ROLE_ORG, INT, organization_id, "r.organization_id") \
	X(ROLE_SCOPE, STR, scope, "r.scope") \
	X(ROLE_SYSTEM, BOOL, is_system, "r.is_system") \
	X(ROLE_CREATED, TS, created_at, "r.created_at") \
	X(ROLE_UPDATED, TS, updated_at, "r.updated_at")
/* A role as the list reads it: with the names of its permissions, comma separated. */
#define ROLE_LIST_COLUMNS(X) ROLE_COLUMNS(X) \
	X(ROLE_PERM_NAMES, STR, perm_names, "(SELECT GROUP_CONCAT(p.name ORDER BY p.name" \
	    " SEPARATOR ',') FROM role_permissions rp JOIN permissions p ON p.id = rp.permission_id" \
	    " WHERE rp.role_id = r.id)")
#define ROLE_COLS DB_SELECT(ROLE_COLUMNS)

#define PERM_COLUMNS(X) \
	X(PERM_ID, INT, id, "p.id") \
	X(PERM_NAME, STR, name, "p.name") \
	X(PERM_MODULE, STR, module, "p.module") \
	X(PERM_DESC, STR, description, "p.description") \
	X(PERM_SYSTEM, BOOL, is_system, "p.is_system") \
	X(PERM_CREATED, TS, created_at, "p.created_at") \
	X(PERM_UPDATED, TS, updated_at, "p.updated_at")
#define PERM_COLS DB_SELECT(PERM_COLUMNS)

#define EP_COLUMNS(X) \
	X(EP_ID, INT, id, "e.id") \
	X(EP_PERM, STR, permission, "p.name") \
	X(EP_PERM_ID, INT, permission_id, "e.permission_id") \
	X(EP_ENDPOINT, STR, api_endpoint, "e.api_endpoint") \
	X(EP_METHOD, STR, http_method, "e.http_method") \
	X(EP_DESC, STR, description, "e.description") \
	X(EP_ACTIVE, BOOL, is_active, "e.is_active") \
	X(EP_REQUIRES_MFA, BOOL, requires_mfa, "e.requires_mfa") \
	X(EP_CREATED, TS, created_at, "e.created_at") \
	X(EP_UPDATED, TS, updated_at, "e.updated_at")
#define EP_COLS DB_SELECT(EP_COLUMNS)

/* A permission a role grants (the authorization cache reads them all). */
#define ROLE_PERM_COLUMNS(X) \
	X(ROLE_PERM_ROLE, INT, role_id, "role_id") \
	X(ROLE_PERM_PERM, INT, permission_id, "permission_id")

/* A role a user holds: ur.organization_id is NULL (0) for a platform role. */
#define USER_ROLE_COLUMNS(X) \
	X(USER_ROLE_ROLE, INT, role_id, "r.id") \
	X(USER_ROLE_NAME, STR, name, "r.name") \
	X(USER_ROLE_SCOPE, STR, scope, "r.scope") \
	X(USER_ROLE_ORG, INT, organization_id, "ur.organization_id")
#define USER_ROLE_COLS DB_SELECT(USER_ROLE_COLUMNS)

#define SQL_STATEMENTS_RBAC \
	X(SQL_ROLE_LIST, "SELECT " DB_SELECT(ROLE_LIST_COLUMNS) " FROM roles r WHERE r.id > ?" \
	    " AND (? = 1 OR r.organization_id IS NULL OR r.organization_id = ?)" \
	    " AND (? = 0 OR r.org_key = ?) AND (? = '' OR r.scope = ?) ORDER BY r.id LIMIT ?") \
	DB_GET_STATEMENTS(X, SQL_ROLE_GET, "SELECT " ROLE_COLS " FROM roles r WHERE r.id = ?") \
	X(SQL_ROLE_PERMS, "SELECT " PERM_COLS " FROM role_permissions rp" \
	    " JOIN permissions p ON p.id = rp.permission_id WHERE rp.role_id = ? ORDER BY p.name") \
	X(SQL_ROLE_INSERT, "INSERT INTO roles (name, description, organization_id, scope, created_by," \
	    " updated_by) VALUES (?, ?, ?, ?, ?, ?)") \
	X(SQL_ROLE_SHARED_NAME, "SELECT id FROM roles WHERE organization_id IS NULL AND name = ? AND id <> ?") \
	X(SQL_ROLE_NAME_IN_ORGS, "SELECT id FROM roles WHERE organization_id IS NOT NULL AND name = ? AND id <> ?") \
	X(SQL_ROLE_UPDATE, "UPDATE roles SET name = ?, description = ?, updated_by = ? WHERE id = ?") \
	X(SQL_ROLE_TOUCH, "UPDATE roles SET updated_by = ?, updated_at = CURRENT_TIMESTAMP(6) WHERE id = ?") \
	X(SQL_ROLE_DELETE, "DELETE FROM roles WHERE id = ?") \
	X(SQL_ROLE_PERM_ADD, "INSERT INTO role_permissions (role_id, permission_id, created_by)" \
	    " VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE role_id = role_id") \
	X(SQL_ROLE_PERM_DEL, "DELETE FROM role_permissions WHERE role_id = ? AND permission_id = ?") \
	X(SQL_ROLE_PERM_CLEAR, "DELETE FROM role_permissions WHERE role_id = ?") \
	X(SQL_ROLE_HOLDERS_BUMP, "UPDATE users SET permission_version = permission_version + 1" \
	    " WHERE id IN (SELECT user_id FROM user_roles WHERE role_id = ?)") \
	X(SQL_ROLE_HOLDERS_PV, "SELECT u.id, u.permission_version FROM users u WHERE u.id IN" \
	    " (SELECT user_id FROM user_roles WHERE role_id = ?)") \
	X(SQL_PERM_ID_BY_NAME, "SELECT id FROM permissions WHERE name = ?") \
	X(SQL_PERM_LIST, "SELECT " PERM_COLS " FROM permissions p WHERE p.id > ?" \
	    " AND (? = '' OR p.module = ?) ORDER BY p.id LIMIT ?") \
	DB_GET_STATEMENTS(X, SQL_PERM_GET, "SELECT " PERM_COLS " FROM permissions p WHERE p.id = ?") \
	X(SQL_PERM_INSERT, "INSERT INTO permissions (name, module, description, created_by, updated_by)" \
	    " VALUES (?, ?, ?, ?, ?)") \
	X(SQL_PERM_UPDATE, "UPDATE permissions SET module = ?, description = ?, updated_by = ? WHERE id = ?") \
	X(SQL_PERM_USES, "SELECT (SELECT COUNT(*) FROM role_permissions WHERE permission_id = ?)," \
	    " (SELECT COUNT(*) FROM permission_api_endpoints WHERE permission_id = ?)") \
	X(SQL_PERM_DELETE, "DELETE FROM permissions WHERE id = ?") \
	X(SQL_EP_LIST, "SELECT " EP_COLS " FROM permission_api_endpoints e JOIN permissions p" \
	    " ON p.id = e.permission_id WHERE e.id > ? AND (? = '' OR p.name = ?)" \
	    " AND (? = '' OR e.http_method = ?) AND (? < 0 OR e.is_active = ?) ORDER BY e.id LIMIT ?") \
	DB_GET_STATEMENTS(X, SQL_EP_GET, "SELECT " EP_COLS " FROM permission_api_endpoints e" \
	    " JOIN permissions p ON p.id = e.permission_id WHERE e.id = ?") \
	X(SQL_EP_INSERT, "INSERT INTO permission_api_endpoints (permission_id, api_endpoint, http_method," \
	    " description, is_active, requires_mfa, created_by, updated_by)" \
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)") \
	X(SQL_EP_UPDATE, "UPDATE permission_api_endpoints SET api_endpoint = ?, http_method = ?," \
	    " description = ?, is_active = ?, requires_mfa = ?, updated_by = ? WHERE id = ?") \
	X(SQL_EP_DELETE, "DELETE FROM permission_api_endpoints WHERE id = ?") \
	X(SQL_UR_LIST, "SELECT " USER_ROLE_COLS " FROM user_roles ur" \
	    " JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = ?" \
	    " AND (ur.organization_id = ? OR ur.organization_id IS NULL) ORDER BY r.name") \
	X(SQL_UR_USER_EXISTS, "SELECT 1 FROM users WHERE id = ? AND deleted_at IS NULL") \
	X(SQL_UR_ADD, "INSERT INTO user_roles (user_id, role_id, organization_id, created_by)" \
	    " VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE user_id = user_id") \
	X(SQL_UR_DEL, "DELETE FROM user_roles WHERE user_id = ? AND role_id = ? AND org_key = ?") \
	X(SQL_UR_CLEAR_ORG, "DELETE FROM user_roles WHERE user_id = ? AND organization_id = ?") \
	X(SQL_ROLE_ID_BY_NAME, "SELECT " ROLE_COLS " FROM roles r WHERE r.name = ?" \
	    " AND (r.organization_id = ? OR r.organization_id IS NULL)" \
	    " ORDER BY r.organization_id IS NULL LIMIT 1")

#endif
