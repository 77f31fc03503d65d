/*
 * Unit tests for src/http/pattern.c: compiling valid and invalid patterns ({param} rules, ** only
 * last, dot segments, characters, limits), splitting paths, matching with parameters and the
 * trailing wildcard.
 */
#define _GNU_SOURCE

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/pattern.h"

#define assert_contains(hay, needle) do {					\
	if ((hay) == NULL || strstr((hay), (needle)) == NULL)			\
		fail_msg("\"%s\" does not contain \"%s\"", (hay) ? (hay) : "(null)", (needle)); \
} while (0)

static void
assert_seg(const struct pattern *p, size_t i, enum pattern_seg_type t, const char *text)
{
	assert_true(i < p->nsegs);
	assert_int_equal(p->segs[i].type, t);
	if (text != NULL) {
		assert_int_equal(p->segs[i].len, strlen(text));
		assert_memory_equal(p->segs[i].text, text, strlen(text));
	}
}

static void
test_compile_root(void **state)
{
	const char	*why = "unset";
	struct pattern	*p;

	(void)state;
	p = pattern_compile("/", &why);
	assert_non_null(p);
	assert_null(why);
	assert_int_equal(p->nsegs, 0);
	assert_int_equal(p->nparams, 0);
	pattern_free(p);
	pattern_free(NULL);	/* a no-op */
}

static void
test_compile_literals_and_params(void **state)
{
	const char	*why = "unset";
	struct pattern	*p;

	(void)state;
	p = pattern_compile("/api/v1/users/{id}", &why);
	assert_non_null(p);
	assert_null(why);
	assert_int_equal(p->nsegs, 4);
	assert_int_equal(p->nparams, 1);
	assert_seg(p, 0, PSEG_LITERAL, "api");
	assert_seg(p, 1, PSEG_LITERAL, "v1");
	assert_seg(p, 2, PSEG_LITERAL, "users");
	assert_seg(p, 3, PSEG_PARAM, "id");
	pattern_free(p);

	p = pattern_compile("/orgs/{org_id}/teams/{Team2}/members", &why);
	assert_non_null(p);
	assert_int_equal(p->nsegs, 5);
	assert_int_equal(p->nparams, 2);
	assert_seg(p, 1, PSEG_PARAM, "org_id");
	assert_seg(p, 3, PSEG_PARAM, "Team2");
	assert_seg(p, 4, PSEG_LITERAL, "members");
	pattern_free(p);

	/* Every pchar other than '%', '{', '}' is allowed in a literal. */
	p = pattern_compile("/.well-known/jwks.json/a~b/x!$&'()+,;=:@", &why);
	assert_non_null(p);
	assert_null(why);
	assert_int_equal(p->nsegs, 4);
	assert_seg(p, 0, PSEG_LITERAL, ".well-known");
	assert_seg(p, 3, PSEG_LITERAL, "x!$&'()+,;=:@");
	pattern_free(p);

	/* Dots inside a segment are fine; only "." and ".." alone are refused. */
	p = pattern_compile("/.../a.b/..c", &why);
	assert_non_null(p);
	assert_int_equal(p->nsegs, 3);
	pattern_free(p);
}

/* The pattern keeps its own copy of the text. */
static void
test_compile_copies(void **state)
{
	const char	*why;
	char		 src[] = "/a/{b}";
	struct pattern	*p;

	(void)state;
	p = pattern_compile(src, &why);
	assert_non_null(p);
	memset(src, 'z', sizeof(src) - 1);
	assert_seg(p, 0, PSEG_LITERAL, "a");
	assert_seg(p, 1, PSEG_PARAM, "b");
	pattern_free(p);
}

static void
test_compile_wildcard(void **state)
{
	const char	*why = "unset";
	struct pattern	*p;

	(void)state;
	p = pattern_compile("/reports/**", &why);
	assert_non_null(p);
	assert_null(why);
	assert_int_equal(p->nsegs, 2);
	assert_int_equal(p->nparams, 0);
	assert_seg(p, 0, PSEG_LITERAL, "reports");
	assert_seg(p, 1, PSEG_WILDCARD, NULL);
	pattern_free(p);

	p = pattern_compile("/**", &why);
	assert_non_null(p);
	assert_int_equal(p->nsegs, 1);
	assert_seg(p, 0, PSEG_WILDCARD, NULL);
	pattern_free(p);

	p = pattern_compile("/{org}/**", &why);
	assert_non_null(p);
	assert_int_equal(p->nparams, 1);
	assert_seg(p, 1, PSEG_WILDCARD, NULL);
	pattern_free(p);
}

static void
expect_bad(const char *s, const char *reason_part)
{
	const char	*why = NULL;
	struct pattern	*p;

	p = pattern_compile(s, &why);
	if (p != NULL) {
		pattern_free(p);
		fail_msg("pattern \"%s\" was accepted", s ? s : "(null)");
	}
	assert_non_null(why);
	if (reason_part != NULL)
		assert_contains(why, reason_part);
}

static void
test_compile_bad_start(void **state)
{
	(void)state;
	expect_bad(NULL, "/");
	expect_bad("", "/");
	expect_bad("healthz", "start");
	expect_bad("api/v1", "start");
}

static void
test_compile_empty_segments(void **state)
{
	(void)state;
	expect_bad("//", "empty");
	expect_bad("/a//b", "empty");
	expect_bad("/a/", "empty");
	expect_bad("//a", "empty");
}

static void
test_compile_dot_segments(void **state)
{
	(void)state;
	expect_bad("/.", "dot");
	expect_bad("/..", "dot");
	expect_bad("/a/./b", "dot");
	expect_bad("/a/../b", "dot");
	expect_bad("/a/..", "dot");
}

static void
test_compile_bad_params(void **state)
{
	(void)state;
	expect_bad("/{}", "parameter");
	expect_bad("/{", "parameter");
	expect_bad("/{id", "parameter");
	expect_bad("/{id}x", "parameter");
	expect_bad("/{i-d}", "parameter");
	expect_bad("/{i d}", "parameter");
	expect_bad("/{{id}}", "parameter");
	expect_bad("/{a.b}", "parameter");
	expect_bad("/x{id}", NULL);
	expect_bad("/id}", NULL);
	expect_bad("/a{b}c", NULL);
	/* Duplicate names, even apart. */
	expect_bad("/{id}/{id}", "repeats");
	expect_bad("/{id}/x/{id}", "repeats");
}

static void
test_compile_wildcard_rules(void **state)
{
	(void)state;
	expect_bad("/**/a", "**");
	expect_bad("/a/**/b", "**");
	expect_bad("/**/**", "**");
	expect_bad("/*", "*");
	expect_bad("/a*", "*");
	expect_bad("/a/*b", "*");
	expect_bad("/***", "*");
	expect_bad("/a**", "*");
}

static void
test_compile_bad_chars(void **state)
{
	(void)state;
	expect_bad("/a b", "character");
	expect_bad("/a%20b", "character");
	expect_bad("/a?b", "character");
	expect_bad("/a#b", "character");
	expect_bad("/a\\b", "character");
	expect_bad("/a\"b", "character");
	expect_bad("/<x>", "character");
	expect_bad("/a|b", "character");
	expect_bad("/caf\xc3\xa9", "character");
	expect_bad("/a\tb", "character");
	expect_bad("/a\x7f", "character");
}

static void
test_compile_limits(void **state)
{
	char		 buf[2048];
	const char	*why;
	struct pattern	*p;
	size_t		 i, n = 0;

	(void)state;
	/* PATTERN_MAXSEGS segments are fine, one more is not. */
	for (i = 0; i < PATTERN_MAXSEGS; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "/s%zu", i);
	p = pattern_compile(buf, &why);
	assert_non_null(p);
	assert_int_equal(p->nsegs, PATTERN_MAXSEGS);
	pattern_free(p);
	snprintf(buf + n, sizeof(buf) - n, "/x");
	expect_bad(buf, "segments");

	/* 1024 characters are fine, 1025 are not. */
	memset(buf, 'a', sizeof(buf));
	buf[0] = '/';
	buf[1024] = '\0';
	p = pattern_compile(buf, &why);
	assert_non_null(p);
	assert_int_equal(p->nsegs, 1);
	assert_int_equal(p->segs[0].len, 1023);
	pattern_free(p);
	buf[1024] = 'a';
	buf[1025] = '\0';
	expect_bad(buf, "1024");
}

static void
test_split(void **state)
{
	char		 buf[64];
	const char	*segs[PATTERN_MAXSEGS];
	const char	*path = "/api/v1/users";

	(void)state;
	assert_int_equal(pattern_split("/", buf, sizeof(buf), segs), 0);
	assert_int_equal(pattern_split("", buf, sizeof(buf), segs), 0);

	assert_int_equal(pattern_split(path, buf, sizeof(buf), segs), 3);
	assert_string_equal(segs[0], "api");
	assert_string_equal(segs[1], "v1");
	assert_string_equal(segs[2], "users");
	/* Segments point into buf, not into the path. */
	assert_true(segs[0] >= buf && segs[0] < buf + sizeof(buf));
	assert_string_equal(path, "/api/v1/users");

	assert_int_equal(pattern_split("/a/", buf, sizeof(buf), segs), 2);
	assert_string_equal(segs[0], "a");
	assert_string_equal(segs[1], "");

	assert_int_equal(pattern_split("//a", buf, sizeof(buf), segs), 2);
	assert_string_equal(segs[0], "");
	assert_string_equal(segs[1], "a");

	assert_int_equal(pattern_split("x/y", buf, sizeof(buf), segs), 2);
	assert_string_equal(segs[0], "x");
	assert_string_equal(segs[1], "y");

	/* Decoded characters stay as they are. */
	assert_int_equal(pattern_split("/a b/%", buf, sizeof(buf), segs), 2);
	assert_string_equal(segs[0], "a b");
	assert_string_equal(segs[1], "%");
}

static void
test_split_limits(void **state)
{
	char		 path[256], buf[256];
	const char	*segs[PATTERN_MAXSEGS];
	size_t		 i, n = 0;

	(void)state;
	for (i = 0; i < PATTERN_MAXSEGS; i++)
		n += (size_t)snprintf(path + n, sizeof(path) - n, "/%c", (int)('a' + i % 26));
	assert_int_equal(pattern_split(path, buf, sizeof(buf), segs), PATTERN_MAXSEGS);
	assert_string_equal(segs[PATTERN_MAXSEGS - 1], "f");
	snprintf(path + n, sizeof(path) - n, "/z");
	assert_int_equal(pattern_split(path, buf, sizeof(buf), segs), -1);

	/* buf must hold the path and its NUL. */
	assert_int_equal(pattern_split("/abc", buf, 4, segs), -1);
	assert_int_equal(pattern_split("/abc", buf, 5, segs), 1);
	assert_string_equal(segs[0], "abc");
}

/* Compile pattern, split path, match; returns the result and fills params. */
static int
match(const char *pattern, const char *path, const char **params, size_t maxp)
{
	char		 buf[1100];
	const char	*segs[PATTERN_MAXSEGS];
	const char	*why;
	struct pattern	*p;
	int		 n, r;

	p = pattern_compile(pattern, &why);
	if (p == NULL)
		fail_msg("pattern %s: %s", pattern, why);
	n = pattern_split(path, buf, sizeof(buf), segs);
	assert_true(n >= 0);
	r = pattern_match(p, segs, n, params, maxp);
	pattern_free(p);
	/* Parameters point into buf, which is gone: callers only compare while it lived. */
	return r;
}

static void
test_match_literal(void **state)
{
	(void)state;
	assert_int_equal(match("/healthz", "/healthz", NULL, 0), 1);
	assert_int_equal(match("/healthz", "/healthz/", NULL, 0), 0);
	assert_int_equal(match("/healthz", "/Healthz", NULL, 0), 0);
	assert_int_equal(match("/healthz", "/health", NULL, 0), 0);
	assert_int_equal(match("/healthz", "/healthzz", NULL, 0), 0);
	assert_int_equal(match("/healthz", "/", NULL, 0), 0);
	assert_int_equal(match("/a/b", "/a", NULL, 0), 0);
	assert_int_equal(match("/a/b", "/a/b/c", NULL, 0), 0);
	assert_int_equal(match("/", "/", NULL, 0), 1);
	assert_int_equal(match("/", "/a", NULL, 0), 0);
}

static void
test_match_params(void **state)
{
	char		 buf[128];
	const char	*segs[PATTERN_MAXSEGS];
	const char	*params[4] = { NULL, NULL, NULL, NULL };
	const char	*why;
	struct pattern	*p;
	int		 n;

	(void)state;
	p = pattern_compile("/orgs/{org}/users/{id}", &why);
	assert_non_null(p);

	n = pattern_split("/orgs/acme/users/42", buf, sizeof(buf), segs);
	assert_int_equal(pattern_match(p, segs, n, params, 4), 1);
	assert_string_equal(params[0], "acme");
	assert_string_equal(params[1], "42");
	assert_null(params[2]);

	/* Fewer slots than parameters: only those are written. */
	params[0] = params[1] = "sentinel";
	assert_int_equal(pattern_match(p, segs, n, params, 1), 1);
	assert_string_equal(params[0], "acme");
	assert_string_equal(params[1], "sentinel");
	/* No slots at all. */
	assert_int_equal(pattern_match(p, segs, n, NULL, 0), 1);

	/* A parameter never matches an empty segment, nor a missing one. */
	n = pattern_split("/orgs//users/42", buf, sizeof(buf), segs);
	assert_int_equal(pattern_match(p, segs, n, params, 4), 0);
	n = pattern_split("/orgs/acme/users/", buf, sizeof(buf), segs);
	assert_int_equal(pattern_match(p, segs, n, params, 4), 0);
	n = pattern_split("/orgs/acme/users", buf, sizeof(buf), segs);
	assert_int_equal(pattern_match(p, segs, n, params, 4), 0);
	n = pattern_split("/orgs/acme/users/42/x", buf, sizeof(buf), segs);
	assert_int_equal(pattern_match(p, segs, n, params, 4), 0);
	n = pattern_split("/orgs/acme/people/42", buf, sizeof(buf), segs);
	assert_int_equal(pattern_match(p, segs, n, params, 4), 0);

	/* Any decoded text is a value, including characters a pattern may not hold. */
	n = pattern_split("/orgs/a b%{}/users/x*y", buf, sizeof(buf), segs);
	assert_int_equal(pattern_match(p, segs, n, params, 4), 1);
	assert_string_equal(params[0], "a b%{}");
	assert_string_equal(params[1], "x*y");
	pattern_free(p);
}

static void
test_match_wildcard(void **state)
{
	char		 buf[128];
	const char	*segs[PATTERN_MAXSEGS];
	const char	*params[2] = { NULL, NULL };
	const char	*why;
	struct pattern	*p;
	int		 n;

	(void)state;
	/* ** matches zero or more remaining segments. */
	assert_int_equal(match("/reports/**", "/reports", NULL, 0), 1);
	assert_int_equal(match("/reports/**", "/reports/", NULL, 0), 1);
	assert_int_equal(match("/reports/**", "/reports/a", NULL, 0), 1);
	assert_int_equal(match("/reports/**", "/reports/a/b/c", NULL, 0), 1);
	assert_int_equal(match("/reports/**", "/report", NULL, 0), 0);
	assert_int_equal(match("/reports/**", "/reportsx/a", NULL, 0), 0);
	assert_int_equal(match("/reports/**", "/", NULL, 0), 0);
	assert_int_equal(match("/reports/**", "/other/reports/a", NULL, 0), 0);
	assert_int_equal(match("/**", "/", NULL, 0), 1);
	assert_int_equal(match("/**", "/anything/at/all", NULL, 0), 1);

	p = pattern_compile("/{org}/**", &why);
	assert_non_null(p);
	n = pattern_split("/acme/x/y", buf, sizeof(buf), segs);
	assert_int_equal(pattern_match(p, segs, n, params, 2), 1);
	assert_string_equal(params[0], "acme");
	n = pattern_split("/", buf, sizeof(buf), segs);
	assert_int_equal(pattern_match(p, segs, n, params, 2), 0);
	pattern_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compile_root),
		cmocka_unit_test(test_compile_literals_and_params),
		cmocka_unit_test(test_compile_copies),
		cmocka_unit_test(test_compile_wildcard),
		cmocka_unit_test(test_compile_bad_start),
		cmocka_unit_test(test_compile_empty_segments),
		cmocka_unit_test(test_compile_dot_segments),
		cmocka_unit_test(test_compile_bad_params),
		cmocka_unit_test(test_compile_wildcard_rules),
		cmocka_unit_test(test_compile_bad_chars),
		cmocka_unit_test(test_compile_limits),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_split_limits),
		cmocka_unit_test(test_match_literal),
		cmocka_unit_test(test_match_params),
		cmocka_unit_test(test_match_wildcard),
	};

	return cmocka_run_group_tests_name("pattern", tests, NULL, NULL);
}
