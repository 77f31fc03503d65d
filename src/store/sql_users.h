/*
 * sql_users.h: statements of the users API.  Part of the SQL_STATEMENTS list in store/sql.h.
 *
 * The list is one statement per (driver, sort, direction): ORDER BY cannot be a parameter, and
 * the driver -- the table the plan starts from -- is chosen by store/user_search.c from capped
 * counts (USER_PROBE_*), so that no page reads more than a few thousand rows whatever the size
 * of the table (docs/api-users.md, "Performance").  Every list statement takes, in this order:
 *	the driver's parameters (USERS 0, ORG_ORDERED 1, ORG 1, TEAM 1, SEARCH 5, ROLE 3),
 *	the 17 filter parameters of UL_FILTERS,
 *	the keyset parameters of the sort (USERNAME/EMAIL 2, LAST_NAME 6, CREATED 4),
 *	the row limit.
 */
#ifndef GH_SQL_USERS_H
#define GH_SQL_USERS_H

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

/*
 * The columns of a user row (store/sql.h, "Column tables"): status is the account state the
 * API shows (disabled, locked, expired, enabled), created_key the created_at a cursor carries
 * ("YYYY-MM-DD HH:MM:SS.ffffff", as the created_at keyset conditions compare it).
 */
#define USER_COLUMNS(X) \
	X(USER_ID, INT, id, "u.id") \
	X(USER_USERNAME, STR, username, "u.username") \
	X(USER_EMAIL, STR, email, "u.email") \
	X(USER_PHONE, STR, phone_number, "u.phone_number") \
	X(USER_FIRST, STR, first_name, "u.first_name") \
	X(USER_LAST, STR, last_name, "u.last_name") \
	X(USER_FULL, STR, full_name, "u.full_name") \
	X(USER_IMAGE, STR, profile_image_ref, "u.profile_image_ref") \
	X(USER_STATUS, STR, status, "CASE WHEN u.is_enabled = 0 THEN 'disabled' WHEN " U_LOCKED \
	    " THEN 'locked' WHEN u.is_account_non_expired = 0 OR u.is_credentials_non_expired = 0" \
	    " THEN 'expired' ELSE 'enabled' END") \
	USER_FLAG_COLUMNS(X, USER, "u.") \
	X(USER_LOCKED_UNTIL, TS, locked_until, "u.locked_until") \
	X(USER_HAS_PASSWORD, BOOL, has_password, "u.password_hash IS NOT NULL") \
	X(USER_LAST_LOGIN, TS, last_login, "u.last_login") \
	X(USER_PW_CHANGED, TS, password_changed_at, "u.password_changed_at") \
	DB_AUDIT_COLUMNS(X, USER, "u.") \
	X(USER_CREATED_KEY, STR, created_key, "DATE_FORMAT(u.created_at, '%Y-%m-%d %H:%i:%s.%f')") \
	X(USER_EMAIL_VERIFIED_AT, TS, email_verified_at, "u.email_verified_at")
#define USER_COLS DB_SELECT(USER_COLUMNS)

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

/*
 * Keyset conditions (first parameter: 0 on the first page) and orders, on the columns a driver
 * walks: the user's own (u.), the membership's copies (uo.u_*) or the search prefixes'
 * (s.username).  The copies hold the same values in the same collation, so every driver gives
 * the same order.
 */
#define KC_1(c, op) " AND (? = 0 OR " c " " op " ?)"
#define KC_NAME(l, f, id, op) " AND (? = 0 OR (" l " " op "= ? AND (" l " " op " ? OR " f " " op \
	" ? OR (" f " = ? AND " id " " op " ?))))"
#define KC_TIME(c, id, op) " AND (? = 0 OR (" c " " op "= ? AND (" c " " op " ? OR " id " " op \
	" ?)))"
#define KO_1(c, d) " ORDER BY " c d
#define KO_2(a, b, d) " ORDER BY " a d ", " b d
#define KO_3(a, b, c, d) " ORDER BY " a d ", " b d ", " c d

#define ULC_USERNAME_ASC KC_1("u.username", ">")
#define ULC_USERNAME_DESC KC_1("u.username", "<")
#define ULC_EMAIL_ASC KC_1("u.email", ">")
#define ULC_EMAIL_DESC KC_1("u.email", "<")
#define ULC_LAST_NAME_ASC KC_NAME("u.last_name", "u.first_name", "u.id", ">")
#define ULC_LAST_NAME_DESC KC_NAME("u.last_name", "u.first_name", "u.id", "<")
#define ULC_CREATED_ASC KC_TIME("u.created_at", "u.id", ">")
#define ULC_CREATED_DESC KC_TIME("u.created_at", "u.id", "<")
#define ULO_USERNAME_ASC KO_1("u.username", "")
#define ULO_USERNAME_DESC KO_1("u.username", " DESC")
#define ULO_EMAIL_ASC KO_1("u.email", "")
#define ULO_EMAIL_DESC KO_1("u.email", " DESC")
#define ULO_LAST_NAME_ASC KO_3("u.last_name", "u.first_name", "u.id", "")
#define ULO_LAST_NAME_DESC KO_3("u.last_name", "u.first_name", "u.id", " DESC")
#define ULO_CREATED_ASC KO_2("u.created_at", "u.id", "")
#define ULO_CREATED_DESC KO_2("u.created_at", "u.id", " DESC")

/* The same on the membership's copies, with the index each sort walks. */
#define UOC_USERNAME_ASC KC_1("uo.u_username", ">")
#define UOC_USERNAME_DESC KC_1("uo.u_username", "<")
#define UOC_EMAIL_ASC KC_1("uo.u_email", ">")
#define UOC_EMAIL_DESC KC_1("uo.u_email", "<")
#define UOC_LAST_NAME_ASC KC_NAME("uo.u_last_name", "uo.u_first_name", "uo.user_id", ">")
#define UOC_LAST_NAME_DESC KC_NAME("uo.u_last_name", "uo.u_first_name", "uo.user_id", "<")
#define UOC_CREATED_ASC KC_TIME("uo.u_created_at", "uo.user_id", ">")
#define UOC_CREATED_DESC KC_TIME("uo.u_created_at", "uo.user_id", "<")
#define UOO_USERNAME_ASC KO_1("uo.u_username", "")
#define UOO_USERNAME_DESC KO_1("uo.u_username", " DESC")
#define UOO_EMAIL_ASC KO_1("uo.u_email", "")
#define UOO_EMAIL_DESC KO_1("uo.u_email", " DESC")
#define UOO_LAST_NAME_ASC KO_3("uo.u_last_name", "uo.u_first_name", "uo.user_id", "")
#define UOO_LAST_NAME_DESC KO_3("uo.u_last_name", "uo.u_first_name", "uo.user_id", " DESC")
#define UOO_CREATED_ASC KO_2("uo.u_created_at", "uo.user_id", "")
#define UOO_CREATED_DESC KO_2("uo.u_created_at", "uo.user_id", " DESC")
#define UOX_USERNAME "ix_uo_org_username"
#define UOX_EMAIL "ix_uo_org_email"
#define UOX_LAST_NAME "ix_uo_org_name"
#define UOX_CREATED "ix_uo_org_created"

/* The users index each sort walks (WALK). */
#define UX_USERNAME "uq_users_username"
#define UX_EMAIL "uq_users_email"
#define UX_LAST_NAME "ix_users_name"
#define UX_CREATED "ix_users_created_at"

/*
 * Walks: the rows come in index order and the statement stops after the page (LIMIT ?) or
 * after a budget of rows examined (ROWS EXAMINED ?: store/user_search.c passes a huge one when it
 * wants no budget).  A walk stopped by its budget returns fewer rows than asked and
 * store/user_search.c falls back to the matches; FORCE INDEX makes sure no filesort could reorder
 * a partial result.
 */
#define UL_WALK(drv, c, o) "SELECT " USER_COLS drv UL_FILTERS c o " LIMIT ? ROWS EXAMINED ?"

/*
 * Sorted plans: the ids that pass, sorted, LIMIT ?; then the 51 rows' output columns.  Sorting
 * only ids and keys keeps the sort's rows small (the wide USER_COLS rows of every match made
 * the sort spill to disk for a common q).
 */
#define UL_SORTED(drv, c, o) "SELECT " USER_COLS " FROM (SELECT u.id" drv UL_FILTERS c o \
	" LIMIT ?) t STRAIGHT_JOIN users u ON u.id = t.id" o

#define UL_(drv, c, o) "SELECT " USER_COLS drv UL_FILTERS c o " LIMIT ?"

/* The eight sorts of one driver, in the order of enum user_sort (store/user_search.h). */
#define UL_DRIVER(NAME, F, drv) \
	X(SQL_USER_LIST_##NAME##_USERNAME_ASC, F(drv, ULC_USERNAME_ASC, ULO_USERNAME_ASC)) \
	X(SQL_USER_LIST_##NAME##_USERNAME_DESC, F(drv, ULC_USERNAME_DESC, ULO_USERNAME_DESC)) \
	X(SQL_USER_LIST_##NAME##_EMAIL_ASC, F(drv, ULC_EMAIL_ASC, ULO_EMAIL_ASC)) \
	X(SQL_USER_LIST_##NAME##_EMAIL_DESC, F(drv, ULC_EMAIL_DESC, ULO_EMAIL_DESC)) \
	X(SQL_USER_LIST_##NAME##_LAST_NAME_ASC, F(drv, ULC_LAST_NAME_ASC, ULO_LAST_NAME_ASC)) \
	X(SQL_USER_LIST_##NAME##_LAST_NAME_DESC, F(drv, ULC_LAST_NAME_DESC, ULO_LAST_NAME_DESC)) \
	X(SQL_USER_LIST_##NAME##_CREATED_ASC, F(drv, ULC_CREATED_ASC, ULO_CREATED_ASC)) \
	X(SQL_USER_LIST_##NAME##_CREATED_DESC, F(drv, ULC_CREATED_DESC, ULO_CREATED_DESC))

/* A walk of the organization's members in the membership index of the sort. */
#define ULD_ORG_WALK(ix) " FROM user_organization uo FORCE INDEX (" ix ")" \
	" STRAIGHT_JOIN users u ON u.id = uo.user_id WHERE uo.organization_id = ?" \
	" AND u.deleted_at IS NULL"
#define UL_ORG_WALK(S, D) \
	X(SQL_USER_LIST_ORG_ORDERED_##S##_##D, UL_WALK(ULD_ORG_WALK(UOX_##S), UOC_##S##_##D, \
	    UOO_##S##_##D))
/* A walk of every user in the users index of the sort. */
#define ULD_WALK(ix) " FROM users u FORCE INDEX (" ix ") WHERE u.deleted_at IS NULL"
#define UL_USERS_WALK(S, D) \
	X(SQL_USER_LIST_WALK_##S##_##D, UL_WALK(ULD_WALK(UX_##S), ULC_##S##_##D, ULO_##S##_##D))
#define UL_WALKS(F) F(USERNAME, ASC) F(USERNAME, DESC) F(EMAIL, ASC) F(EMAIL, DESC) \
	F(LAST_NAME, ASC) F(LAST_NAME, DESC) F(CREATED, ASC) F(CREATED, DESC)

/*
 * The users having q's first GRAM_K (4) characters as a prefix of a searchable field, in
 * username order (user_search's primary key; org_user_search's within one organization, sql/0011);
 * q's five LIKEs (UL_FILTERS) keep the matches.  GRAM_ORG still probes each row's membership
 * (in the organization's leaf pages of (organization_id, user_id)), so that a row no trigger
 * removed could not show a non-member.  Driver parameters: q (GRAM); organization, q (GRAM_ORG).
 */
#define ULD_GRAM " FROM user_search s FORCE INDEX (PRIMARY)" \
	" STRAIGHT_JOIN users u ON u.id = s.user_id WHERE s.prefix = LEFT(?, 4)" \
	" AND u.deleted_at IS NULL"
#define ULD_GRAM_ORG " FROM org_user_search s FORCE INDEX (PRIMARY)" \
	" STRAIGHT_JOIN user_organization uo FORCE INDEX (ix_user_organization_org_user)" \
	" ON uo.organization_id = s.organization_id AND uo.user_id = s.user_id" \
	" STRAIGHT_JOIN users u ON u.id = s.user_id WHERE s.organization_id = ?" \
	" AND s.prefix = LEFT(?, 4) AND u.deleted_at IS NULL"
#define UL_GRAM(NAME, drv) \
	X(SQL_USER_LIST_##NAME##_ASC, UL_WALK(drv, KC_1("s.username", ">"), KO_1("s.username", ""))) \
	X(SQL_USER_LIST_##NAME##_DESC, UL_WALK(drv, KC_1("s.username", "<"), \
	    KO_1("s.username", " DESC")))

/* Capped counts: how many rows a driver would start from, up to the cap (last parameter). */
#define UP_LIKE(col) "(SELECT id FROM users WHERE" UL_LIKE(col) " LIMIT ?)"

#define SQL_STATEMENTS_USERS \
	UL_DRIVER(USERS, UL_, ULD_USERS) \
	UL_WALKS(UL_ORG_WALK) \
	UL_DRIVER(ORG, UL_SORTED, ULD_ORG) \
	UL_DRIVER(TEAM, UL_SORTED, ULD_TEAM) \
	UL_DRIVER(SEARCH, UL_SORTED, ULD_SEARCH) \
	UL_DRIVER(ROLE, UL_SORTED, ULD_ROLE) \
	UL_WALKS(UL_USERS_WALK) \
	UL_GRAM(GRAM, ULD_GRAM) \
	UL_GRAM(GRAM_ORG, ULD_GRAM_ORG) \
	X(SQL_USER_PROBE_ORG, "SELECT COUNT(*) FROM (SELECT 1 FROM user_organization" \
	    " WHERE organization_id = ? LIMIT ?) c") \
	X(SQL_USER_PROBE_ROLE, "SELECT COUNT(*) FROM (SELECT 1 " U_HOLDERS " LIMIT ?) c") \
	X(SQL_USER_PROBE_GRAM, "SELECT COUNT(*) FROM (SELECT 1 FROM user_search" \
	    " WHERE prefix = LEFT(?, 4) LIMIT ?) c") \
	X(SQL_USER_PROBE_SEARCH, "SELECT COUNT(*) FROM (" UP_LIKE("username") " UNION ALL " \
	    UP_LIKE("email") " UNION ALL " UP_LIKE("first_name") " UNION ALL " \
	    UP_LIKE("last_name") " UNION ALL " UP_LIKE("full_name") ") c") \
	DB_GET_STATEMENTS(X, SQL_USER_GET, "SELECT " USER_COLS " FROM users u" \
	    " WHERE u.id = ? AND u.deleted_at IS NULL") \
	X(SQL_USER_IN_ORG, "SELECT 1 FROM user_organization WHERE user_id = ? AND organization_id = ?") \
	X(SQL_USER_OTHER_ORGS, "SELECT COUNT(*) FROM user_organization WHERE user_id = ?" \
	    " AND organization_id <> ? LOCK IN SHARE MODE") \
	X(SQL_USER_PRIMARY_ORG, "SELECT organization_id FROM user_organization WHERE user_id = ?" \
	    " ORDER BY is_primary DESC, joined_at, organization_id LIMIT 1") \
	X(SQL_USER_IS_PLATFORM, "SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id" \
	    " WHERE ur.user_id = ? AND r.scope = 'platform' LIMIT 1") \
	X(SQL_USER_ORG_EXISTS, "SELECT id FROM organization WHERE id = ?") \
	X(SQL_USER_TEAM_ORG, "SELECT organization_id FROM team WHERE id = ?") \
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
