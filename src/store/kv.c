#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <hiredis.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/log.h"
#include "store/kv.h"

struct kv {
	const struct gh_config	*cfg;
	redisContext		*c;
	int			 logged_down;	/* log the outage once, not per request */
};

struct kv *
kv_new(const struct gh_config *cfg)
{
	struct kv	*kv;

	if ((kv = calloc(1, sizeof(*kv))) == NULL)
		return NULL;
	kv->cfg = cfg;
	return kv;
}

static void
drop(struct kv *kv)
{
	if (kv->c != NULL) {
		redisFree(kv->c);
		kv->c = NULL;
	}
}

void
kv_free(struct kv *kv)
{
	if (kv == NULL)
		return;
	drop(kv);
	free(kv);
}

static void
down(struct kv *kv, const char *what)
{
	if (!kv->logged_down)
		log_error("redis: %s", what);
	kv->logged_down = 1;
	drop(kv);
}

static int
simple(redisContext *c, int argc, const char **argv, const size_t *lens)
{
	redisReply	*r;
	int		 ok;

	r = redisCommandArgv(c, argc, argv, lens);
	ok = r != NULL && r->type != REDIS_REPLY_ERROR;
	if (r != NULL)
		freeReplyObject(r);
	return ok;
}

enum gh_err
kv_connect(struct kv *kv)
{
	const struct gh_config	*cfg = kv->cfg;
	struct timeval		 tv;
	char			*pw, err[256], db[16];
	const char		*argv[2];
	size_t			 lens[2];

	if (kv->c != NULL)
		return GH_OK;
	tv.tv_sec = cfg->redis_timeout_ms / 1000;
	tv.tv_usec = (cfg->redis_timeout_ms % 1000) * 1000;
	if (cfg->redis_socket != NULL)
		kv->c = redisConnectUnixWithTimeout(cfg->redis_socket, tv);
	else
		kv->c = redisConnectWithTimeout(cfg->redis_host, (int)cfg->redis_port, tv);
	if (kv->c == NULL || kv->c->err) {
		snprintf(err, sizeof(err), "connect: %s", kv->c ? kv->c->errstr : "out of memory");
		down(kv, err);
		return GH_ERR_REDIS_UNAVAILABLE;
	}
	redisSetTimeout(kv->c, tv);
	if (cfg->redis_password_file != NULL) {
		if ((pw = config_read_secret(cfg->redis_password_file, &lens[1], err,
		    sizeof(err))) == NULL) {
			down(kv, err);
			return GH_ERR_REDIS_UNAVAILABLE;
		}
		argv[0] = "AUTH";
		lens[0] = 4;
		argv[1] = pw;
		if (!simple(kv->c, 2, argv, lens)) {
			config_secret_free(pw);
			down(kv, "AUTH refused");
			return GH_ERR_REDIS_UNAVAILABLE;
		}
		config_secret_free(pw);
	}
	if (cfg->redis_db != 0) {
		snprintf(db, sizeof(db), "%lld", cfg->redis_db);
		argv[0] = "SELECT";
		lens[0] = 6;
		argv[1] = db;
		lens[1] = strlen(db);
		if (!simple(kv->c, 2, argv, lens)) {
			down(kv, "SELECT refused");
			return GH_ERR_REDIS_UNAVAILABLE;
		}
	}
	if (kv->logged_down)
		log_info("redis: connected again");
	kv->logged_down = 0;
	return GH_OK;
}

void
kv_cmd_set(struct kv_cmd *cmd, int argc, ...)
{
	va_list	 ap;
	int	 i;

	va_start(ap, argc);
	cmd->argc = argc > KV_MAXARGS ? KV_MAXARGS : argc;
	for (i = 0; i < cmd->argc; i++) {
		cmd->argv[i] = va_arg(ap, const char *);
		cmd->lens[i] = strlen(cmd->argv[i]);
	}
	va_end(ap);
}

static void
reply_free(void *p)
{
	freeReplyObject(p);
}

static int
attempt(struct kv *kv, struct arena *a, const struct kv_cmd *cmds, size_t n, redisReply **out)
{
	void	*r;
	size_t	 i, got;

	for (i = 0; i < n; i++)
		if (redisAppendCommandArgv(kv->c, cmds[i].argc, (const char **)cmds[i].argv,
		    cmds[i].lens) != REDIS_OK)
			return -1;
	for (got = 0; got < n; got++) {
		if (redisGetReply(kv->c, &r) != REDIS_OK || r == NULL) {
			/* Free what we already have; the caller retries or fails. */
			for (i = 0; i < got; i++)
				out[i] = NULL;
			return -1;
		}
		out[got] = r;
		arena_cleanup(a, reply_free, r);
	}
	return 0;
}

enum gh_err
kv_pipeline(struct kv *kv, struct arena *a, const struct kv_cmd *cmds, size_t n,
    redisReply **replies)
{
	int	 try;
	char	 msg[256];

	for (try = 0; try < 2; try++) {
		if (kv_connect(kv) != GH_OK)
			return GH_ERR_REDIS_UNAVAILABLE;
		if (attempt(kv, a, cmds, n, replies) == 0)
			return GH_OK;
		snprintf(msg, sizeof(msg), "command failed: %s", kv->c->errstr);
		/* Replies read before the failure are owned by the arena already. */
		down(kv, msg);
	}
	return GH_ERR_REDIS_UNAVAILABLE;
}

enum gh_err
kv_run(struct kv *kv, struct arena *a, redisReply **reply, int argc, ...)
{
	struct kv_cmd	 cmd;
	va_list		 ap;
	int		 i;

	va_start(ap, argc);
	cmd.argc = argc > KV_MAXARGS ? KV_MAXARGS : argc;
	for (i = 0; i < cmd.argc; i++) {
		cmd.argv[i] = va_arg(ap, const char *);
		cmd.lens[i] = strlen(cmd.argv[i]);
	}
	va_end(ap);
	return kv_pipeline(kv, a, &cmd, 1, reply);
}

enum gh_err
kv_ping(struct kv *kv)
{
	struct arena	*a = arena_new(1024);
	redisReply	*r;
	enum gh_err	 err;

	err = kv_run(kv, a, &r, 1, "PING");
	if (err == GH_OK && r->type == REDIS_REPLY_ERROR)
		err = GH_ERR_REDIS_UNAVAILABLE;
	arena_free(a);
	return err;
}
