/*
 * Unit tests for src/http/request.c: URI validation and decoding, query parameters, header
 * lookup, request ids, JSON bodies, the problem+json body and the rendered CGI response.
 * Requests are built with req_init() over a NULL-terminated "NAME=value" environment, as libfcgi
 * hands them to the worker.
 */
#define _GNU_SOURCE

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <cJSON.h>
#include <sodium.h>

#include "core/arena.h"
#include "core/err.h"
#include "http/body.h"
#include "http/request.h"

struct fixture {
	struct arena	*arena;
	struct request	 req;
};

static char	*env_none[] = { NULL };
static char	*env_json[] = { "REQUEST_METHOD=POST", "CONTENT_TYPE=application/json", NULL };

static int
group_setup(void **state)
{
	(void)state;
	return sodium_init() < 0 ? -1 : 0;
}

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	f->arena = arena_new(4096);
	req_init(&f->req, f->arena, env_none);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	arena_free(f->arena);
	free(f);
	return 0;
}

#define assert_contains(hay, needle) do {					\
	if ((hay) == NULL || strstr((hay), (needle)) == NULL)			\
		fail_msg("\"%s\" does not contain \"%s\"", (hay) ? (hay) : "(null)", (needle)); \
} while (0)

/* ---- methods, init ---- */

static void
test_method_parse(void **state)
{
	int	 i;

	(void)state;
	for (i = 0; i < HTTP__MAX; i++)
		assert_int_equal(http_method_parse(http_method_names[i]), i);
	assert_int_equal(http_method_parse("GET"), HTTP_GET);
	assert_int_equal(http_method_parse("HEAD"), HTTP_HEAD);
	assert_int_equal(http_method_parse("DELETE"), HTTP_DELETE);
	assert_int_equal(http_method_parse("get"), HTTP__MAX);
	assert_int_equal(http_method_parse("TRACE"), HTTP__MAX);
	assert_int_equal(http_method_parse(""), HTTP__MAX);
	assert_int_equal(http_method_parse(NULL), HTTP__MAX);
}

static void
test_init(void **state)
{
	struct fixture	*f = *state;
	struct request	*r = &f->req;

	r->status = 500;
	r->path = "/x";
	r->detail = "old";
	req_init(r, f->arena, env_json);
	assert_ptr_equal(r->arena, f->arena);
	assert_ptr_equal(r->env, env_json);
	assert_string_equal(r->query, "");
	assert_int_equal(r->status, 200);
	assert_null(r->path);
	assert_null(r->detail);
	assert_null(r->headers);
	assert_int_equal(r->err, GH_OK);
	assert_int_equal(r->nparams, 0);
	assert_null(req_param(r, 0));
}

/* ---- req_parse_uri ---- */

static enum gh_err
parse(struct fixture *f, const char *uri)
{
	req_init(&f->req, f->arena, env_none);
	f->req.uri = uri;
	return req_parse_uri(&f->req);
}

static void
expect_path(struct fixture *f, const char *uri, const char *path, const char *query)
{
	enum gh_err	 e = parse(f, uri);

	if (e != GH_OK)
		fail_msg("URI \"%s\": error %d (%s)", uri, e, f->req.detail ? f->req.detail : "");
	assert_string_equal(f->req.path, path);
	assert_string_equal(f->req.query, query);
}

static void
expect_uri_err(struct fixture *f, const char *uri, enum gh_err want)
{
	enum gh_err	 e = parse(f, uri);

	if (e != want)
		fail_msg("URI \"%.80s\": got %d, want %d", uri, e, want);
	assert_int_equal(f->req.err, want);
	assert_non_null(f->req.detail);
}

static void
test_uri_ok(void **state)
{
	struct fixture	*f = *state;

	expect_path(f, "/", "/", "");
	expect_path(f, "/healthz", "/healthz", "");
	expect_path(f, "/api/v1/users?limit=10&x=y", "/api/v1/users", "limit=10&x=y");
	expect_path(f, "/a/", "/a/", "");
	expect_path(f, "/?", "/", "");
	expect_path(f, "/a?", "/a", "");
	expect_path(f, "/a?b?c", "/a", "b?c");
	expect_path(f, "/a%20b/c", "/a b/c", "");
	expect_path(f, "/%41%4a%4A", "/AJJ", "");
	expect_path(f, "/a+b", "/a+b", "");	/* '+' is a space only in queries */
	expect_path(f, "/.../.a/a./..b", "/.../.a/a./..b", "");
	expect_path(f, "/caf%C3%A9", "/caf\xc3\xa9", "");
	/* The query is kept raw; only its escapes are checked here (test_query). */
	expect_path(f, "/a?x=%41&y=+%20", "/a", "x=%41&y=+%20");
	assert_ptr_equal(f->req.uri + 3, f->req.query);
}

static void
test_uri_no_leading_slash(void **state)
{
	struct fixture	*f = *state;

	expect_uri_err(f, "", GH_ERR_BAD_PATH);
	expect_uri_err(f, "api/v1", GH_ERR_BAD_PATH);
	expect_uri_err(f, "?a=b", GH_ERR_BAD_PATH);
	expect_uri_err(f, "http://host/a", GH_ERR_BAD_PATH);
	expect_uri_err(f, NULL, GH_ERR_BAD_PATH);
	assert_null(f->req.path);
}

static void
test_uri_dot_segments(void **state)
{
	struct fixture	*f = *state;

	expect_uri_err(f, "/.", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/..", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/./a", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/a/./b", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/a/../b", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/a/..", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/a/../", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/../etc/passwd", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/a/..?x=1", GH_ERR_BAD_PATH);
	assert_null(f->req.path);
}

static void
test_uri_encoded_dot_segments(void **state)
{
	struct fixture	*f = *state;

	expect_uri_err(f, "/%2e%2e/etc/passwd", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/%2E%2E", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/a/%2e", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/a/.%2e/b", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/a/%2e./b", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/a/%2E/b", GH_ERR_BAD_PATH);
	/* Not dot segments once decoded. */
	expect_path(f, "/%2e%2e%2e", "/...", "");
	expect_path(f, "/%2ea", "/.a", "");
}

static void
test_uri_nul_and_controls(void **state)
{
	struct fixture	*f = *state;

	expect_uri_err(f, "/a%00b", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/%00", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/a%0ab", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/a%0D%0Ab", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/a%1f", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/a%7f", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/a%09b", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/a\tb", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/a\x01", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/a\nb", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/a\x7f", GH_ERR_BAD_PATH);
}

static void
test_uri_encoded_separators(void **state)
{
	struct fixture	*f = *state;

	expect_uri_err(f, "/a%2Fb", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/a%2fb", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/%2F", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/..%2F..%2Fetc", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/a%5Cb", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/a\\b", GH_ERR_BAD_PATH);
}

static void
test_uri_bad_escapes(void **state)
{
	struct fixture	*f = *state;

	expect_uri_err(f, "/%", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/a%", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/a%4", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/a%4/b", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/a%zz", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/a%g0", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/a%0g", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/%%41", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/a%2?x=1", GH_ERR_BAD_PATH);
	expect_uri_err(f, "/a% 1", GH_ERR_BAD_PATH);
}

static void
test_uri_segment_length(void **state)
{
	struct fixture	*f = *state;
	char		 uri[1024];

	uri[0] = '/';
	memset(uri + 1, 's', REQ_MAXSEGMENT);
	uri[1 + REQ_MAXSEGMENT] = '\0';
	assert_int_equal(parse(f, uri), GH_OK);
	assert_int_equal(strlen(f->req.path), 1 + REQ_MAXSEGMENT);

	memset(uri + 1, 's', REQ_MAXSEGMENT + 1);	/* 256 bytes */
	strcpy(uri + 2 + REQ_MAXSEGMENT, "/x");
	expect_uri_err(f, uri, GH_ERR_BAD_PATH);

	/* The limit is on decoded bytes: 255 escapes are fine, 256 are not. */
	strcpy(uri, "/ok");
	for (size_t i = 0; i < REQ_MAXSEGMENT; i++)
		strcat(uri, i == 0 ? "/%41" : "%41");
	assert_int_equal(parse(f, uri), GH_OK);
	assert_int_equal(strlen(f->req.path), 3 + 1 + REQ_MAXSEGMENT);
	strcat(uri, "%41");
	expect_uri_err(f, uri, GH_ERR_BAD_PATH);
}

static void
test_uri_too_long(void **state)
{
	struct fixture	*f = *state;
	char		*uri = malloc(REQ_MAXURI + 64);
	size_t		 i;

	assert_non_null(uri);
	/* Exactly REQ_MAXURI bytes of short segments: accepted. */
	for (i = 0; i < REQ_MAXURI; i++)
		uri[i] = (i % 100 == 0) ? '/' : 'u';
	uri[REQ_MAXURI] = '\0';
	assert_int_equal(parse(f, uri), GH_OK);
	assert_int_equal(strlen(f->req.path), REQ_MAXURI);

	uri[REQ_MAXURI] = 'u';
	uri[REQ_MAXURI + 1] = '\0';
	expect_uri_err(f, uri, GH_ERR_URI_TOO_LONG);
	assert_null(f->req.path);

	/* The query string counts too. */
	strcpy(uri, "/a?");
	memset(uri + 3, 'q', REQ_MAXURI);
	uri[3 + REQ_MAXURI] = '\0';
	expect_uri_err(f, uri, GH_ERR_URI_TOO_LONG);
	free(uri);
}

/* ---- req_query ---- */

static void
test_query(void **state)
{
	struct fixture	*f = *state;
	struct request	*r = &f->req;

	assert_int_equal(parse(f, "/s?a=1&b=hello+world&c=%41%42%2b&d&e=&ab=9&a=2&sp=%20x%20"),
	    GH_OK);
	assert_string_equal(req_query(r, "a"), "1");		/* first wins */
	assert_string_equal(req_query(r, "b"), "hello world");
	assert_string_equal(req_query(r, "c"), "AB+");
	assert_string_equal(req_query(r, "d"), "");
	assert_string_equal(req_query(r, "e"), "");
	assert_string_equal(req_query(r, "ab"), "9");
	assert_string_equal(req_query(r, "sp"), " x ");
	assert_null(req_query(r, "z"));
	assert_null(req_query(r, "abc"));
	assert_null(req_query(r, "hello"));

	/* A name is matched whole, not as a prefix or a suffix. */
	assert_int_equal(parse(f, "/s?limit=5&lim=3&xlimit=1"), GH_OK);
	assert_string_equal(req_query(r, "lim"), "3");
	assert_string_equal(req_query(r, "limit"), "5");
	assert_null(req_query(r, "li"));

	/* A value may hold '='. */
	assert_int_equal(parse(f, "/s?next=/a?b=c"), GH_OK);
	assert_string_equal(req_query(r, "next"), "/a?b=c");

	assert_int_equal(parse(f, "/s"), GH_OK);
	assert_null(req_query(r, "a"));
	assert_int_equal(parse(f, "/s?"), GH_OK);
	assert_null(req_query(r, "a"));
	assert_int_equal(parse(f, "/s?&&a=7&"), GH_OK);
	assert_string_equal(req_query(r, "a"), "7");

	/* A parameter that does not decode is refused, not taken as absent. */
	assert_int_equal(parse(f, "/s?limit=5&cursor=%zz"), GH_ERR_VALIDATION);
	assert_string_equal(r->field, "cursor");
	assert_int_equal(parse(f, "/s?a=x%00y"), GH_ERR_VALIDATION);
	assert_string_equal(r->field, "a");
	assert_int_equal(parse(f, "/s?a=%4"), GH_ERR_VALIDATION);
	assert_string_equal(r->field, "a");
	assert_int_equal(parse(f, "/s?a%zz=1"), GH_ERR_VALIDATION);
	assert_null(r->field);
	assert_int_equal(parse(f, "/s?%01=%zz"), GH_ERR_VALIDATION);
	assert_null(r->field);
}

/* ---- headers and environment ---- */

static void
test_header(void **state)
{
	struct fixture	*f = *state;
	struct request	*r = &f->req;
	char		 longname[200];
	char		*env[] = {
		"HTTP_AUTHORIZATIONX=wrong",
		"HTTP_AUTHORIZATION=Bearer abc",
		"HTTP_X_REQUEST_ID=rid-1",
		"CONTENT_TYPE=application/json; charset=utf-8",
		"CONTENT_LENGTH=12",
		"HTTP_ACCEPT_LANGUAGE=en",
		"HTTP_X_EMPTY=",
		"REQUEST_METHOD=GET",
		"HTTP_HOST=example.test",
		NULL
	};

	req_init(r, f->arena, env);
	assert_string_equal(req_header(r, "Authorization"), "Bearer abc");
	assert_string_equal(req_header(r, "authorization"), "Bearer abc");
	assert_string_equal(req_header(r, "AUTHORIZATION"), "Bearer abc");
	assert_string_equal(req_header(r, "X-Request-Id"), "rid-1");
	assert_string_equal(req_header(r, "x-request-id"), "rid-1");
	assert_string_equal(req_header(r, "Accept-Language"), "en");
	assert_string_equal(req_header(r, "Host"), "example.test");
	assert_string_equal(req_header(r, "X-Empty"), "");
	/* CGI passes these two without the HTTP_ prefix. */
	assert_string_equal(req_header(r, "Content-Type"), "application/json; charset=utf-8");
	assert_string_equal(req_header(r, "content-length"), "12");
	assert_null(req_header(r, "X-Missing"));
	assert_null(req_header(r, "Authoriz"));
	assert_null(req_header(r, "Request-Method"));	/* not a header */

	memset(longname, 'A', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_null(req_header(r, longname));

	assert_string_equal(req_env(r, "REQUEST_METHOD"), "GET");
	assert_string_equal(req_env(r, "CONTENT_LENGTH"), "12");
	assert_null(req_env(r, "REQUEST"));
	assert_null(req_env(r, "HTTP_AUTH"));

	req_init(r, f->arena, NULL);
	assert_null(req_env(r, "REQUEST_METHOD"));
	assert_null(req_header(r, "Authorization"));
}

/* ---- request ids ---- */

static int
is_hex32(const char *s)
{
	size_t	 i;

	if (s == NULL || strlen(s) != 32)
		return 0;
	for (i = 0; i < 32; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static void
test_request_id_accept(void **state)
{
	struct fixture	*f = *state;
	struct request	*r = &f->req;
	char		 id64[65];
	const char	*ok = "Abc-123_x.Y";

	req_set_request_id(r, ok);
	assert_ptr_equal(r->request_id, ok);
	req_set_request_id(r, "a");
	assert_string_equal(r->request_id, "a");
	memset(id64, 'z', 64);
	id64[64] = '\0';
	req_set_request_id(r, id64);
	assert_ptr_equal(r->request_id, id64);
}

static void
test_request_id_reject(void **state)
{
	struct fixture	*f = *state;
	struct request	*r = &f->req;
	char		 id65[66];
	const char	*bad[] = { "", "a b", "a/b", "a:b", "<script>", "id\n", "id\r\nX-Evil: 1",
			    "caf\xc3\xa9", "a\"b", "a+b", "a%20b", "a,b" };
	size_t		 i;

	memset(id65, 'z', 65);
	id65[65] = '\0';
	req_set_request_id(r, id65);
	assert_true(r->request_id != id65);
	assert_true(is_hex32(r->request_id));
	req_set_request_id(r, NULL);
	assert_true(is_hex32(r->request_id));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		req_set_request_id(r, bad[i]);
		if (!is_hex32(r->request_id))
			fail_msg("request id \"%s\" was kept as \"%s\"", bad[i], r->request_id);
	}
}

static void
test_request_id_generated_unique(void **state)
{
	struct fixture	*f = *state;
	struct request	*r = &f->req;
	const char	*a, *b;

	req_set_request_id(r, NULL);
	a = r->request_id;
	req_set_request_id(r, NULL);
	b = r->request_id;
	assert_true(is_hex32(a));
	assert_true(is_hex32(b));
	assert_string_not_equal(a, b);
}

/* ---- req_parse_json ---- */

static enum gh_err
pjson(struct fixture *f, char **env, const char *body, size_t len)
{
	req_init(&f->req, f->arena, env);
	f->req.body = body ? arena_strndup(f->arena, body, len) : NULL;
	f->req.body_len = len;
	return req_parse_json(&f->req);
}

static void
test_json_empty_body(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(pjson(f, env_json, NULL, 0), GH_ERR_BODY_REQUIRED);
	assert_int_equal(f->req.err, GH_ERR_BODY_REQUIRED);
	assert_non_null(f->req.detail);
	assert_null(f->req.json);
	assert_int_equal(pjson(f, env_json, "", 0), GH_ERR_BODY_REQUIRED);
}

static void
test_json_content_type(void **state)
{
	struct fixture	*f = *state;
	char		*none[] = { "REQUEST_METHOD=POST", NULL };
	char		*text[] = { "CONTENT_TYPE=text/plain", NULL };
	char		*form[] = { "CONTENT_TYPE=application/x-www-form-urlencoded", NULL };
	char		*jsonx[] = { "CONTENT_TYPE=application/jsonx", NULL };
	char		*patch[] = { "CONTENT_TYPE=application/json-patch+json", NULL };
	char		*empty[] = { "CONTENT_TYPE=", NULL };
	char		*hdr[] = { "HTTP_CONTENT_TYPE=application/json", NULL };
	char		*charset[] = { "CONTENT_TYPE=application/json; charset=utf-8", NULL };
	char		*charset2[] = { "CONTENT_TYPE=application/json;charset=UTF-8", NULL };
	char		*upper[] = { "CONTENT_TYPE=Application/JSON", NULL };
	const char	*body = "{\"a\":1}";

	assert_int_equal(pjson(f, none, body, strlen(body)), GH_ERR_UNSUPPORTED_MEDIA);
	assert_int_equal(f->req.err, GH_ERR_UNSUPPORTED_MEDIA);
	assert_null(f->req.json);
	assert_int_equal(pjson(f, text, body, strlen(body)), GH_ERR_UNSUPPORTED_MEDIA);
	assert_int_equal(pjson(f, form, body, strlen(body)), GH_ERR_UNSUPPORTED_MEDIA);
	assert_int_equal(pjson(f, jsonx, body, strlen(body)), GH_ERR_UNSUPPORTED_MEDIA);
	assert_int_equal(pjson(f, patch, body, strlen(body)), GH_ERR_UNSUPPORTED_MEDIA);
	assert_int_equal(pjson(f, empty, body, strlen(body)), GH_ERR_UNSUPPORTED_MEDIA);
	/* CGI puts Content-Type in CONTENT_TYPE, never in HTTP_CONTENT_TYPE. */
	assert_int_equal(pjson(f, hdr, body, strlen(body)), GH_ERR_UNSUPPORTED_MEDIA);

	assert_int_equal(pjson(f, charset, body, strlen(body)), GH_OK);
	assert_non_null(f->req.json);
	assert_int_equal(pjson(f, charset2, body, strlen(body)), GH_OK);
	assert_int_equal(pjson(f, upper, body, strlen(body)), GH_OK);
}

static void
test_json_malformed(void **state)
{
	struct fixture	*f = *state;
	const char	*bad[] = { "{", "{\"a\":}", "nope", "{'a':1}", "{\"a\" 1}", "{\"a\":1,}",
			    "}", "{\"a\":tru}", "\"unterminated" };
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (pjson(f, env_json, bad[i], strlen(bad[i])) != GH_ERR_MALFORMED_JSON)
			fail_msg("body %s: got %d", bad[i], f->req.err);
		assert_int_equal(f->req.err, GH_ERR_MALFORMED_JSON);
		assert_null(f->req.json);
		assert_contains(f->req.detail, "JSON");
	}
}

static void
test_json_trailing_garbage(void **state)
{
	struct fixture	*f = *state;
	const char	*bad[] = { "{} x", "{}{}", "{\"a\":1}]", "{}\n,", "{} \"s\"", "{}}" };
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (pjson(f, env_json, bad[i], strlen(bad[i])) != GH_ERR_MALFORMED_JSON)
			fail_msg("body %s: got %d", bad[i], f->req.err);
		assert_null(f->req.json);
		assert_contains(f->req.detail, "after");
	}
	/* Whitespace after the value is fine. */
	assert_int_equal(pjson(f, env_json, "{}\r\n \t", 6), GH_OK);
	/* Only body_len bytes count. */
	assert_int_equal(pjson(f, env_json, "{}garbage", 2), GH_OK);
}

/*
 * Bytes after an embedded NUL are data after the JSON value too: a body of
 * "{\"a\":1}\0junk" (12 bytes) is not a JSON document.
 */
static void
test_json_nul_then_garbage(void **state)
{
	struct fixture	*f = *state;
	const char	 body[] = "{\"a\":1}\0junk";
	enum gh_err	 e = pjson(f, env_json, body, sizeof(body) - 1);

	if (e != GH_ERR_MALFORMED_JSON)
		fail_msg("12-byte body {\"a\":1}\\0junk: got %d, want GH_ERR_MALFORMED_JSON (%d)",
		    e, GH_ERR_MALFORMED_JSON);
	assert_null(f->req.json);
}

static void
test_json_not_object(void **state)
{
	struct fixture	*f = *state;
	const char	*bad[] = { "[]", "[{\"a\":1}]", "1", "\"s\"", "null", "true", "false" };
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (pjson(f, env_json, bad[i], strlen(bad[i])) != GH_ERR_VALIDATION)
			fail_msg("body %s: got %d", bad[i], f->req.err);
		assert_null(f->req.json);
		assert_contains(f->req.detail, "object");
	}
}

static void
test_json_ok(void **state)
{
	struct fixture	*f = *state;
	const char	*body = " {\"a\": 1, \"b\": [true, null], \"c\": {\"d\": \"\\u00e9\"}} ";
	cJSON		*j;

	assert_int_equal(pjson(f, env_json, body, strlen(body)), GH_OK);
	assert_int_equal(f->req.err, GH_OK);
	j = f->req.json;
	assert_non_null(j);
	assert_true(cJSON_IsObject(j));
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(j, "a")->valueint, 1);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "b")), 2);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(j, "c"), "d")->valuestring, "\xc3\xa9");
	/* The tree belongs to the arena: reset deletes it (checked under valgrind/ASan). */
	arena_reset(f->arena);
}

/* Each class of issue 13 is a 400 validation_failed naming the member, never malformed_json. */
static void
test_json_strict_strings(void **state)
{
	struct fixture	*f = *state;
	static const struct {
		const char	*body, *field, *why;
	} bad[] = {
		{ "{\"a\":\"x\ty\"}", "a", "control" },
		{ "{\"a\":\"x\001\"}", "a", "control" },
		{ "{\"a\":{\"b\":[1,\"\n\"]}}", "a.b[1]", "control" },
		{ "{\"a\":\"\xff\"}", "a", "UTF-8" },
		{ "{\"a\":\"\xc0\xaf\"}", "a", "UTF-8" },		/* overlong '/' */
		{ "{\"a\":\"\xed\xa0\x80\"}", "a", "UTF-8" },	/* an encoded surrogate */
		{ "{\"a\":\"\xf4\x90\x80\x80\"}", "a", "UTF-8" },	/* past U+10FFFF */
		{ "{\"a\":\"\xe2\x82\"}", "a", "UTF-8" },		/* cut short */
		{ "{\"ok\":1,\"a\xff\":1}", "a\xef\xbf\xbd", "UTF-8" },
		{ "{\"login\":\"admin\\u0000x\"}", "login", "NUL" },
		{ "{\"password\":\"pw\\u0000\"}", "password", "NUL" },
		{ "{\"lo\\u0000gin\":\"admin\"}", "lo\xef\xbf\xbdgin", "NUL" },
		{ "{\"a\":[{\"b\":\"\\u0000\"}]}", "a[0].b", "NUL" },
		{ "{\"a\":\"\\ud800\"}", "a", "surrogate" },
		{ "{\"a\":\"\\udc00\"}", "a", "surrogate" },
		{ "{\"a\":\"\\ud800\\u0041\"}", "a", "surrogate" },
		{ "{\"a\":\"\\uD800x\"}", "a", "surrogate" },
		{ "{\"a\":\"\\ud800\\ud800\"}", "a", "surrogate" },
		{ "{\"a\":1,\"b\":\"\\ude00\\ud83d\"}", "b", "surrogate" },
		/* Other controls, escaped or raw (tab, line feed and return escaped are text). */
		{ "{\"a\":\"x\\by\"}", "a", "control" },
		{ "{\"a\":\"x\\fy\"}", "a", "control" },
		{ "{\"a\":\"\\u0001\"}", "a", "control" },
		{ "{\"a\":\"\\u001F\"}", "a", "control" },
		{ "{\"a\":\"\\u007f\"}", "a", "control" },
		{ "{\"a\":\"\\u0085\"}", "a", "control" },
		{ "{\"a\":\"x\x7f\"}", "a", "control" },
		{ "{\"a\":\"x\xc2\x85\"}", "a", "control" },
	};
	const char	*ok = "{\"a\":\"\\ud83d\\ude00 \\\" \\\\ \\/ \\n\\r\\t "
			    "\\u00a0 \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xc2\xa0\"}";
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (pjson(f, env_json, bad[i].body, strlen(bad[i].body)) != GH_ERR_VALIDATION)
			fail_msg("body %s: got %d", bad[i].body, f->req.err);
		assert_null(f->req.json);
		assert_non_null(f->req.field);
		if (strcmp(f->req.field, bad[i].field) != 0)
			fail_msg("body %s: field %s, want %s", bad[i].body, f->req.field,
			    bad[i].field);
		assert_contains(f->req.detail, bad[i].why);
	}
	/* A raw NUL byte in a string is a control character, not the end of the body. */
	assert_int_equal(pjson(f, env_json, "{\"a\":\"x\0y\"}", 11), GH_ERR_VALIDATION);
	assert_string_equal(f->req.field, "a");
	/* A pair, other escapes and characters of every length are fine. */
	assert_int_equal(pjson(f, env_json, ok, strlen(ok)), GH_OK);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(f->req.json, "a")->valuestring,
	    "\xf0\x9f\x98\x80 \" \\ / \n\r\t \xc2\xa0 \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xc2\xa0");
	/* A bad escape is a syntax error; so is anything but an object, whatever it holds. */
	assert_int_equal(pjson(f, env_json, "{\"a\":\"\\x41\"}", 12), GH_ERR_MALFORMED_JSON);
	assert_int_equal(pjson(f, env_json, "{\"a\":\"\\u12\"}", 12), GH_ERR_MALFORMED_JSON);
	assert_int_equal(pjson(f, env_json, "[\"\\u0000\"]", 10), GH_ERR_VALIDATION);
	assert_null(f->req.field);
}

static void
test_json_strict_duplicates(void **state)
{
	struct fixture	*f = *state;
	static const struct {
		const char	*body, *field;
	} bad[] = {
		{ "{\"login\":\"admin\",\"login\":\"x\"}", "login" },
		{ "{\"a\":1,\"b\":2,\"a\":null}", "a" },
		{ "{\"a\":1,\"\\u0061\":2}", "a" },
		{ "{\"x\":{\"b\":1,\"c\":2,\"b\":2}}", "x.b" },
		{ "{\"x\":[{},{\"k\":1,\"k\":1}]}", "x[1].k" },
	};
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (pjson(f, env_json, bad[i].body, strlen(bad[i].body)) != GH_ERR_VALIDATION)
			fail_msg("body %s: got %d", bad[i].body, f->req.err);
		assert_null(f->req.json);
		assert_string_equal(f->req.field, bad[i].field);
		assert_contains(f->req.detail, "twice");
	}
	/* The same name in different objects is fine. */
	assert_int_equal(pjson(f, env_json, "{\"a\":{\"a\":1},\"b\":{\"a\":2}}", 25), GH_OK);
}

static void
test_json_strict_numbers(void **state)
{
	struct fixture	*f = *state;
	const char	*bad[] = { "{\"a\":01}", "{\"a\":1.}", "{\"a\":-}", "{\"a\":1.e3}",
			    "{\"a\":-01}", "{\"a\":1e}", "{\"a\":.5}", "{\"a\":+1}" };
	const char	*body = "{\"a\":1,\"b\":1.0,\"c\":1e3,\"d\":9007199254740993,"
			    "\"e\":-5,\"f\":9007199254740991,\"g\":1.5,\"h\":-0,\"i\":0}";
	long long	 v;
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (pjson(f, env_json, bad[i], strlen(bad[i])) != GH_ERR_MALFORMED_JSON)
			fail_msg("body %s: got %d", bad[i], f->req.err);
	assert_int_equal(pjson(f, env_json, "{\"x\":[1e400]}", 13), GH_ERR_VALIDATION);
	assert_string_equal(f->req.field, "x[0]");

	assert_int_equal(pjson(f, env_json, body, strlen(body)), GH_OK);
	assert_int_equal(body_int(&f->req, "a", BODY_REQUIRED, 0, 10, &v, NULL), GH_OK);
	assert_int_equal(v, 1);
	assert_int_equal(body_int(&f->req, "e", BODY_REQUIRED, -10, 10, &v, NULL), GH_OK);
	assert_int_equal(v, -5);
	assert_int_equal(body_int(&f->req, "f", BODY_REQUIRED, 0, LLONG_MAX, &v, NULL), GH_OK);
	assert_true(v == 9007199254740991LL);
	assert_int_equal(body_int(&f->req, "i", BODY_REQUIRED, 0, 1, &v, NULL), GH_OK);
	assert_int_equal(v, 0);
	assert_int_equal(body_int(&f->req, "a", BODY_REQUIRED, 2, 10, &v, NULL), GH_ERR_VALIDATION);
	assert_string_equal(f->req.field, "a");
	/* A fraction, an exponent or more than 2^53 - 1 is not an integer, whatever its value. */
	assert_int_equal(body_int(&f->req, "b", BODY_REQUIRED, 0, 10, &v, NULL), GH_ERR_VALIDATION);
	assert_string_equal(f->req.field, "b");
	assert_int_equal(body_int(&f->req, "c", BODY_REQUIRED, 0, 10000, &v, NULL),
	    GH_ERR_VALIDATION);
	assert_int_equal(body_int(&f->req, "d", BODY_REQUIRED, 0, LLONG_MAX, &v, NULL),
	    GH_ERR_VALIDATION);
	assert_int_equal(body_int(&f->req, "g", BODY_REQUIRED, 0, 10, &v, NULL), GH_ERR_VALIDATION);
	assert_int_equal(body_int(&f->req, "h", BODY_REQUIRED, -1, 1, &v, NULL), GH_ERR_VALIDATION);
}

/* ---- req_fail ---- */

static void
test_fail(void **state)
{
	struct fixture	*f = *state;
	struct request	*r = &f->req;

	assert_int_equal(req_fail(r, GH_ERR_VALIDATION, "email", "bad %s #%d", "email", 2),
	    GH_ERR_VALIDATION);
	assert_int_equal(r->err, GH_ERR_VALIDATION);
	assert_string_equal(r->field, "email");
	assert_string_equal(r->detail, "bad email #2");
	/* Without a format the detail is kept. */
	assert_int_equal(req_fail(r, GH_ERR_CONFLICT, NULL, NULL), GH_ERR_CONFLICT);
	assert_string_equal(r->detail, "bad email #2");
	assert_null(r->field);
	assert_int_equal(r->err, GH_ERR_CONFLICT);
}

/* ---- resp_problem ---- */

static cJSON *
problem_body(struct request *r)
{
	cJSON	*j;

	assert_non_null(r->body_out);
	assert_int_equal(strlen(r->body_out), r->body_out_len);
	assert_string_equal(r->content_type, "application/problem+json");
	j = cJSON_ParseWithLength(r->body_out, r->body_out_len);
	assert_non_null(j);
	assert_true(cJSON_IsObject(j));
	return j;
}

static const char *
jstr(const cJSON *o, const char *k)
{
	const cJSON	*it = cJSON_GetObjectItemCaseSensitive(o, k);

	if (!cJSON_IsString(it))
		fail_msg("member %s is not a string", k);
	return it->valuestring;
}

static void
test_problem_fields(void **state)
{
	struct fixture	*f = *state;
	struct request	*r = &f->req;
	const cJSON	*errs, *e0;
	cJSON		*j;

	r->path = "/api/v1/users";
	r->request_id = "rid-42";
	req_fail(r, GH_ERR_VALIDATION, "email", "must contain \"@\"\nand be short");
	resp_problem(r, GH_ERR_VALIDATION);
	assert_int_equal(r->status, 400);
	assert_int_equal(r->err, GH_ERR_VALIDATION);
	j = problem_body(r);
	assert_string_equal(jstr(j, "type"), "https://gatehouse.dev/problems/validation_failed");
	assert_string_equal(jstr(j, "title"), gh_err_table[GH_ERR_VALIDATION].title);
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(j, "status")->valueint, 400);
	assert_true(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(j, "status")));
	assert_string_equal(jstr(j, "code"), "validation_failed");
	assert_string_equal(jstr(j, "detail"), "must contain \"@\"\nand be short");
	assert_string_equal(jstr(j, "field"), "email");
	assert_string_equal(jstr(j, "instance"), "/api/v1/users");
	assert_string_equal(jstr(j, "request_id"), "rid-42");
	errs = cJSON_GetObjectItemCaseSensitive(j, "errors");
	assert_true(cJSON_IsArray(errs));
	assert_int_equal(cJSON_GetArraySize(errs), 1);
	e0 = cJSON_GetArrayItem(errs, 0);
	assert_string_equal(jstr(e0, "field"), "email");
	assert_string_equal(jstr(e0, "message"), "must contain \"@\"\nand be short");
	cJSON_Delete(j);
}

static void
test_problem_minimal(void **state)
{
	struct fixture	*f = *state;
	struct request	*r = &f->req;
	cJSON		*j;

	resp_problem(r, GH_ERR_NOT_FOUND);
	assert_int_equal(r->status, 404);
	j = problem_body(r);
	assert_string_equal(jstr(j, "code"), "not_found");
	assert_string_equal(jstr(j, "type"), "https://gatehouse.dev/problems/not_found");
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(j, "status")->valueint, 404);
	assert_null(cJSON_GetObjectItemCaseSensitive(j, "detail"));
	assert_null(cJSON_GetObjectItemCaseSensitive(j, "field"));
	assert_null(cJSON_GetObjectItemCaseSensitive(j, "errors"));
	assert_null(cJSON_GetObjectItemCaseSensitive(j, "request_id"));
	assert_null(cJSON_GetObjectItemCaseSensitive(j, "instance"));
	cJSON_Delete(j);
}

static void
test_problem_field_without_detail(void **state)
{
	struct fixture	*f = *state;
	struct request	*r = &f->req;
	cJSON		*j;

	req_fail(r, GH_ERR_VALIDATION, "name", NULL);
	resp_problem(r, GH_ERR_VALIDATION);
	j = problem_body(r);
	assert_null(cJSON_GetObjectItemCaseSensitive(j, "detail"));
	assert_string_equal(jstr(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "errors"), 0),
	    "message"), gh_err_table[GH_ERR_VALIDATION].title);
	cJSON_Delete(j);
}

static void
test_problem_extra_and_statuses(void **state)
{
	struct fixture	*f = *state;
	struct request	*r = &f->req;
	cJSON		*extra, *j;

	extra = cJSON_CreateObject();
	cJSON_AddNumberToObject(extra, "retry_after", 30);
	cJSON_AddStringToObject(extra, "code", "not_overridden");
	r->problem_extra = extra;
	resp_problem(r, GH_ERR_RATE_LIMITED);
	assert_int_equal(r->status, 429);
	j = problem_body(r);
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(j, "retry_after")->valueint, 30);
	assert_string_equal(jstr(j, "code"), "rate_limited");
	cJSON_Delete(j);
	cJSON_Delete(extra);

	/* Every error maps to its table status and code. */
	for (int e = GH_ERR_BAD_REQUEST; e < GH_ERR__MAX; e++) {
		req_init(r, f->arena, env_none);
		resp_problem(r, (enum gh_err)e);
		assert_int_equal(r->status, gh_err_table[e].status);
		j = problem_body(r);
		assert_string_equal(jstr(j, "code"), gh_err_table[e].code);
		cJSON_Delete(j);
	}
	/* Out of range is an internal error. */
	req_init(r, f->arena, env_none);
	resp_problem(r, (enum gh_err)(GH_ERR__MAX + 3));
	assert_int_equal(r->status, 500);
	j = problem_body(r);
	assert_string_equal(jstr(j, "code"), "internal_error");
	cJSON_Delete(j);
}

/* ---- resp_json, resp_status, resp_render ---- */

static void
test_render_json(void **state)
{
	struct fixture	*f = *state;
	struct request	*r = &f->req;
	cJSON		*o = cJSON_CreateObject();
	const char	*want = "Status: 201 Created\r\n"
			    "Content-Type: application/json\r\n"
			    "Content-Length: 8\r\n"
			    "X-Request-Id: rid-1\r\n"
			    "\r\n"
			    "{\"id\":1}";
	char		*out;
	size_t		 len = 0;

	cJSON_AddNumberToObject(o, "id", 1);
	resp_json(r, 201, o);
	cJSON_Delete(o);	/* the body is a copy */
	assert_int_equal(r->status, 201);
	assert_string_equal(r->content_type, "application/json");
	assert_int_equal(r->body_out_len, 8);
	resp_header(r, "X-Request-Id", "rid-1");
	out = resp_render(r, &len);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(out, want, len);
}

static void
test_render_headers(void **state)
{
	struct fixture	*f = *state;
	struct request	*r = &f->req;
	char		*out, *s, value[1500];
	size_t		 len = 0;

	memset(value, 'v', sizeof(value) - 1);
	value[sizeof(value) - 1] = '\0';
	resp_status(r, 204);
	resp_header(r, "X-One", "1");
	resp_header(r, "X-Long", value);
	resp_header(r, "Cache-Control", "no-store");
	out = resp_render(r, &len);
	s = strndup(out, len);
	assert_non_null(s);
	assert_int_equal(strncmp(s, "Status: 204 No Content\r\n", 24), 0);
	assert_contains(s, "\r\nX-One: 1\r\n");
	assert_contains(s, "\r\nCache-Control: no-store\r\n");
	assert_contains(s, value);
	assert_null(strstr(s, "Content-Type"));
	assert_null(strstr(s, "Content-Length"));
	assert_int_equal(len, 24 + strlen("X-One: 1\r\n") + strlen("X-Long: \r\n") + strlen(value) +
	    strlen("Cache-Control: no-store\r\n") + 2);
	assert_string_equal(s + len - 4, "\r\n\r\n");
	free(s);
}

static void
test_render_head_no_body(void **state)
{
	struct fixture	*f = *state;
	struct request	*r = &f->req;
	cJSON		*o = cJSON_CreateObject();
	const char	*want = "Status: 200 OK\r\n"
			    "Content-Type: application/json\r\n"
			    "Content-Length: 12\r\n"
			    "\r\n";
	char		*out;
	size_t		 len = 0;

	cJSON_AddStringToObject(o, "ok", "yes");
	r->method = HTTP_HEAD;
	resp_json(r, 200, o);
	cJSON_Delete(o);
	assert_int_equal(r->body_out_len, 12);
	out = resp_render(r, &len);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(out, want, len);

	/* The same answer to GET carries the body. */
	r->method = HTTP_GET;
	out = resp_render(r, &len);
	assert_int_equal(len, strlen(want) + 12);
	assert_memory_equal(out + strlen(want), "{\"ok\":\"yes\"}", 12);
}

static void
test_render_problem(void **state)
{
	struct fixture	*f = *state;
	struct request	*r = &f->req;
	char		*out, *s, cl[64];
	size_t		 len = 0;
	cJSON		*j;

	resp_problem(r, GH_ERR_METHOD);
	resp_header(r, "Allow", "GET, HEAD");
	out = resp_render(r, &len);
	s = strndup(out, len);
	assert_int_equal(strncmp(s, "Status: 405 Method Not Allowed\r\n", 32), 0);
	assert_contains(s, "\r\nContent-Type: application/problem+json\r\n");
	snprintf(cl, sizeof(cl), "\r\nContent-Length: %zu\r\n", r->body_out_len);
	assert_contains(s, cl);
	assert_contains(s, "\r\nAllow: GET, HEAD\r\n");
	j = cJSON_Parse(strstr(s, "\r\n\r\n") + 4);
	assert_non_null(j);
	assert_string_equal(jstr(j, "code"), "method_not_allowed");
	cJSON_Delete(j);
	free(s);
}

/*
 * resp_render sizes its buffer as 256 + body + headers but not the Content-Type value: a long
 * content type must still render exactly (no truncation, no write past the buffer).
 */
static void
test_render_long_content_type(void **state)
{
	struct fixture	*f = *state;
	struct request	*r = &f->req;
	char		 ctype[301], want[512];
	char		*out;
	size_t		 len = 0;
	int		 n;

	memset(ctype, 't', sizeof(ctype) - 1);
	ctype[sizeof(ctype) - 1] = '\0';
	memcpy(ctype, "text/x-", 7);
	r->status = 200;
	r->content_type = ctype;
	r->body_out = "{}";
	r->body_out_len = 2;
	n = snprintf(want, sizeof(want), "Status: 200 OK\r\nContent-Type: %s\r\n"
	    "Content-Length: 2\r\n\r\n{}", ctype);
	out = resp_render(r, &len);
	assert_int_equal(len, (size_t)n);
	/* Checked first so a truncated render fails before reading bytes never written. */
	if (memchr(out, '\0', len) != NULL)
		fail_msg("rendered output truncated at byte %td of %zu (buffer too small)",
		    (char *)memchr(out, '\0', len) - out, len);
	assert_memory_equal(out, want, (size_t)n);
}

int
main(void)
{
#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_method_parse),
		T(test_init),
		T(test_uri_ok),
		T(test_uri_no_leading_slash),
		T(test_uri_dot_segments),
		T(test_uri_encoded_dot_segments),
		T(test_uri_nul_and_controls),
		T(test_uri_encoded_separators),
		T(test_uri_bad_escapes),
		T(test_uri_segment_length),
		T(test_uri_too_long),
		T(test_query),
		T(test_header),
		T(test_request_id_accept),
		T(test_request_id_reject),
		T(test_request_id_generated_unique),
		T(test_json_empty_body),
		T(test_json_content_type),
		T(test_json_malformed),
		T(test_json_trailing_garbage),
		T(test_json_nul_then_garbage),
		T(test_json_not_object),
		T(test_json_ok),
		T(test_json_strict_strings),
		T(test_json_strict_duplicates),
		T(test_json_strict_numbers),
		T(test_fail),
		T(test_problem_fields),
		T(test_problem_minimal),
		T(test_problem_field_without_detail),
		T(test_problem_extra_and_statuses),
		T(test_render_json),
		T(test_render_headers),
		T(test_render_head_no_body),
		T(test_render_problem),
		T(test_render_long_content_type),
	};
#undef T

	return cmocka_run_group_tests_name("request", tests, group_setup, NULL);
}
