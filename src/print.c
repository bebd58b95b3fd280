/* print.cgi: what staff print. /admin/print/<passport id>/qr.png and
 * .../certificate.pdf, a passport's QR code and certificate of
 * authenticity; /admin/print/job/<job id>/slip.pdf, .../tag.pdf and
 * .../qr.png, a job's take-in slip, workshop tag and the QR code of the
 * customer's link. Only for the signed-in staff of the shop the record
 * belongs to. The only executable that links cairo and pango, so the
 * public pages never load their font stack.
 *
 * Each document is written in its reader's language: the slip in the
 * customer's, the certificate in the shop's, the tag in the staff pages'. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "attachments.h"
#include "certificate.h"
#include "i18n.h"
#include "layout.h"
#include "model.h"
#include "passport.h"
#include "qr.h"
#include "ratelimit.h"
#include "slip.h"
#include "staff.h"
#include "tag.h"

static const struct param params[] = {
	{"csrf", v_token, 64, 0, 0, 0, NULL},	/* declared for the gate; downloads are GETs */
};

/* Certificates per client address per window are capped (configuration
 * ratelimit_certificates). Making one costs a font load and a PDF; the limit
 * stops a stolen session (or a script) from turning the shop's whole
 * register into paper in one go. */
#define CERT_SCOPE "certificate"

/* The QR PNG is at least this many pixels across: 2 inches at 300 dpi. */
#define QR_PRINT_PX 600

/* Seconds until the client's current fixed window ends. */
static int retry_after(int window, time_t now)
{
	int w = window > 0 ? window : 1;
	int left = w - (int)(now % w);
	return left > 0 ? left : 1;
}

/* Counts this certificate against the client's address. Returns 0 to go
 * on, or -1 when a response (429, or an error) was sent. */
static int certificate_allowed(struct web *w, time_t now)
{
	unsigned char ipkey[KEY_BYTES], iph[16];
	sqlite3 *rl = rl_open(w->cfg.ratelimit_database);
	int n = -1;

	if (rl) {
		key_derive(w->master, KEY_IP_HASH, ipkey);
		ip_hash(ipkey, w->req.remote_addr, iph);
		/* Counting first and comparing the new count leaves no gap
		 * between check and count for parallel requests to slip through. */
		n = rl_hit(rl, CERT_SCOPE, iph, w->cfg.ratelimit_window, now);
		db_close(rl);
		sodium_memzero(ipkey, sizeof ipkey);
	}
	if (n < 0) {
		web_busy(w);
		return -1;
	}
	if (n > w->cfg.ratelimit_certificates) {
		char retry[16];
		snprintf(retry, sizeof retry, "%d", retry_after(w->cfg.ratelimit_window, now));
		resp_header(&w->resp, "Retry-After", retry);
		web_error(w, 429, "Too many certificates",
		    "Certificates were downloaded too often from this computer. "
		    "Wait a few minutes, then try again.");
		return -1;
	}
	return 0;
}

/* The first of these languages that is shipped: a record's, then its
 * shop's, then the installation's default; NULL (English) if none is. */
static const struct lang *doc_lang(const struct web *w, const char *first, const char *second)
{
	const struct lang *l = lang_find(first);
	if (!l)
		l = lang_find(second);
	if (!l)
		l = lang_find(w->cfg.default_language);
	return l;
}

/* Sends q as a PNG to download under the file name name. */
static void send_qr(struct web *w, const struct qr *q, const char *name)
{
	struct buf png = {0};
	char cd[96];
	int per = q->width + 2 * QR_QUIET_ZONE;
	int scale = (QR_PRINT_PX + per - 1) / per;
	if (qr_png(q, scale > 64 ? 64 : scale, QR_QUIET_ZONE, &png) != 0) {
		web_error(w, 500, "Something went wrong", "The QR code could not be made.");
		goto out;
	}
	snprintf(cd, sizeof cd, "attachment; filename=\"%s\"", name);
	resp_header(&w->resp, "Content-Disposition", cd);
	resp_finish(&w->resp, 200, "image/png", png.data, png.len);
out:
	buf_free(&png);
}

static void send_certificate(struct web *w, sqlite3 *db, const struct passport_full *pf,
    const struct qr *q, const char *url)
{
	struct shop shop = {0};
	struct buf pdf = {0};
	unsigned char pk[32];
	char fp[KEY_FINGERPRINT_STR], cd[96];
	enum hm_rc rc;

	if ((rc = shop_get(db, pf->p.shop_id, &shop)) != HM_OK) {
		web_fail(w, rc);
		goto out;
	}
	/* Claim the signature only when it checks out against the shop's key. */
	int signed_ok = pf->p.has_signature &&
	    shop_key_public(db, pf->p.shop_id, w->master, pk) == HM_OK &&
	    passport_signature_ok(pf, pk);
	if (pf->p.has_signature && !signed_ok)
		log_err("passport %lld: signature does not verify; certificate says issued, not signed",
		    (long long)pf->p.id);
	if (signed_ok)
		key_fingerprint(pk, fp);
	const char *tz = *shop.timezone ? shop.timezone : w->cfg.default_timezone;
	/* Only staff download a certificate (under /admin/print/, never on a
	 * public address), and it goes to the piece's owner, whose language
	 * is not recorded: it is in the shop's, as the owner's emails are.
	 * The error pages stay in the staff pages' language. */
	const struct lang *staff_lang = lang_use(doc_lang(w, shop.language, NULL));
	int made = certificate_pdf(&pf->p, &shop, tz, url, q, signed_ok ? fp : NULL, &pdf) == 0;
	lang_use(staff_lang);
	if (!made) {
		web_error(w, 500, "Something went wrong", "The certificate could not be made.");
		goto out;
	}
	snprintf(cd, sizeof cd, "attachment; filename=\"passport-%lld.pdf\"",
	    (long long)pf->p.identity_number);
	resp_header(&w->resp, "Content-Disposition", cd);
	resp_finish(&w->resp, 200, "application/pdf", pdf.data, pdf.len);
out:
	buf_free(&pdf);
	shop_free(&shop);
}

#if defined(__SANITIZE_ADDRESS__)
/* fontconfig 2.14 loses a few bytes while parsing its configuration files
 * (a known leak inside the library, reached through pango's font lookup).
 * LeakSanitizer asks the program for suppressions through this hook; only
 * allocations with fontconfig on their stack are excused, so a leak of our
 * own (or of a pango or cairo object we forgot to free) is still reported. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

/* ...and without a "suppressions used" table in the server's error log. */
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}
#endif

/* Absolute URLs in the documents need the installation's own address.
 * Returns it (caller frees), or NULL when a 500 was sent. */
static char *origin_or_fail(struct web *w)
{
	char *origin = web_origin(w);
	if (*origin)
		return origin;
	free(origin);
	log_err("no base_url and no usable Host header: cannot make an absolute URL to print");
	web_error(w, 500, "Something went wrong",
	    "This installation does not know its own address (base_url).");
	return NULL;
}

static void print_passport(struct staff *s, int64_t id, enum print_file what)
{
	struct passport_full pf = {0};
	struct qr q = {0};
	char *origin = NULL, *url = NULL, name[64];
	enum hm_rc rc;

	if (what == PRINT_CERTIFICATE && certificate_allowed(&s->w, s->now) != 0)
		goto out;
	/* Scoped by the signed-in user's shop: another shop's passport is
	 * not found, exactly like one that does not exist. */
	rc = passport_get(s->db, s->user.shop_id, id, &pf);
	if (rc == HM_OK && pf.p.deleted_at)
		rc = HM_NOTFOUND;
	if (rc != HM_OK) {
		web_fail(&s->w, rc);
		goto out;
	}
	if (!(origin = origin_or_fail(&s->w)))
		goto out;
	url = xasprintf("%s/verify/%s", origin, pf.p.public_uid);
	if (qr_encode(url, &q) != 0) {
		web_error(&s->w, 500, "Something went wrong", "The QR code could not be made.");
		goto out;
	}
	if (what == PRINT_QR_PNG) {
		snprintf(name, sizeof name, "passport-%lld-qr.png", (long long)pf.p.identity_number);
		send_qr(&s->w, &q, name);
	} else {
		send_certificate(&s->w, s->db, &pf, &q, url);
	}
out:
	qr_free(&q);
	free(url);
	free(origin);
	passport_full_free(&pf);
}

/* A logo file is a 400 px JPEG of a few tens of kilobytes; anything this
 * large under media_dir was not made by upload.cgi. */
#define LOGO_MAX_BYTES (2L << 20)

/* The shop's logo thumbnail as upload.cgi stored it (a JPEG), or NULL when
 * the shop has none or its file cannot be read (logged): the slip is then
 * printed without it. Caller frees. */
static unsigned char *logo_jpeg(struct staff *s, int64_t shop_id, size_t *len)
{
	struct attachment a;
	char file[ATTACH_NAME_LEN + 7];

	if (attachment_shop_logo(s->db, shop_id, &a) != HM_OK)
		return NULL;
	attachment_file(&a, 't', file);
	char *data = read_file_at(s->w.cfg.media_dir, file, LOGO_MAX_BYTES, len);
	if (!data)
		log_err("logo: cannot read the shop's logo file: %s", errno == EINVAL || errno == EFBIG
		    ? "not a regular file of a sane size" : strerror(errno));
	else if (*len == 0) {
		log_err("logo: the shop's logo file is empty");
		free(data);
		data = NULL;
	}
	return (unsigned char *)data;
}

/* Sends a PDF the browser shows (and prints) rather than saves. */
static void send_pdf(struct web *w, const struct buf *pdf, const char *name)
{
	char cd[96];
	snprintf(cd, sizeof cd, "inline; filename=\"%s\"", name);
	resp_header(&w->resp, "Content-Disposition", cd);
	resp_finish(&w->resp, 200, "application/pdf", pdf->data, pdf->len);
}

static void send_slip(struct staff *s, const struct job *j, const char *origin,
    const char *track_url, const struct qr *q)
{
	struct shop shop = {0};
	struct buf pdf = {0};
	unsigned char *logo = NULL;
	size_t logo_len = 0;
	char *form = NULL, name[64];
	enum hm_rc rc;

	if ((rc = shop_get(s->db, j->shop_id, &shop)) != HM_OK) {
		web_fail(&s->w, rc);
		goto out;
	}
	logo = logo_jpeg(s, j->shop_id, &logo_len);
	form = xasprintf("%s/track", origin);
	struct slip_input in = {
		.job = j,
		.shop = &shop,
		.tz = *shop.timezone ? shop.timezone : s->w.cfg.default_timezone,
		.track_url = track_url,
		.qr = track_url ? q : NULL,
		.track_form = form,
		/* Booked while tracking was off: the link comes when it is on. */
		.link_later = !j->link_issued && !j->revoked_at && !j->deleted_at,
		.logo = logo,
		.logo_len = logo_len,
	};
	/* The customer keeps it: in the language staff recorded for them at
	 * book-in, else the shop's. */
	const struct lang *staff_lang = lang_use(doc_lang(&s->w, j->language, shop.language));
	int made = slip_pdf(&in, &pdf) == 0;
	lang_use(staff_lang);
	if (!made) {
		web_error(&s->w, 500, "Something went wrong", "The slip could not be made.");
		goto out;
	}
	snprintf(name, sizeof name, "job-%lld-slip.pdf", (long long)j->number);
	send_pdf(&s->w, &pdf, name);
out:
	buf_free(&pdf);
	free(form);
	free(logo);
	shop_free(&shop);
}

static void print_job(struct staff *s, int64_t id, enum print_file what)
{
	struct job j = {0};
	struct qr q = {0};
	struct buf pdf = {0};
	char *origin = NULL, *url = NULL, name[64];
	enum hm_rc rc;

	/* Another shop's job is not found, exactly like a missing one. */
	if ((rc = job_get(s->db, s->user.shop_id, id, &j)) != HM_OK) {
		web_fail(&s->w, rc);
		goto out;
	}
	/* The customer's link exists only while it was issued and is neither
	 * revoked nor deleted; otherwise nothing printed may carry it. */
	int linked = j.link_issued && !j.revoked_at && !j.deleted_at;
	if (what == PRINT_JOB_QR_PNG && !linked) {
		web_fail(&s->w, HM_NOTFOUND);
		goto out;
	}
	if (!(origin = origin_or_fail(&s->w)))
		goto out;
	/* The tag leads staff to the job's page; never to the customer's. */
	if (what == PRINT_JOB_TAG)
		url = xasprintf("%s/admin/jobs/%lld", origin, (long long)j.id);
	else if (linked)
		url = xasprintf("%s/track/%s", origin, j.tracking_id);
	if (url && qr_encode(url, &q) != 0) {
		web_error(&s->w, 500, "Something went wrong", "The QR code could not be made.");
		goto out;
	}
	switch (what) {
	case PRINT_JOB_QR_PNG:
		snprintf(name, sizeof name, "job-%lld-qr.png", (long long)j.number);
		send_qr(&s->w, &q, name);
		break;
	case PRINT_JOB_TAG:
		/* For the workshop: in the staff pages' language, current
		 * since staff_begin. */
		if (tag_pdf(&j, &q, &pdf) != 0) {
			web_error(&s->w, 500, "Something went wrong", "The tag could not be made.");
			goto out;
		}
		snprintf(name, sizeof name, "job-%lld-tag.pdf", (long long)j.number);
		send_pdf(&s->w, &pdf, name);
		break;
	default:
		send_slip(s, &j, origin, url, &q);
		break;
	}
out:
	buf_free(&pdf);
	qr_free(&q);
	free(url);
	free(origin);
	job_free(&j);
}

int main(void)
{
	struct staff s;
	enum print_file what = PRINT_QR_PNG;
	int64_t id = 0;

	if (staff_begin(&s, "print", params, HM_NELEM(params), 0, 0) != 0)
		goto out;
	if (s.w.req.method == METHOD_POST) {
		resp_header(&s.w.resp, "Allow", "GET, HEAD");
		web_error(&s.w, 405, "Not allowed", "This is a download.");
		goto out;
	}
	if (print_route(s.w.req.path_info, &id, &what) != 0) {
		web_error(&s.w, 404, "Not found", "There is no such page.");
		goto out;
	}
	if (staff_gate(&s, METHOD_GET, STAFF_SIGNED_IN) != 0)
		goto out;
	if (what == PRINT_QR_PNG || what == PRINT_CERTIFICATE)
		print_passport(&s, id, what);
	else
		print_job(&s, id, what);
out:
	staff_end(&s);
	pdf_release();
#if defined(__SANITIZE_ADDRESS__)
	/* Lets LeakSanitizer tell cairo's caches from real leaks. */
	cairo_debug_reset_static_data();
#endif
	return 0;
}
