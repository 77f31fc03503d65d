/*
 * fuzz.h: what the libFuzzer harnesses under tests/fuzz/ share (docs/reliability.md, "Fuzzing").
 *
 * Each harness is one fuzz_<name>.c with LLVMFuzzerTestOneInput.  A request is built the way the
 * unit tests build one (req_init over a NULL-terminated environment), on one arena that is reset
 * after every input, as a worker resets its arena after every request.  fuzz_str() returns the
 * input as a NUL-terminated malloc'd copy the caller frees.
 */
#ifndef GH_FUZZ_H
#define GH_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "http/request.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***);

static inline char *
fuzz_str(const uint8_t *data, size_t size)
{
	char	*s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* The worker's request arena: one per process, reset after each input. */
static inline struct arena *
fuzz_arena(void)
{
	static struct arena	*a;

	if (a == NULL)
		a = arena_new(16384);
	return a;
}

#endif
