#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "core/config.h"
#include "core/log.h"

#ifndef GH_PKGDATADIR
#define GH_PKGDATADIR "/usr/local/share/gatehouse"
#endif

#define OFF(f)	offsetof(struct gh_config, f)
#define BIG	((long long)1 << 40)

const struct config_key config_keys[] = {
	{ "listen", CONF_STR, "unix:/run/gatehouse/gatehouse.sock", OFF(listen), 0, 0,
	  "FastCGI socket: unix:/path or host:port" },
	{ "listen_backlog", CONF_INT, "1024", OFF(listen_backlog), 1, 65535,
	  "listen(2) backlog of the FastCGI socket" },
	{ "socket_mode", CONF_INT, "0660", OFF(socket_mode), 0, 0777,
	  "permissions of a unix socket (octal)" },
	{ "workers", CONF_INT, "0", OFF(workers), 0, 1024,
	  "worker processes; 0 = number of CPUs" },
	{ "max_requests", CONF_INT, "0", OFF(max_requests), 0, BIG,
	  "requests a worker serves before it is replaced; 0 = no limit" },
	{ "worker_connections", CONF_INT, "8", OFF(worker_connections), 1, 64,
	  "FastCGI connections a worker holds open at once (nginx fastcgi_keep_conn): it serves "
	  "them one request at a time and accepts new ones while the others are idle" },
	{ "check_listen", CONF_STR, NULL, OFF(check_listen), 0, 0,
	  "a second FastCGI socket, served by a pool of its own (check_workers): route the token "
	  "check there (/api/v1/auth/check, nginx auth_request) so it never waits behind a "
	  "password hash or a slow request of the other workers; empty = no check pool" },
	{ "check_workers", CONF_INT, "0", OFF(check_workers), 0, 1024,
	  "worker processes of the check pool; 0 = number of CPUs" },
	{ "check_worker_connections", CONF_INT, "32", OFF(check_worker_connections), 1, 64,
	  "FastCGI connections a check-pool worker holds open at once (worker_connections of the "
	  "check pool)" },
	{ "shutdown_timeout", CONF_INT, "30", OFF(shutdown_timeout), 1, 3600,
	  "seconds a graceful stop or reload waits for requests in flight before SIGKILL" },
	{ "pid_file", CONF_STR, NULL, OFF(pid_file), 0, 0,
	  "file the master writes its pid to; empty = none" },
	{ "log_file", CONF_STR, NULL, OFF(log_file), 0, 0,
	  "log file (JSON lines); empty = standard error; reopened on SIGUSR1" },
	{ "log_level", CONF_STR, "info", OFF(log_level), 0, 0,
	  "error, warn, info (one line per request) or debug" },
	{ "log_buffer", CONF_INT, "16384", OFF(log_buffer), 0, 1048576,
	  "bytes of access lines a worker gathers for one write; they are written when the worker "
	  "runs out of requests to serve, when the buffer is full, after a second at most, and on a "
	  "crash; other lines go out at once.  0 = one write per line" },
	{ "body_limit", CONF_INT, "65536", OFF(body_limit), 1024, 64 * 1024 * 1024,
	  "largest request body in bytes; larger answers 413" },
	{ "debug_endpoints", CONF_BOOL, "off", OFF(debug_endpoints), 0, 0,
	  "serve test-only routes (/api/v1/debug/...); never in production" },

	{ "db_host", CONF_STR, "localhost", OFF(db_host), 0, 0, "MySQL/MariaDB host" },
	{ "db_port", CONF_INT, "3306", OFF(db_port), 0, 65535, "MySQL/MariaDB TCP port" },
	{ "db_socket", CONF_STR, NULL, OFF(db_socket), 0, 0,
	  "MySQL/MariaDB unix socket; when set it is used instead of host and port" },
	{ "db_name", CONF_STR, "gatehouse", OFF(db_name), 0, 0, "database name" },
	{ "db_user", CONF_STR, "gatehouse", OFF(db_user), 0, 0, "database user" },
	{ "db_password_file", CONF_FILE, NULL, OFF(db_password_file), 0, 0,
	  "file holding the database password; empty = no password" },
	{ "db_connect_timeout", CONF_INT, "3", OFF(db_connect_timeout), 1, 60,
	  "seconds to wait for a database connection" },
	{ "db_rw_timeout", CONF_INT, "10", OFF(db_rw_timeout), 1, 600,
	  "seconds a database read or write may take before the connection is dropped" },

	{ "redis_host", CONF_STR, "127.0.0.1", OFF(redis_host), 0, 0, "Redis host" },
	{ "redis_port", CONF_INT, "6379", OFF(redis_port), 1, 65535, "Redis TCP port" },
	{ "redis_socket", CONF_STR, NULL, OFF(redis_socket), 0, 0,
	  "Redis unix socket; when set it is used instead of host and port" },
	{ "redis_password_file", CONF_FILE, NULL, OFF(redis_password_file), 0, 0,
	  "file holding the Redis password (AUTH); empty = none" },
	{ "redis_db", CONF_INT, "0", OFF(redis_db), 0, 1024, "Redis database number" },
	{ "redis_timeout_ms", CONF_INT, "500", OFF(redis_timeout_ms), 10, 60000,
	  "connect and command timeout for Redis in milliseconds" },
	{ "redis_cache_slots", CONF_INT, "4096", OFF(redis_cache_slots), 0, 1048576,
	  "keys of the token check (blocklist, permission version, authorization generation) each "
	  "worker keeps between requests, invalidated by Redis (CLIENT TRACKING); 0 = ask Redis "
	  "on every check" },
	{ "redis_cache_max_age_ms", CONF_INT, "1000", OFF(redis_cache_max_age_ms), 1, 3600000,
	  "a kept key is read again from Redis after this long, even without an invalidation" },

	{ "sql_dir", CONF_STR, GH_PKGDATADIR "/sql", OFF(sql_dir), 0, 0,
	  "directory of the numbered migrations applied by `gatehouse migrate`" },

	{ "jwt_issuer", CONF_STR, "gatehouse", OFF(jwt_issuer), 0, 0, "iss of access tokens" },
	{ "jwt_audience", CONF_STR, "gatehouse", OFF(jwt_audience), 0, 0, "aud of access tokens" },
	{ "jwt_alg", CONF_STR, "HS256", OFF(jwt_alg), 0, 0,
	  "signing algorithm: HS256, ES256 or RS256" },
	{ "jwt_secret_file", CONF_FILE, NULL, OFF(jwt_secret_file), 0, 0,
	  "HS256: file holding a secret of at least 32 bytes" },
	{ "jwt_key_file", CONF_FILE, NULL, OFF(jwt_key_file), 0, 0,
	  "ES256/RS256: PEM private key used to sign" },
	{ "jwt_kid", CONF_STR, "k1", OFF(jwt_kid), 0, 0, "kid of the signing key" },
	{ "jwt_verify_keys", CONF_STR, NULL, OFF(jwt_verify_keys), 0, 0,
	  "older keys still accepted, comma separated kid:alg:path (rotation)" },
	{ "oidc_key_file", CONF_FILE, NULL, OFF(oidc_key_file), 0, 0,
	  "OpenID Connect: PEM private key (P-256 for ES256, RSA for RS256) that signs ID tokens, "
	  "published in the JWKS under oidc_kid; empty = the signing key when jwt_alg is ES256 or "
	  "RS256, else the OpenID Connect endpoints answer 503 (docs/oidc.md)" },
	{ "oidc_alg", CONF_STR, "ES256", OFF(oidc_alg), 0, 0,
	  "algorithm of oidc_key_file: ES256 (a P-256 key) or RS256 (an RSA key)" },
	{ "oidc_kid", CONF_STR, "oidc1", OFF(oidc_kid), 0, 0, "kid of oidc_key_file" },
	{ "oidc_issuer", CONF_STR, NULL, OFF(oidc_issuer), 0, 0,
	  "OpenID Connect issuer (the iss of ID tokens, the base of the discovery document's "
	  "URLs); empty = public_url" },
	{ "oidc_code_ttl", CONF_INT, "60", OFF(oidc_code_ttl), 1, 600,
	  "seconds an authorization code lives (it is also single use)" },
	{ "mfa_key_file", CONF_FILE, NULL, OFF(mfa_key_file), 0, 0,
	  "file holding the key (64 hex digits) that seals TOTP secrets and keys recovery-code "
	  "digests; empty = second factors cannot be enrolled (docs/mfa.md)" },
	{ "mfa_previous_key_file", CONF_FILE, NULL, OFF(mfa_previous_key_file), 0, 0,
	  "the MFA key before the last rotation: secrets it sealed still open and are sealed again "
	  "with mfa_key_file when next used" },
	{ "mfa_issuer", CONF_STR, "Gatehouse", OFF(mfa_issuer), 0, 0,
	  "issuer shown by authenticator apps (the otpauth:// URI)" },
	{ "mfa_grace_period_days", CONF_INT, "7", OFF(mfa_grace_period_days), 0, 365,
	  "days a user whom the MFA policy requires to have a second factor may still sign in "
	  "without one (the mfa policy's grace_period_days overrides it)" },
	{ "mfa_ticket_ttl", CONF_INT, "300", OFF(mfa_ticket_ttl), 30, 3600,
	  "seconds an MFA ticket (the second step of a login) lives" },
	{ "jwt_leeway", CONF_INT, "30", OFF(jwt_leeway), 0, 300,
	  "seconds of clock skew allowed on exp and nbf" },
	{ "access_token_ttl", CONF_INT, "900", OFF(access_token_ttl), 30, 86400,
	  "access token lifetime in seconds" },
	{ "refresh_token_ttl", CONF_INT, "2592000", OFF(refresh_token_ttl), 60, 31536000,
	  "refresh token lifetime in seconds (idle timeout of a session)" },
	{ "session_absolute_ttl", CONF_INT, "7776000", OFF(session_absolute_ttl), 60, 31536000,
	  "longest a session may be refreshed, from login, in seconds" },

	{ "pwhash_opslimit", CONF_INT, "2", OFF(pwhash_opslimit), 1, 32,
	  "Argon2id iterations (t)" },
	{ "pwhash_memlimit_kib", CONF_INT, "19456", OFF(pwhash_memlimit_kib), 8, 4194304,
	  "Argon2id memory in KiB (m); 19456 = 19 MiB, the OWASP minimum" },
	{ "pwhash_concurrency", CONF_INT, "0", OFF(pwhash_concurrency), 0, 1024,
	  "password hashes and verifications running at once across all workers (the others wait "
	  "their turn), each in memory of its own mapped once (pwhash_memlimit_kib per slot, "
	  "shared); 0 = number of CPUs.  Takes effect at start, not on reload" },
	{ "password_min_length", CONF_INT, "12", OFF(password_min_length), 8, 128,
	  "shortest password accepted (characters) where no organization policy says otherwise" },
	{ "password_max_length", CONF_INT, "128", OFF(password_max_length), 64, 1024,
	  "longest password accepted (characters)" },

	{ "lockout_threshold", CONF_INT, "5", OFF(lockout_threshold), 1, 1000,
	  "failed logins in a row that lock an account" },
	{ "lockout_period", CONF_INT, "900", OFF(lockout_period), 1, 86400,
	  "seconds an account stays locked" },
	{ "ip_max_failures", CONF_INT, "50", OFF(ip_max_failures), 1, 1000000,
	  "failed logins from one client address per window before 429" },
	{ "ip_window", CONF_INT, "300", OFF(ip_window), 1, 86400,
	  "window of the per-address counter in seconds" },

	{ "mail_command", CONF_STR, "/usr/sbin/sendmail -t -i", OFF(mail_command), 0, 0,
	  "sendmail-compatible command that receives messages on standard input" },
	{ "mail_from", CONF_STR, "Gatehouse <gatehouse@localhost>", OFF(mail_from), 0, 0,
	  "From: of the mail Gatehouse sends" },
	{ "mail_template_dir", CONF_STR, GH_PKGDATADIR "/mail", OFF(mail_template_dir), 0, 0,
	  "directory of the plain-text mail templates" },
	{ "public_url", CONF_STR, "http://localhost:8080", OFF(public_url), 0, 0,
	  "base URL of the console, used in links sent by mail" },
	{ "invitation_ttl", CONF_INT, "604800", OFF(invitation_ttl), 300, 7776000,
	  "seconds an invitation stays valid where the organization's policy does not say" },
	{ "password_reset_ttl", CONF_INT, "1800", OFF(password_reset_ttl), 60, 86400,
	  "seconds a password reset link stays valid" },
	{ "email_verification_ttl", CONF_INT, "86400", OFF(email_verification_ttl), 300, 604800,
	  "seconds an email verification link stays valid" },

	{ "webauthn_rp_id", CONF_STR, "localhost", OFF(webauthn_rp_id), 0, 0,
	  "WebAuthn relying party id: the domain passkeys are bound to (the console's host or a "
	  "parent domain of it; a domain, never an IP address)" },
	{ "webauthn_rp_name", CONF_STR, "Gatehouse", OFF(webauthn_rp_name), 0, 0,
	  "WebAuthn relying party name that authenticators show" },
	{ "webauthn_origins", CONF_STR, NULL, OFF(webauthn_origins), 0, 0,
	  "comma-separated origins (scheme://host[:port]) WebAuthn ceremonies may come from; empty "
	  "= the origin of public_url (by default http://localhost:8080)" },
	{ "webauthn_user_verification", CONF_STR, "preferred", OFF(webauthn_user_verification), 0, 0,
	  "WebAuthn user verification: required (refuse a passkey used without PIN or "
	  "biometrics), preferred or discouraged (asked for, not enforced)" },
};
const size_t config_nkeys = sizeof(config_keys) / sizeof(config_keys[0]);

static const struct config_key *
find_key(const char *k)
{
	size_t	 i;

	for (i = 0; i < config_nkeys; i++)
		if (strcmp(config_keys[i].key, k) == 0)
			return &config_keys[i];
	return NULL;
}

static char **
str_field(struct gh_config *c, const struct config_key *k)
{
	return (char **)((char *)c + k->off);
}

static long long *
int_field(struct gh_config *c, const struct config_key *k)
{
	return (long long *)((char *)c + k->off);
}

/* Set one key from text.  0, or -1 with the reason in why. */
static int
set_value(struct gh_config *c, const struct config_key *k, const char *v, char *why, size_t wl)
{
	char		*end, **sp;
	long long	 n;
	int		 base;

	switch (k->type) {
	case CONF_STR:
	case CONF_FILE:
		sp = str_field(c, k);
		free(*sp);
		*sp = *v == '\0' ? NULL : strdup(v);
		if (*v != '\0' && *sp == NULL) {
			snprintf(why, wl, "out of memory");
			return -1;
		}
		return 0;
	case CONF_INT:
		base = k->off == OFF(socket_mode) ? 8 : 10;
		errno = 0;
		n = strtoll(v, &end, base);
		if (*v == '\0' || *end != '\0' || errno != 0 || n < k->min || n > k->max) {
			snprintf(why, wl, "expected an integer from %lld to %lld, got \"%.40s\"",
			    k->min, k->max, v);
			return -1;
		}
		*int_field(c, k) = n;
		return 0;
	case CONF_BOOL:
		if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
			*(int *)((char *)c + k->off) = 1;
		else if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
			*(int *)((char *)c + k->off) = 0;
		else {
			snprintf(why, wl, "expected on or off, got \"%.40s\"", v);
			return -1;
		}
		return 0;
	default:
		snprintf(why, wl, "unknown type");
		return -1;
	}
}

static char *
trim(char *s)
{
	char	*e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int
load_file(struct gh_config *c, const char *path, unsigned char *seen, char *err, size_t el)
{
	FILE			*f;
	char			 line[4096], why[256], *k, *v, *eq;
	const struct config_key	*key;
	size_t			 len;
	int			 lineno = 0;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, el, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		len = strlen(line);
		if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
			snprintf(err, el, "%s:%d: line too long", path, lineno);
			goto fail;
		}
		k = trim(line);
		if (*k == '\0' || *k == '#')
			continue;
		if ((eq = strchr(k, '=')) == NULL) {
			snprintf(err, el, "%s:%d: expected key = value", path, lineno);
			goto fail;
		}
		*eq = '\0';
		k = trim(k);
		v = trim(eq + 1);
		len = strlen(v);
		if (len >= 2 && v[0] == '"' && v[len - 1] == '"') {
			v[len - 1] = '\0';
			v++;
		}
		if ((key = find_key(k)) == NULL) {
			snprintf(err, el, "%s:%d: unknown key '%s'", path, lineno, k);
			goto fail;
		}
		if (seen[key - config_keys]++) {
			snprintf(err, el, "%s:%d: key '%s' is set twice", path, lineno, k);
			goto fail;
		}
		if (set_value(c, key, v, why, sizeof(why)) == -1) {
			snprintf(err, el, "%s:%d: key '%s': %s", path, lineno, k, why);
			goto fail;
		}
	}
	fclose(f);
	return 0;
fail:
	fclose(f);
	return -1;
}

/* unix:/absolute/path or host:port. */
static int
socket_addr_ok(const char *a)
{
	if (a == NULL)
		return 0;
	if (strncmp(a, "unix:", 5) == 0)
		return a[5] == '/';
	return strrchr(a, ':') != NULL;
}

/* A WebAuthn RP ID: a lower-case domain name of labels, with a letter somewhere (no IP). */
static int
rp_id_ok(const char *s)
{
	size_t	 i, label = 0;
	int	 alpha = 0;

	if (s == NULL || *s == '\0' || strlen(s) > 253 || s[0] == '.' || s[strlen(s) - 1] == '.')
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '.') {
			if (label == 0)
				return 0;
			label = 0;
			continue;
		}
		if (!(s[i] >= 'a' && s[i] <= 'z') && !(s[i] >= '0' && s[i] <= '9') && s[i] != '-')
			return 0;
		if (s[i] >= 'a' && s[i] <= 'z')
			alpha = 1;
		if (++label > 63)
			return 0;
	}
	return alpha;
}

/* webauthn_origins: empty, or up to 8 comma-separated http(s)://host[:port] without a path. */
static int
origins_ok(const char *s)
{
	const char	*p, *e, *h;
	size_t		 n = 0;

	if (s == NULL)
		return 1;
	for (p = s; ; p = e + 1) {
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		if (strncmp(p, "https://", 8) == 0)
			h = p + 8;
		else if (strncmp(p, "http://", 7) == 0)
			h = p + 7;
		else
			return 0;
		if (h == e || memchr(h, '/', (size_t)(e - h)) != NULL ||
		    memchr(h, ' ', (size_t)(e - h)) != NULL || ++n > 8)
			return 0;
		if (*e == '\0')
			return 1;
	}
}

static int
check(struct gh_config *c, char *err, size_t el)
{
	const struct config_key	*k;
	size_t			 i;
	long			 ncpu;
	char			**sp;
	enum log_level		 lvl;

	for (i = 0; i < config_nkeys; i++) {
		k = &config_keys[i];
		if (k->type != CONF_FILE)
			continue;
		sp = str_field(c, k);
		if (*sp != NULL && access(*sp, R_OK) == -1) {
			snprintf(err, el, "key '%s': cannot read %s: %s", k->key, *sp, strerror(errno));
			return -1;
		}
	}
	if (!socket_addr_ok(c->listen)) {
		snprintf(err, el, "key 'listen': expected unix:/absolute/path or host:port");
		return -1;
	}
	if (c->check_listen != NULL &&
	    (!socket_addr_ok(c->check_listen) || strcmp(c->check_listen, c->listen) == 0)) {
		snprintf(err, el, "key 'check_listen': expected unix:/absolute/path or host:port, "
		    "other than listen");
		return -1;
	}
	if (c->log_level == NULL || log_level_parse(c->log_level, &lvl) == -1) {
		snprintf(err, el, "key 'log_level': expected error, warn, info or debug");
		return -1;
	}
	if (c->jwt_alg == NULL || (strcmp(c->jwt_alg, "HS256") && strcmp(c->jwt_alg, "ES256") &&
	    strcmp(c->jwt_alg, "RS256"))) {
		snprintf(err, el, "key 'jwt_alg': expected HS256, ES256 or RS256");
		return -1;
	}
	if (c->oidc_alg == NULL || (strcmp(c->oidc_alg, "ES256") && strcmp(c->oidc_alg, "RS256"))) {
		snprintf(err, el, "key 'oidc_alg': expected ES256 or RS256");
		return -1;
	}
	if (!rp_id_ok(c->webauthn_rp_id)) {
		snprintf(err, el, "key 'webauthn_rp_id': expected a domain name (not an IP address)");
		return -1;
	}
	if (!origins_ok(c->webauthn_origins)) {
		snprintf(err, el, "key 'webauthn_origins': expected up to 8 comma-separated "
		    "http:// or https:// origins without a path");
		return -1;
	}
	if (c->webauthn_user_verification == NULL ||
	    (strcmp(c->webauthn_user_verification, "required") &&
	    strcmp(c->webauthn_user_verification, "preferred") &&
	    strcmp(c->webauthn_user_verification, "discouraged"))) {
		snprintf(err, el, "key 'webauthn_user_verification': expected required, preferred "
		    "or discouraged");
		return -1;
	}
	if (c->password_min_length > c->password_max_length) {
		snprintf(err, el, "key 'password_min_length': larger than password_max_length");
		return -1;
	}
	if (c->db_name == NULL || c->db_user == NULL) {
		snprintf(err, el, "key '%s': must not be empty", c->db_name == NULL ? "db_name" : "db_user");
		return -1;
	}
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	if (c->workers == 0)
		c->workers = ncpu > 0 ? ncpu : 1;
	if (c->check_workers == 0)
		c->check_workers = ncpu > 0 ? ncpu : 1;
	if (c->pwhash_concurrency == 0)
		c->pwhash_concurrency = ncpu > 0 ? ncpu : 1;
	return 0;
}

int
config_load(struct gh_config *c, const char *path, char *err, size_t el)
{
	const struct config_key	*k;
	unsigned char		 seen[256];
	char			 env[128], why[256], *p;
	const char		*v;
	size_t			 i;

	memset(c, 0, sizeof(*c));
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < config_nkeys; i++) {
		k = &config_keys[i];
		if (set_value(c, k, k->def ? k->def : "", why, sizeof(why)) == -1) {
			snprintf(err, el, "default of '%s': %s", k->key, why);
			goto fail;
		}
	}
	if (path != NULL) {
		if ((c->path = strdup(path)) == NULL || load_file(c, path, seen, err, el) == -1)
			goto fail;
	}
	for (i = 0; i < config_nkeys; i++) {
		k = &config_keys[i];
		snprintf(env, sizeof(env), "GATEHOUSE_%s", k->key);
		for (p = env; *p != '\0'; p++)
			*p = (char)toupper((unsigned char)*p);
		if ((v = getenv(env)) == NULL)
			continue;
		if (set_value(c, k, v, why, sizeof(why)) == -1) {
			snprintf(err, el, "environment %s (key '%s'): %s", env, k->key, why);
			goto fail;
		}
	}
	if (check(c, err, el) == -1)
		goto fail;
	return 0;
fail:
	config_free(c);
	return -1;
}

void
config_free(struct gh_config *c)
{
	size_t	 i;

	for (i = 0; i < config_nkeys; i++)
		if (config_keys[i].type == CONF_STR || config_keys[i].type == CONF_FILE) {
			free(*str_field(c, &config_keys[i]));
			*str_field(c, &config_keys[i]) = NULL;
		}
	free(c->path);
	c->path = NULL;
}

char *
config_read_secret(const char *path, size_t *lenp, char *err, size_t el)
{
	struct stat	 st;
	char		*buf;
	ssize_t		 n;
	size_t		 len = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, el, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) || st.st_size > 65536) {
		snprintf(err, el, "%s: not a regular file of at most 64 KiB", path);
		close(fd);
		return NULL;
	}
	if ((buf = sodium_malloc((size_t)st.st_size + 1)) == NULL) {
		snprintf(err, el, "%s: out of memory", path);
		close(fd);
		return NULL;
	}
	while (len < (size_t)st.st_size &&
	    (n = read(fd, buf + len, (size_t)st.st_size - len)) > 0)
		len += (size_t)n;
	close(fd);
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	buf[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return buf;
}

void
config_secret_free(char *s)
{
	if (s != NULL)
		sodium_free(s);	/* sodium_free wipes before releasing */
}

void
config_print(const struct gh_config *c)
{
	const struct config_key	*k;
	size_t			 i;
	char			*s;

	for (i = 0; i < config_nkeys; i++) {
		k = &config_keys[i];
		switch (k->type) {
		case CONF_INT:
			if (!strcmp(k->key, "socket_mode"))
				printf("%s = 0%llo\n", k->key, *(long long *)((char *)c + k->off));
			else
				printf("%s = %lld\n", k->key, *(long long *)((char *)c + k->off));
			break;
		case CONF_BOOL:
			printf("%s = %s\n", k->key, *(int *)((char *)c + k->off) ? "on" : "off");
			break;
		default:
			s = *(char **)((char *)c + k->off);
			printf("%s = %s\n", k->key, s ? s : "");
			break;
		}
	}
}
