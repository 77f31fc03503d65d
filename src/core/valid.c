/*
 * valid.c: the syntax of usernames, email addresses, phone numbers, names and integers in
 * text, and the normal form of identifiers, one definition for the whole program.
 */
#include <sys/types.h>

#include <ctype.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "core/valid.h"

int
valid_word(const char *s, int digit_first, size_t min, size_t max)
{
	size_t	 n;

	if (!(digit_first ? isalnum((unsigned char)s[0]) : isalpha((unsigned char)s[0])))
		return 0;
	for (n = 1; s[n] != '\0'; n++)
		if (!isalnum((unsigned char)s[n]) && s[n] != '.' && s[n] != '_' && s[n] != '-')
			return 0;
	return n >= min && n <= max;
}

int
valid_username(const char *s)
{
	return valid_word(s, 1, 3, 64);
}

static int
atext(int c)
{
	return isalnum(c) || (c != '\0' && strchr("!#$%&'*+/=?^_`{|}~-", c) != NULL);
}

/*
 * local@domain: a dot-atom local part of 1-64 ASCII characters (RFC 5322 atext, no leading,
 * trailing or double dot), a domain of at least two labels of letters, digits and inner
 * hyphens, 1-63 each, an alphabetic top-level label, 254 characters in all.  The reserved
 * top-level domain "invalid" is refused: deleted users' tombstones use it.
 */
int
valid_email(const char *s)
{
	const char	*at = strrchr(s, '@'), *d, *label, *p;
	size_t		 len = strlen(s), n, labels = 0;
	int		 alpha;

	if (at == NULL || len > 254 || at == s || at - s > 64)
		return 0;
	for (p = s; p < at; p++) {
		if (*p == '.') {
			if (p == s || p[1] == '.' || p + 1 == at)
				return 0;
		} else if (!atext((unsigned char)*p))
			return 0;
	}
	d = at + 1;
	if (*d == '\0' || strlen(d) > 253)
		return 0;
	label = d;
	for (;;) {
		for (p = label, alpha = 0; *p != '\0' && *p != '.'; p++) {
			if (!isalnum((unsigned char)*p) && *p != '-')
				return 0;
			if (isalpha((unsigned char)*p))
				alpha = 1;
		}
		n = (size_t)(p - label);
		if (n == 0 || n > 63 || label[0] == '-' || p[-1] == '-')
			return 0;
		labels++;
		if (*p == '\0')
			break;
		label = p + 1;
	}
	if (labels < 2 || !alpha || strcasecmp(label, "invalid") == 0)
		return 0;
	return 1;
}

/* E.164: + then 2-15 digits, the first not 0. */
int
valid_phone(const char *s)
{
	size_t	 n;

	if (s[0] != '+' || s[1] < '1' || s[1] > '9')
		return 0;
	for (n = 1; s[n] != '\0'; n++)
		if (!isdigit((unsigned char)s[n]))
			return 0;
	return n >= 3 && n <= 16;
}

int
valid_slug(const char *s)
{
	size_t	 i;
	int	 letter = 0;

	for (i = 0; s[i] != '\0'; i++) {
		if ((s[i] >= 'a' && s[i] <= 'z') || (i > 0 && s[i] == '-'))
			letter = 1;
		else if (!(s[i] >= '0' && s[i] <= '9'))
			return 0;
	}
	return i >= 2 && i <= 63 && letter;
}

int
valid_printable(const char *s)
{
	const utf8proc_uint8_t	*p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t	 c;
	utf8proc_ssize_t	 n;

	while (*p != '\0') {
		if ((n = utf8proc_iterate(p, -1, &c)) <= 0)
			return 0;
		switch (utf8proc_category(c)) {
		case UTF8PROC_CATEGORY_CC:
		case UTF8PROC_CATEGORY_CF:
		case UTF8PROC_CATEGORY_ZL:
		case UTF8PROC_CATEGORY_ZP:
			return 0;
		default:
			break;
		}
		p += n;
	}
	return 1;
}

/* 1 when the first or the last code point of s (valid UTF-8) is a space separator. */
static int
edge_space(const char *s)
{
	const utf8proc_uint8_t	*p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t	 c, last = 0;
	utf8proc_ssize_t	 n;

	if (*p == '\0')
		return 0;
	if (utf8proc_iterate(p, -1, &c) <= 0 || utf8proc_category(c) == UTF8PROC_CATEGORY_ZS)
		return 1;
	while (*p != '\0') {
		if ((n = utf8proc_iterate(p, -1, &last)) <= 0)
			return 1;
		p += n;
	}
	return utf8proc_category(last) == UTF8PROC_CATEGORY_ZS;
}

enum valid_ident_res
valid_ident(enum valid_ident_kind kind, const char *in, char *out, size_t outsz)
{
	const utf8proc_option_t	 nfc_fold = UTF8PROC_NULLTERM | UTF8PROC_STABLE |
				    UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD;
	utf8proc_uint8_t	*k = NULL, *c = NULL;
	utf8proc_ssize_t	 nk, nc;
	enum valid_ident_res	 res = IDENT_SYNTAX;

	if (outsz > 0)
		out[0] = '\0';
	if (!valid_printable(in))
		return IDENT_NONPRINT;
	if (edge_space(in))
		return IDENT_SPACE;
	/* The canonical form, and the same without compatibility mapping (to tell IDENT_MAPPED). */
	nk = utf8proc_map((const utf8proc_uint8_t *)in, 0, &k, nfc_fold | UTF8PROC_COMPAT);
	nc = utf8proc_map((const utf8proc_uint8_t *)in, 0, &c, nfc_fold);
	if (nk >= 0 && nc >= 0 && (size_t)nk < outsz) {
		memcpy(out, k, (size_t)nk + 1);
		if (kind == VALID_EMAIL ? valid_email(out) : valid_username(out))
			res = nk == nc && memcmp(k, c, (size_t)nk) == 0 ? IDENT_OK : IDENT_MAPPED;
		else
			out[0] = '\0';
	}
	free(k);
	free(c);
	return res;
}

int
valid_int_mem(const char *s, size_t n, long long min, long long max, long long *out)
{
	unsigned long long	 v = 0, lim;
	long long		 r;
	size_t			 i = 0;
	int			 neg = 0;

	if (n > 0 && s[0] == '-') {
		if (min >= 0)
			return 0;
		neg = 1;
		i = 1;
	}
	/* Digits, and no leading zero: one spelling per number ("-0" is not one either). */
	if (i == n || (s[i] == '0' && (n - i > 1 || neg)))
		return 0;
	lim = neg ? (unsigned long long)LLONG_MAX + 1 : (unsigned long long)LLONG_MAX;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		if (v > (lim - (unsigned long long)(s[i] - '0')) / 10)
			return 0;
		v = v * 10 + (unsigned long long)(s[i] - '0');
	}
	if (neg)
		r = v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)v;
	else
		r = (long long)v;
	if (r < min || r > max)
		return 0;
	*out = r;
	return 1;
}

int
valid_int_text(const char *s, long long min, long long max, long long *out)
{
	return s != NULL && valid_int_mem(s, strlen(s), min, max, out);
}

int
valid_base64url(const char *s)
{
	const char	*p;

	if (s == NULL || *s == '\0')
		return 0;
	for (p = s; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			return 0;
	return 1;
}

const char *
valid_http_rest(const char *u)
{
	if (strncmp(u, "https://", 8) == 0)
		return u + 8;
	if (strncmp(u, "http://", 7) == 0)
		return u + 7;
	return NULL;
}

/*
 * An https URL (printable ASCII, no spaces, quotes, angle brackets or backslashes), or a
 * relative asset key: letters, digits, . _ - / starting with a letter or digit, without
 * empty, "." or ".." segments.
 */
int
valid_image_ref(const char *s)
{
	const char	*p, *seg;

	if (strncmp(s, "https://", 8) == 0) {
		if (s[8] == '\0' || s[8] == '/')
			return 0;
		for (p = s; *p != '\0'; p++)
			if (*p <= 0x20 || *p >= 0x7f || strchr("\"<>\\^`{|}", *p) != NULL)
				return 0;
		return 1;
	}
	if (!isalnum((unsigned char)s[0]))
		return 0;
	for (p = s; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("._-/", *p) == NULL)
			return 0;
	for (seg = s; seg != NULL; seg = strchr(seg, '/') ? strchr(seg, '/') + 1 : NULL) {
		if (*seg == '/' || *seg == '\0' || strncmp(seg, "./", 2) == 0 ||
		    strcmp(seg, ".") == 0 || strncmp(seg, "../", 3) == 0 || strcmp(seg, "..") == 0)
			return 0;
	}
	return 1;
}
