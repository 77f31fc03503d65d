-- The rotation of a refresh token as one call (issue 20; docs/tokens.md, "Refresh tokens").
--
-- refresh_rotate claims the token whose hash is p_old and whose row is p_id (only if it is
-- still live and unrotated), inserts its successor p_new in the same family, links the two and
-- commits, in one transaction in READ COMMITTED; or, when the claim finds nothing, rolls back.
-- It answers one row, `claimed`: 1 or 0. The statements are those the server sent one by one
-- before (six round trips); inside one call they take one, and MariaDB keeps the procedure
-- parsed per connection. An error rolls the transaction back and is raised again, so that the
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
    IN p_amr VARCHAR(32))
MODIFIES SQL DATA
BEGIN
    DECLARE EXIT HANDLER FOR SQLEXCEPTION
    BEGIN
        ROLLBACK;
        RESIGNAL;
    END;
    SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
    START TRANSACTION;
    UPDATE refresh_tokens SET rotated_at = CURRENT_TIMESTAMP(6)
     WHERE token_hash = p_old AND id = p_id AND rotated_at IS NULL AND revoked_at IS NULL
       AND expires_at > CURRENT_TIMESTAMP(6) AND session_expires_at > CURRENT_TIMESTAMP(6);
    IF ROW_COUNT() = 1 THEN
        INSERT INTO refresh_tokens (token_hash, family_id, user_id, organization_id, expires_at,
                                    session_expires_at, client_ip, user_agent, amr)
        VALUES (p_new, p_family, p_user, p_org,
                LEAST(CURRENT_TIMESTAMP(6) + INTERVAL p_ttl SECOND, p_session_end),
                p_session_end, p_ip, p_agent, p_amr);
        UPDATE refresh_tokens SET replaced_by = LAST_INSERT_ID() WHERE id = p_id;
        COMMIT;
        SELECT 1 AS claimed;
    ELSE
        ROLLBACK;
        SELECT 0 AS claimed;
    END IF;
END;
