/* Unit tests for src/core/valid.c: usernames, email addresses, E.164 phone numbers, integers. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/valid.h"

static void
test_username(void **state)
{
	static const char *const good[] = { "bob", "a.b", "Alice_01", "x-y-z", "0abc",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" /* 64 */ };
	static const char *const bad[] = { "", "ab", ".bob", "-bob", "_bob", "bo b", "bob@x.org",
	    "bøb", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" /* 65 */ };
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(valid_username(good[i]));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(valid_username(bad[i]));
}

static void
test_email(void **state)
{
	static const char *const good[] = { "bob@acme.test", "a.b+tag@sub.example.com",
	    "o'brien@example.org", "x@a-b.io" };
	static const char *const bad[] = { "", "bob", "@acme.test", "bob@", "bob@acme",
	    ".bob@acme.test", "bob.@acme.test", "b..ob@acme.test", "bob@-acme.test",
	    "bob@acme-.test", "bob@acme..test", "bob@123.456", "bo b@acme.test",
	    "gone@deleted.invalid", "\"q\"@acme.test" };
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(valid_email(good[i]));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(valid_email(bad[i]));
}

static void
test_phone(void **state)
{
	(void)state;
	assert_true(valid_phone("+14155550100"));
	assert_true(valid_phone("+44"));
	assert_true(valid_phone("+123456789012345"));		/* 15 digits */
	assert_false(valid_phone("+1234567890123456"));		/* 16 digits */
	assert_false(valid_phone("14155550100"));
	assert_false(valid_phone("+04155550100"));
	assert_false(valid_phone("+1 415 555 0100"));
	assert_false(valid_phone("+4"));
	assert_false(valid_phone(""));
}

static void
test_int_text(void **state)
{
	static const char *const bad[] = { "", "+3", " 3", "3 ", "1abc", "1.9", "1.5", "-1",
	    "0x10", "1e3", "01", "00", "-", "--1", "9223372036854775808",
	    "99999999999999999999999", "\t1", "1\n", "\xd9\xa3" };
	long long	 v;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 42;
		assert_false(valid_int_text(bad[i], 0, LLONG_MAX, &v));
		assert_int_equal(v, 42);
	}
	assert_false(valid_int_text(NULL, 0, 10, &v));
	assert_true(valid_int_text("0", 0, 10, &v));
	assert_int_equal(v, 0);
	assert_true(valid_int_text("10", 0, 10, &v));
	assert_int_equal(v, 10);
	assert_false(valid_int_text("11", 0, 10, &v));
	assert_false(valid_int_text("0", 1, 10, &v));
	assert_true(valid_int_text("9223372036854775807", 1, LLONG_MAX, &v));
	assert_true(v == LLONG_MAX);
	/* A sign only where the range has negative numbers, and never "-0". */
	assert_true(valid_int_text("-5", -10, 10, &v));
	assert_int_equal(v, -5);
	assert_false(valid_int_text("-11", -10, 10, &v));
	assert_false(valid_int_text("-0", -10, 10, &v));
	assert_false(valid_int_text("-3", -10, -5, &v));
	assert_true(valid_int_text("-9223372036854775808", LLONG_MIN, 0, &v));
	assert_true(v == LLONG_MIN);
	assert_false(valid_int_text("-9223372036854775809", LLONG_MIN, 0, &v));
	/* The length bounds the text: no NUL needed, none looked past. */
	assert_true(valid_int_mem("123abc", 3, 0, 1000, &v));
	assert_int_equal(v, 123);
	assert_false(valid_int_mem("12\0", 3, 0, 1000, &v));
	assert_false(valid_int_mem("1", 0, 0, 1000, &v));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_username),
		cmocka_unit_test(test_email),
		cmocka_unit_test(test_phone),
		cmocka_unit_test(test_int_text),
	};

	return cmocka_run_group_tests_name("valid", tests, NULL, NULL);
}
