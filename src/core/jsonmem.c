/*
 * jsonmem.c: cJSON's allocation hooks.  Contract in jsonmem.h.
 */
#include <stdlib.h>

#include <cJSON.h>

#include "core/arena.h"
#include "core/jsonmem.h"

static struct arena	*cur;

static void *
jm_malloc(size_t n)
{
	return cur != NULL ? arena_alloc(cur, n) : malloc(n);
}

static void
jm_free(void *p)
{
	if (p == NULL || (cur != NULL && arena_owns(cur, p)))
		return;
	free(p);
}

void
jsonmem_init(void)
{
	cJSON_Hooks	 h = { jm_malloc, jm_free };

	cJSON_InitHooks(&h);
}

void
jsonmem_use(struct arena *a)
{
	cur = a;
}
