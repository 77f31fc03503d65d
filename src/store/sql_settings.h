/*
 * sql_settings.h: statements of the settings API (policies, themes, audit log) and of the policy
 * getters (auth/policy.c).  Part of the SQL_STATEMENTS list in store/sql.h.
 */
#ifndef GH_SQL_SETTINGS_H
#define GH_SQL_SETTINGS_H

#define STS_(c) "DATE_FORMAT(" c ", '%Y-%m-%dT%H:%i:%s.%fZ')"
#define POLICY_COLS "kind, settings, " STS_("created_at") ", " STS_("updated_at") \
	", created_by, updated_by"
#define THEME_COLS "o.id, o.slug, o.name, t.primary_color, t.secondary_color, t.accent_color," \
	" t.background_color, t.text_color, t.logo_ref, t.favicon_ref"
#define AUDIT_COLS "id, " STS_("occurred_at") ", actor_user_id, organization_id, action," \
	" target_type, target_id, outcome, reason, client_ip, request_id, details"
/* Each filter is (flag = 0 OR condition) so one statement serves every combination. */
#define AUDIT_FILTERS " id < ? AND (? = 0 OR actor_user_id = ?) AND (? = 0 OR action = ?)" \
	" AND (? = 0 OR action LIKE ? ESCAPE '!') AND (? = 0 OR target_type = ?)" \
	" AND (? = 0 OR target_id = ?) AND (? = 0 OR occurred_at >= ?)" \
	" AND (? = 0 OR occurred_at < ?) AND (? = 0 OR outcome = ?) ORDER BY id DESC LIMIT ?"

#define SQL_STATEMENTS_SETTINGS \
	X(SQL_POLICY_SETTINGS, "SELECT settings FROM policy WHERE organization_id = ? AND kind = ?") \
	X(SQL_SETTINGS_ORG, "SELECT id, slug, name FROM organization WHERE id = ?") \
	X(SQL_SETTINGS_ORG_LOCK, "SELECT id, slug, name FROM organization WHERE id = ? FOR UPDATE") \
	X(SQL_POLICY_LIST, "SELECT " POLICY_COLS " FROM policy WHERE organization_id = ?") \
	X(SQL_POLICY_GET, "SELECT " POLICY_COLS " FROM policy WHERE organization_id = ? AND kind = ?") \
	X(SQL_POLICY_GET_LOCK, "SELECT " POLICY_COLS " FROM policy" \
	    " WHERE organization_id = ? AND kind = ? FOR UPDATE") \
	X(SQL_POLICY_UPSERT, "INSERT INTO policy (organization_id, kind, settings, created_by," \
	    " updated_by) VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE settings = VALUES(settings)," \
	    " updated_by = VALUES(updated_by)") \
	X(SQL_THEME_BY_SLUG, "SELECT " THEME_COLS " FROM organization o" \
	    " LEFT JOIN org_theme t ON t.organization_id = o.id WHERE o.slug = ?") \
	X(SQL_THEME_BY_ORG, "SELECT " THEME_COLS " FROM organization o" \
	    " LEFT JOIN org_theme t ON t.organization_id = o.id WHERE o.id = ?") \
	X(SQL_THEME_BY_ORG_LOCK, "SELECT " THEME_COLS " FROM organization o" \
	    " LEFT JOIN org_theme t ON t.organization_id = o.id WHERE o.id = ? FOR UPDATE") \
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
