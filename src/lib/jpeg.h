/* The size of a JPEG, read from its start-of-frame marker without decoding
 * it: what a PDF needs to embed the file as it is (print.cgi's logo). */
#ifndef HM_JPEG_H
#define HM_JPEG_H

#include <stddef.h>

struct jpeg_info {
	int width, height;
	int components;		/* 1 (grey) or 3 (YCbCr) */
};

/* Reads the first frame header of the n bytes at p. Accepts only what
 * every PDF reader draws: 8-bit baseline, extended or progressive Huffman
 * JPEGs of 1 or 3 components, with the height in the header. Returns 0,
 * or -1 for anything else (truncated, malformed, lossless, arithmetic,
 * CMYK, 12-bit). Never reads outside p[0..n). */
int jpeg_info(const unsigned char *p, size_t n, struct jpeg_info *out);

#endif
