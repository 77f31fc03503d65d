/*
 * fuzz_formats: the opaque tokens clients hand back: the session id of an access token
 * (session_sid_decode, base64url of 16 bytes; what decodes must encode back the same through
 * session_sid), the shape check of invitation and password-reset link tokens
 * (api_link_token_shape, before any database round trip) and the refresh token hash.
 */
#include "fuzz.h"

#include "api/link_token.h"
#include "auth/session.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct request	 req;
	char		*s = fuzz_str(data, size);
	char		*env[] = { NULL };
	unsigned char	 family[SESSION_FAMILY_LEN], hash[32];
	const char	*back;

	req_init(&req, fuzz_arena(), env);
	if (session_sid_decode(s, family) == 0) {
		back = session_sid(&req, family);
		if (back == NULL || strcmp(back, s) != 0)
			abort();
	}
	if (api_link_token_shape(s) && strlen(s) != 43)
		abort();
	session_token_hash(s, hash);
	arena_reset(fuzz_arena());
	free(s);
	return 0;
}
