-- Passkeys / WebAuthn Level 2 (issue 16, part 2; docs/mfa.md, "Passkeys").
--
-- webauthn_credential: one row per registered authenticator credential of a user.
--   credential_id   the raw credential id (at most 1023 bytes, WebAuthn L2), unique: an
--                   assertion names its credential by it.
--   public_key      the SubjectPublicKeyInfo DER of the credential key, made by OpenSSL from the
--                   COSE_Key at registration (src/auth/webauthn.h says why); alg the COSE
--                   algorithm it is pinned to (-7 ES256, -8 EdDSA, -257 RS256).
--   sign_count      the authenticator's signature counter as last seen (regression = clone).
--   uv              user verification at registration; backup_eligible / backup_state the BE
--                   and BS flags (a synced passkey); aaguid the authenticator model (zeros for
--                   attestation none from most authenticators).
-- webauthn_user: the WebAuthn user handle of an account, 32 random bytes made at its first
--   registration: no personal data goes to the authenticator, and a discoverable credential's
--   userHandle leads back to the account.

CREATE TABLE webauthn_user (
    user_id          BIGINT UNSIGNED NOT NULL,
    handle           BINARY(32)      NOT NULL,
    created_at       DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (user_id),
    UNIQUE KEY uq_webauthn_user_handle (handle),
    CONSTRAINT fk_webauthn_user_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE webauthn_credential (
    id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    user_id          BIGINT UNSIGNED NOT NULL,
    credential_id    VARBINARY(1023) NOT NULL,
    public_key       VARBINARY(2048) NOT NULL,
    alg              INT             NOT NULL,
    sign_count       BIGINT UNSIGNED NOT NULL DEFAULT 0,
    name             VARCHAR(100)    NOT NULL,
    uv               TINYINT(1)      NOT NULL DEFAULT 0,
    backup_eligible  TINYINT(1)      NOT NULL DEFAULT 0,
    backup_state     TINYINT(1)      NOT NULL DEFAULT 0,
    aaguid           BINARY(16)      NOT NULL,
    transports       VARCHAR(100)    NULL,
    created_at       DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    last_used_at     DATETIME(6)     NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_webauthn_credential_credential_id (credential_id),
    KEY ix_webauthn_credential_user (user_id, id),
    CONSTRAINT fk_webauthn_credential_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The caller's own passkeys: every signed-in user may manage theirs (self.read / self.update).
INSERT INTO permission_api_endpoints (permission_id, api_endpoint, http_method, description)
SELECT p.id, m.api_endpoint, m.http_method, m.description
FROM (
    SELECT 'self.update' AS permission, '/api/v1/me/mfa/webauthn/options' AS api_endpoint,
           'POST' AS http_method,
           'Start registering a passkey: the options for navigator.credentials.create' AS description
    UNION ALL SELECT 'self.update', '/api/v1/me/mfa/webauthn', 'POST',
           'Register a passkey of the caller'
    UNION ALL SELECT 'self.read', '/api/v1/me/mfa/webauthn', 'GET',
           'List the caller''s passkeys'
    UNION ALL SELECT 'self.update', '/api/v1/me/mfa/webauthn/{id}', 'PATCH',
           'Rename a passkey of the caller'
    UNION ALL SELECT 'self.update', '/api/v1/me/mfa/webauthn/{id}', 'DELETE',
           'Remove a passkey of the caller (with the password)'
) m
JOIN permissions p ON p.name = m.permission
WHERE NOT EXISTS (SELECT 1 FROM permission_api_endpoints e
                  WHERE e.api_endpoint = m.api_endpoint AND e.http_method = m.http_method);
