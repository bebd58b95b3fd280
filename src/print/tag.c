/* The workshop tag: a 62 x 29 mm label with the QR code of the job's staff
 * page on the left and, beside it, the job number large, the item, the
 * customer's name shortened and the due date. Whatever does not fit is
 * cut with an ellipsis or left off, so nothing runs off the label. */
#include "tag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>

#include "fmt.h"
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

struct tag_line {
	char *text;
	const char *face;
	int bold;
	double size;
};

int tag_pdf(const struct job *j, const struct qr *q, struct buf *out)
{
	int rc = -1;
	char num[32], due[80];
	struct tag_line lines[5];
	size_t n = 0;
	struct lines item = {0};
	cairo_matrix_t fm;
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(pdf_write_buf, out, W, H);
	cairo_t *cr = cairo_create(s);

	snprintf(num, sizeof num, "#%lld", (long long)j->number);
	char *title = xasprintf("Workshop tag, job %s", num);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "Hallmark");

	pdf_qr(cr, q, MARGIN, MARGIN, QR_SIDE);

	/* The number, as large as fits. */
	pdf_fit_font(cr, SANS, 1, 24, 8, num, TW);
	cairo_get_font_matrix(cr, &fm);
	lines[n++] = (struct tag_line){pdf_ellipsize(cr, num, TW), SANS, 1, fm.yy};
	/* The item on up to two lines, the second cut short if need be. */
	if (*j->item_type) {
		char *t = pdf_text(j->item_type, 0);
		pdf_font(cr, SANS, 1, 8.5);
		pdf_wrap(cr, t, TW, &item);
		for (size_t i = 0; i < item.n && i < 2; i++) {
			const char *l = item.v[i];
			char *more = NULL;
			if (i == 1 && item.n > 2)
				l = more = xasprintf("%s %s", item.v[1], item.v[2]);
			lines[n++] = (struct tag_line){pdf_ellipsize(cr, l, TW), SANS, 1, 8.5};
			free(more);
		}
		free(t);
	}
	if (*j->customer_name) {
		char *c = short_name(j->customer_name);
		pdf_fit_font(cr, SANS, 0, 8, 6, c, TW);
		cairo_get_font_matrix(cr, &fm);
		lines[n++] = (struct tag_line){pdf_ellipsize(cr, c, TW), SANS, 0, fm.yy};
		free(c);
	}
	if (*j->due_date) {
		char d[64];
		fmt_date(j->due_date, DATE_SHORT, d, sizeof d);
		snprintf(due, sizeof due, "Due %s", d);
		pdf_font(cr, SANS, 0, 7.5);
		lines[n++] = (struct tag_line){pdf_ellipsize(cr, due, TW), SANS, 0, 7.5};
	}

	/* As many lines as fit between the margins (the number always
	 * does), the block centred beside the code; a little more air under
	 * the number. */
	double gap[HM_NELEM(lines)], ascent[HM_NELEM(lines)], descent[HM_NELEM(lines)], total = 0;
	size_t shown = 0;
	for (size_t i = 0; i < n; i++) {
		cairo_font_extents_t fe;
		pdf_font(cr, lines[i].face, lines[i].bold, lines[i].size);
		cairo_font_extents(cr, &fe);
		gap[i] = i == 0 ? 0 : i == 1 ? 1.5 : 0.5;
		ascent[i] = fe.ascent;
		descent[i] = fe.descent;
		double h = gap[i] + fe.ascent + fe.descent;
		if (i > 0 && total + h > H - 2 * MARGIN)
			break;
		total += h;
		shown++;
	}
	double y = MARGIN + (H - 2 * MARGIN - total) / 2;
	if (y < MARGIN)
		y = MARGIN;
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (size_t i = 0; i < shown; i++) {
		y += gap[i];
		pdf_font(cr, lines[i].face, lines[i].bold, lines[i].size);
		pdf_show_at(cr, TX, y + ascent[i], lines[i].text);
		y += ascent[i] + descent[i];
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
	for (size_t i = 0; i < n; i++)
		free(lines[i].text);
	pdf_lines_free(&item);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	free(title);
	return rc;
}
