/*
 * webauthn.h (store): the rows of webauthn_credential and webauthn_user (sql/0018).
 *
 * Columns are WEBAUTHN_COLUMNS in store/sql_webauthn.h.  Every function takes the worker's
 * connection and an arena, which owns whatever it returns: credential_id and public_key point
 * into it, binary, with their lengths in credential_id_len and public_key_len.  Errors are
 * those of db_exec, GH_ERR_NOT_FOUND where a row is missing, GH_ERR_CONFLICT for a credential
 * id registered already.  Nothing here authorizes: api/webauthn.c does.
 */
#ifndef GH_STORE_WEBAUTHN_H
#define GH_STORE_WEBAUTHN_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"

DB_COL_ENUMS(webauthn, WEBAUTHN_COLUMNS);

struct webauthn_row {
	WEBAUTHN_COLUMNS(DB_COL_MEMBER)
	size_t		 credential_id_len;
	size_t		 public_key_len;
};

#define STORE_WEBAUTHN_HANDLE_LEN	32

/* A new credential of user (r's members but id, created_at, last_used_at): *id gets its id. */
enum gh_err	 store_webauthn_insert(struct db *, struct arena *, const struct webauthn_row *r,
		    const unsigned char aaguid[16], long long *id);

/* Every credential of user, oldest first: *out gets *n rows. */
enum gh_err	 store_webauthn_list(struct db *, struct arena *, long long user,
		    struct webauthn_row **out, size_t *n);

/* The credential whose credential id is cid (len bytes). */
enum gh_err	 store_webauthn_get_by_cred(struct db *, struct arena *, const unsigned char *cid,
		    size_t len, struct webauthn_row *out);

/* Credential id of user. */
enum gh_err	 store_webauthn_get(struct db *, struct arena *, long long id, long long user,
		    struct webauthn_row *out);

/*
 * Record a use of credential id: its counter moves from old to count and last_used_at is now.
 * GH_ERR_CONFLICT when the counter is no longer old (a concurrent assertion got there first).
 */
enum gh_err	 store_webauthn_use(struct db *, struct arena *, long long id, long long old,
		    long long count);

/* Rename credential id of user; GH_ERR_NOT_FOUND when user has no such credential. */
enum gh_err	 store_webauthn_rename(struct db *, struct arena *, long long id, long long user,
		    const char *name);

/* Delete credential id of user; GH_ERR_NOT_FOUND when user has no such credential. */
enum gh_err	 store_webauthn_delete(struct db *, struct arena *, long long id, long long user);

/* How many credentials user has. */
enum gh_err	 store_webauthn_count(struct db *, struct arena *, long long user, long long *n);

/*
 * The WebAuthn user handle of user into handle, made (32 random bytes) if it has none yet.
 */
enum gh_err	 store_webauthn_handle(struct db *, struct arena *, long long user,
		    unsigned char handle[STORE_WEBAUTHN_HANDLE_LEN]);

/* The user whose handle is handle (len bytes); GH_ERR_NOT_FOUND when none. */
enum gh_err	 store_webauthn_handle_user(struct db *, struct arena *, const unsigned char *handle,
		    size_t len, long long *user);

#endif
