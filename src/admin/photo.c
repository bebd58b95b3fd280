/* Staff see every photo of their shop, public or not, through this page;
 * customers only ever get media.cgi's signed URLs for public ones. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"
#include "attachments.h"

#define PHOTO_MAX (20L << 20)

void page_photo(struct staff *a)
{
	struct attachment att;
	char file[ATTACH_NAME_LEN + 7];
	struct buf body = {0};
	const char *size = req_val(&a->w.req, A_SIZE);
	char kind = size && !strcmp(size, "d") ? 'd' : 't';

	enum hm_rc rc = attachment_get(a->db, a->user.shop_id, a->id, &att);
	if (rc != HM_OK) {
		web_fail(&a->w, rc);
		return;
	}
	attachment_file(&att, kind, file);
	char *path = xasprintf("%s/%s", a->w.cfg.media_dir, file);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	free(path);
	if (fd < 0) {
		log_err("photo file missing: %s", strerror(errno));
		web_fail(&a->w, HM_NOTFOUND);
		return;
	}
	char chunk[65536];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof chunk)) > 0 && body.len + (size_t)n <= PHOTO_MAX)
		buf_append(&body, chunk, (size_t)n);
	close(fd);
	if (n != 0) {
		buf_free(&body);
		web_fail(&a->w, HM_ERR);
		return;
	}
	resp_header(&a->w.resp, "Content-Disposition", "inline; filename=\"photo.jpg\"");
	resp_finish(&a->w.resp, 200, "image/jpeg", body.data, body.len);
	buf_free(&body);
}
