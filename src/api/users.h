/*
 * users.h: handlers and routes of the users admin API (issue 5).  ROUTES_USERS is spliced into
 * api_routes[] (api/routes.c); its statements are SQL_STATEMENTS_USERS in store/sql_users.h.
 * The contract is docs/api-users.md.
 */
#ifndef GH_API_USERS_H
#define GH_API_USERS_H

#include "core/err.h"
#include "http/request.h"

enum gh_err	api_users_list(struct request *);
enum gh_err	api_user_get(struct request *);
enum gh_err	api_user_create(struct request *);
enum gh_err	api_user_update(struct request *);
enum gh_err	api_user_delete(struct request *);
enum gh_err	api_user_disable(struct request *);
enum gh_err	api_user_enable(struct request *);
enum gh_err	api_user_lock(struct request *);
enum gh_err	api_user_unlock(struct request *);
enum gh_err	api_user_expire_credentials(struct request *);
enum gh_err	api_user_end_sessions(struct request *);

#define ROUTES_USERS \
	{ HTTP_GET, "/api/v1/users", api_users_list, 0, \
	  "list and search users (q, organization_id, role, team, status, sort)" }, \
	{ HTTP_POST, "/api/v1/users", api_user_create, ROUTE_BODY, \
	  "create a user with a password, or invite one" }, \
	{ HTTP_GET, "/api/v1/users/{id}", api_user_get, 0, "read a user" }, \
	{ HTTP_PATCH, "/api/v1/users/{id}", api_user_update, ROUTE_BODY, \
	  "change a user's profile, username or email" }, \
	{ HTTP_DELETE, "/api/v1/users/{id}", api_user_delete, 0, \
	  "delete a user (soft: personal data scrubbed)" }, \
	{ HTTP_POST, "/api/v1/users/{id}/disable", api_user_disable, 0, \
	  "disable a user and end their sessions" }, \
	{ HTTP_POST, "/api/v1/users/{id}/enable", api_user_enable, 0, "enable a user" }, \
	{ HTTP_POST, "/api/v1/users/{id}/lock", api_user_lock, 0, \
	  "lock a user until unlocked and end their sessions" }, \
	{ HTTP_POST, "/api/v1/users/{id}/unlock", api_user_unlock, 0, \
	  "lift a lock and clear the failed-login count" }, \
	{ HTTP_POST, "/api/v1/users/{id}/expire-credentials", api_user_expire_credentials, 0, \
	  "make the user's password expired" }, \
	{ HTTP_POST, "/api/v1/users/{id}/end-sessions", api_user_end_sessions, 0, \
	  "end every session of a user" },

#endif
