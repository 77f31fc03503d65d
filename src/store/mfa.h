/*
 * mfa.h: the rows of second factors: a user's authenticator app (user_totp), recovery codes
 * (user_recovery_code) and the grace periods of the MFA policy (mfa_grace).  Sealing, codes and
 * digests are auth/mfa.h's; these functions store what it makes.
 */
#ifndef GH_STORE_MFA_H
#define GH_STORE_MFA_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/sql.h"

DB_COL_ENUMS(totp, TOTP_COLUMNS);

/* secret: the sealed bytes (db_len gives secret_len). */
struct totp {
	TOTP_COLUMNS(DB_COL_MEMBER)
	size_t		 secret_len;
};

DB_STRUCT(mfa_status, MFA_STATUS_COLUMNS);

struct db;

/* The user's authenticator app (locked when lock); GH_ERR_NOT_FOUND without one. */
enum gh_err	 store_totp_get(struct db *, struct arena *, long long user, int lock,
		    struct totp *out);
/* Start (or restart) an enrollment with a sealed secret: unconfirmed until store_totp_confirm. */
enum gh_err	 store_totp_start(struct db *, struct arena *, long long user,
		    const unsigned char *sealed, size_t len);
/* Confirm the pending enrollment with the step of its first code; NOT_FOUND when none. */
enum gh_err	 store_totp_confirm(struct db *, struct arena *, long long user, long long step);
/*
 * Record that the code of step was used, only if no later or equal step was: GH_ERR_NOT_FOUND
 * when one was (a replay that raced this one).
 */
enum gh_err	 store_totp_use(struct db *, struct arena *, long long user, long long step);
/* Replace the sealed secret (sealed again under a new key). */
enum gh_err	 store_totp_reseal(struct db *, struct arena *, long long user,
		    const unsigned char *sealed, size_t len);
enum gh_err	 store_totp_delete(struct db *, struct arena *, long long user);

/* Replace the user's recovery codes with the n digests (32 bytes each). */
enum gh_err	 store_recovery_replace(struct db *, struct arena *, long long user,
		    const unsigned char (*digests)[32], size_t n);
/* Use the unused code with this digest: GH_ERR_NOT_FOUND when there is none. */
enum gh_err	 store_recovery_use(struct db *, struct arena *, long long user,
		    const unsigned char digest[32]);

/* What the user has enrolled. */
enum gh_err	 store_mfa_status(struct db *, struct arena *, long long user,
		    struct mfa_status *out);
/* Remove every factor of the user (an administrator's reset). */
enum gh_err	 store_mfa_reset(struct db *, struct arena *, long long user);

/*
 * Seconds left of the grace period (days long) of user in org, starting it now if it has not
 * started; <= 0 when it is over.
 */
enum gh_err	 store_mfa_grace(struct db *, struct arena *, long long user, long long org,
		    long long days, long long *left);

#endif
