/*
 * settings.c: the settings admin API (issue 5).  Not written yet.
 */
#include "api/settings.h"
