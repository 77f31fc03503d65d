#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <sodium.h>

#include "api/api.h"
#include "auth/authn.h"
#include "auth/session.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/jsonmem.h"
#include "core/log.h"
#include "core/metrics.h"
#include "http/request.h"
#include "http/router.h"
#include "server/conns.h"
#include "server/worker.h"
#include "store/db.h"
#include "store/kv.h"

static volatile sig_atomic_t	 stopping;	/* SIGTERM, SIGINT: the server stops */
static volatile sig_atomic_t	 retiring;	/* SIGUSR2: a reload replaced this worker */
static volatile sig_atomic_t	 reopen;

/*
 * No FCGX_ShutdownPending(): the waits are ppoll()s that the signal interrupts, and libfcgi
 * would then refuse to read the requests still to be served on the held connections.
 */
static void
on_stop(int sig)
{
	if (sig == SIGUSR2)
		retiring = 1;
	else
		stopping = 1;
}

static void
on_usr1(int sig)
{
	(void)sig;
	reopen = 1;
}

/*
 * Run the handler, and run it again, whole, at most WORKER_DB_RETRIES times, when its
 * transaction failed in a way that wrote nothing (db_retry_ok): a Galera certification
 * conflict, a node that left the cluster, a connection lost before COMMIT.  The answer of the
 * failed run is forgotten; what the handler did in Redis before its transaction is done again
 * (idempotent writes), except where it took something that exists once (req->once).  The
 * failed runs are logged as warnings and counted (gatehouse_db_retries_total).
 */
#define WORKER_DB_RETRIES	3

static enum gh_err
run(struct worker *w, struct request *req, const struct route *rt)
{
	unsigned long long	 mark;
	struct timespec		 pause;
	enum gh_err		 err;
	int			 tries;

	for (tries = 0; ; tries++) {
		mark = db_retry_mark(w->db);
		if ((err = rt->fn(req)) == GH_OK || err != GH_ERR_DB_UNAVAILABLE ||
		    tries == WORKER_DB_RETRIES || req->once || !db_retry_ok(w->db, mark))
			return err;
		if (db_in_tx(w->db))
			db_rollback(w->db);
		/*
		 * A random pause, longer each time (1-5 ms, 2-10 ms, 4-20 ms), so that two
		 * requests that met on one row do not meet again.
		 */
		pause.tv_sec = 0;
		pause.tv_nsec = (long)(1 + randombytes_uniform(5)) * (1000000L << tries);
		nanosleep(&pause, NULL);
		log_warn("db: %s %s: a transaction failed (error %u); running it again (%d of %d)",
		    req->method_str ? req->method_str : "?", req->path ? req->path : "?",
		    db_errno(w->db), tries + 1, WORKER_DB_RETRIES);
		metrics_add(w->metrics, db_retries, 1);
		req->status = 200;
		req->headers = NULL;
		req->body_out = NULL;
		req->body_out_len = 0;
		req->content_type = NULL;
		req->cache_control = NULL;
		req->err = GH_OK;
		req->detail = NULL;
		req->field = NULL;
		req->problem_extra = NULL;
	}
}

void
worker_handle(struct worker *w, struct request *req)
{
	const struct route	*rt;
	enum gh_err		 err;
	char			 allow[64];

	if ((err = req_parse_uri(req)) != GH_OK)
		goto fail;
	if ((rt = router_match(w->router, req, &err, allow, sizeof(allow))) == NULL) {
		if (err == GH_ERR_METHOD) {
			resp_header(req, "Allow", arena_strdup(req->arena, allow));
			req_fail(req, err, NULL, "%s is not allowed here; use %s",
			    req->method_str ? req->method_str : "this method", allow);
		} else
			req_fail(req, err, NULL, "no route for %s", req->path);
		goto fail;
	}
	if (req->err == GH_ERR_BODY_TOO_LARGE) {
		err = req_fail(req, GH_ERR_BODY_TOO_LARGE, NULL, "the body is larger than %lld bytes",
		    w->cfg->body_limit);
		goto fail;
	}
	if ((rt->flags & ROUTE_BODY) && (err = req_parse_json(req)) != GH_OK)
		goto fail;
	if (!(rt->flags & (ROUTE_PUBLIC | ROUTE_OWN_AUTH)) &&
	    (err = authn_request(req)) != GH_OK)
		goto fail;
	if ((err = run(w, req, rt)) != GH_OK) {
		/* A handler that fails leaves its transaction, if one is open, to be rolled back here. */
		db_rollback(w->db);
		goto fail;
	}
	return;
fail:
	resp_problem(req, err);
}

/* Read the body into the arena, or drain it when it is over the limit. */
static void
read_body(struct worker *w, struct request *req, FCGX_Stream *in)
{
	const char	*cl = req_env(req, "CONTENT_LENGTH");
	char		 sink[4096];
	long long	 want;
	int		 n;

	if (cl == NULL || *cl == '\0')
		return;
	want = strtoll(cl, NULL, 10);
	if (want <= 0)
		return;
	if (want > w->cfg->body_limit) {
		while (FCGX_GetStr(sink, sizeof(sink), in) > 0)
			;
		req->err = GH_ERR_BODY_TOO_LARGE;
		return;
	}
	req->body = arena_alloc(req->arena, (size_t)want + 1);
	n = FCGX_GetStr(req->body, (int)want, in);
	req->body_len = n > 0 ? (size_t)n : 0;
	req->body[req->body_len] = '\0';
}

static void
serve(struct worker *w, FCGX_Request *fr)
{
	struct request	 req;
	struct log_access la;
	const char	*role;
	char		*out;
	size_t		 len;

	jsonmem_use(w->arena);
	req_init(&req, w->arena, fr->envp);
	req.w = w;
	req.t0 = clock_ms();
	req.method_str = req_env(&req, "REQUEST_METHOD");
	req.method = http_method_parse(req.method_str);
	if ((req.uri = req_env(&req, "REQUEST_URI")) == NULL)
		req.uri = req_env(&req, "DOCUMENT_URI");
	req.client_ip = req_env(&req, "REMOTE_ADDR");
	req_set_request_id(&req, req_header(&req, "X-Request-Id"));
	log_set_request_id(req.request_id);

	/*
	 * An authorizer is asked about another request (its method and URI are the parameters) and
	 * gets no body, whatever CONTENT_LENGTH says: it answers the token check's question.  libfcgi
	 * sets FCGI_ROLE from the record that opens the request; a client cannot send it.
	 */
	role = req_env(&req, "FCGI_ROLE");
	if (role != NULL && strcmp(role, "AUTHORIZER") == 0) {
		req.authorizer = 1;
		req.orig_method = req.method_str;
		req.orig_uri = req.uri;
		req.method_str = "GET";
		req.method = HTTP_GET;
		req.uri = "/api/v1/auth/check";
	} else
		read_body(w, &req, fr->in);
	worker_handle(w, &req);
	if (db_in_tx(w->db)) {
		/* A handler returned inside a transaction: its row locks must not outlive it. */
		log_error("BUG: %s %s returned with a transaction open; rolled back",
		    req.method_str ? req.method_str : "?", req.path ? req.path : "?");
		db_rollback(w->db);
	}
	/* Cached /me answers of the users the request changed: gone before the answer leaves. */
	session_profile_flush(&req);

	resp_header(&req, "X-Request-Id", req.request_id);
	resp_header(&req, "X-Content-Type-Options", "nosniff");
	if (req.status != 304)
		resp_header(&req, "Cache-Control", req.cache_control ? req.cache_control : "no-store");
	out = resp_render(&req, &len);
	FCGX_PutStr(out, (int)len, fr->out);

	/* The request's parameters go with FCGX_Finish_r: the log line keeps copies. */
	memset(&la, 0, sizeof(la));
	la.method = req.method_str ? arena_strdup(w->arena, req.method_str) : NULL;
	la.path = req.path ? req.path : "";
	la.status = req.status;
	la.ms = clock_ms() - req.t0;
	la.request_id = arena_strdup(w->arena, req.request_id);
	la.user_id = req.auth.user_id;
	la.client_ip = req.client_ip ? arena_strdup(w->arena, req.client_ip) : NULL;
	la.code = req.status >= 400 ? gh_err_info(req.err)->code : NULL;
	/* The answer leaves before the bookkeeping; the request id may point into its parameters. */
	log_set_request_id(la.request_id);
	FCGX_Finish_r(fr);
	log_access(&la);
	metrics_request(w->metrics, req.status, la.ms);
	log_set_request_id(NULL);
	/*
	 * Wipes everything the request was handed, its body with the credentials included, and
	 * runs the cJSON_Delete cleanups while cJSON still uses the arena.
	 */
	arena_reset(w->arena);
	jsonmem_use(NULL);
}

static void
signals(void)
{
	struct sigaction	 sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;	/* no SA_RESTART: accept() must return */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	log_flush_on_crash();
}

int
worker_run(const struct gh_config *cfg, int fd, struct metrics *m, long long connections)
{
	struct worker	 w;
	struct conns	*c;
	FCGX_Request	*fr;
	sigset_t	 block, old, waitmask;
	const char	*why = NULL;
	double		 drain_end = 0;
	int		 rc, status = 0;

	memset(&w, 0, sizeof(w));
	jsonmem_init();
	w.cfg = cfg;
	w.metrics = m;
	w.nworkers = (int)cfg->workers;
	signals();
	if ((w.router = router_new(api_routes, api_nroutes, cfg->debug_endpoints, &why)) == NULL) {
		log_error("worker: routes: %s", why);
		return 1;
	}
	if ((w.db = db_new(cfg)) == NULL || (w.kv = kv_new(cfg)) == NULL ||
	    (c = malloc(sizeof(*c))) == NULL) {
		log_error("worker: out of memory");
		return 1;
	}
	w.arena = arena_new(16384);
	if (authn_init(&w) != 0)
		return 1;
	(void)api_openapi_load(cfg);
	/* Connect early so the first request does not pay for it; failures retry later. */
	(void)db_connect(w.db);
	(void)kv_connect(w.kv);

	if (FCGX_Init() != 0 || conns_init(c, fd, (int)connections) != 0) {
		log_error("worker: FastCGI setup: %s", strerror(errno));
		return 1;
	}
	if (cfg->log_buffer > 0 && log_buffer_init((size_t)cfg->log_buffer) == 0) {
		c->pending = log_pending;
		c->flush = log_flush;
	}
	/*
	 * Signals wait while a request runs: it completes, then the loop sees the flag.  They are
	 * let in only while waiting for the next request, whatever mask we were started with.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	sigprocmask(SIG_BLOCK, &block, &old);
	waitmask = old;
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGUSR1);
	sigdelset(&waitmask, SIGUSR2);
	log_debug("worker: ready (%d connections)", c->n);
	for (;;) {
		/*
		 * Told to go: finish what nginx sends on the held connections and let nginx close
		 * them (conns.h, "Draining"); a stop also serves the connections waiting in the
		 * backlog.  A little before the master's SIGKILL (shutdown_timeout) whatever is
		 * still held is closed.
		 */
		if (stopping && c->draining != CONNS_BACKLOG) {
			c->draining = CONNS_BACKLOG;
			c->wait_ms = 100;
		} else if (retiring && c->draining == CONNS_SERVE) {
			c->draining = CONNS_HELD;
			c->wait_ms = 100;
		}
		if (c->draining != CONNS_SERVE) {
			if (drain_end == 0)
				drain_end = clock_ms() + (cfg->shutdown_timeout > 1 ?
				    (double)(cfg->shutdown_timeout - 1) * 1e3 : 500.0);
			if (conns_held(c) == 0 &&
			    (c->draining == CONNS_HELD || !conns_waiting(c)))
				break;
			if (clock_ms() >= drain_end) {
				log_warn("worker: %d connections still held at the end of "
				    "shutdown_timeout, closing them", conns_held(c));
				break;
			}
		}
		if (reopen) {
			reopen = 0;
			log_reopen();
		}
		if ((fr = conns_next(c, &waitmask, &rc)) == NULL) {
			if (rc < 0 && c->draining == CONNS_SERVE) {
				log_error("worker: accept: %s", strerror(-rc));
				usleep(100000);
			}
			continue;
		}
		serve(&w, fr);
		/* Retired like an old worker at a reload: the others take the new connections. */
		if (cfg->max_requests > 0 && ++w.served == (unsigned long long)cfg->max_requests) {
			log_info("worker: served max_requests (%lld), draining and exiting",
			    cfg->max_requests);
			retiring = 1;
		}
	}
	log_flush();
	conns_close(c);
	free(c);
	authn_fini(&w);
	router_free(w.router);
	db_free(w.db);
	kv_free(w.kv);
	arena_free(w.arena);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return status;
}
