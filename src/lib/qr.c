#include "qr.h"

#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <qrencode.h>

int qr_encode(const char *text, struct qr *out)
{
	memset(out, 0, sizeof *out);
	if (!text || !*text) {
		log_err("qr: nothing to encode");
		return -1;
	}
	/* Level M survives a scuffed sticker or a fold in the certificate
	 * without making the symbol much denser than L. QR_MODE_8 keeps
	 * lowercase letters as they are (the alphanumeric mode has none), and
	 * case sensitivity keeps the URL exactly as given. */
	QRcode *c = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!c) {
		log_err("qr: cannot encode %zu bytes", strlen(text));
		return -1;
	}
	size_t n = (size_t)c->width * (size_t)c->width;
	out->width = c->width;
	out->modules = xmalloc(n);
	/* Bit 0 of each byte is the module's colour; the other bits describe
	 * what the module is for, which a renderer does not need. */
	for (size_t i = 0; i < n; i++)
		out->modules[i] = c->data[i] & 1;
	QRcode_free(c);
	return 0;
}

void qr_free(struct qr *q)
{
	free(q->modules);
	q->modules = NULL;
	q->width = 0;
}

int qr_png_side(const struct qr *q, int scale, int margin)
{
	return (q->width + 2 * margin) * scale;
}

static void png_write_buf(png_structp png, png_bytep data, size_t n)
{
	buf_append(png_get_io_ptr(png), data, n);
}

static void png_flush_buf(png_structp png)
{
	(void)png;
}

/* libpng reports errors through these; the error handler must not return,
 * so it jumps back to the setjmp in write_png. */
static void png_error_log(png_structp png, png_const_charp msg)
{
	log_err("qr: libpng: %s", msg);
	png_longjmp(png, 1);
}

static void png_warning_log(png_structp png, png_const_charp msg)
{
	(void)png;
	log_err("qr: libpng warning: %s", msg);
}

/* The part that may longjmp, kept apart so no local of qr_png is live
 * across setjmp. row holds one packed row (side bits). */
static int write_png(png_structp png, png_infop info, const struct qr *q, int scale,
    int margin, unsigned char *row)
{
	if (setjmp(png_jmpbuf(png)))
		return -1;
	const int side = qr_png_side(q, scale, margin);
	const size_t rowbytes = ((size_t)side + 7) / 8;

	/* One bit per pixel, grayscale: a QR code has two colours, and the
	 * image stays a few kilobytes even at print size. */
	png_set_IHDR(png, info, (png_uint_32)side, (png_uint_32)side, 1, PNG_COLOR_TYPE_GRAY,
	    PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	/* 300 dpi (11811 pixels per metre), so a print dialog sizes the image
	 * as a sticker rather than stretching it to the page. */
	png_set_pHYs(png, info, 11811, 11811, PNG_RESOLUTION_METER);
	png_set_compression_level(png, 9);
	png_write_info(png, info);
	for (int y = 0; y < side; y++) {
		int my = y / scale - margin;
		/* In a 1-bit gray image 1 is white: start light, clear dark bits. */
		memset(row, 0xff, rowbytes);
		if (my >= 0 && my < q->width) {
			for (int x = 0; x < side; x++) {
				int mx = x / scale - margin;
				if (mx >= 0 && mx < q->width && q->modules[(size_t)my * (size_t)q->width + (size_t)mx])
					row[x >> 3] &= (unsigned char)~(0x80u >> (x & 7));
			}
		}
		png_write_row(png, row);
	}
	png_write_end(png, info);
	return 0;
}

int qr_png(const struct qr *q, int scale, int margin, struct buf *out)
{
	if (!q->modules || q->width <= 0 || scale < 1 || scale > 64 || margin < 0 || margin > 16) {
		log_err("qr: bad PNG parameters");
		return -1;
	}
	/* QR version 40 is 177 modules: at most (177 + 32) * 64 pixels, far
	 * below libpng's and int's limits. */
	const int side = qr_png_side(q, scale, margin);
	const size_t start = out->len;
	unsigned char *row = xmalloc(((size_t)side + 7) / 8);
	png_infop info = NULL;
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL,
	    png_error_log, png_warning_log);
	int rc = -1;

	if (!png || !(info = png_create_info_struct(png))) {
		log_err("qr: libpng could not start");
		goto out;
	}
	png_set_write_fn(png, out, png_write_buf, png_flush_buf);
	rc = write_png(png, info, q, scale, margin, row);
out:
	if (rc != 0 && out->data) {
		out->len = start;
		out->data[start] = '\0';
	}
	png_destroy_write_struct(&png, &info);
	free(row);
	return rc;
}
