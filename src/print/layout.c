/* Drawing text and codes on cairo pages for the printed documents: text
 * laid out by pango, rules, QR codes as vectors.
 *
 * Pango shapes the text (Arabic letters join, marks sit on their bases),
 * orders it (bidirectional text, Unicode's algorithm), breaks it into
 * lines and picks a font for every character. The glyphs are then handed
 * to cairo here rather than by pango_cairo_show_layout, for one reason:
 * the PDF's text must read back. pango_cairo_show_layout gives cairo a
 * right-to-left run in logical order, drawn leftwards glyph by glyph, and
 * text extraction (poppler's pdftotext, a viewer's copy and paste) takes
 * every such glyph for a word of its own. Here every run is drawn left to
 * right, and a right-to-left run's text goes with it in that visual order
 * (each letter's characters reversed too), which is what PDF readers
 * expect and turn back into logical order; a letter carries the text of
 * the marks drawn on it (see struct piece). */
#include "layout.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "jpeg.h"
#include "utf8.h"

#define PU(x) ((double)(x) / PANGO_SCALE)	/* pango units to points */

static int used;	/* pdf_init has made pango's font map */

/* A copy of s that pango and cairo take: pango replaces bad bytes with a
 * warning each, cairo refuses a whole string over one, and control
 * characters draw as boxes. Records imported by hallmarkctl did not pass
 * the form's checks, so bad bytes become U+FFFD, tabs and other controls
 * spaces; line feeds stay when keep_lf. Caller frees. */
char *pdf_text(const char *s, int keep_lf)
{
	s = s ? s : "";
	return utf8_clean(s, strlen(s), UTF8_CTL_SPACE | (keep_lf ? UTF8_KEEP_LF : 0));
}

static PangoContext *context(cairo_t *cr, const struct lang *l, PangoDirection dir)
{
	PangoContext *pc = pango_cairo_create_context(cr);
	cairo_font_options_t *fo = cairo_font_options_create();
	/* Outlines at their design widths: a PDF has no pixels to fit, and
	 * the measuring pass and the drawing pass must agree to the point. */
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	pango_cairo_context_set_font_options(pc, fo);
	cairo_font_options_destroy(fo);
	pango_context_set_round_glyph_positions(pc, FALSE);
	pango_context_set_base_dir(pc, dir);
	/* The document's language guides the choice among fonts (and
	 * language-specific forms) where the named families lack a glyph. */
	pango_context_set_language(pc, pango_language_from_string(l->code));
	return pc;
}

void pdf_init(struct pdf *d, cairo_t *cr)
{
	const struct lang *l = lang_current();
	memset(d, 0, sizeof *d);
	d->cr = cr;
	d->rtl = lang_rtl(l);
	used = 1;
	d->pc = context(cr, l, d->rtl ? PANGO_DIRECTION_RTL : PANGO_DIRECTION_LTR);
	d->pc_ltr = context(cr, l, PANGO_DIRECTION_LTR);
	d->font = pango_font_description_new();
	pdf_font(d, SANS, 0, 10);
}

void pdf_free(struct pdf *d)
{
	if (d->font)
		pango_font_description_free(d->font);
	if (d->pc)
		g_object_unref(d->pc);
	if (d->pc_ltr)
		g_object_unref(d->pc_ltr);
	memset(d, 0, sizeof *d);
}

void pdf_release(void)
{
	/* Pango's default font map holds every font it loaded, with their
	 * fontconfig patterns, from thread-local storage that valgrind does
	 * not look into: left at exit, all of it reads as lost. */
	if (used)
		pango_cairo_font_map_set_default(NULL);
	used = 0;
}

void pdf_font(struct pdf *d, const char *face, int bold, double size)
{
	pango_font_description_set_family(d->font, face);
	pango_font_description_set_style(d->font, PANGO_STYLE_NORMAL);
	pango_font_description_set_weight(d->font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	/* Absolute: points are the page's units, whatever pango's dpi. */
	pango_font_description_set_absolute_size(d->font, size * PANGO_SCALE);
}

PangoFontDescription *pdf_font_save(const struct pdf *d)
{
	return pango_font_description_copy(d->font);
}

void pdf_font_restore(struct pdf *d, PangoFontDescription *saved)
{
	pango_font_description_free(d->font);
	d->font = saved;
}

static PangoLayout *new_layout(struct pdf *d, const char *s, int flags)
{
	PangoLayout *l = pango_layout_new(flags & PDF_LTR ? d->pc_ltr : d->pc);
	pango_layout_set_font_description(l, d->font);
	/* A paragraph reads in the direction of its first strong letter,
	 * except what must read left to right in any document. */
	pango_layout_set_auto_dir(l, !(flags & PDF_LTR));
	pango_layout_set_text(l, s, -1);
	return l;
}

/* s with the spaces around each line gone, runs of blank lines made one,
 * and none first or last. Caller frees. */
static char *tidy(const char *s)
{
	struct buf b = {0};
	int blank = 0;
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		const char *e = s + n;
		while (s < e && *s == ' ')
			s++;
		while (e > s && e[-1] == ' ')
			e--;
		if (e == s) {
			blank = 1;
		} else {
			if (b.len)
				buf_puts(&b, blank ? "\n\n" : "\n");
			buf_append(&b, s, (size_t)(e - s));
			blank = 0;
		}
		s += n;
		if (*s == '\n')
			s++;
	}
	return buf_detach(&b);
}

/* Pango breaks a line wherever Unicode allows: after a hyphen, inside an
 * address at a slash or a dot. A name, an email address or a URL split
 * there is misread or mistyped, so every word (what lies between spaces)
 * that fits on a line is kept whole, and only one wider than the line is
 * broken inside, where pango finds the best place. Hyphens are never
 * added. */
static void keep_words(PangoLayout *l, const char *s, int width)
{
	size_t len = strlen(s);
	/* Each character's advance, from one pass over the unwrapped lines
	 * (asking pango for each word's extent costs a walk of its line). */
	int *adv = xmalloc((len + 1) * sizeof *adv);
	memset(adv, 0, (len + 1) * sizeof *adv);
	for (GSList *ln = pango_layout_get_lines_readonly(l); ln; ln = ln->next) {
		for (GSList *r = ((PangoLayoutLine *)ln->data)->runs; r; r = r->next) {
			const PangoGlyphItem *run = r->data;
			for (int i = 0; i < run->glyphs->num_glyphs; i++) {
				size_t at = (size_t)run->item->offset + (size_t)run->glyphs->log_clusters[i];
				if (at < len)
					adv[at] += run->glyphs->glyphs[i].geometry.width;
			}
		}
	}
	PangoAttrList *attrs = pango_attr_list_new();
	PangoAttribute *a = pango_attr_insert_hyphens_new(FALSE);
	a->start_index = 0;
	a->end_index = (guint)len;
	pango_attr_list_insert(attrs, a);
	for (size_t i = 0; i < len;) {
		if (s[i] == ' ' || s[i] == '\n') {
			i++;
			continue;
		}
		size_t j = i + strcspn(s + i, " \n");
		long w = 0;
		for (size_t k = i; k < j; k++)
			w += adv[k];
		if (w <= width) {
			a = pango_attr_allow_breaks_new(FALSE);
			a->start_index = (guint)i;
			a->end_index = (guint)j;
			pango_attr_list_insert(attrs, a);
		}
		i = j;
	}
	pango_layout_set_attributes(l, attrs);
	pango_attr_list_unref(attrs);
	free(adv);
}

void pdf_par(struct pdf *d, struct pdf_par *p, const char *s, double width, int flags)
{
	char *t = tidy(s);
	p->l = new_layout(d, t, flags);
	p->rtl = d->rtl;
	if (width > 0) {
		keep_words(p->l, t, (int)(width * PANGO_SCALE));
		pango_layout_set_width(p->l, (int)(width * PANGO_SCALE));
		pango_layout_set_wrap(p->l, PANGO_WRAP_WORD_CHAR);
	}
	p->n = *t ? pango_layout_get_line_count(p->l) : 0;
	free(t);
}

void pdf_par_cut(struct pdf_par *p, int lines)
{
	pango_layout_set_ellipsize(p->l, PANGO_ELLIPSIZE_END);
	pango_layout_set_height(p->l, -lines);
	if (p->n)
		p->n = pango_layout_get_line_count(p->l);
}

void pdf_par_free(struct pdf_par *p)
{
	if (p->l)
		g_object_unref(p->l);
	memset(p, 0, sizeof *p);
}

/* Where a line's text ends, the spaces after its last word left out. */
static int line_end(PangoLayoutLine *line, const char *text)
{
	int end = line->start_index + line->length;
	while (end > line->start_index && (text[end - 1] == ' ' || text[end - 1] == '\n'))
		end--;
	return end;
}

static int is_ellipsis(const PangoGlyphItem *run)
{
	return (run->item->analysis.flags & PANGO_ANALYSIS_FLAG_IS_ELLIPSIS) != 0;
}

/* The horizontal extent of a line's glyphs from its origin, in pango
 * units, the spaces at its end left out (they would push a centred or
 * right-aligned line off its place). */
static void line_span(PangoLayoutLine *line, const char *text, int *x0, int *x1)
{
	int end = line_end(line, text), x = 0, lo = INT32_MAX, hi = INT32_MIN;
	for (GSList *r = line->runs; r; r = r->next) {
		const PangoGlyphItem *run = r->data;
		const PangoGlyphString *gs = run->glyphs;
		for (int i = 0; i < gs->num_glyphs; i++) {
			int w = gs->glyphs[i].geometry.width;
			if (is_ellipsis(run) || run->item->offset + gs->log_clusters[i] < end) {
				lo = x < lo ? x : lo;
				hi = x + w > hi ? x + w : hi;
			}
			x += w;
		}
	}
	*x0 = lo <= hi ? lo : 0;
	*x1 = lo <= hi ? hi : 0;
}

static PangoLayoutLine *par_line(const struct pdf_par *p, int i)
{
	return pango_layout_get_line_readonly(p->l, i);
}

double pdf_par_width(const struct pdf_par *p)
{
	const char *text = pango_layout_get_text(p->l);
	int w = 0;
	for (int i = 0; i < p->n; i++) {
		int x0, x1;
		line_span(par_line(p, i), text, &x0, &x1);
		w = x1 - x0 > w ? x1 - x0 : w;
	}
	return PU(w);
}

void pdf_par_extents(const struct pdf_par *p, int i, double *ascent, double *descent)
{
	PangoRectangle r;
	pango_layout_line_get_extents(par_line(p, i), NULL, &r);
	*ascent = PU(-r.y);
	*descent = PU(r.height + r.y);
}

/* Appends s[0..n) to b, its characters in reverse order. */
static void put_reversed(struct buf *b, const char *s, size_t n)
{
	size_t e = n;
	while (e > 0) {
		size_t k = e - 1;
		while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
			k--;
		buf_append(b, s + k, e - k);
		e = k;
	}
}

/* What a reader extracts as one piece: a base character and the marks
 * on it. Pango gives each Arabic vowel mark a cluster of its own, a glyph
 * of no width placed above or below its letter; drawn with its own text,
 * a PDF reader takes it for a letter on a line of its own. So the base's
 * glyph carries the text of the whole piece, and the marks are drawn
 * with none. */
struct piece {
	int g0, g1;		/* glyphs [g0, g1) of the run */
	int b0, b1;		/* bytes [b0, b1) of the item's text */
};

/* Whether the glyph draws nothing, a space at the line's end included. */
static int blank_glyph(const PangoGlyphInfo *gi)
{
	return gi->glyph == PANGO_GLYPH_EMPTY;
}

/* The run's pieces in visual order (left to right); n_out of them. Spaces
 * at or past end and format characters (which draw nothing) are left
 * out. Caller frees. */
static struct piece *pieces(const PangoGlyphItem *run, int end, int *n_out)
{
	const PangoItem *it = run->item;
	const PangoGlyphString *gs = run->glyphs;
	int n = gs->num_glyphs, rtl = it->analysis.level & 1, np = 0;
	struct piece *v = xmalloc((size_t)(n ? n : 1) * sizeof *v);

	/* Pango's clusters, in logical order (a right-to-left run's glyphs
	 * are stored right to left). */
	for (int k = 0; k < n;) {
		int i = rtl ? n - 1 - k : k, c = gs->log_clusters[i], j = i, adv = 0, ink = 0;
		while (rtl ? j >= 0 : j < n) {
			if (gs->log_clusters[j] != c)
				break;
			adv |= gs->glyphs[j].geometry.width != 0;
			ink |= !blank_glyph(&gs->glyphs[j]);
			j += rtl ? -1 : 1;
		}
		struct piece p = {rtl ? j + 1 : i, rtl ? i + 1 : j, c, 0};
		k += p.g1 - p.g0;
		/* The next cluster in logical order starts where this one ends. */
		p.b1 = rtl ? (p.g0 > 0 ? gs->log_clusters[p.g0 - 1] : it->length)
		    : (p.g1 < n ? gs->log_clusters[p.g1] : it->length);
		if (!ink || (!is_ellipsis(run) && it->offset + c >= end))
			continue;
		/* A mark joins the letter before it. */
		if (!adv && np && v[np - 1].b1 == p.b0 &&
		    (rtl ? v[np - 1].g0 == p.g1 : v[np - 1].g1 == p.g0)) {
			struct piece *q = &v[np - 1];
			q->b1 = p.b1;
			q->g0 = q->g0 < p.g0 ? q->g0 : p.g0;
			q->g1 = q->g1 > p.g1 ? q->g1 : p.g1;
			continue;
		}
		v[np++] = p;
	}
	/* Into visual order. */
	if (rtl)
		for (int i = 0; i < np / 2; i++) {
			struct piece t = v[i];
			v[i] = v[np - 1 - i];
			v[np - 1 - i] = t;
		}
	*n_out = np;
	return v;
}

/* Draws one run of glyphs from x on baseline y, with its text: piece by
 * piece from left to right, a right-to-left run's characters reversed to
 * match. Spaces at or past end are left out; a glyph no installed font
 * has is a hollow box. */
static void draw_run(cairo_t *cr, const char *text, const PangoGlyphItem *run, double x,
    double y, int end)
{
	const PangoItem *it = run->item;
	const PangoGlyphString *gs = run->glyphs;
	int n = gs->num_glyphs, np, ng = 0, ncl = 0, rtl = it->analysis.level & 1;
	struct piece *pv = pieces(run, end, &np);
	cairo_glyph_t *g = xmalloc((size_t)(n ? n : 1) * sizeof *g);
	cairo_text_cluster_t *cl = xmalloc((size_t)(2 * np + 1) * sizeof *cl);
	double *gx = xmalloc((size_t)(n ? n : 1) * sizeof *gx);
	struct buf u = {0};
	cairo_scaled_font_t *sf = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(it->analysis.font));

	/* Each glyph's pen position. */
	for (int i = 0; i < n; i++) {
		gx[i] = x;
		x += PU(gs->glyphs[i].geometry.width);
	}
	for (int k = 0; k < np; k++) {
		const struct piece *p = &pv[k];
		int with_text = 0, marks = 0;
		/* The glyphs that advance (the letter) carry the text; those
		 * that do not (its marks) follow with none. */
		for (int pass = 0; pass < 2; pass++) {
			for (int i = p->g0; i < p->g1; i++) {
				const PangoGlyphInfo *gi = &gs->glyphs[i];
				if (blank_glyph(gi) || (gi->geometry.width != 0) == pass)
					continue;
				if (gi->glyph & PANGO_GLYPH_UNKNOWN_FLAG) {
					double w = PU(gi->geometry.width);
					cairo_rectangle(cr, gx[i] + w * 0.15, y - w * 1.2, w * 0.7, w * 1.2);
					cairo_set_line_width(cr, 0.4);
					cairo_stroke(cr);
					continue;
				}
				g[ng].index = gi->glyph;
				g[ng].x = gx[i] + PU(gi->geometry.x_offset);
				g[ng].y = y + PU(gi->geometry.y_offset);
				ng++;
				if (pass == 0)
					with_text++;
				else
					marks++;
			}
		}
		if (!with_text && marks) {
			/* Marks with no letter in this run: they carry it. */
			with_text = marks;
			marks = 0;
		}
		if (!with_text)
			continue;
		size_t before = u.len;
		if (is_ellipsis(run)) {
			/* The run stands for the text it cut; it shows "…". */
			buf_puts(&u, "\xe2\x80\xa6");
		} else if (rtl) {
			put_reversed(&u, text + it->offset + p->b0, (size_t)(p->b1 - p->b0));
		} else {
			buf_append(&u, text + it->offset + p->b0, (size_t)(p->b1 - p->b0));
		}
		cl[ncl].num_bytes = (int)(u.len - before);
		cl[ncl++].num_glyphs = with_text;
		if (marks) {
			cl[ncl].num_bytes = 0;
			cl[ncl++].num_glyphs = marks;
		}
	}
	if (ng && sf) {
		cairo_set_scaled_font(cr, sf);
		cairo_show_text_glyphs(cr, u.data ? u.data : "", (int)u.len, g, ng, cl, ncl, 0);
	}
	buf_free(&u);
	free(gx);
	free(cl);
	free(g);
	free(pv);
}

void pdf_par_draw(struct pdf *d, const struct pdf_par *p, int i, double x0, double x1,
    double y, enum pdf_align a)
{
	PangoLayoutLine *line = par_line(p, i);
	const char *text = pango_layout_get_text(p->l);
	int s0, s1, right;
	line_span(line, text, &s0, &s1);
	double w = PU(s1 - s0), x;
	switch (a) {
	case PDF_CENTRE:
		x = (x0 + x1 - w) / 2;
		break;
	case PDF_NATURAL:
		right = line->resolved_dir == PANGO_DIRECTION_RTL;
		x = right ? x1 - w : x0;
		break;
	case PDF_END:
		x = p->rtl ? x0 : x1 - w;
		break;
	default:
		x = p->rtl ? x1 - w : x0;
		break;
	}
	x -= PU(s0);
	int end = line_end(line, text);
	for (GSList *r = line->runs; r; r = r->next) {
		const PangoGlyphItem *run = r->data;
		draw_run(d->cr, text, run, x, y, end);
		x += PU(pango_glyph_string_get_width(run->glyphs));
	}
}

double pdf_text_width(struct pdf *d, const char *s, int flags)
{
	struct pdf_par p;
	pdf_par(d, &p, s, 0, flags);
	double w = pdf_par_width(&p);
	pdf_par_free(&p);
	return w;
}

void pdf_show(struct pdf *d, double x0, double x1, double y, enum pdf_align a,
    const char *s, int flags)
{
	struct pdf_par p;
	pdf_par(d, &p, s, 0, flags);
	if (p.n)
		pdf_par_draw(d, &p, 0, x0, x1, y, a);
	pdf_par_free(&p);
}

/* Shrinks the current font until s fits maxw (not below min), so a URL or
 * an identifier stays on one line where people copy it from. Without
 * hinting a text's width grows with the size, so the search starts at the
 * size that fits by proportion, on the quarter-point steps it takes. */
void pdf_fit_font(struct pdf *d, const char *face, int bold, double size, double min,
    const char *s, double maxw, int flags)
{
	pdf_font(d, face, bold, size);
	double w = pdf_text_width(d, s, flags);
	if (w <= maxw || size <= min)
		return;
	double steps = ceil((size - size * maxw / w) / 0.25 - 1e-9);
	size = size - steps * 0.25 > min ? size - steps * 0.25 : min;
	pdf_font(d, face, bold, size);
	while (size > min && pdf_text_width(d, s, flags) > maxw) {
		size = size - 0.25 > min ? size - 0.25 : min;
		pdf_font(d, face, bold, size);
	}
}

void pdf_colour(cairo_t *cr, struct rgb c)
{
	cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

void pdf_hline(cairo_t *cr, double x0, double x1, double y, double width, struct rgb c)
{
	pdf_colour(cr, c);
	cairo_set_line_width(cr, width);
	cairo_move_to(cr, x0, y);
	cairo_line_to(cr, x1, y);
	cairo_stroke(cr);
}

/* Draws q as filled rectangles, size points square with the quiet zone,
 * top-left at (x, y): vectors stay sharp at any print size. Each run of
 * dark modules in a row is one rectangle, and the whole symbol one fill,
 * so no hairline seams appear between neighbouring modules. */
void pdf_qr(cairo_t *cr, const struct qr *q, double x, double y, double size)
{
	double m = size / (q->width + 2 * QR_QUIET_ZONE);
	x += QR_QUIET_ZONE * m;
	y += QR_QUIET_ZONE * m;
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (int r = 0; r < q->width; r++) {
		const unsigned char *row = q->modules + (size_t)r * (size_t)q->width;
		for (int c = 0; c < q->width;) {
			if (!row[c]) {
				c++;
				continue;
			}
			int start = c;
			while (c < q->width && row[c])
				c++;
			cairo_rectangle(cr, x + start * m, y + r * m, (c - start) * m, m);
		}
	}
	cairo_fill(cr);
}

cairo_status_t pdf_write_buf(void *closure, const unsigned char *data, unsigned int n)
{
	buf_append(closure, data, n);
	return CAIRO_STATUS_SUCCESS;
}

/* Far above the 400 px thumbnail upload.cgi makes of a logo: the surface
 * is allocated (4 bytes a pixel) although only the file is embedded. */
#define JPEG_MAX_SIDE 2000

cairo_surface_t *pdf_jpeg_surface(const unsigned char *jpeg, size_t n)
{
	struct jpeg_info ji;
	cairo_surface_t *img;
	cairo_t *cr;
	unsigned char *copy;

	if (jpeg_info(jpeg, n, &ji) != 0 || ji.width > JPEG_MAX_SIDE || ji.height > JPEG_MAX_SIDE) {
		log_err("logo: not a JPEG a PDF can carry, or too large; left out");
		return NULL;
	}
	img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, ji.width, ji.height);
	/* White, so that a reader that ever draws the pixels instead of the
	 * file shows a blank, not a black block. */
	cr = cairo_create(img);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_destroy(cr);
	copy = xmalloc(n);
	memcpy(copy, jpeg, n);
	if (cairo_surface_set_mime_data(img, CAIRO_MIME_TYPE_JPEG, copy, n, free, copy) !=
	    CAIRO_STATUS_SUCCESS) {
		free(copy);
		log_err("logo: cairo: %s", cairo_status_to_string(cairo_surface_status(img)));
		cairo_surface_destroy(img);
		return NULL;
	}
	return img;
}
