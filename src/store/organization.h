/*
 * organization.h: the rows of organization and user_organization (the members), as structs
 * (docs/api-orgs.md).
 *
 * The columns are ORGANIZATION_COLUMNS, ORG_MEMBER_COLUMNS and ORG_USAGE_COLUMNS in
 * store/sql_orgs.h.  Every function takes the worker's connection and an arena, which owns
 * whatever it returns (strings point into the arena).  Errors are those of db_exec, and
 * GH_ERR_NOT_FOUND where a row is missing; the caller words the problem.  Nothing here
 * authorizes: api/orgs.c decides who may call what, and which organizations a caller sees.
 */
#ifndef GH_STORE_ORGANIZATION_H
#define GH_STORE_ORGANIZATION_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"

DB_COL_ENUMS(organization, ORGANIZATION_COLUMNS);

struct organization {
	ORGANIZATION_COLUMNS(DB_COL_MEMBER)
	const char	*sort_key;	/* list rows: the sort key as text, for a cursor */
};

/* A membership: the user's id, names, is_primary, joined_at, roles (comma separated), status. */
DB_STRUCT(org_member, ORG_MEMBER_COLUMNS);

/* What an organization holds: live (not deleted) members, memberships, grants, ... */
DB_STRUCT(org_usage, ORG_USAGE_COLUMNS);

/* The sort orders of the list: the index of db_keyset.sort. */
enum organization_sort {
	ORGANIZATION_SORT_ID, ORGANIZATION_SORT_ID_DESC,
	ORGANIZATION_SORT_NAME, ORGANIZATION_SORT_NAME_DESC,
	ORGANIZATION_SORT_CREATED, ORGANIZATION_SORT_CREATED_DESC,
	ORGANIZATION_SORT__MAX
};

/*
 * Organizations, every one when every is set, else only organization org, with status status
 * (NULL or "" = any) whose slug or name is LIKE like (NULL = any), a page of ks (the key is
 * compared as text for every sort): *out gets up to ks->limit + 1 organizations with their
 * sort_key, *n how many.
 */
enum gh_err	 store_organization_list(struct db *, struct arena *, int every, long long org,
		    const char *status, const char *like, const struct db_keyset *ks,
		    struct organization **out, size_t *n);

/* Organization id into *out (its row locked for update when lock); GH_ERR_NOT_FOUND when none. */
enum gh_err	 store_organization_get(struct db *, struct arena *, long long id, int lock,
		    struct organization *out);

/*
 * A new organization as o holds it (slug, name, description, status), made by actor; *id gets
 * its id.  GH_ERR_CONFLICT when the slug is taken.
 */
enum gh_err	 store_organization_insert(struct db *, struct arena *,
		    const struct organization *o, long long actor, long long *id);

/* Set name, description and status of organization o->id as o holds them, changed by actor. */
enum gh_err	 store_organization_update(struct db *, struct arena *,
		    const struct organization *o, long long actor);

/*
 * Delete organization id: the foreign keys cascade to memberships, roles and their grants,
 * teams, invitations, policies, theme and its sessions.
 */
enum gh_err	 store_organization_delete(struct db *, struct arena *, long long id);

/* Count what organization id holds into *out. */
enum gh_err	 store_organization_usage(struct db *, struct arena *, long long id,
		    struct org_usage *out);

/*
 * Bump the permission_version of every user whose tokens organization id concerns (members,
 * holders of a grant there or of one of its roles) and read (id, permission_version) of each
 * into *pv, for session_pv_publish_versions after the commit.
 */
enum gh_err	 store_organization_affected_bump(struct db *, struct arena *, long long id,
		    struct db_versions *pv);

/* The same for the members of organization id alone. */
enum gh_err	 store_organization_members_bump(struct db *, struct arena *, long long id,
		    struct db_versions *pv);

/*
 * Members of organization org (users not deleted) after user id after (0 = from the start), by
 * user id, up to limit + 1 of them: *out, *n how many.
 */
enum gh_err	 store_organization_member_list(struct db *, struct arena *, long long org,
		    long long after, long long limit, struct org_member **out, size_t *n);

/* The membership of user (not deleted) in org; GH_ERR_NOT_FOUND when there is none. */
enum gh_err	 store_organization_member_get(struct db *, struct arena *, long long org,
		    long long user, struct org_member *out);

/* Whether user (not deleted) belongs to org: *yes 1 or 0. */
enum gh_err	 store_organization_has_member(struct db *, struct arena *, long long org,
		    long long user, int *yes);

/*
 * Lock user's row for update (serialises changes of its primary organization); *found 0 when
 * there is no such user or it is deleted.
 */
enum gh_err	 store_organization_user_lock(struct db *, struct arena *, long long user,
		    int *found);

/* Make user a member of org, not primary; GH_ERR_CONFLICT when already one. */
enum gh_err	 store_organization_member_insert(struct db *, struct arena *, long long org,
		    long long user);

/* Make org the primary organization of user (and no other). */
enum gh_err	 store_organization_member_primary(struct db *, struct arena *, long long org,
		    long long user);

/* Set the status of user's membership in org ("active", "suspended"), changed by actor. */
enum gh_err	 store_organization_member_update(struct db *, struct arena *, long long org,
		    long long user, const char *status, long long actor);

/* Revoke the refresh tokens user holds for org, naming reason (refresh_tokens.revoke_reason). */
enum gh_err	 store_organization_member_revoke(struct db *, struct arena *, long long org,
		    long long user, const char *reason);

/*
 * Remove user from org: its role grants there, its places in org's teams, the membership, and
 * revoke its refresh tokens for org (reason membership_removed).
 */
enum gh_err	 store_organization_member_delete(struct db *, struct arena *, long long org,
		    long long user);

#endif
