/*
 * user_search.h: the users list and search (GET /users), planned so that no page reads more
 * than a few thousand rows whatever the size of the table (docs/api-users.md, "Performance").
 *
 * The caller parses and checks the query (store_user_search trusts the team and the role to
 * exist) and renders the rows; this file picks the plan from capped counts and runs it.  The
 * rows are struct user (store/user.h) in the arena.  Errors are those of db_exec.
 */
#ifndef GH_STORE_USER_SEARCH_H
#define GH_STORE_USER_SEARCH_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"
#include "store/user.h"

/*
 * The sort orders: the index of db_keyset.sort, (sort * 2 + descending).  The cursor's key
 * (db_keyset.key) is the last row's username, email, last_name or created_key.
 */
enum user_sort {
	USER_SORT_USERNAME, USER_SORT_USERNAME_DESC, USER_SORT_EMAIL, USER_SORT_EMAIL_DESC,
	USER_SORT_LAST_NAME, USER_SORT_LAST_NAME_DESC, USER_SORT_CREATED, USER_SORT_CREATED_DESC,
	USER_SORT__MAX
};

/* The account states a list filters on (status of USER_COLUMNS). */
enum user_state {
	USER_STATE_ANY, USER_STATE_ENABLED, USER_STATE_DISABLED, USER_STATE_LOCKED,
	USER_STATE_EXPIRED, USER_STATE__MAX
};

/* What the rows must match; zero or NULL members do not filter. */
struct user_filter {
	const char	*q;		/* the search text as given */
	size_t		 qlen;		/* its length in characters */
	const char	*like;		/* q as a LIKE prefix pattern, '!' escaping */
	long long	 org;		/* members of this organization */
	const char	*role;		/* holders of the role of this name (in org, when given) */
	long long	 team;		/* members of this team */
	enum user_state	 state;
};

/*
 * The users matching f, not deleted, a page of ks (key2: the cursor's first_name, for the
 * last_name sorts): *out gets up to ks->limit + 1 users, *n how many.
 */
enum gh_err	 store_user_search(struct db *, struct arena *, const struct user_filter *f,
		    const struct db_keyset *ks, const char *key2, struct user **out, size_t *n);

#endif
