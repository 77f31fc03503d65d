/*
 * audit.c: writing audit_log rows, and listing them.  Contract in audit.h.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <cJSON.h>

#include "core/arena.h"
#include "core/ctx.h"
#include "core/log.h"
#include "store/audit.h"
#include "store/db.h"

enum gh_err
audit_write(struct request *req, const struct audit_event *ev)
{
	struct db_param	 p[10];
	enum gh_err	 err;

	p[0] = ev->actor > 0 ? DB_INT(ev->actor) : DB_NULL;
	p[1] = ev->org > 0 ? DB_INT(ev->org) : DB_NULL;
	p[2] = DB_STR(ev->action);
	p[3] = DB_STR(ev->target_type);
	p[4] = DB_STR(ev->target_id);
	p[5] = DB_STR(ev->failure ? "failure" : "success");
	p[6] = DB_STR(ev->reason);
	p[7] = DB_STR(req->client_ip);
	p[8] = DB_STR(req->request_id);
	p[9] = DB_STR(ev->details);
	if ((err = db_exec(req->w->db, req->arena, SQL_AUDIT_INSERT, p, 10, NULL)) != GH_OK)
		log_error("audit: cannot record %s", ev->action);
	return err;
}

const char *
audit_json(struct request *req, const cJSON *o)
{
	char		*s;
	const char	*c;

	if (o == NULL || (s = cJSON_PrintUnformatted(o)) == NULL)
		return NULL;
	c = arena_strdup(req->arena, s);
	cJSON_free(s);
	return c;
}

enum gh_err
audit_change(struct request *req, const char *action, const char *type, long long id,
    long long org, const cJSON *details)
{
	return audit_refusal(req, action, type, id, org, NULL, details);
}

enum gh_err
audit_by(struct request *req, long long actor, long long org, const char *action,
    const char *type, long long id, const char *reason, const cJSON *details)
{
	struct audit_event	 ev;

	memset(&ev, 0, sizeof(ev));
	ev.actor = actor;
	ev.org = org;
	ev.action = action;
	ev.target_type = id > 0 ? type : NULL;
	ev.target_id = id > 0 ? arena_printf(req->arena, "%lld", id) : NULL;
	ev.failure = reason != NULL;
	ev.reason = reason;
	ev.details = audit_json(req, details);
	return audit_write(req, &ev);
}

enum gh_err
audit_refusal(struct request *req, const char *action, const char *type, long long id,
    long long org, const char *reason, const cJSON *details)
{
	return audit_by(req, req->auth.user_id, org, action, type, id, reason, details);
}

enum gh_err
audit_auth(struct request *req, long long actor, long long org, const char *action,
    const char *reason)
{
	return audit_by(req, actor, org, action, "user", actor, reason, NULL);
}

DB_ROW_READER(entry_row, struct audit_entry, AUDIT_COLUMNS)

/* An optional text filter of AUDIT_FILTERS as its two parameters: whether given, and v or none. */
static size_t
filter(struct db_param *p, const char *v, const char *none)
{
	p[0] = DB_INT(v != NULL);
	p[1] = DB_STR(v != NULL ? v : none);
	return 2;
}

enum gh_err
store_audit_list(struct db *db, struct arena *a, const struct audit_filter *f,
    struct audit_entry **out, size_t *n)
{
	struct db_param	 p[20];
	struct db_result r;
	size_t		 np = 0, i;
	enum gh_err	 err;

	/* AUDIT_FILTERS: each filter is a flag and its value; unused values are placeholders. */
	if (f->org != 0)
		p[np++] = DB_INT(f->org);
	p[np++] = DB_INT(f->before > 0 ? f->before : LLONG_MAX);
	p[np++] = DB_INT(f->actor != 0);
	p[np++] = DB_INT(f->actor);
	np += filter(p + np, f->action, "");
	np += filter(p + np, f->action_like, "");
	np += filter(p + np, f->target_type, "");
	np += filter(p + np, f->target_id, "");
	np += filter(p + np, f->from, "1970-01-01 00:00:00");
	np += filter(p + np, f->to, "1970-01-01 00:00:00");
	np += filter(p + np, f->outcome, "success");
	p[np++] = DB_INT(f->limit + 1);
	if ((err = db_exec(db, a, f->org != 0 ? SQL_AUDIT_LIST_ORG : SQL_AUDIT_LIST_ALL, p, np,
	    &r)) != GH_OK)
		return err;
	*out = arena_alloc(a, (r.nrows + 1) * sizeof(**out));
	for (i = 0; i < r.nrows; i++)
		entry_row(&r, i, &(*out)[i]);
	*n = r.nrows;
	return GH_OK;
}
