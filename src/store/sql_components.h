/*
 * sql_components.h: statements of the UI components API (ui_components, component_permissions,
 * role_component_permissions, /me/navigation).  Part of the SQL_STATEMENTS list in store/sql.h.
 *
 * Role id sets (the caller's roles) are bound as one comma-separated text parameter and matched
 * with FIND_IN_SET, so no statement is ever built from input.
 */
#ifndef GH_SQL_COMPONENTS_H
#define GH_SQL_COMPONENTS_H

#define COMP_TS_(c) "DATE_FORMAT(" c ", '%Y-%m-%dT%H:%i:%s.%fZ')"

#define COMP_COLS "c.id, c.component_key, c.display_name, c.description, c.category, c.route," \
	" c.icon, c.display_order, c.parent_id, c.is_active, " COMP_TS_("c.created_at") ", " \
	COMP_TS_("c.updated_at") ", c.created_by, c.updated_by"

#define COMP_ACTION_COLS "cp.id, cp.component_id, c.component_key, cp.action, cp.description," \
	" cp.is_active, " COMP_TS_("cp.created_at") ", " COMP_TS_("cp.updated_at") \
	", cp.created_by, cp.updated_by"

#define COMP_ACTION_FROM " FROM component_permissions cp JOIN ui_components c" \
	" ON c.id = cp.component_id"

#define SQL_STATEMENTS_COMPONENTS \
	X(SQL_COMP_LIST, "SELECT " COMP_COLS " FROM ui_components c WHERE c.id > ?" \
	    " AND (? = '' OR c.category = ?)" \
	    " AND (? < 0 OR (? = 0 AND c.parent_id IS NULL) OR c.parent_id = ?)" \
	    " AND (? < 0 OR c.is_active = ?) ORDER BY c.id LIMIT ?") \
	X(SQL_COMP_GET, "SELECT " COMP_COLS " FROM ui_components c WHERE c.id = ?") \
	X(SQL_COMP_GET_LOCK, "SELECT " COMP_COLS " FROM ui_components c WHERE c.id = ? FOR UPDATE") \
	X(SQL_COMP_LOCK_ALL, "SELECT id FROM ui_components ORDER BY id FOR UPDATE") \
	X(SQL_COMP_PARENT_LOCK, "SELECT id, parent_id, category FROM ui_components" \
	    " WHERE id = ? FOR UPDATE") \
	X(SQL_COMP_INSERT, "INSERT INTO ui_components (component_key, display_name, description," \
	    " category, route, icon, display_order, parent_id, is_active, created_by, updated_by)" \
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)") \
	X(SQL_COMP_UPDATE, "UPDATE ui_components SET component_key = ?, display_name = ?," \
	    " description = ?, category = ?, route = ?, icon = ?, display_order = ?, parent_id = ?," \
	    " is_active = ?, updated_by = ? WHERE id = ?") \
	X(SQL_COMP_CHILDREN, "SELECT COUNT(*) FROM ui_components WHERE parent_id = ?") \
	X(SQL_COMP_USES, "SELECT (SELECT COUNT(*) FROM component_permissions WHERE component_id = ?)," \
	    " (SELECT COUNT(*) FROM role_component_permissions rcp JOIN component_permissions cp" \
	    " ON cp.id = rcp.component_permission_id WHERE cp.component_id = ?)") \
	X(SQL_COMP_DELETE, "DELETE FROM ui_components WHERE id = ?") \
	X(SQL_COMP_ACTION_LIST, "SELECT " COMP_ACTION_COLS COMP_ACTION_FROM \
	    " WHERE cp.component_id = ? ORDER BY cp.action") \
	X(SQL_COMP_ACTION_GET, "SELECT " COMP_ACTION_COLS COMP_ACTION_FROM \
	    " WHERE cp.component_id = ? AND cp.action = ?") \
	X(SQL_COMP_ACTION_GET_LOCK, "SELECT " COMP_ACTION_COLS COMP_ACTION_FROM \
	    " WHERE cp.component_id = ? AND cp.action = ? FOR UPDATE") \
	X(SQL_COMP_ACTION_INSERT, "INSERT INTO component_permissions (component_id, action," \
	    " description, is_active, created_by, updated_by) VALUES (?, ?, ?, ?, ?, ?)") \
	X(SQL_COMP_ACTION_UPDATE, "UPDATE component_permissions SET description = ?, is_active = ?," \
	    " updated_by = ? WHERE id = ?") \
	X(SQL_COMP_ACTION_GRANTS, "SELECT COUNT(*) FROM role_component_permissions" \
	    " WHERE component_permission_id = ?") \
	X(SQL_COMP_ACTION_DELETE, "DELETE FROM component_permissions WHERE id = ?") \
	X(SQL_COMP_ACTION_BY_KEY, "SELECT cp.id FROM component_permissions cp JOIN ui_components c" \
	    " ON c.id = cp.component_id WHERE c.component_key = ? AND cp.action = ?") \
	X(SQL_COMP_KEY_EXISTS, "SELECT id FROM ui_components WHERE component_key = ?") \
	X(SQL_ROLE_COMP_LIST, "SELECT c.component_key, cp.action, cp.id, rcp.is_active" \
	    " FROM role_component_permissions rcp JOIN component_permissions cp" \
	    " ON cp.id = rcp.component_permission_id JOIN ui_components c ON c.id = cp.component_id" \
	    " WHERE rcp.role_id = ? ORDER BY c.component_key, cp.action") \
	X(SQL_ROLE_COMP_INSERT, "INSERT INTO role_component_permissions (role_id," \
	    " component_permission_id, is_active, created_by, updated_by) VALUES (?, ?, ?, ?, ?)") \
	X(SQL_ROLE_COMP_SET_ACTIVE, "UPDATE role_component_permissions SET is_active = ?," \
	    " updated_by = ? WHERE role_id = ? AND component_permission_id = ?") \
	X(SQL_ROLE_COMP_DELETE, "DELETE FROM role_component_permissions WHERE role_id = ?" \
	    " AND component_permission_id = ?") \
	X(SQL_ROLE_COMP_HELD, "SELECT 1 FROM role_component_permissions" \
	    " WHERE component_permission_id = ? AND is_active = 1 AND FIND_IN_SET(role_id, ?) > 0" \
	    " LIMIT 1") \
	X(SQL_NAV_ROWS, "SELECT c.id, c.parent_id, c.component_key, c.display_name, c.description," \
	    " c.category, c.route, c.icon, cp.action FROM ui_components c" \
	    " JOIN component_permissions cp ON cp.component_id = c.id AND cp.is_active = 1" \
	    " WHERE c.is_active = 1 AND EXISTS (SELECT 1 FROM role_component_permissions rcp" \
	    " WHERE rcp.component_permission_id = cp.id AND rcp.is_active = 1" \
	    " AND FIND_IN_SET(rcp.role_id, ?) > 0)" \
	    " ORDER BY c.display_order, c.component_key, c.id, cp.action")

#endif
