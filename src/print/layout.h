/* Drawing on cairo pages for the printed documents (certificate; slips
 * and tags share it): text made safe to draw, word wrap, fonts, rules and
 * QR codes as vectors. Linked into print.cgi only. */
#ifndef HM_PRINT_LAYOUT_H
#define HM_PRINT_LAYOUT_H

#include <cairo.h>

#include "qr.h"
#include "util.h"

#define SERIF "DejaVu Serif"
#define SANS "DejaVu Sans"
#define MONO "DejaVu Sans Mono"

/* Millimetres in PDF points. */
#define PDF_MM(x) ((x) * 72.0 / 25.4)

struct rgb {
	double r, g, b;
};

/* Lines of wrapped text (heap strings). */
struct lines {
	char **v;
	size_t n;
};

/* A heap copy of s that cairo can draw: bad bytes U+FFFD, controls spaces,
 * line feeds kept when keep_lf. */
char *pdf_text(const char *s, int keep_lf);
void pdf_lines_add(struct lines *l, const char *s, size_t n);
void pdf_lines_free(struct lines *l);
double pdf_text_width(cairo_t *cr, const char *s);
/* Wraps clean text to maxw in the current font; LFs start new lines, runs
 * of blank lines collapse to one, a word wider than a line is cut between
 * characters. */
void pdf_wrap(cairo_t *cr, const char *s, double maxw, struct lines *out);

void pdf_colour(cairo_t *cr, struct rgb c);
void pdf_font(cairo_t *cr, const char *face, int bold, double size);
void pdf_show_at(cairo_t *cr, double x, double y, const char *s);
void pdf_show_centred(cairo_t *cr, double cx, double y, const char *s);
/* A heap copy of s, cut between characters and ended with an ellipsis
 * where it is wider than maxw in the current font. */
char *pdf_ellipsize(cairo_t *cr, const char *s, double maxw);
/* Selects face at size, shrunk (not below min) until s fits maxw. */
void pdf_fit_font(cairo_t *cr, const char *face, int bold, double size, double min,
    const char *s, double maxw);
void pdf_hline(cairo_t *cr, double x0, double x1, double y, double width, struct rgb c);
/* Draws q, quiet zone included, size points square with its top-left at (x, y). */
void pdf_qr(cairo_t *cr, const struct qr *q, double x, double y, double size);
/* An image surface of the JPEG's own size carrying the n bytes at jpeg as
 * its JPEG data, so a PDF embeds the file as it is (no decoder needed);
 * its pixels are white. NULL (logged) when the file is not a JPEG every
 * PDF reader draws, or is implausibly large. The caller destroys it. */
cairo_surface_t *pdf_jpeg_surface(const unsigned char *jpeg, size_t n);
/* A cairo write function appending to a struct buf. */
cairo_status_t pdf_write_buf(void *closure, const unsigned char *data, unsigned int n);

#endif
