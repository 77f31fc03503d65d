/*
 * fuzz_uri: the request URI as nginx hands it over (REQUEST_URI), through req_parse_uri (length,
 * percent-decoding of the path segment by segment, dot segments, encoded slashes, the query
 * check), then the query parameters the handlers read (req_query) and the list cursor
 * (api_page_parse: ?limit= and the base64url ?cursor=, which must be the one spelling
 * api_cursor gives the id it decodes to).
 */
#include "fuzz.h"

#include "api/common.h"

static const char *const names[] = {
	"limit", "cursor", "q", "email", "status", "organization", "token", "sort", "", NULL
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct request	 req;
	struct api_page	 pg;
	char		*uri = fuzz_str(data, size);
	char		*env[] = { NULL };
	const char	*v;
	size_t		 i;

	req_init(&req, fuzz_arena(), env);
	req.uri = uri;
	if (req_parse_uri(&req) == GH_OK) {
		if (req.path == NULL || req.path[0] != '/' || req.query == NULL)
			abort();
		for (i = 0; names[i] != NULL; i++)
			if ((v = req_query(&req, names[i])) != NULL)
				(void)strlen(v);
		/* A cursor accepted is the one spelling api_cursor gives its id. */
		if (api_page_parse(&req, &pg) == GH_OK && (v = req_query(&req, "cursor")) != NULL &&
		    strcmp(api_cursor(&req, pg.after), v) != 0)
			abort();
	}
	arena_reset(fuzz_arena());
	free(uri);
	return 0;
}
