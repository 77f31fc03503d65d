/*
 * Unit tests for src/core/log.c's gathered access lines: nothing reaches the file until a
 * flush, a full buffer or an old line writes them; any other line writes them first (order
 * kept); a line longer than the buffer goes straight out; a crash writes them before the
 * process dies; without a buffer, or on a pipe, every line is written at once; a forked child
 * does not write its parent's lines again; writes to a full disk are counted and said on stderr
 * once a minute, not once per line.
 */

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/log.h"

static char	 path[64];

/* The file's whole content (malloc'd). */
static char *
slurp(void)
{
	FILE	*f;
	char	*s;
	long	 n;

	f = fopen(path, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = calloc(1, (size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return s;
}

static int
count(const char *hay, const char *needle)
{
	int	 n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay++;
	}
	return n;
}

static void
access_line(const char *rid)
{
	struct log_access	 a;

	memset(&a, 0, sizeof(a));
	a.method = "GET";
	a.path = "/api/v1/me";
	a.status = 200;
	a.ms = 0.25;
	a.request_id = rid;
	log_access(&a);
}

static int
setup(void **state)
{
	int	 fd;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/gh-test-log.XXXXXX");
	if ((fd = mkstemp(path)) == -1)
		return -1;
	close(fd);
	log_level_cur = LOG_LVL_INFO;
	return log_open(path);
}

static int
teardown(void **state)
{
	(void)state;
	log_buffer_init(0);
	log_open(NULL);
	unlink(path);
	return 0;
}

static void
test_unbuffered(void **state)
{
	char	*s;

	(void)state;
	assert_int_equal(log_buffer_init(0), 0);
	access_line("rid-u1");
	assert_int_equal(log_pending(), 0);
	s = slurp();
	assert_int_equal(count(s, "\"request_id\":\"rid-u1\""), 1);
	free(s);
}

static void
test_gathered_until_flush(void **state)
{
	char	*s;

	(void)state;
	assert_int_equal(log_buffer_init(4096), 0);
	access_line("rid-g1");
	access_line("rid-g2");
	assert_true(log_pending() > 0);
	s = slurp();
	assert_string_equal(s, "");
	free(s);
	log_flush();
	assert_int_equal(log_pending(), 0);
	s = slurp();
	/* Two whole lines, in order. */
	assert_int_equal(count(s, "\n"), 2);
	assert_true(strstr(s, "rid-g1") < strstr(s, "rid-g2"));
	free(s);
}

static void
test_other_lines_keep_order(void **state)
{
	char	*s;

	(void)state;
	assert_int_equal(log_buffer_init(4096), 0);
	access_line("rid-o1");
	log_write(LOG_LVL_ERROR, "something broke");
	/* The error went out at once, after the access line it followed. */
	assert_int_equal(log_pending(), 0);
	s = slurp();
	assert_non_null(strstr(s, "rid-o1"));
	assert_non_null(strstr(s, "something broke"));
	assert_true(strstr(s, "rid-o1") < strstr(s, "something broke"));
	free(s);
}

static void
test_full_buffer(void **state)
{
	char	*s;
	size_t	 one;

	(void)state;
	assert_int_equal(log_buffer_init(4096), 0);
	access_line("rid-f0");
	one = log_pending();
	log_flush();
	assert_int_equal(log_buffer_init(one * 2 + one / 2), 0);
	access_line("rid-f1");
	access_line("rid-f2");
	s = slurp();
	assert_int_equal(count(s, "rid-f1"), 0);
	free(s);
	access_line("rid-f3");	/* does not fit: the first two are written */
	s = slurp();
	assert_int_equal(count(s, "rid-f1"), 1);
	assert_int_equal(count(s, "rid-f2"), 1);
	assert_int_equal(count(s, "rid-f3"), 0);
	free(s);
	assert_int_equal(log_pending(), one);
	/* A buffer smaller than one line: the line goes straight out. */
	assert_int_equal(log_buffer_init(16), 0);
	access_line("rid-f4");
	assert_int_equal(log_pending(), 0);
	s = slurp();
	assert_int_equal(count(s, "rid-f4"), 1);
	free(s);
}

static void
test_old_lines(void **state)
{
	char	*s;

	(void)state;
	assert_int_equal(log_buffer_init(4096), 0);
	access_line("rid-a1");
	usleep(1100 * 1000);
	access_line("rid-a2");	/* the first is over a second old: both are written */
	assert_int_equal(log_pending(), 0);
	s = slurp();
	assert_int_equal(count(s, "rid-a1"), 1);
	assert_int_equal(count(s, "rid-a2"), 1);
	free(s);
}

static void
test_crash(void **state)
{
	char	*s;
	int	 st;
	pid_t	 pid;

	(void)state;
#if defined(__SANITIZE_ADDRESS__)
	skip();		/* AddressSanitizer keeps SIGSEGV for itself */
#endif
	if ((pid = fork()) == 0) {
		if (log_buffer_init(4096) != 0)
			_exit(2);
		log_flush_on_crash();
		access_line("rid-c1");
		raise(SIGSEGV);
		_exit(3);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	/* It died of the signal, as it would have without the handler... */
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGSEGV);
	/* ...and its gathered line is in the file. */
	s = slurp();
	assert_int_equal(count(s, "rid-c1"), 1);
	free(s);
}

/* On a pipe (stderr under journald or docker) nothing is gathered: each line is its own write. */
static void
test_pipe_unbuffered(void **state)
{
	char	 got[512];
	int	 fd[2], saved;
	ssize_t	 n;

	(void)state;
	assert_int_equal(pipe(fd), 0);
	saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_int_equal(dup2(fd[1], STDERR_FILENO), STDERR_FILENO);
	assert_int_equal(log_open(NULL), 0);		/* stderr: the pipe */
	assert_int_equal(log_buffer_init(4096), 0);
	access_line("rid-p1");
	assert_int_equal(log_pending(), 0);
	n = read(fd[0], got, sizeof(got) - 1);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(fd[0]);
	close(fd[1]);
	assert_true(n > 0);
	got[n] = '\0';
	assert_non_null(strstr(got, "rid-p1"));
	assert_int_equal(log_open(path), 0);
}

/* A forked child (the mail command) does not write the parent's gathered lines again. */
static void
test_fork_child_drops_lines(void **state)
{
	char	*s;
	int	 st;
	pid_t	 pid;

	(void)state;
	assert_int_equal(log_buffer_init(4096), 0);
	access_line("rid-k1");
	if ((pid = fork()) == 0) {
		log_write(LOG_LVL_ERROR, "child line");	/* flushes first: its buffer must be empty */
		_exit(log_pending() == 0 ? 0 : 4);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	log_flush();
	s = slurp();
	assert_int_equal(count(s, "rid-k1"), 1);
	assert_int_equal(count(s, "child line"), 1);
	free(s);
}

/*
 * A full disk (/dev/full: every write fails with ENOSPC): each failed write is counted, the
 * condition is said on stderr once, not per line, and again once a minute has passed.  Before,
 * the lines were dropped without a word (tests/faults, "the log file's disk full").
 */
static void
test_full_disk(void **state)
{
	char		 got[4096];
	uint64_t	 errors = 0, reported = 0;
	int		 fd[2], saved, i;
	ssize_t		 n;

	(void)state;
	if (access("/dev/full", W_OK) != 0)
		skip();
	assert_int_equal(pipe(fd), 0);
	assert_int_equal(fcntl(fd[0], F_SETFL, O_NONBLOCK), 0);
	saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_int_equal(dup2(fd[1], STDERR_FILENO), STDERR_FILENO);
	log_share(&errors, &reported);
	assert_int_equal(log_open("/dev/full"), 0);
	for (i = 0; i < 50; i++) {
		log_write(LOG_LVL_ERROR, "event line %d", i);
		access_line("rid-full");
	}
	assert_int_equal(errors, 100);
	n = read(fd[0], got, sizeof(got) - 1);
	got[n > 0 ? n : 0] = '\0';
	assert_int_equal(count(got, "\n"), 1);
	assert_non_null(strstr(got, "log: writing to /dev/full failed: No space left on device"));
	assert_non_null(strstr(got, "\"level\":\"error\""));
	assert_null(strstr(got, "rid-full"));

	/* A minute later (the last report moved back), one more line says it again. */
	reported -= 61000;
	access_line("rid-full");
	access_line("rid-full");
	n = read(fd[0], got, sizeof(got) - 1);
	got[n > 0 ? n : 0] = '\0';
	assert_int_equal(count(got, "\n"), 1);
	assert_int_equal(errors, 102);

	dup2(saved, STDERR_FILENO);
	close(saved);
	close(fd[0]);
	close(fd[1]);
	log_share(NULL, NULL);
	assert_int_equal(log_open(path), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_unbuffered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gathered_until_flush, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_lines_keep_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_buffer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pipe_unbuffered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fork_child_drops_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_disk, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
