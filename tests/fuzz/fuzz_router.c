/*
 * fuzz_router: a request line ("METHOD /path?query") through req_parse_uri and router_match on
 * the real route table (api_routes, debug routes included), as the worker routes every request.
 * A match must give as many parameters as its pattern has, each a non-empty segment.
 */
#include "fuzz.h"

#include "api/api.h"
#include "http/router.h"

static struct router	*router;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char	*why = NULL;

	(void)argc;
	(void)argv;
	if ((router = router_new(api_routes, api_nroutes, 1, &why)) == NULL)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct request		 req;
	const struct route	*r;
	enum gh_err		 err = GH_OK;
	char			 allow[256];
	char			*line = fuzz_str(data, size), *sp;
	char			*env[] = { NULL };
	size_t			 i;

	req_init(&req, fuzz_arena(), env);
	if ((sp = strchr(line, ' ')) != NULL) {
		*sp = '\0';
		req.method = http_method_parse(line);
		req.method_str = line;
		req.uri = sp + 1;
	} else {
		req.method = HTTP_GET;
		req.method_str = "GET";
		req.uri = line;
	}
	if (req_parse_uri(&req) == GH_OK) {
		allow[0] = '\0';
		r = router_match(router, &req, &err, allow, sizeof(allow));
		if (r != NULL) {
			if (req.route != r || req.nparams > REQ_MAXPARAMS)
				abort();
			for (i = 0; i < req.nparams; i++)
				if (req.params[i] == NULL || req.params[i][0] == '\0')
					abort();
		} else if (err != GH_ERR_NOT_FOUND && err != GH_ERR_METHOD)
			abort();
		else if (err == GH_ERR_METHOD && memchr(allow, '\0', sizeof(allow)) == NULL)
			abort();
	}
	arena_reset(fuzz_arena());
	free(line);
	return 0;
}
