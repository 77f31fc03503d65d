-- Verified email (issue 21, part 2; docs/api-users.md, "Verified email").
--
-- users.email_verified_at: when the account's current address was proven by a mailed link,
-- NULL while unverified.  Existing rows: NULL, except accounts that accepted an invitation mailed
-- to the address they still have: following that link proved the mailbox, so they get the
-- (first) acceptance time.  An account whose address changed since keeps NULL.
--
-- Verification links are rows of signup_info with purpose 'email_verification' (the token
-- scheme, states and expiry of invitations and password resets): user_id is the account, email
-- the address the link proves (the current one, or the new one of a pending change), so a token
-- binds both.  An admin change of the address sets email_verified_at back to NULL in the API.

ALTER TABLE users
    ADD COLUMN email_verified_at DATETIME(6) NULL AFTER email;

ALTER TABLE signup_info
    MODIFY purpose ENUM('invitation','password_reset','email_verification') NOT NULL DEFAULT 'invitation';

UPDATE users u
  JOIN (SELECT s.user_id, s.email, MIN(s.accepted_at) AS at FROM signup_info s
         WHERE s.purpose = 'invitation' AND s.accepted_at IS NOT NULL AND s.user_id IS NOT NULL
         GROUP BY s.user_id, s.email) i ON i.user_id = u.id AND i.email = u.email
   SET u.email_verified_at = i.at
 WHERE u.email_verified_at IS NULL AND u.deleted_at IS NULL;

-- The caller's own routes; POST /api/v1/public/email/verify is public and needs none.
INSERT INTO permission_api_endpoints (permission_id, api_endpoint, http_method, description)
SELECT p.id, e.api_endpoint, e.http_method, e.description
FROM (
              SELECT 'self.update' AS permission, '/api/v1/me/email' AS api_endpoint,
                     'POST' AS http_method, 'Change the caller''s email address (confirmed by mail)' AS description
    UNION ALL SELECT 'self.update', '/api/v1/me/email/verification', 'POST', 'Mail a verification link for the caller''s address'
) e
JOIN permissions p ON p.name = e.permission;
