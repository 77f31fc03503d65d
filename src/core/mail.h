/*
 * mail.h: sending mail through a sendmail-compatible command (config mail_command), the
 * message on its standard input, from plain-text templates in mail_template_dir.
 */
#ifndef GH_MAIL_H
#define GH_MAIL_H

#include "core/arena.h"
#include "core/config.h"
#include "core/err.h"

/*
 * Render template name (e.g. "invitation") with vars, a NULL-terminated list of key, value
 * pairs substituted for {{key}}, and send it to the address to.  GH_OK once the command exited
 * 0; else the error and *why, a sentence for the client (in a; the details are logged).
 */
enum gh_err	 mail_send(const struct gh_config *, struct arena *a, const char *to,
		    const char *name, const char *const *vars, const char **why);

#endif
