/*
 * worker.h: one worker process, serving one FastCGI request at a time.
 *
 * struct worker holds what lives as long as the process: the configuration (borrowed from the
 * caller), the MySQL and Redis connections, the compiled routes, the token keys, the in-memory
 * authorization tables and the request arena.  worker_run() owns all of them.
 */
#ifndef GH_WORKER_H
#define GH_WORKER_H

#include "core/arena.h"
#include "core/config.h"
#include "http/request.h"

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

/*
 * Serve requests on the listening socket fd until SIGTERM/SIGINT (after the request in flight) or
 * max_requests.  Returns the process exit status.
 */
int	 worker_run(const struct gh_config *cfg, int fd, struct metrics *m, long long connections);

/* Handle one request already parsed into req (used by worker_run and by tests). */
void	 worker_handle(struct worker *w, struct request *req);

#endif
