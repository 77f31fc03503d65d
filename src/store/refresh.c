/*
 * refresh.c: the rows of refresh_tokens.  Contract in refresh.h.
 */
#include <string.h>

#include "core/arena.h"
#include "store/db.h"
#include "store/refresh.h"

DB_ROW_READER(refresh_row, struct refresh, REFRESH_COLUMNS)

/* The one row stmt finds by the key blob (n bytes): a hash or a family id. */
static enum gh_err
one_row(struct db *db, struct arena *a, enum sql_id stmt, const unsigned char *key, size_t n,
    struct refresh *out)
{
	struct db_result r;
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_BLOB(key, n);
	if ((err = db_exec(db, a, stmt, p, 1, &r)) != GH_OK)
		return err;
	if (r.nrows == 0 || db_len(&r, 0, RTC_FAMILY) != REFRESH_FAMILY_LEN)
		return GH_ERR_NOT_FOUND;
	refresh_row(&r, 0, out);
	return GH_OK;
}

/* The role names to keep with a token: NULL when unknown or too long for the column. */
static struct db_param
roles_param(const struct refresh_new *n)
{
	return n->roles != NULL && strlen(n->roles) <= REFRESH_ROLES_MAX ? DB_STR(n->roles) :
	    DB_NULL;
}

/*
 * The parameters of the new token n at p, in the order every statement that makes one takes
 * them: its hash, family, user, organization and lifetime, then ns parameters of the session's
 * end (p[5] to p[4 + ns], the caller's to set), then the client's address and agent, the amr,
 * the role names and the permission_version they were read under.  Returns how many (10 + ns).
 */
static size_t
new_params(struct db_param *p, const unsigned char hash[REFRESH_HASH_LEN],
    const unsigned char family[REFRESH_FAMILY_LEN], const struct refresh_new *n, size_t ns)
{
	size_t	 k = 5 + ns;

	p[0] = DB_BLOB(hash, REFRESH_HASH_LEN);
	p[1] = DB_BLOB(family, REFRESH_FAMILY_LEN);
	p[2] = DB_INT(n->user_id);
	p[3] = n->organization_id > 0 ? DB_INT(n->organization_id) : DB_NULL;
	p[4] = DB_INT(n->ttl);
	p[k++] = DB_STR(n->client_ip);
	p[k++] = DB_STR(n->user_agent);
	p[k++] = DB_STR(n->amr != NULL ? n->amr : "pwd");
	p[k++] = roles_param(n);
	p[k++] = DB_INT(n->roles_pv);
	return k;
}

enum gh_err
store_refresh_get(struct db *db, struct arena *a, const unsigned char hash[REFRESH_HASH_LEN],
    struct refresh *out)
{
	return one_row(db, a, SQL_RT_GET_FOR_UPDATE, hash, REFRESH_HASH_LEN, out);
}

enum gh_err
store_refresh_family_head(struct db *db, struct arena *a,
    const unsigned char family[REFRESH_FAMILY_LEN], struct refresh *out)
{
	return one_row(db, a, SQL_RT_LIVE_IN_FAMILY, family, REFRESH_FAMILY_LEN, out);
}

enum gh_err
store_refresh_insert(struct db *db, struct arena *a, const unsigned char hash[REFRESH_HASH_LEN],
    const unsigned char family[REFRESH_FAMILY_LEN], const struct refresh_new *n, long long *id)
{
	struct db_result r;
	struct db_param	 p[12];
	size_t		 np;
	enum gh_err	 err;

	np = new_params(p, hash, family, n, 2);
	if (n->session_end == NULL) {
		p[5] = DB_INT(n->session_ttl);
		p[6] = DB_INT(n->session_ttl);
		err = db_exec(db, a, SQL_RT_INSERT_NEW, p, np, &r);
	} else {
		/*
		 * Plain values from the row the caller holds locked: an INSERT ... SELECT from the
		 * same table fails under concurrency (error 1467 reading the auto-increment).
		 */
		p[5] = DB_STR(n->session_end);
		p[6] = DB_STR(n->session_end);
		err = db_exec(db, a, SQL_RT_INSERT_ROTATED, p, np, &r);
	}
	if (err != GH_OK)
		return err;
	*id = (long long)r.insert_id;
	return GH_OK;
}

enum gh_err
store_refresh_peek(struct db *db, struct arena *a, const unsigned char hash[REFRESH_HASH_LEN],
    struct refresh_peek *o)
{
	struct db_result res;
	const struct db_result *r = &res;
	struct db_param	 p[1];
	enum gh_err	 err;
	size_t		 i = 0;

	p[0] = DB_BLOB(hash, REFRESH_HASH_LEN);
	if ((err = db_exec(db, a, SQL_RT_PEEK, p, 1, &res)) != GH_OK)
		return err;
	if (res.nrows == 0 || db_len(r, 0, RPC_FAMILY) != REFRESH_FAMILY_LEN)
		return GH_ERR_NOT_FOUND;
	REFRESH_PEEK_COLUMNS(DB_COL_READ)
	return GH_OK;
}

enum gh_err
store_refresh_rotate_live(struct db *db, struct arena *a, long long id,
    const unsigned char old[REFRESH_HASH_LEN], const unsigned char new[REFRESH_HASH_LEN],
    const unsigned char family[REFRESH_FAMILY_LEN], const struct refresh_new *n, int *claimed)
{
	struct db_result r;
	struct db_param	 p[13];
	size_t		 np;
	enum gh_err	 err;

	p[0] = DB_BLOB(old, REFRESH_HASH_LEN);
	p[1] = DB_INT(id);
	np = 2 + new_params(p + 2, new, family, n, 1);
	p[7] = DB_STR(n->session_end);
	if ((err = db_exec(db, a, SQL_RT_ROTATE_CALL, p, np, &r)) != GH_OK)
		return err;
	*claimed = db_int(&r, 0, 0) == 1;
	return GH_OK;
}

enum gh_err
store_refresh_rotate(struct db *db, struct arena *a, long long id, long long next)
{
	return DB_RUN(db, a, SQL_RT_ROTATE, DB_INT(next), DB_INT(id));
}

enum gh_err
store_refresh_revoke_family(struct db *db, struct arena *a,
    const unsigned char family[REFRESH_FAMILY_LEN], const char *reason)
{
	struct db_param	 p[2];

	p[0] = DB_STR(reason);
	p[1] = DB_BLOB(family, REFRESH_FAMILY_LEN);
	return db_exec(db, a, SQL_RT_REVOKE_FAMILY, p, 2, NULL);
}

enum gh_err
store_refresh_revoke_user(struct db *db, struct arena *a, long long user, const char *reason)
{
	struct db_param	 p[2];

	p[0] = DB_STR(reason);
	p[1] = DB_INT(user);
	return db_exec(db, a, SQL_RT_REVOKE_USER, p, 2, NULL);
}

enum gh_err
store_refresh_revoke_user_except(struct db *db, struct arena *a, long long user,
    const unsigned char family[REFRESH_FAMILY_LEN], const char *reason)
{
	struct db_param	 p[3];

	p[0] = DB_STR(reason);
	p[1] = DB_INT(user);
	p[2] = DB_BLOB(family, REFRESH_FAMILY_LEN);
	return db_exec(db, a, SQL_RT_REVOKE_USER_EXCEPT, p, 3, NULL);
}

enum gh_err
store_refresh_revoke_user_org(struct db *db, struct arena *a, long long user, long long org,
    const char *reason)
{
	struct db_param	 p[3];

	p[0] = DB_STR(reason);
	p[1] = DB_INT(user);
	p[2] = DB_INT(org);
	return db_exec(db, a, SQL_RT_REVOKE_USER_ORG, p, 3, NULL);
}
