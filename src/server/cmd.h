/*
 * cmd.h: the subcommands of the gatehouse binary.  main() only calls cmd_main().
 */
#ifndef GH_CMD_H
#define GH_CMD_H

/* Run the subcommand named by argv[1]; returns the process exit status. */
int	 cmd_main(int argc, char **argv);

#endif
