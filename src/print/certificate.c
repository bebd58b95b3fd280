/* The certificate of authenticity of a passport: an A4 PDF with the
 * shop's letterhead, the piece, its identifiers and specifications, and a
 * verification block with the QR code and the shop's key fingerprint.
 *
 * It is written in the current language (print.c chooses the shop's);
 * a right-to-left language mirrors it: labels, columns, the code and the
 * signature line change sides, what is centred stays so. */
#include "certificate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>

#include "fmt.h"
#include "i18n.h"
#include "layout.h"

/* A4 in points. */
#define PAGE_W 595.28
#define PAGE_H 841.89
#define X0 66.0			/* content box, inside the double border */
#define X1 (PAGE_W - 66.0)
#define CONTENT_W (X1 - X0)
#define TOP 74.0
#define BOTTOM (PAGE_H - 60.0)	/* the last baseline above the footer */

static const struct rgb INK = {0.11, 0.11, 0.13};
static const struct rgb MUTED = {0.38, 0.38, 0.42};
static const struct rgb GOLD = {0.60, 0.47, 0.20};	/* prints as antique gold, still dark on mono */
static const struct rgb WARN = {0.70, 0.10, 0.10};

struct cert {
	struct pdf pdf;
	cairo_t *cr;
	double y;		/* the next baseline on the current page */
	int page;
	char *footer;
	const char *title;	/* for the continuation pages' header */
};

/* x of something w wide that sits at x in a left-to-right certificate:
 * the same place seen in a mirror in a right-to-left one. */
static double side(const struct cert *d, double x, double w)
{
	return d->pdf.rtl ? PAGE_W - x - w : x;
}

/* A small lozenge, the certificate's one ornament. */
static void diamond(cairo_t *cr, double cx, double cy, double r)
{
	pdf_colour(cr, GOLD);
	cairo_move_to(cr, cx, cy - r);
	cairo_line_to(cr, cx + r * 0.7, cy);
	cairo_line_to(cr, cx, cy + r);
	cairo_line_to(cr, cx - r * 0.7, cy);
	cairo_close_path(cr);
	cairo_fill(cr);
}

static void page_frame(struct cert *d)
{
	cairo_t *cr = d->cr;
	pdf_colour(cr, GOLD);
	cairo_set_line_width(cr, 1.6);
	cairo_rectangle(cr, 28, 28, PAGE_W - 56, PAGE_H - 56);
	cairo_stroke(cr);
	cairo_set_line_width(cr, 0.5);
	cairo_rectangle(cr, 34, 34, PAGE_W - 68, PAGE_H - 68);
	cairo_stroke(cr);
	diamond(cr, 31, 31, 5);
	diamond(cr, PAGE_W - 31, 31, 5);
	diamond(cr, 31, PAGE_H - 31, 5);
	diamond(cr, PAGE_W - 31, PAGE_H - 31, 5);
}

/* One line, centred on the page, shrunk (not below min) to fit. */
static void centred(struct cert *d, const char *face, int bold, double size, double min,
    double y, const char *s, int flags)
{
	pdf_fit_font(&d->pdf, face, bold, size, min, s, CONTENT_W, flags);
	pdf_show(&d->pdf, X0, X1, y, PDF_CENTRE, s, flags);
}

static void page_footer(struct cert *d)
{
	pdf_colour(d->cr, MUTED);
	centred(d, SANS, 0, 7.5, 5, PAGE_H - 46, d->footer, 0);
}

/* Ends the current page (if any) and starts the next. */
static void new_page(struct cert *d)
{
	if (d->page) {
		page_footer(d);
		cairo_show_page(d->cr);
	}
	d->page++;
	page_frame(d);
	d->y = TOP;
	if (d->page > 1) {
		PangoFontDescription *font = pdf_font_save(&d->pdf);
		/* TRANSLATORS: heads the second and later pages of a
		 * certificate; %s is the piece's title. */
		char *t = xasprintf(_("Certificate of Authenticity \xe2\x80\x94 %s (continued)"), d->title);
		pdf_colour(d->cr, MUTED);
		centred(d, SERIF, 0, 11, 7, d->y, t, 0);
		free(t);
		pdf_hline(d->cr, X0, X1, d->y + 10, 0.5, GOLD);
		d->y += 36;
		pdf_font_restore(&d->pdf, font);
	}
}

/* Makes room for h points below the cursor, on a new page if need be.
 * Returns 1 when it turned the page. */
static int need(struct cert *d, double h)
{
	if (d->y + h <= BOTTOM)
		return 0;
	new_page(d);
	return 1;
}

/* Draws the lines of p aligned a in [x0, x1] from the cursor, lead points
 * apart, turning pages as they run out. */
static void flow(struct cert *d, const struct pdf_par *p, double x0, double x1, double lead,
    enum pdf_align a, struct rgb colour)
{
	for (int i = 0; i < p->n; i++) {
		need(d, lead);
		pdf_colour(d->cr, colour);
		pdf_par_draw(&d->pdf, p, i, x0, x1, d->y, a);
		d->y += lead;
	}
}

/* s wrapped to [x0, x1] in the current font and flowed. */
static void paragraph(struct cert *d, const char *s, double x0, double x1, double lead,
    enum pdf_align a, struct rgb colour, int flags)
{
	struct pdf_par p;
	pdf_par(&d->pdf, &p, s, x1 - x0, flags);
	flow(d, &p, x0, x1, lead, a, colour);
	pdf_par_free(&p);
}

/* The shop's letterhead: name, address and country, contact, ABN. */
static void letterhead(struct cert *d, const struct shop *s)
{
	char *name = pdf_text(*s->name ? s->name : _("Your jeweller"), 0);
	/* One line, shrunk a little if need be; a long name wraps. */
	pdf_fit_font(&d->pdf, SERIF, 1, 24, 17, name, CONTENT_W, 0);
	paragraph(d, name, X0, X1, 24, PDF_CENTRE, INK, 0);
	d->y -= 4;

	/* The address is typed on several lines; on letterhead it reads as one. */
	struct buf a = {0};
	char *addr = pdf_text(s->address, 1), *save = NULL;
	/* TRANSLATORS: between the lines of an address written on one line. */
	const char *comma = C_("address", ", ");
	for (char *p = strtok_r(addr, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
		str_trim(p);
		if (*p)
			buf_printf(&a, "%s%s", a.len ? comma : "", p);
	}
	if (s->country && *s->country) {
		char *c = pdf_text(s->country, 0);
		buf_printf(&a, "%s%s", a.len ? comma : "", c);
		free(c);
	}
	struct buf contact = {0};
	if (*s->phone)
		buf_printf(&contact, "%s", s->phone);
	if (*s->email)
		buf_printf(&contact, "%s%s", contact.len ? "   \xc2\xb7   " : "", s->email);
	pdf_font(&d->pdf, SANS, 0, 9);
	if (a.len)
		paragraph(d, a.data, X0, X1, 12, PDF_CENTRE, MUTED, 0);
	if (contact.len) {
		char *c = pdf_text(contact.data, 0);
		paragraph(d, c, X0, X1, 12, PDF_CENTRE, MUTED, PDF_LTR);
		free(c);
	}
	if (s->abn && *s->abn) {
		char *abn = pdf_text(s->abn, 0), *label = pdf_text(shop_number_label(s), 0);
		/* The number's name fits the shop's country (Settings). */
		char *t = xasprintf("%s %s", label, abn);
		free(label);
		paragraph(d, t, X0, X1, 12, PDF_CENTRE, MUTED, 0);
		free(t);
		free(abn);
	}
	d->y += 6;
	pdf_hline(d->cr, X0, PAGE_W / 2 - 12, d->y, 0.6, GOLD);
	pdf_hline(d->cr, PAGE_W / 2 + 12, X1, d->y, 0.6, GOLD);
	diamond(d->cr, PAGE_W / 2, d->y, 5);
	d->y += 36;
	buf_free(&a);
	buf_free(&contact);
	free(addr);
	free(name);
}

/* Heading, the piece's title and type, the lost-or-stolen warning. */
static void heading(struct cert *d, const struct passport *p)
{
	pdf_colour(d->cr, INK);
	centred(d, SERIF, 0, 27, 16, d->y, _("Certificate of Authenticity"), 0);
	d->y += 20;
	pdf_colour(d->cr, GOLD);
	centred(d, SANS, 0, 9, 7, d->y, _("Provenance passport"), 0);
	d->y += 32;

	pdf_font(&d->pdf, SANS, 1, 17);
	paragraph(d, d->title, X0 + 20, X1 - 20, 21, PDF_CENTRE, INK, 0);
	if (*p->f[PF_JEWELLERY_TYPE]) {
		char *t = pdf_text(p->f[PF_JEWELLERY_TYPE], 0);
		pdf_colour(d->cr, MUTED);
		centred(d, SANS, 0, 10, 7, d->y - 3, t, 0);
		d->y += 12;
		free(t);
	}
	if (p->lost_stolen) {
		pdf_colour(d->cr, WARN);
		centred(d, SANS, 1, 10, 7, d->y + 4,
		    _("This piece has been reported lost or stolen."), 0);
		d->y += 18;
	}
	d->y += 10;
}

static void description(struct cert *d, const struct passport *p)
{
	if (!*p->f[PF_DESCRIPTION])
		return;
	char *t = pdf_text(p->f[PF_DESCRIPTION], 1);
	pdf_font(&d->pdf, SANS, 0, 9.5);
	/* Read in its own direction, as it was typed. */
	paragraph(d, t, X0 + 20, X1 - 20, 13.5, PDF_NATURAL, INK, 0);
	d->y += 12;
	free(t);
}

/* The band of identifiers: identity number, issue date, UID. */
static void identity_band(struct cert *d, const struct passport *p, const char *issued)
{
	char num[24];
	snprintf(num, sizeof num, "%lld", (long long)p->identity_number);
	struct {
		const char *label, *value;
		double x, w;
		int flags;
	} cells[] = {
		/* TRANSLATORS: small headings over the certificate's
		 * identifiers, in capitals where the language has them. */
		{_("IDENTITY NUMBER"), num, X0, 110, PDF_LTR},
		{_("ISSUED"), issued, X0 + 118, 120, 0},
		{_("UID"), p->public_uid, X0 + 246, CONTENT_W - 246, PDF_LTR},
	};
	need(d, 44);
	pdf_hline(d->cr, X0, X1, d->y, 0.6, GOLD);
	for (size_t i = 0; i < HM_NELEM(cells); i++) {
		double w = cells[i].w, x = side(d, cells[i].x, w);
		pdf_colour(d->cr, GOLD);
		pdf_fit_font(&d->pdf, SANS, 1, 6.5, 5, cells[i].label, w, 0);
		pdf_show(&d->pdf, x, x + w, d->y + 14, PDF_START, cells[i].label, 0);
		pdf_colour(d->cr, INK);
		pdf_fit_font(&d->pdf, SANS, 0, 10, 6, cells[i].value, w, cells[i].flags);
		pdf_show(&d->pdf, x, x + w, d->y + 29, PDF_START, cells[i].value, cells[i].flags);
	}
	pdf_hline(d->cr, X0, X1, d->y + 38, 0.6, GOLD);
	d->y += 56;
}

struct spec_group {
	const char *name;
	int from, to;		/* PF_ range, inclusive */
};

static const struct spec_group groups[] = {
	/* TRANSLATORS: this and the next four head the certificate's
	 * specifications, in capitals where the language has them. */
	{NC_("certificate", "METAL"), PF_METAL_TYPE, PF_METAL_WEIGHT},
	{NC_("certificate", "STONE"), PF_STONE_TYPE, PF_STONE_CERTIFICATE},
	{NC_("certificate", "RING"), PF_RING_SIZE, PF_RING_SETTING},
	{NC_("certificate", "PROVENANCE"), PF_MAKER, PF_YEAR_MADE},
	{NC_("certificate", "OWNERSHIP"), PF_OWNER_NAME, PF_OWNER_PURCHASE_DATE},
};

#define GAP 24.0		/* between the two specification columns */
#define COL_W ((CONTENT_W - GAP) / 2)
#define LABEL_W 84.0
#define HEAD_H 21.0		/* a group heading and the space around it */
#define LINE_H 12.5		/* one line of a value */
#define ROW_GAP 1.5
#define VALUE_SIZE 9.5

/* One row of the specifications: a label and its value, wrapped. */
struct spec_row {
	const char *label;
	struct pdf_par value;
	int n;			/* lines it takes: at least one */
};

/* A group with at least one filled field. */
struct spec_block {
	const char *name;
	struct spec_row rows[PF_COUNT];
	size_t n;
	double h;
};

struct specs {
	struct spec_block b[HM_NELEM(groups)];
	size_t n;
};

/* The filled fields by group, wrapped to width w of the value column. The
 * owner's email stays off paper that is handed on with the piece. */
static void specs_build(struct pdf *pdf, const struct passport *p, double w, struct specs *s)
{
	char date[64];
	memset(s, 0, sizeof *s);
	pdf_font(pdf, SANS, 0, VALUE_SIZE);
	for (size_t g = 0; g < HM_NELEM(groups); g++) {
		struct spec_block *b = &s->b[s->n];
		for (int i = groups[g].from; i <= groups[g].to; i++) {
			if (!*p->f[i] || i == PF_OWNER_EMAIL)
				continue;
			const char *v = p->f[i];
			if (i == PF_OWNER_PURCHASE_DATE) {
				fmt_date(v, DATE_LONG, date, sizeof date);
				v = date;
			}
			char *t = pdf_text(v, 1);
			struct spec_row *r = &b->rows[b->n++];
			/* TRANSLATORS: the label of the owner's purchase date on
			 * the certificate. */
			r->label = i == PF_OWNER_PURCHASE_DATE ? C_("certificate", "Purchased")
			    : passport_field_text(i);
			pdf_par(pdf, &r->value, t, w, 0);
			r->n = r->value.n ? r->value.n : 1;
			b->h += r->n * LINE_H + ROW_GAP;
			free(t);
		}
		if (b->n) {
			b->name = C_("certificate", groups[g].name);
			b->h += HEAD_H;
			s->n++;
		}
	}
}

static void specs_free(struct specs *s)
{
	for (size_t g = 0; g < s->n; g++)
		for (size_t i = 0; i < s->b[g].n; i++)
			pdf_par_free(&s->b[g].rows[i].value);
	memset(s, 0, sizeof *s);
}

/* Draws one group from the cursor in the column [x, x + w] (as placed in
 * a left-to-right certificate); with flow set it turns pages as needed
 * (the one-column layout). The labels are at the column's start, the
 * values beside them. */
static void spec_block_draw(struct cert *d, const struct spec_block *b, double x, double w,
    double *y, int flow)
{
	cairo_t *cr = d->cr;
	double cx = side(d, x, w);
	/* The label's column and the value's, mirrored as a whole. */
	double lx = side(d, x, LABEL_W - 6), vx = side(d, x + LABEL_W, w - LABEL_W);
	if (flow && need(d, HEAD_H + LINE_H))
		*y = d->y;
	*y += 4;
	pdf_colour(cr, GOLD);
	pdf_fit_font(&d->pdf, SANS, 1, 7.5, 5.5, b->name, w, 0);
	pdf_show(&d->pdf, cx, cx + w, *y, PDF_START, b->name, 0);
	pdf_hline(cr, cx, cx + w, *y + 4, 0.4, GOLD);
	*y += HEAD_H - 4;
	for (size_t i = 0; i < b->n; i++) {
		const struct spec_row *r = &b->rows[i];
		for (int k = 0; k < r->n; k++) {
			if (flow) {
				d->y = *y;
				if (need(d, LINE_H))
					*y = d->y;
			}
			if (k == 0) {
				pdf_colour(cr, MUTED);
				pdf_fit_font(&d->pdf, SANS, 0, 8.5, 6.5, r->label, LABEL_W - 6, 0);
				pdf_show(&d->pdf, lx, lx + LABEL_W - 6, *y, PDF_START, r->label, 0);
			}
			if (k < r->value.n) {
				pdf_colour(cr, INK);
				pdf_par_draw(&d->pdf, &r->value, k, vx, vx + w - LABEL_W, *y, PDF_START);
			}
			*y += LINE_H;
		}
		*y += ROW_GAP;
	}
	if (flow)
		d->y = *y;
}

/* The specifications in two balanced columns (groups kept in order, the
 * first column at the start side) when they fit on this page, else one
 * column across as many pages as needed. */
static void specifications(struct cert *d, const struct passport *p)
{
	struct specs s;
	specs_build(&d->pdf, p, COL_W - LABEL_W, &s);
	if (!s.n)
		goto out;
	double total = 0, best = 1e9, left = 0;
	size_t split = s.n;
	for (size_t g = 0; g < s.n; g++)
		total += s.b[g].h;
	for (size_t k = 1; k <= s.n; k++) {
		left += s.b[k - 1].h;
		double tallest = left > total - left ? left : total - left;
		if (tallest < best)
			best = tallest, split = k;
	}
	if (d->y + best <= BOTTOM) {
		double y0 = d->y, y1 = d->y;
		for (size_t g = 0; g < s.n; g++) {
			if (g < split)
				spec_block_draw(d, &s.b[g], X0, COL_W, &y0, 0);
			else
				spec_block_draw(d, &s.b[g], X0 + COL_W + GAP, COL_W, &y1, 0);
		}
		d->y = y0 > y1 ? y0 : y1;
	} else {
		/* Re-wrapped to the full width, which the single column has. */
		specs_free(&s);
		specs_build(&d->pdf, p, CONTENT_W - LABEL_W, &s);
		for (size_t g = 0; g < s.n; g++) {
			double y = d->y;
			spec_block_draw(d, &s.b[g], X0, CONTENT_W, &y, 1);
		}
	}
	d->y += 8;
out:
	specs_free(&s);
}

#define QR_SIZE 102.0
#define VERIFY_PAD 10.0
#define VERIFY_H (QR_SIZE + 2 * VERIFY_PAD)
#define SIGN_H 36.0	/* the signature line and its label */

/* Where to check the certificate, and who signed the record behind it:
 * the QR code at the start side, the address and signer beside it. Then
 * lines to sign by hand at the counter, the paper's own seal. */
static void verification(struct cert *d, const struct qr *q, const char *url,
    const char *shop_name, const char *fingerprint)
{
	cairo_t *cr = d->cr;
	struct pdf_par l;
	char *t, *name, *key = NULL;
	need(d, VERIFY_H + SIGN_H);
	/* Pushed down to the foot of the page when there is room: the block
	 * reads as the certificate's seal rather than one more section. */
	if (d->y < BOTTOM - VERIFY_H - SIGN_H)
		d->y = BOTTOM - VERIFY_H - SIGN_H;
	const double top = d->y;
	const double qx = side(d, X0 + VERIFY_PAD, QR_SIZE);
	const double tw = X1 - VERIFY_PAD - (X0 + VERIFY_PAD + QR_SIZE + 14);
	const double tx = side(d, X0 + VERIFY_PAD + QR_SIZE + 14, tw);

	cairo_set_source_rgb(cr, 0.985, 0.975, 0.95);
	cairo_rectangle(cr, X0, top, CONTENT_W, VERIFY_H);
	cairo_fill_preserve(cr);
	pdf_colour(cr, GOLD);
	cairo_set_line_width(cr, 0.8);
	cairo_stroke(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, qx, top + VERIFY_PAD, QR_SIZE, QR_SIZE);
	cairo_fill(cr);
	pdf_qr(cr, q, qx, top + VERIFY_PAD, QR_SIZE);

	double y = top + VERIFY_PAD + 20;
	pdf_colour(cr, INK);
	pdf_fit_font(&d->pdf, SERIF, 1, 12, 8, _("Verify this certificate at"), tw, 0);
	pdf_show(&d->pdf, tx, tx + tw, y, PDF_START, _("Verify this certificate at"), 0);
	y += 17;
	/* The address stays whole on one line where it can, so it can be
	 * typed; a very long one breaks after /verify/. */
	pdf_colour(cr, GOLD);
	pdf_fit_font(&d->pdf, SANS, 0, 9.5, 6.5, url, tw, PDF_LTR);
	if (pdf_text_width(&d->pdf, url, PDF_LTR) <= tw) {
		pdf_show(&d->pdf, tx, tx + tw, y, PDF_START, url, PDF_LTR);
	} else {
		const char *uid = strstr(url, "/verify/");
		size_t n = uid ? (size_t)(uid - url) + 8 : strlen(url) / 2;
		char *head = xstrndup(url, n);
		pdf_fit_font(&d->pdf, SANS, 0, 9.5, 5, head, tw, PDF_LTR);
		pdf_show(&d->pdf, tx, tx + tw, y, PDF_START, head, PDF_LTR);
		y += 12;
		pdf_fit_font(&d->pdf, SANS, 0, 9.5, 5, url + n, tw, PDF_LTR);
		pdf_show(&d->pdf, tx, tx + tw, y, PDF_START, url + n, PDF_LTR);
		free(head);
	}
	y += 19;
	/* The shop's name reads in its own direction, the key left to right,
	 * whatever the sentence's language. */
	name = xasprintf("\xe2\x81\xa8%s\xe2\x81\xa9", shop_name);
	if (fingerprint) {
		key = xasprintf("\xe2\x81\xa6%s\xe2\x81\xa9", fingerprint);
		/* TRANSLATORS: %1$s is the shop's name, %2$s its key's
		 * fingerprint. The sentence after it follows on. */
		t = xasprintf(_("Signed by %1$s with key %2$s. Scan the code or type the address: the "
		    "page shows the piece's record and history as the shop keeps it, and any later "
		    "change of owner."), name, key);
	} else {
		/* TRANSLATORS: %s is the shop's name. */
		t = xasprintf(_("Issued by %s. Scan the code or type the address: the page shows the "
		    "piece's record and history as the shop keeps it, and any later change of "
		    "owner."), name);
	}
	pdf_font(&d->pdf, SANS, 0, 8);
	pdf_par(&d->pdf, &l, t, tw, 0);
	pdf_colour(cr, MUTED);
	for (int i = 0; i < l.n && y < top + VERIFY_H - 6; i++, y += 11)
		pdf_par_draw(&d->pdf, &l, i, tx, tx + tw, y, PDF_START);
	pdf_par_free(&l);
	free(t);
	free(key);
	free(name);

	d->y = top + VERIFY_H + SIGN_H - 10;
	double sx = side(d, X0, 200), dx = side(d, X1 - 140, 140);
	pdf_hline(cr, sx, sx + 200, d->y, 0.5, INK);
	pdf_hline(cr, dx, dx + 140, d->y, 0.5, INK);
	pdf_colour(cr, MUTED);
	pdf_font(&d->pdf, SANS, 0, 7.5);
	pdf_show(&d->pdf, sx, sx + 200, d->y + 10, PDF_START, _("Authorised signature"), 0);
	/* TRANSLATORS: under the line where the certificate is dated by hand. */
	pdf_show(&d->pdf, dx, dx + 140, d->y + 10, PDF_START, C_("certificate", "Date"), 0);
	d->y += 10;
}

int certificate_pdf(const struct passport *p, const struct shop *shop, const char *tz,
    const char *url, const struct qr *q, const char *fingerprint, struct buf *out)
{
	char iso[11], issued[64];
	int rc = -1;
	struct cert d = {0};
	char *title = pdf_text(p->f[PF_TITLE], 0);
	char *shop_name = pdf_text(*shop->name ? shop->name : _("Your jeweller"), 0);
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(pdf_write_buf, out, PAGE_W, PAGE_H);
	cairo_t *cr = cairo_create(s);

	/* TRANSLATORS: the PDF's title, as a viewer shows it; %s is the
	 * piece's title. */
	char *meta = xasprintf(_("Certificate of Authenticity: %s"), title);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, meta);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, shop_name);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "Hallmark");
	free(meta);

	today_iso((time_t)p->created_at, tz, iso);
	fmt_date(iso, DATE_LONG, issued, sizeof issued);
	d.cr = cr;
	pdf_init(&d.pdf, cr);
	d.title = title;
	/* A long name is already on the letterhead; the footer stays short. */
	if (strlen(shop_name) <= 60)
		/* TRANSLATORS: the certificate's footer: %1$lld is the
		 * passport's identity number, %2$s the shop's name. */
		d.footer = xasprintf(_("Passport %1$lld \xc2\xb7 issued by %2$s"),
		    (long long)p->identity_number, shop_name);
	else
		d.footer = xasprintf(_("Passport %lld"), (long long)p->identity_number);
	new_page(&d);
	letterhead(&d, shop);
	heading(&d, p);
	description(&d, p);
	identity_band(&d, p, issued);
	specifications(&d, p);
	verification(&d, q, url, shop_name, fingerprint);
	page_footer(&d);
	cairo_show_page(cr);

	if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
		log_err("certificate: cairo: %s", cairo_status_to_string(cairo_status(cr)));
		goto out;
	}
	cairo_surface_finish(s);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		log_err("certificate: cairo PDF: %s", cairo_status_to_string(cairo_surface_status(s)));
		goto out;
	}
	rc = 0;
out:
	pdf_free(&d.pdf);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	free(d.footer);
	free(title);
	free(shop_name);
	return rc;
}
