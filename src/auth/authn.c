#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "auth/authn.h"
#include "auth/authz.h"
#include "auth/policy.h"
#include "auth/password.h"
#include "auth/session.h"
#include "auth/token.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/ctx.h"
#include "core/log.h"
#include "core/metrics.h"
#include "http/router.h"
#include "store/db.h"
#include "store/kv.h"
#include "store/role.h"

#define AUTHZ_MAX_AGE	60	/* seconds: reload even if the generation did not move */

/* Worker-lifetime authorization state beside the tables. */
static char	 authz_gen[64];
static time_t	 authz_loaded_at;

static int
load_keys(struct worker *w)
{
	const struct gh_config	*c = w->cfg;
	struct token_key_conf	 keys[16];
	char			 err[256], *list = NULL, *tok, *save, *kid, *alg, *path;
	size_t			 n = 0;
	int			 rc;

	keys[0].kid = c->jwt_kid;
	keys[0].alg = c->jwt_alg;
	keys[0].path = strcmp(c->jwt_alg, "HS256") == 0 ? c->jwt_secret_file : c->jwt_key_file;
	keys[0].sign = 1;
	keys[0].id = 0;
	if (keys[0].path == NULL) {
		log_error("config: key '%s': required with jwt_alg = %s",
		    strcmp(c->jwt_alg, "HS256") == 0 ? "jwt_secret_file" : "jwt_key_file", c->jwt_alg);
		return -1;
	}
	n = 1;
	if (c->jwt_verify_keys != NULL) {
		list = strdup(c->jwt_verify_keys);
		for (tok = strtok_r(list, ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save)) {
			if (n == 16) {
				log_error("config: key 'jwt_verify_keys': at most 15 keys");
				free(list);
				return -1;
			}
			kid = tok;
			while (*kid == ' ')
				kid++;
			if ((alg = strchr(kid, ':')) == NULL || (path = strchr(alg + 1, ':')) == NULL) {
				log_error("config: key 'jwt_verify_keys': expected kid:alg:path, got %s", tok);
				free(list);
				return -1;
			}
			*alg++ = '\0';
			*path++ = '\0';
			keys[n].kid = kid;
			keys[n].alg = alg;
			keys[n].path = path;
			keys[n].sign = 0;
			keys[n].id = 0;
			n++;
		}
	}
	if (c->oidc_key_file != NULL && n < 16) {
		keys[n].kid = c->oidc_kid;
		keys[n].alg = c->oidc_alg;
		keys[n].path = c->oidc_key_file;
		keys[n].sign = 0;
		keys[n].id = 1;
		n++;
	}
	rc = token_keyset_load(&w->keys, keys, n, err, sizeof(err));
	free(list);
	if (rc != 0) {
		log_error("config: jwt keys: %s", err);
		return -1;
	}
	return 0;
}

int
authn_init(struct worker *w)
{
	/*
	 * The keys the token check reads, kept by the worker (kv_cache_setup keeps the array),
	 * and those of /me's profile versions and of the policy look-ups (session.c, policy.c).
	 */
	static const enum kv_key kinds[] = { KV_BL, KV_BLS, KV_PV, KV_MV, KV_AUTHZ_GEN, KV_UV,
	    KV_ME_GEN, KV_POLICY_GEN, KV_OIDC_OFF, KV_OIDC_GEN };
	static const char	*kept[sizeof(kinds) / sizeof(kinds[0])];
	size_t			 i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		kept[i] = kv_prefixes[kinds[i]];
	kv_cache_setup(w->kv, kept, sizeof(kept) / sizeof(kept[0]));
	if (load_keys(w) != 0)
		return -1;
	if (password_dummy_init((unsigned long long)w->cfg->pwhash_opslimit,
	    (size_t)w->cfg->pwhash_memlimit_kib * 1024) != 0) {
		log_error("password: cannot make the dummy hash");
		return -1;
	}
	return 0;
}

void
authn_fini(struct worker *w)
{
	token_keyset_free(w->keys);
	w->keys = NULL;
	authz_free(w->authz);
	w->authz = NULL;
}

/* Reload the authorization tables when the generation moved or they are old. */
static enum gh_err
authz_refresh(struct request *req, const char *gen)
{
	struct worker	*w = req->w;
	struct authz	*az;
	const char	*g = gen ? gen : "";
	time_t		 now = time(NULL);

	if (w->authz != NULL && strcmp(g, authz_gen) == 0 && now - authz_loaded_at < AUTHZ_MAX_AGE)
		return GH_OK;
	if ((az = authz_load(w->db)) == NULL) {
		if (w->authz != NULL && strcmp(g, authz_gen) == 0)
			return GH_OK;	/* keep serving the tables we have until MySQL answers */
		return GH_ERR_DB_UNAVAILABLE;
	}
	authz_free(w->authz);
	w->authz = az;
	snprintf(authz_gen, sizeof(authz_gen), "%s", g);
	authz_loaded_at = now;
	log_debug("authz: loaded %zu roles, %zu mappings (generation %s)", authz_nroles(az),
	    authz_nmappings(az), *g ? g : "none");
	return GH_OK;
}

static enum gh_err
refuse(struct request *req, enum gh_err e, const char *why)
{
	metrics_add(req->w->metrics, token_refusals, 1);
	resp_header(req, "WWW-Authenticate", e == GH_ERR_UNAUTHORIZED ?
	    "Bearer realm=\"gatehouse\"" : "Bearer realm=\"gatehouse\", error=\"invalid_token\"");
	return req_fail(req, e, NULL, "%s", why);
}

enum gh_err
authn_token(struct request *req)
{
	const char		*h = req_header(req, "Authorization"), *tok;

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0) {
		metrics_add(req->w->metrics, token_checks, 1);
		return refuse(req, GH_ERR_UNAUTHORIZED, "send Authorization: Bearer <access token>");
	}
	tok = h + 7;
	while (*tok == ' ')
		tok++;
	return authn_token_str(req, tok);
}

enum gh_err
authn_token_str(struct request *req, const char *tok)
{
	struct worker		*w = req->w;
	struct token_claims	 c;
	struct token_expect	 ex;
	enum token_result	 tr;
	const char		*keys[6], *v[6];
	enum gh_err		 err;
	static unsigned long long inv_seen;
	unsigned long long	 inv;
	long long		 pv, mv;
	int			 hit;

	metrics_add(w->metrics, token_checks, 1);
	ex.iss = w->cfg->jwt_issuer;
	ex.aud = w->cfg->jwt_audience;
	ex.typ = "access";
	ex.leeway = w->cfg->jwt_leeway;
	tr = token_verify(w->keys, tok, strlen(tok), &ex, (long long)time(NULL), &c);
	if (tr == TOKEN_EXPIRED)
		return refuse(req, GH_ERR_TOKEN_EXPIRED, "the access token has expired; refresh it");
	if (tr != TOKEN_OK)
		return refuse(req, GH_ERR_TOKEN_INVALID,
		    arena_printf(req->arena, "the access token was refused (%s)", token_result_str(tr)));

	req->auth.user_id = strtoll(c.sub, NULL, 10);
	req->auth.org_id = c.org;
	req->auth.pv = c.pv;
	req->auth.mv = c.mv;
	req->auth.exp = c.exp;
	req->auth.jti = arena_strdup(req->arena, c.jti);
	req->auth.sid = arena_strdup(req->arena, c.sid);
	req->auth.roles = arena_strdup(req->arena, c.roles);
	req->auth.amr = arena_strdup(req->arena, c.amr);
	req->auth.acr = arena_strdup(req->arena, c.acr);
	req->auth.scp = arena_strdup(req->arena, c.scp);
	req->auth.cid = arena_strdup(req->arena, c.cid);
	req->auth.scope = arena_strdup(req->arena, c.scope);
	req->auth.iat = c.iat;
	req->auth.token = tok;

	/*
	 * One round trip at most, one command: is the token, or its whole session (logout), on
	 * the blocklist; the user's current permission_version; the authorization generation;
	 * the session_version of the membership in the token's organization (an organization ends
	 * or suspends only its own sessions: sql/0013).
	 * The blocklist entries are strings (session.c), so an absent one reads as NULL.  The
	 * worker keeps these keys between requests while Redis tells it of every change to them
	 * (kv_mget), so a token used again is usually checked without asking Redis.
	 */
	keys[0] = kv_key(req->arena, KV_BL, "%s", c.jti);
	keys[1] = c.sid[0] != '\0' ? kv_key(req->arena, KV_BLS, "%s", c.sid) : keys[0];
	keys[2] = kv_key(req->arena, KV_PV, "%lld", req->auth.user_id);
	keys[3] = kv_prefixes[KV_AUTHZ_GEN];
	keys[4] = c.org > 0 ? session_mv_key(req, req->auth.user_id, c.org) : keys[0];
	/* A token of an OpenID Connect client: is the client disabled or deleted (ocd:). */
	keys[5] = c.cid[0] != '\0' ? kv_key(req->arena, KV_OIDC_OFF, "%s", c.cid) : keys[0];
	if ((err = kv_mget(w->kv, req->arena, 6, keys, v, &hit)) != GH_OK) {
		metrics_add(w->metrics, token_refusals, 1);
		return req_fail(req, err, NULL, "the token store is unreachable; try again");
	}
	metrics_add(w->metrics, kv_cache_hits, hit);
	metrics_add(w->metrics, kv_cache_misses, !hit);
	inv = kv_cache_stats(w->kv)->invalidations;
	metrics_add(w->metrics, kv_cache_invalidations, inv - inv_seen);
	inv_seen = inv;
	if (v[0] != NULL || v[1] != NULL)
		return refuse(req, GH_ERR_TOKEN_REVOKED, "the access token was revoked (logout)");
	if (v[5] != NULL)
		return refuse(req, GH_ERR_TOKEN_REVOKED, "the client this token was issued to is "
		    "disabled");
	if (v[2] != NULL)
		pv = strtoll(v[2], NULL, 10);
	else if ((err = session_pv_fill(req, req->auth.user_id, &pv)) != GH_OK)
		return req_fail(req, err, NULL, "cannot read the session state; try again");
	if (pv < 0)
		return refuse(req, GH_ERR_TOKEN_REVOKED, "the user no longer exists");
	if (pv != c.pv)
		return refuse(req, GH_ERR_TOKEN_REVOKED,
		    "the user's sessions or permissions changed; refresh or log in again");
	if (c.org > 0) {
		if (v[4] != NULL)
			mv = strtoll(v[4], NULL, 10);
		else if ((err = session_mv_fill(req, req->auth.user_id, c.org, &mv)) != GH_OK)
			return req_fail(req, err, NULL, "cannot read the session state; try again");
		if (mv < 0)
			return refuse(req, GH_ERR_TOKEN_REVOKED,
			    "you are no longer a member of the token's organization");
		if (mv != c.mv)
			return refuse(req, GH_ERR_TOKEN_REVOKED, "your sessions in this organization "
			    "were ended or the membership was suspended; log in again");
	}
	if ((err = authz_refresh(req, v[3])) != GH_OK)
		return req_fail(req, err, NULL, "cannot load the authorization tables");
	return GH_OK;
}

size_t
authn_roles(struct request *req, const struct authz_role **roles, size_t max)
{
	if (req->w->authz == NULL || req->auth.roles == NULL)
		return 0;
	return authz_resolve(req->w->authz, req->auth.org_id, req->auth.roles, roles, max);
}

int
authn_has(struct request *req, const char *perm)
{
	const struct authz_role	*roles[AUTHZ_MAXROLES];
	long long		 id;
	size_t			 n;

	if (req->w->authz == NULL || (id = authz_perm_id(req->w->authz, perm)) == 0)
		return 0;
	n = authn_roles(req, roles, AUTHZ_MAXROLES);
	return authz_any(roles, n, &id, 1);
}

static int	 admin_step_up(struct request *);

enum gh_err
authn_request(struct request *req)
{
	const struct authz_role	*roles[AUTHZ_MAXROLES];
	long long		 perms[AUTHZ_MAXPERMS];
	size_t			 np, nr;
	enum gh_err		 err;
	int			 mfa;

	if ((err = authn_token(req)) != GH_OK)
		return err;
	if (!authn_scope_allows(req, req->route->pattern))
		return req_fail(req, GH_ERR_MFA_ENROLLMENT, NULL,
		    "this token may only enroll a second factor (/api/v1/me/mfa)");
	np = authz_route_perms(req->w->authz, req->route->method == HTTP_HEAD ? HTTP_GET :
	    req->route->method, req->route->pattern, perms,
	    AUTHZ_MAXPERMS, &mfa);
	if (np == 0)
		return req_fail(req, GH_ERR_FORBIDDEN, NULL,
		    "no permission is mapped to %s %s (deny by default)",
		    http_method_names[req->route->method], req->route->pattern);
	nr = authn_roles(req, roles, AUTHZ_MAXROLES);
	if (!authz_any(roles, nr, perms, np))
		return req_fail(req, GH_ERR_FORBIDDEN, NULL, "your roles do not grant %s",
		    authz_perm_name(req->w->authz, perms[0]) ? authz_perm_name(req->w->authz, perms[0]) :
		    "the permission this route needs");
	if (!authn_has_mfa(req) && (mfa || admin_step_up(req)))
		return authn_step_up(req);
	return GH_OK;
}

/*
 * Whether the route is a built-in admin change of roles, permissions, endpoint mappings or
 * policies that the MFA policy of the caller's organization (step_up_admin) wants a second
 * factor for.
 */
static int
admin_step_up(struct request *req)
{
	static const char	*const prefixes[] = { "/api/v1/roles", "/api/v1/permissions",
	    "/api/v1/endpoints", "/api/v1/organizations/{id}/policies", "/api/v1/users/{id}/roles",
	    NULL };
	struct policy_mfa	 pm;
	size_t			 i;

	if (req->route->method == HTTP_GET || req->route->method == HTTP_HEAD)
		return 0;
	for (i = 0; prefixes[i] != NULL; i++)
		if (strncmp(req->route->pattern, prefixes[i], strlen(prefixes[i])) == 0)
			break;
	if (prefixes[i] == NULL)
		return 0;
	/* A policy that cannot be read asks for the factor (deny by default). */
	return policy_mfa(req, req->auth.org_id, &pm) != GH_OK || pm.step_up_admin;
}

int
authn_has_mfa(const struct request *req)
{
	const char	*p = req->auth.amr;
	size_t		 n;

	while (p != NULL && *p != '\0') {
		n = strcspn(p, ",");
		if (n == 3 && memcmp(p, "mfa", 3) == 0)
			return 1;
		p += n + (p[n] == ',');
	}
	return 0;
}

int
authn_scope_allows(const struct request *req, const char *path)
{
	static const char	*const enroll[] = { "/api/v1/me/mfa", "/api/v1/me", "/api/v1/auth/logout",
	    NULL };
	size_t			 i, n;

	if (req->auth.scp == NULL || req->auth.scp[0] == '\0')
		return 1;
	if (strcmp(req->auth.scp, "mfa_enroll") != 0)
		return 0;
	for (i = 0; enroll[i] != NULL; i++) {
		n = strlen(enroll[i]);
		if (strncmp(path, enroll[i], n) == 0 && (path[n] == '\0' ||
		    (i == 0 && path[n] == '/')))
			return 1;
	}
	return 0;
}

enum gh_err
authn_step_up(struct request *req)
{
	resp_header(req, "WWW-Authenticate", "Bearer error=\"insufficient_user_authentication\", "
	    "error_description=\"A second factor is required\", acr_values=\"mfa\"");
	return req_fail(req, GH_ERR_INSUFFICIENT_AUTH, NULL,
	    "this route needs a sign-in with a second factor: sign in again with it");
}

int
authn_allows_path(struct request *req, const char *method, const char *path)
{
	const struct authz_role	*roles[AUTHZ_MAXROLES];
	long long		 perms[AUTHZ_MAXPERMS];
	size_t			 np, nr;
	int			 mfa;

	if (req->w->authz == NULL || !authn_scope_allows(req, path))
		return 0;
	np = authz_path_perms(req->w->authz, method, path, perms, AUTHZ_MAXPERMS, &mfa);
	if (np == 0)
		return 0;
	nr = authn_roles(req, roles, AUTHZ_MAXROLES);
	if (!authz_any(roles, nr, perms, np))
		return 0;
	return mfa && !authn_has_mfa(req) ? -1 : 1;
}

int
authn_platform_has(struct request *req, const char *perm)
{
	const struct authz_role	*roles[AUTHZ_MAXROLES], *plat[AUTHZ_MAXROLES];
	long long		 id;
	size_t			 n, i, k = 0;

	if (req->w->authz == NULL || (id = authz_perm_id(req->w->authz, perm)) == 0)
		return 0;
	n = authn_roles(req, roles, AUTHZ_MAXROLES);
	for (i = 0; i < n; i++)
		if (roles[i]->platform)
			plat[k++] = roles[i];
	return authz_any(plat, k, &id, 1);
}

int
authn_holds_role(struct request *req, const struct authz_role *role)
{
	const struct authz_role	*roles[AUTHZ_MAXROLES];
	size_t			 n, i;

	n = authn_roles(req, roles, AUTHZ_MAXROLES);
	for (i = 0; i < role->nperms; i++)
		if (!authz_any(roles, n, &role->perms[i], 1))
			return 0;
	return 1;
}

enum gh_err
authn_role_writable(struct request *req, const struct role *r, const char *perm, int renaming)
{
	if (authn_platform_has(req, perm)) {
		if (renaming && r->is_system)
			return req_fail(req, GH_ERR_SYSTEM_ROLE, "name",
			    "system roles cannot be renamed");
		return GH_OK;
	}
	if (r->is_system || r->organization_id == 0)
		return req_fail(req, GH_ERR_SYSTEM_ROLE, NULL,
		    "shared and system roles are managed by platform administrators");
	if (r->organization_id != req->auth.org_id)
		return req_fail(req, GH_ERR_NOT_FOUND, NULL, "no such role");
	return GH_OK;
}

const struct authz_role *
authn_role_by_id(struct request *req, long long id)
{
	return req->w->authz ? authz_role_by_id(req->w->authz, id) : NULL;
}
