/* QR codes for passports: libqrencode makes the symbol, libpng writes it.
 * Only the executable that prints (print.cgi) links these libraries; the
 * symbol itself is plain data so a PDF can draw it as vectors. */
#ifndef HM_QR_H
#define HM_QR_H

#include "util.h"

/* A QR symbol: width x width modules, row-major, 1 = dark, 0 = light. The
 * quiet zone is not included: whoever draws the symbol adds it. */
struct qr {
	int width;
	unsigned char *modules;
};

/* The quiet zone the QR specification asks for around a symbol, in modules;
 * scanners miss codes printed with less. */
#define QR_QUIET_ZONE 4

/* Encodes text (error correction level M, 8-bit, case kept) into *out.
 * Returns 0, or -1 (logged) when the text is empty or too long for a QR
 * code. The caller frees out with qr_free. */
int qr_encode(const char *text, struct qr *out);

/* Appends a grayscale PNG of q to out: scale pixels per module (1-64),
 * margin modules of light quiet zone on each side (0-16), tagged 300 dpi
 * for printing. Returns 0, or -1 (logged); on error out keeps what it held. */
int qr_png(const struct qr *q, int scale, int margin, struct buf *out);

/* The side of qr_png's image in pixels for q, scale and margin. */
int qr_png_side(const struct qr *q, int scale, int margin);

void qr_free(struct qr *q);

#endif
