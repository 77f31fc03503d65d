/*
 * oidc.h: what the OpenID Connect endpoints (api/oidc.c) share with the client admin API
 * (api/clients.c).  Strings are in the request's arena.
 */
#ifndef GH_API_OIDC_H
#define GH_API_OIDC_H

#include "http/request.h"

/* The issuer: oidc_issuer, else public_url, without a trailing '/'. */
const char	*oidc_issuer(struct request *);

/* Whether w is one of the space separated words of list (NULL: none). */
int		 oidc_has(const char *list, const char *w);

/* A new client secret (32 random bytes, base64url); *hash_hex gets its SHA-256 in hex. */
char		*oidc_new_secret(struct request *, const char **hash_hex);

#endif
