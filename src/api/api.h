/*
 * api.h: the route table and the handlers, one file per resource under api/.
 *
 * A handler answers with resp_json()/resp_status() and returns GH_OK, or returns an error for the
 * dispatcher to render.  It never frees: everything belongs to req->arena.
 */
#ifndef GH_API_H
#define GH_API_H

#include <stddef.h>

#include <cJSON.h>

#include "core/err.h"
#include "http/request.h"
#include "http/router.h"

extern const struct route	api_routes[];
extern const size_t		api_nroutes;

/* api/health.c */
enum gh_err	api_healthz(struct request *);
enum gh_err	api_readyz(struct request *);
enum gh_err	api_metrics(struct request *);
enum gh_err	api_debug_sleep(struct request *);

/* api/auth.c */
enum gh_err	api_login(struct request *);
enum gh_err	api_refresh(struct request *);
enum gh_err	api_logout(struct request *);
enum gh_err	api_logout_all(struct request *);
enum gh_err	api_auth_check(struct request *);
enum gh_err	api_jwks(struct request *);

/* api/me.c */
enum gh_err	api_me(struct request *);
enum gh_err	api_me_password(struct request *);
enum gh_err	api_me_update(struct request *);
enum gh_err	api_me_orgs(struct request *);
enum gh_err	api_me_switch_org(struct request *);

/* api/roles.c */
enum gh_err	api_roles_list(struct request *);
enum gh_err	api_role_get(struct request *);
enum gh_err	api_role_create(struct request *);
enum gh_err	api_role_update(struct request *);
enum gh_err	api_role_delete(struct request *);
enum gh_err	api_role_perms_list(struct request *);
enum gh_err	api_role_perms_replace(struct request *);
enum gh_err	api_role_perms_add(struct request *);
enum gh_err	api_role_perms_remove(struct request *);
enum gh_err	api_me_permissions(struct request *);

/* api/permissions.c */
enum gh_err	api_perms_list(struct request *);
enum gh_err	api_perm_get(struct request *);
enum gh_err	api_perm_create(struct request *);
enum gh_err	api_perm_update(struct request *);
enum gh_err	api_perm_delete(struct request *);
enum gh_err	api_eps_list(struct request *);
enum gh_err	api_ep_get(struct request *);
enum gh_err	api_ep_create(struct request *);
enum gh_err	api_ep_update(struct request *);
enum gh_err	api_ep_delete(struct request *);

/* api/user_roles.c */
enum gh_err	api_user_roles_list(struct request *);
enum gh_err	api_user_roles_replace(struct request *);
enum gh_err	api_user_roles_add(struct request *);
enum gh_err	api_user_roles_remove(struct request *);

#endif
