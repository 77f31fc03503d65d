/*
 * fuzz_form: a request body of type application/x-www-form-urlencoded as the OpenID Connect
 * endpoints read it (req_form: /oauth2/token, /oauth2/introspect, /oauth2/revoke, a POSTed
 * userinfo or authorize).  Unlike a query string, a body reaches req_form unchecked: any bytes,
 * a NUL included.  Every field the endpoints ask for is read, and each answer must be the one
 * this harness works out on its own from the same bytes: the first field whose name is exactly
 * the one asked for (names are not decoded), "" for a field without '=', NULL for a value with
 * a bad percent escape or an encoded NUL, otherwise the value with '+' as a space and %XX as
 * that byte.  The body ends at its first NUL, as the worker's NUL-terminated copy does.
 */
#include "fuzz.h"

static const char *const names[] = {
	"grant_type", "code", "redirect_uri", "client_id", "client_secret", "code_verifier",
	"refresh_token", "scope", "token", "token_type_hint", "access_token", "response_type",
	"state", "nonce", "", "=", "a", NULL
};

static int
hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* What req_form(name) must answer for body: NULL, or *out (malloc'd) and 1. */
static int
expect(const char *body, const char *name, char **out)
{
	const char	*f = body, *end, *eq;
	size_t		 n = strlen(name), flen, i, j;
	char		*v;
	int		 hi, lo;

	*out = NULL;
	while (*f != '\0') {
		end = strchr(f, '&');
		flen = end != NULL ? (size_t)(end - f) : strlen(f);
		eq = memchr(f, '=', flen);
		if ((size_t)((eq != NULL ? eq : f + flen) - f) == n && memcmp(f, name, n) == 0) {
			if ((v = calloc(1, flen + 1)) == NULL)
				abort();
			*out = v;
			if (eq == NULL)
				return 1;
			for (i = (size_t)(eq - f) + 1, j = 0; i < flen; i++) {
				if (f[i] == '+')
					v[j++] = ' ';
				else if (f[i] != '%')
					v[j++] = f[i];
				else if (i + 2 < flen && (hi = hex((unsigned char)f[i + 1])) >= 0 &&
				    (lo = hex((unsigned char)f[i + 2])) >= 0 && (hi | lo) != 0) {
					v[j++] = (char)(hi << 4 | lo);
					i += 2;
				} else {
					free(v);
					*out = NULL;
					return 0;
				}
			}
			return 1;
		}
		if (end == NULL)
			break;
		f = end + 1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct request	 req;
	char		*body = fuzz_str(data, size), *want;
	char		*env[] = { NULL };
	const char	*got;
	size_t		 i;

	req_init(&req, fuzz_arena(), env);
	req.body = body;
	req.body_len = size;
	for (i = 0; names[i] != NULL; i++) {
		got = req_form(&req, names[i]);
		if (expect(body, names[i], &want) != (got != NULL) ||
		    (got != NULL && strcmp(got, want) != 0))
			abort();
		free(want);
	}
	/* req_form leaves the query string as it was. */
	if (req.query != NULL && *req.query != '\0')
		abort();
	arena_reset(fuzz_arena());
	free(body);
	return 0;
}
