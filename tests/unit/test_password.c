/*
 * Unit tests for src/auth/password.c: hash and verify, wrong password, the dummy verification
 * for users without a usable hash (same answer, comparable time), rehash detection.
 * Parameters are the OWASP ones the server defaults to (t=2, 19 MiB), so timings are real.
 * The gate: slots counted, a waiter counted and timed, a dead holder's slot given back, and a
 * verification that waits while another process holds the only slot; the slots' own memory.
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <sodium.h>

#include "auth/password.h"

#define OPS	2ULL
#define MEM	((size_t)19 * 1024 * 1024)
#define PW	"gatehouse-dev-password"

static char stored[crypto_pwhash_STRBYTES];

static double
now_ms(void)
{
	struct timespec ts;

	/*
	 * CPU time of this process, not wall time: the comparison is about the work a check does,
	 * and other processes on a busy machine must not decide the outcome.
	 */
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median wall time of 5 calls of password_verify(hash, pw), checking each answer. */
static double
median_verify_ms(const char *hash, const char *pw, int want)
{
	double t[5], t0;
	int i;

	for (i = 0; i < 5; i++) {
		t0 = now_ms();
		assert_int_equal(password_verify(hash, pw, strlen(pw)), want);
		t[i] = now_ms() - t0;
	}
	qsort(t, 5, sizeof(t[0]), cmp_double);
	return t[2];
}

/* Runs first: before password_dummy_init() an unusable hash is an error, not a silent 0. */
static void
test_dummy_required(void **state)
{
	(void)state;
	assert_int_equal(password_verify(NULL, PW, strlen(PW)), -1);
	assert_int_equal(password_verify("garbage", PW, strlen(PW)), -1);
}

static void
test_hash_verify(void **state)
{
	char again[crypto_pwhash_STRBYTES];

	(void)state;
	assert_int_equal(password_hash(PW, strlen(PW), OPS, MEM, stored), 0);
	assert_true(strncmp(stored, "$argon2id$v=19$m=19456,t=2,p=1$", 31) == 0);
	assert_int_equal(password_verify(stored, PW, strlen(PW)), 1);
	/* Salted: the same password never hashes the same way twice. */
	assert_int_equal(password_hash(PW, strlen(PW), OPS, MEM, again), 0);
	assert_string_not_equal(stored, again);
	assert_int_equal(password_verify(again, PW, strlen(PW)), 1);
	/* Length-delimited: bytes after len do not count, a NUL inside does. */
	assert_int_equal(password_verify(stored, PW "tail", strlen(PW)), 1);
	assert_int_equal(password_hash("a\0b", 3, OPS, MEM, again), 0);
	assert_int_equal(password_verify(again, "a\0b", 3), 1);
	assert_int_equal(password_verify(again, "a", 1), 0);
	/* Parameters libsodium refuses. */
	assert_int_equal(password_hash(PW, strlen(PW), 0, MEM, again), -1);
	assert_int_equal(password_hash(PW, strlen(PW), OPS, 1024, again), -1);
	assert_int_equal(password_hash(NULL, 5, OPS, MEM, again), -1);
}

/* Passwords are hashed in their normal form (RFC 8265 OpaqueString: spaces, then NFC). */
static void
test_normal_form(void **state)
{
	static const char nfc[] = "caf\xc3\xa9 cr\xc3\xa8me";	/* precomposed e-acute, e-grave */
	static const char nfd[] = "cafe\xcc\x81 cre\xcc\x80me";	/* e + combining accents */
	static const char nbsp[] = "caf\xc3\xa9\xc2\xa0" "cr\xc3\xa8me";	/* a no-break space */
	char	 h[crypto_pwhash_STRBYTES], raw[crypto_pwhash_STRBYTES];
	int	 legacy;

	(void)state;
	assert_int_equal(password_hash(nfd, strlen(nfd), OPS, MEM, h), 0);
	assert_int_equal(password_check(h, nfc, strlen(nfc), &legacy), 1);
	assert_int_equal(legacy, 0);
	assert_int_equal(password_check(h, nfd, strlen(nfd), &legacy), 1);
	assert_int_equal(legacy, 0);
	assert_int_equal(password_verify(h, nbsp, strlen(nbsp)), 1);
	assert_int_equal(password_verify(h, "cafe creme", 10), 0);
	/* A hash of the bytes as typed (made before normalization) still verifies, marked legacy. */
	assert_int_equal(crypto_pwhash_str_alg(raw, nfd, strlen(nfd), OPS, MEM,
	    crypto_pwhash_ALG_ARGON2ID13), 0);
	assert_int_equal(password_check(raw, nfd, strlen(nfd), &legacy), 1);
	assert_int_equal(legacy, 1);
	/* ... and not in another form than the one it was made from. */
	assert_int_equal(password_check(raw, nfc, strlen(nfc), &legacy), 0);
	assert_int_equal(legacy, 0);
	/* Not UTF-8: taken as it is. */
	assert_int_equal(password_hash("\xff\xfe", 2, OPS, MEM, h), 0);
	assert_int_equal(password_verify(h, "\xff\xfe", 2), 1);
}

static void
test_wrong_password(void **state)
{
	(void)state;
	assert_int_equal(password_verify(stored, "gatehouse-dev-passwore", 22), 0);
	assert_int_equal(password_verify(stored, "", 0), 0);
	assert_int_equal(password_verify(stored, PW, strlen(PW) - 1), 0);
	assert_int_equal(password_verify(stored, NULL, 3), -1);
}

static void
test_unusable_hash(void **state)
{
	char truncated[crypto_pwhash_STRBYTES], unterminated[crypto_pwhash_STRBYTES];
	double real, dummy;

	(void)state;
	assert_int_equal(password_dummy_init(OPS, MEM), 0);
	/* The dummy is never a way in, whatever the password. */
	assert_int_equal(password_verify(NULL, PW, strlen(PW)), 0);
	assert_int_equal(password_verify(NULL, "", 0), 0);
	assert_int_equal(password_verify("", PW, strlen(PW)), 0);
	assert_int_equal(password_verify("$2y$10$abcdefghijklmnopqrstuuJ5Vd1cX6Qd7Zb8Y9a0b1c2d3e4f5g6",
	    PW, strlen(PW)), 0);
	assert_int_equal(password_verify("$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
	    PW, strlen(PW)), 0);
	memcpy(truncated, stored, sizeof(truncated));
	truncated[40] = '\0';
	assert_int_equal(password_verify(truncated, PW, strlen(PW)), 0);
	memset(unterminated, 'x', sizeof(unterminated));
	memcpy(unterminated, "$argon2id$", 10);
	assert_int_equal(password_verify(unterminated, PW, strlen(PW)), 0);

	/* An unknown user must not be cheaper than a wrong password. */
	real = median_verify_ms(stored, "wrong password", 0);
	dummy = median_verify_ms(NULL, "wrong password", 0);
	printf("# argon2id t=2 m=19MiB verify: real %.1f ms, dummy %.1f ms\n", real, dummy);
	assert_true(dummy > 0.3 * real);
	assert_true(dummy < 3.0 * real);
}

static double
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void
test_gate_counts(void **state)
{
	int	 a, b;

	(void)state;
	assert_int_equal(password_gate_free(), -1);
	assert_int_equal(password_gate_enter(), 0);	/* no gate: nothing to take */
	assert_int_equal(password_gate_open(0, 0, NULL), -1);
	assert_int_equal(password_gate_open(2, 0, NULL), 0);
	assert_int_equal(password_gate_free(), 2);
	a = password_gate_enter();
	b = password_gate_enter();
	assert_int_equal(a, 1);
	assert_int_equal(b, 1);
	assert_int_equal(password_gate_free(), 0);
	password_gate_leave(a);
	assert_int_equal(password_gate_free(), 1);
	password_gate_leave(b);
	password_gate_leave(0);				/* nothing was taken: no change */
	assert_int_equal(password_gate_free(), 2);
	password_gate_close();
	assert_int_equal(password_gate_free(), -1);
}

/* A child holds the only slot for hold_ms (or dies holding it when hold_ms < 0). */
static pid_t
hold_slot(int hold_ms)
{
	char	 c;
	int	 fd[2];
	pid_t	 pid;

	assert_int_equal(pipe(fd), 0);
	if ((pid = fork()) == 0) {
		if (password_gate_enter() != 1)
			_exit(2);
		if (write(fd[1], "x", 1) != 1)
			_exit(3);
		if (hold_ms > 0) {
			usleep((useconds_t)hold_ms * 1000);
			password_gate_leave(1);
		}
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(read(fd[0], &c, 1), 1);
	close(fd[0]);
	close(fd[1]);
	return pid;
}

static void
test_gate_dead_holder(void **state)
{
	int	 st;
	pid_t	 pid;

	(void)state;
	assert_int_equal(password_gate_open(1, 0, NULL), 0);
	pid = hold_slot(-1);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* The child exited holding the slot; the kernel gave it back. */
	assert_int_equal(password_gate_free(), 1);
	password_gate_close();
}

/*
 * Open a gate of slots (mem bytes each) that counts into shared counters: waits, wait_us,
 * in_slot, mapped.
 */
static uint64_t *
gate_with_counters(int slots, size_t mem)
{
	struct password_stats	 ps;
	uint64_t		*c;

	c = mmap(NULL, 4 * sizeof(*c), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(c != MAP_FAILED);
	memset(c, 0, 4 * sizeof(*c));
	ps.waits = &c[0];
	ps.wait_us = &c[1];
	ps.in_slot = &c[2];
	ps.mapped = &c[3];
	assert_int_equal(password_gate_open(slots, mem, &ps), 0);
	return c;
}

static void
test_gate_verify_waits(void **state)
{
	uint64_t		*c;
	double			 t0, waited;
	int			 st;
	pid_t			 pid;

	(void)state;
	c = gate_with_counters(1, 0);
	pid = hold_slot(150);
	t0 = wall_ms();
	assert_int_equal(password_verify(stored, PW, strlen(PW)), 1);
	waited = wall_ms() - t0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* The verification started only once the child left: it waited most of the 150 ms. */
	assert_int_equal(c[0], 1);
	assert_true(c[1] >= 100 * 1000);
	assert_true(waited >= 100.0);
	assert_int_equal(password_gate_free(), 1);
	/* With the slot free, nothing waits. */
	assert_int_equal(password_verify(stored, PW, strlen(PW)), 1);
	assert_int_equal(c[0], 1);
	password_gate_close();
	munmap(c, 4 * sizeof(*c));
}

/* Pages of [p, p + len) resident in memory. */
static size_t
resident(const unsigned char *p, size_t len)
{
	size_t		 pg = (size_t)sysconf(_SC_PAGESIZE), n = (len + pg - 1) / pg, i, r = 0;
	unsigned char	*v = calloc(n, 1);

	assert_non_null(v);
	assert_int_equal(mincore((void *)p, len, v), 0);
	for (i = 0; i < n; i++)
		r += v[i] & 1;
	free(v);
	return r;
}

static int
all_zero(const unsigned char *p, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

/*
 * Slot memory: hashes and verifications run in the slot's memory (it is resident afterwards and
 * they are counted there), which is wiped after each; a hash bigger than a slot, or one without
 * a slot, runs in memory libsodium maps, with the same results.
 */
static void
test_gate_slot_memory(void **state)
{
	struct password_stats	 ps;
	const unsigned char	*base;
	uint64_t		 c[4] = { 0, 0, 0, 0 };
	char			 big[crypto_pwhash_STRBYTES], fresh[crypto_pwhash_STRBYTES];
	size_t			 len;
	int			 slots;

	(void)state;
	memset(&ps, 0, sizeof(ps));
	ps.in_slot = &c[0];
	ps.mapped = &c[1];
	assert_int_equal(password_gate_open(2, MEM, &ps), 0);
	base = password_gate_memory(&slots, &len);
	assert_non_null(base);
	assert_int_equal(slots, 2);
	assert_int_equal(len, MEM);
	assert_int_equal(resident(base, 2 * len), 0);		/* reserved, not yet used */

	assert_int_equal(password_verify(stored, PW, strlen(PW)), 1);
	assert_int_equal(c[0], 1);
	assert_int_equal(c[1], 0);
	/* The verification's 19 MiB were the first slot's, and nothing of it is left. */
	assert_true(resident(base, len) >= len / (size_t)sysconf(_SC_PAGESIZE) * 9 / 10);
	assert_int_equal(resident(base + len, len), 0);
	assert_true(all_zero(base, len));
	assert_int_equal(password_verify(stored, "not-the-password", 16), 0);
	assert_int_equal(password_hash(PW, strlen(PW), OPS, MEM, fresh), 0);
	assert_int_equal(password_verify(fresh, PW, strlen(PW)), 1);
	assert_int_equal(c[0], 4);
	assert_int_equal(c[1], 0);
	assert_true(all_zero(base, 2 * len));

	/* Twice a slot's size: libsodium maps its own, and the answers are the same. */
	assert_int_equal(password_hash(PW, strlen(PW), OPS, MEM * 2, big), 0);
	assert_int_equal(password_verify(big, PW, strlen(PW)), 1);
	assert_int_equal(password_verify(big, "not-the-password", 16), 0);
	assert_int_equal(c[0], 4);
	assert_int_equal(c[1], 3);
	/* Smaller than a slot: runs in it. */
	assert_int_equal(password_hash(PW, strlen(PW), OPS, MEM / 2, big), 0);
	assert_int_equal(password_verify(big, PW, strlen(PW)), 1);
	assert_int_equal(c[0], 6);
	assert_int_equal(password_gate_free(), 2);
	password_gate_close();
	assert_null(password_gate_memory(&slots, NULL));
	assert_int_equal(slots, 0);

	/* No gate: libsodium's own mapping, nothing counted. */
	assert_int_equal(password_verify(stored, PW, strlen(PW)), 1);
	assert_int_equal(c[0], 6);
	assert_int_equal(c[1], 3);
}

/*
 * Nested enters keep one slot and give it back on the last leave: with a child holding the
 * other slot, the parent's next hash still finds one (before the fix, the first slot stayed
 * taken and the hash ran in mapped memory).
 */
static void
test_gate_nested(void **state)
{
	uint64_t		*c;
	int			 a, b, st;
	pid_t			 pid;

	(void)state;
	c = gate_with_counters(2, MEM);
	a = password_gate_enter();
	b = password_gate_enter();
	assert_int_equal(password_gate_free(), 0);
	password_gate_leave(b);
	password_gate_leave(a);
	assert_int_equal(password_gate_free(), 2);
	pid = hold_slot(400);
	assert_int_equal(password_verify(stored, PW, strlen(PW)), 1);
	assert_int_equal(c[2], 1);
	assert_int_equal(c[3], 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	password_gate_close();
	munmap(c, 4 * sizeof(*c));
}

/*
 * A process killed in the middle of a hash leaves the slot dirty; the next holder wipes all of
 * it before use, even when its own hash needs only half.
 */
static void
test_gate_dead_hasher_wiped(void **state)
{
	const unsigned char	*base;
	char			 half[crypto_pwhash_STRBYTES], out[crypto_pwhash_STRBYTES];
	size_t			 len, i;
	double			 t0;
	int			 st, seen = 0;
	pid_t			 pid;

	(void)state;
	/* Made before the gate opens: no slot memory touched. */
	assert_int_equal(password_hash(PW, strlen(PW), OPS, MEM / 2, half), 0);
	assert_int_equal(password_gate_open(1, MEM, NULL), 0);
	base = password_gate_memory(NULL, &len);
	assert_non_null(base);
	if ((pid = fork()) == 0) {
		for (;;)
			(void)password_hash(PW, strlen(PW), 8, MEM, out);
	}
	assert_true(pid > 0);
	/* Wait until the child's hash has written the last quarter of the slot. */
	for (t0 = wall_ms(); !seen && wall_ms() - t0 < 10000; )
		for (i = len - len / 4; i < len && !seen; i += 4096)
			seen = base[i] != 0;
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(seen);
	assert_int_equal(password_verify(half, PW, strlen(PW)), 1);
	assert_true(all_zero(base, len));
	password_gate_close();
}

static void
test_needs_rehash(void **state)
{
	(void)state;
	assert_int_equal(password_needs_rehash(stored, OPS, MEM), 0);
	assert_int_equal(password_needs_rehash(stored, OPS + 1, MEM), 1);
	assert_int_equal(password_needs_rehash(stored, OPS, MEM * 2), 1);
	assert_int_equal(password_needs_rehash(stored, 1, MEM), 1);
	assert_int_equal(password_needs_rehash(NULL, OPS, MEM), 1);
	assert_int_equal(password_needs_rehash("not a hash", OPS, MEM), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dummy_required),
		cmocka_unit_test(test_hash_verify),
		cmocka_unit_test(test_normal_form),
		cmocka_unit_test(test_wrong_password),
		cmocka_unit_test(test_unusable_hash),
		cmocka_unit_test(test_needs_rehash),
		cmocka_unit_test(test_gate_counts),
		cmocka_unit_test(test_gate_dead_holder),
		cmocka_unit_test(test_gate_verify_waits),
		cmocka_unit_test(test_gate_slot_memory),
		cmocka_unit_test(test_gate_nested),
		cmocka_unit_test(test_gate_dead_hasher_wiped),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
