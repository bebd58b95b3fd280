/* Drawing on cairo pages for the printed documents (certificate; slips
 * and tags share it): text through pango (shaped, bidirectional, wrapped),
 * fonts, rules and QR codes as vectors. Linked into print.cgi only. */
#ifndef HM_PRINT_LAYOUT_H
#define HM_PRINT_LAYOUT_H

#include <cairo.h>
#include <pango/pangocairo.h>

#include "qr.h"
#include "util.h"

/* Families named, never left to fontconfig's defaults, so a document looks
 * the same on every installation. DejaVu Sans (fonts-dejavu-core) has
 * Arabic, Hebrew, Greek and Cyrillic as well as Latin; the serif and the
 * monospace fall back to it, by name, for what they lack (DejaVu Serif has
 * no Arabic), before fontconfig is asked for anything else. */
#define SERIF "DejaVu Serif, DejaVu Sans"
#define SANS "DejaVu Sans"
#define MONO "DejaVu Sans Mono, DejaVu Sans"

/* Millimetres in PDF points. */
#define PDF_MM(x) ((x) * 72.0 / 25.4)

struct rgb {
	double r, g, b;
};

/* Where a line sits in its column. START and END are the document's: left
 * and right, mirrored in a right-to-left document. NATURAL is the text's
 * own start: an Arabic paragraph on an English slip sits on the right. */
enum pdf_align { PDF_START, PDF_END, PDF_CENTRE, PDF_NATURAL };

/* Flags of a text. */
#define PDF_LTR 1	/* always read left to right: a number, ID, phone, address */

/* A document's text state: the cairo context it draws on, pango contexts
 * in the language and direction of lang_current() when pdf_init ran, and
 * the current font. */
struct pdf {
	cairo_t *cr;
	PangoContext *pc;	/* the document's direction */
	PangoContext *pc_ltr;	/* for PDF_LTR text */
	PangoFontDescription *font;
	int rtl;		/* the document is laid out right to left */
};

/* Text laid out by pango: paragraphs (one a line feed) wrapped to a
 * width, each line drawn where the caller puts it. */
struct pdf_par {
	PangoLayout *l;
	int n;			/* lines; 0 for blank text */
	int rtl;		/* the document's direction */
};

void pdf_init(struct pdf *d, cairo_t *cr);
void pdf_free(struct pdf *d);
/* Frees pango's fonts at the end of the process, so a leak checker sees
 * only what was really lost. */
void pdf_release(void);

/* A heap copy of s that can be laid out: bad bytes U+FFFD, controls
 * spaces, line feeds kept when keep_lf. */
char *pdf_text(const char *s, int keep_lf);

/* Makes face (a family list), bold or not, size points the current font. */
void pdf_font(struct pdf *d, const char *face, int bold, double size);
/* The current font, to put back with pdf_font_restore (which frees it). */
PangoFontDescription *pdf_font_save(const struct pdf *d);
void pdf_font_restore(struct pdf *d, PangoFontDescription *saved);

/* Lays s (clean text) out in the current font: runs of blank lines become
 * one, spaces around each line go. width > 0 wraps it to width, breaking
 * between words, and inside a word only when it alone is wider than the
 * line; width 0: one line per paragraph. */
void pdf_par(struct pdf *d, struct pdf_par *p, const char *s, double width, int flags);
/* At most lines lines, the last cut short with an ellipsis if the text
 * goes on. */
void pdf_par_cut(struct pdf_par *p, int lines);
void pdf_par_free(struct pdf_par *p);
/* The width of the widest line, trailing spaces left out. */
double pdf_par_width(const struct pdf_par *p);
void pdf_par_extents(const struct pdf_par *p, int i, double *ascent, double *descent);
/* Draws line i, baseline at y, aligned a in the column [x0, x1]. */
void pdf_par_draw(struct pdf *d, const struct pdf_par *p, int i, double x0, double x1,
    double y, enum pdf_align a);

/* One line of s: its width, and drawn aligned a in [x0, x1], baseline y. */
double pdf_text_width(struct pdf *d, const char *s, int flags);
void pdf_show(struct pdf *d, double x0, double x1, double y, enum pdf_align a,
    const char *s, int flags);
/* Selects face at size, shrunk (not below min) until s fits maxw. */
void pdf_fit_font(struct pdf *d, const char *face, int bold, double size, double min,
    const char *s, double maxw, int flags);

void pdf_colour(cairo_t *cr, struct rgb c);
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
