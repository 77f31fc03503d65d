#include "server/cmd.h"

#if defined(__SANITIZE_ADDRESS__) && defined(__GNUC__) && !defined(__clang__)
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

/*
 * gcc links UBSan as a runtime of its own beside ASan's (libubsan.so.1), and with ASan present
 * that copy never applies the log_path of UBSAN_OPTIONS: its reports would go to stderr, lost
 * for a worker under spawn-fcgi. Hand it the path ourselves (tests/sanitize/run collects the
 * reports there; docs/reliability.md). A no-op without --enable-ubsan or without log_path.
 */
static void
ubsan_log_path(void)
{
	static char	 path[4096];
	const char	*o = getenv("UBSAN_OPTIONS"), *p;
	void		*h;
	void		(*set)(const char *);
	size_t		 n;

	if (o == NULL)
		return;
	for (p = o; (p = strstr(p, "log_path=")) != NULL; p++)
		if (p == o || p[-1] == ':')
			break;
	if (p == NULL)
		return;
	p += strlen("log_path=");
	n = strcspn(p, ":");
	if (n == 0 || n >= sizeof(path))
		return;
	memcpy(path, p, n);
	path[n] = '\0';
	if ((h = dlopen("libubsan.so.1", RTLD_NOW | RTLD_NOLOAD)) == NULL)
		return;
	if ((*(void **)&set = dlsym(h, "__sanitizer_set_report_path")) != NULL)
		set(path);
	dlclose(h);
}
#endif

int
main(int argc, char **argv)
{
#if defined(__SANITIZE_ADDRESS__) && defined(__GNUC__) && !defined(__clang__)
	ubsan_log_path();
#endif
	return cmd_main(argc, argv);
}
