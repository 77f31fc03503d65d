/*
 * mail.h: sending mail through a sendmail-compatible command (config mail_command), the
 * message on its standard input, from plain-text templates in mail_template_dir.
 */
#ifndef GH_MAIL_H
#define GH_MAIL_H

#include "core/err.h"
#include "http/request.h"

/*
 * Render template name (e.g. "invitation") with vars, a NULL-terminated list of key, value
 * pairs substituted for {{key}}, and send it to the address to.  GH_OK once the command exited 0.
 */
enum gh_err	 mail_send(struct request *, const char *to, const char *name,
		    const char *const *vars);

#endif
