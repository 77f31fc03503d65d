/*
 * email.h: the verified email (issue 21, part 2; docs/api-users.md, "Verified email"): the
 * caller's own address change and verification mail, and the public confirmation of a link.
 * The routes are rows of api/routes.h; the rows are store/email_verification.h, the tokens and
 * links api/link_token.h.
 */
#ifndef GH_API_EMAIL_H
#define GH_API_EMAIL_H

#include "core/err.h"
#include "http/request.h"

/*
 * Mail account uid (username) a link proving email, retiring its older links: in the caller's
 * transaction when one is open (which then commits or rolls back), else in one of its own.
 * 503 not_ready when the mail cannot be sent (nothing is stored then, in its own transaction).
 */
enum gh_err	 api_email_verification_send(struct request *, long long uid,
		    const char *username, const char *email);

/*
 * api_email_verification_send for a client that cannot ask itself (a login refused for an
 * unverified address), outside any transaction, within the account's rate limit, quietly:
 * 1 when a mail went out, 0 otherwise (nothing is recorded on the request).
 */
int		 api_email_verification_offer(struct request *, long long uid,
		    const char *username, const char *email);

#endif
