/*
 * authz.h: the authorization tables a worker holds in memory.
 *
 * Loaded from MySQL by authz_load() (roles, their permissions, the active endpoint mappings) and
 * replaced whole when the generation counter in Redis moves.  The decision never scans the
 * mappings: endpoint patterns live in a segment trie, role permissions in sorted arrays, so a
 * check costs O(path segments + roles x log permissions).  struct authz owns all its memory;
 * authz_free() releases it.
 */
#ifndef GH_AUTHZ_H
#define GH_AUTHZ_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "http/request.h"

struct db;
struct authz;

#define AUTHZ_MAXROLES	32
#define AUTHZ_MAXPERMS	64

struct authz_role {
	long long	 id;
	long long	 org_key;	/* 0 = shared (organization_id NULL) */
	char		*name;
	int		 platform;	/* scope = 'platform' */
	long long	*perms;		/* sorted permission ids */
	size_t		 nperms;
};

/* Load everything from db.  NULL on a database error. */
struct authz		*authz_load(struct db *db);
void			 authz_free(struct authz *);

/* Counts, for logs and benchmarks. */
size_t			 authz_nroles(const struct authz *);
size_t			 authz_nmappings(const struct authz *);

/* The role a token names in organization org: the organization's own first, then shared. */
const struct authz_role	*authz_role(const struct authz *, long long org, const char *name);

/* The role with this id, or NULL. */
const struct authz_role	*authz_role_by_id(const struct authz *, long long id);

/* Permission id by name, or 0. */
long long		 authz_perm_id(const struct authz *, const char *name);
/* Permission name by id, or NULL. */
const char		*authz_perm_name(const struct authz *, long long id);

/*
 * Permission ids mapped to a built-in route: the mappings whose pattern has the same shape as
 * the route's pattern (literal for literal, {param} for {param}) plus any ** mapping above it,
 * for method m or '*'.  Returns the count (at most max); *mfa 1 when one of those mappings
 * requires a second factor (step-up).
 */
size_t			 authz_route_perms(const struct authz *, enum http_method m,
			    const char *pattern, long long *out, size_t max, int *mfa);

/*
 * Permission ids mapped to a concrete path (forward auth): the most specific matching pattern
 * wins (a literal segment over {param} over **), for method name m or '*'; *mfa as with
 * authz_route_perms.
 */
size_t			 authz_path_perms(const struct authz *, const char *method,
			    const char *path, long long *out, size_t max, int *mfa);

/* 1 if one of the roles holds one of the permission ids, else 0. */
int			 authz_any(const struct authz_role *const *roles, size_t nroles,
			    const long long *perms, size_t nperms);

/*
 * Resolve the comma-separated role names of a token in organization org into roles[] (unknown
 * names are skipped: a deleted role grants nothing).  Returns the count.
 */
size_t			 authz_resolve(const struct authz *, long long org, const char *names,
			    const struct authz_role **roles, size_t max);

#endif
