/*
 * openapi.c: GET /api/v1/openapi.json, the OpenAPI 3.1 document of every route.
 *
 * The document's source is docs/openapi.yaml; scripts/openapi turns it into data/openapi.json,
 * which is committed and installed with the other data files.  Each worker maps it once at
 * start (api_openapi_load), from data/ beside the migrations directory (the repository, or the
 * installed share directory) or else from the compiled-in share directory, the way the
 * common-password list is found.  The mapping is read-only and file-backed: its pages are the
 * page cache's, shared by every worker (counted once in their PSS, not once per worker as a
 * copy read into each would be).  The mapping and the strong ETag are worker-lifetime, never
 * freed; the route answers them as they are (If-None-Match gives 304).
 */
#include <sys/mman.h>
#include <sys/stat.h>

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

static const char *doc;		/* the file's bytes, mapped */
static size_t	 doc_len;
static char	 doc_etag[35];	/* "<32 hex digits>" with its quotes */

int
api_openapi_load(const struct gh_config *cfg)
{
	char		 path[4096], hex[33];
	unsigned char	 h[16];
	struct stat	 st;
	FILE		*f;
	void		*m;

	if (doc != NULL)
		return 0;
	if ((f = config_data_open(cfg, OPENAPI_FILE, path, sizeof(path))) == NULL) {
		log_error("openapi: cannot read %s: %s; /api/v1/openapi.json answers 503", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) != 0 || st.st_size <= 0 || st.st_size > OPENAPI_MAX ||
	    (m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fileno(f), 0)) ==
	    MAP_FAILED) {
		log_error("openapi: cannot map %s (empty, larger than %ld bytes, or: %s)", path,
		    OPENAPI_MAX, strerror(errno));
		fclose(f);
		return -1;
	}
	fclose(f);
	crypto_generichash(h, sizeof(h), m, (size_t)st.st_size, NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	snprintf(doc_etag, sizeof(doc_etag), "\"%s\"", hex);
	doc = m;
	doc_len = (size_t)st.st_size;
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
