/*
 * audit.h: rows of audit_log.  Written on the request's MySQL connection, so an event recorded
 * inside a transaction commits or rolls back with the change it describes.  Read back as
 * struct audit_entry (AUDIT_COLUMNS in store/sql_settings.h) by store_audit_list, whose rows
 * belong to the arena it is given.
 */
#ifndef GH_AUDIT_H
#define GH_AUDIT_H

#include <cJSON.h>

#include "core/arena.h"
#include "core/err.h"
#include "http/request.h"
#include "store/db.h"

struct audit_event {
	long long	 actor;		/* 0 = none */
	long long	 org;		/* 0 = none */
	const char	*action;	/* e.g. "auth.login.success" */
	const char	*target_type;
	const char	*target_id;
	int		 failure;	/* outcome 'failure' when set */
	const char	*reason;
	const char	*details;	/* JSON text or NULL */
};

/* Insert the event with the request's client address and request id.  Logs and returns errors. */
enum gh_err	 audit_write(struct request *, const struct audit_event *);

/*
 * The common case: the caller (req->auth.user_id) did action, successfully, to the target of
 * type with id (none when id <= 0), in org (0 = none), with details (NULL = none).
 */
enum gh_err	 audit_change(struct request *, const char *action, const char *type, long long id,
		    long long org, const cJSON *details);

/*
 * audit_change with outcome 'failure' and reason when reason is not NULL (a refused change;
 * write it outside the transaction that was rolled back, or it goes with it).
 */
enum gh_err	 audit_refusal(struct request *, const char *action, const char *type, long long id,
		    long long org, const char *reason, const cJSON *details);

/*
 * The general case: actor (0 = none) did action to the target of type with id (none when id <=
 * 0) in org (0 = none), with details (NULL = none); outcome 'failure' with reason when reason
 * is not NULL.  The others are this with the caller, or the user, as actor.
 */
enum gh_err	 audit_by(struct request *, long long actor, long long org, const char *action,
		    const char *type, long long id, const char *reason, const cJSON *details);

/*
 * An authentication event (login, refresh, logout, lockout) of user actor (0 = unknown), who is
 * also its target, in org (0 = none): outcome 'failure' with reason when reason is not NULL.
 */
enum gh_err	 audit_auth(struct request *, long long actor, long long org, const char *action,
		    const char *reason);

DB_COL_ENUMS(audit, AUDIT_COLUMNS);

/* A recorded event, as the audit log lists it (ids of none read 0, details is JSON text). */
struct audit_entry {
	AUDIT_COLUMNS(DB_COL_MEMBER)
};

/*
 * Which events store_audit_list returns, newest first.  A text filter is NULL, a number 0, when
 * it does not apply.
 */
struct audit_filter {
	long long	 org;		/* organization_id */
	long long	 before;	/* id below this one (the page's cursor) */
	long long	 actor;		/* actor_user_id */
	const char	*action;	/* exactly */
	const char	*action_like;	/* LIKE ... ESCAPE '!' */
	const char	*target_type;
	const char	*target_id;
	const char	*from;		/* occurred_at >= (DATETIME(6) text, UTC) */
	const char	*to;		/* occurred_at < */
	const char	*outcome;	/* "success" or "failure" */
	long long	 limit;		/* rows wanted: limit + 1 are read, to tell a next page */
};

/* The events f selects, newest first: *out gets up to f->limit + 1 of them, *n how many. */
enum gh_err	 store_audit_list(struct db *, struct arena *, const struct audit_filter *f,
		    struct audit_entry **out, size_t *n);

/* o as JSON text in the request's arena; NULL for NULL. */
const char	*audit_json(struct request *, const cJSON *o);

#endif
