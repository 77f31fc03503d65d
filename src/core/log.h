/*
 * log.h: one JSON line per event or request, written with a single write(2) to the log file
 * (O_APPEND) or stderr.  The level is checked before anything is formatted.  Strings are escaped
 * by cJSON, so control characters never reach the file raw.  Never pass a token or password.
 *
 * Access lines may be gathered (log_buffer_init): a busy worker then writes many in one call.
 * Whole lines only, and only to a regular file (O_APPEND places each write whole; on a pipe or
 * socket every line keeps its own write), so lines of different processes never interleave.
 * A forked child drops what its parent had gathered.  The buffer is written
 * before any other line (order kept), when full, when its oldest line is a second old, and by
 * log_flush(): the worker calls it before it sleeps and at exit, and log_flush_on_crash() has
 * a fatal signal do it before the process dies.
 */
#ifndef GH_LOG_H
#define GH_LOG_H

#include <stdint.h>

enum log_level {
	LOG_LVL_ERROR,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
	LOG_LVL__MAX
};

extern enum log_level log_level_cur;

/* Open path for appending (NULL, "", "-" or "stderr" = stderr).  0 on success, -1 with errno. */
int	 log_open(const char *path);
/* Re-open the same path (after rotation).  0 or -1. */
int	 log_reopen(void);
/* Parse "error", "warn", "info", "debug".  0 or -1. */
int	 log_level_parse(const char *, enum log_level *);
/* The request id stamped on event lines until it is set again (borrowed pointer). */
void	 log_set_request_id(const char *);
/*
 * While on, error lines also go to standard error as plain text ("gatehouse: msg") when the
 * log is a file: a command started from a terminal says why it stops before its processes
 * run (serve turns it on until its sockets are open and its workers started).
 */
void	 log_tee_errors(int on);
void	 log_write(enum log_level, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#define log_error(...)	do { if (log_level_cur >= LOG_LVL_ERROR) log_write(LOG_LVL_ERROR, __VA_ARGS__); } while (0)
#define log_warn(...)	do { if (log_level_cur >= LOG_LVL_WARN) log_write(LOG_LVL_WARN, __VA_ARGS__); } while (0)
#define log_info(...)	do { if (log_level_cur >= LOG_LVL_INFO) log_write(LOG_LVL_INFO, __VA_ARGS__); } while (0)
#define log_debug(...)	do { if (log_level_cur >= LOG_LVL_DEBUG) log_write(LOG_LVL_DEBUG, __VA_ARGS__); } while (0)

/*
 * Count failed writes in *errors and keep the time of the last report of one in *reported
 * (both in memory shared by the processes, zeroed; NULL = this process's own), so that a log
 * on a full disk is reported on stderr once a minute in all, not once per line or process.
 */
void	 log_share(uint64_t *errors, uint64_t *reported);
/* Gather access lines in a buffer of size bytes (0 = write each at once).  0 or -1. */
int	 log_buffer_init(size_t size);
/* Bytes of access lines waiting. */
size_t	 log_pending(void);
/* Write the waiting lines now: one write(2), nothing else, so a signal handler may call it. */
void	 log_flush(void);
/* On SIGSEGV, SIGBUS, SIGFPE, SIGILL and SIGABRT: write the waiting lines, then die of it. */
void	 log_flush_on_crash(void);

/* The access line of one request. */
struct log_access {
	const char	*method;
	const char	*path;		/* without the query string */
	int		 status;
	double		 ms;
	const char	*request_id;
	long long	 user_id;	/* 0 = anonymous */
	const char	*client_ip;
	const char	*code;		/* problem code or NULL */
};

void	 log_access(const struct log_access *);

#endif
