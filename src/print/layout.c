/* Drawing text and codes on cairo pages for the printed documents: clean
 * text, word wrap, fonts, rules, QR codes as vectors. */
#include "layout.h"

#include <stdlib.h>
#include <string.h>

#include "jpeg.h"
#include "utf8.h"

/* A copy of s that cairo will draw: cairo refuses a whole string (and
 * then every later call) over one bad byte, and draws control characters
 * as boxes. Records imported by hallmarkctl did not pass the form's
 * checks, so bad bytes become U+FFFD, tabs and other controls spaces;
 * line feeds stay when keep_lf. Caller frees. */
char *pdf_text(const char *s, int keep_lf)
{
	s = s ? s : "";
	return utf8_clean(s, strlen(s), UTF8_CTL_SPACE | (keep_lf ? UTF8_KEEP_LF : 0));
}

void pdf_lines_add(struct lines *l, const char *s, size_t n)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	l->v[l->n++] = xstrndup(s, n);
}

void pdf_lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

double pdf_text_width(cairo_t *cr, const char *s)
{
	cairo_text_extents_t e;
	cairo_text_extents(cr, s, &e);
	return e.x_advance;
}

static double span_width(cairo_t *cr, const char *s, size_t n)
{
	char *t = xstrndup(s, n);
	double w = pdf_text_width(cr, t);
	free(t);
	return w;
}

/* Greedy word wrap of one paragraph (no LF) in the current font. A word
 * wider than the line is cut between characters. */
static void wrap_paragraph(cairo_t *cr, const char *s, double maxw, struct lines *out)
{
	while (*s == ' ')
		s++;
	while (*s) {
		size_t fit = 0, i = 0, len = strlen(s);
		/* Extend the line a word at a time while it still fits. */
		while (i < len) {
			size_t j = i;
			while (j < len && s[j] == ' ')
				j++;
			while (j < len && s[j] != ' ')
				j++;
			if (span_width(cr, s, j) > maxw)
				break;
			fit = i = j;
		}
		if (fit == 0) {
			/* Not even one word fits: take as many characters as do,
			 * at least one so the loop always advances. */
			size_t k = 0;
			while (k < len) {
				size_t n = utf8_seq((const unsigned char *)s + k, len - k);
				n = n ? n : 1;
				if (k && span_width(cr, s, k + n) > maxw)
					break;
				k += n;
			}
			fit = k;
		}
		size_t end = fit;
		while (end > 0 && s[end - 1] == ' ')
			end--;
		pdf_lines_add(out, s, end);
		s += fit;
		while (*s == ' ')
			s++;
	}
}

/* Wraps clean text to maxw; LFs start new lines, runs of blank lines
 * collapse to one. */
void pdf_wrap(cairo_t *cr, const char *s, double maxw, struct lines *out)
{
	int blank = 0;
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		char *para = xstrndup(s, n);
		size_t before = out->n;
		wrap_paragraph(cr, para, maxw, out);
		free(para);
		if (out->n == before) {
			if (!blank && out->n)
				pdf_lines_add(out, "", 0);
			blank = 1;
		} else {
			blank = 0;
		}
		s += n;
		if (*s == '\n')
			s++;
	}
	while (out->n && !*out->v[out->n - 1]) {
		free(out->v[--out->n]);
	}
}

void pdf_colour(cairo_t *cr, struct rgb c)
{
	cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

void pdf_font(cairo_t *cr, const char *face, int bold, double size)
{
	cairo_select_font_face(cr, face, CAIRO_FONT_SLANT_NORMAL,
	    bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
}

void pdf_show_at(cairo_t *cr, double x, double y, const char *s)
{
	cairo_move_to(cr, x, y);
	cairo_show_text(cr, s);
}

void pdf_show_centred(cairo_t *cr, double cx, double y, const char *s)
{
	pdf_show_at(cr, cx - pdf_text_width(cr, s) / 2, y, s);
}

/* Shrinks the current font until s fits maxw (not below min), so a URL or
 * an identifier stays on one line where people copy it from. */
void pdf_fit_font(cairo_t *cr, const char *face, int bold, double size, double min,
    const char *s, double maxw)
{
	pdf_font(cr, face, bold, size);
	while (size > min && pdf_text_width(cr, s) > maxw) {
		size -= 0.25;
		pdf_font(cr, face, bold, size);
	}
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

char *pdf_ellipsize(cairo_t *cr, const char *s, double maxw)
{
	static const char dots[] = "\xe2\x80\xa6";
	size_t len = strlen(s), keep = 0;
	if (pdf_text_width(cr, s) <= maxw)
		return xstrdup(s);
	/* The longest run of whole characters that fits with the ellipsis. */
	for (size_t k = 0; k < len;) {
		size_t n = utf8_seq((const unsigned char *)s + k, len - k);
		n = n ? n : 1;
		char *t = xasprintf("%.*s%s", (int)(k + n), s, dots);
		double w = pdf_text_width(cr, t);
		free(t);
		if (w > maxw)
			break;
		k += n;
		keep = k;
	}
	while (keep > 0 && s[keep - 1] == ' ')
		keep--;
	return xasprintf("%.*s%s", (int)keep, s, dots);
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
