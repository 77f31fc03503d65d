-- Teams admin API (issue 5): endpoint mappings for the team and team member routes, an index
-- for listing an organization's teams by id, and who last changed a membership (PATCH of a
-- member's role).  Teams grant no permissions, so nothing here touches roles.

ALTER TABLE team
    ADD KEY ix_team_organization_id (organization_id, id);

ALTER TABLE team_member
    ADD COLUMN updated_at DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6) AFTER created_by,
    ADD COLUMN updated_by BIGINT UNSIGNED NULL AFTER updated_at,
    ADD CONSTRAINT fk_team_member_updated_by FOREIGN KEY (updated_by) REFERENCES users (id) ON DELETE SET NULL;

UPDATE team_member SET updated_at = created_at, updated_by = created_by;

INSERT INTO permission_api_endpoints (permission_id, api_endpoint, http_method, description)
SELECT p.id, e.api_endpoint, e.http_method, e.description
FROM (
              SELECT 'teams.read' AS permission, '/api/v1/teams' AS api_endpoint,
                     'GET' AS http_method, 'List teams' AS description
    UNION ALL SELECT 'teams.create',  '/api/v1/teams',                           'POST',   'Create a team'
    UNION ALL SELECT 'teams.read',    '/api/v1/teams/{id}',                      'GET',    'Read a team'
    UNION ALL SELECT 'teams.update',  '/api/v1/teams/{id}',                      'PATCH',  'Rename or describe a team'
    UNION ALL SELECT 'teams.delete',  '/api/v1/teams/{id}',                      'DELETE', 'Delete a team and its memberships'
    UNION ALL SELECT 'teams.read',    '/api/v1/teams/{id}/members',              'GET',    'List the members of a team'
    UNION ALL SELECT 'teams.members', '/api/v1/teams/{id}/members',              'POST',   'Add a member to a team'
    UNION ALL SELECT 'teams.read',    '/api/v1/teams/{id}/members/{user_id}',    'GET',    'Read a team membership'
    UNION ALL SELECT 'teams.members', '/api/v1/teams/{id}/members/{user_id}',    'PATCH',  'Change a member''s role in a team'
    UNION ALL SELECT 'teams.members', '/api/v1/teams/{id}/members/{user_id}',    'DELETE', 'Remove a member from a team'
) e
JOIN permissions p ON p.name = e.permission;
