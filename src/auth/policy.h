/*
 * policy.h: the per-organization policies of seed 000's policy table, typed.
 *
 * Each getter fills its struct from the organization's row (policy.kind), falling back to the
 * configuration for anything the row does not set, or entirely when org is 0 or has no row.
 * Strings point into the request's arena.
 */
#ifndef GH_POLICY_H
#define GH_POLICY_H

#include <stddef.h>

#include <cJSON.h>

#include "core/err.h"
#include "http/request.h"

struct gh_config;

struct policy_password {
	long long	 min_length;	/* characters */
	long long	 max_length;
	int		 password_reset_requires_verified_email;	/* send no reset link to an
							   unverified address */
};

struct policy_session {
	long long	 access_token_ttl;	/* seconds */
	long long	 refresh_token_ttl;
	long long	 absolute_session_ttl;
	int		 require_verified_email_to_sign_in;	/* login: 403 email_unverified */
	int		 users_change_username;	/* PATCH /me may change the username */
	int		 end_access_on_switch;	/* an organization switch revokes the access
						   token it was asked with (left organization) */
};

struct policy_lockout {
	long long	 threshold;	/* failures in a row */
	long long	 period;	/* seconds */
};

struct policy_invitation {
	const char	**allowed_domains;	/* empty = any */
	size_t		 ndomains;
	long long	 ttl;			/* seconds */
};

/* The MFA policy (docs/mfa.md): mode is "optional", "off", "required" or "required_for_roles". */
struct policy_mfa {
	const char	 *mode;
	const char	**roles;		/* required_for_roles: holders of these must */
	size_t		  nroles;
	long long	  grace_period_days;	/* a user who must and has no factor: full tokens
						   this long, then tokens that may only enroll */
	int		  step_up_admin;	/* the admin routes that change roles, permissions,
						   mappings and policies want a second factor */
};

enum gh_err	 policy_mfa(struct request *, long long org, struct policy_mfa *);
enum gh_err	 policy_password(struct request *, long long org, struct policy_password *);
enum gh_err	 policy_session(struct request *, long long org, struct policy_session *);
enum gh_err	 policy_lockout(struct request *, long long org, struct policy_lockout *);
enum gh_err	 policy_invitation(struct request *, long long org, struct policy_invitation *);

/*
 * Check a new password against org's password policy and the shipped list of common passwords.
 * GH_OK, or GH_ERR_PASSWORD_POLICY naming field with the reason.
 */
enum gh_err	 policy_check_password(struct request *, long long org, const char *pw,
		    const char *field);

/*
 * Whether pw is on the shipped list of common passwords (ignoring ASCII case): 1 when it is, 0
 * when not, -1 when the list cannot be read.  The list is loaded once per process from cfg's
 * sql_dir/../data or the installed share directory.  For the commands as for the API.
 */
int		 policy_is_common(const struct gh_config *cfg, const char *pw);

/* --- The typed settings, as the policies admin API (api/settings.c) reads and writes them ---- */

enum policy_kind {
	POLICY_PASSWORD,
	POLICY_SESSION,
	POLICY_LOCKOUT,
	POLICY_INVITATION,
	POLICY_MFA,
	POLICY__MAX
};

/* "password", "session", "lockout", "invitation", "mfa": the values of policy.kind. */
extern const char *const policy_kind_names[POLICY__MAX];

/* The kind named s, or POLICY__MAX. */
enum policy_kind policy_kind_parse(const char *s);

/*
 * Validate in (the "settings" member of a request body) for kind: an object of known keys with
 * values in range, null meaning "the default".  Errors are 400 validation_failed naming
 * "settings.<key>" (or "settings").  On success *out is the object to store: only the keys set,
 * normalized (domain names in lower case, no duplicates).
 */
enum gh_err	 policy_settings_check(struct request *, enum policy_kind kind, const cJSON *in,
		    cJSON **out);

/* Every key of kind with its effective value: stored (may be NULL) over the configuration. */
cJSON		*policy_settings_effective(struct request *, enum policy_kind kind,
		    const cJSON *stored);

/* Tell every worker to drop its cached policies (INCR policy:gen). */
enum gh_err	 policy_changed(struct request *);

#endif
