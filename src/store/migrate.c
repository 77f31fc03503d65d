#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/valid.h"
#include "store/db.h"
#include "store/migrate.h"

struct mfile {
	unsigned int	 version;
	char		 name[256];
	char		 sum[65];
	char		*text;
	size_t		 len;
};

/*
 * The second half of sql/0014_identifiers.sql: each row whose username or email is still not
 * in canonical form (non-ASCII, or skipped by the file's UPDATE IGNORE) gets the form
 * valid_ident computes; one that collides with another row's or has none is left and printed.
 * 0 on success, -1 when the database fails (the migration is then rolled back).
 */
static int
mig_identifiers(struct db *db, struct arena *a)
{
	static const struct {
		const char		*name;
		enum valid_ident_kind	 kind;
		size_t			 col;
		enum sql_id		 set;
	} f[] = {
		{ "username", VALID_USERNAME, 1, SQL_MIG_IDENT_SET_USERNAME },
		{ "email", VALID_EMAIL, 2, SQL_MIG_IDENT_SET_EMAIL },
	};
	struct db_result	 r;
	struct db_param		 p[2];
	char			 canon[VALID_IDENT_SIZE];
	const char		*v, *t;
	enum valid_ident_res	 res;
	enum gh_err		 err;
	size_t			 i, k, n;
	long long		 id;

	if (db_exec(db, a, SQL_MIG_IDENT_ROWS, NULL, 0, &r) != GH_OK)
		return -1;
	for (i = 0; i < r.nrows; i++) {
		id = db_int(&r, i, 0);
		for (k = 0; k < sizeof(f) / sizeof(f[0]); k++) {
			v = db_str(&r, i, f[k].col);
			/* The spaces at the ends go, as the file's TRIM takes them. */
			for (t = v; *t == ' '; t++)
				;
			n = strlen(t);
			while (n > 0 && t[n - 1] == ' ')
				n--;
			res = valid_ident(f[k].kind, arena_strndup(a, t, n), canon, sizeof(canon));
			if (res > IDENT_MAPPED) {
				fprintf(stderr, "gatehouse: migrate: 0014: user %lld: %s '%s' has no "
				    "valid form; left as it is\n", id, f[k].name, v);
				continue;
			}
			if (strcmp(canon, v) == 0)
				continue;
			p[0] = DB_STR(canon);
			p[1] = DB_INT(id);
			if ((err = db_exec(db, a, f[k].set, p, 2, NULL)) == GH_ERR_CONFLICT)
				fprintf(stderr, "gatehouse: migrate: 0014: user %lld: %s '%s' left as "
				    "it is: its form '%s' belongs to another user\n", id, f[k].name, v,
				    canon);
			else if (err != GH_OK)
				return -1;
		}
	}
	return 0;
}

/* Steps in C that run after a migration's file, in its transaction. */
static const struct {
	unsigned int	 version;
	int		(*fn)(struct db *, struct arena *);
} steps[] = {
	{ 14, mig_identifiers },
};

/* Whether text holds a CREATE TRIGGER (any case, any spacing between the two words). */
static int
has_trigger(const char *text)
{
	const char	*p, *q;

	for (p = text; (p = strcasestr(p, "create")) != NULL; p += 6) {
		for (q = p + 6; *q == ' ' || *q == '\t' || *q == '\n' || *q == '\r'; q++)
			;
		if (q > p + 6 && strncasecmp(q, "trigger", 7) == 0)
			return 1;
	}
	return 0;
}

/*
 * With binary logging on, MariaDB and MySQL let only SUPER create a trigger unless the server
 * sets log_bin_trust_function_creators (error 1419; BINLOG ADMIN is not enough).  Said before
 * the first pending file that creates one is applied, rather than halfway through it.
 * 0 when the triggers can be created (or the server would not say), -1 after printing what to do.
 */
static int
triggers_allowed(struct db *db, struct arena *a, const char *name)
{
	struct db_result	 r;

	if (db_exec(db, a, SQL_MIG_BINLOG, NULL, 0, &r) != GH_OK || r.nrows != 1)
		return 0;
	if (db_int(&r, 0, 0) == 0 || db_int(&r, 0, 1) != 0 || db_int(&r, 0, 2) > 0)
		return 0;
	fprintf(stderr, "gatehouse: migrate: %s creates triggers, and this server has binary "
	    "logging on (log_bin) with log_bin_trust_function_creators off: MariaDB and MySQL then "
	    "refuse CREATE TRIGGER to a user without SUPER (error 1419).  Nothing was "
	    "applied.  Fix, as the database administrator:\n"
	    "    SET GLOBAL log_bin_trust_function_creators = 1;\n"
	    "and log_bin_trust_function_creators = 1 in the [mariadbd] (or [mysqld]) section of the "
	    "server's configuration, so that it survives a restart; then run migrate again "
	    "(docs/running.md, \"Binary logging\").\n", name);
	return -1;
}

static int
cmp(const void *a, const void *b)
{
	const struct mfile *x = a, *y = b;

	return x->version < y->version ? -1 : x->version > y->version;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE	*f;
	char	*buf;
	long	 n;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    (buf = malloc((size_t)n + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

/* Read every NNNN_*.sql of dir, sorted.  Returns the count or -1. */
static int
scan(const char *dir, struct mfile **out)
{
	DIR		*d;
	struct dirent	*e;
	struct mfile	*v = NULL, *nv;
	unsigned char	 h[crypto_hash_sha256_BYTES];
	char		 path[4096];
	size_t		 n = 0, len, i;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "gatehouse: migrate: sql_dir %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (len < 10 || len >= sizeof(v->name) || strcmp(e->d_name + len - 4, ".sql") != 0)
			continue;
		for (i = 0; i < 4; i++)
			if (e->d_name[i] < '0' || e->d_name[i] > '9')
				break;
		if (i < 4 || e->d_name[4] != '_')
			continue;
		if ((nv = realloc(v, (n + 1) * sizeof(*v))) == NULL)
			goto fail;
		v = nv;
		memset(&v[n], 0, sizeof(v[n]));
		v[n].version = (unsigned int)strtoul(e->d_name, NULL, 10);
		snprintf(v[n].name, sizeof(v[n].name), "%s", e->d_name);
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if ((v[n].text = slurp(path, &v[n].len)) == NULL) {
			fprintf(stderr, "gatehouse: migrate: %s: %s\n", path, strerror(errno));
			n++;
			goto fail;
		}
		crypto_hash_sha256(h, (unsigned char *)v[n].text, v[n].len);
		sodium_bin2hex(v[n].sum, sizeof(v[n].sum), h, sizeof(h));
		n++;
	}
	closedir(d);
	qsort(v, n, sizeof(*v), cmp);
	for (i = 1; i < n; i++)
		if (v[i].version == v[i - 1].version) {
			fprintf(stderr, "gatehouse: migrate: %s and %s share version %04u\n",
			    v[i - 1].name, v[i].name, v[i].version);
			for (i = 0; i < n; i++)
				free(v[i].text);
			free(v);
			return -1;
		}
	*out = v;
	return (int)n;
fail:
	closedir(d);
	for (i = 0; i < n; i++)
		free(v[i].text);
	free(v);
	return -1;
}

int
migrate_run(struct db *db, const char *dir, int status_only)
{
	struct arena		*a = arena_new(8192);
	struct mfile		*files = NULL;
	struct db_result	 applied, r;
	struct db_param		 p[4];
	char			 err[1024] = "cannot start a transaction";
	const char		*sum;
	int			 n, i, rc = -1, locked = 0, done = 0;
	size_t			 k;
	double			 t0;

	if ((n = scan(dir, &files)) < 0) {
		n = 0;
		goto out;
	}
	if (db_exec(db, a, SQL_MIG_CREATE, NULL, 0, NULL) != GH_OK) {
		fprintf(stderr, "gatehouse: migrate: cannot reach the database or create "
		    "schema_migrations (see the log line above)\n");
		goto out;
	}
	if (!status_only) {
		if (db_exec(db, a, SQL_MIG_LOCK, NULL, 0, &r) != GH_OK || db_int(&r, 0, 0) != 1) {
			fprintf(stderr, "gatehouse: migrate: another migration holds the lock\n");
			goto out;
		}
		locked = 1;
	}
	if (db_exec(db, a, SQL_MIG_LIST, NULL, 0, &applied) != GH_OK)
		goto out;
	/* Every applied migration must still be the file that was applied. */
	for (k = 0; k < applied.nrows; k++) {
		unsigned int v = (unsigned int)db_int(&applied, k, 0);
		sum = db_str(&applied, k, 2);
		for (i = 0; i < n; i++)
			if (files[i].version == v)
				break;
		if (i == n) {
			fprintf(stderr, "gatehouse: migrate: warning: applied migration %s is not in %s\n",
			    db_str(&applied, k, 1), dir);
			continue;
		}
		if (strcmp(files[i].sum, sum) != 0) {
			fprintf(stderr, "gatehouse: migrate: %s was changed after it was applied "
			    "(recorded sha256 %.12s..., file %.12s...); refusing to run. Put changes "
			    "in a new migration.\n", files[i].name, sum, files[i].sum);
			goto out;
		}
	}
	/* The first pending file with a trigger decides whether anything is applied at all. */
	for (i = 0; i < n && !status_only; i++) {
		for (k = 0; k < applied.nrows; k++)
			if ((unsigned int)db_int(&applied, k, 0) == files[i].version)
				break;
		if (k == applied.nrows && has_trigger(files[i].text)) {
			if (triggers_allowed(db, a, files[i].name) != 0)
				goto out;
			break;
		}
	}
	for (i = 0; i < n; i++) {
		for (k = 0; k < applied.nrows; k++)
			if ((unsigned int)db_int(&applied, k, 0) == files[i].version)
				break;
		if (k < applied.nrows) {
			if (status_only)
				printf("applied  %s  %s\n", files[i].name, db_str(&applied, k, 3));
			continue;
		}
		if (status_only) {
			printf("pending  %s\n", files[i].name);
			continue;
		}
		t0 = clock_ms();
		if (db_begin_script(db) != GH_OK ||
		    db_exec_script(db, files[i].text, files[i].len, err, sizeof(err)) != GH_OK) {
			db_rollback(db);
			fprintf(stderr, "gatehouse: migrate: %s failed: %s\n", files[i].name, err);
			goto out;
		}
		for (k = 0; k < sizeof(steps) / sizeof(steps[0]); k++)
			if (steps[k].version == files[i].version && steps[k].fn(db, a) != 0) {
				db_rollback(db);
				fprintf(stderr, "gatehouse: migrate: %s failed in its C step (see the "
				    "log)\n", files[i].name);
				goto out;
			}
		p[0] = DB_INT(files[i].version);
		p[1] = DB_STR(files[i].name);
		p[2] = DB_STR(files[i].sum);
		p[3] = DB_INT((long long)(clock_ms() - t0));
		if (db_exec(db, a, SQL_MIG_INSERT, p, 4, NULL) != GH_OK || db_commit(db) != GH_OK) {
			db_rollback(db);
			fprintf(stderr, "gatehouse: migrate: %s: cannot record it\n", files[i].name);
			goto out;
		}
		printf("applied %s (%.0f ms)\n", files[i].name, clock_ms() - t0);
		done++;
	}
	if (!status_only && done == 0)
		printf("up to date (%zu migrations applied)\n", applied.nrows);
	rc = 0;
out:
	if (locked)
		db_exec(db, a, SQL_MIG_UNLOCK, NULL, 0, NULL);
	for (i = 0; i < n; i++)
		free(files[i].text);
	free(files);
	arena_free(a);
	return rc;
}
