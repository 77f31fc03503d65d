#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <pthread.h>

#include <cJSON.h>

#include "core/log.h"

enum log_level		 log_level_cur = LOG_LVL_INFO;

static int		 log_fd = STDERR_FILENO;
static char		*log_path;
static const char	*log_rid;
static pid_t		 log_pid;	/* 0 until first used, and again in a forked child */

static void
forgot_pid(void)
{
	log_pid = 0;
}

/* getpid() once per process rather than once per line. */
static double
pid_now(void)
{
	static int	 hooked;

	if (!hooked) {
		hooked = 1;
		pthread_atfork(NULL, NULL, forgot_pid);
	}
	if (log_pid == 0)
		log_pid = getpid();
	return (double)log_pid;
}

static const char *const levels[LOG_LVL__MAX] = { "error", "warn", "info", "debug" };

int
log_open(const char *path)
{
	int	 fd;

	if (path == NULL || *path == '\0') {
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
	return log_path == NULL ? 0 : log_open(log_path);
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

/* Print the object as one line and write it in one call; frees o. */
static void
emit(cJSON *o)
{
	struct iovec	 iov[2];
	char		*s;

	if ((s = cJSON_PrintUnformatted(o)) != NULL) {
		iov[0].iov_base = s;
		iov[0].iov_len = strlen(s);
		iov[1].iov_base = (void *)"\n";
		iov[1].iov_len = 1;
		/* One writev on an O_APPEND file keeps lines from workers whole. */
		(void)!writev(log_fd, iov, 2);
		cJSON_free(s);
	}
	cJSON_Delete(o);
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
	stamp(ts, sizeof(ts));
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "ts", ts);
	cJSON_AddStringToObject(o, "level", levels[lvl]);
	cJSON_AddNumberToObject(o, "pid", pid_now());
	if (log_rid != NULL)
		cJSON_AddStringToObject(o, "request_id", log_rid);
	cJSON_AddStringToObject(o, "msg", msg);
	emit(o);
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
	emit(o);
}
