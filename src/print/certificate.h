/* A passport's certificate of authenticity as a PDF (print.cgi). */
#ifndef HM_PRINT_CERTIFICATE_H
#define HM_PRINT_CERTIFICATE_H

#include "model.h"
#include "passport.h"
#include "qr.h"
#include "util.h"

/* Renders the certificate of p, issued by shop (dates in time zone tz),
 * whose QR code q encodes url, into out. fingerprint: the shop's key
 * fingerprint when the signature checks out, else NULL (the certificate
 * then says "issued by", not "signed by"). Returns 0, or -1 (logged). */
int certificate_pdf(const struct passport *p, const struct shop *shop, const char *tz,
    const char *url, const struct qr *q, const char *fingerprint, struct buf *out);

#endif
