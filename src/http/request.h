/*
 * request.h: one HTTP request as the worker sees it, and its response.
 *
 * A struct request lives for one FastCGI request.  Everything hanging off it (strings, cJSON
 * trees, headers) belongs to req->arena and disappears at arena_reset(); handlers never free.
 * Parameters (req->env) are borrowed from libfcgi and valid until the next accept.
 *
 * Handlers answer with resp_json()/resp_status(), or return an enum gh_err and let the dispatcher
 * render the problem body; req_fail() records the detail and the field for that body.
 */
#ifndef GH_REQUEST_H
#define GH_REQUEST_H

#include <stddef.h>

#include <cJSON.h>

#include "core/arena.h"
#include "core/err.h"

#define REQ_MAXPARAMS	8
#define REQ_MAXSEGMENT	255	/* bytes in one decoded path segment */
#define REQ_MAXURI	4096	/* bytes of the raw request URI */

enum http_method {
	HTTP_GET,
	HTTP_HEAD,
	HTTP_POST,
	HTTP_PUT,
	HTTP_PATCH,
	HTTP_DELETE,
	HTTP_OPTIONS,
	HTTP__MAX
};

extern const char *const http_method_names[HTTP__MAX];

struct resp_header {
	struct resp_header	*next;
	const char		*name;
	const char		*value;
};

/* What authentication established about the caller (zero when anonymous). */
struct req_auth {
	long long	 user_id;
	long long	 org_id;
	long long	 pv;
	long long	 mv;		/* its membership session_version (0 = none) */
	long long	 exp;
	const char	*jti;
	const char	*sid;		/* session (refresh family) id */
	const char	*roles;		/* comma separated role names from the token */
	const char	*amr;		/* its authentication methods, comma separated ("" = pwd) */
	const char	*acr;
	const char	*scp;		/* "" or "mfa_enroll": only enrollment routes */
	const char	*cid;		/* "" or the OpenID Connect client it was issued to */
	const char	*scope;		/* "" or its OAuth scopes, space separated */
	long long	 iat;
	const char	*token;		/* borrowed from the Authorization header */
};

struct route;
struct worker;

struct request {
	struct arena		*arena;
	struct worker		*w;		/* worker-lifetime state; NULL in unit tests */
	char			**env;		/* FastCGI parameters, borrowed */

	enum http_method	 method;	/* HTTP__MAX when unknown */
	const char		*method_str;
	const char		*uri;		/* raw, as sent */
	char			*path;		/* percent-decoded, validated, no query */
	const char		*query;		/* raw query string or "" */
	const char		*request_id;
	const char		*client_ip;

	char			*body;		/* NUL-terminated, or NULL */
	size_t			 body_len;
	cJSON			*json;		/* parsed body when the route takes one */

	const struct route	*route;
	const char		*params[REQ_MAXPARAMS];
	size_t			 nparams;

	struct req_auth		 auth;

	/* response */
	int			 status;
	struct resp_header	*headers;
	const char		*body_out;
	size_t			 body_out_len;
	const char		*content_type;
	const char		*cache_control;	/* default no-store */
	enum gh_err		 err;		/* set when the answer is a problem */
	const char		*detail;
	const char		*field;
	cJSON			*problem_extra;	/* members merged into the problem body */
	double			 t0;
};

/* Map "GET" etc. to the enum; HTTP__MAX if unknown. */
enum http_method http_method_parse(const char *);

/* Reset *req for a new request on arena a with parameters env. */
void		 req_init(struct request *req, struct arena *a, char **env);

/* A FastCGI parameter (e.g. "CONTENT_TYPE"), or NULL. */
const char	*req_env(const struct request *, const char *name);
/* A request header by its HTTP name ("Authorization"), or NULL. */
const char	*req_header(const struct request *, const char *name);
/* A query parameter, percent-decoded, or NULL.  The first occurrence wins. */
const char	*req_query(struct request *, const char *name);
/*
 * A parameter of an application/x-www-form-urlencoded body (req->body), decoded as req_query
 * decodes ('+' is a space), or NULL.  The caller checks the Content-Type.
 */
const char	*req_form(struct request *, const char *name);
/* Route parameter i as matched ({id} etc.). */
const char	*req_param(const struct request *, size_t i);

/*
 * Validate and decode the raw URI into req->path and req->query: GH_OK, GH_ERR_BAD_PATH (no
 * leading slash, "." or ".." segments, NUL or control characters, encoded slash, bad escapes,
 * a segment over REQ_MAXSEGMENT) or GH_ERR_URI_TOO_LONG.
 */
enum gh_err	 req_parse_uri(struct request *);

/* Accept a request id of 1-64 characters [A-Za-z0-9._-]; else generate one. */
void		 req_set_request_id(struct request *, const char *candidate);

/*
 * The body as JSON: GH_ERR_BODY_REQUIRED when empty, GH_ERR_UNSUPPORTED_MEDIA unless
 * Content-Type is application/json (with optional parameters), then body_parse() (strict JSON,
 * http/body.h).  On success req->json is set.
 */
enum gh_err	 req_parse_json(struct request *);

/* Record detail (printf) and the offending field for the problem body; returns err. */
enum gh_err	 req_fail(struct request *, enum gh_err err, const char *field, const char *fmt, ...)
		    __attribute__((format(printf, 4, 5)));

void		 resp_header(struct request *, const char *name, const char *value);
/* Answer status with the JSON value j (printed into the arena; j is not freed here). */
void		 resp_json(struct request *, int status, const cJSON *j);
/* Answer status with no body (204, 304). */
void		 resp_status(struct request *, int status);
/* Build the problem+json answer for err from req->detail/field/problem_extra. */
void		 resp_problem(struct request *, enum gh_err err);

/* Render the response as CGI output (Status line, headers, blank line, body) into the arena. */
char		*resp_render(struct request *, size_t *len);

#endif
