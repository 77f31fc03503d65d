/*
 * oidc.h (store): the rows of the OpenID Connect provider (sql/0019): clients, consents, the
 * service accounts of clients and the OpenID columns of refresh_tokens.  Columns are in
 * store/sql_oidc.h.  Every function takes the worker's connection and an arena, which owns
 * what it returns.  Errors are db_exec's, GH_ERR_NOT_FOUND where a row is missing.  Nothing
 * here authorizes: api/clients.c and api/oidc.c do.
 */
#ifndef GH_STORE_OIDC_H
#define GH_STORE_OIDC_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"

enum oidc_client_col { OIDC_CLIENT_COLUMNS(DB_COL_ENUM) OCC__NCOLS };
enum oidc_consent_col { OIDC_CONSENT_COLUMNS(DB_COL_ENUM) OCN__NCOLS };

struct oidc_client {
	OIDC_CLIENT_COLUMNS(DB_COL_MEMBER)
};

struct oidc_consent {
	OIDC_CONSENT_COLUMNS(DB_COL_MEMBER)
};

/*
 * Insert c (its members but id, the hashes, service_user_id and the times) with secret_hex
 * (64 hex digits, or NULL for a public client) in c->organization_id; *id gets the row.
 * GH_ERR_NOT_FOUND when there is no such organization.
 */
enum gh_err	 store_oidc_client_insert(struct db *, struct arena *, const struct oidc_client *c,
		    const char *secret_hex, long long actor, long long *id);
enum gh_err	 store_oidc_client_get(struct db *, struct arena *, long long id, int lock,
		    struct oidc_client *out);
enum gh_err	 store_oidc_client_by_client_id(struct db *, struct arena *, const char *client_id,
		    struct oidc_client *out);
/* Clients of org (0: every organization) with id > after, at most limit + 1. */
enum gh_err	 store_oidc_client_list(struct db *, struct arena *, long long org, long long after,
		    long long limit, struct oidc_client **out, size_t *n);
/* Write the changeable members of c (name ... enabled). */
enum gh_err	 store_oidc_client_update(struct db *, struct arena *, const struct oidc_client *c);
enum gh_err	 store_oidc_client_delete(struct db *, struct arena *, long long id);
/* The secret becomes secret_hex; the old one is accepted overlap more seconds (0: not at all). */
enum gh_err	 store_oidc_client_rotate(struct db *, struct arena *, long long id,
		    const char *secret_hex, long long overlap);
enum gh_err	 store_oidc_client_end_previous(struct db *, struct arena *, long long id);
/*
 * Make the service account of client c: a user of kind 'service' (username svc-<client_id>,
 * no password) and a member of c's organization; *user gets its id, set on the client.
 */
enum gh_err	 store_oidc_service_create(struct db *, struct arena *, const struct oidc_client *c,
		    long long actor, long long *user);
enum gh_err	 store_oidc_service_enable(struct db *, struct arena *, long long user, int on);
enum gh_err	 store_oidc_service_delete(struct db *, struct arena *, long long user);

/* The scopes user granted client (row id); NULL in *scopes when none. */
enum gh_err	 store_oidc_consent_get(struct db *, struct arena *, long long user, long long client,
		    const char **scopes);
enum gh_err	 store_oidc_consent_put(struct db *, struct arena *, long long user, long long client,
		    const char *scopes);
enum gh_err	 store_oidc_consent_list(struct db *, struct arena *, long long user,
		    struct oidc_consent **out, size_t *n);
/* Delete user's consent to the client of that client_id and revoke its refresh tokens there. */
enum gh_err	 store_oidc_consent_delete(struct db *, struct arena *, long long user,
		    const char *client_id);

/* Mark refresh token row rt as the client's, with its scope and auth_time. */
enum gh_err	 store_oidc_refresh_tag(struct db *, struct arena *, long long rt, long long client,
		    const char *scope, long long auth_time);
/* Revoke every refresh token issued to client (row id). */
enum gh_err	 store_oidc_refresh_revoke_client(struct db *, struct arena *, long long client,
		    const char *reason);
/* Whether the session family (16 bytes) has a live refresh token. */
enum gh_err	 store_oidc_family_live(struct db *, struct arena *, const unsigned char family[16],
		    int *live);

#endif
