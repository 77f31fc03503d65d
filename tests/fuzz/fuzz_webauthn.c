/*
 * fuzz_webauthn: src/auth/webauthn.c on any bytes, chosen by the first byte (mod 4):
 *	0  a decoded attestationObject: webauthn_parse_attestation (the bounded CBOR walk,
 *	   cbor_load, the attestation map, authenticator data, the COSE key and OpenSSL's import)
 *	1  authenticator data of a registration: webauthn_parse_auth_data for RP "localhost"
 *	2  authenticator data of an assertion: the same, without attested credential data
 *	3  the whole registration: the bytes as the attestationObject (base64url) with a real
 *	   clientDataJSON and its challenge (captured from Chromium, tests/unit/webauthn/es256.json),
 *	   so that a packed self attestation's signature check runs too
 * Properties: a refusal names a field and says why, with a known kind; an acceptance yields a
 * credential id of 1-1023 bytes, a public key and one of the three algorithms.
 */
#include "fuzz.h"

#include <sodium.h>

#include "auth/webauthn.h"

/* tests/unit/webauthn/es256.json: registration.clientDataJSON, challenge 32 x 0x11. */
static const char cdj[] =
    "eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIiwiY2hhbGxlbmdlIjoiRVJFUkVSRVJFUkVSRVJFUkVSRVJFUkVSRVJFUk"
    "VSRVJFUkVSRVJFUkVSRSIsIm9yaWdpbiI6Imh0dHA6Ly9sb2NhbGhvc3Q6MTg0MDIiLCJjcm9zc09yaWdpbiI6ZmFs"
    "c2V9";

static void
check(int rc, const struct webauthn_error *e, const struct webauthn_credential *c, int cred)
{
	if (rc != 0) {
		if (e->field == NULL || e->reason == NULL || e->code == NULL ||
		    e->kind < WEBAUTHN_MALFORMED || e->kind > WEBAUTHN_INTERNAL)
			abort();
		return;
	}
	if (e->kind != WEBAUTHN_OK || !cred)
		return;
	if (c->id_len < 1 || c->id_len > WEBAUTHN_CRED_ID_MAX || c->public_key_len == 0 ||
	    c->public_key_len > WEBAUTHN_PUBKEY_MAX || (c->alg != WEBAUTHN_ALG_ES256 &&
	    c->alg != WEBAUTHN_ALG_EDDSA && c->alg != WEBAUTHN_ALG_RS256))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct webauthn_credential	 c;
	struct webauthn_error			 e;
	struct webauthn_rp			 rp;
	unsigned char				 ch[32];
	char					*b64;
	size_t					 cap;
	int					 rc;

	if (size < 1)
		return 0;
	memset(&rp, 0, sizeof(rp));
	rp.id = "localhost";
	rp.origins[0] = "http://localhost:18402";
	rp.norigins = 1;
	memset(&c, 0, sizeof(c));
	switch (data[0] % 4) {
	case 0:
		rc = webauthn_parse_attestation(data + 1, size - 1, &c, &e);
		check(rc, &e, &c, 1);
		break;
	case 1:
		rc = webauthn_parse_auth_data(&rp, data + 1, size - 1, 1, &c, &e);
		check(rc, &e, &c, 1);
		break;
	case 2:
		rc = webauthn_parse_auth_data(&rp, data + 1, size - 1, 0, NULL, &e);
		check(rc, &e, &c, 0);
		break;
	default:
		if (size - 1 > WEBAUTHN_ATT_OBJ_MAX)
			return 0;
		cap = sodium_base64_ENCODED_LEN(size - 1,
		    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		if ((b64 = malloc(cap)) == NULL)
			abort();
		sodium_bin2base64(b64, cap, data + 1, size - 1,
		    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		memset(ch, 0x11, sizeof(ch));
		rc = webauthn_register(&rp, ch, sizeof(ch), cdj, b64, 0, &c, &e);
		check(rc, &e, &c, 1);
		free(b64);
		break;
	}
	return 0;
}
