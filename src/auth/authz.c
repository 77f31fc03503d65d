#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/authz.h"
#include "core/arena.h"
#include "core/log.h"
#include "http/pattern.h"
#include "http/request.h"
#include "store/db.h"
#include "store/permission.h"
#include "store/role.h"

#define M_ANY	HTTP__MAX	/* '*' in http_method */

struct ep_entry {
	struct ep_entry	*next;
	int		 method;	/* enum http_method or M_ANY */
	int		 wild;		/* from a trailing ** at this node */
	int		 mfa;		/* the mapping requires MFA (step-up) */
	long long	 perm;
};

struct node {
	const char	*seg;
	struct node	*sibling;	/* build-time list */
	struct node	*kids_list;
	struct node	**kids;		/* sorted by seg after finalize */
	size_t		 nkids;
	struct node	*param;
	struct ep_entry	*ents;
};

struct perm {
	long long	 id;
	const char	*name;
};

struct authz {
	struct arena		*mem;
	struct authz_role	*roles;		/* sorted by (org_key, name) */
	size_t			 nroles;
	struct authz_role	**by_id;	/* sorted by id */
	struct perm		*perms;		/* sorted by id */
	struct perm		**perms_by_name;
	size_t			 nperms;
	struct node		*root;
	size_t			 nmappings;
};

struct row {
	const char	*pattern;
	const char	*method;
	long long	 perm;
	int		 mfa;
};

static int
role_cmp(const void *a, const void *b)
{
	const struct authz_role *x = a, *y = b;

	if (x->org_key != y->org_key)
		return x->org_key < y->org_key ? -1 : 1;
	return strcasecmp(x->name, y->name);
}

static int
role_id_cmp(const void *a, const void *b)
{
	const struct authz_role *x = *(struct authz_role *const *)a, *y = *(struct authz_role *const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int
ll_cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static int
perm_id_cmp(const void *a, const void *b)
{
	const struct perm *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int
perm_name_cmp(const void *a, const void *b)
{
	return strcasecmp((*(struct perm *const *)a)->name, (*(struct perm *const *)b)->name);
}

static int
row_cmp(const void *a, const void *b)
{
	return strcmp(((const struct row *)a)->pattern, ((const struct row *)b)->pattern);
}

static int
kid_cmp(const void *a, const void *b)
{
	return strcmp((*(struct node *const *)a)->seg, (*(struct node *const *)b)->seg);
}

static int
method_index(const char *m)
{
	enum http_method	 i;

	if (strcmp(m, "*") == 0)
		return M_ANY;
	i = http_method_parse(m);
	return i == HTTP__MAX ? -1 : (int)i;
}

static struct node *
node_new(struct authz *az, const char *seg)
{
	struct node	*n = arena_calloc(az->mem, sizeof(*n));

	n->seg = seg;
	return n;
}

/* Rows arrive sorted by pattern, so equal literal siblings are always the newest child. */
static void
insert(struct authz *az, const struct pattern *p, int method, long long perm, int mfa)
{
	struct node	*n = az->root, *k;
	struct ep_entry	*e;
	size_t		 i;
	int		 wild = 0;

	for (i = 0; i < p->nsegs; i++) {
		const struct pattern_seg *s = &p->segs[i];
		if (s->type == PSEG_WILDCARD) {
			wild = 1;
			break;
		}
		if (s->type == PSEG_PARAM) {
			if (n->param == NULL)
				n->param = node_new(az, "{}");
			n = n->param;
			continue;
		}
		k = n->kids_list;
		if (k == NULL || strlen(k->seg) != s->len || memcmp(k->seg, s->text, s->len) != 0) {
			for (k = n->kids_list; k != NULL; k = k->sibling)
				if (strlen(k->seg) == s->len && memcmp(k->seg, s->text, s->len) == 0)
					break;
			if (k == NULL) {
				k = node_new(az, arena_strndup(az->mem, s->text, s->len));
				k->sibling = n->kids_list;
				n->kids_list = k;
				n->nkids++;
			}
		}
		n = k;
	}
	e = arena_alloc(az->mem, sizeof(*e));
	e->method = method;
	e->wild = wild;
	e->perm = perm;
	e->mfa = mfa;
	e->next = n->ents;
	n->ents = e;
}

static void
finalize(struct authz *az, struct node *n)
{
	struct node	*k;
	size_t		 i = 0;

	if (n == NULL)
		return;
	if (n->nkids > 0) {
		n->kids = arena_alloc(az->mem, n->nkids * sizeof(*n->kids));
		for (k = n->kids_list; k != NULL; k = k->sibling)
			n->kids[i++] = k;
		qsort(n->kids, n->nkids, sizeof(*n->kids), kid_cmp);
		for (i = 0; i < n->nkids; i++)
			finalize(az, n->kids[i]);
	}
	finalize(az, n->param);
}

static struct node *
kid(const struct node *n, const char *seg)
{
	struct node	 key, *kp = &key, **r;

	if (n->nkids == 0)
		return NULL;
	key.seg = seg;
	r = bsearch(&kp, n->kids, n->nkids, sizeof(*n->kids), kid_cmp);
	return r ? *r : NULL;
}

/* The permissions of n's entries for method (wild or not) after out[k]; *mfa |= step-up. */
static size_t
collect(const struct node *n, int method, int wild, long long *out, size_t k, size_t max,
    int *mfa)
{
	const struct ep_entry	*e;

	for (e = n->ents; e != NULL; e = e->next)
		if (e->wild == wild && (e->method == method || e->method == M_ANY) && k < max) {
			out[k++] = e->perm;
			*mfa |= e->mfa;
		}
	return k;
}

struct authz *
authz_load(struct db *db)
{
	struct arena		*tmp = arena_new(65536);
	struct authz		*az;
	struct role		*roles;
	struct role_perm	*rp;
	struct permission	*perms;
	struct endpoint		*eps;
	struct row		*rows;
	struct pattern		*p;
	struct authz_role	 key, *kp = &key, **rr;
	const char		*why;
	size_t			 i, j, nroles, nrp, nperms, neps, nrows = 0;
	int			 m;

	if (store_role_list_all(db, tmp, &roles, &nroles) != GH_OK ||
	    store_role_perm_list_all(db, tmp, &rp, &nrp) != GH_OK ||
	    store_permission_list_all(db, tmp, &perms, &nperms) != GH_OK ||
	    store_endpoint_list_active(db, tmp, &eps, &neps) != GH_OK) {
		arena_free(tmp);
		return NULL;
	}
	az = calloc(1, sizeof(*az));
	az->mem = arena_new(1 << 20);

	az->nroles = nroles;
	az->roles = arena_calloc(az->mem, (nroles + 1) * sizeof(*az->roles));
	for (i = 0; i < nroles; i++) {
		az->roles[i].id = roles[i].id;
		az->roles[i].org_key = roles[i].organization_id;
		az->roles[i].name = arena_strdup(az->mem, roles[i].name);
		az->roles[i].platform = strcmp(roles[i].scope, "platform") == 0;
	}
	qsort(az->roles, az->nroles, sizeof(*az->roles), role_cmp);
	az->by_id = arena_alloc(az->mem, (az->nroles + 1) * sizeof(*az->by_id));
	for (i = 0; i < az->nroles; i++)
		az->by_id[i] = &az->roles[i];
	qsort(az->by_id, az->nroles, sizeof(*az->by_id), role_id_cmp);

	/* role_permissions arrive ordered by role: give each role its slice. */
	for (i = 0; i < nrp; i = j) {
		long long rid = rp[i].role_id;
		for (j = i; j < nrp && rp[j].role_id == rid; j++)
			;
		key.id = rid;
		rr = bsearch(&kp, az->by_id, az->nroles, sizeof(*az->by_id), role_id_cmp);
		if (rr == NULL)
			continue;
		(*rr)->nperms = j - i;
		(*rr)->perms = arena_alloc(az->mem, (j - i) * sizeof(long long));
		for (size_t k = i; k < j; k++)
			(*rr)->perms[k - i] = rp[k].permission_id;
		qsort((*rr)->perms, (*rr)->nperms, sizeof(long long), ll_cmp);
	}

	az->nperms = nperms;
	az->perms = arena_alloc(az->mem, (nperms + 1) * sizeof(*az->perms));
	az->perms_by_name = arena_alloc(az->mem, (nperms + 1) * sizeof(*az->perms_by_name));
	for (i = 0; i < nperms; i++) {
		az->perms[i].id = perms[i].id;
		az->perms[i].name = arena_strdup(az->mem, perms[i].name);
	}
	qsort(az->perms, az->nperms, sizeof(*az->perms), perm_id_cmp);
	for (i = 0; i < az->nperms; i++)
		az->perms_by_name[i] = &az->perms[i];
	qsort(az->perms_by_name, az->nperms, sizeof(*az->perms_by_name), perm_name_cmp);

	rows = arena_alloc(tmp, (neps + 1) * sizeof(*rows));
	for (i = 0; i < neps; i++) {
		rows[nrows].pattern = eps[i].api_endpoint;
		rows[nrows].method = eps[i].http_method;
		rows[nrows].perm = eps[i].permission_id;
		rows[nrows].mfa = eps[i].requires_mfa;
		nrows++;
	}
	qsort(rows, nrows, sizeof(*rows), row_cmp);
	az->root = node_new(az, "");
	for (i = 0; i < nrows; i++) {
		if ((m = method_index(rows[i].method)) < 0 ||
		    (p = pattern_compile(rows[i].pattern, &why)) == NULL) {
			log_warn("authz: ignoring endpoint mapping %s %s: invalid", rows[i].method,
			    rows[i].pattern);
			continue;
		}
		insert(az, p, m, rows[i].perm, rows[i].mfa);
		pattern_free(p);
		az->nmappings++;
	}
	finalize(az, az->root);
	arena_free(tmp);
	return az;
}

void
authz_free(struct authz *az)
{
	if (az == NULL)
		return;
	arena_free(az->mem);
	free(az);
}

size_t
authz_nroles(const struct authz *az)
{
	return az->nroles;
}

size_t
authz_nmappings(const struct authz *az)
{
	return az->nmappings;
}

const struct authz_role *
authz_role(const struct authz *az, long long org, const char *name)
{
	struct authz_role	 key;
	struct authz_role	*r;

	key.name = (char *)name;
	if (org > 0) {
		key.org_key = org;
		if ((r = bsearch(&key, az->roles, az->nroles, sizeof(*az->roles), role_cmp)) != NULL)
			return r;
	}
	key.org_key = 0;
	return bsearch(&key, az->roles, az->nroles, sizeof(*az->roles), role_cmp);
}

const struct authz_role *
authz_role_by_id(const struct authz *az, long long id)
{
	struct authz_role	 key, *kp = &key, **r;

	key.id = id;
	r = bsearch(&kp, az->by_id, az->nroles, sizeof(*az->by_id), role_id_cmp);
	return r ? *r : NULL;
}

long long
authz_perm_id(const struct authz *az, const char *name)
{
	struct perm	 key, *kp = &key, **r;

	key.name = name;
	r = bsearch(&kp, az->perms_by_name, az->nperms, sizeof(*az->perms_by_name), perm_name_cmp);
	return r ? (*r)->id : 0;
}

const char *
authz_perm_name(const struct authz *az, long long id)
{
	struct perm	 key, *r;

	key.id = id;
	r = bsearch(&key, az->perms, az->nperms, sizeof(*az->perms), perm_id_cmp);
	return r ? r->name : NULL;
}

size_t
authz_route_perms(const struct authz *az, enum http_method m, const char *pattern,
    long long *out, size_t max, int *mfa)
{
	const struct node	*n = az->root;
	struct pattern		*p;
	const char		*why;
	size_t			 i, k = 0;

	*mfa = 0;
	if ((p = pattern_compile(pattern, &why)) == NULL)
		return 0;
	for (i = 0; n != NULL && i < p->nsegs; i++) {
		k = collect(n, (int)m, 1, out, k, max, mfa);
		if (p->segs[i].type == PSEG_PARAM)
			n = n->param;
		else {
			char seg[256];
			size_t len = p->segs[i].len < sizeof(seg) - 1 ? p->segs[i].len : sizeof(seg) - 1;
			memcpy(seg, p->segs[i].text, len);
			seg[len] = '\0';
			n = kid(n, seg);
		}
	}
	if (n != NULL) {
		k = collect(n, (int)m, 1, out, k, max, mfa);
		k = collect(n, (int)m, 0, out, k, max, mfa);
	}
	pattern_free(p);
	return k;
}

/* Most specific match below n for segs[i..]: literal, then {param}, then ** at n. */
static size_t
walk(const struct node *n, const char *const *segs, int i, int nsegs, int m, long long *out,
    size_t max, int *mfa)
{
	const struct node	*c;
	size_t			 k;

	if (i == nsegs) {
		if ((k = collect(n, m, 0, out, 0, max, mfa)) > 0)
			return k;
		return collect(n, m, 1, out, 0, max, mfa);
	}
	if ((c = kid(n, segs[i])) != NULL && (k = walk(c, segs, i + 1, nsegs, m, out, max, mfa)) > 0)
		return k;
	if (n->param != NULL && segs[i][0] != '\0' &&
	    (k = walk(n->param, segs, i + 1, nsegs, m, out, max, mfa)) > 0)
		return k;
	return collect(n, m, 1, out, 0, max, mfa);
}

size_t
authz_path_perms(const struct authz *az, const char *method, const char *path, long long *out,
    size_t max, int *mfa)
{
	const char	*segs[PATTERN_MAXSEGS];
	char		 buf[REQ_MAXURI + 1];
	int		 nsegs, m;

	m = (int)http_method_parse(method);	/* unknown methods match only '*' rows */
	if (m == HTTP_HEAD)
		m = HTTP_GET;
	if ((nsegs = pattern_split(path, buf, sizeof(buf), segs)) < 0)
		return 0;
	*mfa = 0;
	return walk(az->root, segs, 0, nsegs, m, out, max, mfa);
}

int
authz_any(const struct authz_role *const *roles, size_t nroles, const long long *perms,
    size_t nperms)
{
	size_t	 i, j;

	for (i = 0; i < nroles; i++)
		for (j = 0; j < nperms; j++)
			if (roles[i]->nperms > 0 && bsearch(&perms[j], roles[i]->perms,
			    roles[i]->nperms, sizeof(long long), ll_cmp) != NULL)
				return 1;
	return 0;
}

size_t
authz_resolve(const struct authz *az, long long org, const char *names,
    const struct authz_role **roles, size_t max)
{
	const struct authz_role	*r;
	const char		*s = names, *c;
	char			 name[128];
	size_t			 n = 0, len;

	while (s != NULL && *s != '\0' && n < max) {
		c = strchr(s, ',');
		len = c ? (size_t)(c - s) : strlen(s);
		if (len > 0 && len < sizeof(name)) {
			memcpy(name, s, len);
			name[len] = '\0';
			if ((r = authz_role(az, org, name)) != NULL)
				roles[n++] = r;
		}
		s = c ? c + 1 : NULL;
	}
	return n;
}
