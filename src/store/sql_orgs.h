/*
 * sql_orgs.h: statements of the orgs API (organizations and their members).  Part of the
 * SQL_STATEMENTS list in store/sql.h.
 */
#ifndef GH_SQL_ORGS_H
#define GH_SQL_ORGS_H

/* The columns of an organization (store/sql.h, "Column tables"). */
#define ORGANIZATION_COLUMNS(X) \
	X(ORGANIZATION_ID, INT, id, "o.id") \
	X(ORGANIZATION_SLUG, STR, slug, "o.slug") \
	X(ORGANIZATION_NAME, STR, name, "o.name") \
	X(ORGANIZATION_DESC, STR, description, "o.description") \
	X(ORGANIZATION_STATUS, STR, status, "o.status") \
	DB_AUDIT_COLUMNS(X, ORGANIZATION, "o.")
#define ORG_COLS DB_SELECT(ORGANIZATION_COLUMNS)

/*
 * One list statement per sort order (an ORDER BY cannot be a parameter).  Parameters: platform
 * caller (1/0), the caller's organization, status twice, q twice (the LIKE pattern), "has a
 * cursor" (1/0), the cursor's sort key twice, the cursor's id, limit.  The last column is the
 * row's sort key as text, for the next cursor.
 */
#define ORG_LIST_SQL(key, keytext, keyparam, cmp, dir) \
	"SELECT " ORG_COLS ", " keytext " FROM organization o" \
	" WHERE (? = 1 OR o.id = ?) AND (? = '' OR o.status = ?)" \
	" AND (? = '' OR o.slug LIKE ? ESCAPE '!' OR o.name LIKE ? ESCAPE '!')" \
	" AND (? = 0 OR " key " " cmp " " keyparam " OR (" key " = " keyparam " AND o.id " cmp " ?))" \
	" ORDER BY " key " " dir ", o.id " dir " LIMIT ?"
#define ORG_CREATED_KEY "DATE_FORMAT(o.created_at, '%Y-%m-%d %H:%i:%s.%f')"

/* The columns of a membership: the user, primary, joined, the roles held there, status. */
#define ORG_MEMBER_COLUMNS(X) \
	X(ORG_MEMBER_USER, INT, user_id, "u.id") \
	X(ORG_MEMBER_USERNAME, STR, username, "u.username") \
	X(ORG_MEMBER_EMAIL, STR, email, "u.email") \
	X(ORG_MEMBER_FULL_NAME, STR, full_name, "u.full_name") \
	X(ORG_MEMBER_PRIMARY, BOOL, is_primary, "uo.is_primary") \
	X(ORG_MEMBER_JOINED, TS, joined_at, "uo.joined_at") \
	X(ORG_MEMBER_ROLES, STR, roles, \
	    "(SELECT GROUP_CONCAT(r.name ORDER BY r.name SEPARATOR ',')" \
	    " FROM user_roles ur JOIN roles r ON r.id = ur.role_id" \
	    " WHERE ur.user_id = u.id AND ur.organization_id = uo.organization_id)") \
	X(ORG_MEMBER_STATUS, STR, status, "uo.status") \
	X(ORG_MEMBER_STATUS_AT, TS, status_changed_at, "uo.status_changed_at") \
	X(ORG_MEMBER_STATUS_BY, INT, status_changed_by, "uo.status_changed_by")
#define ORG_MEMBER_COLS DB_SELECT(ORG_MEMBER_COLUMNS)

/* What an organization holds, counted before it is deleted. */
#define ORG_USAGE_COLUMNS(X) \
	X(ORG_USAGE_LIVE, INT, live_members, "(SELECT COUNT(*) FROM user_organization uo" \
	    " JOIN users u ON u.id = uo.user_id" \
	    " WHERE uo.organization_id = ? AND u.deleted_at IS NULL)") \
	X(ORG_USAGE_MEMBERS, INT, members, \
	    "(SELECT COUNT(*) FROM user_organization WHERE organization_id = ?)") \
	X(ORG_USAGE_GRANTS, INT, role_grants, \
	    "(SELECT COUNT(*) FROM user_roles WHERE organization_id = ?)") \
	X(ORG_USAGE_ROLES, INT, roles, "(SELECT COUNT(*) FROM roles WHERE organization_id = ?)") \
	X(ORG_USAGE_TEAMS, INT, teams, "(SELECT COUNT(*) FROM team WHERE organization_id = ?)") \
	X(ORG_USAGE_INVITATIONS, INT, invitations, \
	    "(SELECT COUNT(*) FROM signup_info WHERE organization_id = ?)") \
	X(ORG_USAGE_POLICIES, INT, policies, \
	    "(SELECT COUNT(*) FROM policy WHERE organization_id = ?)") \
	X(ORG_USAGE_THEME, INT, theme, "(SELECT COUNT(*) FROM org_theme WHERE organization_id = ?)")

/* Users whose tokens an organization's removal or suspension concerns. */
#define ORG_AFFECTED_USERS "(SELECT user_id FROM user_organization WHERE organization_id = ?" \
	" UNION SELECT user_id FROM user_roles WHERE organization_id = ?" \
	" UNION SELECT ur.user_id FROM user_roles ur JOIN roles r ON r.id = ur.role_id" \
	" WHERE r.organization_id = ?)"

#define SQL_STATEMENTS_ORGS \
	X(SQL_ORG_LIST_ID, ORG_LIST_SQL("o.id", "o.id", "CAST(? AS UNSIGNED)", ">", "ASC")) \
	X(SQL_ORG_LIST_ID_DESC, ORG_LIST_SQL("o.id", "o.id", "CAST(? AS UNSIGNED)", "<", "DESC")) \
	X(SQL_ORG_LIST_NAME, ORG_LIST_SQL("o.name", "o.name", "?", ">", "ASC")) \
	X(SQL_ORG_LIST_NAME_DESC, ORG_LIST_SQL("o.name", "o.name", "?", "<", "DESC")) \
	X(SQL_ORG_LIST_CREATED, ORG_LIST_SQL("o.created_at", ORG_CREATED_KEY, \
	    "CAST(? AS DATETIME(6))", ">", "ASC")) \
	X(SQL_ORG_LIST_CREATED_DESC, ORG_LIST_SQL("o.created_at", ORG_CREATED_KEY, \
	    "CAST(? AS DATETIME(6))", "<", "DESC")) \
	DB_GET_STATEMENTS(X, SQL_ORG_GET, "SELECT " ORG_COLS " FROM organization o WHERE o.id = ?") \
	X(SQL_ORG_INSERT, "INSERT INTO organization (slug, name, description, status, created_by," \
	    " updated_by) VALUES (?, ?, ?, ?, ?, ?)") \
	X(SQL_ORG_UPDATE, "UPDATE organization SET name = ?, description = ?, status = ?," \
	    " updated_by = ?, updated_at = CURRENT_TIMESTAMP(6) WHERE id = ?") \
	X(SQL_ORG_DELETE, "DELETE FROM organization WHERE id = ?") \
	X(SQL_ORG_USAGE, "SELECT " DB_SELECT(ORG_USAGE_COLUMNS)) \
	X(SQL_ORG_AFFECTED_BUMP, "UPDATE users SET permission_version = permission_version + 1" \
	    " WHERE id IN " ORG_AFFECTED_USERS) \
	X(SQL_ORG_AFFECTED_PV, "SELECT u.id, u.permission_version FROM users u WHERE u.id IN " \
	    ORG_AFFECTED_USERS) \
	X(SQL_ORG_MEMBER_LIST, "SELECT " ORG_MEMBER_COLS " FROM user_organization uo" \
	    " JOIN users u ON u.id = uo.user_id WHERE uo.organization_id = ? AND u.deleted_at IS NULL" \
	    " AND u.id > ? ORDER BY u.id LIMIT ?") \
	X(SQL_ORG_MEMBER_GET, "SELECT " ORG_MEMBER_COLS " FROM user_organization uo" \
	    " JOIN users u ON u.id = uo.user_id WHERE uo.organization_id = ? AND uo.user_id = ?" \
	    " AND u.deleted_at IS NULL") \
	X(SQL_ORG_HAS_MEMBER, "SELECT 1 FROM user_organization uo JOIN users u ON u.id = uo.user_id" \
	    " WHERE uo.user_id = ? AND uo.organization_id = ? AND u.deleted_at IS NULL") \
	X(SQL_ORG_USER_LOCK, "SELECT id FROM users WHERE id = ? AND deleted_at IS NULL FOR UPDATE") \
	X(SQL_ORG_MEMBER_INSERT, "INSERT INTO user_organization (user_id, organization_id, is_primary)" \
	    " VALUES (?, ?, 0)") \
	X(SQL_ORG_PRIMARY_CLEAR, "UPDATE user_organization SET is_primary = 0" \
	    " WHERE user_id = ? AND is_primary = 1") \
	X(SQL_ORG_PRIMARY_SET, "UPDATE user_organization SET is_primary = 1" \
	    " WHERE user_id = ? AND organization_id = ?") \
	X(SQL_ORG_MEMBER_ROLES_DEL, "DELETE FROM user_roles WHERE user_id = ? AND organization_id = ?") \
	X(SQL_ORG_MEMBER_TEAMS_DEL, "DELETE tm FROM team_member tm JOIN team t ON t.id = tm.team_id" \
	    " WHERE tm.user_id = ? AND t.organization_id = ?") \
	X(SQL_ORG_MEMBER_STATUS, "UPDATE user_organization SET status = ?," \
	    " status_changed_at = CURRENT_TIMESTAMP(6), status_changed_by = ?" \
	    " WHERE user_id = ? AND organization_id = ?") \
	X(SQL_ORG_MEMBER_DEL, "DELETE FROM user_organization WHERE user_id = ? AND organization_id = ?") \
	X(SQL_ORG_MEMBERS_BUMP, "UPDATE users SET permission_version = permission_version + 1" \
	    " WHERE id IN (SELECT user_id FROM user_organization WHERE organization_id = ?)") \
	X(SQL_ORG_MEMBERS_PV, "SELECT u.id, u.permission_version FROM users u" \
	    " JOIN user_organization uo ON uo.user_id = u.id WHERE uo.organization_id = ?")

#endif
