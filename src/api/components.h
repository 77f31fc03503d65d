/*
 * components.h: handlers and routes of the UI components API (issue 6): the component tree
 * (ui_components), the actions on each component (component_permissions), the actions a role
 * holds (role_component_permissions) and the caller's navigation.  ROUTES_COMPONENTS is spliced
 * into api_routes[] (api/routes.c); its statements are SQL_STATEMENTS_COMPONENTS in
 * store/sql_components.h.
 */
#ifndef GH_API_COMPONENTS_H
#define GH_API_COMPONENTS_H

#include "core/err.h"
#include "http/request.h"

enum gh_err	api_components_list(struct request *);
enum gh_err	api_component_get(struct request *);
enum gh_err	api_component_create(struct request *);
enum gh_err	api_component_update(struct request *);
enum gh_err	api_component_delete(struct request *);
enum gh_err	api_component_actions_list(struct request *);
enum gh_err	api_component_action_get(struct request *);
enum gh_err	api_component_action_create(struct request *);
enum gh_err	api_component_action_update(struct request *);
enum gh_err	api_component_action_delete(struct request *);
enum gh_err	api_role_components_list(struct request *);
enum gh_err	api_role_components_replace(struct request *);
enum gh_err	api_role_components_add(struct request *);
enum gh_err	api_role_components_remove(struct request *);
enum gh_err	api_me_navigation(struct request *);

#define ROUTES_COMPONENTS \
	{ HTTP_GET, "/api/v1/ui-components", api_components_list, 0, "list UI components" }, \
	{ HTTP_POST, "/api/v1/ui-components", api_component_create, ROUTE_BODY, \
	  "create a UI component" }, \
	{ HTTP_GET, "/api/v1/ui-components/{id}", api_component_get, 0, "read a UI component" }, \
	{ HTTP_PATCH, "/api/v1/ui-components/{id}", api_component_update, ROUTE_BODY, \
	  "change, move or (de)activate a UI component" }, \
	{ HTTP_DELETE, "/api/v1/ui-components/{id}", api_component_delete, 0, \
	  "delete a UI component without children, its actions and their grants" }, \
	{ HTTP_GET, "/api/v1/ui-components/{id}/actions", api_component_actions_list, 0, \
	  "the actions of a UI component" }, \
	{ HTTP_POST, "/api/v1/ui-components/{id}/actions", api_component_action_create, ROUTE_BODY, \
	  "add an action (VIEW, CREATE, EDIT, DELETE) to a UI component" }, \
	{ HTTP_GET, "/api/v1/ui-components/{id}/actions/{action}", api_component_action_get, 0, \
	  "read an action of a UI component" }, \
	{ HTTP_PATCH, "/api/v1/ui-components/{id}/actions/{action}", api_component_action_update, \
	  ROUTE_BODY, "describe or (de)activate an action of a UI component" }, \
	{ HTTP_DELETE, "/api/v1/ui-components/{id}/actions/{action}", api_component_action_delete, \
	  0, "delete an action of a UI component and its grants" }, \
	{ HTTP_GET, "/api/v1/roles/{id}/components", api_role_components_list, 0, \
	  "the UI component actions a role grants" }, \
	{ HTTP_PUT, "/api/v1/roles/{id}/components", api_role_components_replace, ROUTE_BODY, \
	  "replace the UI component actions a role grants" }, \
	{ HTTP_POST, "/api/v1/roles/{id}/components", api_role_components_add, ROUTE_BODY, \
	  "grant a role one UI component action" }, \
	{ HTTP_DELETE, "/api/v1/roles/{id}/components/{component_key}/{action}", \
	  api_role_components_remove, 0, "revoke one UI component action from a role" }, \
	{ HTTP_GET, "/api/v1/me/navigation", api_me_navigation, 0, \
	  "the UI components the caller may see in the active organization, as a tree" },

#endif
