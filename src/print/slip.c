/* The take-in slip: the shop's letterhead, the job number, the customer's
 * tracking ID and QR code, the item and the work asked for, the dates and
 * deposit, and the shop's terms, in one column.
 *
 * On an 80 mm receipt roll the page is exactly as long as the slip. A PDF
 * page's size must be set before anything is drawn on it, so the layout
 * runs twice over the same cairo context: a measuring pass that only asks
 * for text widths (wrapping every paragraph, turning pages where a page
 * would pass the tallest a reader takes), then the drawing pass, which sets
 * each page's height from the measurement and draws. Both passes run the
 * same code with the same fonts, so they break lines and pages alike.
 *
 * It is written in the current language (print.c chooses the customer's),
 * and a right-to-left language mirrors it: headings and labels on the
 * right, values on the left, the code on the right of the words. */
#include "slip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>

#include "fmt.h"
#include "i18n.h"
#include "layout.h"

/* The tallest page a receipt is given: 5 m, far below PDF readers' limit
 * (200 inches); a longer slip carries on on another page. */
#define RECEIPT_MAX_H PDF_MM(5000.0)

struct paper {
	const char *name;
	double w, h;		/* h 0: as long as the content */
	double margin;		/* on every side */
	double scale;		/* of type and spacing */
	double qr;		/* the QR code's side, quiet zone included */
	double logo_w, logo_h;	/* the most a logo may take */
};

static const struct paper papers[] = {
	/* 80 mm rolls print 72 mm: 4 mm each side. */
	{"80mm", PDF_MM(80), 0, PDF_MM(4), 1.0, PDF_MM(36), PDF_MM(48), PDF_MM(16)},
	{"a5", 419.53, 595.28, PDF_MM(14), 1.15, PDF_MM(42), PDF_MM(60), PDF_MM(20)},
	{"a4", 595.28, 841.89, PDF_MM(18), 1.3, PDF_MM(48), PDF_MM(70), PDF_MM(24)},
};

/* Thermal printers have one colour; everything is black, and weight and
 * size make the hierarchy. */
static const struct rgb INK = {0, 0, 0};

struct slip {
	struct pdf pdf;
	cairo_t *cr;
	cairo_surface_t *surface;
	const struct paper *p;
	int draw;		/* 0 in the measuring pass */
	double x0, x1, w;	/* the text column */
	double top, bottom;	/* first line's top; no line ends below bottom */
	double y;		/* the top of the next line */
	double page_top;	/* where this page's content starts */
	int page;		/* pages begun */
	const char *running;	/* heads every page after the first */
	/* Receipts: each page's height, from the measuring pass. */
	double *heights;
	size_t nheights;
};

static double pt(const struct slip *d, double v)
{
	return v * d->p->scale;
}

static int receipt(const struct slip *d)
{
	return d->p->h == 0;
}

/* Ends the page: drawn, it goes out; measured, its height is noted. */
static void end_page(struct slip *d)
{
	if (d->draw) {
		cairo_show_page(d->cr);
	} else {
		d->heights = xrealloc(d->heights, (d->nheights + 1) * sizeof *d->heights);
		d->heights[d->nheights++] = d->y + d->p->margin;
	}
}

static void begin_page(struct slip *d)
{
	if (d->page)
		end_page(d);
	/* Before anything is drawn on the page, as cairo requires. */
	if (d->draw && receipt(d))
		cairo_pdf_surface_set_size(d->surface, d->p->w,
		    (size_t)d->page < d->nheights ? d->heights[d->page] : RECEIPT_MAX_H);
	d->page++;
	d->y = d->top;
	if (d->page > 1) {
		/* Called from the middle of a paragraph: its font is kept. */
		PangoFontDescription *font = pdf_font_save(&d->pdf);
		struct pdf_par p;
		double asc = 0, desc = 0;
		pdf_font(&d->pdf, SANS, 0, pt(d, 7));
		pdf_par(&d->pdf, &p, d->running, 0, 0);
		if (p.n)
			pdf_par_extents(&p, 0, &asc, &desc);
		if (d->draw && p.n) {
			pdf_colour(d->cr, INK);
			pdf_par_draw(&d->pdf, &p, 0, d->x0, d->x1, d->y + asc, PDF_CENTRE);
		}
		d->y += asc + desc + pt(d, 8);
		pdf_par_free(&p);
		pdf_font_restore(&d->pdf, font);
	}
	d->page_top = d->y;
}

/* Room for h more points on this page, else the next page. Something
 * taller than a whole page goes on as it is. */
static void need(struct slip *d, double h)
{
	if (d->y + h > d->bottom && d->y > d->page_top)
		begin_page(d);
}

static void space(struct slip *d, double h)
{
	d->y += h;
}

/* The lines of p one under the other, with a little air (about a ninth
 * of the size) between them, turning the page where one does not fit. */
static void lines(struct slip *d, const struct pdf_par *p, enum pdf_align a)
{
	for (int i = 0; i < p->n; i++) {
		double asc, desc;
		pdf_par_extents(p, i, &asc, &desc);
		need(d, asc + desc);
		if (d->draw) {
			pdf_colour(d->cr, INK);
			pdf_par_draw(&d->pdf, p, i, d->x0, d->x1, d->y + asc, a);
		}
		d->y += asc + desc + asc * 0.12;
	}
}

/* Clean text (pdf_text) in the current font, wrapped to the column. A
 * translation may be longer than the English: nothing is assumed to fit
 * on one line. */
static void paragraph(struct slip *d, const char *s, enum pdf_align a, int flags)
{
	struct pdf_par p;
	pdf_par(&d->pdf, &p, s, d->w, flags);
	lines(d, &p, a);
	pdf_par_free(&p);
}

/* Something read or typed as one piece (a name, an ID, an address): on
 * one line, shrunk down to min if need be; wrapped at min beyond that. */
static void one_line(struct slip *d, const char *face, int bold, double size, double min,
    const char *s, enum pdf_align a, int flags)
{
	pdf_fit_font(&d->pdf, face, bold, size, min, s, d->w, flags);
	paragraph(d, s, a, flags);
}

static void rule(struct slip *d)
{
	need(d, pt(d, 12));
	space(d, pt(d, 5));
	if (d->draw)
		pdf_hline(d->cr, d->x0, d->x1, d->y, 0.7, INK);
	space(d, pt(d, 7));
}

/* A small heading over a block of the slip's details. */
static void heading(struct slip *d, const char *s)
{
	pdf_font(&d->pdf, SANS, 1, pt(d, 6.5));
	need(d, pt(d, 24));	/* not alone at the foot of a page */
	paragraph(d, s, PDF_START, 0);
	space(d, pt(d, 1));
}

/* A label and its value on one line, the label at the start, the value
 * at the end; the value under the label when both do not fit. */
static void row(struct slip *d, const char *label, const char *value)
{
	char *v = pdf_text(value, 0);
	struct pdf_par lp, vp;
	pdf_font(&d->pdf, SANS, 0, pt(d, 8));
	pdf_par(&d->pdf, &lp, label, 0, 0);
	pdf_font(&d->pdf, SANS, 1, pt(d, 8));
	pdf_par(&d->pdf, &vp, v, 0, 0);
	if (lp.n == 1 && vp.n == 1 && pdf_par_width(&lp) + pt(d, 8) + pdf_par_width(&vp) <= d->w) {
		double la, ld, va, vd;
		pdf_par_extents(&lp, 0, &la, &ld);
		pdf_par_extents(&vp, 0, &va, &vd);
		double asc = la > va ? la : va, desc = ld > vd ? ld : vd;
		need(d, asc + desc);
		if (d->draw) {
			pdf_colour(d->cr, INK);
			pdf_par_draw(&d->pdf, &lp, 0, d->x0, d->x1, d->y + asc, PDF_START);
			pdf_par_draw(&d->pdf, &vp, 0, d->x0, d->x1, d->y + asc, PDF_END);
		}
		d->y += asc + desc + asc * 0.12;
	} else {
		pdf_font(&d->pdf, SANS, 0, pt(d, 8));
		paragraph(d, label, PDF_START, 0);
		pdf_font(&d->pdf, SANS, 1, pt(d, 8));
		paragraph(d, v, PDF_END, 0);
	}
	pdf_par_free(&lp);
	pdf_par_free(&vp);
	free(v);
}

static void logo(struct slip *d, cairo_surface_t *img)
{
	double iw = cairo_image_surface_get_width(img), ih = cairo_image_surface_get_height(img);
	double bw = d->p->logo_w < d->w ? d->p->logo_w : d->w;
	double k = bw / iw < d->p->logo_h / ih ? bw / iw : d->p->logo_h / ih;
	double w = iw * k, h = ih * k;
	need(d, h);
	if (d->draw) {
		cairo_save(d->cr);
		cairo_translate(d->cr, (d->x0 + d->x1 - w) / 2, d->y);
		cairo_scale(d->cr, k, k);
		cairo_set_source_surface(d->cr, img, 0, 0);
		cairo_paint(d->cr);
		cairo_restore(d->cr);
	}
	space(d, h + pt(d, 6));
}

/* The shop's name, address and how to reach it, centred. */
static void letterhead(struct slip *d, const struct shop *s, cairo_surface_t *img)
{
	struct buf a = {0};
	char *name = pdf_text(*s->name ? s->name : _("Your jeweller"), 0);
	char *addr = pdf_text(s->address, 1), *save = NULL;
	char *phone = pdf_text(s->phone, 0), *email = pdf_text(s->email, 0);
	/* TRANSLATORS: between the lines of an address written on one line. */
	const char *comma = C_("address", ", ");

	if (img)
		logo(d, img);
	one_line(d, SANS, 1, pt(d, 13), pt(d, 10), name, PDF_CENTRE, 0);
	space(d, pt(d, 1));
	/* Typed on several lines: kept so on a receipt, one line on a sheet. */
	pdf_font(&d->pdf, SANS, 0, pt(d, 7.5));
	for (char *p = strtok_r(addr, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
		str_trim(p);
		if (!*p)
			continue;
		if (receipt(d))
			paragraph(d, p, PDF_CENTRE, 0);
		else
			buf_printf(&a, "%s%s", a.len ? comma : "", p);
	}
	if (a.len)
		paragraph(d, a.data, PDF_CENTRE, 0);
	/* Phone and email on one line when they fit, else each on its own;
	 * an address is shrunk rather than broken. Both read left to right
	 * in any language. */
	char *both = xasprintf("%s  \xc2\xb7  %s", phone, email);
	if (*phone && *email && pdf_text_width(&d->pdf, both, PDF_LTR) <= d->w) {
		paragraph(d, both, PDF_CENTRE, PDF_LTR);
	} else {
		if (*phone)
			one_line(d, SANS, 0, pt(d, 7.5), pt(d, 5.5), phone, PDF_CENTRE, PDF_LTR);
		if (*email)
			one_line(d, SANS, 0, pt(d, 7.5), pt(d, 5.5), email, PDF_CENTRE, PDF_LTR);
	}
	free(both);
	buf_free(&a);
	free(phone);
	free(email);
	free(addr);
	free(name);
}

/* A left-to-right isolate around s: an address or an ID keeps its order
 * inside a right-to-left sentence, and the sentence keeps its own. The
 * marks draw nothing and are not in the PDF's text. Caller frees. */
static char *ltr_isolate(const char *s)
{
	return xasprintf("\xe2\x81\xa6%s\xe2\x81\xa9", s);
}

/* The parts of a translated sentence before and after its one argument
 * ("%s", or "%1$s" in a translation that numbers it). Caller frees both. */
static void around_arg(const char *fmt, char **before, char **after)
{
	const char *p = strstr(fmt, "%s");
	size_t n = 2;
	if (!p && (p = strstr(fmt, "%1$s")))
		n = 4;
	*before = p ? xstrndup(fmt, (size_t)(p - fmt)) : xstrdup(fmt);
	*after = xstrdup(p ? p + n : "");
}

/* "Scan the code, or visit <base>/track and type the ID.", with the
 * address kept whole: shrunk onto its own line when it is too long to
 * share one. */
static void instruction(struct slip *d, const char *form, enum pdf_align a)
{
	char *f = pdf_text(form, 0);
	double size = pt(d, 8);
	pdf_font(&d->pdf, SANS, 0, size);
	if (pdf_text_width(&d->pdf, f, PDF_LTR) <= d->w) {
		char *iso = ltr_isolate(f);
		char *t = xasprintf(_("Scan the code, or visit %s and type the ID."), iso);
		paragraph(d, t, a, 0);
		free(t);
		free(iso);
	} else {
		char *before, *after;
		around_arg(_("Scan the code, or visit %s and type the ID."), &before, &after);
		paragraph(d, before, a, 0);
		one_line(d, SANS, 0, size, pt(d, 4), f, a, PDF_LTR);
		pdf_font(&d->pdf, SANS, 0, size);
		paragraph(d, after, a, 0);
		free(before);
		free(after);
	}
	free(f);
}

/* The ID, its QR code and how to use them: stacked and centred on a
 * receipt, the code beside the words on a sheet (on their right in a
 * right-to-left language). */
static void tracking(struct slip *d, const struct slip_input *in)
{
	const double qr = d->p->qr;
	char *tid = pdf_text(in->job->tracking_id, 0);
	double x0 = d->x0, x1 = d->x1, w = d->w, y0 = d->y;
	int page = d->page, beside = d->w >= 300;
	enum pdf_align a = beside ? PDF_START : PDF_CENTRE;

	if (beside) {
		need(d, qr);
		y0 = d->y;
		if (d->draw)
			pdf_qr(d->cr, in->qr, d->pdf.rtl ? d->x1 - qr : d->x0, d->y, qr);
		/* The text column beside the code, its quiet zone standing in
		 * for the gap. */
		if (d->pdf.rtl)
			d->x1 -= qr;
		else
			d->x0 += qr;
		d->w -= qr;
		d->y += qr * 0.12;
	}
	pdf_font(&d->pdf, SANS, 0, pt(d, 7.5));
	paragraph(d, _("Your tracking ID"), a, 0);
	space(d, pt(d, 1));
	/* Large, and whole on one line: it is read out and typed. */
	one_line(d, MONO, 1, pt(d, 15), pt(d, 8), tid, a, PDF_LTR);
	space(d, pt(d, 3));
	if (!beside) {
		need(d, qr);
		if (d->draw)
			pdf_qr(d->cr, in->qr, (d->x0 + d->x1 - qr) / 2, d->y, qr);
		space(d, qr + pt(d, 3));
	}
	instruction(d, in->track_form, a);
	if (beside) {
		d->x0 = x0;
		d->x1 = x1;
		d->w = w;
		if (d->page == page && d->y < y0 + qr)
			d->y = y0 + qr;
	}
	free(tid);
}

static void details(struct slip *d, const struct slip_input *in, const char *booked,
    const char *due, const char *deposit)
{
	const struct job *j = in->job;
	/* TRANSLATORS: a small heading on the take-in slip, in capitals
	 * where the language has them. */
	heading(d, _("ITEM"));
	/* What the customer and staff typed reads in its own direction. */
	if (*j->item_type) {
		char *t = pdf_text(j->item_type, 0);
		pdf_font(&d->pdf, SANS, 1, pt(d, 9.5));
		paragraph(d, t, PDF_NATURAL, 0);
		free(t);
	}
	if (*j->item_description) {
		char *t = pdf_text(j->item_description, 1);
		pdf_font(&d->pdf, SANS, 0, pt(d, 8.5));
		paragraph(d, t, PDF_NATURAL, 0);
		free(t);
	}
	if (*j->problem) {
		char *t = pdf_text(j->problem, 1);
		space(d, pt(d, 5));
		/* TRANSLATORS: a small heading on the take-in slip, over the
		 * work the customer asked for. */
		heading(d, _("WORK REQUESTED"));
		pdf_font(&d->pdf, SANS, 0, pt(d, 8.5));
		paragraph(d, t, PDF_NATURAL, 0);
		free(t);
	}
	space(d, pt(d, 5));
	row(d, _("Booked in"), booked);
	if (due)
		row(d, _("Estimated completion"), due);
	if (deposit)
		row(d, _("Deposit paid"), deposit);
}

static void layout(struct slip *d, const struct slip_input *in, cairo_surface_t *img)
{
	const struct job *j = in->job;
	char booked[64], due[64], deposit[48], num[64];

	fmt_time((time_t)j->created_at, in->tz, booked, sizeof booked);
	if (*j->due_date)
		fmt_date(j->due_date, DATE_SHORT, due, sizeof due);
	if (j->has_deposit)
		fmt_price(j->deposit_cents, in->shop->currency, deposit, sizeof deposit);
	snprintf(num, sizeof num, _("Job #%lld"), (long long)j->number);
	/* TRANSLATORS: heads the second and later pages of a long slip. */
	char *running = xasprintf(_("Job #%lld, continued"), (long long)j->number);
	d->running = running;

	d->page = 0;
	begin_page(d);
	letterhead(d, in->shop, img);
	rule(d);
	one_line(d, SANS, 1, pt(d, 20), pt(d, 10), num, PDF_CENTRE, 0);
	if (in->track_url && in->qr) {
		space(d, pt(d, 4));
		tracking(d, in);
	} else if (in->link_later) {
		pdf_font(&d->pdf, SANS, 0, pt(d, 8));
		space(d, pt(d, 2));
		paragraph(d, _("We will send you a link to follow this job online later."),
		    PDF_CENTRE, 0);
	}
	rule(d);
	details(d, in, booked, *j->due_date ? due : NULL, j->has_deposit ? deposit : NULL);
	if (*in->shop->slip_terms) {
		char *t = pdf_text(in->shop->slip_terms, 1);
		rule(d);
		pdf_font(&d->pdf, SANS, 0, pt(d, 7));
		paragraph(d, t, PDF_NATURAL, 0);
		free(t);
	}
	space(d, pt(d, 6));
	pdf_font(&d->pdf, SANS, 1, pt(d, 7.5));
	paragraph(d, _("Please keep this slip."), PDF_CENTRE, 0);
	end_page(d);
	d->running = NULL;
	free(running);
}

static const struct paper *paper_of(const char *size)
{
	for (size_t i = 0; i < HM_NELEM(papers); i++)
		if (size && !strcmp(size, papers[i].name))
			return &papers[i];
	return &papers[0];
}

int slip_pdf(const struct slip_input *in, struct buf *out)
{
	int rc = -1;
	struct slip d = {0};
	cairo_surface_t *img = in->logo ? pdf_jpeg_surface(in->logo, in->logo_len) : NULL;
	char *shop_name = pdf_text(*in->shop->name ? in->shop->name : _("Your jeweller"), 0);
	char *title = xasprintf(_("Take-in slip, job #%lld"), (long long)in->job->number);

	d.p = paper_of(in->shop->slip_size);
	d.x0 = d.p->margin;
	d.x1 = d.p->w - d.p->margin;
	d.w = d.x1 - d.x0;
	d.top = d.p->margin;
	d.bottom = (receipt(&d) ? RECEIPT_MAX_H : d.p->h) - d.p->margin;
	d.surface = cairo_pdf_surface_create_for_stream(pdf_write_buf, out, d.p->w,
	    receipt(&d) ? RECEIPT_MAX_H : d.p->h);
	d.cr = cairo_create(d.surface);
	pdf_init(&d.pdf, d.cr);
	cairo_pdf_surface_set_metadata(d.surface, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(d.surface, CAIRO_PDF_METADATA_AUTHOR, shop_name);
	cairo_pdf_surface_set_metadata(d.surface, CAIRO_PDF_METADATA_CREATOR, "Hallmark");

	d.draw = 0;
	layout(&d, in, img);
	d.draw = 1;
	layout(&d, in, img);

	if (cairo_status(d.cr) != CAIRO_STATUS_SUCCESS) {
		log_err("slip: cairo: %s", cairo_status_to_string(cairo_status(d.cr)));
		goto out;
	}
	cairo_surface_finish(d.surface);
	if (cairo_surface_status(d.surface) != CAIRO_STATUS_SUCCESS) {
		log_err("slip: cairo PDF: %s",
		    cairo_status_to_string(cairo_surface_status(d.surface)));
		goto out;
	}
	rc = 0;
out:
	pdf_free(&d.pdf);
	cairo_destroy(d.cr);
	cairo_surface_destroy(d.surface);
	if (img)
		cairo_surface_destroy(img);
	free(d.heights);
	free(title);
	free(shop_name);
	return rc;
}
