/* upload.cgi: photos for passports and jobs, and the shop's logo; staff only.
 *
 *   POST /admin/upload/passport/<id>         role=primary|gallery, photo=<file>, csrf
 *   POST /admin/upload/passport/<id>/delete  attachment=<id>, csrf
 *   POST /admin/upload/job/<id>              job_role=photo|proof, is_public=1 (absent:
 *                                            private), photo=<file>, csrf
 *   POST /admin/upload/job/<id>/delete       attachment=<id>, csrf
 *   POST /admin/upload/logo                  photo=<file>, csrf (replaces the logo)
 *   POST /admin/upload/logo/delete           attachment=<id>, csrf
 *
 * Sign-in, CSRF and origin are checked by the library's staff gate, as for
 * every /admin page. A photo is
 * typed by its magic bytes, capped in bytes and pixels before it is
 * decoded, turned once by libvips into a display version and a thumbnail
 * (upright, sRGB JPEG, every byte of metadata stripped), written under
 * generated names, and only then recorded. The original is not kept.
 * Nothing is left half-done: a failure removes what was written.
 *
 * Job photos are private (staff only) unless ticked customer-visible; a
 * design proof is always customer-visible, since the customer is asked to
 * decide on it. A logo is public: it heads the customer's pages. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>
#include <vips/vips.h>

#include "attachments.h"
#include "audit.h"
#include "i18n.h"
#include "routes.h"
#include "staff.h"

/* The photo itself (the whole body is capped by max_upload), and what a
 * photo may decode to. */
#define UPLOAD_MAX_FILE (10L << 20)
#define UPLOAD_MAX_PIXELS 40000000LL
#define UPLOAD_MAX_SIDE 20000
#define DISPLAY_SIDE 1600
#define THUMB_SIDE 400
#define JPEG_QUALITY 82

static const char *const passport_roles[] = {"primary", "gallery", NULL};
static const char *const job_roles[] = {"photo", "proof", NULL};

enum { U_CSRF, U_ROLE, U_JOB_ROLE, U_ATTACHMENT, U_PHOTO, U_PUBLIC, U_FK, U_NPARAMS };
static const struct param params[U_NPARAMS] = {
	[U_CSRF] = {"csrf", v_token, 64, 0, 0, 0, NULL},
	/* One name, two sets of choices: the route says which applies. */
	[U_ROLE] = {"role", v_choice, 16, 0, 0, 0, passport_roles},
	[U_JOB_ROLE] = {"job_role", v_choice, 16, 0, 0, 0, job_roles},
	[U_ATTACHMENT] = {"attachment", v_int, 20, 0, 1, INT64_MAX, NULL},
	[U_PHOTO] = {"photo", NULL, UPLOAD_MAX_FILE, PARAM_FILE, 0, 0, NULL},
	[U_PUBLIC] = {"is_public", v_bool, 5, 0, 0, 0, NULL},
	[U_FK] = {FORM_KEY_PARAM, v_token, 64, 0, 0, 0, NULL},
};

/* libvips is started once, on the first photo. */
static int vips_up;

enum photo_type { PHOTO_NONE, PHOTO_JPEG, PHOTO_PNG, PHOTO_WEBP };

/* The two JPEGs made from one upload (g_free the buffers). */
struct photo {
	void *disp, *thumb;
	size_t disp_len, thumb_len;
	int w, h;
};

/* ---- photo processing ---- */

/* The type, decided by the first bytes alone: the name and the declared
 * Content-Type are the client's word, not evidence. */
static enum photo_type sniff(const unsigned char *p, size_t n)
{
	static const unsigned char png[8] = { 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a };
	if (n >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return PHOTO_JPEG;
	if (n >= 8 && memcmp(p, png, 8) == 0)
		return PHOTO_PNG;
	if (n >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
		return PHOTO_WEBP;
	return PHOTO_NONE;
}

static void log_vips(const char *what)
{
	log_err("%s: %s", what, vips_error_buffer());
	vips_error_clear();
}

static int vips_start(void)
{
	if (vips_up)
		return 0;
	if (VIPS_INIT("upload") != 0) {
		log_vips("vips init");
		return -1;
	}
	vips_up = 1;
	/* Only loaders that are fuzzed and meant for untrusted input; and no
	 * operation cache in a process that makes one photo. */
	vips_block_untrusted_set(TRUE);
	vips_cache_set_max(0);
	vips_concurrency_set(2);
	return 0;
}

/* Opens the image lazily: only the header is read, so the caps below are
 * checked before a pixel is decoded. */
static VipsImage *load_header(enum photo_type t, const struct upload *up)
{
	VipsImage *im = NULL;
	void *buf = (void *)up->data;	/* vips reads it; the cast is its API's */
	int rc = -1;
	switch (t) {
	case PHOTO_JPEG:
		rc = vips_jpegload_buffer(buf, up->len, &im, "access", VIPS_ACCESS_SEQUENTIAL,
		    "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL);
		break;
	case PHOTO_PNG:
		rc = vips_pngload_buffer(buf, up->len, &im, "access", VIPS_ACCESS_SEQUENTIAL,
		    "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL);
		break;
	case PHOTO_WEBP:
		rc = vips_webpload_buffer(buf, up->len, &im, "access", VIPS_ACCESS_SEQUENTIAL,
		    "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL);
		break;
	case PHOTO_NONE:
		break;
	}
	if (rc != 0) {
		log_vips("photo header");
		return NULL;
	}
	return im;
}

/* sRGB, 8 bits, no alpha (JPEG has none: transparent areas go white). */
static VipsImage *flatten_rgb(VipsImage *in)
{
	VipsImage *out = NULL;
	if (!vips_image_hasalpha(in)) {
		g_object_ref(in);
		return in;
	}
	double white[3] = { 255, 255, 255 };
	VipsArrayDouble *bg = vips_array_double_new(white, 3);
	int rc = vips_flatten(in, &out, "background", bg, NULL);
	vips_area_unref(VIPS_AREA(bg));
	if (rc != 0) {
		log_vips("flatten");
		return NULL;
	}
	VipsImage *cast = NULL;
	rc = vips_cast_uchar(out, &cast, NULL);
	g_object_unref(out);
	if (rc != 0) {
		log_vips("cast");
		return NULL;
	}
	return cast;
}

static int save_jpeg(VipsImage *im, void **buf, size_t *len)
{
	/* strip drops EXIF (GPS, camera, orientation), XMP, IPTC and ICC:
	 * the pixels are sRGB already and browsers assume it. */
	if (vips_jpegsave_buffer(im, buf, len, "Q", JPEG_QUALITY, "strip", TRUE,
	    "optimize_coding", TRUE, "interlace", TRUE, NULL) != 0) {
		log_vips("jpeg save");
		return -1;
	}
	return 0;
}

/* Decodes once into a display version and a thumbnail. On failure sets
 * *status and *msg for the person and returns -1. */
static int make_photo(enum photo_type t, const struct upload *up,
    struct photo *ph, int *status, const char **msg)
{
	VipsImage *hdr = NULL, *disp = NULL, *flat = NULL, *mem = NULL, *thumb = NULL;
	int rc = -1;

	memset(ph, 0, sizeof *ph);
	*status = 500;
	*msg = _("The photo could not be processed. Nothing was saved; please try again.");
	if (vips_start() != 0)
		goto out;
	if (!(hdr = load_header(t, up))) {
		*status = 422;
		*msg = _("That photo could not be read: the file may be damaged. Nothing was saved.");
		goto out;
	}
	int64_t w = vips_image_get_width(hdr), h = vips_image_get_height(hdr);
	if (w < 1 || h < 1 || w > UPLOAD_MAX_SIDE || h > UPLOAD_MAX_SIDE ||
	    w * h > UPLOAD_MAX_PIXELS) {
		log_err("refused a %" PRId64 "x%" PRId64 " photo", w, h);
		*status = 413;
		*msg = _("That photo has too many pixels (the limit is 40 megapixels). "
		    "Nothing was saved: make it smaller and try again.");
		goto out;
	}
	/* thumbnail_buffer shrinks while it decodes and turns the image
	 * upright from its EXIF orientation; export_profile brings any
	 * embedded profile (Display P3 phone photos, CMYK) to sRGB. Its own
	 * fail_on does not reach the loader (libvips 8.14): a file cut short
	 * only warns and is published half grey, so the loader is told
	 * through option_string, and the decode below fails on it. */
	if (vips_thumbnail_buffer((void *)up->data, up->len, &disp, DISPLAY_SIDE,
	    "height", DISPLAY_SIDE, "size", VIPS_SIZE_DOWN, "export_profile", "srgb",
	    "option_string", "fail_on=truncated", NULL) != 0) {
		log_vips("photo decode");
		*status = 422;
		*msg = _("That photo could not be read: the file may be damaged. Nothing was saved.");
		goto out;
	}
	if (!(flat = flatten_rgb(disp)))
		goto out;
	/* Decoding happens here; a file damaged past its header fails now. */
	if (!(mem = vips_image_copy_memory(flat))) {
		log_vips("photo decode");
		*status = 422;
		*msg = _("That photo could not be read: the file may be damaged. Nothing was saved.");
		goto out;
	}
	if (vips_thumbnail_image(mem, &thumb, THUMB_SIDE, "height", THUMB_SIDE,
	    "size", VIPS_SIZE_DOWN, "no_rotate", TRUE, NULL) != 0) {
		log_vips("thumbnail");
		goto out;
	}
	if (save_jpeg(mem, &ph->disp, &ph->disp_len) != 0 ||
	    save_jpeg(thumb, &ph->thumb, &ph->thumb_len) != 0)
		goto out;
	ph->w = vips_image_get_width(mem);
	ph->h = vips_image_get_height(mem);
	rc = 0;
out:
	if (rc != 0) {
		g_free(ph->disp);
		g_free(ph->thumb);
		memset(ph, 0, sizeof *ph);
	}
	if (thumb)
		g_object_unref(thumb);
	if (mem)
		g_object_unref(mem);
	if (flat)
		g_object_unref(flat);
	if (disp)
		g_object_unref(disp);
	if (hdr)
		g_object_unref(hdr);
	return rc;
}

static void photo_free(struct photo *ph)
{
	g_free(ph->disp);
	g_free(ph->thumb);
	memset(ph, 0, sizeof *ph);
}

/* ---- files ---- */

/* Writes data as dir/name through a temporary name and rename(2), so a
 * reader never sees half a file. Returns 0 or -1 (logged, nothing left). */
static int write_file(int dfd, const char *name, const void *data, size_t len)
{
	char tmp[64];
	const char *p = data;
	size_t left = len;
	int fd;
	snprintf(tmp, sizeof tmp, ".%s.tmp", name);
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
	if (fd < 0) {
		log_err("upload: cannot create a media file: %s", strerror(errno));
		return -1;
	}
	while (left) {
		ssize_t n = write(fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		p += n;
		left -= (size_t)n;
	}
	if (left || fsync(fd) != 0) {
		log_err("upload: cannot write a media file: %s", strerror(errno));
		close(fd);
		unlinkat(dfd, tmp, 0);
		return -1;
	}
	if (close(fd) != 0 || renameat(dfd, tmp, dfd, name) != 0) {
		log_err("upload: cannot finish a media file: %s", strerror(errno));
		unlinkat(dfd, tmp, 0);
		return -1;
	}
	return 0;
}

/* Both versions under a fresh random stem; on failure neither remains. */
static int store_photo(const char *dir, const struct photo *ph, char stem[ATTACH_NAME_LEN + 1])
{
	unsigned char rnd[ATTACH_NAME_LEN / 2];
	char dname[ATTACH_NAME_LEN + 7], tname[ATTACH_NAME_LEN + 7];
	int rc = -1;
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		log_err("upload: cannot open media_dir: %s", strerror(errno));
		return -1;
	}
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(stem, ATTACH_NAME_LEN + 1, rnd, sizeof rnd);
	snprintf(dname, sizeof dname, "%s-d.jpg", stem);
	snprintf(tname, sizeof tname, "%s-t.jpg", stem);
	if (write_file(dfd, dname, ph->disp, ph->disp_len) != 0)
		goto out;
	if (write_file(dfd, tname, ph->thumb, ph->thumb_len) != 0) {
		unlinkat(dfd, dname, 0);
		goto out;
	}
	/* The names must be on disk before the row that points at them. */
	if (fsync(dfd) != 0) {
		log_err("upload: cannot sync media_dir: %s", strerror(errno));
		unlinkat(dfd, dname, 0);
		unlinkat(dfd, tname, 0);
		goto out;
	}
	rc = 0;
out:
	close(dfd);
	return rc;
}

static void unstore_photo(const char *dir, const char *stem)
{
	char name[ATTACH_NAME_LEN + 7];
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (int i = 0; i < 2; i++) {
		snprintf(name, sizeof name, "%s-%c.jpg", stem, i ? 't' : 'd');
		if (dfd < 0 || unlinkat(dfd, name, 0) != 0)
			log_err("upload: cannot remove a media file: %s", strerror(errno));
	}
	if (dfd >= 0)
		close(dfd);
}

/* ---- actions ---- */

/* Where an upload goes and what the person is told about it. */
struct target {
	const char *owner_kind;	/* "passport", "job" or "shop" */
	int64_t owner_id;
	const char *role;
	int is_public;
	const char *full;	/* the message when the owner has all it can take */
};

/* The audit trail's kind of an owner, and the action an upload (or a
 * delete) of its photo is recorded as. */
static enum audit_kind audit_owner(const char *owner_kind)
{
	return !strcmp(owner_kind, "shop") ? AUDIT_SHOP : !strcmp(owner_kind, "job") ? AUDIT_JOB
	    : AUDIT_PASSPORT;
}

static const char *audit_action(const char *owner_kind, int deleting)
{
	if (!strcmp(owner_kind, "shop"))
		return deleting ? "settings.logo_delete" : "settings.logo";
	if (!strcmp(owner_kind, "job"))
		return deleting ? "job.photo_delete" : "job.photo_add";
	return deleting ? "passport.photo_delete" : "passport.photo_add";
}

/* Back to the page the form was on: the passport's, the job's, or the
 * settings for the logo. */
static void go_back(struct staff *u, const char *owner_kind)
{
	char loc[64];
	if (!strcmp(owner_kind, "shop"))
		snprintf(loc, sizeof loc, "/admin/settings");
	else
		snprintf(loc, sizeof loc, "/admin/%s/%" PRId64,
		    !strcmp(owner_kind, "job") ? "jobs" : "passports", u->id);
	web_redirect(&u->w, loc);
}

/* The pipeline every upload shares: owner, file, type, processing, files,
 * row, in that order, so a refusal at any step has written nothing. */
static void upload_to(struct staff *u, const struct target *t)
{
	const struct upload *up = req_upload(&u->w.req, U_PHOTO);
	struct photo ph = {0};
	char stem[ATTACH_NAME_LEN + 1];
	enum photo_type type;
	const char *msg;
	int status;
	enum hm_rc rc;

	if ((rc = attachment_owner_check(u->db, u->user.shop_id, t->owner_kind, t->owner_id)) != HM_OK) {
		web_fail(&u->w, rc);
		return;
	}
	/* The same photo sent again from the same form (a double click, a
	 * retry after a lost answer) was saved the first time. */
	if ((rc = db_form_seen(u->db)) != HM_OK) {
		if (rc == HM_DUPLICATE)
			go_back(u, t->owner_kind);
		else
			web_fail(&u->w, rc);
		return;
	}
	if (!up || up->len == 0) {
		web_error(&u->w, 400, _("Choose a photo"),
		    _("No photo came with the form. Choose one and try again."));
		return;
	}
	if (up->len > UPLOAD_MAX_FILE) {
		web_error(&u->w, 413, _("That photo is too large"),
		    _("Photos can be up to 10 MB. Nothing was saved: choose a smaller photo."));
		return;
	}
	if ((type = sniff((const unsigned char *)up->data, up->len)) == PHOTO_NONE) {
		web_error(&u->w, 415, _("That file is not a photo we can use"),
		    _("Upload a JPEG, PNG or WebP photo. Nothing was saved."));
		return;
	}
	if (make_photo(type, up, &ph, &status, &msg) != 0) {
		web_error(&u->w, status, status == 413 ? _("That photo is too large")
		    : status == 422 ? _("That photo could not be read") : _("Something went wrong"), msg);
		return;
	}
	if (store_photo(u->w.cfg.media_dir, &ph, stem) != 0) {
		web_fail(&u->w, HM_ERR);
		goto out;
	}
	audit_watch_photo(audit_owner(t->owner_kind), u->user.shop_id, t->owner_id, 0,
	    audit_action(t->owner_kind, 0));
	struct attachment_new in = {
		.shop_id = u->user.shop_id, .owner_id = t->owner_id,
		.owner_kind = t->owner_kind, .role = t->role, .stored_name = stem,
		.is_public = t->is_public, .display_w = ph.w, .display_h = ph.h,
		.bytes = (int64_t)(ph.disp_len + ph.thumb_len),
	};
	rc = attachment_add(u->db, &in, u->now, NULL);
	if (rc != HM_OK) {
		unstore_photo(u->w.cfg.media_dir, stem);
		if (rc == HM_DUPLICATE)
			go_back(u, t->owner_kind);
		else if (rc == HM_CONFLICT)
			web_error(&u->w, 409, _("No room for another photo"), t->full);
		else
			web_fail(&u->w, rc);
		goto out;
	}
	go_back(u, t->owner_kind);
out:
	photo_free(&ph);
}

static void do_upload(struct staff *u)
{
	const char *role = req_val(&u->w.req, U_ROLE);
	if (!role) {
		web_error(&u->w, 400, _("Choose where the photo goes"),
		    _("Say whether this is the main photo or one for the gallery. Nothing was saved."));
		return;
	}
	struct target t = {
		.owner_kind = "passport", .owner_id = u->id, .role = role, .is_public = 1,
		.full = _("A passport can have up to 30 photos. Delete one and try again."),
	};
	upload_to(u, &t);
}

static void do_job_upload(struct staff *u)
{
	const char *role = req_val(&u->w.req, U_JOB_ROLE);
	if (!role) {
		web_error(&u->w, 400, _("Choose what the photo is"),
		    _("Say whether this is a photo of the job or a design proof. Nothing was saved."));
		return;
	}
	if (req_invalid(&u->w.req, U_PUBLIC)) {
		web_error(&u->w, 400, _("That form was not understood"),
		    _("Go back, reload the page and try again. Nothing was saved."));
		return;
	}
	/* Unticked is absent: private unless staff said otherwise. */
	struct target t = {
		.owner_kind = "job", .owner_id = u->id, .role = role,
		.is_public = req_int(&u->w.req, U_PUBLIC, 0) == 1,
		.full = _("A job can have up to 30 photos. Delete one and try again."),
	};
	upload_to(u, &t);
}

static void do_logo_upload(struct staff *u)
{
	struct target t = {
		.owner_kind = "shop", .owner_id = u->user.shop_id, .role = "logo", .is_public = 1,
		.full = _("The shop's logo could not be replaced. Remove it and try again."),
	};
	upload_to(u, &t);
}

/* Soft-deletes one photo of an owner of the signed-in user's shop. */
static void delete_from(struct staff *u, const char *owner_kind, int64_t owner_id)
{
	int64_t aid = req_int(&u->w.req, U_ATTACHMENT, 0);
	enum hm_rc rc;
	if (aid <= 0) {
		web_error(&u->w, 400, _("Choose a photo"), _("Say which photo to delete. Nothing was changed."));
		return;
	}
	audit_watch_photo(audit_owner(owner_kind), u->user.shop_id, owner_id, aid,
	    audit_action(owner_kind, 1));
	rc = attachment_delete(u->db, u->user.shop_id, owner_kind, owner_id, aid, u->now);
	if (rc != HM_OK && rc != HM_DUPLICATE) {
		web_fail(&u->w, rc);
		return;
	}
	go_back(u, owner_kind);
}

static void do_delete(struct staff *u)
{
	delete_from(u, "passport", u->id);
}

static void do_job_delete(struct staff *u)
{
	delete_from(u, "job", u->id);
}

static void do_logo_delete(struct staff *u)
{
	delete_from(u, "shop", u->user.shop_id);
}

static const struct route {
	enum method method;
	const char *pattern;	/* '#' stands for one path segment of digits */
	enum staff_access access;
	void (*fn)(struct staff *);
} routes[] = {
#define ROUTE(m, pattern, access, fn) {m, pattern, access, fn},
	UPLOAD_ROUTES(ROUTE)
#undef ROUTE
};

static void dispatch(struct staff *u)
{
	const struct route *r = NULL;
	for (size_t i = 0; i < HM_NELEM(routes) && !r; i++)
		if (path_match(routes[i].pattern, u->w.req.path_info, &u->id))
			r = &routes[i];
	if (!r) {
		web_error(&u->w, 404, _("Not found"), _("There is no such page."));
		return;
	}
	if (u->w.req.method != r->method) {
		resp_header(&u->w.resp, "Allow", "POST");
		web_error(&u->w, 405, _("Not allowed"), _("That page cannot be used that way."));
		return;
	}
	if (staff_gate(u, r->method, r->access) != 0)
		return;
	r->fn(u);
}

int main(void)
{
	struct staff u;
	if (staff_begin(&u, "upload", params, U_NPARAMS, 1, UPLOAD_MAX_FILE) == 0)
		dispatch(&u);
	staff_end(&u);
	if (vips_up)
		vips_shutdown();
	return 0;
}
