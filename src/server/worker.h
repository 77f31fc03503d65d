/*
 * worker.h: one worker process, serving one FastCGI request at a time.
 *
 * struct worker (core/ctx.h) holds what lives as long as the process; worker_run() creates it
 * and owns everything it points at.
 */
#ifndef GH_WORKER_H
#define GH_WORKER_H

#include "core/ctx.h"
#include "http/request.h"

struct metrics;

/*
 * Serve requests on the listening socket fd until SIGTERM/SIGINT (after the request in flight) or
 * max_requests.  Returns the process exit status.
 */
int	 worker_run(const struct gh_config *cfg, int fd, struct metrics *m, long long connections);

/* Handle one request already parsed into req (used by worker_run and by tests). */
void	 worker_handle(struct worker *w, struct request *req);

#endif
