/*
 * sql_teams.h: statements of the teams API (team, team_member).  Part of the SQL_STATEMENTS list
 * in store/sql.h.
 *
 * Lists come in one statement per sort order (keyset pagination: the cursor carries the last
 * row's sort key and id).  Their parameters, in order:
 *	teams:   organization filter (0 = all), the same again, q ('' = none), LIKE pattern,
 *	         has-cursor (0/1), cursor name (name sorts only, twice), cursor id, limit
 *	members: team id, member_role filter ('' = any), the same again,
 *	         has-cursor (0/1), cursor username (username sorts only, twice), cursor user id, limit
 * A member whose account is deleted (users.deleted_at) is neither listed nor counted.
 */
#ifndef GH_SQL_TEAMS_H
#define GH_SQL_TEAMS_H

/* The columns of a team and of a team membership (store/db.h, "Column tables"). */
#define TEAM_COLUMNS(X) \
	X(TEAM_ID, INT, id, "t.id") \
	X(TEAM_ORG, INT, organization_id, "t.organization_id") \
	X(TEAM_NAME, STR, name, "t.name") \
	X(TEAM_DESC, STR, description, "t.description") \
	X(TEAM_MEMBERS, INT, member_count, "(SELECT COUNT(*) FROM team_member tm" \
	    " JOIN users u ON u.id = tm.user_id WHERE tm.team_id = t.id AND u.deleted_at IS NULL)") \
	DB_AUDIT_COLUMNS(X, TEAM, "t.")
#define TEAM_COLS DB_SELECT(TEAM_COLUMNS)

#define TEAM_LIST_FROM " FROM team t WHERE (? = 0 OR t.organization_id = ?)" \
	" AND (? = '' OR t.name LIKE ? ESCAPE '!')"

#define TEAM_MEMBER_COLUMNS(X) \
	X(TEAM_MEMBER_TEAM, INT, team_id, "tm.team_id") \
	X(TEAM_MEMBER_USER, INT, user_id, "tm.user_id") \
	X(TEAM_MEMBER_USERNAME, STR, username, "u.username") \
	X(TEAM_MEMBER_EMAIL, STR, email, "u.email") \
	X(TEAM_MEMBER_FULL_NAME, STR, full_name, "u.full_name") \
	X(TEAM_MEMBER_ROLE, STR, member_role, "tm.member_role") \
	DB_AUDIT_COLUMNS(X, TEAM_MEMBER, "tm.")
#define TEAM_MEMBER_COLS DB_SELECT(TEAM_MEMBER_COLUMNS)

#define TEAM_MEMBER_FROM " FROM team_member tm JOIN users u ON u.id = tm.user_id" \
	" AND u.deleted_at IS NULL WHERE tm.team_id = ? AND (? = '' OR tm.member_role = ?)"

#define SQL_STATEMENTS_TEAMS \
	DB_KEYSET_STATEMENTS(X, SQL_TEAM_LIST, "SELECT " TEAM_COLS TEAM_LIST_FROM, "t.id", "t.name") \
	DB_GET_STATEMENTS(X, SQL_TEAM_GET, "SELECT " TEAM_COLS " FROM team t WHERE t.id = ?") \
	X(SQL_TEAM_ORG_EXISTS, "SELECT 1 FROM organization WHERE id = ?") \
	X(SQL_TEAM_INSERT, "INSERT INTO team (organization_id, name, description, created_by," \
	    " updated_by) VALUES (?, ?, ?, ?, ?)") \
	X(SQL_TEAM_UPDATE, "UPDATE team SET name = ?, description = ?, updated_by = ? WHERE id = ?") \
	X(SQL_TEAM_DELETE, "DELETE FROM team WHERE id = ?") \
	DB_KEYSET_STATEMENTS(X, SQL_TEAM_MEMBER_LIST, "SELECT " TEAM_MEMBER_COLS TEAM_MEMBER_FROM, \
	    "tm.user_id", "u.username") \
	X(SQL_TEAM_MEMBER_GET, "SELECT " TEAM_MEMBER_COLS " FROM team_member tm JOIN users u" \
	    " ON u.id = tm.user_id AND u.deleted_at IS NULL WHERE tm.team_id = ? AND tm.user_id = ?") \
	X(SQL_TEAM_MEMBER_INSERT, "INSERT INTO team_member (team_id, user_id, member_role, created_by," \
	    " updated_by) VALUES (?, ?, ?, ?, ?)") \
	X(SQL_TEAM_MEMBER_UPDATE, "UPDATE team_member SET member_role = ?, updated_by = ?" \
	    " WHERE team_id = ? AND user_id = ?") \
	X(SQL_TEAM_MEMBER_DELETE, "DELETE FROM team_member WHERE team_id = ? AND user_id = ?")

#endif
