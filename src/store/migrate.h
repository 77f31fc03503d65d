/*
 * migrate.h: applies the numbered files of sql_dir (NNNN_name.sql) that are not yet recorded in
 * schema_migrations, in order, each inside a transaction (MySQL commits DDL implicitly, so a
 * failing file may leave its earlier DDL behind: the files are written to be re-runnable), and
 * records each with its SHA-256.  Refuses to run when an applied file was edited.
 */
#ifndef GH_MIGRATE_H
#define GH_MIGRATE_H

#include "store/db.h"

/* Apply pending migrations (or only list them with status_only).  0, or -1 after printing why. */
int	 migrate_run(struct db *db, const char *dir, int status_only);

#endif
