/*
 * settings.c: the settings admin API (issue 5): an organization's policies (typed settings per
 * kind, validated in auth/policy.c), its theme (public by slug, cacheable) and the audit log.
 *
 * Tenancy: a caller holding the route's permission through a platform role acts on every
 * organization; any other caller only on its token's organization, and another organization
 * answers 404 like one that does not exist.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>

#include "api/common.h"
#include "api/routes.h"
#include "auth/authn.h"
#include "auth/policy.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "core/log.h"
#include "http/body.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/organization.h"
#include "store/policy.h"
#include "store/theme.h"

static const char *const theme_colors[] = {
	"primary_color", "secondary_color", "accent_color", "background_color", "text_color",
};
#define NCOLORS	(sizeof(theme_colors) / sizeof(theme_colors[0]))

#define THEME_MAX_AGE	"public, max-age=60"

static void
json_free(void *p)
{
	cJSON_Delete(p);
}

/*
 * The organization of route parameter 0 when the caller may act on it with perm (404 for one
 * it may not see, or that does not exist).  lock: FOR UPDATE, inside the caller's transaction.
 */
static enum gh_err
org_param(struct request *req, const char *perm, int lock, long long *org)
{
	struct organization o;
	enum gh_err	 err;

	if ((err = api_id_param(req, 0, org)) != GH_OK)
		return err;
	if (!api_in_org(req, *org, perm))
		return req_fail(req, GH_ERR_NOT_FOUND, NULL, "no organization %lld", *org);
	return api_found(req, store_organization_get(req->w->db, req->arena, *org, lock, &o),
	    "no organization %lld", *org);
}

/* ---- policies ----------------------------------------------------------------------------- */

/* The policy object of kind from its stored row p (NULL: none). */
static cJSON *
policy_json(struct request *req, long long org, enum policy_kind kind, const struct policy *p)
{
	cJSON	*o = api_object(req), *stored = NULL;

	if (p != NULL && (stored = cJSON_Parse(p->settings)) != NULL)
		arena_cleanup(req->arena, json_free, stored);
	if (!cJSON_IsObject(stored))
		stored = NULL;
	cJSON_AddNumberToObject(o, "organization_id", (double)org);
	cJSON_AddStringToObject(o, "kind", policy_kind_names[kind]);
	cJSON_AddItemReferenceToObject(o, "settings", policy_settings_effective(req, kind, stored));
	if (stored != NULL)
		cJSON_AddItemReferenceToObject(o, "overrides", stored);
	else
		cJSON_AddObjectToObject(o, "overrides");
	if (p != NULL) {
		api_add_str(o, "created_at", p->created_at);
		api_add_str(o, "updated_at", p->updated_at);
		api_add_idv(o, "created_by", p->created_by);
		api_add_idv(o, "updated_by", p->updated_by);
	} else {
		cJSON_AddNullToObject(o, "created_at");
		cJSON_AddNullToObject(o, "updated_at");
		cJSON_AddNullToObject(o, "created_by");
		cJSON_AddNullToObject(o, "updated_by");
	}
	return o;
}

static enum gh_err
kind_param(struct request *req, enum policy_kind *kind)
{
	if ((*kind = policy_kind_parse(req_param(req, 1))) == POLICY__MAX)
		return req_fail(req, GH_ERR_NOT_FOUND, NULL,
		    "no policy kind %s (password, session, lockout, invitation)", req_param(req, 1));
	return GH_OK;
}

/* Read the stored row of (org, kind) into *p (locked when lock); *p NULL when there is none. */
static enum gh_err
policy_row(struct request *req, long long org, enum policy_kind kind, int lock,
    struct policy **p)
{
	enum gh_err	 err;

	*p = arena_alloc(req->arena, sizeof(**p));
	err = store_policy_get(req->w->db, req->arena, org, policy_kind_names[kind], lock, *p);
	if (err == GH_ERR_NOT_FOUND) {
		*p = NULL;
		return GH_OK;
	}
	return err;
}

enum gh_err
api_policies_list(struct request *req)
{
	struct policy	*rows;
	long long	 org;
	enum gh_err	 err;
	cJSON		*items;
	size_t		 i, n;
	int		 k;

	if ((err = org_param(req, "policies.read", 0, &org)) != GH_OK ||
	    (err = store_policy_list(req->w->db, req->arena, org, &rows, &n)) != GH_OK)
		return err;
	items = api_array(req);
	for (k = 0; k < POLICY__MAX; k++) {
		for (i = 0; i < n; i++)
			if (strcmp(rows[i].kind, policy_kind_names[k]) == 0)
				break;
		cJSON_AddItemReferenceToArray(items, policy_json(req, org, (enum policy_kind)k,
		    i < n ? &rows[i] : NULL));
	}
	api_page_respond(req, items, 0);
	return GH_OK;
}

enum gh_err
api_policy_get(struct request *req)
{
	struct policy	*p;
	enum policy_kind kind;
	long long	 org;
	enum gh_err	 err;

	if ((err = org_param(req, "policies.read", 0, &org)) != GH_OK ||
	    (err = kind_param(req, &kind)) != GH_OK ||
	    (err = policy_row(req, org, kind, 0, &p)) != GH_OK)
		return err;
	return api_entity(req, 200, policy_json(req, org, kind, p), NULL);
}

enum gh_err
api_policy_put(struct request *req)
{
	static const char *const fields[] = { "settings", NULL };
	struct policy	*p;
	enum policy_kind kind;
	cJSON		*stored, *d;
	const char	*settings;
	char		*text;
	long long	 org;
	enum gh_err	 err;

	if ((err = api_id_param(req, 0, &org)) != GH_OK ||
	    (err = kind_param(req, &kind)) != GH_OK ||
	    (err = body_only(req, fields)) != GH_OK ||
	    (err = policy_settings_check(req, kind,
	    cJSON_GetObjectItemCaseSensitive(req->json, "settings"), &stored)) != GH_OK)
		return err;
	if ((err = db_begin(req->w->db)) != GH_OK ||
	    (err = org_param(req, "policies.update", 1, &org)) != GH_OK ||
	    (err = policy_row(req, org, kind, 1, &p)) != GH_OK ||
	    (err = api_if_match(req, policy_json(req, org, kind, p))) != GH_OK)
		return err;
	text = cJSON_PrintUnformatted(stored);
	settings = text ? arena_strdup(req->arena, text) : "{}";
	cJSON_free(text);
	if ((err = store_policy_update(req->w->db, req->arena, org, policy_kind_names[kind],
	    settings, req->auth.user_id)) != GH_OK)
		return err;
	d = api_object(req);
	cJSON_AddStringToObject(d, "kind", policy_kind_names[kind]);
	cJSON_AddItemReferenceToObject(d, "settings", stored);
	(void)audit_change(req, "policy.update", "organization", org, org, d);
	if ((err = policy_row(req, org, kind, 0, &p)) != GH_OK ||
	    (err = api_commit(req)) != GH_OK)
		return err;
	/* A lost announcement only delays the change: cached policies live PCACHE_MAX_AGE s. */
	if (policy_changed(req) != GH_OK)
		log_warn("settings: policy %s of organization %lld saved, but workers were not told; "
		    "they pick it up within a minute", policy_kind_names[kind], org);
	return api_entity(req, 200, policy_json(req, org, kind, p), NULL);
}

/* ---- themes ------------------------------------------------------------------------------- */

static cJSON *
theme_json(struct request *req, const struct theme *s)
{
	cJSON	*o = api_object(req), *org;

	org = cJSON_AddObjectToObject(o, "organization");
	cJSON_AddStringToObject(org, "slug", s->slug);
	cJSON_AddStringToObject(org, "name", s->name);
	API_F(STR, primary_color) API_F(STR, secondary_color) API_F(STR, accent_color)
	API_F(STR, background_color) API_F(STR, text_color) API_F(STR, logo_ref)
	API_F(STR, favicon_ref)
	return o;
}

enum gh_err
api_theme_public(struct request *req)
{
	struct theme	 t;
	const char	*slug = req_param(req, 0), *tag;
	enum gh_err	 err;
	cJSON		*o;

	if (slug == NULL || strlen(slug) > 64)
		return req_fail(req, GH_ERR_NOT_FOUND, NULL, "no organization with that slug");
	if ((err = api_found(req, store_theme_get_by_slug(req->w->db, req->arena, slug, &t),
	    "no organization %s", slug)) != GH_OK)
		return err;
	o = theme_json(req, &t);
	tag = api_etag(req, o);
	if (api_not_modified(req, tag, THEME_MAX_AGE))
		return GH_OK;
	return api_entity(req, 200, o, NULL);
}

static int
valid_color(const char *s)
{
	size_t	 i;

	if (s[0] != '#' || strlen(s) != 7)
		return 0;
	for (i = 1; i < 7; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* A path character we let through: unreserved, and '/'. */
static int
path_char(int c)
{
	return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
}

/* No empty, "." or ".." segment in s (up to end or a '?'). */
static int
clean_segments(const char *s)
{
	const char	*seg = s, *p;
	size_t		 n;

	for (p = s;; p++) {
		if (*p == '/' || *p == '\0' || *p == '?') {
			n = (size_t)(p - seg);
			if (n == 0 || (n == 1 && seg[0] == '.') ||
			    (n == 2 && seg[0] == '.' && seg[1] == '.'))
				return 0;
			if (*p != '/')
				return 1;
			seg = p + 1;
		}
	}
}

/*
 * An asset reference: a path under /assets/themes/ (served by nginx from the themes directory)
 * or an https URL.  Anything that could leave that directory or run script is refused: other
 * schemes, "." and ".." segments, percent escapes in paths, backslashes, quotes, spaces, user
 * information in URLs.
 */
static int
valid_asset_ref(const char *s)
{
	static const char	 prefix[] = "/assets/themes/";
	static const char	 https[] = "https://";
	const char		*p, *host;
	int			 port = 0;

	if (strncmp(s, prefix, sizeof(prefix) - 1) == 0) {
		for (p = s; *p != '\0'; p++)
			if (!path_char((unsigned char)*p))
				return 0;
		return clean_segments(s + 1);
	}
	if (strncmp(s, https, sizeof(https) - 1) != 0)
		return 0;
	host = s + sizeof(https) - 1;
	for (p = host; *p != '\0' && *p != '/'; p++) {
		if (*p == ':') {
			port = 1;
			continue;
		}
		if (port ? !isdigit((unsigned char)*p) :
		    !(isalnum((unsigned char)*p) || *p == '-' || *p == '.'))
			return 0;
	}
	if (p == host || host[0] == '.' || host[0] == '-' || (port && p[-1] == ':'))
		return 0;
	if (*p == '\0')
		return 1;
	for (host = p; *p != '\0'; p++)
		if (!path_char((unsigned char)*p) && strchr("?&=+,;:@%!$*", *p) == NULL)
			return 0;
	if (strstr(host, "%2e") != NULL || strstr(host, "%2E") != NULL)
		return 0;
	return clean_segments(host + 1) || host[1] == '\0';
}

enum gh_err
api_theme_put(struct request *req)
{
	static const char *const fields[] = { "primary_color", "secondary_color", "accent_color",
	    "background_color", "text_color", "logo_ref", "favicon_ref", NULL };
	const char	*vals[NCOLORS + 2];
	struct theme	 t;
	long long	 org;
	enum gh_err	 err;
	char		*c;
	size_t		 i, k;

	if ((err = api_id_param(req, 0, &org)) != GH_OK || (err = body_only(req, fields)) != GH_OK)
		return err;
	for (i = 0; i < NCOLORS; i++) {
		if ((err = body_str(req, theme_colors[i], BODY_OPTIONAL, 1, 7, &vals[i])) != GH_OK)
			return err;
		if (vals[i] == NULL)
			continue;
		if (!valid_color(vals[i]))
			return req_fail(req, GH_ERR_VALIDATION, theme_colors[i],
			    "%s must be a color #rrggbb, or null", theme_colors[i]);
		vals[i] = c = arena_strdup(req->arena, vals[i]);
		for (k = 0; c[k] != '\0'; k++)
			c[k] = (char)tolower((unsigned char)c[k]);
	}
	for (i = 0; i < 2; i++) {
		const char *name = i == 0 ? "logo_ref" : "favicon_ref";

		if ((err = body_str(req, name, BODY_OPTIONAL, 1, 512, &vals[NCOLORS + i])) != GH_OK)
			return err;
		if (vals[NCOLORS + i] != NULL && !valid_asset_ref(vals[NCOLORS + i]))
			return req_fail(req, GH_ERR_VALIDATION, name,
			    "%s must be a path under /assets/themes/ or an https URL, without "
			    "'..' segments", name);
	}
	if ((err = db_begin(req->w->db)) != GH_OK ||
	    (err = org_param(req, "themes.update", 0, &org)) != GH_OK)
		return err;
	if ((err = store_theme_get(req->w->db, req->arena, org, 1, &t)) != GH_OK) {
		if (err == GH_ERR_NOT_FOUND)
			req_fail(req, err, NULL, "no organization %lld", org);
		return err;
	}
	if ((err = api_if_match(req, theme_json(req, &t))) != GH_OK)
		return err;
	/* vals[] is in the order of theme_colors, then logo_ref and favicon_ref. */
	t.primary_color = vals[0];
	t.secondary_color = vals[1];
	t.accent_color = vals[2];
	t.background_color = vals[3];
	t.text_color = vals[4];
	t.logo_ref = vals[NCOLORS];
	t.favicon_ref = vals[NCOLORS + 1];
	if ((err = store_theme_update(req->w->db, req->arena, &t, req->auth.user_id)) != GH_OK ||
	    (err = store_theme_get(req->w->db, req->arena, org, 0, &t)) != GH_OK)
		return err;
	(void)audit_change(req, "theme.update", "organization", org, org, theme_json(req, &t));
	return api_commit_entity(req, 200, theme_json(req, &t), NULL);
}

/* ---- audit log ---------------------------------------------------------------------------- */

static int
digits(const char *s, size_t n, int *out)
{
	size_t	 i;

	*out = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return 0;
		*out = *out * 10 + (s[i] - '0');
	}
	return 1;
}

/*
 * An RFC 3339 date-time (or a bare date, meaning its midnight UTC) as MySQL DATETIME(6) text in
 * UTC; NULL when it is not one.
 */
static const char *
parse_time(struct request *req, const char *s)
{
	struct tm	 tm, back;
	time_t		 t;
	int		 y, mo, d, h = 0, mi = 0, sec = 0, us = 0, oh = 0, om = 0, sign = 0, k;
	size_t		 n = strlen(s), i = 10;

	if (n < 10 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
	    !digits(s + 8, 2, &d))
		return NULL;
	if (n > 10) {
		if ((s[10] != 'T' && s[10] != 't' && s[10] != ' ') || n < 19 ||
		    !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) ||
		    s[16] != ':' || !digits(s + 17, 2, &sec))
			return NULL;
		i = 19;
		if (s[i] == '.') {
			for (i++, k = 0; isdigit((unsigned char)s[i]); i++, k++)
				if (k < 6)
					us = us * 10 + (s[i] - '0');
			if (k == 0)
				return NULL;
			for (; k < 6; k++)
				us *= 10;
		}
		if (s[i] == 'Z' || s[i] == 'z')
			i++;
		else if (s[i] == '+' || s[i] == '-') {
			sign = s[i] == '-' ? -1 : 1;
			if (!digits(s + i + 1, 2, &oh) || s[i + 3] != ':' || !digits(s + i + 4, 2, &om) ||
			    oh > 23 || om > 59)
				return NULL;
			i += 6;
		} else
			return NULL;
		if (s[i] != '\0')
			return NULL;
	}
	if (y < 1970 || y > 9999 || h > 23 || mi > 59 || sec > 59)
		return NULL;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	if (gmtime_r(&t, &back) == NULL || back.tm_mday != d || back.tm_mon != mo - 1)
		return NULL;
	if (sign != 0)
		t -= (time_t)sign * (oh * 3600 + om * 60);
	if (t < 0 || gmtime_r(&t, &back) == NULL)
		return NULL;
	return arena_printf(req->arena, "%04d-%02d-%02d %02d:%02d:%02d.%06d", back.tm_year + 1900,
	    back.tm_mon + 1, back.tm_mday, back.tm_hour, back.tm_min, back.tm_sec, us);
}

/* A positive integer query parameter; 0 when absent, 400 naming it when not one. */
static enum gh_err
query_id(struct request *req, const char *name, long long *out)
{
	*out = 0;
	return api_query_int(req, name, 1, LLONG_MAX, NULL, out);
}

/* A text query parameter of 1..max characters; NULL when absent. */
static enum gh_err
query_text(struct request *req, const char *name, size_t max, const char **out)
{
	size_t	 n;

	*out = req_query(req, name);
	if (*out == NULL)
		return GH_OK;
	n = utf8_len(*out);
	if (n == 0 || n == (size_t)-1 || n > max)
		return req_fail(req, GH_ERR_VALIDATION, name, "%s must have 1 to %zu characters",
		    name, max);
	return GH_OK;
}

static cJSON *
event_json(const struct audit_entry *s)
{
	cJSON		*o = cJSON_CreateObject(), *d;

	API_F(NUM, id) API_F(STR, occurred_at) API_F(ID, actor_user_id)
	API_F(ID, organization_id) API_F(STR, action) API_F(STR, target_type)
	API_F(STR, target_id) API_F(STR, outcome) API_F(STR, reason) API_F(STR, client_ip)
	API_F(STR, request_id)
	if (s->details == NULL)
		cJSON_AddNullToObject(o, "details");
	else if ((d = cJSON_Parse(s->details)) != NULL)
		cJSON_AddItemToObject(o, "details", d);
	else
		cJSON_AddStringToObject(o, "details", s->details);
	return o;
}

enum gh_err
api_audit_list(struct request *req)
{
	const char	*action, *ttype, *tid, *from = NULL, *to = NULL, *outcome, *v;
	const char	*like = NULL;
	struct audit_filter f;
	struct audit_entry *rows;
	struct api_page	 pg;
	long long	 actor, org, last = 0;
	enum gh_err	 err;
	size_t		 i, n, k;
	char		*lk;
	cJSON		*items;

	if ((err = api_page_parse(req, &pg)) != GH_OK ||
	    (err = query_id(req, "actor", &actor)) != GH_OK ||
	    (err = query_id(req, "organization_id", &org)) != GH_OK ||
	    (err = query_text(req, "action", 64, &action)) != GH_OK ||
	    (err = query_text(req, "target_type", 32, &ttype)) != GH_OK ||
	    (err = query_text(req, "target_id", 64, &tid)) != GH_OK ||
	    (err = query_text(req, "outcome", 7, &outcome)) != GH_OK)
		return err;
	if ((v = req_query(req, "from")) != NULL && (from = parse_time(req, v)) == NULL)
		return req_fail(req, GH_ERR_VALIDATION, "from",
		    "from must be an RFC 3339 time such as 2026-01-31T12:00:00Z, or a date");
	if ((v = req_query(req, "to")) != NULL && (to = parse_time(req, v)) == NULL)
		return req_fail(req, GH_ERR_VALIDATION, "to",
		    "to must be an RFC 3339 time such as 2026-01-31T12:00:00Z, or a date");
	if (outcome != NULL && strcmp(outcome, "success") && strcmp(outcome, "failure"))
		return req_fail(req, GH_ERR_VALIDATION, "outcome", "outcome is success or failure");
	/* action=auth.* (a trailing star) matches by prefix; LIKE's own wildcards are escaped. */
	if (action != NULL && action[strlen(action) - 1] == '*') {
		lk = arena_alloc(req->arena, strlen(action) * 2 + 2);
		for (i = 0, k = 0; action[i + 1] != '\0'; i++) {
			if (action[i] == '%' || action[i] == '_' || action[i] == '!')
				lk[k++] = '!';
			lk[k++] = action[i];
		}
		lk[k++] = '%';
		lk[k] = '\0';
		like = lk;
		action = NULL;
	}
	if (!authn_platform_has(req, "audit.read")) {
		if (org != 0 && org != req->auth.org_id)
			return req_fail(req, GH_ERR_FORBIDDEN, "organization_id",
			    "you can read only your own organization's events");
		if (req->auth.org_id <= 0)
			return req_fail(req, GH_ERR_FORBIDDEN, NULL, "your session has no organization");
		org = req->auth.org_id;
	}
	memset(&f, 0, sizeof(f));
	f.org = org;
	f.before = pg.after;
	f.actor = actor;
	f.action = action;
	f.action_like = like;
	f.target_type = ttype;
	f.target_id = tid;
	f.from = from;
	f.to = to;
	f.outcome = outcome;
	f.limit = pg.limit;
	if ((err = store_audit_list(req->w->db, req->arena, &f, &rows, &n)) != GH_OK)
		return err;
	items = api_array(req);
	for (i = 0; i < n && (long long)i < pg.limit; i++) {
		cJSON_AddItemToArray(items, event_json(&rows[i]));
		last = rows[i].id;
	}
	api_page_respond(req, items, (long long)n > pg.limit ? last : 0);
	return GH_OK;
}
