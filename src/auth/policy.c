/*
 * policy.c: organization policies (the policy table: one JSON settings object per organization
 * and kind) and the list of common passwords.
 *
 * A kind's keys, their ranges and the configuration key each falls back to are one table,
 * pkeys[], shared by the validation of the settings API and by the getters that login, refresh,
 * password changes and invitations call.  The getters read the stored row through a small
 * per-worker cache keyed by (organization, kind): an entry is used while the Redis counter
 * policy:gen still has the value it was read under and it is younger than PCACHE_MAX_AGE
 * seconds; every change increments the counter after its commit.  When Redis cannot be asked,
 * the row is read from MySQL every time.  The read takes no lock (a refresh reads policies
 * inside its transaction, which also locks the organization row through a foreign key, in the
 * opposite order of a policy change); a transaction whose snapshot predates a change may thus
 * cache the old value, for PCACHE_MAX_AGE seconds at most.
 *
 * The common-password list is read once per worker from data/common-passwords.txt beside the
 * migrations directory (the installed share directory, or the repository), sorted, and searched
 * with bsearch on the lower-cased password.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>
#include <sodium.h>

#include "auth/policy.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/ctx.h"
#include "core/log.h"
#include "http/body.h"
#include "store/db.h"
#include "store/kv.h"
#include "store/policy.h"

#define PCACHE_SLOTS	256
#define PCACHE_MAX_AGE	60	/* seconds; bounds staleness when an announcement was lost */
#define PDOMAINS_MAX	100
#define COMMON_FILE	"common-passwords.txt"

const char *const policy_kind_names[POLICY__MAX] = {
	"password", "session", "lockout", "invitation", "mfa",
};

/* The MFA policy's modes, its default first (docs/mfa.md, "The policy"). */
static const char *const mfa_modes[] = { "optional", "off", "required", "required_for_roles",
    NULL };

enum pkey_type {
	PK_INT,
	PK_DOMAINS,
	PK_BOOL,	/* true or false; false by default */
	PK_CHOICE,	/* one of choices[], the first by default */
	PK_NAMES	/* role names, at most max of them */
};

struct pkey {
	enum policy_kind	 kind;
	const char		*name;
	enum pkey_type		 type;
	long long		 min, max;	/* PK_INT: the range; PK_DOMAINS: entries */
	size_t			 cfg;		/* offset of the long long default in gh_config */
	const char *const	*choices;	/* PK_CHOICE: the values, NULL-terminated */
};

#define CFG(f)	offsetof(struct gh_config, f)

static const struct pkey pkeys[] = {
	{ POLICY_PASSWORD, "min_length", PK_INT, 8, 128, CFG(password_min_length), NULL },
	{ POLICY_PASSWORD, "max_length", PK_INT, 64, 1024, CFG(password_max_length), NULL },
	{ POLICY_PASSWORD, "password_reset_requires_verified_email", PK_BOOL, 0, 1, 0, NULL },
	{ POLICY_SESSION, "access_token_ttl", PK_INT, 60, 86400, CFG(access_token_ttl), NULL },
	{ POLICY_SESSION, "refresh_token_ttl", PK_INT, 300, 31536000, CFG(refresh_token_ttl), NULL },
	{ POLICY_SESSION, "absolute_session_ttl", PK_INT, 300, 31536000,
	  CFG(session_absolute_ttl), NULL },
	{ POLICY_SESSION, "require_verified_email_to_sign_in", PK_BOOL, 0, 1, 0, NULL },
	{ POLICY_SESSION, "end_access_on_switch", PK_BOOL, 0, 1, 0, NULL },
	{ POLICY_SESSION, "users_change_username", PK_BOOL, 0, 1, 0, NULL },
	{ POLICY_LOCKOUT, "threshold", PK_INT, 1, 100, CFG(lockout_threshold), NULL },
	{ POLICY_LOCKOUT, "period", PK_INT, 60, 86400, CFG(lockout_period), NULL },
	{ POLICY_INVITATION, "allowed_domains", PK_DOMAINS, 0, PDOMAINS_MAX, 0, NULL },
	{ POLICY_INVITATION, "ttl", PK_INT, 3600, 2592000, CFG(invitation_ttl), NULL },
	{ POLICY_MFA, "mode", PK_CHOICE, 0, 0, 0, mfa_modes },
	{ POLICY_MFA, "roles", PK_NAMES, 0, 100, 0, NULL },
	{ POLICY_MFA, "grace_period_days", PK_INT, 0, 365, CFG(mfa_grace_period_days), NULL },
	{ POLICY_MFA, "step_up_admin", PK_BOOL, 0, 1, 0, NULL },
};
#define NPKEYS	(sizeof(pkeys) / sizeof(pkeys[0]))

struct pcache_ent {
	long long	 org;		/* 0 = free slot */
	int		 kind;
	long long	 gen;
	time_t		 at;
	char		*settings;	/* NULL: the organization has no row */
};

static struct pcache_ent	 pcache[PCACHE_SLOTS];

static char	**common;
static size_t	  ncommon;
static int	  common_loaded;
static int	  common_failed;	/* the list could not be opened */

enum policy_kind
policy_kind_parse(const char *s)
{
	int	 k;

	for (k = 0; k < POLICY__MAX; k++)
		if (s != NULL && strcmp(s, policy_kind_names[k]) == 0)
			return (enum policy_kind)k;
	return POLICY__MAX;
}

static long long
cfg_default(const struct request *req, const struct pkey *pk)
{
	return *(const long long *)(const void *)((const char *)req->w->cfg + pk->cfg);
}

static int
json_int(const cJSON *v, long long *out)
{
	if (!cJSON_IsNumber(v) || v->valuedouble != (double)(long long)v->valuedouble ||
	    v->valuedouble < -9e15 || v->valuedouble > 9e15)
		return 0;
	*out = (long long)v->valuedouble;
	return 1;
}

/* The effective integer of key: the stored value when usable, else the configuration's. */
static long long
eff_int(const struct request *req, const struct pkey *pk, const cJSON *stored)
{
	long long	 v;

	if (stored != NULL && json_int(cJSON_GetObjectItemCaseSensitive(stored, pk->name), &v) &&
	    v >= pk->min && v <= pk->max)
		return v;
	return cfg_default(req, pk);
}

/* The effective value of boolean key: the stored one when it is a boolean, else false. */
static int
eff_bool(const struct pkey *pk, const cJSON *stored)
{
	return stored != NULL && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(stored, pk->name));
}

static const struct pkey *
pkey_find(enum policy_kind kind, const char *name)
{
	size_t	 i;

	for (i = 0; i < NPKEYS; i++)
		if (pkeys[i].kind == kind && strcmp(pkeys[i].name, name) == 0)
			return &pkeys[i];
	return NULL;
}

static long long
eff_named(const struct request *req, enum policy_kind kind, const cJSON *stored, const char *name)
{
	return eff_int(req, pkey_find(kind, name), stored);
}

/* A lower-case DNS name with at least two labels: [a-z0-9-], no label starting or ending in '-'. */
static int
valid_domain(const char *s)
{
	size_t	 i, label = 0, labels = 1;

	if (s[0] == '\0' || strlen(s) > 253)
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '.') {
			if (label == 0 || s[i - 1] == '-')
				return 0;
			label = 0;
			labels++;
			continue;
		}
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
		if (label == 0 && s[i] == '-')
			return 0;
		if (++label > 63)
			return 0;
	}
	return label > 0 && s[i - 1] != '-' && labels >= 2;
}

static void
json_free(void *p)
{
	cJSON_Delete(p);
}

static cJSON *
arena_json(struct request *req, cJSON *o)
{
	if (o != NULL)
		arena_cleanup(req->arena, json_free, o);
	return o;
}

static enum gh_err
check_domains(struct request *req, const struct pkey *pk, const cJSON *v, cJSON *out)
{
	const char	*field = arena_printf(req->arena, "settings.%s", pk->name);
	const cJSON	*it;
	cJSON		*a, *e;
	char		*d;
	size_t		 i;

	if (!cJSON_IsArray(v))
		return req_fail(req, GH_ERR_VALIDATION, field,
		    "%s must be an array of domain names (empty: any domain)", field);
	if (cJSON_GetArraySize(v) > pk->max)
		return req_fail(req, GH_ERR_VALIDATION, field, "%s holds at most %lld domains",
		    field, pk->max);
	a = cJSON_CreateArray();
	cJSON_AddItemToObject(out, pk->name, a);
	cJSON_ArrayForEach(it, v) {
		if (!cJSON_IsString(it) || strlen(it->valuestring) > 253)
			return req_fail(req, GH_ERR_VALIDATION, field,
			    "%s must hold domain names such as example.com", field);
		d = arena_strdup(req->arena, it->valuestring);
		for (i = 0; d[i] != '\0'; i++)
			d[i] = (char)tolower((unsigned char)d[i]);
		if (!valid_domain(d))
			return req_fail(req, GH_ERR_VALIDATION, field,
			    "%s: '%s' is not a domain name such as example.com", field, d);
		cJSON_ArrayForEach(e, a)
			if (strcmp(e->valuestring, d) == 0)
				break;
		if (e == NULL)
			cJSON_AddItemToArray(a, cJSON_CreateString(d));
	}
	return GH_OK;
}

/* One of pk's choices (PK_CHOICE), or an array of role names (PK_NAMES), into out. */
static enum gh_err
check_words(struct request *req, const struct pkey *pk, const cJSON *v, cJSON *out)
{
	const char	*field = arena_printf(req->arena, "settings.%s", pk->name);
	const cJSON	*it;
	cJSON		*a, *e;
	size_t		 i, len;

	if (pk->type == PK_CHOICE) {
		for (i = 0; cJSON_IsString(v) && pk->choices[i] != NULL; i++)
			if (strcmp(v->valuestring, pk->choices[i]) == 0) {
				cJSON_AddStringToObject(out, pk->name, pk->choices[i]);
				return GH_OK;
			}
		return req_fail(req, GH_ERR_VALIDATION, field, "%s is one of %s, %s, %s or %s", field,
		    pk->choices[0], pk->choices[1], pk->choices[2], pk->choices[3]);
	}
	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) > pk->max)
		return req_fail(req, GH_ERR_VALIDATION, field,
		    "%s must be an array of at most %lld role names", field, pk->max);
	a = cJSON_AddArrayToObject(out, pk->name);
	cJSON_ArrayForEach(it, v) {
		if (!cJSON_IsString(it) || (len = strlen(it->valuestring)) == 0 || len > 100 ||
		    strchr(it->valuestring, ',') != NULL)
			return req_fail(req, GH_ERR_VALIDATION, field,
			    "%s must hold role names (1 to 100 characters, no comma)", field);
		cJSON_ArrayForEach(e, a)
			if (strcmp(e->valuestring, it->valuestring) == 0)
				break;
		if (e == NULL)
			cJSON_AddItemToArray(a, cJSON_CreateString(it->valuestring));
	}
	return GH_OK;
}

/* The effective choice of key pk: the stored one when it is one of them, else the first. */
static const char *
eff_choice(const struct pkey *pk, const cJSON *stored)
{
	const cJSON	*v = stored ? cJSON_GetObjectItemCaseSensitive(stored, pk->name) : NULL;
	size_t		 i;

	for (i = 0; cJSON_IsString(v) && pk->choices[i] != NULL; i++)
		if (strcmp(v->valuestring, pk->choices[i]) == 0)
			return pk->choices[i];
	return pk->choices[0];
}

enum gh_err
policy_settings_check(struct request *req, enum policy_kind kind, const cJSON *in, cJSON **out)
{
	const struct pkey	*pk;
	const cJSON		*v;
	const char		*field;
	cJSON			*o;
	long long		 n, lo, hi;
	enum gh_err		 err;

	*out = NULL;
	if (!cJSON_IsObject(in))
		return req_fail(req, GH_ERR_VALIDATION, "settings",
		    "settings is required: an object of the %s policy's values",
		    policy_kind_names[kind]);
	o = arena_json(req, cJSON_CreateObject());
	cJSON_ArrayForEach(v, in) {
		field = arena_printf(req->arena, "settings.%s", v->string ? v->string : "");
		if ((pk = pkey_find(kind, v->string ? v->string : "")) == NULL)
			return req_fail(req, GH_ERR_VALIDATION, field,
			    "the %s policy has no setting %s", policy_kind_names[kind],
			    v->string ? v->string : "");
		if (cJSON_IsNull(v))
			continue;
		if (pk->type == PK_DOMAINS) {
			if ((err = check_domains(req, pk, v, o)) != GH_OK)
				return err;
			continue;
		}
		if (pk->type == PK_CHOICE || pk->type == PK_NAMES) {
			if ((err = check_words(req, pk, v, o)) != GH_OK)
				return err;
			continue;
		}
		if (pk->type == PK_BOOL) {
			if (!cJSON_IsBool(v))
				return req_fail(req, GH_ERR_VALIDATION, field,
				    "%s must be true or false", field);
			cJSON_AddBoolToObject(o, pk->name, cJSON_IsTrue(v));
			continue;
		}
		if ((err = body_int_value(req, v, field, pk->min, pk->max, &n)) != GH_OK)
			return err;
		cJSON_AddNumberToObject(o, pk->name, (double)n);
	}
	/* Rules between keys hold for the values in force: what is stored over the defaults. */
	switch (kind) {
	case POLICY_PASSWORD:
		lo = eff_named(req, kind, o, "min_length");
		hi = eff_named(req, kind, o, "max_length");
		if (lo > hi)
			return req_fail(req, GH_ERR_VALIDATION, cJSON_GetObjectItem(o,
			    "min_length") ? "settings.min_length" : "settings.max_length",
			    "min_length (%lld) may not exceed max_length (%lld)", lo, hi);
		break;
	case POLICY_SESSION:
		lo = eff_named(req, kind, o, "refresh_token_ttl");
		hi = eff_named(req, kind, o, "absolute_session_ttl");
		if (hi < lo)
			return req_fail(req, GH_ERR_VALIDATION, cJSON_GetObjectItem(o,
			    "absolute_session_ttl") ? "settings.absolute_session_ttl" :
			    "settings.refresh_token_ttl",
			    "absolute_session_ttl (%lld) may not be shorter than refresh_token_ttl "
			    "(%lld)", hi, lo);
		break;
	default:
		break;
	}
	*out = o;
	return GH_OK;
}

cJSON *
policy_settings_effective(struct request *req, enum policy_kind kind, const cJSON *stored)
{
	const cJSON	*v, *it;
	cJSON		*o = arena_json(req, cJSON_CreateObject()), *a;
	size_t		 i;

	for (i = 0; i < NPKEYS; i++) {
		if (pkeys[i].kind != kind)
			continue;
		if (pkeys[i].type == PK_INT) {
			cJSON_AddNumberToObject(o, pkeys[i].name,
			    (double)eff_int(req, &pkeys[i], stored));
			continue;
		}
		if (pkeys[i].type == PK_BOOL) {
			cJSON_AddBoolToObject(o, pkeys[i].name, eff_bool(&pkeys[i], stored));
			continue;
		}
		if (pkeys[i].type == PK_CHOICE) {
			cJSON_AddStringToObject(o, pkeys[i].name, eff_choice(&pkeys[i], stored));
			continue;
		}
		a = cJSON_AddArrayToObject(o, pkeys[i].name);
		v = stored ? cJSON_GetObjectItemCaseSensitive(stored, pkeys[i].name) : NULL;
		if (!cJSON_IsArray(v))
			continue;
		cJSON_ArrayForEach(it, v)
			if (cJSON_IsString(it))
				cJSON_AddItemToArray(a, cJSON_CreateString(it->valuestring));
	}
	return o;
}

enum gh_err
policy_changed(struct request *req)
{
	redisReply	*r;

	return kv_run_acked(req->w->kv, req->arena, &r, 2, "INCR", kv_prefixes[KV_POLICY_GEN]);
}

/* The current policy generation, or -1 when Redis cannot tell (then nothing is cached). */
static long long
cache_gen(struct request *req)
{
	const char	*key = kv_prefixes[KV_POLICY_GEN], *v;
	int		 hit;

	/* A kept key (authn_init): usually no round trip; Redis tells the worker of every INCR. */
	if (kv_mget(req->w->kv, req->arena, 1, &key, &v, &hit) != GH_OK)
		return -1;
	return v == NULL ? 0 : strtoll(v, NULL, 10);
}

/*
 * The stored settings of (org, kind) as a JSON object owned by the arena, or NULL in *out when
 * the organization has none (or org is 0).
 */
static enum gh_err
load(struct request *req, long long org, enum policy_kind kind, cJSON **out)
{
	struct pcache_ent	*e;
	const char		*text;
	long long		 gen;
	time_t			 now = time(NULL);
	enum gh_err		 err;

	*out = NULL;
	if (org <= 0)
		return GH_OK;
	e = &pcache[(unsigned long long)(org * POLICY__MAX + kind) % PCACHE_SLOTS];
	gen = cache_gen(req);
	if (gen >= 0 && e->org == org && e->kind == (int)kind && e->gen == gen &&
	    now - e->at < PCACHE_MAX_AGE && now >= e->at)
		text = e->settings;
	else {
		if ((err = store_policy_settings(req->w->db, req->arena, org,
		    policy_kind_names[kind], &text)) != GH_OK)
			return err;
		if (gen >= 0) {
			free(e->settings);
			e->settings = text ? strdup(text) : NULL;
			e->org = (text == NULL || e->settings != NULL) ? org : 0;
			e->kind = (int)kind;
			e->gen = gen;
			e->at = now;
		}
	}
	if (text == NULL)
		return GH_OK;
	*out = arena_json(req, cJSON_Parse(text));
	if (!cJSON_IsObject(*out)) {
		log_warn("policy: the %s policy of organization %lld is not a JSON object; "
		    "using the defaults", policy_kind_names[kind], org);
		*out = NULL;
	}
	return GH_OK;
}

/*
 * The strings of the array key name of the stored settings s (members of another type skipped)
 * in an array of the arena, *n their number; NULL when s has no such array or it is empty.
 */
static const char **
eff_strings(struct request *req, const cJSON *s, const char *name, size_t *n)
{
	const cJSON	*a = s ? cJSON_GetObjectItemCaseSensitive(s, name) : NULL, *it;
	const char	**v;

	*n = 0;
	if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) == 0)
		return NULL;
	v = arena_alloc(req->arena, (size_t)cJSON_GetArraySize(a) * sizeof(*v));
	cJSON_ArrayForEach(it, a)
		if (cJSON_IsString(it))
			v[(*n)++] = it->valuestring;
	return v;
}

enum gh_err
policy_password(struct request *req, long long org, struct policy_password *p)
{
	cJSON		*s;
	enum gh_err	 err;

	if ((err = load(req, org, POLICY_PASSWORD, &s)) != GH_OK)
		return err;
	p->min_length = eff_named(req, POLICY_PASSWORD, s, "min_length");
	p->max_length = eff_named(req, POLICY_PASSWORD, s, "max_length");
	p->password_reset_requires_verified_email = eff_bool(pkey_find(POLICY_PASSWORD,
	    "password_reset_requires_verified_email"), s);
	if (p->max_length < p->min_length)
		p->max_length = p->min_length;
	return GH_OK;
}

enum gh_err
policy_session(struct request *req, long long org, struct policy_session *p)
{
	cJSON		*s;
	enum gh_err	 err;

	if ((err = load(req, org, POLICY_SESSION, &s)) != GH_OK)
		return err;
	p->access_token_ttl = eff_named(req, POLICY_SESSION, s, "access_token_ttl");
	p->refresh_token_ttl = eff_named(req, POLICY_SESSION, s, "refresh_token_ttl");
	p->absolute_session_ttl = eff_named(req, POLICY_SESSION, s, "absolute_session_ttl");
	p->require_verified_email_to_sign_in = eff_bool(pkey_find(POLICY_SESSION,
	    "require_verified_email_to_sign_in"), s);
	p->end_access_on_switch = eff_bool(pkey_find(POLICY_SESSION, "end_access_on_switch"), s);
	p->users_change_username = eff_bool(pkey_find(POLICY_SESSION, "users_change_username"),
	    s);
	return GH_OK;
}

enum gh_err
policy_mfa(struct request *req, long long org, struct policy_mfa *p)
{
	cJSON		*s;
	enum gh_err	 err;

	if ((err = load(req, org, POLICY_MFA, &s)) != GH_OK)
		return err;
	memset(p, 0, sizeof(*p));
	p->mode = eff_choice(pkey_find(POLICY_MFA, "mode"), s);
	p->grace_period_days = eff_named(req, POLICY_MFA, s, "grace_period_days");
	p->step_up_admin = eff_bool(pkey_find(POLICY_MFA, "step_up_admin"), s);
	p->roles = eff_strings(req, s, "roles", &p->nroles);
	return GH_OK;
}

enum gh_err
policy_lockout(struct request *req, long long org, struct policy_lockout *p)
{
	cJSON		*s;
	enum gh_err	 err;

	if ((err = load(req, org, POLICY_LOCKOUT, &s)) != GH_OK)
		return err;
	p->threshold = eff_named(req, POLICY_LOCKOUT, s, "threshold");
	p->period = eff_named(req, POLICY_LOCKOUT, s, "period");
	return GH_OK;
}

enum gh_err
policy_invitation(struct request *req, long long org, struct policy_invitation *p)
{
	cJSON		*s;
	enum gh_err	 err;

	if ((err = load(req, org, POLICY_INVITATION, &s)) != GH_OK)
		return err;
	p->ttl = eff_named(req, POLICY_INVITATION, s, "ttl");
	p->allowed_domains = eff_strings(req, s, "allowed_domains", &p->ndomains);
	return GH_OK;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read the list once per process; on failure log it once and check lengths only. */
static void
common_load(const struct gh_config *cfg)
{
	char	 path[4096], line[1100], **v;
	size_t	 cap = 0, i, n, k;
	FILE	*f;

	common_loaded = 1;
	if ((f = config_data_open(cfg, COMMON_FILE, path, sizeof(path))) == NULL) {
		common_failed = 1;
		log_error("policy: cannot read the common-password list %s: new passwords are "
		    "checked for length only", path);
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		n = strcspn(line, "\r\n");
		line[n] = '\0';
		while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		for (i = 0; i < n; i++)
			line[i] = (char)tolower((unsigned char)line[i]);
		if (ncommon == cap) {
			cap = cap ? cap * 2 : 1024;
			if ((v = realloc(common, cap * sizeof(*common))) == NULL)
				break;
			common = v;
		}
		if ((common[ncommon] = strdup(line)) == NULL)
			break;
		ncommon++;
	}
	fclose(f);
	if (ncommon == 0)
		return;
	qsort(common, ncommon, sizeof(*common), str_cmp);
	for (i = 1, k = 1; i < ncommon; i++) {
		if (strcmp(common[i], common[k - 1]) == 0)
			free(common[i]);
		else
			common[k++] = common[i];
	}
	ncommon = k;
	log_debug("policy: %zu common passwords from %s", ncommon, path);
}

int
policy_is_common(const struct gh_config *cfg, const char *pw)
{
	char	*low;
	size_t	 i;
	int	 found;

	if (!common_loaded)
		common_load(cfg);
	if (ncommon == 0)
		return common_failed ? -1 : 0;
	if ((low = sodium_malloc(strlen(pw) + 1)) == NULL)
		return -1;
	for (i = 0; pw[i] != '\0'; i++)
		low[i] = (char)tolower((unsigned char)pw[i]);
	low[i] = '\0';
	found = bsearch(&low, common, ncommon, sizeof(*common), str_cmp) != NULL;
	sodium_free(low);
	return found;
}

/* Whether pw is on the list, ignoring ASCII case (a list that cannot be read: not). */
static int
is_common(struct request *req, const char *pw)
{
	return policy_is_common(req->w->cfg, pw) == 1;
}

enum gh_err
policy_check_password(struct request *req, long long org, const char *pw, const char *field)
{
	struct policy_password	 pp;
	size_t			 n = utf8_len(pw);
	enum gh_err		 err;

	if ((err = policy_password(req, org, &pp)) != GH_OK)
		return err;
	if (n == (size_t)-1 || (long long)n < pp.min_length || (long long)n > pp.max_length)
		return req_fail(req, GH_ERR_PASSWORD_POLICY, field,
		    "the password must have from %lld to %lld characters", pp.min_length,
		    pp.max_length);
	if (is_common(req, pw))
		return req_fail(req, GH_ERR_PASSWORD_POLICY, field,
		    "this password is on the list of commonly used passwords; choose another");
	return GH_OK;
}
