/*
 * email_verification.h: the email verification rows of signup_info (purpose
 * 'email_verification') as structs, and the account columns a verification writes
 * (users.email, users.email_verified_at; docs/api-users.md, "Verified email").
 *
 * A link is made, retired and used by store/signup.h (SIGNUP_EMAIL_VERIFICATION), as a password
 * reset's.  The columns are EMAIL_VERIFICATION_COLUMNS in store/sql_email.h.  Every function
 * takes the worker's connection and an arena, which owns whatever it returns.  Errors are those
 * of db_exec, GH_ERR_NOT_FOUND where a row is missing and GH_ERR_CONFLICT where an address is
 * taken; the caller words the problem.  A token is passed as its SHA-256, never in clear.
 */
#ifndef GH_STORE_EMAIL_VERIFICATION_H
#define GH_STORE_EMAIL_VERIFICATION_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"

/*
 * A verification link: its account, the address it proves, its derived status (as an
 * invitation's) and the account's current address (NULL: the account was deleted).
 */
DB_STRUCT(email_verification, EMAIL_VERIFICATION_COLUMNS);

/*
 * The link whose token hashes to hash into *out, its row locked for update when lock (in the
 * caller's transaction); GH_ERR_NOT_FOUND when there is none.
 */
enum gh_err	 store_email_verification_get(struct db *, struct arena *,
		    const unsigned char hash[32], int lock, struct email_verification *out);

/*
 * Give account user the address email, verified now; GH_ERR_CONFLICT when another row holds
 * it, GH_ERR_NOT_FOUND when the account is gone.
 */
enum gh_err	 store_email_verification_confirm(struct db *, struct arena *, long long user,
		    const char *email);

/* Mark the address of account user unverified (an administrator changed it). */
enum gh_err	 store_email_verification_unverify(struct db *, struct arena *, long long user);

/*
 * Mark the address of account user verified now if it is still email and not verified yet (an
 * invitation mailed to it was accepted).
 */
enum gh_err	 store_email_verification_proven(struct db *, struct arena *, long long user,
		    const char *email);

#endif
