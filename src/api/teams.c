/*
 * teams.c: the teams admin API (issue 5).  Not written yet.
 */
#include "api/teams.h"
