/*
 * arena.h: the per-request memory pool.
 *
 * Everything a request allocates comes from its arena and is released at once by arena_reset()
 * when the response is written.  Objects owned by a library (cJSON trees, MYSQL_RES, jwt_t) are
 * registered with arena_cleanup(), whose callbacks run in reverse order on reset.  Allocation
 * failure aborts: the master respawns the worker.
 */
#ifndef GH_ARENA_H
#define GH_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

/* A new arena whose first chunk holds chunk bytes; arena_free(NULL) is a no-op. */
struct arena	*arena_new(size_t chunk);
void		 arena_free(struct arena *);
/*
 * Run the cleanups, wipe every byte handed out (explicit_bzero), and start over in the first
 * chunk.  Up to 32 more chunks of the standard size
 * are kept for the next request (no malloc and free per request); the rest are released.
 */
void		 arena_reset(struct arena *);

/* Memory aligned for any type, valid until the next reset.  Never NULL. */
void		*arena_alloc(struct arena *, size_t);
void		*arena_calloc(struct arena *, size_t);
char		*arena_strdup(struct arena *, const char *);
char		*arena_strndup(struct arena *, const char *, size_t);
char		*arena_printf(struct arena *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
char		*arena_vprintf(struct arena *, const char *, va_list);

/* Call fn(p) at reset; p may be NULL (then nothing is registered). */
void		 arena_cleanup(struct arena *, void (*fn)(void *), void *p);

/* Bytes handed out since the last reset (for tests and metrics). */
size_t		 arena_used(const struct arena *);
/* Whether p points into memory the arena handed out since the last reset (chunks in use). */
int		 arena_owns(const struct arena *, const void *p);

#endif
