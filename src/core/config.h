/*
 * config.h: the configuration, read from one key = value file, each key overridable by the
 * environment variable GATEHOUSE_<KEY> (upper case).  Secrets are never values: keys ending in
 * _file name a file whose contents are read when needed (config_read_secret).
 *
 * config_load() fills a struct gh_config whose strings it owns; config_free() releases them.
 * The table of keys (config.c, config_keys[]) is the single source for parsing, defaults,
 * `gatehouse check-config` and docs/configuration.md.
 */
#ifndef GH_CONFIG_H
#define GH_CONFIG_H

#include <stddef.h>

struct gh_config {
	char		*path;			/* the file read, or NULL */

	char		*listen;
	long long	 listen_backlog;
	long long	 socket_mode;
	long long	 workers;		/* 0 = number of CPUs, resolved by config_load */
	long long	 max_requests;
	long long	 worker_connections;
	char		*check_listen;		/* the check pool's socket, or NULL: no check pool */
	long long	 check_workers;		/* 0 = number of CPUs, resolved by config_load */
	long long	 check_worker_connections;
	long long	 shutdown_timeout;
	char		*pid_file;
	char		*log_file;
	char		*log_level;
	long long	 log_buffer;
	long long	 body_limit;
	int		 debug_endpoints;

	char		*db_host;
	long long	 db_port;
	char		*db_socket;
	char		*db_name;
	char		*db_user;
	char		*db_password_file;
	long long	 db_connect_timeout;
	long long	 db_rw_timeout;

	char		*redis_host;
	long long	 redis_port;
	char		*redis_socket;
	char		*redis_password_file;
	long long	 redis_db;
	long long	 redis_timeout_ms;
	long long	 redis_cache_slots;
	long long	 redis_cache_max_age_ms;

	char		*sql_dir;

	char		*jwt_issuer;
	char		*jwt_audience;
	char		*jwt_alg;
	char		*jwt_secret_file;
	char		*oidc_key_file;
	char		*oidc_alg;
	char		*oidc_kid;
	char		*oidc_issuer;
	long long	 oidc_code_ttl;
	char		*mfa_key_file;
	char		*mfa_previous_key_file;
	char		*mfa_issuer;
	long long	 mfa_ticket_ttl;
	long long	 mfa_grace_period_days;
	char		*jwt_key_file;
	char		*jwt_kid;
	char		*jwt_verify_keys;
	long long	 jwt_leeway;
	long long	 access_token_ttl;
	long long	 refresh_token_ttl;
	long long	 session_absolute_ttl;

	long long	 pwhash_opslimit;
	long long	 pwhash_memlimit_kib;
	long long	 pwhash_concurrency;	/* 0 = number of CPUs, resolved by config_load */
	long long	 password_min_length;
	long long	 password_max_length;

	long long	 lockout_threshold;
	long long	 lockout_period;
	long long	 ip_max_failures;
	long long	 ip_window;

	char		*mail_command;
	char		*mail_from;
	char		*mail_template_dir;
	char		*public_url;
	long long	 invitation_ttl;
	long long	 password_reset_ttl;
	long long	 email_verification_ttl;

	char		*webauthn_rp_id;
	char		*webauthn_rp_name;
	char		*webauthn_origins;	/* NULL = the origin of public_url */
	char		*webauthn_user_verification;
};

enum config_type {
	CONF_STR,
	CONF_INT,
	CONF_BOOL,
	CONF_FILE,	/* a path that must name a readable file when set */
	CONF__MAX
};

struct config_key {
	const char	*key;
	enum config_type type;
	const char	*def;		/* default as text; NULL = empty */
	size_t		 off;
	long long	 min, max;	/* for CONF_INT */
	const char	*help;
};

extern const struct config_key config_keys[];
extern const size_t config_nkeys;

/*
 * Load path (NULL = defaults and environment only) into *cfg.  On error, writes one line naming
 * the key (and file:line) to err and returns -1; *cfg is then released.
 */
int	 config_load(struct gh_config *cfg, const char *path, char *err, size_t errlen);
void	 config_free(struct gh_config *cfg);

/*
 * Requires sodium_init() to have run.  Read a secret file into a sodium_malloc'd, NUL-terminated buffer, one trailing newline removed.
 * Returns the buffer (free with config_secret_free, which wipes it) or NULL with err set.
 */
char	*config_read_secret(const char *path, size_t *len, char *err, size_t errlen);
void	 config_secret_free(char *);

/* Print the effective configuration (secrets shown as paths only) to stdout. */
void	 config_print(const struct gh_config *cfg);

#endif
