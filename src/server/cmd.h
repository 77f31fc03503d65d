/*
 * cmd.h: the subcommands of the gatehouse binary.  main() only calls cmd_main().
 */
#ifndef GH_CMD_H
#define GH_CMD_H

#include <stddef.h>

/* Run the subcommand named by argv[1]; returns the process exit status. */
int	 cmd_main(int argc, char **argv);

struct gh_config;

/*
 * One password line from file ("-" or NULL: standard input, read without echo on a terminal),
 * in memory from sodium_malloc that the caller sodium_frees; *len its length.  NULL after
 * saying why on stderr.
 */
char	*cmd_read_password(const char *file, size_t *len);

/* 0 when pw is not on the common-password list; -1 after saying why on stderr. */
int	 cmd_password_common(const struct gh_config *cfg, const char *pw);

/* gatehouse setup (setup.c): argv[0] is "setup".  The exit status. */
int	 setup_main(int argc, char **argv);

#endif
