#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>

#include <fcgiapp.h>

#include "server/conns.h"

int
conns_init(struct conns *c, int lfd, int n)
{
	int	 i, fl;

	memset(c, 0, sizeof(*c));
	c->n = n < 1 ? 1 : n > CONNS_MAX ? CONNS_MAX : n;
	c->lfd = lfd;
	c->wait_ms = -1;
	for (i = 0; i < c->n; i++)
		if (FCGX_InitRequest(&c->fr[i], lfd, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
			errno = ENOMEM;
			return -1;
		}
	/* Accepted sockets do not inherit O_NONBLOCK: only accept() stops blocking. */
	if ((fl = fcntl(lfd, F_GETFL)) == -1 || fcntl(lfd, F_SETFL, fl | O_NONBLOCK) == -1)
		return -1;
	return 0;
}

FCGX_Request *
conns_next(struct conns *c, const sigset_t *waitmask, int *rc)
{
	struct pollfd	 p[CONNS_MAX + 1];
	int		 slot[CONNS_MAX + 1];
	struct timespec	 tmo, *tp = NULL;
	char		 b;
	int		 n = 0, i, j, k = -1, free_slot = -1, r, held = 0;
	ssize_t		 m;

	*rc = 0;
	if (c->wait_ms >= 0) {
		tmo.tv_sec = c->wait_ms / 1000;
		tmo.tv_nsec = (long)(c->wait_ms % 1000) * 1000000L;
		tp = &tmo;
	}
	for (i = 0; i < c->n; i++) {
		if (c->fr[i].ipcFd >= 0) {
			p[n].fd = c->fr[i].ipcFd;
			slot[n++] = i;
		} else if (free_slot < 0)
			free_slot = i;
	}
	held = n;
	if (free_slot >= 0 && c->draining != CONNS_HELD) {
		p[n].fd = c->lfd;
		slot[n++] = free_slot;
	}
	if (n == 0)
		return NULL;
	for (i = 0; i < n; i++) {
		p[i].events = POLLIN;
		p[i].revents = 0;
	}
	if (c->pending != NULL && c->pending() > 0) {
		static const struct timespec zero = { 0, 0 };

		if ((r = ppoll(p, (nfds_t)n, &zero, waitmask)) == 0) {
			c->flush();
			r = ppoll(p, (nfds_t)n, tp, waitmask);
		}
	} else
		r = ppoll(p, (nfds_t)n, tp, waitmask);
	if (r <= 0)
		return NULL;
	/*
	 * Round robin over everything ready, the listening socket included: nginx opens a
	 * connection only to send a request on it, so a connection waiting in the backlog is a
	 * request waiting too.  Served last, it starved for seconds while held connections always
	 * had a request ready (nginx's extra connections at the start of a burst).
	 */
	c->turn++;
	for (j = 0; j < n && k < 0; j++) {
		i = (int)((c->turn + (unsigned)j) % (unsigned)n);
		if (p[i].revents != 0)
			k = slot[i];
	}
	if (k < 0)
		return NULL;
	/*
	 * Draining, a held connection at its end of file is closed here: libfcgi would accept a
	 * new connection in its slot.  Anything else on it is a request, served as usual.
	 */
	if (c->draining != CONNS_SERVE && i < held) {
		if ((m = recv(c->fr[k].ipcFd, &b, 1, MSG_PEEK | MSG_DONTWAIT)) == 0 ||
		    (m == -1 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
			FCGX_Free(&c->fr[k], 1);
			return NULL;
		}
		if (m == -1)
			return NULL;
	}
	/*
	 * A held connection: its next request, or its end of file (then libfcgi closes it and tries
	 * to accept in the same slot).  A free slot: accept, which fails with EAGAIN when another
	 * process was quicker.
	 */
	if ((r = FCGX_Accept_r(&c->fr[k])) < 0) {
		if (r != -EAGAIN && r != -EWOULDBLOCK && r != -EINTR)
			*rc = r;
		return NULL;
	}
	return &c->fr[k];
}

int
conns_held(const struct conns *c)
{
	int	 i, n = 0;

	for (i = 0; i < c->n; i++)
		if (c->fr[i].ipcFd >= 0)
			n++;
	return n;
}

int
conns_waiting(const struct conns *c)
{
	struct pollfd	 p;

	p.fd = c->lfd;
	p.events = POLLIN;
	p.revents = 0;
	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

void
conns_close(struct conns *c)
{
	int	 i;

	for (i = 0; i < c->n; i++)
		FCGX_Free(&c->fr[i], 1);
}
