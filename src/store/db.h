/*
 * db.h: the worker's MySQL/MariaDB connection and its prepared statements.
 *
 * One struct db per worker, connected lazily and again after the server went away.  Every query
 * is a statement of the sql_id enum (store/sql.h), prepared once per connection: no SQL is ever
 * built from input.  Results are copied into the caller's arena; nothing returned needs freeing.
 * Driver errors are logged once here and come back as an enum gh_err: a duplicate key is
 * GH_ERR_CONFLICT (db_dup_key() names the key), a lost server GH_ERR_DB_UNAVAILABLE.
 */
#ifndef GH_DB_H
#define GH_DB_H

#include <stddef.h>
#include <string.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/err.h"
#include "store/sql.h"

enum db_type {
	DBT_NULL,
	DBT_INT,
	DBT_STR,	/* text, NUL-terminated unless len is given */
	DBT_BLOB,	/* binary, len bytes */
	DBT__MAX
};

struct db_param {
	enum db_type	 type;
	long long	 i;
	const void	*p;
	size_t		 len;
};

#define DB_INT(v)	((struct db_param){ DBT_INT, (long long)(v), NULL, 0 })
#define DB_STR(s)	db_param_str(s)
#define DB_STRN(s, n)	((struct db_param){ DBT_STR, 0, (s), (n) })
#define DB_BLOB(b, n)	((struct db_param){ DBT_BLOB, 0, (b), (n) })
#define DB_NULL		((struct db_param){ DBT_NULL, 0, NULL, 0 })

/* A text parameter; NULL binds SQL NULL. */
static inline struct db_param
db_param_str(const char *s)
{
	struct db_param	 p = { s ? DBT_STR : DBT_NULL, 0, s, s ? strlen(s) : 0 };

	return p;
}

struct db_val {
	const char	*s;		/* NULL for SQL NULL; else NUL-terminated */
	size_t		 len;
};

struct db_result {
	size_t			 nrows;
	size_t			 ncols;
	struct db_val		*vals;		/* nrows x ncols */
	const char		**names;	/* column names */
	unsigned long long	 affected;
	unsigned long long	 insert_id;
};

/*
 * A keyset page of a list: the sort order (an index into the entity's list statements), the
 * cursor (has: one was given; after: the last row's id; key: its sort key, for text sorts) and
 * the rows wanted.  Stores fetch limit + 1 rows, so that the caller knows a next page exists.
 */
struct db_keyset {
	int		 sort;
	int		 has;
	long long	 after;
	const char	*key;
	long long	 limit;
};

struct db;

/* A handle for cfg (borrowed for the handle's life); no connection is made yet. */
struct db	*db_new(const struct gh_config *cfg);
void		 db_free(struct db *);

/* Connect if not connected.  GH_OK or GH_ERR_DB_UNAVAILABLE. */
enum gh_err	 db_connect(struct db *);
/* A round trip to the server, reconnecting if needed. */
enum gh_err	 db_ping(struct db *);

/*
 * Run statement id with n parameters.  With out non-NULL, rows are copied into a (may be NULL for
 * statements without a result set).  Outside a transaction a lost connection is retried once.
 */
enum gh_err	 db_exec(struct db *, struct arena *a, enum sql_id id,
		    const struct db_param *params, size_t n, struct db_result *out);

/*
 * The users whose GET /me answer may have changed (docs/tokens.md, "The cached /me"): every
 * statement that changes a user's profile, memberships or roles notes that user when it runs,
 * in a transaction or not, whatever its outcome (a note too many costs a cache miss, one too
 * few a stale answer); a change to an organization or a role notes "all".  db_changes_take
 * copies up to max noted ids into ids, sets *all when a change may touch any user or more than
 * max were noted, forgets them all and returns the count of ids.  The table of statements is
 * profile_param[] in db.c.
 */
size_t		 db_changes_take(struct db *, long long *ids, size_t max, int *all);

/*
 * Send sql, n constant statements separated by ';', in one round trip, and put each
 * statement's affected rows in affected[0..n-1].  begins 1: the batch begins a transaction (no
 * transaction may be open; a connection found dead before anything ran is re-established and
 * the batch sent once more); 0: it runs inside the open one.  On success a transaction is open
 * (db_commit, db_rollback).  The first failing statement ends the batch: its error is
 * returned, translated and logged under name, and the caller rolls back.  Multi-statements are
 * turned on for the connection at its first batch and stay on (prepared statements are single
 * statements either way).  Text SQL is parsed on every call: a prepared statement costs the
 * server less than a round trip saves (a rotation's claim, insert and link sent as one batch
 * cost MariaDB 10 to 20% more CPU than as three prepared statements).
 */
enum gh_err	 db_batch(struct db *, int begins, enum sql_id name, const char *sql,
		    size_t len, unsigned long long *affected, size_t n);

/*
 * db_begin for a transaction in READ COMMITTED (the next transaction only; one round trip):
 * its locking reads and updates lock the rows they find, not the gaps between index records,
 * so an INSERT in another transaction never waits for them.  The refresh token rotations use
 * it: with REPEATABLE READ's gap locks, a successor whose random hash fell just before the hash
 * another rotation was locking deadlocked with it.
 */
enum gh_err	 db_begin_read_committed(struct db *);

/* db_exec of a statement that reads one row: GH_ERR_NOT_FOUND when it reads none. */
enum gh_err	 db_exec_one(struct db *, struct arena *a, enum sql_id id,
		    const struct db_param *params, size_t n, struct db_result *out);

/*
 * Users and a version of each (permission_version), as a change that moved them reads them back
 * to publish them: ids[i] has version versions[i], i < n (arena).
 */
struct db_versions {
	long long	*ids;
	long long	*versions;
	size_t		 n;
};

/*
 * A parameter list written in place: DB_PARAMS(DB_INT(id), DB_STR(name)) stands for two
 * arguments of db_exec and its kin, the array and its length.  (sizeof does not evaluate.)
 */
#define DB_PARAMS(...)	((const struct db_param[]){ __VA_ARGS__ }),			\
			(sizeof((const struct db_param[]){ __VA_ARGS__ }) / sizeof(struct db_param))

/* db_exec of a statement without a result, its parameters following. */
#define DB_RUN(db, a, id, ...)	db_exec((db), (a), (id), DB_PARAMS(__VA_ARGS__), NULL)

/*
 * DB_RUN_ID(name, id): the store function enum gh_err name(struct db *, struct arena *,
 * long long v), which runs statement id with the one parameter v (DB_RUN).  Its contract is
 * declared in the entity's header, like any other.
 */
#define DB_RUN_ID(name, id)								\
enum gh_err										\
name(struct db *db, struct arena *a, long long v)					\
{											\
	return DB_RUN(db, a, (id), DB_INT(v));						\
}

/*
 * DB_GET_ID(name, type, row, get, get_lock): the store function enum gh_err name(struct db *,
 * struct arena *, long long id, int lock, type *out), which reads the row of that id into *out
 * with statement get, or get_lock (FOR UPDATE) when lock, through the DB_ROW_READER row
 * (DB_GET: GH_ERR_NOT_FOUND when there is none).
 */
#define DB_GET_ID(name, type, row, get, get_lock)					\
enum gh_err										\
name(struct db *db, struct arena *a, long long id, int lock, type *out)			\
{											\
	return DB_GET(db, a, lock ? (get_lock) : (get), row, out, DB_INT(id));		\
}

/*
 * DB_RUN_PAIR(name, id) and DB_GET_PAIR(name, type, row, id): DB_RUN_ID and DB_GET_ID for a
 * statement of two ids, bound in the order the function takes them: enum gh_err name(struct
 * db *, struct arena *, long long x, long long y), and the same with a last argument type *out
 * that gets the row (GH_ERR_NOT_FOUND when there is none).  A membership is read or ended so:
 * DB_GET_PAIR(store_team_member_get, struct team_member, member_row, SQL_TEAM_MEMBER_GET).
 */
#define DB_RUN_PAIR(name, id)								\
enum gh_err										\
name(struct db *db, struct arena *a, long long x, long long y)				\
{											\
	return DB_RUN(db, a, (id), DB_INT(x), DB_INT(y));				\
}
#define DB_GET_PAIR(name, type, row, id)						\
enum gh_err										\
name(struct db *db, struct arena *a, long long x, long long y, type *out)		\
{											\
	return DB_GET(db, a, (id), row, out, DB_INT(x), DB_INT(y));			\
}

/*
 * DB_ROWS_ID(name, type, row, id): the store function enum gh_err name(struct db *, struct
 * arena *, long long v, type **out, size_t *n), which reads every row of statement id with the
 * one parameter v (a parent's id) into an array of the arena through the DB_ROW_READER row
 * (DB_ROWS).
 */
#define DB_ROWS_ID(name, type, row, id)							\
enum gh_err										\
name(struct db *db, struct arena *a, long long v, type **out, size_t *n)		\
{											\
	return DB_ROWS(db, a, (id), row, out, n, DB_INT(v));				\
}

/*
 * DB_GET_HASH(name, type, row, get, get_lock): DB_GET_ID for a row found by the SHA-256 of a
 * token (a one-time link's): enum gh_err name(struct db *, struct arena *, const unsigned char
 * hash[32], int lock, type *out).
 */
#define DB_GET_HASH(name, type, row, get, get_lock)					\
enum gh_err										\
name(struct db *db, struct arena *a, const unsigned char hash[32], int lock, type *out)	\
{											\
	return DB_GET(db, a, lock ? (get_lock) : (get), row, out, DB_BLOB(hash, 32));	\
}

/* db_exec of an INSERT: *newid gets the row's AUTO_INCREMENT id. */
enum gh_err	 db_insert(struct db *, struct arena *a, enum sql_id id,
		    const struct db_param *params, size_t n, long long *newid);
#define DB_INSERT(db, a, id, newid, ...)						\
	db_insert((db), (a), (id), DB_PARAMS(__VA_ARGS__), (newid))

/*
 * db_exec of a statement that reads at most one integer: *v gets column 0 of row 0, or none
 * when there is no row (a missing row is not an error here).
 */
enum gh_err	 db_value(struct db *, struct arena *a, enum sql_id id,
		    const struct db_param *params, size_t n, long long none, long long *v);
#define DB_VALUE(db, a, id, none, v, ...)						\
	db_value((db), (a), (id), DB_PARAMS(__VA_ARGS__), (none), (v))

/*
 * db_exec of a statement that reads at most one text: *v gets column 0 of row 0 (in the arena;
 * NULL when it is NULL), or NULL when there is no row or on an error.
 */
enum gh_err	 db_text(struct db *, struct arena *a, enum sql_id id,
		    const struct db_param *params, size_t n, const char **v);
#define DB_TEXT(db, a, id, v, ...)							\
	db_text((db), (a), (id), DB_PARAMS(__VA_ARGS__), (v))

/* db_exec of a statement that looks for rows: *yes 1 when it reads one, else 0. */
enum gh_err	 db_exists(struct db *, struct arena *a, enum sql_id id,
		    const struct db_param *params, size_t n, int *yes);
#define DB_EXISTS(db, a, id, yes, ...)							\
	db_exists((db), (a), (id), DB_PARAMS(__VA_ARGS__), (yes))

/* db_exec of a statement without a result that must change a row: GH_ERR_NOT_FOUND if none. */
enum gh_err	 db_change(struct db *, struct arena *a, enum sql_id id,
		    const struct db_param *params, size_t n);
#define DB_CHANGE(db, a, id, ...)	db_change((db), (a), (id), DB_PARAMS(__VA_ARGS__))

/* db_exec of a statement without a result: *affected gets the rows it changed. */
enum gh_err	 db_affected(struct db *, struct arena *a, enum sql_id id,
		    const struct db_param *params, size_t n, unsigned long long *affected);
#define DB_AFFECTED(db, a, id, affected, ...)						\
	db_affected((db), (a), (id), DB_PARAMS(__VA_ARGS__), (affected))

/* db_exec of a statement that reads (user id, version) rows into *v (db_versions_of). */
enum gh_err	 db_versions(struct db *, struct arena *a, enum sql_id id,
		    const struct db_param *params, size_t n, struct db_versions *v);
#define DB_VERSIONS(db, a, id, v, ...)							\
	db_versions((db), (a), (id), DB_PARAMS(__VA_ARGS__), (v))

/* db_exec with the keyset part of a list (db_keyset_params) bound after the n parameters. */
enum gh_err	 db_exec_page(struct db *, struct arena *a, enum sql_id id,
		    const struct db_param *params, size_t n, const struct db_keyset *ks, int text,
		    struct db_result *out);

enum gh_err	 db_begin(struct db *);
/*
 * For a migration script: autocommit off until db_commit or db_rollback, so that statements
 * after a DDL statement's implicit commit still run in one transaction with what follows them
 * (the schema_migrations row).  db_begin's START TRANSACTION would end at the first DDL.
 */
enum gh_err	 db_begin_script(struct db *);
enum gh_err	 db_commit(struct db *);
/* Roll back if a transaction is open; safe to call after a failed commit. */
void		 db_rollback(struct db *);

/* Whether a transaction is open on the connection. */
int		 db_in_tx(const struct db *);

/*
 * The retry of a whole request after a transaction that Galera's certification refused (a
 * deadlock error, 1213), a node not ready (1047) or a connection lost before COMMIT: the
 * worker takes a mark before the handler runs; db_retry_ok(mark) is 1 when the last failure
 * left nothing written (the transaction was rolled back, or nothing ran) and no commit or
 * autocommitted write succeeded since the mark, so that running the handler again cannot
 * write twice.
 */
unsigned long long db_retry_mark(struct db *);
int		 db_retry_ok(const struct db *, unsigned long long mark);

/*
 * Bind the keyset part of a list statement at p: has-cursor, then the key twice when the sort
 * is by text (text), the last id, and limit + 1.  Returns how many parameters.
 */
size_t		 db_keyset_params(const struct db_keyset *, int text, struct db_param *p);

/* Rows (id, version) of r into v (in a). */
void		 db_versions_of(struct arena *, const struct db_result *r, struct db_versions *v);

/*
 * Read every row of result r into a new array of the arena: *out gets the array (one spare
 * element), *n the rows, each read by row(result, i, &(*out)[i]).
 */
#define DB_READ_ROWS(a, r, row, out, n) do {						\
	size_t	 i_;									\
											\
	*(out) = arena_alloc((a), ((r)->nrows + 1) * sizeof(**(out)));			\
	for (i_ = 0; i_ < (r)->nrows; i_++)						\
		row((r), i_, &(*(out))[i_]);						\
	*(n) = (r)->nrows;								\
} while (0)

/*
 * Run statement id with the parameters that follow and read every row (DB_READ_ROWS).
 * Evaluates to the error of db_exec.  (GNU statement expressions, as gcc and clang take them.)
 */
#define DB_ROWS(db, a, id, row, out, n, ...) __extension__ ({				\
	struct db_result r_;								\
	enum gh_err	 e_;								\
											\
	if ((e_ = db_exec((db), (a), (id), DB_PARAMS(__VA_ARGS__), &r_)) == GH_OK)	\
		DB_READ_ROWS((a), &r_, row, (out), (n));				\
	e_;										\
})

/* DB_ROWS of one keyset page (db_exec_page); text: the sort key is text. */
#define DB_PAGE(db, a, id, ks, text, row, out, n, ...) __extension__ ({		\
	struct db_result r_;								\
	enum gh_err	 e_;								\
											\
	if ((e_ = db_exec_page((db), (a), (id), DB_PARAMS(__VA_ARGS__), (ks), (text),	\
	    &r_)) == GH_OK)								\
		DB_READ_ROWS((a), &r_, row, (out), (n));				\
	e_;										\
})

/*
 * Run statement id with the parameters that follow and read its one row with row(result, 0,
 * out); GH_ERR_NOT_FOUND when it reads none.
 */
#define DB_GET(db, a, id, row, out, ...) __extension__ ({				\
	struct db_result r_;								\
	enum gh_err	 e_;								\
											\
	if ((e_ = db_exec_one((db), (a), (id), DB_PARAMS(__VA_ARGS__), &r_)) == GH_OK)	\
		row(&r_, 0, (out));							\
	e_;										\
})

/* Value accessors; row/col out of range read as NULL. */
const char	*db_str(const struct db_result *, size_t row, size_t col);
long long	 db_int(const struct db_result *, size_t row, size_t col);
int		 db_isnull(const struct db_result *, size_t row, size_t col);
size_t		 db_len(const struct db_result *, size_t row, size_t col);

/* The server error number and the key name of the last duplicate-key error ("" if none). */
unsigned int	 db_errno(const struct db *);
const char	*db_dup_key(const struct db *);

/*
 * Run a trusted multi-statement script (a migration file) on the connection.  Only the migration
 * command calls this; it never carries input from a request.
 */
enum gh_err	 db_exec_script(struct db *, const char *sql, size_t len, char *err, size_t errlen);

#endif
