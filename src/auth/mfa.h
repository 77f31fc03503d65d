/*
 * mfa.h: second factors (docs/mfa.md): TOTP codes (RFC 6238 through liboath), the sealing of
 * TOTP secrets, recovery codes, and the MFA ticket that carries a login from its password step
 * to its second step.
 *
 * The MFA key (mfa_key_file, 32 bytes as 64 hex digits; mfa_previous_key_file during a
 * rotation) is read once per process.  Secrets are sealed with libsodium's secretbox under it:
 * a sealed secret is MFA_SEALED_LEN bytes, the key's id (4 bytes of its BLAKE2b digest), the
 * nonce and the box, so that a secret sealed with the previous key is recognised and opened with
 * it.  Recovery codes are kept as BLAKE2b digests keyed with the same key.
 */
#ifndef GH_MFA_H
#define GH_MFA_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "http/request.h"

#define MFA_TOTP_SECRET_LEN	20	/* bytes: 160 bits, RFC 4226's recommendation */
#define MFA_TOTP_STEP		30	/* seconds */
#define MFA_TOTP_DIGITS		6
#define MFA_TOTP_WINDOW		1	/* steps of drift accepted either side of now */
#define MFA_SEALED_LEN		(4 + 24 + 16 + MFA_TOTP_SECRET_LEN)
#define MFA_RECOVERY_CODES	10
#define MFA_RECOVERY_LEN	11	/* "xxxxx-xxxxx" */
#define MFA_TICKET_LEN		43	/* base64url of 32 random bytes */
#define MFA_TICKET_TRIES	5	/* wrong factors before a ticket is dropped */

/* Whether an MFA key is configured (enrollment and recovery codes need one). */
int		 mfa_ready(struct request *);

/* A new random TOTP secret. */
void		 mfa_totp_secret(unsigned char secret[MFA_TOTP_SECRET_LEN]);

/* The secret sealed under the current key, into out. */
enum gh_err	 mfa_seal(struct request *, const unsigned char secret[MFA_TOTP_SECRET_LEN],
		    unsigned char out[MFA_SEALED_LEN]);

/*
 * Open a sealed secret of len bytes into secret; *stale = 1 when the previous key sealed it (the
 * caller seals it again).  GH_ERR_INTERNAL when no configured key opens it (logged).
 */
enum gh_err	 mfa_open(struct request *, const unsigned char *sealed, size_t len,
		    unsigned char secret[MFA_TOTP_SECRET_LEN], int *stale);

/*
 * Check a TOTP code (6 digits) at time now within MFA_TOTP_WINDOW steps, comparing in constant
 * time.  1 accepted, with *step its time step; 0 wrong; -1 the code of a step at or before
 * last_step (a replay).
 */
int		 mfa_totp_check(const unsigned char secret[MFA_TOTP_SECRET_LEN], const char *code,
		    long long now, long long last_step, long long *step);

/* The code of secret at time now (tests and the enrollment's example). */
int		 mfa_totp_code(const unsigned char secret[MFA_TOTP_SECRET_LEN], long long now,
		    char out[MFA_TOTP_DIGITS + 1]);

/* The secret in base32 (RFC 4648, no padding), for people and authenticator apps. */
const char	*mfa_base32(struct request *, const unsigned char secret[MFA_TOTP_SECRET_LEN]);

/* The otpauth:// URI of secret for account (Key Uri Format), in the arena. */
const char	*mfa_totp_uri(struct request *, const char *account,
		    const unsigned char secret[MFA_TOTP_SECRET_LEN]);

/* text as a QR code in SVG (libqrencode, error correction M), in the arena; NULL on failure. */
const char	*mfa_qr_svg(struct request *, const char *text);

/* A new recovery code, "xxxxx-xxxxx" from an alphabet without look-alike characters. */
void		 mfa_recovery_code(char out[MFA_RECOVERY_LEN + 1]);

/*
 * The stored digest of a recovery code as typed (letters in any case, with or without the dash
 * and spaces) under the current key, or with previous under mfa_previous_key_file.  0, or -1
 * when it cannot be one (wrong length or characters) or that key is not configured.
 */
int		 mfa_recovery_digest(struct request *, const char *code, int previous,
		    unsigned char out[32]);

/* What a ticket remembers of the password step. */
struct mfa_ticket {
	long long	 user_id;
	long long	 org;		/* the organization the login picked */
	long long	 totp;		/* 1: an authenticator app is confirmed */
	long long	 passkeys;	/* how many passkeys */
	long long	 recovery;	/* how many unused recovery codes */
};

/* A new ticket for t, its text into out (MFA_TICKET_LEN + 1). */
enum gh_err	 mfa_ticket_new(struct request *, const struct mfa_ticket *t, char *out);

/* The ticket named by text, unconsumed; GH_ERR_MFA_TICKET_INVALID when unknown or expired. */
enum gh_err	 mfa_ticket_get(struct request *, const char *text, struct mfa_ticket *t);

/*
 * Count a wrong factor on the ticket: after MFA_TICKET_TRIES the ticket is dropped.  Returns
 * GH_OK or the Redis error.
 */
enum gh_err	 mfa_ticket_fail(struct request *, const char *text);

/* The Redis key of the passkey challenge bound to the ticket named by text (api/webauthn.h). */
const char	*mfa_ticket_challenge_key(struct request *, const char *text);

/* Consume the ticket: GH_OK for the one caller that does, GH_ERR_MFA_TICKET_INVALID after. */
enum gh_err	 mfa_ticket_take(struct request *, const char *text);

#endif
