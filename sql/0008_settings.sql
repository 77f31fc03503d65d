-- Endpoint mappings for the settings admin API (organization policies, organization theme, audit
-- log), and an index for reading one organization's audit events newest first.  The public
-- theme route (GET /api/v1/themes/{slug}) needs no mapping.  Every permission used here exists
-- since 0002_builtin.sql.

INSERT INTO permission_api_endpoints (permission_id, api_endpoint, http_method, description)
SELECT p.id, e.api_endpoint, e.http_method, e.description
FROM (
              SELECT 'policies.read' AS permission, '/api/v1/organizations/{id}/policies' AS api_endpoint,
                     'GET' AS http_method, 'An organization''s policies' AS description
    UNION ALL SELECT 'policies.read',   '/api/v1/organizations/{id}/policies/{kind}', 'GET', 'One policy of an organization'
    UNION ALL SELECT 'policies.update', '/api/v1/organizations/{id}/policies/{kind}', 'PUT', 'Set one policy of an organization'
    UNION ALL SELECT 'themes.update',   '/api/v1/organizations/{id}/theme',           'PUT', 'Set an organization''s theme'
    UNION ALL SELECT 'audit.read',      '/api/v1/audit-events',                       'GET', 'Read the audit log'
) e
JOIN permissions p ON p.name = e.permission;

-- Keyset pagination of one organization's events (organization_id = ? AND id < ? ORDER BY id DESC).
ALTER TABLE audit_log ADD KEY ix_audit_log_org_id (organization_id, id);
