/*
 * Unit tests for src/core/config.c: defaults, the key table, file parsing (comments, quotes,
 * whitespace), every load error with the key and line named, environment overrides, octal
 * socket_mode, socket_group, booleans, CONF_FILE checks, workers = 0 and config_read_secret.
 * Files are written with mkstemp under $TMPDIR (or /tmp) and removed by the teardown.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <grp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <sodium.h>

#include "core/config.h"

#define MAXTMP	32

static char	*tmpfiles[MAXTMP];
static int	 ntmp;
static char	 tmpdir_path[512];

/* Write len bytes to a new temporary file; returns its path (freed by the teardown). */
static const char *
write_tmp_len(const char *data, size_t len)
{
	const char	*dir = getenv("TMPDIR");
	char		*path;
	int		 fd;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	assert_true(ntmp < MAXTMP);
	assert_true(asprintf(&path, "%s/gh-test-config.XXXXXX", dir) > 0);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
	tmpfiles[ntmp++] = path;
	return path;
}

static const char *
write_tmp(const char *text)
{
	return write_tmp_len(text, strlen(text));
}

/* Unset every GATEHOUSE_<KEY> so the caller's environment cannot leak into a test. */
static void
clear_env(void)
{
	char	 name[128], *p;
	size_t	 i;

	for (i = 0; i < config_nkeys; i++) {
		snprintf(name, sizeof(name), "GATEHOUSE_%s", config_keys[i].key);
		for (p = name; *p != '\0'; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		unsetenv(name);
	}
}

static int
setup(void **state)
{
	(void)state;
	clear_env();
	ntmp = 0;
	return 0;
}

static int
teardown(void **state)
{
	int	 i;

	(void)state;
	for (i = 0; i < ntmp; i++) {
		unlink(tmpfiles[i]);
		free(tmpfiles[i]);
	}
	ntmp = 0;
	if (tmpdir_path[0] != '\0') {
		rmdir(tmpdir_path);
		tmpdir_path[0] = '\0';
	}
	clear_env();
	return 0;
}

/* config_read_secret uses sodium_malloc, which needs sodium_init (cmd_main calls it first). */
static int
group_setup(void **state)
{
	(void)state;
	return sodium_init() < 0 ? -1 : 0;
}

static long long
ncpu(void)
{
	long	 n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? n : 1;
}

/* Load text as a config file; expect failure and return the message. */
static void
expect_fail(const char *text, char *err, size_t errlen)
{
	struct gh_config	 c;

	err[0] = '\0';
	assert_int_equal(config_load(&c, write_tmp(text), err, errlen), -1);
	assert_true(err[0] != '\0');
	/* The config is released on failure. */
	assert_null(c.listen);
	assert_null(c.db_name);
	assert_null(c.path);
}

#define assert_contains(hay, needle) do {					\
	if (strstr((hay), (needle)) == NULL)					\
		fail_msg("\"%s\" does not contain \"%s\"", (hay), (needle));	\
} while (0)

static void
test_key_table(void **state)
{
	size_t	 i, j;

	(void)state;
	assert_true(config_nkeys > 0 && config_nkeys < 256);
	for (i = 0; i < config_nkeys; i++) {
		const struct config_key *k = &config_keys[i];

		assert_non_null(k->key);
		assert_true(k->type < CONF__MAX);
		assert_non_null(k->help);
		for (j = 0; k->key[j] != '\0'; j++)
			assert_true((k->key[j] >= 'a' && k->key[j] <= 'z') || k->key[j] == '_');
		if (k->type == CONF_INT)
			assert_true(k->min <= k->max);
		for (j = i + 1; j < config_nkeys; j++)
			if (strcmp(k->key, config_keys[j].key) == 0)
				fail_msg("key %s appears twice in config_keys", k->key);
	}
}

static void
test_defaults(void **state)
{
	struct gh_config	 c;
	char			 err[256] = "";

	(void)state;
	assert_int_equal(config_load(&c, NULL, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_null(c.path);
	assert_string_equal(c.listen, "unix:/run/gatehouse/gatehouse.sock");
	assert_int_equal(c.socket_mode, 0660);
	assert_int_equal(c.workers, ncpu());
	assert_int_equal(c.max_requests, 0);
	assert_int_equal(c.shutdown_timeout, 30);
	assert_null(c.pid_file);
	assert_null(c.log_file);
	assert_string_equal(c.log_level, "info");
	assert_int_equal(c.body_limit, 65536);
	assert_int_equal(c.debug_endpoints, 0);
	assert_string_equal(c.db_host, "localhost");
	assert_int_equal(c.db_port, 3306);
	assert_null(c.db_socket);
	assert_string_equal(c.db_name, "gatehouse");
	assert_string_equal(c.db_user, "gatehouse");
	assert_null(c.db_password_file);
	assert_string_equal(c.redis_host, "127.0.0.1");
	assert_int_equal(c.redis_port, 6379);
	assert_null(c.redis_socket);
	assert_null(c.redis_password_file);
	assert_int_equal(c.redis_db, 0);
	assert_int_equal(c.redis_timeout_ms, 500);
	assert_non_null(c.sql_dir);
	assert_string_equal(c.jwt_issuer, "gatehouse");
	assert_string_equal(c.jwt_audience, "gatehouse");
	assert_string_equal(c.jwt_alg, "HS256");
	assert_null(c.jwt_secret_file);
	assert_int_equal(c.access_token_ttl, 900);
	assert_int_equal(c.refresh_token_ttl, 2592000);
	config_free(&c);
	assert_null(c.listen);
	assert_null(c.log_level);
	config_free(&c);	/* twice is harmless */
	assert_null(c.db_name);
}

/* Every default in the table is what config_load puts in the struct. */
static void
test_defaults_match_table(void **state)
{
	struct gh_config	 c;
	char			 err[256];
	size_t			 i;

	(void)state;
	assert_int_equal(config_load(&c, NULL, err, sizeof(err)), 0);
	for (i = 0; i < config_nkeys; i++) {
		const struct config_key *k = &config_keys[i];
		const char *s;

		switch (k->type) {
		case CONF_INT:
			if (strcmp(k->key, "workers") == 0 ||
			    strcmp(k->key, "check_workers") == 0 ||
			    strcmp(k->key, "pwhash_concurrency") == 0) {
				/* 0 = the number of CPUs, resolved by config_load. */
				assert_true(*(long long *)((char *)&c + k->off) >= 1);
				break;
			}
			assert_int_equal(*(long long *)((char *)&c + k->off),
			    strtoll(k->def, NULL, strcmp(k->key, "socket_mode") ? 10 : 8));
			break;
		case CONF_BOOL:
			assert_int_equal(*(int *)((char *)&c + k->off),
			    strcmp(k->def, "on") == 0 || strcmp(k->def, "yes") == 0 ||
			    strcmp(k->def, "true") == 0 || strcmp(k->def, "1") == 0);
			break;
		default:
			s = *(char **)((char *)&c + k->off);
			if (k->def == NULL || *k->def == '\0')
				assert_null(s);
			else
				assert_string_equal(s, k->def);
			break;
		}
	}
	config_free(&c);
}

static void
test_file_parsing(void **state)
{
	struct gh_config	 c;
	char			 err[256] = "";
	const char		*path;

	(void)state;
	path = write_tmp(
	    "# a comment\n"
	    "   # an indented comment\n"
	    "\n"
	    "  \t \n"
	    "listen=127.0.0.1:9000\n"
	    "  workers   =   3   \n"
	    "\tdb_name\t=\t\"quoted name\"\n"
	    "jwt_issuer = \"  spaced  \"\n"
	    "pid_file = \"\"\n"
	    "log_file =\n"
	    "public_url = http://example.test/?a=b&c=d\n"
	    "jwt_audience = \"half\n"
	    "redis_host = value with # inside\n"
	    "db_port = 3310");
	err[0] = '\0';
	assert_int_equal(config_load(&c, path, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_string_equal(c.path, path);
	assert_string_equal(c.listen, "127.0.0.1:9000");
	assert_int_equal(c.workers, 3);
	assert_string_equal(c.db_name, "quoted name");
	assert_string_equal(c.jwt_issuer, "  spaced  ");
	assert_null(c.pid_file);
	assert_null(c.log_file);
	assert_string_equal(c.public_url, "http://example.test/?a=b&c=d");
	assert_string_equal(c.jwt_audience, "\"half");
	assert_string_equal(c.redis_host, "value with # inside");
	assert_int_equal(c.db_port, 3310);
	/* Keys not in the file keep their defaults. */
	assert_string_equal(c.db_host, "localhost");
	assert_int_equal(c.redis_port, 6379);
	config_free(&c);
}

static void
test_missing_file(void **state)
{
	struct gh_config	 c;
	char			 err[256] = "";

	(void)state;
	assert_int_equal(config_load(&c, "/nonexistent/gatehouse-test.conf", err, sizeof(err)), -1);
	assert_contains(err, "/nonexistent/gatehouse-test.conf");
	assert_null(c.path);
	assert_null(c.listen);
}

static void
test_unknown_key(void **state)
{
	char	 err[256];

	(void)state;
	expect_fail("listen = 127.0.0.1:9000\n# fine\nno_such_key = 1\n", err, sizeof(err));
	assert_contains(err, "unknown key 'no_such_key'");
	assert_contains(err, ":3:");
	/* Keys are case sensitive. */
	expect_fail("Listen = 127.0.0.1:9000\n", err, sizeof(err));
	assert_contains(err, "unknown key 'Listen'");
	assert_contains(err, ":1:");
}

static void
test_duplicate_key(void **state)
{
	char	 err[256];

	(void)state;
	expect_fail("db_port = 1\n\nredis_db = 2\ndb_port = 1\n", err, sizeof(err));
	assert_contains(err, "'db_port'");
	assert_contains(err, "twice");
	assert_contains(err, ":4:");
}

static void
test_no_equals(void **state)
{
	char	 err[256];

	(void)state;
	expect_fail("listen 127.0.0.1:9000\n", err, sizeof(err));
	assert_contains(err, ":1:");
	assert_contains(err, "key = value");
}

static void
test_bad_int(void **state)
{
	char	 err[256];

	(void)state;
	expect_fail("# c\nworkers = abc\n", err, sizeof(err));
	assert_contains(err, "'workers'");
	assert_contains(err, "abc");
	assert_contains(err, ":2:");

	expect_fail("db_port = 33o6\n", err, sizeof(err));
	assert_contains(err, "'db_port'");
	assert_contains(err, "33o6");

	expect_fail("db_port = 65536\n", err, sizeof(err));
	assert_contains(err, "'db_port'");
	assert_contains(err, "0 to 65535");

	expect_fail("workers = -1\n", err, sizeof(err));
	assert_contains(err, "'workers'");

	expect_fail("body_limit =\n", err, sizeof(err));
	assert_contains(err, "'body_limit'");

	expect_fail("max_requests = 99999999999999999999999\n", err, sizeof(err));
	assert_contains(err, "'max_requests'");
}

static void
test_int_bounds_inclusive(void **state)
{
	struct gh_config	 c;
	char			 err[256] = "";

	(void)state;
	assert_int_equal(config_load(&c, write_tmp("db_port = 65535\nredis_port = 1\n"
	    "body_limit = 1024\n"), err, sizeof(err)), 0);
	assert_int_equal(c.db_port, 65535);
	assert_int_equal(c.redis_port, 1);
	assert_int_equal(c.body_limit, 1024);
	config_free(&c);
}

static void
test_line_too_long(void **state)
{
	char	 err[256];
	char	*text;
	size_t	 n = 6000;

	(void)state;
	text = malloc(n + 32);
	assert_non_null(text);
	strcpy(text, "public_url = ");
	memset(text + strlen(text), 'x', n);
	text[13 + n] = '\n';
	text[14 + n] = '\0';
	expect_fail(text, err, sizeof(err));
	free(text);
	assert_contains(err, ":1:");
	assert_contains(err, "too long");
}

static void
test_env_override(void **state)
{
	struct gh_config	 c;
	char			 err[256] = "";

	(void)state;
	assert_int_equal(setenv("GATEHOUSE_DB_PORT", "3307", 1), 0);
	assert_int_equal(setenv("GATEHOUSE_LISTEN", "unix:/tmp/env.sock", 1), 0);
	assert_int_equal(setenv("GATEHOUSE_LOG_LEVEL", "debug", 1), 0);
	assert_int_equal(setenv("GATEHOUSE_PID_FILE", "", 1), 0);
	/* The environment wins over the file. */
	assert_int_equal(config_load(&c, write_tmp("db_port = 3306\nlisten = 127.0.0.1:1\n"
	    "pid_file = /tmp/x.pid\nredis_db = 4\n"), err, sizeof(err)), 0);
	assert_int_equal(c.db_port, 3307);
	assert_string_equal(c.listen, "unix:/tmp/env.sock");
	assert_string_equal(c.log_level, "debug");
	assert_null(c.pid_file);	/* an empty variable empties the key */
	assert_int_equal(c.redis_db, 4);
	config_free(&c);

	/* Without a file too. */
	assert_int_equal(config_load(&c, NULL, err, sizeof(err)), 0);
	assert_int_equal(c.db_port, 3307);
	config_free(&c);
}

static void
test_env_bad_value(void **state)
{
	struct gh_config	 c;
	char			 err[256] = "";

	(void)state;
	assert_int_equal(setenv("GATEHOUSE_REDIS_PORT", "sixty", 1), 0);
	assert_int_equal(config_load(&c, NULL, err, sizeof(err)), -1);
	assert_contains(err, "GATEHOUSE_REDIS_PORT");
	assert_contains(err, "'redis_port'");
	assert_contains(err, "sixty");
	assert_null(c.listen);
	unsetenv("GATEHOUSE_REDIS_PORT");

	/* Lower case names are not ours. */
	assert_int_equal(setenv("gatehouse_redis_port", "sixty", 1), 0);
	assert_int_equal(config_load(&c, NULL, err, sizeof(err)), 0);
	assert_int_equal(c.redis_port, 6379);
	config_free(&c);
	unsetenv("gatehouse_redis_port");
}

static void
test_socket_mode_octal(void **state)
{
	struct gh_config	 c;
	char			 err[256] = "";

	(void)state;
	assert_int_equal(config_load(&c, write_tmp("socket_mode = 0600\n"), err, sizeof(err)), 0);
	assert_int_equal(c.socket_mode, 0600);
	assert_int_equal(c.socket_mode, 384);
	config_free(&c);

	assert_int_equal(config_load(&c, write_tmp("socket_mode = 777\n"), err, sizeof(err)), 0);
	assert_int_equal(c.socket_mode, 0777);
	config_free(&c);

	assert_int_equal(setenv("GATEHOUSE_SOCKET_MODE", "0640", 1), 0);
	assert_int_equal(config_load(&c, NULL, err, sizeof(err)), 0);
	assert_int_equal(c.socket_mode, 0640);
	config_free(&c);
	unsetenv("GATEHOUSE_SOCKET_MODE");

	/* 8 is not an octal digit; 01000 is past 0777. */
	expect_fail("socket_mode = 0680\n", err, sizeof(err));
	assert_contains(err, "'socket_mode'");
	expect_fail("socket_mode = 01000\n", err, sizeof(err));
	assert_contains(err, "'socket_mode'");
	expect_fail("socket_mode = 0x1ff\n", err, sizeof(err));
	assert_contains(err, "'socket_mode'");
}

/* socket_group: a name or a number, resolved at load; empty means no change (-1). */
static void
test_socket_group(void **state)
{
	struct gh_config	 c;
	struct group		*gr;
	char			 err[256] = "", line[128];

	(void)state;
	assert_int_equal(config_load(&c, NULL, err, sizeof(err)), 0);
	assert_null(c.socket_group);
	assert_int_equal(c.socket_gid, -1);
	config_free(&c);

	/* The group of gid 0 has a name on every system (root). */
	gr = getgrgid(0);
	assert_non_null(gr);
	snprintf(line, sizeof(line), "socket_group = %s\n", gr->gr_name);
	assert_int_equal(config_load(&c, write_tmp(line), err, sizeof(err)), 0);
	assert_string_equal(c.socket_group, gr->gr_name);
	assert_int_equal(c.socket_gid, 0);
	config_free(&c);

	/* A number needs no entry in the group database. */
	assert_int_equal(config_load(&c, write_tmp("socket_group = 54321\n"), err, sizeof(err)), 0);
	assert_int_equal(c.socket_gid, 54321);
	config_free(&c);

	assert_int_equal(setenv("GATEHOUSE_SOCKET_GROUP", "54322", 1), 0);
	assert_int_equal(config_load(&c, NULL, err, sizeof(err)), 0);
	assert_int_equal(c.socket_gid, 54322);
	config_free(&c);
	unsetenv("GATEHOUSE_SOCKET_GROUP");

	expect_fail("socket_group = no-such-group-gh\n", err, sizeof(err));
	assert_contains(err, "key 'socket_group': no such group 'no-such-group-gh'");
	expect_fail("socket_group = 12x\n", err, sizeof(err));
	assert_contains(err, "'socket_group'");
	expect_fail("socket_group = -5\n", err, sizeof(err));
	assert_contains(err, "'socket_group'");
}

/* Other integers are decimal: a leading zero does not make them octal. */
static void
test_decimal_leading_zero(void **state)
{
	struct gh_config	 c;
	char			 err[256] = "";

	(void)state;
	assert_int_equal(config_load(&c, write_tmp("redis_db = 010\n"), err, sizeof(err)), 0);
	assert_int_equal(c.redis_db, 10);
	config_free(&c);
}

static void
test_bool_values(void **state)
{
	const char	*on[] = { "on", "yes", "true", "1" };
	const char	*off[] = { "off", "no", "false", "0" };
	struct gh_config c;
	char		 err[256], line[64];
	size_t		 i;

	(void)state;
	for (i = 0; i < 4; i++) {
		snprintf(line, sizeof(line), "debug_endpoints = %s\n", on[i]);
		assert_int_equal(config_load(&c, write_tmp(line), err, sizeof(err)), 0);
		assert_int_equal(c.debug_endpoints, 1);
		config_free(&c);
		snprintf(line, sizeof(line), "debug_endpoints = %s\n", off[i]);
		assert_int_equal(config_load(&c, write_tmp(line), err, sizeof(err)), 0);
		assert_int_equal(c.debug_endpoints, 0);
		config_free(&c);
	}
	assert_int_equal(setenv("GATEHOUSE_DEBUG_ENDPOINTS", "yes", 1), 0);
	assert_int_equal(config_load(&c, write_tmp("debug_endpoints = off\n"), err, sizeof(err)), 0);
	assert_int_equal(c.debug_endpoints, 1);
	config_free(&c);
	unsetenv("GATEHOUSE_DEBUG_ENDPOINTS");

	expect_fail("debug_endpoints = maybe\n", err, sizeof(err));
	assert_contains(err, "'debug_endpoints'");
	assert_contains(err, "maybe");
	expect_fail("debug_endpoints = 2\n", err, sizeof(err));
	assert_contains(err, "'debug_endpoints'");
}

static void
test_conf_file_unreadable(void **state)
{
	struct gh_config	 c;
	char			 err[256] = "", line[600];
	const char		*secret;

	(void)state;
	expect_fail("db_password_file = /nonexistent/gh-test-password\n", err, sizeof(err));
	assert_contains(err, "'db_password_file'");
	assert_contains(err, "/nonexistent/gh-test-password");

	assert_int_equal(setenv("GATEHOUSE_JWT_SECRET_FILE", "/nonexistent/gh-jwt", 1), 0);
	assert_int_equal(config_load(&c, NULL, err, sizeof(err)), -1);
	assert_contains(err, "'jwt_secret_file'");
	assert_contains(err, "/nonexistent/gh-jwt");
	unsetenv("GATEHOUSE_JWT_SECRET_FILE");

	/* A readable file is accepted and kept as a path, never read here. */
	secret = write_tmp("hunter2hunter2\n");
	snprintf(line, sizeof(line), "db_password_file = %s\nredis_password_file = \"%s\"\n",
	    secret, secret);
	assert_int_equal(config_load(&c, write_tmp(line), err, sizeof(err)), 0);
	assert_string_equal(c.db_password_file, secret);
	assert_string_equal(c.redis_password_file, secret);
	config_free(&c);
}

static void
test_checks(void **state)
{
	char	 err[256];

	(void)state;
	expect_fail("listen = unix:relative.sock\n", err, sizeof(err));
	assert_contains(err, "'listen'");
	expect_fail("listen = localhost\n", err, sizeof(err));
	assert_contains(err, "'listen'");
	expect_fail("log_level = verbose\n", err, sizeof(err));
	assert_contains(err, "'log_level'");
	expect_fail("jwt_alg = none\n", err, sizeof(err));
	assert_contains(err, "'jwt_alg'");
	expect_fail("jwt_alg = hs256\n", err, sizeof(err));
	assert_contains(err, "'jwt_alg'");
	expect_fail("password_min_length = 100\npassword_max_length = 64\n", err, sizeof(err));
	assert_contains(err, "password_min_length");
	expect_fail("db_name = \"\"\n", err, sizeof(err));
	assert_contains(err, "'db_name'");
	/* WebAuthn: an RP ID is a domain (never an IP address); origins carry no path. */
	expect_fail("webauthn_rp_id = 127.0.0.1\n", err, sizeof(err));
	assert_contains(err, "'webauthn_rp_id'");
	expect_fail("webauthn_rp_id = Example.COM\n", err, sizeof(err));
	assert_contains(err, "'webauthn_rp_id'");
	expect_fail("webauthn_rp_id = a..b\n", err, sizeof(err));
	assert_contains(err, "'webauthn_rp_id'");
	expect_fail("webauthn_origins = localhost:8080\n", err, sizeof(err));
	assert_contains(err, "'webauthn_origins'");
	expect_fail("webauthn_origins = https://a.example/login\n", err, sizeof(err));
	assert_contains(err, "'webauthn_origins'");
	expect_fail("webauthn_origins = https://a.example,\n", err, sizeof(err));
	assert_contains(err, "'webauthn_origins'");
	expect_fail("webauthn_user_verification = always\n", err, sizeof(err));
	assert_contains(err, "'webauthn_user_verification'");
}

static void
test_webauthn_keys(void **state)
{
	struct gh_config	 c;
	char			 err[256] = "";

	(void)state;
	assert_int_equal(config_load(&c, write_tmp("webauthn_rp_id = login.example.com\n"
	    "webauthn_origins = https://login.example.com,https://app.example.com:8443\n"
	    "webauthn_user_verification = required\n"), err, sizeof(err)), 0);
	assert_string_equal(c.webauthn_rp_id, "login.example.com");
	assert_string_equal(c.webauthn_origins,
	    "https://login.example.com,https://app.example.com:8443");
	assert_string_equal(c.webauthn_user_verification, "required");
	assert_string_equal(c.webauthn_rp_name, "Gatehouse");
	config_free(&c);
}

static void
test_workers(void **state)
{
	struct gh_config	 c;
	char			 err[256] = "";

	(void)state;
	assert_int_equal(config_load(&c, write_tmp("workers = 0\n"), err, sizeof(err)), 0);
	assert_int_equal(c.workers, ncpu());
	assert_true(c.workers >= 1);
	config_free(&c);
	assert_int_equal(config_load(&c, write_tmp("workers = 7\n"), err, sizeof(err)), 0);
	assert_int_equal(c.workers, 7);
	config_free(&c);
	assert_int_equal(setenv("GATEHOUSE_WORKERS", "0", 1), 0);
	assert_int_equal(config_load(&c, write_tmp("workers = 7\n"), err, sizeof(err)), 0);
	assert_int_equal(c.workers, ncpu());
	config_free(&c);
	unsetenv("GATEHOUSE_WORKERS");
}

static void
test_check_pool(void **state)
{
	struct gh_config	 c;
	char			 err[256] = "";

	(void)state;
	/* No check pool unless asked for; its size defaults to the CPUs, 32 connections each. */
	assert_int_equal(config_load(&c, write_tmp("workers = 3\n"), err, sizeof(err)), 0);
	assert_null(c.check_listen);
	assert_int_equal(c.check_workers, ncpu());
	assert_int_equal(c.check_worker_connections, 32);
	config_free(&c);
	assert_int_equal(config_load(&c, write_tmp("check_listen = unix:/tmp/c.sock\n"
	    "check_workers = 5\ncheck_worker_connections = 64\n"), err, sizeof(err)), 0);
	assert_string_equal(c.check_listen, "unix:/tmp/c.sock");
	assert_int_equal(c.check_workers, 5);
	assert_int_equal(c.check_worker_connections, 64);
	config_free(&c);
	expect_fail("listen = unix:/tmp/a.sock\ncheck_listen = unix:/tmp/a.sock\n", err, sizeof(err));
	assert_contains(err, "check_listen");
	assert_contains(err, "other than listen");
	expect_fail("check_listen = unix:relative.sock\n", err, sizeof(err));
	assert_contains(err, "check_listen");
	expect_fail("check_listen = nocolon\n", err, sizeof(err));
	assert_contains(err, "check_listen");
	expect_fail("check_worker_connections = 65\n", err, sizeof(err));
	assert_contains(err, "check_worker_connections");
}

static void
check_secret(const char *content, size_t clen, const char *want, size_t wlen)
{
	char	 err[256] = "";
	char	*s;
	size_t	 len = 12345;

	s = config_read_secret(write_tmp_len(content, clen), &len, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(len, wlen);
	assert_memory_equal(s, want, wlen);
	assert_int_equal(s[len], '\0');
	config_secret_free(s);
}

static void
test_read_secret(void **state)
{
	char	 err[256] = "";
	char	*s;

	(void)state;
	check_secret("s3cret\n", 7, "s3cret", 6);
	check_secret("s3cret", 6, "s3cret", 6);
	check_secret("s3cret\n\n", 8, "s3cret\n", 7);	/* only one newline */
	check_secret("two\nlines\n", 10, "two\nlines", 9);
	check_secret("crlf\r\n", 6, "crlf", 4);
	check_secret("\n", 1, "", 0);
	check_secret("", 0, "", 0);
	check_secret(" pad \n", 6, " pad ", 5);	/* spaces are part of the secret */
	check_secret("a\0b\n", 4, "a\0b", 3);

	/* lenp may be NULL. */
	s = config_read_secret(write_tmp("abc\n"), NULL, err, sizeof(err));
	assert_non_null(s);
	assert_string_equal(s, "abc");
	config_secret_free(s);
	config_secret_free(NULL);
}

static void
test_read_secret_errors(void **state)
{
	char	 err[256] = "";
	char	*big, *s;
	size_t	 len = 0;
	const char *dir;

	(void)state;
	s = config_read_secret("/nonexistent/gh-secret", &len, err, sizeof(err));
	assert_null(s);
	assert_contains(err, "/nonexistent/gh-secret");

	/* A directory is not a secret. */
	dir = getenv("TMPDIR");
	snprintf(tmpdir_path, sizeof(tmpdir_path), "%s/gh-test-dir.XXXXXX",
	    dir != NULL && *dir != '\0' ? dir : "/tmp");
	assert_non_null(mkdtemp(tmpdir_path));
	err[0] = '\0';
	assert_null(config_read_secret(tmpdir_path, &len, err, sizeof(err)));
	assert_contains(err, tmpdir_path);

	/* Nor is anything over 64 KiB. */
	big = malloc(65537);
	assert_non_null(big);
	memset(big, 'k', 65537);
	err[0] = '\0';
	s = config_read_secret(write_tmp_len(big, 65537), &len, err, sizeof(err));
	assert_null(s);
	assert_true(err[0] != '\0');
	/* Exactly 64 KiB is fine. */
	s = config_read_secret(write_tmp_len(big, 65536), &len, err, sizeof(err));
	free(big);
	assert_non_null(s);
	assert_int_equal(len, 65536);
	config_secret_free(s);
}

/* db_hosts and redis_sentinels: lists of host[:port]; config_hosts parses them. */
static void
test_host_lists(void **state)
{
	struct gh_config	 c;
	struct config_host	 h[CONFIG_MAXHOSTS];
	char			 err[256] = "";

	(void)state;
	assert_int_equal(config_hosts("10.0.0.1:3307, db2 ,db3:1", 3306, h, CONFIG_MAXHOSTS), 3);
	assert_string_equal(h[0].host, "10.0.0.1");
	assert_int_equal(h[0].port, 3307);
	assert_string_equal(h[1].host, "db2");
	assert_int_equal(h[1].port, 3306);
	assert_string_equal(h[2].host, "db3");
	assert_int_equal(h[2].port, 1);
	assert_int_equal(config_hosts("", 1, h, CONFIG_MAXHOSTS), -1);
	assert_int_equal(config_hosts("a,,b", 1, h, CONFIG_MAXHOSTS), -1);
	assert_int_equal(config_hosts("a:0", 1, h, CONFIG_MAXHOSTS), -1);
	assert_int_equal(config_hosts("a:65536", 1, h, CONFIG_MAXHOSTS), -1);
	assert_int_equal(config_hosts("a:12x", 1, h, CONFIG_MAXHOSTS), -1);
	assert_int_equal(config_hosts("a b:1", 1, h, CONFIG_MAXHOSTS), -1);
	assert_int_equal(config_hosts("a,b,c", 1, h, 2), -1);

	assert_int_equal(config_load(&c, write_tmp("db_hosts = n1:3306,n2:3306\n"
	    "redis_sentinels = s1,s2:26380\nredis_master_name = gh\n"), err, sizeof(err)), 0);
	assert_string_equal(c.db_hosts, "n1:3306,n2:3306");
	assert_string_equal(c.redis_sentinels, "s1,s2:26380");
	assert_string_equal(c.redis_master_name, "gh");
	assert_int_equal(c.redis_wait_replicas, 1);
	assert_int_equal(c.redis_wait_timeout_ms, 500);
	config_free(&c);
	assert_int_equal(config_load(&c, write_tmp("workers = 1\n"), err, sizeof(err)), 0);
	assert_null(c.db_hosts);
	assert_null(c.redis_sentinels);
	assert_string_equal(c.redis_master_name, "mymaster");
	config_free(&c);
	expect_fail("db_hosts = n1:99999\n", err, sizeof(err));
	assert_contains(err, "'db_hosts'");
	expect_fail("redis_sentinels = s1:x\n", err, sizeof(err));
	assert_contains(err, "'redis_sentinels'");
	expect_fail("redis_sentinels = s1\nredis_master_name =\n", err, sizeof(err));
	assert_contains(err, "'redis_master_name'");
	expect_fail("redis_wait_replicas = 17\n", err, sizeof(err));
	assert_contains(err, "'redis_wait_replicas'");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_key_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defaults_match_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_parsing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_equals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_int, setup, teardown),
		cmocka_unit_test_setup_teardown(test_int_bounds_inclusive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_line_too_long, setup, teardown),
		cmocka_unit_test_setup_teardown(test_env_override, setup, teardown),
		cmocka_unit_test_setup_teardown(test_env_bad_value, setup, teardown),
		cmocka_unit_test_setup_teardown(test_socket_mode_octal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_socket_group, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decimal_leading_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bool_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conf_file_unreadable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_webauthn_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_workers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_pool, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_lists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_secret, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_secret_errors, setup, teardown),
	};

	return cmocka_run_group_tests_name("config", tests, group_setup, NULL);
}
