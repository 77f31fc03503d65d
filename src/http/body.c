#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cJSON.h>

#include "core/arena.h"
#include "http/body.h"
#include "http/request.h"

size_t
utf8_len(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n = 0, k, i;
	unsigned int		 cp;

	while (*p != '\0') {
		if (*p < 0x80) {
			p++;
			n++;
			continue;
		}
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
			return (size_t)-1;
		for (i = 1; i <= k; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return (size_t)-1;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		/* Overlong forms, surrogates and values past U+10FFFF are not UTF-8. */
		if ((k == 1 && cp < 0x80) || (k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return (size_t)-1;
		p += k + 1;
		n++;
	}
	return n;
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
body_int(struct request *req, const char *name, int required, long long min, long long max,
    long long *out, int *present)
{
	const cJSON	*v = member(req, name);
	double		 d;

	if (present != NULL)
		*present = 0;
	if (v == NULL) {
		if (required)
			return req_fail(req, GH_ERR_VALIDATION, name, "%s is required", name);
		return GH_OK;
	}
	if (!cJSON_IsNumber(v))
		return req_fail(req, GH_ERR_VALIDATION, name, "%s must be an integer", name);
	d = v->valuedouble;
	if (d != floor(d) || d < (double)min || d > (double)max)
		return req_fail(req, GH_ERR_VALIDATION, name,
		    "%s must be an integer from %lld to %lld", name, min, max);
	*out = (long long)d;
	if (present != NULL)
		*present = 1;
	return GH_OK;
}

enum gh_err
body_str_or_int(struct request *req, const char *name, int required, size_t max,
    const char **out)
{
	const cJSON	*v = member(req, name);
	double		 d;

	*out = NULL;
	if (v != NULL && cJSON_IsNumber(v)) {
		d = v->valuedouble;
		if (d != floor(d) || d < 1 || d > 9.0e15)
			return req_fail(req, GH_ERR_VALIDATION, name, "%s must be a positive id", name);
		*out = arena_printf(req->arena, "%lld", (long long)d);
		return GH_OK;
	}
	return body_str(req, name, required, 1, max, out);
}
