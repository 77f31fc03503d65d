/*
 * openapi.c: GET /api/v1/openapi.json, the OpenAPI 3.1 document of every route.
 *
 * The document's source is docs/openapi.yaml; scripts/openapi turns it into data/openapi.json,
 * which is committed and installed with the other data files.  Each worker reads it once at
 * start (api_openapi_load), from data/ beside the migrations directory (the repository, or the
 * installed share directory) or else from the compiled-in share directory, the way the
 * common-password list is found.  The text and its strong ETag are worker-lifetime memory,
 * never freed; the route answers them as they are (If-None-Match gives 304).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "api/api.h"
#include "api/common.h"
#include "api/routes.h"
#include "core/config.h"
#include "core/log.h"

#define OPENAPI_FILE	 "openapi.json"
#define OPENAPI_MAX	 (8L * 1024 * 1024)	/* refuse a file larger than this */
#define OPENAPI_MAX_AGE	 "public, max-age=300"

static char	*doc;		/* the file's bytes, NUL-terminated */
static size_t	 doc_len;
static char	 doc_etag[35];	/* "<32 hex digits>" with its quotes */

int
api_openapi_load(const struct gh_config *cfg)
{
	char		 path[4096], hex[33];
	unsigned char	 h[16];
	FILE		*f;
	long		 n;
	char		*s;

	if (doc != NULL)
		return 0;
	if ((f = config_data_open(cfg, OPENAPI_FILE, path, sizeof(path))) == NULL) {
		log_error("openapi: cannot read %s: %s; /api/v1/openapi.json answers 503", path,
		    strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || n > OPENAPI_MAX ||
	    fseek(f, 0, SEEK_SET) != 0 || (s = malloc((size_t)n + 1)) == NULL) {
		log_error("openapi: cannot read %s (larger than %ld bytes, or no memory)", path,
		    OPENAPI_MAX);
		fclose(f);
		return -1;
	}
	if (fread(s, 1, (size_t)n, f) != (size_t)n) {
		log_error("openapi: short read of %s", path);
		free(s);
		fclose(f);
		return -1;
	}
	fclose(f);
	s[n] = '\0';
	crypto_generichash(h, sizeof(h), (unsigned char *)s, (size_t)n, NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	snprintf(doc_etag, sizeof(doc_etag), "\"%s\"", hex);
	doc = s;
	doc_len = (size_t)n;
	return 0;
}

enum gh_err
api_openapi(struct request *req)
{
	if (doc == NULL)
		return req_fail(req, GH_ERR_NOT_READY, NULL,
		    "the OpenAPI document could not be read at start (see the log)");
	if (api_not_modified(req, doc_etag, OPENAPI_MAX_AGE))
		return GH_OK;
	resp_header(req, "ETag", doc_etag);
	req->status = 200;
	req->body_out = doc;
	req->body_out_len = doc_len;
	req->content_type = "application/json";
	return GH_OK;
}
