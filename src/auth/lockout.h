/*
 * lockout.h: the throttle of failed password checks per client address and the lockout of an
 * account after too many (docs/tokens.md, "Brute force"), shared by login, /me/password and the
 * acceptance of an invitation by an existing account.
 */
#ifndef GH_LOCKOUT_H
#define GH_LOCKOUT_H

#include "core/err.h"
#include "http/request.h"

/* GH_OK, or 429 rate_limited (Retry-After) once the address has failed too often; 503 without Redis. */
enum gh_err	 lockout_ip_gate(struct request *);

/*
 * Count a failed password check of user uid (0 = unknown) from the request's address: the
 * per-address throttle and the account's lockout (the policy of org, or of the primary
 * organization when org is 0) both see it; past the threshold the account is locked.  An
 * unknown user costs the same work as an account.
 */
void		 lockout_failure(struct request *, long long uid, long long org);

#endif
