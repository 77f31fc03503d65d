/*
 * fcgi_hello: the ceiling for bench/run.  A bare libfcgi responder that answers every request
 * with a tiny JSON body and does nothing else, so nginx -> FastCGI -> nginx is all that is
 * measured.  Run it the way Gatehouse workers run: pre-forked, accepting on an inherited
 * listening socket (fd 0, as spawn-fcgi passes it).
 *
 *   gcc -O2 -o fcgi_hello fcgi_hello.c $(pkg-config --libs fcgi)
 *   spawn-fcgi -F 8 -s /tmp/hello.sock -- ./fcgi_hello
 */
#include <fcgiapp.h>

static const char reply[] =
    "Status: 200 OK\r\n"
    "Content-Type: application/json\r\n"
    "Cache-Control: no-store\r\n"
    "\r\n"
    "{\"ok\":true}\n";

int
main(void)
{
	FCGX_Request	 r;

	if (FCGX_Init() != 0 || FCGX_InitRequest(&r, 0, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&r) >= 0) {
		FCGX_PutStr(reply, (int)sizeof(reply) - 1, r.out);
		FCGX_Finish_r(&r);
	}
	return 0;
}
