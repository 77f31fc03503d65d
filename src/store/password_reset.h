/*
 * password_reset.h: the password reset rows of signup_info (purpose 'password_reset') as
 * structs, and the account rows a reset reads and writes (docs/api-invitations.md).
 *
 * A reset link is made, retired and used by store/signup.h (SIGNUP_PASSWORD_RESET), as an email
 * verification's.  The columns are PASSWORD_RESET_COLUMNS and PASSWORD_RESET_USER_COLUMNS in
 * store/sql_invitations.h.  Every function takes the worker's connection and an arena, which owns
 * whatever it returns.  Errors are those of db_exec, and GH_ERR_NOT_FOUND where a row is missing;
 * the caller words the problem.  A token is passed as its SHA-256 (32 bytes), never in clear.
 */
#ifndef GH_STORE_PASSWORD_RESET_H
#define GH_STORE_PASSWORD_RESET_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"

/* A reset link: its account (user_id 0: none) and its derived status, as an invitation's. */
DB_STRUCT(password_reset, PASSWORD_RESET_COLUMNS);

/* The account a reset is asked for. */
DB_STRUCT(password_reset_user, PASSWORD_RESET_USER_COLUMNS);

/* The account (not deleted) with email into *out; GH_ERR_NOT_FOUND when there is none. */
enum gh_err	 store_password_reset_user(struct db *, struct arena *, const char *email,
		    struct password_reset_user *out);

/*
 * The reset whose token hashes to hash into *out, its row locked for update when lock (in the
 * caller's transaction); GH_ERR_NOT_FOUND when there is none.
 */
enum gh_err	 store_password_reset_get(struct db *, struct arena *,
		    const unsigned char hash[32], int lock, struct password_reset *out);

/*
 * Give the account user (not deleted) the password hash, unlock it and bump its
 * permission_version; GH_ERR_NOT_FOUND when there is no such account.
 */
enum gh_err	 store_password_reset_set_password(struct db *, struct arena *, long long user,
		    const char *hash);

/* Revoke every refresh token of the account user, with reason "password_reset". */
enum gh_err	 store_password_reset_revoke_tokens(struct db *, struct arena *, long long user);

/* The primary organization of the account user into *org (0 when it has none). */
enum gh_err	 store_password_reset_org(struct db *, struct arena *, long long user,
		    long long *org);

#endif
