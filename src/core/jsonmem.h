/*
 * jsonmem.h: cJSON's memory from the request's arena.
 *
 * A page of 50 users is about 1,500 cJSON nodes and strings, each a malloc and later a free;
 * that was a sixth of the worker's CPU on a users list (perf, 1M users).  While a request runs,
 * cJSON allocates from its arena instead and frees nothing there (arena_reset takes it all
 * back); outside a request, and for memory malloc'd before, it uses malloc and free as usual.
 *
 * The rule that makes this safe is the one the code already keeps: a cJSON value made during a
 * request does not outlive it (handlers register cJSON_Delete as an arena cleanup, which runs
 * inside arena_reset while the chunks are still there).  Strings from cJSON_Print* are freed
 * with cJSON_free, never free().
 */
#ifndef GH_JSONMEM_H
#define GH_JSONMEM_H

struct arena;

/* Install the hooks (once per process, before any cJSON call that matters). */
void	 jsonmem_init(void);
/* Allocate from a from now on; NULL: malloc again.  Set it back to NULL after arena_reset. */
void	 jsonmem_use(struct arena *a);

#endif
