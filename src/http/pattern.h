/*
 * pattern.h: path patterns such as "/api/v1/users/{id}" or "/reports/ **" (no space).
 *
 * A pattern is a sequence of segments: a literal, a {name} parameter matching exactly one
 * non-empty segment, or a final ** matching zero or more remaining segments (a prefix
 * wildcard).  pattern_compile() copies what it needs into its own allocation; pattern_free()
 * releases it.  The same code serves the route table and the permission endpoint mappings.
 */
#ifndef GH_PATTERN_H
#define GH_PATTERN_H

#include <stddef.h>

#define PATTERN_MAXSEGS	32

enum pattern_seg_type {
	PSEG_LITERAL,
	PSEG_PARAM,
	PSEG_WILDCARD,
	PSEG__MAX
};

struct pattern_seg {
	enum pattern_seg_type	 type;
	const char		*text;	/* literal text or parameter name */
	size_t			 len;
};

struct pattern {
	char			*buf;
	size_t			 nsegs;
	size_t			 nparams;
	struct pattern_seg	 segs[PATTERN_MAXSEGS];
};

/*
 * Compile s.  Returns NULL with a reason in *why (static text) when s does not start with /, has
 * an empty, "." or ".." segment, a malformed or duplicate {param}, a ** that is not last, a
 * character outside the URL path set, or too many segments.
 */
struct pattern	*pattern_compile(const char *s, const char **why);
void		 pattern_free(struct pattern *);

/*
 * Split a decoded path into segments (pointers into a copy held in buf of size bufsz).
 * Returns the number of segments or -1 if there are more than PATTERN_MAXSEGS.
 */
int		 pattern_split(const char *path, char *buf, size_t bufsz, const char **segs);

/*
 * Match segments against p.  On success returns 1 and stores up to maxp parameter values
 * (pointers to the segment strings) in params; 0 when it does not match.
 */
int		 pattern_match(const struct pattern *p, const char *const *segs, int nsegs,
		    const char **params, size_t maxp);

#endif
