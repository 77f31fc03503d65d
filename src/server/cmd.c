#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <cJSON.h>
#include <sodium.h>

#include "config.h"

#include "api/api.h"
#include "auth/authz.h"
#include "auth/password.h"
#include "auth/policy.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/valid.h"
#include "http/router.h"
#include "server/cmd.h"
#include "server/master.h"
#include "server/worker.h"
#include "store/account.h"
#include "store/db.h"
#include "store/migrate.h"

static void
usage(FILE *f)
{
	fputs("usage: gatehouse <command> [options]\n"
	    "\n"
	    "  serve -c FILE            run the pre-forked FastCGI server\n"
	    "  worker -c FILE           serve FastCGI on the listening socket at fd 0 (spawn-fcgi)\n"
	    "  migrate -c FILE [--status]  apply pending sql/ migrations (or list them)\n"
	    "  check-config -c FILE     validate the configuration and print it\n"
	    "  setup [-c FILE] [options]  prepare a fresh database, the secrets and the configuration,\n"
	    "                           migrate, create the first organization and its administrator\n"
	    "                           (gatehouse setup --help)\n"
	    "  create-admin -c FILE --username U --email E [--password-file F]\n"
	    "                           create the first platform administrator (password from F or stdin)\n"
	    "  hash-password [-c FILE]  read a password on stdin, print its Argon2id hash\n"
	    "  routes [-c FILE] [--check]  print the routes with their permissions; --check fails\n"
	    "                           when a route that needs a permission has no active mapping\n"
	    "  routes --json            print the route table as JSON (method, pattern, body, auth)\n"
	    "  routes --markdown -c FILE  print the route table of docs/api.md (with the mappings)\n"
	    "  config-docs              print docs/configuration.md (every key, default, meaning)\n"
	    "  version                  print the version\n", f);
}

static int
load(struct gh_config *cfg, const char *path)
{
	char		 err[512];
	enum log_level	 lvl;

	if (config_load(cfg, path, err, sizeof(err)) == -1) {
		fprintf(stderr, "gatehouse: config: %s\n", err);
		return -1;
	}
	if (log_level_parse(cfg->log_level, &lvl) == 0)
		log_level_cur = lvl;
	return 0;
}

/* Options shared by the commands: -c FILE plus the command's own long options. */
struct opts {
	const char	*config;
	const char	*username;
	const char	*email;
	const char	*password_file;
	int		 status;
	int		 json;
	int		 markdown;
};

static int
parse(int argc, char **argv, struct opts *o)
{
	static const struct option longs[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "username", required_argument, NULL, 'u' },
		{ "email", required_argument, NULL, 'e' },
		{ "password-file", required_argument, NULL, 'p' },
		{ "status", no_argument, NULL, 's' },
		{ "check", no_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "markdown", no_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	int	 ch;

	memset(o, 0, sizeof(*o));
	o->config = getenv("GATEHOUSE_CONFIG");
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:", longs, NULL)) != -1) {
		switch (ch) {
		case 'c': o->config = optarg; break;
		case 'u': o->username = optarg; break;
		case 'e': o->email = optarg; break;
		case 'p': o->password_file = optarg; break;
		case 's': o->status = 1; break;
		case 'j': o->json = 1; break;
		case 'm': o->markdown = 1; break;
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "gatehouse: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	return 0;
}

static int
need_config(const struct opts *o)
{
	if (o->config == NULL) {
		fprintf(stderr, "gatehouse: -c FILE is required (or set GATEHOUSE_CONFIG)\n");
		return -1;
	}
	return 0;
}

/*
 * What a worker needs of cfg beyond its syntax, said on standard error: the signing key's
 * file.  0, or -1 (cfg freed).
 */
static int
keys_ready(struct gh_config *cfg)
{
	char	*s, err[256];
	size_t	 len;

	if (strcmp(cfg->jwt_alg, "HS256") == 0) {
		if (cfg->jwt_secret_file == NULL) {
			fprintf(stderr, "gatehouse: config: key 'jwt_secret_file': required with HS256\n");
			config_free(cfg);
			return -1;
		}
		if ((s = config_read_secret(cfg->jwt_secret_file, &len, err, sizeof(err))) == NULL ||
		    len < 32) {
			fprintf(stderr, "gatehouse: config: key 'jwt_secret_file': %s\n",
			    s == NULL ? err : "the secret is shorter than 32 bytes (256 bits)");
			config_secret_free(s);
			config_free(cfg);
			return -1;
		}
		config_secret_free(s);
	} else if (cfg->jwt_key_file == NULL) {
		fprintf(stderr, "gatehouse: config: key 'jwt_key_file': required with %s\n", cfg->jwt_alg);
		config_free(cfg);
		return -1;
	}
	return 0;
}

static int
cmd_serve(const struct opts *o)
{
	struct gh_config	 cfg;

	/* A worker that cannot start would be respawned forever: refuse before any runs. */
	if (need_config(o) == -1 || load(&cfg, o->config) == -1 || keys_ready(&cfg) == -1)
		return 1;
	if (log_open(cfg.log_file) == -1) {
		fprintf(stderr, "gatehouse: log_file %s: %s\n", cfg.log_file, strerror(errno));
		return 1;
	}
	log_tee_errors(1);
	return master_run(&cfg);
}

static int
cmd_worker(const struct opts *o)
{
	struct gh_config	 cfg;
	struct metrics		*m;
	int			 rc;

	if (need_config(o) == -1 || load(&cfg, o->config) == -1 || keys_ready(&cfg) == -1)
		return 1;
	if (log_open(cfg.log_file) == -1) {
		fprintf(stderr, "gatehouse: log_file %s: %s\n", cfg.log_file, strerror(errno));
		return 1;
	}
	cfg.workers = 1;
	if ((m = metrics_new()) != NULL)
		log_share(&m->log_write_errors, &m->log_reported);
	rc = worker_run(&cfg, 0, m, cfg.worker_connections);
	config_free(&cfg);
	return rc;
}

static int
cmd_migrate(const struct opts *o)
{
	struct gh_config	 cfg;
	struct db		*db;
	int			 rc;

	if (need_config(o) == -1 || load(&cfg, o->config) == -1)
		return 1;
	/*
	 * A migration may rewrite a large table (sql/0011 fills 6.5 million rows on a million
	 * users): no read or write timeout, unlike a request's statements (db_rw_timeout).
	 */
	cfg.db_rw_timeout = 0;
	if ((db = db_new(&cfg)) == NULL)
		return 1;
	rc = migrate_run(db, cfg.sql_dir, o->status) == 0 ? 0 : 1;
	db_free(db);
	config_free(&cfg);
	return rc;
}

static int
cmd_check_config(const struct opts *o)
{
	struct gh_config	 cfg;

	if (need_config(o) == -1 || load(&cfg, o->config) == -1 || keys_ready(&cfg) == -1)
		return 1;
	config_print(&cfg);
	fprintf(stderr, "gatehouse: configuration %s is valid\n", o->config);
	config_free(&cfg);
	return 0;
}

/*
 * Read one password line from fd (a file or stdin) into a sodium_malloc'd buffer, without echo
 * on a terminal.  NULL on error.
 */
char *
cmd_read_password(const char *file, size_t *len)
{
	struct termios	 t, old;
	FILE		*f = stdin;
	char		*buf;
	int		 tty = 0, c;
	size_t		 n = 0, cap = 1024;

	if (file != NULL && strcmp(file, "-") != 0 && (f = fopen(file, "r")) == NULL) {
		fprintf(stderr, "gatehouse: %s: %s\n", file, strerror(errno));
		return NULL;
	}
	if (f == stdin && isatty(STDIN_FILENO)) {
		tty = 1;
		fputs("password: ", stderr);
		tcgetattr(STDIN_FILENO, &old);
		t = old;
		t.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &t);
	}
	buf = sodium_malloc(cap);
	while (buf != NULL && (c = fgetc(f)) != EOF && c != '\n') {
		if (n + 1 >= cap) {
			fprintf(stderr, "gatehouse: password longer than %zu bytes\n", cap - 1);
			sodium_free(buf);
			buf = NULL;
			break;
		}
		buf[n++] = (char)c;
	}
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (f != stdin)
		fclose(f);
	if (buf == NULL)
		return NULL;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	*len = n;
	return buf;
}

int
cmd_password_common(const struct gh_config *cfg, const char *pw)
{
	switch (policy_is_common(cfg, pw)) {
	case 0:
		return 0;
	case 1:
		fprintf(stderr, "gatehouse: this password is on the list of commonly used passwords; "
		    "choose another\n");
		return -1;
	default:
		fprintf(stderr, "gatehouse: cannot read the common-password list (data/"
		    "common-passwords.txt beside sql_dir %s)\n", cfg->sql_dir);
		return -1;
	}
}

static int
cmd_hash_password(const struct opts *o)
{
	struct gh_config	 cfg;
	char			 hash[crypto_pwhash_STRBYTES], *pw;
	size_t			 len;
	int			 rc = 1;

	if (load(&cfg, o->config) == -1)
		return 1;
	if ((pw = cmd_read_password(o->password_file, &len)) == NULL)
		goto out;
	if (password_hash(pw, len, (unsigned long long)cfg.pwhash_opslimit,
	    (size_t)cfg.pwhash_memlimit_kib * 1024, hash) == 0) {
		puts(hash);
		rc = 0;
	}
	sodium_free(pw);
out:
	config_free(&cfg);
	return rc;
}

static int
cmd_create_admin(const struct opts *o)
{
	struct gh_config	 cfg;
	struct db		*db = NULL;
	struct arena		*a = NULL;
	char			 hash[crypto_pwhash_STRBYTES], *pw = NULL;
	char			 user[VALID_IDENT_SIZE], email[VALID_IDENT_SIZE];
	size_t			 len;
	long long		 id;
	enum gh_err		 err;
	int			 rc = 1;

	if (need_config(o) == -1 || load(&cfg, o->config) == -1)
		return 1;
	/* Stored in the one canonical form (valid_ident), as the API stores them. */
	if (o->username == NULL ||
	    valid_ident(VALID_USERNAME, o->username, user, sizeof(user)) > IDENT_MAPPED) {
		fprintf(stderr, "gatehouse: --username: 3-64 characters of A-Z a-z 0-9 . _ -, "
		    "starting with a letter or a digit (stored in lower case)\n");
		goto out;
	}
	if (o->email == NULL || valid_ident(VALID_EMAIL, o->email, email, sizeof(email)) >
	    IDENT_MAPPED) {
		fprintf(stderr, "gatehouse: --email: an email address is required\n");
		goto out;
	}
	if ((pw = cmd_read_password(o->password_file, &len)) == NULL)
		goto out;
	if ((long long)len < cfg.password_min_length || (long long)len > cfg.password_max_length) {
		fprintf(stderr, "gatehouse: the password must have %lld to %lld characters\n",
		    cfg.password_min_length, cfg.password_max_length);
		goto out;
	}
	if (cmd_password_common(&cfg, pw) != 0)
		goto out;
	if (password_hash(pw, len, (unsigned long long)cfg.pwhash_opslimit,
	    (size_t)cfg.pwhash_memlimit_kib * 1024, hash) != 0) {
		fprintf(stderr, "gatehouse: cannot hash the password\n");
		goto out;
	}
	db = db_new(&cfg);
	a = arena_new(4096);
	if (db_begin(db) != GH_OK) {
		fprintf(stderr, "gatehouse: cannot reach the database\n");
		goto out;
	}
	if ((err = store_account_insert(db, a, user, email, o->username, hash, &id)) != GH_OK) {
		db_rollback(db);
		fprintf(stderr, "gatehouse: %s\n", err == GH_ERR_CONFLICT ?
		    "a user with that username or email already exists" : "cannot create the user");
		goto out;
	}
	if (store_account_grant_platform_admin(db, a, id) != GH_OK || db_commit(db) != GH_OK) {
		db_rollback(db);
		fprintf(stderr, "gatehouse: cannot grant platform_admin (were the migrations run?)\n");
		goto out;
	}
	printf("created platform administrator %s (id %lld)\n", user, id);
	printf("next: this administrator belongs to no organization yet.  Sign in (POST "
	    "/api/v1/auth/login), create the first organization (POST /api/v1/organizations, or the "
	    "console's Organizations page) and add users to it; or start from a fresh database "
	    "with `gatehouse setup`, which creates the organization with its administrator.\n");
	rc = 0;
out:
	if (pw != NULL)
		sodium_free(pw);
	sodium_memzero(hash, sizeof(hash));
	arena_free(a);
	db_free(db);
	config_free(&cfg);
	return rc;
}

/* docs/configuration.md is this output; a test checks that they agree.  It reads no options. */
static int
cmd_config_docs(const struct opts *o)
{
	const struct config_key	*k;
	static const char *const types[CONF__MAX] = { "string", "integer", "on/off", "file path" };
	size_t			 i;

	(void)o;
	printf("# Configuration\n\n"
	    "Gatehouse reads one file of `key = value` lines (`#` starts a comment; values may be\n"
	    "quoted). Every key can also be set by the environment variable `GATEHOUSE_<KEY>` (upper\n"
	    "case), which wins over the file. Secrets are never values: keys ending in `_file` name a\n"
	    "file whose contents are read when needed, so they stay out of the environment and of\n"
	    "`ps`. An unknown key, a key given twice or a bad value stops the program with one line\n"
	    "naming the key. `gatehouse check-config -c FILE` validates a file and prints the\n"
	    "effective values; `kill -HUP` of the master re-reads it (a new `listen` needs a restart).\n"
	    "\n"
	    "This page is generated by `gatehouse config-docs` from the table in src/core/config.c.\n"
	    "\n"
	    "| key | type | default | meaning |\n"
	    "|---|---|---|---|\n");
	for (i = 0; i < config_nkeys; i++) {
		k = &config_keys[i];
		printf("| `%s` | %s | %s%s%s | %s |\n", k->key, types[k->type],
		    k->def && *k->def ? "`" : "", k->def && *k->def ? k->def : "(empty)",
		    k->def && *k->def ? "`" : "", k->help);
	}
	return 0;
}

/*
 * The route table as one JSON array, for tools and tests: each route's method, pattern,
 * whether it takes a JSON body, and its authentication ("public", "own" when the handler
 * authenticates itself, "token" when a mapped permission is needed, "debug").
 */
static int
routes_json(void)
{
	const struct route	*rt;
	cJSON			*a = cJSON_CreateArray(), *o;
	char			*s;
	size_t			 i;

	for (i = 0; i < api_nroutes; i++) {
		rt = &api_routes[i];
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "method", http_method_names[rt->method]);
		cJSON_AddStringToObject(o, "pattern", rt->pattern);
		cJSON_AddBoolToObject(o, "body", (rt->flags & ROUTE_BODY) != 0);
		cJSON_AddStringToObject(o, "auth", (rt->flags & ROUTE_DEBUG) ? "debug" :
		    (rt->flags & ROUTE_OWN_AUTH) ? "own" : (rt->flags & ROUTE_PUBLIC) ? "public" :
		    "token");
		cJSON_AddItemToArray(a, o);
	}
	s = cJSON_PrintUnformatted(a);
	cJSON_Delete(a);
	if (s == NULL)
		return 1;
	printf("%s\n", s);
	cJSON_free(s);
	return 0;
}

/*
 * Print every route with the permissions mapped to it.  With -c, the mappings come from the
 * database; with --check, exit 1 when a route that needs a permission has none (deny by
 * default would make it unusable).
 */
static int
cmd_routes(const struct opts *o)
{
	struct gh_config	 cfg;
	const struct route	*rt;
	struct authz		*az = NULL;
	struct db		*db = NULL;
	long long		 perms[AUTHZ_MAXPERMS];
	size_t			 i, k, n;
	int			 rc = 0, needs, mfa;

	if (o->json)
		return routes_json();
	if (o->config != NULL) {
		if (load(&cfg, o->config) == -1)
			return 1;
		if ((db = db_new(&cfg)) == NULL || (az = authz_load(db)) == NULL) {
			fprintf(stderr, "gatehouse: routes: cannot read the mappings from the database\n");
			db_free(db);
			config_free(&cfg);
			return 1;
		}
	} else if (o->status || o->markdown) {
		fprintf(stderr, "gatehouse: routes --check and --markdown need -c FILE\n");
		return 2;
	}
	if (o->markdown)
		printf("| method | path | auth | what it does |\n|---|---|---|---|\n");
	for (i = 0; i < api_nroutes; i++) {
		rt = &api_routes[i];
		needs = !(rt->flags & (ROUTE_PUBLIC | ROUTE_OWN_AUTH));
		if (o->markdown)
			printf("| %s | `%s` | ", http_method_names[rt->method], rt->pattern);
		else
			printf("%-7s %-44s ", http_method_names[rt->method], rt->pattern);
		if (rt->flags & ROUTE_DEBUG)
			printf("public (debug_endpoints = on only)");
		else if (rt->flags & ROUTE_OWN_AUTH)
			printf("token; the mappings of the original request decide");
		else if (!needs)
			printf("public");
		else if (az == NULL)
			printf("needs a mapped permission");
		else {
			n = authz_route_perms(az, rt->method, rt->pattern, perms, AUTHZ_MAXPERMS,
			    &mfa);
			for (k = 0; k < n; k++)
				printf(o->markdown ? "%s`%s`" : "%s%s", k ? (o->markdown ? ", " : " | ") :
				    "", authz_perm_name(az, perms[k]));
			if (n > 0 && mfa)
				printf(" (MFA)");
			if (n == 0) {
				printf("NO ACTIVE MAPPING (denied to everyone)");
				rc = o->status ? 1 : 0;
			}
		}
		if (o->markdown)
			printf(" | %s |", rt->summary ? rt->summary : "");
		printf("\n");
	}
	if (az != NULL) {
		authz_free(az);
		db_free(db);
		config_free(&cfg);
	}
	return rc;
}

/* The commands that take the common options (parse), by the name on the command line. */
static const struct command {
	const char	*name;
	int		(*run)(const struct opts *);
} commands[] = {
	{ "serve",		cmd_serve },
	{ "worker",		cmd_worker },
	{ "migrate",		cmd_migrate },
	{ "check-config",	cmd_check_config },
	{ "create-admin",	cmd_create_admin },
	{ "hash-password",	cmd_hash_password },
	{ "config-docs",	cmd_config_docs },
	{ "routes",		cmd_routes },
};

int
cmd_main(int argc, char **argv)
{
	struct opts	 o;
	const char	*cmd;
	const struct command *c;

	if (sodium_init() < 0) {
		fputs("gatehouse: libsodium failed to initialise\n", stderr);
		return 1;
	}
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		printf("gatehouse %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "setup"))
		return setup_main(argc - 1, argv + 1);
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		}
	if (parse(argc - 1, argv + 1, &o) == -1)
		return 2;
	for (c = commands; c < commands + sizeof(commands) / sizeof(commands[0]); c++)
		if (!strcmp(cmd, c->name))
			return c->run(&o);
	fprintf(stderr, "gatehouse: unknown command '%s'\n", cmd);
	usage(stderr);
	return 2;
}
