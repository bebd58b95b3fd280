/* What the operator's commands share: hallmarkctl's main (src/hallmarkctl.c)
 * and the commands kept in files of their own here (src/ctl/). Each command
 * is given the loaded configuration; none reads it from a global. */
#ifndef HM_CTL_H
#define HM_CTL_H

#include <sqlite3.h>

#include "config.h"
#include "util.h"

/* "hallmarkctl: <message>" on stderr; returns 1, a command's exit status. */
int ctl_fail(const char *fmt, ...) HM_PRINTF(1, 2);

/* The installation's database, opened for writing; NULL with a message. */
sqlite3 *ctl_open_rw(const struct config *cfg);

/* Applies the pending schema migrations and says where the database is. */
int ctl_migrate(sqlite3 *db);

#endif
