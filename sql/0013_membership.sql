-- Accounts and memberships (issue 13): a membership's own status and session version.
--
-- status: 'suspended' refuses tokens for that organization only (login, refresh and every
--   outstanding access token of the membership); the account and its other organizations are
--   untouched.  Only 'active' and 'suspended'.
-- session_version: the membership's counterpart of users.permission_version.  Access tokens
--   issued for an organization carry it (claim "mv"); an organization administrator's "end
--   sessions", a suspension and a removal move it, so only that organization's tokens end.
--   New memberships start at the current time in microseconds, and every bump takes at least the
--   current time: a user removed and added again never gets back a version an old token holds.
--   Rows that exist when this migration runs keep 0, which is what tokens issued before it carry
--   (no "mv" claim reads as 0), so upgrading ends no session.

ALTER TABLE user_organization
    ADD COLUMN status ENUM('active','suspended') NOT NULL DEFAULT 'active' AFTER is_primary,
    ADD COLUMN session_version BIGINT UNSIGNED NOT NULL DEFAULT 0 AFTER status,
    ADD COLUMN status_changed_at DATETIME(6) NULL AFTER session_version,
    ADD COLUMN status_changed_by BIGINT UNSIGNED NULL AFTER status_changed_at;

ALTER TABLE user_organization
    ALTER COLUMN session_version SET DEFAULT (CAST(UNIX_TIMESTAMP(CURRENT_TIMESTAMP(6)) * 1000000 AS UNSIGNED));

INSERT INTO permission_api_endpoints (permission_id, api_endpoint, http_method, description)
SELECT p.id, '/api/v1/organizations/{id}/members/{user_id}', 'PATCH',
       'Suspend or reactivate a membership'
FROM permissions p
WHERE p.name = 'organizations.members'
  AND NOT EXISTS (SELECT 1 FROM permission_api_endpoints e
                  WHERE e.api_endpoint = '/api/v1/organizations/{id}/members/{user_id}'
                    AND e.http_method = 'PATCH');
