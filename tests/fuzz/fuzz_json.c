/*
 * fuzz_json: a request body through req_parse_json (Content-Type application/json) and so
 * body_parse, the strict JSON check every ROUTE_BODY route runs, then the typed readers the
 * handlers use on typical fields: body_only, body_str, body_str_nullable, body_int, body_bool,
 * body_str_or_int, body_int_value on nested members, and utf8_len on every string read.
 */
#include "fuzz.h"

#include "http/body.h"

static const char *const allowed[] = {
	"login", "password", "email", "username", "name", "organization", "roles", "limit",
	"enabled", "refresh_token", "phone", "image", NULL
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct request	 req;
	char		*body = fuzz_str(data, size);
	char		*env[] = { "REQUEST_METHOD=POST",
			    "CONTENT_TYPE=application/json; charset=utf-8", NULL };
	const char	*s = NULL;
	const cJSON	*v;
	long long	 n;
	int		 b, present;
	size_t		 i;

	req_init(&req, fuzz_arena(), env);
	req.method = HTTP_POST;
	req.body = body;
	req.body_len = size;
	if (req_parse_json(&req) == GH_OK) {
		if (!cJSON_IsObject(req.json))
			abort();
		(void)body_only(&req, allowed);
		for (i = 0; allowed[i] != NULL; i++) {
			if (body_str(&req, allowed[i], BODY_OPTIONAL, 1, 254, &s) == GH_OK && s != NULL &&
			    utf8_len(s) == (size_t)-1)
				abort();
			(void)body_str_nullable(&req, allowed[i], 0, 64, &present, &s);
			(void)body_int(&req, allowed[i], BODY_OPTIONAL, -1000, 1LL << 53, &n, &present);
			(void)body_bool(&req, allowed[i], 1, &b, &present);
			(void)body_str_or_int(&req, allowed[i], BODY_OPTIONAL, 254, &s);
		}
		(void)body_str(&req, "login", BODY_REQUIRED, 1, 254, &s);
		(void)body_int(&req, "limit", BODY_REQUIRED, 1, 200, &n, &present);
		cJSON_ArrayForEach(v, req.json) {
			if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
				const cJSON	*e;

				cJSON_ArrayForEach(e, v)
					(void)body_int_value(&req, e, "roles", 1, 1LL << 53, &n);
			} else if (cJSON_IsString(v))
				(void)utf8_len(v->valuestring);
		}
	}
	arena_reset(fuzz_arena());
	free(body);
	return 0;
}
