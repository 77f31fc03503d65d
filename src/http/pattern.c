#include <stdlib.h>
#include <string.h>

#include "http/pattern.h"

static int
path_char(int c)
{
	/* RFC 3986 pchar without '%' escapes: unreserved, sub-delims, ':' and '@'. */
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    strchr("-._~!$&'()*+,;=:@", c) != NULL;
}

static int
param_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

void
pattern_free(struct pattern *p)
{
	if (p == NULL)
		return;
	free(p->buf);
	free(p);
}

struct pattern *
pattern_compile(const char *s, const char **why)
{
	struct pattern		*p;
	struct pattern_seg	*sg;
	char			*seg, *next;
	size_t			 i, j, len;

	*why = NULL;
	if (s == NULL || s[0] != '/') {
		*why = "must start with /";
		return NULL;
	}
	if (strlen(s) > 1024) {
		*why = "is longer than 1024 characters";
		return NULL;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL || (p->buf = strdup(s + 1)) == NULL) {
		free(p);
		*why = "out of memory";
		return NULL;
	}
	if (strcmp(s, "/") == 0)
		return p;
	for (seg = p->buf; seg != NULL; seg = next) {
		if ((next = strchr(seg, '/')) != NULL)
			*next++ = '\0';
		len = strlen(seg);
		if (p->nsegs == PATTERN_MAXSEGS) {
			*why = "has too many segments";
			goto fail;
		}
		sg = &p->segs[p->nsegs];
		if (len == 0) {
			*why = "has an empty segment";
			goto fail;
		}
		if (strcmp(seg, ".") == 0 || strcmp(seg, "..") == 0) {
			*why = "has a dot segment";
			goto fail;
		}
		if (strcmp(seg, "**") == 0) {
			if (next != NULL) {
				*why = "may use ** only as the last segment";
				goto fail;
			}
			sg->type = PSEG_WILDCARD;
		} else if (seg[0] == '{') {
			if (len < 3 || seg[len - 1] != '}') {
				*why = "has a malformed {parameter}";
				goto fail;
			}
			for (i = 1; i < len - 1; i++)
				if (!param_char((unsigned char)seg[i])) {
					*why = "has a malformed {parameter}";
					goto fail;
				}
			sg->type = PSEG_PARAM;
			sg->text = seg + 1;
			sg->len = len - 2;
			for (j = 0; j < p->nsegs; j++)
				if (p->segs[j].type == PSEG_PARAM && p->segs[j].len == sg->len &&
				    memcmp(p->segs[j].text, sg->text, sg->len) == 0) {
					*why = "repeats a {parameter} name";
					goto fail;
				}
			p->nparams++;
		} else {
			for (i = 0; i < len; i++)
				if (!path_char((unsigned char)seg[i]) || seg[i] == '{' || seg[i] == '}') {
					*why = "has a character not allowed in a path";
					goto fail;
				}
			if (strstr(seg, "*") != NULL) {
				*why = "may use * only as a whole ** segment at the end";
				goto fail;
			}
			sg->type = PSEG_LITERAL;
			sg->text = seg;
			sg->len = len;
		}
		p->nsegs++;
	}
	return p;
fail:
	pattern_free(p);
	return NULL;
}

int
pattern_split(const char *path, char *buf, size_t bufsz, const char **segs)
{
	size_t	 n = strlen(path);
	char	*s, *next;
	int	 k = 0;

	if (n >= bufsz)
		return -1;
	memcpy(buf, path, n + 1);
	s = buf[0] == '/' ? buf + 1 : buf;
	if (*s == '\0')
		return 0;
	for (; s != NULL; s = next) {
		if ((next = strchr(s, '/')) != NULL)
			*next++ = '\0';
		if (k == PATTERN_MAXSEGS)
			return -1;
		segs[k++] = s;
	}
	return k;
}

int
pattern_match(const struct pattern *p, const char *const *segs, int nsegs,
    const char **params, size_t maxp)
{
	const struct pattern_seg	*sg;
	size_t				 i, np = 0;

	for (i = 0; i < p->nsegs; i++) {
		sg = &p->segs[i];
		if (sg->type == PSEG_WILDCARD)
			return 1;
		if ((int)i >= nsegs)
			return 0;
		if (sg->type == PSEG_LITERAL) {
			if (strlen(segs[i]) != sg->len || memcmp(segs[i], sg->text, sg->len) != 0)
				return 0;
		} else {
			if (segs[i][0] == '\0')
				return 0;
			if (np < maxp)
				params[np] = segs[i];
			np++;
		}
	}
	return (int)p->nsegs == nsegs;
}
