-- OpenID Connect provider and service accounts (issue 17; docs/oidc.md).
--
-- oidc_client: a relying party of one organization.
--   client_id        the public identifier (24 lower-case hex digits, made by the server).
--   client_type      confidential (has a secret) or public (PKCE, no secret).
--   secret_hash      SHA-256 of the secret (32 random bytes, shown once): the secret has 256 bits
--                    of entropy, so a fast hash is enough and keeps client_credentials fast, as
--                    refresh tokens are stored; previous_secret_hash with
--                    previous_secret_expires_at is the secret before the last rotation, accepted
--                    until then (the overlap).
--   redirect_uris, post_logout_redirect_uris   JSON arrays of absolute URIs, matched exactly.
--   grant_types      space separated: authorization_code, refresh_token, client_credentials.
--   scopes           space separated scopes the client may ask for.
--   *_token_ttl      lifetimes in seconds; NULL = the organization's session policy.
--   first_party      skips the consent page.
--   service_user_id  the service account (users.kind = 'service') a client with
--                    client_credentials acts as: a member of the organization holding roles
--                    through user_roles like anyone, never able to sign in with a password.
-- oidc_consent: the scopes a user granted a client (the consent page remembers them).
-- refresh_tokens.oidc_client_id: a refresh token issued by /oauth2/token belongs to that client
--   (only that client may use it, /api/v1/auth/refresh refuses it); oidc_scope and
--   oidc_auth_time are what its ID tokens say.

ALTER TABLE users
    ADD COLUMN kind ENUM('user','service') NOT NULL DEFAULT 'user' AFTER username;

CREATE TABLE oidc_client (
    id                          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    organization_id             BIGINT UNSIGNED NOT NULL,
    client_id                   VARCHAR(64)     NOT NULL,
    name                        VARCHAR(100)    NOT NULL,
    client_type                 ENUM('confidential','public') NOT NULL,
    secret_hash                 BINARY(32)      NULL,
    previous_secret_hash        BINARY(32)      NULL,
    previous_secret_expires_at  DATETIME(6)     NULL,
    redirect_uris               JSON            NOT NULL,
    post_logout_redirect_uris   JSON            NOT NULL,
    grant_types                 VARCHAR(100)    NOT NULL,
    scopes                      VARCHAR(255)    NOT NULL,
    access_token_ttl            INT UNSIGNED    NULL,
    refresh_token_ttl           INT UNSIGNED    NULL,
    id_token_ttl                INT UNSIGNED    NOT NULL DEFAULT 300,
    first_party                 TINYINT(1)      NOT NULL DEFAULT 0,
    enabled                     TINYINT(1)      NOT NULL DEFAULT 1,
    service_user_id             BIGINT UNSIGNED NULL,
    created_at                  DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at                  DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    created_by                  BIGINT UNSIGNED NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_oidc_client_client_id (client_id),
    KEY ix_oidc_client_org (organization_id, id),
    CONSTRAINT fk_oidc_client_org FOREIGN KEY (organization_id) REFERENCES organization (id) ON DELETE CASCADE,
    CONSTRAINT fk_oidc_client_service_user FOREIGN KEY (service_user_id) REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT fk_oidc_client_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE oidc_consent (
    user_id          BIGINT UNSIGNED NOT NULL,
    client_id        BIGINT UNSIGNED NOT NULL,
    scopes           VARCHAR(255)    NOT NULL,
    granted_at       DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at       DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    PRIMARY KEY (user_id, client_id),
    KEY ix_oidc_consent_client (client_id),
    CONSTRAINT fk_oidc_consent_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_oidc_consent_client FOREIGN KEY (client_id) REFERENCES oidc_client (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE refresh_tokens
    ADD COLUMN oidc_client_id BIGINT UNSIGNED NULL,
    ADD COLUMN oidc_scope     VARCHAR(255)    NULL,
    ADD COLUMN oidc_auth_time BIGINT UNSIGNED NULL,
    ADD KEY ix_refresh_tokens_oidc_client (oidc_client_id),
    ADD CONSTRAINT fk_refresh_tokens_oidc_client FOREIGN KEY (oidc_client_id) REFERENCES oidc_client (id) ON DELETE CASCADE;

INSERT INTO permissions (name, module, description, is_system) VALUES
    ('clients.read',   'clients', 'List and read OpenID Connect clients', 1),
    ('clients.manage', 'clients', 'Create, change, rotate the secret of and delete OpenID Connect clients', 1);

INSERT INTO role_permissions (role_id, permission_id)
SELECT r.id, p.id
FROM roles r
JOIN permissions p ON p.name IN ('clients.read', 'clients.manage')
WHERE r.organization_id IS NULL AND r.name IN ('platform_admin', 'org_admin');

INSERT INTO permission_api_endpoints (permission_id, api_endpoint, http_method, description)
SELECT p.id, m.api_endpoint, m.http_method, m.description
FROM (
    SELECT 'clients.read' AS permission, '/api/v1/clients' AS api_endpoint, 'GET' AS http_method,
           'List OpenID Connect clients' AS description
    UNION ALL SELECT 'clients.manage', '/api/v1/clients', 'POST', 'Create an OpenID Connect client'
    UNION ALL SELECT 'clients.read', '/api/v1/clients/{id}', 'GET', 'Read an OpenID Connect client'
    UNION ALL SELECT 'clients.manage', '/api/v1/clients/{id}', 'PATCH', 'Change an OpenID Connect client'
    UNION ALL SELECT 'clients.manage', '/api/v1/clients/{id}', 'DELETE', 'Delete an OpenID Connect client'
    UNION ALL SELECT 'clients.manage', '/api/v1/clients/{id}/secret', 'POST',
           'Rotate a client''s secret (the old one works for the overlap)'
    UNION ALL SELECT 'clients.manage', '/api/v1/clients/{id}/secret/previous', 'DELETE',
           'End the overlap of a rotated secret now'
    UNION ALL SELECT 'self.read', '/api/v1/me/consents', 'GET',
           'The clients the caller granted access, with the scopes'
    UNION ALL SELECT 'self.update', '/api/v1/me/consents/{id}', 'DELETE',
           'Revoke the caller''s consent to a client'
) m
JOIN permissions p ON p.name = m.permission
WHERE NOT EXISTS (SELECT 1 FROM permission_api_endpoints e
                  WHERE e.api_endpoint = m.api_endpoint AND e.http_method = m.http_method);

-- The console's page of clients (Organization settings > Applications), its actions standing
-- for the permissions above, granted to the system roles that hold them.
INSERT INTO ui_components (component_key, display_name, description, category, route, icon, display_order, parent_id)
SELECT 'client-management', 'Applications', 'OpenID Connect clients and service accounts', m.category,
       '/admin/clients', 'plug', 30, m.id
FROM ui_components m WHERE m.component_key = 'settings';

INSERT INTO component_permissions (component_id, action, description)
SELECT c.id, a.action, a.description
FROM ui_components c
JOIN (
    SELECT 'VIEW' AS action, 'See applications' AS description
    UNION ALL SELECT 'CREATE', 'Create applications'
    UNION ALL SELECT 'EDIT', 'Edit applications, rotate their secrets'
    UNION ALL SELECT 'DELETE', 'Delete applications'
) a
WHERE c.component_key = 'client-management';

INSERT INTO role_component_permissions (role_id, component_permission_id)
SELECT rp.role_id, cp.id
FROM ui_components c
JOIN component_permissions cp ON cp.component_id = c.id
JOIN permissions p ON p.name = IF(cp.action = 'VIEW', 'clients.read', 'clients.manage')
JOIN role_permissions rp ON rp.permission_id = p.id
JOIN roles r ON r.id = rp.role_id AND r.is_system = 1
WHERE c.component_key = 'client-management';
