/*
 * ctx.h: the worker's context, what one worker process holds for its whole life and every
 * request reaches through req->w (as nginx keeps its cycle in core): the configuration
 * (borrowed), the MySQL and Redis connections, the compiled routes, the token keys, the
 * in-memory authorization tables, the shared metrics and the request arena.  It is defined here,
 * at the bottom, so that every layer may use it; only src/server/worker.c creates and frees one
 * (worker_run owns everything it points at).  The other layers' types are only named here.
 */
#ifndef GH_CTX_H
#define GH_CTX_H

#include "core/arena.h"
#include "core/config.h"

struct db;
struct kv;
struct router;
struct metrics;
struct token_keyset;
struct authz;

struct worker {
	const struct gh_config	*cfg;
	struct db		*db;
	struct kv		*kv;
	struct router		*router;
	struct metrics		*metrics;
	struct token_keyset	*keys;
	struct authz		*authz;
	struct arena		*arena;
	unsigned long long	 served;
	int			 nworkers;	/* for /metrics */
};

#endif
