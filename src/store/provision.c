#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql.h>

#include "store/provision.h"

struct provision {
	MYSQL	*my;
};

/*
 * Table data, table shapes, the migrations' triggers and their procedures (which the triggers
 * call with the definer's rights), temporary tables for the migrations' fills.  No GRANT
 * OPTION, FILE, PROCESS, SUPER, EVENT, LOCK TABLES, CREATE VIEW or any global privilege.
 */
const char *const store_provision_grants =
    "SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, REFERENCES, "
    "CREATE TEMPORARY TABLES, TRIGGER, CREATE ROUTINE, ALTER ROUTINE, EXECUTE";

struct provision *
store_provision_open(const char *socket, const char *host, int port, const char *user,
    const char *password)
{
	struct provision	*p;
	unsigned int		 t = 5;

	if ((p = calloc(1, sizeof(*p))) == NULL || (p->my = mysql_init(NULL)) == NULL) {
		free(p);
		fprintf(stderr, "gatehouse: setup: out of memory\n");
		return NULL;
	}
	mysql_options(p->my, MYSQL_OPT_CONNECT_TIMEOUT, &t);
	mysql_options(p->my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	if (mysql_real_connect(p->my, socket != NULL ? "localhost" : host, user, password, NULL,
	    socket != NULL ? 0 : (unsigned int)port, socket, 0) == NULL) {
		fprintf(stderr, "gatehouse: setup: cannot connect as administrator %s to %s: %s\n",
		    user, socket != NULL ? socket : host, mysql_error(p->my));
		store_provision_close(p);
		return NULL;
	}
	return p;
}

void
store_provision_close(struct provision *p)
{
	if (p == NULL)
		return;
	mysql_close(p->my);
	free(p);
}

/* One row of integers from a prepared statement with one text parameter (or none). */
static int
ints(struct provision *p, const char *sql, const char *param, long long *out, int n)
{
	MYSQL_STMT	*st;
	MYSQL_BIND	 in[1], res[4];
	my_bool		 isnull[4];
	unsigned long	 plen;
	int		 i, rc = -1;

	if (n > 4 || (st = mysql_stmt_init(p->my)) == NULL)
		return -1;
	memset(in, 0, sizeof(in));
	memset(res, 0, sizeof(res));
	if (mysql_stmt_prepare(st, sql, strlen(sql)) != 0)
		goto out;
	if (param != NULL) {
		plen = strlen(param);
		in[0].buffer_type = MYSQL_TYPE_STRING;
		in[0].buffer = (void *)(uintptr_t)param;
		in[0].buffer_length = plen;
		in[0].length = &plen;
		if (mysql_stmt_bind_param(st, in) != 0)
			goto out;
	}
	for (i = 0; i < n; i++) {
		out[i] = 0;
		res[i].buffer_type = MYSQL_TYPE_LONGLONG;
		res[i].buffer = &out[i];
		res[i].is_null = &isnull[i];
	}
	if (mysql_stmt_execute(st) != 0 || mysql_stmt_bind_result(st, res) != 0 ||
	    mysql_stmt_fetch(st) != 0)
		goto out;
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "gatehouse: setup: %s\n", mysql_stmt_error(st));
	mysql_stmt_close(st);
	return rc;
}

int
store_provision_db_state(struct provision *p, const char *name, int *exists, long long *tables)
{
	long long	 v[1];

	if (ints(p, "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?",
	    name, v, 1) != 0)
		return -1;
	*exists = v[0] > 0;
	if (ints(p, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?",
	    name, v, 1) != 0)
		return -1;
	*tables = v[0];
	return 0;
}

int
store_provision_binlog_refuses(struct provision *p)
{
	long long	 v[2];

	if (ints(p, "SELECT @@log_bin, @@log_bin_trust_function_creators", NULL, v, 2) != 0)
		return -1;
	return v[0] != 0 && v[1] == 0;
}

static int
only(const char *s, const char *alphabet, size_t max)
{
	size_t	 n = strlen(s);

	return n > 0 && n <= max && strspn(s, alphabet) == n;
}

#define NAME_CHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"
#define HOST_CHARS	NAME_CHARS ".%-:"
#define HEX_CHARS	"0123456789abcdef"

static int
run(struct provision *p, const char *sql)
{
	if (mysql_real_query(p->my, sql, strlen(sql)) != 0) {
		fprintf(stderr, "gatehouse: setup: %s\n", mysql_error(p->my));
		return -1;
	}
	return 0;
}

int
store_provision_create(struct provision *p, const char *name, const char *user,
    const char *host, const char *password)
{
	char	 sql[1024];

	if (!only(name, NAME_CHARS, 64) || !only(user, NAME_CHARS, 80) ||
	    !only(host, HOST_CHARS, 255) || !only(password, HEX_CHARS, 128)) {
		fprintf(stderr, "gatehouse: setup: the database and user names may hold A-Z a-z 0-9 "
		    "and _ only, the host also . %% - and :\n");
		return -1;
	}
	snprintf(sql, sizeof(sql), "CREATE DATABASE IF NOT EXISTS `%s` CHARACTER SET utf8mb4 "
	    "COLLATE utf8mb4_unicode_ci", name);
	if (run(p, sql) != 0)
		return -1;
	snprintf(sql, sizeof(sql), "CREATE USER '%s'@'%s' IDENTIFIED BY '%s'", user, host,
	    password);
	if (mysql_real_query(p->my, sql, strlen(sql)) != 0) {
		fprintf(stderr, "gatehouse: setup: cannot create user '%s'@'%s': %s\n", user, host,
		    mysql_errno(p->my) == 1396 ? "it exists already (choose another --db-user, or "
		    "leave out --create-database and give its password with --db-password-file)" :
		    mysql_error(p->my));
		return -1;
	}
	snprintf(sql, sizeof(sql), "GRANT %s ON `%s`.* TO '%s'@'%s'", store_provision_grants, name,
	    user, host);
	return run(p, sql);
}

void
store_provision_drop(struct provision *p, const char *name, const char *user, const char *host,
    int database)
{
	char	 sql[512];

	if (!only(name, NAME_CHARS, 64) || !only(user, NAME_CHARS, 80) ||
	    !only(host, HOST_CHARS, 255))
		return;
	snprintf(sql, sizeof(sql), "DROP USER IF EXISTS '%s'@'%s'", user, host);
	run(p, sql);
	if (database) {
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS `%s`", name);
		run(p, sql);
	}
}
