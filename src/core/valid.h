/*
 * valid.h: syntax checks shared by every place that takes a username, an email address, a
 * phone number or a name (users, invitations, organizations, teams, components, the
 * create-admin command), the one normal form of usernames and email addresses, and the one
 * parser of integers written as text (ids in paths, query parameters, cursors, JSON numbers).
 * Pure functions; 1 = valid unless said otherwise.  Nothing is allocated that the caller frees.
 */
#ifndef GH_VALID_H
#define GH_VALID_H

#include <stddef.h>

/*
 * min to max characters of [A-Za-z0-9._-] starting with a letter, or with a letter or a digit
 * when digit_first: the names of accounts and roles.
 */
int	 valid_word(const char *, int digit_first, size_t min, size_t max);

/* 3-64 of [A-Za-z0-9._-], starting with a letter or a digit (so never an '@', which tells a
 * login by email from one by username): valid_word. */
int	 valid_username(const char *);

/* local@domain: a dot-atom local part of at most 64 ASCII characters, a domain of two or more
 * LDH labels with an alphabetic top level (not the reserved "invalid"), 254 characters in all. */
int	 valid_email(const char *);

/* E.164: '+', then 2-15 digits, the first not 0. */
int	 valid_phone(const char *);

/*
 * A profile image reference: an https URL (printable ASCII, no spaces, quotes, angle brackets
 * or backslashes), or a relative asset key (letters, digits, . _ - / starting with a letter or
 * digit, without empty, "." or ".." segments).
 */
int	 valid_image_ref(const char *);

/* What follows the scheme of u when it begins "https://" or "http://", else NULL. */
const char	*valid_http_rest(const char *u);

/*
 * An organization's slug: ^[a-z0-9][a-z0-9-]{1,62}$ and not only digits (login reads a string of
 * digits as an organization id).  POST /organizations and gatehouse setup.
 */
int	 valid_slug(const char *);

/*
 * Valid UTF-8 without a non-printing character: none of Unicode general categories Cc
 * (controls), Cf (format: bidirectional embeddings, overrides and isolates U+202A-U+202E and
 * U+2066-U+2069, zero-width U+200B-U+200F, U+FEFF, the soft hyphen...), Zl or Zp (line and
 * paragraph separators).  Every name and identifier the API stores passes it.
 */
int	 valid_printable(const char *);

/* The kinds of identifier valid_ident normalizes. */
enum valid_ident_kind {
	VALID_USERNAME,
	VALID_EMAIL,
	VALID_IDENT__MAX
};

/* What valid_ident made of its input. */
enum valid_ident_res {
	IDENT_OK,	/* the canonical form; the input differed from it in letter case at most */
	IDENT_MAPPED,	/* the canonical form; the input needed compatibility mapping too
			 * (fullwidth letters, ligatures...): stored so, but never a login */
	IDENT_NONPRINT,	/* a non-printing character (valid_printable) */
	IDENT_SPACE,	/* white space (category Zs) at either end */
	IDENT_SYNTAX,	/* the canonical form fails valid_username or valid_email */
	IDENT__MAX
};

/* Room for any canonical identifier and its NUL (an email address has at most 254 bytes). */
#define VALID_IDENT_SIZE	255

/*
 * The one form in which usernames and email addresses are stored, compared and kept unique
 * (docs/api-users.md, "Identifiers"): no non-printing character and no white space at either
 * end, then NFKC (which maps fullwidth to ASCII), Unicode full case folding and NFC
 * (utf8proc), then the syntax of valid_username or valid_email.  Writes the canonical form to
 * out (outsz bytes; VALID_IDENT_SIZE suffices) for IDENT_OK and IDENT_MAPPED, "" otherwise.
 */
enum valid_ident_res	 valid_ident(enum valid_ident_kind, const char *in, char *out,
			    size_t outsz);

/*
 * The n bytes at s as a plain decimal integer within [min, max]: digits without a leading zero
 * ("0" itself excepted), after a '-' only when min < 0.  No '+', space, fraction, exponent,
 * other base or trailing byte; overflow is out of range.  1 and *out set when it is one, else 0
 * and *out untouched.
 */
int	 valid_int_mem(const char *s, size_t n, long long min, long long max, long long *out);

/* valid_int_mem() of a NUL-terminated string; 0 for NULL. */
int	 valid_int_text(const char *s, long long min, long long max, long long *out);

/*
 * One or more characters of the base64url alphabet [A-Za-z0-9_-] and nothing else; 0 for NULL.
 * Checked before sodium_base642bin, which in libsodium 1.0.18 decodes every byte 0x80-0xff as
 * '_' (found by tests/fuzz/fuzz_formats), so that one value has one spelling.
 */
int	 valid_base64url(const char *s);

#endif
