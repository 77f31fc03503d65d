-- Bounded user lists and searches on a million users (issue 5; docs/api-users.md, "Performance").
--
-- 1. The sort keys of a user are copied into each of the user's memberships, with one index per
--    sort, so the members of an organization can be read in any sort order from an index:
--    a page is about 51 index entries whatever the size of the organization.  The copies are
--    prefixed u_ so that no query joining users and user_organization becomes ambiguous.
-- 2. user_search holds, for every live user, each distinct prefix of 2 to 4 characters of the
--    five searchable fields (username, email, first_name, last_name, full_name), with the
--    username: the users matching q = 'mar' are the rows of prefix 'mar', in username order.
--    A prefix search for a common q then reads about 51 rows instead of sorting every match.
--    4 (the longest prefix) is GRAM_K in src/api/users.c.
--
-- Triggers keep both right for every writer (API, create-admin, dev seed, invitations, the
-- benchmark generator), so no C code writes them:
--   user_organization BEFORE INSERT / BEFORE UPDATE: copy the user's keys into the row;
--   users AFTER INSERT: the user's prefixes;
--   users AFTER UPDATE: when a key changed, the memberships' copies; when a searchable field or
--     deleted_at changed, the prefixes (a deleted user has none);
--   users AFTER DELETE: the prefixes (memberships go by their foreign key).
-- String changes are detected with BINARY comparisons: the collation (utf8mb4_unicode_ci)
-- ignores case, accents and trailing spaces, and a rename from smith to Smith must reach the
-- copies too.
--
-- The prefixes are computed the same way when inserted and deleted (LEFT counts characters), so
-- a delete by the old values finds exactly the rows inserted for them; user_search has no index
-- on user_id.  Prefixes equal under the collation ('Jo' and 'Jo ', 'jose' and 'José') are one
-- row (SELECT DISTINCT in the collation, and ON DUPLICATE KEY for safety).  Re-runnable: IF NOT
-- EXISTS, DROP TRIGGER IF EXISTS, and the fills skip rows already present.

ALTER TABLE user_organization
    ADD COLUMN IF NOT EXISTS u_username   VARCHAR(64)  NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS u_email      VARCHAR(254) NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS u_first_name VARCHAR(100) NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS u_last_name  VARCHAR(100) NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS u_created_at DATETIME(6)  NOT NULL DEFAULT '1970-01-01 00:00:00';

UPDATE user_organization uo JOIN users u ON u.id = uo.user_id
SET uo.u_username = u.username, uo.u_email = u.email, uo.u_first_name = u.first_name,
    uo.u_last_name = u.last_name, uo.u_created_at = u.created_at;

ALTER TABLE user_organization
    ADD KEY IF NOT EXISTS ix_uo_org_username (organization_id, u_username),
    ADD KEY IF NOT EXISTS ix_uo_org_email (organization_id, u_email),
    ADD KEY IF NOT EXISTS ix_uo_org_name (organization_id, u_last_name, u_first_name, user_id),
    ADD KEY IF NOT EXISTS ix_uo_org_created (organization_id, u_created_at, user_id);

CREATE TABLE IF NOT EXISTS user_search (
    prefix    VARCHAR(4)      NOT NULL,
    username  VARCHAR(64)     NOT NULL,
    user_id   BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (prefix, username)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO user_search (prefix, username, user_id)
SELECT DISTINCT LEFT(f.v, l.n), f.username, f.id
FROM (SELECT id, username, username AS v FROM users WHERE deleted_at IS NULL
      UNION ALL SELECT id, username, email FROM users WHERE deleted_at IS NULL
      UNION ALL SELECT id, username, first_name FROM users WHERE deleted_at IS NULL
      UNION ALL SELECT id, username, last_name FROM users WHERE deleted_at IS NULL
      UNION ALL SELECT id, username, full_name FROM users WHERE deleted_at IS NULL) f
JOIN (SELECT 2 AS n UNION ALL SELECT 3 UNION ALL SELECT 4) l ON CHAR_LENGTH(f.v) >= l.n
ON DUPLICATE KEY UPDATE user_id = VALUES(user_id);

DROP TRIGGER IF EXISTS tr_user_organization_bi;
CREATE TRIGGER tr_user_organization_bi BEFORE INSERT ON user_organization FOR EACH ROW
BEGIN
    DECLARE n VARCHAR(64);
    DECLARE e VARCHAR(254);
    DECLARE f, l VARCHAR(100);
    DECLARE c DATETIME(6);
    SELECT username, email, first_name, last_name, created_at INTO n, e, f, l, c
      FROM users WHERE id = NEW.user_id;
    SET NEW.u_username = n, NEW.u_email = e, NEW.u_first_name = f, NEW.u_last_name = l,
        NEW.u_created_at = c;
END;

DROP TRIGGER IF EXISTS tr_user_organization_bu;
CREATE TRIGGER tr_user_organization_bu BEFORE UPDATE ON user_organization FOR EACH ROW
BEGIN
    DECLARE n VARCHAR(64);
    DECLARE e VARCHAR(254);
    DECLARE f, l VARCHAR(100);
    DECLARE c DATETIME(6);
    IF NEW.user_id <> OLD.user_id THEN
        SELECT username, email, first_name, last_name, created_at INTO n, e, f, l, c
          FROM users WHERE id = NEW.user_id;
        SET NEW.u_username = n, NEW.u_email = e, NEW.u_first_name = f, NEW.u_last_name = l,
            NEW.u_created_at = c;
    END IF;
END;

DROP TRIGGER IF EXISTS tr_users_ai;
CREATE TRIGGER tr_users_ai AFTER INSERT ON users FOR EACH ROW
BEGIN
    IF NEW.deleted_at IS NULL THEN
        INSERT INTO user_search (prefix, username, user_id)
        SELECT DISTINCT LEFT(f.v, l.n), NEW.username, NEW.id
        FROM (SELECT NEW.username AS v UNION ALL SELECT NEW.email UNION ALL SELECT NEW.first_name
              UNION ALL SELECT NEW.last_name UNION ALL SELECT NEW.full_name) f
        JOIN (SELECT 2 AS n UNION ALL SELECT 3 UNION ALL SELECT 4) l ON CHAR_LENGTH(f.v) >= l.n
        ON DUPLICATE KEY UPDATE user_id = VALUES(user_id);
    END IF;
END;

DROP TRIGGER IF EXISTS tr_users_au;
CREATE TRIGGER tr_users_au AFTER UPDATE ON users FOR EACH ROW
BEGIN
    IF BINARY NEW.username <> BINARY OLD.username OR BINARY NEW.email <> BINARY OLD.email
       OR BINARY NEW.first_name <> BINARY OLD.first_name
       OR BINARY NEW.last_name <> BINARY OLD.last_name OR NEW.created_at <> OLD.created_at THEN
        UPDATE user_organization
           SET u_username = NEW.username, u_email = NEW.email, u_first_name = NEW.first_name,
               u_last_name = NEW.last_name, u_created_at = NEW.created_at
         WHERE user_id = NEW.id;
    END IF;
    IF BINARY NEW.username <> BINARY OLD.username OR BINARY NEW.email <> BINARY OLD.email
       OR BINARY NEW.first_name <> BINARY OLD.first_name
       OR BINARY NEW.last_name <> BINARY OLD.last_name
       OR BINARY NEW.full_name <> BINARY OLD.full_name
       OR NOT (NEW.deleted_at <=> OLD.deleted_at) THEN
        DELETE FROM user_search
         WHERE username = OLD.username
           AND prefix IN (LEFT(OLD.username, 2), LEFT(OLD.username, 3), LEFT(OLD.username, 4),
                          LEFT(OLD.email, 2), LEFT(OLD.email, 3), LEFT(OLD.email, 4),
                          LEFT(OLD.first_name, 2), LEFT(OLD.first_name, 3), LEFT(OLD.first_name, 4),
                          LEFT(OLD.last_name, 2), LEFT(OLD.last_name, 3), LEFT(OLD.last_name, 4),
                          LEFT(OLD.full_name, 2), LEFT(OLD.full_name, 3), LEFT(OLD.full_name, 4));
        IF NEW.deleted_at IS NULL THEN
            INSERT INTO user_search (prefix, username, user_id)
            SELECT DISTINCT LEFT(f.v, l.n), NEW.username, NEW.id
            FROM (SELECT NEW.username AS v UNION ALL SELECT NEW.email UNION ALL SELECT NEW.first_name
                  UNION ALL SELECT NEW.last_name UNION ALL SELECT NEW.full_name) f
            JOIN (SELECT 2 AS n UNION ALL SELECT 3 UNION ALL SELECT 4) l ON CHAR_LENGTH(f.v) >= l.n
            ON DUPLICATE KEY UPDATE user_id = VALUES(user_id);
        END IF;
    END IF;
END;

DROP TRIGGER IF EXISTS tr_users_ad;
CREATE TRIGGER tr_users_ad AFTER DELETE ON users FOR EACH ROW
BEGIN
    DELETE FROM user_search
     WHERE username = OLD.username
       AND prefix IN (LEFT(OLD.username, 2), LEFT(OLD.username, 3), LEFT(OLD.username, 4),
                      LEFT(OLD.email, 2), LEFT(OLD.email, 3), LEFT(OLD.email, 4),
                      LEFT(OLD.first_name, 2), LEFT(OLD.first_name, 3), LEFT(OLD.first_name, 4),
                      LEFT(OLD.last_name, 2), LEFT(OLD.last_name, 3), LEFT(OLD.last_name, 4),
                      LEFT(OLD.full_name, 2), LEFT(OLD.full_name, 3), LEFT(OLD.full_name, 4));
END;
