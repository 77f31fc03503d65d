/*
 * orgs.h: handlers and routes of the orgs admin API (issue 5): organizations and their members
 * (user_organization).  ROUTES_ORGS is spliced into api_routes[] (api/routes.c); its statements
 * are SQL_STATEMENTS_ORGS in store/sql_orgs.h; the endpoint mappings are in sql/0004_orgs.sql.
 */
#ifndef GH_API_ORGS_H
#define GH_API_ORGS_H

#include "core/err.h"
#include "http/request.h"

enum gh_err	 api_orgs_list(struct request *);
enum gh_err	 api_org_get(struct request *);
enum gh_err	 api_org_create(struct request *);
enum gh_err	 api_org_update(struct request *);
enum gh_err	 api_org_delete(struct request *);
enum gh_err	 api_org_members_list(struct request *);
enum gh_err	 api_org_member_get(struct request *);
enum gh_err	 api_org_member_add(struct request *);
enum gh_err	 api_org_member_remove(struct request *);
enum gh_err	 api_org_member_update(struct request *);
enum gh_err	 api_org_member_primary(struct request *);

#define ROUTES_ORGS \
	{ HTTP_GET, "/api/v1/organizations", api_orgs_list, 0, "list organizations" }, \
	{ HTTP_POST, "/api/v1/organizations", api_org_create, ROUTE_BODY, \
	  "create an organization (platform callers)" }, \
	{ HTTP_GET, "/api/v1/organizations/{id}", api_org_get, 0, "read an organization" }, \
	{ HTTP_PATCH, "/api/v1/organizations/{id}", api_org_update, ROUTE_BODY, \
	  "rename, describe, suspend or reactivate an organization" }, \
	{ HTTP_DELETE, "/api/v1/organizations/{id}", api_org_delete, 0, \
	  "delete an organization (?cascade=true removes what it holds)" }, \
	{ HTTP_GET, "/api/v1/organizations/{id}/members", api_org_members_list, 0, \
	  "list an organization's members" }, \
	{ HTTP_POST, "/api/v1/organizations/{id}/members", api_org_member_add, ROUTE_BODY, \
	  "add a user to an organization" }, \
	{ HTTP_GET, "/api/v1/organizations/{id}/members/{user_id}", api_org_member_get, 0, \
	  "read one membership" }, \
	{ HTTP_PATCH, "/api/v1/organizations/{id}/members/{user_id}", api_org_member_update, \
	  ROUTE_BODY, "suspend or reactivate a membership (this organization's tokens only)" }, \
	{ HTTP_DELETE, "/api/v1/organizations/{id}/members/{user_id}", api_org_member_remove, 0, \
	  "remove a member with the roles held there" }, \
	{ HTTP_PUT, "/api/v1/organizations/{id}/members/{user_id}/primary", api_org_member_primary, 0, \
	  "make this organization the member's primary one" },

#endif
