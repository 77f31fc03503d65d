/*
 * provision.h: what `gatehouse setup` asks of a database server through an administrator's
 * connection: whether a database exists and holds tables, whether binary logging would refuse
 * the migrations' triggers, and the creation of the database and of its least-privilege user.
 *
 * The connection is the caller's (store_provision_open / _close).  Identifiers and the password
 * cannot be parameters of CREATE DATABASE, CREATE USER or GRANT: they are checked against a
 * strict alphabet here (names of [A-Za-z0-9_], a host of [A-Za-z0-9._%-], a password of hex
 * digits) before they are quoted into the statement.  Errors are said on stderr.
 */
#ifndef GH_STORE_PROVISION_H
#define GH_STORE_PROVISION_H

struct provision;

/*
 * Connect as an administrator: through socket when not NULL, else host:port; password NULL for
 * unix_socket authentication (root on Debian).  NULL after saying why.
 */
struct provision	*store_provision_open(const char *socket, const char *host, int port,
			    const char *user, const char *password);
void			 store_provision_close(struct provision *);

/* Whether database name exists (*exists) and how many tables it holds (*tables).  0 or -1. */
int	 store_provision_db_state(struct provision *, const char *name, int *exists,
	    long long *tables);

/*
 * Whether the server would refuse the migrations' CREATE TRIGGER to a user without SUPER:
 * binary logging on and log_bin_trust_function_creators off.  1, 0, or -1 on error.
 */
int	 store_provision_binlog_refuses(struct provision *);

/*
 * Create database name (utf8mb4, unless it exists: it must then be empty, which the caller
 * checked) and user@host identified by password, granted what the server and its migrations
 * need on that database and nothing else.  0, or -1 after saying why (a user that exists
 * already is refused: its password is not ours to know).
 */
int	 store_provision_create(struct provision *, const char *name, const char *user,
	    const char *host, const char *password);

/* Undo store_provision_create after a later step failed: drop the user, and the database. */
void	 store_provision_drop(struct provision *, const char *name, const char *user,
	    const char *host, int database);

/* The privileges granted on the database, as GRANT spells them (docs/running.md). */
extern const char *const store_provision_grants;

#endif
