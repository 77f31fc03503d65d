#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/log.h"
#include "store/db.h"

#define DB_CHANGES_MAX	16

/*
 * The statements that change what GET /me shows (the user row's profile columns, last_login
 * and email_verified_at; the memberships; the roles held; an organization's name or status; a
 * role's name): for each, 1 + the index of the parameter that holds the user's id, or ALL_USERS
 * when it may change any user's answer.  db_exec notes them for db_changes_take.
 */
#define ALL_USERS	-1
static const signed char profile_param[SQL__MAX] = {
	[SQL_USER_LOGIN_OK] = 1,		/* last_login */
	[SQL_EV_CONFIRM] = 2,
	[SQL_EV_UNVERIFY] = 1,
	[SQL_EV_PROVEN] = 1,
	[SQL_INV_USER_CLAIM] = 8,
	[SQL_INV_MEMBERSHIP_ADD] = 1,
	[SQL_ORG_MEMBER_INSERT] = 1,
	[SQL_ORG_PRIMARY_CLEAR] = 1,
	[SQL_ORG_PRIMARY_SET] = 1,
	[SQL_ORG_MEMBER_STATUS] = 3,
	[SQL_ORG_MEMBER_DEL] = 1,
	[SQL_ORG_MEMBER_ROLES_DEL] = 1,
	[SQL_USER_JOIN_ORG] = 1,
	[SQL_USER_UPDATE] = 9,
	[SQL_USER_SCRUB] = 2,
	[SQL_USER_DROP_MEMBERSHIPS] = 1,
	[SQL_USER_DROP_ROLES] = 1,
	[SQL_USER_GRANT] = 1,
	[SQL_UR_ADD] = 1,
	[SQL_UR_DEL] = 1,
	[SQL_UR_CLEAR_ORG] = 1,
	[SQL_ADMIN_ROLE_GRANT] = 1,
	[SQL_MIG_IDENT_SET_USERNAME] = 2,
	[SQL_MIG_IDENT_SET_EMAIL] = 2,
	[SQL_ORG_UPDATE] = ALL_USERS,		/* name, status */
	[SQL_ORG_DELETE] = ALL_USERS,		/* memberships and roles go with it */
	[SQL_ROLE_UPDATE] = ALL_USERS,		/* a role's name */
	[SQL_ROLE_DELETE] = ALL_USERS,
};

struct db {
	const struct gh_config	*cfg;
	MYSQL			*my;
	MYSQL_STMT		*stmts[SQL__MAX];
	int			 in_tx;
	int			 ac_off;	/* db_begin_script: autocommit off until the end */
	unsigned int		 last_errno;
	char			 dup_key[128];
	long long		 changed[DB_CHANGES_MAX];	/* db_changes_take */
	size_t			 nchanged;
	int			 changed_all;
	int			 multi_on;	/* multi-statements turned on (db_batch) */

	/* db_hosts: the servers, and the one connected to (index), for the log */
	struct config_host	 hosts[CONFIG_MAXHOSTS];
	int			 nhosts;
	int			 host;
	/* db_retry_*: commits and autocommitted writes; whether the last failure may run again */
	unsigned long long	 writes;
	int			 retry;
	int			 committing;
};

struct db *
db_new(const struct gh_config *cfg)
{
	struct db	*db;

	if ((db = calloc(1, sizeof(*db))) == NULL)
		return NULL;
	db->cfg = cfg;
	if (cfg->db_hosts != NULL &&
	    (db->nhosts = config_hosts(cfg->db_hosts, 3306, db->hosts, CONFIG_MAXHOSTS)) < 0)
		db->nhosts = 0;		/* config_load refused it already */
	db->host = -1;
	return db;
}

static void
disconnect(struct db *db)
{
	size_t	 i;

	for (i = 0; i < SQL__MAX; i++)
		if (db->stmts[i] != NULL) {
			mysql_stmt_close(db->stmts[i]);
			db->stmts[i] = NULL;
		}
	if (db->my != NULL) {
		mysql_close(db->my);
		db->my = NULL;
	}
	db->in_tx = 0;
	db->multi_on = 0;
}

void
db_free(struct db *db)
{
	if (db == NULL)
		return;
	disconnect(db);
	free(db);
}

/*
 * The connection is lost or useless: ER_UNKNOWN_COM_ERROR (1047) is what a Galera node that
 * left the primary component (or has not joined it yet) answers to everything, "WSREP has not
 * yet prepared node for application use"; the next connection goes to another node.
 */
static int
gone(unsigned int e)
{
	return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST || e == CR_CONNECTION_ERROR ||
	    e == CR_CONN_HOST_ERROR || e == CR_SERVER_LOST_EXTENDED || e == CR_COMMANDS_OUT_OF_SYNC ||
	    e == ER_CONNECTION_KILLED || e == ER_SERVER_SHUTDOWN || e == ER_UNKNOWN_COM_ERROR;
}

/*
 * Whether a Galera node can take work: not a Galera node (wsrep_on off, or the variable unknown
 * on another server), or one in the Synced state.  A joiner, a donor blocked by its state
 * transfer or a node outside the primary component is skipped.  A Galera connection gets
 * causal reads (wsrep_sync_wait).
 */
static int
node_ready(MYSQL *my, char *why, size_t whysz)
{
	static const char	 q[] = "SELECT @@global.wsrep_on, (SELECT VARIABLE_VALUE FROM "
				    "information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = "
				    "'WSREP_LOCAL_STATE_COMMENT')";
	static const char	 sync_wait[] = "SET SESSION wsrep_sync_wait = 1";
	MYSQL_RES		*res;
	MYSQL_ROW		 row;
	int			 ok = 1, galera = 0;

	if (mysql_real_query(my, q, sizeof(q) - 1) != 0 || (res = mysql_store_result(my)) == NULL)
		return mysql_errno(my) == ER_UNKNOWN_SYSTEM_VARIABLE;
	if ((row = mysql_fetch_row(res)) != NULL && row[0] != NULL && strcmp(row[0], "1") == 0) {
		galera = 1;
		if (row[1] == NULL || strcmp(row[1], "Synced") != 0) {
			snprintf(why, whysz, "the Galera node is %s, not Synced",
			    row[1] != NULL ? row[1] : "in no state");
			ok = 0;
		}
	}
	mysql_free_result(res);
	/*
	 * Read what any node committed before the read began (causal reads): a node applies the
	 * others' commits a little after they return, and Gatehouse reads what another request,
	 * on another host perhaps written through another node, has just written (a login reads
	 * the permission_version a revocation bumped).  Costs one cluster round trip per read.
	 */
	if (ok && galera && mysql_real_query(my, sync_wait, sizeof(sync_wait) - 1) != 0) {
		snprintf(why, whysz, "SET wsrep_sync_wait: %s", mysql_error(my));
		ok = 0;
	}
	return ok;
}

/* One connection attempt to host:port (NULL host: the configured db_host or db_socket). */
static MYSQL *
connect_one(struct db *db, const char *host, unsigned int port, const char *pw)
{
	const struct gh_config	*c = db->cfg;

	if (host != NULL)
		return mysql_real_connect(db->my, host, c->db_user, pw, c->db_name, port, NULL, 0);
	return mysql_real_connect(db->my, c->db_socket ? NULL : c->db_host, c->db_user, pw,
	    c->db_name, c->db_socket ? 0 : (unsigned int)c->db_port, c->db_socket, 0);
}

/* A handle with the options every connection has; NULL when out of memory. */
static MYSQL *
handle(const struct gh_config *c)
{
	MYSQL		*my;
	unsigned int	 t;
	my_bool		 off = 0;

	if ((my = mysql_init(NULL)) == NULL)
		return NULL;
	t = (unsigned int)c->db_connect_timeout;
	mysql_options(my, MYSQL_OPT_CONNECT_TIMEOUT, &t);
	/* 0 (the migrate command): none. */
	if ((t = (unsigned int)c->db_rw_timeout) > 0) {
		mysql_options(my, MYSQL_OPT_READ_TIMEOUT, &t);
		mysql_options(my, MYSQL_OPT_WRITE_TIMEOUT, &t);
	}
	mysql_options(my, MYSQL_OPT_RECONNECT, &off);
	mysql_options(my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(my, MYSQL_INIT_COMMAND,
	    "SET time_zone = '+00:00', group_concat_max_len = 1048576,"
	    " sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,"
	    "NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'");
	return my;
}

/*
 * Connect if not connected: to db_host (or db_socket), or to the first of db_hosts, in order,
 * that accepts the connection and is ready (node_ready).  Every connection starts from the
 * first, so that all workers of all hosts write through one node while it lives (fewer
 * certification conflicts) and go back to it once it is back and they reconnect.
 */
enum gh_err
db_connect(struct db *db)
{
	const struct gh_config	*c = db->cfg;
	char			*pw = NULL, err[256], why[256];
	int			 i, n = db->nhosts > 0 ? db->nhosts : 1;

	if (db->my != NULL)
		return GH_OK;
	if (c->db_password_file != NULL &&
	    (pw = config_read_secret(c->db_password_file, NULL, err, sizeof(err))) == NULL) {
		log_error("db: %s", err);
		return GH_ERR_DB_UNAVAILABLE;
	}
	for (i = 0; i < n; i++) {
		if ((db->my = handle(c)) == NULL) {
			config_secret_free(pw);
			return GH_ERR_INTERNAL;
		}
		if (connect_one(db, db->nhosts > 0 ? db->hosts[i].host : NULL,
		    db->nhosts > 0 ? (unsigned int)db->hosts[i].port : 0, pw) == NULL) {
			db->last_errno = mysql_errno(db->my);
			if (db->nhosts > 0)
				log_error("db: connect %s:%d: %s", db->hosts[i].host,
				    db->hosts[i].port, mysql_error(db->my));
			else
				log_error("db: connect: %s", mysql_error(db->my));
			disconnect(db);
			continue;
		}
		if (db->nhosts > 0 && !node_ready(db->my, why, sizeof(why))) {
			log_error("db: %s:%d skipped: %s", db->hosts[i].host, db->hosts[i].port,
			    why);
			db->last_errno = ER_UNKNOWN_COM_ERROR;
			disconnect(db);
			continue;
		}
		if (db->nhosts > 0 && db->host != i) {
			if (db->host >= 0)
				log_info("db: connected to %s:%d", db->hosts[i].host,
				    db->hosts[i].port);
			db->host = i;
		}
		config_secret_free(pw);
		return GH_OK;
	}
	config_secret_free(pw);
	return GH_ERR_DB_UNAVAILABLE;
}

static enum gh_err
translate(struct db *db, unsigned int e, const char *msg, enum sql_id id)
{
	const char	*k, *q;

	db->last_errno = e;
	db->dup_key[0] = '\0';
	/*
	 * Whether the whole request may run again (db_retry_ok): a deadlock or a Galera
	 * certification conflict (1213) rolled the transaction back; a node not ready (1047)
	 * ran nothing; a connection lost inside a transaction, before its COMMIT was sent, lost
	 * the transaction with it, and one lost outside a transaction during a read changed
	 * nothing.  A connection lost during a COMMIT or an autocommitted write may have written.
	 */
	db->retry = e == ER_LOCK_DEADLOCK || e == ER_UNKNOWN_COM_ERROR ||
	    (gone(e) && !db->committing && (db->in_tx ||
	    strncmp(sql_text[id], "SELECT", 6) == 0));
	switch (e) {
	case ER_DUP_ENTRY:
		/* "Duplicate entry 'x' for key 'users.uq_email'": keep the key name. */
		if ((k = strstr(msg, "for key '")) != NULL) {
			k += 9;
			if ((q = strchr(k, '\'')) != NULL && (size_t)(q - k) < sizeof(db->dup_key)) {
				memcpy(db->dup_key, k, (size_t)(q - k));
				db->dup_key[q - k] = '\0';
			}
		}
		return GH_ERR_CONFLICT;
	case ER_ROW_IS_REFERENCED:
	case ER_ROW_IS_REFERENCED_2:
		return GH_ERR_CONFLICT;
	case ER_NO_REFERENCED_ROW:
	case ER_NO_REFERENCED_ROW_2:
		return GH_ERR_VALIDATION;
	case ER_LOCK_DEADLOCK:
	case ER_LOCK_WAIT_TIMEOUT:
		log_warn("db: %s: %s", sql_name[id], msg);
		return GH_ERR_DB_UNAVAILABLE;
	case ER_UNKNOWN_COM_ERROR:
		log_error("db: %s: %s", sql_name[id], msg);
		return GH_ERR_DB_UNAVAILABLE;
	default:
		break;
	}
	if (gone(e)) {
		log_error("db: %s: %s", sql_name[id], msg);
		return GH_ERR_DB_UNAVAILABLE;
	}
	log_error("db: %s: error %u: %s", sql_name[id], e, msg);
	return GH_ERR_INTERNAL;
}

static MYSQL_STMT *
prepare(struct db *db, enum sql_id id, enum gh_err *err)
{
	MYSQL_STMT	*st;
	my_bool		 on = 1;

	if (db->stmts[id] != NULL)
		return db->stmts[id];
	if ((st = mysql_stmt_init(db->my)) == NULL) {
		*err = GH_ERR_INTERNAL;
		return NULL;
	}
	if (mysql_stmt_prepare(st, sql_text[id], strlen(sql_text[id])) != 0) {
		*err = translate(db, mysql_stmt_errno(st), mysql_stmt_error(st), id);
		mysql_stmt_close(st);
		return NULL;
	}
	mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &on);
	db->stmts[id] = st;
	return st;
}

static enum gh_err
fetch(struct db *db, MYSQL_STMT *st, struct arena *a, enum sql_id id, struct db_result *out)
{
	MYSQL_RES	*meta;
	MYSQL_FIELD	*f;
	MYSQL_BIND	*b;
	unsigned long	*lens;
	my_bool		*nulls;
	size_t		 ncols, i, r;
	int		 rc;
	enum gh_err	 err = GH_OK;

	if ((meta = mysql_stmt_result_metadata(st)) == NULL)
		return GH_OK;
	if (mysql_stmt_store_result(st) != 0) {
		mysql_free_result(meta);
		return translate(db, mysql_stmt_errno(st), mysql_stmt_error(st), id);
	}
	ncols = mysql_num_fields(meta);
	f = mysql_fetch_fields(meta);
	out->ncols = ncols;
	out->nrows = (size_t)mysql_stmt_num_rows(st);
	out->names = arena_alloc(a, ncols * sizeof(*out->names));
	out->vals = arena_calloc(a, (out->nrows ? out->nrows : 1) * ncols * sizeof(*out->vals));
	b = arena_calloc(a, ncols * sizeof(*b));
	lens = arena_calloc(a, ncols * sizeof(*lens));
	nulls = arena_calloc(a, ncols * sizeof(*nulls));
	for (i = 0; i < ncols; i++) {
		out->names[i] = arena_strdup(a, f[i].name);
		b[i].buffer_type = MYSQL_TYPE_STRING;
		b[i].buffer_length = f[i].max_length + 1;
		b[i].buffer = arena_alloc(a, b[i].buffer_length);
		b[i].length = &lens[i];
		b[i].is_null = &nulls[i];
	}
	if (mysql_stmt_bind_result(st, b) != 0) {
		err = translate(db, mysql_stmt_errno(st), mysql_stmt_error(st), id);
		goto done;
	}
	for (r = 0; r < out->nrows; r++) {
		rc = mysql_stmt_fetch(st);
		if (rc == 1 || rc == MYSQL_NO_DATA) {
			if (rc == 1)
				err = translate(db, mysql_stmt_errno(st), mysql_stmt_error(st), id);
			out->nrows = r;
			break;
		}
		for (i = 0; i < ncols; i++) {
			struct db_val *v = &out->vals[r * ncols + i];
			if (nulls[i])
				continue;
			v->len = lens[i];
			v->s = arena_strndup(a, b[i].buffer, lens[i]);
		}
	}
done:
	mysql_free_result(meta);
	mysql_stmt_free_result(st);
	return err;
}

static enum gh_err
exec_once(struct db *db, struct arena *a, enum sql_id id, const struct db_param *p, size_t n,
    struct db_result *out)
{
	MYSQL_STMT	*st;
	MYSQL_BIND	 b[32];
	my_bool		 isnull = 1;
	enum gh_err	 err = GH_OK;
	size_t		 i;

	if ((err = db_connect(db)) != GH_OK)
		return err;
	if ((st = prepare(db, id, &err)) == NULL)
		return err;
	if (n > sizeof(b) / sizeof(b[0]) || n != mysql_stmt_param_count(st)) {
		log_error("db: %s: %zu parameters given, %lu expected", sql_name[id], n,
		    mysql_stmt_param_count(st));
		return GH_ERR_INTERNAL;
	}
	memset(b, 0, sizeof(b));
	for (i = 0; i < n; i++) {
		switch (p[i].type) {
		case DBT_INT:
			b[i].buffer_type = MYSQL_TYPE_LONGLONG;
			b[i].buffer = (void *)&p[i].i;
			break;
		case DBT_STR:
			b[i].buffer_type = MYSQL_TYPE_STRING;
			b[i].buffer = (void *)p[i].p;
			b[i].buffer_length = p[i].len;
			break;
		case DBT_BLOB:
			b[i].buffer_type = MYSQL_TYPE_BLOB;
			b[i].buffer = (void *)p[i].p;
			b[i].buffer_length = p[i].len;
			break;
		default:
			b[i].buffer_type = MYSQL_TYPE_NULL;
			b[i].is_null = &isnull;
			break;
		}
	}
	if (n > 0 && mysql_stmt_bind_param(st, b) != 0)
		return translate(db, mysql_stmt_errno(st), mysql_stmt_error(st), id);
	if (mysql_stmt_execute(st) != 0)
		return translate(db, mysql_stmt_errno(st), mysql_stmt_error(st), id);
	if (!db->in_tx && strncmp(sql_text[id], "SELECT", 6) != 0)
		db->writes++;
	if (out != NULL) {
		memset(out, 0, sizeof(*out));
		out->affected = mysql_stmt_affected_rows(st);
		out->insert_id = mysql_stmt_insert_id(st);
	}
	if (out != NULL && a != NULL)
		err = fetch(db, st, a, id, out);
	else if (mysql_stmt_field_count(st) > 0) {
		/* Nobody wants the rows: read and drop them so the connection stays in sync. */
		mysql_stmt_store_result(st);
		mysql_stmt_free_result(st);
	}
	/* A CALL answers its result sets, then its status: read what is left. */
	while (mysql_stmt_more_results(st) && mysql_stmt_next_result(st) == 0)
		if (mysql_stmt_field_count(st) > 0) {
			mysql_stmt_store_result(st);
			mysql_stmt_free_result(st);
		}
	return err;
}

/* Note the user statement id changes for db_changes_take (before it runs: it may run and fail). */
static void
note_change(struct db *db, enum sql_id id, const struct db_param *p, size_t n)
{
	int	 k = profile_param[id];
	size_t	 i;

	if (k == 0)
		return;
	if (k == ALL_USERS || (size_t)(k - 1) >= n || p[k - 1].type != DBT_INT) {
		db->changed_all = 1;
		return;
	}
	for (i = 0; i < db->nchanged; i++)
		if (db->changed[i] == p[k - 1].i)
			return;
	if (db->nchanged == DB_CHANGES_MAX)
		db->changed_all = 1;
	else
		db->changed[db->nchanged++] = p[k - 1].i;
}

size_t
db_changes_take(struct db *db, long long *ids, size_t max, int *all)
{
	size_t	 n = db->nchanged < max ? db->nchanged : max;

	memcpy(ids, db->changed, n * sizeof(*ids));
	*all = db->changed_all || db->nchanged > max;
	db->nchanged = 0;
	db->changed_all = 0;
	return n;
}

enum gh_err
db_exec(struct db *db, struct arena *a, enum sql_id id, const struct db_param *p, size_t n,
    struct db_result *out)
{
	enum gh_err	 err;

	note_change(db, id, p, n);
	err = exec_once(db, a, id, p, n, out);
	if (err == GH_ERR_DB_UNAVAILABLE && !db->in_tx && (db->last_errno == CR_SERVER_GONE_ERROR ||
	    db->last_errno == CR_CONNECTION_ERROR || db->last_errno == CR_CONN_HOST_ERROR ||
	    db->last_errno == ER_UNKNOWN_COM_ERROR)) {
		/*
		 * The connection was dead before the statement went out (the server restarted
		 * between requests): reconnect and try once more.  A connection lost during a
		 * statement (CR_SERVER_LOST) is not retried: it may have run.  A Galera node that
		 * is not ready (1047) ran nothing either: the next connection goes to another.
		 */
		disconnect(db);
		err = exec_once(db, a, id, p, n, out);
	}
	if (err == GH_ERR_DB_UNAVAILABLE && gone(db->last_errno))
		disconnect(db);
	return err;
}

enum gh_err
db_ping(struct db *db)
{
	struct db_result	 r;

	return db_exec(db, NULL, SQL_PING, NULL, 0, &r);
}

enum gh_err
db_begin(struct db *db)
{
	enum gh_err	 err;

	if ((err = db_connect(db)) != GH_OK)
		return err;
	/*
	 * START TRANSACTION, not autocommit off: the session stays in autocommit mode, so COMMIT
	 * or ROLLBACK ends the transaction without a third round trip to turn autocommit back on.
	 */
	if (mysql_real_query(db->my, "START TRANSACTION", 17) != 0) {
		/* A dead connection shows here first; one reconnect is safe before any work. */
		disconnect(db);
		if ((err = db_connect(db)) != GH_OK)
			return err;
		if (mysql_real_query(db->my, "START TRANSACTION", 17) != 0)
			return translate(db, mysql_errno(db->my), mysql_error(db->my), SQL_PING);
	}
	db->in_tx = 1;
	return GH_OK;
}

enum gh_err
db_begin_script(struct db *db)
{
	enum gh_err	 err;

	if ((err = db_connect(db)) != GH_OK)
		return err;
	if (mysql_autocommit(db->my, 0) != 0)
		return translate(db, mysql_errno(db->my), mysql_error(db->my), SQL_PING);
	db->in_tx = 1;
	db->ac_off = 1;
	return GH_OK;
}

enum gh_err
db_commit(struct db *db)
{
	enum gh_err	 err = GH_OK;

	if (db->my == NULL || !db->in_tx)
		return GH_ERR_DB_UNAVAILABLE;
	db->committing = 1;
	if (mysql_commit(db->my) != 0)
		err = translate(db, mysql_errno(db->my), mysql_error(db->my), SQL_PING);
	else
		db->writes++;
	db->committing = 0;
	if (err != GH_OK && gone(db->last_errno)) {
		/* The transaction is over either way; a later statement reconnects. */
		disconnect(db);
		return err;
	}
	if (db->ac_off && db->my != NULL && mysql_autocommit(db->my, 1) != 0)
		disconnect(db);
	db->in_tx = 0;
	db->ac_off = 0;
	return err;
}

void
db_rollback(struct db *db)
{
	if (db->my == NULL || !db->in_tx)
		return;
	if (mysql_rollback(db->my) != 0 || (db->ac_off && mysql_autocommit(db->my, 1) != 0))
		disconnect(db);
	db->in_tx = 0;
	db->ac_off = 0;
}

static const struct db_val *
val(const struct db_result *r, size_t row, size_t col)
{
	if (r == NULL || row >= r->nrows || col >= r->ncols)
		return NULL;
	return &r->vals[row * r->ncols + col];
}

const char *
db_str(const struct db_result *r, size_t row, size_t col)
{
	const struct db_val	*v = val(r, row, col);

	return v ? v->s : NULL;
}

long long
db_int(const struct db_result *r, size_t row, size_t col)
{
	const char	*s = db_str(r, row, col);

	return s ? strtoll(s, NULL, 10) : 0;
}

int
db_isnull(const struct db_result *r, size_t row, size_t col)
{
	return db_str(r, row, col) == NULL;
}

unsigned int
db_errno(const struct db *db)
{
	return db->last_errno;
}

const char *
db_dup_key(const struct db *db)
{
	return db->dup_key;
}

enum gh_err
db_exec_script(struct db *db, const char *sql, size_t len, char *err, size_t el)
{
	MYSQL_RES	*res;
	int		 status;
	enum gh_err	 e;

	if ((e = db_connect(db)) != GH_OK) {
		snprintf(err, el, "cannot connect to the database");
		return e;
	}
	if (mysql_set_server_option(db->my, MYSQL_OPTION_MULTI_STATEMENTS_ON) != 0) {
		snprintf(err, el, "%s", mysql_error(db->my));
		return GH_ERR_INTERNAL;
	}
	status = mysql_real_query(db->my, sql, (unsigned long)len);
	for (;;) {
		if (status != 0) {
			snprintf(err, el, "error %u: %s", mysql_errno(db->my), mysql_error(db->my));
			/* Drain whatever is left so the connection stays usable. */
			while (mysql_more_results(db->my) && mysql_next_result(db->my) == 0)
				if ((res = mysql_store_result(db->my)) != NULL)
					mysql_free_result(res);
			mysql_set_server_option(db->my, MYSQL_OPTION_MULTI_STATEMENTS_OFF);
			db->multi_on = 0;
			return GH_ERR_INTERNAL;
		}
		if ((res = mysql_store_result(db->my)) != NULL)
			mysql_free_result(res);
		if (!mysql_more_results(db->my))
			break;
		status = mysql_next_result(db->my);
		if (status == -1)
			break;
	}
	mysql_set_server_option(db->my, MYSQL_OPTION_MULTI_STATEMENTS_OFF);
	db->multi_on = 0;
	return GH_OK;
}

/* Read and free what is left of a multi-statement answer, so that the connection stays usable. */
static void
drain_results(struct db *db)
{
	MYSQL_RES	*res;

	while (mysql_more_results(db->my) && mysql_next_result(db->my) == 0)
		if ((res = mysql_store_result(db->my)) != NULL)
			mysql_free_result(res);
}

enum gh_err
db_batch(struct db *db, int begins, enum sql_id name, const char *sql, size_t len,
    unsigned long long *affected, size_t n)
{
	MYSQL_RES	*res;
	enum gh_err	 err;
	unsigned int	 e;
	size_t		 i = 0;
	int		 status, tries = begins ? 0 : 1;

	if (db->in_tx == begins)
		return GH_ERR_INTERNAL;
again:
	if ((err = db_connect(db)) != GH_OK)
		return err;
	if (!db->multi_on) {
		/* Once per connection; prepared statements are single statements either way. */
		if (mysql_set_server_option(db->my, MYSQL_OPTION_MULTI_STATEMENTS_ON) != 0) {
			err = translate(db, mysql_errno(db->my), mysql_error(db->my), name);
			if (gone(db->last_errno))
				disconnect(db);
			return err;
		}
		db->multi_on = 1;
	}
	status = mysql_real_query(db->my, sql, (unsigned long)len);
	if (status == 0)
		db->in_tx = 1;	/* begun by its first statement, or already: commit or roll back */
	for (;;) {
		if (status > 0 || (status != 0 && i == 0)) {
			e = mysql_errno(db->my);
			if (i == 0 && tries++ == 0 && (e == CR_SERVER_GONE_ERROR ||
			    e == CR_CONNECTION_ERROR || e == CR_CONN_HOST_ERROR)) {
				/* Dead before anything ran (a restarted server): once more. */
				disconnect(db);
				goto again;
			}
			err = translate(db, e, mysql_error(db->my), name);
			if (gone(db->last_errno))
				disconnect(db);
			else
				drain_results(db);
			return err;
		}
		if ((res = mysql_store_result(db->my)) != NULL)
			mysql_free_result(res);
		else if (i < n)
			affected[i] = mysql_affected_rows(db->my);
		i++;
		if (!mysql_more_results(db->my))
			break;
		if ((status = mysql_next_result(db->my)) == -1)
			break;
	}
	return i == n ? GH_OK : GH_ERR_INTERNAL;
}

enum gh_err
db_begin_read_committed(struct db *db)
{
	static const char	 sql[] = "SET TRANSACTION ISOLATION LEVEL READ COMMITTED;"
				    "START TRANSACTION";
	unsigned long long	 aff[2];

	return db_batch(db, 1, SQL_PING, sql, sizeof(sql) - 1, aff, 2);
}

size_t
db_len(const struct db_result *r, size_t row, size_t col)
{
	const struct db_val	*v = val(r, row, col);

	return v && v->s ? v->len : 0;
}

int
db_in_tx(const struct db *db)
{
	return db->in_tx;
}

unsigned long long
db_retry_mark(struct db *db)
{
	db->retry = 0;
	return db->writes;
}

int
db_retry_ok(const struct db *db, unsigned long long mark)
{
	return db->retry && db->writes == mark;
}

size_t
db_keyset_params(const struct db_keyset *ks, int text, struct db_param *p)
{
	size_t	 n = 0;

	p[n++] = DB_INT(ks->has);
	if (text) {
		p[n++] = DB_STR(ks->key ? ks->key : "");
		p[n++] = DB_STR(ks->key ? ks->key : "");
	}
	p[n++] = DB_INT(ks->after);
	p[n++] = DB_INT(ks->limit + 1);
	return n;
}

void
db_versions_of(struct arena *a, const struct db_result *r, struct db_versions *v)
{
	size_t	 i;

	v->ids = arena_alloc(a, (r->nrows + 1) * sizeof(*v->ids));
	v->versions = arena_alloc(a, (r->nrows + 1) * sizeof(*v->versions));
	for (i = 0; i < r->nrows; i++) {
		v->ids[i] = db_int(r, i, 0);
		v->versions[i] = db_int(r, i, 1);
	}
	v->n = r->nrows;
}

enum gh_err
db_exec_one(struct db *db, struct arena *a, enum sql_id id, const struct db_param *params,
    size_t n, struct db_result *out)
{
	enum gh_err	 err;

	if ((err = db_exec(db, a, id, params, n, out)) != GH_OK)
		return err;
	return out->nrows == 0 ? GH_ERR_NOT_FOUND : GH_OK;
}

enum gh_err
db_insert(struct db *db, struct arena *a, enum sql_id id, const struct db_param *params,
    size_t n, long long *newid)
{
	struct db_result r;
	enum gh_err	 err;

	if ((err = db_exec(db, a, id, params, n, &r)) == GH_OK)
		*newid = (long long)r.insert_id;
	return err;
}

enum gh_err
db_value(struct db *db, struct arena *a, enum sql_id id, const struct db_param *params,
    size_t n, long long none, long long *v)
{
	struct db_result r;
	enum gh_err	 err;

	if ((err = db_exec(db, a, id, params, n, &r)) == GH_OK)
		*v = r.nrows > 0 ? db_int(&r, 0, 0) : none;
	return err;
}

enum gh_err
db_text(struct db *db, struct arena *a, enum sql_id id, const struct db_param *params,
    size_t n, const char **v)
{
	struct db_result r;
	enum gh_err	 err;

	*v = NULL;
	if ((err = db_exec(db, a, id, params, n, &r)) == GH_OK && r.nrows > 0)
		*v = db_str(&r, 0, 0);
	return err;
}

enum gh_err
db_exists(struct db *db, struct arena *a, enum sql_id id, const struct db_param *params,
    size_t n, int *yes)
{
	struct db_result r;
	enum gh_err	 err;

	*yes = 0;
	if ((err = db_exec(db, a, id, params, n, &r)) == GH_OK)
		*yes = r.nrows > 0;
	return err;
}

enum gh_err
db_change(struct db *db, struct arena *a, enum sql_id id, const struct db_param *params,
    size_t n)
{
	struct db_result r;
	enum gh_err	 err;

	if ((err = db_exec(db, a, id, params, n, &r)) != GH_OK)
		return err;
	return r.affected == 0 ? GH_ERR_NOT_FOUND : GH_OK;
}

enum gh_err
db_affected(struct db *db, struct arena *a, enum sql_id id, const struct db_param *params,
    size_t n, unsigned long long *affected)
{
	struct db_result r;
	enum gh_err	 err;

	if ((err = db_exec(db, a, id, params, n, &r)) == GH_OK)
		*affected = r.affected;
	return err;
}

enum gh_err
db_versions(struct db *db, struct arena *a, enum sql_id id, const struct db_param *params,
    size_t n, struct db_versions *v)
{
	struct db_result r;
	enum gh_err	 err;

	if ((err = db_exec(db, a, id, params, n, &r)) == GH_OK)
		db_versions_of(a, &r, v);
	return err;
}

enum gh_err
db_exec_page(struct db *db, struct arena *a, enum sql_id id, const struct db_param *params,
    size_t n, const struct db_keyset *ks, int text, struct db_result *out)
{
	struct db_param	 p[24];

	if (n + 4 > sizeof(p) / sizeof(p[0]))
		return GH_ERR_INTERNAL;
	memcpy(p, params, n * sizeof(*p));
	n += db_keyset_params(ks, text, p + n);
	return db_exec(db, a, id, p, n, out);
}
