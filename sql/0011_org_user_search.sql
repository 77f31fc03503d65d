-- Search within one organization, bounded whatever its size (issue 5; docs/api-users.md,
-- "Performance").
--
-- user_search (0010) holds every live user's prefixes in username order, for the whole
-- platform.  An organization's search walked those rows and probed each one's membership: an
-- organization holding a share s of q's users needs about 51 / s rows for a page (1,100 for
-- the largest organization of the benchmark, 4.6 % of the users).  org_user_search holds the same
-- prefixes once per membership, keyed by organization first, so the page of any organization is
-- its first 51 rows of (organization, prefix), in username order.  Its size is user_search's
-- times the memberships per user.
--
-- Triggers keep it right for every writer, like 0010's:
--   user_organization AFTER INSERT: the user's prefixes in that organization (a live user);
--   user_organization AFTER DELETE: those rows, found by the user's current fields (which the
--     users trigger keeps the rows equal to);
--   user_organization AFTER UPDATE: the same when the user or the organization of a row changes;
--   users AFTER UPDATE (0010's trigger, replaced here with this added): when a searchable field
--     or deleted_at changes, the rows of every membership go by the old values and come back by
--     the new ones (none for a deleted user);
--   users BEFORE DELETE: the rows of every membership (the memberships then go by their foreign
--     key, which fires no trigger);
--   organization: the foreign key below removes an organization's rows with it.
-- The list statement still probes the membership of every row it reads (51 probes in the
-- organization's few leaf pages), so a row left behind by a path no trigger sees would show
-- nobody who is not a member.
--
-- Re-runnable: IF NOT EXISTS, DROP TRIGGER IF EXISTS, and the fill skips rows already present.

CREATE TABLE IF NOT EXISTS org_user_search (
    organization_id BIGINT UNSIGNED NOT NULL,
    prefix          VARCHAR(4)      NOT NULL,
    username        VARCHAR(64)     NOT NULL,
    user_id         BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (organization_id, prefix, username),
    CONSTRAINT fk_org_user_search_org FOREIGN KEY (organization_id) REFERENCES organization (id)
        ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO org_user_search (organization_id, prefix, username, user_id)
SELECT DISTINCT uo.organization_id, LEFT(f.v, l.n), f.username, f.id
FROM (SELECT id, username, username AS v FROM users WHERE deleted_at IS NULL
      UNION ALL SELECT id, username, email FROM users WHERE deleted_at IS NULL
      UNION ALL SELECT id, username, first_name FROM users WHERE deleted_at IS NULL
      UNION ALL SELECT id, username, last_name FROM users WHERE deleted_at IS NULL
      UNION ALL SELECT id, username, full_name FROM users WHERE deleted_at IS NULL) f
JOIN user_organization uo ON uo.user_id = f.id
JOIN (SELECT 2 AS n UNION ALL SELECT 3 UNION ALL SELECT 4) l ON CHAR_LENGTH(f.v) >= l.n
ON DUPLICATE KEY UPDATE user_id = VALUES(user_id);

-- One membership's rows: added from the user's current fields (a live user only), dropped by
-- them.
DROP PROCEDURE IF EXISTS org_user_search_add;
CREATE PROCEDURE org_user_search_add(IN o BIGINT UNSIGNED, IN uid BIGINT UNSIGNED)
    INSERT INTO org_user_search (organization_id, prefix, username, user_id)
    SELECT DISTINCT o, LEFT(f.v, l.n), f.username, f.id
    FROM (SELECT id, username, username AS v FROM users WHERE id = uid AND deleted_at IS NULL
          UNION ALL SELECT id, username, email FROM users WHERE id = uid AND deleted_at IS NULL
          UNION ALL SELECT id, username, first_name FROM users WHERE id = uid AND deleted_at IS NULL
          UNION ALL SELECT id, username, last_name FROM users WHERE id = uid AND deleted_at IS NULL
          UNION ALL SELECT id, username, full_name FROM users WHERE id = uid AND deleted_at IS NULL) f
    JOIN (SELECT 2 AS n UNION ALL SELECT 3 UNION ALL SELECT 4) l ON CHAR_LENGTH(f.v) >= l.n
    ON DUPLICATE KEY UPDATE user_id = VALUES(user_id);

DROP PROCEDURE IF EXISTS org_user_search_drop;
CREATE PROCEDURE org_user_search_drop(IN o BIGINT UNSIGNED, IN uid BIGINT UNSIGNED)
    DELETE s FROM users u JOIN org_user_search s
        ON s.organization_id = o AND s.username = u.username
       AND s.prefix IN (LEFT(u.username, 2), LEFT(u.username, 3), LEFT(u.username, 4),
                      LEFT(u.email, 2), LEFT(u.email, 3), LEFT(u.email, 4),
                      LEFT(u.first_name, 2), LEFT(u.first_name, 3), LEFT(u.first_name, 4),
                      LEFT(u.last_name, 2), LEFT(u.last_name, 3), LEFT(u.last_name, 4),
                      LEFT(u.full_name, 2), LEFT(u.full_name, 3), LEFT(u.full_name, 4))
     WHERE u.id = uid;

DROP TRIGGER IF EXISTS tr_user_organization_ai;
CREATE TRIGGER tr_user_organization_ai AFTER INSERT ON user_organization FOR EACH ROW
    CALL org_user_search_add(NEW.organization_id, NEW.user_id);

DROP TRIGGER IF EXISTS tr_user_organization_ad;
CREATE TRIGGER tr_user_organization_ad AFTER DELETE ON user_organization FOR EACH ROW
    CALL org_user_search_drop(OLD.organization_id, OLD.user_id);

DROP TRIGGER IF EXISTS tr_user_organization_au;
CREATE TRIGGER tr_user_organization_au AFTER UPDATE ON user_organization FOR EACH ROW
BEGIN
    IF NEW.user_id <> OLD.user_id OR NEW.organization_id <> OLD.organization_id THEN
        CALL org_user_search_drop(OLD.organization_id, OLD.user_id);
        CALL org_user_search_add(NEW.organization_id, NEW.user_id);
    END IF;
END;

-- 0010's trigger, with the organizations' rows added at the end.
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
        DELETE s FROM user_organization uo JOIN org_user_search s
            ON s.organization_id = uo.organization_id AND s.username = OLD.username
           AND s.prefix IN (LEFT(OLD.username, 2), LEFT(OLD.username, 3), LEFT(OLD.username, 4),
                      LEFT(OLD.email, 2), LEFT(OLD.email, 3), LEFT(OLD.email, 4),
                      LEFT(OLD.first_name, 2), LEFT(OLD.first_name, 3), LEFT(OLD.first_name, 4),
                      LEFT(OLD.last_name, 2), LEFT(OLD.last_name, 3), LEFT(OLD.last_name, 4),
                      LEFT(OLD.full_name, 2), LEFT(OLD.full_name, 3), LEFT(OLD.full_name, 4))
         WHERE uo.user_id = NEW.id;
        IF NEW.deleted_at IS NULL THEN
            INSERT INTO user_search (prefix, username, user_id)
            SELECT DISTINCT LEFT(f.v, l.n), NEW.username, NEW.id
            FROM (SELECT NEW.username AS v UNION ALL SELECT NEW.email UNION ALL SELECT NEW.first_name
                  UNION ALL SELECT NEW.last_name UNION ALL SELECT NEW.full_name) f
            JOIN (SELECT 2 AS n UNION ALL SELECT 3 UNION ALL SELECT 4) l ON CHAR_LENGTH(f.v) >= l.n
            ON DUPLICATE KEY UPDATE user_id = VALUES(user_id);
            INSERT INTO org_user_search (organization_id, prefix, username, user_id)
            SELECT DISTINCT uo.organization_id, LEFT(f.v, l.n), NEW.username, NEW.id
            FROM user_organization uo
            JOIN (SELECT NEW.username AS v UNION ALL SELECT NEW.email UNION ALL SELECT NEW.first_name
                  UNION ALL SELECT NEW.last_name UNION ALL SELECT NEW.full_name) f
            JOIN (SELECT 2 AS n UNION ALL SELECT 3 UNION ALL SELECT 4) l ON CHAR_LENGTH(f.v) >= l.n
            WHERE uo.user_id = NEW.id
            ON DUPLICATE KEY UPDATE user_id = VALUES(user_id);
        END IF;
    END IF;
END;

DROP TRIGGER IF EXISTS tr_users_bd;
CREATE TRIGGER tr_users_bd BEFORE DELETE ON users FOR EACH ROW
    DELETE s FROM user_organization uo JOIN org_user_search s
        ON s.organization_id = uo.organization_id AND s.username = OLD.username
       AND s.prefix IN (LEFT(OLD.username, 2), LEFT(OLD.username, 3), LEFT(OLD.username, 4),
                      LEFT(OLD.email, 2), LEFT(OLD.email, 3), LEFT(OLD.email, 4),
                      LEFT(OLD.first_name, 2), LEFT(OLD.first_name, 3), LEFT(OLD.first_name, 4),
                      LEFT(OLD.last_name, 2), LEFT(OLD.last_name, 3), LEFT(OLD.last_name, 4),
                      LEFT(OLD.full_name, 2), LEFT(OLD.full_name, 3), LEFT(OLD.full_name, 4))
     WHERE uo.user_id = OLD.id;
