/* A bounds-checked walk over a JPEG's marker segments up to its first
 * start-of-frame (ITU T.81, B.1.1). Only the headers are read. */
#include "jpeg.h"

#include <string.h>

static unsigned be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

int jpeg_info(const unsigned char *p, size_t n, struct jpeg_info *out)
{
	size_t i = 2;

	memset(out, 0, sizeof *out);
	if (!p || n < 4 || p[0] != 0xff || p[1] != 0xd8)
		return -1;
	for (;;) {
		/* A marker is 0xFF, any number of 0xFF fill bytes, then its code. */
		if (i >= n || p[i] != 0xff)
			return -1;
		while (i < n && p[i] == 0xff)
			i++;
		if (i >= n)
			return -1;
		unsigned m = p[i++];
		if (m == 0x01 || (m >= 0xd0 && m <= 0xd7))
			continue;		/* standalone: TEM, RSTn */
		/* SOI again, EOI or the scan before any frame: not an image we take. */
		if (m == 0x00 || m == 0xd8 || m == 0xd9 || m == 0xda)
			return -1;
		if (n - i < 2)
			return -1;
		size_t len = be16(p + i);
		if (len < 2 || len > n - i)
			return -1;
		if (m == 0xc0 || m == 0xc1 || m == 0xc2) {
			const unsigned char *f = p + i;
			/* Length, precision, height, width, components, then three
			 * bytes per component. */
			if (len < 8)
				return -1;
			unsigned comps = f[7];
			if (len != 8 + 3 * (size_t)comps || f[2] != 8 || (comps != 1 && comps != 3))
				return -1;
			unsigned h = be16(f + 3), w = be16(f + 5);
			if (!w || !h)		/* height 0: given later by a DNL marker */
				return -1;
			out->width = (int)w;
			out->height = (int)h;
			out->components = (int)comps;
			return 0;
		}
		/* Every other start-of-frame (lossless, hierarchical, arithmetic);
		 * C4 (DHT), C8 (JPG) and CC (DAC) are tables, skipped below. */
		if (m >= 0xc3 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc)
			return -1;
		i += len;
	}
}
