-- Usernames and email addresses in their one form (issue 13, part 4; docs/api-users.md,
-- "Identifiers"; src/core/valid.c, valid_ident): NFKC, Unicode case folding, NFC, no white
-- space at either end.  The API has stored them as typed (Alice, Bob.Smith@ACME.test) and
-- compared them through the collation, utf8mb4_unicode_ci, which also equates fullwidth and
-- ASCII letters, ignores trailing spaces (PAD SPACE) and zero-width characters: login now
-- compares the canonical form, so the stored rows must hold it.
--
-- 1. Here, for every row (tombstones of deleted users included, they are already lower case):
--    ASCII case and the spaces at either end, set-based.  UPDATE IGNORE skips a row whose new
--    value another row holds (a collision: ' bob' next to 'bob', which the unique index, PAD
--    SPACE only at the end, let coexist); that row keeps its value.
-- 2. Then `gatehouse migrate` itself (src/store/migrate.c, after this file, in the same
--    transaction) takes every row still not in canonical form (non-ASCII text, which SQL cannot
--    normalize, and the rows skipped above), computes the form with valid_ident and writes it.
--    A row whose form another row holds, or that has no valid form (a character outside the
--    username or email syntax), is left as it is and printed: rename it through the API
--    (PATCH /api/v1/users/{id}), which stores the canonical form.  Until then that row cannot
--    sign in with that identifier.
-- Both steps change a row only when its value changes, so the migration is re-runnable, and the
-- users triggers (sql/0010, 0011, 0012) carry the new values into the search tables.

UPDATE IGNORE users SET username = LOWER(TRIM(username))
 WHERE CAST(username AS BINARY) <> CAST(LOWER(TRIM(username)) AS BINARY)
 ORDER BY id;

UPDATE IGNORE users SET email = LOWER(TRIM(email))
 WHERE CAST(email AS BINARY) <> CAST(LOWER(TRIM(email)) AS BINARY)
 ORDER BY id;
