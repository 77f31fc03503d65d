/*
 * link_token.h: the tokens of the links Gatehouse mails (invitations, password resets), rows
 * of signup_info (store/invitation.h, store/password_reset.h).
 *
 * A token is 256 random bits in base64url (43 characters).  It leaves Gatehouse only inside a
 * mailed link; the database holds its SHA-256 (session_token_hash), the logs never see it.
 * Tokens and links live in the request's arena and are wiped when it is reset.
 */
#ifndef GH_API_LINK_TOKEN_H
#define GH_API_LINK_TOKEN_H

#include "http/request.h"

/* Why a link cannot be used, from the status signup_info rows derive (INV_STATUS). */
enum link_state {
	LINK_OK,		/* pending */
	LINK_UNKNOWN,		/* no such link */
	LINK_EXPIRED,
	LINK_REVOKED,
	LINK_USED,
	LINK__MAX
};

/* The state of a link of status ("pending", "expired", ...; NULL: no row). */
enum link_state	 api_link_state(const char *status);

/* A new token (arena, wiped at reset); hash gets its SHA-256. */
char		*api_link_token_new(struct request *, unsigned char hash[32]);

/* Whether t looks like one of our tokens (no database round trip for junk). */
int		 api_link_token_shape(const char *t);

/* The link for token tok: {public_url}/#/page?token=tok (arena, wiped at reset). */
const char	*api_link_url(struct request *, const char *page, const char *tok);

#endif
