/* A job's take-in slip as a PDF (print.cgi): what the customer keeps when
 * they leave a piece at the counter. */
#ifndef HM_PRINT_SLIP_H
#define HM_PRINT_SLIP_H

#include <stddef.h>

#include "model.h"
#include "qr.h"
#include "util.h"

struct slip_input {
	const struct job *job;
	const struct shop *shop;	/* its slip_size picks the paper */
	const char *tz;			/* dates are shown in this time zone */
	/* The customer's link and its QR code, or NULL for a job that has
	 * none: then neither is printed, nor the tracking ID. */
	const char *track_url;
	const struct qr *qr;
	const char *track_form;		/* <origin>/track, where an ID can be typed */
	int link_later;			/* no link yet: say the shop will send it */
	const unsigned char *logo;	/* the shop's logo as a JPEG, or NULL */
	size_t logo_len;
};

/* Renders the slip into out: one page as long as its content on 80 mm
 * receipt paper (the page is 80 mm wide, the text 72 mm), or A5/A4 pages
 * as the shop's slip_size says. A logo that is not a usable JPEG is left
 * out. Returns 0, or -1 (logged). */
int slip_pdf(const struct slip_input *in, struct buf *out);

#endif
