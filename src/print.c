/* print.cgi: /admin/print/<passport id>/qr.png and .../certificate.pdf, the
 * printable QR code and certificate of authenticity of a passport, for the
 * signed-in staff of the shop that issued it. The only executable that
 * links cairo, so the public pages never load its font stack. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <sodium.h>

#include "auth.h"
#include "model.h"
#include "passport.h"
#include "qr.h"
#include "ratelimit.h"
#include "web.h"

static const struct param params[] = {
	{"_", v_string, 1, 0, 0, 0},	/* the downloads take no parameters */
};

/* Certificates per client address per window are capped (configuration
 * ratelimit_certificates). Making one costs a font load and a PDF; the limit
 * stops a stolen session (or a script) from turning the shop's whole
 * register into paper in one go. */
#define CERT_SCOPE "certificate"

/* The QR PNG is at least this many pixels across: 2 inches at 300 dpi. */
#define QR_PRINT_PX 600

enum download { DL_QR_PNG, DL_CERTIFICATE };

/* "/<id>/qr.png" or "/<id>/certificate.pdf", matched whole; id is 1-18
 * digits without a leading zero, so each passport has one URL. */
static int parse_path(const char *path, int64_t *id, enum download *what)
{
	int64_t v = 0;
	int n = 0;
	if (*path++ != '/' || *path < '1' || *path > '9')
		return -1;
	while (*path >= '0' && *path <= '9' && n < 18)
		v = v * 10 + (*path++ - '0'), n++;
	if (*path != '/')
		return -1;
	path++;
	if (!strcmp(path, "qr.png"))
		*what = DL_QR_PNG;
	else if (!strcmp(path, "certificate.pdf"))
		*what = DL_CERTIFICATE;
	else
		return -1;
	*id = v;
	return 0;
}

/* ---- text ------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when it is not one:
 * overlong forms, surrogates and values past U+10FFFF are refused. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	if (c < 0x80)
		return 1;
	size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
	if (!n || c > 0xf4)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f) ||
	    (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
		return 0;
	return n;
}

/* A copy of s that cairo will draw: cairo refuses a whole string (and
 * then every later call) over one bad byte, and draws control characters
 * as boxes. Records imported by hallmarkctl did not pass the form's
 * checks, so bad bytes become U+FFFD, tabs and other controls spaces;
 * line feeds stay when keep_lf. Caller frees. */
static char *clean_text(const char *s, int keep_lf)
{
	struct buf b = {0};
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	while (*p) {
		size_t n = utf8_len(p);
		if (!n) {
			buf_puts(&b, "\xef\xbf\xbd");
			p++;
		} else if (*p == '\n' && keep_lf) {
			buf_putc(&b, '\n');
			p++;
		} else if (*p < 0x20 || *p == 0x7f) {
			buf_putc(&b, ' ');
			p++;
		} else {
			buf_append(&b, p, n);
			p += n;
		}
	}
	return buf_detach(&b);
}

struct lines {
	char **v;
	size_t n;
};

static void lines_add(struct lines *l, const char *s, size_t n)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	l->v[l->n++] = xstrndup(s, n);
}

static void lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

static double text_width(cairo_t *cr, const char *s)
{
	cairo_text_extents_t e;
	cairo_text_extents(cr, s, &e);
	return e.x_advance;
}

static double span_width(cairo_t *cr, const char *s, size_t n)
{
	char *t = xstrndup(s, n);
	double w = text_width(cr, t);
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
				size_t n = utf8_len((const unsigned char *)s + k);
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
		lines_add(out, s, end);
		s += fit;
		while (*s == ' ')
			s++;
	}
}

/* Wraps clean text to maxw; LFs start new lines, runs of blank lines
 * collapse to one. */
static void wrap_text(cairo_t *cr, const char *s, double maxw, struct lines *out)
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
				lines_add(out, "", 0);
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

/* ---- the certificate -------------------------------------------------- */

/* A4 in points. */
#define PAGE_W 595.28
#define PAGE_H 841.89
#define X0 66.0			/* content box, inside the double border */
#define X1 (PAGE_W - 66.0)
#define CONTENT_W (X1 - X0)
#define TOP 74.0
#define BOTTOM (PAGE_H - 60.0)	/* the last baseline above the footer */

#define SERIF "DejaVu Serif"
#define SANS "DejaVu Sans"

struct rgb {
	double r, g, b;
};
static const struct rgb INK = {0.11, 0.11, 0.13};
static const struct rgb MUTED = {0.38, 0.38, 0.42};
static const struct rgb GOLD = {0.60, 0.47, 0.20};	/* prints as antique gold, still dark on mono */
static const struct rgb WARN = {0.70, 0.10, 0.10};

struct cert {
	cairo_t *cr;
	double y;		/* the next baseline on the current page */
	int page;
	char *footer;
	const char *title;	/* for the continuation pages' header */
};

static void colour(cairo_t *cr, struct rgb c)
{
	cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

static void font(cairo_t *cr, const char *face, int bold, double size)
{
	cairo_select_font_face(cr, face, CAIRO_FONT_SLANT_NORMAL,
	    bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
}

static void show_at(cairo_t *cr, double x, double y, const char *s)
{
	cairo_move_to(cr, x, y);
	cairo_show_text(cr, s);
}

static void show_centred(cairo_t *cr, double cx, double y, const char *s)
{
	show_at(cr, cx - text_width(cr, s) / 2, y, s);
}

/* Shrinks the current font until s fits maxw (not below min), so a URL or
 * an identifier stays on one line where people copy it from. */
static void fit_font(cairo_t *cr, const char *face, int bold, double size, double min,
    const char *s, double maxw)
{
	font(cr, face, bold, size);
	while (size > min && text_width(cr, s) > maxw) {
		size -= 0.25;
		font(cr, face, bold, size);
	}
}

static void hline(cairo_t *cr, double x0, double x1, double y, double width, struct rgb c)
{
	colour(cr, c);
	cairo_set_line_width(cr, width);
	cairo_move_to(cr, x0, y);
	cairo_line_to(cr, x1, y);
	cairo_stroke(cr);
}

/* A small lozenge, the certificate's one ornament. */
static void diamond(cairo_t *cr, double cx, double cy, double r)
{
	colour(cr, GOLD);
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
	colour(cr, GOLD);
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

static void page_footer(struct cert *d)
{
	cairo_t *cr = d->cr;
	fit_font(cr, SANS, 0, 7.5, 5, d->footer, CONTENT_W);
	colour(cr, MUTED);
	show_centred(cr, PAGE_W / 2, PAGE_H - 46, d->footer);
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
		char *t = xasprintf("Certificate of Authenticity \xe2\x80\x94 %s (continued)", d->title);
		fit_font(d->cr, SERIF, 0, 11, 7, t, CONTENT_W);
		colour(d->cr, MUTED);
		show_centred(d->cr, PAGE_W / 2, d->y, t);
		free(t);
		hline(d->cr, X0, X1, d->y + 10, 0.5, GOLD);
		d->y += 36;
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

/* Draws wrapped lines from the cursor, turning pages as they run out. */
static void flow_lines(struct cert *d, const struct lines *l, double x, double lead, int centred)
{
	for (size_t i = 0; i < l->n; i++) {
		need(d, lead);
		if (centred)
			show_centred(d->cr, PAGE_W / 2, d->y, l->v[i]);
		else
			show_at(d->cr, x, d->y, l->v[i]);
		d->y += lead;
	}
}

/* "2026-11-24" as "24 November 2026"; anything else as given. */
static void long_date(const char *iso, char *out, size_t n)
{
	static const char *const months[] = {"January", "February", "March", "April", "May",
	    "June", "July", "August", "September", "October", "November", "December"};
	int y, m, dd;
	char tail;
	if (sscanf(iso, "%4d-%2d-%2d%c", &y, &m, &dd, &tail) == 3 && m >= 1 && m <= 12 &&
	    dd >= 1 && dd <= 31 && strlen(iso) == 10)
		snprintf(out, n, "%d %s %04d", dd, months[m - 1], y);
	else
		snprintf(out, n, "%s", iso);
}

/* The shop's letterhead: name, address and country, contact, ABN. */
static void letterhead(struct cert *d, const struct shop *s)
{
	cairo_t *cr = d->cr;
	struct lines l = {0};
	char *name = clean_text(*s->name ? s->name : "Your jeweller", 0);
	/* One line, shrunk a little if need be; a long name wraps. */
	fit_font(cr, SERIF, 1, 24, 17, name, CONTENT_W);
	colour(cr, INK);
	wrap_text(cr, name, CONTENT_W, &l);
	flow_lines(d, &l, X0, 24, 1);
	lines_free(&l);
	d->y -= 4;

	/* The address is typed on several lines; on letterhead it reads as one. */
	struct buf a = {0};
	char *addr = clean_text(s->address, 1), *save = NULL;
	for (char *p = strtok_r(addr, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
		str_trim(p);
		if (*p)
			buf_printf(&a, "%s%s", a.len ? ", " : "", p);
	}
	if (s->country && *s->country) {
		char *c = clean_text(s->country, 0);
		buf_printf(&a, "%s%s", a.len ? ", " : "", c);
		free(c);
	}
	struct buf contact = {0};
	if (*s->phone)
		buf_printf(&contact, "%s", s->phone);
	if (*s->email)
		buf_printf(&contact, "%s%s", contact.len ? "   \xc2\xb7   " : "", s->email);
	font(cr, SANS, 0, 9);
	colour(cr, MUTED);
	if (a.len) {
		wrap_text(cr, a.data, CONTENT_W, &l);
		flow_lines(d, &l, X0, 12, 1);
		lines_free(&l);
	}
	if (contact.len) {
		char *c = clean_text(contact.data, 0);
		wrap_text(cr, c, CONTENT_W, &l);
		flow_lines(d, &l, X0, 12, 1);
		lines_free(&l);
		free(c);
	}
	if (s->abn && *s->abn) {
		char *abn = clean_text(s->abn, 0);
		char *t = xasprintf("ABN %s", abn);
		show_centred(cr, PAGE_W / 2, d->y, t);
		d->y += 12;
		free(t);
		free(abn);
	}
	d->y += 6;
	hline(cr, X0, PAGE_W / 2 - 12, d->y, 0.6, GOLD);
	hline(cr, PAGE_W / 2 + 12, X1, d->y, 0.6, GOLD);
	diamond(cr, PAGE_W / 2, d->y, 5);
	d->y += 36;
	buf_free(&a);
	buf_free(&contact);
	free(addr);
	free(name);
}

/* Heading, the piece's title and type, the lost-or-stolen warning. */
static void heading(struct cert *d, const struct passport *p)
{
	cairo_t *cr = d->cr;
	struct lines l = {0};
	font(cr, SERIF, 0, 27);
	colour(cr, INK);
	show_centred(cr, PAGE_W / 2, d->y, "Certificate of Authenticity");
	d->y += 20;
	font(cr, SANS, 0, 9);
	colour(cr, GOLD);
	show_centred(cr, PAGE_W / 2, d->y, "Provenance passport");
	d->y += 32;

	font(cr, SANS, 1, 17);
	colour(cr, INK);
	wrap_text(cr, d->title, CONTENT_W - 40, &l);
	flow_lines(d, &l, X0, 21, 1);
	lines_free(&l);
	if (*p->f[PF_JEWELLERY_TYPE]) {
		char *t = clean_text(p->f[PF_JEWELLERY_TYPE], 0);
		font(cr, SANS, 0, 10);
		colour(cr, MUTED);
		show_centred(cr, PAGE_W / 2, d->y - 3, t);
		d->y += 12;
		free(t);
	}
	if (p->lost_stolen) {
		const char *w = "This piece has been reported lost or stolen.";
		font(cr, SANS, 1, 10);
		colour(cr, WARN);
		show_centred(cr, PAGE_W / 2, d->y + 4, w);
		d->y += 18;
	}
	d->y += 10;
}

static void description(struct cert *d, const struct passport *p)
{
	if (!*p->f[PF_DESCRIPTION])
		return;
	struct lines l = {0};
	char *t = clean_text(p->f[PF_DESCRIPTION], 1);
	font(d->cr, SANS, 0, 9.5);
	colour(d->cr, INK);
	wrap_text(d->cr, t, CONTENT_W - 40, &l);
	flow_lines(d, &l, X0 + 20, 13.5, 0);
	d->y += 12;
	lines_free(&l);
	free(t);
}

/* The band of identifiers: identity number, issue date, UID. */
static void identity_band(struct cert *d, const struct passport *p, const char *issued)
{
	cairo_t *cr = d->cr;
	char num[24];
	snprintf(num, sizeof num, "%lld", (long long)p->identity_number);
	struct {
		const char *label, *value;
		double x, w;
	} cells[] = {
		{"IDENTITY NUMBER", num, X0, 110},
		{"ISSUED", issued, X0 + 118, 120},
		{"UID", p->public_uid, X0 + 246, CONTENT_W - 246},
	};
	need(d, 44);
	hline(cr, X0, X1, d->y, 0.6, GOLD);
	for (size_t i = 0; i < HM_NELEM(cells); i++) {
		font(cr, SANS, 1, 6.5);
		colour(cr, GOLD);
		show_at(cr, cells[i].x, d->y + 14, cells[i].label);
		fit_font(cr, SANS, 0, 10, 6, cells[i].value, cells[i].w);
		colour(cr, INK);
		show_at(cr, cells[i].x, d->y + 29, cells[i].value);
	}
	hline(cr, X0, X1, d->y + 38, 0.6, GOLD);
	d->y += 56;
}

/* Draws q as filled rectangles, size points square with the quiet zone,
 * top-left at (x, y): vectors stay sharp at any print size. Each run of
 * dark modules in a row is one rectangle, and the whole symbol one fill,
 * so no hairline seams appear between neighbouring modules. */
static void draw_qr(cairo_t *cr, const struct qr *q, double x, double y, double size)
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

struct spec_group {
	const char *name;
	int from, to;		/* PF_ range, inclusive */
};

static const struct spec_group groups[] = {
	{"METAL", PF_METAL_TYPE, PF_METAL_WEIGHT},
	{"STONE", PF_STONE_TYPE, PF_STONE_CERTIFICATE},
	{"RING", PF_RING_SIZE, PF_RING_SETTING},
	{"PROVENANCE", PF_MAKER, PF_YEAR_MADE},
	{"OWNERSHIP", PF_OWNER_NAME, PF_OWNER_PURCHASE_DATE},
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
	struct lines value;
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
static void specs_build(cairo_t *cr, const struct passport *p, double w, struct specs *s)
{
	char date[64];
	memset(s, 0, sizeof *s);
	font(cr, SANS, 0, VALUE_SIZE);
	for (size_t g = 0; g < HM_NELEM(groups); g++) {
		struct spec_block *b = &s->b[s->n];
		for (int i = groups[g].from; i <= groups[g].to; i++) {
			if (!*p->f[i] || i == PF_OWNER_EMAIL)
				continue;
			const char *v = p->f[i];
			if (i == PF_OWNER_PURCHASE_DATE) {
				long_date(v, date, sizeof date);
				v = date;
			}
			char *t = clean_text(v, 1);
			struct spec_row *r = &b->rows[b->n++];
			r->label = i == PF_OWNER_PURCHASE_DATE ? "Purchased" : passport_field_label[i];
			wrap_text(cr, t, w, &r->value);
			if (!r->value.n)
				lines_add(&r->value, "", 0);
			b->h += r->value.n * LINE_H + ROW_GAP;
			free(t);
		}
		if (b->n) {
			b->name = groups[g].name;
			b->h += HEAD_H;
			s->n++;
		}
	}
}

static void specs_free(struct specs *s)
{
	for (size_t g = 0; g < s->n; g++)
		for (size_t i = 0; i < s->b[g].n; i++)
			lines_free(&s->b[g].rows[i].value);
	memset(s, 0, sizeof *s);
}

/* Draws one group from the cursor at column x, width w; with flow set it
 * turns pages as needed (the one-column layout). */
static void spec_block_draw(struct cert *d, const struct spec_block *b, double x, double w,
    double *y, int flow)
{
	cairo_t *cr = d->cr;
	if (flow && need(d, HEAD_H + LINE_H))
		*y = d->y;
	*y += 4;
	font(cr, SANS, 1, 7.5);
	colour(cr, GOLD);
	show_at(cr, x, *y, b->name);
	hline(cr, x, x + w, *y + 4, 0.4, GOLD);
	*y += HEAD_H - 4;
	for (size_t i = 0; i < b->n; i++) {
		const struct spec_row *r = &b->rows[i];
		for (size_t k = 0; k < r->value.n; k++) {
			if (flow) {
				d->y = *y;
				if (need(d, LINE_H))
					*y = d->y;
			}
			if (k == 0) {
				fit_font(cr, SANS, 0, 8.5, 6.5, r->label, LABEL_W - 6);
				colour(cr, MUTED);
				show_at(cr, x, *y, r->label);
			}
			font(cr, SANS, 0, VALUE_SIZE);
			colour(cr, INK);
			show_at(cr, x + LABEL_W, *y, r->value.v[k]);
			*y += LINE_H;
		}
		*y += ROW_GAP;
	}
	if (flow)
		d->y = *y;
}

/* The specifications in two balanced columns (groups kept in order) when
 * they fit on this page, else one column across as many pages as needed. */
static void specifications(struct cert *d, const struct passport *p)
{
	struct specs s;
	specs_build(d->cr, p, COL_W - LABEL_W, &s);
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
		specs_build(d->cr, p, CONTENT_W - LABEL_W, &s);
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
 * the QR code on the left, the address and signer beside it. Then lines
 * to sign by hand at the counter, the paper's own seal. */
static void verification(struct cert *d, const struct qr *q, const char *url,
    const char *shop_name, const char *fingerprint)
{
	cairo_t *cr = d->cr;
	struct lines l = {0};
	struct buf t = {0};
	need(d, VERIFY_H + SIGN_H);
	/* Pushed down to the foot of the page when there is room: the block
	 * reads as the certificate's seal rather than one more section. */
	if (d->y < BOTTOM - VERIFY_H - SIGN_H)
		d->y = BOTTOM - VERIFY_H - SIGN_H;
	const double top = d->y;
	const double tx = X0 + VERIFY_PAD + QR_SIZE + 14, tw = X1 - VERIFY_PAD - tx;

	cairo_set_source_rgb(cr, 0.985, 0.975, 0.95);
	cairo_rectangle(cr, X0, top, CONTENT_W, VERIFY_H);
	cairo_fill_preserve(cr);
	colour(cr, GOLD);
	cairo_set_line_width(cr, 0.8);
	cairo_stroke(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, X0 + VERIFY_PAD, top + VERIFY_PAD, QR_SIZE, QR_SIZE);
	cairo_fill(cr);
	draw_qr(cr, q, X0 + VERIFY_PAD, top + VERIFY_PAD, QR_SIZE);

	double y = top + VERIFY_PAD + 20;
	font(cr, SERIF, 1, 12);
	colour(cr, INK);
	show_at(cr, tx, y, "Verify this certificate at");
	y += 17;
	/* The address stays whole on one line where it can, so it can be
	 * typed; a very long one breaks after /verify/. */
	fit_font(cr, SANS, 0, 9.5, 6.5, url, tw);
	colour(cr, GOLD);
	if (text_width(cr, url) <= tw) {
		show_at(cr, tx, y, url);
	} else {
		const char *uid = strstr(url, "/verify/");
		size_t n = uid ? (size_t)(uid - url) + 8 : strlen(url) / 2;
		char *head = xstrndup(url, n);
		fit_font(cr, SANS, 0, 9.5, 5, head, tw);
		show_at(cr, tx, y, head);
		y += 12;
		fit_font(cr, SANS, 0, 9.5, 5, url + n, tw);
		show_at(cr, tx, y, url + n);
		free(head);
	}
	y += 19;
	if (fingerprint)
		buf_printf(&t, "Signed by %s with key %s.", shop_name, fingerprint);
	else
		buf_printf(&t, "Issued by %s.", shop_name);
	buf_puts(&t, " Scan the code or type the address: the page shows the piece's record "
	    "and history as the shop keeps it, and any later change of owner.");
	font(cr, SANS, 0, 8);
	colour(cr, MUTED);
	wrap_text(cr, t.data, tw, &l);
	for (size_t i = 0; i < l.n && y < top + VERIFY_H - 6; i++, y += 11)
		show_at(cr, tx, y, l.v[i]);
	lines_free(&l);
	buf_free(&t);

	d->y = top + VERIFY_H + SIGN_H - 10;
	hline(cr, X0, X0 + 200, d->y, 0.5, INK);
	hline(cr, X1 - 140, X1, d->y, 0.5, INK);
	font(cr, SANS, 0, 7.5);
	colour(cr, MUTED);
	show_at(cr, X0, d->y + 10, "Authorised signature");
	show_at(cr, X1 - 140, d->y + 10, "Date");
	d->y += 10;
}

static cairo_status_t write_buf(void *closure, const unsigned char *data, unsigned int n)
{
	buf_append(closure, data, n);
	return CAIRO_STATUS_SUCCESS;
}

/* The shop's signing key as people compare it: the first 8 bytes of the
 * Ed25519 public key in hex, in groups of four. */
static void short_fingerprint(const unsigned char pk[32], char out[24])
{
	char hex[17];
	sodium_bin2hex(hex, sizeof hex, pk, 8);
	snprintf(out, 24, "%.4s %.4s %.4s %.4s", hex, hex + 4, hex + 8, hex + 12);
}

/* Renders the certificate into out. Returns 0, or -1 (logged). */
static int certificate_pdf(const struct passport *p, const struct shop *shop, const char *tz,
    const char *url, const struct qr *q, const char *fingerprint, struct buf *out)
{
	char iso[11], issued[64];
	int rc = -1;
	struct cert d = {0};
	char *title = clean_text(p->f[PF_TITLE], 0);
	char *shop_name = clean_text(*shop->name ? shop->name : "Your jeweller", 0);
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(write_buf, out, PAGE_W, PAGE_H);
	cairo_t *cr = cairo_create(s);

	char *meta = xasprintf("Certificate of Authenticity: %s", title);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, meta);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, shop_name);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "Hallmark");
	free(meta);

	today_iso((time_t)p->created_at, tz, iso);
	long_date(iso, issued, sizeof issued);
	d.cr = cr;
	d.title = title;
	/* A long name is already on the letterhead; the footer stays short. */
	if (strlen(shop_name) <= 60)
		d.footer = xasprintf("Passport %lld \xc2\xb7 issued by %s",
		    (long long)p->identity_number, shop_name);
	else
		d.footer = xasprintf("Passport %lld", (long long)p->identity_number);
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
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	free(d.footer);
	free(title);
	free(shop_name);
	return rc;
}

/* ---- the request ------------------------------------------------------ */

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
	char fp[24], cd[96];
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
		short_fingerprint(pk, fp);
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
	struct web w;
	struct session_user user = {0};
	struct passport_full pf = {0};
	struct qr q = {0};
	sqlite3 *db = NULL;
	char *origin = NULL, *url = NULL;
	enum download what = DL_QR_PNG;
	int64_t id = 0;
	enum hm_rc rc;

	if (web_init(&w, "print", params, HM_NELEM(params)) != 0)
		goto out;
	if (w.req.method == METHOD_POST) {
		resp_header(&w.resp, "Allow", "GET, HEAD");
		web_error(&w, 405, "Not allowed", "This is a download.");
		goto out;
	}
	if (parse_path(w.req.path_info, &id, &what) != 0) {
		web_error(&w, 404, "Not found", "There is no such page.");
		goto out;
	}
	time_t now = hm_now();
	if (web_master(&w) != 0 || !(db = db_open(w.cfg.database, 0))) {
		web_error(&w, 500, "Something went wrong", "The shop's database is not available.");
		goto out;
	}
	/* The staff session of admin.cgi; read-write because a lookup
	 * refreshes the session's idle timer. */
	rc = session_lookup(db, w.req.session_cookie, now, w.cfg.session_idle,
	    w.cfg.session_absolute, &user);
	if (rc != HM_OK && rc != HM_NOTFOUND) {
		web_fail(&w, rc);
		goto out;
	}
	if (!user.user_id) {
		web_redirect(&w, "/admin/login");
		goto out;
	}
	if (what == DL_CERTIFICATE && certificate_allowed(&w, now) != 0)
		goto out;
	/* Scoped by the signed-in user's shop: another shop's passport is
	 * not found, exactly like one that does not exist. */
	rc = passport_get(db, user.shop_id, id, &pf);
	if (rc == HM_OK && pf.p.deleted_at)
		rc = HM_NOTFOUND;
	if (rc != HM_OK) {
		web_fail(&w, rc);
		goto out;
	}
	origin = web_origin(&w);
	if (!*origin) {
		log_err("no base_url and no usable Host header: cannot make an absolute verify URL");
		web_error(&w, 500, "Something went wrong",
		    "This installation does not know its own address (base_url).");
		goto out;
	}
	url = xasprintf("%s/verify/%s", origin, pf.p.public_uid);
	if (qr_encode(url, &q) != 0) {
		web_error(&w, 500, "Something went wrong", "The QR code could not be made.");
		goto out;
	}
	if (what == DL_QR_PNG)
		send_qr(&w, &pf.p, &q);
	else
		send_certificate(&w, db, &pf, &q, url);
out:
	qr_free(&q);
	free(url);
	free(origin);
	passport_full_free(&pf);
	session_user_free(&user);
	db_close(db);
	web_free(&w);
#if defined(__SANITIZE_ADDRESS__)
	/* Lets LeakSanitizer tell cairo's caches from real leaks. */
	cairo_debug_reset_static_data();
#endif
	return 0;
}
