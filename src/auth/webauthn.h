/*
 * webauthn.h: the verification core of WebAuthn Level 2 ceremonies (passkeys), as pure
 * functions: no database, no request, no Redis.  The API layer (api/webauthn.c) fetches the
 * challenge and the stored credential and calls these; the MFA framework calls the API layer.
 *
 * Inputs are the base64url (no padding) strings a browser's PublicKeyCredential carries.  CBOR
 * is read with libcbor, JSON with cJSON, signatures are checked with OpenSSL's EVP.
 *
 * Ownership: nothing returned needs freeing.  struct webauthn_credential holds its bytes inline
 * (fixed buffers); struct webauthn_error points at static strings.
 *
 * Stored key format: public_key is the SubjectPublicKeyInfo DER of the credential key, made by
 * OpenSSL from the COSE_Key at registration.  The key is validated once there (the EC point on
 * P-256, RSA sizes, Ed25519 length), and every later assertion reads it with d2i_PUBKEY: no CBOR
 * is parsed on the sign-in path, and the column is a standard format other tools read.  The COSE
 * algorithm is kept beside it (alg) and pinned: an assertion is verified with that algorithm
 * only.
 */
#ifndef GH_AUTH_WEBAUTHN_H
#define GH_AUTH_WEBAUTHN_H

#include <stddef.h>
#include <stdint.h>

/* COSE algorithm identifiers (IANA COSE Algorithms). */
#define WEBAUTHN_ALG_ES256	(-7)
#define WEBAUTHN_ALG_EDDSA	(-8)
#define WEBAUTHN_ALG_RS256	(-257)

#define WEBAUTHN_CHALLENGE_LEN	32
#define WEBAUTHN_CRED_ID_MAX	1023	/* WebAuthn L2: credentialIdLength at most 1023 */
#define WEBAUTHN_PUBKEY_MAX	2048	/* SPKI DER of up to RSA-8192 fits with room */
#define WEBAUTHN_ORIGINS_MAX	8
#define WEBAUTHN_USER_HANDLE_MAX 64

/* Bounds on encoded inputs (characters of base64url). */
#define WEBAUTHN_CLIENT_DATA_MAX	8192	/* decoded clientDataJSON bytes */
#define WEBAUTHN_ATT_OBJ_MAX		16384	/* decoded attestationObject bytes */
#define WEBAUTHN_AUTH_DATA_MAX		8192	/* decoded authenticatorData bytes */
#define WEBAUTHN_SIG_MAX		1024	/* decoded signature bytes */

/* Flags of authenticator data (WebAuthn L2 6.1). */
#define WEBAUTHN_F_UP	0x01
#define WEBAUTHN_F_UV	0x04
#define WEBAUTHN_F_BE	0x08
#define WEBAUTHN_F_BS	0x10
#define WEBAUTHN_F_AT	0x40
#define WEBAUTHN_F_ED	0x80

/* The relying party: RP ID (a domain) and the origins a ceremony may come from. */
struct webauthn_rp {
	const char	*id;
	const char	*origins[WEBAUTHN_ORIGINS_MAX];
	size_t		 norigins;
};

enum webauthn_kind {
	WEBAUTHN_OK = 0,
	WEBAUTHN_MALFORMED,	/* input that does not parse: 400 naming field */
	WEBAUTHN_REFUSED,	/* parses, does not verify: 401/403 */
	WEBAUTHN_CLONED,	/* sign counter went backwards: a cloned authenticator (refused) */
	WEBAUTHN_INTERNAL	/* out of memory or a library failure */
};

/*
 * Why a ceremony failed.  field names the input ("clientDataJSON", "attestationObject",
 * "authenticatorData", "signature", "credential id", "userHandle"); reason is a sentence for the
 * problem detail, code a short token ("challenge_mismatch", "counter_regression", ...).
 */
struct webauthn_error {
	const char	*field;
	const char	*reason;
	const char	*code;
	int		 kind;		/* enum webauthn_kind */
};

/* A registered credential, as registration makes it and the store keeps it. */
struct webauthn_credential {
	unsigned char	 id[WEBAUTHN_CRED_ID_MAX];
	size_t		 id_len;
	unsigned char	 public_key[WEBAUTHN_PUBKEY_MAX];	/* SPKI DER */
	size_t		 public_key_len;
	int		 alg;			/* WEBAUTHN_ALG_* */
	uint32_t	 sign_count;
	unsigned char	 aaguid[16];
	int		 uv;			/* user verified at registration */
	int		 backup_eligible;	/* BE */
	int		 backup_state;		/* BS */
	const char	*fmt;			/* "none" or "packed" (static) */
};

/*
 * The registration ceremony (WebAuthn L2 7.1) for a challenge the caller issued: decode and
 * check clientDataJSON (type "webauthn.create", challenge, origin among rp's, crossOrigin not
 * true), the attestationObject (fmt "none" with an empty attStmt, or "packed" self attestation:
 * alg equal to the key's and sig over authData || SHA-256(clientDataJSON) made by the new key),
 * the authenticator data (rpIdHash = SHA-256(rp->id), UP, UV when require_uv, attested
 * credential data) and the COSE key (ES256 on P-256, RS256 of 2048-4096 bits, EdDSA on
 * Ed25519).  On success *out holds the credential and 0 is returned; else -1 with *err set.
 */
int	 webauthn_register(const struct webauthn_rp *rp, const unsigned char *challenge,
	    size_t challenge_len, const char *client_data_json_b64url,
	    const char *attestation_object_b64url, int require_uv,
	    struct webauthn_credential *out, struct webauthn_error *err);

/*
 * The authentication ceremony (WebAuthn L2 7.2) with credential stored: clientDataJSON (type
 * "webauthn.get", challenge, origin, crossOrigin), authenticator data (rpIdHash, UP, UV when
 * require_uv, no attested credential data), the signature over authData ||
 * SHA-256(clientDataJSON) with the stored key and algorithm, and the sign counter: when both
 * the stored or the new count is non-zero and the new one is not greater (WebAuthn L2 7.2
 * step 21), WEBAUTHN_CLONED.
 * On success *new_count is the authenticator's count, *uv whether the user was verified, and 0
 * is returned; else -1 with *err set.  The caller matches the credential id and userHandle.
 */
int	 webauthn_assert(const struct webauthn_rp *rp, const unsigned char *challenge,
	    size_t challenge_len, const char *client_data_json_b64url,
	    const char *authenticator_data_b64url, const char *signature_b64url,
	    const struct webauthn_credential *stored, int require_uv, uint32_t *new_count,
	    int *uv, struct webauthn_error *err);

/*
 * Decode base64url (no padding) s into buf of size cap: its length in *len, 0; -1 when it is
 * not base64url or does not fit.
 */
int	 webauthn_b64url_decode(const char *s, unsigned char *buf, size_t cap, size_t *len);

/*
 * Parse authenticator data alone (the fuzz harness and the tests use it): the flags and
 * counter, and with attested credential data the key into *out (out may be NULL for an
 * assertion's data, which must then carry none).  0 or -1 with *err.
 */
int	 webauthn_parse_auth_data(const struct webauthn_rp *rp, const unsigned char *ad,
	    size_t len, int registration, struct webauthn_credential *out,
	    struct webauthn_error *err);

/*
 * Parse a decoded attestationObject (fmt, attStmt, authData) without checking clientDataJSON
 * or the RP: for the fuzz harness.  0 or -1 with *err.
 */
int	 webauthn_parse_attestation(const unsigned char *buf, size_t len,
	    struct webauthn_credential *out, struct webauthn_error *err);

#endif
