/* The Logo section of the settings page (templates/_admin_settings_logo.html):
 * the current logo through the staff-only /admin/photo route. Uploads and
 * removal go to upload.cgi (/admin/upload/logo). */
#include "admin.h"
#include "attachments.h"

void settings_logo_fill(struct staff *a, struct tctx *c)
{
	struct attachment logo;
	if (attachment_shop_logo(a->db, a->user.shop_id, &logo) == HM_OK)
		tctx_set_int(c, "logo_id", logo.id);
}
