/*
 * components.c: the console's UI components (seed 004 ui_components, component_permissions,
 * role_component_permissions; seed 000's menus and pages are the same rows) and the caller's
 * navigation.
 *
 * Components form a tree through parent_id (menu -> page -> sub-page).  They are one catalogue
 * for every organization, like the permission catalogue: the components.* permission of a route
 * is all a caller needs to manage it.  Each component has up to four actions (VIEW, CREATE,
 * EDIT, DELETE); roles are granted actions.  Granting follows the rules of role permissions
 * (auth/authn.c authn_role_writable): platform callers change any role, organization callers
 * only their own organization's roles (never shared or system ones) and only with actions their
 * own roles hold.
 *
 * These rows only shape the console; the server enforces with role_permissions.  So no change
 * here touches tokens, permission_version or the authorization tables: /me/navigation reads
 * MySQL on every request and sees every change at once.
 *
 * Moving a component (parent_id) and deleting one lock every ui_components row in id order
 * first, so two concurrent moves can neither build a cycle nor deadlock.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "api/api.h"
#include "api/common.h"
#include "api/routes.h"
#include "auth/authn.h"
#include "auth/authz.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "core/valid.h"
#include "http/body.h"
#include "store/audit.h"
#include "store/component.h"
#include "store/db.h"
#include "store/role.h"

#define KEY_MAX		100
#define NAME_MAX_	100
#define DESC_MAX	500
#define CATEGORY_MAX	50
#define ROUTE_MAX	255
#define ICON_MAX	64
#define ORDER_MIN	(-2147483647LL - 1)
#define ORDER_MAX	2147483647LL
#define TREE_DEPTH_MAX	64	/* levels /me/navigation follows; deeper nodes are not shown */
#define GRANTS_MAX	1000	/* grants in one PUT */

/* In the order of the column's ENUM, which is the order lists use. */
static const char *const actions[] = { "VIEW", "CREATE", "EDIT", "DELETE", NULL };

static int
action_index(const char *s)
{
	int	 i;

	for (i = 0; s != NULL && actions[i] != NULL; i++)
		if (strcmp(s, actions[i]) == 0)
			return i;
	return -1;
}

/* ^[a-z0-9][a-z0-9-]{0,99}$ */
static int
valid_key(const char *s)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		    (s[i] == '-' && i > 0)))
			return 0;
	return i >= 1 && i <= KEY_MAX;
}

/* Text without non-printing characters (valid_printable) and without a space at either end. */
static int
valid_label(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n = strlen(s);

	if (!valid_printable(s))
		return 0;
	return n > 0 && !isspace(p[0]) && !isspace(p[n - 1]);
}

/*
 * A route inside the application: "/" then URL path, query and fragment characters (RFC 3986,
 * without quotes, backslashes or spaces), never "//" at the start (another host).
 */
static int
valid_route(const char *s)
{
	size_t	 i;

	if (s[0] != '/' || s[1] == '/')
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (!isalnum((unsigned char)s[i]) && strchr("-._~!$&()*+,;=:@/?#%", s[i]) == NULL)
			return 0;
	return 1;
}

/* An icon name: letters, digits and _ . : - */
static int
valid_icon(const char *s)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if (!isalnum((unsigned char)s[i]) && strchr("_.:-", s[i]) == NULL)
			return 0;
	return i > 0;
}

/* Both NULL, or equal text. */
static int
same(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

API_RENDERER(comp_json, struct component,
    API_F(NUM, id) API_F(STR, key) API_F(STR, display_name) API_F(STR, description)
    API_F(STR, category) API_F(STR, route) API_F(STR, icon) API_F(NUM, display_order)
    API_F(ID, parent_id) API_F(BOOL, is_active) API_F_AUDIT)

API_RENDERER(action_json, struct component_action,
    API_F(NUM, id) API_F(NUM, component_id) API_F(STR, component_key) API_F(STR, action)
    API_F(STR, description) API_F(BOOL, is_active) API_F_AUDIT)

/* Add text s to the array member name of o, creating it. */
static void
detail_add(cJSON *o, const char *name, const char *s)
{
	cJSON	*a = cJSON_GetObjectItemCaseSensitive(o, name);

	if (a == NULL)
		a = cJSON_AddArrayToObject(o, name);
	cJSON_AddItemToArray(a, cJSON_CreateString(s));
}

/* ------------------------------------------------------------------------------------------ */
/* Components */

/* Read component id (locked when lock); 404 when there is none. */
static enum gh_err
comp_load(struct request *req, long long id, int lock, struct component *c)
{
	return api_found(req, store_component_get(req->w->db, req->arena, id, lock, c),
	    "no UI component %lld", id);
}

/* The fields of a component body; set says which were given (PATCH keeps the others). */
struct comp_in {
	const char	*key, *name, *desc, *cat, *route, *icon;
	long long	 order, parent;		/* parent 0 = top level */
	int		 active;
	int		 set_key, set_name, set_desc, set_cat, set_route, set_icon;
	int		 set_order, set_parent, set_active;
};

/*
 * A nullable text member: *set when it is in the body, *out NULL when it is null.  ok checks
 * the text (why is the message when it fails).
 */
static enum gh_err
opt_text(struct request *req, const char *name, size_t min, size_t max, int (*ok)(const char *),
    const char *why, int *set, const char **out)
{
	enum gh_err	 err;

	if ((err = body_str_nullable(req, name, min, max, set, out)) != GH_OK)
		return err;
	if (ok != NULL && *out != NULL && !ok(*out))
		return req_fail(req, GH_ERR_VALIDATION, name, "%s", why);
	return GH_OK;
}

static enum gh_err
comp_parse(struct request *req, int create, struct comp_in *in)
{
	static const char *const fields[] = { "key", "display_name", "description", "category",
	    "route", "icon", "display_order", "parent_id", "is_active", NULL };
	const cJSON	*v;
	enum gh_err	 err;

	memset(in, 0, sizeof(*in));
	in->active = 1;
	if ((err = body_only(req, fields)) != GH_OK ||
	    (err = opt_text(req, "key", 1, KEY_MAX, valid_key,
	    "a key is 1-100 characters: lower-case letters, digits and -, not starting with -",
	    &in->set_key, &in->key)) != GH_OK ||
	    (err = opt_text(req, "display_name", 1, NAME_MAX_, valid_label,
	    "display_name cannot hold non-printing characters nor start or end with a space",
	    &in->set_name, &in->name)) != GH_OK ||
	    (err = opt_text(req, "description", 0, DESC_MAX, NULL, NULL, &in->set_desc,
	    &in->desc)) != GH_OK ||
	    (err = opt_text(req, "category", 1, CATEGORY_MAX, valid_label,
	    "category cannot hold non-printing characters nor start or end with a space",
	    &in->set_cat, &in->cat)) != GH_OK ||
	    (err = opt_text(req, "route", 1, ROUTE_MAX, valid_route,
	    "route is a path in the application: it starts with one / and holds URL characters",
	    &in->set_route, &in->route)) != GH_OK ||
	    (err = opt_text(req, "icon", 1, ICON_MAX, valid_icon,
	    "icon is a name of letters, digits and _ . : -", &in->set_icon, &in->icon)) != GH_OK)
		return err;
	if ((in->set_key || create) && in->key == NULL)
		return req_fail(req, GH_ERR_VALIDATION, "key", "key is required");
	if ((in->set_name || create) && in->name == NULL)
		return req_fail(req, GH_ERR_VALIDATION, "display_name", "display_name is required");
	v = cJSON_GetObjectItemCaseSensitive(req->json, "display_order");
	if (v != NULL && ((err = body_int(req, "display_order", BODY_REQUIRED, ORDER_MIN, ORDER_MAX,
	    &in->order, &in->set_order)) != GH_OK))
		return err;
	v = cJSON_GetObjectItemCaseSensitive(req->json, "parent_id");
	if (v != NULL) {
		in->set_parent = 1;
		if (!cJSON_IsNull(v) && (err = body_int(req, "parent_id", BODY_REQUIRED, 1,
		    999999999999999LL, &in->parent, NULL)) != GH_OK)
			return req_fail(req, GH_ERR_VALIDATION, "parent_id",
			    "parent_id is a component id, or null for the top level");
	}
	return body_bool(req, "is_active", 0, &in->active, &in->set_active);
}

/*
 * Check that parent exists (locking it, so that it cannot be deleted before the caller commits)
 * and, when self is a component being moved, that self is not parent nor one of its ancestors.
 * *category gets the parent's category.
 */
static enum gh_err
parent_check(struct request *req, long long parent, long long self, const char **category)
{
	struct component c;
	long long	 cur = parent;
	enum gh_err	 err;
	int		 steps;

	*category = NULL;
	for (steps = 0; cur > 0; steps++) {
		if (cur == self || steps > 10000)
			return req_fail(req, GH_ERR_VALIDATION, "parent_id",
			    "component %lld is below this one: the tree would have a cycle", parent);
		err = store_component_get(req->w->db, req->arena, cur, 1, &c);
		if (err == GH_ERR_NOT_FOUND) {
			if (cur == parent)
				return req_fail(req, GH_ERR_VALIDATION, "parent_id",
				    "no UI component %lld", parent);
			break;
		}
		if (err != GH_OK)
			return err;
		if (cur == parent)
			*category = c.category;
		if (self <= 0)
			break;		/* a new component has no descendants */
		cur = c.parent_id;
	}
	return GH_OK;
}

enum gh_err
api_components_list(struct request *req)
{
	struct db_keyset	 ks;
	struct component_filter	 f;
	struct component	*rows;
	const char		*cat = req_query(req, "category"), *par = req_query(req, "parent_id");
	size_t			 n;
	enum gh_err		 err;

	memset(&f, 0, sizeof(f));
	f.parent = -1;
	if ((err = api_keyset_parse(req, &ks)) != GH_OK ||
	    (err = api_query_bool(req, "active", &f.active)) != GH_OK)
		return err;
	if (cat != NULL && (utf8_len(cat) == (size_t)-1 || utf8_len(cat) > CATEGORY_MAX))
		return req_fail(req, GH_ERR_VALIDATION, "category",
		    "category is up to %d characters", CATEGORY_MAX);
	if (par != NULL && strcmp(par, "null") == 0)
		f.parent = 0;
	else if ((err = api_query_int(req, "parent_id", 0, LLONG_MAX,
	    "parent_id is a component id, or 0 or null for the top level", &f.parent)) != GH_OK)
		return err;
	f.category = cat;
	if ((err = store_component_list(req->w->db, req->arena, &f, &ks, &rows, &n)) != GH_OK)
		return err;
	API_PAGE_RESPOND(req, rows, n, ks.limit, comp_json);
	return GH_OK;
}

API_GET_BY_ID(api_component_get, struct component, comp_load(req, id, 0, &row), comp_json)

enum gh_err
api_component_create(struct request *req)
{
	struct comp_in	 in;
	struct component c;
	const char	*pcat = NULL;
	long long	 id;
	enum gh_err	 err;
	cJSON		*details;

	if ((err = comp_parse(req, 1, &in)) != GH_OK)
		return err;
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if (in.parent > 0 && (err = parent_check(req, in.parent, 0, &pcat)) != GH_OK)
		return err;
	/* A page takes its menu's category unless it names one. */
	if (!in.set_cat)
		in.cat = pcat;
	memset(&c, 0, sizeof(c));
	c.key = in.key;
	c.display_name = in.name;
	c.description = in.desc;
	c.category = in.cat;
	c.route = in.route;
	c.icon = in.icon;
	c.display_order = in.order;
	c.parent_id = in.parent;
	c.is_active = in.active;
	if ((err = api_unique(req, store_component_insert(req->w->db, req->arena, &c,
	    req->auth.user_id, &id), "key", "a UI component with key %s exists", in.key)) != GH_OK)
		return err;
	details = api_object(req);
	cJSON_AddStringToObject(details, "key", in.key);
	(void)audit_change(req, "component.create", "ui_component", id, req->auth.org_id,
	    details);
	if ((err = comp_load(req, id, 0, &c)) != GH_OK)
		return err;
	return api_commit_entity(req, 201, comp_json(req, &c),
	    arena_printf(req->arena, "/api/v1/ui-components/%lld", id));
}

enum gh_err
api_component_update(struct request *req)
{
	struct comp_in	 in;
	struct component c, up;
	const char	*pcat;
	long long	 id;
	enum gh_err	 err;
	cJSON		*details, *changed;

	if ((err = api_id_param(req, 0, &id)) != GH_OK || (err = comp_parse(req, 0, &in)) != GH_OK)
		return err;
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((in.set_parent && (err = store_component_lock_all(req->w->db,
	    req->arena)) != GH_OK) ||
	    (err = comp_load(req, id, 1, &c)) != GH_OK ||
	    (err = api_if_match(req, comp_json(req, &c))) != GH_OK)
		return err;
	details = api_object(req);
	changed = cJSON_AddArrayToObject(details, "changed");
	up = c;
#define FIELD(member, flag, var, label) \
	if (in.flag && !same(in.var, up.member)) { \
		up.member = in.var; \
		cJSON_AddItemToArray(changed, cJSON_CreateString(label)); \
	}
	FIELD(key, set_key, key, "key")
	FIELD(display_name, set_name, name, "display_name")
	FIELD(description, set_desc, desc, "description")
	FIELD(category, set_cat, cat, "category")
	FIELD(route, set_route, route, "route")
	FIELD(icon, set_icon, icon, "icon")
#undef FIELD
	if (in.set_order && in.order != up.display_order) {
		up.display_order = in.order;
		cJSON_AddItemToArray(changed, cJSON_CreateString("display_order"));
	}
	if (in.set_active && in.active != up.is_active) {
		up.is_active = in.active;
		cJSON_AddItemToArray(changed, cJSON_CreateString("is_active"));
	}
	if (in.set_parent && in.parent != c.parent_id) {
		if (in.parent > 0 && (err = parent_check(req, in.parent, id, &pcat)) != GH_OK)
			return err;
		up.parent_id = in.parent;
		cJSON_AddItemToArray(changed, cJSON_CreateString("parent_id"));
		cJSON_AddNumberToObject(details, "from_parent_id", (double)c.parent_id);
		cJSON_AddNumberToObject(details, "to_parent_id", (double)up.parent_id);
	}
	if (cJSON_GetArraySize(changed) > 0) {
		if ((err = api_unique(req, store_component_update(req->w->db, req->arena, &up,
		    req->auth.user_id), "key", "a UI component with key %s exists",
		    up.key)) != GH_OK)
			return err;
		cJSON_AddStringToObject(details, "key", up.key);
		(void)audit_change(req, "component.update", "ui_component", id, req->auth.org_id,
		    details);
		if ((err = comp_load(req, id, 0, &c)) != GH_OK)
			return err;
	}
	return api_commit_entity(req, 200, comp_json(req, &c), NULL);
}

enum gh_err
api_component_delete(struct request *req)
{
	struct component c;
	long long	 id, children, nactions, grants;
	enum gh_err	 err;
	cJSON		*details;

	if ((err = api_id_begin(req, &id)) != GH_OK ||
	    (err = store_component_lock_all(req->w->db, req->arena)) != GH_OK ||
	    (err = comp_load(req, id, 1, &c)) != GH_OK ||
	    (err = api_if_match(req, comp_json(req, &c))) != GH_OK ||
	    (err = store_component_children(req->w->db, req->arena, id, &children)) != GH_OK)
		return err;
	if (children > 0)
		return req_fail(req, GH_ERR_IN_USE, NULL, "UI component %s has %lld child component%s: "
		    "move or delete them first", c.key, children, children == 1 ? "" : "s");
	if ((err = store_component_uses(req->w->db, req->arena, id, &nactions, &grants)) != GH_OK)
		return err;
	details = api_object(req);
	cJSON_AddStringToObject(details, "key", c.key);
	cJSON_AddNumberToObject(details, "actions", (double)nactions);
	cJSON_AddNumberToObject(details, "grants", (double)grants);
	/* Its actions and their grants to roles go with it (ON DELETE CASCADE). */
	if ((err = store_component_delete(req->w->db, req->arena, id)) != GH_OK)
		return err;
	(void)audit_change(req, "component.delete", "ui_component", id, req->auth.org_id, details);
	return api_commit_status(req, 204);
}

/* ------------------------------------------------------------------------------------------ */
/* Actions of a component (component_permissions) */

/* Component id and action of the path: route parameters 0 and 1 (404 when either is wrong). */
static enum gh_err
action_params(struct request *req, long long *id, const char **action)
{
	enum gh_err	 err;

	if ((err = api_id_param(req, 0, id)) != GH_OK)
		return err;
	*action = req_param(req, 1);
	if (action_index(*action) < 0)
		return req_fail(req, GH_ERR_NOT_FOUND, NULL,
		    "an action is VIEW, CREATE, EDIT or DELETE");
	return GH_OK;
}

static enum gh_err
action_load(struct request *req, long long comp, const char *action, int lock,
    struct component_action *ca)
{
	return api_found(req, store_component_action_get(req->w->db, req->arena, comp, action, lock, ca),
	    "UI component %lld has no action %s", comp, action);
}

static cJSON *
action_details(struct request *req, const struct component_action *ca)
{
	cJSON	*d = api_object(req);

	cJSON_AddStringToObject(d, "key", ca->component_key);
	cJSON_AddStringToObject(d, "action", ca->action);
	cJSON_AddNumberToObject(d, "component_permission_id", (double)ca->id);
	return d;
}

enum gh_err
api_component_actions_list(struct request *req)
{
	struct component	 c;
	struct component_action	*rows;
	long long		 id;
	enum gh_err		 err;
	cJSON			*items;
	size_t			 i, n;

	if ((err = api_id_param(req, 0, &id)) != GH_OK ||
	    (err = comp_load(req, id, 0, &c)) != GH_OK ||
	    (err = store_component_action_list(req->w->db, req->arena, id, &rows, &n)) != GH_OK)
		return err;
	items = api_array(req);
	for (i = 0; i < n; i++)
		cJSON_AddItemReferenceToArray(items, action_json(req, &rows[i]));
	api_page_respond(req, items, 0);
	return GH_OK;
}

enum gh_err
api_component_action_get(struct request *req)
{
	struct component	 c;
	struct component_action	 ca;
	const char		*action;
	long long		 id;
	enum gh_err		 err;

	if ((err = action_params(req, &id, &action)) != GH_OK ||
	    (err = comp_load(req, id, 0, &c)) != GH_OK ||
	    (err = action_load(req, id, action, 0, &ca)) != GH_OK)
		return err;
	return api_entity(req, 200, action_json(req, &ca), NULL);
}

enum gh_err
api_component_action_create(struct request *req)
{
	static const char *const fields[] = { "action", "description", "is_active", NULL };
	struct component	 c;
	struct component_action	 ca;
	const char		*action, *desc;
	long long		 id;
	enum gh_err		 err;

	memset(&ca, 0, sizeof(ca));
	ca.is_active = 1;
	if ((err = api_id_param(req, 0, &id)) != GH_OK ||
	    (err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "action", BODY_REQUIRED, 1, 10, &action)) != GH_OK ||
	    (err = body_str(req, "description", BODY_OPTIONAL, 0, DESC_MAX, &desc)) != GH_OK)
		return err;
	if (action_index(action) < 0)
		return req_fail(req, GH_ERR_VALIDATION, "action",
		    "action is VIEW, CREATE, EDIT or DELETE");
	if ((err = body_bool(req, "is_active", 0, &ca.is_active, NULL)) != GH_OK)
		return err;
	ca.component_id = id;
	ca.action = action;
	ca.description = desc;
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	/* The component's row lock keeps it from being deleted under the new action. */
	if ((err = comp_load(req, id, 1, &c)) != GH_OK)
		return err;
	if ((err = api_unique(req, store_component_action_insert(req->w->db, req->arena, &ca,
	    req->auth.user_id), "action", "UI component %s already has the action %s", c.key,
	    action)) != GH_OK)
		return err;
	if ((err = action_load(req, id, action, 0, &ca)) != GH_OK)
		return err;
	(void)audit_change(req, "component.action.create", "ui_component", id, req->auth.org_id,
	    action_details(req, &ca));
	return api_commit_entity(req, 201, action_json(req, &ca),
	    arena_printf(req->arena, "/api/v1/ui-components/%lld/actions/%s", id, action));
}

enum gh_err
api_component_action_update(struct request *req)
{
	static const char *const fields[] = { "description", "is_active", NULL };
	struct component	 c;
	struct component_action	 ca;
	const char		*action, *desc;
	long long		 id;
	int			 active = 0, set_active;
	enum gh_err		 err;
	cJSON			*details, *changed;

	if ((err = action_params(req, &id, &action)) != GH_OK ||
	    (err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "description", BODY_OPTIONAL, 0, DESC_MAX, &desc)) != GH_OK)
		return err;
	if ((err = body_bool(req, "is_active", 0, &active, &set_active)) != GH_OK)
		return err;
	if ((err = db_begin(req->w->db)) != GH_OK ||
	    (err = comp_load(req, id, 0, &c)) != GH_OK ||
	    (err = action_load(req, id, action, 1, &ca)) != GH_OK ||
	    (err = api_if_match(req, action_json(req, &ca))) != GH_OK)
		return err;
	details = action_details(req, &ca);
	changed = cJSON_AddArrayToObject(details, "changed");
	/* description: null clears it, absent keeps it. */
	if (cJSON_GetObjectItemCaseSensitive(req->json, "description") != NULL &&
	    !same(desc, ca.description)) {
		ca.description = desc;
		cJSON_AddItemToArray(changed, cJSON_CreateString("description"));
	}
	if (set_active && active != ca.is_active) {
		ca.is_active = active;
		cJSON_AddItemToArray(changed, cJSON_CreateString("is_active"));
	}
	if (cJSON_GetArraySize(changed) > 0) {
		if ((err = store_component_action_update(req->w->db, req->arena, &ca,
		    req->auth.user_id)) != GH_OK)
			return err;
		(void)audit_change(req, "component.action.update", "ui_component", id,
		    req->auth.org_id, details);
		if ((err = action_load(req, id, action, 0, &ca)) != GH_OK)
			return err;
	}
	return api_commit_entity(req, 200, action_json(req, &ca), NULL);
}

enum gh_err
api_component_action_delete(struct request *req)
{
	struct component	 c;
	struct component_action	 ca;
	const char		*action;
	long long		 id, grants;
	enum gh_err		 err;
	cJSON			*details;

	if ((err = action_params(req, &id, &action)) != GH_OK)
		return err;
	if ((err = db_begin(req->w->db)) != GH_OK ||
	    (err = comp_load(req, id, 0, &c)) != GH_OK ||
	    (err = action_load(req, id, action, 1, &ca)) != GH_OK ||
	    (err = api_if_match(req, action_json(req, &ca))) != GH_OK ||
	    (err = store_component_action_grants(req->w->db, req->arena, ca.id,
	    &grants)) != GH_OK)
		return err;
	details = action_details(req, &ca);
	cJSON_AddNumberToObject(details, "grants", (double)grants);
	/* Its grants to roles go with it (ON DELETE CASCADE). */
	if ((err = store_component_action_delete(req->w->db, req->arena, ca.id)) != GH_OK)
		return err;
	(void)audit_change(req, "component.action.delete", "ui_component", id, req->auth.org_id,
	    details);
	return api_commit_status(req, 204);
}

/* ------------------------------------------------------------------------------------------ */
/* The actions a role grants (role_component_permissions) */

/* The ids of the caller's roles in its organization, comma separated ("" when none). */
static const char *
caller_roles(struct request *req)
{
	const struct authz_role	*roles[AUTHZ_MAXROLES];
	size_t			 n, i, len = 0;
	char			*s;

	n = authn_roles(req, roles, AUTHZ_MAXROLES);
	s = arena_alloc(req->arena, n * 21 + 1);
	s[0] = '\0';
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, 22, "%s%lld", i ? "," : "", roles[i]->id);
	return s;
}

/* The grants of a role, as loaded. */
struct grants {
	struct role_component	*rows;
	size_t			 n;
};

static enum gh_err
grants_load(struct request *req, long long role, struct grants *g)
{
	return store_role_component_list(req->w->db, req->arena, role, &g->rows, &g->n);
}

/* {"items": [...], "next_cursor": null}: the representation (and ETag) of a role's grants. */
static cJSON *
grants_json(struct request *req, const struct grants *g)
{
	cJSON	*o = api_object(req), *items, *it;
	size_t	 i;

	items = cJSON_AddArrayToObject(o, "items");
	for (i = 0; i < g->n; i++) {
		it = cJSON_CreateObject();
		cJSON_AddStringToObject(it, "component_key", g->rows[i].component_key);
		cJSON_AddStringToObject(it, "action", g->rows[i].action);
		cJSON_AddNumberToObject(it, "component_permission_id",
		    (double)g->rows[i].component_permission_id);
		cJSON_AddBoolToObject(it, "is_active", g->rows[i].is_active);
		cJSON_AddItemToArray(items, it);
	}
	cJSON_AddNullToObject(o, "next_cursor");
	return o;
}

/* State shared by the changes of one request. */
struct grant_ctx {
	long long		 role;
	const struct grants	*cur;		/* the role's grants before the change */
	int			 platform;	/* components.assign through a platform role */
	const char		*mine;		/* the caller's role ids */
	cJSON			*details;	/* audit details: added, removed, activated, deactivated */
	int			 changed;
};

/*
 * Make the role grant component permission cp (key/action) with is_active = active, or revoke
 * it when active < 0.  Organization callers touch only actions their own roles hold through an
 * active grant (403 naming field).
 */
static enum gh_err
grant_set(struct request *req, struct grant_ctx *gc, long long cp, const char *key,
    const char *action, int active, const char *field)
{
	struct db		*db = req->w->db;
	const struct grants	*cur = gc->cur;
	const char		*name = arena_printf(req->arena, "%s:%s", key, action);
	size_t			 i;
	long long		 idx = -1;
	int			 held;
	enum gh_err		 err;

	for (i = 0; i < cur->n; i++)
		if (cur->rows[i].component_permission_id == cp)
			idx = (long long)i;
	if (active < 0 && idx < 0)
		return GH_OK;
	if (active >= 0 && idx >= 0 && cur->rows[idx].is_active == active)
		return GH_OK;
	if (!gc->platform) {
		if ((err = store_role_component_held(db, req->arena, cp, gc->mine,
		    &held)) != GH_OK)
			return err;
		if (!held)
			return req_fail(req, GH_ERR_FORBIDDEN, field,
			    "you cannot grant or revoke %s %s: your roles do not hold it", key, action);
	}
	if (active < 0) {
		err = store_role_component_delete(db, req->arena, gc->role, cp);
		detail_add(gc->details, "removed", name);
	} else if (idx < 0) {
		err = store_role_component_insert(db, req->arena, gc->role, cp, active,
		    req->auth.user_id);
		detail_add(gc->details, active ? "added" : "added_inactive", name);
	} else {
		err = store_role_component_update(db, req->arena, gc->role, cp, active,
		    req->auth.user_id);
		detail_add(gc->details, active ? "activated" : "deactivated", name);
	}
	gc->changed = 1;
	return err;
}

/*
 * The component permission of (key, action); *cp 0 when there is none, then *why says what is
 * missing and *nokey whether it is the component itself.
 */
static enum gh_err
resolve(struct request *req, const char *key, const char *action, long long *cp,
    const char **why, int *nokey)
{
	enum gh_err	 err;

	*cp = 0;
	*why = NULL;
	err = store_component_action_id_by_key(req->w->db, req->arena, key, action, cp, nokey);
	if (err != GH_ERR_NOT_FOUND)
		return err;
	*why = *nokey ? arena_printf(req->arena, "no UI component has the key %s", key) :
	    arena_printf(req->arena, "UI component %s has no action %s", key, action);
	return GH_OK;
}

enum gh_err
api_role_components_list(struct request *req)
{
	struct role	 r;
	struct grants	 g;
	long long	 id;
	enum gh_err	 err;

	if ((err = api_id_param(req, 0, &id)) != GH_OK ||
	    (err = api_role_load(req, id, 0, "components.read", &r)) != GH_OK ||
	    (err = grants_load(req, id, &g)) != GH_OK)
		return err;
	return api_entity(req, 200, grants_json(req, &g), NULL);
}

/* A grant of a PUT or POST body. */
struct want {
	const char	*key, *action;
	long long	 cp;
	int		 active;
};

/* Read one {component_key, action, is_active?} object; field names the member in errors. */
static enum gh_err
want_parse(struct request *req, const cJSON *o, const char *field, int nested, struct want *w)
{
	const cJSON	*it, *k, *a, *act;
	const char	*fk = nested ? field : "component_key", *fa = nested ? field : "action";
	const char	*fi = nested ? field : "is_active";

	if (!cJSON_IsObject(o))
		return req_fail(req, GH_ERR_VALIDATION, field,
		    "each grant is an object {component_key, action}");
	cJSON_ArrayForEach(it, o)
		if (strcmp(it->string, "component_key") && strcmp(it->string, "action") &&
		    strcmp(it->string, "is_active"))
			return req_fail(req, GH_ERR_VALIDATION, nested ? field :
			    arena_strdup(req->arena, it->string), "unknown field %s", it->string);
	k = cJSON_GetObjectItemCaseSensitive(o, "component_key");
	a = cJSON_GetObjectItemCaseSensitive(o, "action");
	act = cJSON_GetObjectItemCaseSensitive(o, "is_active");
	if (!cJSON_IsString(k) || !valid_key(k->valuestring))
		return req_fail(req, GH_ERR_VALIDATION, fk, "component_key must be a component key");
	if (!cJSON_IsString(a) || action_index(a->valuestring) < 0)
		return req_fail(req, GH_ERR_VALIDATION, fa, "action is VIEW, CREATE, EDIT or DELETE");
	if (act != NULL && !cJSON_IsBool(act))
		return req_fail(req, GH_ERR_VALIDATION, fi, "is_active must be true or false");
	w->key = k->valuestring;
	w->action = a->valuestring;
	w->active = act == NULL || cJSON_IsTrue(act);
	w->cp = 0;
	return GH_OK;
}

/* PUT (mode 0: replace), POST (1: add one) and DELETE (2: remove one). */
static enum gh_err
change_grants(struct request *req, int mode)
{
	static const char *const put_fields[] = { "grants", NULL };
	struct role	 r;
	struct grants	 g;
	struct grant_ctx gc;
	struct want	*want = NULL;
	const cJSON	*list = NULL, *it;
	const char	*why;
	long long	 id;
	size_t		 n = 0, i, j;
	int		 found, nokey = 0;
	enum gh_err	 err;

	if ((err = api_id_param(req, 0, &id)) != GH_OK)
		return err;
	if (mode == 0) {
		if ((err = body_only(req, put_fields)) != GH_OK)
			return err;
		list = cJSON_GetObjectItemCaseSensitive(req->json, "grants");
		if (!cJSON_IsArray(list))
			return req_fail(req, GH_ERR_VALIDATION, "grants",
			    "grants is an array of {component_key, action}");
		if ((n = (size_t)cJSON_GetArraySize(list)) > GRANTS_MAX)
			return req_fail(req, GH_ERR_VALIDATION, "grants",
			    "grants holds at most %d entries", GRANTS_MAX);
		want = arena_calloc(req->arena, (n ? n : 1) * sizeof(*want));
		i = 0;
		cJSON_ArrayForEach(it, list)
			if ((err = want_parse(req, it, "grants", 1, &want[i++])) != GH_OK)
				return err;
	} else if (mode == 1) {
		n = 1;
		want = arena_calloc(req->arena, sizeof(*want));
		if ((err = want_parse(req, req->json, NULL, 0, want)) != GH_OK)
			return err;
	} else {
		n = 1;
		want = arena_calloc(req->arena, sizeof(*want));
		want->key = req_param(req, 1);
		want->action = req_param(req, 2);
		if (want->key == NULL || !valid_key(want->key) || action_index(want->action) < 0)
			return req_fail(req, GH_ERR_NOT_FOUND, NULL, "no such component action");
	}
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	/* The role's row lock serialises every change of its grants. */
	if ((err = api_role_load(req, id, 1, "components.assign", &r)) != GH_OK ||
	    (err = grants_load(req, id, &g)) != GH_OK ||
	    (err = api_if_match(req, grants_json(req, &g))) != GH_OK ||
	    (err = authn_role_writable(req, &r, "components.assign", 0)) != GH_OK)
		return err;
	for (i = 0; i < n; i++) {
		if ((err = resolve(req, want[i].key, want[i].action, &want[i].cp, &why,
		    &nokey)) != GH_OK)
			return err;
		if (want[i].cp == 0) {
			if (mode == 2)
				err = req_fail(req, GH_ERR_NOT_FOUND, NULL, "%s", why);
			else
				return req_fail(req, GH_ERR_VALIDATION, mode == 0 ? "grants" :
				    nokey ? "component_key" : "action", "%s", why);
		}
		for (j = 0; j < i; j++)
			if (want[j].cp == want[i].cp)
				return req_fail(req, GH_ERR_VALIDATION, "grants",
				    "%s %s is listed twice", want[i].key, want[i].action);
	}
	memset(&gc, 0, sizeof(gc));
	gc.role = id;
	gc.cur = &g;
	gc.platform = authn_platform_has(req, "components.assign");
	gc.mine = caller_roles(req);
	gc.details = api_object(req);
	if (mode == 2) {
		for (found = 0, i = 0; i < g.n; i++)
			found |= g.rows[i].component_permission_id == want->cp;
		if (!found)
			return req_fail(req, GH_ERR_NOT_FOUND, NULL, "the role does not grant %s %s",
			    want->key, want->action);
		if ((err = grant_set(req, &gc, want->cp, want->key, want->action, -1,
		    NULL)) != GH_OK)
			return err;
	} else {
		for (i = 0; i < n; i++)
			if ((err = grant_set(req, &gc, want[i].cp, want[i].key, want[i].action,
			    want[i].active, mode == 0 ? "grants" : "component_key")) != GH_OK)
				return err;
		/* Replace: what the list does not name goes. */
		for (i = 0; mode == 0 && i < g.n; i++) {
			for (found = 0, j = 0; j < n; j++)
				found |= want[j].cp == g.rows[i].component_permission_id;
			if (!found && (err = grant_set(req, &gc, g.rows[i].component_permission_id,
			    g.rows[i].component_key, g.rows[i].action, -1, "grants")) != GH_OK)
				return err;
		}
	}
	if (gc.changed) {
		cJSON_AddStringToObject(gc.details, "role", r.name);
		(void)audit_change(req, "role.components.update", "role", id,
		    r.organization_id > 0 ? r.organization_id : req->auth.org_id, gc.details);
		if ((err = grants_load(req, id, &g)) != GH_OK)
			return err;
	}
	if (mode == 2)
		return api_commit_status(req, 204);
	return api_commit_entity(req, 200, grants_json(req, &g), NULL);
}

API_HANDLER_WITH(api_role_components_replace, change_grants, 0)
API_HANDLER_WITH(api_role_components_add, change_grants, 1)
API_HANDLER_WITH(api_role_components_remove, change_grants, 2)

/* ------------------------------------------------------------------------------------------ */
/* GET /api/v1/me/navigation */

struct nav {
	long long	 id, parent;	/* parent 0 = top level */
	size_t		 row;		/* first row of the component in the result */
	unsigned int	 acts;		/* bit i = actions[i] held */
	int		 state;		/* 0 unknown, 1 shown, 2 hidden, 3 being decided */
};

static long long
nav_find(const struct nav *nv, size_t n, long long id)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (nv[i].id == id)
			return (long long)i;
	return -1;
}

/* Shown: VIEW held and the parent shown (a parent inactive or without VIEW hides its subtree). */
static int
nav_shown(struct nav *nv, size_t n, size_t i, int depth)
{
	long long	 p;

	if (nv[i].state == 1 || nv[i].state == 2)
		return nv[i].state == 1;
	if (nv[i].state == 3 || depth > TREE_DEPTH_MAX || !(nv[i].acts & 1))
		return (nv[i].state = 2) == 1;	/* a cycle, too deep, or no VIEW */
	if (nv[i].parent == 0) {
		nv[i].state = 1;
		return 1;
	}
	nv[i].state = 3;
	p = nav_find(nv, n, nv[i].parent);
	nv[i].state = p >= 0 && nav_shown(nv, n, (size_t)p, depth + 1) ? 1 : 2;
	return nv[i].state == 1;
}

/* The node of nv[i] and, in order, its shown children. */
static cJSON *
nav_node(const struct nav *nv, size_t n, size_t i, const struct nav_row *rows)
{
	const struct nav_row	*r = &rows[nv[i].row];
	cJSON			*o = cJSON_CreateObject(), *a, *kids;
	size_t			 k;

	cJSON_AddStringToObject(o, "key", r->key);
	cJSON_AddStringToObject(o, "display_name", r->display_name);
	api_add_str(o, "description", r->description);
	api_add_str(o, "category", r->category);
	api_add_str(o, "route", r->route);
	api_add_str(o, "icon", r->icon);
	a = cJSON_AddArrayToObject(o, "actions");
	for (k = 0; actions[k] != NULL; k++)
		if (nv[i].acts & (1u << k))
			cJSON_AddItemToArray(a, cJSON_CreateString(actions[k]));
	kids = cJSON_AddArrayToObject(o, "children");
	for (k = 0; k < n; k++)
		if (nv[k].parent == nv[i].id && nv[k].state == 1)
			cJSON_AddItemToArray(kids, nav_node(nv, n, k, rows));
	return o;
}

enum gh_err
api_me_navigation(struct request *req)
{
	struct nav_row	*rows;
	struct nav	*nv;
	const char	*mine = caller_roles(req);
	size_t		 i, nrows, n = 0;
	int		 a;
	enum gh_err	 err;
	cJSON		*o = api_object(req), *items, *node, *kids;

	if (req->auth.org_id > 0)
		cJSON_AddNumberToObject(o, "organization_id", (double)req->auth.org_id);
	else
		cJSON_AddNullToObject(o, "organization_id");
	items = cJSON_AddArrayToObject(o, "items");
	if (*mine != '\0') {
		if ((err = store_component_nav_list(req->w->db, req->arena, mine, &rows,
		    &nrows)) != GH_OK)
			return err;
		/* One row per (component, action held), a component's rows together, in order. */
		nv = arena_calloc(req->arena, (nrows ? nrows : 1) * sizeof(*nv));
		for (i = 0; i < nrows; i++) {
			if (n == 0 || nv[n - 1].id != rows[i].id) {
				nv[n].id = rows[i].id;
				nv[n].parent = rows[i].parent_id;
				nv[n].row = i;
				n++;
			}
			if ((a = action_index(rows[i].action)) >= 0)
				nv[n - 1].acts |= 1u << a;
		}
		for (i = 0; i < n; i++)
			(void)nav_shown(nv, n, i, 0);
		for (i = 0; i < n; i++) {
			if (nv[i].parent != 0 || nv[i].state != 1)
				continue;
			node = nav_node(nv, n, i, rows);
			/* A menu with nothing to open: no route of its own and no child shown. */
			kids = cJSON_GetObjectItemCaseSensitive(node, "children");
			if (rows[nv[i].row].route == NULL && cJSON_GetArraySize(kids) == 0) {
				cJSON_Delete(node);
				continue;
			}
			cJSON_AddItemToArray(items, node);
		}
	}
	return resp_json(req, 200, o);
}
