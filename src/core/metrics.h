/*
 * metrics.h: request counters shared by all workers of one master.
 *
 * The master maps one struct metrics (MAP_SHARED | MAP_ANONYMOUS) before forking, so counters
 * survive worker restarts and reloads; workers add with relaxed atomics.  A standalone
 * `gatehouse worker` maps its own.  Rendered as Prometheus text by GET /metrics.
 */
#ifndef GH_METRICS_H
#define GH_METRICS_H

#include <stdint.h>

#define METRICS_NBUCKETS	10

struct metrics {
	uint64_t	 started;			/* unix time of the master start */
	uint64_t	 requests[6];			/* by status class 1xx..5xx, [0] other */
	uint64_t	 duration_bucket[METRICS_NBUCKETS + 1];	/* cumulative at render */
	uint64_t	 duration_us_sum;
	uint64_t	 worker_restarts;
	uint64_t	 reloads;
	uint64_t	 logins_ok;
	uint64_t	 logins_failed;
	uint64_t	 token_checks;
	uint64_t	 token_refusals;
	uint64_t	 kv_cache_hits;			/* token checks answered without Redis */
	uint64_t	 kv_cache_misses;		/* token checks that asked Redis */
	uint64_t	 kv_cache_invalidations;	/* kept keys dropped on Redis's word */
	uint64_t	 pwhash_slots;			/* the gate's size; 0 = no gate */
	uint64_t	 pwhash_waits;			/* hashes that waited for a slot */
	uint64_t	 pwhash_wait_us;		/* and how long, in all */
	uint64_t	 pwhash_in_slot;		/* hashes run in their slot's memory */
	uint64_t	 pwhash_mapped;			/* hashes in memory libsodium mapped */
	uint64_t	 log_write_errors;		/* writes to the log that failed */
	uint64_t	 log_reported;			/* log_share: the last report of one */
	uint64_t	 db_retries;			/* handlers run again after a failure */
};

extern const double metrics_bounds_ms[METRICS_NBUCKETS];

/* A zeroed shared mapping, or NULL. */
struct metrics	*metrics_new(void);
void		 metrics_request(struct metrics *, int status, double ms);
#define metrics_add(m, field, n) \
	__atomic_fetch_add(&(m)->field, (n), __ATOMIC_RELAXED)
/* Prometheus text exposition into a malloc'd string. */
char		*metrics_render(const struct metrics *, int workers);

#endif
