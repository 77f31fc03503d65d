/*
 * mail.c: mail through a sendmail-compatible command (config mail_command).
 *
 * A message is rendered from mail_template_dir/NAME.txt: the lines up to the first blank line
 * are headers (Subject: is required), the rest is the body; {{key}} is replaced by the value
 * the caller passes.  Gatehouse adds From (mail_from), To, Date, Message-ID, MIME-Version and
 * Content-Type text/plain; charset=utf-8.  The command runs as `/bin/sh -c mail_command` in its
 * own process group with the message on its standard input, no other descriptor of the worker,
 * and MAIL_TIMEOUT_MS to finish; then the group is killed.  Nothing here logs a message, a
 * recipient or a value: links carry tokens.  Everything allocated belongs to the caller's arena
 * except the message buffer, freed before returning.  It knows nothing of HTTP: a failure comes
 * back as an error and a sentence the caller may show.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* pipe2, close_range */
#endif

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "core/mail.h"

#define MAIL_TIMEOUT_MS		10000	/* the command's time to take the message and exit */
#define MAIL_TEMPLATE_MAX	65536	/* bytes of one template */
#define MAIL_ERR_MAX		200	/* bytes of the command's stderr kept for the log */

struct sbuf {
	char	*p;
	size_t	 len, cap;
};

static void
sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		if ((b->p = realloc(b->p, b->cap)) == NULL)
			abort();
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
sb_str(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static void
sb_free(struct sbuf *b)
{
	if (b->p != NULL)
		sodium_memzero(b->p, b->cap);
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* A template name: [a-z0-9-], 1-64 bytes (it becomes a file name). */
static int
valid_name(const char *name)
{
	size_t	 i;

	for (i = 0; name[i] != '\0'; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		    name[i] == '-'))
			return 0;
	return i > 0 && i <= 64;
}

/* Whether s holds a byte that may not appear in a header value (CR, LF, other controls). */
static int
has_ctl(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* Set *why to the message (in a) and return e. */
static enum gh_err
fail(struct arena *a, const char **why, enum gh_err e, const char *fmt, ...)
{
	va_list	 ap;
	char	 buf[256];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	*why = arena_strdup(a, buf);
	return e;
}

/* Read the template into the arena; NULL after logging why. */
static char *
read_template(const struct gh_config *cfg, struct arena *a, const char *name, size_t *len)
{
	const char	*dir = cfg->mail_template_dir;
	char		*path, *buf;
	FILE		*f;
	size_t		 n;

	path = arena_printf(a, "%s/%s.txt", dir ? dir : ".", name);
	if ((f = fopen(path, "re")) == NULL) {
		log_error("mail: cannot open template %s: %s", path, strerror(errno));
		return NULL;
	}
	buf = arena_alloc(a, MAIL_TEMPLATE_MAX + 1);
	n = fread(buf, 1, MAIL_TEMPLATE_MAX + 1, f);
	if (ferror(f) || n > MAIL_TEMPLATE_MAX) {
		log_error("mail: template %s is unreadable or larger than %d bytes", path,
		    MAIL_TEMPLATE_MAX);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static const char *
lookup(const char *const *vars, const char *key, size_t klen)
{
	size_t	 i;

	for (i = 0; vars != NULL && vars[i] != NULL && vars[i + 1] != NULL; i += 2)
		if (strlen(vars[i]) == klen && memcmp(vars[i], key, klen) == 0)
			return vars[i + 1];
	return NULL;
}

/*
 * Append s[0..n) to b with {{key}} replaced.  In a header (header set), control characters of
 * values become spaces, so no value can start a header of its own.  Unknown keys render empty.
 */
static void
render(struct sbuf *b, const char *s, size_t n, const char *const *vars, int header,
    const char *name)
{
	const char	*end = s + n, *open, *close, *v;
	size_t		 i;

	while (s < end) {
		open = memmem(s, (size_t)(end - s), "{{", 2);
		if (open == NULL || (close = memmem(open + 2, (size_t)(end - open - 2), "}}", 2)) ==
		    NULL) {
			sb_add(b, s, (size_t)(end - s));
			return;
		}
		sb_add(b, s, (size_t)(open - s));
		v = lookup(vars, open + 2, (size_t)(close - open - 2));
		if (v == NULL)
			log_warn("mail: template %s names an unknown value %.*s", name,
			    (int)(close - open - 2 > 64 ? 64 : close - open - 2), open + 2);
		else if (!header)
			sb_str(b, v);
		else
			for (i = 0; v[i] != '\0'; i++)
				sb_add(b, (unsigned char)v[i] < 0x20 || v[i] == 0x7f ? " " : &v[i], 1);
		s = close + 2;
	}
}

/* Whether the header line (name: value) is one Gatehouse sets itself. */
static int
reserved_header(const char *line, size_t n)
{
	static const char *const names[] = { "from:", "to:", "date:", "message-id:",
	    "mime-version:", "content-type:", "content-transfer-encoding:", "cc:", "bcc:", NULL };
	size_t	 i, k;

	for (i = 0; names[i] != NULL; i++) {
		k = strlen(names[i]);
		if (n >= k && strncasecmp(line, names[i], k) == 0)
			return 1;
	}
	return 0;
}

/*
 * Append "Subject: value" to b, as RFC 2047 encoded words when value is not plain ASCII.  The
 * words are cut on character boundaries and folded onto continuation lines.
 */
static void
subject(struct sbuf *b, const char *v)
{
	const unsigned char	*p = (const unsigned char *)v;
	char			 enc[128];
	size_t			 n = strlen(v), i, take;
	int			 ascii = 1;

	for (i = 0; i < n; i++)
		if (p[i] >= 0x80)
			ascii = 0;
	sb_str(b, "Subject: ");
	if (ascii) {
		sb_add(b, v, n);
		sb_str(b, "\n");
		return;
	}
	for (i = 0; i < n; i += take) {
		take = n - i > 45 ? 45 : n - i;
		/* Never split a UTF-8 sequence: back up over continuation bytes. */
		while (i + take < n && take > 0 && (p[i + take] & 0xc0) == 0x80)
			take--;
		if (take == 0)
			take = n - i > 45 ? 45 : n - i;
		sodium_bin2base64(enc, sizeof(enc), p + i, take, sodium_base64_VARIANT_ORIGINAL);
		if (i > 0)
			sb_str(b, "\n ");
		sb_str(b, "=?UTF-8?B?");
		sb_str(b, enc);
		sb_str(b, "?=");
	}
	sb_str(b, "\n");
}

/* The domain of the From address, for Message-ID. */
static const char *
from_domain(struct arena *a, const char *from)
{
	const char	*at = strrchr(from, '@');
	size_t		 n;

	if (at == NULL)
		return "gatehouse.invalid";
	at++;
	n = strcspn(at, "> \t");
	return n > 0 ? arena_strndup(a, at, n) : "gatehouse.invalid";
}

/* Build the whole message into b.  GH_OK, or an error with *why set (in a). */
static enum gh_err
compose(const struct gh_config *cfg, struct arena *a, struct sbuf *b, const char *to,
    const char *name, const char *const *vars, const char **why)
{
	const char		*tpl, *end, *line, *nl, *body;
	struct sbuf		 h = { NULL, 0, 0 };
	unsigned char		 id[16];
	char			 hex[33], date[64];
	size_t			 len, n;
	struct tm		 tm;
	time_t			 now = time(NULL);
	int			 have_subject = 0;

	if ((tpl = read_template(cfg, a, name, &len)) == NULL)
		return fail(a, why, GH_ERR_INTERNAL, "the %s mail template is missing", name);
	end = tpl + len;
	/* The header block: lines up to the first empty one. */
	for (line = tpl, body = NULL; line < end; line = nl + 1) {
		if ((nl = memchr(line, '\n', (size_t)(end - line))) == NULL)
			nl = end;
		n = (size_t)(nl - line);
		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (n == 0) {
			body = nl < end ? nl + 1 : end;
			break;
		}
		if (memchr(line, ':', n) == NULL || line[0] == ' ' || line[0] == '\t') {
			log_error("mail: template %s: the header block has a line that is not "
			    "\"Name: value\"", name);
			sb_free(&h);
			return fail(a, why, GH_ERR_INTERNAL, "the %s mail template is broken",
			    name);
		}
		if (reserved_header(line, n))
			continue;	/* set by Gatehouse below */
		if (n >= 8 && strncasecmp(line, "subject:", 8) == 0) {
			struct sbuf	 s = { NULL, 0, 0 };
			const char	*v = line + 8;

			while (v < line + n && (*v == ' ' || *v == '\t'))
				v++;
			render(&s, v, (size_t)(line + n - v), vars, 1, name);
			subject(&h, s.p ? s.p : "");
			sb_free(&s);
			have_subject = 1;
			continue;
		}
		render(&h, line, n, vars, 1, name);
		sb_str(&h, "\n");
	}
	if (body == NULL || !have_subject) {
		log_error("mail: template %s needs a Subject: line and a blank line before the body",
		    name);
		sb_free(&h);
		return fail(a, why, GH_ERR_INTERNAL, "the %s mail template is broken", name);
	}

	randombytes_buf(id, sizeof(id));
	sodium_bin2hex(hex, sizeof(hex), id, sizeof(id));
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	sb_str(b, "From: ");
	sb_str(b, cfg->mail_from);
	sb_str(b, "\nTo: ");
	sb_str(b, to);
	sb_str(b, "\n");
	sb_add(b, h.p ? h.p : "", h.len);
	sb_free(&h);
	sb_str(b, "Date: ");
	sb_str(b, date);
	sb_str(b, "\nMessage-ID: <");
	sb_str(b, hex);
	sb_str(b, "@");
	sb_str(b, from_domain(a, cfg->mail_from));
	sb_str(b, ">\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: 8bit\n\n");
	render(b, body, (size_t)(end - body), vars, 0, name);
	if (b->len == 0 || b->p[b->len - 1] != '\n')
		sb_str(b, "\n");
	return GH_OK;
}

/* In the child: the message on stdin, stdout to /dev/null, stderr to errfd, nothing else. */
static void
child(const char *cmd, int infd, int errfd)
{
	sigset_t	 none;
	int		 null;

	setpgid(0, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	if ((null = open("/dev/null", O_WRONLY)) == -1 || dup2(infd, 0) == -1 ||
	    dup2(null, 1) == -1 || dup2(errfd, 2) == -1)
		_exit(126);
	close_range(3, ~0U, 0);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

/* Keep the first line of the command's stderr for the log, cut before anything like a link. */
static void
note_stderr(char *buf, size_t n)
{
	char	*p;

	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if ((p = strstr(buf, "token=")) != NULL)
		*p = '\0';
	if ((p = strstr(buf, "://")) != NULL)
		*p = '\0';
	for (p = buf; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
}

/*
 * Run cmd with msg on its standard input.  0 when it exited 0; -1 otherwise, with why (and the
 * start of its stderr) written to err.
 */
static int
run(const char *cmd, const char *msg, size_t len, char *err, size_t errlen)
{
	int		 in[2], ep[2], status = 0, exited = 0, wdone = 0, edone = 0, r;
	char		 ebuf[MAIL_ERR_MAX + 1];
	size_t		 off = 0, elen = 0;
	long long	 deadline = (long long)clock_ms() + MAIL_TIMEOUT_MS, left;
	struct pollfd	 pf[2];
	nfds_t		 np;
	ssize_t		 k;
	pid_t		 pid;
	char		 sink[512];

	if (pipe2(in, O_CLOEXEC) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	if (pipe2(ep, O_CLOEXEC) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		close(in[0]);
		close(in[1]);
		return -1;
	}
	if ((pid = fork()) == -1) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(in[0]);
		close(in[1]);
		close(ep[0]);
		close(ep[1]);
		return -1;
	}
	if (pid == 0)
		child(cmd, in[0], ep[1]);
	close(in[0]);
	close(ep[1]);
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	fcntl(ep[0], F_SETFL, O_NONBLOCK);

	/*
	 * Feed stdin and drain stderr until the child has exited and taken its input.  Its
	 * stderr may stay open in a process it left behind, so the exit, not EOF, ends the wait.
	 */
	while (!exited || !wdone) {
		if ((left = deadline - (long long)clock_ms()) <= 0)
			break;
		np = 0;
		if (!wdone)
			pf[np++] = (struct pollfd){ in[1], POLLOUT, 0 };
		if (!edone)
			pf[np++] = (struct pollfd){ ep[0], POLLIN, 0 };
		r = poll(pf, np, left < 20 ? (int)left : 20);
		if (r == -1 && errno != EINTR)
			break;
		if (!wdone) {
			k = write(in[1], msg + off, len - off);
			if (k > 0)
				off += (size_t)k;
			if (off == len || (k == -1 && errno != EAGAIN && errno != EINTR)) {
				close(in[1]);
				wdone = 1;
			}
		}
		while (!edone) {
			k = read(ep[0], elen < MAIL_ERR_MAX ? ebuf + elen : sink,
			    elen < MAIL_ERR_MAX ? MAIL_ERR_MAX - elen : sizeof(sink));
			if (k > 0 && elen < MAIL_ERR_MAX)
				elen += (size_t)k;
			else if (k == 0 || (k == -1 && errno != EAGAIN && errno != EINTR))
				edone = 1;
			if (k <= 0)
				break;
		}
		if (!exited && waitpid(pid, &status, WNOHANG) == pid)
			exited = 1;
	}
	if (!wdone)
		close(in[1]);
	close(ep[0]);
	if (!exited) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
		snprintf(err, errlen, "the mail command did not finish within %d ms; killed",
		    MAIL_TIMEOUT_MS);
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	note_stderr(ebuf, elen);
	if (WIFEXITED(status))
		snprintf(err, errlen, "the mail command exited with status %d%s%s",
		    WEXITSTATUS(status), elen ? ": " : "", ebuf);
	else
		snprintf(err, errlen, "the mail command was killed by signal %d",
		    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return -1;
}

enum gh_err
mail_send(const struct gh_config *cfg, struct arena *a, const char *to, const char *name,
    const char *const *vars, const char **why)
{
	struct sbuf		 msg = { NULL, 0, 0 };
	char			 cmd_err[512];
	enum gh_err		 err;
	long long		 t0 = (long long)clock_ms();

	if (to == NULL || *to == '\0' || has_ctl(to) || strchr(to, ',') != NULL ||
	    !valid_name(name)) {
		log_error("mail: refusing to send %s: bad recipient or template name", name);
		return fail(a, why, GH_ERR_INTERNAL, "the mail could not be composed");
	}
	if (cfg->mail_command == NULL || *cfg->mail_command == '\0') {
		log_error("mail: cannot send %s: mail_command is empty", name);
		return fail(a, why, GH_ERR_NOT_READY, "mail delivery is not configured");
	}
	if (cfg->mail_from == NULL || has_ctl(cfg->mail_from)) {
		log_error("mail: cannot send %s: mail_from is empty or holds control characters",
		    name);
		return fail(a, why, GH_ERR_NOT_READY, "mail delivery is not configured");
	}
	if ((err = compose(cfg, a, &msg, to, name, vars, why)) != GH_OK) {
		sb_free(&msg);
		return err;
	}
	if (run(cfg->mail_command, msg.p, msg.len, cmd_err, sizeof(cmd_err)) != 0) {
		sb_free(&msg);
		log_error("mail: %s not sent: %s", name, cmd_err);
		return fail(a, why, GH_ERR_NOT_READY, "the mail could not be sent; try again later");
	}
	sb_free(&msg);
	log_info("mail: %s handed to the mail command in %lld ms", name, (long long)clock_ms() - t0);
	return GH_OK;
}
