-- A refresh token's rotation in one call, and the role names it carries (issue 20;
-- docs/tokens.md, "Refresh tokens").
--
-- refresh_tokens.roles, roles_pv: the role names the session's access tokens carry (comma
-- separated, as the token's roles claim) and the user's permission_version when they were read.
-- Every change to the roles a user holds, or to the name of a role held, bumps that version
-- (docs/tokens.md, "permission_version"), so while users.permission_version still equals
-- roles_pv a rotation takes the names from here instead of reading user_roles and roles again.
-- NULL (rows made before this migration, a list too long for the column): read them again.
ALTER TABLE refresh_tokens
    ADD COLUMN roles VARCHAR(1024) NULL,
    ADD COLUMN roles_pv BIGINT UNSIGNED NULL;

-- refresh_rotate inserts the successor p_new of the token whose hash is p_old and whose row is
-- p_id, then claims that row (only if it is still live and unrotated) and links it to the
-- successor, and commits; when the claim finds nothing it rolls back, the successor with it.
-- One transaction in READ COMMITTED (no gap locks, as the locked path: docs/tokens.md,
-- "Isolation"). It answers one row, `claimed`: 1 or 0. The statements are those the server
-- sent one by one before (six round trips); inside one call they take one, and MariaDB keeps
-- the procedure parsed per connection. Inserting first lets the claim write replaced_by itself
-- (one UPDATE, not two). An error rolls the transaction back and is raised again, so that the
-- caller sees it as it saw the statement's (a deadlock, a lost node).
DROP PROCEDURE IF EXISTS refresh_rotate;
CREATE PROCEDURE refresh_rotate(
    IN p_old BINARY(32),
    IN p_id BIGINT UNSIGNED,
    IN p_new BINARY(32),
    IN p_family BINARY(16),
    IN p_user BIGINT UNSIGNED,
    IN p_org BIGINT UNSIGNED,
    IN p_ttl INT UNSIGNED,
    IN p_session_end DATETIME(6),
    IN p_ip VARCHAR(45),
    IN p_agent VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci,
    IN p_amr VARCHAR(32),
    IN p_roles VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci,
    IN p_roles_pv BIGINT UNSIGNED)
MODIFIES SQL DATA
BEGIN
    DECLARE EXIT HANDLER FOR SQLEXCEPTION
    BEGIN
        ROLLBACK;
        RESIGNAL;
    END;
    SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
    START TRANSACTION;
    INSERT INTO refresh_tokens (token_hash, family_id, user_id, organization_id, expires_at,
                                session_expires_at, client_ip, user_agent, amr, roles, roles_pv)
    VALUES (p_new, p_family, p_user, p_org,
            LEAST(CURRENT_TIMESTAMP(6) + INTERVAL p_ttl SECOND, p_session_end),
            p_session_end, p_ip, p_agent, p_amr, p_roles, p_roles_pv);
    UPDATE refresh_tokens SET rotated_at = CURRENT_TIMESTAMP(6), replaced_by = LAST_INSERT_ID()
     WHERE token_hash = p_old AND id = p_id AND rotated_at IS NULL AND revoked_at IS NULL
       AND expires_at > CURRENT_TIMESTAMP(6) AND session_expires_at > CURRENT_TIMESTAMP(6);
    IF ROW_COUNT() = 1 THEN
        COMMIT;
        SELECT 1 AS claimed;
    ELSE
        ROLLBACK;
        SELECT 0 AS claimed;
    END IF;
END;
