/*
 * password.c: Argon2id via libsodium. Contract in password.h.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* RTLD_NEXT */
#endif

#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/sem.h>
#include <sys/syscall.h>

#include <sodium.h>
#include <utf8proc.h>

#include "auth/password.h"
#include "core/clock.h"

/* Hash of a random password nobody knows; verified against when the user has no usable hash. */
static char dummy[crypto_pwhash_STRBYTES];

/*
 * The gate: a System V semaphore set, inherited over fork.  Semaphore 0 counts the free hashing
 * slots; semaphore 1 + i is 1 while slot i is free.  SEM_UNDO makes the kernel give a dying
 * process's slot back, so a worker killed in the middle of a verification cannot leak one.
 * -1: no gate.
 */
static int			 gate = -1;
static int			 nslots;
static struct password_stats	 stats;
static int			 held = -1;	/* the slot this process holds, or -1 */
static int			 depth;		/* gate_enter()s not yet left */

/*
 * Slot memory.  libsodium maps fresh memory for every Argon2id (mmap with MAP_POPULATE) and
 * unmaps it afterwards.  Mapping, zeroing and unmapping 19 MiB costs more than the hash itself
 * on virtual machines that shadow the guest's page tables (bench: 28 ms a verification against
 * 7 ms in memory already mapped).  So the master maps, shared, slots x memlimit bytes before it
 * forks, and while a process holds slot i, libsodium's one mapping of the hash's memory is
 * answered with slot i's part (mmap() and munmap() below: an executable's definitions come
 * before any library's in symbol lookup, so libsodium's calls reach them).  The memory is wiped
 * when libsodium unmaps it.  Every other mapping, and this one when the expected size does not
 * match exactly, goes to the C library.
 */
static unsigned char	*slot_base;	/* nslots x slot_len bytes, or NULL */
static size_t		 slot_len;
/*
 * After the slots, one byte per slot, shared: 1 from the moment the slot's memory is lent until
 * it is wiped.  A process killed in between (the master's timeout, the OOM killer) leaves it 1,
 * and the next holder wipes the slot before using it: what a hash leaves is derived from the
 * password.
 */
static volatile unsigned char *slot_dirty;
static size_t		 lend_len;	/* armed: the next mmap of exactly this size gets the slot */
static unsigned char	*lent;		/* the slot's memory while libsodium has it */
static size_t		 lent_len;
static int		 took;		/* the last hash ran in the slot's memory */

static void *
real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	static void	*(*fn)(void *, size_t, int, int, int, off_t);

	if (fn == NULL)
		*(void **)&fn = dlsym(RTLD_NEXT, "mmap");
	if (fn == NULL)
		return (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
	return fn(addr, len, prot, flags, fd, off);
}

static int
real_munmap(void *addr, size_t len)
{
	static int	 (*fn)(void *, size_t);

	if (fn == NULL)
		*(void **)&fn = dlsym(RTLD_NEXT, "munmap");
	if (fn == NULL)
		return (int)syscall(SYS_munmap, addr, len);
	return fn(addr, len);
}

/*
 * Defined under their assembler names: with _FILE_OFFSET_BITS=64 the C name mmap means mmap64,
 * while libsodium calls mmap (the same function on LP64).
 */
void	*slot_mmap(void *, size_t, int, int, int, off_t) __asm__("mmap");
void	*slot_mmap64(void *, size_t, int, int, int, off_t) __asm__("mmap64")
	    __attribute__((alias("mmap")));
int	 slot_munmap(void *, size_t) __asm__("munmap");

void *
slot_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (lend_len != 0 && len == lend_len && addr == NULL && fd == -1 &&
	    prot == (PROT_READ | PROT_WRITE) && (flags & MAP_ANONYMOUS) &&
	    (flags & MAP_PRIVATE) && !(flags & MAP_FIXED)) {
		lent = slot_base + (size_t)held * slot_len;
		lent_len = len;
		lend_len = 0;
		took = 1;
		slot_dirty[held] = 1;
		return lent;
	}
	return real_mmap(addr, len, prot, flags, fd, off);
}

int
slot_munmap(void *addr, size_t len)
{
	if (lent != NULL && addr == lent) {
		sodium_memzero(lent, lent_len);
		slot_dirty[held] = 0;
		lent = NULL;
		return 0;
	}
	return real_munmap(addr, len);
}

/* Linux leaves union semun to the caller. */
union gate_arg {
	int		 val;
	struct semid_ds	*buf;
	unsigned short	*array;
};

int
password_gate_open(int slots, size_t memlimit, const struct password_stats *st)
{
	union gate_arg	 a;
	unsigned short	*vals;
	void		*mem = NULL;
	size_t		 len, pg = (size_t)sysconf(_SC_PAGESIZE);
	int		 id, i;

	if (slots < 1 || slots > 1024) {
		errno = EINVAL;
		return -1;
	}
	if ((vals = calloc((size_t)slots + 1, sizeof(*vals))) == NULL)
		return -1;
	vals[0] = (unsigned short)slots;
	for (i = 1; i <= slots; i++)
		vals[i] = 1;
	if ((id = semget(IPC_PRIVATE, slots + 1, IPC_CREAT | 0600)) == -1) {
		free(vals);
		return -1;
	}
	a.array = vals;
	i = semctl(id, 0, SETALL, a);
	free(vals);
	if (i == -1) {
		(void)semctl(id, 0, IPC_RMID);
		return -1;
	}
	/*
	 * Reserved, not committed: a slot's pages exist once a hash has run in it.  One more page
	 * holds the dirty bytes.
	 */
	len = memlimit == 0 ? 0 : (memlimit + pg - 1) / pg * pg;
	if (len != 0 && (size_t)slots <= (SIZE_MAX - pg) / len &&
	    (mem = real_mmap(NULL, len * (size_t)slots + pg, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)) == MAP_FAILED)
		mem = NULL;
	if (mem != NULL)
		(void)madvise(mem, len * (size_t)slots + pg, MADV_DONTDUMP);
	password_gate_close();
	gate = id;
	nslots = slots;
	slot_base = mem;
	slot_len = mem == NULL ? 0 : len;
	slot_dirty = mem == NULL ? NULL : (unsigned char *)mem + len * (size_t)slots;
	if (st != NULL)
		stats = *st;
	else
		memset(&stats, 0, sizeof(stats));
	return 0;
}

void
password_gate_close(void)
{
	if (gate != -1)
		(void)semctl(gate, 0, IPC_RMID);
	if (slot_base != NULL)
		(void)real_munmap(slot_base, slot_len * (size_t)nslots +
		    (size_t)sysconf(_SC_PAGESIZE));
	gate = -1;
	nslots = 0;
	slot_base = NULL;
	slot_dirty = NULL;
	slot_len = 0;
	held = -1;
	depth = 0;
}

int
password_gate_free(void)
{
	return gate == -1 ? -1 : semctl(gate, 0, GETVAL);
}

const unsigned char *
password_gate_memory(int *slots, size_t *len)
{
	if (slots != NULL)
		*slots = slot_base == NULL ? 0 : nslots;
	if (len != NULL)
		*len = slot_len;
	return slot_base;
}

static void
count(uint64_t *c, uint64_t n)
{
	if (c != NULL)
		__atomic_fetch_add(c, n, __ATOMIC_RELAXED);
}

int
password_gate_enter(void)
{
	struct sembuf	 op = { 0, -1, SEM_UNDO | IPC_NOWAIT };
	double		 t0;
	int		 i;

	if (gate == -1)
		return 0;
	if (semop(gate, &op, 1) == -1) {
		if (errno != EAGAIN)
			return 0;	/* the set is gone (removed by hand): hash without it */
		t0 = clock_ms();
		op.sem_flg = SEM_UNDO;
		while (semop(gate, &op, 1) == -1)
			if (errno != EINTR)
				return 0;
		count(stats.waits, 1);
		count(stats.wait_us, (uint64_t)((clock_ms() - t0) * 1e3));
	}
	/*
	 * Past semaphore 0 at most nslots processes hold or look for a slot, so one of them is
	 * free; another process may take the one tried first, never all of them.  A process that
	 * enters again before leaving (nothing does; the header allows it) keeps its slot.
	 */
	if (depth++ > 0)
		return 1;
	held = -1;
	for (i = 0; i < nslots && held == -1; i++) {
		struct sembuf	 s = { (unsigned short)(1 + i), -1, SEM_UNDO | IPC_NOWAIT };

		if (semop(gate, &s, 1) == 0)
			held = i;
	}
	return 1;
}

void
password_gate_leave(int entered)
{
	struct sembuf	 op[2] = { { 0, 1, SEM_UNDO }, { 0, 1, SEM_UNDO } };
	int		 n = 1;

	if (!entered || gate == -1)
		return;
	if (--depth == 0 && held != -1) {
		op[1].sem_num = (unsigned short)(1 + held);
		n = 2;
	}
	(void)semop(gate, op, n);
	if (depth == 0)
		held = -1;
}

/*
 * Lend the slot's memory to the Argon2id about to run, with m_kib KiB and p lanes, when this
 * process holds a slot with room for it; count, after it, which memory it ran in.  Call between
 * password_gate_enter() and _leave().  The size is the one libsodium's Argon2 maps: at least
 * 8 blocks of 1 KiB per lane, rounded down to a multiple of 4 per lane.
 */
static void
lend_begin(unsigned long long m_kib, unsigned long long p)
{
	unsigned long long	 blocks;

	lend_len = 0;
	took = 0;
	if (held == -1 || slot_base == NULL || p < 1 || p > 255 || m_kib > SIZE_MAX / 1024)
		return;
	blocks = m_kib < 8 * p ? 8 * p : m_kib;
	blocks = blocks / (4 * p) * (4 * p);
	if (blocks * 1024 > slot_len)
		return;
	lend_len = (size_t)blocks * 1024;
	if (slot_dirty[held]) {		/* its last holder died before the wipe */
		sodium_memzero(slot_base + (size_t)held * slot_len, slot_len);
		slot_dirty[held] = 0;
	}
}

static void
lend_end(int entered)
{
	if (entered)
		count(took ? stats.in_slot : stats.mapped, 1);
	if (lent != NULL) {	/* not unmapped (libsodium failed): wipe it all the same */
		sodium_memzero(lent, lent_len);
		slot_dirty[held] = 0;
		lent = NULL;
	}
	lend_len = 0;
	took = 0;
}

/* The m= (KiB) and p= parameters of an argon2id string; 0 when they cannot be read. */
static void
hash_params(const char *hash, unsigned long long *m, unsigned long long *p)
{
	const char	*s = strstr(hash, "$m=");

	*m = *p = 0;
	if (s == NULL || sscanf(s, "$m=%llu,t=%*u,p=%llu$", m, p) != 2)
		*m = *p = 0;
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

/* RFC 8265 OpaqueString's additional mapping: every non-ASCII space becomes U+0020. */
static utf8proc_int32_t
space_map(utf8proc_int32_t c, void *data)
{
	(void)data;
	return c != 0x20 && utf8proc_category(c) == UTF8PROC_CATEGORY_ZS ? 0x20 : c;
}

/*
 * The form a password is hashed in (docs/tokens.md, "Passwords"): RFC 8265 OpaqueString, that
 * is non-ASCII spaces mapped to U+0020, then NFC (utf8proc).  Returns a malloc'd copy in that
 * form (*outlen bytes; wipe it, then free it) when it differs from pw, else NULL: pw is in form
 * already (every ASCII password is), or is not valid UTF-8 and is taken as it is.
 */
static char *
password_form(const char *pw, size_t len, size_t *outlen)
{
	utf8proc_uint8_t	*dst = NULL;
	utf8proc_ssize_t	 n;
	size_t			 i;

	for (i = 0; i < len && (unsigned char)pw[i] < 0x80; i++)
		;
	if (i == len)
		return NULL;
	n = utf8proc_map_custom((const utf8proc_uint8_t *)pw, (utf8proc_ssize_t)len, &dst,
	    UTF8PROC_STABLE | UTF8PROC_COMPOSE, space_map, NULL);
	if (n < 0)
		return NULL;
	if ((size_t)n == len && memcmp(dst, pw, len) == 0) {
		sodium_memzero(dst, (size_t)n);
		free(dst);
		return NULL;
	}
	*outlen = (size_t)n;
	return (char *)dst;
}

static void
form_free(char *f, size_t len)
{
	if (f != NULL) {
		sodium_memzero(f, len);
		free(f);
	}
}

int
password_hash(const char *pw, size_t len, unsigned long long opslimit, size_t memlimit,
    char out[crypto_pwhash_STRBYTES])
{
	char	*f;
	size_t	 flen = 0;
	int	 in, rc;

	if ((pw == NULL && len > 0) || out == NULL || sodium_init() < 0)
		return -1;
	if (pw == NULL)
		pw = "";
	f = password_form(pw, len, &flen);
	in = password_gate_enter();
	lend_begin(memlimit / 1024, 1);
	rc = crypto_pwhash_str_alg(out, f != NULL ? f : pw, f != NULL ? flen : len, opslimit,
	    memlimit, crypto_pwhash_ALG_ARGON2ID13);
	lend_end(in);
	password_gate_leave(in);
	form_free(f, flen);
	return rc == 0 ? 0 : -1;
}

/*
 * The dummy is written, not hashed: an argon2id string with the parameters a real hash gets,
 * a random salt and random "hash" bytes.  Verifying against it runs the same Argon2id as
 * verifying against a real hash of those parameters (the cost is all in the parameters) and
 * never matches.  Hashing it at start-up, as before, made every worker, the check pool's
 * included, touch a hashing slot's 19 MiB for nothing (docs/benchmarks.md, "Memory").
 */
int
password_dummy_init(unsigned long long opslimit, size_t memlimit)
{
	unsigned char	 salt[crypto_pwhash_SALTBYTES], h[32];
	char		 s64[sodium_base64_ENCODED_LEN(sizeof(salt),
			    sodium_base64_VARIANT_ORIGINAL_NO_PADDING)];
	char		 h64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL_NO_PADDING)];
	char		 fresh[crypto_pwhash_STRBYTES];
	int		 n;

	if (sodium_init() < 0 || opslimit < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
	    opslimit > UINT32_MAX || memlimit < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
	    memlimit / 1024 > UINT32_MAX)
		return -1;
	randombytes_buf(salt, sizeof(salt));
	randombytes_buf(h, 32);
	sodium_bin2base64(s64, sizeof(s64), salt, sizeof(salt),
	    sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	sodium_bin2base64(h64, sizeof(h64), h, 32, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	n = snprintf(fresh, sizeof(fresh), "%sv=%d$m=%llu,t=%llu,p=1$%s$%s",
	    crypto_pwhash_argon2id_STRPREFIX, 19, (unsigned long long)(memlimit / 1024),
	    opslimit, s64, h64);
	sodium_memzero(h, sizeof(h));
	/* libsodium reads it back with exactly these parameters, or it is not the right dummy. */
	if (n < 0 || (size_t)n >= sizeof(fresh) || !usable(fresh) ||
	    crypto_pwhash_argon2id_str_needs_rehash(fresh, opslimit, memlimit) != 0)
		return -1;
	memcpy(dummy, fresh, sizeof(dummy));
	return 0;
}

/* One Argon2id verification of exactly len bytes of pw (the body of password_check). */
static int
verify_one(const char *hash, const char *pw, size_t len)
{
	unsigned long long	 m, p;
	int			 real, in, rc, e;

	if (!(real = usable(hash))) {
		if (dummy[0] == '\0')
			return -1;
		hash = dummy;
	}
	hash_params(hash, &m, &p);
	in = password_gate_enter();
	lend_begin(m, p);
	errno = 0;
	rc = crypto_pwhash_argon2id_str_verify(hash, pw, len);
	e = errno;
	lend_end(in);
	password_gate_leave(in);
	if (rc == 0)
		return real ? 1 : 0;
	/* libsodium sets EINVAL for a mismatch (and for an out-of-range length); else it failed. */
	if (e == EINVAL || e == EFBIG)
		return 0;
	return -1;
}

int
password_check(const char *hash, const char *pw, size_t len, int *legacy)
{
	char	*f;
	size_t	 flen = 0;
	int	 rc;

	if (legacy != NULL)
		*legacy = 0;
	if (pw == NULL && len > 0)
		return -1;
	if (pw == NULL)
		pw = "";
	if ((f = password_form(pw, len, &flen)) == NULL)
		return verify_one(hash, pw, len);
	/*
	 * A hash made before passwords were normalized holds the bytes as they were typed: try
	 * those too when the normal form fails.  The second try depends on the password sent, never
	 * on the account, so an unknown user costs the same.
	 */
	if ((rc = verify_one(hash, f, flen)) == 0 && (rc = verify_one(hash, pw, len)) == 1 &&
	    legacy != NULL)
		*legacy = 1;
	form_free(f, flen);
	return rc;
}

int
password_verify(const char *hash, const char *pw, size_t len)
{
	return password_check(hash, pw, len, NULL);
}

int
password_needs_rehash(const char *hash, unsigned long long opslimit, size_t memlimit)
{
	if (!usable(hash))
		return 1;
	return crypto_pwhash_argon2id_str_needs_rehash(hash, opslimit, memlimit) == 0 ? 0 : 1;
}
