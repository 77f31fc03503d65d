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

#include <cJSON.h>

#include "core/err.h"
#include "http/request.h"

#define BODY_REQUIRED	1
#define BODY_OPTIONAL	0

/*
 * Set in the type of a number of the body written as an integer (no fraction, no exponent) of
 * at most 2^53 - 1 in magnitude, so exact as a double; cJSON_IsNumber() ignores it.
 */
#define BODY_JSON_EXACT	(1 << 12)

/*
 * req->body as strict JSON (docs/api.md, "Strict JSON"): GH_ERR_VALIDATION naming the member
 * ("a.b[2].c") for a raw control character, invalid UTF-8, \u0000 or an unpaired surrogate in
 * a string or a name, a duplicate name, a number out of range, nesting over 64 levels, or a
 * body that is not an object; GH_ERR_MALFORMED_JSON for a syntax error (numbers as RFC 8259
 * writes them: no "01" nor "1.").  On success req->json is the tree (the arena owns it), its
 * exact integers marked BODY_JSON_EXACT.
 */
enum gh_err	 body_parse(struct request *);

/* GH_ERR_VALIDATION naming the first member of the body not in the NULL-terminated list. */
enum gh_err	 body_only(struct request *, const char *const *allowed);

/*
 * A string of min..max characters (UTF-8 code points; invalid UTF-8 and NUL are refused).
 * When optional and absent, *out is NULL.  A JSON null counts as absent.
 */
enum gh_err	 body_str(struct request *, const char *name, int required, size_t min,
		    size_t max, const char **out);

/*
 * An integer within [min, max]: a JSON number without fraction or exponent ("1.0" and "1e3"
 * are refused), exact (BODY_JSON_EXACT).  *present tells whether it was given.
 */
enum gh_err	 body_int(struct request *, const char *name, int required, long long min,
		    long long max, long long *out, int *present);

/* The same for a value v found elsewhere in the body, field naming it. */
enum gh_err	 body_int_value(struct request *, const cJSON *v, const char *field,
		    long long min, long long max, long long *out);

/*
 * An optional string that may be null: *present 1 when the member is in the body (null
 * included), *out the string (min..max characters, as body_str) or NULL for null or absent.
 */
enum gh_err	 body_str_nullable(struct request *, const char *name, size_t min, size_t max,
		    int *present, const char **out);

/*
 * A JSON boolean: *present 1 and *out 0 or 1 when given; absent (or null, when null_ok) leaves
 * both alone (*present 0).  Anything else is 400 naming the field.
 */
enum gh_err	 body_bool(struct request *, const char *name, int null_ok, int *out,
		    int *present);

/* A string or an integer, returned as text (e.g. "organization": "acme" or 1). */
enum gh_err	 body_str_or_int(struct request *, const char *name, int required, size_t max,
		    const char **out);

/* Characters (code points) in a valid UTF-8 string, or (size_t)-1 if it is not valid UTF-8. */
size_t		 utf8_len(const char *s);

#endif
