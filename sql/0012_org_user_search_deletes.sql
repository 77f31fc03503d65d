-- org_user_search's deletes by point ranges (issue 5; sql/0011).
--
-- 0011 removed a user's rows from every organization of the user with a join,
--   DELETE s FROM user_organization uo JOIN org_user_search s
--       ON s.organization_id = uo.organization_id AND s.username = ... AND s.prefix IN (...)
-- which MariaDB runs as a ref on organization_id alone: the whole organization's slice of
-- org_user_search read and locked (about 300,000 rows for an organization of 46,000 members) on
-- every rename, soft delete or hard delete of one of its users.  With the organization a
-- constant, the same delete is 15 point ranges of the primary key (organization, prefix,
-- username).  So the deletes go through one procedure that takes the organization and the values
-- as constants, and the users triggers call it once per membership (a cursor: a user has few).
--
-- Apply 0011 and this migration with Gatehouse stopped: 0011 fills org_user_search before its
-- triggers exist, so a membership written during its fill would be missing from the search.
--
-- The procedures' strings are declared in the tables' collation, whatever the database's default.
--
-- Re-runnable: DROP ... IF EXISTS before each CREATE.

-- The rows of one user (by its field values) in one organization.
DROP PROCEDURE IF EXISTS org_user_search_forget;
CREATE PROCEDURE org_user_search_forget(
    IN o BIGINT UNSIGNED,
    IN un VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci,
    IN em VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci,
    IN fi VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci,
    IN la VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci,
    IN fu VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci)
    DELETE FROM org_user_search
     WHERE organization_id = o AND username = un
       AND prefix IN (LEFT(un, 2), LEFT(un, 3), LEFT(un, 4),
                      LEFT(em, 2), LEFT(em, 3), LEFT(em, 4),
                      LEFT(fi, 2), LEFT(fi, 3), LEFT(fi, 4),
                      LEFT(la, 2), LEFT(la, 3), LEFT(la, 4),
                      LEFT(fu, 2), LEFT(fu, 3), LEFT(fu, 4));

-- The same in every organization of user uid.
DROP PROCEDURE IF EXISTS org_user_search_forget_all;
CREATE PROCEDURE org_user_search_forget_all(
    IN uid BIGINT UNSIGNED,
    IN un VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci,
    IN em VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci,
    IN fi VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci,
    IN la VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci,
    IN fu VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci)
BEGIN
    DECLARE done INT DEFAULT 0;
    DECLARE o BIGINT UNSIGNED;
    DECLARE c CURSOR FOR SELECT organization_id FROM user_organization WHERE user_id = uid;
    DECLARE CONTINUE HANDLER FOR NOT FOUND SET done = 1;
    OPEN c;
    next_org: LOOP
        FETCH c INTO o;
        IF done THEN
            LEAVE next_org;
        END IF;
        CALL org_user_search_forget(o, un, em, fi, la, fu);
    END LOOP;
    CLOSE c;
END;

-- One membership's rows, by the user's current fields (0011's name and signature).
DROP PROCEDURE IF EXISTS org_user_search_drop;
CREATE PROCEDURE org_user_search_drop(IN o BIGINT UNSIGNED, IN uid BIGINT UNSIGNED)
BEGIN
    DECLARE un VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
    DECLARE em VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
    DECLARE fi VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
    DECLARE la VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
    DECLARE fu VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
    SELECT username, email, first_name, last_name, full_name INTO un, em, fi, la, fu
      FROM users WHERE id = uid;
    IF un IS NOT NULL THEN
        CALL org_user_search_forget(o, un, em, fi, la, fu);
    END IF;
END;

-- 0011's trigger, with the organizations' rows forgotten one membership at a time.
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
        CALL org_user_search_forget_all(NEW.id, OLD.username, OLD.email, OLD.first_name,
            OLD.last_name, OLD.full_name);
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
    CALL org_user_search_forget_all(OLD.id, OLD.username, OLD.email, OLD.first_name,
        OLD.last_name, OLD.full_name);
