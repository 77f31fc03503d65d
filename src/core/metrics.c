#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "core/metrics.h"

const double metrics_bounds_ms[METRICS_NBUCKETS] = {
	0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 1000
};

struct metrics *
metrics_new(void)
{
	struct metrics	*m;

	m = mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	memset(m, 0, sizeof(*m));
	m->started = (uint64_t)time(NULL);
	return m;
}

void
metrics_request(struct metrics *m, int status, double ms)
{
	int	 i, cls = status / 100;

	if (m == NULL)
		return;
	metrics_add(m, requests[cls >= 1 && cls <= 5 ? cls : 0], 1);
	for (i = 0; i < METRICS_NBUCKETS; i++)
		if (ms <= metrics_bounds_ms[i])
			break;
	metrics_add(m, duration_bucket[i], 1);
	metrics_add(m, duration_us_sum, (uint64_t)(ms * 1000.0));
}

char *
metrics_render(const struct metrics *m, int workers)
{
	static const char *const cls[6] = { "other", "1xx", "2xx", "3xx", "4xx", "5xx" };
	char		*buf;
	size_t		 cap = 8192, n = 0;
	uint64_t	 cum = 0, total = 0;
	int		 i;

	if ((buf = malloc(cap)) == NULL)
		return NULL;
#define OUT(...) n += (size_t)snprintf(buf + n, n < cap ? cap - n : 0, __VA_ARGS__)
	OUT("# HELP gatehouse_requests_total Requests answered, by status class.\n"
	    "# TYPE gatehouse_requests_total counter\n");
	for (i = 0; i < 6; i++) {
		OUT("gatehouse_requests_total{class=\"%s\"} %llu\n", cls[i],
		    (unsigned long long)m->requests[i]);
		total += m->requests[i];
	}
	OUT("# HELP gatehouse_request_duration_seconds Time from accept to response.\n"
	    "# TYPE gatehouse_request_duration_seconds histogram\n");
	for (i = 0; i < METRICS_NBUCKETS; i++) {
		cum += m->duration_bucket[i];
		OUT("gatehouse_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
		    metrics_bounds_ms[i] / 1000.0, (unsigned long long)cum);
	}
	cum += m->duration_bucket[METRICS_NBUCKETS];
	OUT("gatehouse_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", (unsigned long long)cum);
	OUT("gatehouse_request_duration_seconds_sum %.6f\n", (double)m->duration_us_sum / 1e6);
	OUT("gatehouse_request_duration_seconds_count %llu\n", (unsigned long long)cum);
	OUT("# TYPE gatehouse_worker_restarts_total counter\n"
	    "gatehouse_worker_restarts_total %llu\n", (unsigned long long)m->worker_restarts);
	OUT("# TYPE gatehouse_reloads_total counter\ngatehouse_reloads_total %llu\n",
	    (unsigned long long)m->reloads);
	OUT("# HELP gatehouse_log_write_errors_total Writes to the log file that failed (a full "
	    "disk); the lines were lost.\n# TYPE gatehouse_log_write_errors_total counter\n"
	    "gatehouse_log_write_errors_total %llu\n", (unsigned long long)m->log_write_errors);
	OUT("# TYPE gatehouse_logins_total counter\n"
	    "gatehouse_logins_total{outcome=\"success\"} %llu\n"
	    "gatehouse_logins_total{outcome=\"failure\"} %llu\n",
	    (unsigned long long)m->logins_ok, (unsigned long long)m->logins_failed);
	OUT("# TYPE gatehouse_token_checks_total counter\n"
	    "gatehouse_token_checks_total{outcome=\"accepted\"} %llu\n"
	    "gatehouse_token_checks_total{outcome=\"refused\"} %llu\n",
	    (unsigned long long)(m->token_checks - m->token_refusals),
	    (unsigned long long)m->token_refusals);
	OUT("# HELP gatehouse_token_store_reads_total Token checks by where their Redis keys came "
	    "from: the worker's tracked copy (hit) or Redis (miss).\n"
	    "# TYPE gatehouse_token_store_reads_total counter\n"
	    "gatehouse_token_store_reads_total{source=\"hit\"} %llu\n"
	    "gatehouse_token_store_reads_total{source=\"miss\"} %llu\n"
	    "# HELP gatehouse_token_store_invalidations_total Kept keys dropped because Redis "
	    "said they changed.\n"
	    "# TYPE gatehouse_token_store_invalidations_total counter\n"
	    "gatehouse_token_store_invalidations_total %llu\n",
	    (unsigned long long)m->kv_cache_hits, (unsigned long long)m->kv_cache_misses,
	    (unsigned long long)m->kv_cache_invalidations);
	OUT("# HELP gatehouse_pwhash_slots Password hashes that may run at once (0: no limit).\n"
	    "# TYPE gatehouse_pwhash_slots gauge\ngatehouse_pwhash_slots %llu\n"
	    "# HELP gatehouse_pwhash_waits_total Password hashes that waited for a free slot.\n"
	    "# TYPE gatehouse_pwhash_waits_total counter\ngatehouse_pwhash_waits_total %llu\n"
	    "# TYPE gatehouse_pwhash_wait_seconds_total counter\n"
	    "gatehouse_pwhash_wait_seconds_total %.6f\n"
	    "# HELP gatehouse_pwhash_total Password hashes in a slot, by the memory they ran in: "
	    "the slot's own (slot) or mapped for the hash (mapped).\n"
	    "# TYPE gatehouse_pwhash_total counter\n"
	    "gatehouse_pwhash_total{memory=\"slot\"} %llu\n"
	    "gatehouse_pwhash_total{memory=\"mapped\"} %llu\n",
	    (unsigned long long)m->pwhash_slots, (unsigned long long)m->pwhash_waits,
	    (double)m->pwhash_wait_us / 1e6, (unsigned long long)m->pwhash_in_slot,
	    (unsigned long long)m->pwhash_mapped);
	OUT("# HELP gatehouse_db_retries_total Requests run again, whole, after a transaction "
	    "that wrote nothing failed (a Galera certification conflict, a node that left).\n"
	    "# TYPE gatehouse_db_retries_total counter\ngatehouse_db_retries_total %llu\n",
	    (unsigned long long)m->db_retries);
	OUT("# TYPE gatehouse_workers gauge\ngatehouse_workers %d\n", workers);
	OUT("# TYPE gatehouse_start_time_seconds gauge\ngatehouse_start_time_seconds %llu\n",
	    (unsigned long long)m->started);
#undef OUT
	(void)total;
	if (n >= cap) {
		free(buf);
		return NULL;
	}
	return buf;
}
