/*
 * setup.c: `gatehouse setup`, from a fresh MariaDB/MySQL to a server that can start.
 *
 * The configuration is either the file -c names, when it exists (the packaged
 * /etc/gatehouse/gatehouse.conf: its keys say where everything goes), or a new one composed
 * from the options and written there at the end.  Then, in this order, so that a refusal
 * leaves nothing behind:
 *   1. everything is checked before anything is made: the secret files the configuration
 *      names must not exist (the database password file excepted, which then names an
 *      existing user), the database must be empty, binary logging must not refuse the
 *      migrations' triggers, and the first administrator's password must pass the password
 *      policy and the common-password list;
 *   2. the secrets are generated (the HS256 secret or an ES256/RS256 key in PEM, the MFA key,
 *      the database password), each file created exclusively, 0640 root:GROUP when run as
 *      root (the service's group reads them), else 0600;
 *   3. with no database password file yet, the database (utf8mb4) and its user are created
 *      through an administrator's connection (root over the unix socket by default) with the
 *      grants store_provision_grants lists;
 *   4. the configuration is written (new mode), the migrations run as the service's user, and
 *      the first organization, its administrator (platform_admin and org_admin there) and the
 *      membership are created in one transaction.
 * A failure after step 2 removes what this run created (files, database and user).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <libgen.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <sodium.h>

#include "auth/password.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/valid.h"
#include "http/body.h"
#include "server/cmd.h"
#include "store/account.h"
#include "store/db.h"
#include "store/migrate.h"
#include "store/organization.h"
#include "store/provision.h"
#include "store/role.h"
#include "store/user.h"

#define MAXMADE	8
#define MAXSET	32

struct setup {
	/* options */
	const char	*config;
	const char	*secrets_dir;
	const char	*group;
	const char	*db_socket, *db_host, *db_name, *db_user, *db_user_host;
	const char	*db_password_file;
	int		 db_port;
	const char	*admin_socket, *admin_host, *admin_user, *admin_password_file;
	int		 admin_port;
	const char	*redis_socket, *redis_host;
	int		 redis_port;
	const char	*listen, *public_url, *log_file, *sql_dir, *mail_template_dir;
	const char	*jwt_alg;
	const char	*sets[MAXSET];
	size_t		 nsets;
	const char	*org_slug, *org_name, *username, *email, *full_name, *password_file;
	int		 batch;		/* never prompt */

	/* state */
	char		 tmpconf[4200];		/* new mode: the configuration before it is placed */
	char		*made[MAXMADE];		/* files this run created */
	size_t		 nmade;
	char		*made_dir;		/* the secrets directory, when this run created it */
	struct provision *prov;
	int		 made_user, made_db;
	gid_t		 gid;
	int		 chown_ok;
};

static void
usage(FILE *f)
{
	fputs("usage: gatehouse setup [-c FILE] [options]\n"
	    "\n"
	    "Prepares a fresh database and the files Gatehouse needs, then creates the first\n"
	    "organization and its administrator.  Refuses to overwrite anything that exists.\n"
	    "When FILE (default " GH_SYSCONFDIR "/gatehouse.conf) exists, its keys say where the\n"
	    "database and the secret files are; otherwise it is written from the options below.\n"
	    "\n"
	    "  -c, --config FILE          the configuration to use or write\n"
	    "  --secrets-dir DIR          new secret files go here (default: FILE's directory)\n"
	    "  --group NAME               group of the files, readable by it (default gatehouse\n"
	    "                             when run as root and the group exists; '' = none)\n"
	    "database (new configuration; defaults: the local server's socket):\n"
	    "  --db-socket PATH | --db-host HOST [--db-port N]\n"
	    "  --db-name NAME --db-user NAME   (default gatehouse, gatehouse)\n"
	    "  --db-user-host HOST        host part of the created user (default localhost)\n"
	    "  --db-password-file FILE    use an existing user and its existing, empty database;\n"
	    "                             without it, both are created as the administrator:\n"
	    "  --admin-user NAME          (default root, by unix_socket authentication)\n"
	    "  --admin-password-file FILE --admin-socket PATH | --admin-host HOST [--admin-port N]\n"
	    "                             (default: the database's own socket or host)\n"
	    "server (new configuration):\n"
	    "  --listen ADDR --public-url URL --log-file PATH|stderr --jwt-alg HS256|ES256|RS256\n"
	    "  --redis-socket PATH | --redis-host HOST [--redis-port N]\n"
	    "  --sql-dir DIR --mail-template-dir DIR --set KEY=VALUE (any key, repeatable)\n"
	    "first organization and administrator (asked on a terminal when not given):\n"
	    "  --org-slug SLUG --org-name NAME --username NAME --email ADDRESS [--full-name NAME]\n"
	    "  --password-file FILE       the password ('-' = standard input; on a terminal it is\n"
	    "                             read without echo, twice)\n"
	    "  --non-interactive          never ask: a missing option is an error\n", f);
}

/* ----------------------------------------------------------------------------------------- */

static void
say_made(struct setup *s, const char *path)
{
	if (s->nmade < MAXMADE)
		s->made[s->nmade++] = strdup(path);
}

/* Remove what this run created, after a failure. */
static void
undo(struct setup *s)
{
	size_t	 i;

	for (i = 0; i < s->nmade; i++) {
		if (s->made[i] != NULL && unlink(s->made[i]) == 0)
			fprintf(stderr, "gatehouse: setup: removed %s\n", s->made[i]);
	}
	if (s->made_dir != NULL && rmdir(s->made_dir) == 0)
		fprintf(stderr, "gatehouse: setup: removed %s\n", s->made_dir);
	if (s->tmpconf[0] != '\0')
		unlink(s->tmpconf);
	if (s->prov != NULL && (s->made_user || s->made_db)) {
		store_provision_drop(s->prov, s->db_name, s->db_user, s->db_user_host, s->made_db);
		fprintf(stderr, "gatehouse: setup: dropped the user%s it created\n",
		    s->made_db ? " and the database" : "");
	}
}

/* 0640 root:group when we may, else 0600 for the user running setup. */
static int
own(struct setup *s, int fd, const char *path)
{
	if (s->chown_ok) {
		if (fchown(fd, 0, s->gid) == -1 || fchmod(fd, 0640) == -1) {
			fprintf(stderr, "gatehouse: setup: %s: %s\n", path, strerror(errno));
			return -1;
		}
	} else if (fchmod(fd, 0600) == -1) {
		fprintf(stderr, "gatehouse: setup: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Create path exclusively with len bytes of data.  0, or -1 after saying why. */
static int
write_new(struct setup *s, const char *path, const void *data, size_t len)
{
	int	 fd;
	ssize_t	 w;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) == -1) {
		fprintf(stderr, "gatehouse: setup: %s: %s%s\n", path, strerror(errno),
		    errno == EEXIST ? " (setup does not overwrite a file)" : "");
		return -1;
	}
	say_made(s, path);
	if (own(s, fd, path) == -1)
		goto fail;
	w = write(fd, data, len);
	if (w < 0 || (size_t)w != len || fsync(fd) == -1) {
		fprintf(stderr, "gatehouse: setup: %s: %s\n", path, strerror(errno ? errno : EIO));
		goto fail;
	}
	close(fd);
	return 0;
fail:
	close(fd);
	return -1;
}

/* n random bytes as 2n hex digits and a newline, into a file of its own. */
static int
write_hex_secret(struct setup *s, const char *path, size_t n, char *copy, size_t copylen)
{
	unsigned char	 raw[64];
	char		 hex[130];

	if (n > 63)
		return -1;
	int		 rc;

	randombytes_buf(raw, n);
	sodium_bin2hex(hex, sizeof(hex), raw, n);
	if (copy != NULL)
		snprintf(copy, copylen, "%s", hex);
	hex[2 * n] = '\n';
	rc = write_new(s, path, hex, 2 * n + 1);
	sodium_memzero(raw, sizeof(raw));
	sodium_memzero(hex, sizeof(hex));
	return rc;
}

/* An ES256 (P-256) or RS256 (3072-bit) private key in PEM. */
static int
write_key(struct setup *s, const char *path, const char *alg)
{
	EVP_PKEY	*k;
	BIO		*b;
	char		*pem;
	long		 n;
	int		 rc = -1;

	k = strcmp(alg, "ES256") == 0 ? EVP_EC_gen("P-256") : EVP_RSA_gen(3072);
	if (k == NULL || (b = BIO_new(BIO_s_mem())) == NULL) {
		EVP_PKEY_free(k);
		fprintf(stderr, "gatehouse: setup: cannot generate the %s key\n", alg);
		return -1;
	}
	if (PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL) == 1 &&
	    (n = BIO_get_mem_data(b, &pem)) > 0)
		rc = write_new(s, path, pem, (size_t)n);
	else
		fprintf(stderr, "gatehouse: setup: cannot write the %s key\n", alg);
	BIO_free_all(b);
	EVP_PKEY_free(k);
	return rc;
}

/* ----------------------------------------------------------------------------------------- */

/* Ask for a value on the terminal when it is missing; -1 when it cannot be. */
static int
ask(struct setup *s, const char **v, const char *flag, const char *prompt, const char *def)
{
	char	 line[512];
	size_t	 n;

	if (*v != NULL)
		return 0;
	if (s->batch || !isatty(STDIN_FILENO)) {
		if (def != NULL) {
			*v = def;
			return 0;
		}
		fprintf(stderr, "gatehouse: setup: %s is required\n", flag);
		return -1;
	}
	fprintf(stderr, "%s%s%s%s: ", prompt, def ? " [" : "", def ? def : "", def ? "]" : "");
	if (fgets(line, sizeof(line), stdin) == NULL)
		return -1;
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	if (n == 0 && def != NULL) {
		*v = def;
		return 0;
	}
	if (n == 0) {
		fprintf(stderr, "gatehouse: setup: %s is required\n", flag);
		return -1;
	}
	*v = strdup(line);
	return *v == NULL ? -1 : 0;
}

/* The administrator's password, checked; sodium_malloc'd.  NULL after saying why. */
static char *
password(struct setup *s, const struct gh_config *cfg, size_t *len)
{
	char	*pw, *again;
	size_t	 n2;
	int	 tty = s->password_file == NULL && isatty(STDIN_FILENO);

	if (s->password_file == NULL && (s->batch || !tty)) {
		fprintf(stderr, "gatehouse: setup: --password-file is required ('-' reads standard "
		    "input)\n");
		return NULL;
	}
	if ((pw = cmd_read_password(s->password_file, len)) == NULL)
		return NULL;
	if ((long long)utf8_len(pw) < cfg->password_min_length ||
	    (long long)utf8_len(pw) > cfg->password_max_length) {
		fprintf(stderr, "gatehouse: setup: the password must have %lld to %lld characters\n",
		    cfg->password_min_length, cfg->password_max_length);
		sodium_free(pw);
		return NULL;
	}
	if (cmd_password_common(cfg, pw) != 0) {
		sodium_free(pw);
		return NULL;
	}
	if (tty) {
		fputs("again, ", stderr);
		if ((again = cmd_read_password(NULL, &n2)) == NULL || n2 != *len ||
		    sodium_memcmp(again, pw, n2) != 0) {
			fprintf(stderr, "gatehouse: setup: the two passwords differ\n");
			if (again != NULL)
				sodium_free(again);
			sodium_free(pw);
			return NULL;
		}
		sodium_free(again);
	}
	return pw;
}

/* ----------------------------------------------------------------------------------------- */

static int
dir_of(const char *path, char *out, size_t len)
{
	char	 tmp[4096];

	if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp))
		return -1;
	snprintf(out, len, "%s", dirname(tmp));
	return 0;
}

/*
 * New mode: the configuration from the options, written to a temporary file beside its final
 * place (mkstemp) so that it can be loaded and checked before anything else is made.
 */
static int
compose(struct setup *s)
{
	char	 dir[4096], sec[4096], stamp[64];
	FILE	*f;
	int	 fd;
	size_t	 i;
	time_t	 now = time(NULL);

	if (dir_of(s->config, dir, sizeof(dir)) == -1)
		return -1;
	snprintf(sec, sizeof(sec), "%s", s->secrets_dir ? s->secrets_dir : dir);
	snprintf(s->tmpconf, sizeof(s->tmpconf), "%s/.gatehouse.conf.XXXXXX", dir);
	if ((fd = mkstemp(s->tmpconf)) == -1) {
		fprintf(stderr, "gatehouse: setup: cannot write in %s: %s\n", dir, strerror(errno));
		s->tmpconf[0] = '\0';
		return -1;
	}
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		return -1;
	}
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S UTC", gmtime(&now));
	fprintf(f, "# Written by gatehouse setup on %s.  Every key: gatehouse.conf(5) or\n"
	    "# docs/configuration.md; `gatehouse check-config -c %s` checks this file.\n\n",
	    stamp, s->config);
	fprintf(f, "listen = %s\nsocket_mode = 0660\nlog_file = %s\n", s->listen, s->log_file);
	fprintf(f, "public_url = %s\n\n", s->public_url);
	if (s->db_host != NULL)
		fprintf(f, "db_host = %s\ndb_port = %d\n", s->db_host, s->db_port);
	else
		fprintf(f, "db_socket = %s\n", s->db_socket);
	fprintf(f, "db_name = %s\ndb_user = %s\n", s->db_name, s->db_user);
	if (s->db_password_file != NULL)
		fprintf(f, "db_password_file = %s\n\n", s->db_password_file);
	else
		fprintf(f, "db_password_file = %s/db_password\n\n", sec);
	if (s->redis_socket != NULL)
		fprintf(f, "redis_socket = %s\n\n", s->redis_socket);
	else
		fprintf(f, "redis_host = %s\nredis_port = %d\n\n", s->redis_host, s->redis_port);
	fprintf(f, "jwt_alg = %s\n", s->jwt_alg);
	if (strcmp(s->jwt_alg, "HS256") == 0)
		fprintf(f, "jwt_secret_file = %s/jwt_secret\n", sec);
	else
		fprintf(f, "jwt_key_file = %s/jwt_key.pem\n", sec);
	fprintf(f, "mfa_key_file = %s/mfa_key\n", sec);
	if (s->sql_dir != NULL)
		fprintf(f, "sql_dir = %s\n", s->sql_dir);
	if (s->mail_template_dir != NULL)
		fprintf(f, "mail_template_dir = %s\n", s->mail_template_dir);
	if (s->nsets > 0)
		fputc('\n', f);
	for (i = 0; i < s->nsets; i++)
		fprintf(f, "%s\n", s->sets[i]);
	if (fflush(f) != 0 || fsync(fd) == -1 || fclose(f) != 0) {
		fprintf(stderr, "gatehouse: setup: %s: %s\n", s->tmpconf, strerror(errno));
		return -1;
	}
	return 0;
}

/* A secret file the configuration names: it must not exist yet (nor may its directory be odd). */
static int
fresh(const char *key, const char *path)
{
	struct stat	 st;

	if (path == NULL)
		return 0;
	if (lstat(path, &st) == 0) {
		fprintf(stderr, "gatehouse: setup: %s %s exists; setup does not overwrite a secret "
		    "(remove it, or name another file)\n", key, path);
		return -1;
	}
	if (errno != ENOENT) {
		fprintf(stderr, "gatehouse: setup: %s %s: %s\n", key, path, strerror(errno));
		return -1;
	}
	return 0;
}

/* The secret files' directory: created 0750 root:group (or 0700) when missing. */
static int
secrets_dir(struct setup *s, const char *file)
{
	char		 dir[4096];
	struct stat	 st;

	if (file == NULL || dir_of(file, dir, sizeof(dir)) == -1)
		return 0;
	if (stat(dir, &st) == 0)
		return 0;
	if (mkdir(dir, s->chown_ok ? 0750 : 0700) == -1) {
		fprintf(stderr, "gatehouse: setup: mkdir %s: %s\n", dir, strerror(errno));
		return -1;
	}
	if (s->chown_ok && chown(dir, 0, s->gid) == -1) {
		fprintf(stderr, "gatehouse: setup: chown %s: %s\n", dir, strerror(errno));
		rmdir(dir);
		return -1;
	}
	if (s->made_dir == NULL)
		s->made_dir = strdup(dir);
	return 0;
}

/* The organization, its administrator and their bond, in one transaction. */
static int
first_admin(struct setup *s, struct db *db, const char *hash, long long *uid, long long *oid)
{
	struct arena		*a = arena_new(4096);
	struct organization	 o;
	struct role		 r;
	char			 user[VALID_IDENT_SIZE], email[VALID_IDENT_SIZE];
	enum gh_err		 err;
	int			 rc = -1;

	valid_ident(VALID_USERNAME, s->username, user, sizeof(user));
	valid_ident(VALID_EMAIL, s->email, email, sizeof(email));
	memset(&o, 0, sizeof(o));
	o.slug = s->org_slug;
	o.name = s->org_name;
	o.description = "";
	o.status = "active";
	if (db_begin(db) != GH_OK) {
		fprintf(stderr, "gatehouse: setup: cannot reach the database\n");
		goto out;
	}
	if ((err = store_account_insert(db, a, user, email, s->full_name ? s->full_name :
	    s->username, hash, uid)) != GH_OK ||
	    (err = store_account_grant_platform_admin(db, a, *uid)) != GH_OK ||
	    (err = store_organization_insert(db, a, &o, *uid, oid)) != GH_OK ||
	    (err = store_user_join_org(db, a, *uid, *oid)) != GH_OK ||
	    (err = store_role_get_by_name(db, a, "org_admin", *oid, &r)) != GH_OK ||
	    (err = store_user_grant(db, a, *uid, r.id, *oid, *uid)) != GH_OK ||
	    (err = db_commit(db)) != GH_OK) {
		db_rollback(db);
		fprintf(stderr, "gatehouse: setup: cannot create the organization and its "
		    "administrator (%s)\n", gh_err_info(err)->code);
		goto out;
	}
	rc = 0;
out:
	arena_free(a);
	return rc;
}

/*
 * The options that set one member of struct setup to their argument, as a string or (num) a
 * number: getopt_long answers option i of this table as OPT_MEMBER + i.
 */
static const struct setup_opt {
	const char	*name;
	size_t		 off;
	int		 num;
} setup_opts[] = {
	{ "secrets-dir", offsetof(struct setup, secrets_dir), 0 },
	{ "group", offsetof(struct setup, group), 0 },
	{ "db-socket", offsetof(struct setup, db_socket), 0 },
	{ "db-host", offsetof(struct setup, db_host), 0 },
	{ "db-port", offsetof(struct setup, db_port), 1 },
	{ "db-name", offsetof(struct setup, db_name), 0 },
	{ "db-user", offsetof(struct setup, db_user), 0 },
	{ "db-user-host", offsetof(struct setup, db_user_host), 0 },
	{ "db-password-file", offsetof(struct setup, db_password_file), 0 },
	{ "admin-socket", offsetof(struct setup, admin_socket), 0 },
	{ "admin-host", offsetof(struct setup, admin_host), 0 },
	{ "admin-port", offsetof(struct setup, admin_port), 1 },
	{ "admin-user", offsetof(struct setup, admin_user), 0 },
	{ "admin-password-file", offsetof(struct setup, admin_password_file), 0 },
	{ "redis-socket", offsetof(struct setup, redis_socket), 0 },
	{ "redis-host", offsetof(struct setup, redis_host), 0 },
	{ "redis-port", offsetof(struct setup, redis_port), 1 },
	{ "listen", offsetof(struct setup, listen), 0 },
	{ "public-url", offsetof(struct setup, public_url), 0 },
	{ "log-file", offsetof(struct setup, log_file), 0 },
	{ "sql-dir", offsetof(struct setup, sql_dir), 0 },
	{ "mail-template-dir", offsetof(struct setup, mail_template_dir), 0 },
	{ "jwt-alg", offsetof(struct setup, jwt_alg), 0 },
	{ "org-slug", offsetof(struct setup, org_slug), 0 },
	{ "org-name", offsetof(struct setup, org_name), 0 },
	{ "username", offsetof(struct setup, username), 0 },
	{ "email", offsetof(struct setup, email), 0 },
	{ "full-name", offsetof(struct setup, full_name), 0 },
	{ "password-file", offsetof(struct setup, password_file), 0 },
};
#define NOPTS		(sizeof(setup_opts) / sizeof(setup_opts[0]))
#define OPT_MEMBER	256

static int
parse(int argc, char **argv, struct setup *s)
{
	enum { O_SET = OPT_MEMBER + NOPTS, O_BATCH, O_HELP };
	static const struct option others[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "set", required_argument, NULL, O_SET },
		{ "non-interactive", no_argument, NULL, O_BATCH },
		{ "help", no_argument, NULL, O_HELP },
	};
	struct option	 longs[NOPTS + sizeof(others) / sizeof(others[0]) + 1];
	size_t		 i;
	int		 ch;

	s->config = getenv("GATEHOUSE_CONFIG") ? getenv("GATEHOUSE_CONFIG") :
	    GH_SYSCONFDIR "/gatehouse.conf";
	s->db_name = "gatehouse";
	s->db_user = "gatehouse";
	s->db_user_host = "localhost";
	s->db_port = 3306;
	s->admin_user = "root";
	s->redis_host = "127.0.0.1";
	s->redis_port = 6379;
	s->listen = "unix:/run/gatehouse/gatehouse.sock";
	s->public_url = "http://localhost";
	s->log_file = "/var/log/gatehouse/gatehouse.log";
	s->jwt_alg = "HS256";
	memset(longs, 0, sizeof(longs));
	for (i = 0; i < NOPTS; i++) {
		longs[i].name = setup_opts[i].name;
		longs[i].has_arg = required_argument;
		longs[i].val = OPT_MEMBER + (int)i;
	}
	memcpy(longs + NOPTS, others, sizeof(others));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:h", longs, NULL)) != -1) {
		switch (ch) {
		case 'c': s->config = optarg; break;
		case O_SET:
			if (s->nsets == MAXSET || strchr(optarg, '=') == NULL ||
			    strchr(optarg, '\n') != NULL) {
				fprintf(stderr, "gatehouse: setup: --set KEY=VALUE (at most %d)\n",
				    MAXSET);
				return -1;
			}
			s->sets[s->nsets++] = optarg;
			break;
		case O_BATCH: s->batch = 1; break;
		case 'h':
		case O_HELP:
			usage(stdout);
			exit(0);
		default:
			if (ch < OPT_MEMBER || ch >= OPT_MEMBER + (int)NOPTS) {
				usage(stderr);
				return -1;
			}
			i = (size_t)(ch - OPT_MEMBER);
			if (setup_opts[i].num)
				*(int *)(void *)((char *)s + setup_opts[i].off) = atoi(optarg);
			else
				*(const char **)(void *)((char *)s + setup_opts[i].off) = optarg;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "gatehouse: setup: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (s->db_socket == NULL && s->db_host == NULL)
		s->db_socket = "/run/mysqld/mysqld.sock";
	if (strcmp(s->jwt_alg, "HS256") != 0 && strcmp(s->jwt_alg, "ES256") != 0 &&
	    strcmp(s->jwt_alg, "RS256") != 0) {
		fprintf(stderr, "gatehouse: setup: --jwt-alg: HS256, ES256 or RS256\n");
		return -1;
	}
	return 0;
}

int
setup_main(int argc, char **argv)
{
	struct setup		 s;
	struct gh_config	 cfg, final;
	struct stat		 st;
	struct group		*gr;
	struct db		*db = NULL;
	char			 err[512], dbpw[160] = "", *apw = NULL, *pw = NULL;
	char			 hash[crypto_pwhash_STRBYTES], user[VALID_IDENT_SIZE];
	const char		*use;
	size_t			 len, alen;
	long long		 tables = -1, uid = 0, oid = 0;
	int			 exists, existing, create_db, rc = 1, loaded = 0, floaded = 0;
	struct arena		*a = NULL;

	memset(&s, 0, sizeof(s));
	memset(hash, 0, sizeof(hash));
	if (parse(argc, argv, &s) == -1)
		return 2;

	/* Who owns what is made: root:GROUP 0640 as root, the caller 0600 otherwise. */
	if (geteuid() == 0) {
		use = s.group != NULL ? s.group : "gatehouse";
		if (*use != '\0' && (gr = getgrnam(use)) != NULL) {
			s.gid = gr->gr_gid;
			s.chown_ok = 1;
		} else if (s.group != NULL && *s.group != '\0') {
			fprintf(stderr, "gatehouse: setup: --group %s: no such group\n", s.group);
			return 1;
		} else if (s.group == NULL)
			fprintf(stderr, "gatehouse: setup: warning: no group gatehouse: the files will "
			    "be root's alone (0600), which a service running as another user cannot "
			    "read; create the service user first (docs/running.md) or give --group\n");
	}

	/* The configuration: the existing file, or a new one from the options. */
	existing = lstat(s.config, &st) == 0;
	if (!existing && errno != ENOENT) {
		fprintf(stderr, "gatehouse: setup: %s: %s\n", s.config, strerror(errno));
		return 1;
	}
	if (!existing && compose(&s) == -1)
		goto out;
	if (config_load_unchecked(&cfg, existing ? s.config : s.tmpconf, err, sizeof(err)) == -1) {
		fprintf(stderr, "gatehouse: setup: %s: %s\n", s.config, err);
		goto out;
	}
	loaded = 1;
	if (existing)
		fprintf(stderr, "gatehouse: setup: using %s as it is (it exists; setup writes no "
		    "configuration over it)\n", s.config);
	s.db_name = cfg.db_name;
	s.db_user = cfg.db_user;

	/* 1. Check everything before making anything. */
	if (cfg.db_password_file == NULL) {
		fprintf(stderr, "gatehouse: setup: %s names no db_password_file\n", s.config);
		goto out;
	}
	create_db = access(cfg.db_password_file, F_OK) == -1;
	if (strcmp(cfg.jwt_alg, "HS256") == 0 ? cfg.jwt_secret_file == NULL :
	    cfg.jwt_key_file == NULL) {
		fprintf(stderr, "gatehouse: setup: %s names no %s\n", s.config,
		    strcmp(cfg.jwt_alg, "HS256") == 0 ? "jwt_secret_file" : "jwt_key_file");
		goto out;
	}
	if (fresh("jwt_secret_file", strcmp(cfg.jwt_alg, "HS256") == 0 ? cfg.jwt_secret_file :
	    NULL) == -1 || fresh("jwt_key_file", strcmp(cfg.jwt_alg, "HS256") != 0 ?
	    cfg.jwt_key_file : NULL) == -1 || fresh("mfa_key_file", cfg.mfa_key_file) == -1)
		goto out;
	if (ask(&s, &s.org_slug, "--org-slug", "slug of the first organization (a-z 0-9 -)",
	    NULL) == -1 || ask(&s, &s.org_name, "--org-name", "its name", s.org_slug) == -1 ||
	    ask(&s, &s.username, "--username", "username of its administrator", NULL) == -1 ||
	    ask(&s, &s.email, "--email", "the administrator's email address", NULL) == -1)
		goto out;
	if (!valid_slug(s.org_slug)) {
		fprintf(stderr, "gatehouse: setup: --org-slug: 2-63 characters of a-z 0-9 and -, "
		    "not only digits\n");
		goto out;
	}
	if (valid_ident(VALID_USERNAME, s.username, user, sizeof(user)) > IDENT_MAPPED) {
		fprintf(stderr, "gatehouse: setup: --username: 3-64 characters of A-Z a-z 0-9 . _ -, "
		    "starting with a letter or a digit\n");
		goto out;
	}
	if (valid_ident(VALID_EMAIL, s.email, user, sizeof(user)) > IDENT_MAPPED) {
		fprintf(stderr, "gatehouse: setup: --email: an email address is required\n");
		goto out;
	}
	if ((pw = password(&s, &cfg, &len)) == NULL)
		goto out;
	if (create_db) {
		if (s.admin_password_file != NULL &&
		    (apw = config_read_secret(s.admin_password_file, &alen, err, sizeof(err))) ==
		    NULL) {
			fprintf(stderr, "gatehouse: setup: --admin-password-file: %s\n", err);
			goto out;
		}
		if ((s.prov = store_provision_open(s.admin_host ? NULL : s.admin_socket ?
		    s.admin_socket : cfg.db_socket, s.admin_host ? s.admin_host : cfg.db_host,
		    s.admin_port ? s.admin_port : (int)cfg.db_port, s.admin_user, apw)) == NULL) {
			fprintf(stderr, "gatehouse: setup: %s does not exist yet, so setup creates "
			    "the database and its user as a database administrator: give one with "
			    "--admin-user/--admin-password-file, or create them yourself and give "
			    "the user's password file (docs/running.md)\n", cfg.db_password_file);
			goto out;
		}
		if (store_provision_db_state(s.prov, cfg.db_name, &exists, &tables) == -1)
			goto out;
		if (tables > 0) {
			fprintf(stderr, "gatehouse: setup: database %s holds %lld tables; setup only "
			    "prepares an empty database\n", cfg.db_name, tables);
			goto out;
		}
		switch (store_provision_binlog_refuses(s.prov)) {
		case 0:
			break;
		case 1:
			fprintf(stderr, "gatehouse: setup: this server has binary logging on and "
			    "log_bin_trust_function_creators off: it would refuse the migrations' "
			    "triggers to %s, which has no SUPER (error 1419).  Nothing was made.  As "
			    "the administrator, run SET GLOBAL log_bin_trust_function_creators = 1 and "
			    "put log_bin_trust_function_creators = 1 in the server's [mariadbd] "
			    "section, then run setup again (docs/running.md, \"Binary logging\").\n",
			    cfg.db_user);
			goto out;
		default:
			goto out;
		}
		if (fresh("db_password_file", cfg.db_password_file) == -1)
			goto out;
	}

	/* 2. The secrets. */
	if (secrets_dir(&s, cfg.mfa_key_file) == -1 ||
	    secrets_dir(&s, strcmp(cfg.jwt_alg, "HS256") == 0 ? cfg.jwt_secret_file :
	    cfg.jwt_key_file) == -1 ||
	    (create_db && secrets_dir(&s, cfg.db_password_file) == -1))
		goto fail;
	if (strcmp(cfg.jwt_alg, "HS256") == 0 ?
	    write_hex_secret(&s, cfg.jwt_secret_file, 32, NULL, 0) == -1 :
	    write_key(&s, cfg.jwt_key_file, cfg.jwt_alg) == -1)
		goto fail;
	if (cfg.mfa_key_file != NULL && write_hex_secret(&s, cfg.mfa_key_file, 32, NULL, 0) == -1)
		goto fail;

	/* 3. The database and its user. */
	if (create_db) {
		if (write_hex_secret(&s, cfg.db_password_file, 24, dbpw, sizeof(dbpw)) == -1)
			goto fail;
		s.made_db = !exists;
		s.made_user = 1;
		if (store_provision_create(s.prov, cfg.db_name, cfg.db_user, s.db_user_host,
		    dbpw) == -1) {
			s.made_user = 0;
			goto fail;
		}
		printf("created database %s and user '%s'@'%s' (grants: %s)\n", cfg.db_name,
		    cfg.db_user, s.db_user_host, store_provision_grants);
	}

	/* 4. The configuration, checked whole now that its files exist; the migrations. */
	if (config_load(&final, existing ? s.config : s.tmpconf, err, sizeof(err)) == -1) {
		fprintf(stderr, "gatehouse: setup: %s: %s\n", s.config, err);
		goto fail;
	}
	floaded = 1;
	final.db_rw_timeout = 0;
	a = arena_new(4096);
	if ((db = db_new(&final)) == NULL)
		goto fail;
	if (db_value(db, a, SQL_SETUP_TABLES, NULL, 0, -1, &tables) != GH_OK) {
		fprintf(stderr, "gatehouse: setup: cannot reach database %s as %s (see the line "
		    "above)\n", final.db_name, final.db_user);
		goto fail;
	}
	if (tables != 0) {
		fprintf(stderr, "gatehouse: setup: database %s holds %lld tables; setup only prepares "
		    "an empty database\n", final.db_name, tables);
		goto fail;
	}
	if (migrate_run(db, final.sql_dir, 0) != 0)
		goto fail;
	if (password_hash(pw, len, (unsigned long long)final.pwhash_opslimit,
	    (size_t)final.pwhash_memlimit_kib * 1024, hash) != 0) {
		fprintf(stderr, "gatehouse: setup: cannot hash the password\n");
		goto fail;
	}
	if (first_admin(&s, db, hash, &uid, &oid) == -1)
		goto fail;
	if (!existing) {
		if (s.chown_ok && (chown(s.tmpconf, 0, s.gid) == -1 || chmod(s.tmpconf, 0640) == -1))
			fprintf(stderr, "gatehouse: setup: %s: %s\n", s.tmpconf, strerror(errno));
		if (link(s.tmpconf, s.config) == -1) {
			fprintf(stderr, "gatehouse: setup: %s: %s\n", s.config, strerror(errno));
			goto fail;
		}
		unlink(s.tmpconf);
		s.tmpconf[0] = '\0';
		printf("wrote %s\n", s.config);
	}
	printf("created organization %s (id %lld) and its administrator %s (id %lld; "
	    "platform_admin, org_admin of %s)\n", s.org_slug, oid, s.username, uid, s.org_slug);
	printf("next: systemctl enable --now gatehouse (or gatehouse serve -c %s), put nginx in "
	    "front (%s/examples/nginx.conf.example), and sign in as %s at %s/\n",
	    s.config, GH_DOCDIR, s.username, final.public_url);
	if (strcmp(final.public_url, "http://localhost:8080") == 0 ||
	    strcmp(final.public_url, "http://localhost") == 0)
		printf("note: public_url is %s; set the address users reach in %s\n",
		    final.public_url, s.config);
	rc = 0;
	goto out;
fail:
	undo(&s);
out:
	sodium_memzero(dbpw, sizeof(dbpw));
	sodium_memzero(hash, sizeof(hash));
	if (pw != NULL)
		sodium_free(pw);
	config_secret_free(apw);
	if (rc != 0 && s.tmpconf[0] != '\0')
		unlink(s.tmpconf);
	db_free(db);
	arena_free(a);
	store_provision_close(s.prov);
	if (loaded)
		config_free(&cfg);
	if (floaded)
		config_free(&final);
	for (len = 0; len < s.nmade; len++)
		free(s.made[len]);
	free(s.made_dir);
	return rc;
}
