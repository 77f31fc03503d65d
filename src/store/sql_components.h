/*
 * sql_components.h: statements of the UI components API (ui_components, component_permissions,
 * role_component_permissions, /me/navigation).  Part of the SQL_STATEMENTS list in store/sql.h.
 *
 * Role id sets (the caller's roles) are bound as one comma-separated text parameter and matched
 * with FIND_IN_SET, so no statement is ever built from input.
 */
#ifndef GH_SQL_COMPONENTS_H
#define GH_SQL_COMPONENTS_H

/* The columns of a component, an action, a role's grant, a navigation row ("Column tables"). */
#define COMP_COLUMNS(X) \
	X(COMP_ID, INT, id, "c.id") \
	X(COMP_KEY, STR, key, "c.component_key") \
	X(COMP_NAME, STR, display_name, "c.display_name") \
	X(COMP_DESC, STR, description, "c.description") \
	X(COMP_CATEGORY, STR, category, "c.category") \
	X(COMP_ROUTE, STR, route, "c.route") \
	X(COMP_ICON, STR, icon, "c.icon") \
	X(COMP_ORDER, INT, display_order, "c.display_order") \
	X(COMP_PARENT, INT, parent_id, "c.parent_id") \
	X(COMP_ACTIVE, BOOL, is_active, "c.is_active") \
	DB_AUDIT_COLUMNS(X, COMP, "c.")
#define COMP_COLS DB_SELECT(COMP_COLUMNS)

#define COMP_ACTION_COLUMNS(X) \
	X(COMP_ACTION_ID, INT, id, "cp.id") \
	X(COMP_ACTION_COMP, INT, component_id, "cp.component_id") \
	X(COMP_ACTION_KEY, STR, component_key, "c.component_key") \
	X(COMP_ACTION_ACTION, STR, action, "cp.action") \
	X(COMP_ACTION_DESC, STR, description, "cp.description") \
	X(COMP_ACTION_ACTIVE, BOOL, is_active, "cp.is_active") \
	DB_AUDIT_COLUMNS(X, COMP_ACTION, "cp.")
#define COMP_ACTION_COLS DB_SELECT(COMP_ACTION_COLUMNS)

#define ROLE_COMP_COLUMNS(X) \
	X(ROLE_COMP_KEY, STR, component_key, "c.component_key") \
	X(ROLE_COMP_ACTION, STR, action, "cp.action") \
	X(ROLE_COMP_CPID, INT, component_permission_id, "cp.id") \
	X(ROLE_COMP_ACTIVE, BOOL, is_active, "rcp.is_active")
#define ROLE_COMP_COLS DB_SELECT(ROLE_COMP_COLUMNS)

/* One row per (component, action the caller's roles hold): the navigation. */
#define NAV_COLUMNS(X) \
	X(NAV_ID, INT, id, "c.id") \
	X(NAV_PARENT, INT, parent_id, "c.parent_id") \
	X(NAV_KEY, STR, key, "c.component_key") \
	X(NAV_NAME, STR, display_name, "c.display_name") \
	X(NAV_DESC, STR, description, "c.description") \
	X(NAV_CATEGORY, STR, category, "c.category") \
	X(NAV_ROUTE, STR, route, "c.route") \
	X(NAV_ICON, STR, icon, "c.icon") \
	X(NAV_ACTION, STR, action, "cp.action")
#define NAV_COLS DB_SELECT(NAV_COLUMNS)

#define COMP_ACTION_FROM " FROM component_permissions cp JOIN ui_components c" \
	" ON c.id = cp.component_id"

#define SQL_STATEMENTS_COMPONENTS \
	X(SQL_COMP_LIST, "SELECT " COMP_COLS " FROM ui_components c WHERE c.id > ?" \
	    " AND (? = '' OR c.category = ?)" \
	    " AND (? < 0 OR (? = 0 AND c.parent_id IS NULL) OR c.parent_id = ?)" \
	    " AND (? < 0 OR c.is_active = ?) ORDER BY c.id LIMIT ?") \
	DB_GET_STATEMENTS(X, SQL_COMP_GET, "SELECT " COMP_COLS " FROM ui_components c WHERE c.id = ?") \
	X(SQL_COMP_LOCK_ALL, "SELECT id FROM ui_components ORDER BY id FOR UPDATE") \
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
	DB_GET_STATEMENTS(X, SQL_COMP_ACTION_GET, "SELECT " COMP_ACTION_COLS COMP_ACTION_FROM \
	    " WHERE cp.component_id = ? AND cp.action = ?") \
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
	X(SQL_ROLE_COMP_LIST, "SELECT " ROLE_COMP_COLS \
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
	X(SQL_NAV_ROWS, "SELECT " NAV_COLS " FROM ui_components c" \
	    " JOIN component_permissions cp ON cp.component_id = c.id AND cp.is_active = 1" \
	    " WHERE c.is_active = 1 AND EXISTS (SELECT 1 FROM role_component_permissions rcp" \
	    " WHERE rcp.component_permission_id = cp.id AND rcp.is_active = 1" \
	    " AND FIND_IN_SET(rcp.role_id, ?) > 0)" \
	    " ORDER BY c.display_order, c.component_key, c.id, cp.action")

#endif
