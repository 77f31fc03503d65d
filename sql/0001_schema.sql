-- Gatehouse schema, version 1: every table.
--
-- Runs as one multi-statement batch on MariaDB 10.6+ and MySQL 8.0.16+.
-- All DATETIME values are UTC: every connection must set time_zone = '+00:00'.
-- Generated key columns are VIRTUAL: MySQL refuses CASCADE / SET NULL on the
-- base column of a STORED generated column.
-- No CHECK constraint names a column that has a foreign key action: MySQL refuses
-- that too, so those rules are kept by the application (see docs/schema.md).

CREATE TABLE users (
    id                          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    username                    VARCHAR(64)     NOT NULL,
    email                       VARCHAR(254)    NOT NULL,
    phone_number                VARCHAR(16)     NULL,
    first_name                  VARCHAR(100)    NOT NULL DEFAULT '',
    last_name                   VARCHAR(100)    NOT NULL DEFAULT '',
    full_name                   VARCHAR(200)    NOT NULL DEFAULT '',
    password_hash               VARCHAR(255)    NULL,
    profile_image_ref           VARCHAR(512)    NULL,
    role_id                     BIGINT UNSIGNED NULL,
    permission_version          BIGINT UNSIGNED NOT NULL DEFAULT 1,
    is_enabled                  TINYINT(1)      NOT NULL DEFAULT 1,
    is_account_non_expired      TINYINT(1)      NOT NULL DEFAULT 1,
    is_account_non_locked       TINYINT(1)      NOT NULL DEFAULT 1,
    is_credentials_non_expired  TINYINT(1)      NOT NULL DEFAULT 1,
    locked_until                DATETIME(6)     NULL,
    failed_login_count          INT UNSIGNED    NOT NULL DEFAULT 0,
    last_failed_login           DATETIME(6)     NULL,
    last_login                  DATETIME(6)     NULL,
    password_changed_at         DATETIME(6)     NULL,
    deleted_at                  DATETIME(6)     NULL,
    created_at                  DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at                  DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    created_by                  BIGINT UNSIGNED NULL,
    updated_by                  BIGINT UNSIGNED NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_users_username (username),
    UNIQUE KEY uq_users_email (email),
    UNIQUE KEY uq_users_phone_number (phone_number),
    KEY ix_users_name (last_name, first_name),
    KEY ix_users_created_at (created_at),
    KEY ix_users_role_id (role_id),
    CONSTRAINT ck_users_phone_number CHECK (phone_number IS NULL OR phone_number REGEXP '^[+][1-9][0-9]{1,14}$'),
    CONSTRAINT fk_users_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT fk_users_updated_by FOREIGN KEY (updated_by) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE organization (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    slug         VARCHAR(64)     NOT NULL,
    name         VARCHAR(200)    NOT NULL,
    status       ENUM('active','suspended') NOT NULL DEFAULT 'active',
    description  VARCHAR(1000)   NULL,
    created_at   DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at   DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    created_by   BIGINT UNSIGNED NULL,
    updated_by   BIGINT UNSIGNED NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_organization_slug (slug),
    KEY ix_organization_name (name),
    CONSTRAINT fk_organization_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT fk_organization_updated_by FOREIGN KEY (updated_by) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE roles (
    id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    name             VARCHAR(100)    NOT NULL,
    description      VARCHAR(500)    NULL,
    organization_id  BIGINT UNSIGNED NULL,
    scope            ENUM('platform','organization') NOT NULL DEFAULT 'organization',
    is_system        TINYINT(1)      NOT NULL DEFAULT 0,
    org_key          BIGINT UNSIGNED GENERATED ALWAYS AS (IFNULL(organization_id, 0)) VIRTUAL,
    created_at       DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at       DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    created_by       BIGINT UNSIGNED NULL,
    updated_by       BIGINT UNSIGNED NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_roles_org_name (org_key, name),
    KEY ix_roles_organization_id (organization_id),
    CONSTRAINT fk_roles_organization FOREIGN KEY (organization_id) REFERENCES organization (id) ON DELETE CASCADE,
    CONSTRAINT fk_roles_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT fk_roles_updated_by FOREIGN KEY (updated_by) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- users and roles refer to each other: the legacy primary role is added once roles exists.
ALTER TABLE users
    ADD CONSTRAINT fk_users_role FOREIGN KEY (role_id) REFERENCES roles (id) ON DELETE SET NULL;

CREATE TABLE user_organization (
    user_id          BIGINT UNSIGNED NOT NULL,
    organization_id  BIGINT UNSIGNED NOT NULL,
    is_primary       TINYINT(1)      NOT NULL DEFAULT 0,
    joined_at        DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    primary_user_id  BIGINT UNSIGNED GENERATED ALWAYS AS (IF(is_primary, user_id, NULL)) VIRTUAL,
    PRIMARY KEY (user_id, organization_id),
    UNIQUE KEY uq_user_organization_primary (primary_user_id),
    KEY ix_user_organization_org_user (organization_id, user_id),
    CONSTRAINT fk_user_organization_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_user_organization_org FOREIGN KEY (organization_id) REFERENCES organization (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE policy (
    id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    organization_id  BIGINT UNSIGNED NOT NULL,
    kind             ENUM('password','session','lockout','invitation') NOT NULL,
    settings         JSON            NOT NULL,
    created_at       DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at       DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    created_by       BIGINT UNSIGNED NULL,
    updated_by       BIGINT UNSIGNED NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_policy_org_kind (organization_id, kind),
    CONSTRAINT ck_policy_settings CHECK (JSON_VALID(settings)),
    CONSTRAINT fk_policy_organization FOREIGN KEY (organization_id) REFERENCES organization (id) ON DELETE CASCADE,
    CONSTRAINT fk_policy_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT fk_policy_updated_by FOREIGN KEY (updated_by) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE user_roles (
    id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    user_id          BIGINT UNSIGNED NOT NULL,
    role_id          BIGINT UNSIGNED NOT NULL,
    organization_id  BIGINT UNSIGNED NULL,
    org_key          BIGINT UNSIGNED GENERATED ALWAYS AS (IFNULL(organization_id, 0)) VIRTUAL,
    created_at       DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    created_by       BIGINT UNSIGNED NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_user_roles_user_role_org (user_id, role_id, org_key),
    KEY ix_user_roles_role (role_id),
    KEY ix_user_roles_org_user (organization_id, user_id),
    CONSTRAINT fk_user_roles_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_user_roles_role FOREIGN KEY (role_id) REFERENCES roles (id) ON DELETE CASCADE,
    CONSTRAINT fk_user_roles_organization FOREIGN KEY (organization_id) REFERENCES organization (id) ON DELETE CASCADE,
    CONSTRAINT fk_user_roles_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE permissions (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    name         VARCHAR(100)    NOT NULL,
    description  VARCHAR(500)    NULL,
    module       VARCHAR(50)     NOT NULL,
    is_system    TINYINT(1)      NOT NULL DEFAULT 0,
    created_at   DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at   DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    created_by   BIGINT UNSIGNED NULL,
    updated_by   BIGINT UNSIGNED NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_permissions_name (name),
    KEY ix_permissions_module (module),
    CONSTRAINT fk_permissions_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT fk_permissions_updated_by FOREIGN KEY (updated_by) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE role_permissions (
    role_id        BIGINT UNSIGNED NOT NULL,
    permission_id  BIGINT UNSIGNED NOT NULL,
    created_at     DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    created_by     BIGINT UNSIGNED NULL,
    PRIMARY KEY (role_id, permission_id),
    KEY ix_role_permissions_permission (permission_id),
    CONSTRAINT fk_role_permissions_role FOREIGN KEY (role_id) REFERENCES roles (id) ON DELETE CASCADE,
    CONSTRAINT fk_role_permissions_permission FOREIGN KEY (permission_id) REFERENCES permissions (id) ON DELETE CASCADE,
    CONSTRAINT fk_role_permissions_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Paths and methods compare byte for byte (utf8mb4_bin): /api/v1/Users is not /api/v1/users.
-- permission_id is RESTRICT: a permission still guarding a route cannot vanish silently.
CREATE TABLE permission_api_endpoints (
    id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    permission_id  BIGINT UNSIGNED NOT NULL,
    api_endpoint   VARCHAR(255)    CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    http_method    VARCHAR(10)     CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    description    VARCHAR(500)    NULL,
    is_active      TINYINT(1)      NOT NULL DEFAULT 1,
    created_at     DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at     DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    created_by     BIGINT UNSIGNED NULL,
    updated_by     BIGINT UNSIGNED NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_permission_api_endpoints (permission_id, api_endpoint, http_method),
    KEY ix_permission_api_endpoints_route (api_endpoint, http_method),
    CONSTRAINT ck_permission_api_endpoints_path CHECK (api_endpoint LIKE '/%'),
    CONSTRAINT ck_permission_api_endpoints_method CHECK (http_method IN ('GET','POST','PUT','PATCH','DELETE','*')),
    CONSTRAINT fk_permission_api_endpoints_permission FOREIGN KEY (permission_id) REFERENCES permissions (id) ON DELETE RESTRICT,
    CONSTRAINT fk_permission_api_endpoints_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT fk_permission_api_endpoints_updated_by FOREIGN KEY (updated_by) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- parent_id is RESTRICT: a menu with pages cannot be deleted until its pages are moved or deleted.
CREATE TABLE ui_components (
    id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    component_key  VARCHAR(100)    NOT NULL,
    display_name   VARCHAR(100)    NOT NULL,
    description    VARCHAR(500)    NULL,
    category       VARCHAR(50)     NULL,
    route          VARCHAR(255)    NULL,
    icon           VARCHAR(64)     NULL,
    display_order  INT             NOT NULL DEFAULT 0,
    parent_id      BIGINT UNSIGNED NULL,
    is_active      TINYINT(1)      NOT NULL DEFAULT 1,
    created_at     DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at     DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    created_by     BIGINT UNSIGNED NULL,
    updated_by     BIGINT UNSIGNED NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_ui_components_key (component_key),
    KEY ix_ui_components_parent_order (parent_id, display_order),
    CONSTRAINT fk_ui_components_parent FOREIGN KEY (parent_id) REFERENCES ui_components (id) ON DELETE RESTRICT,
    CONSTRAINT fk_ui_components_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT fk_ui_components_updated_by FOREIGN KEY (updated_by) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE component_permissions (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    component_id  BIGINT UNSIGNED NOT NULL,
    action        ENUM('VIEW','CREATE','EDIT','DELETE') NOT NULL,
    description   VARCHAR(500)    NULL,
    is_active     TINYINT(1)      NOT NULL DEFAULT 1,
    created_at    DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at    DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    created_by    BIGINT UNSIGNED NULL,
    updated_by    BIGINT UNSIGNED NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_component_permissions (component_id, action),
    CONSTRAINT fk_component_permissions_component FOREIGN KEY (component_id) REFERENCES ui_components (id) ON DELETE CASCADE,
    CONSTRAINT fk_component_permissions_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT fk_component_permissions_updated_by FOREIGN KEY (updated_by) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE role_component_permissions (
    role_id                  BIGINT UNSIGNED NOT NULL,
    component_permission_id  BIGINT UNSIGNED NOT NULL,
    is_active                TINYINT(1)      NOT NULL DEFAULT 1,
    created_at               DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    created_by               BIGINT UNSIGNED NULL,
    PRIMARY KEY (role_id, component_permission_id),
    KEY ix_role_component_permissions_cp (component_permission_id),
    CONSTRAINT fk_role_component_permissions_role FOREIGN KEY (role_id) REFERENCES roles (id) ON DELETE CASCADE,
    CONSTRAINT fk_role_component_permissions_cp FOREIGN KEY (component_permission_id) REFERENCES component_permissions (id) ON DELETE CASCADE,
    CONSTRAINT fk_role_component_permissions_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE team (
    id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    organization_id  BIGINT UNSIGNED NOT NULL,
    name             VARCHAR(100)    NOT NULL,
    description      VARCHAR(500)    NULL,
    created_at       DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at       DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    created_by       BIGINT UNSIGNED NULL,
    updated_by       BIGINT UNSIGNED NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_team_org_name (organization_id, name),
    CONSTRAINT fk_team_organization FOREIGN KEY (organization_id) REFERENCES organization (id) ON DELETE CASCADE,
    CONSTRAINT fk_team_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT fk_team_updated_by FOREIGN KEY (updated_by) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE team_member (
    team_id      BIGINT UNSIGNED NOT NULL,
    user_id      BIGINT UNSIGNED NOT NULL,
    member_role  ENUM('member','lead') NOT NULL DEFAULT 'member',
    created_at   DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    created_by   BIGINT UNSIGNED NULL,
    PRIMARY KEY (team_id, user_id),
    KEY ix_team_member_user (user_id),
    CONSTRAINT fk_team_member_team FOREIGN KEY (team_id) REFERENCES team (id) ON DELETE CASCADE,
    CONSTRAINT fk_team_member_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_team_member_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Invitations (purpose 'invitation': organization_id set) and password resets
-- (purpose 'password_reset': organization_id NULL, user_id set). Only the SHA-256 of a token is kept.
CREATE TABLE signup_info (
    id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    purpose          ENUM('invitation','password_reset') NOT NULL DEFAULT 'invitation',
    organization_id  BIGINT UNSIGNED NULL,
    email            VARCHAR(254)    NOT NULL,
    role_id          BIGINT UNSIGNED NULL,
    user_id          BIGINT UNSIGNED NULL,
    token_hash       BINARY(32)      NOT NULL,
    invited_by       BIGINT UNSIGNED NULL,
    expires_at       DATETIME(6)     NOT NULL,
    accepted_at      DATETIME(6)     NULL,
    revoked_at       DATETIME(6)     NULL,
    last_sent_at     DATETIME(6)     NULL,
    send_count       INT UNSIGNED    NOT NULL DEFAULT 0,
    created_at       DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at       DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    UNIQUE KEY uq_signup_info_token_hash (token_hash),
    KEY ix_signup_info_org_email (organization_id, email),
    KEY ix_signup_info_expires_at (expires_at),
    KEY ix_signup_info_user (user_id),
    CONSTRAINT fk_signup_info_organization FOREIGN KEY (organization_id) REFERENCES organization (id) ON DELETE CASCADE,
    CONSTRAINT fk_signup_info_role FOREIGN KEY (role_id) REFERENCES roles (id) ON DELETE SET NULL,
    CONSTRAINT fk_signup_info_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_signup_info_invited_by FOREIGN KEY (invited_by) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE org_theme (
    organization_id   BIGINT UNSIGNED NOT NULL,
    primary_color     CHAR(7)         NULL,
    secondary_color   CHAR(7)         NULL,
    accent_color      CHAR(7)         NULL,
    background_color  CHAR(7)         NULL,
    text_color        CHAR(7)         NULL,
    logo_ref          VARCHAR(512)    NULL,
    favicon_ref       VARCHAR(512)    NULL,
    updated_at        DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    updated_by        BIGINT UNSIGNED NULL,
    PRIMARY KEY (organization_id),
    CONSTRAINT ck_org_theme_primary CHECK (primary_color IS NULL OR primary_color REGEXP '^#[0-9a-fA-F]{6}$'),
    CONSTRAINT ck_org_theme_secondary CHECK (secondary_color IS NULL OR secondary_color REGEXP '^#[0-9a-fA-F]{6}$'),
    CONSTRAINT ck_org_theme_accent CHECK (accent_color IS NULL OR accent_color REGEXP '^#[0-9a-fA-F]{6}$'),
    CONSTRAINT ck_org_theme_background CHECK (background_color IS NULL OR background_color REGEXP '^#[0-9a-fA-F]{6}$'),
    CONSTRAINT ck_org_theme_text CHECK (text_color IS NULL OR text_color REGEXP '^#[0-9a-fA-F]{6}$'),
    CONSTRAINT fk_org_theme_organization FOREIGN KEY (organization_id) REFERENCES organization (id) ON DELETE CASCADE,
    CONSTRAINT fk_org_theme_updated_by FOREIGN KEY (updated_by) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per refresh token ever issued. A token that has rotated_at set and is
-- presented again is a reuse: revoke every row with its family_id.
CREATE TABLE refresh_tokens (
    id                  BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    token_hash          BINARY(32)      NOT NULL,
    family_id           BINARY(16)      NOT NULL,
    user_id             BIGINT UNSIGNED NOT NULL,
    organization_id     BIGINT UNSIGNED NULL,
    issued_at           DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    expires_at          DATETIME(6)     NOT NULL,
    session_expires_at  DATETIME(6)     NOT NULL,
    rotated_at          DATETIME(6)     NULL,
    revoked_at          DATETIME(6)     NULL,
    revoke_reason       VARCHAR(32)     NULL,
    replaced_by         BIGINT UNSIGNED NULL,
    client_ip           VARCHAR(45)     NULL,
    user_agent          VARCHAR(255)    NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_refresh_tokens_token_hash (token_hash),
    KEY ix_refresh_tokens_family (family_id),
    KEY ix_refresh_tokens_user_revoked (user_id, revoked_at),
    KEY ix_refresh_tokens_expires_at (expires_at),
    CONSTRAINT fk_refresh_tokens_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_refresh_tokens_organization FOREIGN KEY (organization_id) REFERENCES organization (id) ON DELETE CASCADE,
    CONSTRAINT fk_refresh_tokens_replaced_by FOREIGN KEY (replaced_by) REFERENCES refresh_tokens (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- No foreign keys: the audit trail outlives the users and organizations it names.
CREATE TABLE audit_log (
    id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    occurred_at      DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    actor_user_id    BIGINT UNSIGNED NULL,
    organization_id  BIGINT UNSIGNED NULL,
    action           VARCHAR(64)     NOT NULL,
    target_type      VARCHAR(32)     NULL,
    target_id        VARCHAR(64)     NULL,
    outcome          ENUM('success','failure') NOT NULL,
    reason           VARCHAR(64)     NULL,
    client_ip        VARCHAR(45)     NULL,
    request_id       VARCHAR(64)     NULL,
    details          JSON            NULL,
    PRIMARY KEY (id),
    KEY ix_audit_log_occurred_at (occurred_at),
    KEY ix_audit_log_org_time (organization_id, occurred_at),
    KEY ix_audit_log_actor_time (actor_user_id, occurred_at),
    KEY ix_audit_log_target (target_type, target_id),
    KEY ix_audit_log_action_time (action, occurred_at),
    CONSTRAINT ck_audit_log_details CHECK (details IS NULL OR JSON_VALID(details))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
