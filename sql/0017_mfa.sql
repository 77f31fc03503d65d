-- Second factors (issue 16; docs/mfa.md): TOTP, recovery codes, the MFA policy, step-up, the
-- authentication methods of a session, and the session and factor routes.
--
-- user_totp: one authenticator app per account.  secret is the TOTP key sealed with the
-- configured MFA key (libsodium secretbox: key id, nonce, ciphertext); confirmed_at NULL while
-- the enrollment waits for its first code; last_step the time step of the last accepted code, so
-- that a code is accepted once (a replay within its window is refused).
CREATE TABLE user_totp (
    user_id       BIGINT UNSIGNED NOT NULL,
    secret        VARBINARY(255)  NOT NULL,
    confirmed_at  DATETIME(6)     NULL,
    last_step     BIGINT          NOT NULL DEFAULT 0,
    created_at    DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (user_id),
    CONSTRAINT fk_user_totp_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Ten single-use recovery codes per account, kept as keyed BLAKE2b digests; regenerating
-- replaces the whole set.
CREATE TABLE user_recovery_code (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    user_id       BIGINT UNSIGNED NOT NULL,
    code_hash     BINARY(32)      NOT NULL,
    used_at       DATETIME(6)     NULL,
    created_at    DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    UNIQUE KEY uq_user_recovery_code (user_id, code_hash),
    CONSTRAINT fk_user_recovery_code_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- When an organization's MFA policy first found a user without a factor it requires: the grace
-- period counts from here.
CREATE TABLE mfa_grace (
    user_id          BIGINT UNSIGNED NOT NULL,
    organization_id  BIGINT UNSIGNED NOT NULL,
    since            DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (user_id, organization_id),
    CONSTRAINT fk_mfa_grace_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_mfa_grace_organization FOREIGN KEY (organization_id) REFERENCES organization (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The authentication methods of a session (RFC 8176 values, comma separated), carried by every
-- refresh token of its family into the access tokens' amr claim.
ALTER TABLE refresh_tokens
    ADD COLUMN amr VARCHAR(32) NOT NULL DEFAULT 'pwd' AFTER organization_id;

-- Step-up: a mapping may require a token whose amr holds mfa.
ALTER TABLE permission_api_endpoints
    ADD COLUMN requires_mfa TINYINT(1) NOT NULL DEFAULT 0 AFTER is_active;

ALTER TABLE policy
    MODIFY kind ENUM('password','session','lockout','invitation','mfa') NOT NULL;

-- The caller's own factors and sessions; the administrators' view of a user's.
INSERT INTO permission_api_endpoints (permission_id, api_endpoint, http_method, description)
SELECT p.id, e.api_endpoint, e.http_method, e.description
FROM (
              SELECT 'self.read' AS permission, '/api/v1/me/mfa' AS api_endpoint,
                     'GET' AS http_method, 'The caller''s second factors' AS description
    UNION ALL SELECT 'self.update', '/api/v1/me/mfa/totp', 'POST', 'Start enrolling an authenticator app'
    UNION ALL SELECT 'self.update', '/api/v1/me/mfa/totp/confirm', 'POST', 'Confirm the authenticator app with a first code'
    UNION ALL SELECT 'self.update', '/api/v1/me/mfa/totp', 'DELETE', 'Remove the authenticator app (password and code)'
    UNION ALL SELECT 'self.update', '/api/v1/me/mfa/recovery-codes', 'POST', 'Make ten new recovery codes'
    UNION ALL SELECT 'self.read', '/api/v1/me/sessions', 'GET', 'The caller''s sessions'
    UNION ALL SELECT 'self.sessions', '/api/v1/me/sessions/{id}', 'DELETE', 'End one of the caller''s sessions'
    UNION ALL SELECT 'users.read', '/api/v1/users/{id}/sessions', 'GET', 'A user''s sessions'
    UNION ALL SELECT 'users.update', '/api/v1/users/{id}/sessions/{sid}', 'DELETE', 'End one of a user''s sessions'
    UNION ALL SELECT 'users.read', '/api/v1/users/{id}/mfa', 'GET', 'A user''s second factors'
    UNION ALL SELECT 'users.update', '/api/v1/users/{id}/mfa', 'DELETE', 'Reset a user''s second factors (ends the sessions)'
) e
JOIN permissions p ON p.name = e.permission
WHERE NOT EXISTS (SELECT 1 FROM permission_api_endpoints x
                  WHERE x.api_endpoint = e.api_endpoint AND x.http_method = e.http_method);
