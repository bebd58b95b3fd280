/* A job's workshop tag as a PDF (print.cgi): the label that travels with
 * the piece through the workshop. */
#ifndef HM_PRINT_TAG_H
#define HM_PRINT_TAG_H

#include "model.h"
#include "qr.h"
#include "util.h"

/* The tag's label size: 62 x 29 mm, the common die-cut label of 62 mm
 * label printers (Brother DK-11209 and its like). */
#define TAG_W_MM 62.0
#define TAG_H_MM 29.0

/* Renders the tag of job j into out: its number large, the item, the
 * customer's name shortened, the due date, and q, the QR code of the
 * staff job page. Never the tracking ID. Returns 0, or -1 (logged). */
int tag_pdf(const struct job *j, const struct qr *q, struct buf *out);

#endif
