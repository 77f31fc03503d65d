/*
 * teams.h: handlers and routes of the teams admin API (issue 5).  ROUTES_TEAMS is spliced into
 * api_routes[] (api/routes.c); its statements are SQL_STATEMENTS_TEAMS in store/sql_teams.h.
 */
#ifndef GH_API_TEAMS_H
#define GH_API_TEAMS_H

#include "core/err.h"
#include "http/request.h"

enum gh_err	api_teams_list(struct request *);
enum gh_err	api_team_get(struct request *);
enum gh_err	api_team_create(struct request *);
enum gh_err	api_team_update(struct request *);
enum gh_err	api_team_delete(struct request *);
enum gh_err	api_team_members_list(struct request *);
enum gh_err	api_team_member_get(struct request *);
enum gh_err	api_team_member_add(struct request *);
enum gh_err	api_team_member_update(struct request *);
enum gh_err	api_team_member_remove(struct request *);

#define ROUTES_TEAMS \
	{ HTTP_GET, "/api/v1/teams", api_teams_list, 0, "list teams" }, \
	{ HTTP_POST, "/api/v1/teams", api_team_create, ROUTE_BODY, "create a team" }, \
	{ HTTP_GET, "/api/v1/teams/{id}", api_team_get, 0, "read a team" }, \
	{ HTTP_PATCH, "/api/v1/teams/{id}", api_team_update, ROUTE_BODY, \
	  "rename or describe a team" }, \
	{ HTTP_DELETE, "/api/v1/teams/{id}", api_team_delete, 0, \
	  "delete a team and its memberships" }, \
	{ HTTP_GET, "/api/v1/teams/{id}/members", api_team_members_list, 0, \
	  "list the members of a team" }, \
	{ HTTP_POST, "/api/v1/teams/{id}/members", api_team_member_add, ROUTE_BODY, \
	  "add a member of the team's organization to a team" }, \
	{ HTTP_GET, "/api/v1/teams/{id}/members/{user_id}", api_team_member_get, 0, \
	  "read a team membership" }, \
	{ HTTP_PATCH, "/api/v1/teams/{id}/members/{user_id}", api_team_member_update, ROUTE_BODY, \
	  "set a member's role in a team (member or lead)" }, \
	{ HTTP_DELETE, "/api/v1/teams/{id}/members/{user_id}", api_team_member_remove, 0, \
	  "remove a member from a team" },

#endif
