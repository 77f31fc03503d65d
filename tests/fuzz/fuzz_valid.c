/*
 * fuzz_valid: src/core/valid.c on any bytes: valid_ident (NFKC, case folding, NFC through
 * utf8proc, then the syntax) for usernames and email addresses, with the canonical form checked
 * again (it must be a fixed point and pass the syntax), valid_printable, the syntax checks
 * (username, email, phone, image reference) and the integer parsers valid_int_text and
 * valid_int_mem (the latter on the bytes as given, NULs included).
 */
#include "fuzz.h"

#include <limits.h>
#include <stdio.h>

#include "core/valid.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char			*s = fuzz_str(data, size);
	char			 out[VALID_IDENT_SIZE], again[VALID_IDENT_SIZE], back[32];
	enum valid_ident_res	 r, r2;
	long long		 n = 0;
	int			 k;

	for (k = 0; k < VALID_IDENT__MAX; k++) {
		r = valid_ident((enum valid_ident_kind)k, s, out, sizeof(out));
		if (r >= IDENT__MAX)
			abort();
		if (r == IDENT_OK || r == IDENT_MAPPED) {
			if (strlen(out) >= sizeof(out) || !valid_printable(out))
				abort();
			if (k == VALID_USERNAME ? !valid_username(out) : !valid_email(out))
				abort();
			/* The canonical form is its own canonical form. */
			r2 = valid_ident((enum valid_ident_kind)k, out, again, sizeof(again));
			if (r2 != IDENT_OK || strcmp(out, again) != 0)
				abort();
		} else if (out[0] != '\0')
			abort();
	}
	(void)valid_printable(s);
	(void)valid_username(s);
	(void)valid_email(s);
	(void)valid_phone(s);
	(void)valid_image_ref(s);
	if (valid_int_text(s, LLONG_MIN, LLONG_MAX, &n)) {
		/* What it accepts prints back the same. */
		snprintf(back, sizeof(back), "%lld", n);
		if (strcmp(back, s) != 0)
			abort();
	}
	(void)valid_int_text(s, 1, LLONG_MAX, &n);
	(void)valid_int_mem((const char *)data, size, -1000, 1000, &n);
	free(s);
	return 0;
}
