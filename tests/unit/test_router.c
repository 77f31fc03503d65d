/*
 * Unit tests for src/http/router.c over a local route table: matching with parameters, 404,
 * 405 with the Allow list (HEAD listed when GET exists), HEAD served by GET, first match wins,
 * debug routes left out unless enabled, bad patterns refused.
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

#include "core/arena.h"
#include "core/err.h"
#include "http/request.h"
#include "http/router.h"

static enum gh_err
h_ok(struct request *r)
{
	(void)r;
	return GH_OK;
}

enum {
	R_HEALTHZ, R_LOGIN, R_ME, R_USER_GET, R_USER_PUT, R_USER_PATCH, R_TEAM, R_STATIC,
	R_DEBUG, R_ORG_POST, R_JWKS, R__MAX
};

static const struct route routes[] = {
	[R_HEALTHZ] = { HTTP_GET, "/healthz", h_ok, ROUTE_PUBLIC, "liveness" },
	[R_LOGIN] = { HTTP_POST, "/api/v1/auth/login", h_ok, ROUTE_PUBLIC | ROUTE_BODY, "login" },
	/* Listed before /users/{id}: the first match wins. */
	[R_ME] = { HTTP_GET, "/api/v1/users/me", h_ok, 0, "me" },
	[R_USER_GET] = { HTTP_GET, "/api/v1/users/{id}", h_ok, 0, "get a user" },
	[R_USER_PUT] = { HTTP_PUT, "/api/v1/users/{id}", h_ok, ROUTE_BODY, "replace a user" },
	[R_USER_PATCH] = { HTTP_PATCH, "/api/v1/users/{id}", h_ok, ROUTE_BODY, "update a user" },
	[R_TEAM] = { HTTP_GET, "/api/v1/orgs/{org}/teams/{team}", h_ok, 0, "a team" },
	[R_STATIC] = { HTTP_GET, "/static/**", h_ok, ROUTE_PUBLIC, "files" },
	[R_DEBUG] = { HTTP_POST, "/api/v1/debug/reset", h_ok, ROUTE_DEBUG, "test only" },
	[R_ORG_POST] = { HTTP_POST, "/api/v1/orgs/{org}/teams/{team}", h_ok, ROUTE_BODY, "x" },
	[R_JWKS] = { HTTP_GET, "/.well-known/jwks.json", h_ok, ROUTE_PUBLIC, "keys" },
};
#define NROUTES	(sizeof(routes) / sizeof(routes[0]))

struct fixture {
	struct arena	*arena;
	struct router	*router;
	struct router	*router_debug;
	struct request	 req;
	char		 allow[64];
	enum gh_err	 err;
};

static char	*env_none[] = { NULL };

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));
	const char	*why = NULL;

	if (f == NULL)
		return -1;
	f->arena = arena_new(4096);
	if ((f->router = router_new(routes, NROUTES, 0, &why)) == NULL ||
	    (f->router_debug = router_new(routes, NROUTES, 1, &why)) == NULL) {
		fprintf(stderr, "router_new: %s\n", why ? why : "?");
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	router_free(f->router);
	router_free(f->router_debug);
	arena_free(f->arena);
	free(f);
	return 0;
}

/* Route method + uri through r; returns the route or NULL (f->err, f->allow set). */
static const struct route *
route(struct fixture *f, const struct router *r, enum http_method m, const char *uri)
{
	req_init(&f->req, f->arena, env_none);
	f->req.method = m;
	f->req.uri = uri;
	assert_int_equal(req_parse_uri(&f->req), GH_OK);
	memset(f->allow, 'x', sizeof(f->allow));
	f->err = GH_ERR_INTERNAL;
	return router_match(r, &f->req, &f->err, f->allow, sizeof(f->allow));
}

static void
expect_route(struct fixture *f, enum http_method m, const char *uri, int want)
{
	const struct route	*rt = route(f, f->router, m, uri);

	if (rt != &routes[want])
		fail_msg("%s %s: got route %td, want %d (err %d)", http_method_names[m], uri,
		    rt ? rt - routes : -1, want, f->err);
	assert_int_equal(f->err, GH_OK);
	assert_ptr_equal(f->req.route, &routes[want]);
}

static void
expect_404(struct fixture *f, enum http_method m, const char *uri)
{
	const struct route	*rt = route(f, f->router, m, uri);

	assert_null(rt);
	assert_int_equal(f->err, GH_ERR_NOT_FOUND);
	assert_string_equal(f->allow, "");
	assert_null(f->req.route);
}

static void
expect_405(struct fixture *f, enum http_method m, const char *uri, const char *allow)
{
	const struct route	*rt = route(f, f->router, m, uri);

	assert_null(rt);
	assert_int_equal(f->err, GH_ERR_METHOD);
	assert_string_equal(f->allow, allow);
	assert_null(f->req.route);
}

static void
test_table(void **state)
{
	struct fixture	*f = *state;
	size_t		 i;

	/* Debug routes are left out unless enabled. */
	assert_int_equal(router_count(f->router), NROUTES - 1);
	assert_int_equal(router_count(f->router_debug), NROUTES);
	for (i = 0; i < router_count(f->router); i++) {
		const struct route *rt = router_get(f->router, i);

		assert_non_null(rt);
		assert_false(rt->flags & ROUTE_DEBUG);
		assert_true(rt >= routes && rt < routes + NROUTES);
	}
	/* In table order. */
	assert_ptr_equal(router_get(f->router, 0), &routes[R_HEALTHZ]);
	assert_ptr_equal(router_get(f->router_debug, R_DEBUG), &routes[R_DEBUG]);
	assert_null(router_get(f->router, router_count(f->router)));
	assert_null(router_get(f->router, 1000));
}

static void
test_match_literal(void **state)
{
	struct fixture	*f = *state;

	expect_route(f, HTTP_GET, "/healthz", R_HEALTHZ);
	assert_int_equal(f->req.nparams, 0);
	expect_route(f, HTTP_GET, "/healthz?verbose=1", R_HEALTHZ);
	expect_route(f, HTTP_POST, "/api/v1/auth/login", R_LOGIN);
	expect_route(f, HTTP_GET, "/.well-known/jwks.json", R_JWKS);
	/* Decoded before matching. */
	expect_route(f, HTTP_GET, "/%68ealthz", R_HEALTHZ);
}

static void
test_match_params(void **state)
{
	struct fixture	*f = *state;
	const char	*p0, *p1;

	expect_route(f, HTTP_GET, "/api/v1/users/42", R_USER_GET);
	assert_int_equal(f->req.nparams, 1);
	assert_string_equal(req_param(&f->req, 0), "42");
	assert_null(req_param(&f->req, 1));

	expect_route(f, HTTP_PATCH, "/api/v1/users/a%20b", R_USER_PATCH);
	assert_string_equal(req_param(&f->req, 0), "a b");

	expect_route(f, HTTP_GET, "/api/v1/orgs/acme/teams/7", R_TEAM);
	assert_int_equal(f->req.nparams, 2);
	p0 = req_param(&f->req, 0);
	p1 = req_param(&f->req, 1);
	assert_string_equal(p0, "acme");
	assert_string_equal(p1, "7");

	/* The values live in the arena, not in the matcher's stack buffer. */
	f->req.path = "/api/v1/orgs/zzzzzzzzzz/teams/zzzzzzzzzzzzzzzzzzzz";
	f->req.route = NULL;
	assert_non_null(router_match(f->router, &f->req, &f->err, f->allow, sizeof(f->allow)));
	assert_string_equal(p0, "acme");
	assert_string_equal(p1, "7");
	assert_string_equal(req_param(&f->req, 0), "zzzzzzzzzz");
}

static void
test_first_match_wins(void **state)
{
	struct fixture	*f = *state;

	expect_route(f, HTTP_GET, "/api/v1/users/me", R_ME);
	assert_int_equal(f->req.nparams, 0);
	expect_route(f, HTTP_GET, "/api/v1/users/mee", R_USER_GET);
	assert_string_equal(req_param(&f->req, 0), "mee");
}

static void
test_match_wildcard(void **state)
{
	struct fixture	*f = *state;

	expect_route(f, HTTP_GET, "/static/app.js", R_STATIC);
	expect_route(f, HTTP_GET, "/static/a/b/c.css", R_STATIC);
	expect_route(f, HTTP_GET, "/static", R_STATIC);
	expect_404(f, HTTP_GET, "/staticx/a");
}

static void
test_not_found(void **state)
{
	struct fixture	*f = *state;

	expect_404(f, HTTP_GET, "/");
	expect_404(f, HTTP_GET, "/nope");
	expect_404(f, HTTP_GET, "/healthz/");
	expect_404(f, HTTP_GET, "/HEALTHZ");
	expect_404(f, HTTP_GET, "/api/v1/users");
	expect_404(f, HTTP_GET, "/api/v1/users/");	/* a parameter is never empty */
	expect_404(f, HTTP_GET, "/api/v1/users/42/extra");
	expect_404(f, HTTP_GET, "/api/v1//users/42");
	/* 404 wins over 405 when no route has the path, whatever the method. */
	expect_404(f, HTTP_DELETE, "/nope");
	expect_404(f, HTTP__MAX, "/nope");
}

static void
test_too_many_segments(void **state)
{
	struct fixture	*f = *state;
	char		 uri[256];
	size_t		 i, n = 0;

	n += (size_t)snprintf(uri + n, sizeof(uri) - n, "/static");
	for (i = 0; i < PATTERN_MAXSEGS; i++)
		n += (size_t)snprintf(uri + n, sizeof(uri) - n, "/s");
	/* 33 segments: more than any pattern can match, so not found. */
	assert_null(route(f, f->router, HTTP_GET, uri));
	assert_int_equal(f->err, GH_ERR_NOT_FOUND);
}

static void
test_method_not_allowed(void **state)
{
	struct fixture	*f = *state;

	/* Only GET: HEAD is listed too. */
	expect_405(f, HTTP_POST, "/healthz", "GET, HEAD");
	expect_405(f, HTTP_DELETE, "/healthz", "GET, HEAD");
	/* Only POST: no HEAD. */
	expect_405(f, HTTP_GET, "/api/v1/auth/login", "POST");
	expect_405(f, HTTP_HEAD, "/api/v1/auth/login", "POST");
	/* Several, in method order, HEAD after GET. */
	expect_405(f, HTTP_DELETE, "/api/v1/users/42", "GET, HEAD, PUT, PATCH");
	expect_405(f, HTTP_POST, "/api/v1/users/42", "GET, HEAD, PUT, PATCH");
	expect_405(f, HTTP_OPTIONS, "/api/v1/orgs/a/teams/b", "GET, HEAD, POST");
	/* A method we do not know is not allowed either. */
	expect_405(f, HTTP__MAX, "/healthz", "GET, HEAD");
	/* Wildcard routes take part too. */
	expect_405(f, HTTP_PUT, "/static/x", "GET, HEAD");
}

static void
test_allow_buffer_small(void **state)
{
	struct fixture	*f = *state;
	char		 small[10], none[1] = { 'x' };

	req_init(&f->req, f->arena, env_none);
	f->req.method = HTTP_DELETE;
	f->req.uri = "/api/v1/users/42";
	assert_int_equal(req_parse_uri(&f->req), GH_OK);

	memset(small, 'x', sizeof(small));
	assert_null(router_match(f->router, &f->req, &f->err, small, sizeof(small)));
	assert_int_equal(f->err, GH_ERR_METHOD);
	assert_true(memchr(small, '\0', sizeof(small)) != NULL);
	assert_true(strlen(small) < sizeof(small));
	/* Whole names only: a prefix of the full list ending at a method name. */
	assert_int_equal(strncmp("GET, HEAD, PUT, PATCH", small, strlen(small)), 0);
	assert_true(strcmp(small, "GET") == 0 || strcmp(small, "GET, HEAD") == 0);

	assert_null(router_match(f->router, &f->req, &f->err, none, 0));
	assert_int_equal(f->err, GH_ERR_METHOD);
	assert_int_equal(none[0], 'x');	/* allowlen 0: nothing written */
}

static void
test_head_served_by_get(void **state)
{
	struct fixture	*f = *state;

	expect_route(f, HTTP_HEAD, "/healthz", R_HEALTHZ);
	assert_int_equal(f->req.route->method, HTTP_GET);
	assert_int_equal(f->req.method, HTTP_HEAD);	/* the request keeps its method */
	expect_route(f, HTTP_HEAD, "/api/v1/users/9", R_USER_GET);
	assert_string_equal(req_param(&f->req, 0), "9");
	expect_route(f, HTTP_HEAD, "/static/a", R_STATIC);
}

static void
test_debug_routes(void **state)
{
	struct fixture	*f = *state;
	const struct route	*rt;

	/* Off: the route does not exist at all (404, not 405). */
	expect_404(f, HTTP_POST, "/api/v1/debug/reset");
	expect_404(f, HTTP_GET, "/api/v1/debug/reset");

	/* On: it matches, and the other routes still do. */
	rt = route(f, f->router_debug, HTTP_POST, "/api/v1/debug/reset");
	assert_ptr_equal(rt, &routes[R_DEBUG]);
	assert_int_equal(f->err, GH_OK);
	rt = route(f, f->router_debug, HTTP_GET, "/api/v1/debug/reset");
	assert_null(rt);
	assert_int_equal(f->err, GH_ERR_METHOD);
	assert_string_equal(f->allow, "POST");
	rt = route(f, f->router_debug, HTTP_GET, "/healthz");
	assert_ptr_equal(rt, &routes[R_HEALTHZ]);
}

static void
test_bad_pattern_refused(void **state)
{
	static const struct route bad[] = {
		{ HTTP_GET, "/ok", h_ok, 0, "fine" },
		{ HTTP_GET, "/a/**/b", h_ok, 0, "wildcard not last" },
	};
	static const struct route bad_debug[] = {
		{ HTTP_GET, "/ok", h_ok, 0, "fine" },
		{ HTTP_GET, "no-slash", h_ok, ROUTE_DEBUG, "bad but left out" },
	};
	const char	*why = NULL;
	struct router	*r;

	(void)state;
	assert_null(router_new(bad, 2, 0, &why));
	assert_non_null(why);
	/* A debug route is not even compiled when debug is off. */
	why = NULL;
	r = router_new(bad_debug, 2, 0, &why);
	assert_non_null(r);
	assert_int_equal(router_count(r), 1);
	router_free(r);
	why = NULL;
	assert_null(router_new(bad_debug, 2, 1, &why));
	assert_non_null(why);
	/* An empty table matches nothing. */
	r = router_new(NULL, 0, 0, &why);
	assert_non_null(r);
	assert_int_equal(router_count(r), 0);
	router_free(r);
	router_free(NULL);
}

/*
 * A route with more {params} than REQ_MAXPARAMS: either router_new refuses it, or a match keeps
 * req->nparams within req->params[] so that req_param() never reads past the array.
 */
static void
test_params_over_limit(void **state)
{
	static const struct route many[] = {
		{ HTTP_GET, "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}", h_ok, 0, "nine params" },
	};
	struct fixture	*f = *state;
	const char	*why = NULL;
	struct router	*r;

	assert_int_equal(REQ_MAXPARAMS, 8);
	r = router_new(many, 1, 0, &why);
	if (r == NULL) {
		assert_non_null(why);
		return;
	}
	assert_non_null(route(f, r, HTTP_GET, "/1/2/3/4/5/6/7/8/9"));
	router_free(r);
	assert_string_equal(req_param(&f->req, 0), "1");
	assert_string_equal(req_param(&f->req, 7), "8");
	if (f->req.nparams > REQ_MAXPARAMS)
		fail_msg("req.nparams is %zu but req.params[] holds %d: req_param(req, %d) reads "
		    "past the array", f->req.nparams, REQ_MAXPARAMS, REQ_MAXPARAMS);
}

int
main(void)
{
#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_table),
		T(test_match_literal),
		T(test_match_params),
		T(test_first_match_wins),
		T(test_match_wildcard),
		T(test_not_found),
		T(test_too_many_segments),
		T(test_method_not_allowed),
		T(test_allow_buffer_small),
		T(test_head_served_by_get),
		T(test_debug_routes),
		T(test_bad_pattern_refused),
		T(test_params_over_limit),
	};
#undef T

	return cmocka_run_group_tests_name("router", tests, NULL, NULL);
}
