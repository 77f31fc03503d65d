-- Endpoint mappings for the authorization admin API (roles, permissions, endpoint mappings,
-- user roles) and /me/permissions.  Every built-in route that is not public has one here or in
-- an earlier migration; `gatehouse routes --check` and the API tests fail otherwise.

INSERT INTO permission_api_endpoints (permission_id, api_endpoint, http_method, description)
SELECT p.id, e.api_endpoint, e.http_method, e.description
FROM (
              SELECT 'self.read' AS permission, '/api/v1/me/permissions' AS api_endpoint,
                     'GET' AS http_method, 'The caller''s effective permissions' AS description
    UNION ALL SELECT 'roles.read',         '/api/v1/roles',                           'GET',    'List roles'
    UNION ALL SELECT 'roles.create',       '/api/v1/roles',                           'POST',   'Create a role'
    UNION ALL SELECT 'roles.read',         '/api/v1/roles/{id}',                      'GET',    'Read a role'
    UNION ALL SELECT 'roles.update',       '/api/v1/roles/{id}',                      'PATCH',  'Rename or describe a role'
    UNION ALL SELECT 'roles.delete',       '/api/v1/roles/{id}',                      'DELETE', 'Delete a role'
    UNION ALL SELECT 'roles.read',         '/api/v1/roles/{id}/permissions',          'GET',    'Permissions of a role'
    UNION ALL SELECT 'roles.update',       '/api/v1/roles/{id}/permissions',          'PUT',    'Replace the permissions of a role'
    UNION ALL SELECT 'roles.update',       '/api/v1/roles/{id}/permissions',          'POST',   'Grant a permission to a role'
    UNION ALL SELECT 'roles.update',       '/api/v1/roles/{id}/permissions/{name}',   'DELETE', 'Revoke a permission from a role'
    UNION ALL SELECT 'permissions.read',   '/api/v1/permissions',                     'GET',    'List permissions'
    UNION ALL SELECT 'permissions.create', '/api/v1/permissions',                     'POST',   'Create a permission'
    UNION ALL SELECT 'permissions.read',   '/api/v1/permissions/{id}',                'GET',    'Read a permission'
    UNION ALL SELECT 'permissions.update', '/api/v1/permissions/{id}',                'PATCH',  'Describe a permission'
    UNION ALL SELECT 'permissions.delete', '/api/v1/permissions/{id}',                'DELETE', 'Delete an unused permission'
    UNION ALL SELECT 'endpoints.read',     '/api/v1/endpoints',                       'GET',    'List endpoint mappings'
    UNION ALL SELECT 'endpoints.create',   '/api/v1/endpoints',                       'POST',   'Map an endpoint to a permission'
    UNION ALL SELECT 'endpoints.read',     '/api/v1/endpoints/{id}',                  'GET',    'Read an endpoint mapping'
    UNION ALL SELECT 'endpoints.update',   '/api/v1/endpoints/{id}',                  'PATCH',  'Change an endpoint mapping'
    UNION ALL SELECT 'endpoints.delete',   '/api/v1/endpoints/{id}',                  'DELETE', 'Delete an endpoint mapping'
    UNION ALL SELECT 'roles.read',         '/api/v1/users/{id}/roles',                'GET',    'A user''s roles'
    UNION ALL SELECT 'roles.assign',       '/api/v1/users/{id}/roles',                'PUT',    'Replace a user''s roles'
    UNION ALL SELECT 'roles.assign',       '/api/v1/users/{id}/roles',                'POST',   'Grant a user a role'
    UNION ALL SELECT 'roles.assign',       '/api/v1/users/{id}/roles/{role_id}',      'DELETE', 'Take a role from a user'
) e
JOIN permissions p ON p.name = e.permission;
