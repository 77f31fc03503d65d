/*
 * fuzz_config: the configuration file parser, config_load on the input written to a temporary
 * file (comments, quotes, white space, every key type, duplicate and unknown keys, the checks
 * after loading), then config_free.  No GATEHOUSE_* variable is set, so the file alone decides.
 */
#include "fuzz.h"

#include <stdio.h>
#include <unistd.h>

#include "core/config.h"

static char	 path[256];

static void
remove_tmp(void)
{
	unlink(path);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char	*dir = getenv("TMPDIR");
	char		 name[128], *p;
	size_t		 i;
	int		 fd;

	(void)argc;
	(void)argv;
	for (i = 0; i < config_nkeys; i++) {
		snprintf(name, sizeof(name), "GATEHOUSE_%s", config_keys[i].key);
		for (p = name; *p != '\0'; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		unsetenv(name);
	}
	snprintf(path, sizeof(path), "%s/gh-fuzz-config.XXXXXX",
	    dir != NULL && *dir != '\0' ? dir : "/tmp");
	if ((fd = mkstemp(path)) == -1)
		abort();
	close(fd);
	atexit(remove_tmp);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gh_config	 cfg;
	char			 err[512];
	FILE			*f;

	if ((f = fopen(path, "wb")) == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	err[0] = '\0';
	if (config_load(&cfg, path, err, sizeof(err)) == 0)
		config_free(&cfg);
	else if (err[0] == '\0')
		abort();
	return 0;
}
