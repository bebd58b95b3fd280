/* Unit tests for src/lib/jpeg.c: the frame header reader print.cgi uses to
 * embed the shop's logo. Every input is built here, byte by byte; each
 * truncation of a good file is refused, and the reader is run on exact-size
 * copies so ASan would see a read past the end. */
#include "check.h"
#include "jpeg.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

struct jb {
	unsigned char b[512];
	size_t n;
};

static void put(struct jb *j, const void *p, size_t n)
{
	memcpy(j->b + j->n, p, n);
	j->n += n;
}

static void put_u8(struct jb *j, unsigned v)
{
	j->b[j->n++] = (unsigned char)v;
}

static void put_u16(struct jb *j, unsigned v)
{
	put_u8(j, v >> 8);
	put_u8(j, v & 0xff);
}

/* A segment: marker, length, payload. */
static void segment(struct jb *j, unsigned marker, const void *payload, size_t n)
{
	put_u8(j, 0xff);
	put_u8(j, marker);
	put_u16(j, (unsigned)n + 2);
	put(j, payload, n);
}

static void frame(struct jb *j, unsigned marker, unsigned precision, unsigned h, unsigned w,
    unsigned comps)
{
	put_u8(j, 0xff);
	put_u8(j, marker);
	put_u16(j, 8 + 3 * comps);
	put_u8(j, precision);
	put_u16(j, h);
	put_u16(j, w);
	put_u8(j, comps);
	for (unsigned c = 0; c < comps; c++) {
		put_u8(j, c + 1);
		put_u8(j, 0x11);
		put_u8(j, 0);
	}
}

/* SOI, a JFIF APP0, a quantisation table, then the frame and a scan start. */
static void jpeg_with(struct jb *j, unsigned marker, unsigned precision, unsigned h, unsigned w,
    unsigned comps)
{
	static const unsigned char jfif[] = {'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0};
	unsigned char dqt[65] = {0};
	memset(j, 0, sizeof *j);
	put_u8(j, 0xff);
	put_u8(j, 0xd8);
	segment(j, 0xe0, jfif, sizeof jfif);
	segment(j, 0xdb, dqt, sizeof dqt);
	frame(j, marker, precision, h, w, comps);
	segment(j, 0xda, "\x01\x01\x00\x00\x3f\x00", 6);
}

/* jpeg_info on an exact-size heap copy. */
static int info(const unsigned char *p, size_t n, struct jpeg_info *out)
{
	unsigned char *c = xmalloc(n ? n : 1);
	memcpy(c, p, n);
	int rc = jpeg_info(c, n, out);
	free(c);
	return rc;
}

static void test_good(void)
{
	struct jb j;
	struct jpeg_info in;

	jpeg_with(&j, 0xc0, 8, 133, 400, 3);
	CHECK(info(j.b, j.n, &in) == 0 && in.width == 400 && in.height == 133 && in.components == 3);
	jpeg_with(&j, 0xc2, 8, 65535, 1, 1);	/* progressive, grey */
	CHECK(info(j.b, j.n, &in) == 0 && in.width == 1 && in.height == 65535 && in.components == 1);
	jpeg_with(&j, 0xc1, 8, 2, 3, 3);
	CHECK(info(j.b, j.n, &in) == 0 && in.width == 3 && in.height == 2);

	/* Fill bytes before a marker, and standalone markers, are allowed. */
	memset(&j, 0, sizeof j);
	put(&j, "\xff\xd8\xff\xff\xff\x01\xff\xd3", 8);
	frame(&j, 0xc0, 8, 10, 20, 3);
	CHECK(info(j.b, j.n, &in) == 0 && in.width == 20 && in.height == 10);

	/* Tables before the frame (DHT, DAC) are skipped, not taken for frames. */
	memset(&j, 0, sizeof j);
	put(&j, "\xff\xd8", 2);
	segment(&j, 0xc4, "\x00\x01\x02", 3);
	segment(&j, 0xcc, "\x00\x01", 2);
	frame(&j, 0xc0, 8, 7, 9, 1);
	CHECK(info(j.b, j.n, &in) == 0 && in.width == 9 && in.height == 7);
}

static void test_refused(void)
{
	struct jb j;
	struct jpeg_info in;

	/* Every truncation of a good file: the frame header is whole or not read. */
	jpeg_with(&j, 0xc0, 8, 133, 400, 3);
	size_t frame_end = j.n - 10;	/* the scan header is 10 bytes */
	for (size_t n = 0; n < frame_end; n++) {
		int rc = info(j.b, n, &in);
		if (rc == 0)
			fprintf(stderr, "truncated at %zu accepted\n", n);
		CHECK(rc == -1);
	}
	CHECK(info(j.b, frame_end, &in) == 0);

	/* Kinds a PDF cannot carry as they are. */
	static const unsigned sofs[] = {0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf};
	for (size_t i = 0; i < HM_NELEM(sofs); i++) {
		jpeg_with(&j, sofs[i], 8, 10, 10, 3);
		CHECK(info(j.b, j.n, &in) == -1);
	}
	jpeg_with(&j, 0xc0, 12, 10, 10, 3);	/* 12-bit */
	CHECK(info(j.b, j.n, &in) == -1);
	jpeg_with(&j, 0xc0, 8, 10, 10, 4);	/* CMYK */
	CHECK(info(j.b, j.n, &in) == -1);
	jpeg_with(&j, 0xc0, 8, 10, 10, 2);
	CHECK(info(j.b, j.n, &in) == -1);
	jpeg_with(&j, 0xc0, 8, 0, 10, 3);	/* height from a DNL marker */
	CHECK(info(j.b, j.n, &in) == -1);
	jpeg_with(&j, 0xc0, 8, 10, 0, 3);
	CHECK(info(j.b, j.n, &in) == -1);

	/* A frame length that disagrees with its component count. */
	memset(&j, 0, sizeof j);
	put(&j, "\xff\xd8\xff\xc0\x00\x0e\x08\x00\x0a\x00\x0a\x03\x01\x11\x00\x02\x11\x00", 18);
	CHECK(info(j.b, j.n, &in) == -1);

	/* Not a JPEG; a scan, an end or a second start before any frame. */
	CHECK(info((const unsigned char *)"\x89PNG\r\n\x1a\n", 8, &in) == -1);
	CHECK(info((const unsigned char *)"\xff\xd8\xff\xda\x00\x02", 6, &in) == -1);
	CHECK(info((const unsigned char *)"\xff\xd8\xff\xd9", 4, &in) == -1);
	CHECK(info((const unsigned char *)"\xff\xd8\xff\xd8\xff\xd8", 6, &in) == -1);
	CHECK(info((const unsigned char *)"\xff\xd8\xff\x00", 4, &in) == -1);
	/* Garbage where a marker should be; a segment length below 2 or past the end. */
	CHECK(info((const unsigned char *)"\xff\xd8\x00\xc0", 4, &in) == -1);
	CHECK(info((const unsigned char *)"\xff\xd8\xff\xe0\x00\x01", 6, &in) == -1);
	CHECK(info((const unsigned char *)"\xff\xd8\xff\xe0\x00\x05\x00", 7, &in) == -1);
	/* Only fill bytes to the end. */
	CHECK(info((const unsigned char *)"\xff\xd8\xff\xff\xff", 5, &in) == -1);
	CHECK(jpeg_info(NULL, 0, &in) == -1 && in.width == 0 && in.height == 0);
}

int main(void)
{
	log_set_prog("test_jpeg");
	test_good();
	test_refused();
	return check_summary("test_jpeg");
}
