/*
 * mfa.c: second factors (docs/mfa.md): the caller's authenticator app and recovery codes under
 * /api/v1/me/mfa, an administrator's view and reset of a user's under /api/v1/users/{id}/mfa,
 * and what login asks of them (api/mfa.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>
#include <sodium.h>

#include "api/common.h"
#include "api/mfa.h"
#include "api/routes.h"
#include "api/webauthn.h"
#include "auth/authn.h"
#include "auth/lockout.h"
#include "auth/mfa.h"
#include "auth/password.h"
#include "auth/policy.h"
#include "auth/session.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "http/body.h"
#include "store/account.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/mfa.h"
#include "store/refresh.h"

/* Whether role names csv (comma separated) holds one of names. */
static int
holds_any(const char *csv, const char *const *names, size_t n)
{
	const char	*p;
	size_t		 i, len, k;

	for (i = 0; i < n; i++) {
		len = strlen(names[i]);
		for (p = csv; p != NULL && *p != '\0'; p += k + (p[k] == ',')) {
			k = strcspn(p, ",");
			if (k == len && memcmp(p, names[i], len) == 0)
				return 1;
		}
	}
	return 0;
}

/* Whether the MFA policy of u's organization requires u to have a second factor. */
static int
required(const struct policy_mfa *pm, const struct session_user *u)
{
	if (strcmp(pm->mode, "required") == 0)
		return 1;
	return strcmp(pm->mode, "required_for_roles") == 0 &&
	    holds_any(u->roles, (const char *const *)pm->roles, pm->nroles);
}

/* The methods a ticket allows, as the answer lists them. */
static cJSON *
methods_json(const struct mfa_ticket *t)
{
	cJSON	*a = cJSON_CreateArray();

	if (t->totp)
		cJSON_AddItemToArray(a, cJSON_CreateString("totp"));
	if (t->passkeys > 0)
		cJSON_AddItemToArray(a, cJSON_CreateString("webauthn"));
	if (t->recovery > 0)
		cJSON_AddItemToArray(a, cJSON_CreateString("recovery_code"));
	return a;
}

/* Answer a token that may only enroll a second factor: an access token, no refresh token. */
static enum gh_err
enroll_only(struct request *req, struct session_user *u)
{
	char		*access;
	long long	 ttl;
	enum gh_err	 err;
	cJSON		*o;

	u->scp = "mfa_enroll";
	if ((err = session_access_token(req, u, &access, &ttl)) != GH_OK)
		return err;
	o = session_response(req, u, access, ttl, NULL, 0);
	cJSON_AddBoolToObject(o, "mfa_enrollment_required", 1);
	(void)audit_auth(req, u->id, u->org, "auth.login.enroll_only", NULL);
	return resp_json(req, 200, o);
}

enum gh_err
mfa_login_step(struct request *req, struct session_user *u, struct mfa_step *step)
{
	struct policy_mfa	 pm;
	struct mfa_status	 st;
	struct mfa_ticket	 t;
	char			 ticket[MFA_TICKET_LEN + 1];
	long long		 left;
	enum gh_err		 err;
	cJSON			*o;

	memset(step, 0, sizeof(*step));
	u->amr = "pwd";
	if ((err = policy_mfa(req, u->org, &pm)) != GH_OK)
		return err;
	if (strcmp(pm.mode, "off") == 0)
		return GH_OK;
	if ((err = store_mfa_status(req->w->db, req->arena, u->id, &st)) != GH_OK)
		return err;
	if (st.totp || st.passkeys > 0) {
		memset(&t, 0, sizeof(t));
		t.user_id = u->id;
		t.org = u->org;
		t.totp = st.totp;
		t.passkeys = st.passkeys;
		t.recovery = st.recovery_left;
		if ((err = mfa_ticket_new(req, &t, ticket)) != GH_OK)
			return err;
		o = cJSON_CreateObject();
		arena_cleanup(req->arena, (void (*)(void *))cJSON_Delete, o);
		cJSON_AddBoolToObject(o, "mfa_required", 1);
		cJSON_AddStringToObject(o, "mfa_ticket", ticket);
		cJSON_AddItemToObject(o, "methods", methods_json(&t));
		cJSON_AddNumberToObject(o, "expires_in", (double)req->w->cfg->mfa_ticket_ttl);
		(void)audit_auth(req, u->id, u->org, "auth.login.mfa_required", NULL);
		resp_json(req, 200, o);
		step->answered = 1;
		return GH_OK;
	}
	if (!required(&pm, u))
		return GH_OK;
	if ((err = store_mfa_grace(req->w->db, req->arena, u->id, u->org, pm.grace_period_days,
	    &left)) != GH_OK)
		return err;
	if (left > 0) {
		step->extra = api_object(req);
		cJSON_AddBoolToObject(step->extra, "mfa_enrollment_required", 1);
		cJSON_AddNumberToObject(step->extra, "mfa_enrollment_due_in", (double)left);
		return GH_OK;
	}
	step->answered = 1;
	return enroll_only(req, u);
}

/* A wrong factor: 401 mfa_code_invalid naming code. */
static enum gh_err
wrong(struct request *req, const char *why)
{
	return req_fail(req, GH_ERR_MFA_CODE_INVALID, "code", "%s", why);
}

/* Check an authenticator code of user (its row locked), recording its step. */
static enum gh_err
totp_verify(struct request *req, long long user, const char *code)
{
	struct totp	 t;
	unsigned char	 secret[MFA_TOTP_SECRET_LEN], sealed[MFA_SEALED_LEN];
	long long	 step = 0;
	int		 r, stale = 0;
	enum gh_err	 err;

	err = store_totp_get(req->w->db, req->arena, user, 1, &t);
	if (err == GH_ERR_NOT_FOUND || (err == GH_OK && !t.confirmed))
		return req_fail(req, GH_ERR_VALIDATION, "method", "no authenticator app is enrolled");
	if (err != GH_OK ||
	    (err = mfa_open(req, (const unsigned char *)t.secret, t.secret_len, secret,
	    &stale)) != GH_OK)
		return err;
	r = mfa_totp_check(secret, code, (long long)time(NULL), t.last_step, &step);
	if (r == 1 && stale && mfa_seal(req, secret, sealed) == GH_OK)
		(void)store_totp_reseal(req->w->db, req->arena, user, sealed, sizeof(sealed));
	sodium_memzero(secret, sizeof(secret));
	if (r == -1)
		return wrong(req, "this code was already used; wait for the next one");
	if (r != 1)
		return wrong(req, "the code is wrong or too old");
	err = store_totp_use(req->w->db, req->arena, user, step);
	if (err == GH_ERR_NOT_FOUND)
		return wrong(req, "this code was already used; wait for the next one");
	return err;
}

/* Use a recovery code of user (digests under the current, then the previous key). */
static enum gh_err
recovery_verify(struct request *req, long long user, const char *code)
{
	unsigned char	 d[32];
	enum gh_err	 err = GH_ERR_NOT_FOUND;
	int		 k;

	for (k = 0; k < 2 && err == GH_ERR_NOT_FOUND; k++)
		if (mfa_recovery_digest(req, code, k, d) == 0)
			err = store_recovery_use(req->w->db, req->arena, user, d);
	if (err == GH_ERR_NOT_FOUND)
		return wrong(req, "the recovery code is wrong or was already used");
	return err;
}

enum gh_err
mfa_verify_factor(struct request *req, long long user, const char *ticket, const char **amr)
{
	const char	*method, *code;
	long long	 who;
	int		 uv;
	enum gh_err	 err;

	if ((err = body_str(req, "method", BODY_REQUIRED, 1, 32, &method)) != GH_OK)
		return err;
	if (strcmp(method, "webauthn") == 0) {
		*amr = "hwk";
		return api_webauthn_verify_assertion(req, user, mfa_ticket_challenge_key(req, ticket),
		    cJSON_GetObjectItemCaseSensitive(req->json, "assertion"), &who, &uv);
	}
	if ((err = body_str(req, "code", BODY_REQUIRED, 1, 64, &code)) != GH_OK)
		return err;
	*amr = "otp";
	if (strcmp(method, "totp") == 0)
		return totp_verify(req, user, code);
	if (strcmp(method, "recovery_code") == 0)
		return recovery_verify(req, user, code);
	return req_fail(req, GH_ERR_VALIDATION, "method",
	    "method is totp, recovery_code or webauthn");
}

/* ------------------------------------------------------------------------------------------ */
/* The caller's factors */

/* 503 not_ready unless an MFA key is configured. */
static enum gh_err
need_key(struct request *req)
{
	if (mfa_ready(req))
		return GH_OK;
	return req_fail(req, GH_ERR_NOT_READY, NULL,
	    "second factors are not configured on this server (mfa_key_file)");
}

static cJSON *
status_json(struct request *req, const struct mfa_status *st)
{
	cJSON	*o = api_object(req), *t;

	t = cJSON_AddObjectToObject(o, "totp");
	cJSON_AddBoolToObject(t, "enabled", st->totp);
	cJSON_AddBoolToObject(t, "pending", st->totp_pending);
	t = cJSON_AddObjectToObject(o, "recovery_codes");
	cJSON_AddNumberToObject(t, "remaining", (double)st->recovery_left);
	t = cJSON_AddObjectToObject(o, "passkeys");
	cJSON_AddNumberToObject(t, "count", (double)st->passkeys);
	return o;
}

enum gh_err
api_me_mfa(struct request *req)
{
	struct mfa_status	 st;
	struct policy_mfa	 pm;
	struct session_user	 u;
	enum gh_err		 err;
	cJSON			*o, *p;

	if ((err = store_mfa_status(req->w->db, req->arena, req->auth.user_id, &st)) != GH_OK ||
	    (err = policy_mfa(req, req->auth.org_id, &pm)) != GH_OK)
		return err;
	memset(&u, 0, sizeof(u));
	u.roles = req->auth.roles;
	o = status_json(req, &st);
	p = cJSON_AddObjectToObject(o, "policy");
	cJSON_AddStringToObject(p, "mode", pm.mode);
	cJSON_AddBoolToObject(p, "required", strcmp(pm.mode, "off") != 0 && required(&pm, &u));
	cJSON_AddNumberToObject(p, "grace_period_days", (double)pm.grace_period_days);
	session_add_amr(o, req->auth.amr);
	return resp_json(req, 200, o);
}

enum gh_err
api_me_totp_start(struct request *req)
{
	struct mfa_status	 st;
	struct account		 acct;
	unsigned char		 secret[MFA_TOTP_SECRET_LEN], sealed[MFA_SEALED_LEN];
	const char		*uri, *svg, *b32;
	enum gh_err		 err;
	cJSON			*o;

	if ((err = need_key(req)) != GH_OK ||
	    (err = store_mfa_status(req->w->db, req->arena, req->auth.user_id, &st)) != GH_OK ||
	    (err = store_account_get(req->w->db, req->arena, req->auth.user_id, &acct)) != GH_OK)
		return err;
	if (st.totp)
		return req_fail(req, GH_ERR_CONFLICT, NULL,
		    "an authenticator app is already enrolled: remove it first");
	mfa_totp_secret(secret);
	b32 = mfa_base32(req, secret);
	uri = mfa_totp_uri(req, acct.username, secret);
	svg = uri != NULL ? mfa_qr_svg(req, uri) : NULL;
	err = mfa_seal(req, secret, sealed);
	sodium_memzero(secret, sizeof(secret));
	if (err != GH_OK)
		return err;
	if (b32 == NULL || svg == NULL)
		return GH_ERR_INTERNAL;
	if ((err = store_totp_start(req->w->db, req->arena, req->auth.user_id, sealed,
	    sizeof(sealed))) != GH_OK)
		return err;
	(void)audit_change(req, "mfa.totp.start", "user", req->auth.user_id, req->auth.org_id, NULL);
	o = api_object(req);
	cJSON_AddStringToObject(o, "secret", b32);
	cJSON_AddStringToObject(o, "otpauth_uri", uri);
	cJSON_AddStringToObject(o, "qr_svg", svg);
	cJSON_AddStringToObject(o, "algorithm", "SHA1");
	cJSON_AddNumberToObject(o, "digits", MFA_TOTP_DIGITS);
	cJSON_AddNumberToObject(o, "period", MFA_TOTP_STEP);
	return resp_json(req, 201, o);
}

/* Make ten recovery codes for user in the open transaction, as an array of the codes. */
static enum gh_err
new_codes(struct request *req, long long user, cJSON **out)
{
	unsigned char	 d[MFA_RECOVERY_CODES][32];
	char		 code[MFA_RECOVERY_LEN + 1];
	size_t		 i;
	enum gh_err	 err;

	*out = cJSON_CreateArray();
	arena_cleanup(req->arena, (void (*)(void *))cJSON_Delete, *out);
	for (i = 0; i < MFA_RECOVERY_CODES; i++) {
		mfa_recovery_code(code);
		if (mfa_recovery_digest(req, code, 0, d[i]) != 0)
			return GH_ERR_NOT_READY;
		cJSON_AddItemToArray(*out, cJSON_CreateString(code));
	}
	sodium_memzero(code, sizeof(code));
	if ((err = store_recovery_replace(req->w->db, req->arena, user,
	    (const unsigned char (*)[32])d, MFA_RECOVERY_CODES)) != GH_OK)
		return err;
	return GH_OK;
}

enum gh_err
api_me_totp_confirm(struct request *req)
{
	static const char *const fields[] = { "code", NULL };
	struct mfa_status	 st;
	struct totp		 t;
	unsigned char		 secret[MFA_TOTP_SECRET_LEN];
	const char		*code;
	long long		 step = 0, user = req->auth.user_id;
	int			 r, stale;
	enum gh_err		 err;
	cJSON			*o, *codes = NULL;

	if ((err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "code", BODY_REQUIRED, 1, 16, &code)) != GH_OK ||
	    (err = need_key(req)) != GH_OK)
		return err;
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	err = store_totp_get(req->w->db, req->arena, user, 1, &t);
	if (err == GH_ERR_NOT_FOUND || (err == GH_OK && t.confirmed))
		return req_fail(req, GH_ERR_CONFLICT, NULL, "no enrollment is waiting for its first "
		    "code: start one with POST /api/v1/me/mfa/totp");
	if (err != GH_OK || (err = mfa_open(req, (const unsigned char *)t.secret, t.secret_len,
	    secret, &stale)) != GH_OK)
		return err;
	r = mfa_totp_check(secret, code, (long long)time(NULL), 0, &step);
	sodium_memzero(secret, sizeof(secret));
	if (r != 1)
		return req_fail(req, GH_ERR_VALIDATION, "code",
		    "the code does not match: type the 6 digits your app shows now");
	if ((err = store_totp_confirm(req->w->db, req->arena, user, step)) != GH_OK ||
	    (err = store_mfa_status(req->w->db, req->arena, user, &st)) != GH_OK)
		return err;
	if (st.recovery_left == 0 && (err = new_codes(req, user, &codes)) != GH_OK)
		return err;
	(void)audit_change(req, "mfa.totp.enroll", "user", user, req->auth.org_id, NULL);
	if ((err = api_commit(req)) != GH_OK)
		return err;
	o = api_object(req);
	cJSON_AddBoolToObject(o, "enabled", 1);
	if (codes != NULL)
		cJSON_AddItemReferenceToObject(o, "recovery_codes", codes);
	return resp_json(req, 200, o);
}

/* The caller's password in field "password": 401 invalid_credentials (counted) when wrong. */
static enum gh_err
reauth(struct request *req)
{
	struct account	 acct;
	const char	*pw;
	enum gh_err	 err;

	if ((err = body_str(req, "password", BODY_REQUIRED, 1, 1024, &pw)) != GH_OK ||
	    (err = lockout_ip_gate(req)) != GH_OK)
		return err;
	return api_reauth(req, "password", pw, "the password is wrong", &acct);
}

enum gh_err
api_me_totp_delete(struct request *req)
{
	static const char *const fields[] = { "password", "code", NULL };
	const char	*code;
	long long	 user = req->auth.user_id;
	enum gh_err	 err;

	if ((err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "code", BODY_REQUIRED, 1, 64, &code)) != GH_OK ||
	    (err = reauth(req)) != GH_OK)
		return err;
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((err = totp_verify(req, user, code)) != GH_OK) {
		db_rollback(req->w->db);
		if (err == GH_ERR_MFA_CODE_INVALID)
			lockout_failure(req, user, req->auth.org_id);
		return err;
	}
	/* Without the app, the recovery codes recover nothing: they go too. */
	if ((err = store_mfa_reset(req->w->db, req->arena, user)) != GH_OK)
		return err;
	(void)audit_change(req, "mfa.totp.remove", "user", user, req->auth.org_id, NULL);
	return api_commit_status(req, 204);
}

enum gh_err
api_me_recovery_codes(struct request *req)
{
	static const char *const fields[] = { "password", NULL };
	struct mfa_status	 st;
	long long		 user = req->auth.user_id;
	enum gh_err		 err;
	cJSON			*o, *codes;

	if ((err = body_only(req, fields)) != GH_OK || (err = need_key(req)) != GH_OK ||
	    (err = reauth(req)) != GH_OK)
		return err;
	if ((err = db_begin(req->w->db)) != GH_OK ||
	    (err = store_mfa_status(req->w->db, req->arena, user, &st)) != GH_OK)
		return err;
	if (!st.totp && st.passkeys == 0)
		return req_fail(req, GH_ERR_CONFLICT, NULL,
		    "enroll a second factor before making recovery codes");
	if ((err = new_codes(req, user, &codes)) != GH_OK)
		return err;
	(void)audit_change(req, "mfa.recovery_codes.replace", "user", user, req->auth.org_id, NULL);
	if ((err = api_commit(req)) != GH_OK)
		return err;
	o = api_object(req);
	cJSON_AddItemReferenceToObject(o, "recovery_codes", codes);
	return resp_json(req, 201, o);
}

/* ------------------------------------------------------------------------------------------ */
/* An administrator's view */

enum gh_err
api_user_mfa(struct request *req)
{
	struct mfa_status	 st;
	struct user		 u;
	enum gh_err		 err;

	if ((err = api_user_param(req, "users.read", &u)) != GH_OK ||
	    (err = store_mfa_status(req->w->db, req->arena, u.id, &st)) != GH_OK)
		return err;
	return resp_json(req, 200, status_json(req, &st));
}

enum gh_err
api_user_mfa_reset(struct request *req)
{
	struct user	 u;
	long long	 id;
	enum gh_err	 err;

	if ((err = api_id_begin(req, &id)) != GH_OK ||
	    (err = api_user_load(req, "users.update", id, 1, &u)) != GH_OK ||
	    (err = api_account_rule(req, "users.update", id, 0)) != GH_OK ||
	    (err = store_mfa_reset(req->w->db, req->arena, id)) != GH_OK ||
	    (err = session_pv_bump(req, id)) != GH_OK ||
	    (err = store_refresh_revoke_user(req->w->db, req->arena, id, "mfa_reset")) != GH_OK)
		return err;
	(void)audit_change(req, "mfa.reset", "user", id, req->auth.org_id, NULL);
	if ((err = api_commit(req)) != GH_OK)
		return err;
	if ((err = session_pv_publish(req, id)) != GH_OK)
		return req_fail(req, err, NULL, "the factors were reset but the token store is "
		    "unreachable; the user's tokens are refused until it returns");
	return resp_status(req, 204);
}
