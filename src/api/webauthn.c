/*
 * webauthn.c (api): the caller's passkeys (docs/mfa.md, "Passkeys") and the assertion
 * functions the MFA login step calls (api/webauthn.h).
 *
 * Registration is two requests: options (a challenge of 32 random bytes kept in Redis for 300 s
 * under wa:reg:<user>:<session>, so it serves only the session that asked, and only once:
 * GETDEL), then the browser's answer, verified by auth/webauthn.c.  The RP ID, its name, the
 * accepted origins and whether user verification is required come from the configuration.  The
 * user handle is 32 random bytes per account (webauthn_user), not the user id: authenticators
 * keep it, and it says nothing about the account; a discoverable sign-in maps it back.
 * Removal asks for the password again.  A public key never leaves the server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <hiredis.h>
#include <sodium.h>

#include "api/api.h"
#include "api/common.h"
#include "api/routes.h"
#include "api/webauthn.h"
#include "auth/webauthn.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "http/body.h"
#include "store/account.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/kv.h"
#include "store/webauthn.h"

#define WA_TTL		300		/* seconds a challenge waits for its answer */
#define WA_NAME_MAX	100
#define WA_PER_USER_MAX	20
#define WA_B64_MAX	24000		/* characters of one encoded member we read */

static const char *const wa_transports[] = { "usb", "nfc", "ble", "internal", "hybrid",
	"smart-card", NULL };

static const char *
b64url(struct request *req, const unsigned char *b, size_t n)
{
	size_t	 cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char	*s = arena_alloc(req->arena, cap);

	sodium_bin2base64(s, cap, b, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return s;
}

/* The relying party of the configuration; origins default to the origin of public_url. */
static void
rp_of(struct request *req, struct webauthn_rp *rp)
{
	const struct gh_config	*cfg = req->w->cfg;
	char			*list, *p, *save = NULL;
	const char		*u, *h, *e;

	memset(rp, 0, sizeof(*rp));
	rp->id = cfg->webauthn_rp_id;
	if (cfg->webauthn_origins != NULL) {
		list = arena_strdup(req->arena, cfg->webauthn_origins);
		for (p = strtok_r(list, ",", &save); p != NULL && rp->norigins < WEBAUTHN_ORIGINS_MAX;
		    p = strtok_r(NULL, ",", &save))
			rp->origins[rp->norigins++] = p;
		return;
	}
	u = cfg->public_url != NULL ? cfg->public_url : "http://localhost:8080";
	h = strstr(u, "://");
	e = h != NULL ? strchr(h + 3, '/') : NULL;
	rp->origins[0] = e != NULL ? arena_strndup(req->arena, u, (size_t)(e - u)) : u;
	rp->norigins = 1;
}

static int
require_uv(struct request *req)
{
	return strcmp(req->w->cfg->webauthn_user_verification, "required") == 0;
}

/* A new challenge stored under key for WA_TTL seconds: its base64url in *out. */
static enum gh_err
challenge_new(struct request *req, const char *key, const char **out)
{
	unsigned char	 ch[WEBAUTHN_CHALLENGE_LEN];
	char		 ttl[16];
	redisReply	*rep;
	enum gh_err	 err;

	randombytes_buf(ch, sizeof(ch));
	*out = b64url(req, ch, sizeof(ch));
	snprintf(ttl, sizeof(ttl), "%d", WA_TTL);
	if ((err = kv_run(req->w->kv, req->arena, &rep, 5, "SET", key, *out, "EX", ttl)) != GH_OK)
		return err;
	if (rep == NULL || rep->type == REDIS_REPLY_ERROR)
		return GH_ERR_REDIS_UNAVAILABLE;
	return GH_OK;
}

/* The challenge under key, removed as it is read: 0 and *len, or 1 when there is none. */
static enum gh_err
challenge_take(struct request *req, const char *key, unsigned char *ch, size_t *len, int *none)
{
	redisReply	*rep;
	enum gh_err	 err;

	*none = 1;
	req->once = 1;
	if ((err = kv_run(req->w->kv, req->arena, &rep, 2, "GETDEL", key)) != GH_OK)
		return err;
	if (rep == NULL || rep->type == REDIS_REPLY_ERROR)
		return GH_ERR_REDIS_UNAVAILABLE;
	if (rep->type != REDIS_REPLY_STRING)
		return GH_OK;
	if (webauthn_b64url_decode(rep->str, ch, WEBAUTHN_CHALLENGE_LEN, len) != 0 ||
	    *len != WEBAUTHN_CHALLENGE_LEN)
		return GH_OK;
	*none = 0;
	return GH_OK;
}

static const char *
reg_key(struct request *req)
{
	return kv_key(req->arena, KV_WEBAUTHN, "reg:%lld:%s", req->auth.user_id, req->auth.sid);
}

/*
 * The problem of a failed ceremony: 400 naming the field for malformed input, else refused
 * (401 for a sign-in, 403 for a registration by a signed-in caller) with the reason code.
 */
static enum gh_err
wa_fail(struct request *req, const struct webauthn_error *e, enum gh_err refused)
{
	cJSON	*x;

	if (e->kind == WEBAUTHN_MALFORMED)
		return req_fail(req, GH_ERR_VALIDATION, e->field, "%s", e->reason);
	if (e->kind == WEBAUTHN_INTERNAL)
		return req_fail(req, GH_ERR_INTERNAL, NULL, "%s", e->reason);
	x = api_object(req);
	cJSON_AddStringToObject(x, "reason", e->code);
	req->problem_extra = x;
	return req_fail(req, refused, e->field, "%s", e->reason);
}

static enum gh_err
refuse(struct request *req, enum gh_err refused, const char *field, const char *code,
    const char *why)
{
	struct webauthn_error	 e = { field, why, code, WEBAUTHN_REFUSED };

	return wa_fail(req, &e, refused);
}

static cJSON *
cred_json(struct request *req, const struct webauthn_row *s)
{
	cJSON	*o = api_object(req);

	API_F(NUM, id)
	API_F(STR, name)
	API_F(NUM, alg)
	API_F(BOOL, uv)
	API_F(BOOL, backup_eligible)
	API_F(BOOL, backup_state)
	API_F(STR, aaguid)
	api_add_names(req, o, "transports", s->transports);
	API_F(STR, created_at)
	API_F(STR, last_used_at)
	return o;
}

/* A credential descriptor (excludeCredentials, allowCredentials) of row r into array a. */
static void
descriptor(struct request *req, cJSON *a, const struct webauthn_row *r)
{
	cJSON	*d = cJSON_CreateObject();

	cJSON_AddStringToObject(d, "type", "public-key");
	cJSON_AddStringToObject(d, "id", b64url(req, (const unsigned char *)r->credential_id,
	    r->credential_id_len));
	if (r->transports != NULL && *r->transports != '\0')
		api_add_names(req, d, "transports", r->transports);
	cJSON_AddItemToArray(a, d);
}

enum gh_err
api_webauthn_reg_options(struct request *req)
{
	const struct gh_config	*cfg = req->w->cfg;
	unsigned char		 handle[STORE_WEBAUTHN_HANDLE_LEN];
	struct webauthn_row	*rows;
	const char		*ch, *name, *display;
	cJSON			*o, *x, *prof, *v, *params;
	size_t			 n, i;
	static const int	 algs[] = { WEBAUTHN_ALG_ES256, WEBAUTHN_ALG_EDDSA,
	    WEBAUTHN_ALG_RS256 };
	enum gh_err		 err;

	if (req->auth.sid == NULL)
		return req_fail(req, GH_ERR_TOKEN_INVALID, NULL, "the token names no session");
	if ((err = api_user_object(req, req->auth.user_id, &prof)) != GH_OK ||
	    (err = store_webauthn_list(req->w->db, req->arena, req->auth.user_id, &rows, &n))
	    != GH_OK)
		return err;
	if (n >= WA_PER_USER_MAX)
		return req_fail(req, GH_ERR_CONFLICT, NULL, "an account holds at most %d passkeys",
		    WA_PER_USER_MAX);
	if ((err = store_webauthn_handle(req->w->db, req->arena, req->auth.user_id, handle))
	    != GH_OK)
		return err;
	if ((err = challenge_new(req, reg_key(req), &ch)) != GH_OK)
		return err;
	v = cJSON_GetObjectItemCaseSensitive(prof, "username");
	name = cJSON_IsString(v) ? v->valuestring : "";
	v = cJSON_GetObjectItemCaseSensitive(prof, "full_name");
	display = cJSON_IsString(v) && *v->valuestring != '\0' ? v->valuestring : name;

	o = api_object(req);
	cJSON_AddStringToObject(o, "challenge", ch);
	x = cJSON_AddObjectToObject(o, "rp");
	cJSON_AddStringToObject(x, "id", cfg->webauthn_rp_id);
	cJSON_AddStringToObject(x, "name", cfg->webauthn_rp_name);
	x = cJSON_AddObjectToObject(o, "user");
	cJSON_AddStringToObject(x, "id", b64url(req, handle, sizeof(handle)));
	cJSON_AddStringToObject(x, "name", name);
	cJSON_AddStringToObject(x, "displayName", display);
	params = cJSON_AddArrayToObject(o, "pubKeyCredParams");
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "type", "public-key");
		cJSON_AddNumberToObject(x, "alg", algs[i]);
		cJSON_AddItemToArray(params, x);
	}
	cJSON_AddNumberToObject(o, "timeout", WA_TTL * 1000);
	x = cJSON_AddArrayToObject(o, "excludeCredentials");
	for (i = 0; i < n; i++)
		descriptor(req, x, &rows[i]);
	x = cJSON_AddObjectToObject(o, "authenticatorSelection");
	/* A passkey: discoverable, so that it signs in without a username too. */
	cJSON_AddStringToObject(x, "residentKey", "required");
	cJSON_AddBoolToObject(x, "requireResidentKey", 1);
	cJSON_AddStringToObject(x, "userVerification", cfg->webauthn_user_verification);
	cJSON_AddStringToObject(o, "attestation", "none");
	return resp_json(req, 200, o);
}

/* transports: an optional array of known transport names, as a comma list (NULL = none). */
static enum gh_err
transports_parse(struct request *req, const char **out)
{
	cJSON		*t = cJSON_GetObjectItemCaseSensitive(req->json, "transports"), *it;
	char		 buf[101];
	size_t		 i, len = 0;

	*out = NULL;
	if (t == NULL || cJSON_IsNull(t))
		return GH_OK;
	if (!cJSON_IsArray(t) || cJSON_GetArraySize(t) > 6)
		return req_fail(req, GH_ERR_VALIDATION, "transports",
		    "transports is an array of at most 6 transport names");
	buf[0] = '\0';
	cJSON_ArrayForEach(it, t) {
		for (i = 0; cJSON_IsString(it) && wa_transports[i] != NULL; i++)
			if (strcmp(it->valuestring, wa_transports[i]) == 0)
				break;
		if (!cJSON_IsString(it) || wa_transports[i] == NULL)
			return req_fail(req, GH_ERR_VALIDATION, "transports",
			    "a transport is usb, nfc, ble, internal, hybrid or smart-card");
		if (strstr(buf, wa_transports[i]) != NULL)
			continue;
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", len ? "," : "",
		    wa_transports[i]);
	}
	*out = len ? arena_strdup(req->arena, buf) : NULL;
	return GH_OK;
}

static enum gh_err
name_parse(struct request *req, const char **name)
{
	enum gh_err	 err;

	if ((err = body_str(req, "name", BODY_REQUIRED, 1, WA_NAME_MAX, name)) != GH_OK ||
	    (err = api_printable(req, "name", *name)) != GH_OK)
		return err;
	return GH_OK;
}

enum gh_err
api_webauthn_register(struct request *req)
{
	static const char *const fields[] = { "name", "clientDataJSON", "attestationObject",
		"transports", NULL };
	struct webauthn_rp		 rp;
	struct webauthn_credential	*c;
	struct webauthn_error		 e;
	struct webauthn_row		 row;
	unsigned char			 ch[WEBAUTHN_CHALLENGE_LEN];
	const char			*name, *cd, *ao, *tr;
	size_t				 chl;
	long long			 id, count;
	int				 none;
	cJSON				*d;
	enum gh_err			 err;

	if ((err = body_only(req, fields)) != GH_OK || (err = name_parse(req, &name)) != GH_OK ||
	    (err = body_str(req, "clientDataJSON", BODY_REQUIRED, 1, WA_B64_MAX, &cd)) != GH_OK ||
	    (err = body_str(req, "attestationObject", BODY_REQUIRED, 1, WA_B64_MAX, &ao))
	    != GH_OK || (err = transports_parse(req, &tr)) != GH_OK)
		return err;
	if (req->auth.sid == NULL)
		return req_fail(req, GH_ERR_TOKEN_INVALID, NULL, "the token names no session");
	if ((err = challenge_take(req, reg_key(req), ch, &chl, &none)) != GH_OK)
		return err;
	if (none)
		return refuse(req, GH_ERR_FORBIDDEN, "clientDataJSON", "no_pending_ceremony",
		    "no registration is pending for this session: ask for options first (they "
		    "serve once, for 300 seconds)");
	rp_of(req, &rp);
	c = arena_alloc(req->arena, sizeof(*c));
	if (webauthn_register(&rp, ch, chl, cd, ao, require_uv(req), c, &e) != 0) {
		d = api_object(req);
		cJSON_AddStringToObject(d, "reason", e.code ? e.code : "");
		(void)audit_refusal(req, "mfa.webauthn.register", "user", req->auth.user_id,
		    req->auth.org_id, e.code ? e.code : "refused", d);
		return wa_fail(req, &e, GH_ERR_FORBIDDEN);
	}
	if ((err = store_webauthn_count(req->w->db, req->arena, req->auth.user_id, &count))
	    != GH_OK)
		return err;
	if (count >= WA_PER_USER_MAX)
		return req_fail(req, GH_ERR_CONFLICT, NULL, "an account holds at most %d passkeys",
		    WA_PER_USER_MAX);
	memset(&row, 0, sizeof(row));
	row.user_id = req->auth.user_id;
	row.credential_id = (const char *)c->id;
	row.credential_id_len = c->id_len;
	row.public_key = (const char *)c->public_key;
	row.public_key_len = c->public_key_len;
	row.alg = c->alg;
	row.sign_count = c->sign_count;
	row.name = name;
	row.uv = c->uv;
	row.backup_eligible = c->backup_eligible;
	row.backup_state = c->backup_state;
	row.transports = tr;
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	err = store_webauthn_insert(req->w->db, req->arena, &row, c->aaguid, &id);
	if (err == GH_ERR_CONFLICT) {
		db_rollback(req->w->db);
		return req_fail(req, GH_ERR_CONFLICT, "credential id",
		    "this authenticator credential is registered already");
	}
	if (err != GH_OK)
		return err;
	d = api_object(req);
	cJSON_AddStringToObject(d, "name", name);
	cJSON_AddNumberToObject(d, "alg", c->alg);
	cJSON_AddStringToObject(d, "fmt", c->fmt);
	cJSON_AddBoolToObject(d, "uv", c->uv);
	cJSON_AddBoolToObject(d, "backup_eligible", c->backup_eligible);
	if ((err = audit_change(req, "mfa.webauthn.register", "webauthn_credential", id,
	    req->auth.org_id, d)) != GH_OK)
		return err;
	if ((err = store_webauthn_get(req->w->db, req->arena, id, req->auth.user_id, &row))
	    != GH_OK)
		return err;
	return api_commit_entity(req, 201, cred_json(req, &row),
	    arena_printf(req->arena, "/api/v1/me/mfa/webauthn/%lld", id));
}

enum gh_err
api_webauthn_list(struct request *req)
{
	struct webauthn_row	*rows;
	size_t			 n;
	enum gh_err		 err;

	if ((err = store_webauthn_list(req->w->db, req->arena, req->auth.user_id, &rows, &n))
	    != GH_OK)
		return err;
	API_LIST_RESPOND(req, rows, n, cred_json);
	return GH_OK;
}

/*
 * The start of a change to one of the caller's passkeys: route parameter 0 as its id (404 when
 * it is not one) and a body of fields alone.
 */
static enum gh_err
passkey_param(struct request *req, const char *const *fields, long long *id)
{
	enum gh_err	 err;

	if ((err = api_id_param(req, 0, id)) != GH_OK)
		return req_fail(req, err, NULL, "no such passkey");
	return body_only(req, fields);
}

/* The audit row of action on passkey id, which is (now) named name. */
static enum gh_err
passkey_audit(struct request *req, const char *action, long long id, const char *name)
{
	cJSON	*d = api_object(req);

	cJSON_AddStringToObject(d, "name", name);
	return audit_change(req, action, "webauthn_credential", id, req->auth.org_id, d);
}

enum gh_err
api_webauthn_rename(struct request *req)
{
	static const char *const fields[] = { "name", NULL };
	struct webauthn_row	 row;
	const char		*name;
	long long		 id;
	enum gh_err		 err;

	if ((err = passkey_param(req, fields, &id)) != GH_OK ||
	    (err = name_parse(req, &name)) != GH_OK)
		return err;
	if ((err = api_found(req, store_webauthn_rename(req->w->db, req->arena, id,
	    req->auth.user_id, name), "no such passkey")) != GH_OK)
		return err;
	(void)passkey_audit(req, "mfa.webauthn.rename", id, name);
	if ((err = store_webauthn_get(req->w->db, req->arena, id, req->auth.user_id, &row))
	    != GH_OK)
		return err;
	return api_entity(req, 200, cred_json(req, &row), NULL);
}

enum gh_err
api_webauthn_delete(struct request *req)
{
	static const char *const fields[] = { "password", NULL };
	struct webauthn_row	 row;
	struct account		 acct;
	const char		*pw;
	long long		 id;
	enum gh_err		 err;

	if ((err = passkey_param(req, fields, &id)) != GH_OK ||
	    (err = body_str(req, "password", BODY_REQUIRED, 1, 1024, &pw)) != GH_OK)
		return err;
	if ((err = api_reauth(req, "password", pw, "the password is wrong", &acct)) != GH_OK ||
	    (err = api_found(req, store_webauthn_get(req->w->db, req->arena, id,
	    req->auth.user_id, &row), "no such passkey")) != GH_OK ||
	    (err = db_begin(req->w->db)) != GH_OK)
		return err;
	/* On failure the dispatcher rolls back. */
	if ((err = store_webauthn_delete(req->w->db, req->arena, id, req->auth.user_id)) != GH_OK ||
	    (err = passkey_audit(req, "mfa.webauthn.delete", id, row.name)) != GH_OK)
		return api_found(req, err, "no such passkey");
	return api_commit_status(req, 204);
}

enum gh_err
api_webauthn_assertion_options(struct request *req, long long user, const char *challenge_key,
    cJSON **out)
{
	const struct gh_config	*cfg = req->w->cfg;
	struct webauthn_row	*rows = NULL;
	const char		*ch;
	size_t			 n = 0, i;
	cJSON			*o, *a;
	enum gh_err		 err;

	if (user > 0 && (err = store_webauthn_list(req->w->db, req->arena, user, &rows, &n))
	    != GH_OK)
		return err;
	if ((err = challenge_new(req, challenge_key, &ch)) != GH_OK)
		return err;
	o = api_object(req);
	cJSON_AddStringToObject(o, "challenge", ch);
	cJSON_AddNumberToObject(o, "timeout", WA_TTL * 1000);
	cJSON_AddStringToObject(o, "rpId", cfg->webauthn_rp_id);
	a = cJSON_AddArrayToObject(o, "allowCredentials");
	for (i = 0; i < n; i++)
		descriptor(req, a, &rows[i]);
	cJSON_AddStringToObject(o, "userVerification", cfg->webauthn_user_verification);
	*out = o;
	return GH_OK;
}

/* Member name of o as a string of at most WA_B64_MAX characters (400 naming field). */
static enum gh_err
member(struct request *req, const cJSON *o, const char *name, const char *field, int required,
    const char **out)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, name);

	*out = NULL;
	if (v == NULL || cJSON_IsNull(v)) {
		if (required)
			return req_fail(req, GH_ERR_VALIDATION, field, "%s is required", field);
		return GH_OK;
	}
	if (!cJSON_IsString(v) || *v->valuestring == '\0' || strlen(v->valuestring) > WA_B64_MAX)
		return req_fail(req, GH_ERR_VALIDATION, field,
		    "%s is a base64url string of at most %d characters", field, WA_B64_MAX);
	*out = v->valuestring;
	return GH_OK;
}

enum gh_err
api_webauthn_verify_assertion(struct request *req, long long expect_user,
    const char *challenge_key, cJSON *assertion, long long *user_out, int *uv_out)
{
	struct webauthn_rp		 rp;
	struct webauthn_credential	*stored;
	struct webauthn_error		 e;
	struct webauthn_row		 row;
	unsigned char			 ch[WEBAUTHN_CHALLENGE_LEN], cid[WEBAUTHN_CRED_ID_MAX];
	unsigned char			 uh[WEBAUTHN_USER_HANDLE_MAX];
	const char			*id, *cd, *ad, *sig, *uhs;
	const cJSON			*resp;
	size_t				 chl, cidl, uhl = 0;
	long long			 owner;
	uint32_t			 count;
	int				 none, uv;
	cJSON				*d;
	enum gh_err			 err;

	if (!cJSON_IsObject(assertion))
		return req_fail(req, GH_ERR_VALIDATION, "assertion",
		    "assertion is the PublicKeyCredential object of navigator.credentials.get()");
	resp = cJSON_GetObjectItemCaseSensitive(assertion, "response");
	if ((err = member(req, assertion, "id", "credential id", 1, &id)) != GH_OK)
		return err;
	if (!cJSON_IsObject(resp))
		return req_fail(req, GH_ERR_VALIDATION, "response",
		    "response is an object of clientDataJSON, authenticatorData, signature and "
		    "userHandle");
	if ((err = member(req, resp, "clientDataJSON", "clientDataJSON", 1, &cd)) != GH_OK ||
	    (err = member(req, resp, "authenticatorData", "authenticatorData", 1, &ad)) != GH_OK ||
	    (err = member(req, resp, "signature", "signature", 1, &sig)) != GH_OK ||
	    (err = member(req, resp, "userHandle", "userHandle", expect_user == 0, &uhs)) != GH_OK)
		return err;
	if (webauthn_b64url_decode(id, cid, sizeof(cid), &cidl) != 0)
		return req_fail(req, GH_ERR_VALIDATION, "credential id",
		    "the credential id is not base64url of 1 to 1023 bytes");
	if (uhs != NULL && (webauthn_b64url_decode(uhs, uh, sizeof(uh), &uhl) != 0))
		return req_fail(req, GH_ERR_VALIDATION, "userHandle",
		    "userHandle is not base64url of at most 64 bytes");
	/* The challenge goes whatever happens next: one answer per challenge. */
	if ((err = challenge_take(req, challenge_key, ch, &chl, &none)) != GH_OK)
		return err;
	if (none)
		return refuse(req, GH_ERR_INVALID_CREDENTIALS, "clientDataJSON",
		    "no_pending_ceremony", "no sign-in is pending: the challenge expired or was used");
	err = store_webauthn_get_by_cred(req->w->db, req->arena, cid, cidl, &row);
	if (err != GH_OK && err != GH_ERR_NOT_FOUND)
		return err;
	if (err == GH_ERR_NOT_FOUND || (expect_user > 0 && row.user_id != expect_user))
		return refuse(req, GH_ERR_INVALID_CREDENTIALS, "credential id",
		    "unknown_credential", "this passkey is not registered here");
	if (uhs != NULL) {
		err = store_webauthn_handle_user(req->w->db, req->arena, uh, uhl, &owner);
		if (err != GH_OK && err != GH_ERR_NOT_FOUND)
			return err;
		if (err == GH_ERR_NOT_FOUND || owner != row.user_id)
			return refuse(req, GH_ERR_INVALID_CREDENTIALS, "userHandle",
			    "user_handle_mismatch", "the passkey's user handle is not its owner's");
	}
	if (row.credential_id_len > WEBAUTHN_CRED_ID_MAX ||
	    row.public_key_len > WEBAUTHN_PUBKEY_MAX)
		return GH_ERR_INTERNAL;
	stored = arena_calloc(req->arena, sizeof(*stored));
	memcpy(stored->id, row.credential_id, row.credential_id_len);
	stored->id_len = row.credential_id_len;
	memcpy(stored->public_key, row.public_key, row.public_key_len);
	stored->public_key_len = row.public_key_len;
	stored->alg = (int)row.alg;
	stored->sign_count = (uint32_t)row.sign_count;
	rp_of(req, &rp);
	if (webauthn_assert(&rp, ch, chl, cd, ad, sig, stored, require_uv(req), &count, &uv, &e)
	    != 0) {
		if (e.kind == WEBAUTHN_CLONED) {
			d = api_object(req);
			cJSON_AddNumberToObject(d, "stored_count", (double)row.sign_count);
			(void)audit_by(req, row.user_id, req->auth.org_id,
			    "mfa.webauthn.clone_suspected", "webauthn_credential", row.id,
			    "counter_regression", d);
		}
		return wa_fail(req, &e, GH_ERR_INVALID_CREDENTIALS);
	}
	err = store_webauthn_use(req->w->db, req->arena, row.id, row.sign_count, count);
	if (err == GH_ERR_CONFLICT)
		return refuse(req, GH_ERR_INVALID_CREDENTIALS, "authenticatorData",
		    "counter_regression", "the passkey was used at the same time elsewhere");
	if (err != GH_OK)
		return err;
	*user_out = row.user_id;
	*uv_out = uv;
	return GH_OK;
}

/*
 * Test only (debug_endpoints = on): the two calls of the MFA login step, so that the API tests
 * drive api_webauthn_assertion_options and api_webauthn_verify_assertion through the real
 * stack before the login flow uses them.  Body {"user": id or 0, "key": a name} for options;
 * {"user", "key", "assertion"} to verify.  The challenge lives under wa:debug:<key>.
 */
static enum gh_err
debug_args(struct request *req, long long *user, const char **key)
{
	enum gh_err	 err;

	if ((err = body_int(req, "user", BODY_REQUIRED, 0, (long long)1 << 53, user, NULL))
	    != GH_OK || (err = body_str(req, "key", BODY_REQUIRED, 1, 64, key)) != GH_OK)
		return err;
	*key = kv_key(req->arena, KV_WEBAUTHN, "debug:%s", *key);
	return GH_OK;
}

enum gh_err
api_debug_webauthn_options(struct request *req)
{
	static const char *const fields[] = { "user", "key", NULL };
	const char	*key;
	long long	 user;
	cJSON		*o;
	enum gh_err	 err;

	if ((err = body_only(req, fields)) != GH_OK || (err = debug_args(req, &user, &key)) != GH_OK ||
	    (err = api_webauthn_assertion_options(req, user, key, &o)) != GH_OK)
		return err;
	return resp_json(req, 200, o);
}

enum gh_err
api_debug_webauthn_assert(struct request *req)
{
	static const char *const fields[] = { "user", "key", "assertion", NULL };
	const char	*key;
	long long	 user, got;
	int		 uv;
	cJSON		*o;
	enum gh_err	 err;

	if ((err = body_only(req, fields)) != GH_OK || (err = debug_args(req, &user, &key)) != GH_OK)
		return err;
	if ((err = api_webauthn_verify_assertion(req, user, key,
	    cJSON_GetObjectItemCaseSensitive(req->json, "assertion"), &got, &uv)) != GH_OK)
		return err;
	o = api_object(req);
	cJSON_AddNumberToObject(o, "user", (double)got);
	cJSON_AddBoolToObject(o, "uv", uv);
	return resp_json(req, 200, o);
}
