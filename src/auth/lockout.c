/*
 * lockout.c: the per-address throttle and the per-account lockout after failed password checks
 * (docs/tokens.md, "Brute force" and "Equal time").  Contract in lockout.h.
 */
#include <stdlib.h>
#include <string.h>

#include "auth/lockout.h"
#include "auth/policy.h"
#include "auth/session.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "core/log.h"
#include "core/metrics.h"
#include "store/account.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/kv.h"

enum gh_err
lockout_ip_gate(struct request *req)
{
	const struct gh_config	*cfg = req->w->cfg;
	struct kv_cmd		 cmds[2];
	redisReply		*r[2];
	const char		*key;
	enum gh_err		 err;
	long long		 n, ttl;

	key = kv_key(req->arena, KV_FAIL_IP, "%s", req->client_ip ? req->client_ip : "-");
	kv_cmd_set(&cmds[0], 2, "GET", key);
	kv_cmd_set(&cmds[1], 2, "TTL", key);
	if ((err = kv_pipeline(req->w->kv, req->arena, cmds, 2, r)) != GH_OK)
		return req_fail(req, err, NULL, "the session store is unreachable; try again");
	n = r[0]->type == REDIS_REPLY_STRING ? strtoll(r[0]->str, NULL, 10) : 0;
	if (n < cfg->ip_max_failures)
		return GH_OK;
	ttl = r[1]->type == REDIS_REPLY_INTEGER && r[1]->integer > 0 ? r[1]->integer : 1;
	resp_header(req, "Retry-After", arena_printf(req->arena, "%lld", ttl));
	return req_fail(req, GH_ERR_RATE_LIMITED, NULL,
	    "too many failed attempts from this address; retry in %lld s", ttl);
}

/*
 * Count a failure for the address and the account; lock the account past the threshold.  An
 * unknown user (uid 0) costs the same work as an account (tokens.md, "Equal time"): the same
 * organization lookup (it finds nothing), a lookup of a cached policy, the same four Redis
 * commands (on fail:acct:0) and no SQL write; only the failure that locks an account does more.
 */
void
lockout_failure(struct request *req, long long uid, long long org)
{
	static long long	 decoy;	/* an organization this worker looked up, for uid 0 */
	const struct gh_config	*cfg = req->w->cfg;
	struct policy_lockout	 lp;
	struct kv_cmd		 cmds[4];
	redisReply		*r[4];
	struct session_org	 o;
	const char		*ipkey, *acctkey, *win, *per;

	/* The account's lockout rules are those of its primary organization. */
	if (org == 0 && store_account_org(req->w->db, req->arena, uid, 0, NULL, &o) == GH_OK)
		org = o.id;
	if (uid > 0 && org > 0)
		decoy = org;
	(void)policy_lockout(req, uid > 0 ? org : decoy, &lp);
	if (uid == 0) {
		lp.threshold = cfg->lockout_threshold;
		lp.period = cfg->lockout_period;
	}

	ipkey = kv_key(req->arena, KV_FAIL_IP, "%s", req->client_ip ? req->client_ip : "-");
	win = arena_printf(req->arena, "%lld", cfg->ip_window);
	acctkey = kv_key(req->arena, KV_FAIL_ACCT, "%lld", uid);
	per = arena_printf(req->arena, "%lld", lp.period);
	kv_cmd_set(&cmds[0], 2, "INCR", ipkey);
	kv_cmd_set(&cmds[1], 4, "EXPIRE", ipkey, win, "NX");
	kv_cmd_set(&cmds[2], 2, "INCR", acctkey);
	kv_cmd_set(&cmds[3], 4, "EXPIRE", acctkey, per, "NX");
	metrics_add(req->w->metrics, logins_failed, 1);
	if (kv_pipeline(req->w->kv, req->arena, cmds, 4, r) != GH_OK || uid == 0)
		return;
	/* users.failed_login_count is written at the lock: a write per failure would show. */
	if (r[2]->type == REDIS_REPLY_INTEGER && r[2]->integer >= lp.threshold) {
		if (store_account_lock(req->w->db, req->arena, uid, lp.period,
		    r[2]->integer) == GH_OK) {
			kv_run(req->w->kv, req->arena, &r[0], 2, "DEL", acctkey);
			(void)audit_auth(req, uid, org, "auth.lockout", "too_many_failures");
			log_info("auth: user %lld locked for %lld s after %lld failures", uid,
			    lp.period, (long long)r[2]->integer);
		}
	}
}
