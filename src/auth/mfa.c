/*
 * mfa.c: TOTP, sealed secrets, recovery codes and MFA tickets.  Contract in mfa.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <liboath/oath.h>
#include <qrencode.h>
#include <sodium.h>

#include "auth/mfa.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/ctx.h"
#include "core/log.h"
#include "store/kv.h"

#define KEY_LEN		crypto_secretbox_KEYBYTES
#define KEY_ID_LEN	4

static const char recovery_alphabet[] = "23456789abcdefghjkmnpqrstuvwxyz";

/* The current (0) and previous (1) MFA keys of this process, read once. */
static struct mfa_key {
	int		 loaded;	/* 1 read, -1 absent or unusable */
	unsigned char	 key[KEY_LEN];
	unsigned char	 id[KEY_ID_LEN];
} keys[2];

static int
key_load(struct mfa_key *k, const char *path, const char *name)
{
	char		 buf[256];
	FILE		*f;
	size_t		 n, len;

	if (k->loaded != 0)
		return k->loaded;
	k->loaded = -1;
	if (path == NULL || *path == '\0')
		return -1;
	if ((f = fopen(path, "r")) == NULL) {
		log_error("mfa: cannot read %s %s", name, path);
		return -1;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	if (sodium_hex2bin(k->key, sizeof(k->key), buf, n, NULL, &len, NULL) != 0 ||
	    len != sizeof(k->key)) {
		log_error("mfa: %s %s does not hold 64 hex digits", name, path);
		sodium_memzero(buf, sizeof(buf));
		return -1;
	}
	sodium_memzero(buf, sizeof(buf));
	crypto_generichash(k->id, sizeof(k->id), k->key, sizeof(k->key), NULL, 0);
	k->loaded = 1;
	return 1;
}

static const struct mfa_key *
key_get(struct request *req, int previous)
{
	const struct gh_config	*cfg = req->w->cfg;
	struct mfa_key		*k = &keys[previous != 0];

	if (previous)
		return key_load(k, cfg->mfa_previous_key_file, "mfa_previous_key_file") == 1 ?
		    k : NULL;
	return key_load(k, cfg->mfa_key_file, "mfa_key_file") == 1 ? k : NULL;
}

int
mfa_ready(struct request *req)
{
	return key_get(req, 0) != NULL;
}

void
mfa_totp_secret(unsigned char secret[MFA_TOTP_SECRET_LEN])
{
	randombytes_buf(secret, MFA_TOTP_SECRET_LEN);
}

enum gh_err
mfa_seal(struct request *req, const unsigned char secret[MFA_TOTP_SECRET_LEN],
    unsigned char out[MFA_SEALED_LEN])
{
	const struct mfa_key	*k;
	unsigned char		*nonce = out + KEY_ID_LEN;

	if ((k = key_get(req, 0)) == NULL)
		return GH_ERR_NOT_READY;
	memcpy(out, k->id, KEY_ID_LEN);
	randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES, secret, MFA_TOTP_SECRET_LEN,
	    nonce, k->key);
	return GH_OK;
}

enum gh_err
mfa_open(struct request *req, const unsigned char *sealed, size_t len,
    unsigned char secret[MFA_TOTP_SECRET_LEN], int *stale)
{
	const struct mfa_key	*k;
	const unsigned char	*nonce = sealed + KEY_ID_LEN;
	int			 i;

	if (len != MFA_SEALED_LEN)
		goto bad;
	for (i = 0; i < 2; i++) {
		if ((k = key_get(req, i)) == NULL || memcmp(k->id, sealed, KEY_ID_LEN) != 0)
			continue;
		if (crypto_secretbox_open_easy(secret, nonce + crypto_secretbox_NONCEBYTES,
		    MFA_TOTP_SECRET_LEN + crypto_secretbox_MACBYTES, nonce, k->key) != 0)
			goto bad;
		*stale = i;
		return GH_OK;
	}
bad:
	log_error("mfa: a sealed TOTP secret opens with no configured MFA key");
	return GH_ERR_INTERNAL;
}

/* liboath's comparison hook: the code typed (handle) against a code of the window. */
static int
code_cmp(void *handle, const char *test)
{
	const char	*code = handle;

	if (strlen(test) != MFA_TOTP_DIGITS)
		return 1;
	return sodium_memcmp(code, test, MFA_TOTP_DIGITS) == 0 ? 0 : 1;
}

static void
oath_once(void)
{
	static int	 done;

	if (!done) {
		oath_init();
		done = 1;
	}
}

int
mfa_totp_check(const unsigned char secret[MFA_TOTP_SECRET_LEN], const char *code,
    long long now, long long last_step, long long *step)
{
	uint64_t	 counter = 0;
	int		 pos = 0, r, i;

	if (code == NULL || strlen(code) != MFA_TOTP_DIGITS)
		return 0;
	for (i = 0; i < MFA_TOTP_DIGITS; i++)
		if (code[i] < '0' || code[i] > '9')
			return 0;
	oath_once();
	r = oath_totp_validate3_callback((const char *)secret, MFA_TOTP_SECRET_LEN, (time_t)now,
	    MFA_TOTP_STEP, OATH_TOTP_DEFAULT_START_TIME, MFA_TOTP_DIGITS, MFA_TOTP_WINDOW, &pos,
	    &counter, code_cmp, (void *)code);
	if (r < 0)
		return 0;
	if ((long long)counter <= last_step)
		return -1;
	*step = (long long)counter;
	return 1;
}

int
mfa_totp_code(const unsigned char secret[MFA_TOTP_SECRET_LEN], long long now,
    char out[MFA_TOTP_DIGITS + 1])
{
	oath_once();
	return oath_totp_generate((const char *)secret, MFA_TOTP_SECRET_LEN, (time_t)now,
	    MFA_TOTP_STEP, OATH_TOTP_DEFAULT_START_TIME, MFA_TOTP_DIGITS, out) == OATH_OK ? 0 : -1;
}

const char *
mfa_base32(struct request *req, const unsigned char secret[MFA_TOTP_SECRET_LEN])
{
	char	*b32 = NULL, *out, *p;
	size_t	 len = 0;

	oath_once();
	if (oath_base32_encode((const char *)secret, MFA_TOTP_SECRET_LEN, &b32, &len) != OATH_OK)
		return NULL;
	out = arena_strndup(req->arena, b32, len);
	sodium_memzero(b32, len);
	free(b32);
	if ((p = strchr(out, '=')) != NULL)
		*p = '\0';
	return out;
}

/* s percent-encoded for a URI component (unreserved characters kept), in the arena. */
static const char *
uri_escape(struct request *req, const char *s)
{
	char	*out = arena_alloc(req->arena, strlen(s) * 3 + 1), *o = out;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~' || c == '@')
			*o++ = (char)c;
		else
			o += sprintf(o, "%%%02X", c);
	}
	*o = '\0';
	return out;
}

const char *
mfa_totp_uri(struct request *req, const char *account,
    const unsigned char secret[MFA_TOTP_SECRET_LEN])
{
	const char	*issuer = uri_escape(req, req->w->cfg->mfa_issuer);
	const char	*b32 = mfa_base32(req, secret);

	if (b32 == NULL)
		return NULL;
	return arena_printf(req->arena, "otpauth://totp/%s:%s?secret=%s&issuer=%s&algorithm=SHA1"
	    "&digits=%d&period=%d", issuer, uri_escape(req, account), b32, issuer,
	    MFA_TOTP_DIGITS, MFA_TOTP_STEP);
}

const char *
mfa_qr_svg(struct request *req, const char *text)
{
	QRcode		*qr;
	char		*out, *o;
	int		 x, y, w, quiet = 4;

	if ((qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1)) == NULL)
		return NULL;
	w = qr->width;
	/* Each dark module is a 1x1 path segment "Mx yh1v1h-1z": at most 24 bytes. */
	out = arena_alloc(req->arena, (size_t)w * (size_t)w * 24 + 512);
	o = out + sprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	    "shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR code\">"
	    "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
	    w + 2 * quiet, w + 2 * quiet);
	for (y = 0; y < w; y++)
		for (x = 0; x < w; x++)
			if (qr->data[y * w + x] & 1)
				o += sprintf(o, "M%d %dh1v1h-1z", x + quiet, y + quiet);
	strcpy(o, "\"/></svg>");
	QRcode_free(qr);
	return out;
}

void
mfa_recovery_code(char out[MFA_RECOVERY_LEN + 1])
{
	int	 i, k = 0;

	for (i = 0; i < 10; i++) {
		if (i == 5)
			out[k++] = '-';
		out[k++] = recovery_alphabet[randombytes_uniform(sizeof(recovery_alphabet) - 1)];
	}
	out[k] = '\0';
}

int
mfa_recovery_digest(struct request *req, const char *code, int previous, unsigned char out[32])
{
	const struct mfa_key	*k;
	char			 norm[10];
	size_t			 n = 0;
	int			 c;

	for (; code != NULL && *code != '\0'; code++) {
		if (*code == '-' || *code == ' ')
			continue;
		c = *code >= 'A' && *code <= 'Z' ? *code - 'A' + 'a' : *code;
		if (n == sizeof(norm) || strchr(recovery_alphabet, c) == NULL || c == '\0')
			return -1;
		norm[n++] = (char)c;
	}
	if (n != sizeof(norm) || (k = key_get(req, previous)) == NULL)
		return -1;
	crypto_generichash(out, 32, (const unsigned char *)norm, n, k->key, sizeof(k->key));
	return 0;
}

/* The Redis keys of a ticket: the hex SHA-256 of its text (the text never reaches Redis). */
static void
ticket_keys(struct request *req, const char *text, const char **tk, const char **nk)
{
	unsigned char	 h[crypto_hash_sha256_BYTES];
	char		 hex[sizeof(h) * 2 + 1];

	crypto_hash_sha256(h, (const unsigned char *)text, strlen(text));
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	*tk = kv_key(req->arena, KV_MFA_TICKET, "%s", hex);
	*nk = kv_key(req->arena, KV_MFA_TRIES, "%s", hex);
}

const char *
mfa_ticket_challenge_key(struct request *req, const char *text)
{
	unsigned char	 h[crypto_hash_sha256_BYTES];
	char		 hex[sizeof(h) * 2 + 1];

	crypto_hash_sha256(h, (const unsigned char *)text, strlen(text));
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	return kv_key(req->arena, KV_WEBAUTHN, "mfa:%s", hex);
}

enum gh_err
mfa_ticket_new(struct request *req, const struct mfa_ticket *t, char *out)
{
	unsigned char	 raw[32];
	const char	*tk, *nk, *val, *ttl;
	redisReply	*rep;
	enum gh_err	 err;

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, MFA_TICKET_LEN + 1, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	ticket_keys(req, out, &tk, &nk);
	val = arena_printf(req->arena, "%lld %lld %lld %lld %lld", t->user_id, t->org, t->totp,
	    t->passkeys, t->recovery);
	ttl = arena_printf(req->arena, "%lld", req->w->cfg->mfa_ticket_ttl);
	if ((err = kv_run(req->w->kv, req->arena, &rep, 5, "SET", tk, val, "EX", ttl)) != GH_OK)
		return err;
	return rep->type == REDIS_REPLY_STATUS ? GH_OK : GH_ERR_REDIS_UNAVAILABLE;
}

enum gh_err
mfa_ticket_get(struct request *req, const char *text, struct mfa_ticket *t)
{
	const char	*tk, *nk;
	redisReply	*rep;
	enum gh_err	 err;

	memset(t, 0, sizeof(*t));
	if (text == NULL || strlen(text) != MFA_TICKET_LEN)
		return GH_ERR_MFA_TICKET_INVALID;
	ticket_keys(req, text, &tk, &nk);
	if ((err = kv_run(req->w->kv, req->arena, &rep, 2, "GET", tk)) != GH_OK)
		return err;
	if (rep->type != REDIS_REPLY_STRING || sscanf(rep->str, "%lld %lld %lld %lld %lld",
	    &t->user_id, &t->org, &t->totp, &t->passkeys, &t->recovery) != 5)
		return GH_ERR_MFA_TICKET_INVALID;
	return GH_OK;
}

enum gh_err
mfa_ticket_fail(struct request *req, const char *text)
{
	const char	*tk, *nk, *ttl;
	struct kv_cmd	 cmds[2];
	redisReply	*reps[2];
	enum gh_err	 err;

	ticket_keys(req, text, &tk, &nk);
	ttl = arena_printf(req->arena, "%lld", req->w->cfg->mfa_ticket_ttl);
	kv_cmd_set(&cmds[0], 2, "INCR", nk);
	kv_cmd_set(&cmds[1], 3, "EXPIRE", nk, ttl);
	if ((err = kv_pipeline(req->w->kv, req->arena, cmds, 2, reps)) != GH_OK)
		return err;
	if (reps[0]->type == REDIS_REPLY_INTEGER && reps[0]->integer >= MFA_TICKET_TRIES)
		return kv_run(req->w->kv, req->arena, &reps[0], 3, "DEL", tk, nk);
	return GH_OK;
}

enum gh_err
mfa_ticket_take(struct request *req, const char *text)
{
	const char	*tk, *nk;
	redisReply	*rep;
	enum gh_err	 err;

	ticket_keys(req, text, &tk, &nk);
	req->once = 1;
	if ((err = kv_run(req->w->kv, req->arena, &rep, 2, "DEL", tk)) != GH_OK)
		return err;
	/* DEL counts the keys it removed: the ticket is there only for the first taker. */
	if (rep->type != REDIS_REPLY_INTEGER || rep->integer != 1)
		return GH_ERR_MFA_TICKET_INVALID;
	(void)kv_run(req->w->kv, req->arena, &rep, 2, "DEL", nk);
	return GH_OK;
}
