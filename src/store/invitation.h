/*
 * invitation.h: the invitation rows of signup_info (purpose 'invitation') as structs, and the
 * few rows of other tables that issuing and accepting one reads or writes
 * (docs/api-invitations.md).
 *
 * The columns are INVITATION_COLUMNS and its neighbours in store/sql_invitations.h.  Every
 * function takes the worker's connection and an arena, which owns whatever it returns (strings
 * point into the arena).  Errors are those of db_exec, and GH_ERR_NOT_FOUND where a row is
 * missing; the caller words the problem.  Nothing here authorizes or checks a link's state:
 * api/invitations.c does.  A token is passed as its SHA-256 (32 bytes), never in clear.
 */
#ifndef GH_STORE_INVITATION_H
#define GH_STORE_INVITATION_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"

/* An invitation, with the name of its role and its derived status. */
DB_STRUCT(invitation, INVITATION_COLUMNS);

/* The organization an invitation invites into. */
DB_STRUCT(invitation_org, INVITATION_ORG_COLUMNS);

/* What a link shows before it is accepted: the invitation, its organization and theme. */
DB_STRUCT(invitation_link, INVITATION_LINK_COLUMNS);

/* The invitation of a link, locked while it is accepted. */
DB_STRUCT(invitation_claim, INVITATION_CLAIM_COLUMNS);

/* The role an invitation names. */
DB_STRUCT(invitation_grant, INVITATION_GRANT_COLUMNS);

/*
 * Who may be listed: every organization's invitations when all_orgs, else own_org's; then only
 * organization org (0 = any), status (NULL = any) and email (NULL = any).
 */
struct invitation_filter {
	int		 all_orgs;
	long long	 own_org;
	long long	 org;
	const char	*status;
	const char	*email;
};

/*
 * The account an accepted invitation creates or claims.  full_name is derived by the caller;
 * password_hash is the encoded Argon2id hash; made_by (0 = none) is the inviter.
 */
struct invitation_account {
	const char	*username;
	const char	*email;
	const char	*first_name;
	const char	*last_name;
	const char	*full_name;
	const char	*password_hash;
	long long	 role_id;
	long long	 made_by;
};

/* An account found by email, as a login reads it (what an existing account joins with). */
struct invitation_login {
	long long	 id;
	const char	*password_hash;		/* NULL: an account made to be invited */
	int		 is_enabled;
	int		 is_account_non_locked;
	int		 has_lock_end;
	long long	 lock_left;		/* seconds until the lock ends */
};

/* The sort orders of the list (the index of db_keyset.sort). */
enum invitation_sort { INVITATION_SORT_ID, INVITATION_SORT_ID_DESC, INVITATION_SORT__MAX };

/*
 * Invitations that f lets through, a page of ks (by id; ks->key unused): *out gets up to
 * ks->limit + 1 invitations, *n how many.
 */
enum gh_err	 store_invitation_list(struct db *, struct arena *,
		    const struct invitation_filter *f, const struct db_keyset *ks,
		    struct invitation **out, size_t *n);

/*
 * Invitation id into *out; with lock, its row is locked for update first (in the caller's
 * transaction).  GH_ERR_NOT_FOUND when there is none.
 */
enum gh_err	 store_invitation_get(struct db *, struct arena *, long long id, int lock,
		    struct invitation *out);

/*
 * A new pending invitation of inv->organization_id for inv->email with inv->role_id, whose
 * link's token hashes to hash, valid for ttl seconds, sent once now by actor (0 = none); *id
 * gets its id.
 */
enum gh_err	 store_invitation_insert(struct db *, struct arena *,
		    const struct invitation *inv, const unsigned char hash[32], long long ttl,
		    long long actor, long long *id);

/* Revoke invitation id by actor (0 = none), unless it was accepted or revoked already. */
enum gh_err	 store_invitation_revoke(struct db *, struct arena *, long long id,
		    long long actor);

/*
 * Give invitation id a new token (hash), valid for ttl seconds from now, and count one more
 * sending, by actor (0 = none).
 */
enum gh_err	 store_invitation_resend(struct db *, struct arena *, long long id,
		    const unsigned char hash[32], long long ttl, long long actor);

/* Organization id into *out; GH_ERR_NOT_FOUND when there is none. */
enum gh_err	 store_invitation_org(struct db *, struct arena *, long long id,
		    struct invitation_org *out);

/*
 * The account with email in organization org: *user gets its id (0 = none), *has_password
 * whether it has a password.
 */
enum gh_err	 store_invitation_member(struct db *, struct arena *, long long org,
		    const char *email, long long *user, int *has_password);

/* The oldest pending invitation of email into org: *id gets it, 0 when there is none. */
enum gh_err	 store_invitation_pending(struct db *, struct arena *, long long org,
		    const char *email, long long *id);

/* The username and full name of user into *username, *full_name; GH_ERR_NOT_FOUND if none. */
enum gh_err	 store_invitation_inviter(struct db *, struct arena *, long long user,
		    const char **username, const char **full_name);

/* The role shared or of org named name: *id gets it, 0 when there is none. */
enum gh_err	 store_invitation_role_named(struct db *, struct arena *, const char *name,
		    long long org, long long *id);

/* Role id into *out; GH_ERR_NOT_FOUND when there is none. */
enum gh_err	 store_invitation_grant(struct db *, struct arena *, long long id,
		    struct invitation_grant *out);

/* The invitation whose token hashes to hash, with its organization and theme. */
enum gh_err	 store_invitation_link(struct db *, struct arena *, const unsigned char hash[32],
		    struct invitation_link *out);

/* The same invitation, its row locked for update (in the caller's transaction). */
enum gh_err	 store_invitation_claim(struct db *, struct arena *,
		    const unsigned char hash[32], struct invitation_claim *out);

/* Mark invitation id accepted now; GH_ERR_NOT_FOUND when it was accepted or revoked already. */
enum gh_err	 store_invitation_accept(struct db *, struct arena *, long long id);

/* Record that invitation id was accepted by the account user. */
enum gh_err	 store_invitation_set_user(struct db *, struct arena *, long long id,
		    long long user);

/* The account (not deleted) with email as a login reads it; GH_ERR_NOT_FOUND when none. */
enum gh_err	 store_invitation_login(struct db *, struct arena *, const char *email,
		    struct invitation_login *out);

/*
 * The username, first and last name of account user into acct (the fields a claim keeps when
 * the acceptance does not give them).
 */
enum gh_err	 store_invitation_account_names(struct db *, struct arena *, long long user,
		    struct invitation_account *acct);

/* A new account from acct (password set now); *id gets its id.  GH_ERR_CONFLICT: taken. */
enum gh_err	 store_invitation_account_insert(struct db *, struct arena *,
		    const struct invitation_account *acct, long long *id);

/*
 * Give the account user, which has no password, acct's username, names and password, and
 * acct->role_id as primary role when it has none; updated by the account itself.
 * GH_ERR_NOT_FOUND when the account has a password meanwhile, GH_ERR_CONFLICT on a taken name.
 */
enum gh_err	 store_invitation_account_claim(struct db *, struct arena *, long long user,
		    const struct invitation_account *acct);

/*
 * Make user a member of org (nothing when it is one already), its primary organization when it
 * has none, and grant it role in org, by granted_by (0 = none).
 */
enum gh_err	 store_invitation_join(struct db *, struct arena *, long long user,
		    long long org, long long role, long long granted_by);

#endif
