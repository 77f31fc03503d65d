#include <sys/socket.h>
#include <sys/time.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "store/kv.h"

/*
 * The cache.  Keys under the prefixes given to kv_cache_setup are kept in a two-way table (a
 * key's hash picks two slots; a newcomer takes an empty one, else the one read longest ago), so
 * the five keys of one token check do not evict each other when two share a slot.  They are only kept
 * while Redis tracks them for us: the command connection has CLIENT TRACKING on in broadcast
 * mode for those prefixes, redirected to a second connection subscribed to
 * __redis__:invalidate, so every change of such a key, by anyone, expiry and eviction
 * included, sends that connection the key's name.  kv_mget reads whatever has arrived there
 * before it looks at the table.  When either connection is lost the whole table is dropped
 * and nothing is kept until tracking is set up again.
 */
#define KV_CKEY		88	/* longest key kept, NUL included */
#define KV_CVAL		40	/* longest value kept, NUL included */

struct kv_slot {
	uint64_t	 hash;
	double		 at;		/* clock_ms() when read from Redis; 0 = empty */
	unsigned int	 gen;		/* kv->gen when kept: another one is empty */
	int		 nil;		/* the key did not exist */
	char		 key[KV_CKEY];
	char		 val[KV_CVAL];
};

struct kv {
	const struct gh_config	*cfg;
	redisContext		*c;
	int			 logged_down;	/* log the outage once, not per request */

	/* With redis_sentinels: the master they named last, and the sentinel that answered. */
	struct config_host	 sentinels[CONFIG_MAXHOSTS];
	int			 nsentinels;
	int			 sentinel;
	char			 mhost[256];
	int			 mport;
	int			 nwait;		/* replicas a revocation waits for */

	redisContext		*sub;		/* subscribed to __redis__:invalidate */
	int			 tracking;	/* c is tracked, redirected to sub */
	int			 logged_nocache; /* log a refused setup once */
	const char *const	*prefixes;
	size_t			 nprefixes;
	struct kv_slot		*slots;
	size_t			 nslots;	/* a power of two, or 0: no cache */
	unsigned int		 gen;		/* the slots of another generation are empty */
	double			 max_age_ms;
	struct kv_cache_stats	 stats;
};

struct kv *
kv_new(const struct gh_config *cfg)
{
	struct kv	*kv;

	if ((kv = calloc(1, sizeof(*kv))) == NULL)
		return NULL;
	kv->cfg = cfg;
	if (cfg->redis_sentinels != NULL) {
		kv->nsentinels = config_hosts(cfg->redis_sentinels, 26379, kv->sentinels,
		    CONFIG_MAXHOSTS);
		if (kv->nsentinels < 0)
			kv->nsentinels = 0;	/* config_load refused it already */
		kv->nwait = (int)cfg->redis_wait_replicas;
	}
	return kv;
}

/*
 * Empty every slot by moving to the next generation, without writing to them: a worker's slots
 * (redis_cache_slots of them, about 600 kB by default) then become resident only as keys are
 * kept, not all at once whenever tracking starts.  Only when the counter comes round are the
 * slots written, so that no slot of an old generation can pass for a kept one.
 */
static void
cache_clear(struct kv *kv)
{
	size_t	 i;

	if (++kv->gen != 0)
		return;
	for (i = 0; i < kv->nslots; i++)
		kv->slots[i].at = 0;
	kv->gen = 1;
}

/* Whether sl keeps a key (of this generation). */
static int
slot_live(const struct kv *kv, const struct kv_slot *sl)
{
	return sl->at != 0 && sl->gen == kv->gen;
}

/* Stop keeping keys: nothing tells us of changes any more. */
static void
cache_off(struct kv *kv)
{
	if (kv->sub != NULL) {
		redisFree(kv->sub);
		kv->sub = NULL;
	}
	if (kv->tracking)
		cache_clear(kv);
	kv->tracking = 0;
}

static void
drop(struct kv *kv)
{
	cache_off(kv);
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
	free(kv->slots);
	free(kv);
}

static void	forget_written(struct kv *, const struct kv_cmd *, size_t);

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

static struct timeval
timeout_of(const struct gh_config *cfg)
{
	struct timeval	 tv;

	tv.tv_sec = cfg->redis_timeout_ms / 1000;
	tv.tv_usec = (cfg->redis_timeout_ms % 1000) * 1000;
	return tv;
}

/*
 * A connection to the master with the timeouts, authenticated; NULL with why filled.  The
 * master is the address the sentinels named last (kv->mhost) when there are sentinels.
 */
static redisContext *
open_conn(const struct kv *kv, char *why, size_t whysz)
{
	const struct gh_config	*cfg = kv->cfg;
	redisContext	*c;
	struct timeval	 tv = timeout_of(cfg);
	char		*pw;
	const char	*argv[2];
	size_t		 lens[2];

	if (kv->nsentinels > 0)
		c = redisConnectWithTimeout(kv->mhost, kv->mport, tv);
	else if (cfg->redis_socket != NULL)
		c = redisConnectUnixWithTimeout(cfg->redis_socket, tv);
	else
		c = redisConnectWithTimeout(cfg->redis_host, (int)cfg->redis_port, tv);
	if (c == NULL || c->err) {
		snprintf(why, whysz, "connect: %s", c ? c->errstr : "out of memory");
		goto fail;
	}
	redisSetTimeout(c, tv);
	if (cfg->redis_password_file != NULL) {
		if ((pw = config_read_secret(cfg->redis_password_file, &lens[1], why,
		    whysz)) == NULL)
			goto fail;
		argv[0] = "AUTH";
		lens[0] = 4;
		argv[1] = pw;
		if (!simple(c, 2, argv, lens)) {
			config_secret_free(pw);
			snprintf(why, whysz, "AUTH refused");
			goto fail;
		}
		config_secret_free(pw);
	}
	return c;
fail:
	if (c != NULL)
		redisFree(c);
	return NULL;
}

/*
 * Set up tracking for the cache on a fresh command connection: a second connection subscribed
 * to the invalidation channel, then CLIENT TRACKING on the first, redirected to it.  On any
 * failure the cache stays off (every kv_mget asks Redis) and the reason is logged once.
 */
static void
cache_on(struct kv *kv)
{
	const char	*argv[6 + 2 * KV_MAXPREFIXES];
	size_t		 lens[6 + 2 * KV_MAXPREFIXES], i;
	redisReply	*r;
	char		 why[256], id[32];
	int		 argc;

	if (kv->nslots == 0 || kv->nprefixes == 0)
		return;
	if ((kv->sub = open_conn(kv, why, sizeof(why))) == NULL)
		goto fail;
	if ((r = redisCommand(kv->sub, "CLIENT ID")) == NULL || r->type != REDIS_REPLY_INTEGER) {
		snprintf(why, sizeof(why), "CLIENT ID: %s", r != NULL && r->type ==
		    REDIS_REPLY_ERROR ? r->str : kv->sub->errstr);
		goto freefail;
	}
	snprintf(id, sizeof(id), "%lld", r->integer);
	freeReplyObject(r);
	/* The confirmation is the first array on the connection; messages follow it. */
	if ((r = redisCommand(kv->sub, "SUBSCRIBE __redis__:invalidate")) == NULL ||
	    r->type != REDIS_REPLY_ARRAY) {
		snprintf(why, sizeof(why), "SUBSCRIBE: %s", r != NULL && r->type ==
		    REDIS_REPLY_ERROR ? r->str : kv->sub->errstr);
		goto freefail;
	}
	freeReplyObject(r);
	argc = 0;
	argv[argc++] = "CLIENT";
	argv[argc++] = "TRACKING";
	argv[argc++] = "on";
	argv[argc++] = "REDIRECT";
	argv[argc++] = id;
	argv[argc++] = "BCAST";
	for (i = 0; i < kv->nprefixes; i++) {
		argv[argc++] = "PREFIX";
		argv[argc++] = kv->prefixes[i];
	}
	for (i = 0; i < (size_t)argc; i++)
		lens[i] = strlen(argv[i]);
	if ((r = redisCommandArgv(kv->c, argc, argv, lens)) == NULL ||
	    r->type == REDIS_REPLY_ERROR) {
		snprintf(why, sizeof(why), "CLIENT TRACKING: %s", r != NULL ? r->str :
		    kv->c->errstr);
		goto freefail;
	}
	freeReplyObject(r);
	cache_clear(kv);
	kv->tracking = 1;
	if (kv->logged_nocache)
		log_info("redis: keeping the token check's keys again");
	kv->logged_nocache = 0;
	return;
freefail:
	if (r != NULL)
		freeReplyObject(r);
fail:
	if (!kv->logged_nocache)
		log_error("redis: the token check's keys are not kept (%s); every check asks Redis",
		    why);
	kv->logged_nocache = 1;
	cache_off(kv);
}

/*
 * Ask the sentinels, the one that answered last first, for the master's address: 0 with
 * kv->mhost and kv->mport set, or -1 with why filled when none names one.
 */
static int
ask_sentinels(struct kv *kv, char *why, size_t whysz)
{
	const struct config_host	*s;
	redisContext			*c;
	redisReply			*r;
	struct timeval			 tv = timeout_of(kv->cfg);
	char				 host[256];
	long				 port;
	int				 i, k;

	snprintf(why, whysz, "no sentinel answered");
	for (i = 0; i < kv->nsentinels; i++) {
		k = (kv->sentinel + i) % kv->nsentinels;
		s = &kv->sentinels[k];
		if ((c = redisConnectWithTimeout(s->host, s->port, tv)) == NULL || c->err) {
			if (c != NULL)
				redisFree(c);
			continue;
		}
		redisSetTimeout(c, tv);
		r = redisCommand(c, "SENTINEL get-master-addr-by-name %s",
		    kv->cfg->redis_master_name);
		if (r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
		    r->element[0]->type == REDIS_REPLY_STRING &&
		    r->element[1]->type == REDIS_REPLY_STRING &&
		    r->element[0]->len < sizeof(host)) {
			memcpy(host, r->element[0]->str, r->element[0]->len + 1);
			port = strtol(r->element[1]->str, NULL, 10);
			freeReplyObject(r);
			redisFree(c);
			if (port < 1 || port > 65535)
				continue;
			if (strcmp(host, kv->mhost) != 0 || port != kv->mport)
				log_info("redis: sentinel %s:%d names %s:%ld as master %s", s->host,
				    s->port, host, port, kv->cfg->redis_master_name);
			memcpy(kv->mhost, host, strlen(host) + 1);
			kv->mport = (int)port;
			kv->sentinel = k;
			return 0;
		}
		snprintf(why, whysz, "sentinel %s:%d does not know master %s", s->host, s->port,
		    kv->cfg->redis_master_name);
		if (r != NULL)
			freeReplyObject(r);
		redisFree(c);
	}
	return -1;
}

/*
 * Whether c is a master (ROLE): a replica must never be taken for one, since what it answers
 * lags and it refuses writes.  Sentinels name the old master until they have promoted another.
 */
static int
is_master(redisContext *c, char *why, size_t whysz)
{
	redisReply	*r;
	int		 ok;

	r = redisCommand(c, "ROLE");
	ok = r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
	    r->element[0]->type == REDIS_REPLY_STRING && strcmp(r->element[0]->str, "master") == 0;
	if (!ok)
		snprintf(why, whysz, "%s:%d is not a master (ROLE: %s)", c->tcp.host != NULL ?
		    c->tcp.host : "redis", c->tcp.port, r == NULL ? c->errstr :
		    r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
		    r->element[0]->type == REDIS_REPLY_STRING ? r->element[0]->str :
		    r->type == REDIS_REPLY_ERROR ? r->str : "unexpected reply");
	if (r != NULL)
		freeReplyObject(r);
	return ok;
}

enum gh_err
kv_connect(struct kv *kv)
{
	const struct gh_config	*cfg = kv->cfg;
	char			 err[256], db[16];
	const char		*argv[2];
	size_t			 lens[2];

	if (kv->c != NULL)
		return GH_OK;
	if (kv->nsentinels > 0 && ask_sentinels(kv, err, sizeof(err)) == -1) {
		down(kv, err);
		return GH_ERR_REDIS_UNAVAILABLE;
	}
	if ((kv->c = open_conn(kv, err, sizeof(err))) == NULL) {
		down(kv, err);
		return GH_ERR_REDIS_UNAVAILABLE;
	}
	if (!is_master(kv->c, err, sizeof(err))) {
		down(kv, err);
		return GH_ERR_REDIS_UNAVAILABLE;
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
	cache_on(kv);
	return GH_OK;
}

/* One command from argc strings in ap (at most KV_MAXARGS). */
static void
cmd_from(struct kv_cmd *cmd, int argc, va_list ap)
{
	int	 i;

	cmd->argc = argc > KV_MAXARGS ? KV_MAXARGS : argc;
	for (i = 0; i < cmd->argc; i++) {
		cmd->argv[i] = va_arg(ap, const char *);
		cmd->lens[i] = strlen(cmd->argv[i]);
	}
}

void
kv_cmd_set(struct kv_cmd *cmd, int argc, ...)
{
	va_list	 ap;

	va_start(ap, argc);
	cmd_from(cmd, argc, ap);
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
	/*
	 * A master that was turned into a replica (a failover while we held the connection)
	 * refuses writes; one still loading or cut from its replicas refuses everything: ask
	 * again who the master is.
	 */
	for (i = 0; i < n; i++)
		if (out[i]->type == REDIS_REPLY_ERROR &&
		    (strncmp(out[i]->str, "READONLY", 8) == 0 ||
		    strncmp(out[i]->str, "MASTERDOWN", 10) == 0 ||
		    strncmp(out[i]->str, "LOADING", 7) == 0)) {
			snprintf(kv->c->errstr, sizeof(kv->c->errstr), "%.100s", out[i]->str);
			return -1;
		}
	return 0;
}

enum gh_err
kv_pipeline(struct kv *kv, struct arena *a, const struct kv_cmd *cmds, size_t n,
    redisReply **replies)
{
	int	 try;
	char	 msg[256];

	if (kv->tracking)
		forget_written(kv, cmds, n);
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
kv_pipeline_acked(struct kv *kv, struct arena *a, const struct kv_cmd *cmds, size_t n,
    redisReply **replies)
{
	struct kv_cmd	*all;
	redisReply	**rep, *w;
	enum gh_err	 err;
	size_t		 i;
	char		 nrep[16], ms[24];

	if (kv->nwait == 0)
		return kv_pipeline(kv, a, cmds, n, replies);
	all = arena_alloc(a, (n + 1) * sizeof(*all));
	rep = arena_alloc(a, (n + 1) * sizeof(*rep));
	memcpy(all, cmds, n * sizeof(*cmds));
	snprintf(nrep, sizeof(nrep), "%d", kv->nwait);
	snprintf(ms, sizeof(ms), "%lld", kv->cfg->redis_wait_timeout_ms);
	kv_cmd_set(&all[n], 3, "WAIT", arena_strdup(a, nrep), arena_strdup(a, ms));
	if ((err = kv_pipeline(kv, a, all, n + 1, rep)) != GH_OK)
		return err;
	for (i = 0; i < n; i++)
		replies[i] = rep[i];
	w = rep[n];
	if (w->type != REDIS_REPLY_INTEGER || w->integer < kv->nwait) {
		log_error("redis: a revocation was acknowledged by %lld of %d replica(s) within "
		    "%lld ms", w->type == REDIS_REPLY_INTEGER ? w->integer : -1LL, kv->nwait,
		    kv->cfg->redis_wait_timeout_ms);
		return GH_ERR_REDIS_UNAVAILABLE;
	}
	return GH_OK;
}

enum gh_err
kv_command(struct kv *kv, struct arena *a, int acked, redisReply **reply, int argc, ...)
{
	struct kv_cmd	 cmd;
	va_list		 ap;

	va_start(ap, argc);
	cmd_from(&cmd, argc, ap);
	va_end(ap);
	if (acked)
		return kv_pipeline_acked(kv, a, &cmd, 1, reply);
	return kv_pipeline(kv, a, &cmd, 1, reply);
}

static uint64_t
key_hash(const char *k, size_t len)
{
	uint64_t	 h = 1469598103934665603ULL;	/* FNV-1a */

	while (len-- > 0) {
		h ^= (unsigned char)*k++;
		h *= 1099511628211ULL;
	}
	return h;
}

static int
cacheable(const struct kv *kv, const char *key, size_t len)
{
	size_t	 i, pl;

	if (len >= KV_CKEY)
		return 0;
	for (i = 0; i < kv->nprefixes; i++) {
		pl = strlen(kv->prefixes[i]);
		if (len >= pl && memcmp(key, kv->prefixes[i], pl) == 0)
			return 1;
	}
	return 0;
}

/*
 * Two places a key may be kept in (two-way: two keys of one check that share their first place
 * do not push each other out on every request): the low bits of its hash and the high bits.
 */
static struct kv_slot *
slot_at(struct kv *kv, uint64_t hash, int way)
{
	return &kv->slots[(way == 0 ? hash : hash >> 32) & (kv->nslots - 1)];
}

static int
slot_holds(const struct kv *kv, const struct kv_slot *sl, uint64_t hash, const char *key,
    size_t len)
{
	return slot_live(kv, sl) && sl->hash == hash && strncmp(sl->key, key, len) == 0 &&
	    sl->key[len] == '\0';
}

/* The slot that keeps key, or NULL. */
static struct kv_slot *
slot_find(struct kv *kv, const char *key, size_t len, uint64_t hash)
{
	struct kv_slot	*a = slot_at(kv, hash, 0), *b = slot_at(kv, hash, 1);

	if (slot_holds(kv, a, hash, key, len))
		return a;
	return slot_holds(kv, b, hash, key, len) ? b : NULL;
}

/* Where to keep key: its slot if it has one, an empty place, else the place read longest ago. */
static struct kv_slot *
slot_victim(struct kv *kv, const char *key, size_t len, uint64_t hash)
{
	struct kv_slot	*a = slot_at(kv, hash, 0), *b = slot_at(kv, hash, 1), *sl;

	if ((sl = slot_find(kv, key, len, hash)) != NULL)
		return sl;
	if (!slot_live(kv, a) || !slot_live(kv, b))
		return !slot_live(kv, a) ? a : b;
	return b->at < a->at ? b : a;
}

static void
forget(struct kv *kv, const char *key, size_t len)
{
	struct kv_slot	*sl;
	uint64_t	 h;

	if (kv->nslots == 0 || len >= KV_CKEY)
		return;
	h = key_hash(key, len);
	if ((sl = slot_find(kv, key, len, h)) != NULL) {
		sl->at = 0;
		kv->stats.invalidations++;
	}
}

/*
 * What this worker writes it forgets at once, without waiting for the invalidation of its own
 * write: every argument of a command that names a kept key.
 */
static void
forget_written(struct kv *kv, const struct kv_cmd *cmds, size_t n)
{
	size_t	 i;
	int	 j;

	for (i = 0; i < n; i++)
		for (j = 1; j < cmds[i].argc; j++)
			if (cacheable(kv, cmds[i].argv[j], cmds[i].lens[j]))
				forget(kv, cmds[i].argv[j], cmds[i].lens[j]);
}

/* One message from the invalidation channel: a list of keys, or nil for "all" (FLUSHALL). */
static void
invalidated(struct kv *kv, const redisReply *r)
{
	const redisReply	*keys;
	size_t			 i;

	if (r->type != REDIS_REPLY_ARRAY || r->elements != 3 ||
	    r->element[0]->type != REDIS_REPLY_STRING ||
	    strcmp(r->element[0]->str, "message") != 0) {
		/* Not what the channel sends: keep nothing we cannot vouch for. */
		cache_clear(kv);
		return;
	}
	keys = r->element[2];
	if (keys->type != REDIS_REPLY_ARRAY) {
		cache_clear(kv);
		kv->stats.invalidations++;
		return;
	}
	for (i = 0; i < keys->elements; i++)
		if (keys->element[i]->type == REDIS_REPLY_STRING)
			forget(kv, keys->element[i]->str, keys->element[i]->len);
}

/*
 * Read, without waiting, every invalidation Redis has sent so far.  A closed or broken
 * connection turns the cache off and drops the command connection with it, so the next
 * command connects again and sets tracking up anew.
 */
static void
drain(struct kv *kv)
{
	char	 buf[4096];
	ssize_t	 n;
	void	*r;

	for (;;) {
		n = recv(kv->sub->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0) {
			if (redisReaderFeed(kv->sub->reader, buf, (size_t)n) != REDIS_OK)
				goto broken;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		goto broken;
	}
	for (;;) {
		if (redisReaderGetReply(kv->sub->reader, &r) != REDIS_OK)
			goto broken;
		if (r == NULL)
			return;
		invalidated(kv, r);
		freeReplyObject(r);
	}
broken:
	down(kv, "the invalidation connection was lost");
}

void
kv_cache_setup(struct kv *kv, const char *const *prefixes, size_t n)
{
	size_t	 want = (size_t)kv->cfg->redis_cache_slots, slots;

	if (want == 0 || n == 0 || n > KV_MAXPREFIXES)
		return;
	for (slots = 1; slots < want; slots <<= 1)
		;
	if ((kv->slots = calloc(slots, sizeof(*kv->slots))) == NULL)
		return;
	kv->nslots = slots;
	kv->prefixes = prefixes;
	kv->nprefixes = n;
	kv->max_age_ms = (double)kv->cfg->redis_cache_max_age_ms;
	/* Tracking is set up with the next connection. */
	drop(kv);
}

const struct kv_cache_stats *
kv_cache_stats(const struct kv *kv)
{
	return &kv->stats;
}

enum gh_err
kv_mget(struct kv *kv, struct arena *a, size_t n, const char *const *keys, const char **vals,
    int *hit)
{
	struct kv_cmd	 cmd;
	struct kv_slot	*sl, *slot[KV_MAXARGS];
	redisReply	*rep, *v;
	enum gh_err	 err;
	uint64_t	 hash[KV_MAXARGS];
	size_t		 i, len, miss[KV_MAXARGS], nmiss = 0;
	double		 now = 0;

	*hit = 0;
	if (n == 0 || n >= KV_MAXARGS)
		return GH_ERR_INTERNAL;
	if (kv->tracking)
		drain(kv);
	if (kv->tracking)
		now = clock_ms();
	cmd.argc = 1;
	cmd.argv[0] = "MGET";
	cmd.lens[0] = 4;
	for (i = 0; i < n; i++) {
		len = strlen(keys[i]);
		slot[i] = NULL;
		if (kv->tracking && cacheable(kv, keys[i], len)) {
			hash[i] = key_hash(keys[i], len);
			slot[i] = &kv->slots[0];	/* kept after the read (below) */
			sl = slot_find(kv, keys[i], len, hash[i]);
			if (sl != NULL && now - sl->at < kv->max_age_ms) {
				vals[i] = sl->nil ? NULL : arena_strdup(a, sl->val);
				continue;
			}
		}
		miss[nmiss++] = i;
		cmd.argv[cmd.argc] = keys[i];
		cmd.lens[cmd.argc++] = len;
	}
	if (nmiss == 0) {
		*hit = 1;
		kv->stats.hits++;
		return GH_OK;
	}
	kv->stats.misses++;
	if ((err = kv_pipeline(kv, a, &cmd, 1, &rep)) != GH_OK)
		return err;
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements != nmiss)
		return GH_ERR_REDIS_UNAVAILABLE;
	for (i = 0; i < nmiss; i++) {
		v = rep->element[i];
		if (v->type != REDIS_REPLY_NIL && v->type != REDIS_REPLY_STRING)
			return GH_ERR_REDIS_UNAVAILABLE;
		vals[miss[i]] = v->type == REDIS_REPLY_NIL ? NULL : v->str;
		/*
		 * Kept only if tracking covered the read (a connection lost in kv_pipeline has
		 * turned it off) and the value fits.
		 */
		if (slot[miss[i]] == NULL || !kv->tracking ||
		    (v->type == REDIS_REPLY_STRING && v->len >= KV_CVAL))
			continue;
		sl = slot_victim(kv, keys[miss[i]], strlen(keys[miss[i]]), hash[miss[i]]);
		sl->hash = hash[miss[i]];
		sl->gen = kv->gen;
		sl->nil = v->type == REDIS_REPLY_NIL;
		memcpy(sl->key, keys[miss[i]], strlen(keys[miss[i]]) + 1);
		if (!sl->nil)
			memcpy(sl->val, v->str, v->len + 1);
		sl->at = now;
	}
	return GH_OK;
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

const char *const kv_prefixes[KV_KEY__MAX] = {
	[KV_BL] = "bl:",
	[KV_BLS] = "bls:",
	[KV_PV] = "pv:",
	[KV_MV] = "mv:",
	[KV_AUTHZ_GEN] = "authz:gen",
	[KV_POLICY_GEN] = "policy:gen",
	[KV_FAIL_IP] = "fail:ip:",
	[KV_FAIL_ACCT] = "fail:acct:",
	[KV_PWRESET_IP] = "pwreset:ip:",
	[KV_PWRESET_EMAIL] = "pwreset:email:",
	[KV_EVERIFY_USER] = "everify:user:",
	[KV_MFA_TICKET] = "mfa:t:",
	[KV_MFA_TRIES] = "mfa:n:",
	[KV_WEBAUTHN] = "wa:",
	[KV_UV] = "uv:",
	[KV_ME_GEN] = "me:gen",
	[KV_SSO] = "sso:",
	[KV_OIDC_CODE] = "oc:",
	[KV_OIDC_USED] = "ocx:",
	[KV_OIDC_OFF] = "ocd:",
	[KV_OIDC_GEN] = "oidc:gen",
};

const char *
kv_key(struct arena *a, enum kv_key k, const char *fmt, ...)
{
	va_list	 ap;
	char	 buf[256], *out;
	size_t	 pl = strlen(kv_prefixes[k]);
	int	 n;

	if (fmt == NULL)
		return kv_prefixes[k];
	/* One formatting pass into a buffer, then one copy into the arena (the token check). */
	memcpy(buf, kv_prefixes[k], pl);
	va_start(ap, fmt);
	n = vsnprintf(buf + pl, sizeof(buf) - pl, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(buf) - pl)
		n = (int)(sizeof(buf) - pl - 1);
	out = arena_alloc(a, pl + (size_t)n + 1);
	memcpy(out, buf, pl + (size_t)n + 1);
	return out;
}
