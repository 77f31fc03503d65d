/*
 * sql_settings.h: statements of the settings API (policies, themes, audit log) and of the policy
 * getters (auth/policy.c).  Part of the SQL_STATEMENTS list in store/sql.h.
 */
#ifndef GH_SQL_SETTINGS_H
#define GH_SQL_SETTINGS_H

/*
 * The columns of a policy row, of a theme (its organization's and its own) and of an audit event
 * (store/sql.h, "Column tables").
 */
#define POLICY_COLUMNS(X) \
	X(POLICY_COL_KIND, STR, kind, "kind") \
	X(POLICY_COL_SETTINGS, STR, settings, "settings") \
	DB_AUDIT_COLUMNS(X, POLICY_COL, "")
#define POLICY_COLS DB_SELECT(POLICY_COLUMNS)

#define THEME_COLUMNS(X) \
	X(THEME_ORG, INT, organization_id, "o.id") \
	X(THEME_SLUG, STR, slug, "o.slug") \
	X(THEME_NAME, STR, name, "o.name") \
	X(THEME_PRIMARY, STR, primary_color, "t.primary_color") \
	X(THEME_SECONDARY, STR, secondary_color, "t.secondary_color") \
	X(THEME_ACCENT, STR, accent_color, "t.accent_color") \
	X(THEME_BACKGROUND, STR, background_color, "t.background_color") \
	X(THEME_TEXT, STR, text_color, "t.text_color") \
	X(THEME_LOGO, STR, logo_ref, "t.logo_ref") \
	X(THEME_FAVICON, STR, favicon_ref, "t.favicon_ref")
#define THEME_COLS DB_SELECT(THEME_COLUMNS)
#define THEME_FROM " FROM organization o LEFT JOIN org_theme t ON t.organization_id = o.id"

#define AUDIT_COLUMNS(X) \
	X(AUDIT_ID, INT, id, "id") \
	X(AUDIT_AT, TS, occurred_at, "occurred_at") \
	X(AUDIT_ACTOR, INT, actor_user_id, "actor_user_id") \
	X(AUDIT_ORG, INT, organization_id, "organization_id") \
	X(AUDIT_ACTION, STR, action, "action") \
	X(AUDIT_TARGET_TYPE, STR, target_type, "target_type") \
	X(AUDIT_TARGET_ID, STR, target_id, "target_id") \
	X(AUDIT_OUTCOME, STR, outcome, "outcome") \
	X(AUDIT_REASON, STR, reason, "reason") \
	X(AUDIT_CLIENT_IP, STR, client_ip, "client_ip") \
	X(AUDIT_REQUEST_ID, STR, request_id, "request_id") \
	X(AUDIT_DETAILS, STR, details, "details")
#define AUDIT_COLS DB_SELECT(AUDIT_COLUMNS)

/* Each filter is (flag = 0 OR condition) so one statement serves every combination. */
#define AUDIT_FILTERS " id < ? AND (? = 0 OR actor_user_id = ?) AND (? = 0 OR action = ?)" \
	" AND (? = 0 OR action LIKE ? ESCAPE '!') AND (? = 0 OR target_type = ?)" \
	" AND (? = 0 OR target_id = ?) AND (? = 0 OR occurred_at >= ?)" \
	" AND (? = 0 OR occurred_at < ?) AND (? = 0 OR outcome = ?) ORDER BY id DESC LIMIT ?"

#define SQL_STATEMENTS_SETTINGS \
	X(SQL_POLICY_SETTINGS, "SELECT settings FROM policy WHERE organization_id = ? AND kind = ?") \
	X(SQL_POLICY_LIST, "SELECT " POLICY_COLS " FROM policy WHERE organization_id = ?") \
	DB_GET_STATEMENTS(X, SQL_POLICY_GET, "SELECT " POLICY_COLS " FROM policy" \
	    " WHERE organization_id = ? AND kind = ?") \
	X(SQL_POLICY_UPSERT, "INSERT INTO policy (organization_id, kind, settings, created_by," \
	    " updated_by) VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE settings = VALUES(settings)," \
	    " updated_by = VALUES(updated_by)") \
	X(SQL_THEME_BY_SLUG, "SELECT " THEME_COLS THEME_FROM " WHERE o.slug = ?") \
	DB_GET_STATEMENTS(X, SQL_THEME_BY_ORG, "SELECT " THEME_COLS THEME_FROM " WHERE o.id = ?") \
	X(SQL_THEME_UPSERT, "INSERT INTO org_theme (organization_id, primary_color, secondary_color," \
	    " accent_color, background_color, text_color, logo_ref, favicon_ref, updated_by)" \
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE" \
	    " primary_color = VALUES(primary_color), secondary_color = VALUES(secondary_color)," \
	    " accent_color = VALUES(accent_color), background_color = VALUES(background_color)," \
	    " text_color = VALUES(text_color), logo_ref = VALUES(logo_ref)," \
	    " favicon_ref = VALUES(favicon_ref), updated_by = VALUES(updated_by)") \
	X(SQL_AUDIT_LIST_ALL, "SELECT " AUDIT_COLS " FROM audit_log WHERE" AUDIT_FILTERS) \
	X(SQL_AUDIT_LIST_ORG, "SELECT " AUDIT_COLS " FROM audit_log WHERE organization_id = ? AND" \
	    AUDIT_FILTERS)

#endif
