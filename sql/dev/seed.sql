-- Development data. Never load in production.
-- Load after the migrations:  mariadb gatehouse < sql/dev/seed.sql
-- Every user signs in with the password gatehouse-dev-password
-- (Argon2id, libsodium crypto_pwhash_str, opslimit 2, memlimit 19 MiB).
-- Fixed ids: organizations acme = 1, globex = 2, users 1 to 5, team 1.
-- Loading it again changes nothing: every insert ignores a row that is already there.

SET time_zone = '+00:00';
START TRANSACTION;

INSERT INTO users (id, username, email, first_name, last_name, full_name, password_hash, password_changed_at) VALUES
    (1, 'admin', 'admin@acme.test', 'Ada',   'Admin',    'Ada Admin',      '$argon2id$v=19$m=19456,t=2,p=1$nkAVV6QtKFQVinQaSuws+g$a2zeyLrhsE2/wcl7NPIbwtx9t0YXJhQzt4k3UbgZcoE', CURRENT_TIMESTAMP(6)),
    (2, 'alice', 'alice@acme.test', 'Alice', 'Anderson', 'Alice Anderson', '$argon2id$v=19$m=19456,t=2,p=1$nkAVV6QtKFQVinQaSuws+g$a2zeyLrhsE2/wcl7NPIbwtx9t0YXJhQzt4k3UbgZcoE', CURRENT_TIMESTAMP(6)),
    (3, 'bob',   'bob@acme.test',   'Bob',   'Brown',    'Bob Brown',      '$argon2id$v=19$m=19456,t=2,p=1$nkAVV6QtKFQVinQaSuws+g$a2zeyLrhsE2/wcl7NPIbwtx9t0YXJhQzt4k3UbgZcoE', CURRENT_TIMESTAMP(6)),
    (4, 'carol', 'carol@acme.test', 'Carol', 'Clark',    'Carol Clark',    '$argon2id$v=19$m=19456,t=2,p=1$nkAVV6QtKFQVinQaSuws+g$a2zeyLrhsE2/wcl7NPIbwtx9t0YXJhQzt4k3UbgZcoE', CURRENT_TIMESTAMP(6)),
    (5, 'gina',  'gina@globex.test', 'Gina', 'Green',    'Gina Green',     '$argon2id$v=19$m=19456,t=2,p=1$nkAVV6QtKFQVinQaSuws+g$a2zeyLrhsE2/wcl7NPIbwtx9t0YXJhQzt4k3UbgZcoE', CURRENT_TIMESTAMP(6))
ON DUPLICATE KEY UPDATE id = id;

-- The legacy primary role: the role each user mainly holds (user_roles is what authorization reads).
UPDATE users u
JOIN (
    SELECT 'admin' AS username, 'platform_admin' AS role_name
    UNION ALL SELECT 'alice', 'org_admin'
    UNION ALL SELECT 'bob',   'member'
    UNION ALL SELECT 'carol', 'member'
    UNION ALL SELECT 'gina',  'org_admin'
) x ON x.username = u.username
JOIN roles r ON r.name = x.role_name AND r.organization_id IS NULL
SET u.role_id = r.id;

INSERT INTO organization (id, slug, name, status, description, created_by) VALUES
    (1, 'acme',   'Acme Corp', 'active', 'Development organization', 1),
    (2, 'globex', 'Globex',    'active', 'Second development organization, for tenancy checks', 1)
ON DUPLICATE KEY UPDATE id = id;

INSERT INTO user_organization (user_id, organization_id, is_primary) VALUES
    (1, 1, 1),
    (2, 1, 1),
    (3, 1, 1),
    (4, 1, 1),
    (5, 2, 1)
ON DUPLICATE KEY UPDATE is_primary = is_primary;

-- platform_admin is held platform-wide (organization_id NULL), every other role in one organization.
INSERT INTO user_roles (user_id, role_id, organization_id, created_by)
SELECT g.user_id, r.id, g.organization_id, 1
FROM (
    SELECT 1 AS user_id, 'platform_admin' AS role_name, NULL AS organization_id
    UNION ALL SELECT 1, 'org_admin', 1
    UNION ALL SELECT 2, 'org_admin', 1
    UNION ALL SELECT 3, 'member',    1
    UNION ALL SELECT 4, 'member',    1
    UNION ALL SELECT 5, 'org_admin', 2
) g
JOIN roles r ON r.name = g.role_name AND r.organization_id IS NULL
ON DUPLICATE KEY UPDATE id = user_roles.id;

INSERT INTO team (id, organization_id, name, description, created_by) VALUES
    (1, 1, 'Platform', 'Runs the shared platform', 2)
ON DUPLICATE KEY UPDATE id = id;

INSERT INTO team_member (team_id, user_id, member_role, created_by) VALUES
    (1, 2, 'lead',   2),
    (1, 3, 'member', 2)
ON DUPLICATE KEY UPDATE member_role = member_role;

INSERT INTO org_theme (organization_id, primary_color, secondary_color, accent_color, background_color, text_color, updated_by) VALUES
    (1, '#1f6feb', '#6e7781', '#bf3989', '#ffffff', '#1f2328', 2)
ON DUPLICATE KEY UPDATE organization_id = organization_id;

-- A policy row per kind for both organizations, empty: every value comes from the server's
-- configuration until an administrator sets one (GET .../policies shows the effective values).
INSERT INTO policy (organization_id, kind, settings, created_by)
SELECT o.id, d.kind, d.settings, 1
FROM organization o
CROSS JOIN (
    SELECT 'password' AS kind, '{}' AS settings
    UNION ALL SELECT 'session',    '{}'
    UNION ALL SELECT 'lockout',    '{}'
    UNION ALL SELECT 'invitation', '{}'
) d
WHERE o.id IN (1, 2)
ON DUPLICATE KEY UPDATE id = policy.id;

COMMIT;
