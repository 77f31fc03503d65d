/*
 * password: Argon2id password hashes (libsodium crypto_pwhash, argon2id13).
 *
 * Ownership: callers own every buffer; nothing is allocated for them. The one piece of global
 * state is the dummy hash set by password_dummy_init(), held for the worker's lifetime and
 * replaced by a later call (a reload with new parameters).
 * Not thread-safe with respect to password_dummy_init(); workers are single-threaded.
 */
#ifndef GATEHOUSE_AUTH_PASSWORD_H
#define GATEHOUSE_AUTH_PASSWORD_H

#include <stddef.h>

#include <sodium.h>

/*
 * Hash len bytes of pw with Argon2id at (opslimit, memlimit bytes) into out, a NUL-terminated
 * "$argon2id$..." string. Returns 0, or -1 (parameters out of range, out of memory).
 */
int password_hash(const char *pw, size_t len, unsigned long long opslimit, size_t memlimit,
    char out[crypto_pwhash_STRBYTES]);

/*
 * Make the hash that password_verify() checks against when the real one is missing or unusable,
 * so that an unknown user costs what a wrong password costs. Use the same parameters as
 * password_hash(). Returns 0 or -1.
 */
int password_dummy_init(unsigned long long opslimit, size_t memlimit);

/*
 * Check pw against hash. Returns 1 on a match, 0 on no match, -1 on error (out of memory,
 * password_dummy_init() not called when it was needed, pw NULL).
 * A NULL hash or one that is not a valid argon2id string still costs one verification (against
 * the dummy hash) and returns 0.
 */
int password_verify(const char *hash, const char *pw, size_t len);

/*
 * 1 if hash was not made with exactly (opslimit, memlimit) or is not a valid argon2id string
 * (so the next successful login should store a fresh hash), else 0.
 */
int password_needs_rehash(const char *hash, unsigned long long opslimit, size_t memlimit);

#endif
