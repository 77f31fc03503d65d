/*
 * fcgi_hello: the ceiling for bench/run.  A bare libfcgi responder that answers every request
 * with a tiny JSON body and does nothing else, so nginx -> FastCGI -> nginx is all that is
 * measured.  Run it the way Gatehouse workers run: pre-forked, accepting on an inherited
 * listening socket (fd 0, as spawn-fcgi passes it), holding up to FCGI_HELLO_CONNECTIONS
 * (default 8, as Gatehouse's worker_connections) FastCGI connections with the very code the
 * Gatehouse worker uses (src/server/conns.c), so the ceiling handles kept connections as
 * Gatehouse does and the ratio measures only what Gatehouse does with a request.
 *
 *   gcc -O2 -Isrc -o fcgi_hello bench/fcgi_hello.c src/server/conns.c $(pkg-config --libs fcgi)
 *   spawn-fcgi -F 8 -s /tmp/hello.sock -- ./fcgi_hello
 */
#include <stdlib.h>

#include <fcgiapp.h>

#include "server/conns.h"

static const char reply[] =
    "Status: 200 OK\r\n"
    "Content-Type: application/json\r\n"
    "Cache-Control: no-store\r\n"
    "\r\n"
    "{\"ok\":true}\n";

int
main(void)
{
	static struct conns	 c;
	FCGX_Request		*r;
	const char		*e = getenv("FCGI_HELLO_CONNECTIONS");
	int			 rc;

	if (FCGX_Init() != 0 || conns_init(&c, 0, e != NULL ? atoi(e) : 8) != 0)
		return 1;
	for (;;) {
		if ((r = conns_next(&c, NULL, &rc)) == NULL) {
			if (rc < 0)
				return 1;
			continue;
		}
		FCGX_PutStr(reply, (int)sizeof(reply) - 1, r->out);
		FCGX_Finish_r(r);
	}
}
