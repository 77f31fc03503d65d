/*
 * password_reset.c: the password reset (docs/api-invitations.md): a public request mails a link
 * (the same answer, taking the same time, whether the address has an account or not), and the
 * link's token sets a new password and ends every session of the account.
 *
 * A reset is a signup_info row (purpose 'password_reset', store/password_reset.h) with the
 * token scheme of the invitations (api/link_token.h); requesting again retires older links.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>
#include <sodium.h>

#include "api/api.h"
#include "api/common.h"
#include "api/link_token.h"
#include "api/routes.h"
#include "auth/password.h"
#include "auth/policy.h"
#include "auth/session.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "core/log.h"
#include "core/mail.h"
#include "core/valid.h"
#include "http/body.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/kv.h"
#include "store/password_reset.h"
#include "store/signup.h"

/* Password reset requests allowed per client address and per email address, in Redis. */
#define RESET_IP_MAX		20
#define RESET_IP_WINDOW		"900"	/* seconds */
#define RESET_EMAIL_MAX		5
#define RESET_EMAIL_WINDOW	"3600"

static const char *const reset_why[LINK__MAX] = {
	[LINK_OK] = "",
	[LINK_UNKNOWN] = "this reset link is not valid; ask for a new one",
	[LINK_EXPIRED] = "this reset link has expired; ask for a new one",
	[LINK_REVOKED] = "this reset link was replaced by a newer one; use the latest mail",
	[LINK_USED] = "this reset link was already used; ask for a new one",
};

/*
 * Count a reset request for the client address and for the email address (hashed: no
 * addresses in Redis keys); 429 past RESET_IP_MAX per RESET_IP_WINDOW or RESET_EMAIL_MAX per
 * RESET_EMAIL_WINDOW.  Redis down: 503 (fail closed).
 */
static enum gh_err
reset_gate(struct request *req, const char *email)
{
	struct kv_cmd	 cmds[6];
	redisReply	*r[6];
	unsigned char	 h[16];
	char		 hex[33], *low = arena_strdup(req->arena, email), *p;
	const char	*ipk, *ek, *what = NULL;
	long long	 ttl = 0;
	enum gh_err	 err;

	for (p = low; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	crypto_generichash(h, sizeof(h), (unsigned char *)low, strlen(low), NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	ipk = kv_key(req->arena, KV_PWRESET_IP, "%s", req->client_ip ? req->client_ip : "-");
	ek = kv_key(req->arena, KV_PWRESET_EMAIL, "%s", hex);
	kv_cmd_set(&cmds[0], 2, "INCR", ipk);
	kv_cmd_set(&cmds[1], 4, "EXPIRE", ipk, RESET_IP_WINDOW, "NX");
	kv_cmd_set(&cmds[2], 2, "TTL", ipk);
	kv_cmd_set(&cmds[3], 2, "INCR", ek);
	kv_cmd_set(&cmds[4], 4, "EXPIRE", ek, RESET_EMAIL_WINDOW, "NX");
	kv_cmd_set(&cmds[5], 2, "TTL", ek);
	if ((err = kv_pipeline(req->w->kv, req->arena, cmds, 6, r)) != GH_OK)
		return req_fail(req, err, NULL, "the session store is unreachable; try again");
	if (r[0]->type == REDIS_REPLY_INTEGER && r[0]->integer > RESET_IP_MAX) {
		what = "from this client address";
		ttl = r[2]->type == REDIS_REPLY_INTEGER ? r[2]->integer : 1;
	} else if (r[3]->type == REDIS_REPLY_INTEGER && r[3]->integer > RESET_EMAIL_MAX) {
		what = "for this email address";
		ttl = r[5]->type == REDIS_REPLY_INTEGER ? r[5]->integer : 1;
	}
	if (what == NULL)
		return GH_OK;
	ttl = ttl > 0 ? ttl : 1;
	resp_header(req, "Retry-After", arena_printf(req->arena, "%lld", ttl));
	return req_fail(req, GH_ERR_RATE_LIMITED, NULL, "too many password reset requests %s; "
	    "retry in %lld s", what, ttl);
}

/*
 * Hand the mail to a child process and return at once, so that the answer takes as long when
 * there is no account (to NULL: the child sends nothing) as when there is one, whatever the
 * mail command costs.  The child's failures go to the log.  Children of earlier calls are
 * reaped here (a worker has no other children outside mail_send).
 */
static void
send_detached(struct request *req, const char *to, const char *name, const char *const *vars)
{
	const char	*why;
	pid_t		 pid;
	int		 null;

	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	if ((pid = fork()) == -1) {
		log_error("invitations: fork for the %s mail: %s", name, strerror(errno));
		return;
	}
	if (pid > 0)
		return;
	/* Not the listening socket (fd 0): the master must see it closed when it stops. */
	if ((null = open("/dev/null", O_RDONLY)) != -1 && null != 0) {
		dup2(null, 0);
		close(null);
	}
	if (to != NULL)
		(void)mail_send(req->w->cfg, req->arena, to, name, vars, &why);
	_exit(0);
}

/*
 * Store a reset of email for the account uid (0 = none) with a token hashing to hash, retiring
 * the account's older ones: committed for an account, rolled back for none, so that both take
 * the same work.
 */
static enum gh_err
reset_store(struct request *req, const char *email, long long uid, const unsigned char hash[32])
{
	enum gh_err	 err;

	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((err = store_signup_retire(req->w->db, req->arena, SIGNUP_PASSWORD_RESET, uid)) != GH_OK ||
	    (err = store_signup_insert(req->w->db, req->arena, SIGNUP_PASSWORD_RESET, email, uid,
	    hash, req->w->cfg->password_reset_ttl)) != GH_OK)
		goto fail;
	if (uid > 0) {
		if ((err = db_commit(req->w->db)) != GH_OK)
			goto fail;
	} else
		db_rollback(req->w->db);
	return GH_OK;
fail:
	return api_rollback(req, err);
}

/*
 * *reason "unverified_email" when the password policy of account u's primary organization
 * sends no reset link to an address not verified, else left NULL.
 */
static enum gh_err
unverified(struct request *req, const struct password_reset_user *u, const char **reason)
{
	struct policy_password	 pp;
	long long		 org;
	enum gh_err		 err;

	if (u->email_verified)
		return GH_OK;
	if ((err = store_password_reset_org(req->w->db, req->arena, u->id, &org)) != GH_OK ||
	    (err = policy_password(req, org, &pp)) != GH_OK)
		return err;
	if (pp.password_reset_requires_verified_email)
		*reason = "unverified_email";
	return GH_OK;
}

enum gh_err
api_password_reset_request(struct request *req)
{
	static const char *const fields[] = { "email", NULL };
	const struct gh_config		*cfg = req->w->cfg;
	struct password_reset_user	 u;
	unsigned char			 hash[32];
	const char			*email, *tok, *to = NULL, *reason = NULL;
	long long			 uid = 0;
	enum gh_err			 err;
	cJSON				*o;

	if ((err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "email", BODY_REQUIRED, 3, 254, &email)) != GH_OK)
		return err;
	if ((err = api_ident(req, "email", VALID_EMAIL, email, "email is not a valid address",
	    &email)) != GH_OK)
		return err;
	if ((err = reset_gate(req, email)) != GH_OK)
		return err;
	err = store_password_reset_user(req->w->db, req->arena, email, &u);
	if (err == GH_ERR_NOT_FOUND)
		reason = "unknown_email";
	else if (err != GH_OK)
		return err;
	else if (!u.is_enabled)
		reason = "disabled";
	else if ((err = unverified(req, &u, &reason)) != GH_OK)
		return err;
	else if (reason == NULL) {
		uid = u.id;
		to = u.email;
	}

	/*
	 * The same work either way: a token, its hash, the retiring of older links and the new
	 * row, then a commit for an account and a rollback for none; the mail goes through
	 * send_detached in both cases.
	 */
	tok = api_link_token_new(req, hash);
	if ((err = reset_store(req, email, uid, hash)) != GH_OK)
		return err;
	(void)audit_by(req, 0, 0, "auth.password_reset.request", "user", uid, reason, NULL);
	{
		const char	*vars[] = {
			"link", api_link_url(req, "reset-password", tok),
			"username", uid > 0 ? u.username : "",
			"expires_minutes", arena_printf(req->arena, "%lld",
			    (cfg->password_reset_ttl + 59) / 60),
			NULL, NULL
		};

		send_detached(req, to, "password-reset", vars);
	}
	o = api_object(req);
	cJSON_AddStringToObject(o, "status", "accepted");
	cJSON_AddStringToObject(o, "detail", "If an account uses this email address, a link to "
	    "reset its password is on its way.");
	return resp_json(req, 202, o);
}

/* Read the reset of token (locked when lock): 400 naming "token" when it cannot be used. */
static enum gh_err
reset_by_token(struct request *req, const unsigned char hash[32], int lock,
    struct password_reset *r)
{
	enum link_state	 st;
	enum gh_err	 err;

	err = store_password_reset_get(req->w->db, req->arena, hash, lock, r);
	if (err != GH_OK && err != GH_ERR_NOT_FOUND)
		return err;
	st = err == GH_ERR_NOT_FOUND || r->user_id == 0 ? LINK_UNKNOWN : api_link_state(r->status);
	if (st != LINK_OK)
		return req_fail(req, GH_ERR_VALIDATION, "token", "%s", reset_why[st]);
	return GH_OK;
}

/*
 * In one transaction: use the reset of token hash th, set the password hash of account uid,
 * retire the account's other links (a pending email change too) and end its sessions.
 */
static enum gh_err
reset_apply(struct request *req, const unsigned char th[32], long long uid, long long org,
    const char *hash)
{
	struct password_reset	 r;
	enum gh_err		 err;

	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((err = reset_by_token(req, th, 1, &r)) != GH_OK ||
	    (err = store_signup_use(req->w->db, req->arena, r.id)) != GH_OK)
		goto fail;
	err = store_password_reset_set_password(req->w->db, req->arena, uid, hash);
	if (err == GH_ERR_NOT_FOUND)
		err = req_fail(req, GH_ERR_VALIDATION, "token", "%s", reset_why[LINK_UNKNOWN]);
	if (err != GH_OK ||
	    (err = store_signup_retire(req->w->db, req->arena, SIGNUP_PASSWORD_RESET, uid)) != GH_OK ||
	    (err = store_password_reset_revoke_tokens(req->w->db, req->arena, uid)) != GH_OK ||
	    (err = store_signup_retire(req->w->db, req->arena, SIGNUP_EMAIL_VERIFICATION, uid)) !=
	    GH_OK)
		goto fail;
	(void)audit_auth(req, uid, org, "auth.password_reset", NULL);
	return api_commit(req);
fail:
	return api_rollback(req, err);
}

enum gh_err
api_password_reset_confirm(struct request *req)
{
	static const char *const fields[] = { "token", "new_password", NULL };
	const struct gh_config	*cfg = req->w->cfg;
	struct password_reset	 r;
	unsigned char		 th[32];
	char			 hash[crypto_pwhash_STRBYTES];
	const char		*tok, *npw;
	long long		 uid, org;
	redisReply		*rep;
	enum gh_err		 err;

	memset(hash, 0, sizeof(hash));
	if ((err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "token", BODY_REQUIRED, 1, 128, &tok)) != GH_OK ||
	    (err = body_str(req, "new_password", BODY_REQUIRED, 1, 4096, &npw)) != GH_OK)
		return err;
	if (!api_link_token_shape(tok))
		return req_fail(req, GH_ERR_VALIDATION, "token", "%s", reset_why[LINK_UNKNOWN]);
	session_token_hash(tok, th);
	if ((err = reset_by_token(req, th, 0, &r)) != GH_OK)
		return err;
	uid = r.user_id;
	/* The password rules are those of the account's primary organization. */
	if ((err = store_password_reset_org(req->w->db, req->arena, uid, &org)) != GH_OK)
		return err;
	if ((err = policy_check_password(req, org, npw, "new_password")) != GH_OK)
		return err;
	if (password_hash(npw, strlen(npw), (unsigned long long)cfg->pwhash_opslimit,
	    (size_t)cfg->pwhash_memlimit_kib * 1024, hash) != 0)
		return GH_ERR_INTERNAL;
	err = reset_apply(req, th, uid, org, hash);
	sodium_memzero(hash, sizeof(hash));
	if (err != GH_OK)
		return err;
	/* The lockout's failure count starts again (best effort; MySQL already cleared the lock). */
	(void)kv_run(req->w->kv, req->arena, &rep, 2, "DEL", kv_key(req->arena, KV_FAIL_ACCT, "%lld", uid));
	if ((err = session_pv_publish(req, uid)) != GH_OK)
		return req_fail(req, err, NULL, "the password was changed, but the token store is "
		    "unreachable: tokens are refused until it returns");
	return resp_status(req, 204);
}
