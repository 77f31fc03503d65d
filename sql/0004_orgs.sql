-- Organizations admin API (issue 5, src/api/orgs.c): endpoint mappings of its routes and an
-- index for the list sorted by creation time. Creating and deleting organizations needs
-- organizations.create / organizations.delete, which only platform_admin holds (0002); the
-- handlers also require them through a platform role. No new permission.

INSERT INTO permission_api_endpoints (permission_id, api_endpoint, http_method, description)
SELECT p.id, e.api_endpoint, e.http_method, e.description
FROM (
              SELECT 'organizations.read' AS permission, '/api/v1/organizations' AS api_endpoint,
                     'GET' AS http_method, 'List organizations' AS description
    UNION ALL SELECT 'organizations.create',  '/api/v1/organizations',                                 'POST',   'Create an organization'
    UNION ALL SELECT 'organizations.read',    '/api/v1/organizations/{id}',                            'GET',    'Read an organization'
    UNION ALL SELECT 'organizations.update',  '/api/v1/organizations/{id}',                            'PATCH',  'Rename, describe, suspend or reactivate an organization'
    UNION ALL SELECT 'organizations.delete',  '/api/v1/organizations/{id}',                            'DELETE', 'Delete an organization'
    UNION ALL SELECT 'organizations.read',    '/api/v1/organizations/{id}/members',                    'GET',    'List an organization''s members'
    UNION ALL SELECT 'organizations.members', '/api/v1/organizations/{id}/members',                    'POST',   'Add a user to an organization'
    UNION ALL SELECT 'organizations.read',    '/api/v1/organizations/{id}/members/{user_id}',          'GET',    'Read one membership'
    UNION ALL SELECT 'organizations.members', '/api/v1/organizations/{id}/members/{user_id}',          'DELETE', 'Remove a member and the roles held there'
    UNION ALL SELECT 'organizations.members', '/api/v1/organizations/{id}/members/{user_id}/primary',  'PUT',    'Make an organization a member''s primary one'
) e
JOIN permissions p ON p.name = e.permission;

CREATE INDEX ix_organization_created_at ON organization (created_at);
