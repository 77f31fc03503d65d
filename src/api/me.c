/*
 * me.c: the caller's own profile and password.
 */
#include <string.h>

#include <cJSON.h>
#include <sodium.h>

#include "api/api.h"
#include "api/common.h"
#include "auth/authn.h"
#include "auth/lockout.h"
#include "auth/password.h"
#include "auth/policy.h"
#include "auth/session.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "http/body.h"
#include "store/account.h"
#include "store/audit.h"
#include "store/refresh.h"
#include "store/db.h"
#include "store/user.h"

static void
json_free(void *p)
{
	cJSON_Delete(p);
}

enum gh_err
api_me(struct request *req)
{
	struct session_user	 su;
	struct user_org		*uo;
	enum gh_err		 err;
	cJSON			*o, *u, *orgs, *it, *org = NULL;
	size_t			 i, n;

	if ((err = api_user_object(req, req->auth.user_id, &u)) != GH_OK)
		return err;
	memset(&su, 0, sizeof(su));
	su.id = req->auth.user_id;
	su.org = req->auth.org_id;
	su.mv = req->auth.mv;
	if ((err = session_load_roles(req, &su)) != GH_OK)
		return err;
	if ((err = store_user_orgs(req->w->db, req->arena, req->auth.user_id, &uo, &n)) != GH_OK)
		return err;
	o = cJSON_CreateObject();
	arena_cleanup(req->arena, json_free, o);
	cJSON_AddItemReferenceToObject(o, "user", u);
	orgs = cJSON_CreateArray();
	for (i = 0; i < n; i++) {
		it = cJSON_CreateObject();
		cJSON_AddNumberToObject(it, "id", (double)uo[i].id);
		cJSON_AddStringToObject(it, "slug", uo[i].slug);
		cJSON_AddStringToObject(it, "name", uo[i].name);
		cJSON_AddBoolToObject(it, "is_primary", uo[i].is_primary);
		cJSON_AddItemToArray(orgs, it);
		if (uo[i].id == req->auth.org_id) {
			org = cJSON_CreateObject();
			cJSON_AddNumberToObject(org, "id", (double)uo[i].id);
			cJSON_AddStringToObject(org, "slug", uo[i].slug);
			cJSON_AddStringToObject(org, "name", uo[i].name);
		}
	}
	if (org != NULL)
		cJSON_AddItemToObject(o, "organization", org);
	else
		cJSON_AddNullToObject(o, "organization");
	cJSON_AddItemReferenceToObject(o, "roles", su.roles_json);
	cJSON_AddItemToObject(o, "organizations", orgs);
	resp_json(req, 200, o);
	return GH_OK;
}

enum gh_err
api_me_password(struct request *req)
{
	static const char *const fields[] = { "current_password", "new_password", NULL };
	const struct gh_config	*cfg = req->w->cfg;
	struct session_user	 su;
	const char		*cur, *npw;
	struct account		 acct;
	char			 hash[crypto_pwhash_STRBYTES], *access;
	long long		 ttl;
	enum gh_err		 err;
	cJSON			*o;

	if ((err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "current_password", BODY_REQUIRED, 1, 1024, &cur)) != GH_OK ||
	    (err = body_str(req, "new_password", BODY_REQUIRED, 1, 4096, &npw)) != GH_OK)
		return err;
	if ((err = policy_check_password(req, req->auth.org_id, npw, "new_password")) != GH_OK)
		return err;
	if (strcmp(cur, npw) == 0)
		return req_fail(req, GH_ERR_PASSWORD_POLICY, "new_password",
		    "the new password must differ from the current one");
	err = store_account_get(req->w->db, req->arena, req->auth.user_id, &acct);
	if (err != GH_OK && err != GH_ERR_NOT_FOUND)
		return err;
	if (err == GH_ERR_NOT_FOUND ||
	    password_verify(acct.password_hash, cur, strlen(cur)) != 1) {
		/* A stolen access token must not become an unlimited password oracle. */
		lockout_failure(req, req->auth.user_id, req->auth.org_id);
		return req_fail(req, GH_ERR_INVALID_CREDENTIALS, "current_password",
		    "the current password is wrong");
	}
	if (password_hash(npw, strlen(npw), (unsigned long long)cfg->pwhash_opslimit,
	    (size_t)cfg->pwhash_memlimit_kib * 1024, hash) != 0)
		return GH_ERR_INTERNAL;

	memset(&su, 0, sizeof(su));
	su.id = req->auth.user_id;
	su.org = req->auth.org_id;
	su.mv = req->auth.mv;
	if (session_sid_decode(req->auth.sid ? req->auth.sid : "", su.family) != 0)
		return req_fail(req, GH_ERR_TOKEN_INVALID, NULL, "the token names no session");
	if ((err = db_begin(req->w->db)) != GH_OK)
		goto out;
	if ((err = store_account_set_password(req->w->db, req->arena, su.id, hash)) != GH_OK)
		goto fail;
	/* Every other session ends; this one continues with a new access token. */
	if ((err = store_refresh_revoke_user_except(req->w->db, req->arena, su.id, su.family,
	    "password_change")) != GH_OK)
		goto fail;
	(void)audit_auth(req, su.id, su.org, "auth.password.change", NULL);
	if ((err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	sodium_memzero(hash, sizeof(hash));
	if ((err = session_pv_publish(req, su.id)) != GH_OK)
		return req_fail(req, err, NULL, "the password was changed but the token store is "
		    "unreachable; log in again when it returns");
	if ((err = session_pv_fill(req, su.id, &su.pv)) != GH_OK ||
	    (err = session_load_roles(req, &su)) != GH_OK ||
	    (err = session_access_token(req, &su, &access, &ttl)) != GH_OK)
		return err;
	o = cJSON_CreateObject();
	arena_cleanup(req->arena, json_free, o);
	cJSON_AddStringToObject(o, "access_token", access);
	cJSON_AddStringToObject(o, "token_type", "Bearer");
	cJSON_AddNumberToObject(o, "expires_in", (double)ttl);
	resp_json(req, 200, o);
	return GH_OK;
fail:
	db_rollback(req->w->db);
out:
	sodium_memzero(hash, sizeof(hash));
	return err;
}
