/*
 * session.h: what login, refresh, logout and password changes share: issuing the token pair,
 * the refresh-token store, permission_version and the blocklist.
 *
 * Its Redis keys (bl:, bls:, pv:, mv:) are in the key table of store/kv.h.
 */
#ifndef GH_SESSION_H
#define GH_SESSION_H

#include <cJSON.h>

#include "core/err.h"
#include "http/request.h"
#include "store/db.h"
#include "store/refresh.h"

#define SESSION_FAMILY_LEN	16	/* bytes of a refresh family (the token's sid) */
#define SESSION_REFRESH_LEN	32	/* bytes of entropy in a refresh token */
#define SESSION_PV_TTL		"600"	/* seconds a cached permission_version lives */

struct session_user {
	long long	 id;
	long long	 pv;
	long long	 org;			/* 0 = none */
	long long	 mv;			/* the membership's session_version in org */
	const char	*org_slug;
	const char	*org_name;
	const char	*roles;			/* comma separated */
	cJSON		*roles_json;		/* array of names */
	unsigned char	 family[SESSION_FAMILY_LEN];
	const char	*session_end;		/* session_expires_at of the family, when rotating */
	const char	*amr;			/* the session's methods (RFC 8176), comma
						   separated; NULL = "pwd" */
	const char	*scp;			/* NULL, or "mfa_enroll": a token that may only
						   enroll a second factor */
	long long	 session_left;		/* and the seconds left until then */
	const char	*cid;			/* NULL, or the OpenID Connect client_id */
	const char	*scope;			/* NULL, or the OAuth scopes granted it */
	long long	 access_ttl;		/* 0, or the client's access token lifetime */
};

/*
 * The acr of a session with methods amr: "phr" (a passkey: phishing-resistant), "2fa" (two
 * factors) or "1fa" (a password alone).
 */
const char	*session_acr(const char *amr);

/* Add "amr" (an array of the methods of amr, NULL meaning "pwd") and "acr" to o. */
void		 session_add_amr(cJSON *o, const char *amr);

/*
 * Pick the organization of u's session into u->org, u->org_slug, u->org_name and u->mv: want
 * (an id or a slug), or with want NULL the primary one (u->org 0 when u has none).  Refused
 * with 403 organization_not_allowed (not a member of want), organization_suspended or
 * membership_suspended, each naming the field "organization".
 */
enum gh_err	 session_pick_org(struct request *, struct session_user *u, const char *want);

/*
 * The audit reason of a refusal by session_pick_org ("not_member", "organization_suspended",
 * "membership_suspended"), or NULL when err is none of them.
 */
const char	*session_org_refusal(enum gh_err err);

/* Read the user's role names in org into u->roles and u->roles_json. */
enum gh_err	 session_load_roles(struct request *, struct session_user *u);

/*
 * u->roles and u->roles_json from list, the role names joined by commas as GROUP_CONCAT gives
 * them (role names hold no comma); NULL or "" for none.
 */
void		 session_set_roles(struct request *, struct session_user *u, const char *list);

/*
 * Sign an access token for u into *out (arena) and set *ttl to its lifetime.  The session id is
 * u->family.
 */
enum gh_err	 session_access_token(struct request *, const struct session_user *u, char **out,
		    long long *ttl);

/* A refresh token about to be stored (session_refresh_new). */
struct session_refresh {
	char			*token;		/* the value for the client (arena) */
	unsigned char		 hash[32];	/* its SHA-256, what is stored */
	struct refresh_new	 row;		/* the rest of the row */
	long long		 ttl;		/* refresh_expires_in */
};

/*
 * session_refresh_token without the INSERT: a new value, its hash and the row it needs (a new
 * family for u when rotated_from is 0), for a caller that stores it its own way.
 */
enum gh_err	 session_refresh_new(struct request *, struct session_user *u,
		    long long rotated_from, struct session_refresh *out);

/*
 * Create a refresh token in u->family: a new session when rotated_from is 0 (the family gets a
 * fresh id), else the successor of that row.  *token gets the opaque value (arena, base64url),
 * *id the row id, *ttl its lifetime.  Runs inside the caller's transaction.
 */
enum gh_err	 session_refresh_token(struct request *, struct session_user *u, long long rotated_from,
		    char **token, long long *id, long long *ttl);

/* SHA-256 of a presented refresh token (raw 32 bytes into out). */
void		 session_token_hash(const char *token, unsigned char out[32]);

/*
 * After a committed MySQL change of users.permission_version: read it and publish it to Redis
 * (never lowering a cached value).  GH_ERR_REDIS_UNAVAILABLE when it could not be published.
 */
enum gh_err	 session_pv_publish(struct request *, long long user_id);

/* The current permission_version: Redis, or MySQL on a miss (then cached).  -1 if no user. */
enum gh_err	 session_pv_fill(struct request *, long long user_id, long long *pv);

/* The Redis key of the membership version of user_id in org (arena). */
const char	*session_mv_key(struct request *, long long user_id, long long org);

/*
 * Move the membership's session_version (inside the caller's transaction): every access token
 * issued for org to user_id fails once it is published.  *mv (may be NULL) gets the new value,
 * -1 if there is no such membership.
 */
enum gh_err	 session_mv_bump(struct request *, long long user_id, long long org, long long *mv);

/* The membership's session_version: MySQL, then cached in Redis.  -1 (not cached) if none. */
enum gh_err	 session_mv_fill(struct request *, long long user_id, long long org, long long *mv);

/*
 * After the commit: publish mv as the membership's version (never lowering a cached value);
 * with mv < 0, read it from MySQL first.
 */
enum gh_err	 session_mv_publish(struct request *, long long user_id, long long org, long long mv);

/* Put jti on the blocklist until exp. */
enum gh_err	 session_block(struct request *, const char *jti, long long exp);

/*
 * Revoke every access token of session sid (they may predate the last refresh) for as long as
 * one can live.
 */
enum gh_err	 session_block_sid(struct request *, const char *sid);

/* Build the login/refresh response body. */
cJSON		*session_response(struct request *, const struct session_user *u, const char *access,
		    long long access_ttl, const char *refresh, long long refresh_ttl);

/* The sid (base64url of the family) for the access token. */
const char	*session_sid(struct request *, const unsigned char family[SESSION_FAMILY_LEN]);
/* Decode a sid back into a family id; -1 if malformed. */
int		 session_sid_decode(const char *sid, unsigned char family[SESSION_FAMILY_LEN]);

/* Bump permission_version in MySQL (inside the caller's transaction). */
/*
 * After a request: invalidate the cached /me of every user the request's statements noted
 * (db_changes_take): DEL uv:<user>, and INCR me:gen for a change any user's answer may show.
 * One pipelined round trip, none when nothing was noted.  Run after the handler, its commit
 * and any rollback, before the answer leaves.  A failure is logged; the uv: keys' lifetime
 * (SESSION_UV_TTL) and the cache's own age limit bound what a lost invalidation leaves.
 */
void		 session_profile_flush(struct request *);

/*
 * The version tag of user's /me (docs/tokens.md, "The cached /me"): uv:<user>, me:gen and
 * authz:gen, kept keys read before anything the answer shows is read.  A missing uv:<user> is
 * created with a random value.  NULL when Redis cannot tell (then nothing is cached).
 */
const char	*session_profile_tag(struct request *, long long user);

#define SESSION_UV_TTL		"600"	/* seconds a uv:<user> lives after it is made */

enum gh_err	 session_pv_bump(struct request *, long long user_id);

/* Bump permission_version of every holder of role_id (inside the caller's transaction). */
enum gh_err	 session_pv_bump_role(struct request *, long long role_id);
/* Publish the permission_version of every holder of role_id (after the commit). */
enum gh_err	 session_pv_publish_role(struct request *, long long role_id);
/* Publish the versions v read back after a change (pipelined). */
enum gh_err	 session_pv_publish_versions(struct request *, const struct db_versions *v);
/* Publish the permission_version pvs[i] of user ids[i], i < n (pipelined). */
enum gh_err	 session_pv_publish_ids(struct request *, const long long *ids, const long long *pvs,
		    size_t n);

struct account;

/*
 * The account flags of seed 004 (login checks them after the password; refresh and the
 * organization switch before issuing tokens): disabled, expired, locked (Retry-After when the
 * lock has an end), credentials expired, each its 403/423 problem with *reason set for the
 * audit row.  *unlock is 1 when a lock has lapsed (the caller lifts it).
 */
enum gh_err	 session_account_flags(struct request *, const struct account *acct, int *unlock,
		    const char **reason);

#endif
