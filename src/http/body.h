/*
 * body.h: typed access to the fields of a JSON request body, each failure naming the field.
 *
 * All functions read req->json (set by req_parse_json) and, on a bad value, record the field and
 * the reason with req_fail() and return the error, so a handler writes
 *	if ((err = body_str(req, "login", BODY_REQUIRED, 1, 254, &login)) != GH_OK)
 *		return err;
 * Returned strings point into the cJSON tree, which the arena owns.
 */
#ifndef GH_BODY_H
#define GH_BODY_H

#include <stddef.h>

#include "core/err.h"
#include "http/request.h"

#define BODY_REQUIRED	1
#define BODY_OPTIONAL	0

/* GH_ERR_VALIDATION naming the first member of the body not in the NULL-terminated list. */
enum gh_err	 body_only(struct request *, const char *const *allowed);

/*
 * A string of min..max characters (UTF-8 code points; invalid UTF-8 and NUL are refused).
 * When optional and absent, *out is NULL.  A JSON null counts as absent.
 */
enum gh_err	 body_str(struct request *, const char *name, int required, size_t min,
		    size_t max, const char **out);

/* An integer within [min, max]; *present tells whether it was given. */
enum gh_err	 body_int(struct request *, const char *name, int required, long long min,
		    long long max, long long *out, int *present);

/* A string or an integer, returned as text (e.g. "organization": "acme" or 1). */
enum gh_err	 body_str_or_int(struct request *, const char *name, int required, size_t max,
		    const char **out);

/* Characters (code points) in a valid UTF-8 string, or (size_t)-1 if it is not valid UTF-8. */
size_t		 utf8_len(const char *s);

#endif
