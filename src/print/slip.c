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
 * same code with the same fonts, so they break lines and pages alike. */
#include "slip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>

#include "fmt.h"
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

enum align { LEFT, CENTRE, RIGHT };

struct slip {
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
		/* Called from the middle of drawing a line: its font is kept. */
		cairo_font_extents_t fe;
		cairo_save(d->cr);
		pdf_font(d->cr, SANS, 0, pt(d, 7));
		cairo_font_extents(d->cr, &fe);
		if (d->draw) {
			pdf_colour(d->cr, INK);
			pdf_show_centred(d->cr, (d->x0 + d->x1) / 2, d->y + fe.ascent, d->running);
		}
		d->y += fe.ascent + fe.descent + pt(d, 8);
		cairo_restore(d->cr);
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

/* The height of a line in the current font, and the space it takes
 * with a little air (about a ninth of the size) before the next. */
static double line_h(const cairo_font_extents_t *fe)
{
	return fe->ascent + fe->descent;
}

static double line_step(const cairo_font_extents_t *fe)
{
	return fe->ascent + fe->descent + fe->ascent * 0.12;
}

/* One line of text in the current font. */
static void line(struct slip *d, const char *s, enum align a)
{
	cairo_font_extents_t fe;
	cairo_font_extents(d->cr, &fe);
	need(d, line_h(&fe));
	if (d->draw) {
		double x = d->x0, tw = pdf_text_width(d->cr, s);
		if (a == CENTRE)
			x = (d->x0 + d->x1 - tw) / 2;
		else if (a == RIGHT)
			x = d->x1 - tw;
		pdf_colour(d->cr, INK);
		pdf_show_at(d->cr, x, d->y + fe.ascent, s);
	}
	d->y += line_step(&fe);
}

/* Clean text (pdf_text), wrapped to the column in the current font. */
static void paragraph(struct slip *d, const char *s, enum align a)
{
	struct lines l = {0};
	pdf_wrap(d->cr, s, d->w, &l);
	for (size_t i = 0; i < l.n; i++)
		line(d, l.v[i], a);
	pdf_lines_free(&l);
}

/* Something read or typed as one piece (a name, an ID, an address): on
 * one line, shrunk down to min if need be; wrapped at min beyond that. */
static void one_line(struct slip *d, const char *face, int bold, double size, double min,
    const char *s, enum align a)
{
	pdf_fit_font(d->cr, face, bold, size, min, s, d->w);
	if (pdf_text_width(d->cr, s) <= d->w)
		line(d, s, a);
	else
		paragraph(d, s, a);
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
	pdf_font(d->cr, SANS, 1, pt(d, 6.5));
	need(d, pt(d, 24));	/* not alone at the foot of a page */
	line(d, s, LEFT);
	space(d, pt(d, 1));
}

/* A label and its value on one line, the value to the right; the value
 * under the label when both do not fit. */
static void row(struct slip *d, const char *label, const char *value)
{
	char *v = pdf_text(value, 0);
	pdf_font(d->cr, SANS, 0, pt(d, 8));
	double lw = pdf_text_width(d->cr, label);
	pdf_font(d->cr, SANS, 1, pt(d, 8));
	double vw = pdf_text_width(d->cr, v);
	if (lw + pt(d, 8) + vw <= d->w) {
		cairo_font_extents_t fe;
		cairo_font_extents(d->cr, &fe);
		need(d, line_h(&fe));
		if (d->draw) {
			double base = d->y + fe.ascent;
			pdf_colour(d->cr, INK);
			pdf_show_at(d->cr, d->x1 - vw, base, v);
			pdf_font(d->cr, SANS, 0, pt(d, 8));
			pdf_show_at(d->cr, d->x0, base, label);
		}
		d->y += line_step(&fe);
	} else {
		pdf_font(d->cr, SANS, 0, pt(d, 8));
		line(d, label, LEFT);
		pdf_font(d->cr, SANS, 1, pt(d, 8));
		paragraph(d, v, RIGHT);
	}
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
	char *name = pdf_text(*s->name ? s->name : "Your jeweller", 0);
	char *addr = pdf_text(s->address, 1), *save = NULL;
	char *phone = pdf_text(s->phone, 0), *email = pdf_text(s->email, 0);

	if (img)
		logo(d, img);
	one_line(d, SANS, 1, pt(d, 13), pt(d, 10), name, CENTRE);
	space(d, pt(d, 1));
	/* Typed on several lines: kept so on a receipt, one line on a sheet. */
	pdf_font(d->cr, SANS, 0, pt(d, 7.5));
	for (char *p = strtok_r(addr, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
		str_trim(p);
		if (!*p)
			continue;
		if (receipt(d))
			paragraph(d, p, CENTRE);
		else
			buf_printf(&a, "%s%s", a.len ? ", " : "", p);
	}
	if (a.len)
		paragraph(d, a.data, CENTRE);
	/* Phone and email on one line when they fit, else each on its own;
	 * an address is shrunk rather than broken. */
	char *both = xasprintf("%s  \xc2\xb7  %s", phone, email);
	if (*phone && *email && pdf_text_width(d->cr, both) <= d->w) {
		line(d, both, CENTRE);
	} else {
		if (*phone)
			one_line(d, SANS, 0, pt(d, 7.5), pt(d, 5.5), phone, CENTRE);
		if (*email)
			one_line(d, SANS, 0, pt(d, 7.5), pt(d, 5.5), email, CENTRE);
	}
	free(both);
	buf_free(&a);
	free(phone);
	free(email);
	free(addr);
	free(name);
}

/* "Scan the code, or visit <base>/track and type the ID.", with the
 * address kept whole: shrunk onto its own line when it is too long to
 * share one. */
static void instruction(struct slip *d, const char *form, enum align a)
{
	char *f = pdf_text(form, 0);
	double size = pt(d, 8);
	pdf_font(d->cr, SANS, 0, size);
	if (pdf_text_width(d->cr, f) <= d->w) {
		char *t = xasprintf("Scan the code, or visit %s and type the ID.", f);
		paragraph(d, t, a);
		free(t);
	} else {
		paragraph(d, "Scan the code, or visit", a);
		one_line(d, SANS, 0, size, pt(d, 4), f, a);
		pdf_font(d->cr, SANS, 0, size);
		paragraph(d, "and type the ID.", a);
	}
	free(f);
}

/* The ID, its QR code and how to use them: stacked and centred on a
 * receipt, the code beside the words on a sheet. */
static void tracking(struct slip *d, const struct slip_input *in)
{
	const double qr = d->p->qr;
	char *tid = pdf_text(in->job->tracking_id, 0);
	double x0 = d->x0, w = d->w, y0 = d->y;
	int page = d->page, beside = d->w >= 300;
	enum align a = beside ? LEFT : CENTRE;

	if (beside) {
		need(d, qr);
		y0 = d->y;
		if (d->draw)
			pdf_qr(d->cr, in->qr, d->x0, d->y, qr);
		/* The text column to the right of the code, its quiet zone
		 * standing in for the gap. */
		d->x0 += qr;
		d->w -= qr;
		d->y += qr * 0.12;
	}
	pdf_font(d->cr, SANS, 0, pt(d, 7.5));
	line(d, "Your tracking ID", a);
	space(d, pt(d, 1));
	/* Large, and whole on one line: it is read out and typed. */
	one_line(d, MONO, 1, pt(d, 15), pt(d, 8), tid, a);
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
	heading(d, "ITEM");
	if (*j->item_type) {
		char *t = pdf_text(j->item_type, 0);
		pdf_font(d->cr, SANS, 1, pt(d, 9.5));
		paragraph(d, t, LEFT);
		free(t);
	}
	if (*j->item_description) {
		char *t = pdf_text(j->item_description, 1);
		pdf_font(d->cr, SANS, 0, pt(d, 8.5));
		paragraph(d, t, LEFT);
		free(t);
	}
	if (*j->problem) {
		char *t = pdf_text(j->problem, 1);
		space(d, pt(d, 5));
		heading(d, "WORK REQUESTED");
		pdf_font(d->cr, SANS, 0, pt(d, 8.5));
		paragraph(d, t, LEFT);
		free(t);
	}
	space(d, pt(d, 5));
	row(d, "Booked in", booked);
	if (due)
		row(d, "Estimated completion", due);
	if (deposit)
		row(d, "Deposit paid", deposit);
}

static void layout(struct slip *d, const struct slip_input *in, cairo_surface_t *img)
{
	const struct job *j = in->job;
	char booked[64], due[64], deposit[32], num[32];

	fmt_time((time_t)j->created_at, in->tz, booked, sizeof booked);
	if (*j->due_date)
		fmt_date(j->due_date, DATE_SHORT, due, sizeof due);
	if (j->has_deposit)
		fmt_amount(j->deposit_cents, deposit, sizeof deposit);
	snprintf(num, sizeof num, "Job #%lld", (long long)j->number);
	char *running = xasprintf("%s, continued", num);
	d->running = running;

	d->page = 0;
	begin_page(d);
	letterhead(d, in->shop, img);
	rule(d);
	one_line(d, SANS, 1, pt(d, 20), pt(d, 10), num, CENTRE);
	if (in->track_url && in->qr) {
		space(d, pt(d, 4));
		tracking(d, in);
	} else if (in->link_later) {
		pdf_font(d->cr, SANS, 0, pt(d, 8));
		space(d, pt(d, 2));
		paragraph(d, "We will send you a link to follow this job online later.", CENTRE);
	}
	rule(d);
	details(d, in, booked, *j->due_date ? due : NULL, j->has_deposit ? deposit : NULL);
	if (*in->shop->slip_terms) {
		char *t = pdf_text(in->shop->slip_terms, 1);
		rule(d);
		pdf_font(d->cr, SANS, 0, pt(d, 7));
		paragraph(d, t, LEFT);
		free(t);
	}
	space(d, pt(d, 6));
	pdf_font(d->cr, SANS, 1, pt(d, 7.5));
	line(d, "Please keep this slip.", CENTRE);
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
	char *shop_name = pdf_text(*in->shop->name ? in->shop->name : "Your jeweller", 0);
	char *title = xasprintf("Take-in slip, job #%lld", (long long)in->job->number);

	d.p = paper_of(in->shop->slip_size);
	d.x0 = d.p->margin;
	d.x1 = d.p->w - d.p->margin;
	d.w = d.x1 - d.x0;
	d.top = d.p->margin;
	d.bottom = (receipt(&d) ? RECEIPT_MAX_H : d.p->h) - d.p->margin;
	d.surface = cairo_pdf_surface_create_for_stream(pdf_write_buf, out, d.p->w,
	    receipt(&d) ? RECEIPT_MAX_H : d.p->h);
	d.cr = cairo_create(d.surface);
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
	cairo_destroy(d.cr);
	cairo_surface_destroy(d.surface);
	if (img)
		cairo_surface_destroy(img);
	free(d.heights);
	free(title);
	free(shop_name);
	return rc;
}
