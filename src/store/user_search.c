/*
 * user_search.c: the users list and search, its plans and their statements (sql_users.h).
 * Contract in user_search.h.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "store/db.h"
#include "store/user.h"
#include "store/user_search.h"

/*
 * A driver that starts from fewer rows than this is cheaper than walking the sort index; past
 * it, walking the sort index fills a page sooner.  About sqrt(page x users) for a million users.
 * The environment variable GATEHOUSE_USERS_PROBE_CAP overrides it (the tests set 1 to run the
 * plans a large table gets on a small one).
 */
#define LIST_PROBE_CAP	5000

/*
 * user_search holds prefixes of up to GRAM_K characters (sql/0010): a q of at most GRAM_K
 * characters is exactly the rows of its prefix, a longer one is among those of its first GRAM_K.
 */
#define GRAM_K		4

/*
 * The sorted matches of q (SEARCH, about 5 us per match) against a walk in sort order that
 * keeps the matches (GRAM for the username sort, the sort index for the others).  The username
 * sort's walk is exact and cheap, so the matches are sorted only below SEARCH_SORT_MAX; the
 * other sorts' walks run under a budget of WALK_BUDGET rows examined and fall back to the
 * sorted matches, so those are sorted up to the probe cap.  A q longer than GRAM_K is counted
 * on its five ranges (each capped at SEARCH_SORT_MAX): its prefix rows may be far more.
 */
#define SEARCH_SORT_MAX	1000
#define WALK_BUDGET	10000
#define NO_BUDGET	1000000000000LL

/* The sort key of a user_sort (sort / 2). */
enum sort_key { KEY_USERNAME, KEY_EMAIL, KEY_LAST_NAME, KEY_CREATED };

/*
 * Where a plan starts (sql_users.h): USERS, WALK and ORG_ORDERED walk a sort index (of users,
 * of the organization's memberships); ORG, TEAM, SEARCH and ROLE sort the rows of a selective
 * driver; GRAM and GRAM_ORG walk q's prefix rows in username order.
 */
enum list_driver {
	DRV_USERS, DRV_ORG_ORDERED, DRV_ORG, DRV_TEAM, DRV_SEARCH, DRV_ROLE, DRV_WALK, DRV__SORTS,
	DRV_GRAM = DRV__SORTS, DRV_GRAM_ORG, DRV__MAX
};

#define UL_ROW(N) { SQL_USER_LIST_##N##_USERNAME_ASC, SQL_USER_LIST_##N##_USERNAME_DESC, \
	SQL_USER_LIST_##N##_EMAIL_ASC, SQL_USER_LIST_##N##_EMAIL_DESC, \
	SQL_USER_LIST_##N##_LAST_NAME_ASC, SQL_USER_LIST_##N##_LAST_NAME_DESC, \
	SQL_USER_LIST_##N##_CREATED_ASC, SQL_USER_LIST_##N##_CREATED_DESC }

static const enum sql_id list_sql[DRV__SORTS][USER_SORT__MAX] = {
	UL_ROW(USERS), UL_ROW(ORG_ORDERED), UL_ROW(ORG), UL_ROW(TEAM), UL_ROW(SEARCH), UL_ROW(ROLE),
	UL_ROW(WALK),
};

/* GRAM and GRAM_ORG: username order only. */
static const enum sql_id gram_sql[2][2] = {
	{ SQL_USER_LIST_GRAM_ASC, SQL_USER_LIST_GRAM_DESC },
	{ SQL_USER_LIST_GRAM_ORG_ASC, SQL_USER_LIST_GRAM_ORG_DESC },
};

/* Drivers whose statement takes a budget of rows examined after the limit. */
static int
drv_walks(enum list_driver d)
{
	return d == DRV_ORG_ORDERED || d == DRV_WALK || d == DRV_GRAM || d == DRV_GRAM_ORG;
}

static long long
probe_cap(void)
{
	static long long	 cap;
	const char		*e;

	if (cap == 0) {
		e = getenv("GATEHOUSE_USERS_PROBE_CAP");
		cap = e != NULL ? strtoll(e, NULL, 10) : 0;
		if (cap < 1 || cap > 1000000)
			cap = LIST_PROBE_CAP;
	}
	return cap;
}

/*
 * Count the rows driver cand would start from with statement id (n parameters p, the last its
 * cap lim): a count below lim makes cand the driver (*drv) and the count the best so far (*best).
 */
static enum gh_err
probe(struct db *db, struct arena *ar, enum sql_id id, const struct db_param *p, size_t n,
    long long lim, enum list_driver cand, long long *best, enum list_driver *drv)
{
	long long	 count;
	enum gh_err	 err;

	if ((err = db_value(db, ar, id, p, n, 0, &count)) != GH_OK)
		return err;
	if (count < lim) {
		*best = count;
		*drv = cand;
	}
	return GH_OK;
}

static long long
min_ll(long long a, long long b)
{
	return a < b ? a : b;
}

/*
 * Choose where the plan starts, and the budget of a walk (0: none).  Every choice reads a
 * bounded number of rows (docs/api-users.md, "Performance"):
 *  - a team: its members, sorted (teams are small);
 *  - no filter that thins the rows out (only an organization, status enabled or none): a walk
 *    of the sort index, of users or of the organization's memberships: a page is ~51 rows;
 *  - a q of at most GRAM_K characters sorted by username, nothing else but an organization:
 *    its prefix rows (of that organization: org_user_search);
 *  - otherwise the smallest of the organization's members, the holders of the role and q's
 *    candidates, when below its cap, sorted; every capped count stops at the best so far;
 *  - a rare state: its accounts (ix_users_state), sorted;
 *  - a q with many candidates and no small driver: for the username sort, its prefix rows in
 *    username order (exact when q has at most GRAM_K characters; a longer q gets a budget);
 *    for the other sorts, the sort index under a budget.  A walk that runs out of budget falls
 *    back to the matches, sorted (store_user_search).
 */
static enum gh_err
plan(struct db *db, struct arena *ar, const struct user_filter *f, const struct db_keyset *ks,
    enum list_driver *drv, long long *budget)
{
	struct db_param	 p[10];
	long long	 best = LLONG_MAX, lim, cap = probe_cap();
	enum gh_err	 err;
	int		 k, by_name = ks->sort / 2 == KEY_USERNAME;

	*budget = 0;
	if (f->team > 0) {
		*drv = DRV_TEAM;
		return GH_OK;
	}
	*drv = f->org > 0 ? DRV_ORG_ORDERED : DRV_USERS;
	if (f->role == NULL && f->like == NULL && f->state <= USER_STATE_ENABLED)
		return GH_OK;
	if (f->like != NULL && f->role == NULL && f->state <= USER_STATE_ENABLED && by_name &&
	    f->qlen <= GRAM_K) {
		*drv = f->org > 0 ? DRV_GRAM_ORG : DRV_GRAM;
		return GH_OK;
	}
	if (f->org > 0) {
		p[0] = DB_INT(f->org);
		p[1] = DB_INT(cap);
		if ((err = probe(db, ar, SQL_USER_PROBE_ORG, p, 2, cap, DRV_ORG, &best, drv)) !=
		    GH_OK)
			return err;
	}
	if (f->role != NULL) {
		lim = min_ll(cap, best);
		p[0] = DB_STR(f->role);
		p[1] = DB_INT(f->org > 0);
		p[2] = DB_INT(f->org);
		p[3] = DB_INT(lim);
		if ((err = probe(db, ar, SQL_USER_PROBE_ROLE, p, 4, lim, DRV_ROLE, &best, drv)) !=
		    GH_OK)
			return err;
	}
	if (f->like == NULL) {
		/*
		 * A rare state in a large organization: the users of that state (ix_users_state,
		 * which the optimizer picks for them) with the membership probed, sorted.
		 */
		if (*drv == DRV_ORG_ORDERED && f->state > USER_STATE_ENABLED)
			*drv = DRV_USERS;
		return GH_OK;
	}
	if (f->qlen > GRAM_K) {
		lim = min_ll(min_ll(cap, best), SEARCH_SORT_MAX);
		for (k = 0; k < 10; k += 2) {
			p[k] = DB_STR(f->like);
			p[k + 1] = DB_INT(lim);
		}
		err = probe(db, ar, SQL_USER_PROBE_SEARCH, p, 10, lim, DRV_SEARCH, &best, drv);
	} else {
		lim = min_ll(cap, best);
		if (by_name)
			lim = min_ll(lim, SEARCH_SORT_MAX);
		p[0] = DB_STR(f->q);
		p[1] = DB_INT(lim);
		err = probe(db, ar, SQL_USER_PROBE_GRAM, p, 2, lim, DRV_SEARCH, &best, drv);
	}
	if (err != GH_OK || *drv == DRV_SEARCH)
		return err;
	if (best != LLONG_MAX)
		return GH_OK;
	if (f->state > USER_STATE_ENABLED) {
		/* the accounts of a rare state (ix_users_state, chosen by the optimizer), sorted */
		*drv = DRV_USERS;
		return GH_OK;
	}
	if (by_name) {
		*drv = f->org > 0 ? DRV_GRAM_ORG : DRV_GRAM;
		if (f->qlen > GRAM_K)
			*budget = WALK_BUDGET;
	} else {
		*drv = f->org > 0 ? DRV_ORG_ORDERED : DRV_WALK;
		*budget = WALK_BUDGET;
	}
	return GH_OK;
}

/* Run the list statement of driver drv into r. */
static enum gh_err
run(struct db *db, struct arena *ar, const struct user_filter *f, const struct db_keyset *ks,
    const char *key2, enum list_driver drv, long long budget, struct db_result *r)
{
	struct db_param	 p[40];
	enum sql_id	 id;
	size_t		 n = 0;
	int		 k, org_in_driver;

	/* The driver's own parameters. */
	switch (drv) {
	case DRV_ORG_ORDERED:
	case DRV_ORG:
		p[n++] = DB_INT(f->org);
		break;
	case DRV_TEAM:
		p[n++] = DB_INT(f->team);
		break;
	case DRV_SEARCH:
		for (k = 0; k < 5; k++)
			p[n++] = DB_STR(f->like);
		break;
	case DRV_ROLE:
		p[n++] = DB_STR(f->role);
		p[n++] = DB_INT(f->org > 0);
		p[n++] = DB_INT(f->org);
		break;
	case DRV_GRAM_ORG:
		p[n++] = DB_INT(f->org);
		/* FALLTHROUGH */
	case DRV_GRAM:
		p[n++] = DB_STR(f->q);
		break;
	default:
		break;
	}
	org_in_driver = drv == DRV_ORG_ORDERED || drv == DRV_ORG || drv == DRV_GRAM_ORG;

	/* UL_FILTERS */
	p[n++] = DB_INT(f->like != NULL && drv != DRV_SEARCH);
	for (k = 0; k < 5; k++)
		p[n++] = DB_STR(f->like ? f->like : "");
	p[n++] = DB_INT(f->org > 0 && !org_in_driver);
	p[n++] = DB_INT(f->org);
	p[n++] = DB_STR(f->role ? f->role : "");
	p[n++] = DB_STR(f->role ? f->role : "");
	p[n++] = DB_INT(f->org > 0);
	p[n++] = DB_INT(f->org);
	for (k = 0; k < 5; k++)
		p[n++] = DB_INT(f->state);

	/* The keyset. */
	p[n++] = DB_INT(ks->has);
	switch (ks->sort / 2) {
	case KEY_LAST_NAME:
		p[n++] = DB_STR(ks->has ? ks->key : "");
		p[n++] = DB_STR(ks->has ? ks->key : "");
		p[n++] = DB_STR(ks->has ? key2 : "");
		p[n++] = DB_STR(ks->has ? key2 : "");
		p[n++] = DB_INT(ks->after);
		break;
	case KEY_CREATED:
		p[n++] = DB_STR(ks->has ? ks->key : "1970-01-01 00:00:00");
		p[n++] = DB_STR(ks->has ? ks->key : "1970-01-01 00:00:00");
		p[n++] = DB_INT(ks->after);
		break;
	default:
		p[n++] = DB_STR(ks->has ? ks->key : "");
		break;
	}
	p[n++] = DB_INT(ks->limit + 1);
	if (drv_walks(drv))
		p[n++] = DB_INT(budget > 0 ? budget : NO_BUDGET);

	if (drv == DRV_GRAM || drv == DRV_GRAM_ORG)
		id = gram_sql[drv == DRV_GRAM_ORG][ks->sort % 2];
	else
		id = list_sql[drv][ks->sort];
	return db_exec(db, ar, id, p, n, r);
}

enum gh_err
store_user_search(struct db *db, struct arena *ar, const struct user_filter *f,
    const struct db_keyset *ks, const char *key2, struct user **out, size_t *n)
{
	struct db_result r;
	enum list_driver drv;
	long long	 budget;
	enum gh_err	 err;
	size_t		 i;

	if ((err = plan(db, ar, f, ks, &drv, &budget)) != GH_OK ||
	    (err = run(db, ar, f, ks, key2, drv, budget, &r)) != GH_OK)
		return err;
	/*
	 * A walk under a budget that did not fill the page either ran out of budget or reached
	 * the end: the sorted matches answer both.
	 */
	if (budget > 0 && (long long)r.nrows <= ks->limit &&
	    (err = run(db, ar, f, ks, key2, DRV_SEARCH, 0, &r)) != GH_OK)
		return err;
	*out = arena_alloc(ar, (r.nrows + 1) * sizeof(**out));
	for (i = 0; i < r.nrows; i++)
		store_user_row(&r, i, &(*out)[i]);
	*n = r.nrows;
	return GH_OK;
}
