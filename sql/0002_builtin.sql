-- Built-in data: permissions, system roles and their grants, endpoint mappings
-- for the routes that exist, and the UI component tree of the console.
-- Rows refer to each other by name, never by id.
-- A later migration that adds a permission must also grant it to platform_admin
-- (and to org_admin unless it is platform-only), and map the routes it guards.

INSERT INTO permissions (name, module, description, is_system) VALUES
    ('self.read',               'self',          'Read one''s own account', 1),
    ('self.update',             'self',          'Change one''s own profile and password', 1),
    ('self.sessions',           'self',          'List and end one''s own sessions', 1),
    ('users.read',              'users',         'List and read user accounts', 1),
    ('users.create',            'users',         'Create user accounts', 1),
    ('users.update',            'users',         'Change user accounts', 1),
    ('users.delete',            'users',         'Delete user accounts', 1),
    ('users.manage',            'users',         'Enable, disable, lock, unlock and expire user accounts', 1),
    ('organizations.read',      'organizations', 'List and read organizations', 1),
    ('organizations.create',    'organizations', 'Create organizations', 1),
    ('organizations.update',    'organizations', 'Change organizations', 1),
    ('organizations.delete',    'organizations', 'Delete organizations', 1),
    ('organizations.members',   'organizations', 'Add and remove organization members', 1),
    ('teams.read',              'teams',         'List and read teams', 1),
    ('teams.create',            'teams',         'Create teams', 1),
    ('teams.update',            'teams',         'Change teams', 1),
    ('teams.delete',            'teams',         'Delete teams', 1),
    ('teams.members',           'teams',         'Add and remove team members', 1),
    ('roles.read',              'roles',         'List and read roles and their permissions', 1),
    ('roles.create',            'roles',         'Create roles', 1),
    ('roles.update',            'roles',         'Change roles and their permissions', 1),
    ('roles.delete',            'roles',         'Delete roles', 1),
    ('roles.assign',            'roles',         'Grant roles to users and revoke them', 1),
    ('permissions.read',        'permissions',   'List and read permissions', 1),
    ('permissions.create',      'permissions',   'Create permissions', 1),
    ('permissions.update',      'permissions',   'Change permissions', 1),
    ('permissions.delete',      'permissions',   'Delete permissions', 1),
    ('endpoints.read',          'endpoints',     'List and read API endpoint mappings', 1),
    ('endpoints.create',        'endpoints',     'Map API endpoints to permissions', 1),
    ('endpoints.update',        'endpoints',     'Change API endpoint mappings', 1),
    ('endpoints.delete',        'endpoints',     'Delete API endpoint mappings', 1),
    ('policies.read',           'policies',      'Read organization policies', 1),
    ('policies.update',         'policies',      'Change organization policies', 1),
    ('invitations.read',        'invitations',   'List and read invitations', 1),
    ('invitations.create',      'invitations',   'Invite people by email', 1),
    ('invitations.revoke',      'invitations',   'Revoke pending invitations', 1),
    ('themes.update',           'themes',        'Change an organization''s branding', 1),
    ('audit.read',              'audit',         'Read the audit log', 1),
    ('components.read',         'components',    'List and read UI components', 1),
    ('components.create',       'components',    'Create UI components and their actions', 1),
    ('components.update',       'components',    'Change UI components and their actions', 1),
    ('components.delete',       'components',    'Delete UI components', 1),
    ('components.assign',       'components',    'Grant UI component actions to roles and revoke them', 1);

INSERT INTO roles (name, description, organization_id, scope, is_system) VALUES
    ('platform_admin', 'Operates the whole platform: every permission in every organization', NULL, 'platform', 1),
    ('org_admin',      'Administers one organization', NULL, 'organization', 1),
    ('member',         'Ordinary member of an organization', NULL, 'organization', 1);

INSERT INTO role_permissions (role_id, permission_id)
SELECT r.id, p.id
FROM roles r
CROSS JOIN permissions p
WHERE r.organization_id IS NULL
  AND (   r.name = 'platform_admin'
       OR (r.name = 'org_admin' AND p.name NOT IN (
              'organizations.create', 'organizations.delete',
              'permissions.create', 'permissions.update', 'permissions.delete',
              'endpoints.create', 'endpoints.update', 'endpoints.delete',
              'components.create', 'components.update', 'components.delete'))
       OR (r.name = 'member' AND p.name IN (
              'self.read', 'self.update', 'self.sessions',
              'users.read', 'teams.read', 'organizations.read')));

INSERT INTO permission_api_endpoints (permission_id, api_endpoint, http_method, description)
SELECT p.id, e.api_endpoint, e.http_method, e.description
FROM (
    SELECT 'self.sessions' AS permission, '/api/v1/auth/logout' AS api_endpoint, 'POST' AS http_method,
           'End the current session' AS description
    UNION ALL SELECT 'self.sessions', '/api/v1/auth/logout-all', 'POST', 'End every session of the caller'
    UNION ALL SELECT 'self.read',     '/api/v1/me',              'GET',  'Read the caller''s account'
    UNION ALL SELECT 'self.update',   '/api/v1/me/password',     'POST', 'Change the caller''s password'
) e
JOIN permissions p ON p.name = e.permission;

-- The console menus (seed 000 table menu) and their pages (seed 000 table pages).
INSERT INTO ui_components (component_key, display_name, description, category, route, icon, display_order) VALUES
    ('account',   'My account',            'The signed-in user''s own account',      'account',   NULL, 'user',     10),
    ('directory', 'Directory',             'Users, organizations, teams, invitations', 'directory', NULL, 'users',    20),
    ('access',    'Access control',        'Roles, permissions, endpoints, components', 'access',    NULL, 'shield',   30),
    ('settings',  'Organization settings', 'Policies and branding',                   'settings',  NULL, 'settings', 40),
    ('audit',     'Audit',                 'What happened, who did it',               'audit',     NULL, 'history',  50);

INSERT INTO ui_components (component_key, display_name, description, category, route, icon, display_order, parent_id)
SELECT c.component_key, c.display_name, c.description, m.category, c.route, c.icon, c.display_order, m.id
FROM (
    SELECT 'account-profile' AS component_key, 'account' AS parent_key, 'Profile' AS display_name,
           'Name, email, phone and picture' AS description, '/account/profile' AS route, 'id-card' AS icon,
           10 AS display_order
    UNION ALL SELECT 'account-security',        'account',   'Password and sessions', 'Change the password, sign out elsewhere', '/account/security',    'lock',      20
    UNION ALL SELECT 'user-management',         'directory', 'Users',                 'User accounts',                           '/admin/users',         'user',      10
    UNION ALL SELECT 'organization-management', 'directory', 'Organizations',         'Organizations and their members',         '/admin/organizations', 'building',  20
    UNION ALL SELECT 'team-management',         'directory', 'Teams',                 'Teams and their members',                 '/admin/teams',         'users',     30
    UNION ALL SELECT 'invitation-management',   'directory', 'Invitations',           'Pending and past invitations',            '/admin/invitations',   'mail',      40
    UNION ALL SELECT 'role-management',         'access',    'Roles',                 'Roles and their permissions',             '/admin/roles',         'badge',     10
    UNION ALL SELECT 'permission-management',   'access',    'Permissions',           'Permission catalogue',                    '/admin/permissions',   'key',       20
    UNION ALL SELECT 'endpoint-management',     'access',    'API endpoints',         'Which permission guards which route',     '/admin/endpoints',     'route',     30
    UNION ALL SELECT 'component-management',    'access',    'UI components',         'Console components and their actions',    '/admin/components',    'layout',    40
    UNION ALL SELECT 'policy-settings',         'settings',  'Policies',              'Password, session, lockout, invitation',  '/admin/policies',      'sliders',   10
    UNION ALL SELECT 'theme-settings',          'settings',  'Branding',              'Colors, logo and favicon',                '/admin/theme',         'palette',   20
    UNION ALL SELECT 'audit-log',               'audit',     'Audit log',             'Security and administration events',      '/admin/audit',         'history',   10
) c
JOIN ui_components m ON m.component_key = c.parent_key;

-- Each page action and the server permission it stands for. The VIEW action of a
-- menu stands for none: it is granted below to every role that may view one of
-- its pages. A temporary table, so that the next two statements read one list.
CREATE TEMPORARY TABLE builtin_component_action (
    component_key  VARCHAR(100) NOT NULL,
    action         VARCHAR(6)   NOT NULL,
    permission     VARCHAR(100) NULL,
    description    VARCHAR(500) NOT NULL,
    PRIMARY KEY (component_key, action)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO builtin_component_action (component_key, action, permission, description) VALUES
    ('account',                 'VIEW',   NULL,                   'Show the My account menu'),
    ('directory',               'VIEW',   NULL,                   'Show the Directory menu'),
    ('access',                  'VIEW',   NULL,                   'Show the Access control menu'),
    ('settings',                'VIEW',   NULL,                   'Show the Organization settings menu'),
    ('audit',                   'VIEW',   NULL,                   'Show the Audit menu'),
    ('account-profile',         'VIEW',   'self.read',            'See one''s profile'),
    ('account-profile',         'EDIT',   'self.update',          'Edit one''s profile'),
    ('account-security',        'VIEW',   'self.read',            'See the security page'),
    ('account-security',        'EDIT',   'self.update',          'Change one''s password'),
    ('account-security',        'DELETE', 'self.sessions',        'Sign out of every session'),
    ('user-management',         'VIEW',   'users.read',           'See users'),
    ('user-management',         'CREATE', 'users.create',         'Create users'),
    ('user-management',         'EDIT',   'users.update',         'Edit users'),
    ('user-management',         'DELETE', 'users.delete',         'Delete users'),
    ('organization-management', 'VIEW',   'organizations.read',   'See organizations'),
    ('organization-management', 'CREATE', 'organizations.create', 'Create organizations'),
    ('organization-management', 'EDIT',   'organizations.update', 'Edit organizations'),
    ('organization-management', 'DELETE', 'organizations.delete', 'Delete organizations'),
    ('team-management',         'VIEW',   'teams.read',           'See teams'),
    ('team-management',         'CREATE', 'teams.create',         'Create teams'),
    ('team-management',         'EDIT',   'teams.update',         'Edit teams'),
    ('team-management',         'DELETE', 'teams.delete',         'Delete teams'),
    ('invitation-management',   'VIEW',   'invitations.read',     'See invitations'),
    ('invitation-management',   'CREATE', 'invitations.create',   'Send invitations'),
    ('invitation-management',   'DELETE', 'invitations.revoke',   'Revoke invitations'),
    ('role-management',         'VIEW',   'roles.read',           'See roles'),
    ('role-management',         'CREATE', 'roles.create',         'Create roles'),
    ('role-management',         'EDIT',   'roles.update',         'Edit roles'),
    ('role-management',         'DELETE', 'roles.delete',         'Delete roles'),
    ('permission-management',   'VIEW',   'permissions.read',     'See permissions'),
    ('permission-management',   'CREATE', 'permissions.create',   'Create permissions'),
    ('permission-management',   'EDIT',   'permissions.update',   'Edit permissions'),
    ('permission-management',   'DELETE', 'permissions.delete',   'Delete permissions'),
    ('endpoint-management',     'VIEW',   'endpoints.read',       'See endpoint mappings'),
    ('endpoint-management',     'CREATE', 'endpoints.create',     'Create endpoint mappings'),
    ('endpoint-management',     'EDIT',   'endpoints.update',     'Edit endpoint mappings'),
    ('endpoint-management',     'DELETE', 'endpoints.delete',     'Delete endpoint mappings'),
    ('component-management',    'VIEW',   'components.read',      'See UI components'),
    ('component-management',    'CREATE', 'components.create',    'Create UI components'),
    ('component-management',    'EDIT',   'components.update',    'Edit UI components'),
    ('component-management',    'DELETE', 'components.delete',    'Delete UI components'),
    ('policy-settings',         'VIEW',   'policies.read',        'See policies'),
    ('policy-settings',         'EDIT',   'policies.update',      'Edit policies'),
    ('theme-settings',          'VIEW',   'themes.update',        'See the branding editor'),
    ('theme-settings',          'EDIT',   'themes.update',        'Edit the branding'),
    ('audit-log',               'VIEW',   'audit.read',           'See the audit log');

INSERT INTO component_permissions (component_id, action, description)
SELECT c.id, a.action, a.description
FROM builtin_component_action a
JOIN ui_components c ON c.component_key = a.component_key;

INSERT INTO role_component_permissions (role_id, component_permission_id)
SELECT rp.role_id, cp.id
FROM builtin_component_action a
JOIN ui_components c ON c.component_key = a.component_key
JOIN component_permissions cp ON cp.component_id = c.id AND cp.action = a.action
JOIN permissions p ON p.name = a.permission
JOIN role_permissions rp ON rp.permission_id = p.id
JOIN roles r ON r.id = rp.role_id AND r.is_system = 1;

DROP TEMPORARY TABLE builtin_component_action;

INSERT INTO role_component_permissions (role_id, component_permission_id)
SELECT DISTINCT rcp.role_id, menu_view.id
FROM role_component_permissions rcp
JOIN component_permissions page_view ON page_view.id = rcp.component_permission_id AND page_view.action = 'VIEW'
JOIN ui_components page ON page.id = page_view.component_id
JOIN component_permissions menu_view ON menu_view.component_id = page.parent_id AND menu_view.action = 'VIEW';
