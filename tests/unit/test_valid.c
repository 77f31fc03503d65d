/*
 * Unit tests for src/core/valid.c: usernames, email addresses, E.164 phone numbers, non-printing
 * characters, the normal form of identifiers and integers in text.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/valid.h"
#include "api/common.h"
#include "auth/session.h"
#include "http/request.h"

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
test_slug(void **state)
{
	(void)state;
	assert_true(valid_slug("acme"));
	assert_true(valid_slug("a1"));
	assert_true(valid_slug("acme-corp-2"));
	assert_true(valid_slug("1a"));
	assert_false(valid_slug(""));
	assert_false(valid_slug("a"));
	assert_false(valid_slug("123"));		/* only digits: login reads it as an id */
	assert_false(valid_slug("-acme"));
	assert_false(valid_slug("Acme"));
	assert_false(valid_slug("acme corp"));
	assert_false(valid_slug("acme_corp"));
	assert_true(valid_slug("a23456789012345678901234567890123456789012345678901234567890123"));
	assert_false(valid_slug("a234567890123456789012345678901234567890123456789012345678901234"));
}

static void
test_printable(void **state)
{
	static const char *const good[] = { "", "Bob", "Zoë Ångström", "山田 太郎", "O'Brien-Smith",
	    "\xf0\x9f\x99\x82" /* U+1F642 */, "a\xc2\xa0" "b" /* U+00A0 inside */ };
	static const char *const bad[] = {
		"a\tb", "a\nb", "\x7f", "a\xc2\x85" /* U+0085 NEL, Cc */,
		"\xe2\x80\xae" "evil" /* U+202E RLO */, "\xe2\x80\xaa" /* U+202A */,
		"\xe2\x81\xa6x" /* U+2066 LRI */, "x\xe2\x81\xa9" /* U+2069 PDI */,
		"ad\xe2\x80\x8bmin" /* U+200B */, "a\xe2\x80\x8f" "b" /* U+200F RLM */,
		"\xef\xbb\xbf" "admin" /* U+FEFF */, "a\xc2\xad" "b" /* U+00AD soft hyphen */,
		"a\xe2\x80\xa8" "b" /* U+2028 Zl */, "a\xe2\x80\xa9" "b" /* U+2029 Zp */,
		"\xff", "\xc3", "\xed\xa0\x80" /* a surrogate */,
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(valid_printable(good[i]));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(valid_printable(bad[i]));
}

static void
ident_is(enum valid_ident_kind k, const char *in, enum valid_ident_res want, const char *canon)
{
	char	 out[VALID_IDENT_SIZE];

	assert_int_equal(valid_ident(k, in, out, sizeof(out)), want);
	assert_string_equal(out, canon);
}

static void
test_ident(void **state)
{
	(void)state;
	ident_is(VALID_USERNAME, "admin", IDENT_OK, "admin");
	ident_is(VALID_USERNAME, "Admin", IDENT_OK, "admin");
	ident_is(VALID_USERNAME, "ADMIN.Ops-1", IDENT_OK, "admin.ops-1");
	/* Fullwidth ａｄｍｉｎ and Ａｄｍｉｎ: width mapping, then case folding. */
	ident_is(VALID_USERNAME, "\xef\xbd\x81\xef\xbd\x84\xef\xbd\x8d\xef\xbd\x89\xef\xbd\x8e",
	    IDENT_MAPPED, "admin");
	ident_is(VALID_USERNAME, "\xef\xbc\xa1" "dmin", IDENT_MAPPED, "admin");
	ident_is(VALID_USERNAME, "admin\xe2\x91\xa0" /* U+2460 circled 1 */, IDENT_MAPPED,
	    "admin1");
	/* Case folding alone maps the ligature U+FB01 and the Kelvin sign U+212A. */
	ident_is(VALID_USERNAME, "\xef\xac\x81" "nance", IDENT_OK, "finance");
	ident_is(VALID_USERNAME, "\xe2\x84\xaa" "elvin" /* U+212A Kelvin sign */, IDENT_OK,
	    "kelvin");
	ident_is(VALID_USERNAME, "admin ", IDENT_SPACE, "");
	ident_is(VALID_USERNAME, " admin", IDENT_SPACE, "");
	ident_is(VALID_USERNAME, "admin\xe3\x80\x80" /* U+3000 ideographic space */, IDENT_SPACE,
	    "");
	ident_is(VALID_USERNAME, "ad\xe2\x80\x8bmin", IDENT_NONPRINT, "");
	ident_is(VALID_USERNAME, "\xe2\x80\xaenimda", IDENT_NONPRINT, "");
	ident_is(VALID_USERNAME, "admin\t", IDENT_NONPRINT, "");
	ident_is(VALID_USERNAME, "b\xc3\xb8" "b", IDENT_SYNTAX, "");
	ident_is(VALID_USERNAME, "a b", IDENT_SYNTAX, "");
	ident_is(VALID_USERNAME, "", IDENT_SYNTAX, "");
	ident_is(VALID_USERNAME, "bob@acme.test", IDENT_SYNTAX, "");
	ident_is(VALID_EMAIL, "Bob.Smith@ACME.test", IDENT_OK, "bob.smith@acme.test");
	ident_is(VALID_EMAIL, "bob\xef\xbc\xa0" "acme.test" /* fullwidth @ */, IDENT_MAPPED,
	    "bob@acme.test");
	ident_is(VALID_EMAIL, "bob@acme.test ", IDENT_SPACE, "");
	ident_is(VALID_EMAIL, "b\xc3\xb6" "b@acme.test", IDENT_SYNTAX, "");
	ident_is(VALID_EMAIL, "bob", IDENT_SYNTAX, "");
	/* Idempotent: the canonical form is its own canonical form. */
	ident_is(VALID_EMAIL, "bob.smith@acme.test", IDENT_OK, "bob.smith@acme.test");
}

static void
test_ident_small_buffer(void **state)
{
	char	 out[4];

	(void)state;
	assert_int_equal(valid_ident(VALID_USERNAME, "alice", out, sizeof(out)), IDENT_SYNTAX);
	assert_string_equal(out, "");
	assert_int_equal(valid_ident(VALID_USERNAME, "Bob", out, sizeof(out)), IDENT_OK);
	assert_string_equal(out, "bob");
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

/*
 * Base64url text and the decoders behind it.  libsodium 1.0.18 decodes every byte 0x80-0xff as
 * '_': tests/fuzz/fuzz_formats found a session id with four 0xff bytes that decoded to the same
 * family as its spelling with '_', and the list cursors took the same aliases.
 */
static void
test_base64url(void **state)
{
	static const char	 fuzzed[] = "AAAAAAAAA\xff\xff\xff\xff" "AAAAAAAAA";
	unsigned char		 family[SESSION_FAMILY_LEN];
	struct arena		*a = arena_new(4096);
	struct request		 req;
	struct api_page		 pg;
	char			*env[] = { NULL };

	(void)state;
	assert_true(valid_base64url("q83vEjRWeJCrze8SNFZ4kA"));
	assert_true(valid_base64url("a-b_c9"));
	assert_false(valid_base64url(NULL));
	assert_false(valid_base64url(""));
	assert_false(valid_base64url("a=b"));
	assert_false(valid_base64url("a+b/"));
	assert_false(valid_base64url("ab\xff"));
	assert_false(valid_base64url("\x80"));

	assert_int_equal(session_sid_decode("AAAAAAAAA____AAAAAAAAA", family), 0);
	assert_int_equal(session_sid_decode(fuzzed, family), -1);
	assert_int_equal(session_sid_decode("", family), -1);

	/* "aWQ6NDI" is "id:42"; the same with its last character spelled 0xff is refused. */
	req_init(&req, a, env);
	req.uri = "/api/v1/roles?cursor=aWQ6NDI";
	assert_int_equal(req_parse_uri(&req), GH_OK);
	assert_int_equal(api_page_parse(&req, &pg), GH_OK);
	assert_true(pg.after == 42);
	req_init(&req, a, env);
	req.uri = "/api/v1/roles?cursor=aWQ6ND%FF";
	assert_int_equal(req_parse_uri(&req), GH_OK);
	assert_int_equal(api_page_parse(&req, &pg), GH_ERR_VALIDATION);
	assert_string_equal(req.field, "cursor");
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_username),
		cmocka_unit_test(test_email),
		cmocka_unit_test(test_phone),
		cmocka_unit_test(test_slug),
		cmocka_unit_test(test_printable),
		cmocka_unit_test(test_ident),
		cmocka_unit_test(test_ident_small_buffer),
		cmocka_unit_test(test_int_text),
		cmocka_unit_test(test_base64url),
	};

	return cmocka_run_group_tests_name("valid", tests, NULL, NULL);
}
