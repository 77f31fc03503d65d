/*
 * orgs.c: the orgs admin API (issue 5).  Not written yet.
 */
#include "api/orgs.h"
