-- Self-service account (issue 21): the caller's own profile, organizations and organization switch.
--
-- PATCH /api/v1/me changes one's own names, phone number and image reference (self.update);
-- GET /api/v1/me/organizations lists one's organizations (self.read); POST
-- /api/v1/me/organization issues a token pair for another of them in the same session, a
-- session action like logout (self.sessions).

INSERT INTO permission_api_endpoints (permission_id, api_endpoint, http_method, description)
SELECT p.id, m.api_endpoint, m.http_method, m.description
FROM (
    SELECT 'self.update' AS permission, '/api/v1/me' AS api_endpoint, 'PATCH' AS http_method,
           'Change the caller''s names, phone number and image reference' AS description
    UNION ALL SELECT 'self.read', '/api/v1/me/organizations', 'GET',
           'List the caller''s organizations'
    UNION ALL SELECT 'self.sessions', '/api/v1/me/organization', 'POST',
           'Switch the caller''s session to another organization'
) m
JOIN permissions p ON p.name = m.permission
WHERE NOT EXISTS (SELECT 1 FROM permission_api_endpoints e
                  WHERE e.api_endpoint = m.api_endpoint AND e.http_method = m.http_method);
