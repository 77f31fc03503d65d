-- Invitations admin API (issue 5): who last changed an invitation (revoke, resend), an index
-- for the per-organization listing in id order, and the endpoint mappings of the admin routes.
-- The public routes (/api/v1/public/invitations/{token}, .../accept, /api/v1/auth/password-reset
-- and .../confirm) need no mapping.  invited_by is the invitation's created_by.

ALTER TABLE signup_info
    ADD COLUMN updated_by BIGINT UNSIGNED NULL AFTER invited_by,
    ADD KEY ix_signup_info_purpose_org_id (purpose, organization_id, id),
    ADD CONSTRAINT fk_signup_info_updated_by FOREIGN KEY (updated_by) REFERENCES users (id) ON DELETE SET NULL;

INSERT INTO permission_api_endpoints (permission_id, api_endpoint, http_method, description)
SELECT p.id, e.api_endpoint, e.http_method, e.description
FROM (
              SELECT 'invitations.read' AS permission, '/api/v1/invitations' AS api_endpoint,
                     'GET' AS http_method, 'List invitations' AS description
    UNION ALL SELECT 'invitations.create', '/api/v1/invitations',              'POST', 'Invite someone by email'
    UNION ALL SELECT 'invitations.read',   '/api/v1/invitations/{id}',         'GET',  'Read an invitation'
    UNION ALL SELECT 'invitations.revoke', '/api/v1/invitations/{id}/revoke',  'POST', 'Revoke an invitation'
    UNION ALL SELECT 'invitations.create', '/api/v1/invitations/{id}/resend',  'POST', 'Send an invitation again with a new link'
) e
JOIN permissions p ON p.name = e.permission;
