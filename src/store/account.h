/*
 * account.h: a user as login, refresh, the token check and password changes see it (the
 * credential and the flags; ACCOUNT_COLUMNS in store/sql.h), the organization a session is
 * for (SESSION_ORG_COLUMNS) and the versions that revoke tokens: users.permission_version and
 * each membership's session_version.
 *
 * Functions take the worker's connection and an arena that owns what they return.  Errors are
 * db_exec's, and GH_ERR_NOT_FOUND where a row is missing.  Nothing here decides anything.
 */
#ifndef GH_STORE_ACCOUNT_H
#define GH_STORE_ACCOUNT_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"

struct account {
	ACCOUNT_COLUMNS(DB_COL_MEMBER)
};

struct session_org {
	SESSION_ORG_COLUMNS(DB_COL_MEMBER)
};

/* The live (not deleted) account whose email (email 1) or username is login. */
enum gh_err	 store_account_by_login(struct db *, struct arena *, const char *login, int email,
		    struct account *out);

/* The live account id. */
enum gh_err	 store_account_get(struct db *, struct arena *, long long id, struct account *out);

/* A successful login: last_login now, the failure count cleared. */
enum gh_err	 store_account_login_ok(struct db *, struct arena *, long long id);

/* Lift a lock whose end has passed. */
enum gh_err	 store_account_unlock_expired(struct db *, struct arena *, long long id);

/* Replace the password hash (same password, new parameters or form). */
enum gh_err	 store_account_rehash(struct db *, struct arena *, long long id, const char *hash);

/* Lock the account for period seconds after failures failed checks. */
enum gh_err	 store_account_lock(struct db *, struct arena *, long long id, long long period,
		    long long failures);

/* A new password: hash, password_changed_at now, credentials unexpired, permission_version + 1. */
enum gh_err	 store_account_set_password(struct db *, struct arena *, long long id,
		    const char *hash);

/* users.permission_version of the live account id into *pv; -1 when there is none. */
enum gh_err	 store_account_pv(struct db *, struct arena *, long long id, long long *pv);

/* permission_version + 1 (every access token of the user fails once published). */
enum gh_err	 store_account_bump_pv(struct db *, struct arena *, long long id);

/* permission_version + 1 for every holder of role_id. */
enum gh_err	 store_account_bump_pv_role(struct db *, struct arena *, long long role_id);

/*
 * The names of the roles user holds in org and platform-wide, sorted: *names (arena), *n.
 */
enum gh_err	 store_account_role_names(struct db *, struct arena *, long long user,
		    long long org, const char ***names, size_t *n);

/*
 * The organization of a session of user and the membership there: the one with this id (id >
 * 0), this slug (slug not NULL), else the primary one (active memberships first).
 * GH_ERR_NOT_FOUND when the user is not a member of it (or of any).
 */
enum gh_err	 store_account_org(struct db *, struct arena *, long long user, long long id,
		    const char *slug, struct session_org *out);

/*
 * A new account (the create-admin command): username, email, full name and password hash; *id
 * gets its id.  GH_ERR_CONFLICT when the username or email is taken.
 */
enum gh_err	 store_account_insert(struct db *, struct arena *, const char *username,
		    const char *email, const char *full_name, const char *hash, long long *id);

/* Grant the account id the platform_admin role; GH_ERR_NOT_FOUND without that role. */
enum gh_err	 store_account_grant_platform_admin(struct db *, struct arena *, long long id);

/* The membership's session_version into *sv; -1 when user is not a member of org. */
enum gh_err	 store_membership_sv(struct db *, struct arena *, long long user, long long org,
		    long long *sv);

/* Move the membership's session_version (at least to the current time in microseconds). */
enum gh_err	 store_membership_bump(struct db *, struct arena *, long long user, long long org);

#endif
