/*
 * invitation.c: the invitation rows of signup_info and what accepting one writes.  Contract in
 * invitation.h.
 */
#include <string.h>

#include "core/arena.h"
#include "store/db.h"
#include "store/invitation.h"

static void
invitation_row(const struct db_result *r, size_t i, struct invitation *o)
{
	INVITATION_COLUMNS(DB_COL_READ)
}

static void
org_row(const struct db_result *r, size_t i, struct invitation_org *o)
{
	INVITATION_ORG_COLUMNS(DB_COL_READ)
}

static void
link_row(const struct db_result *r, size_t i, struct invitation_link *o)
{
	INVITATION_LINK_COLUMNS(DB_COL_READ)
}

static void
claim_row(const struct db_result *r, size_t i, struct invitation_claim *o)
{
	INVITATION_CLAIM_COLUMNS(DB_COL_READ)
}

static void
grant_row(const struct db_result *r, size_t i, struct invitation_grant *o)
{
	INVITATION_GRANT_COLUMNS(DB_COL_READ)
}

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
	struct db_param	 p[11];
	size_t		 np = 0;
	int		 desc = ks->sort == INVITATION_SORT_ID_DESC;

	p[np++] = DB_INT(ks->after);
	if (desc)
		p[np++] = DB_INT(ks->after);
	p[np++] = DB_INT(f->all_orgs);
	p[np++] = DB_INT(f->own_org);
	p[np++] = DB_INT(f->org != 0);
	p[np++] = DB_INT(f->org);
	p[np++] = DB_STR(f->status ? f->status : "");
	p[np++] = DB_STR(f->status ? f->status : "");
	p[np++] = DB_STR(f->email ? f->email : "");
	p[np++] = DB_STR(f->email ? f->email : "");
	p[np++] = DB_INT(ks->limit + 1);
	return DB_ROWS(db, a, desc ? SQL_INV_LIST_DESC : SQL_INV_LIST, p, np, invitation_row, out, n);
}

enum gh_err
store_invitation_get(struct db *db, struct arena *a, long long id, int lock,
    struct invitation *out)
{
	struct db_result r;
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_INT(id);
	if (lock) {
		if ((err = db_exec(db, a, SQL_INV_LOCK, p, 1, &r)) != GH_OK)
			return err;
		if (r.nrows == 0)
			return GH_ERR_NOT_FOUND;
	}
	if ((err = db_exec_one(db, a, SQL_INV_GET, p, 1, &r)) != GH_OK)
		return err;
	invitation_row(&r, 0, out);
	return GH_OK;
}

enum gh_err
store_invitation_insert(struct db *db, struct arena *a, const struct invitation *inv,
    const unsigned char hash[32], long long ttl, long long actor, long long *id)
{
	struct db_result r;
	struct db_param	 p[7];
	enum gh_err	 err;

	p[0] = DB_INT(inv->organization_id);
	p[1] = DB_STR(inv->email);
	p[2] = DB_INT(inv->role_id);
	p[3] = DB_BLOB(hash, 32);
	p[4] = actor_param(actor);
	p[5] = actor_param(actor);
	p[6] = DB_INT(ttl);
	if ((err = db_exec(db, a, SQL_INV_INSERT, p, 7, &r)) != GH_OK)
		return err;
	*id = (long long)r.insert_id;
	return GH_OK;
}

enum gh_err
store_invitation_revoke(struct db *db, struct arena *a, long long id, long long actor)
{
	struct db_param	 p[2];

	p[0] = actor_param(actor);
	p[1] = DB_INT(id);
	return db_exec(db, a, SQL_INV_REVOKE, p, 2, NULL);
}

enum gh_err
store_invitation_resend(struct db *db, struct arena *a, long long id,
    const unsigned char hash[32], long long ttl, long long actor)
{
	struct db_param	 p[4];

	p[0] = DB_BLOB(hash, 32);
	p[1] = DB_INT(ttl);
	p[2] = actor_param(actor);
	p[3] = DB_INT(id);
	return db_exec(db, a, SQL_INV_RESEND, p, 4, NULL);
}

enum gh_err
store_invitation_org(struct db *db, struct arena *a, long long id, struct invitation_org *out)
{
	struct db_result r;
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_INT(id);
	if ((err = db_exec_one(db, a, SQL_INV_ORG, p, 1, &r)) != GH_OK)
		return err;
	org_row(&r, 0, out);
	return GH_OK;
}

enum gh_err
store_invitation_member(struct db *db, struct arena *a, long long org, const char *email,
    long long *user, int *has_password)
{
	struct db_result r;
	struct db_param	 p[2];
	enum gh_err	 err;

	p[0] = DB_INT(org);
	p[1] = DB_STR(email);
	if ((err = db_exec(db, a, SQL_INV_MEMBER, p, 2, &r)) != GH_OK)
		return err;
	*user = r.nrows > 0 ? db_int(&r, 0, 0) : 0;
	*has_password = r.nrows > 0 && db_int(&r, 0, 1) != 0;
	return GH_OK;
}

enum gh_err
store_invitation_pending(struct db *db, struct arena *a, long long org, const char *email,
    long long *id)
{
	struct db_result r;
	struct db_param	 p[2];
	enum gh_err	 err;

	p[0] = DB_INT(org);
	p[1] = DB_STR(email);
	if ((err = db_exec(db, a, SQL_INV_PENDING, p, 2, &r)) != GH_OK)
		return err;
	*id = r.nrows > 0 ? db_int(&r, 0, 0) : 0;
	return GH_OK;
}

enum gh_err
store_invitation_inviter(struct db *db, struct arena *a, long long user, const char **username,
    const char **full_name)
{
	struct db_result r;
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_INT(user);
	if ((err = db_exec_one(db, a, SQL_INV_INVITER, p, 1, &r)) != GH_OK)
		return err;
	*username = db_str(&r, 0, 0);
	*full_name = db_str(&r, 0, 1);
	return GH_OK;
}

enum gh_err
store_invitation_role_named(struct db *db, struct arena *a, const char *name, long long org,
    long long *id)
{
	struct db_result r;
	struct db_param	 p[2];
	enum gh_err	 err;

	p[0] = DB_STR(name);
	p[1] = DB_INT(org);
	if ((err = db_exec(db, a, SQL_ROLE_ID_BY_NAME, p, 2, &r)) != GH_OK)
		return err;
	*id = r.nrows > 0 ? db_int(&r, 0, 0) : 0;
	return GH_OK;
}

enum gh_err
store_invitation_grant(struct db *db, struct arena *a, long long id,
    struct invitation_grant *out)
{
	struct db_result r;
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_INT(id);
	if ((err = db_exec_one(db, a, SQL_INV_ROLE, p, 1, &r)) != GH_OK)
		return err;
	grant_row(&r, 0, out);
	return GH_OK;
}

enum gh_err
store_invitation_link(struct db *db, struct arena *a, const unsigned char hash[32],
    struct invitation_link *out)
{
	struct db_result r;
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_BLOB(hash, 32);
	if ((err = db_exec_one(db, a, SQL_INV_BY_TOKEN, p, 1, &r)) != GH_OK)
		return err;
	link_row(&r, 0, out);
	return GH_OK;
}

enum gh_err
store_invitation_claim(struct db *db, struct arena *a, const unsigned char hash[32],
    struct invitation_claim *out)
{
	struct db_result r;
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_BLOB(hash, 32);
	if ((err = db_exec_one(db, a, SQL_INV_BY_TOKEN_LOCK, p, 1, &r)) != GH_OK)
		return err;
	claim_row(&r, 0, out);
	return GH_OK;
}

enum gh_err
store_invitation_accept(struct db *db, struct arena *a, long long id)
{
	struct db_result r;
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_INT(id);
	if ((err = db_exec(db, a, SQL_INV_MARK_ACCEPTED, p, 1, &r)) != GH_OK)
		return err;
	return r.affected == 1 ? GH_OK : GH_ERR_NOT_FOUND;
}

enum gh_err
store_invitation_set_user(struct db *db, struct arena *a, long long id, long long user)
{
	return db_exec_ints(db, a, SQL_INV_SET_USER, 2, user, id);
}

enum gh_err
store_invitation_login(struct db *db, struct arena *a, const char *email,
    struct invitation_login *out)
{
	struct db_result r;
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_STR(email);
	if ((err = db_exec_one(db, a, SQL_USER_LOGIN_BY_EMAIL, p, 1, &r)) != GH_OK)
		return err;
	out->id = db_int(&r, 0, ULC_ID);
	out->password_hash = db_str(&r, 0, ULC_HASH);
	out->is_enabled = db_int(&r, 0, ULC_ENABLED) != 0;
	out->is_account_non_locked = db_int(&r, 0, ULC_NON_LOCKED) != 0;
	out->has_lock_end = db_int(&r, 0, ULC_HAS_LOCK_END) != 0;
	out->lock_left = db_int(&r, 0, ULC_LOCK_LEFT);
	return GH_OK;
}

enum gh_err
store_invitation_account_names(struct db *db, struct arena *a, long long user,
    struct invitation_account *acct)
{
	struct db_result r;
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_INT(user);
	if ((err = db_exec(db, a, SQL_INV_USER_NAMES, p, 1, &r)) != GH_OK)
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
	struct db_result r;
	struct db_param	 p[9];
	enum gh_err	 err;

	p[0] = DB_STR(acct->username);
	p[1] = DB_STR(acct->email);
	p[2] = DB_STR(acct->first_name);
	p[3] = DB_STR(acct->last_name);
	p[4] = DB_STR(acct->full_name);
	p[5] = DB_STR(acct->password_hash);
	p[6] = DB_INT(acct->role_id);
	p[7] = actor_param(acct->made_by);
	p[8] = actor_param(acct->made_by);
	if ((err = db_exec(db, a, SQL_INV_USER_INSERT, p, 9, &r)) != GH_OK)
		return err;
	*id = (long long)r.insert_id;
	return GH_OK;
}

enum gh_err
store_invitation_account_claim(struct db *db, struct arena *a, long long user,
    const struct invitation_account *acct)
{
	struct db_result r;
	struct db_param	 p[8];
	enum gh_err	 err;

	p[0] = DB_STR(acct->username);
	p[1] = DB_STR(acct->first_name);
	p[2] = DB_STR(acct->last_name);
	p[3] = DB_STR(acct->full_name);
	p[4] = DB_STR(acct->password_hash);
	p[5] = DB_INT(acct->role_id);
	p[6] = DB_INT(user);
	p[7] = DB_INT(user);
	if ((err = db_exec(db, a, SQL_INV_USER_CLAIM, p, 8, &r)) != GH_OK)
		return err;
	return r.affected == 1 ? GH_OK : GH_ERR_NOT_FOUND;
}

enum gh_err
store_invitation_join(struct db *db, struct arena *a, long long user, long long org,
    long long role, long long granted_by)
{
	struct db_result r;
	struct db_param	 p[4];
	enum gh_err	 err;

	p[0] = DB_INT(user);
	if ((err = db_exec(db, a, SQL_INV_HAS_PRIMARY, p, 1, &r)) != GH_OK)
		return err;
	p[1] = DB_INT(org);
	p[2] = DB_INT(db_int(&r, 0, 0) == 0);
	if ((err = db_exec(db, a, SQL_INV_MEMBERSHIP_ADD, p, 3, NULL)) != GH_OK)
		return err;
	p[1] = DB_INT(role);
	p[2] = DB_INT(org);
	p[3] = actor_param(granted_by);
	return db_exec(db, a, SQL_UR_ADD, p, 4, NULL);
}
