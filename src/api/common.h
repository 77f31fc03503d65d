/*
 * common.h: the conventions every admin resource shares (docs/api.md): pagination with an opaque
 * cursor, ETag and If-Match, 201 with Location, ids in paths, and announcing a change of the
 * authorization tables to every worker.  Everything returned belongs to the request's arena.
 */
#ifndef GH_API_COMMON_H
#define GH_API_COMMON_H

#include <cJSON.h>

#include "core/err.h"
#include "core/valid.h"
#include "http/request.h"
#include "store/db.h"
#include "store/user.h"

#define API_PAGE_DEFAULT	50
#define API_PAGE_MAX		200

struct api_page {
	long long	 limit;		/* rows to return */
	long long	 after;		/* last id of the previous page, 0 = start */
};

/* ?limit= and ?cursor= (400 naming the field). */
enum gh_err	 api_page_parse(struct request *, struct api_page *);
/* api_page_parse into a keyset page of the id order (sort 0, no key): ks is zeroed first. */
enum gh_err	 api_keyset_parse(struct request *, struct db_keyset *ks);
/* ?limit= alone: 1..API_PAGE_MAX, API_PAGE_DEFAULT when absent. */
enum gh_err	 api_limit_parse(struct request *, long long *limit);
/*
 * Query parameter name as a plain decimal integer within [min, max] (valid_int_text): *out is
 * left alone when it is absent; else 400 naming it, detail why (or a generic text when NULL).
 */
enum gh_err	 api_query_int(struct request *, const char *name, long long min, long long max,
		    const char *why, long long *out);
/*
 * API_PAGE_ITEMS(items, req, rows, n, limit, json): items = a new array of the arena holding
 * json(req, &rows[i]) for the first limit of the n structs at rows (all when n <= limit).  A
 * list with its own cursor then answers
 *	return api_page_answer(req, items, (long long)n > limit ? cursor of rows[limit - 1] : NULL);
 */
#define API_PAGE_ITEMS(items, req, rows, n, limit, json) do {				\
	size_t	 i_;									\
											\
	(items) = api_array(req);							\
	for (i_ = 0; i_ < (n) && (long long)i_ < (limit); i_++)				\
		cJSON_AddItemReferenceToArray((items), json((req), &(rows)[i_]));	\
} while (0)

/*
 * Answer a page of the n structs at rows (each with an id member) of which limit are shown,
 * each rendered by json(req, &rows[i]) (API_PAGE_ITEMS); the next cursor continues after the
 * last one shown when there were more.
 */
#define API_PAGE_RESPOND(req, rows, n, limit, json) do {				\
	cJSON	*items_;								\
											\
	API_PAGE_ITEMS(items_, (req), (rows), (n), (limit), json);			\
	api_page_respond((req), items_,							\
	    (long long)(n) > (limit) ? (rows)[(limit) - 1].id : 0);			\
} while (0)

/*
 * API_LIST_RESPOND(req, rows, n, json): answer 200 {"items": [...]} holding json(req, &rows[i])
 * for all n structs at rows: a list that is never paged (the caller's own sessions, passkeys,
 * consents).
 */
#define API_LIST_RESPOND(req, rows, n, json) do {					\
	cJSON	*items_;								\
											\
	API_PAGE_ITEMS(items_, (req), (rows), (n), (long long)(n), json);		\
	api_items_respond((req), items_);						\
} while (0)

/* Answer 200 {"items": items}; GH_OK, like resp_json. */
enum gh_err	 api_items_respond(struct request *, cJSON *items);

/* The opaque cursor that continues after id. */
const char	*api_cursor(struct request *, long long id);
/* Answer {"items": items, "next_cursor": ...}; next_after 0 = last page. */
void		 api_page_respond(struct request *, cJSON *items, long long next_after);
/*
 * Answer {"items": items, "next_cursor": next}, next null when NULL (the last page): a page whose
 * cursor is not the plain id one (a sort by a text column); GH_OK, like resp_json.
 */
enum gh_err	 api_page_answer(struct request *, cJSON *items, const char *next);

/*
 * Route parameter i as a positive id (digits, no leading zero, at most 2^63 - 1); anything else
 * is GH_ERR_NOT_FOUND, like an id that does not exist.
 */
enum gh_err	 api_id_param(struct request *, size_t i, long long *id);

/* Route parameters 0 and 1 as ids (api_id_param): a member of a collection, .../{id}/.../{id}. */
enum gh_err	 api_id_pair(struct request *, long long *id0, long long *id1);

/* api_id_param of parameter 0, then db_begin: the start of a change to the row of that id. */
enum gh_err	 api_id_begin(struct request *, long long *id);

/* A new JSON object or array owned by the arena. */
cJSON		*api_object(struct request *);
cJSON		*api_array(struct request *);

/* The strong ETag of a representation: a hash of its JSON text. */
const char	*api_etag(struct request *, const cJSON *obj);
/* Whether an If-None-Match value inm names tag (weak comparison, RFC 9110 13.1.2) or is "*". */
int		 api_none_match(const char *inm, const char *tag);
/*
 * A cacheable answer whose strong ETag is tag: Cache-Control cache_control on it, and 1 when
 * the request's If-None-Match matches tag, answered 304 with the tag and the Cache-Control
 * (the worker adds Cache-Control to every answer but a 304); 0 when the caller answers in full.
 */
int		 api_not_modified(struct request *, const char *tag, const char *cache_control);
/* GH_OK when there is no If-Match or it matches obj's tag; else 412 precondition_failed. */
enum gh_err	 api_if_match(struct request *, const cJSON *obj);
/* Answer status with obj and its ETag (and Location when given); GH_OK, like resp_json. */
enum gh_err	 api_entity(struct request *, int status, const cJSON *obj, const char *location);

/*
 * The end of a handler's transaction (db_begin on req->w->db).  api_commit commits it; when the
 * commit fails it rolls back and returns the error, so the caller just returns it.
 * api_commit_entity commits and then answers status with obj (api_entity: its ETag, and
 * Location when given); api_commit_status commits and answers status without a body (204).
 * api_rollback rolls back and returns err: the fail: path of a handler.
 *	if ((err = store_team_update(...)) != GH_OK)
 *		goto fail;
 *	return api_commit_entity(req, 200, team_json(req, &t), NULL);
 * fail:
 *	return api_rollback(req, err);
 */
enum gh_err	 api_commit(struct request *);
enum gh_err	 api_commit_entity(struct request *, int status, const cJSON *obj,
		    const char *location);
enum gh_err	 api_commit_status(struct request *, int status);
enum gh_err	 api_rollback(struct request *, enum gh_err err);

/*
 * A step that runs in its caller's transaction when one is open, else in one of its own (a
 * verification mail sent from a profile change or on its own): api_tx_join begins one when none
 * is open and sets *own to say so; api_tx_leave(req, own, err) ends an own one, committed when
 * err is GH_OK, else rolled back, and returns err or the commit's failure.  A joined
 * transaction is left to the caller.
 */
enum gh_err	 api_tx_join(struct request *, int *own);
enum gh_err	 api_tx_leave(struct request *, int own, enum gh_err err);

/*
 * err as the answer of a read of one row: GH_ERR_NOT_FOUND becomes 404 with the detail fmt
 * (printf-like), anything else is returned as it is.
 *	return api_found(req, store_team_get(db, a, id, lock, t), "no team %lld", id);
 */
enum gh_err	 api_found(struct request *, enum gh_err err, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));

/*
 * api_found of a read of a row that belongs to organization *org: also 404 (with fmt) when the
 * row was read but the caller does not act in *org with perm (api_in_org).  *org is read only
 * after the read succeeded, so it may point into the row being read:
 *	return api_found_in_org(req, store_team_get(db, a, id, lock, t), &t->organization_id,
 *	    perm, "no team %lld", id);
 */
enum gh_err	 api_found_in_org(struct request *, enum gh_err err, const long long *org,
		    const char *perm, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * Tenancy (docs/authorization.md): whether the caller acts in organization org with perm: org
 * is the organization of its token, or the caller holds perm through a platform role.
 */
int		 api_in_org(struct request *, long long org, const char *perm);

/*
 * Read role id (locked for update when lock) into r; 404 unless it is a platform role
 * (organization_id 0) or the caller acts in its organization with perm (api_in_org).
 */
struct role;
enum gh_err	 api_role_load(struct request *, long long id, int lock, const char *perm,
		    struct role *r);

/*
 * err as the answer of a write that must not duplicate a row: GH_ERR_CONFLICT becomes 409
 * naming field, with the detail fmt (printf-like); anything else is returned as it is.
 *	if ((err = api_unique(req, store_team_update(db, a, &t, actor), "name",
 *	    "the organization already has a team named %s", t.name)) != GH_OK)
 */
enum gh_err	 api_unique(struct request *, enum gh_err err, const char *field, const char *fmt,
		    ...) __attribute__((format(printf, 4, 5)));

/* Tell every worker to reload the authorization tables (INCR authz:gen). */
enum gh_err	 api_authz_changed(struct request *);

/*
 * The end of a change to the authorization tables: api_commit, then api_authz_changed.  A
 * failed announcement (the change is saved; workers reload within a minute anyway) is ignored
 * when why is NULL, else answered as err with the detail why.
 */
enum gh_err	 api_commit_authz(struct request *, const char *why);

/* Add id as a number member, or null when it is 0 (none). */
void		 api_add_idv(cJSON *o, const char *k, long long id);

/*
 * q as a LIKE pattern matching it anywhere (%q%), with % _ and the escape character ! taken
 * literally: use it with ESCAPE '!'.
 */
const char	*api_like_pattern(struct request *, const char *q);

/*
 * The account rule (docs/authorization.md, "Accounts and memberships").  *why gets the reason
 * the caller's organization does not manage user id's account (a platform role, another
 * organization), or NULL when it does.  Call it with the user's row locked.
 */
enum gh_err	 api_account_unmanaged(struct request *, long long id, const char **why);

/*
 * May the caller make an account-level change to user id?  The user themself (unless self_ok
 * is 0: 403 forbidden) and callers holding perm through a platform role may; others only when
 * their organization manages the account, else 403 account_not_managed.
 */
enum gh_err	 api_account_rule(struct request *, const char *perm, long long id, int self_ok);

/*
 * Read user id (locked for update when lock) into u; 404 when it does not exist, is deleted,
 * or is not a member of the caller's organization and the caller does not hold perm through a
 * platform role.
 */
enum gh_err	 api_user_load(struct request *, const char *perm, long long id, int lock,
		    struct user *u);

/* api_user_load, not locked, of the user whose id is route parameter 0 (404 for a bad id). */
enum gh_err	 api_user_param(struct request *, const char *perm, struct user *u);

/* The public profile of user id (login, refresh, /me) as a JSON object owned by the arena. */
enum gh_err	 api_user_object(struct request *, long long id, cJSON **out);

/* The same profile from a struct user already read (the profile columns of SQL_USER_PROFILE). */
struct user;
cJSON		*api_user_json(struct request *, const struct user *);

/* Add a string member, or null. */
void		 api_add_str(cJSON *o, const char *k, const char *v);

/* Add k, an array of the names in csv (comma separated; NULL or "" for none). */
void		 api_add_names(struct request *, cJSON *o, const char *k, const char *csv);

/*
 * API_F(kind, member): add member of the struct pointed to by s to the object o, under the
 * member's own name, as kind NUM (a number), ID (a number, null when 0: no such row), STR (a
 * string, null when NULL) or BOOL.  A renderer lists its fields in the order of the answer:
 *	API_F(NUM, id) API_F(STR, name) API_F(STR, created_at)
 */
#define API_F(kind, member)	API_F_##kind(o, s, member);
#define API_F_NUM(o, s, m)	cJSON_AddNumberToObject((o), #m, (double)(s)->m)
#define API_F_ID(o, s, m)	api_add_idv((o), #m, (s)->m)
#define API_F_STR(o, s, m)	api_add_str((o), #m, (s)->m)
#define API_F_BOOL(o, s, m)	cJSON_AddBoolToObject((o), #m, (s)->m)

/* The four fields that say who made a row and when (store/sql.h, DB_AUDIT_COLUMNS). */
#define API_F_AUDIT								\
	API_F(STR, created_at) API_F(STR, updated_at) API_F(ID, created_by) API_F(ID, updated_by)

/*
 * API_RENDERER(name, type, fields): static cJSON *name(struct request *, const type *s), the
 * fields (API_F lines) of *s as a new object of the arena, in their order:
 *	API_RENDERER(team_json, struct team,
 *	    API_F(NUM, id) API_F(STR, name) API_F_AUDIT)
 */
#define API_RENDERER(name, type, fields)						\
static cJSON *										\
name(struct request *req, const type *s)						\
{											\
	cJSON	*o = api_object(req);							\
											\
	fields										\
	return o;									\
}

/*
 * API_GET_BY_ID(name, type, load, json): the handler name of GET .../{id}.  It reads route
 * parameter 0 as the long long id, then runs load, an expression that reads the row of that id
 * into the type row (answering 404 when the caller may not see it) and returns an enum gh_err,
 * and answers 200 with json(req, &row) and its ETag:
 *	API_GET_BY_ID(api_team_get, struct team, team_load(req, id, 0, "teams.read", &row),
 *	    team_json)
 */
#define API_GET_BY_ID(name, type, load, json)						\
enum gh_err										\
name(struct request *req)								\
{											\
	type		 row;								\
	long long	 id;								\
	enum gh_err	 err;								\
											\
	if ((err = api_id_param(req, 0, &id)) != GH_OK || (err = (load)) != GH_OK)	\
		return err;								\
	return api_entity(req, 200, json(req, &row), NULL);				\
}

/*
 * API_HANDLER_WITH(name, fn, arg): the handler name as fn(req, arg), for routes that share one
 * function and differ only by a mode (PUT, POST and DELETE of a role's permissions).
 */
#define API_HANDLER_WITH(name, fn, arg)							\
enum gh_err										\
name(struct request *req)								\
{											\
	return fn(req, arg);								\
}

/* Whether a query flag is "true"/"false"; -1 absent, 400 naming it when neither. */
enum gh_err	 api_query_bool(struct request *, const char *name, int *out);

/*
 * The canonical form of identifier field name (valid_ident; docs/api-users.md, "Identifiers")
 * whose value is in, copied to the arena in *out.  A non-printing character, white space at
 * either end or a canonical form that fails the syntax answers 400 validation_failed naming
 * the field; why is the message for the syntax.
 */
enum gh_err	 api_ident(struct request *, const char *name, enum valid_ident_kind,
		    const char *in, const char *why, const char **out);

/* 400 validation_failed naming field name when s holds a non-printing character. */
enum gh_err	 api_printable(struct request *, const char *name, const char *s);

#define API_USERNAME_WHY	"a username has 3 to 64 letters, digits, '.', '_' or '-'"
#define API_EMAIL_WHY		"email is not a valid address"

/*
 * The fields of a user's profile that PATCH /users/{id} and PATCH /me change, with the rules of
 * docs/api-users.md: api_user_fields names them (NULL-terminated, for body_only) in this order.
 */
enum api_user_field {
	UF_USERNAME, UF_EMAIL, UF_PHONE, UF_FIRST, UF_LAST, UF_FULL, UF_IMAGE, UF__MAX
};
extern const char *const api_user_fields[UF__MAX + 1];

struct api_user_patch {
	int		 given[UF__MAX];	/* the member was sent */
	const char	*v[UF__MAX];		/* its value (canonical for identifiers), NULL = null */
};

/*
 * Read and check every field of api_user_fields the body holds into *p: lengths, printable
 * text, the identifier forms of username and email, E.164 phone numbers and image references.
 * The first bad one answers 400 validation_failed naming it.
 */
enum gh_err	 api_user_patch_parse(struct request *, struct api_user_patch *p);

/*
 * Write the given fields of p into u (null clears a name to "", phone and image to NULL) and
 * add the name of each field whose value changed to the array names.  Returns their number.
 */
size_t		 api_user_patch_apply(const struct api_user_patch *p, struct user *u, cJSON *names);

/* Send mail template name to to with vars (core/mail.h); its failure as the request's problem. */
enum gh_err	 api_mail(struct request *, const char *to, const char *name,
		    const char *const *vars);

/*
 * Re-authentication before a change of the caller's own account: whether pw, sent in field, is
 * the caller's password.  When it is not (or the account is gone), 401 invalid_credentials
 * naming field with the detail why, counted as a failure of the account and of the address
 * (lockout_failure): a stolen access token must not become an unlimited password oracle.  acct
 * gets the caller's account row.
 */
struct account;
enum gh_err	 api_reauth(struct request *, const char *field, const char *pw, const char *why,
		    struct account *acct);

/* 409 conflict naming the field (username, email, phone_number) a duplicate key of users names. */
enum gh_err	 api_user_conflict(struct request *);

#endif
