/*
 * fuzz_pattern: src/http/pattern.c, which serves both the route table and the permission
 * endpoint mappings an administrator enters.  The input is a pattern, a newline, and a decoded
 * path: pattern_compile on the first, pattern_split on the second, pattern_match of the two.
 */
#include "fuzz.h"

#include "http/pattern.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*in = fuzz_str(data, size), *nl, *buf;
	const char	*why = NULL, *segs[PATTERN_MAXSEGS], *params[PATTERN_MAXSEGS];
	struct pattern	*p;
	const char	*path = "";
	size_t		 bufsz;
	int		 n;

	if ((nl = strchr(in, '\n')) != NULL) {
		*nl = '\0';
		path = nl + 1;
	}
	bufsz = strlen(path) + 1;
	buf = malloc(bufsz);
	if (buf == NULL)
		abort();
	p = pattern_compile(in, &why);
	if (p == NULL && why == NULL)
		abort();
	n = pattern_split(path, buf, bufsz, segs);
	if (p != NULL && n >= 0)
		(void)pattern_match(p, segs, n, params, PATTERN_MAXSEGS);
	if (p != NULL && p->nsegs > PATTERN_MAXSEGS)
		abort();
	pattern_free(p);
	free(buf);
	free(in);
	return 0;
}
