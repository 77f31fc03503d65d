/*
 * api.h: the route table (its rows and the handlers' prototypes are api/routes.h), one file
 * per resource under api/.
 *
 * A handler answers with resp_json()/resp_status() and returns GH_OK, or returns an error for the
 * dispatcher to render.  It never frees: everything belongs to req->arena.
 */
#ifndef GH_API_H
#define GH_API_H

#include <stddef.h>

#include <cJSON.h>

#include "core/config.h"
#include "core/err.h"
#include "http/request.h"
#include "http/router.h"

extern const struct route	api_routes[];
extern const size_t		api_nroutes;

/*
 * Read the OpenAPI document (data/openapi.json) into worker-lifetime memory for
 * GET /api/v1/openapi.json: 0, or -1 after logging why (the route then answers 503).
 */
int				api_openapi_load(const struct gh_config *);

#endif
