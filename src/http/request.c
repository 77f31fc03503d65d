#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "core/arena.h"
#include "core/err.h"
#include "http/body.h"
#include "http/request.h"

const char *const http_method_names[HTTP__MAX] = {
	"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"
};

static const char *const status_text[][2] = {
	{ "200", "OK" }, { "201", "Created" }, { "202", "Accepted" }, { "204", "No Content" },
	{ "304", "Not Modified" }, { "400", "Bad Request" }, { "401", "Unauthorized" },
	{ "403", "Forbidden" }, { "404", "Not Found" }, { "405", "Method Not Allowed" },
	{ "409", "Conflict" }, { "412", "Precondition Failed" }, { "413", "Content Too Large" },
	{ "410", "Gone" }, { "414", "URI Too Long" }, { "415", "Unsupported Media Type" }, { "423", "Locked" },
	{ "428", "Precondition Required" }, { "429", "Too Many Requests" },
	{ "500", "Internal Server Error" }, { "503", "Service Unavailable" },
};

enum http_method
http_method_parse(const char *s)
{
	int	 i;

	if (s != NULL)
		for (i = 0; i < HTTP__MAX; i++)
			if (strcmp(s, http_method_names[i]) == 0)
				return (enum http_method)i;
	return HTTP__MAX;
}

void
req_init(struct request *req, struct arena *a, char **env)
{
	memset(req, 0, sizeof(*req));
	req->arena = a;
	req->env = env;
	req->query = "";
	req->status = 200;
}

const char *
req_env(const struct request *req, const char *name)
{
	size_t	 n = strlen(name);
	char	**e;

	if (req->env == NULL)
		return NULL;
	for (e = req->env; *e != NULL; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

const char *
req_header(const struct request *req, const char *name)
{
	char	 buf[128];
	size_t	 i;

	if (strlen(name) + 6 > sizeof(buf))
		return NULL;
	memcpy(buf, "HTTP_", 5);
	for (i = 0; name[i] != '\0'; i++)
		buf[5 + i] = name[i] == '-' ? '_' : (char)toupper((unsigned char)name[i]);
	buf[5 + i] = '\0';
	/* CGI passes these two without the HTTP_ prefix. */
	if (strcmp(buf, "HTTP_CONTENT_TYPE") == 0 || strcmp(buf, "HTTP_CONTENT_LENGTH") == 0)
		return req_env(req, buf + 5);
	return req_env(req, buf);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decode n bytes of s; plus_space for query strings.  NULL on a bad escape. */
static char *
pct_decode(struct arena *a, const char *s, size_t n, int plus_space, size_t *outlen)
{
	char	*out = arena_alloc(a, n + 1);
	size_t	 i, j = 0;
	int	 hi, lo;

	for (i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (i + 2 >= n)
				return NULL;
			if ((hi = hexval((unsigned char)s[i + 1])) < 0 ||
			    (lo = hexval((unsigned char)s[i + 2])) < 0)
				return NULL;
			out[j++] = (char)(hi << 4 | lo);
			i += 2;
		} else if (plus_space && s[i] == '+')
			out[j++] = ' ';
		else
			out[j++] = s[i];
	}
	out[j] = '\0';
	if (outlen != NULL)
		*outlen = j;
	return out;
}

/*
 * Every query parameter must decode: a bad escape or an encoded NUL would otherwise make it
 * silently absent (a garbage cursor read as the first page).  The name is given when it decodes
 * to printable UTF-8.
 */
static enum gh_err
query_check(struct request *req)
{
	const char	*s = req->query, *amp, *eq;
	char		*name, *val;
	size_t		 len, nl, dl, vl, i;

	for (; *s != '\0'; s = amp ? amp + 1 : s + len) {
		amp = strchr(s, '&');
		len = amp ? (size_t)(amp - s) : strlen(s);
		eq = memchr(s, '=', len);
		nl = eq ? (size_t)(eq - s) : len;
		name = pct_decode(req->arena, s, nl, 1, &dl);
		val = eq ? pct_decode(req->arena, eq + 1, len - nl - 1, 1, &vl) : "";
		if (name != NULL && val != NULL && strlen(name) == dl && strlen(val) == (eq ? vl : 0))
			continue;
		if (name != NULL && strlen(name) == dl && utf8_len(name) != (size_t)-1) {
			for (i = 0; i < dl && (unsigned char)name[i] >= 0x20 && name[i] != 0x7f; i++)
				;
			if (i == dl)
				return req_fail(req, GH_ERR_VALIDATION, name,
				    "the query parameter %s has a bad percent escape or an encoded NUL",
				    name);
		}
		return req_fail(req, GH_ERR_VALIDATION, NULL,
		    "a query parameter has a bad percent escape or an encoded NUL");
	}
	return GH_OK;
}

enum gh_err
req_parse_uri(struct request *req)
{
	const char	*uri = req->uri, *q, *seg, *end;
	char		*dec, *path, *p;
	size_t		 plen, dlen, i;

	if (uri == NULL || *uri != '/')
		return req_fail(req, GH_ERR_BAD_PATH, NULL, "the path must start with /");
	if (strlen(uri) > REQ_MAXURI)
		return req_fail(req, GH_ERR_URI_TOO_LONG, NULL, "the URI is longer than %d bytes",
		    REQ_MAXURI);
	q = strchr(uri, '?');
	plen = q ? (size_t)(q - uri) : strlen(uri);
	req->query = q ? q + 1 : "";

	path = arena_alloc(req->arena, plen + 1);
	p = path;
	for (seg = uri; seg < uri + plen; seg = end) {
		/* seg points at a '/' */
		end = memchr(seg + 1, '/', (size_t)(uri + plen - seg - 1));
		if (end == NULL)
			end = uri + plen;
		if ((dec = pct_decode(req->arena, seg + 1, (size_t)(end - seg - 1), 0, &dlen)) == NULL)
			return req_fail(req, GH_ERR_BAD_PATH, NULL, "bad percent escape in the path");
		if (dlen > REQ_MAXSEGMENT)
			return req_fail(req, GH_ERR_BAD_PATH, NULL,
			    "a path segment is longer than %d bytes", REQ_MAXSEGMENT);
		if (strcmp(dec, ".") == 0 || strcmp(dec, "..") == 0)
			return req_fail(req, GH_ERR_BAD_PATH, NULL, "dot segments are not allowed");
		for (i = 0; i < dlen; i++)
			if ((unsigned char)dec[i] < 0x20 || dec[i] == 0x7f || dec[i] == '/' ||
			    dec[i] == '\\')
				return req_fail(req, GH_ERR_BAD_PATH, NULL,
				    "the path holds a control character or an encoded separator");
		*p++ = '/';
		memcpy(p, dec, dlen);
		p += dlen;
	}
	if (p == path)
		*p++ = '/';
	*p = '\0';
	req->path = path;
	return query_check(req);
}

const char *
req_query(struct request *req, const char *name)
{
	const char	*s = req->query, *amp, *eq;
	size_t		 n = strlen(name), len;

	while (s != NULL && *s != '\0') {
		amp = strchr(s, '&');
		len = amp ? (size_t)(amp - s) : strlen(s);
		eq = memchr(s, '=', len);
		if ((eq ? (size_t)(eq - s) : len) == n && strncmp(s, name, n) == 0) {
			size_t dl;
			char *v;
			if (eq == NULL)
				return "";
			/* A bad escape or an encoded NUL makes the parameter unusable: absent. */
			v = pct_decode(req->arena, eq + 1, len - n - 1, 1, &dl);
			return v != NULL && strlen(v) == dl ? v : NULL;
		}
		s = amp ? amp + 1 : NULL;
	}
	return NULL;
}

const char *
req_form(struct request *req, const char *name)
{
	const char	*saved = req->query, *v;

	/* The same syntax as a query string (WHATWG application/x-www-form-urlencoded). */
	req->query = req->body != NULL ? req->body : "";
	v = req_query(req, name);
	req->query = saved;
	return v;
}

const char *
req_param(const struct request *req, size_t i)
{
	return i < req->nparams ? req->params[i] : NULL;
}

void
req_set_request_id(struct request *req, const char *c)
{
	unsigned char	 rnd[16];
	char		*hex;
	size_t		 i, n;

	if (c != NULL && (n = strlen(c)) > 0 && n <= 64) {
		for (i = 0; i < n; i++)
			if (!isalnum((unsigned char)c[i]) && c[i] != '.' && c[i] != '_' && c[i] != '-')
				break;
		if (i == n) {
			req->request_id = c;
			return;
		}
	}
	randombytes_buf(rnd, sizeof(rnd));
	hex = arena_alloc(req->arena, sizeof(rnd) * 2 + 1);
	sodium_bin2hex(hex, sizeof(rnd) * 2 + 1, rnd, sizeof(rnd));
	req->request_id = hex;
}

static int
is_json_type(const char *ct)
{
	size_t	 n = strlen("application/json");

	if (ct == NULL || strncasecmp(ct, "application/json", n) != 0)
		return 0;
	ct += n;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return *ct == '\0' || *ct == ';';
}

enum gh_err
req_parse_json(struct request *req)
{
	if (req->body_len == 0)
		return req_fail(req, GH_ERR_BODY_REQUIRED, NULL, "this request needs a JSON body");
	if (!is_json_type(req_env(req, "CONTENT_TYPE")))
		return req_fail(req, GH_ERR_UNSUPPORTED_MEDIA, NULL,
		    "send the body as application/json");
	return body_parse(req);
}

enum gh_err
req_fail(struct request *req, enum gh_err err, const char *field, const char *fmt, ...)
{
	va_list	 ap;

	if (fmt != NULL) {
		va_start(ap, fmt);
		req->detail = arena_vprintf(req->arena, fmt, ap);
		va_end(ap);
	}
	req->field = field;
	req->err = err;
	return err;
}

void
resp_header(struct request *req, const char *name, const char *value)
{
	struct resp_header	*h = arena_alloc(req->arena, sizeof(*h));

	h->name = name;
	h->value = value;
	h->next = req->headers;
	req->headers = h;
}

static void
set_body(struct request *req, const char *ctype, char *s)
{
	req->body_out_len = strlen(s);
	req->content_type = ctype;
	/* During a request cJSON prints into the arena (core/jsonmem.c): no copy needed then. */
	if (arena_owns(req->arena, s)) {
		req->body_out = s;
		return;
	}
	req->body_out = arena_strndup(req->arena, s, req->body_out_len);
	cJSON_free(s);
}

void
resp_json(struct request *req, int status, const cJSON *j)
{
	char	*s = cJSON_PrintUnformatted(j);

	req->status = status;
	if (s == NULL) {
		resp_problem(req, GH_ERR_INTERNAL);
		return;
	}
	set_body(req, "application/json", s);
}

void
resp_status(struct request *req, int status)
{
	req->status = status;
	req->body_out = NULL;
	req->body_out_len = 0;
	req->content_type = NULL;
}

void
resp_problem(struct request *req, enum gh_err err)
{
	const struct gh_err_info	*info = gh_err_info(err);
	cJSON				*o, *it, *errs, *e;
	char				*s;

	req->err = err;
	req->status = info->status;
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", arena_printf(req->arena,
	    "https://gatehouse.dev/problems/%s", info->code));
	cJSON_AddStringToObject(o, "title", info->title);
	cJSON_AddNumberToObject(o, "status", info->status);
	cJSON_AddStringToObject(o, "code", info->code);
	if (req->detail != NULL)
		cJSON_AddStringToObject(o, "detail", req->detail);
	if (req->field != NULL) {
		cJSON_AddStringToObject(o, "field", req->field);
		errs = cJSON_AddArrayToObject(o, "errors");
		e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "field", req->field);
		cJSON_AddStringToObject(e, "message", req->detail ? req->detail : info->title);
		cJSON_AddItemToArray(errs, e);
	}
	if (req->path != NULL)
		cJSON_AddStringToObject(o, "instance", req->path);
	if (req->request_id != NULL)
		cJSON_AddStringToObject(o, "request_id", req->request_id);
	if (req->problem_extra != NULL)
		cJSON_ArrayForEach(it, req->problem_extra)
			if (cJSON_GetObjectItemCaseSensitive(o, it->string) == NULL)
				cJSON_AddItemToObject(o, it->string, cJSON_Duplicate(it, 1));
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (s == NULL) {
		req->body_out = "";
		req->body_out_len = 0;
		req->content_type = "application/problem+json";
		return;
	}
	set_body(req, "application/problem+json", s);
}

static const char *
reason(int status)
{
	char	 code[8];
	size_t	 i;

	snprintf(code, sizeof(code), "%d", status);
	for (i = 0; i < sizeof(status_text) / sizeof(status_text[0]); i++)
		if (strcmp(status_text[i][0], code) == 0)
			return status_text[i][1];
	return "Unknown";
}

char *
resp_render(struct request *req, size_t *len)
{
	struct resp_header	*h;
	size_t			 n, cap;
	char			*out;
	int			 w;

	cap = 128 + req->body_out_len;
	if (req->content_type != NULL)
		cap += strlen(req->content_type) + 64;
	for (h = req->headers; h != NULL; h = h->next)
		cap += strlen(h->name) + strlen(h->value) + 4;
	out = arena_alloc(req->arena, cap);
	n = (size_t)snprintf(out, cap, "Status: %d %s\r\n", req->status, reason(req->status));
	if (req->content_type != NULL) {
		w = snprintf(out + n, cap - n, "Content-Type: %s\r\nContent-Length: %zu\r\n",
		    req->content_type, req->body_out_len);
		n += (size_t)w;
	}
	for (h = req->headers; h != NULL; h = h->next)
		n += (size_t)snprintf(out + n, cap - n, "%s: %s\r\n", h->name, h->value);
	n += (size_t)snprintf(out + n, cap - n, "\r\n");
	if (req->body_out_len > 0 && req->method != HTTP_HEAD) {
		memcpy(out + n, req->body_out, req->body_out_len);
		n += req->body_out_len;
	}
	*len = n;
	return out;
}
