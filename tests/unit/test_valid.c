/* Unit tests for src/core/valid.c: usernames, email addresses, E.164 phone numbers. */
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_username),
		cmocka_unit_test(test_email),
		cmocka_unit_test(test_phone),
	};

	return cmocka_run_group_tests_name("valid", tests, NULL, NULL);
}
