/*
 * Unit tests for src/core/arena.c: alignment, growth past a chunk, large allocations, reset
 * (cleanups in reverse order, chunks released, first chunk reused, standard chunks kept for the
 * next request), ownership, cJSON's memory from the arena (core/jsonmem.c), the string helpers.
 */
#define _GNU_SOURCE

#include <malloc.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <cJSON.h>

#include "core/arena.h"
#include "core/jsonmem.h"

#define ALIGNMENT	_Alignof(max_align_t)

static int
setup(void **state)
{
	*state = arena_new(1024);
	return *state == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	arena_free(*state);
	return 0;
}

static void
test_alignment(void **state)
{
	struct arena	*a = *state;
	size_t		 sizes[] = { 1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 33, 100, 255, 1000, 3000 };
	size_t		 i;
	void		*p;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		p = arena_alloc(a, sizes[i]);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % ALIGNMENT, 0);
		p = arena_calloc(a, sizes[i]);
		assert_int_equal((uintptr_t)p % ALIGNMENT, 0);
	}
	/* Cleanups are allocated inside the arena: the next block stays aligned after one. */
	arena_cleanup(a, free, malloc(1));
	p = arena_alloc(a, 1);
	assert_int_equal((uintptr_t)p % ALIGNMENT, 0);
}

static void
test_zero_size(void **state)
{
	struct arena	*a = *state;
	char		*p = arena_alloc(a, 0);
	char		*q = arena_alloc(a, 0);

	assert_non_null(p);
	assert_non_null(q);
	assert_ptr_not_equal(p, q);
	assert_true(arena_used(a) > 0);
}

/* Many blocks spanning several chunks: no overlap, every byte keeps its value. */
static void
test_growth_past_chunk(void **state)
{
	struct arena	*a = *state;
	unsigned char	*blocks[200];
	size_t		 i, j, total = 0;

	for (i = 0; i < 200; i++) {
		size_t n = 1 + (i * 37) % 300;

		blocks[i] = arena_alloc(a, n);
		memset(blocks[i], (int)(i & 0xff), n);
		total += n;
	}
	assert_true(total > 10 * 1024);	/* well past the first 1024-byte chunk */
	assert_true(arena_used(a) >= total);
	for (i = 0; i < 200; i++) {
		size_t n = 1 + (i * 37) % 300;

		for (j = 0; j < n; j++)
			if (blocks[i][j] != (unsigned char)(i & 0xff))
				fail_msg("block %zu byte %zu was overwritten", i, j);
	}
}

static void
test_used_accounting(void **state)
{
	struct arena	*a = *state;
	size_t		 u0, u1, u2;

	u0 = arena_used(a);
	assert_int_equal(u0, 0);
	arena_alloc(a, 10);
	u1 = arena_used(a);
	assert_true(u1 >= 10);
	arena_alloc(a, 5000);
	u2 = arena_used(a);
	assert_true(u2 >= u1 + 5000);
	arena_reset(a);
	assert_int_equal(arena_used(a), 0);
}

static void
test_large_allocation(void **state)
{
	struct arena	*a = *state;
	size_t		 big = 4 * 1024 * 1024, i;
	unsigned char	*small1, *p, *small2;

	small1 = arena_alloc(a, 16);
	memset(small1, 0x11, 16);
	p = arena_alloc(a, big);
	assert_non_null(p);
	assert_int_equal((uintptr_t)p % ALIGNMENT, 0);
	memset(p, 0x5a, big);
	small2 = arena_alloc(a, 16);
	memset(small2, 0x22, 16);
	assert_true(arena_used(a) >= big + 32);
	/* The big block is contiguous and untouched by the small ones around it. */
	assert_true(small2 + 16 <= p || small2 >= p + big);
	for (i = 0; i < big; i += 4093)
		assert_int_equal(p[i], 0x5a);
	assert_int_equal(p[big - 1], 0x5a);
	assert_int_equal(small1[0], 0x11);
	assert_int_equal(small1[15], 0x11);
	assert_int_equal(small2[15], 0x22);
	arena_reset(a);
	assert_int_equal(arena_used(a), 0);
}

/* Run arena_alloc(n) in a child; returns 1 if the child aborted, 0 if the call returned. */
static int
alloc_aborts(size_t n)
{
	pid_t	 pid;
	int	 status;

	fflush(NULL);
	if ((pid = fork()) == -1)
		fail_msg("fork failed");
	if (pid == 0) {
		struct arena *a = arena_new(1024);

		if (freopen("/dev/null", "w", stderr) == NULL)
			_exit(3);
		arena_alloc(a, n);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT)
		return 1;
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	return 0;
}

/*
 * A size that cannot be served aborts ("allocation failure aborts"), including sizes so close
 * to SIZE_MAX that rounding them up to the alignment wraps around.
 */
static void
test_huge_allocation_aborts(void **state)
{
	(void)state;
	assert_int_equal(alloc_aborts(SIZE_MAX / 2 + 1), 1);
	assert_int_equal(alloc_aborts(SIZE_MAX - 100), 1);
	if (!alloc_aborts(SIZE_MAX - 7))
		fail_msg("arena_alloc(SIZE_MAX - 7) returned instead of aborting: ALIGN_UP wraps "
		    "to 0 before the size check");
}

static int	 order[8];
static int	 norder;

static void
record(void *p)
{
	if (norder < 8)
		order[norder] = *(int *)p;
	norder++;
}

static void
test_cleanup_reverse_order(void **state)
{
	struct arena	*a = *state;
	static int	 ids[] = { 1, 2, 3, 4 };

	norder = 0;
	arena_cleanup(a, record, &ids[0]);
	arena_alloc(a, 2000);	/* a cleanup registered in a later chunk */
	arena_cleanup(a, record, &ids[1]);
	arena_cleanup(a, record, NULL);	/* not registered */
	arena_cleanup(a, record, &ids[2]);
	arena_alloc(a, 5000);
	arena_cleanup(a, record, &ids[3]);
	assert_int_equal(norder, 0);	/* nothing runs before the reset */
	arena_reset(a);
	assert_int_equal(norder, 4);
	assert_int_equal(order[0], 4);
	assert_int_equal(order[1], 3);
	assert_int_equal(order[2], 2);
	assert_int_equal(order[3], 1);
	/* A second reset does not run them again. */
	arena_reset(a);
	assert_int_equal(norder, 4);
}

static void
test_free_runs_cleanups(void **state)
{
	struct arena	*a = arena_new(4096);
	static int	 ids[] = { 7, 8 };

	(void)state;
	norder = 0;
	arena_cleanup(a, record, &ids[0]);
	arena_cleanup(a, record, &ids[1]);
	arena_free(a);
	assert_int_equal(norder, 2);
	assert_int_equal(order[0], 8);
	assert_int_equal(order[1], 7);
	arena_free(NULL);	/* a no-op */
	assert_int_equal(norder, 2);
}

static void
test_reset_reuses_first_chunk(void **state)
{
	struct arena	*a = *state;
	void		*first, *again;

	first = arena_alloc(a, 64);
	arena_alloc(a, 100000);
	arena_alloc(a, 900);
	arena_alloc(a, 900);
	arena_reset(a);
	again = arena_alloc(a, 64);
	assert_ptr_equal(first, again);
}

static void
test_reset_calloc_zeroes_dirty_memory(void **state)
{
	struct arena	*a = *state;
	unsigned char	*p;
	size_t		 i;

	p = arena_alloc(a, 512);
	memset(p, 0xaa, 512);
	arena_reset(a);
	p = arena_calloc(a, 512);
	for (i = 0; i < 512; i++)
		if (p[i] != 0)
			fail_msg("byte %zu is 0x%02x after arena_calloc", i, p[i]);
}

/* Reset gives the extra chunks back to malloc (observed through mallinfo2). */
static void
test_reset_releases_chunks(void **state)
{
	struct arena	*a = *state;
	struct mallinfo2 m0, m1, m2;
	size_t		 i;

	m0 = mallinfo2();
	for (i = 0; i < 64; i++)
		memset(arena_alloc(a, 128 * 1024), 1, 128 * 1024);	/* 8 MiB */
	m1 = mallinfo2();
	if (m1.uordblks + m1.hblkhd <= m0.uordblks + m0.hblkhd)
		skip();	/* mallinfo2 not tracking (e.g. under a sanitizer) */
	assert_true(m1.uordblks + m1.hblkhd >= m0.uordblks + m0.hblkhd + 8 * 1024 * 1024);
	arena_reset(a);
	m2 = mallinfo2();
	assert_true(m2.uordblks + m2.hblkhd < m0.uordblks + m0.hblkhd + 256 * 1024);
}

/* Standard chunks are kept over a reset and used again, not freed and allocated anew. */
static void
test_reset_keeps_spare_chunks(void **state)
{
	struct arena	*a = *state;
	void		*p[4], *q[4];
	size_t		 i;

	/* setup's arena has 1024-byte chunks: each of these takes a chunk of its own. */
	for (i = 0; i < 4; i++)
		p[i] = arena_alloc(a, 1000);
	arena_reset(a);
	for (i = 0; i < 4; i++)
		q[i] = arena_alloc(a, 1000);
	assert_ptr_equal(q[0], p[0]);	/* the first chunk */
	/* The three others come from the kept chunks, in the same order as before. */
	assert_ptr_equal(q[1], p[1]);
	assert_ptr_equal(q[2], p[2]);
	assert_ptr_equal(q[3], p[3]);
	/* And they start empty: what was written before is not in the way. */
	memset(q[3], 0x5a, 1000);
	assert_int_equal(arena_used(a), 4 * 1008);
}

/* A reset wipes what requests wrote, in the first chunk and in the kept ones. */
static void
test_reset_wipes(void **state)
{
	struct arena	*a = *state;
	unsigned char	*p, *q;
	size_t		 i;

	p = arena_alloc(a, 600);
	memset(p, 'S', 600);			/* "secret" in the first chunk */
	q = arena_alloc(a, 900);		/* a second chunk, kept over the reset */
	memset(q, 'T', 900);
	arena_reset(a);
	for (i = 0; i < 600; i++)
		if (p[i] != 0)
			fail_msg("byte %zu of the first chunk is 0x%02x after reset", i, p[i]);
	for (i = 0; i < 900; i++)
		if (q[i] != 0)
			fail_msg("byte %zu of a kept chunk is 0x%02x after reset", i, q[i]);
}

/* cJSON's memory comes from the arena while one is in use, from malloc otherwise. */
static void
test_jsonmem(void **state)
{
	struct arena	*a = *state;
	cJSON		*before, *o;
	char		*s;
	size_t		 used;

	jsonmem_init();
	before = cJSON_CreateString("made before the request");	/* malloc */
	assert_false(arena_owns(a, before));
	jsonmem_use(a);
	used = arena_used(a);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", "gatehouse");
	cJSON_AddNumberToObject(o, "n", 42);
	assert_true(arena_owns(a, o));
	assert_true(arena_used(a) > used);
	s = cJSON_PrintUnformatted(o);
	assert_true(arena_owns(a, s));
	assert_string_equal(s, "{\"name\":\"gatehouse\",\"n\":42}");
	cJSON_free(s);			/* arena memory: nothing to do */
	cJSON_Delete(o);
	cJSON_Delete(before);		/* malloc'd before: really freed (ASan would see a leak) */
	arena_reset(a);
	jsonmem_use(NULL);
	o = cJSON_CreateObject();
	assert_false(arena_owns(a, o));
	cJSON_Delete(o);
	cJSON_InitHooks(NULL);
}

static void
test_strdup(void **state)
{
	struct arena	*a = *state;
	const char	*src = "hello, arena";
	char		*s, *e;

	s = arena_strdup(a, src);
	assert_string_equal(s, src);
	assert_ptr_not_equal(s, src);
	e = arena_strdup(a, "");
	assert_string_equal(e, "");
	s[0] = 'H';	/* writable, and a copy */
	assert_string_equal(src, "hello, arena");
}

static void
test_strndup(void **state)
{
	struct arena	*a = *state;
	char		 bin[] = { 'a', '\0', 'b', 'c' };
	char		*s;

	s = arena_strndup(a, "abcdef", 3);
	assert_string_equal(s, "abc");
	assert_int_equal(s[3], '\0');
	s = arena_strndup(a, "abcdef", 0);
	assert_string_equal(s, "");
	/* Exactly n bytes are copied, embedded NULs included (used for MySQL buffers). */
	s = arena_strndup(a, bin, sizeof(bin));
	assert_memory_equal(s, bin, sizeof(bin));
	assert_int_equal(s[4], '\0');
}

static char *
vp(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static char *
vp(struct arena *a, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return s;
}

static void
test_printf(void **state)
{
	struct arena	*a = *state;
	char		*s, *big;
	char		 want[6001];

	s = arena_printf(a, "%s-%d-%05.1f-%c", "x", -42, 3.14159, 'z');
	assert_string_equal(s, "x--42-003.1-z");
	s = vp(a, "[%s|%lld]", "abc", 1234567890123LL);
	assert_string_equal(s, "[abc|1234567890123]");
	s = arena_printf(a, "%s", "");
	assert_non_null(s);
	assert_string_equal(s, "");
	/* Longer than a chunk. */
	memset(want, 'q', 6000);
	want[6000] = '\0';
	big = arena_printf(a, "<%s>", want);
	assert_int_equal(strlen(big), 6002);
	assert_int_equal(big[0], '<');
	assert_int_equal(big[6001], '>');
	assert_memory_equal(big + 1, want, 6000);
}

/* The arena is usable again after reset, many times over. */
static void
test_many_cycles(void **state)
{
	struct arena	*a = *state;
	int		 round;
	char		*s;

	for (round = 0; round < 50; round++) {
		s = arena_printf(a, "round %d", round);
		arena_alloc(a, 3000);
		assert_string_equal(s, arena_printf(a, "round %d", round));
		arena_reset(a);
		assert_int_equal(arena_used(a), 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_alignment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zero_size, setup, teardown),
		cmocka_unit_test_setup_teardown(test_growth_past_chunk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_used_accounting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_large_allocation, setup, teardown),
		cmocka_unit_test(test_huge_allocation_aborts),
		cmocka_unit_test_setup_teardown(test_cleanup_reverse_order, setup, teardown),
		cmocka_unit_test(test_free_runs_cleanups),
		cmocka_unit_test_setup_teardown(test_reset_reuses_first_chunk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_calloc_zeroes_dirty_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_releases_chunks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_keeps_spare_chunks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jsonmem, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_wipes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_strdup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_strndup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_printf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_cycles, setup, teardown),
	};

	return cmocka_run_group_tests_name("arena", tests, NULL, NULL);
}
