/*
 * webauthn.h (api): passkeys for the MFA framework's login step (docs/mfa.md, "Passkeys").
 *
 * The routes of /api/v1/me/mfa/webauthn (register, list, rename, remove) are in api/routes.h.
 * What the login flow needs is here: options for navigator.credentials.get() and the
 * verification of its answer.  Both keep the challenge in Redis under a key the caller chooses
 * (kv_key(arena, KV_WEBAUTHN, "login:%s", pending_login_id), say): 32 random bytes, 300 s,
 * read once with GETDEL, so an answer is checked at most once against a challenge whatever
 * the outcome.  Everything returned belongs to the request's arena.
 */
#ifndef GH_API_WEBAUTHN_H
#define GH_API_WEBAUTHN_H

#include <cJSON.h>

#include "core/err.h"
#include "http/request.h"

/*
 * PublicKeyCredentialRequestOptions for user (its credentials in allowCredentials), or for a
 * discoverable sign-in when user is 0 (allowCredentials empty: the authenticator offers the
 * passkeys it holds for the RP ID), with a new challenge stored under challenge_key.  *out gets
 * { challenge, timeout, rpId, allowCredentials: [{type, id, transports}], userVerification },
 * binary members in base64url.  GH_ERR_REDIS_UNAVAILABLE / GH_ERR_DB_UNAVAILABLE as the stores
 * say.
 */
enum gh_err	 api_webauthn_assertion_options(struct request *, long long user,
		    const char *challenge_key, cJSON **out);

/*
 * Verify assertion, the JSON of the browser's PublicKeyCredential:
 *	{ "id": credential id (base64url), "response": { "clientDataJSON", "authenticatorData",
 *	  "signature", "userHandle" (base64url; needed when expect_user is 0) } }
 * against the challenge under challenge_key (consumed), the stored credential (its key,
 * algorithm and counter) and webauthn_user_verification.  expect_user 0: discoverable sign-in,
 * the user is the credential's owner and userHandle must be that user's handle; otherwise the
 * credential must belong to expect_user.  On success the counter and last_used_at are
 * updated, *user_out is the user and *uv_out whether the user was verified (UV), GH_OK.
 * Otherwise the problem is recorded on req and returned: 400 validation_failed naming the
 * field ("id"/"credential id", "clientDataJSON", "authenticatorData", "signature",
 * "userHandle"), 401 invalid_credentials naming the field with "reason" in the problem
 * (challenge_mismatch, origin_mismatch, rp_id_mismatch, bad_signature, user_not_present,
 * user_not_verified, counter_regression, unknown_credential, no_pending_ceremony, ...).  A
 * counter regression is audited as mfa.webauthn.clone_suspected.
 */
enum gh_err	 api_webauthn_verify_assertion(struct request *, long long expect_user,
		    const char *challenge_key, cJSON *assertion, long long *user_out,
		    int *uv_out);

#endif
