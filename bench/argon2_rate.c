/*
 * argon2_rate: raw Argon2id verifications per second with libsodium, the yardstick for login
 * throughput in bench/run.  Hashes a password once with the given parameters, then verifies it
 * (crypto_pwhash_str_verify, the call the server makes) in a loop for SECONDS and prints
 *
 *   verifies=N seconds=S rate=R p50_ms=A p99_ms=B cpu_ms=C
 *
 * (cpu_ms: this process's CPU time per verification, which does not depend on what else runs.)
 *
 *   argon2_rate [SECONDS [OPSLIMIT [MEMLIMIT_KIB [slot]]]]      defaults: 10 2 19456
 *
 * With "slot", it verifies the way the server does (src/auth/password.c, linked in): through a
 * gate of one hashing slot whose memory is mapped once, so libsodium's Argon2id runs in memory
 * already mapped instead of mapping, zeroing and unmapping it for every verification.
 *
 * Run one per core to get the machine's rate; bench/run adds the processes' rates up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/resource.h>

#include <sodium.h>

#include "auth/password.h"

static double
now_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char *argv[])
{
	static const char	 pw[] = "gatehouse-dev-password";
	char			 hash[crypto_pwhash_STRBYTES];
	double			 secs = argc > 1 ? atof(argv[1]) : 10.0;
	unsigned long long	 ops = argc > 2 ? strtoull(argv[2], NULL, 10) : 2;
	size_t			 kib = argc > 3 ? strtoull(argv[3], NULL, 10) : 19456;
	int			 slot = argc > 4 && strcmp(argv[4], "slot") == 0;
	double			*lat, t0, t1, end, cpu0, cpu1;
	size_t			 n = 0, cap = 4096;
	struct rusage		 ru;

	if (sodium_init() < 0 || secs <= 0) {
		fprintf(stderr, "argon2_rate: cannot start\n");
		return 1;
	}
	if (crypto_pwhash_str_alg(hash, pw, strlen(pw), ops, kib * 1024,
	    crypto_pwhash_ALG_ARGON2ID13) != 0) {
		fprintf(stderr, "argon2_rate: hashing failed (out of memory?)\n");
		return 1;
	}
	if (slot && password_gate_open(1, kib * 1024, NULL) != 0) {
		fprintf(stderr, "argon2_rate: cannot open a hashing slot\n");
		return 1;
	}
	if ((lat = malloc(cap * sizeof(*lat))) == NULL)
		return 1;
	getrusage(RUSAGE_SELF, &ru);
	cpu0 = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	end = now_s() + secs;
	t0 = now_s();
	do {
		if (slot ? password_verify(hash, pw, strlen(pw)) != 1 :
		    crypto_pwhash_str_verify(hash, pw, strlen(pw)) != 0) {
			fprintf(stderr, "argon2_rate: verification failed\n");
			return 1;
		}
		t1 = now_s();
		if (n == cap && (lat = realloc(lat, (cap *= 2) * sizeof(*lat))) == NULL)
			return 1;
		lat[n++] = t1 - t0;
		t0 = t1;
	} while (t1 < end);
	getrusage(RUSAGE_SELF, &ru);
	cpu1 = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	qsort(lat, n, sizeof(*lat), dcmp);
	printf("verifies=%zu seconds=%.3f rate=%.2f p50_ms=%.2f p99_ms=%.2f cpu_ms=%.2f\n", n,
	    secs + (t1 - end), (double)n / (secs + (t1 - end)), lat[n / 2] * 1e3,
	    lat[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1] * 1e3, (cpu1 - cpu0) * 1e3 / (double)n);
	free(lat);
	return 0;
}
