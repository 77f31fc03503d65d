/*
 * signup.h: the one-time links of signup_info that a password reset and an email verification
 * mail (docs/api-invitations.md, docs/api-users.md "Verified email"): what the two have in
 * common, a new link, the retirement of an account's unused ones and the use of one.  Each
 * kind's own reads and writes are in store/password_reset.h and store/email_verification.h;
 * invitations, the third purpose of the table, have their own store (store/invitation.h).
 *
 * Every function takes the worker's connection and an arena.  Errors are those of db_exec.  A
 * token is passed as its SHA-256 (32 bytes), never in clear.
 */
#ifndef GH_STORE_SIGNUP_H
#define GH_STORE_SIGNUP_H

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"

/* What a link is for: the purpose column of its row. */
enum signup_purpose {
	SIGNUP_PASSWORD_RESET,
	SIGNUP_EMAIL_VERIFICATION,
	SIGNUP__MAX
};

/*
 * A new link of purpose for email and the account user (0 = none), whose token hashes to hash,
 * valid for ttl seconds.
 */
enum gh_err	 store_signup_insert(struct db *, struct arena *, enum signup_purpose,
		    const char *email, long long user, const unsigned char hash[32], long long ttl);

/* Retire (revoke) every unused link of purpose of the account user. */
enum gh_err	 store_signup_retire(struct db *, struct arena *, enum signup_purpose,
		    long long user);

/* Mark link id used now. */
enum gh_err	 store_signup_use(struct db *, struct arena *, long long id);

#endif
