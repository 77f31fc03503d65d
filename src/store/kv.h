/*
 * kv.h: the worker's Redis connection (hiredis), with connect and command timeouts and
 * reconnection.  With redis_sentinels the master's address is asked of the sentinels at every
 * connection (the first, and each one after a failure), and every connection checks with ROLE
 * that it reached a master: a failover is followed without a restart, and while there is no
 * master every command fails (the token check answers 503).
 *
 * Replies are registered with the caller's arena and freed at its reset.  A failure to reach
 * Redis is logged once and returned as GH_ERR_REDIS_UNAVAILABLE; callers on the token path treat
 * it as a refusal (fail closed).
 */
#ifndef GH_KV_H
#define GH_KV_H

#include <stddef.h>

#include <hiredis.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/err.h"

#define KV_MAXARGS	16
#define KV_MAXPREFIXES	10

struct kv_cmd {
	int		 argc;
	const char	*argv[KV_MAXARGS];
	size_t		 lens[KV_MAXARGS];
};

/*
 * Every Redis key Gatehouse uses, as a kind and its prefix (kv_prefixes[]): the table
 * docs/tokens.md "Redis keys" describes.  A key is the prefix and a suffix (kv_key).
 */
enum kv_key {
	KV_BL,			/* bl:<jti>		a revoked access token */
	KV_BLS,			/* bls:<sid>		a session ended by logout */
	KV_PV,			/* pv:<user>		users.permission_version, cached */
	KV_MV,			/* mv:<user>:<org>	a membership's session_version, cached */
	KV_AUTHZ_GEN,		/* authz:gen		generation of the authorization tables */
	KV_POLICY_GEN,		/* policy:gen		generation of the organization policies */
	KV_FAIL_IP,		/* fail:ip:<address>	failed password checks of an address */
	KV_FAIL_ACCT,		/* fail:acct:<user>	failed password checks of an account */
	KV_PWRESET_IP,		/* pwreset:ip:<address>	password reset requests of an address */
	KV_PWRESET_EMAIL,	/* pwreset:email:<hash>	password reset requests for an address */
	KV_EVERIFY_USER,	/* everify:user:<user>	verification mails an account asked for */
	KV_MFA_TICKET,		/* mfa:t:<hash>		an MFA ticket: the login waiting for a factor */
	KV_MFA_TRIES,		/* mfa:n:<hash>		wrong factors tried on that ticket */
	KV_WEBAUTHN,		/* wa:<purpose>:...	a pending WebAuthn challenge (api/webauthn.h) */
	KV_UV,			/* uv:<user>		version of what GET /me shows of the user */
	KV_ME_GEN,		/* me:gen		generation of every /me (organizations, roles) */
	KV_SSO,			/* sso:<hash>		a browser's Gatehouse session (the gh_sso cookie) */
	KV_OIDC_CODE,		/* oc:<hash>		an authorization code, until it is exchanged */
	KV_OIDC_USED,		/* ocx:<hash>		what an exchanged code issued (reuse revokes it) */
	KV_OIDC_OFF,		/* ocd:<client_id>	a disabled or deleted client: its tokens refused */
	KV_OIDC_GEN,		/* oidc:gen		generation of the clients (the workers' caches) */
	KV_KEY__MAX
};

extern const char *const kv_prefixes[KV_KEY__MAX];

/*
 * The key of kind k: its prefix and the suffix printed from fmt (none when fmt is NULL), in a.
 * Suffixes are short (ids, token ids, hashes); one past 200 bytes is cut.
 */
const char	*kv_key(struct arena *a, enum kv_key k, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));

struct kv;

struct kv_cache_stats {
	unsigned long long	 hits;		/* kv_mget answered without Redis */
	unsigned long long	 misses;	/* kv_mget asked Redis */
	unsigned long long	 invalidations;	/* kept keys dropped because they changed */
};

struct kv	*kv_new(const struct gh_config *cfg);
void		 kv_free(struct kv *);
enum gh_err	 kv_connect(struct kv *);
enum gh_err	 kv_ping(struct kv *);

/* Fill a command from NUL-terminated strings (argv lens computed). */
void		 kv_cmd_set(struct kv_cmd *, int argc, ...);

/*
 * Send n commands in one round trip and read their replies into replies[0..n-1] (owned by a).
 * A lost connection is re-established and the batch sent once more.  A Redis error reply is
 * returned as a reply of type REDIS_REPLY_ERROR, not as a failure.
 */
enum gh_err	 kv_pipeline(struct kv *, struct arena *a, const struct kv_cmd *cmds, size_t n,
		    redisReply **replies);

/*
 * Let this worker keep, between requests, the values of keys that start with one of the
 * prefixes (at most KV_MAXPREFIXES; the array must outlive kv): redis_cache_slots of them, each
 * for at most redis_cache_max_age_ms, and only while Redis tells us of every change to them
 * (CLIENT TRACKING in broadcast mode, invalidations read on a second connection before each
 * kv_mget).  A change reaches the worker in the same pass of Redis's event loop that answers the
 * command making it; a lost connection drops everything kept.  redis_cache_slots = 0: nothing is
 * kept.  Call once, before the first command.
 */
void		 kv_cache_setup(struct kv *, const char *const *prefixes, size_t n);
const struct kv_cache_stats *kv_cache_stats(const struct kv *);

/*
 * GET of n keys (n < KV_MAXARGS) in one MGET, or none when every key is kept: vals[i] is the
 * value (valid until the arena's reset) or NULL when the key does not exist.  *hit = 1 when
 * Redis was not asked.
 */
enum gh_err	 kv_mget(struct kv *, struct arena *a, size_t n, const char *const *keys,
		    const char **vals, int *hit);

/*
 * One command, printf-free: kv_run(kv, a, &reply, 3, "SET", key, value); kv_run_acked, the
 * same acknowledged by the replicas (kv_pipeline_acked, below).  Both are kv_command, which
 * sends the argc strings that follow through kv_pipeline_acked when acked, else kv_pipeline.
 */
enum gh_err	 kv_command(struct kv *, struct arena *a, int acked, redisReply **reply,
		    int argc, ...);
#define kv_run(kv, a, reply, ...)	kv_command((kv), (a), 0, (reply), __VA_ARGS__)
#define kv_run_acked(kv, a, reply, ...)	kv_command((kv), (a), 1, (reply), __VA_ARGS__)

/*
 * kv_pipeline and kv_run for a revocation (a blocklist entry, a published version or
 * generation): with redis_sentinels and redis_wait_replicas > 0, a WAIT follows the commands in
 * the same round trip, and GH_ERR_REDIS_UNAVAILABLE comes back unless that many replicas
 * acknowledged them within redis_wait_timeout_ms, so that nothing answered 2xx is lost by a
 * failover (asynchronous replication loses the last writes of a master that dies).  The
 * commands ran on the master either way.  Without sentinels, the same as kv_pipeline.
 */
enum gh_err	 kv_pipeline_acked(struct kv *, struct arena *a, const struct kv_cmd *cmds,
		    size_t n, redisReply **replies);

#endif
