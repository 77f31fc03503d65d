#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"

#define ALIGN		16
#define ALIGN_UP(n)	(((n) + (ALIGN - 1)) & ~(size_t)(ALIGN - 1))

struct chunk {
	struct chunk	*next;
	size_t		 size;
	size_t		 used;
	_Alignas(ALIGN) unsigned char data[];
};

struct cleanup {
	struct cleanup	*next;
	void		(*fn)(void *);
	void		*p;
};

/*
 * Chunks of the standard size a reset keeps for the next request, instead of handing them back
 * to malloc: a large answer (a page of 50 users) takes several, every request, and freeing and
 * allocating them again made glibc consolidate its free lists each time.
 */
#define SPARE_MAX	32

struct arena {
	struct chunk	*head;		/* current chunk; the first one is last in the list */
	struct chunk	*first;
	struct chunk	*spare;		/* kept standard chunks, at most SPARE_MAX */
	size_t		 nspare;
	size_t		 chunk;
	size_t		 total;
	struct cleanup	*cleanups;
};

static struct chunk *
chunk_new(size_t size)
{
	struct chunk	*c;

	if ((c = malloc(sizeof(*c) + size)) == NULL) {
		fputs("gatehouse: out of memory\n", stderr);
		abort();
	}
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

struct arena *
arena_new(size_t chunk)
{
	struct arena	*a;

	if ((a = calloc(1, sizeof(*a))) == NULL) {
		fputs("gatehouse: out of memory\n", stderr);
		abort();
	}
	a->chunk = chunk < 1024 ? 1024 : ALIGN_UP(chunk);
	a->first = a->head = chunk_new(a->chunk);
	return a;
}

void
arena_reset(struct arena *a)
{
	struct cleanup	*c;
	struct chunk	*k, *next;

	/* Cleanups live in the arena itself, so run them before releasing chunks. */
	for (c = a->cleanups; c != NULL; c = c->next)
		c->fn(c->p);
	a->cleanups = NULL;
	/*
	 * Wipe what the request wrote: its body, the parsed password or token strings (cJSON's
	 * nodes live here too), the answer.  Kept chunks would otherwise hold them until
	 * overwritten, freed ones until malloc hands them out again.
	 */
	for (k = a->head; k != NULL; k = k->next)
		explicit_bzero(k->data, k->used);
	for (k = a->head; k != a->first; k = next) {
		next = k->next;
		if (k->size == a->chunk && a->nspare < SPARE_MAX) {
			k->next = a->spare;
			a->spare = k;
			a->nspare++;
		} else
			free(k);
	}
	a->head = a->first;
	a->first->used = 0;
	a->total = 0;
}

void
arena_free(struct arena *a)
{
	if (a == NULL)
		return;
	struct chunk	*k;

	arena_reset(a);
	while ((k = a->spare) != NULL) {
		a->spare = k->next;
		free(k);
	}
	free(a->first);
	free(a);
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct chunk	*c;
	void		*p;

	if (n > SIZE_MAX / 2) {
		fputs("gatehouse: allocation too large\n", stderr);
		abort();
	}
	n = ALIGN_UP(n == 0 ? 1 : n);
	if (a->head->size - a->head->used < n) {
		if (n <= a->chunk && a->spare != NULL) {
			c = a->spare;
			a->spare = c->next;
			a->nspare--;
			c->used = 0;
		} else
			c = chunk_new(n > a->chunk ? n : a->chunk);
		c->next = a->head;
		a->head = c;
	}
	p = a->head->data + a->head->used;
	a->head->used += n;
	a->total += n;
	return p;
}

void *
arena_calloc(struct arena *a, size_t n)
{
	return memset(arena_alloc(a, n), 0, n);
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char	*p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *
arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list	 cp;
	int	 n;
	char	*p;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		n = 0;
	p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list	 ap;
	char	*p;

	va_start(ap, fmt);
	p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

void
arena_cleanup(struct arena *a, void (*fn)(void *), void *p)
{
	struct cleanup	*c;

	if (p == NULL)
		return;
	c = arena_alloc(a, sizeof(*c));
	c->fn = fn;
	c->p = p;
	c->next = a->cleanups;
	a->cleanups = c;
}

size_t
arena_used(const struct arena *a)
{
	return a->total;
}

int
arena_owns(const struct arena *a, const void *p)
{
	const struct chunk	*k;
	const unsigned char	*b = p;

	for (k = a->head; k != NULL; k = k->next)
		if (b >= k->data && b < k->data + k->size)
			return 1;
	return 0;
}
