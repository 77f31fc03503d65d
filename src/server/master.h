/*
 * master.h: the pre-forking master of `gatehouse serve`.
 *
 * It binds the socket (two with check_listen: the check pool has workers of its own), forks the workers and then only manages them: respawn (with backoff when
 * they die young), graceful stop on SIGTERM/SIGINT, reload on SIGHUP (new workers with the re-read
 * configuration start before the old ones are told to finish), log reopen on SIGUSR1.  Signals
 * are blocked and taken synchronously with sigtimedwait(), so no handler runs at all.
 */
#ifndef GH_MASTER_H
#define GH_MASTER_H

#include "core/config.h"

/* Open the listening socket addr (cfg->listen or cfg->check_listen).  Returns the fd or -1 (logged). */
int	 master_listen(const struct gh_config *cfg, const char *addr);
/* Run until stopped.  cfg is owned by the master from here on.  Returns the exit status. */
int	 master_run(struct gh_config *cfg);

#endif
