/*
 * valid.h: syntax checks shared by every place that takes a username, an email address or a
 * phone number (users, invitations, the create-admin command), and the one parser of integers
 * written as text (ids in paths, query parameters, cursors, JSON numbers).  Pure functions;
 * 1 = valid.
 */
#ifndef GH_VALID_H
#define GH_VALID_H

#include <stddef.h>

/* 3-64 of [A-Za-z0-9._-], starting with a letter or a digit (so never an '@', which tells a
 * login by email from one by username). */
int	 valid_username(const char *);

/* local@domain: a dot-atom local part of at most 64 ASCII characters, a domain of two or more
 * LDH labels with an alphabetic top level (not the reserved "invalid"), 254 characters in all. */
int	 valid_email(const char *);

/* E.164: '+', then 2-15 digits, the first not 0. */
int	 valid_phone(const char *);

/*
 * The n bytes at s as a plain decimal integer within [min, max]: digits without a leading zero
 * ("0" itself excepted), after a '-' only when min < 0.  No '+', space, fraction, exponent,
 * other base or trailing byte; overflow is out of range.  1 and *out set when it is one, else 0
 * and *out untouched.
 */
int	 valid_int_mem(const char *s, size_t n, long long min, long long max, long long *out);

/* valid_int_mem() of a NUL-terminated string; 0 for NULL. */
int	 valid_int_text(const char *s, long long min, long long max, long long *out);

#endif
