/*
 * authn.h: authentication of a request (the token check every authenticated request pays) and
 * the worker-lifetime state it needs: the token keys, the dummy password hash and the in-memory
 * authorization tables (auth/authz.h), reloaded when the generation in Redis moves.
 */
#ifndef GH_AUTHN_H
#define GH_AUTHN_H

#include "core/err.h"
#include "http/request.h"

struct worker;
struct authz_role;
struct role;

/* Load keys etc. for w; 0, or -1 after logging why. */
int		 authn_init(struct worker *w);
void		 authn_fini(struct worker *w);

/*
 * The token check: signature and claims, then one pipelined Redis round trip (blocklist,
 * permission_version, authorization generation).  Fills req->auth.  GH_OK, a 401 error, or
 * GH_ERR_REDIS_UNAVAILABLE (fail closed).  No SQL unless a cache is cold.
 */
enum gh_err	 authn_token(struct request *req);

/* authn_token for the token tok (NUL-terminated) instead of the Authorization header's. */
enum gh_err	 authn_token_str(struct request *req, const char *tok);

/* authn_token, then the permission mapped to req->route.  GH_ERR_FORBIDDEN when none is held. */
enum gh_err	 authn_request(struct request *req);

/*
 * Whether the authenticated caller may call method on path by the endpoint mappings (forward
 * auth).  1 allowed, 0 denied (also for a token limited to enrolling), -1 allowed only with a
 * second factor (a mapping requires MFA and the token's amr lacks it).
 */
int		 authn_allows_path(struct request *req, const char *method, const char *path);

/* Whether the token's amr holds "mfa" (two factors were used). */
int		 authn_has_mfa(const struct request *req);

/*
 * Whether a token's scope lets it reach path: every path for a normal token; for a token
 * limited to enrolling (scp mfa_enroll), /api/v1/me/mfa and below, /api/v1/me and logout.
 */
int		 authn_scope_allows(const struct request *req, const char *path);

/* 401 insufficient_authentication with its WWW-Authenticate challenge (RFC 9470). */
enum gh_err	 authn_step_up(struct request *req);

/* The caller's roles resolved in its organization; returns the count. */
size_t		 authn_roles(struct request *req, const struct authz_role **roles, size_t max);

/* Whether the caller holds permission name (through any role). */
int		 authn_has(struct request *req, const char *perm);

/* Whether the caller holds perm through a platform-scope role (acts in every organization). */
int		 authn_platform_has(struct request *req, const char *perm);

/* Whether the caller holds every permission of role (so granting it escalates nothing). */
int		 authn_holds_role(struct request *req, const struct authz_role *role);

/*
 * May the caller change role r with perm (the permission of the change)?  Callers holding perm
 * through a platform role change any role, but rename no system role (when renaming); others
 * change only their own organization's roles, never shared or system ones.  GH_OK, or the
 * error recorded with req_fail (GH_ERR_SYSTEM_ROLE, or GH_ERR_NOT_FOUND for another
 * organization's role).
 */
enum gh_err	 authn_role_writable(struct request *req, const struct role *r, const char *perm,
		    int renaming);

/* The role with this id in the loaded tables, or NULL. */
const struct authz_role *authn_role_by_id(struct request *req, long long id);

#endif
