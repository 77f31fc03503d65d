#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <pthread.h>

#include <cJSON.h>

#include "core/clock.h"
#include "core/log.h"

enum log_level		 log_level_cur = LOG_LVL_INFO;

static int		 log_fd = STDERR_FILENO;
static char		*log_path;
static const char	*log_rid;
static pid_t		 log_pid;	/* 0 until first used, and again in a forked child */

/* Gathered access lines (log_buffer_init); cap 0 = none. */
static char		*lbuf;
static size_t		 buf_cap, buf_len;
static double		 buf_since;	/* monotonic seconds of the oldest line in lbuf */

#define BUF_MAX_AGE	1.0

/*
 * Failed writes (a full disk, a file system gone read-only): counted, and said on stderr at most
 * once a minute for all the processes sharing the counters (log_share), never once per line:
 * the requests go on being served without their lines.
 */
#define REPORT_EVERY_MS	60000.0

static uint64_t		 own_errors, own_reported;
static uint64_t		*sh_errors = &own_errors;
static uint64_t		*sh_reported = &own_reported;	/* monotonic ms + 1 of the last report */

/*
 * In a forked child (a mail command, a worker): its own pid, and none of the parent's gathered
 * lines, which the parent writes itself.
 */
static void
in_child(void)
{
	log_pid = 0;
	buf_len = 0;
}

static void
hook_fork(void)
{
	static int	 hooked;

	if (!hooked) {
		hooked = 1;
		pthread_atfork(NULL, NULL, in_child);
	}
}

/* getpid() once per process rather than once per line. */
static double
pid_now(void)
{
	hook_fork();
	if (log_pid == 0)
		log_pid = getpid();
	return (double)log_pid;
}

static void
stamp(char *buf, size_t sz)
{
	struct timeval	 tv;
	struct tm	 tm;
	size_t		 n;

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	n = strftime(buf, sz, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, sz - n, ".%03ldZ", (long)(tv.tv_usec / 1000));
}

static const char *const levels[LOG_LVL__MAX] = { "error", "warn", "info", "debug" };

int
log_open(const char *path)
{
	int	 fd;

	/* "-" and "stderr" say it outright: the journal under systemd, docker's log. */
	if (path == NULL || *path == '\0' || strcmp(path, "-") == 0 || strcmp(path, "stderr") == 0) {
		free(log_path);
		log_path = NULL;
		log_fd = STDERR_FILENO;
		return 0;
	}
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640)) == -1)
		return -1;
	if (log_fd != STDERR_FILENO)
		close(log_fd);
	log_fd = fd;
	if (log_path != path) {
		free(log_path);
		log_path = strdup(path);
	}
	return 0;
}

int
log_reopen(void)
{
	log_flush();	/* the old file gets the lines of its time */
	return log_path == NULL ? 0 : log_open(log_path);
}

int
log_buffer_init(size_t size)
{
	struct stat	 st;
	char		*b = NULL;

	log_flush();
	hook_fork();
	/*
	 * Only on a regular file opened O_APPEND is a write of many lines placed whole; on a pipe or
	 * socket (stderr under journald or docker) writes over PIPE_BUF from several workers may
	 * interleave, so there every line keeps its own write.
	 */
	if (size > 0 && (fstat(log_fd, &st) == -1 || !S_ISREG(st.st_mode)))
		size = 0;
	if (size > 0 && (b = malloc(size)) == NULL)
		return -1;
	free(lbuf);
	lbuf = b;
	buf_cap = size;
	buf_len = 0;
	return 0;
}

size_t
log_pending(void)
{
	return buf_len;
}

void
log_share(uint64_t *errors, uint64_t *reported)
{
	sh_errors = errors != NULL ? errors : &own_errors;
	sh_reported = reported != NULL ? reported : &own_reported;
}

/*
 * A write to the log failed with err (0: it wrote nothing): count it, and unless it was said in
 * the last minute by any process, say so on stderr (when the log is not stderr itself).  Not
 * from a signal handler: it formats with cJSON.
 */
static void
write_failed(int err)
{
	char		 ts[40], msg[1024];
	uint64_t	 t, last;
	cJSON		*o;
	char		*s;
	size_t		 n;

	__atomic_fetch_add(sh_errors, 1, __ATOMIC_RELAXED);
	t = (uint64_t)clock_ms() + 1;
	last = __atomic_load_n(sh_reported, __ATOMIC_RELAXED);
	if (last != 0 && (double)(t - last) < REPORT_EVERY_MS)
		return;
	/* One process wins the minute. */
	if (!__atomic_compare_exchange_n(sh_reported, &last, t, 0, __ATOMIC_RELAXED,
	    __ATOMIC_RELAXED) || log_fd == STDERR_FILENO)
		return;
	snprintf(msg, sizeof(msg), "log: writing to %s failed: %s; log lines are lost until it "
	    "works again (said at most once a minute; gatehouse_log_write_errors_total counts "
	    "the failed writes)", log_path != NULL ? log_path : "the log",
	    err != 0 ? strerror(err) : "nothing written");
	stamp(ts, sizeof(ts));
	if ((o = cJSON_CreateObject()) == NULL)
		return;
	cJSON_AddStringToObject(o, "ts", ts);
	cJSON_AddStringToObject(o, "level", "error");
	cJSON_AddNumberToObject(o, "pid", pid_now());
	cJSON_AddStringToObject(o, "msg", msg);
	if ((s = cJSON_PrintUnformatted(o)) != NULL) {
		n = strlen(s);
		s[n] = '\n';	/* over the terminator: written by length */
		(void)!write(STDERR_FILENO, s, n + 1);
		s[n] = '\0';
		cJSON_free(s);
	}
	cJSON_Delete(o);
}

/*
 * write(2) until done or failed, and a store.  With report 0 (a signal handler) nothing but
 * write(2) and stores.
 */
static void
flush(int report)
{
	size_t	 off = 0;
	ssize_t	 n;

	while (off < buf_len) {
		if ((n = write(log_fd, lbuf + off, buf_len - off)) > 0)
			off += (size_t)n;
		else if (n == -1 && errno == EINTR)
			continue;
		else {
			if (report)
				write_failed(n == -1 ? errno : 0);
			break;
		}
	}
	buf_len = 0;
}

void
log_flush(void)
{
	flush(1);
}

/* SA_RESETHAND put the default action back: raising again ends the process as it would have. */
static void
on_crash(int sig)
{
	flush(0);
	raise(sig);
}

void
log_flush_on_crash(void)
{
	static const int	 sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct sigaction	 sa;
	size_t			 i;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_crash;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

int
log_level_parse(const char *s, enum log_level *out)
{
	int	 i;

	for (i = 0; i < LOG_LVL__MAX; i++)
		if (strcmp(s, levels[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	return -1;
}

void
log_set_request_id(const char *rid)
{
	log_rid = rid;
}

/*
 * Print the object as one line and write it in one call, or add it to the buffer when it may
 * wait (an access line and a buffer); frees o.
 */
static void
emit(cJSON *o, int may_wait)
{
	struct iovec	 iov[2];
	ssize_t		 w;
	size_t		 n;
	double		 t;
	char		*s;

	if ((s = cJSON_PrintUnformatted(o)) == NULL) {
		cJSON_Delete(o);
		return;
	}
	n = strlen(s);
	if (may_wait && buf_cap > 0 && n + 1 <= buf_cap) {
		t = clock_ms() / 1e3;
		if (buf_len + n + 1 > buf_cap)
			log_flush();
		if (buf_len == 0)
			buf_since = t;
		memcpy(lbuf + buf_len, s, n);
		lbuf[buf_len + n] = '\n';
		buf_len += n + 1;
		if (t - buf_since >= BUF_MAX_AGE)
			log_flush();
	} else {
		log_flush();	/* lines keep their order */
		iov[0].iov_base = s;
		iov[0].iov_len = n;
		iov[1].iov_base = (void *)"\n";
		iov[1].iov_len = 1;
		/* One writev on an O_APPEND file keeps lines from workers whole. */
		if ((w = writev(log_fd, iov, 2)) != (ssize_t)(n + 1))
			write_failed(w == -1 ? errno : 0);
	}
	cJSON_free(s);
	cJSON_Delete(o);
}

static int	 log_tee;

void
log_tee_errors(int on)
{
	log_tee = on;
}

void
log_write(enum log_level lvl, const char *fmt, ...)
{
	char	 ts[40], msg[1024];
	va_list	 ap;
	cJSON	*o;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (log_tee && lvl == LOG_LVL_ERROR && log_fd != STDERR_FILENO)
		fprintf(stderr, "gatehouse: %s\n", msg);
	stamp(ts, sizeof(ts));
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "ts", ts);
	cJSON_AddStringToObject(o, "level", levels[lvl]);
	cJSON_AddNumberToObject(o, "pid", pid_now());
	if (log_rid != NULL)
		cJSON_AddStringToObject(o, "request_id", log_rid);
	cJSON_AddStringToObject(o, "msg", msg);
	emit(o, 0);
}

void
log_access(const struct log_access *a)
{
	char	 ts[40];
	cJSON	*o;

	if (log_level_cur < LOG_LVL_INFO)
		return;
	stamp(ts, sizeof(ts));
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "ts", ts);
	cJSON_AddStringToObject(o, "level", "info");
	cJSON_AddNumberToObject(o, "pid", pid_now());
	cJSON_AddStringToObject(o, "request_id", a->request_id ? a->request_id : "");
	cJSON_AddStringToObject(o, "method", a->method ? a->method : "");
	cJSON_AddStringToObject(o, "path", a->path ? a->path : "");
	cJSON_AddNumberToObject(o, "status", a->status);
	cJSON_AddNumberToObject(o, "ms", (double)((long long)(a->ms * 1000)) / 1000.0);
	if (a->user_id > 0)
		cJSON_AddNumberToObject(o, "user_id", (double)a->user_id);
	if (a->client_ip != NULL)
		cJSON_AddStringToObject(o, "client_ip", a->client_ip);
	if (a->code != NULL)
		cJSON_AddStringToObject(o, "code", a->code);
	emit(o, 1);
}
