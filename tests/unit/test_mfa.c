/*
 * Unit tests for src/auth/mfa.c that need no server: TOTP codes against the test vectors of
 * RFC 6238 appendix B (SHA-1; a 6-digit code is the last six digits of the 8-digit vector), the
 * drift window of one step either side, replay refusal, code syntax, base32 of the secret, and
 * the shape and alphabet of recovery codes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "auth/mfa.h"

/* The RFC 6238 SHA-1 seed: the ASCII digits "12345678901234567890" (20 bytes). */
static const unsigned char seed[MFA_TOTP_SECRET_LEN] = "12345678901234567890";

static const struct { long long t; const char *code8; } vectors[] = {
	{ 59LL, "94287082" },
	{ 1111111109LL, "07081804" },
	{ 1111111111LL, "14050471" },
	{ 1234567890LL, "89005924" },
	{ 2000000000LL, "69279037" },
	{ 20000000000LL, "65353130" },
};

static void
test_rfc6238_vectors(void **state)
{
	char	 out[MFA_TOTP_DIGITS + 1];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		assert_int_equal(mfa_totp_code(seed, vectors[i].t, out), 0);
		assert_string_equal(out, vectors[i].code8 + 2);
	}
}

static void
test_check_window_and_replay(void **state)
{
	long long	 t = 1234567890LL, step = 0;
	char		 c[MFA_TOTP_DIGITS + 1];

	(void)state;
	assert_int_equal(mfa_totp_code(seed, t, c), 0);
	assert_int_equal(mfa_totp_check(seed, c, t, 0, &step), 1);
	assert_int_equal(step, t / MFA_TOTP_STEP);
	/* One step of drift either way is accepted, two are not. */
	assert_int_equal(mfa_totp_check(seed, c, t + MFA_TOTP_STEP, 0, &step), 1);
	assert_int_equal(mfa_totp_check(seed, c, t - MFA_TOTP_STEP, 0, &step), 1);
	assert_int_equal(mfa_totp_check(seed, c, t + 2 * MFA_TOTP_STEP, 0, &step), 0);
	assert_int_equal(mfa_totp_check(seed, c, t - 2 * MFA_TOTP_STEP, 0, &step), 0);
	/* The step already used, or an earlier one, is a replay. */
	assert_int_equal(mfa_totp_check(seed, c, t, t / MFA_TOTP_STEP, &step), -1);
	assert_int_equal(mfa_totp_check(seed, c, t, t / MFA_TOTP_STEP + 1, &step), -1);
	assert_int_equal(mfa_totp_check(seed, c, t, t / MFA_TOTP_STEP - 1, &step), 1);
}

static void
test_check_syntax(void **state)
{
	long long	 step = 0, t = 59;

	(void)state;
	assert_int_equal(mfa_totp_check(seed, "287082", t, 0, &step), 1);
	assert_int_equal(mfa_totp_check(seed, "28708", t, 0, &step), 0);
	assert_int_equal(mfa_totp_check(seed, "2870822", t, 0, &step), 0);
	assert_int_equal(mfa_totp_check(seed, "28708a", t, 0, &step), 0);
	assert_int_equal(mfa_totp_check(seed, " 287082", t, 0, &step), 0);
	assert_int_equal(mfa_totp_check(seed, "", t, 0, &step), 0);
	assert_int_equal(mfa_totp_check(seed, NULL, t, 0, &step), 0);
	assert_int_equal(mfa_totp_check(seed, "287083", t, 0, &step), 0);
}

static void
test_recovery_code_shape(void **state)
{
	char	 c[MFA_RECOVERY_LEN + 1], prev[MFA_RECOVERY_LEN + 1] = "";
	int	 i, k;

	(void)state;
	for (i = 0; i < 200; i++) {
		mfa_recovery_code(c);
		assert_int_equal(strlen(c), MFA_RECOVERY_LEN);
		assert_int_equal(c[5], '-');
		for (k = 0; k < MFA_RECOVERY_LEN; k++)
			if (k != 5)
				assert_non_null(strchr("23456789abcdefghjkmnpqrstuvwxyz", c[k]));
		assert_string_not_equal(c, prev);
		memcpy(prev, c, sizeof(c));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc6238_vectors),
		cmocka_unit_test(test_check_window_and_replay),
		cmocka_unit_test(test_check_syntax),
		cmocka_unit_test(test_recovery_code_shape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
