-- The UI components API (issue 6): who last changed a role's grant of a component action
-- (POST/PUT can switch a grant's is_active), an index for the category filter, and the
-- endpoint mappings of the ui-components, role components and /me/navigation routes.
-- The permissions (components.*, self.read) exist since 0002; nothing here adds one.

ALTER TABLE role_component_permissions
    ADD COLUMN updated_at DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6) AFTER created_by,
    ADD COLUMN updated_by BIGINT UNSIGNED NULL AFTER updated_at,
    ADD CONSTRAINT fk_role_component_permissions_updated_by FOREIGN KEY (updated_by) REFERENCES users (id) ON DELETE SET NULL;

UPDATE role_component_permissions SET updated_at = created_at, updated_by = created_by;

ALTER TABLE ui_components
    ADD KEY ix_ui_components_category (category);

INSERT INTO permission_api_endpoints (permission_id, api_endpoint, http_method, description)
SELECT p.id, e.api_endpoint, e.http_method, e.description
FROM (
              SELECT 'components.read' AS permission, '/api/v1/ui-components' AS api_endpoint,
                     'GET' AS http_method, 'List UI components' AS description
    UNION ALL SELECT 'components.create', '/api/v1/ui-components',                        'POST',   'Create a UI component'
    UNION ALL SELECT 'components.read',   '/api/v1/ui-components/{id}',                   'GET',    'Read a UI component'
    UNION ALL SELECT 'components.update', '/api/v1/ui-components/{id}',                   'PATCH',  'Change, move or (de)activate a UI component'
    UNION ALL SELECT 'components.delete', '/api/v1/ui-components/{id}',                   'DELETE', 'Delete a UI component, its actions and their grants'
    UNION ALL SELECT 'components.read',   '/api/v1/ui-components/{id}/actions',           'GET',    'The actions of a UI component'
    UNION ALL SELECT 'components.create', '/api/v1/ui-components/{id}/actions',           'POST',   'Add an action to a UI component'
    UNION ALL SELECT 'components.read',   '/api/v1/ui-components/{id}/actions/{action}',  'GET',    'Read an action of a UI component'
    UNION ALL SELECT 'components.update', '/api/v1/ui-components/{id}/actions/{action}',  'PATCH',  'Describe or (de)activate an action'
    UNION ALL SELECT 'components.delete', '/api/v1/ui-components/{id}/actions/{action}',  'DELETE', 'Delete an action and its grants'
    UNION ALL SELECT 'components.read',   '/api/v1/roles/{id}/components',                'GET',    'The UI component actions a role grants'
    UNION ALL SELECT 'components.assign', '/api/v1/roles/{id}/components',                'PUT',    'Replace the UI component actions a role grants'
    UNION ALL SELECT 'components.assign', '/api/v1/roles/{id}/components',                'POST',   'Grant a role a UI component action'
    UNION ALL SELECT 'components.assign', '/api/v1/roles/{id}/components/{component_key}/{action}', 'DELETE', 'Revoke a UI component action from a role'
    UNION ALL SELECT 'self.read',         '/api/v1/me/navigation',                        'GET',    'The caller''s navigation tree'
) e
JOIN permissions p ON p.name = e.permission;
