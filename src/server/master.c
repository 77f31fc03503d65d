#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"

#include "auth/password.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "core/metrics.h"
#include "server/master.h"
#include "server/worker.h"

#ifdef HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
/* Tell systemd (Type=notify; NOTIFY_SOCKET unset: nothing) what the master is doing. */
#define notify(state)	((void)sd_notify(0, (state)))
#else
#define notify(state)	((void)0)
#endif

#define MAX_WORKERS	1024

/*
 * Built with AddressSanitizer (--enable-asan): a worker leaves through _exit(), which skips the
 * atexit() leak check, so it runs LeakSanitizer itself first (docs/reliability.md).
 */
#if defined(__SANITIZE_ADDRESS__)
#define GH_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GH_LSAN 1
#endif
#endif
#ifdef GH_LSAN
#include <sanitizer/lsan_interface.h>
#endif

/* The pools: every worker serves one socket. */
enum pool { POOL_MAIN, POOL_CHECK, POOL_N };

struct slot {
	pid_t		 pid;		/* 0 = empty */
	enum pool	 pool;
	unsigned int	 gen;		/* configuration generation it runs */
	double		 started;
	double		 kill_at;	/* SIGKILL deadline once told to stop; 0 = none */
};

struct master {
	struct gh_config	 cfg;
	int			 fd[POOL_N];	/* -1: the pool does not exist */
	unsigned int		 gen;
	struct slot		 slots[MAX_WORKERS];
	struct metrics		*metrics;
	int			 quick_deaths;	/* consecutive workers that died young */
	double			 respawn_at;	/* earliest next spawn after a crash loop */
	int			 stopping;
	double			 stop_deadline;
};

int
master_listen(const struct gh_config *cfg, const char *addr)
{
	struct sockaddr_un	 sun;
	struct addrinfo		 hints, *res = NULL, *ai;
	char			 host[256], *port;
	const char		*path;
	int			 fd = -1, on = 1, rc;

	if (strncmp(addr, "unix:", 5) == 0) {
		path = addr + 5;
		if (strlen(path) >= sizeof(sun.sun_path)) {
			log_error("listen: socket path too long: %s", path);
			return -1;
		}
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		strcpy(sun.sun_path, path);
		if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
			goto err;
		/* A stale socket from a crash would make bind fail: remove it, but only a socket. */
		struct stat st;
		if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
			unlink(path);
		if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
			goto err;
		/* Group before mode, and both before listen: nobody connects in between. */
		if (cfg->socket_gid >= 0 &&
		    chown(path, (uid_t)-1, (gid_t)cfg->socket_gid) == -1) {
			log_error("listen: %s: socket_group %s: %s%s", path, cfg->socket_group,
			    strerror(errno), errno == EPERM ? " (Gatehouse's user must be root or "
			    "a member of that group)" : "");
			close(fd);
			unlink(path);
			return -1;
		}
		if (chmod(path, (mode_t)cfg->socket_mode) == -1)
			goto err;
	} else {
		snprintf(host, sizeof(host), "%s", addr);
		if ((port = strrchr(host, ':')) == NULL) {
			log_error("listen: expected host:port");
			return -1;
		}
		*port++ = '\0';
		if (host[0] == '[' && port[-2] == ']') {
			port[-2] = '\0';
			memmove(host, host + 1, strlen(host));
		}
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = AF_UNSPEC;
		hints.ai_socktype = SOCK_STREAM;
		hints.ai_flags = AI_PASSIVE;
		if ((rc = getaddrinfo(*host ? host : NULL, port, &hints, &res)) != 0) {
			log_error("listen: %s: %s", addr, gai_strerror(rc));
			return -1;
		}
		for (ai = res; ai != NULL; ai = ai->ai_next) {
			if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0)) == -1)
				continue;
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
			if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0)
				break;
			close(fd);
			fd = -1;
		}
		freeaddrinfo(res);
		if (fd == -1)
			goto err;
	}
	if (listen(fd, (int)cfg->listen_backlog) == -1)
		goto err;
	return fd;
err:
	log_error("listen: %s: %s", addr, strerror(errno));
	if (fd != -1)
		close(fd);
	return -1;
}

static int
alive(const struct master *m)
{
	int	 i, n = 0;

	for (i = 0; i < MAX_WORKERS; i++)
		if (m->slots[i].pid > 0)
			n++;
	return n;
}

static int
alive_current(const struct master *m, enum pool p)
{
	int	 i, n = 0;

	for (i = 0; i < MAX_WORKERS; i++)
		if (m->slots[i].pid > 0 && m->slots[i].pool == p && m->slots[i].gen == m->gen &&
		    m->slots[i].kill_at == 0)
			n++;
	return n;
}

static long long
pool_size(const struct master *m, enum pool p)
{
	if (m->fd[p] == -1)
		return 0;
	return p == POOL_CHECK ? m->cfg.check_workers : m->cfg.workers;
}

static int
spawn(struct master *m, enum pool p)
{
	enum pool	 q;
	sigset_t	 all;
	pid_t		 pid;
	int		 i, rc;

	for (i = 0; i < MAX_WORKERS; i++)
		if (m->slots[i].pid == 0)
			break;
	if (i == MAX_WORKERS)
		return -1;
	if ((pid = fork()) == -1) {
		log_error("master: fork: %s", strerror(errno));
		m->respawn_at = clock_ms() / 1e3 + 1;
		return -1;
	}
	if (pid == 0) {
		/* The worker dies with the master rather than lingering on the socket. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		/* ps, top and the tests tell the pools apart by the process name. */
		if (p == POOL_CHECK)
			prctl(PR_SET_NAME, "gatehouse-check");
		if (getppid() == 1)
			_exit(0);
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		for (q = 0; q < POOL_N; q++)
			if (q != p && m->fd[q] != -1)
				close(m->fd[q]);	/* another pool's socket */
		rc = worker_run(&m->cfg, m->fd[p], m->metrics, p == POOL_CHECK ?
		    m->cfg.check_worker_connections : m->cfg.worker_connections);
#ifdef GH_LSAN
		__lsan_do_leak_check();
#endif
		_exit(rc);
	}
	m->slots[i].pid = pid;
	m->slots[i].pool = p;
	m->slots[i].gen = m->gen;
	m->slots[i].started = clock_ms() / 1e3;
	m->slots[i].kill_at = 0;
	return 0;
}

/* SIGTERM: the server stops; SIGUSR2: a reload retires the worker (worker.c). */
static void
tell_stop(struct master *m, struct slot *s, int sig)
{
	if (s->pid > 0 && s->kill_at == 0) {
		kill(s->pid, sig);
		s->kill_at = clock_ms() / 1e3 + (double)m->cfg.shutdown_timeout;
	}
}

static void
reap(struct master *m)
{
	struct slot	*s;
	pid_t		 pid;
	int		 status, i;
	double		 lived;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < MAX_WORKERS; i++)
			if (m->slots[i].pid == pid)
				break;
		if (i == MAX_WORKERS)
			continue;
		s = &m->slots[i];
		lived = clock_ms() / 1e3 - s->started;
		if (s->kill_at == 0 && !m->stopping &&
		    (WIFSIGNALED(status) || WEXITSTATUS(status) != 0)) {
			if (WIFSIGNALED(status))
				log_error("master: worker %d killed by signal %d after %.1f s",
				    (int)pid, WTERMSIG(status), lived);
			else if (WEXITSTATUS(status) != 0)
				log_error("master: worker %d exited with %d after %.1f s",
				    (int)pid, WEXITSTATUS(status), lived);
			metrics_add(m->metrics, worker_restarts, 1);
			if (lived < 2.0) {
				/* Dying young: back off exponentially, from 50 ms up to 10 s. */
				double delay = 0.05 * (double)(1 << (m->quick_deaths < 8 ? m->quick_deaths : 8));
				m->quick_deaths++;
				m->respawn_at = clock_ms() / 1e3 + (delay > 10 ? 10 : delay);
			} else
				m->quick_deaths = 0;
		}
		s->pid = 0;
		s->kill_at = 0;
	}
}

/* A setting that needs a restart keeps its running value over a reload. */
static void
keep_str(char **dst, const char *running)
{
	free(*dst);
	*dst = running != NULL ? strdup(running) : NULL;
}

static void
reload(struct master *m)
{
	struct gh_config	 ncfg;
	char			 err[512];
	enum log_level		 lvl;
	enum pool		 p;
	int			 i;

	if (config_load(&ncfg, m->cfg.path, err, sizeof(err)) == -1) {
		log_error("master: reload refused, keeping the running configuration: %s", err);
		return;
	}
	if (strcmp(ncfg.listen, m->cfg.listen) != 0) {
		log_warn("master: reload: a new 'listen' takes effect only after a restart");
		keep_str(&ncfg.listen, m->cfg.listen);
	}
	if ((ncfg.check_listen == NULL) != (m->cfg.check_listen == NULL) ||
	    (ncfg.check_listen != NULL && strcmp(ncfg.check_listen, m->cfg.check_listen) != 0)) {
		log_warn("master: reload: a new 'check_listen' takes effect only after a restart");
		keep_str(&ncfg.check_listen, m->cfg.check_listen);
	}
	if (ncfg.pwhash_concurrency != m->cfg.pwhash_concurrency) {
		log_warn("master: reload: a new 'pwhash_concurrency' takes effect only after a restart");
		ncfg.pwhash_concurrency = m->cfg.pwhash_concurrency;
	}
	/* Old workers keep a copy of the old configuration in their own address space. */
	config_free(&m->cfg);
	m->cfg = ncfg;
	if (log_level_parse(m->cfg.log_level, &lvl) == 0)
		log_level_cur = lvl;
	if (log_open(m->cfg.log_file) == -1)
		log_error("master: reload: log_file %s: %s", m->cfg.log_file, strerror(errno));
	m->gen++;
	metrics_add(m->metrics, reloads, 1);
	/* New workers first, so the sockets are always served; then the old ones finish and go. */
	for (p = 0; p < POOL_N; p++)
		for (i = 0; i < pool_size(m, p); i++)
			spawn(m, p);
	/* Type=notify (gatehouse.service): the sockets are open and the workers started. */
	notify("READY=1\nSTATUS=serving");
	for (i = 0; i < MAX_WORKERS; i++)
		if (m->slots[i].pid > 0 && m->slots[i].gen != m->gen)
			tell_stop(m, &m->slots[i], SIGUSR2);
	log_info("master: reloaded, generation %u, %lld workers, %lld in the check pool", m->gen,
	    pool_size(m, POOL_MAIN), pool_size(m, POOL_CHECK));
}

static void
write_pid(const char *path)
{
	FILE	*f;

	if (path == NULL)
		return;
	if ((f = fopen(path, "w")) == NULL) {
		log_error("master: pid_file %s: %s", path, strerror(errno));
		return;
	}
	fprintf(f, "%d\n", (int)getpid());
	fclose(f);
}

int
master_run(struct gh_config *cfg)
{
	struct master	*m;
	sigset_t	 set;
	struct password_stats	 pst;
	siginfo_t	 si;
	struct timespec	 ts = { 0, 200 * 1000 * 1000 };
	enum pool	 p;
	int		 sig, i;
	double		 t;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return 1;
	m->cfg = *cfg;
	memset(cfg, 0, sizeof(*cfg));
	m->fd[POOL_CHECK] = -1;
	if ((m->fd[POOL_MAIN] = master_listen(&m->cfg, m->cfg.listen)) == -1 ||
	    (m->cfg.check_listen != NULL &&
	    (m->fd[POOL_CHECK] = master_listen(&m->cfg, m->cfg.check_listen)) == -1)) {
		/* Nothing runs yet: give back what was taken and say so (cmd.c tees to stderr). */
		if (m->fd[POOL_MAIN] != -1)
			close(m->fd[POOL_MAIN]);
		config_free(&m->cfg);
		free(m);
		return 1;
	}
	/* The listening sockets are inherited by the workers. */
	for (p = 0; p < POOL_N; p++)
		if (m->fd[p] != -1)
			fcntl(m->fd[p], F_SETFD, 0);
	if ((m->metrics = metrics_new()) == NULL) {
		log_error("master: cannot map the metrics area");
		return 1;
	}
	log_share(&m->metrics->log_write_errors, &m->metrics->log_reported);
	/* The sockets are open: from here errors are the log's alone (cmd.c turned the tee on). */
	log_tee_errors(0);
	pst.waits = &m->metrics->pwhash_waits;
	pst.wait_us = &m->metrics->pwhash_wait_us;
	pst.in_slot = &m->metrics->pwhash_in_slot;
	pst.mapped = &m->metrics->pwhash_mapped;
	if (password_gate_open((int)m->cfg.pwhash_concurrency,
	    (size_t)m->cfg.pwhash_memlimit_kib * 1024, &pst) == 0) {
		m->metrics->pwhash_slots = (uint64_t)m->cfg.pwhash_concurrency;
		if (password_gate_memory(NULL, NULL) == NULL)
			log_warn("master: no memory of their own for the hashing slots (%s): "
			    "each hash maps its own", strerror(errno));
	} else
		log_warn("master: no gate for password hashing (%s): hashes run unlimited",
		    strerror(errno));
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGQUIT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	write_pid(m->cfg.pid_file);
	log_info("master: pid %d, listening on %s, %lld workers", (int)getpid(), m->cfg.listen,
	    m->cfg.workers);
	if (m->cfg.check_listen != NULL)
		log_info("master: check pool on %s, %lld workers x %lld connections",
		    m->cfg.check_listen, m->cfg.check_workers, m->cfg.check_worker_connections);
	for (p = 0; p < POOL_N; p++)
		for (i = 0; i < pool_size(m, p); i++)
			spawn(m, p);
	/* Type=notify (gatehouse.service): the sockets are open and the workers started. */
	notify("READY=1\nSTATUS=serving");

	for (;;) {
		sig = sigtimedwait(&set, &si, &ts);
		switch (sig) {
		case SIGCHLD:
			break;
		case SIGTERM:
		case SIGINT:
		case SIGQUIT:
			if (!m->stopping) {
				log_info("master: stopping (signal %d), waiting for requests in flight",
				    sig);
				m->stopping = 1;
				notify("STOPPING=1");
				for (i = 0; i < MAX_WORKERS; i++)
					tell_stop(m, &m->slots[i], SIGTERM);
			}
			break;
		case SIGHUP:
			if (!m->stopping) {
				notify("RELOADING=1");
				reload(m);
				notify("READY=1");
			}
			break;
		case SIGUSR1:
			if (log_reopen() == -1)
				log_error("master: reopen log: %s", strerror(errno));
			for (i = 0; i < MAX_WORKERS; i++)
				if (m->slots[i].pid > 0)
					kill(m->slots[i].pid, SIGUSR1);
			break;
		default:
			break;
		}
		reap(m);
		t = clock_ms() / 1e3;
		for (i = 0; i < MAX_WORKERS; i++)
			if (m->slots[i].pid > 0 && m->slots[i].kill_at > 0 && t >= m->slots[i].kill_at) {
				log_warn("master: worker %d did not finish in time, killing it",
				    (int)m->slots[i].pid);
				kill(m->slots[i].pid, SIGKILL);
				m->slots[i].kill_at = t + 3600;
			}
		if (m->stopping) {
			if (alive(m) == 0)
				break;
			continue;
		}
		for (p = 0; p < POOL_N; p++)
			while (alive_current(m, p) < pool_size(m, p) && t >= m->respawn_at) {
				if (spawn(m, p) == -1 || m->quick_deaths > 0)
					break;	/* one at a time while backing off */
			}
	}
	password_gate_close();
	for (p = 0; p < POOL_N; p++)
		if (m->fd[p] != -1)
			close(m->fd[p]);
	if (strncmp(m->cfg.listen, "unix:", 5) == 0)
		unlink(m->cfg.listen + 5);
	if (m->cfg.check_listen != NULL && strncmp(m->cfg.check_listen, "unix:", 5) == 0)
		unlink(m->cfg.check_listen + 5);
	if (m->cfg.pid_file != NULL)
		unlink(m->cfg.pid_file);
	log_info("master: stopped");
	config_free(&m->cfg);
	free(m);
	return 0;
}
