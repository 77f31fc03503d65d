/*
 * invitation.c: the invitation rows of signup_info and what accepting one writes.  Contract in
 * invitation.h.
 */
#include <string.h>

#include "core/arena.h"
#include "store/db.h"
#include "store/invitation.h"

DB_ROW_READER(invitation_row, struct invitation, INVITATION_COLUMNS)
DB_ROW_READER(org_row, struct invitation_org, INVITATION_ORG_COLUMNS)
DB_ROW_READER(link_row, struct invitation_link, INVITATION_LINK_COLUMNS)
DB_ROW_READER(claim_row, struct invitation_claim, INVITATION_CLAIM_COLUMNS)
DB_ROW_READER(grant_row, struct invitation_grant, INVITATION_GRANT_COLUMNS)

/* Actors and inviters are nullable: 0 binds NULL. */
static struct db_param
actor_param(long long actor)
{
	return actor > 0 ? DB_INT(actor) : DB_NULL;
}

enum gh_err
store_invitation_list(struct db *db, struct arena *a, const struct invitation_filter *f,
    const struct db_keyset *ks, struct invitation **out, size_t *n)
{
	const char	*status = f->status ? f->status : "";
	const char	*email = f->email ? f->email : "";

	return DB_ROWS(db, a, ks->sort == INVITATION_SORT_ID_DESC ? SQL_INV_LIST_DESC : SQL_INV_LIST,
	    invitation_row, out, n, DB_INT(ks->after), DB_INT(ks->after), DB_INT(f->all_orgs),
	    DB_INT(f->own_org), DB_INT(f->org != 0), DB_INT(f->org), DB_STR(status),
	    DB_STR(status), DB_STR(email), DB_STR(email), DB_INT(ks->limit + 1));
}

enum gh_err
store_invitation_get(struct db *db, struct arena *a, long long id, int lock,
    struct invitation *out)
{
	int		 found;
	enum gh_err	 err;

	if (lock) {
		if ((err = DB_EXISTS(db, a, SQL_INV_LOCK, &found, DB_INT(id))) != GH_OK)
			return err;
		if (!found)
			return GH_ERR_NOT_FOUND;
	}
	return DB_GET(db, a, SQL_INV_GET, invitation_row, out, DB_INT(id));
}

enum gh_err
store_invitation_insert(struct db *db, struct arena *a, const struct invitation *inv,
    const unsigned char hash[32], long long ttl, long long actor, long long *id)
{
	return DB_INSERT(db, a, SQL_INV_INSERT, id, DB_INT(inv->organization_id),
	    DB_STR(inv->email), DB_INT(inv->role_id), DB_BLOB(hash, 32), actor_param(actor),
	    actor_param(actor), DB_INT(ttl));
}

enum gh_err
store_invitation_revoke(struct db *db, struct arena *a, long long id, long long actor)
{
	return DB_RUN(db, a, SQL_INV_REVOKE, actor_param(actor), DB_INT(id));
}

enum gh_err
store_invitation_resend(struct db *db, struct arena *a, long long id,
    const unsigned char hash[32], long long ttl, long long actor)
{
	return DB_RUN(db, a, SQL_INV_RESEND, DB_BLOB(hash, 32), DB_INT(ttl), actor_param(actor),
	    DB_INT(id));
}

enum gh_err
store_invitation_org(struct db *db, struct arena *a, long long id, struct invitation_org *out)
{
	return DB_GET(db, a, SQL_INV_ORG, org_row, out, DB_INT(id));
}

enum gh_err
store_invitation_member(struct db *db, struct arena *a, long long org, const char *email,
    long long *user, int *has_password)
{
	struct db_result r;
	enum gh_err	 err;

	if ((err = db_exec(db, a, SQL_INV_MEMBER, DB_PARAMS(DB_INT(org), DB_STR(email)),
	    &r)) != GH_OK)
		return err;
	*user = r.nrows > 0 ? db_int(&r, 0, 0) : 0;
	*has_password = r.nrows > 0 && db_int(&r, 0, 1) != 0;
	return GH_OK;
}

enum gh_err
store_invitation_pending(struct db *db, struct arena *a, long long org, const char *email,
    long long *id)
{
	return DB_VALUE(db, a, SQL_INV_PENDING, 0, id, DB_INT(org), DB_STR(email));
}

enum gh_err
store_invitation_inviter(struct db *db, struct arena *a, long long user, const char **username,
    const char **full_name)
{
	struct db_result r;
	enum gh_err	 err;

	if ((err = db_exec_one(db, a, SQL_INV_INVITER, DB_PARAMS(DB_INT(user)), &r)) != GH_OK)
		return err;
	*username = db_str(&r, 0, 0);
	*full_name = db_str(&r, 0, 1);
	return GH_OK;
}

enum gh_err
store_invitation_role_named(struct db *db, struct arena *a, const char *name, long long org,
    long long *id)
{
	return DB_VALUE(db, a, SQL_ROLE_ID_BY_NAME, 0, id, DB_STR(name), DB_INT(org));
}

enum gh_err
store_invitation_grant(struct db *db, struct arena *a, long long id,
    struct invitation_grant *out)
{
	return DB_GET(db, a, SQL_INV_ROLE, grant_row, out, DB_INT(id));
}

enum gh_err
store_invitation_link(struct db *db, struct arena *a, const unsigned char hash[32],
    struct invitation_link *out)
{
	return DB_GET(db, a, SQL_INV_BY_TOKEN, link_row, out, DB_BLOB(hash, 32));
}

enum gh_err
store_invitation_claim(struct db *db, struct arena *a, const unsigned char hash[32],
    struct invitation_claim *out)
{
	return DB_GET(db, a, SQL_INV_BY_TOKEN_LOCK, claim_row, out, DB_BLOB(hash, 32));
}

enum gh_err
store_invitation_accept(struct db *db, struct arena *a, long long id)
{
	return DB_CHANGE(db, a, SQL_INV_MARK_ACCEPTED, DB_INT(id));
}

enum gh_err
store_invitation_set_user(struct db *db, struct arena *a, long long id, long long user)
{
	return DB_RUN(db, a, SQL_INV_SET_USER, DB_INT(user), DB_INT(id));
}

static void
login_row(const struct db_result *r, size_t i, struct invitation_login *o)
{
	o->id = db_int(r, i, ULC_ID);
	o->password_hash = db_str(r, i, ULC_HASH);
	o->is_enabled = db_int(r, i, ULC_ENABLED) != 0;
	o->is_account_non_locked = db_int(r, i, ULC_NON_LOCKED) != 0;
	o->has_lock_end = db_int(r, i, ULC_HAS_LOCK_END) != 0;
	o->lock_left = db_int(r, i, ULC_LOCK_LEFT);
}

enum gh_err
store_invitation_login(struct db *db, struct arena *a, const char *email,
    struct invitation_login *out)
{
	return DB_GET(db, a, SQL_USER_LOGIN_BY_EMAIL, login_row, out, DB_STR(email));
}

enum gh_err
store_invitation_account_names(struct db *db, struct arena *a, long long user,
    struct invitation_account *acct)
{
	struct db_result r;
	enum gh_err	 err;

	if ((err = db_exec(db, a, SQL_INV_USER_NAMES, DB_PARAMS(DB_INT(user)), &r)) != GH_OK)
		return err;
	acct->username = db_str(&r, 0, 0);
	acct->first_name = db_str(&r, 0, 1);
	acct->last_name = db_str(&r, 0, 2);
	return GH_OK;
}

enum gh_err
store_invitation_account_insert(struct db *db, struct arena *a,
    const struct invitation_account *acct, long long *id)
{
	return DB_INSERT(db, a, SQL_INV_USER_INSERT, id, DB_STR(acct->username),
	    DB_STR(acct->email), DB_STR(acct->first_name), DB_STR(acct->last_name),
	    DB_STR(acct->full_name), DB_STR(acct->password_hash), DB_INT(acct->role_id),
	    actor_param(acct->made_by), actor_param(acct->made_by));
}

enum gh_err
store_invitation_account_claim(struct db *db, struct arena *a, long long user,
    const struct invitation_account *acct)
{
	return DB_CHANGE(db, a, SQL_INV_USER_CLAIM, DB_STR(acct->username),
	    DB_STR(acct->first_name), DB_STR(acct->last_name), DB_STR(acct->full_name),
	    DB_STR(acct->password_hash), DB_INT(acct->role_id), DB_INT(user), DB_INT(user));
}

enum gh_err
store_invitation_join(struct db *db, struct arena *a, long long user, long long org,
    long long role, long long granted_by)
{
	long long	 primaries;
	enum gh_err	 err;

	if ((err = DB_VALUE(db, a, SQL_INV_HAS_PRIMARY, 0, &primaries, DB_INT(user))) != GH_OK ||
	    (err = DB_RUN(db, a, SQL_INV_MEMBERSHIP_ADD, DB_INT(user), DB_INT(org),
	    DB_INT(primaries == 0))) != GH_OK)
		return err;
	return DB_RUN(db, a, SQL_UR_ADD, DB_INT(user), DB_INT(role), DB_INT(org),
	    actor_param(granted_by));
}
