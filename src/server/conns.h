/*
 * conns.h: the FastCGI connections one single-threaded process serves, one request at a time.
 *
 * With nginx's fastcgi_keep_conn, nginx keeps idle connections open and sends its next request on
 * one of them, and opens new connections when it has none idle.  A process bound to one kept
 * connection would sit idle while new connections queue in the listen backlog, and a process
 * that closes an idle kept connection to accept races nginx, which may be writing a request on it
 * at that moment (a POST lost that way is not retried: 502).  So a process holds up to n
 * connections, never closes an idle one itself (nginx does, after its keepalive_timeout; the end
 * of file is then read like a request), and waits on all of them and on the listening socket
 * together.  The listening socket is made non-blocking: several processes wake for one new
 * connection and the ones that lose the race go back to waiting.
 *
 * Draining (a worker told to stop or to retire): the only safe close of a held connection is
 * nginx's, so a draining process stops taking new connections (CONNS_HELD; with CONNS_BACKLOG
 * it still takes the ones already waiting in the backlog, which nobody else will), keeps
 * serving the requests nginx sends on the connections it holds, and lets each go when nginx
 * closes it: after its keepalive_timeout when idle, after its keepalive_time when busy (the
 * stack and nginx.conf.example set 1 s).  Closing them at once instead lost every POST that
 * nginx had just written on one (502: nginx does not retry a POST).
 *
 * The Gatehouse worker and bench/fcgi_hello.c (the benchmark's ceiling) share this code, so the
 * ceiling pays for exactly the same connection handling.
 */
#ifndef GH_CONNS_H
#define GH_CONNS_H

#include <signal.h>
#include <stddef.h>

#include <fcgiapp.h>

#define CONNS_MAX	64

enum conns_drain {
	CONNS_SERVE,		/* not draining */
	CONNS_HELD,		/* the held connections only: other processes take new ones */
	CONNS_BACKLOG,		/* and the connections already waiting on the listening socket */
};

struct conns {
	FCGX_Request	 fr[CONNS_MAX];
	int		 n;		/* slots in use: 1..CONNS_MAX */
	int		 lfd;		/* the listening socket */
	unsigned	 turn;		/* round robin among connections with a request */
	enum conns_drain draining;
	int		 wait_ms;	/* longest wait in conns_next; -1 (conns_init) = no limit */
	/*
	 * Work to finish before sleeping (the worker's gathered log lines), or NULL: while
	 * pending() says there is some, the wait first only looks, and runs flush() before it
	 * sleeps when nothing is ready.
	 */
	size_t		(*pending)(void);
	void		(*flush)(void);
};

/* Prepare n slots on the listening socket lfd (after FCGX_Init).  0, or -1 with errno. */
int		 conns_init(struct conns *, int lfd, int n);

/*
 * Wait for the next request and read it (FCGX_Accept_r): the held connections with a request
 * and a new connection on the listening socket take turns.  Signals not in waitmask stay blocked;
 * waitmask NULL keeps the caller's mask.  Returns the request to serve (FCGX_Finish_r it after),
 * or NULL with *rc = 0 when a signal interrupted the wait, wait_ms passed, another process took
 * the connection or (draining) nginx closed a held one, or with *rc < 0 (a negative errno) when
 * accepting failed.
 */
FCGX_Request	*conns_next(struct conns *, const sigset_t *waitmask, int *rc);

/* Connections held (open FastCGI connections from nginx). */
int		 conns_held(const struct conns *);
/* Whether a new connection waits on the listening socket. */
int		 conns_waiting(const struct conns *);

/* Close every connection. */
void		 conns_close(struct conns *);

#endif
