#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>

#include "api/api.h"
#include "api/common.h"
#include "api/routes.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "core/metrics.h"
#include "store/db.h"
#include "store/kv.h"

static void
json_free(void *p)
{
	cJSON_Delete(p);
}

enum gh_err
api_healthz(struct request *req)
{
	cJSON	*o = cJSON_CreateObject();

	arena_cleanup(req->arena, json_free, o);
	cJSON_AddStringToObject(o, "status", "ok");
	return resp_json(req, 200, o);
}

enum gh_err
api_readyz(struct request *req)
{
	cJSON		*o, *checks;
	int		 my_ok, kv_ok;

	my_ok = db_ping(req->w->db) == GH_OK;
	kv_ok = kv_ping(req->w->kv) == GH_OK;
	o = cJSON_CreateObject();
	arena_cleanup(req->arena, json_free, o);
	checks = cJSON_AddObjectToObject(o, "checks");
	cJSON_AddStringToObject(checks, "mysql", my_ok ? "ok" : "down");
	cJSON_AddStringToObject(checks, "redis", kv_ok ? "ok" : "down");
	if (my_ok && kv_ok) {
		cJSON_AddStringToObject(o, "status", "ready");
		return resp_json(req, 200, o);
	}
	req->problem_extra = o;
	return req_fail(req, GH_ERR_NOT_READY, NULL, "unreachable: %s%s%s",
	    my_ok ? "" : "mysql", !my_ok && !kv_ok ? ", " : "", kv_ok ? "" : "redis");
}

enum gh_err
api_metrics(struct request *req)
{
	char	*s;

	if (req->w->metrics == NULL || (s = metrics_render(req->w->metrics, req->w->nworkers)) == NULL)
		return GH_ERR_INTERNAL;
	req->status = 200;
	req->body_out = arena_strdup(req->arena, s);
	req->body_out_len = strlen(s);
	req->content_type = "text/plain; version=0.0.4";
	free(s);
	return GH_OK;
}

enum gh_err
api_debug_sleep(struct request *req)
{
	long long	 ms = 0;
	struct timespec	 ts;
	enum gh_err	 err;

	if ((err = api_query_int(req, "ms", 0, 10000, "ms must be from 0 to 10000", &ms)) != GH_OK)
		return err;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	/* Signals are blocked while a request runs, so this sleeps the whole time. */
	while (nanosleep(&ts, &ts) == -1)
		;
	return api_healthz(req);
}
