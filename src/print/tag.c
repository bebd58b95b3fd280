/* The workshop tag: a 62 x 29 mm label with the QR code of the job's staff
 * page on the left and, beside it, the job number large, the item, the
 * customer's name shortened and the due date. Whatever does not fit is
 * cut with an ellipsis or left off, so nothing runs off the label. It is
 * for the workshop: in the staff pages' language, mirrored (the code on
 * the right) when that is written right to left. */
#include "tag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>

#include "fmt.h"
#include "i18n.h"
#include "layout.h"
#include "utf8.h"

#define W PDF_MM(TAG_W_MM)
#define H PDF_MM(TAG_H_MM)
#define MARGIN PDF_MM(2)
#define QR_SIDE (H - 2 * MARGIN)
#define TX (MARGIN + QR_SIDE + PDF_MM(1.5))	/* the text column */
#define TW (W - MARGIN - TX)

/* "Zoë Ångström-Llewelyn" -> "Zoë Å.": enough to tell two jobs apart on
 * the bench, not the customer's name on a label anyone may read. A single
 * name stays as it is. Caller frees. */
static char *short_name(const char *name)
{
	char *n = pdf_text(name, 0);
	str_trim(n);
	char *first_end = strchr(n, ' ');
	char *last = strrchr(n, ' ');
	if (!first_end || !last || !last[1])
		return n;
	last++;
	size_t k = utf8_seq((const unsigned char *)last, strlen(last));
	char *out = xasprintf("%.*s %.*s.", (int)(first_end - n), n, (int)(k ? k : 1), last);
	free(n);
	return out;
}

/* A line of the tag: line k of a paragraph, the space above it, its height. */
struct tag_line {
	const struct pdf_par *p;
	int k;
	double gap, ascent, descent;
};

int tag_pdf(const struct job *j, const struct qr *q, struct buf *out)
{
	int rc = -1;
	char num[32], due[80];
	struct pdf_par par[4];
	size_t npar = 0;
	struct pdf pdf;
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(pdf_write_buf, out, W, H);
	cairo_t *cr = cairo_create(s);

	pdf_init(&pdf, cr);
	snprintf(num, sizeof num, "#%lld", (long long)j->number);
	/* TRANSLATORS: the PDF's title, as a viewer shows it; %s is "#1042". */
	char *title = xasprintf(_("Workshop tag, job %s"), num);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "Hallmark");

	/* The code at the start side, the words beside it. */
	const double tx = pdf.rtl ? MARGIN : TX;
	pdf_qr(cr, q, pdf.rtl ? W - MARGIN - QR_SIDE : MARGIN, MARGIN, QR_SIDE);

	/* The number, as large as fits. */
	pdf_fit_font(&pdf, SANS, 1, 24, 8, num, TW, PDF_LTR);
	pdf_par(&pdf, &par[npar], num, TW, PDF_LTR);
	pdf_par_cut(&par[npar++], 1);
	/* The item on up to two lines, the second cut short if need be. */
	if (*j->item_type) {
		char *t = pdf_text(j->item_type, 0);
		pdf_font(&pdf, SANS, 1, 8.5);
		pdf_par(&pdf, &par[npar], t, TW, 0);
		pdf_par_cut(&par[npar++], 2);
		free(t);
	}
	if (*j->customer_name) {
		char *c = short_name(j->customer_name);
		pdf_fit_font(&pdf, SANS, 0, 8, 6, c, TW, 0);
		pdf_par(&pdf, &par[npar], c, TW, 0);
		pdf_par_cut(&par[npar++], 1);
		free(c);
	}
	if (*j->due_date) {
		char d[64];
		fmt_date(j->due_date, DATE_SHORT, d, sizeof d);
		/* TRANSLATORS: on the workshop tag; %s is the due date. */
		snprintf(due, sizeof due, _("Due %s"), d);
		pdf_font(&pdf, SANS, 0, 7.5);
		pdf_par(&pdf, &par[npar], due, TW, 0);
		pdf_par_cut(&par[npar++], 1);
	}

	/* As many lines as fit between the margins (the number always
	 * does), the block centred beside the code; a little more air under
	 * the number. */
	struct tag_line line[6];
	size_t n = 0;
	double total = 0;
	int full = 0;
	for (size_t i = 0; i < npar && !full; i++) {
		for (int k = 0; k < par[i].n && n < HM_NELEM(line); k++) {
			double a, d;
			pdf_par_extents(&par[i], k, &a, &d);
			double gap = n == 0 ? 0 : n == 1 ? 1.5 : 0.5;
			if (n > 0 && total + gap + a + d > H - 2 * MARGIN) {
				full = 1;
				break;
			}
			line[n++] = (struct tag_line){&par[i], k, gap, a, d};
			total += gap + a + d;
		}
	}
	double y = MARGIN + (H - 2 * MARGIN - total) / 2;
	if (y < MARGIN)
		y = MARGIN;
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (size_t i = 0; i < n; i++) {
		y += line[i].gap;
		pdf_par_draw(&pdf, line[i].p, line[i].k, tx, tx + TW, y + line[i].ascent, PDF_START);
		y += line[i].ascent + line[i].descent;
	}
	cairo_show_page(cr);

	if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
		log_err("tag: cairo: %s", cairo_status_to_string(cairo_status(cr)));
		goto out;
	}
	cairo_surface_finish(s);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		log_err("tag: cairo PDF: %s", cairo_status_to_string(cairo_surface_status(s)));
		goto out;
	}
	rc = 0;
out:
	for (size_t i = 0; i < npar; i++)
		pdf_par_free(&par[i]);
	pdf_free(&pdf);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	free(title);
	return rc;
}
