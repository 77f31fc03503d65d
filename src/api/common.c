#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <sodium.h>

#include "api/common.h"
#include "api/routes.h"
#include "auth/authn.h"
#include "auth/lockout.h"
#include "auth/password.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "core/mail.h"
#include "core/valid.h"
#include "http/body.h"
#include "store/account.h"
#include "store/kv.h"
#include "store/role.h"
#include "store/user.h"

static void
json_free(void *p)
{
	cJSON_Delete(p);
}

cJSON *
api_object(struct request *req)
{
	cJSON	*o = cJSON_CreateObject();

	arena_cleanup(req->arena, json_free, o);
	return o;
}

cJSON *
api_array(struct request *req)
{
	cJSON	*o = cJSON_CreateArray();

	arena_cleanup(req->arena, json_free, o);
	return o;
}

void
api_add_str(cJSON *o, const char *k, const char *v)
{
	if (v != NULL)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

const char *
api_cursor(struct request *req, long long id)
{
	char	 dec[32], *out;

	snprintf(dec, sizeof(dec), "id:%lld", id);
	out = arena_alloc(req->arena, 64);
	sodium_bin2base64(out, 64, (unsigned char *)dec, strlen(dec),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

enum gh_err
api_page_parse(struct request *req, struct api_page *pg)
{
	const char	*c = req_query(req, "cursor");
	unsigned char	 dec[32];
	size_t		 n;
	enum gh_err	 err;

	pg->after = 0;
	if ((err = api_limit_parse(req, &pg->limit)) != GH_OK)
		return err;
	if (c != NULL && (!valid_base64url(c) || sodium_base642bin(dec, sizeof(dec) - 1, c, strlen(c), NULL, &n, NULL,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 || n < 4 ||
	    memcmp(dec, "id:", 3) != 0 ||
	    !valid_int_mem((char *)dec + 3, n - 3, 1, LLONG_MAX, &pg->after)))
		return req_fail(req, GH_ERR_VALIDATION, "cursor", "cursor is not one we issued");
	return GH_OK;
}

enum gh_err
api_keyset_parse(struct request *req, struct db_keyset *ks)
{
	struct api_page	 pg;
	enum gh_err	 err;

	memset(ks, 0, sizeof(*ks));
	if ((err = api_page_parse(req, &pg)) != GH_OK)
		return err;
	ks->has = pg.after > 0;
	ks->after = pg.after;
	ks->limit = pg.limit;
	return GH_OK;
}

enum gh_err
api_limit_parse(struct request *req, long long *limit)
{
	*limit = API_PAGE_DEFAULT;
	return api_query_int(req, "limit", 1, API_PAGE_MAX, NULL, limit);
}

enum gh_err
api_query_int(struct request *req, const char *name, long long min, long long max,
    const char *why, long long *out)
{
	const char	*v = req_query(req, name);

	if (v == NULL || valid_int_text(v, min, max, out))
		return GH_OK;
	if (why != NULL)
		return req_fail(req, GH_ERR_VALIDATION, name, "%s", why);
	if (max == LLONG_MAX)
		return req_fail(req, GH_ERR_VALIDATION, name, "%s must be an integer of at least %lld",
		    name, min);
	return req_fail(req, GH_ERR_VALIDATION, name, "%s must be an integer from %lld to %lld",
	    name, min, max);
}

void
api_page_respond(struct request *req, cJSON *items, long long next_after)
{
	api_page_answer(req, items, next_after > 0 ? api_cursor(req, next_after) : NULL);
}

enum gh_err
api_items_respond(struct request *req, cJSON *items)
{
	cJSON	*o = api_object(req);

	cJSON_AddItemReferenceToObject(o, "items", items);
	return resp_json(req, 200, o);
}

enum gh_err
api_page_answer(struct request *req, cJSON *items, const char *next)
{
	cJSON	*o = api_object(req);

	cJSON_AddItemReferenceToObject(o, "items", items);
	api_add_str(o, "next_cursor", next);
	return resp_json(req, 200, o);
}

enum gh_err
api_id_param(struct request *req, size_t i, long long *id)
{
	*id = 0;
	if (!valid_int_text(req_param(req, i), 1, LLONG_MAX, id))
		return req_fail(req, GH_ERR_NOT_FOUND, NULL, "no such object");
	return GH_OK;
}

const char *
api_etag(struct request *req, const cJSON *obj)
{
	unsigned char	 h[16];
	char		 hex[33], *s = cJSON_PrintUnformatted(obj);

	crypto_generichash(h, sizeof(h), (unsigned char *)s, s ? strlen(s) : 0, NULL, 0);
	cJSON_free(s);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	return arena_printf(req->arena, "\"%s\"", hex);
}

int
api_none_match(const char *inm, const char *tag)
{
	const char	*p = inm, *q;
	size_t		 tl = strlen(tag);

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return 1;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		for (q = p; *q != '\0' && *q != ','; q++)
			;
		while (q > p && (q[-1] == ' ' || q[-1] == '\t'))
			q--;
		if ((size_t)(q - p) == tl && strncmp(p, tag, tl) == 0)
			return 1;
		p = q;
		while (*p != '\0' && *p != ',')
			p++;
	}
	return 0;
}

enum gh_err
api_if_match(struct request *req, const cJSON *obj)
{
	const char	*im = req_header(req, "If-Match"), *tag;
	size_t		 tl;
	const char	*p;

	if (im == NULL || strcmp(im, "*") == 0)
		return GH_OK;
	tag = api_etag(req, obj);
	tl = strlen(tag);
	/* A list of tags: any match will do (weak tags never match: RFC 9110 strong comparison). */
	for (p = im; (p = strstr(p, tag)) != NULL; p += tl)
		if ((p == im || p[-1] == ' ' || p[-1] == ',') &&
		    (p[tl] == '\0' || p[tl] == ',' || p[tl] == ' '))
			return GH_OK;
	resp_header(req, "ETag", tag);
	return req_fail(req, GH_ERR_PRECONDITION, NULL,
	    "the object changed since you read it (ETag %s); read it again", tag);
}

enum gh_err
api_entity(struct request *req, int status, const cJSON *obj, const char *location)
{
	resp_header(req, "ETag", api_etag(req, obj));
	if (location != NULL)
		resp_header(req, "Location", location);
	return resp_json(req, status, obj);
}

enum gh_err
api_id_pair(struct request *req, long long *id0, long long *id1)
{
	enum gh_err	 err;

	if ((err = api_id_param(req, 0, id0)) != GH_OK)
		return err;
	return api_id_param(req, 1, id1);
}

enum gh_err
api_id_begin(struct request *req, long long *id)
{
	enum gh_err	 err;

	if ((err = api_id_param(req, 0, id)) != GH_OK)
		return err;
	return db_begin(req->w->db);
}

enum gh_err
api_user_param(struct request *req, const char *perm, struct user *u)
{
	long long	 id;
	enum gh_err	 err;

	if ((err = api_id_param(req, 0, &id)) != GH_OK)
		return err;
	return api_user_load(req, perm, id, 0, u);
}

int
api_not_modified(struct request *req, const char *tag, const char *cache_control)
{
	const char	*inm = req_header(req, "If-None-Match");

	req->cache_control = cache_control;
	if (inm == NULL || !api_none_match(inm, tag))
		return 0;
	resp_status(req, 304);
	resp_header(req, "ETag", tag);
	resp_header(req, "Cache-Control", cache_control);
	return 1;
}

enum gh_err
api_commit(struct request *req)
{
	enum gh_err	 err;

	if ((err = db_commit(req->w->db)) != GH_OK)
		db_rollback(req->w->db);
	return err;
}

enum gh_err
api_commit_entity(struct request *req, int status, const cJSON *obj, const char *location)
{
	enum gh_err	 err;

	if ((err = api_commit(req)) == GH_OK)
		api_entity(req, status, obj, location);
	return err;
}

enum gh_err
api_commit_status(struct request *req, int status)
{
	enum gh_err	 err;

	if ((err = api_commit(req)) == GH_OK)
		resp_status(req, status);
	return err;
}

enum gh_err
api_tx_join(struct request *req, int *own)
{
	*own = !db_in_tx(req->w->db);
	return *own ? db_begin(req->w->db) : GH_OK;
}

enum gh_err
api_tx_leave(struct request *req, int own, enum gh_err err)
{
	if (!own)
		return err;
	if (err == GH_OK)
		return api_commit(req);
	return api_rollback(req, err);
}

enum gh_err
api_rollback(struct request *req, enum gh_err err)
{
	db_rollback(req->w->db);
	return err;
}

/* err; when it is want, with field and the detail fmt (ap) recorded for its problem. */
static enum gh_err
fail_on(struct request *req, enum gh_err err, enum gh_err want, const char *field,
    const char *fmt, va_list ap)
{
	if (err != want)
		return err;
	return req_fail(req, err, field, "%s", arena_vprintf(req->arena, fmt, ap));
}

enum gh_err
api_found(struct request *req, enum gh_err err, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	err = fail_on(req, err, GH_ERR_NOT_FOUND, NULL, fmt, ap);
	va_end(ap);
	return err;
}

enum gh_err
api_found_in_org(struct request *req, enum gh_err err, const long long *org, const char *perm,
    const char *fmt, ...)
{
	va_list	 ap;

	if (err == GH_OK && !api_in_org(req, *org, perm))
		err = GH_ERR_NOT_FOUND;
	va_start(ap, fmt);
	err = fail_on(req, err, GH_ERR_NOT_FOUND, NULL, fmt, ap);
	va_end(ap);
	return err;
}

enum gh_err
api_unique(struct request *req, enum gh_err err, const char *field, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	err = fail_on(req, err, GH_ERR_CONFLICT, field, fmt, ap);
	va_end(ap);
	return err;
}

int
api_in_org(struct request *req, long long org, const char *perm)
{
	return org == req->auth.org_id || authn_platform_has(req, perm);
}

enum gh_err
api_role_load(struct request *req, long long id, int lock, const char *perm, struct role *r)
{
	enum gh_err	 err;

	err = store_role_get(req->w->db, req->arena, id, lock, r);
	if (err == GH_ERR_NOT_FOUND || (err == GH_OK && r->organization_id != 0 &&
	    !api_in_org(req, r->organization_id, perm)))
		return req_fail(req, GH_ERR_NOT_FOUND, NULL, "no role %lld", id);
	return err;
}

enum gh_err
api_authz_changed(struct request *req)
{
	redisReply	*r;

	return kv_run_acked(req->w->kv, req->arena, &r, 2, "INCR", kv_prefixes[KV_AUTHZ_GEN]);
}

enum gh_err
api_commit_authz(struct request *req, const char *why)
{
	enum gh_err	 err;

	if ((err = api_commit(req)) != GH_OK)
		return err;
	if ((err = api_authz_changed(req)) != GH_OK && why != NULL)
		return req_fail(req, err, NULL, "%s", why);
	return GH_OK;
}

enum gh_err
api_query_bool(struct request *req, const char *name, int *out)
{
	const char	*v = req_query(req, name);

	*out = -1;
	if (v == NULL)
		return GH_OK;
	if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
		*out = 1;
	else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
		*out = 0;
	else
		return req_fail(req, GH_ERR_VALIDATION, name, "%s must be true or false", name);
	return GH_OK;
}

void
api_add_names(struct request *req, cJSON *o, const char *k, const char *csv)
{
	cJSON		*a = cJSON_AddArrayToObject(o, k);
	const char	*p, *comma;

	for (p = csv; p != NULL && *p != '\0'; p = comma ? comma + 1 : NULL) {
		comma = strchr(p, ',');
		cJSON_AddItemToArray(a, cJSON_CreateString(comma ?
		    arena_strndup(req->arena, p, (size_t)(comma - p)) : p));
	}
}

void
api_add_idv(cJSON *o, const char *k, long long id)
{
	if (id <= 0)
		cJSON_AddNullToObject(o, k);
	else
		cJSON_AddNumberToObject(o, k, (double)id);
}

const char *
api_like_pattern(struct request *req, const char *q)
{
	char	*out = arena_alloc(req->arena, strlen(q) * 2 + 3), *o = out;

	*o++ = '%';
	for (; *q != '\0'; q++) {
		if (*q == '%' || *q == '_' || *q == '!')
			*o++ = '!';
		*o++ = *q;
	}
	*o++ = '%';
	*o = '\0';
	return out;
}

/*
 * Why the caller's organization does not manage user id's account (docs/authorization.md,
 * "Accounts and memberships"), or NULL when it does: the account holds no platform role and
 * belongs to no other organization.  The memberships are read with a shared lock, and load()
 * locked the user row, which every membership insert locks too: the answer holds until the
 * commit.
 */
enum gh_err
api_account_unmanaged(struct request *req, long long id, const char **why)
{
	long long	 others;
	enum gh_err	 err;
	int		 platform;

	*why = NULL;
	if ((err = store_user_is_platform(req->w->db, req->arena, id, &platform)) != GH_OK)
		return err;
	if (platform) {
		*why = "holds a platform role";
		return GH_OK;
	}
	if ((err = store_user_other_orgs(req->w->db, req->arena, id, req->auth.org_id,
	    &others)) != GH_OK)
		return err;
	if (others > 0)
		*why = "also belongs to another organization";
	return GH_OK;
}

/*
 * May the caller make an account-level change to user id?  Nobody does what ends their own
 * access to themselves (self_ok 0).  The user themself and a caller holding perm through a
 * platform role may; any other caller only when its organization manages the account
 * (api_account_unmanaged), else 403 account_not_managed.
 */
enum gh_err
api_account_rule(struct request *req, const char *perm, long long id, int self_ok)
{
	const char	*why;
	enum gh_err	 err;

	if (!self_ok && id == req->auth.user_id)
		return req_fail(req, GH_ERR_FORBIDDEN, NULL,
		    "you cannot do this to your own account");
	if (id == req->auth.user_id || authn_platform_has(req, perm))
		return GH_OK;
	if ((err = api_account_unmanaged(req, id, &why)) != GH_OK)
		return err;
	if (why != NULL)
		return req_fail(req, GH_ERR_ACCOUNT_NOT_MANAGED, NULL,
		    "user %lld %s, so your organization does not manage the account: only the user "
		    "or a platform administrator changes it; suspend the membership, end its "
		    "sessions here or remove it from your organization instead", id, why);
	return GH_OK;
}

enum gh_err
api_printable(struct request *req, const char *name, const char *s)
{
	if (s != NULL && !valid_printable(s))
		return req_fail(req, GH_ERR_VALIDATION, name, "%s holds a non-printing character "
		    "(a control, format, bidirectional or zero-width character)", name);
	return GH_OK;
}

enum gh_err
api_ident(struct request *req, const char *name, enum valid_ident_kind kind, const char *in,
    const char *why, const char **out)
{
	char	 buf[VALID_IDENT_SIZE];

	*out = NULL;
	switch (valid_ident(kind, in, buf, sizeof(buf))) {
	case IDENT_OK:
	case IDENT_MAPPED:
		*out = arena_strdup(req->arena, buf);
		return GH_OK;
	case IDENT_NONPRINT:
		return api_printable(req, name, in);
	case IDENT_SPACE:
		return req_fail(req, GH_ERR_VALIDATION, name,
		    "%s cannot start or end with white space", name);
	default:
		return req_fail(req, GH_ERR_VALIDATION, name, "%s", why);
	}
}

enum gh_err
api_user_object(struct request *req, long long id, cJSON **out)
{
	struct user	 p;
	enum gh_err	 err;

	if ((err = api_found(req, store_user_profile(req->w->db, req->arena, id, &p), "no such user")) != GH_OK)
		return err;
	*out = api_user_json(req, &p);
	return GH_OK;
}

cJSON *
api_user_json(struct request *req, const struct user *s)
{
	cJSON	*o = api_object(req);

	API_F(NUM, id) API_F(STR, username) API_F(STR, email) API_F(STR, first_name)
	API_F(STR, last_name) API_F(STR, full_name) API_F(STR, phone_number)
	API_F(STR, profile_image_ref) API_F(STR, last_login)
	cJSON_AddBoolToObject(o, "email_verified", s->email_verified_at != NULL);
	API_F(STR, email_verified_at)
	return o;
}

const char *const api_user_fields[UF__MAX + 1] = { "username", "email", "phone_number",
    "first_name", "last_name", "full_name", "profile_image_ref", NULL };

/* Lengths of each field and the member of struct user it writes; null clears a name to "". */
static const struct {
	size_t		 min, max;
	size_t		 off;
	int		 nullable;
} user_field[UF__MAX] = {
	[UF_USERNAME] = { 3, 64, offsetof(struct user, username), 0 },
	[UF_EMAIL] = { 3, 254, offsetof(struct user, email), 0 },
	[UF_PHONE] = { 3, 16, offsetof(struct user, phone_number), 1 },
	[UF_FIRST] = { 0, 100, offsetof(struct user, first_name), 0 },
	[UF_LAST] = { 0, 100, offsetof(struct user, last_name), 0 },
	[UF_FULL] = { 0, 200, offsetof(struct user, full_name), 0 },
	[UF_IMAGE] = { 1, 512, offsetof(struct user, profile_image_ref), 1 },
};

enum gh_err
api_user_patch_parse(struct request *req, struct api_user_patch *p)
{
	const char	*name;
	enum gh_err	 err;
	size_t		 i;

	for (i = 0; i < UF__MAX; i++) {
		name = api_user_fields[i];
		if ((err = body_str_nullable(req, name, user_field[i].min, user_field[i].max,
		    &p->given[i], &p->v[i])) != GH_OK ||
		    (err = api_printable(req, name, p->v[i])) != GH_OK)
			return err;
	}
	if (p->given[UF_USERNAME] && (err = api_ident(req, "username", VALID_USERNAME,
	    p->v[UF_USERNAME] ? p->v[UF_USERNAME] : "", API_USERNAME_WHY,
	    &p->v[UF_USERNAME])) != GH_OK)
		return err;
	if (p->given[UF_EMAIL] && (err = api_ident(req, "email", VALID_EMAIL,
	    p->v[UF_EMAIL] ? p->v[UF_EMAIL] : "", API_EMAIL_WHY, &p->v[UF_EMAIL])) != GH_OK)
		return err;
	if (p->v[UF_PHONE] != NULL && !valid_phone(p->v[UF_PHONE]))
		return req_fail(req, GH_ERR_VALIDATION, "phone_number",
		    "phone_number must be in E.164 form, like +14155550123");
	if (p->v[UF_IMAGE] != NULL && !valid_image_ref(p->v[UF_IMAGE]))
		return req_fail(req, GH_ERR_VALIDATION, "profile_image_ref",
		    "profile_image_ref is an https URL or a relative asset path");
	return GH_OK;
}

size_t
api_user_patch_apply(const struct api_user_patch *p, struct user *u, cJSON *names)
{
	const char	**col, *old, *v;
	size_t		 i, changed = 0;

	for (i = 0; i < UF__MAX; i++) {
		if (!p->given[i])
			continue;
		col = (const char **)(void *)((char *)u + user_field[i].off);
		old = *col;
		v = p->v[i];
		if (v == NULL && !user_field[i].nullable)
			v = "";
		if ((v == NULL) != (old == NULL) || (v != NULL && strcmp(v, old) != 0)) {
			cJSON_AddItemToArray(names, cJSON_CreateString(api_user_fields[i]));
			changed++;
		}
		*col = v;
	}
	return changed;
}

/* The body field a duplicate key of users names, or NULL. */
static const char *
user_dup_field(struct request *req)
{
	const char	*k = db_dup_key(req->w->db);

	if (strstr(k, "uq_users_username") != NULL)
		return "username";
	if (strstr(k, "uq_users_email") != NULL)
		return "email";
	if (strstr(k, "uq_users_phone_number") != NULL)
		return "phone_number";
	return NULL;
}

enum gh_err
api_user_conflict(struct request *req)
{
	const char	*f = user_dup_field(req);

	if (f == NULL)
		return req_fail(req, GH_ERR_CONFLICT, NULL, "a user with these details exists");
	return req_fail(req, GH_ERR_CONFLICT, f, "another user already has this %s", f);
}

enum gh_err
api_mail(struct request *req, const char *to, const char *name, const char *const *vars)
{
	const char	*why;
	enum gh_err	 err;

	if ((err = mail_send(req->w->cfg, req->arena, to, name, vars, &why)) != GH_OK)
		return req_fail(req, err, NULL, "%s", why);
	return GH_OK;
}

enum gh_err
api_user_load(struct request *req, const char *perm, long long id, int lock, struct user *u)
{
	enum gh_err	 err;
	int		 member;

	err = store_user_get(req->w->db, req->arena, id, lock, u);
	if (err == GH_ERR_NOT_FOUND)
		return req_fail(req, GH_ERR_NOT_FOUND, NULL, "no user %lld", id);
	if (err != GH_OK || authn_platform_has(req, perm))
		return err;
	if ((err = store_user_in_org(req->w->db, req->arena, id, req->auth.org_id, &member)) !=
	    GH_OK)
		return err;
	if (!member)
		return req_fail(req, GH_ERR_NOT_FOUND, NULL, "no user %lld in your organization", id);
	return GH_OK;
}

enum gh_err
api_reauth(struct request *req, const char *field, const char *pw, const char *why,
    struct account *acct)
{
	enum gh_err	 err;

	err = store_account_get(req->w->db, req->arena, req->auth.user_id, acct);
	if (err != GH_OK && err != GH_ERR_NOT_FOUND)
		return err;
	if (err == GH_ERR_NOT_FOUND || password_verify(acct->password_hash, pw, strlen(pw)) != 1) {
		lockout_failure(req, req->auth.user_id, req->auth.org_id);
		return req_fail(req, GH_ERR_INVALID_CREDENTIALS, field, "%s", why);
	}
	return GH_OK;
}
