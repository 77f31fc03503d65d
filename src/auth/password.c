/*
 * password.c: Argon2id via libsodium. Contract in password.h.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <sys/ipc.h>
#include <sys/sem.h>

#include <sodium.h>

#include "core/clock.h"
#include "auth/password.h"

/* Hash of a random password nobody knows; verified against when the user has no usable hash. */
static char dummy[crypto_pwhash_STRBYTES];

/*
 * The gate: a System V semaphore set of one, counting free hashing slots.  Its id is inherited
 * over fork.  SEM_UNDO makes the kernel give a dying process's slot back, so a worker killed in
 * the middle of a verification cannot leak one.  -1: no gate.
 */
static int	 gate = -1;
static uint64_t	*gate_waits, *gate_wait_us;

/* Linux leaves union semun to the caller. */
union gate_arg {
	int		 val;
	struct semid_ds	*buf;
	unsigned short	*array;
};

int
password_gate_open(int slots, uint64_t *waits, uint64_t *wait_us)
{
	union gate_arg	 a;
	int		 id;

	if (slots < 1) {
		errno = EINVAL;
		return -1;
	}
	if ((id = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600)) == -1)
		return -1;
	a.val = slots;
	if (semctl(id, 0, SETVAL, a) == -1) {
		(void)semctl(id, 0, IPC_RMID);
		return -1;
	}
	password_gate_close();
	gate = id;
	gate_waits = waits;
	gate_wait_us = wait_us;
	return 0;
}

void
password_gate_close(void)
{
	if (gate != -1)
		(void)semctl(gate, 0, IPC_RMID);
	gate = -1;
}

int
password_gate_free(void)
{
	return gate == -1 ? -1 : semctl(gate, 0, GETVAL);
}

int
password_gate_enter(void)
{
	struct sembuf	 op = { 0, -1, SEM_UNDO | IPC_NOWAIT };
	double		 t0;

	if (gate == -1)
		return 0;
	if (semop(gate, &op, 1) == 0)
		return 1;
	if (errno != EAGAIN)
		return 0;	/* the set is gone (removed by hand): hash without it */
	t0 = clock_ms();
	op.sem_flg = SEM_UNDO;
	while (semop(gate, &op, 1) == -1)
		if (errno != EINTR)
			return 0;
	if (gate_waits != NULL)
		__atomic_fetch_add(gate_waits, 1, __ATOMIC_RELAXED);
	if (gate_wait_us != NULL)
		__atomic_fetch_add(gate_wait_us, (uint64_t)((clock_ms() - t0) * 1e3), __ATOMIC_RELAXED);
	return 1;
}

void
password_gate_leave(int entered)
{
	struct sembuf	 op = { 0, 1, SEM_UNDO };

	if (entered && gate != -1)
		(void)semop(gate, &op, 1);
}

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
	int	 in, rc;

	if ((pw == NULL && len > 0) || out == NULL || sodium_init() < 0)
		return -1;
	in = password_gate_enter();
	rc = crypto_pwhash_str_alg(out, pw == NULL ? "" : pw, len, opslimit, memlimit,
	    crypto_pwhash_ALG_ARGON2ID13);
	password_gate_leave(in);
	return rc == 0 ? 0 : -1;
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
	int real, in, rc, e;

	if (pw == NULL && len > 0)
		return -1;
	if (pw == NULL)
		pw = "";
	if (!(real = usable(hash))) {
		if (dummy[0] == '\0')
			return -1;
		hash = dummy;
	}
	in = password_gate_enter();
	errno = 0;
	rc = crypto_pwhash_argon2id_str_verify(hash, pw, len);
	e = errno;
	password_gate_leave(in);
	if (rc == 0)
		return real ? 1 : 0;
	/* libsodium sets EINVAL for a mismatch (and for an out-of-range length); else it failed. */
	if (e == EINVAL || e == EFBIG)
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
