#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "core/arena.h"
#include "core/valid.h"
#include "http/body.h"
#include "http/request.h"

/*
 * The length (1-4) of the UTF-8 character at p, of at most n bytes, or 0 when it is not one:
 * a stray continuation byte, a short sequence, an overlong form, a surrogate or a value past
 * U+10FFFF.
 */
static size_t
utf8_char(const unsigned char *p, size_t n)
{
	size_t		 k, i;
	unsigned int	 cp;

	if (n == 0)
		return 0;
	if (*p < 0x80)
		return 1;
	if ((*p & 0xe0) == 0xc0) {
		k = 1;
		cp = *p & 0x1f;
	} else if ((*p & 0xf0) == 0xe0) {
		k = 2;
		cp = *p & 0x0f;
	} else if ((*p & 0xf8) == 0xf0) {
		k = 3;
		cp = *p & 0x07;
	} else
		return 0;
	for (i = 1; i <= k; i++) {
		if (i >= n || (p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((k == 1 && cp < 0x80) || (k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return k + 1;
}

size_t
utf8_len(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n = 0, k;

	/* A NUL is never a continuation byte: no sequence reads past the terminator. */
	for (; *p != '\0'; p += k, n++)
		if ((k = utf8_char(p, 4)) == 0)
			return (size_t)-1;
	return n;
}

/*
 * Strict JSON (docs/api.md, "Strict JSON").  cJSON parses the body, but it cuts strings at an
 * escaped NUL, passes raw control characters and invalid UTF-8 through, keeps duplicate names
 * and turns every number into a double.  So the raw text is scanned first for what is wrong
 * inside strings, and the tree is walked after for duplicate names and numbers.  A fault is
 * named by its member's path: names joined with '.', array elements as [i] ("a.b[2].c").
 */

#define JSON_DEPTH	64
#define JSON_MAXINT	9007199254740991LL	/* 2^53 - 1: exact as a double (RFC 7493) */

enum bad {
	BAD_NONE,
	BAD_CTRL,		/* a raw byte under 0x20 */
	BAD_UTF8,		/* not UTF-8 */
	BAD_NUL,		/* \u0000 */
	BAD_CONTROL,		/* a control character other than tab, line feed, return */
	BAD_SURROGATE,		/* a \ud800-\udfff escape not in a high-low pair */
	BAD_ESCAPE,		/* not a JSON escape: a syntax error */
	BAD__MAX
};

static const char *const bad_text[BAD__MAX] = {
	NULL,
	"holds a raw control character (escape it)",
	"is not valid UTF-8",
	"holds an escaped NUL character (\\u0000)",
	"holds a control character (only tab, line feed and carriage return are allowed)",
	"holds an unpaired surrogate escape",
	NULL,
};

/*
 * One step of a member's path: a name or an array index.  The name is raw JSON text in the
 * body, len bytes, while scanning; a NUL-terminated cJSON name while walking the tree.
 */
struct seg {
	const char	*name;		/* NULL in an array */
	size_t		 len;
	long		 index;
};

/* A container of the raw text being scanned. */
struct frame {
	struct seg	 at;		/* the member or element being read */
	int		 object;
	int		 want_name;	/* in an object: the next string is a name */
};

static long
hex4(const unsigned char *p, size_t n)
{
	long	 v = 0;
	size_t	 i;
	int	 c;

	if (n < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		c = p[i];
		if (c >= '0' && c <= '9')
			v = v * 16 + c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v = v * 16 + (c | 0x20) - 'a' + 10;
		else
			return -1;
	}
	return v;
}

/*
 * The first fault in the n bytes of a string's content (quotes excluded, its end already
 * found): its offset (n when none), *len its length and *why its kind.
 */
static size_t
str_bad(const unsigned char *s, size_t n, size_t *len, enum bad *why)
{
	size_t	 i, k;
	long	 cp, lo;

	*why = BAD_NONE;
	for (i = 0; i < n; i += k) {
		*len = k = 1;
		if (s[i] < 0x20)
			*why = BAD_CTRL;
		else if (s[i] == 0x7f)
			*why = BAD_CONTROL;
		else if (s[i] >= 0x80) {
			if ((k = utf8_char(s + i, n - i)) == 0)
				*why = BAD_UTF8;
			else if (s[i] == 0xc2 && s[i + 1] >= 0x80 && s[i + 1] <= 0x9f)
				*why = BAD_CONTROL;	/* U+0080-U+009F */
		} else if (s[i] == '\\') {
			if (i + 1 == n || strchr("\"\\/bfnrtu", s[i + 1]) == NULL) {
				*why = BAD_ESCAPE;
				return i;
			}
			k = 2;
			if (s[i + 1] == 'b' || s[i + 1] == 'f') {
				*why = BAD_CONTROL;
				return i;
			}
			if (s[i + 1] != 'u')
				continue;
			*len = k = 6;
			if ((cp = hex4(s + i + 2, n - i - 2)) < 0)
				*why = BAD_ESCAPE;
			else if (cp == 0)
				*why = BAD_NUL;
			else if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
			    (cp >= 0x7f && cp <= 0x9f))
				*why = BAD_CONTROL;
			else if (cp >= 0xdc00 && cp <= 0xdfff)
				*why = BAD_SURROGATE;
			else if (cp >= 0xd800 && cp <= 0xdbff) {
				if (n - i < 12 || s[i + 6] != '\\' || s[i + 7] != 'u' ||
				    (lo = hex4(s + i + 8, n - i - 8)) < 0xdc00 || lo > 0xdfff)
					*why = BAD_SURROGATE;
				else
					k = 12;
			}
		}
		if (*why != BAD_NONE)
			return i;
	}
	return n;
}

/* The offset just past the closing quote of the string opening at s[0], 0 when none. */
static size_t
str_end(const unsigned char *s, size_t n)
{
	size_t	 i;

	for (i = 1; i < n; i++) {
		if (s[i] == '"')
			return i + 1;
		if (s[i] == '\\')
			i++;
	}
	return 0;
}

/*
 * The text of a name in the body, decoded by cJSON, each fault shown as U+FFFD; NULL when it
 * does not decode (a bad escape, which the syntax check reports anyway).
 */
static const char *
name_text(struct request *req, const char *raw, size_t n)
{
	const unsigned char	*s = (const unsigned char *)raw;
	char			*buf, *p;
	const char		*out = NULL;
	size_t			 i, at, len;
	enum bad		 why;
	cJSON			*j;

	/* A fault of one byte becomes the six of \ufffd. */
	p = buf = arena_alloc(req->arena, 6 * n + 3);
	*p++ = '"';
	for (i = 0; i < n; i += at + len) {
		at = str_bad(s + i, n - i, &len, &why);
		memcpy(p, s + i, at);
		p += at;
		if (at == n - i)
			break;
		if (why == BAD_ESCAPE)
			return NULL;
		memcpy(p, "\\ufffd", 6);
		p += 6;
	}
	*p++ = '"';
	if ((j = cJSON_ParseWithLength(buf, (size_t)(p - buf))) == NULL)
		return NULL;
	if (cJSON_IsString(j))
		out = arena_strdup(req->arena, j->valuestring);
	cJSON_Delete(j);
	return out;
}

/* The path of segs[0..n) as text ("a.b[2].c"), NULL when empty. */
static const char *
path_text(struct request *req, const struct seg *segs, size_t n, int raw)
{
	const char	*out = NULL, *name;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if (segs[i].name == NULL)
			out = arena_printf(req->arena, "%s[%ld]", out ? out : "", segs[i].index);
		else {
			name = raw ? name_text(req, segs[i].name, segs[i].len) : segs[i].name;
			if (name == NULL)
				break;
			out = arena_printf(req->arena, "%s%s%s", out ? out : "", out ? "." : "",
			    name);
		}
	}
	return out;
}

/* The member at the scan's position: the frames' current names and indexes. */
static const char *
frames_path(struct request *req, const struct frame *f, size_t depth)
{
	struct seg	*segs = arena_alloc(req->arena, (depth + 1) * sizeof(*segs));
	size_t		 i, n = 0;

	for (i = 0; i < depth; i++)
		if (!f[i].object || f[i].at.name != NULL)
			segs[n++] = f[i].at;
	return path_text(req, segs, n, 1);
}

/*
 * A number's text at s (n bytes left) as RFC 8259 has it: its length, 0 when it is not one
 * (cJSON takes "01", "1." and "-" too).  *exact: an integer of at most 2^53 - 1 in magnitude,
 * with no fraction and no exponent.
 */
static size_t
number_len(const char *s, size_t n, int *exact)
{
	size_t	 i = 0, d;
	long long v;

	*exact = 0;
	if (i < n && s[i] == '-')
		i++;
	for (d = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (i == d || (s[d] == '0' && i - d > 1))
		return 0;
	*exact = valid_int_mem(s, i, -JSON_MAXINT, JSON_MAXINT, &v);
	if (i < n && s[i] == '.') {
		*exact = 0;
		for (d = ++i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		*exact = 0;
		if (++i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		for (d = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	return i;
}

/*
 * Scan the raw body (an object: it starts with '{').  GH_ERR_VALIDATION naming the member for
 * a fault in a string, GH_ERR_MALFORMED_JSON for a bad escape or number; *exact gets one byte
 * per number, in order, telling whether it is an exact integer.
 */
static enum gh_err
scan(struct request *req, unsigned char **exact, size_t *nnum)
{
	const unsigned char	*b = (const unsigned char *)req->body;
	size_t			 n = req->body_len, i, e, at, len, depth = 0;
	struct frame		*f = arena_alloc(req->arena, JSON_DEPTH * sizeof(*f));
	struct frame		*top;
	const char		*field;
	enum bad		 why;
	int			 name, ex;

	/* Every number takes a byte at least. */
	*exact = arena_alloc(req->arena, n);
	*nnum = 0;
	for (i = 0; i < n; ) {
		top = depth > 0 ? &f[depth - 1] : NULL;
		switch (b[i]) {
		case '{':
		case '[':
			if (depth == JSON_DEPTH)
				return req_fail(req, GH_ERR_VALIDATION, frames_path(req, f, depth),
				    "the body is nested deeper than %d levels", JSON_DEPTH);
			memset(&f[depth], 0, sizeof(f[depth]));
			f[depth].object = b[i] == '{';
			f[depth].want_name = f[depth].object;
			depth++;
			i++;
			break;
		case '}':
		case ']':
			if (depth > 0)
				depth--;
			i++;
			break;
		case ',':
			if (top != NULL) {
				top->want_name = top->object;
				top->at.index++;
			}
			i++;
			break;
		case '"':
			if ((e = str_end(b + i, n - i)) == 0)
				return req_fail(req, GH_ERR_MALFORMED_JSON, NULL,
				    "the body is not valid JSON (a string is not closed)");
			name = top != NULL && top->want_name;
			if (name) {
				top->at.name = (const char *)b + i + 1;
				top->at.len = e - 2;
				top->want_name = 0;
			}
			at = str_bad(b + i + 1, e - 2, &len, &why);
			if (why == BAD_ESCAPE)
				return req_fail(req, GH_ERR_MALFORMED_JSON, NULL,
				    "the body is not valid JSON (a bad escape near byte %zu)",
				    i + 1 + at);
			if (why != BAD_NONE) {
				field = frames_path(req, f, depth);
				return req_fail(req, GH_ERR_VALIDATION, field, "%s%s %s",
				    name ? "the name " : "", field ? field : "the body",
				    bad_text[why]);
			}
			i += e;
			break;
		default:
			if (b[i] == '-' || (b[i] >= '0' && b[i] <= '9')) {
				if ((e = number_len((const char *)b + i, n - i, &ex)) == 0)
					return req_fail(req, GH_ERR_MALFORMED_JSON, NULL,
					    "the body is not valid JSON (a bad number near byte %zu)",
					    i);
				(*exact)[(*nnum)++] = (unsigned char)ex;
				i += e;
			} else if (b[i] >= 0x80 && utf8_char(b + i, n - i) == 0) {
				field = frames_path(req, f, depth);
				return req_fail(req, GH_ERR_VALIDATION, field, "%s is not valid UTF-8",
				    field ? field : "the body");
			} else
				i++;
			break;
		}
	}
	return GH_OK;
}

struct walk {
	struct request	*req;
	const unsigned char *exact;
	size_t		 nnum, num;
	struct seg	 segs[JSON_DEPTH + 1];
};

static int
name_cmp(const void *a, const void *b)
{
	return strcmp((*(const cJSON *const *)a)->string, (*(const cJSON *const *)b)->string);
}

/* The tree below v, at depth d: duplicate names, numbers out of range, exact integers marked. */
static enum gh_err
walk(struct walk *w, cJSON *v, size_t d)
{
	struct request	*req = w->req;
	cJSON		*c, **kids;
	const char	*field;
	size_t		 n = 0, i;
	enum gh_err	 err;

	if (cJSON_IsNumber(v)) {
		/* The scan saw the same numbers in the same order, or cJSON would have failed. */
		if (w->num < w->nnum && w->exact[w->num++])
			v->type |= BODY_JSON_EXACT;
		if (!isfinite(v->valuedouble)) {
			field = path_text(req, w->segs, d, 0);
			return req_fail(req, GH_ERR_VALIDATION, field, "%s is a number out of range",
			    field);
		}
		return GH_OK;
	}
	if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
		return GH_OK;
	if (cJSON_IsObject(v)) {
		for (c = v->child; c != NULL; c = c->next)
			n++;
		kids = arena_alloc(req->arena, (n + 1) * sizeof(*kids));
		for (c = v->child, n = 0; c != NULL; c = c->next)
			kids[n++] = c;
		qsort(kids, n, sizeof(*kids), name_cmp);
		for (i = 1; i < n; i++)
			if (strcmp(kids[i - 1]->string, kids[i]->string) == 0) {
				w->segs[d].name = kids[i]->string;
				field = path_text(req, w->segs, d + 1, 0);
				return req_fail(req, GH_ERR_VALIDATION, field,
				    "%s appears twice (names in an object are unique)", field);
			}
	}
	for (c = v->child, i = 0; c != NULL; c = c->next, i++) {
		w->segs[d].name = cJSON_IsObject(v) ? c->string : NULL;
		w->segs[d].index = (long)i;
		if ((err = walk(w, c, d + 1)) != GH_OK)
			return err;
	}
	return GH_OK;
}

static void
json_delete(void *p)
{
	cJSON_Delete(p);
}

enum gh_err
body_parse(struct request *req)
{
	const char	*p = req->body, *end = req->body + req->body_len, *stop = NULL;
	unsigned char	*exact = NULL;
	size_t		 nnum = 0;
	struct walk	*w;
	enum gh_err	 err;
	cJSON		*j;

	while (p < end && isspace((unsigned char)*p))
		p++;
	/* Anything but an object is refused below, whatever it holds. */
	if (p < end && *p == '{' && (err = scan(req, &exact, &nnum)) != GH_OK)
		return err;
	j = cJSON_ParseWithLengthOpts(req->body, req->body_len, &stop, 0);
	if (j == NULL) {
		const char *e = cJSON_GetErrorPtr();
		long off = (e != NULL && e >= req->body && e <= end) ? (long)(e - req->body) : -1;
		return req_fail(req, GH_ERR_MALFORMED_JSON, NULL,
		    "the body is not valid JSON (near byte %ld)", off);
	}
	arena_cleanup(req->arena, json_delete, j);
	/* Only whitespace may follow the value. */
	while (stop != NULL && stop < end && isspace((unsigned char)*stop))
		stop++;
	if (stop != NULL && stop != end)
		return req_fail(req, GH_ERR_MALFORMED_JSON, NULL,
		    "the body has data after the JSON value");
	if (!cJSON_IsObject(j))
		return req_fail(req, GH_ERR_VALIDATION, NULL, "the body must be a JSON object");
	w = arena_alloc(req->arena, sizeof(*w));
	memset(w, 0, sizeof(*w));
	w->req = req;
	w->exact = exact;
	w->nnum = nnum;
	if ((err = walk(w, j, 0)) != GH_OK)
		return err;
	req->json = j;
	return GH_OK;
}

enum gh_err
body_only(struct request *req, const char *const *allowed)
{
	const cJSON	*it;
	size_t		 i;

	cJSON_ArrayForEach(it, req->json) {
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(it->string, allowed[i]) == 0)
				break;
		if (allowed[i] == NULL)
			return req_fail(req, GH_ERR_VALIDATION,
			    arena_strdup(req->arena, it->string), "unknown field");
	}
	return GH_OK;
}

static const cJSON *
member(struct request *req, const char *name)
{
	const cJSON	*v;

	if (req->json == NULL)
		return NULL;
	v = cJSON_GetObjectItemCaseSensitive(req->json, name);
	return cJSON_IsNull(v) ? NULL : v;
}

enum gh_err
body_str(struct request *req, const char *name, int required, size_t min, size_t max,
    const char **out)
{
	const cJSON	*v = member(req, name);
	size_t		 n;

	*out = NULL;
	if (v == NULL) {
		if (required)
			return req_fail(req, GH_ERR_VALIDATION, name, "%s is required", name);
		return GH_OK;
	}
	if (!cJSON_IsString(v) || v->valuestring == NULL)
		return req_fail(req, GH_ERR_VALIDATION, name, "%s must be a string", name);
	if ((n = utf8_len(v->valuestring)) == (size_t)-1)
		return req_fail(req, GH_ERR_VALIDATION, name, "%s is not valid UTF-8", name);
	if (n < min || n > max) {
		if (min == max)
			return req_fail(req, GH_ERR_VALIDATION, name, "%s must have %zu characters",
			    name, min);
		return req_fail(req, GH_ERR_VALIDATION, name,
		    "%s must have from %zu to %zu characters", name, min, max);
	}
	*out = v->valuestring;
	return GH_OK;
}

enum gh_err
body_int_value(struct request *req, const cJSON *v, const char *field, long long min,
    long long max, long long *out)
{
	double	 d;

	if (!cJSON_IsNumber(v))
		return req_fail(req, GH_ERR_VALIDATION, field, "%s must be an integer", field);
	d = v->valuedouble;
	/* Exact: the bounds compare as doubles only when they are exact too. */
	if (!(v->type & BODY_JSON_EXACT) || d < (double)min || d > (double)max ||
	    (long long)d < min || (long long)d > max)
		return req_fail(req, GH_ERR_VALIDATION, field,
		    "%s must be an integer from %lld to %lld", field, min, max);
	*out = (long long)d;
	return GH_OK;
}

enum gh_err
body_int(struct request *req, const char *name, int required, long long min, long long max,
    long long *out, int *present)
{
	const cJSON	*v = member(req, name);
	enum gh_err	 err;

	if (present != NULL)
		*present = 0;
	if (v == NULL) {
		if (required)
			return req_fail(req, GH_ERR_VALIDATION, name, "%s is required", name);
		return GH_OK;
	}
	if ((err = body_int_value(req, v, name, min, max, out)) != GH_OK)
		return err;
	if (present != NULL)
		*present = 1;
	return GH_OK;
}

enum gh_err
body_str_or_int(struct request *req, const char *name, int required, size_t max,
    const char **out)
{
	const cJSON	*v = member(req, name);
	long long	 id;

	*out = NULL;
	if (v != NULL && cJSON_IsNumber(v)) {
		if (!(v->type & BODY_JSON_EXACT) || v->valuedouble < 1)
			return req_fail(req, GH_ERR_VALIDATION, name, "%s must be a positive id", name);
		id = (long long)v->valuedouble;
		*out = arena_printf(req->arena, "%lld", id);
		return GH_OK;
	}
	return body_str(req, name, required, 1, max, out);
}

enum gh_err
body_bool(struct request *req, const char *name, int null_ok, int *out, int *present)
{
	const cJSON	*v = req->json ? cJSON_GetObjectItemCaseSensitive(req->json, name) : NULL;

	if (present != NULL)
		*present = 0;
	if (v == NULL || (null_ok && cJSON_IsNull(v)))
		return GH_OK;
	if (!cJSON_IsBool(v))
		return req_fail(req, GH_ERR_VALIDATION, name, "%s must be true or false", name);
	*out = cJSON_IsTrue(v);
	if (present != NULL)
		*present = 1;
	return GH_OK;
}

enum gh_err
body_str_nullable(struct request *req, const char *name, size_t min, size_t max, int *present,
    const char **out)
{
	*present = req->json != NULL && cJSON_GetObjectItemCaseSensitive(req->json, name) != NULL;
	return body_str(req, name, BODY_OPTIONAL, min, max, out);
}
