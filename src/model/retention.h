/* What may go, goes: hallmarkctl purge applies each shop's retention
 * period; a shop owner's wipe removes all of the shop's tracking data. */
#ifndef HM_RETENTION_H
#define HM_RETENTION_H

#include <sqlite3.h>
#include <stdint.h>
#include <time.h>

#include "db.h"

struct purge_result {
	long jobs, messages, photos;
	char **names;		/* stored names whose files are to be removed */
	size_t nnames;
};

/* Deletes, in one transaction, the jobs that finished (or were deleted)
 * longer ago than their shop's retention period, with their timelines,
 * messages, notifications and photos, and every photo row already marked
 * deleted. The
 * files are left to purge_unlink, after the commit. */
enum hm_rc retention_purge(sqlite3 *db, time_t now, struct purge_result *out);
/* Deletes every job of the shop with its timeline, messages,
 * notifications and photos.
 * Passports are provenance, not tracking data: they stay. */
enum hm_rc shop_wipe(sqlite3 *db, int64_t shop_id, struct purge_result *out);
/* Removes the display and thumbnail files of out->names from media_dir;
 * returns how many could not be removed (already missing ones count as
 * removed). */
int purge_unlink(const char *media_dir, const struct purge_result *r);
void purge_result_free(struct purge_result *r);

#endif
