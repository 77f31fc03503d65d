/*
 * sessions.h: a user's sessions (refresh-token families) as the session lists show them, and
 * ending one.  Issuing and rotating tokens is store/refresh.h's.
 */
#ifndef GH_STORE_SESSIONS_H
#define GH_STORE_SESSIONS_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/sql.h"

DB_COL_ENUMS(session, SESSION_COLUMNS);

/* family: 16 bytes (the session id's bytes); organization_id 0 = none. */
struct session_row {
	SESSION_COLUMNS(DB_COL_MEMBER)
	size_t		 family_len;
};

struct db;

/* The live sessions of user, newest first; org > 0: only those in org. */
enum gh_err	 store_session_list(struct db *, struct arena *, long long user, long long org,
		    struct session_row **out, size_t *n);

/*
 * Revoke every token of user's session family (16 bytes) with reason; org > 0: only if the
 * session is in org.  GH_ERR_NOT_FOUND when no live token of it was found.
 */
enum gh_err	 store_session_end(struct db *, struct arena *, long long user,
		    const unsigned char *family, long long org, const char *reason);

#endif
