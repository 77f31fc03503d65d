-- The users admin API (issue 5): indexes for listing and searching a million users, and the
-- endpoint mappings of its routes.  See docs/api-users.md, "Performance".
--
-- Search is a prefix match (LIKE 'q%') on five columns; username and email already have their
-- unique keys and last_name leads ix_users_name (last_name, first_name).  first_name and
-- full_name get their own.  ix_users_state finds the rare disabled, locked or expired accounts
-- without walking the whole table.  ix_user_roles_role_org starts a list from the holders of one
-- role in one organization (the "who are the admins" question) as a covering range.

ALTER TABLE users
    ADD KEY ix_users_first_name (first_name),
    ADD KEY ix_users_full_name (full_name),
    ADD KEY ix_users_state (is_enabled, is_account_non_locked, is_account_non_expired, is_credentials_non_expired);

ALTER TABLE user_roles
    ADD KEY ix_user_roles_role_org (role_id, organization_id, user_id);

INSERT INTO permission_api_endpoints (permission_id, api_endpoint, http_method, description)
SELECT p.id, e.api_endpoint, e.http_method, e.description
FROM (
              SELECT 'users.read' AS permission, '/api/v1/users' AS api_endpoint,
                     'GET' AS http_method, 'List and search users' AS description
    UNION ALL SELECT 'users.create', '/api/v1/users',                           'POST',   'Create or invite a user'
    UNION ALL SELECT 'users.read',   '/api/v1/users/{id}',                      'GET',    'Read a user'
    UNION ALL SELECT 'users.update', '/api/v1/users/{id}',                      'PATCH',  'Change a user''s profile, username or email'
    UNION ALL SELECT 'users.delete', '/api/v1/users/{id}',                      'DELETE', 'Delete a user (personal data scrubbed)'
    UNION ALL SELECT 'users.manage', '/api/v1/users/{id}/disable',              'POST',   'Disable a user'
    UNION ALL SELECT 'users.manage', '/api/v1/users/{id}/enable',               'POST',   'Enable a user'
    UNION ALL SELECT 'users.manage', '/api/v1/users/{id}/lock',                 'POST',   'Lock a user'
    UNION ALL SELECT 'users.manage', '/api/v1/users/{id}/unlock',               'POST',   'Unlock a user'
    UNION ALL SELECT 'users.manage', '/api/v1/users/{id}/expire-credentials',   'POST',   'Expire a user''s password'
    UNION ALL SELECT 'users.manage', '/api/v1/users/{id}/end-sessions',         'POST',   'End every session of a user'
) e
JOIN permissions p ON p.name = e.permission;
