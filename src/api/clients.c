/*
 * clients.c: the admin API of OpenID Connect clients (/api/v1/clients) and the user's own
 * consents (/api/v1/me/consents).  docs/oidc.md.
 *
 * Every client belongs to one organization.  A caller holding the route's permission
 * (clients.read, clients.manage) through a platform role acts in every organization; any other
 * caller only in its token's organization, and another organization's client answers 404, as
 * for teams.  A confidential client's secret is made here and shown once (create, rotate); only
 * its SHA-256 is stored.  A client allowed client_credentials gets a service account: a user
 * of kind 'service' in the client's organization, whose roles are granted with the users API
 * (/api/v1/users/{service_user_id}/roles).  Revocation reuses the token check's machinery:
 * disabling or deleting a client sets ocd:<client_id> (every token of the client is refused at
 * once), ending a secret's overlap bumps the service account's permission_version.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cJSON.h>
#include <sodium.h>

#include "api/api.h"
#include "api/common.h"
#include "api/oidc.h"
#include "api/routes.h"
#include "auth/authn.h"
#include "auth/session.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/ctx.h"
#include "core/log.h"
#include "core/valid.h"
#include "http/body.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/kv.h"
#include "store/oidc.h"

#define NAME_MAX_	100
#define URIS_MAX	20
#define URI_MAX		2000
#define OVERLAP_MAX	604800	/* a week */

static const char *const grants[] = { "authorization_code", "refresh_token",
    "client_credentials", NULL };
static const char *const scopes[] = { "openid", "profile", "email", "offline_access",
    "gatehouse", NULL };

/* Read client id (locked when lock) into c; 404 unless the caller acts in its organization. */
static enum gh_err
client_load(struct request *req, long long id, int lock, const char *perm, struct oidc_client *c)
{
	return api_found_in_org(req, store_oidc_client_get(req->w->db, req->arena, id, lock, c),
	    &c->organization_id, perm, "no client %lld", id);
}

/* A space separated list as a JSON array. */
static cJSON *
words_json(struct request *req, const char *list)
{
	cJSON		*a = api_array(req);
	const char	*p, *q;

	for (p = list ? list : ""; *p != '\0'; p = *q ? q + 1 : q) {
		q = strchr(p, ' ');
		if (q == NULL)
			q = p + strlen(p);
		if (q > p)
			cJSON_AddItemToArray(a, cJSON_CreateString(arena_strndup(req->arena, p,
			    (size_t)(q - p))));
	}
	return a;
}

/* A JSON array text stored in a column (redirect URIs) as an array member k of o. */
static void
add_json_array(cJSON *o, const char *k, const char *text)
{
	cJSON	*a = cJSON_Parse(text);

	/* cJSON trees made with cJSON_Parse here are freed with the response object. */
	cJSON_AddItemToObject(o, k, a ? a : cJSON_CreateArray());
}

/* A client as the API shows it (API_F: the members under their own names). */
static cJSON *
client_json(struct request *req, const struct oidc_client *s)
{
	cJSON	*o = api_object(req);

	API_F(NUM, id) API_F(NUM, organization_id) API_F(STR, client_id) API_F(STR, name)
	API_F(STR, client_type)
	add_json_array(o, "redirect_uris", s->redirect_uris);
	add_json_array(o, "post_logout_redirect_uris", s->post_logout_redirect_uris);
	cJSON_AddItemReferenceToObject(o, "grant_types", words_json(req, s->grant_types));
	cJSON_AddItemReferenceToObject(o, "scopes", words_json(req, s->scopes));
	API_F(ID, access_token_ttl) API_F(ID, refresh_token_ttl) API_F(NUM, id_token_ttl)
	API_F(BOOL, first_party) API_F(BOOL, enabled) API_F(ID, service_user_id)
	API_F(STR, previous_secret_expires_at) API_F(STR, created_at) API_F(STR, updated_at)
	return o;
}

/*
 * A redirect URI: absolute https, or http on a loopback host (127.0.0.1, localhost, [::1]);
 * no fragment, no white space or control characters, no user information.
 */
static int
uri_ok(const char *u)
{
	const char	*h, *e;
	size_t		 i, n = strlen(u), hl;

	if (n == 0 || n > URI_MAX || strchr(u, '#') != NULL)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)u[i] <= 0x20 || u[i] == 0x7f || u[i] == '\\')
			return 0;
	if ((h = valid_http_rest(u)) == NULL)
		return 0;
	e = h + strcspn(h, "/?");
	if (e == h || memchr(h, '@', (size_t)(e - h)) != NULL)
		return 0;
	if (h == u + 8)
		return 1;
	/* http: the host (without a port) must be a loopback name. */
	if (*h == '[') {
		return (size_t)(e - h) >= 5 && strncmp(h, "[::1]", 5) == 0 &&
		    (h[5] == ':' || h + 5 == e);
	}
	hl = strcspn(h, ":/?");
	return (hl == 9 && strncasecmp(h, "localhost", 9) == 0) ||
	    (hl == 9 && strncmp(h, "127.0.0.1", 9) == 0);
}

/* A JSON array of redirect URIs in the body into *out (JSON text); absent leaves *out. */
static enum gh_err
uris(struct request *req, const char *name, const char **out)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(req->json, name), *it;
	cJSON		*a;
	char		*s;
	int		 i = 0;

	if (v == NULL)
		return GH_OK;
	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) > URIS_MAX)
		return req_fail(req, GH_ERR_VALIDATION, name, "%s is an array of at most %d URIs",
		    name, URIS_MAX);
	a = api_array(req);
	cJSON_ArrayForEach(it, v) {
		if (!cJSON_IsString(it) || !uri_ok(it->valuestring))
			return req_fail(req, GH_ERR_VALIDATION, arena_printf(req->arena, "%s[%d]",
			    name, i), "a redirect URI is absolute https (http only for 127.0.0.1, "
			    "localhost or [::1]), without a fragment");
		cJSON_AddItemToArray(a, cJSON_CreateString(it->valuestring));
		i++;
	}
	if ((s = cJSON_PrintUnformatted(a)) == NULL)
		return GH_ERR_INTERNAL;
	*out = arena_strdup(req->arena, s);
	cJSON_free(s);
	return GH_OK;
}

/* A JSON array of words from allowed into *out (space separated); absent leaves *out. */
static enum gh_err
words(struct request *req, const char *name, const char *const *allowed, const char **out)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(req->json, name), *it;
	const char	*s = "";
	size_t		 i;

	if (v == NULL)
		return GH_OK;
	if (!cJSON_IsArray(v))
		return req_fail(req, GH_ERR_VALIDATION, name, "%s is an array of names", name);
	cJSON_ArrayForEach(it, v) {
		if (!cJSON_IsString(it))
			return req_fail(req, GH_ERR_VALIDATION, name, "%s is an array of names", name);
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(allowed[i], it->valuestring) == 0)
				break;
		if (allowed[i] == NULL)
			return req_fail(req, GH_ERR_VALIDATION, name, "unknown %s value \"%.40s\"",
			    name, it->valuestring);
		if (!api_oidc_has(s, it->valuestring))
			s = *s ? arena_printf(req->arena, "%s %s", s, it->valuestring) :
			    it->valuestring;
	}
	*out = s;
	return GH_OK;
}

/* A lifetime: absent leaves *out, null sets 0 (the policy's). */
static enum gh_err
ttl(struct request *req, const char *name, long long min, long long max, int nullable,
    long long *out)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(req->json, name);

	if (v == NULL)
		return GH_OK;
	if (cJSON_IsNull(v) && nullable) {
		*out = 0;
		return GH_OK;
	}
	return body_int_value(req, v, name, min, max, out);
}

/* Read the changeable members of the body into c. */
static enum gh_err
parse(struct request *req, struct oidc_client *c, int create)
{
	const char	*name = NULL;
	int		 present, b;
	enum gh_err	 err;

	if ((err = body_str(req, "name", create, 1, NAME_MAX_, &name)) != GH_OK ||
	    (name != NULL && (err = api_printable(req, "name", name)) != GH_OK))
		return err;
	if (name != NULL)
		c->name = name;
	if ((err = uris(req, "redirect_uris", &c->redirect_uris)) != GH_OK ||
	    (err = uris(req, "post_logout_redirect_uris", &c->post_logout_redirect_uris)) != GH_OK ||
	    (err = words(req, "grant_types", grants, &c->grant_types)) != GH_OK ||
	    (err = words(req, "scopes", scopes, &c->scopes)) != GH_OK ||
	    (err = ttl(req, "access_token_ttl", 30, 86400, 1, &c->access_token_ttl)) != GH_OK ||
	    (err = ttl(req, "refresh_token_ttl", 60, 31536000, 1, &c->refresh_token_ttl)) != GH_OK ||
	    (err = ttl(req, "id_token_ttl", 30, 86400, 0, &c->id_token_ttl)) != GH_OK)
		return err;
	present = 0;
	if ((err = body_bool(req, "first_party", 0, &b, &present)) != GH_OK)
		return err;
	if (present)
		c->first_party = b;
	present = 0;
	if ((err = body_bool(req, "enabled", 0, &b, &present)) != GH_OK)
		return err;
	if (present)
		c->enabled = b;
	if (strcmp(c->client_type, "public") == 0 && api_oidc_has(c->grant_types, "client_credentials"))
		return req_fail(req, GH_ERR_VALIDATION, "grant_types", "a public client cannot use "
		    "client_credentials");
	if (*c->grant_types == '\0')
		return req_fail(req, GH_ERR_VALIDATION, "grant_types", "at least one grant type");
	if (api_oidc_has(c->grant_types, "authorization_code") && strcmp(c->redirect_uris, "[]") == 0)
		return req_fail(req, GH_ERR_VALIDATION, "redirect_uris", "the authorization_code "
		    "grant needs at least one redirect URI");
	return GH_OK;
}

/* Mark the client's tokens refused (off) or accepted again, after the commit. */
static enum gh_err
publish_off(struct request *req, const char *client_id, int off, int forever)
{
	redisReply	*r;
	const char	*key = kv_key(req->arena, KV_OIDC_OFF, "%s", client_id);
	long long	 t = 86400 + req->w->cfg->jwt_leeway + 1;

	if (!off)
		return kv_run(req->w->kv, req->arena, &r, 2, "DEL", key);
	if (forever)
		return kv_run(req->w->kv, req->arena, &r, 3, "SET", key, "1");
	return kv_run(req->w->kv, req->arena, &r, 5, "SET", key, "1", "EX",
	    arena_printf(req->arena, "%lld", t));
}

/* Tell every worker its cached clients are stale (INCR oidc:gen), after a commit. */
static void
bump_gen(struct request *req)
{
	redisReply	*r;

	if (kv_run(req->w->kv, req->arena, &r, 2, "INCR", kv_prefixes[KV_OIDC_GEN]) != GH_OK)
		log_warn("oidc: cannot move oidc:gen; cached clients live up to 30 s");
}

enum gh_err
api_clients_list(struct request *req)
{
	struct api_page		 pg;
	struct oidc_client	*rows;
	size_t			 n;
	long long		 org = 0;
	int			 platform = authn_platform_has(req, "clients.read");
	enum gh_err		 err;

	if ((err = api_page_parse(req, &pg)) != GH_OK ||
	    (err = api_query_int(req, "organization_id", 1, LLONG_MAX,
	    "organization_id must be an organization id", &org)) != GH_OK)
		return err;
	if (org > 0 && org != req->auth.org_id && !platform)
		return req_fail(req, GH_ERR_FORBIDDEN, "organization_id",
		    "you manage clients only in your own organization");
	if (org == 0 && !platform) {
		if (req->auth.org_id <= 0)
			return req_fail(req, GH_ERR_FORBIDDEN, NULL, "your session has no organization");
		org = req->auth.org_id;
	}
	if ((err = store_oidc_client_list(req->w->db, req->arena, org, pg.after, pg.limit, &rows,
	    &n)) != GH_OK)
		return err;
	API_PAGE_RESPOND(req, rows, n, pg.limit, client_json);
	return GH_OK;
}

API_GET_BY_ID(api_client_get, struct oidc_client, client_load(req, id, 0, "clients.read", &row),
    client_json)

enum gh_err
api_client_create(struct request *req)
{
	static const char *const fields[] = { "name", "organization_id", "client_type",
	    "redirect_uris", "post_logout_redirect_uris", "grant_types", "scopes",
	    "access_token_ttl", "refresh_token_ttl", "id_token_ttl", "first_party", "enabled", NULL };
	struct oidc_client	 c;
	const cJSON		*v;
	const char		*type = NULL, *secret = NULL, *hash = NULL;
	unsigned char		 raw[12];
	char			 cid[32];
	long long		 id, org = 0, user;
	enum gh_err		 err;
	cJSON			*o;

	memset(&c, 0, sizeof(c));
	c.client_type = "confidential";
	c.redirect_uris = "[]";
	c.post_logout_redirect_uris = "[]";
	c.grant_types = "authorization_code";
	c.scopes = "openid profile email";
	c.id_token_ttl = 300;
	c.enabled = 1;
	if ((err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "client_type", BODY_OPTIONAL, 1, 20, &type)) != GH_OK)
		return err;
	if (type != NULL) {
		if (strcmp(type, "confidential") != 0 && strcmp(type, "public") != 0)
			return req_fail(req, GH_ERR_VALIDATION, "client_type", "client_type is "
			    "confidential or public");
		c.client_type = type;
	}
	if ((err = parse(req, &c, 1)) != GH_OK)
		return err;
	v = cJSON_GetObjectItemCaseSensitive(req->json, "organization_id");
	if (v != NULL && !cJSON_IsNull(v) && body_int_value(req, v, "organization_id", 1,
	    LLONG_MAX, &org) != GH_OK)
		return req_fail(req, GH_ERR_VALIDATION, "organization_id",
		    "organization_id must be an organization id");
	if (org > 0 && org != req->auth.org_id && !authn_platform_has(req, "clients.manage"))
		return req_fail(req, GH_ERR_FORBIDDEN, "organization_id",
		    "you manage clients only in your own organization");
	if (org == 0 && (org = req->auth.org_id) <= 0)
		return req_fail(req, GH_ERR_VALIDATION, "organization_id",
		    "organization_id is required: your session has no organization");
	c.organization_id = org;
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(cid, sizeof(cid), raw, sizeof(raw));
	c.client_id = cid;
	if (strcmp(c.client_type, "confidential") == 0)
		secret = api_oidc_new_secret(req, &hash);
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((err = store_oidc_client_insert(req->w->db, req->arena, &c, hash, req->auth.user_id,
	    &id)) != GH_OK) {
		if (err == GH_ERR_NOT_FOUND)
			err = req_fail(req, GH_ERR_VALIDATION, "organization_id",
			    "no organization %lld", org);
		return err;
	}
	c.id = id;
	if (api_oidc_has(c.grant_types, "client_credentials") &&
	    (err = store_oidc_service_create(req->w->db, req->arena, &c, req->auth.user_id,
	    &user)) != GH_OK)
		return err;
	(void)audit_change(req, "oidc_client.create", "oidc_client", id, org, NULL);
	if ((err = client_load(req, id, 0, "clients.manage", &c)) != GH_OK)
		return err;
	o = client_json(req, &c);
	if (secret != NULL)
		cJSON_AddStringToObject(o, "client_secret", secret);
	return api_commit_entity(req, 201, o, arena_printf(req->arena, "/api/v1/clients/%lld", id));
}

enum gh_err
api_client_update(struct request *req)
{
	static const char *const fields[] = { "name", "redirect_uris",
	    "post_logout_redirect_uris", "grant_types", "scopes", "access_token_ttl",
	    "refresh_token_ttl", "id_token_ttl", "first_party", "enabled", NULL };
	struct oidc_client	 c;
	long long		 id, user;
	int			 was, had_cc;
	enum gh_err		 err;

	if ((err = api_id_begin(req, &id)) != GH_OK || (err = body_only(req, fields)) != GH_OK ||
	    (err = client_load(req, id, 1, "clients.manage", &c)) != GH_OK)
		return err;
	was = c.enabled;
	had_cc = api_oidc_has(c.grant_types, "client_credentials");
	if ((err = parse(req, &c, 0)) != GH_OK ||
	    (err = store_oidc_client_update(req->w->db, req->arena, &c)) != GH_OK)
		return err;
	if (!had_cc && api_oidc_has(c.grant_types, "client_credentials") && c.service_user_id == 0 &&
	    (err = store_oidc_service_create(req->w->db, req->arena, &c, req->auth.user_id,
	    &user)) != GH_OK)
		return err;
	/* The service account's tokens stop when the client loses client_credentials. */
	if (had_cc && !api_oidc_has(c.grant_types, "client_credentials") && c.service_user_id > 0 &&
	    (err = session_pv_bump(req, c.service_user_id)) != GH_OK)
		return err;
	if (was && !c.enabled &&
	    (err = store_oidc_refresh_revoke_client(req->w->db, req->arena, c.id,
	    "client_disabled")) != GH_OK)
		return err;
	(void)audit_change(req, was && !c.enabled ? "oidc_client.disable" : !was && c.enabled ?
	    "oidc_client.enable" : "oidc_client.update", "oidc_client", id, c.organization_id, NULL);
	if ((err = client_load(req, id, 0, "clients.manage", &c)) != GH_OK ||
	    (err = api_commit(req)) != GH_OK)
		return err;
	bump_gen(req);
	if (had_cc && !api_oidc_has(c.grant_types, "client_credentials") && c.service_user_id > 0)
		(void)session_pv_publish(req, c.service_user_id);
	if (was != c.enabled && (err = publish_off(req, c.client_id, !c.enabled, 1)) != GH_OK)
		return req_fail(req, err, NULL, "the client was changed but the token store is "
		    "unreachable; its tokens are refused until it returns");
	return api_entity(req, 200, client_json(req, &c), NULL);
}

enum gh_err
api_client_delete(struct request *req)
{
	struct oidc_client	 c;
	long long		 id;
	enum gh_err		 err;

	if ((err = api_id_begin(req, &id)) != GH_OK ||
	    (err = client_load(req, id, 1, "clients.manage", &c)) != GH_OK)
		return err;
	if (c.service_user_id > 0 &&
	    ((err = session_pv_bump(req, c.service_user_id)) != GH_OK ||
	    (err = store_oidc_service_delete(req->w->db, req->arena, c.service_user_id)) != GH_OK))
		return err;
	if ((err = store_oidc_client_delete(req->w->db, req->arena, id)) != GH_OK)
		return err;
	(void)audit_change(req, "oidc_client.delete", "oidc_client", id, c.organization_id, NULL);
	if ((err = api_commit(req)) != GH_OK)
		return err;
	bump_gen(req);
	if ((err = publish_off(req, c.client_id, 1, 0)) != GH_OK)
		return req_fail(req, err, NULL, "the client was deleted but the token store is "
		    "unreachable; its tokens are refused until it returns");
	return resp_status(req, 204);
}

enum gh_err
api_client_rotate(struct request *req)
{
	static const char *const fields[] = { "overlap_seconds", NULL };
	struct oidc_client	 c;
	const char		*secret, *hash;
	long long		 id, overlap = 0;
	int			 present;
	enum gh_err		 err;
	cJSON			*o, *d;

	if ((err = api_id_begin(req, &id)) != GH_OK || (err = body_only(req, fields)) != GH_OK ||
	    (err = body_int(req, "overlap_seconds", BODY_OPTIONAL, 0, OVERLAP_MAX, &overlap,
	    &present)) != GH_OK ||
	    (err = client_load(req, id, 1, "clients.manage", &c)) != GH_OK)
		return err;
	if (strcmp(c.client_type, "confidential") != 0)
		return req_fail(req, GH_ERR_VALIDATION, "client_type",
		    "a public client has no secret");
	secret = api_oidc_new_secret(req, &hash);
	if ((err = store_oidc_client_rotate(req->w->db, req->arena, id, hash, overlap)) != GH_OK)
		return err;
	/* Without an overlap the old secret ends now, and the service account's tokens with it. */
	if (overlap == 0 && c.service_user_id > 0 &&
	    (err = session_pv_bump(req, c.service_user_id)) != GH_OK)
		return err;
	d = api_object(req);
	cJSON_AddNumberToObject(d, "overlap_seconds", (double)overlap);
	(void)audit_change(req, "oidc_client.secret_rotate", "oidc_client", id, c.organization_id,
	    d);
	if ((err = client_load(req, id, 0, "clients.manage", &c)) != GH_OK ||
	    (err = api_commit(req)) != GH_OK)
		return err;
	bump_gen(req);
	if (overlap > 0 && c.service_user_id > 0 && c.enabled) {
		/*
		 * When the overlap ends, the service account's tokens from before the rotation and
		 * those obtained with the previous secret stop (the token check reads ocd:).
		 */
		redisReply	*r;
		long long	 now = (long long)time(NULL);

		if ((err = kv_run(req->w->kv, req->arena, &r, 5, "SET", kv_key(req->arena,
		    KV_OIDC_OFF, "%s", c.client_id), arena_printf(req->arena, "rot %lld %lld %lld",
		    now + overlap, now, c.service_user_id), "EX", arena_printf(req->arena, "%lld",
		    overlap + 86400 + req->w->cfg->jwt_leeway + 1))) != GH_OK)
			return req_fail(req, err, NULL, "the secret was rotated but the token store is "
			    "unreachable: the previous secret's tokens outlive the overlap");
	}
	if (overlap == 0 && c.service_user_id > 0 &&
	    (err = session_pv_publish(req, c.service_user_id)) != GH_OK)
		return req_fail(req, err, NULL, "the secret was rotated but the token store is "
		    "unreachable; tokens are refused until it returns");
	o = client_json(req, &c);
	cJSON_AddStringToObject(o, "client_secret", secret);
	return api_entity(req, 200, o, NULL);
}

enum gh_err
api_client_end_previous(struct request *req)
{
	struct oidc_client	 c;
	long long		 id;
	enum gh_err		 err;

	if ((err = api_id_begin(req, &id)) != GH_OK ||
	    (err = client_load(req, id, 1, "clients.manage", &c)) != GH_OK ||
	    (err = store_oidc_client_end_previous(req->w->db, req->arena, id)) != GH_OK ||
	    (c.service_user_id > 0 && (err = session_pv_bump(req, c.service_user_id)) != GH_OK))
		return err;
	(void)audit_change(req, "oidc_client.secret_overlap_end", "oidc_client", id,
	    c.organization_id, NULL);
	if ((err = api_commit(req)) != GH_OK)
		return err;
	bump_gen(req);
	if (c.service_user_id > 0 && (err = session_pv_publish(req, c.service_user_id)) != GH_OK)
		return req_fail(req, err, NULL, "the overlap ended but the token store is "
		    "unreachable; tokens are refused until it returns");
	return resp_status(req, 204);
}

static cJSON *
consent_json(struct request *req, const struct oidc_consent *c)
{
	cJSON	*o = api_object(req);

	cJSON_AddStringToObject(o, "client_id", c->client_id);
	cJSON_AddStringToObject(o, "client_name", c->client_name);
	cJSON_AddItemReferenceToObject(o, "scopes", words_json(req, c->scopes));
	api_add_str(o, "granted_at", c->granted_at);
	api_add_str(o, "updated_at", c->updated_at);
	return o;
}

enum gh_err
api_me_consents(struct request *req)
{
	struct oidc_consent	*rows;
	size_t			 n;
	enum gh_err		 err;

	if ((err = store_oidc_consent_list(req->w->db, req->arena, req->auth.user_id, &rows,
	    &n)) != GH_OK)
		return err;
	API_LIST_RESPOND(req, rows, n, consent_json);
	return GH_OK;
}

enum gh_err
api_me_consent_revoke(struct request *req)
{
	const char	*cid = req_param(req, 0);
	enum gh_err	 err;

	if (cid == NULL || strlen(cid) > 64)
		return req_fail(req, GH_ERR_NOT_FOUND, NULL, "no consent to that client");
	if ((err = db_begin(req->w->db)) != GH_OK ||
	    (err = api_found(req, store_oidc_consent_delete(req->w->db, req->arena,
	    req->auth.user_id, cid), "no consent to client %s", cid)) != GH_OK)
		return err;
	(void)audit_by(req, req->auth.user_id, req->auth.org_id, "oidc.consent.revoke",
	    "oidc_client", 0, NULL, NULL);
	return api_commit_status(req, 204);
}
