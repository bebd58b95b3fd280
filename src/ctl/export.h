/* hallmarkctl export (export.c): a shop's jobs and passports as CSV (the
 * columns import reads) or JSON (everything). */
#ifndef HM_CTL_EXPORT_H
#define HM_CTL_EXPORT_H

#include "config.h"

/* export SHOP --format csv|json [--out DIR] (argv after "export");
 * returns the exit status. */
int ctl_export(const struct config *cfg, int argc, char **argv);

#endif
