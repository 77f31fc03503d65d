/*
 * sql_users.h: statements of the users API.  Part of the SQL_STATEMENTS list in store/sql.h.
 *
 * The list is one statement per (driver, sort, direction): ORDER BY cannot be a parameter, and
 * the driver -- the table the plan starts from -- is chosen by api/users.c from capped counts
 * (USER_PROBE_*), so that no page reads more than a few thousand rows whatever the size of the
 * table (docs/api-users.md, "Performance").  Every list statement takes, in this order:
 *	the driver's parameters (USERS 0, ORG_ORDERED 1, ORG 1, TEAM 1, SEARCH 5, ROLE 3),
 *	the 17 filter parameters of UL_FILTERS,
 *	the keyset parameters of the sort (USERNAME/EMAIL 2, LAST_NAME 6, CREATED 4),
 *	the row limit.
 */
#ifndef GH_SQL_USERS_H
#define GH_SQL_USERS_H

#define UTS_(c) "DATE_FORMAT(" c ", '%Y-%m-%dT%H:%i:%s.%fZ')"

/* A lock counts while it has no end or its end is ahead (login lifts a lapsed one). */
#define U_LOCKED "(u.is_account_non_locked = 0 AND (u.locked_until IS NULL" \
	" OR u.locked_until > CURRENT_TIMESTAMP(6)))"
#define U_NOT_LOCKED "(u.is_account_non_locked = 1 OR u.locked_until <= CURRENT_TIMESTAMP(6))"

/*
 * Expired and not disabled, spelt as whole-prefix ranges of ix_users_state (is_enabled,
 * non_locked, non_expired, credentials_non_expired): a disjunct that skips a key part would
 * make the range optimizer read the whole (is_enabled, non_locked) prefix.
 */
#define U_EXPIRED_IF(lock) "(u.is_enabled = 1 AND " lock " AND u.is_account_non_expired = 0)" \
	" OR (u.is_enabled = 1 AND " lock " AND u.is_account_non_expired = 1" \
	" AND u.is_credentials_non_expired = 0)"

/* Columns of a user row, in the order enum user_col (api/users.c) names them. */
#define USER_COLS "u.id, u.username, u.email, u.phone_number, u.first_name, u.last_name," \
	" u.full_name, u.profile_image_ref," \
	" CASE WHEN u.is_enabled = 0 THEN 'disabled' WHEN " U_LOCKED " THEN 'locked'" \
	" WHEN u.is_account_non_expired = 0 OR u.is_credentials_non_expired = 0 THEN 'expired'" \
	" ELSE 'enabled' END," \
	" u.is_enabled, u.is_account_non_expired, u.is_account_non_locked," \
	" u.is_credentials_non_expired, " UTS_("u.locked_until") ", u.password_hash IS NOT NULL, " \
	UTS_("u.last_login") ", " UTS_("u.password_changed_at") ", " UTS_("u.created_at") ", " \
	UTS_("u.updated_at") ", u.created_by, u.updated_by," \
	" DATE_FORMAT(u.created_at, '%Y-%m-%d %H:%i:%s.%f')"

/*
 * Filters every list statement applies (17 parameters): q flag + 5 LIKE patterns; organization
 * flag + id (membership); role name twice + organization flag + id; status code five times
 * (1 enabled, 2 disabled, 3 locked, 4 expired).  Membership and role are scalar subqueries, one
 * primary-key probe per row, on purpose: as EXISTS the optimizer may turn them into semi-joins
 * that materialize every member of a large organization before the first row.
 */
#define UL_LIKE(col) " " col " LIKE ? ESCAPE '!'"
#define UL_FILTERS \
	" AND (? = 0 OR" UL_LIKE("u.username") " OR" UL_LIKE("u.email") " OR" \
	UL_LIKE("u.first_name") " OR" UL_LIKE("u.last_name") " OR" UL_LIKE("u.full_name") ")" \
	" AND (? = 0 OR (SELECT 1 FROM user_organization x WHERE x.user_id = u.id" \
	" AND x.organization_id = ?) IS NOT NULL)" \
	" AND (? = '' OR (SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id" \
	" WHERE ur.user_id = u.id AND r.name = ? AND (? = 0 OR ur.organization_id = ?" \
	" OR ur.organization_id IS NULL) LIMIT 1) IS NOT NULL)" \
	" AND (? = 0" \
	" OR (? = 1 AND u.is_enabled = 1 AND " U_NOT_LOCKED " AND u.is_account_non_expired = 1" \
	" AND u.is_credentials_non_expired = 1)" \
	" OR (? = 2 AND u.is_enabled = 0)" \
	" OR (? = 3 AND u.is_enabled = 1 AND " U_LOCKED ")" \
	" OR (? = 4 AND (" U_EXPIRED_IF("u.is_account_non_locked = 1") " OR " \
	U_EXPIRED_IF("u.is_account_non_locked = 0 AND u.locked_until <= CURRENT_TIMESTAMP(6)") ")))"

/* Where a plan starts. */
#define ULD_USERS " FROM users u WHERE u.deleted_at IS NULL"
#define ULD_ORG_ORDERED " FROM users u STRAIGHT_JOIN user_organization uo ON uo.user_id = u.id" \
	" AND uo.organization_id = ? WHERE u.deleted_at IS NULL"
#define ULD_ORG " FROM user_organization uo STRAIGHT_JOIN users u ON u.id = uo.user_id" \
	" WHERE uo.organization_id = ? AND u.deleted_at IS NULL"
#define ULD_TEAM " FROM team_member tm STRAIGHT_JOIN users u ON u.id = tm.user_id" \
	" WHERE tm.team_id = ? AND u.deleted_at IS NULL"
#define ULD_SEARCH " FROM (SELECT id FROM users WHERE" UL_LIKE("username") \
	" UNION SELECT id FROM users WHERE" UL_LIKE("email") \
	" UNION SELECT id FROM users WHERE" UL_LIKE("first_name") \
	" UNION SELECT id FROM users WHERE" UL_LIKE("last_name") \
	" UNION SELECT id FROM users WHERE" UL_LIKE("full_name") ") m" \
	" STRAIGHT_JOIN users u ON u.id = m.id WHERE u.deleted_at IS NULL"
#define U_HOLDERS "FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE r.name = ?" \
	" AND (? = 0 OR ur.organization_id = ? OR ur.organization_id IS NULL)"
#define ULD_ROLE " FROM (SELECT DISTINCT ur.user_id " U_HOLDERS ") rr" \
	" STRAIGHT_JOIN users u ON u.id = rr.user_id WHERE u.deleted_at IS NULL"

/* Keyset conditions (first parameter: 0 on the first page) and orders. */
#define ULK_USERNAME_ASC " AND (? = 0 OR u.username > ?) ORDER BY u.username"
#define ULK_USERNAME_DESC " AND (? = 0 OR u.username < ?) ORDER BY u.username DESC"
#define ULK_EMAIL_ASC " AND (? = 0 OR u.email > ?) ORDER BY u.email"
#define ULK_EMAIL_DESC " AND (? = 0 OR u.email < ?) ORDER BY u.email DESC"
#define ULK_LAST_NAME_ASC " AND (? = 0 OR (u.last_name >= ? AND (u.last_name > ?" \
	" OR u.first_name > ? OR (u.first_name = ? AND u.id > ?))))" \
	" ORDER BY u.last_name, u.first_name, u.id"
#define ULK_LAST_NAME_DESC " AND (? = 0 OR (u.last_name <= ? AND (u.last_name < ?" \
	" OR u.first_name < ? OR (u.first_name = ? AND u.id < ?))))" \
	" ORDER BY u.last_name DESC, u.first_name DESC, u.id DESC"
#define ULK_CREATED_ASC " AND (? = 0 OR (u.created_at >= ? AND (u.created_at > ? OR u.id > ?)))" \
	" ORDER BY u.created_at, u.id"
#define ULK_CREATED_DESC " AND (? = 0 OR (u.created_at <= ? AND (u.created_at < ? OR u.id < ?)))" \
	" ORDER BY u.created_at DESC, u.id DESC"

#define UL_(drv, key) "SELECT " USER_COLS drv UL_FILTERS key " LIMIT ?"

/* The eight sorts of one driver, in the order api/users.c indexes them (sort * 2 + desc). */
#define UL_DRIVER(NAME, drv) \
	X(SQL_USER_LIST_##NAME##_USERNAME_ASC, UL_(drv, ULK_USERNAME_ASC)) \
	X(SQL_USER_LIST_##NAME##_USERNAME_DESC, UL_(drv, ULK_USERNAME_DESC)) \
	X(SQL_USER_LIST_##NAME##_EMAIL_ASC, UL_(drv, ULK_EMAIL_ASC)) \
	X(SQL_USER_LIST_##NAME##_EMAIL_DESC, UL_(drv, ULK_EMAIL_DESC)) \
	X(SQL_USER_LIST_##NAME##_LAST_NAME_ASC, UL_(drv, ULK_LAST_NAME_ASC)) \
	X(SQL_USER_LIST_##NAME##_LAST_NAME_DESC, UL_(drv, ULK_LAST_NAME_DESC)) \
	X(SQL_USER_LIST_##NAME##_CREATED_ASC, UL_(drv, ULK_CREATED_ASC)) \
	X(SQL_USER_LIST_##NAME##_CREATED_DESC, UL_(drv, ULK_CREATED_DESC))

/* Capped counts: how many rows a driver would start from, up to the cap (last parameter). */
#define UP_LIKE(col) "(SELECT id FROM users WHERE" UL_LIKE(col) " LIMIT ?)"

#define SQL_STATEMENTS_USERS \
	UL_DRIVER(USERS, ULD_USERS) \
	UL_DRIVER(ORG_ORDERED, ULD_ORG_ORDERED) \
	UL_DRIVER(ORG, ULD_ORG) \
	UL_DRIVER(TEAM, ULD_TEAM) \
	UL_DRIVER(SEARCH, ULD_SEARCH) \
	UL_DRIVER(ROLE, ULD_ROLE) \
	X(SQL_USER_PROBE_ORG, "SELECT COUNT(*) FROM (SELECT 1 FROM user_organization" \
	    " WHERE organization_id = ? LIMIT ?) c") \
	X(SQL_USER_PROBE_ROLE, "SELECT COUNT(*) FROM (SELECT 1 " U_HOLDERS " LIMIT ?) c") \
	X(SQL_USER_PROBE_SEARCH, "SELECT COUNT(*) FROM (" UP_LIKE("username") " UNION ALL " \
	    UP_LIKE("email") " UNION ALL " UP_LIKE("first_name") " UNION ALL " \
	    UP_LIKE("last_name") " UNION ALL " UP_LIKE("full_name") ") c") \
	X(SQL_USER_GET, "SELECT " USER_COLS " FROM users u WHERE u.id = ? AND u.deleted_at IS NULL") \
	X(SQL_USER_GET_LOCK, "SELECT " USER_COLS " FROM users u WHERE u.id = ?" \
	    " AND u.deleted_at IS NULL FOR UPDATE") \
	X(SQL_USER_IN_ORG, "SELECT 1 FROM user_organization WHERE user_id = ? AND organization_id = ?") \
	X(SQL_USER_OTHER_ORGS, "SELECT COUNT(*) FROM user_organization WHERE user_id = ?" \
	    " AND organization_id <> ?") \
	X(SQL_USER_PRIMARY_ORG, "SELECT organization_id FROM user_organization WHERE user_id = ?" \
	    " ORDER BY is_primary DESC, joined_at, organization_id LIMIT 1") \
	X(SQL_USER_IS_PLATFORM, "SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id" \
	    " WHERE ur.user_id = ? AND r.scope = 'platform' LIMIT 1") \
	X(SQL_USER_ORG_EXISTS, "SELECT id FROM organization WHERE id = ?") \
	X(SQL_USER_TEAM_ORG, "SELECT organization_id FROM team WHERE id = ?") \
	X(SQL_USER_ROLE_IN_ORG, "SELECT id FROM roles WHERE name = ?" \
	    " AND (organization_id = ? OR organization_id IS NULL)" \
	    " ORDER BY organization_id IS NULL LIMIT 1") \
	X(SQL_USER_EMAIL_TAKEN, "SELECT id FROM users WHERE email = ?") \
	X(SQL_USER_INSERT, "INSERT INTO users (username, email, phone_number, first_name, last_name," \
	    " full_name, profile_image_ref, password_hash, password_changed_at, created_by, updated_by)" \
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP(6), ?, ?)") \
	X(SQL_USER_JOIN_ORG, "INSERT INTO user_organization (user_id, organization_id, is_primary)" \
	    " VALUES (?, ?, 1)") \
	X(SQL_USER_GRANT, "INSERT INTO user_roles (user_id, role_id, organization_id, created_by)" \
	    " VALUES (?, ?, ?, ?)") \
	X(SQL_USER_SET_ROLE, "UPDATE users SET role_id = ? WHERE id = ?") \
	X(SQL_USER_UPDATE, "UPDATE users SET username = ?, email = ?, phone_number = ?," \
	    " first_name = ?, last_name = ?, full_name = ?, profile_image_ref = ?, updated_by = ?" \
	    " WHERE id = ?") \
	X(SQL_USER_SET_ENABLED, "UPDATE users SET is_enabled = ?, updated_by = ? WHERE id = ?") \
	X(SQL_USER_ADMIN_LOCK, "UPDATE users SET is_account_non_locked = 0, locked_until = NULL," \
	    " updated_by = ? WHERE id = ?") \
	X(SQL_USER_ADMIN_UNLOCK, "UPDATE users SET is_account_non_locked = 1, locked_until = NULL," \
	    " failed_login_count = 0, last_failed_login = NULL, updated_by = ? WHERE id = ?") \
	X(SQL_USER_EXPIRE_CREDENTIALS, "UPDATE users SET is_credentials_non_expired = 0," \
	    " updated_by = ? WHERE id = ?") \
	X(SQL_USER_SCRUB, "UPDATE users SET username = CONCAT('#deleted-', id)," \
	    " email = CONCAT('deleted-', id, '@deleted.invalid'), phone_number = NULL," \
	    " first_name = '', last_name = '', full_name = '', profile_image_ref = NULL," \
	    " password_hash = NULL, role_id = NULL, is_enabled = 0, locked_until = NULL," \
	    " failed_login_count = 0, last_failed_login = NULL, last_login = NULL," \
	    " password_changed_at = NULL, deleted_at = CURRENT_TIMESTAMP(6)," \
	    " permission_version = permission_version + 1, updated_by = ? WHERE id = ?") \
	X(SQL_USER_DROP_MEMBERSHIPS, "DELETE FROM user_organization WHERE user_id = ?") \
	X(SQL_USER_DROP_ROLES, "DELETE FROM user_roles WHERE user_id = ?") \
	X(SQL_USER_DROP_TEAMS, "DELETE FROM team_member WHERE user_id = ?") \
	X(SQL_USER_DROP_TOKENS, "DELETE FROM refresh_tokens WHERE user_id = ?") \
	X(SQL_USER_DROP_SIGNUPS, "DELETE FROM signup_info WHERE user_id = ?") \
	X(SQL_USER_PV_ROW, "SELECT id, permission_version FROM users WHERE id = ?")

#endif
