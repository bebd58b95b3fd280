/* media.cgi: /media/<stored_name>-<d|t>.jpg?e=<expiry>&s=<sig>, the public
 * photos of passports and jobs, and shop logos. The signature is checked before the
 * database or the disk is touched; a bad, expired, tampered, unknown,
 * deleted or private photo all get the one not-found response. Read-only;
 * never links libvips: it only sends files upload.cgi made. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attachments.h"
#include "media_url.h"
#include "web.h"

/* Far above what upload.cgi writes (a 1600 px JPEG): a file this large
 * under media_dir was not made by us. */
#define MEDIA_MAX_FILE (8L << 20)

enum { M_E, M_S, M_NPARAMS };
static const struct param params[M_NPARAMS] = {
	[M_E] = {"e", v_word, 20, 0, 0, 0},
	[M_S] = {"s", v_token, 64, 0, 0, 0},
};

/* The one not-found response: nothing in it depends on the request. */
static void not_found(struct web *w)
{
	web_error(w, 404, _("Photo not found"),
	    _("This photo is not available. If you followed a link, reload the page it came from."));
}

/* The expiry exactly as media_url writes it: decimal, no sign, no leading
 * zero, so one URL has one spelling. */
static int parse_expiry(const char *s, time_t *out)
{
	int64_t v = 0;
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 18 || s[0] == '0')
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = (time_t)v;
	return 1;
}

/* Reads media_dir/file without following a symbolic link at the last
 * step; the name's shape (media_name_ok) already keeps it in the directory. */
static char *read_media(const char *dir, const char *file, size_t *lenp)
{
	char *data = read_file_at(dir, file, MEDIA_MAX_FILE, lenp);
	if (!data && errno == ENOENT)
		log_err("media: a live photo's file is missing");
	else if (!data && (errno == EINVAL || errno == EFBIG))
		log_err("media: a stored photo is not a regular file of a sane size");
	else if (!data)
		log_err("media: cannot read a stored photo: %s", strerror(errno));
	return data;
}

/* Headers for the photo itself. An image needs no scripts, styles or
 * frames; it may be cached privately until its URL expires. */
static void photo_headers(struct web *w, time_t expiry, time_t now)
{
	char cc[64];
	resp_free(&w->resp);
	resp_init(&w->resp, w->req.method == METHOD_HEAD);
	snprintf(cc, sizeof cc, "private, max-age=%" PRId64, (int64_t)(expiry - now));
	resp_header(&w->resp, "Content-Security-Policy",
	    "default-src 'none'; frame-ancestors 'none'; sandbox");
	resp_header(&w->resp, "Content-Disposition", "inline; filename=\"photo.jpg\"");
	resp_header(&w->resp, "X-Content-Type-Options", "nosniff");
	resp_header(&w->resp, "Cache-Control", cc);
	resp_header(&w->resp, "Referrer-Policy", "same-origin");
	resp_header(&w->resp, "X-Robots-Tag", "noindex, nofollow");
	resp_header(&w->resp, "Cross-Origin-Resource-Policy", "same-origin");
	resp_header(&w->resp, "X-Frame-Options", "DENY");
}

int main(void)
{
	struct web w;
	sqlite3 *db = NULL;
	char *data = NULL;
	size_t len = 0;
	time_t expiry = 0, now;
	const char *file;

	if (web_init(&w, "media", params, M_NPARAMS) != 0)
		goto out;
	if (w.req.method == METHOD_POST) {
		resp_header(&w.resp, "Allow", "GET, HEAD");
		web_error(&w, 405, _("Not allowed"), _("This address can only be viewed."));
		goto out;
	}
	if (web_master(&w) != 0) {
		web_error(&w, 500, _("Something went wrong"), _("Please try again in a moment."));
		goto out;
	}
	now = hm_now();
	file = media_route(w.req.path_info);
	if (!file)
		file = "";
	/* The MAC first: without a valid one nothing below runs, so neither
	 * the database nor the disk can be probed through this CGI. */
	if (!parse_expiry(req_val(&w.req, M_E), &expiry) ||
	    !media_url_check(w.master, file, expiry, req_val(&w.req, M_S), now)) {
		not_found(&w);
		goto out;
	}
	if (!(db = db_open(w.cfg.database, 1)) || schema_check(db) != HM_OK) {
		web_busy(&w);
		goto out;
	}
	char stem[ATTACH_NAME_LEN + 1];
	snprintf(stem, sizeof stem, "%.*s", ATTACH_NAME_LEN, file);
	enum hm_rc rc = attachment_public_ok(db, stem, now);
	if (rc == HM_NOTFOUND) {
		not_found(&w);
		goto out;
	}
	if (rc != HM_OK) {
		web_fail(&w, rc);
		goto out;
	}
	if (!(data = read_media(w.cfg.media_dir, file, &len))) {
		not_found(&w);
		goto out;
	}
	photo_headers(&w, expiry, now);
	resp_finish(&w.resp, 200, "image/jpeg", data, len);
out:
	free(data);
	db_close(db);
	web_free(&w);
	return 0;
}
