/*
 * password: Argon2id password hashes (libsodium crypto_pwhash, argon2id13).
 *
 * Ownership: callers own every buffer; nothing is allocated for them. The one piece of global
 * state is the dummy hash set by password_dummy_init(), held for the worker's lifetime and
 * replaced by a later call (a reload with new parameters).
 * Not thread-safe with respect to password_dummy_init(); workers are single-threaded.
 *
 * The gate.  Argon2id is memory-hard: run on more processes than there are cores, the
 * verifications evict each other's 19 MiB from the caches and the machine does fewer of them
 * (bench: 2 processes on 2 cores 70.5/s, 4 processes 60.7/s, 28.4 vs 32.8 ms CPU each).  So the
 * master opens a gate of n slots before it forks, and every hash and verification of every
 * worker takes a slot first, waiting when all are taken.  It also bounds the memory hashing
 * takes to n x pwhash_memlimit_kib, and that memory is mapped once, shared, one part per slot,
 * and used by every hash run in the slot.  Without password_gate_open() (the CLI, a standalone
 * worker) nothing waits and libsodium maps each hash's memory itself.
 */
#ifndef GATEHOUSE_AUTH_PASSWORD_H
#define GATEHOUSE_AUTH_PASSWORD_H

#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

/*
 * Hash len bytes of pw with Argon2id at (opslimit, memlimit bytes) into out, a NUL-terminated
 * "$argon2id$..." string. The password is hashed in its normal form (RFC 8265 OpaqueString:
 * non-ASCII spaces to U+0020, then NFC; the whole string, never truncated). Returns 0, or -1
 * (parameters out of range, out of memory).
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
 * password_verify, and *legacy (may be NULL) set to 1 when pw matched only in the form it was
 * typed, not in its normal form: a hash made before normalization, which the caller should
 * replace with password_hash(pw).  A password not in normal form costs two verifications, for
 * an unknown user too.
 */
int password_check(const char *hash, const char *pw, size_t len, int *legacy);

/*
 * 1 if hash was not made with exactly (opslimit, memlimit) or is not a valid argon2id string
 * (so the next successful login should store a fresh hash), else 0.
 */
int password_needs_rehash(const char *hash, unsigned long long opslimit, size_t memlimit);

/* Shared counters the gate adds to; any may be NULL. */
struct password_stats {
	uint64_t	*waits;		/* hashes that waited for a free slot */
	uint64_t	*wait_us;	/* the microseconds they waited, in all */
	uint64_t	*in_slot;	/* hashes that ran in their slot's memory */
	uint64_t	*mapped;	/* hashes for which libsodium mapped memory of its own */
};

/*
 * Open the gate with slots free hashing slots (1 to 1024), replacing any open one, and reserve
 * memlimit bytes of shared memory for each slot (0: none), in which every hash of up to that
 * size runs (see "slot memory" in password.c; without the memory, hashes run as libsodium maps
 * them, which is slower but the same).  Counts into st's counters (copied; st may be NULL).
 * Returns 0 or -1 with errno.  Call before forking the processes that hash.
 */
int password_gate_open(int slots, size_t memlimit, const struct password_stats *st);

/*
 * The slots' memory (slot i at base + i x *len), or NULL when they have none; *slots and *len
 * (either may be NULL) get their number and each one's size.
 */
const unsigned char *password_gate_memory(int *slots, size_t *len);

/* Remove the gate (the process that opened it, at exit). */
void password_gate_close(void);

/* Free slots now, or -1 without a gate. */
int password_gate_free(void);

/*
 * Take a slot, waiting for one; returns 1 when one was taken, 0 when there is no gate (or it
 * was removed under us), and then hashing goes ahead ungated.  Pass the result to
 * password_gate_leave().  A process that dies holding a slot gives it back (SEM_UNDO).
 */
int password_gate_enter(void);
void password_gate_leave(int entered);

#endif
