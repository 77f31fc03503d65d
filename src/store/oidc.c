/*
 * oidc.c: the rows of the OpenID Connect provider.  Contract in oidc.h.
 */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "store/db.h"
#include "store/oidc.h"

DB_ROW_READER(client_row, struct oidc_client, OIDC_CLIENT_COLUMNS)
DB_ROW_READER(consent_row, struct oidc_consent, OIDC_CONSENT_COLUMNS)

enum gh_err
store_oidc_client_insert(struct db *db, struct arena *a, const struct oidc_client *c,
    const char *secret_hex, long long actor, long long *id)
{
	enum gh_err	 err;

	err = DB_INSERT(db, a, SQL_OIDC_CLIENT_INSERT, id, DB_STR(c->client_id), DB_STR(c->name),
	    DB_STR(c->client_type), DB_STR(secret_hex), DB_STR(c->redirect_uris),
	    DB_STR(c->post_logout_redirect_uris), DB_STR(c->grant_types), DB_STR(c->scopes),
	    DB_INT(c->access_token_ttl), DB_INT(c->refresh_token_ttl), DB_INT(c->id_token_ttl),
	    DB_INT(c->first_party), DB_INT(c->enabled), actor > 0 ? DB_INT(actor) : DB_NULL,
	    DB_INT(c->organization_id));
	if (err == GH_OK && *id == 0)
		return GH_ERR_NOT_FOUND;
	return err;
}

DB_GET_ID(store_oidc_client_get, struct oidc_client, client_row, SQL_OIDC_CLIENT_GET,
    SQL_OIDC_CLIENT_GET_LOCK)

enum gh_err
store_oidc_client_by_client_id(struct db *db, struct arena *a, const char *client_id,
    struct oidc_client *out)
{
	return DB_GET(db, a, SQL_OIDC_CLIENT_BY_CLIENT_ID, client_row, out, DB_STR(client_id));
}

enum gh_err
store_oidc_client_list(struct db *db, struct arena *a, long long org, long long after,
    long long limit, struct oidc_client **out, size_t *n)
{
	return DB_ROWS(db, a, SQL_OIDC_CLIENT_LIST, client_row, out, n, DB_INT(org), DB_INT(org),
	    DB_INT(after), DB_INT(after), DB_INT(limit + 1));
}

enum gh_err
store_oidc_client_update(struct db *db, struct arena *a, const struct oidc_client *c)
{
	return DB_RUN(db, a, SQL_OIDC_CLIENT_UPDATE, DB_STR(c->name), DB_STR(c->redirect_uris),
	    DB_STR(c->post_logout_redirect_uris), DB_STR(c->grant_types), DB_STR(c->scopes),
	    DB_INT(c->access_token_ttl), DB_INT(c->refresh_token_ttl), DB_INT(c->id_token_ttl),
	    DB_INT(c->first_party), DB_INT(c->enabled), DB_INT(c->id));
}

DB_RUN_ID(store_oidc_client_delete, SQL_OIDC_CLIENT_DELETE)

enum gh_err
store_oidc_client_rotate(struct db *db, struct arena *a, long long id, const char *secret_hex,
    long long overlap)
{
	return DB_RUN(db, a, SQL_OIDC_CLIENT_ROTATE, DB_INT(overlap), DB_INT(overlap),
	    DB_STR(secret_hex), DB_INT(id));
}

DB_RUN_ID(store_oidc_client_end_previous, SQL_OIDC_CLIENT_END_PREVIOUS)

enum gh_err
store_oidc_service_create(struct db *db, struct arena *a, const struct oidc_client *c,
    long long actor, long long *user)
{
	const char	*name = arena_printf(a, "svc-%s", c->client_id);
	const char	*email = arena_printf(a, "%s@service.invalid", c->client_id);
	const char	*full = arena_printf(a, "Service account of %s", c->name);
	enum gh_err	 err;

	if (strlen(full) > 200)
		full = "Service account";
	if ((err = DB_INSERT(db, a, SQL_OIDC_SERVICE_INSERT, user, DB_STR(name), DB_STR(email),
	    DB_STR(full), actor > 0 ? DB_INT(actor) : DB_NULL,
	    actor > 0 ? DB_INT(actor) : DB_NULL)) != GH_OK ||
	    (err = DB_RUN(db, a, SQL_OIDC_SERVICE_MEMBER, DB_INT(*user),
	    DB_INT(c->organization_id))) != GH_OK)
		return err;
	return DB_RUN(db, a, SQL_OIDC_CLIENT_SET_SERVICE, DB_INT(*user), DB_INT(c->id));
}

enum gh_err
store_oidc_service_enable(struct db *db, struct arena *a, long long user, int on)
{
	return DB_RUN(db, a, SQL_OIDC_SERVICE_ENABLE, DB_INT(on != 0), DB_INT(user));
}

DB_RUN_ID(store_oidc_service_delete, SQL_OIDC_SERVICE_DELETE)

enum gh_err
store_oidc_consent_get(struct db *db, struct arena *a, long long user, long long client,
    const char **scopes)
{
	return DB_TEXT(db, a, SQL_OIDC_CONSENT_GET, scopes, DB_INT(user), DB_INT(client));
}

enum gh_err
store_oidc_consent_put(struct db *db, struct arena *a, long long user, long long client,
    const char *scopes)
{
	return DB_RUN(db, a, SQL_OIDC_CONSENT_PUT, DB_INT(user), DB_INT(client), DB_STR(scopes));
}

DB_ROWS_ID(store_oidc_consent_list, struct oidc_consent, consent_row, SQL_OIDC_CONSENT_LIST)

enum gh_err
store_oidc_consent_delete(struct db *db, struct arena *a, long long user, const char *client_id)
{
	enum gh_err	 err;

	if ((err = DB_CHANGE(db, a, SQL_OIDC_CONSENT_DELETE, DB_INT(user), DB_STR(client_id))) !=
	    GH_OK)
		return err;
	return DB_RUN(db, a, SQL_OIDC_RT_REVOKE_USER_CLIENT, DB_STR("consent_revoked"),
	    DB_INT(user), DB_STR(client_id));
}

enum gh_err
store_oidc_refresh_tag(struct db *db, struct arena *a, long long rt, long long client,
    const char *scope, long long auth_time)
{
	return DB_RUN(db, a, SQL_OIDC_RT_TAG, DB_INT(client), DB_STR(scope), DB_INT(auth_time),
	    DB_INT(rt));
}

enum gh_err
store_oidc_refresh_cap(struct db *db, struct arena *a, long long rt, long long ttl)
{
	return DB_RUN(db, a, SQL_OIDC_RT_CAP, DB_INT(ttl), DB_INT(rt));
}

enum gh_err
store_oidc_refresh_revoke_client(struct db *db, struct arena *a, long long client,
    const char *reason)
{
	return DB_RUN(db, a, SQL_OIDC_RT_REVOKE_CLIENT, DB_STR(reason), DB_INT(client));
}

enum gh_err
store_oidc_family_live(struct db *db, struct arena *a, const unsigned char family[16], int *live)
{
	long long	 n = 0;
	enum gh_err	 err;

	err = DB_VALUE(db, a, SQL_OIDC_FAMILY_LIVE, 0, &n, DB_BLOB(family, 16));
	*live = n > 0;
	return err;
}
