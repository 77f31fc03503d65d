/*
 * kv.h: the worker's Redis connection (hiredis), with connect and command timeouts and
 * reconnection.
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

struct kv_cmd {
	int		 argc;
	const char	*argv[KV_MAXARGS];
	size_t		 lens[KV_MAXARGS];
};

struct kv;

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

/* One command, printf-free: kv_run(kv, a, &reply, 3, "SET", key, value). */
enum gh_err	 kv_run(struct kv *, struct arena *a, redisReply **reply, int argc, ...);

#endif
