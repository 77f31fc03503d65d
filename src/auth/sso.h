/*
 * sso.h: the browser's Gatehouse session, for the OpenID Connect authorization endpoint.
 *
 * A login through the console (password, second factor, passkey: api/auth.c session_start)
 * also sets the cookie gh_sso (HttpOnly, SameSite=Lax, Secure when public_url is https), 32
 * random bytes; Redis keeps sso:<SHA-256 of the value> -> the user, the session (refresh
 * family) id, the time of the login, its methods (amr) and organization.  The cookie is worth a
 * session only while that family is: a logout, logout-all, a session ended by an administrator
 * or a password change revokes the family, and with it the cookie.  Everything returned is in
 * the request's arena.
 */
#ifndef GH_SSO_H
#define GH_SSO_H

#include "core/err.h"
#include "http/request.h"

#define SSO_COOKIE	"gh_sso"

struct sso {
	long long	 user_id;
	long long	 org;
	long long	 auth_time;	/* seconds since the epoch */
	const char	*sid;		/* the refresh family, base64url */
	const char	*amr;		/* comma separated */
	const char	*key;		/* its Redis key */
};

/* After a login: a new browser session for user in session sid; adds the Set-Cookie header. */
enum gh_err	 sso_start(struct request *, long long user, long long org, const char *sid,
		    const char *amr);

/*
 * The browser session of the request's cookie: 1 with *out filled when there is one and its
 * family is still live, 0 when there is none (no cookie, unknown, ended), or an error (Redis,
 * MySQL).
 */
enum gh_err	 sso_get(struct request *, struct sso *out, int *found);

/*
 * End the browser session of the request's cookie, if any: its key, its refresh family (every
 * token of that login) and the cookie itself (an expired Set-Cookie).
 */
enum gh_err	 sso_end(struct request *);

#endif
