/* The Photos section of a job's staff page (templates/_admin_job_photos.html):
 * every live photo, public or not, through the staff-only /admin/photo
 * route, with what the customer sees of it. */
#include <string.h>

#include "admin.h"
#include "attachments.h"

void job_photos_fill(struct staff *a, struct tctx *c, const struct job *j)
{
	struct attachment_list l = {0};
	size_t shown = 0;

	/* A page without its photos is still worth showing; the failure is
	 * logged by the model. */
	if (attachment_list(a->db, "job", j->id, 0, &l) == HM_OK) {
		for (size_t i = 0; i < l.n; i++) {
			struct tctx *it = tctx_add_item(c, "job_photos");
			tctx_set_int(it, "photo_id", l.v[i].id);
			tctx_set_bool(it, "proof", !strcmp(l.v[i].role, "proof"));
			tctx_set_bool(it, "photo_public", l.v[i].is_public);
		}
		shown = l.n;
		attachment_list_free(&l);
	}
	tctx_set_bool(c, "photos_full", shown >= ATTACH_MAX_PER_OWNER);
	tctx_set_int(c, "photos_max", ATTACH_MAX_PER_OWNER);
}
