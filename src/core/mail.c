/*
 * mail.c: not written yet (invitations and password reset, issue 5).
 */
#include "core/log.h"
#include "core/mail.h"

enum gh_err
mail_send(struct request *req, const char *to, const char *name, const char *const *vars)
{
	(void)to;
	(void)vars;
	log_error("mail: cannot send %s: mail delivery is not implemented yet", name);
	return req_fail(req, GH_ERR_INTERNAL, NULL, "mail delivery is not implemented yet");
}
