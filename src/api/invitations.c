/*
 * invitations.c: invitations (seed 000 signup_info), their public look-up and acceptance, and
 * the password reset, which shares the table and the token scheme (docs/api-invitations.md).
 *
 * A token is 256 random bits in base64url (43 characters).  It leaves Gatehouse only inside a
 * mailed link; the database holds its SHA-256, the logs never see it (the public routes replace
 * it in req->path, which the access line and problem bodies print).  An invitation is pending,
 * expired, revoked or accepted (derived in SQL, INV_STATUS); accepting it locks its row and
 * marks it accepted in the transaction that creates the account, so it works once.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cJSON.h>
#include <sodium.h>

#include "api/api.h"
#include "api/common.h"
#include "api/invitations.h"
#include "auth/authn.h"
#include "auth/authz.h"
#include "auth/lockout.h"
#include "auth/password.h"
#include "auth/policy.h"
#include "auth/session.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "core/log.h"
#include "core/mail.h"
#include "core/valid.h"
#include "http/body.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/kv.h"

#define TOKEN_BYTES	32
#define TOKEN_CHARS	43	/* base64url of 32 bytes, no padding */

/* Password reset requests allowed per client address and per email address, in Redis. */
#define RESET_IP_MAX		20
#define RESET_IP_WINDOW		"900"	/* seconds */
#define RESET_EMAIL_MAX		5
#define RESET_EMAIL_WINDOW	"3600"

enum inv_col {
	IC_ID, IC_ORG, IC_EMAIL, IC_ROLE_ID, IC_ROLE, IC_STATUS, IC_USER, IC_CREATED_BY,
	IC_UPDATED_BY, IC_EXPIRES, IC_ACCEPTED, IC_REVOKED, IC_SENT, IC_SEND_COUNT, IC_CREATED,
	IC_UPDATED
};

/* Columns of SQL_INV_BY_TOKEN. */
enum { TC_ID, TC_STATUS, TC_EMAIL, TC_ORG_NAME, TC_ORG_SLUG, TC_ORG_STATUS, TC_THEME,
	TC_ORG = TC_THEME + 7 };

/* Why an invitation link cannot be used. */
enum inv_state {
	INV_OK,
	INV_UNKNOWN,
	INV_EXPIRED,
	INV_REVOKED,
	INV_USED,
	INV__MAX
};

static const struct {
	const char	*code;		/* the problem code it answers */
	const char	*detail;
} inv_states[INV__MAX] = {
	[INV_OK] = { "ok", "" },
	[INV_UNKNOWN] = { "invitation_unknown", "this invitation link is not valid: check that "
	    "it was copied whole, or ask for a new invitation" },
	[INV_EXPIRED] = { "invitation_expired", "this invitation has expired; ask for a new one" },
	[INV_REVOKED] = { "invitation_revoked", "this invitation was withdrawn" },
	[INV_USED] = { "invitation_used", "this invitation was already accepted; log in instead" },
};

/*
 * The problem of an invitation link that cannot be used.  With the invitation codes in err.h
 * (GH_ERR_HAVE_INVITATION_CODES) each state has its own code; before that, every state answers
 * 404 not_found with a "reason" member naming the code it will get.
 */
static enum gh_err
link_problem(struct request *req, enum inv_state st)
{
#ifdef GH_ERR_HAVE_INVITATION_CODES
	static const enum gh_err errs[INV__MAX] = {
		[INV_OK] = GH_ERR_INTERNAL,
		[INV_UNKNOWN] = GH_ERR_INVITATION_UNKNOWN,
		[INV_EXPIRED] = GH_ERR_INVITATION_EXPIRED,
		[INV_REVOKED] = GH_ERR_INVITATION_REVOKED,
		[INV_USED] = GH_ERR_INVITATION_USED,
	};

	return req_fail(req, errs[st], NULL, "%s", inv_states[st].detail);
#else
	cJSON	*o = api_object(req);

	cJSON_AddStringToObject(o, "reason", inv_states[st].code);
	req->problem_extra = o;
	return req_fail(req, GH_ERR_NOT_FOUND, NULL, "%s", inv_states[st].detail);
#endif
}

static enum inv_state
state_of(const char *status)
{
	if (status == NULL)
		return INV_UNKNOWN;
	if (strcmp(status, "pending") == 0)
		return INV_OK;
	if (strcmp(status, "expired") == 0)
		return INV_EXPIRED;
	if (strcmp(status, "revoked") == 0)
		return INV_REVOKED;
	return INV_USED;
}

/* ---------------------------------------------------------------------------------------- */
/* Tokens, addresses, names */

static void
wipe_str(void *p)
{
	sodium_memzero(p, strlen(p));
}

/* A new token (arena, wiped at reset) and its SHA-256. */
static char *
token_new(struct request *req, unsigned char hash[32])
{
	unsigned char	 raw[TOKEN_BYTES];
	char		*t = arena_alloc(req->arena, TOKEN_CHARS + 1);

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(t, TOKEN_CHARS + 1, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	arena_cleanup(req->arena, wipe_str, t);
	session_token_hash(t, hash);
	return t;
}

/* Whether t looks like one of our tokens (no database round trip for junk). */
static int
token_shape(const char *t)
{
	size_t	 i;

	for (i = 0; t != NULL && t[i] != '\0'; i++)
		if (!isalnum((unsigned char)t[i]) && t[i] != '-' && t[i] != '_')
			return 0;
	return t != NULL && i == TOKEN_CHARS;
}

/* The link for a token: {public_url}/#/PAGE?token=T (arena, wiped at reset). */
static const char *
link_for(struct request *req, const char *page, const char *tok)
{
	const char	*base = req->w->cfg->public_url ? req->w->cfg->public_url : "";
	size_t		 n = strlen(base);
	char		*s;

	while (n > 0 && base[n - 1] == '/')
		n--;
	s = arena_printf(req->arena, "%.*s/#/%s?token=%s", (int)n, base, page, tok);
	arena_cleanup(req->arena, wipe_str, s);
	return s;
}

/* The public routes carry the token in the path: keep it out of the log and problem bodies. */
static void
redact_path(struct request *req, const char *suffix)
{
	req->path = arena_printf(req->arena, "/api/v1/public/invitations/{token}%s", suffix);
}

static int
domain_allowed(const struct policy_invitation *pi, const char *email)
{
	const char	*d = strrchr(email, '@') + 1;
	size_t		 i;

	if (pi->ndomains == 0)
		return 1;
	for (i = 0; i < pi->ndomains; i++)
		if (pi->allowed_domains[i] != NULL && strcasecmp(d, pi->allowed_domains[i]) == 0)
			return 1;
	return 0;
}

static const char *
domain_list(struct request *req, const struct policy_invitation *pi)
{
	const char	*s = "";
	size_t		 i;

	for (i = 0; i < pi->ndomains && i < 10; i++)
		s = arena_printf(req->arena, "%s%s%s", s, i ? ", " : "", pi->allowed_domains[i]);
	return i < pi->ndomains ? arena_printf(req->arena, "%s, ...", s) : s;
}


static void
audit(struct request *req, long long actor, long long org, const char *action,
    const char *type, long long target, int failure, const char *reason, const cJSON *details)
{
	struct audit_event	 ev;

	memset(&ev, 0, sizeof(ev));
	ev.actor = actor;
	ev.org = org;
	ev.action = action;
	ev.target_type = type;
	ev.target_id = target > 0 ? arena_printf(req->arena, "%lld", target) : NULL;
	ev.failure = failure;
	ev.reason = reason;
	ev.details = audit_json(req, details);
	(void)audit_write(req, &ev);
}

/* ---------------------------------------------------------------------------------------- */
/* The invitation object */

static void
add_id(cJSON *o, const char *k, const struct db_result *r, size_t i, size_t col)
{
	if (db_isnull(r, i, col))
		cJSON_AddNullToObject(o, k);
	else
		cJSON_AddNumberToObject(o, k, (double)db_int(r, i, col));
}

static cJSON *
inv_json(struct request *req, const struct db_result *r, size_t i)
{
	cJSON	*o = api_object(req);

	cJSON_AddNumberToObject(o, "id", (double)db_int(r, i, IC_ID));
	add_id(o, "organization_id", r, i, IC_ORG);
	cJSON_AddStringToObject(o, "email", db_str(r, i, IC_EMAIL));
	api_add_str(o, "role", db_str(r, i, IC_ROLE));
	add_id(o, "role_id", r, i, IC_ROLE_ID);
	cJSON_AddStringToObject(o, "status", db_str(r, i, IC_STATUS));
	add_id(o, "user_id", r, i, IC_USER);
	cJSON_AddStringToObject(o, "expires_at", db_str(r, i, IC_EXPIRES));
	api_add_str(o, "accepted_at", db_str(r, i, IC_ACCEPTED));
	api_add_str(o, "revoked_at", db_str(r, i, IC_REVOKED));
	api_add_str(o, "last_sent_at", db_str(r, i, IC_SENT));
	cJSON_AddNumberToObject(o, "send_count", (double)db_int(r, i, IC_SEND_COUNT));
	add_id(o, "created_by", r, i, IC_CREATED_BY);
	add_id(o, "updated_by", r, i, IC_UPDATED_BY);
	cJSON_AddStringToObject(o, "created_at", db_str(r, i, IC_CREATED));
	cJSON_AddStringToObject(o, "updated_at", db_str(r, i, IC_UPDATED));
	return o;
}

/*
 * Read invitation id (row-locked first when lock) into r.  404 when there is none or the caller
 * may not see it: organization callers see their organization's, platform callers (perm held
 * through a platform role) every one.
 */
static enum gh_err
load(struct request *req, long long id, const char *perm, int lock, struct db_result *r)
{
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_INT(id);
	if (lock && (err = db_exec(req->w->db, req->arena, SQL_INV_LOCK, p, 1, r)) != GH_OK)
		return err;
	if ((!lock || r->nrows > 0) &&
	    (err = db_exec(req->w->db, req->arena, SQL_INV_GET, p, 1, r)) != GH_OK)
		return err;
	if (r->nrows == 0 || (!authn_platform_has(req, perm) &&
	    db_int(r, 0, IC_ORG) != req->auth.org_id))
		return req_fail(req, GH_ERR_NOT_FOUND, NULL, "no invitation %lld", id);
	return GH_OK;
}

/* ---------------------------------------------------------------------------------------- */
/* Issuing */

/*
 * May the caller invite into org with role_id?  The role must exist, be org's own or shared,
 * not platform-scope; an organization caller must hold every permission it grants.
 */
static enum gh_err
role_ok(struct request *req, long long role_id, long long org, const struct authz_role **out)
{
	const struct authz_role	*role = authn_role_by_id(req, role_id);

	if (role == NULL)
		return req_fail(req, GH_ERR_VALIDATION, "role", "no such role");
	if (role->platform)
		return req_fail(req, GH_ERR_VALIDATION, "role",
		    "%s is a platform role: it is not granted by invitation", role->name);
	if (role->org_key != 0 && role->org_key != org)
		return req_fail(req, GH_ERR_VALIDATION, "role", "role %s belongs to another "
		    "organization", role->name);
	if (!authn_platform_has(req, "invitations.create") &&
	    !authn_platform_has(req, "users.create") && !authn_holds_role(req, role))
		return req_fail(req, GH_ERR_FORBIDDEN, "role",
		    "role %s grants permissions you do not hold", role->name);
	*out = role;
	return GH_OK;
}

/* The shared or org's role named name; 0 when there is none. */
static enum gh_err
role_named(struct request *req, const char *name, long long org, long long *id)
{
	struct db_result r;
	struct db_param	 p[2];
	enum gh_err	 err;

	p[0] = DB_STR(name);
	p[1] = DB_INT(org);
	if ((err = db_exec(req->w->db, req->arena, SQL_ROLE_ID_BY_NAME, p, 2, &r)) != GH_OK)
		return err;
	*id = r.nrows > 0 ? db_int(&r, 0, 0) : 0;
	return GH_OK;
}

/* The caller's name for the invitation mail. */
static const char *
inviter_name(struct request *req)
{
	struct db_result r;
	struct db_param	 p[1];
	const char	*full;

	p[0] = DB_INT(req->auth.user_id);
	if (req->auth.user_id <= 0 ||
	    db_exec(req->w->db, req->arena, SQL_INV_INVITER, p, 1, &r) != GH_OK || r.nrows == 0)
		return "An administrator";
	full = db_str(&r, 0, 1);
	return full != NULL && *full != '\0' ? full : db_str(&r, 0, 0);
}

/* "2026-11-29T11:00:00.000000Z" -> "2026-11-29 11:00 UTC" for people. */
static const char *
human_time(struct request *req, const char *ts)
{
	if (ts == NULL || strlen(ts) < 16)
		return ts ? ts : "";
	return arena_printf(req->arena, "%.10s %.5s UTC", ts, ts + 11);
}

/* Mail the invitation r (row 0) with token tok. */
static enum gh_err
mail_invitation(struct request *req, const struct db_result *r, const char *org_name,
    const char *org_slug, const char *tok)
{
	const char	*vars[] = {
		"link", link_for(req, "accept-invitation", tok),
		"organization_name", org_name,
		"organization_slug", org_slug,
		"role", db_str(r, 0, IC_ROLE) ? db_str(r, 0, IC_ROLE) : "member",
		"inviter", inviter_name(req),
		"email", db_str(r, 0, IC_EMAIL),
		"expires_at", human_time(req, db_str(r, 0, IC_EXPIRES)),
		NULL, NULL
	};
	const char	*why;
	enum gh_err	 err;

	if ((err = mail_send(req->w->cfg, req->arena, db_str(r, 0, IC_EMAIL), "invitation", vars,
	    &why)) != GH_OK)
		return req_fail(req, err, NULL, "%s", why);
	return GH_OK;
}

enum gh_err
invitation_issue(struct request *req, long long org, const char *email, long long role_id,
    cJSON **out)
{
	const struct authz_role	*role;
	struct policy_invitation pi;
	struct db_result	 o, r;
	struct db_param		 p[7];
	unsigned char		 hash[32];
	const char		*tok;
	long long		 id;
	int			 own = 0;
	enum gh_err		 err;
	cJSON			*d;

	*out = NULL;
	if (email == NULL || !valid_email(email))
		return req_fail(req, GH_ERR_VALIDATION, "email", "email is not a valid address");
	p[0] = DB_INT(org);
	if ((err = db_exec(req->w->db, req->arena, SQL_INV_ORG, p, 1, &o)) != GH_OK)
		return err;
	if (o.nrows == 0)
		return req_fail(req, GH_ERR_VALIDATION, "organization_id", "no organization %lld",
		    org);
	if (strcmp(db_str(&o, 0, 3), "active") != 0)
		return req_fail(req, GH_ERR_ORG_SUSPENDED, "organization_id",
		    "organization %s is suspended", db_str(&o, 0, 1));
	if ((err = policy_invitation(req, org, &pi)) != GH_OK)
		return err;
	if (!domain_allowed(&pi, email))
		return req_fail(req, GH_ERR_VALIDATION, "email", "organization %s invites only "
		    "addresses at %s", db_str(&o, 0, 1), domain_list(req, &pi));
	if (role_id == 0) {
		if ((err = role_named(req, "member", org, &role_id)) != GH_OK)
			return err;
		if (role_id == 0)
			return req_fail(req, GH_ERR_VALIDATION, "role", "there is no role member");
	}
	if ((err = role_ok(req, role_id, org, &role)) != GH_OK)
		return err;
	p[0] = DB_INT(org);
	p[1] = DB_STR(email);
	if ((err = db_exec(req->w->db, req->arena, SQL_INV_MEMBER, p, 2, &r)) != GH_OK)
		return err;
	if (r.nrows > 0 && db_int(&r, 0, 1))
		return req_fail(req, GH_ERR_CONFLICT, "email", "%s already has an account in "
		    "organization %s", email, db_str(&o, 0, 1));
	if ((err = db_exec(req->w->db, req->arena, SQL_INV_PENDING, p, 2, &r)) != GH_OK)
		return err;
	if (r.nrows > 0) {
		d = api_object(req);
		cJSON_AddNumberToObject(d, "invitation_id", (double)db_int(&r, 0, 0));
		req->problem_extra = d;
		return req_fail(req, GH_ERR_CONFLICT, "email", "a pending invitation for this "
		    "address exists (id %lld): resend it instead", db_int(&r, 0, 0));
	}

	/* The caller's transaction, if it has one, else ours. */
	own = !db_in_tx(req->w->db);
	if (own && (err = db_begin(req->w->db)) != GH_OK)
		return err;
	tok = token_new(req, hash);
	p[0] = DB_INT(org);
	p[1] = DB_STR(email);
	p[2] = DB_INT(role_id);
	p[3] = DB_BLOB(hash, sizeof(hash));
	p[4] = req->auth.user_id > 0 ? DB_INT(req->auth.user_id) : DB_NULL;
	p[5] = p[4];
	p[6] = DB_INT(pi.ttl);
	if ((err = db_exec(req->w->db, req->arena, SQL_INV_INSERT, p, 7, &r)) != GH_OK)
		goto fail;
	id = (long long)r.insert_id;
	d = api_object(req);
	cJSON_AddStringToObject(d, "email", email);
	cJSON_AddStringToObject(d, "role", role->name);
	audit(req, req->auth.user_id, org, "invitation.create", "invitation", id, 0, NULL, d);
	p[0] = DB_INT(id);
	if ((err = db_exec(req->w->db, req->arena, SQL_INV_GET, p, 1, &r)) != GH_OK)
		goto fail;
	if ((err = mail_invitation(req, &r, db_str(&o, 0, 2), db_str(&o, 0, 1), tok)) != GH_OK)
		goto fail;
	if (own && (err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	*out = inv_json(req, &r, 0);
	return GH_OK;
fail:
	if (own)
		db_rollback(req->w->db);
	return err;
}

/* ---------------------------------------------------------------------------------------- */
/* Admin routes */

enum gh_err
api_invitations_list(struct request *req)
{
	static const char *const statuses[] = { "pending", "accepted", "revoked", "expired", NULL };
	struct api_page	 pg;
	struct db_result r;
	struct db_param	 p[11];
	const char	*status = req_query(req, "status");
	const char	*email = req_query(req, "email"), *sort = req_query(req, "sort");
	long long	 org = 0, last = 0;
	int		 desc = 0;
	size_t		 i, n = 0;
	enum gh_err	 err;
	cJSON		*items;

	if ((err = api_page_parse(req, &pg)) != GH_OK)
		return err;
	if (status != NULL) {
		for (i = 0; statuses[i] != NULL && strcmp(statuses[i], status) != 0; i++)
			;
		if (statuses[i] == NULL)
			return req_fail(req, GH_ERR_VALIDATION, "status",
			    "status is pending, accepted, revoked or expired");
	}
	if ((err = api_query_int(req, "organization_id", 1, LLONG_MAX,
	    "organization_id is an organization id", &org)) != GH_OK)
		return err;
	if (sort != NULL) {
		if (strcmp(sort, "-id") == 0 || strcmp(sort, "-created_at") == 0)
			desc = 1;
		else if (strcmp(sort, "id") != 0 && strcmp(sort, "created_at") != 0)
			return req_fail(req, GH_ERR_VALIDATION, "sort",
			    "sort is id, created_at, -id or -created_at");
	}
	p[n++] = DB_INT(pg.after);
	if (desc)
		p[n++] = DB_INT(pg.after);
	p[n++] = DB_INT(authn_platform_has(req, "invitations.read"));
	p[n++] = DB_INT(req->auth.org_id);
	p[n++] = DB_INT(org != 0);
	p[n++] = DB_INT(org);
	p[n++] = DB_STR(status ? status : "");
	p[n++] = DB_STR(status ? status : "");
	p[n++] = DB_STR(email ? email : "");
	p[n++] = DB_STR(email ? email : "");
	p[n++] = DB_INT(pg.limit + 1);
	if ((err = db_exec(req->w->db, req->arena, desc ? SQL_INV_LIST_DESC : SQL_INV_LIST, p, n,
	    &r)) != GH_OK)
		return err;
	items = api_array(req);
	for (i = 0; i < r.nrows && (long long)i < pg.limit; i++) {
		cJSON_AddItemReferenceToArray(items, inv_json(req, &r, i));
		last = db_int(&r, i, IC_ID);
	}
	api_page_respond(req, items, (long long)r.nrows > pg.limit ? last : 0);
	return GH_OK;
}

enum gh_err
api_invitation_get(struct request *req)
{
	struct db_result r;
	long long	 id;
	enum gh_err	 err;

	if ((err = api_id_param(req, 0, &id)) != GH_OK ||
	    (err = load(req, id, "invitations.read", 0, &r)) != GH_OK)
		return err;
	api_entity(req, 200, inv_json(req, &r, 0), NULL);
	return GH_OK;
}

enum gh_err
api_invitation_create(struct request *req)
{
	static const char *const fields[] = { "email", "role", "organization_id", NULL };
	const char	*email, *role;
	long long	 org = 0, role_id = 0;
	int		 given;
	enum gh_err	 err;
	cJSON		*o;

	if ((err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "email", BODY_REQUIRED, 3, 254, &email)) != GH_OK ||
	    (err = body_str(req, "role", BODY_OPTIONAL, 1, 100, &role)) != GH_OK ||
	    (err = body_int(req, "organization_id", BODY_OPTIONAL, 1, 9000000000000000LL, &org,
	    &given)) != GH_OK)
		return err;
	if (!given)
		org = req->auth.org_id;
	else if (org != req->auth.org_id && !authn_platform_has(req, "invitations.create"))
		return req_fail(req, GH_ERR_FORBIDDEN, "organization_id",
		    "you can invite only into your own organization");
	if (org <= 0)
		return req_fail(req, GH_ERR_VALIDATION, "organization_id",
		    "organization_id is required: your session has no organization");
	if ((err = api_ident(req, "email", VALID_EMAIL, email, "email is not a valid address",
	    &email)) != GH_OK)
		return err;
	if (role != NULL) {
		if ((err = role_named(req, role, org, &role_id)) != GH_OK)
			return err;
		if (role_id == 0)
			return req_fail(req, GH_ERR_VALIDATION, "role", "no role named %s in this "
			    "organization", role);
	}
	if ((err = invitation_issue(req, org, email, role_id, &o)) != GH_OK)
		return err;
	api_entity(req, 201, o, arena_printf(req->arena, "/api/v1/invitations/%lld",
	    (long long)cJSON_GetObjectItemCaseSensitive(o, "id")->valuedouble));
	return GH_OK;
}

enum gh_err
api_invitation_revoke(struct request *req)
{
	struct db_result r;
	struct db_param	 p[2];
	long long	 id;
	enum gh_err	 err;

	if ((err = api_id_param(req, 0, &id)) != GH_OK)
		return err;
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((err = load(req, id, "invitations.revoke", 1, &r)) != GH_OK ||
	    (err = api_if_match(req, inv_json(req, &r, 0))) != GH_OK)
		goto fail;
	if (strcmp(db_str(&r, 0, IC_STATUS), "accepted") == 0) {
		err = req_fail(req, GH_ERR_CONFLICT, NULL, "invitation %lld was already accepted", id);
		goto fail;
	}
	if (strcmp(db_str(&r, 0, IC_STATUS), "revoked") != 0) {
		/* Revoking twice changes nothing and records nothing. */
		p[0] = req->auth.user_id > 0 ? DB_INT(req->auth.user_id) : DB_NULL;
		p[1] = DB_INT(id);
		if ((err = db_exec(req->w->db, req->arena, SQL_INV_REVOKE, p, 2, NULL)) != GH_OK)
			goto fail;
		audit(req, req->auth.user_id, db_int(&r, 0, IC_ORG), "invitation.revoke",
		    "invitation", id, 0, NULL, NULL);
		if ((err = load(req, id, "invitations.revoke", 0, &r)) != GH_OK)
			goto fail;
	}
	if ((err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	api_entity(req, 200, inv_json(req, &r, 0), NULL);
	return GH_OK;
fail:
	db_rollback(req->w->db);
	return err;
}

enum gh_err
api_invitation_resend(struct request *req)
{
	const struct authz_role	*role;
	struct policy_invitation pi;
	struct db_result	 r, o;
	struct db_param		 p[4];
	unsigned char		 hash[32];
	const char		*tok, *st;
	long long		 id, org, role_id;
	enum gh_err		 err;

	if ((err = api_id_param(req, 0, &id)) != GH_OK)
		return err;
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((err = load(req, id, "invitations.create", 1, &r)) != GH_OK ||
	    (err = api_if_match(req, inv_json(req, &r, 0))) != GH_OK)
		goto fail;
	st = db_str(&r, 0, IC_STATUS);
	if (strcmp(st, "accepted") == 0 || strcmp(st, "revoked") == 0) {
		err = req_fail(req, GH_ERR_CONFLICT, NULL, "invitation %lld was %s: invite again "
		    "instead", id, st);
		goto fail;
	}
	org = db_int(&r, 0, IC_ORG);
	p[0] = DB_INT(org);
	if ((err = db_exec(req->w->db, req->arena, SQL_INV_ORG, p, 1, &o)) != GH_OK)
		goto fail;
	if (o.nrows == 0 || strcmp(db_str(&o, 0, 3), "active") != 0) {
		err = req_fail(req, GH_ERR_ORG_SUSPENDED, NULL, "the organization is suspended");
		goto fail;
	}
	/* Sending again grants again: the caller must be able to grant the role today. */
	role_id = db_isnull(&r, 0, IC_ROLE_ID) ? 0 : db_int(&r, 0, IC_ROLE_ID);
	if (role_id == 0 && (err = role_named(req, "member", org, &role_id)) != GH_OK)
		goto fail;
	if ((err = role_ok(req, role_id, org, &role)) != GH_OK ||
	    (err = policy_invitation(req, org, &pi)) != GH_OK)
		goto fail;
	tok = token_new(req, hash);
	p[0] = DB_BLOB(hash, sizeof(hash));
	p[1] = DB_INT(pi.ttl);
	p[2] = req->auth.user_id > 0 ? DB_INT(req->auth.user_id) : DB_NULL;
	p[3] = DB_INT(id);
	if ((err = db_exec(req->w->db, req->arena, SQL_INV_RESEND, p, 4, NULL)) != GH_OK)
		goto fail;
	audit(req, req->auth.user_id, org, "invitation.resend", "invitation", id, 0, NULL, NULL);
	if ((err = load(req, id, "invitations.create", 0, &r)) != GH_OK ||
	    (err = mail_invitation(req, &r, db_str(&o, 0, 2), db_str(&o, 0, 1), tok)) != GH_OK ||
	    (err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	api_entity(req, 200, inv_json(req, &r, 0), NULL);
	return GH_OK;
fail:
	db_rollback(req->w->db);
	return err;
}

/* ---------------------------------------------------------------------------------------- */
/* Public invitation routes */

/* Read the invitation of a link into r; a problem when it cannot be used. */
static enum gh_err
by_token(struct request *req, const char *tok, unsigned char hash[32], struct db_result *r)
{
	struct db_param	 p[1];
	enum inv_state	 st;
	enum gh_err	 err;

	if (!token_shape(tok))
		return link_problem(req, INV_UNKNOWN);
	session_token_hash(tok, hash);
	p[0] = DB_BLOB(hash, 32);
	if ((err = db_exec(req->w->db, req->arena, SQL_INV_BY_TOKEN, p, 1, r)) != GH_OK)
		return err;
	if (r->nrows == 0)
		return link_problem(req, INV_UNKNOWN);
	if ((st = state_of(db_str(r, 0, TC_STATUS))) != INV_OK)
		return link_problem(req, st);
	if (strcmp(db_str(r, 0, TC_ORG_STATUS), "active") != 0)
		return req_fail(req, GH_ERR_ORG_SUSPENDED, NULL, "organization %s is suspended",
		    db_str(r, 0, TC_ORG_SLUG));
	return GH_OK;
}

enum gh_err
api_public_invitation_get(struct request *req)
{
	static const char *const theme[] = { "primary_color", "secondary_color", "accent_color",
	    "background_color", "text_color", "logo_ref", "favicon_ref", NULL };
	const char	*tok = req_param(req, 0);
	struct db_result r;
	unsigned char	 hash[32];
	enum gh_err	 err;
	cJSON		*o, *org, *t;
	size_t		 i;

	redact_path(req, "");
	if ((err = by_token(req, tok, hash, &r)) != GH_OK)
		return err;
	o = api_object(req);
	org = cJSON_AddObjectToObject(o, "organization");
	cJSON_AddStringToObject(org, "name", db_str(&r, 0, TC_ORG_NAME));
	cJSON_AddStringToObject(org, "slug", db_str(&r, 0, TC_ORG_SLUG));
	t = cJSON_AddObjectToObject(org, "theme");
	for (i = 0; theme[i] != NULL; i++)
		api_add_str(t, theme[i], db_str(&r, 0, TC_THEME + i));
	cJSON_AddStringToObject(o, "email", db_str(&r, 0, TC_EMAIL));
	resp_json(req, 200, o);
	return GH_OK;
}

/* The role an accepted invitation grants: its own if it is still grantable in org, else member. */
static enum gh_err
accept_role(struct request *req, long long role_id, long long org, long long *id,
    const char **name)
{
	struct db_result r;
	struct db_param	 p[1];
	enum gh_err	 err;

	p[0] = DB_INT(role_id);
	if (role_id > 0) {
		if ((err = db_exec(req->w->db, req->arena, SQL_INV_ROLE, p, 1, &r)) != GH_OK)
			return err;
		if (r.nrows > 0 && strcmp(db_str(&r, 0, 2), "platform") != 0 &&
		    (db_int(&r, 0, 3) == 0 || db_int(&r, 0, 3) == org)) {
			*id = db_int(&r, 0, 0);
			*name = db_str(&r, 0, 1);
			return GH_OK;
		}
	}
	if ((err = role_named(req, "member", org, id)) != GH_OK)
		return err;
	if (*id == 0)
		return req_fail(req, GH_ERR_INTERNAL, NULL, "there is no role member");
	*name = "member";
	return GH_OK;
}

enum accept_mode {
	ACCEPT_CREATE,		/* no account with the address: create one */
	ACCEPT_CLAIM,		/* an account without a password (made to be invited): set it */
	ACCEPT_JOIN		/* an account with a password: proven by it, join the organization */
};

static const char *const accept_modes[] = { "created", "claimed", "joined" };

/*
 * Check the password of an existing account (mode JOIN) the way login does: a failure counts
 * for the address and toward the account's lockout; the flags are checked after the password.
 */
static enum gh_err
join_check(struct request *req, const struct db_result *u, const char *pw, long long org)
{
	enum gh_err	 err;

	if ((err = lockout_ip_gate(req)) != GH_OK)
		return err;
	if (password_verify(db_str(u, 0, ULC_HASH), pw, strlen(pw)) != 1) {
		lockout_failure(req, db_int(u, 0, ULC_ID), 0);
		audit(req, db_int(u, 0, ULC_ID), org, "invitation.accept", "user",
		    db_int(u, 0, ULC_ID), 1, "bad_password", NULL);
		return req_fail(req, GH_ERR_INVALID_CREDENTIALS, "password", "an account with this "
		    "email address exists: give its password to join the organization");
	}
	if (db_int(u, 0, ULC_ENABLED) == 0)
		return req_fail(req, GH_ERR_ACCOUNT_DISABLED, NULL, "this account is disabled");
	if (db_int(u, 0, ULC_NON_LOCKED) == 0 &&
	    (!db_int(u, 0, ULC_HAS_LOCK_END) || db_int(u, 0, ULC_LOCK_LEFT) > 0))
		return req_fail(req, GH_ERR_ACCOUNT_LOCKED, NULL, "this account is locked");
	return GH_OK;
}

static const char *
full_name(struct request *req, const char *first, const char *last)
{
	return arena_printf(req->arena, "%s%s%s", first, *first && *last ? " " : "", last);
}

enum gh_err
api_public_invitation_accept(struct request *req)
{
	static const char *const fields[] = { "username", "password", "first_name", "last_name",
	    NULL };
	const struct gh_config	*cfg = req->w->cfg;
	const char		*tok = req_param(req, 0), *username, *pw, *first, *last, *email;
	const char		*role_name = "member", *field, *org_slug, *org_name;
	struct db_result	 inv, u, r;
	struct db_param		 p[10];
	enum accept_mode	 mode;
	enum inv_state		 st = INV_UNKNOWN;
	unsigned char		 th[32];
	char			 hash[crypto_pwhash_STRBYTES], canon[VALID_IDENT_SIZE];
	long long		 iid, org, uid = 0, role_id, inviter;
	enum gh_err		 err;
	cJSON			*o, *uo, *d;

	redact_path(req, "/accept");
	memset(hash, 0, sizeof(hash));
	if ((err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "username", BODY_OPTIONAL, 1, 64, &username)) != GH_OK ||
	    (err = body_str(req, "password", BODY_REQUIRED, 1, 4096, &pw)) != GH_OK ||
	    (err = body_str(req, "first_name", BODY_OPTIONAL, 0, 100, &first)) != GH_OK ||
	    (err = body_str(req, "last_name", BODY_OPTIONAL, 0, 100, &last)) != GH_OK ||
	    (err = api_printable(req, "first_name", first)) != GH_OK ||
	    (err = api_printable(req, "last_name", last)) != GH_OK)
		return err;
	if ((err = by_token(req, tok, th, &inv)) != GH_OK)
		return err;
	org = db_int(&inv, 0, TC_ORG);
	org_slug = db_str(&inv, 0, TC_ORG_SLUG);
	org_name = db_str(&inv, 0, TC_ORG_NAME);
	email = db_str(&inv, 0, TC_EMAIL);
	/* An invitation written before migration 0014 may hold another form of the address. */
	if (valid_ident(VALID_EMAIL, email, canon, sizeof(canon)) <= IDENT_MAPPED)
		email = arena_strdup(req->arena, canon);

	p[0] = DB_STR(email);
	if ((err = db_exec(req->w->db, req->arena, SQL_USER_LOGIN_BY_EMAIL, p, 1, &u)) != GH_OK)
		return err;
	mode = u.nrows == 0 ? ACCEPT_CREATE : db_isnull(&u, 0, ULC_HASH) ? ACCEPT_CLAIM :
	    ACCEPT_JOIN;
	if (mode != ACCEPT_CREATE)
		uid = db_int(&u, 0, ULC_ID);
	if (mode == ACCEPT_JOIN) {
		if ((err = join_check(req, &u, pw, org)) != GH_OK)
			return err;
	} else {
		if (mode == ACCEPT_CREATE && username == NULL)
			return req_fail(req, GH_ERR_VALIDATION, "username",
			    "username is required to create your account");
		if (username != NULL && (err = api_ident(req, "username", VALID_USERNAME, username,
		    "a username has 3 to 64 letters, digits, '.', '_' or '-' and starts with a "
		    "letter or digit", &username)) != GH_OK)
			return err;
		if ((err = policy_check_password(req, org, pw, "password")) != GH_OK)
			return err;
		if (mode == ACCEPT_CLAIM) {
			p[0] = DB_INT(uid);
			if ((err = db_exec(req->w->db, req->arena, SQL_INV_USER_NAMES, p, 1, &r)) !=
			    GH_OK)
				return err;
			if (username == NULL)
				username = db_str(&r, 0, 0);
			if (first == NULL)
				first = db_str(&r, 0, 1);
			if (last == NULL)
				last = db_str(&r, 0, 2);
		}
		if (password_hash(pw, strlen(pw), (unsigned long long)cfg->pwhash_opslimit,
		    (size_t)cfg->pwhash_memlimit_kib * 1024, hash) != 0)
			return GH_ERR_INTERNAL;
	}
	first = first ? first : "";
	last = last ? last : "";

	/* One transaction: the link is used, the account exists and holds the role, or nothing. */
	if ((err = db_begin(req->w->db)) != GH_OK)
		goto out;
	p[0] = DB_BLOB(th, sizeof(th));
	if ((err = db_exec(req->w->db, req->arena, SQL_INV_BY_TOKEN_LOCK, p, 1, &inv)) != GH_OK)
		goto fail;
	if (inv.nrows == 0 || (st = state_of(db_str(&inv, 0, 1))) != INV_OK) {
		err = link_problem(req, inv.nrows == 0 ? INV_UNKNOWN : st);
		goto fail;
	}
	iid = db_int(&inv, 0, 0);
	inviter = db_isnull(&inv, 0, 5) ? 0 : db_int(&inv, 0, 5);
	p[0] = DB_INT(iid);
	if ((err = db_exec(req->w->db, req->arena, SQL_INV_MARK_ACCEPTED, p, 1, &r)) != GH_OK)
		goto fail;
	if (r.affected != 1) {
		err = link_problem(req, INV_USED);
		goto fail;
	}
	if ((err = accept_role(req, db_isnull(&inv, 0, 4) ? 0 : db_int(&inv, 0, 4), org, &role_id,
	    &role_name)) != GH_OK)
		goto fail;
	if (mode == ACCEPT_CREATE || mode == ACCEPT_CLAIM) {
		p[0] = DB_STR(username);
		if (mode == ACCEPT_CREATE) {
			p[1] = DB_STR(email);
			p[2] = DB_STR(first);
			p[3] = DB_STR(last);
			p[4] = DB_STR(full_name(req, first, last));
			p[5] = DB_STR(hash);
			p[6] = DB_INT(role_id);
			p[7] = inviter > 0 ? DB_INT(inviter) : DB_NULL;
			p[8] = p[7];
			err = db_exec(req->w->db, req->arena, SQL_INV_USER_INSERT, p, 9, &r);
		} else {
			p[1] = DB_STR(first);
			p[2] = DB_STR(last);
			p[3] = DB_STR(full_name(req, first, last));
			p[4] = DB_STR(hash);
			p[5] = DB_INT(role_id);
			p[6] = DB_INT(uid);
			p[7] = DB_INT(uid);
			err = db_exec(req->w->db, req->arena, SQL_INV_USER_CLAIM, p, 8, &r);
			if (err == GH_OK && r.affected != 1)
				err = req_fail(req, GH_ERR_CONFLICT, "password", "the account changed "
				    "meanwhile; open the link again");
		}
		if (err == GH_ERR_CONFLICT && req->detail == NULL) {
			field = strstr(db_dup_key(req->w->db), "email") ? "email" : "username";
			req_fail(req, err, field, strcmp(field, "email") == 0 ?
			    "another account already uses this email address; ask an "
			    "administrator" : "this username is taken; choose another");
		}
		if (err != GH_OK)
			goto fail;
		if (mode == ACCEPT_CREATE)
			uid = (long long)r.insert_id;
	}
	p[0] = DB_INT(uid);
	if ((err = db_exec(req->w->db, req->arena, SQL_INV_HAS_PRIMARY, p, 1, &r)) != GH_OK)
		goto fail;
	p[1] = DB_INT(org);
	p[2] = DB_INT(db_int(&r, 0, 0) == 0);
	if ((err = db_exec(req->w->db, req->arena, SQL_INV_MEMBERSHIP_ADD, p, 3, NULL)) != GH_OK)
		goto fail;
	p[1] = DB_INT(role_id);
	p[2] = DB_INT(org);
	p[3] = inviter > 0 ? DB_INT(inviter) : DB_NULL;
	if ((err = db_exec(req->w->db, req->arena, SQL_UR_ADD, p, 4, NULL)) != GH_OK)
		goto fail;
	p[0] = DB_INT(uid);
	p[1] = DB_INT(iid);
	if ((err = db_exec(req->w->db, req->arena, SQL_INV_SET_USER, p, 2, NULL)) != GH_OK)
		goto fail;
	/* An existing account's roles changed: its tokens are re-issued with them. */
	if (mode != ACCEPT_CREATE && (err = session_pv_bump(req, uid)) != GH_OK)
		goto fail;
	d = api_object(req);
	cJSON_AddNumberToObject(d, "user_id", (double)uid);
	cJSON_AddStringToObject(d, "mode", accept_modes[mode]);
	cJSON_AddStringToObject(d, "role", role_name);
	audit(req, uid, org, "invitation.accept", "invitation", iid, 0, NULL, d);
	if (mode == ACCEPT_CREATE) {
		d = api_object(req);
		cJSON_AddStringToObject(d, "via", "invitation");
		cJSON_AddNumberToObject(d, "invitation_id", (double)iid);
		audit(req, uid, org, "user.create", "user", uid, 0, NULL, d);
	}
	if ((err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	sodium_memzero(hash, sizeof(hash));
	if (mode != ACCEPT_CREATE && session_pv_publish(req, uid) != GH_OK)
		log_warn("invitations: user %lld joined organization %lld but the token store was "
		    "unreachable", uid, org);

	if ((err = api_user_object(req, uid, &uo)) != GH_OK)
		return err;
	o = api_object(req);
	cJSON_AddItemReferenceToObject(o, "user", uo);
	d = cJSON_AddObjectToObject(o, "organization");
	cJSON_AddNumberToObject(d, "id", (double)org);
	cJSON_AddStringToObject(d, "slug", org_slug);
	cJSON_AddStringToObject(d, "name", org_name);
	cJSON_AddStringToObject(o, "role", role_name);
	cJSON_AddBoolToObject(o, "created", mode == ACCEPT_CREATE);
	if (mode == ACCEPT_CREATE)
		resp_header(req, "Location", arena_printf(req->arena, "/api/v1/users/%lld", uid));
	resp_json(req, mode == ACCEPT_CREATE ? 201 : 200, o);
	return GH_OK;
fail:
	db_rollback(req->w->db);
out:
	sodium_memzero(hash, sizeof(hash));
	return err;
}

/* ---------------------------------------------------------------------------------------- */
/* Password reset */

/*
 * Count a reset request for the client address and for the email address (hashed: no
 * addresses in Redis keys); 429 past RESET_IP_MAX per RESET_IP_WINDOW or RESET_EMAIL_MAX per
 * RESET_EMAIL_WINDOW.  Redis down: 503 (fail closed).
 */
static enum gh_err
reset_gate(struct request *req, const char *email)
{
	struct kv_cmd	 cmds[6];
	redisReply	*r[6];
	unsigned char	 h[16];
	char		 hex[33], *low = arena_strdup(req->arena, email), *p;
	const char	*ipk, *ek, *what = NULL;
	long long	 ttl = 0;
	enum gh_err	 err;

	for (p = low; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	crypto_generichash(h, sizeof(h), (unsigned char *)low, strlen(low), NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	ipk = arena_printf(req->arena, "pwreset:ip:%s", req->client_ip ? req->client_ip : "-");
	ek = arena_printf(req->arena, "pwreset:email:%s", hex);
	kv_cmd_set(&cmds[0], 2, "INCR", ipk);
	kv_cmd_set(&cmds[1], 4, "EXPIRE", ipk, RESET_IP_WINDOW, "NX");
	kv_cmd_set(&cmds[2], 2, "TTL", ipk);
	kv_cmd_set(&cmds[3], 2, "INCR", ek);
	kv_cmd_set(&cmds[4], 4, "EXPIRE", ek, RESET_EMAIL_WINDOW, "NX");
	kv_cmd_set(&cmds[5], 2, "TTL", ek);
	if ((err = kv_pipeline(req->w->kv, req->arena, cmds, 6, r)) != GH_OK)
		return req_fail(req, err, NULL, "the session store is unreachable; try again");
	if (r[0]->type == REDIS_REPLY_INTEGER && r[0]->integer > RESET_IP_MAX) {
		what = "from this client address";
		ttl = r[2]->type == REDIS_REPLY_INTEGER ? r[2]->integer : 1;
	} else if (r[3]->type == REDIS_REPLY_INTEGER && r[3]->integer > RESET_EMAIL_MAX) {
		what = "for this email address";
		ttl = r[5]->type == REDIS_REPLY_INTEGER ? r[5]->integer : 1;
	}
	if (what == NULL)
		return GH_OK;
	ttl = ttl > 0 ? ttl : 1;
	resp_header(req, "Retry-After", arena_printf(req->arena, "%lld", ttl));
	return req_fail(req, GH_ERR_RATE_LIMITED, NULL, "too many password reset requests %s; "
	    "retry in %lld s", what, ttl);
}

/*
 * Hand the mail to a child process and return at once, so that the answer takes as long when
 * there is no account (to NULL: the child sends nothing) as when there is one, whatever the
 * mail command costs.  The child's failures go to the log.  Children of earlier calls are
 * reaped here (a worker has no other children outside mail_send).
 */
static void
send_detached(struct request *req, const char *to, const char *name, const char *const *vars)
{
	const char	*why;
	pid_t		 pid;
	int		 null;

	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	if ((pid = fork()) == -1) {
		log_error("invitations: fork for the %s mail: %s", name, strerror(errno));
		return;
	}
	if (pid > 0)
		return;
	/* Not the listening socket (fd 0): the master must see it closed when it stops. */
	if ((null = open("/dev/null", O_RDONLY)) != -1 && null != 0) {
		dup2(null, 0);
		close(null);
	}
	if (to != NULL)
		(void)mail_send(req->w->cfg, req->arena, to, name, vars, &why);
	_exit(0);
}

enum gh_err
api_password_reset_request(struct request *req)
{
	static const char *const fields[] = { "email", NULL };
	const struct gh_config	*cfg = req->w->cfg;
	struct db_result	 u;
	struct db_param		 p[4];
	unsigned char		 hash[32];
	const char		*email, *tok, *to = NULL, *reason = NULL;
	long long		 uid = 0;
	enum gh_err		 err;
	cJSON			*o;

	if ((err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "email", BODY_REQUIRED, 3, 254, &email)) != GH_OK)
		return err;
	if ((err = api_ident(req, "email", VALID_EMAIL, email, "email is not a valid address",
	    &email)) != GH_OK)
		return err;
	if ((err = reset_gate(req, email)) != GH_OK)
		return err;
	p[0] = DB_STR(email);
	if ((err = db_exec(req->w->db, req->arena, SQL_PWR_USER, p, 1, &u)) != GH_OK)
		return err;
	if (u.nrows == 0)
		reason = "unknown_email";
	else if (db_int(&u, 0, 2) == 0)
		reason = "disabled";
	else {
		uid = db_int(&u, 0, 0);
		to = db_str(&u, 0, 3);
	}

	/*
	 * The same work either way: a token, its hash, the retiring of older links and the new
	 * row, then a commit for an account and a rollback for none; the mail goes through
	 * send_detached in both cases.
	 */
	tok = token_new(req, hash);
	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	p[0] = DB_INT(uid);
	if ((err = db_exec(req->w->db, req->arena, SQL_PWR_RETIRE, p, 1, NULL)) != GH_OK)
		goto fail;
	p[0] = DB_STR(email);
	p[1] = uid > 0 ? DB_INT(uid) : DB_NULL;
	p[2] = DB_BLOB(hash, sizeof(hash));
	p[3] = DB_INT(cfg->password_reset_ttl);
	if ((err = db_exec(req->w->db, req->arena, SQL_PWR_INSERT, p, 4, NULL)) != GH_OK)
		goto fail;
	if (uid > 0) {
		if ((err = db_commit(req->w->db)) != GH_OK)
			goto fail;
	} else
		db_rollback(req->w->db);
	audit(req, 0, 0, "auth.password_reset.request", uid > 0 ? "user" : NULL, uid, reason != NULL,
	    reason, NULL);
	{
		const char	*vars[] = {
			"link", link_for(req, "reset-password", tok),
			"username", uid > 0 ? db_str(&u, 0, 1) : "",
			"expires_minutes", arena_printf(req->arena, "%lld",
			    (cfg->password_reset_ttl + 59) / 60),
			NULL, NULL
		};

		send_detached(req, to, "password-reset", vars);
	}
	o = api_object(req);
	cJSON_AddStringToObject(o, "status", "accepted");
	cJSON_AddStringToObject(o, "detail", "If an account uses this email address, a link to "
	    "reset its password is on its way.");
	resp_json(req, 202, o);
	return GH_OK;
fail:
	db_rollback(req->w->db);
	return err;
}

static const char *const reset_why[INV__MAX] = {
	[INV_OK] = "",
	[INV_UNKNOWN] = "this reset link is not valid; ask for a new one",
	[INV_EXPIRED] = "this reset link has expired; ask for a new one",
	[INV_REVOKED] = "this reset link was replaced by a newer one; use the latest mail",
	[INV_USED] = "this reset link was already used; ask for a new one",
};

/* Read the reset of token (locked when lock): 400 naming "token" when it cannot be used. */
static enum gh_err
reset_by_token(struct request *req, const unsigned char hash[32], int lock, struct db_result *r)
{
	struct db_param	 p[1];
	enum inv_state	 st;
	enum gh_err	 err;

	p[0] = DB_BLOB(hash, 32);
	if ((err = db_exec(req->w->db, req->arena, lock ? SQL_PWR_BY_TOKEN_LOCK : SQL_PWR_BY_TOKEN,
	    p, 1, r)) != GH_OK)
		return err;
	st = r->nrows == 0 || db_isnull(r, 0, 1) ? INV_UNKNOWN : state_of(db_str(r, 0, 2));
	if (st != INV_OK)
		return req_fail(req, GH_ERR_VALIDATION, "token", "%s", reset_why[st]);
	return GH_OK;
}

enum gh_err
api_password_reset_confirm(struct request *req)
{
	static const char *const fields[] = { "token", "new_password", NULL };
	const struct gh_config	*cfg = req->w->cfg;
	struct db_result	 r, o;
	struct db_param		 p[3];
	unsigned char		 th[32];
	char			 hash[crypto_pwhash_STRBYTES];
	const char		*tok, *npw;
	long long		 uid, org = 0, rid;
	redisReply		*rep;
	enum gh_err		 err;

	memset(hash, 0, sizeof(hash));
	if ((err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "token", BODY_REQUIRED, 1, 128, &tok)) != GH_OK ||
	    (err = body_str(req, "new_password", BODY_REQUIRED, 1, 4096, &npw)) != GH_OK)
		return err;
	if (!token_shape(tok))
		return req_fail(req, GH_ERR_VALIDATION, "token", "%s", reset_why[INV_UNKNOWN]);
	session_token_hash(tok, th);
	if ((err = reset_by_token(req, th, 0, &r)) != GH_OK)
		return err;
	uid = db_int(&r, 0, 1);
	/* The password rules are those of the account's primary organization. */
	p[0] = DB_INT(uid);
	if ((err = db_exec(req->w->db, req->arena, SQL_ORG_PRIMARY, p, 1, &o)) != GH_OK)
		return err;
	if (o.nrows > 0)
		org = db_int(&o, 0, 0);
	if ((err = policy_check_password(req, org, npw, "new_password")) != GH_OK)
		return err;
	if (password_hash(npw, strlen(npw), (unsigned long long)cfg->pwhash_opslimit,
	    (size_t)cfg->pwhash_memlimit_kib * 1024, hash) != 0)
		return GH_ERR_INTERNAL;

	if ((err = db_begin(req->w->db)) != GH_OK)
		goto out;
	if ((err = reset_by_token(req, th, 1, &r)) != GH_OK)
		goto fail;
	rid = db_int(&r, 0, 0);
	p[0] = DB_INT(rid);
	if ((err = db_exec(req->w->db, req->arena, SQL_PWR_USE, p, 1, NULL)) != GH_OK)
		goto fail;
	p[0] = DB_STR(hash);
	p[1] = DB_INT(uid);
	if ((err = db_exec(req->w->db, req->arena, SQL_PWR_SET_PASSWORD, p, 2, &r)) != GH_OK)
		goto fail;
	if (r.affected != 1) {
		err = req_fail(req, GH_ERR_VALIDATION, "token", "%s", reset_why[INV_UNKNOWN]);
		goto fail;
	}
	p[0] = DB_INT(uid);
	if ((err = db_exec(req->w->db, req->arena, SQL_PWR_RETIRE, p, 1, NULL)) != GH_OK)
		goto fail;
	p[0] = DB_STR("password_reset");
	p[1] = DB_INT(uid);
	if ((err = db_exec(req->w->db, req->arena, SQL_RT_REVOKE_USER, p, 2, NULL)) != GH_OK)
		goto fail;
	audit(req, uid, org, "auth.password_reset", "user", uid, 0, NULL, NULL);
	if ((err = db_commit(req->w->db)) != GH_OK)
		goto fail;
	sodium_memzero(hash, sizeof(hash));
	/* The lockout's failure count starts again (best effort; MySQL already cleared the lock). */
	(void)kv_run(req->w->kv, req->arena, &rep, 2, "DEL", session_key(req, "fail:acct:", uid));
	if ((err = session_pv_publish(req, uid)) != GH_OK)
		return req_fail(req, err, NULL, "the password was changed, but the token store is "
		    "unreachable: tokens are refused until it returns");
	resp_status(req, 204);
	return GH_OK;
fail:
	db_rollback(req->w->db);
out:
	sodium_memzero(hash, sizeof(hash));
	return err;
}
