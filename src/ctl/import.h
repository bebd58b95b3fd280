/* hallmarkctl import (import.c) and the columns it reads, which export
 * (export.c) writes, so a shop's file goes out and comes back in. */
#ifndef HM_CTL_IMPORT_H
#define HM_CTL_IMPORT_H

#include "config.h"
#include "request.h"

/* A column of an import file: its name and rules (those of the staff
 * form's field of the same name), and whether every row must have it. */
struct import_column {
	struct param p;
	int required;
};
/* The columns of a jobs file and of a passports file, each ended by a
 * NULL name, in the order export writes them. */
extern const struct import_column import_job_columns[];
extern const struct import_column import_passport_columns[];

/* import jobs|passports SHOP FILE.csv [--dry-run] (argv after "import");
 * returns the exit status. */
int ctl_import(const struct config *cfg, int argc, char **argv);

#endif
