/*
 * invitations.c: invitations (seed 000 signup_info) and their public look-up and acceptance
 * (docs/api-invitations.md).  The password reset, which shares the table and the token scheme
 * (api/link_token.h), is api/password_reset.c.
 *
 * The public routes carry the token in the path and replace it in req->path, which the access
 * line and problem bodies print.  An invitation is pending, expired, revoked or accepted
 * (derived in SQL, INV_STATUS); accepting it locks its row and marks it accepted in the
 * transaction that creates the account, so it works once.  The rows are store/invitation.h.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>
#include <sodium.h>

#include "api/api.h"
#include "api/common.h"
#include "api/invitations.h"
#include "api/link_token.h"
#include "api/routes.h"
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
#include "store/email_verification.h"
#include "store/db.h"
#include "store/invitation.h"

static const struct {
	const char	*code;		/* the problem code it answers */
	const char	*detail;
} inv_states[LINK__MAX] = {
	[LINK_OK] = { "ok", "" },
	[LINK_UNKNOWN] = { "invitation_unknown", "this invitation link is not valid: check that "
	    "it was copied whole, or ask for a new invitation" },
	[LINK_EXPIRED] = { "invitation_expired", "this invitation has expired; ask for a new one" },
	[LINK_REVOKED] = { "invitation_revoked", "this invitation was withdrawn" },
	[LINK_USED] = { "invitation_used", "this invitation was already accepted; log in instead" },
};

/*
 * The problem of an invitation link that cannot be used.  With the invitation codes in err.h
 * (GH_ERR_HAVE_INVITATION_CODES) each state has its own code; before that, every state answers
 * 404 not_found with a "reason" member naming the code it will get.
 */
static enum gh_err
link_problem(struct request *req, enum link_state st)
{
#ifdef GH_ERR_HAVE_INVITATION_CODES
	static const enum gh_err errs[LINK__MAX] = {
		[LINK_OK] = GH_ERR_INTERNAL,
		[LINK_UNKNOWN] = GH_ERR_INVITATION_UNKNOWN,
		[LINK_EXPIRED] = GH_ERR_INVITATION_EXPIRED,
		[LINK_REVOKED] = GH_ERR_INVITATION_REVOKED,
		[LINK_USED] = GH_ERR_INVITATION_USED,
	};

	return req_fail(req, errs[st], NULL, "%s", inv_states[st].detail);
#else
	cJSON	*o = api_object(req);

	cJSON_AddStringToObject(o, "reason", inv_states[st].code);
	req->problem_extra = o;
	return req_fail(req, GH_ERR_NOT_FOUND, NULL, "%s", inv_states[st].detail);
#endif
}

/* ---------------------------------------------------------------------------------------- */
/* Addresses, names */

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

/* ---------------------------------------------------------------------------------------- */
/* The invitation object */

static cJSON *
inv_json(struct request *req, const struct invitation *s)
{
	cJSON	*o = api_object(req);

	API_F(NUM, id) API_F(ID, organization_id) API_F(STR, email) API_F(STR, role)
	API_F(ID, role_id) API_F(STR, status) API_F(ID, user_id) API_F(STR, expires_at)
	API_F(STR, accepted_at) API_F(STR, revoked_at) API_F(STR, last_sent_at)
	API_F(NUM, send_count)
	api_add_idv(o, "created_by", s->invited_by);
	API_F(ID, updated_by) API_F(STR, created_at) API_F(STR, updated_at)
	return o;
}

/*
 * Read invitation id (row-locked first when lock) into inv.  404 when there is none or the
 * caller may not see it: organization callers see their organization's, platform callers (perm
 * held through a platform role) every one.
 */
static enum gh_err
load(struct request *req, long long id, const char *perm, int lock, struct invitation *inv)
{
	enum gh_err	 err;

	err = store_invitation_get(req->w->db, req->arena, id, lock, inv);
	if (err == GH_ERR_NOT_FOUND || (err == GH_OK && !authn_platform_has(req, perm) &&
	    inv->organization_id != req->auth.org_id))
		return req_fail(req, GH_ERR_NOT_FOUND, NULL, "no invitation %lld", id);
	return err;
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

/* The caller's name for the invitation mail. */
static const char *
inviter_name(struct request *req)
{
	const char	*username, *full;

	if (req->auth.user_id <= 0 || store_invitation_inviter(req->w->db, req->arena,
	    req->auth.user_id, &username, &full) != GH_OK)
		return "An administrator";
	return full != NULL && *full != '\0' ? full : username;
}

/* "2026-11-29T11:00:00.000000Z" -> "2026-11-29 11:00 UTC" for people. */
static const char *
human_time(struct request *req, const char *ts)
{
	if (ts == NULL || strlen(ts) < 16)
		return ts ? ts : "";
	return arena_printf(req->arena, "%.10s %.5s UTC", ts, ts + 11);
}

/* Mail invitation inv of organization o with token tok. */
static enum gh_err
mail_invitation(struct request *req, const struct invitation *inv,
    const struct invitation_org *o, const char *tok)
{
	const char	*vars[] = {
		"link", api_link_url(req, "accept-invitation", tok),
		"organization_name", o->name,
		"organization_slug", o->slug,
		"role", inv->role ? inv->role : "member",
		"inviter", inviter_name(req),
		"email", inv->email,
		"expires_at", human_time(req, inv->expires_at),
		NULL, NULL
	};

	return api_mail(req, inv->email, "invitation", vars);
}

/* The active organization org invites into, into *o: 400 naming "organization_id" else. */
static enum gh_err
issue_org(struct request *req, long long org, struct invitation_org *o)
{
	enum gh_err	 err;

	err = store_invitation_org(req->w->db, req->arena, org, o);
	if (err == GH_ERR_NOT_FOUND)
		return req_fail(req, GH_ERR_VALIDATION, "organization_id", "no organization %lld",
		    org);
	if (err != GH_OK)
		return err;
	if (strcmp(o->status, "active") != 0)
		return req_fail(req, GH_ERR_ORG_SUSPENDED, "organization_id",
		    "organization %s is suspended", o->slug);
	return GH_OK;
}

/* 409 naming "email" when email has an account with a password in org, or a pending invitation. */
static enum gh_err
issue_unique(struct request *req, const struct invitation_org *o, const char *email)
{
	long long	 user, pending;
	int		 has_password;
	enum gh_err	 err;
	cJSON		*d;

	if ((err = store_invitation_member(req->w->db, req->arena, o->id, email, &user,
	    &has_password)) != GH_OK)
		return err;
	if (has_password)
		return req_fail(req, GH_ERR_CONFLICT, "email", "%s already has an account in "
		    "organization %s", email, o->slug);
	if ((err = store_invitation_pending(req->w->db, req->arena, o->id, email, &pending)) !=
	    GH_OK)
		return err;
	if (pending > 0) {
		d = api_object(req);
		cJSON_AddNumberToObject(d, "invitation_id", (double)pending);
		req->problem_extra = d;
		return req_fail(req, GH_ERR_CONFLICT, "email", "a pending invitation for this "
		    "address exists (id %lld): resend it instead", pending);
	}
	return GH_OK;
}

enum gh_err
invitation_issue(struct request *req, long long org, const char *email, long long role_id,
    cJSON **out)
{
	const struct authz_role	*role;
	struct policy_invitation pi;
	struct invitation_org	 o;
	struct invitation	 inv;
	unsigned char		 hash[32];
	const char		*tok;
	long long		 id;
	int			 own;
	enum gh_err		 err;
	cJSON			*d;

	*out = NULL;
	if (email == NULL || !valid_email(email))
		return req_fail(req, GH_ERR_VALIDATION, "email", "email is not a valid address");
	if ((err = issue_org(req, org, &o)) != GH_OK)
		return err;
	if ((err = policy_invitation(req, org, &pi)) != GH_OK)
		return err;
	if (!domain_allowed(&pi, email))
		return req_fail(req, GH_ERR_VALIDATION, "email", "organization %s invites only "
		    "addresses at %s", o.slug, domain_list(req, &pi));
	if (role_id == 0) {
		if ((err = store_invitation_role_named(req->w->db, req->arena, "member", org,
		    &role_id)) != GH_OK)
			return err;
		if (role_id == 0)
			return req_fail(req, GH_ERR_VALIDATION, "role", "there is no role member");
	}
	if ((err = role_ok(req, role_id, org, &role)) != GH_OK ||
	    (err = issue_unique(req, &o, email)) != GH_OK)
		return err;

	/* The caller's transaction, if it has one, else ours. */
	if ((err = api_tx_join(req, &own)) != GH_OK)
		return err;
	tok = api_link_token_new(req, hash);
	memset(&inv, 0, sizeof(inv));
	inv.organization_id = org;
	inv.email = email;
	inv.role_id = role_id;
	if ((err = store_invitation_insert(req->w->db, req->arena, &inv, hash, pi.ttl,
	    req->auth.user_id, &id)) != GH_OK)
		return api_tx_leave(req, own, err);
	d = api_object(req);
	cJSON_AddStringToObject(d, "email", email);
	cJSON_AddStringToObject(d, "role", role->name);
	(void)audit_change(req, "invitation.create", "invitation", id, org, d);
	if ((err = store_invitation_get(req->w->db, req->arena, id, 0, &inv)) == GH_OK)
		err = mail_invitation(req, &inv, &o, tok);
	if ((err = api_tx_leave(req, own, err)) != GH_OK)
		return err;
	*out = inv_json(req, &inv);
	return GH_OK;
}

/* ---------------------------------------------------------------------------------------- */
/* Admin routes */

enum gh_err
api_invitations_list(struct request *req)
{
	static const char *const statuses[] = { "pending", "accepted", "revoked", "expired", NULL };
	struct invitation_filter f;
	struct invitation	*rows;
	struct db_keyset	 ks;
	const char		*sort = req_query(req, "sort");
	size_t			 i, n;
	enum gh_err		 err;

	memset(&f, 0, sizeof(f));
	f.status = req_query(req, "status");
	f.email = req_query(req, "email");
	if ((err = api_keyset_parse(req, &ks)) != GH_OK)
		return err;
	if (f.status != NULL) {
		for (i = 0; statuses[i] != NULL && strcmp(statuses[i], f.status) != 0; i++)
			;
		if (statuses[i] == NULL)
			return req_fail(req, GH_ERR_VALIDATION, "status",
			    "status is pending, accepted, revoked or expired");
	}
	if ((err = api_query_int(req, "organization_id", 1, LLONG_MAX,
	    "organization_id is an organization id", &f.org)) != GH_OK)
		return err;
	if (sort != NULL) {
		if (strcmp(sort, "-id") == 0 || strcmp(sort, "-created_at") == 0)
			ks.sort = INVITATION_SORT_ID_DESC;
		else if (strcmp(sort, "id") != 0 && strcmp(sort, "created_at") != 0)
			return req_fail(req, GH_ERR_VALIDATION, "sort",
			    "sort is id, created_at, -id or -created_at");
	}
	f.all_orgs = authn_platform_has(req, "invitations.read");
	f.own_org = req->auth.org_id;
	if ((err = store_invitation_list(req->w->db, req->arena, &f, &ks, &rows, &n)) != GH_OK)
		return err;
	API_PAGE_RESPOND(req, rows, n, ks.limit, inv_json);
	return GH_OK;
}

API_GET_BY_ID(api_invitation_get, struct invitation,
    load(req, id, "invitations.read", 0, &row), inv_json)

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
	else if (!api_in_org(req, org, "invitations.create"))
		return req_fail(req, GH_ERR_FORBIDDEN, "organization_id",
		    "you can invite only into your own organization");
	if (org <= 0)
		return req_fail(req, GH_ERR_VALIDATION, "organization_id",
		    "organization_id is required: your session has no organization");
	if ((err = api_ident(req, "email", VALID_EMAIL, email, "email is not a valid address",
	    &email)) != GH_OK)
		return err;
	if (role != NULL) {
		if ((err = store_invitation_role_named(req->w->db, req->arena, role, org,
		    &role_id)) != GH_OK)
			return err;
		if (role_id == 0)
			return req_fail(req, GH_ERR_VALIDATION, "role", "no role named %s in this "
			    "organization", role);
	}
	if ((err = invitation_issue(req, org, email, role_id, &o)) != GH_OK)
		return err;
	return api_entity(req, 201, o, arena_printf(req->arena, "/api/v1/invitations/%lld",
	    (long long)cJSON_GetObjectItemCaseSensitive(o, "id")->valuedouble));
}

enum gh_err
api_invitation_revoke(struct request *req)
{
	struct invitation inv;
	long long	 id;
	enum gh_err	 err;

	if ((err = api_id_begin(req, &id)) != GH_OK ||
	    (err = load(req, id, "invitations.revoke", 1, &inv)) != GH_OK ||
	    (err = api_if_match(req, inv_json(req, &inv))) != GH_OK)
		return err;
	if (strcmp(inv.status, "accepted") == 0)
		return req_fail(req, GH_ERR_CONFLICT, NULL, "invitation %lld was already accepted", id);
	if (strcmp(inv.status, "revoked") != 0) {
		/* Revoking twice changes nothing and records nothing. */
		if ((err = store_invitation_revoke(req->w->db, req->arena, id,
		    req->auth.user_id)) != GH_OK)
			return err;
		(void)audit_change(req, "invitation.revoke", "invitation", id,
		    inv.organization_id, NULL);
		if ((err = load(req, id, "invitations.revoke", 0, &inv)) != GH_OK)
			return err;
	}
	return api_commit_entity(req, 200, inv_json(req, &inv), NULL);
}

enum gh_err
api_invitation_resend(struct request *req)
{
	const struct authz_role	*role;
	struct policy_invitation pi;
	struct invitation	 inv;
	struct invitation_org	 o;
	unsigned char		 hash[32];
	const char		*tok;
	long long		 id, org, role_id;
	enum gh_err		 err;

	if ((err = api_id_begin(req, &id)) != GH_OK ||
	    (err = load(req, id, "invitations.create", 1, &inv)) != GH_OK ||
	    (err = api_if_match(req, inv_json(req, &inv))) != GH_OK)
		return err;
	if (strcmp(inv.status, "accepted") == 0 || strcmp(inv.status, "revoked") == 0)
		return req_fail(req, GH_ERR_CONFLICT, NULL, "invitation %lld was %s: invite again "
		    "instead", id, inv.status);
	org = inv.organization_id;
	err = store_invitation_org(req->w->db, req->arena, org, &o);
	if (err == GH_ERR_NOT_FOUND || (err == GH_OK && strcmp(o.status, "active") != 0))
		err = req_fail(req, GH_ERR_ORG_SUSPENDED, NULL, "the organization is suspended");
	if (err != GH_OK)
		return err;
	/* Sending again grants again: the caller must be able to grant the role today. */
	role_id = inv.role_id;
	if (role_id == 0 && (err = store_invitation_role_named(req->w->db, req->arena, "member",
	    org, &role_id)) != GH_OK)
		return err;
	if ((err = role_ok(req, role_id, org, &role)) != GH_OK ||
	    (err = policy_invitation(req, org, &pi)) != GH_OK)
		return err;
	tok = api_link_token_new(req, hash);
	if ((err = store_invitation_resend(req->w->db, req->arena, id, hash, pi.ttl,
	    req->auth.user_id)) != GH_OK)
		return err;
	(void)audit_change(req, "invitation.resend", "invitation", id, org, NULL);
	if ((err = load(req, id, "invitations.create", 0, &inv)) != GH_OK ||
	    (err = mail_invitation(req, &inv, &o, tok)) != GH_OK)
		return err;
	return api_commit_entity(req, 200, inv_json(req, &inv), NULL);
}

/* ---------------------------------------------------------------------------------------- */
/* Public invitation routes */

/* Read the invitation of a link into l; a problem when it cannot be used. */
static enum gh_err
by_token(struct request *req, const char *tok, unsigned char hash[32],
    struct invitation_link *l)
{
	enum link_state	 st;
	enum gh_err	 err;

	if (!api_link_token_shape(tok))
		return link_problem(req, LINK_UNKNOWN);
	session_token_hash(tok, hash);
	err = store_invitation_link(req->w->db, req->arena, hash, l);
	if (err == GH_ERR_NOT_FOUND)
		return link_problem(req, LINK_UNKNOWN);
	if (err != GH_OK)
		return err;
	if ((st = api_link_state(l->status)) != LINK_OK)
		return link_problem(req, st);
	if (strcmp(l->org_status, "active") != 0)
		return req_fail(req, GH_ERR_ORG_SUSPENDED, NULL, "organization %s is suspended",
		    l->org_slug);
	return GH_OK;
}

enum gh_err
api_public_invitation_get(struct request *req)
{
	const char		*tok = req_param(req, 0);
	struct invitation_link	 l;
	unsigned char		 hash[32];
	enum gh_err		 err;
	cJSON			*o, *org, *t;

	redact_path(req, "");
	if ((err = by_token(req, tok, hash, &l)) != GH_OK)
		return err;
	o = api_object(req);
	org = cJSON_AddObjectToObject(o, "organization");
	cJSON_AddStringToObject(org, "name", l.org_name);
	cJSON_AddStringToObject(org, "slug", l.org_slug);
	t = cJSON_AddObjectToObject(org, "theme");
	api_add_str(t, "primary_color", l.primary_color);
	api_add_str(t, "secondary_color", l.secondary_color);
	api_add_str(t, "accent_color", l.accent_color);
	api_add_str(t, "background_color", l.background_color);
	api_add_str(t, "text_color", l.text_color);
	api_add_str(t, "logo_ref", l.logo_ref);
	api_add_str(t, "favicon_ref", l.favicon_ref);
	cJSON_AddStringToObject(o, "email", l.email);
	return resp_json(req, 200, o);
}

/*
 * Accepting an invitation, in the order api_public_invitation_accept takes the steps: read the
 * body, look up the link, find the account the address has (the mode), check the password of
 * an existing account or prepare a new one, then in one transaction check the link again and
 * use it, write the account, grant it the organization and the role; answer.
 */
enum accept_mode {
	ACCEPT_CREATE,		/* no account with the address: create one */
	ACCEPT_CLAIM,		/* an account without a password (made to be invited): set it */
	ACCEPT_JOIN		/* an account with a password: proven by it, join the organization */
};

static const char *const accept_modes[] = { "created", "claimed", "joined" };

/* What an acceptance works with, from the request to the answer. */
struct accept {
	const char		*password;
	unsigned char		 th[32];	/* the token's hash */
	struct invitation_link	 link;
	long long		 org;
	enum accept_mode	 mode;
	struct invitation_login	 login;		/* the existing account (CLAIM, JOIN) */
	struct invitation_account acct;		/* the account created or claimed */
	char			 hash[crypto_pwhash_STRBYTES];
	long long		 iid;		/* the invitation, once locked */
	long long		 inviter;	/* 0 = none */
	long long		 uid;		/* the account */
	long long		 role_id;
	const char		*role_name;
};

static enum gh_err
accept_body(struct request *req, struct accept *ac)
{
	static const char *const fields[] = { "username", "password", "first_name", "last_name",
	    NULL };
	enum gh_err	 err;

	if ((err = body_only(req, fields)) != GH_OK ||
	    (err = body_str(req, "username", BODY_OPTIONAL, 1, 64, &ac->acct.username)) != GH_OK ||
	    (err = body_str(req, "password", BODY_REQUIRED, 1, 4096, &ac->password)) != GH_OK ||
	    (err = body_str(req, "first_name", BODY_OPTIONAL, 0, 100,
	    &ac->acct.first_name)) != GH_OK ||
	    (err = body_str(req, "last_name", BODY_OPTIONAL, 0, 100,
	    &ac->acct.last_name)) != GH_OK ||
	    (err = api_printable(req, "first_name", ac->acct.first_name)) != GH_OK ||
	    (err = api_printable(req, "last_name", ac->acct.last_name)) != GH_OK)
		return err;
	return GH_OK;
}

/* The link of the path, usable; its organization and the invited address (canonical). */
static enum gh_err
accept_link(struct request *req, struct accept *ac)
{
	char		 canon[VALID_IDENT_SIZE];
	enum gh_err	 err;

	if ((err = by_token(req, req_param(req, 0), ac->th, &ac->link)) != GH_OK)
		return err;
	ac->org = ac->link.organization_id;
	ac->acct.email = ac->link.email;
	/* An invitation written before migration 0014 may hold another form of the address. */
	if (valid_ident(VALID_EMAIL, ac->acct.email, canon, sizeof(canon)) <= IDENT_MAPPED)
		ac->acct.email = arena_strdup(req->arena, canon);
	return GH_OK;
}

/* Whether the address has an account, and one with a password: the mode. */
static enum gh_err
accept_mode_of(struct request *req, struct accept *ac)
{
	enum gh_err	 err;

	err = store_invitation_login(req->w->db, req->arena, ac->acct.email, &ac->login);
	if (err == GH_ERR_NOT_FOUND) {
		ac->mode = ACCEPT_CREATE;
		return GH_OK;
	}
	if (err != GH_OK)
		return err;
	ac->mode = ac->login.password_hash == NULL ? ACCEPT_CLAIM : ACCEPT_JOIN;
	ac->uid = ac->login.id;
	return GH_OK;
}

/*
 * The existing-account path (JOIN): check its password the way login does: a failure counts
 * for the address and toward the account's lockout; the flags are checked after the password.
 */
static enum gh_err
accept_existing(struct request *req, const struct accept *ac)
{
	const struct invitation_login	*u = &ac->login;
	enum gh_err			 err;

	if ((err = lockout_ip_gate(req)) != GH_OK)
		return err;
	if (password_verify(u->password_hash, ac->password, strlen(ac->password)) != 1) {
		lockout_failure(req, u->id, 0);
		(void)audit_auth(req, u->id, ac->org, "invitation.accept", "bad_password");
		return req_fail(req, GH_ERR_INVALID_CREDENTIALS, "password", "an account with this "
		    "email address exists: give its password to join the organization");
	}
	if (!u->is_enabled)
		return req_fail(req, GH_ERR_ACCOUNT_DISABLED, NULL, "this account is disabled");
	if (!u->is_account_non_locked && (!u->has_lock_end || u->lock_left > 0))
		return req_fail(req, GH_ERR_ACCOUNT_LOCKED, NULL, "this account is locked");
	return GH_OK;
}

/*
 * The new-account path (CREATE, CLAIM): a username (required to create), a password the
 * organization's policy accepts, the names a claimed account keeps, the password hash.
 */
static enum gh_err
accept_new_account(struct request *req, struct accept *ac)
{
	const struct gh_config		*cfg = req->w->cfg;
	struct invitation_account	*acct = &ac->acct, old;
	enum gh_err			 err;

	if (ac->mode == ACCEPT_CREATE && acct->username == NULL)
		return req_fail(req, GH_ERR_VALIDATION, "username",
		    "username is required to create your account");
	if (acct->username != NULL && (err = api_ident(req, "username", VALID_USERNAME,
	    acct->username, "a username has 3 to 64 letters, digits, '.', '_' or '-' and starts "
	    "with a letter or digit", &acct->username)) != GH_OK)
		return err;
	if ((err = policy_check_password(req, ac->org, ac->password, "password")) != GH_OK)
		return err;
	if (ac->mode == ACCEPT_CLAIM) {
		if ((err = store_invitation_account_names(req->w->db, req->arena, ac->uid,
		    &old)) != GH_OK)
			return err;
		if (acct->username == NULL)
			acct->username = old.username;
		if (acct->first_name == NULL)
			acct->first_name = old.first_name;
		if (acct->last_name == NULL)
			acct->last_name = old.last_name;
	}
	if (password_hash(ac->password, strlen(ac->password),
	    (unsigned long long)cfg->pwhash_opslimit, (size_t)cfg->pwhash_memlimit_kib * 1024,
	    ac->hash) != 0)
		return GH_ERR_INTERNAL;
	return GH_OK;
}

/* The role an accepted invitation grants: its own if it is still grantable in org, else member. */
static enum gh_err
accept_role(struct request *req, long long role_id, long long org, long long *id,
    const char **name)
{
	struct invitation_grant	 g;
	enum gh_err		 err;

	if (role_id > 0) {
		err = store_invitation_grant(req->w->db, req->arena, role_id, &g);
		if (err != GH_OK && err != GH_ERR_NOT_FOUND)
			return err;
		if (err == GH_OK && strcmp(g.scope, "platform") != 0 &&
		    (g.organization_id == 0 || g.organization_id == org)) {
			*id = g.id;
			*name = g.name;
			return GH_OK;
		}
	}
	if ((err = store_invitation_role_named(req->w->db, req->arena, "member", org, id)) !=
	    GH_OK)
		return err;
	if (*id == 0)
		return req_fail(req, GH_ERR_INTERNAL, NULL, "there is no role member");
	*name = "member";
	return GH_OK;
}

/*
 * In the transaction: the link, locked, is still usable; mark it accepted and settle the role
 * it grants.
 */
static enum gh_err
accept_check(struct request *req, struct accept *ac)
{
	struct invitation_claim	 c;
	enum link_state		 st;
	enum gh_err		 err;

	err = store_invitation_claim(req->w->db, req->arena, ac->th, &c);
	if (err == GH_ERR_NOT_FOUND)
		return link_problem(req, LINK_UNKNOWN);
	if (err != GH_OK)
		return err;
	if ((st = api_link_state(c.status)) != LINK_OK)
		return link_problem(req, st);
	ac->iid = c.id;
	ac->inviter = c.invited_by;
	err = store_invitation_accept(req->w->db, req->arena, ac->iid);
	if (err == GH_ERR_NOT_FOUND)
		return link_problem(req, LINK_USED);
	if (err != GH_OK)
		return err;
	return accept_role(req, c.role_id, ac->org, &ac->role_id, &ac->role_name);
}

/* In the transaction: create the account or give the claimed one its password and names. */
static enum gh_err
accept_write_account(struct request *req, struct accept *ac)
{
	struct invitation_account	*acct = &ac->acct;
	const char			*field;
	enum gh_err			 err;

	acct->first_name = acct->first_name ? acct->first_name : "";
	acct->last_name = acct->last_name ? acct->last_name : "";
	acct->full_name = arena_printf(req->arena, "%s%s%s", acct->first_name,
	    *acct->first_name && *acct->last_name ? " " : "", acct->last_name);
	acct->password_hash = ac->hash;
	acct->role_id = ac->role_id;
	acct->made_by = ac->inviter;
	if (ac->mode == ACCEPT_CREATE)
		err = store_invitation_account_insert(req->w->db, req->arena, acct, &ac->uid);
	else
		err = store_invitation_account_claim(req->w->db, req->arena, ac->uid, acct);
	if (err == GH_ERR_NOT_FOUND)
		return req_fail(req, GH_ERR_CONFLICT, "password", "the account changed meanwhile; "
		    "open the link again");
	if (err == GH_ERR_CONFLICT) {
		field = strstr(db_dup_key(req->w->db), "email") ? "email" : "username";
		return req_fail(req, err, field, strcmp(field, "email") == 0 ?
		    "another account already uses this email address; ask an administrator" :
		    "this username is taken; choose another");
	}
	return err;
}

/*
 * In the transaction: the account joins the organization with the role, the invitation records
 * it, an existing account's tokens are re-issued with its new roles; the audit rows.
 */
static enum gh_err
accept_grant(struct request *req, const struct accept *ac)
{
	enum gh_err		 err;
	cJSON			*d;

	if ((err = store_invitation_join(req->w->db, req->arena, ac->uid, ac->org, ac->role_id,
	    ac->inviter)) != GH_OK ||
	    (err = store_invitation_set_user(req->w->db, req->arena, ac->iid, ac->uid)) != GH_OK)
		return err;
	/* The link was mailed to the address: following it proved the mailbox. */
	if ((err = store_email_verification_proven(req->w->db, req->arena, ac->uid,
	    ac->link.email)) != GH_OK)
		return err;
	if (ac->mode != ACCEPT_CREATE && (err = session_pv_bump(req, ac->uid)) != GH_OK)
		return err;
	d = api_object(req);
	cJSON_AddNumberToObject(d, "user_id", (double)ac->uid);
	cJSON_AddStringToObject(d, "mode", accept_modes[ac->mode]);
	cJSON_AddStringToObject(d, "role", ac->role_name);
	(void)audit_by(req, ac->uid, ac->org, "invitation.accept", "invitation", ac->iid, NULL,
	    d);
	if (ac->mode == ACCEPT_CREATE) {
		d = api_object(req);
		cJSON_AddStringToObject(d, "via", "invitation");
		cJSON_AddNumberToObject(d, "invitation_id", (double)ac->iid);
		(void)audit_by(req, ac->uid, ac->org, "user.create", "user", ac->uid, NULL, d);
	}
	return GH_OK;
}

/* One transaction: the link is used, the account exists and holds the role, or nothing. */
static enum gh_err
accept_apply(struct request *req, struct accept *ac)
{
	enum gh_err	 err;

	if ((err = db_begin(req->w->db)) != GH_OK)
		return err;
	if ((err = accept_check(req, ac)) != GH_OK ||
	    (ac->mode != ACCEPT_JOIN && (err = accept_write_account(req, ac)) != GH_OK) ||
	    (err = accept_grant(req, ac)) != GH_OK ||
	    (err = db_commit(req->w->db)) != GH_OK) {
		db_rollback(req->w->db);
		return err;
	}
	return GH_OK;
}

/* The account, the organization and the role; 201 with Location for a new account. */
static enum gh_err
accept_answer(struct request *req, const struct accept *ac)
{
	enum gh_err	 err;
	cJSON		*o, *uo, *d;

	if ((err = api_user_object(req, ac->uid, &uo)) != GH_OK)
		return err;
	o = api_object(req);
	cJSON_AddItemReferenceToObject(o, "user", uo);
	d = cJSON_AddObjectToObject(o, "organization");
	cJSON_AddNumberToObject(d, "id", (double)ac->org);
	cJSON_AddStringToObject(d, "slug", ac->link.org_slug);
	cJSON_AddStringToObject(d, "name", ac->link.org_name);
	cJSON_AddStringToObject(o, "role", ac->role_name);
	cJSON_AddBoolToObject(o, "created", ac->mode == ACCEPT_CREATE);
	if (ac->mode == ACCEPT_CREATE)
		resp_header(req, "Location", arena_printf(req->arena, "/api/v1/users/%lld",
		    ac->uid));
	return resp_json(req, ac->mode == ACCEPT_CREATE ? 201 : 200, o);
}

enum gh_err
api_public_invitation_accept(struct request *req)
{
	struct accept	 ac;
	enum gh_err	 err;

	redact_path(req, "/accept");
	memset(&ac, 0, sizeof(ac));
	ac.role_name = "member";
	if ((err = accept_body(req, &ac)) != GH_OK ||
	    (err = accept_link(req, &ac)) != GH_OK ||
	    (err = accept_mode_of(req, &ac)) != GH_OK)
		return err;
	if (ac.mode == ACCEPT_JOIN)
		err = accept_existing(req, &ac);
	else
		err = accept_new_account(req, &ac);
	if (err == GH_OK)
		err = accept_apply(req, &ac);
	sodium_memzero(ac.hash, sizeof(ac.hash));
	if (err != GH_OK)
		return err;
	if (ac.mode != ACCEPT_CREATE && session_pv_publish(req, ac.uid) != GH_OK)
		log_warn("invitations: user %lld joined organization %lld but the token store was "
		    "unreachable", ac.uid, ac.org);
	return accept_answer(req, &ac);
}
