/*
 * users.c: the users admin API (issue 5).  Not written yet.
 */
#include "api/users.h"
