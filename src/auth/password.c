/*
 * password.c: Argon2id via libsodium. Contract in password.h.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <string.h>

#include <sodium.h>

#include "auth/password.h"

/* Hash of a random password nobody knows; verified against when the user has no usable hash. */
static char dummy[crypto_pwhash_STRBYTES];

/* A string crypto_pwhash_argon2id_str_verify() can work with: NUL-terminated, parsable. */
static int
usable(const char *hash)
{
	if (hash == NULL || memchr(hash, '\0', crypto_pwhash_STRBYTES) == NULL ||
	    strncmp(hash, crypto_pwhash_argon2id_STRPREFIX,
	    sizeof(crypto_pwhash_argon2id_STRPREFIX) - 1) != 0)
		return 0;
	/* Parses the string; the parameters passed do not matter for validity. */
	return crypto_pwhash_argon2id_str_needs_rehash(hash,
	    crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN) != -1;
}

int
password_hash(const char *pw, size_t len, unsigned long long opslimit, size_t memlimit,
    char out[crypto_pwhash_STRBYTES])
{
	if ((pw == NULL && len > 0) || out == NULL || sodium_init() < 0)
		return -1;
	return crypto_pwhash_str_alg(out, pw == NULL ? "" : pw, len, opslimit, memlimit,
	    crypto_pwhash_ALG_ARGON2ID13) == 0 ? 0 : -1;
}

int
password_dummy_init(unsigned long long opslimit, size_t memlimit)
{
	unsigned char secret[32];
	char b64[sodium_base64_ENCODED_LEN(sizeof(secret), sodium_base64_VARIANT_URLSAFE)];
	char fresh[crypto_pwhash_STRBYTES];
	int rc;

	if (sodium_init() < 0)
		return -1;
	randombytes_buf(secret, sizeof(secret));
	sodium_bin2base64(b64, sizeof(b64), secret, sizeof(secret), sodium_base64_VARIANT_URLSAFE);
	rc = password_hash(b64, strlen(b64), opslimit, memlimit, fresh);
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(b64, sizeof(b64));
	if (rc == -1)
		return -1;
	memcpy(dummy, fresh, sizeof(dummy));
	return 0;
}

int
password_verify(const char *hash, const char *pw, size_t len)
{
	int real;

	if (pw == NULL && len > 0)
		return -1;
	if (pw == NULL)
		pw = "";
	if (!(real = usable(hash))) {
		if (dummy[0] == '\0')
			return -1;
		hash = dummy;
	}
	errno = 0;
	if (crypto_pwhash_argon2id_str_verify(hash, pw, len) == 0)
		return real ? 1 : 0;
	/* libsodium sets EINVAL for a mismatch (and for an out-of-range length); else it failed. */
	if (errno == EINVAL || errno == EFBIG)
		return 0;
	return -1;
}

int
password_needs_rehash(const char *hash, unsigned long long opslimit, size_t memlimit)
{
	if (!usable(hash))
		return 1;
	return crypto_pwhash_argon2id_str_needs_rehash(hash, opslimit, memlimit) == 0 ? 0 : 1;
}
