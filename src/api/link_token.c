/*
 * link_token.c: the tokens of mailed links.  Contract in link_token.h.
 */
#include <ctype.h>
#include <string.h>

#include <sodium.h>

#include "api/link_token.h"
#include "api/routes.h"
#include "auth/session.h"
#include "core/arena.h"
#include "core/ctx.h"

#define TOKEN_BYTES	32
#define TOKEN_CHARS	43	/* base64url of 32 bytes, no padding */

static void
wipe_str(void *p)
{
	sodium_memzero(p, strlen(p));
}

enum link_state
api_link_state(const char *status)
{
	if (status == NULL)
		return LINK_UNKNOWN;
	if (strcmp(status, "pending") == 0)
		return LINK_OK;
	if (strcmp(status, "expired") == 0)
		return LINK_EXPIRED;
	if (strcmp(status, "revoked") == 0)
		return LINK_REVOKED;
	return LINK_USED;
}

char *
api_link_token_new(struct request *req, unsigned char hash[32])
{
	unsigned char	 raw[TOKEN_BYTES];
	char		*t = arena_alloc(req->arena, TOKEN_CHARS + 1);

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(t, TOKEN_CHARS + 1, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	arena_cleanup(req->arena, wipe_str, t);
	session_token_hash(t, hash);
	return t;
}

int
api_link_token_shape(const char *t)
{
	size_t	 i;

	for (i = 0; t != NULL && t[i] != '\0'; i++)
		if (!isalnum((unsigned char)t[i]) && t[i] != '-' && t[i] != '_')
			return 0;
	return t != NULL && i == TOKEN_CHARS;
}

const char *
api_link_url(struct request *req, const char *page, const char *tok)
{
	const char	*base = req->w->cfg->public_url ? req->w->cfg->public_url : "";
	size_t		 n = strlen(base);
	char		*s;

	while (n > 0 && base[n - 1] == '/')
		n--;
	s = arena_printf(req->arena, "%.*s/#/%s?token=%s", (int)n, base, page, tok);
	arena_cleanup(req->arena, wipe_str, s);
	return s;
}
