/*
 * email.c: the verified email (docs/api-users.md, "Verified email").  An account's address is
 * verified when a link mailed to it is followed; a change of the address by its owner takes
 * effect only then (the pending address lives in the link's row), and the old address is told.
 *
 * A link is a signup_info row (purpose 'email_verification', store/email_verification.h) with
 * the token scheme of the invitations (api/link_token.h).  Issuing a link retires the
 * account's earlier unused ones, so the latest mail is the one that works, and asking again for
 * the current address cancels a pending change.
 */
#include <string.h>

#include <cJSON.h>

#include "api/api.h"
#include "api/common.h"
#include "api/email.h"
#include "api/link_token.h"
#include "api/routes.h"
#include "auth/session.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "core/log.h"
#include "core/mail.h"
#include "core/valid.h"
#include "http/body.h"
#include "store/account.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/email_verification.h"
#include "store/kv.h"
#include "store/signup.h"
#include "store/user.h"

/* Verification mails (and change requests) an account may ask for per window, in Redis. */
#define EVERIFY_MAX		5
#define EVERIFY_WINDOW		"3600"	/* seconds */

static const enum gh_err link_errs[LINK__MAX] = {
	[LINK_OK] = GH_OK,
	[LINK_UNKNOWN] = GH_ERR_LINK_UNKNOWN,
	[LINK_EXPIRED] = GH_ERR_LINK_EXPIRED,
	[LINK_REVOKED] = GH_ERR_LINK_REVOKED,
	[LINK_USED] = GH_ERR_LINK_USED,
};

static const char *const link_why[LINK__MAX] = {
	[LINK_OK] = "",
	[LINK_UNKNOWN] = "this verification link is not valid; ask for a new one",
	[LINK_EXPIRED] = "this verification link has expired; ask for a new one",
	[LINK_REVOKED] = "this verification link was replaced by a newer one or cancelled; use "
	    "the latest mail",
	[LINK_USED] = "this verification link was already used",
};

/*
 * Count a mail asked for by account uid: *ttl 0 while under EVERIFY_MAX per EVERIFY_WINDOW,
 * else the seconds until the window ends.  Redis down: the error (fail closed).
 */
static enum gh_err
everify_count(struct request *req, long long uid, long long *ttl)
{
	struct kv_cmd	 cmds[3];
	redisReply	*r[3];
	const char	*k = kv_key(req->arena, KV_EVERIFY_USER, "%lld", uid);
	enum gh_err	 err;

	*ttl = 0;
	kv_cmd_set(&cmds[0], 2, "INCR", k);
	kv_cmd_set(&cmds[1], 4, "EXPIRE", k, EVERIFY_WINDOW, "NX");
	kv_cmd_set(&cmds[2], 2, "TTL", k);
	if ((err = kv_pipeline(req->w->kv, req->arena, cmds, 3, r)) != GH_OK)
		return err;
	if (r[0]->type == REDIS_REPLY_INTEGER && r[0]->integer > EVERIFY_MAX)
		*ttl = r[2]->type == REDIS_REPLY_INTEGER && r[2]->integer > 0 ? r[2]->integer : 1;
	return GH_OK;
}

/* everify_count as a problem: 429 rate_limited with Retry-After, 503 without Redis. */
static enum gh_err
everify_gate(struct request *req, long long uid)
{
	long long	 ttl;
	enum gh_err	 err;

	if ((err = everify_count(req, uid, &ttl)) != GH_OK)
		return req_fail(req, err, NULL, "the session store is unreachable; try again");
	if (ttl == 0)
		return GH_OK;
	resp_header(req, "Retry-After", arena_printf(req->arena, "%lld", ttl));
	return req_fail(req, GH_ERR_RATE_LIMITED, NULL, "too many verification mails for this "
	    "account; retry in %lld s", ttl);
}

enum gh_err
api_email_verification_send(struct request *req, long long uid, const char *username,
    const char *email)
{
	const struct gh_config	*cfg = req->w->cfg;
	unsigned char		 hash[32];
	const char		*tok;
	int			 own;
	enum gh_err		 err;

	tok = api_link_token_new(req, hash);
	if ((err = api_tx_join(req, &own)) != GH_OK)
		return err;
	if ((err = store_signup_retire(req->w->db, req->arena, SIGNUP_EMAIL_VERIFICATION, uid)) !=
	    GH_OK ||
	    (err = store_signup_insert(req->w->db, req->arena, SIGNUP_EMAIL_VERIFICATION, email, uid,
	    hash, cfg->email_verification_ttl)) != GH_OK)
		return api_tx_leave(req, own, err);
	{
		const char	*vars[] = {
			"link", api_link_url(req, "verify-email", tok),
			"username", username,
			"email", email,
			"expires_hours", arena_printf(req->arena, "%lld",
			    (cfg->email_verification_ttl + 3599) / 3600),
			NULL, NULL
		};

		return api_tx_leave(req, own, api_mail(req, email, "verify-email", vars));
	}
}

int
api_email_verification_offer(struct request *req, long long uid, const char *username,
    const char *email)
{
	long long	 ttl;

	if (everify_count(req, uid, &ttl) != GH_OK || ttl > 0 || db_in_tx(req->w->db))
		return 0;
	return api_email_verification_send(req, uid, username, email) == GH_OK;
}

/* 202 with {"status":"sent","email":email,"detail":...}. */
static enum gh_err
sent(struct request *req, const char *email, const char *detail)
{
	cJSON	*o = api_object(req);

	cJSON_AddStringToObject(o, "status", "sent");
	cJSON_AddStringToObject(o, "email", email);
	cJSON_AddStringToObject(o, "detail", detail);
	return resp_json(req, 202, o);
}

enum gh_err
api_me_email_change(struct request *req)
{
	static const char *const fields[] = { "email", "password", NULL };
	const long long		 uid = req->auth.user_id;
	struct account		 acct;
	const char		*email, *pw, *why;
	enum gh_err		 err;
	int			 taken;
	cJSON			*d;

	if ((err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "email", BODY_REQUIRED, 3, 254, &email)) != GH_OK ||
	    (err = body_str(req, "password", BODY_REQUIRED, 1, 1024, &pw)) != GH_OK)
		return err;
	if ((err = api_ident(req, "email", VALID_EMAIL, email, "email is not a valid address",
	    &email)) != GH_OK ||
	    (err = api_reauth(req, "password", pw, "the password is wrong", &acct)) != GH_OK)
		return err;
	if (strcmp(email, acct.email) == 0)
		return req_fail(req, GH_ERR_VALIDATION, "email", "this is already your address%s",
		    acct.email_verified ? "" : "; ask for a verification mail instead");
	if ((err = store_user_email_taken(req->w->db, req->arena, email, &taken)) != GH_OK)
		return err;
	if (taken)
		return req_fail(req, GH_ERR_CONFLICT, "email", "another account uses this address");
	if ((err = everify_gate(req, uid)) != GH_OK)
		return err;

	if ((err = db_begin(req->w->db)) != GH_OK ||
	    (err = api_email_verification_send(req, uid, acct.username, email)) != GH_OK)
		return err;
	d = api_object(req);
	cJSON_AddStringToObject(d, "email", email);
	(void)audit_change(req, "user.email.change_request", "user", uid, req->auth.org_id, d);
	if ((err = api_commit(req)) != GH_OK)
		return err;
	/* The old address hears of it; a failure here is logged, the change stays pending. */
	{
		const char	*vars[] = {
			"username", acct.username,
			"new_email", email,
			"reset_link", arena_printf(req->arena, "%s/#/forgot-password",
			    req->w->cfg->public_url ? req->w->cfg->public_url : ""),
			NULL, NULL
		};

		if (mail_send(req->w->cfg, req->arena, acct.email, "email-change-requested", vars,
		    &why) != GH_OK)
			log_warn("email: the change notice to the old address of user %lld was not "
			    "sent", uid);
	}
	return sent(req, email, "A link to confirm the new address is on its way; the address "
	    "changes when it is followed.");
}

enum gh_err
api_me_email_verification(struct request *req)
{
	const long long	 uid = req->auth.user_id;
	struct account	 acct;
	enum gh_err	 err;

	if ((err = api_found(req, store_account_get(req->w->db, req->arena, uid, &acct), "no such user")) != GH_OK)
		return err;
	if (acct.email_verified)
		return req_fail(req, GH_ERR_CONFLICT, "email", "your address is already verified");
	if ((err = everify_gate(req, uid)) != GH_OK ||
	    (err = api_email_verification_send(req, uid, acct.username, acct.email)) != GH_OK)
		return err;
	(void)audit_change(req, "user.email.verification_request", "user", uid, req->auth.org_id,
	    NULL);
	return sent(req, acct.email, "A link to verify your address is on its way.");
}

/*
 * In one transaction, under a lock of the link's row: the link must still be pending and its
 * account alive; the address it proves becomes the account's, verified (409 when another
 * account took it meanwhile); the link is used and the account's other links retired.
 */
static enum gh_err
verify_apply(struct request *req, const unsigned char th[32], struct email_verification *ev,
    int *changed)
{
	struct db	*db = req->w->db;
	enum link_state	 st;
	enum gh_err	 err;
	cJSON		*d;
	int		 taken;

	if ((err = db_begin(db)) != GH_OK)
		return err;
	err = store_email_verification_get(db, req->arena, th, 1, ev);
	if (err != GH_OK && err != GH_ERR_NOT_FOUND)
		goto fail;
	st = err == GH_ERR_NOT_FOUND || ev->user_id == 0 || ev->current_email == NULL ?
	    LINK_UNKNOWN : api_link_state(ev->status);
	if (st != LINK_OK) {
		err = req_fail(req, link_errs[st], "token", "%s", link_why[st]);
		goto fail;
	}
	*changed = strcmp(ev->email, ev->current_email) != 0;
	if (*changed) {
		if ((err = store_user_email_taken(db, req->arena, ev->email, &taken)) != GH_OK)
			goto fail;
		if (taken) {
			err = req_fail(req, GH_ERR_CONFLICT, "email", "another account uses this "
			    "address now; change to another one");
			goto fail;
		}
	}
	err = store_email_verification_confirm(db, req->arena, ev->user_id, ev->email);
	if (err == GH_ERR_CONFLICT)
		err = req_fail(req, err, "email", "another account uses this address now");
	if (err != GH_OK ||
	    (err = store_signup_use(db, req->arena, ev->id)) != GH_OK ||
	    (err = store_signup_retire(db, req->arena, SIGNUP_EMAIL_VERIFICATION, ev->user_id)) !=
	    GH_OK)
		goto fail;
	d = api_object(req);
	cJSON_AddStringToObject(d, "email", ev->email);
	if (*changed)
		cJSON_AddStringToObject(d, "previous_email", ev->current_email);
	(void)audit_by(req, ev->user_id, 0, *changed ? "user.email.change" : "user.email.verify",
	    "user", ev->user_id, NULL, d);
	if ((err = db_commit(db)) != GH_OK)
		goto fail;
	return GH_OK;
fail:
	db_rollback(db);
	return err;
}

enum gh_err
api_email_verify(struct request *req)
{
	static const char *const fields[] = { "token", NULL };
	struct email_verification ev;
	unsigned char		 th[32];
	const char		*tok;
	enum gh_err		 err;
	int			 changed = 0;
	cJSON			*o;

	if ((err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "token", BODY_REQUIRED, 1, 128, &tok)) != GH_OK)
		return err;
	if (!api_link_token_shape(tok))
		return req_fail(req, GH_ERR_LINK_UNKNOWN, "token", "%s", link_why[LINK_UNKNOWN]);
	session_token_hash(tok, th);
	if ((err = verify_apply(req, th, &ev, &changed)) != GH_OK)
		return err;
	o = api_object(req);
	cJSON_AddStringToObject(o, "email", ev.email);
	cJSON_AddBoolToObject(o, "email_verified", 1);
	cJSON_AddBoolToObject(o, "changed", changed);
	return resp_json(req, 200, o);
}
