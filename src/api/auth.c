/*
 * auth.c: login, refresh, logout, logout-all, forward auth and the JWKS.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>
#include <sodium.h>

#include "api/api.h"
#include "api/common.h"
#include "api/email.h"
#include "api/mfa.h"
#include "api/webauthn.h"
#include "api/routes.h"
#include "auth/authn.h"
#include "auth/lockout.h"
#include "auth/mfa.h"
#include "auth/password.h"
#include "auth/policy.h"
#include "auth/session.h"
#include "auth/sso.h"
#include "auth/token.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/valid.h"
#include "http/body.h"
#include "store/account.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/kv.h"
#include "store/refresh.h"
#include "store/user.h"

/*
 * The session policy of the organization signed in to may want a verified address: 403
 * email_unverified otherwise (after the password, like the account flags).
 */
static enum gh_err
check_email(struct request *req, const struct session_user *u, const struct account *acct)
{
	struct policy_session	 ps;
	enum gh_err		 err;

	if (acct->email_verified)
		return GH_OK;
	if ((err = policy_session(req, u->org, &ps)) != GH_OK)
		return err;
	if (!ps.require_verified_email_to_sign_in)
		return GH_OK;
	(void)audit_auth(req, u->id, u->org, "auth.login.failure", "email_unverified");
	return req_fail(req, GH_ERR_EMAIL_UNVERIFIED, NULL, "this organization requires a verified "
	    "email address to sign in; %s", api_email_verification_offer(req, u->id,
	    acct->username, acct->email) ? "a link to verify it was just mailed to you" :
	    "follow the link mailed to you, or try again later");
}

/*
 * What every sign-in checks once its credential is proven, each refusal audited: the account's
 * flags (*unlock: a lock whose time ran out, to clear), the organization the token is for (org,
 * NULL for the primary one), a verified address where the policy asks for one; then the roles
 * held there are read into u.
 */
static enum gh_err
login_admit(struct request *req, struct session_user *u, const struct account *acct,
    const char *org, int *unlock)
{
	const char	*reason = NULL;
	enum gh_err	 err;

	u->pv = acct->permission_version;
	if ((err = session_account_flags(req, acct, unlock, &reason)) != GH_OK) {
		(void)audit_auth(req, u->id, 0, "auth.login.failure", reason);
		return err;
	}
	if ((err = session_pick_org(req, u, org)) != GH_OK) {
		if (session_org_refusal(err) != NULL)
			(void)audit_auth(req, u->id, u->org, "auth.login.failure",
			    session_org_refusal(err));
		return err;
	}
	if ((err = check_email(req, u, acct)) != GH_OK)
		return err;
	return session_load_roles(req, u);
}

/* Add the user's profile to o. */
static enum gh_err
add_user(struct request *req, cJSON *o, long long id)
{
	cJSON		*u;
	enum gh_err	 err;

	if ((err = api_user_object(req, id, &u)) != GH_OK)
		return err;
	cJSON_AddItemReferenceToObject(o, "user", u);
	return GH_OK;
}

/*
 * Start a session for u in the transaction the caller opened: the login's bookkeeping, a
 * refresh token, the audit event, the commit; then the access token and the answer, 200 with
 * the user's profile and extra's members (may be NULL).  The caller rolls back on an error.
 */
static enum gh_err
session_start(struct request *req, struct session_user *u, cJSON *extra)
{
	char		*access, *refresh;
	long long	 attl, rttl, rid;
	redisReply	*rep;
	enum gh_err	 err;
	cJSON		*o, *d, *it;

	if ((err = store_account_login_ok(req->w->db, req->arena, u->id)) != GH_OK ||
	    (err = session_refresh_token(req, u, 0, &refresh, &rid, &rttl)) != GH_OK)
		return err;
	d = api_object(req);
	cJSON_AddStringToObject(d, "amr", u->amr != NULL ? u->amr : "pwd");
	(void)audit_by(req, u->id, u->org, "auth.login.success", "user", u->id, NULL, d);
	if ((err = api_commit(req)) != GH_OK)
		return err;
	/* A success clears the account's failure count (best effort). */
	(void)kv_run(req->w->kv, req->arena, &rep, 2, "DEL", kv_key(req->arena, KV_FAIL_ACCT, "%lld",
	    u->id));
	if ((err = session_access_token(req, u, &access, &attl)) != GH_OK)
		return err;
	/* The browser's session for the OpenID Connect authorization endpoint (best effort). */
	if (u->scp == NULL && sso_start(req, u->id, u->org, session_sid(req, u->family), u->amr) !=
	    GH_OK)
		log_warn("auth: cannot record the browser session of user %lld", u->id);
	metrics_add(req->w->metrics, logins_ok, 1);
	req->auth.user_id = u->id;
	o = session_response(req, u, access, attl, refresh, rttl);
	if (extra != NULL)
		cJSON_ArrayForEach(it, extra)
			cJSON_AddItemReferenceToObject(o, it->string, it);
	if ((err = add_user(req, o, u->id)) != GH_OK)
		return err;
	return resp_json(req, 200, o);
}


enum gh_err
api_login(struct request *req)
{
	static const char *const fields[] = { "login", "password", "organization", NULL };
	const struct gh_config	*cfg = req->w->cfg;
	struct session_user	 u;
	struct account		 acct;
	struct mfa_step		 step;
	const char		*login, *pw, *org;
	char			 hash[crypto_pwhash_STRBYTES];
	char			 canon[VALID_IDENT_SIZE];
	enum gh_err		 err;
	int			 ok, unlock, rehash, email, legacy, found;

	hash[0] = '\0';
	if ((err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "login", BODY_REQUIRED, 1, 254, &login)) != GH_OK ||
	    (err = body_str(req, "password", BODY_REQUIRED, 1, 1024, &pw)) != GH_OK ||
	    (err = body_str_or_int(req, "organization", BODY_OPTIONAL, 64, &org)) != GH_OK)
		return err;
	if ((err = lockout_ip_gate(req)) != GH_OK)
		return err;

	/*
	 * The login in the one form of identifiers (valid_ident), letter case aside.  A form that
	 * needs more (fullwidth letters, white space at an end, a non-printing character) names
	 * no account: the same lookup runs for "", which no row holds.
	 */
	memset(&u, 0, sizeof(u));
	email = strchr(login, '@') != NULL;
	if (valid_ident(email ? VALID_EMAIL : VALID_USERNAME, login, canon, sizeof(canon)) !=
	    IDENT_OK)
		canon[0] = '\0';
	err = store_account_by_login(req->w->db, req->arena, canon, email, &acct);
	if (err != GH_OK && err != GH_ERR_NOT_FOUND)
		return err;
	found = err == GH_OK;
	/* An unknown user costs one verification too (against the dummy hash). */
	ok = password_check(found ? acct.password_hash : NULL, pw, strlen(pw), &legacy);
	if (ok != 1) {
		u.id = found ? acct.id : 0;
		lockout_failure(req, u.id, 0);
		(void)audit_auth(req, u.id, 0, "auth.login.failure",
		    u.id ? "bad_password" : "unknown_user");
		return req_fail(req, GH_ERR_INVALID_CREDENTIALS, NULL, "invalid login or password");
	}
	u.id = acct.id;
	if ((err = login_admit(req, &u, &acct, org, &unlock)) != GH_OK)
		return err;
	/*
	 * A rehash (its own Argon2id, maybe waiting for a slot) before any row is locked: other
	 * parameters, or a hash of the password as typed rather than in its normal form.
	 */
	rehash = (legacy || password_needs_rehash(acct.password_hash,
	    (unsigned long long)cfg->pwhash_opslimit, (size_t)cfg->pwhash_memlimit_kib * 1024) == 1) &&
	    password_hash(pw, strlen(pw), (unsigned long long)cfg->pwhash_opslimit,
	    (size_t)cfg->pwhash_memlimit_kib * 1024, hash) == 0;

	if ((err = db_begin(req->w->db)) != GH_OK)
		goto fail;
	if (unlock &&
	    (err = store_account_unlock_expired(req->w->db, req->arena, u.id)) != GH_OK)
		goto fail;
	if (rehash) {
		if ((err = store_account_rehash(req->w->db, req->arena, u.id, hash)) != GH_OK)
			goto fail;
		log_info("auth: rehashed the password of user %lld (%s)", u.id, legacy ?
		    "its normal form" : "the configured parameters");
	}
	/* The second step: a factor to ask for, a token that may only enroll, or none. */
	if ((err = mfa_login_step(req, &u, &step)) != GH_OK)
		goto fail;
	if (step.answered) {
		if ((err = db_commit(req->w->db)) != GH_OK)
			goto fail;
		sodium_memzero(hash, sizeof(hash));
		return GH_OK;
	}
	if ((err = session_start(req, &u, step.extra)) != GH_OK)
		goto fail;
	sodium_memzero(hash, sizeof(hash));
	return GH_OK;
fail:
	db_rollback(req->w->db);
	sodium_memzero(hash, sizeof(hash));
	return err;
}

/* What session_account_flags lets through (a lock whose end has passed included). */
static int
peek_account_ok(const struct refresh_peek *pk)
{
	return pk->user_found && pk->is_enabled && pk->is_account_non_expired &&
	    (pk->is_account_non_locked || (pk->has_lock_end && pk->lock_left <= 0)) &&
	    pk->is_credentials_non_expired;
}

/*
 * The rotation when nothing is wrong (docs/tokens.md, "Refresh tokens"): one read of the token
 * with its user, membership and organization, without a lock and outside a transaction
 * (store_refresh_peek); the role names kept with the token while the user's
 * permission_version is the one they were read under (else read again); then one call that
 * inserts the successor, claims the token only if it is still live and unrotated (an UPDATE
 * ... WHERE by its hash, whose affected rows say whether this request won), links the two and
 * commits (store_refresh_rotate_live).  Two round trips where the locked path takes ten, one
 * commit as before.  Anything else (an unknown, revoked, rotated or expired token, a deleted
 * user, an account flag, the organization or membership refused, or another request that
 * rotated it first) leaves *done 0 with nothing changed, and api_refresh decides under the row
 * lock exactly as before: reuse detection is that path's.  A lost claim rolls its successor
 * back, and both paths run in READ COMMITTED: under REPEATABLE READ the claim and the locked
 * path's SELECT ... FOR UPDATE take next-key locks on the hash index, and a successor whose
 * random hash fell just before the locked one deadlocked with a waiting rotation
 * (tests/api/refresh-race.test.mjs showed both).
 */
static enum gh_err
refresh_fast(struct request *req, const unsigned char hash[32], int *done)
{
	struct refresh_peek	 pk;
	struct session_refresh	 nr;
	struct session_user	 u;
	struct user		 prof;
	char			*access, *refresh;
	long long		 attl, rttl;
	enum gh_err		 err;
	int			 claimed;
	cJSON			*o;

	*done = 0;
	if (store_refresh_peek(req->w->db, req->arena, hash, &pk) != GH_OK)
		return GH_OK;
	if (pk.revoked || pk.rotated || !pk.live || pk.oidc_client != 0 || !peek_account_ok(&pk) ||
	    (pk.organization_id > 0 && (!pk.org_found || pk.org_status == NULL ||
	    strcmp(pk.org_status, "active") != 0 || pk.member_status == NULL ||
	    strcmp(pk.member_status, "active") != 0)))
		return GH_OK;
	memset(&u, 0, sizeof(u));
	SESSION_OF_TOKEN(&u, &pk);
	u.pv = pk.permission_version;
	if (u.org > 0) {
		u.org_slug = pk.org_slug;
		u.org_name = pk.org_name;
		u.mv = pk.member_sv;
	}
	/* The names kept with the token while the user's permission_version stands, else read. */
	if (pk.roles_kept)
		session_set_roles(req, &u, pk.roles);
	else if ((err = session_load_roles(req, &u)) != GH_OK)
		return err;
	if ((err = session_refresh_new(req, &u, pk.id, &nr)) != GH_OK)
		return err;
	/* Claim, insert, link and commit in one call; a lost claim changed nothing. */
	if ((err = store_refresh_rotate_live(req->w->db, req->arena, pk.id, hash, nr.hash,
	    u.family, &nr.row, &claimed)) != GH_OK || !claimed)
		return err;
	*done = 1;
	refresh = nr.token;
	rttl = nr.ttl;
	if ((err = session_access_token(req, &u, &access, &attl)) != GH_OK)
		return err;
	req->auth.user_id = u.id;
	o = session_response(req, &u, access, attl, refresh, rttl);
	memset(&prof, 0, sizeof(prof));
	prof.id = pk.user_id;
	prof.username = pk.username;
	prof.email = pk.email;
	prof.first_name = pk.first_name;
	prof.last_name = pk.last_name;
	prof.full_name = pk.full_name;
	prof.phone_number = pk.phone_number;
	prof.profile_image_ref = pk.profile_image_ref;
	prof.last_login = pk.last_login;
	prof.email_verified_at = pk.email_verified_at;
	cJSON_AddItemReferenceToObject(o, "user", api_user_json(req, &prof));
	return resp_json(req, 200, o);
}

/*
 * The end of a login's last step (a second factor, a passkey), in its open transaction: lift a
 * lapsed lock when unlock, start the session with methods amr.  Rolls back on an error.
 */
static enum gh_err
login_finish(struct request *req, struct session_user *u, int unlock, const char *amr)
{
	enum gh_err	 err;

	u->amr = amr;
	if ((unlock && (err = store_account_unlock_expired(req->w->db, req->arena, u->id)) !=
	    GH_OK) || (err = session_start(req, u, NULL)) != GH_OK) {
		db_rollback(req->w->db);
		return err;
	}
	return GH_OK;
}

/* The ticket of a sign-in waiting for its second factor; 400 naming mfa_ticket when it is gone. */
static enum gh_err
ticket_get(struct request *req, const char *text, struct mfa_ticket *t)
{
	enum gh_err	 err;

	if ((err = mfa_ticket_get(req, text, t)) == GH_ERR_MFA_TICKET_INVALID)
		return req_fail(req, err, "mfa_ticket",
		    "the ticket is unknown, used or expired: sign in again");
	return err;
}

enum gh_err
api_mfa_verify(struct request *req)
{
	static const char *const fields[] = { "mfa_ticket", "method", "code", "assertion", NULL };
	struct session_user	 u;
	struct mfa_ticket	 t;
	struct account		 acct;
	const char		*text, *reason = NULL, *amr = NULL;
	char			 org[24];
	enum gh_err		 err;
	int			 unlock;

	if ((err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "mfa_ticket", BODY_REQUIRED, 1, 64, &text)) != GH_OK ||
	    (err = lockout_ip_gate(req)) != GH_OK ||
	    (err = ticket_get(req, text, &t)) != GH_OK)
		return err;
	memset(&u, 0, sizeof(u));
	u.id = t.user_id;
	if ((err = store_account_get(req->w->db, req->arena, u.id, &acct)) != GH_OK)
		return err == GH_ERR_NOT_FOUND ? req_fail(req, GH_ERR_MFA_TICKET_INVALID,
		    "mfa_ticket", "the account is gone") : err;
	u.pv = acct.permission_version;
	if ((err = session_account_flags(req, &acct, &unlock, &reason)) != GH_OK) {
		(void)audit_auth(req, u.id, t.org, "auth.login.failure", reason);
		return err;
	}
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((err = mfa_verify_factor(req, u.id, text, &amr)) != GH_OK) {
		db_rollback(req->w->db);
		if (err == GH_ERR_MFA_CODE_INVALID || err == GH_ERR_INVALID_CREDENTIALS) {
			(void)mfa_ticket_fail(req, text);
			lockout_failure(req, u.id, t.org);
			(void)audit_auth(req, u.id, t.org, "auth.mfa.failure", "wrong_factor");
		}
		return err;
	}
	if ((err = mfa_ticket_take(req, text)) != GH_OK) {
		if (err == GH_ERR_MFA_TICKET_INVALID)
			req_fail(req, err, "mfa_ticket", "the ticket was already used: sign in again");
		return err;
	}
	snprintf(org, sizeof(org), "%lld", t.org);
	if ((err = session_pick_org(req, &u, t.org > 0 ? org : NULL)) != GH_OK ||
	    (err = session_load_roles(req, &u)) != GH_OK)
		return err;
	return login_finish(req, &u, unlock, arena_printf(req->arena, "pwd,%s,mfa", amr));
}

enum gh_err
api_mfa_webauthn_options(struct request *req)
{
	static const char *const fields[] = { "mfa_ticket", NULL };
	struct mfa_ticket	 t;
	const char		*text;
	enum gh_err		 err;
	cJSON			*o;

	if ((err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "mfa_ticket", BODY_REQUIRED, 1, 64, &text)) != GH_OK ||
	    (err = ticket_get(req, text, &t)) != GH_OK)
		return err;
	if (t.passkeys == 0)
		return req_fail(req, GH_ERR_VALIDATION, "mfa_ticket", "this account has no passkey");
	if ((err = api_webauthn_assertion_options(req, t.user_id, mfa_ticket_challenge_key(req,
	    text), &o)) != GH_OK)
		return err;
	return resp_json(req, 200, o);
}

/* The Redis key of a passwordless sign-in's challenge: its id as the client holds it. */
static const char *
passkey_key(struct request *req, const char *id)
{
	return kv_key(req->arena, KV_WEBAUTHN, "pl:%s", id);
}

enum gh_err
api_passkey_options(struct request *req)
{
	unsigned char	 raw[16];
	char		 id[32];
	enum gh_err	 err;
	cJSON		*o, *pk;

	if ((err = lockout_ip_gate(req)) != GH_OK)
		return err;
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(id, sizeof(id), raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	if ((err = api_webauthn_assertion_options(req, 0, passkey_key(req, id), &pk)) != GH_OK)
		return err;
	o = api_object(req);
	cJSON_AddStringToObject(o, "challenge_id", id);
	cJSON_AddItemReferenceToObject(o, "publicKey", pk);
	return resp_json(req, 200, o);
}

enum gh_err
api_passkey_login(struct request *req)
{
	static const char *const fields[] = { "challenge_id", "assertion", "organization", NULL };
	struct session_user	 u;
	struct account		 acct;
	const char		*id, *org;
	enum gh_err		 err;
	int			 uv = 0, unlock;

	if ((err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "challenge_id", BODY_REQUIRED, 1, 32, &id)) != GH_OK ||
	    (err = body_str_or_int(req, "organization", BODY_OPTIONAL, 64, &org)) != GH_OK ||
	    (err = lockout_ip_gate(req)) != GH_OK)
		return err;
	if (!valid_base64url(id))
		return req_fail(req, GH_ERR_VALIDATION, "challenge_id", "challenge_id is not one we issued");
	memset(&u, 0, sizeof(u));
	if ((err = api_webauthn_verify_assertion(req, 0, passkey_key(req, id),
	    cJSON_GetObjectItemCaseSensitive(req->json, "assertion"), &u.id, &uv)) != GH_OK) {
		if (err == GH_ERR_INVALID_CREDENTIALS) {
			lockout_failure(req, 0, 0);
			(void)audit_auth(req, 0, 0, "auth.login.failure", "passkey_refused");
		}
		return err;
	}
	/* A passkey alone signs in only with the user verified (a PIN or biometrics): two factors. */
	if (!uv)
		return req_fail(req, GH_ERR_INVALID_CREDENTIALS, "assertion", "a passkey sign-in "
		    "needs user verification (a PIN or biometrics on the authenticator)");
	if ((err = store_account_get(req->w->db, req->arena, u.id, &acct)) != GH_OK)
		return err == GH_ERR_NOT_FOUND ? req_fail(req, GH_ERR_INVALID_CREDENTIALS, NULL,
		    "the passkey's account is gone") : err;
	if ((err = login_admit(req, &u, &acct, org, &unlock)) != GH_OK)
		return err;
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	return login_finish(req, &u, unlock, "hwk,mfa");
}

enum gh_err
api_refresh(struct request *req)
{
	static const char *const fields[] = { "refresh_token", NULL };
	struct session_user	 u;
	struct refresh		 rt;
	struct account		 acct;
	unsigned char		 hash[32];
	const char		*tok, *reason = NULL;
	char			*access, *refresh;
	long long		 id, nid, attl, rttl;
	enum gh_err		 err;
	int			 unlock, found, done;
	cJSON			*o;

	if ((err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "refresh_token", BODY_REQUIRED, 1, 4096, &tok)) != GH_OK)
		return err;
	session_token_hash(tok, hash);
	if ((err = refresh_fast(req, hash, &done)) != GH_OK || done)
		return err;
	memset(&u, 0, sizeof(u));
	/* READ COMMITTED as the fast path's claim: no gap locks for a successor's INSERT to meet. */
	if ((err = db_begin_read_committed(req->w->db)) != GH_OK)
		return err;
	err = store_refresh_get(req->w->db, req->arena, hash, &rt);
	if (err != GH_OK && err != GH_ERR_NOT_FOUND)
		return err;
	/* A token of an OpenID Connect client is that client's, for /oauth2/token only. */
	if (err == GH_ERR_NOT_FOUND || rt.revoked || rt.oidc_client != 0) {
		db_rollback(req->w->db);
		return req_fail(req, GH_ERR_REFRESH_INVALID, "refresh_token",
		    "the refresh token is unknown or revoked");
	}
	id = rt.id;
	SESSION_OF_TOKEN(&u, &rt);
	if (rt.rotated) {
		/* A retired token came back: someone holds a copy.  End the whole session. */
		if ((err = store_refresh_revoke_family(req->w->db, req->arena, u.family,
		    "reuse")) != GH_OK)
			return err;
		(void)audit_auth(req, u.id, u.org, "auth.refresh.reuse", "reuse_detected");
		if ((err = api_commit(req)) != GH_OK)
			return err;
		log_warn("auth: refresh token reuse for user %lld; session revoked", u.id);
		return req_fail(req, GH_ERR_REFRESH_REUSED, "refresh_token",
		    "this refresh token was already used; the session has been revoked");
	}
	if (!rt.live) {
		db_rollback(req->w->db);
		return req_fail(req, GH_ERR_REFRESH_INVALID, "refresh_token", "the session has expired");
	}
	err = store_account_get(req->w->db, req->arena, u.id, &acct);
	if (err != GH_OK && err != GH_ERR_NOT_FOUND)
		return err;
	found = err == GH_OK;
	if (!found || (err = session_account_flags(req, &acct, &unlock, &reason)) != GH_OK) {
		/*
		 * A lock with an end comes from failed logins anyone can cause: refuse for now but
		 * keep the session, or a stranger could end a victim's sessions by failing logins.
		 */
		if (found && err == GH_ERR_ACCOUNT_LOCKED && acct.has_lock_end) {
			db_rollback(req->w->db);
			return err;
		}
		(void)store_refresh_revoke_family(req->w->db, req->arena, u.family,
		    !found ? "user_deleted" : reason);
		(void)db_commit(req->w->db);
		if (!found)
			return req_fail(req, GH_ERR_REFRESH_INVALID, "refresh_token",
			    "the user no longer exists");
		return req->err;
	}
	u.pv = acct.permission_version;
	if (u.org > 0) {
		char *want = arena_printf(req->arena, "%lld", u.org);
		if ((err = session_pick_org(req, &u, want)) != GH_OK) {
			db_rollback(req->w->db);
			return err;
		}
	}
	if ((err = session_load_roles(req, &u)) != GH_OK ||
	    (err = session_refresh_token(req, &u, id, &refresh, &nid, &rttl)) != GH_OK)
		return err;
	if ((err = store_refresh_rotate(req->w->db, req->arena, id, nid)) != GH_OK ||
	    (err = api_commit(req)) != GH_OK)
		return err;
	if ((err = session_access_token(req, &u, &access, &attl)) != GH_OK)
		return err;
	req->auth.user_id = u.id;
	o = session_response(req, &u, access, attl, refresh, rttl);
	if ((err = add_user(req, o, u.id)) != GH_OK)
		return err;
	return resp_json(req, 200, o);
}

enum gh_err
api_logout(struct request *req)
{
	unsigned char	 family[SESSION_FAMILY_LEN];
	enum gh_err	 err;

	if ((err = session_block(req, req->auth.jti, req->auth.exp)) != GH_OK ||
	    (err = session_block_sid(req, req->auth.sid)) != GH_OK)
		return req_fail(req, err, NULL, "cannot revoke the token; try again");
	if (req->auth.sid != NULL && session_sid_decode(req->auth.sid, family) == 0) {
		if ((err = store_refresh_revoke_family(req->w->db, req->arena, family,
		    "logout")) != GH_OK)
			return err;
	}
	(void)audit_auth(req, req->auth.user_id, req->auth.org_id, "auth.logout", NULL);
	return resp_status(req, 204);
}

enum gh_err
api_logout_all(struct request *req)
{
	enum gh_err	 err;

	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((err = session_pv_bump(req, req->auth.user_id)) != GH_OK ||
	    (err = store_refresh_revoke_user(req->w->db, req->arena, req->auth.user_id,
	    "logout_all")) != GH_OK) {
		db_rollback(req->w->db);
		return err;
	}
	(void)audit_auth(req, req->auth.user_id, req->auth.org_id, "auth.logout_all", NULL);
	if ((err = db_commit(req->w->db)) != GH_OK) {
		db_rollback(req->w->db);
		return err;
	}
	if ((err = session_pv_publish(req, req->auth.user_id)) != GH_OK ||
	    (err = session_block(req, req->auth.jti, req->auth.exp)) != GH_OK)
		return req_fail(req, err, NULL, "the sessions were ended in the database but the "
		    "token store is unreachable; tokens are refused until it returns");
	return resp_status(req, 204);
}

enum gh_err
api_auth_check(struct request *req)
{
	struct request	 orig;
	const char	*method, *uri;
	enum gh_err	 err;
	int		 allowed;

	if (req->authorizer) {
		method = req->orig_method;
		uri = req->orig_uri;
	} else {
		method = req_header(req, "X-Original-Method");
		uri = req_header(req, "X-Original-URI");
	}

	if ((err = authn_token(req)) != GH_OK)
		return err;
	if (method == NULL || uri == NULL)
		return req_fail(req, GH_ERR_FORBIDDEN, NULL,
		    "X-Original-Method and X-Original-URI are required (deny by default)");
	req_init(&orig, req->arena, NULL);
	orig.uri = uri;
	if (req_parse_uri(&orig) != GH_OK)
		return req_fail(req, GH_ERR_FORBIDDEN, NULL, "the original URI is not acceptable");
	if ((allowed = authn_allows_path(req, method, orig.path)) == 0)
		return req_fail(req, GH_ERR_FORBIDDEN, NULL, "your roles do not grant %s %s",
		    method, orig.path);
	if (allowed < 0)
		return authn_step_up(req);
	/*
	 * A FastCGI authorizer says yes with 200, and the web server turns Variable-NAME headers
	 * into its variables NAME (the FastCGI specification, section 6.3).
	 */
	resp_header(req, req->authorizer ? "Variable-X-Auth-User-Id" : "X-Auth-User-Id",
	    arena_printf(req->arena, "%lld", req->auth.user_id));
	resp_header(req, req->authorizer ? "Variable-X-Auth-Org-Id" : "X-Auth-Org-Id",
	    arena_printf(req->arena, "%lld", req->auth.org_id));
	resp_header(req, req->authorizer ? "Variable-X-Auth-Roles" : "X-Auth-Roles",
	    req->auth.roles ? req->auth.roles : "");
	return resp_status(req, req->authorizer ? 200 : 204);
}

enum gh_err
api_jwks(struct request *req)
{
	char	*s;

	if ((s = token_jwks_json(req->w->keys)) == NULL)
		return GH_ERR_INTERNAL;
	req->status = 200;
	req->body_out = arena_strdup(req->arena, s);
	req->body_out_len = strlen(s);
	req->content_type = "application/jwk-set+json";
	req->cache_control = "public, max-age=300";
	free(s);
	return GH_OK;
}
