#include <string.h>

#include "core/log.h"
#include "server/worker.h"
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
