/* print.cgi: /admin/print/<passport id>/qr.png and .../certificate.pdf, the
 * printable QR code and certificate of authenticity of a passport, for the
 * signed-in staff of the shop that issued it. The only executable that
 * links cairo, so the public pages never load its font stack. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <sodium.h>

#include "certificate.h"
#include "model.h"
#include "passport.h"
#include "qr.h"
#include "ratelimit.h"
#include "staff.h"

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

static void send_qr(struct web *w, const struct passport *p, const struct qr *q)
{
	struct buf png = {0};
	char cd[96];
	int per = q->width + 2 * QR_QUIET_ZONE;
	int scale = (QR_PRINT_PX + per - 1) / per;
	if (qr_png(q, scale > 64 ? 64 : scale, QR_QUIET_ZONE, &png) != 0) {
		web_error(w, 500, "Something went wrong", "The QR code could not be made.");
		goto out;
	}
	snprintf(cd, sizeof cd, "attachment; filename=\"passport-%lld-qr.png\"",
	    (long long)p->identity_number);
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
	if (certificate_pdf(&pf->p, &shop, tz, url, q, signed_ok ? fp : NULL, &pdf) != 0) {
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
 * (a known leak inside the library, reached through cairo's font lookup).
 * LeakSanitizer asks the program for suppressions through this hook; only
 * allocations with fontconfig on their stack are excused, so a leak of our
 * own (or of a cairo object we forgot to destroy) is still reported. */
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

int main(void)
{
	struct staff s;
	struct passport_full pf = {0};
	struct qr q = {0};
	char *origin = NULL, *url = NULL;
	enum print_file what = PRINT_QR_PNG;
	int64_t id = 0;
	enum hm_rc rc;

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
	if (what == PRINT_CERTIFICATE && certificate_allowed(&s.w, s.now) != 0)
		goto out;
	/* Scoped by the signed-in user's shop: another shop's passport is
	 * not found, exactly like one that does not exist. */
	rc = passport_get(s.db, s.user.shop_id, id, &pf);
	if (rc == HM_OK && pf.p.deleted_at)
		rc = HM_NOTFOUND;
	if (rc != HM_OK) {
		web_fail(&s.w, rc);
		goto out;
	}
	origin = web_origin(&s.w);
	if (!*origin) {
		log_err("no base_url and no usable Host header: cannot make an absolute verify URL");
		web_error(&s.w, 500, "Something went wrong",
		    "This installation does not know its own address (base_url).");
		goto out;
	}
	url = xasprintf("%s/verify/%s", origin, pf.p.public_uid);
	if (qr_encode(url, &q) != 0) {
		web_error(&s.w, 500, "Something went wrong", "The QR code could not be made.");
		goto out;
	}
	if (what == PRINT_QR_PNG)
		send_qr(&s.w, &pf.p, &q);
	else
		send_certificate(&s.w, s.db, &pf, &q, url);
out:
	qr_free(&q);
	free(url);
	free(origin);
	passport_full_free(&pf);
	staff_end(&s);
#if defined(__SANITIZE_ADDRESS__)
	/* Lets LeakSanitizer tell cairo's caches from real leaks. */
	cairo_debug_reset_static_data();
#endif
	return 0;
}
