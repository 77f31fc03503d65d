/*
 * refresh.h: the rows of refresh_tokens (docs/tokens.md, "Refresh tokens"): a session is a
 * family of rows, each token stored only as the SHA-256 of its value.  REFRESH_COLUMNS in
 * store/sql.h.  Functions take the worker's connection and an arena; errors are db_exec's.
 */
#ifndef GH_STORE_REFRESH_H
#define GH_STORE_REFRESH_H

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"

#define REFRESH_FAMILY_LEN	16	/* bytes of a family id */
#define REFRESH_HASH_LEN	32	/* bytes of a token's SHA-256 */
#define REFRESH_ROLES_MAX	1024	/* characters of refresh_tokens.roles (sql/0020) */

struct refresh {
	REFRESH_COLUMNS(DB_COL_MEMBER)
};

/* What a new row holds besides its hash and family. */
struct refresh_new {
	long long	 user_id;
	long long	 organization_id;	/* 0 = none */
	long long	 ttl;			/* idle lifetime, seconds */
	long long	 session_ttl;		/* a new session: its absolute lifetime, seconds */
	const char	*session_end;		/* a rotation: the family's session_expires_at */
	const char	*client_ip;
	const char	*user_agent;		/* at most 255 bytes */
	const char	*amr;			/* the session's methods; NULL = "pwd" */
	const char	*roles;			/* the role names its access tokens carry, read
						   under permission_version roles_pv; NULL =
						   not kept (sql/0020) */
	long long	 roles_pv;
};

/*
 * The row whose token hash is hash, locked for update.  GH_ERR_NOT_FOUND when there is none or
 * its family id is not REFRESH_FAMILY_LEN bytes (out->family_id then points at those bytes).
 */
enum gh_err	 store_refresh_get(struct db *, struct arena *,
		    const unsigned char hash[REFRESH_HASH_LEN], struct refresh *out);

/*
 * Insert the token hash into family: a new session (n->session_end NULL: it ends after
 * n->session_ttl) or the successor in a rotated one (cut at n->session_end).  *id gets the row.
 */
enum gh_err	 store_refresh_insert(struct db *, struct arena *,
		    const unsigned char hash[REFRESH_HASH_LEN],
		    const unsigned char family[REFRESH_FAMILY_LEN], const struct refresh_new *n,
		    long long *id);

/*
 * The live end of family: its newest row neither rotated nor revoked, locked for update (expiry
 * is the caller's to check: out->live).  GH_ERR_NOT_FOUND when the family has none.
 */
enum gh_err	 store_refresh_family_head(struct db *, struct arena *,
		    const unsigned char family[REFRESH_FAMILY_LEN], struct refresh *out);

/* What a refresh reads before it rotates (REFRESH_PEEK_COLUMNS in store/sql.h). */
struct refresh_peek {
	REFRESH_PEEK_COLUMNS(DB_COL_MEMBER)
};

/*
 * The row whose token hash is hash with its user, membership and roles (struct refresh_peek),
 * read without a lock and outside any transaction: what the rotation will be decided on, if
 * store_refresh_rotate_live then finds the row still live.  GH_ERR_NOT_FOUND as store_refresh_get.
 */
enum gh_err	 store_refresh_peek(struct db *, struct arena *,
		    const unsigned char hash[REFRESH_HASH_LEN], struct refresh_peek *out);

/*
 * Rotate row id, whose token hash is old, to its successor new in family (n as for
 * store_refresh_insert's rotation: n->session_end set), in one round trip and one transaction
 * of its own (the procedure refresh_rotate, sql/0020): claim the row if it is still live
 * (neither rotated nor revoked nor expired, its own lifetime or the session's), insert the
 * successor, link the two, commit.  *claimed is 1 when all that is committed, 0 when another
 * transaction got there first or the row is no longer live: nothing changed (decide under the
 * row lock, store_refresh_get).  Not inside a transaction of the caller's.
 */
enum gh_err	 store_refresh_rotate_live(struct db *, struct arena *, long long id,
		    const unsigned char old[REFRESH_HASH_LEN],
		    const unsigned char new[REFRESH_HASH_LEN],
		    const unsigned char family[REFRESH_FAMILY_LEN], const struct refresh_new *n,
		    int *claimed);

/* Row id was used and replaced by row next. */
enum gh_err	 store_refresh_rotate(struct db *, struct arena *, long long id, long long next);

/* Revoke with reason: the whole family; every token of user; all but family; those of org. */
enum gh_err	 store_refresh_revoke_family(struct db *, struct arena *,
		    const unsigned char family[REFRESH_FAMILY_LEN], const char *reason);
enum gh_err	 store_refresh_revoke_user(struct db *, struct arena *, long long user,
		    const char *reason);
enum gh_err	 store_refresh_revoke_user_except(struct db *, struct arena *, long long user,
		    const unsigned char family[REFRESH_FAMILY_LEN], const char *reason);
enum gh_err	 store_refresh_revoke_user_org(struct db *, struct arena *, long long user,
		    long long org, const char *reason);

#endif
