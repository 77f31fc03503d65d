/*
 * fuzz_formats: the opaque tokens clients hand back: the session id of an access token
 * (session_sid_decode, base64url of 16 bytes; what decodes must encode back the same through
 * session_sid), the shape check of invitation and password-reset link tokens
 * (api_link_token_shape, before any database round trip), the refresh token hash, and the
 * client's X-Request-Id (req_set_request_id: kept when it is 1-64 of [A-Za-z0-9._-], else
 * replaced by 32 hex characters; either way safe to stamp on every log line).
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
	req_set_request_id(&req, s);
	if (req.request_id == NULL || strlen(req.request_id) < 1 || strlen(req.request_id) > 64 ||
	    strspn(req.request_id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") !=
	    strlen(req.request_id))
		abort();
	arena_reset(fuzz_arena());
	free(s);
	return 0;
}
