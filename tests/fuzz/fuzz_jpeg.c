/* libFuzzer harness for jpeg_info (src/lib/jpeg.c), the frame header
 * reader behind the logo print.cgi embeds in a slip. The input is the
 * file. Beyond "no crash, no read past the end, no UB" it asserts what the
 * caller relies on: success means a size cairo can make an image surface
 * of (1-65535 a side) and 1 or 3 components; the answer does not depend
 * on bytes after the frame header; the same input gives the same answer.
 * Build: see tests/fuzz/run.sh (needs src/lib/jpeg.c only). */
#include "jpeg.h"
#include "require.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jpeg_info a, b;
	/* An exact-size copy, so ASan sees any read past the end. */
	unsigned char *p = malloc(size ? size : 1);
	memcpy(p, data, size);

	int rc = jpeg_info(p, size, &a);
	require(rc == 0 || rc == -1);
	if (rc == 0) {
		require(a.width >= 1 && a.width <= 65535 && a.height >= 1 && a.height <= 65535);
		require(a.components == 1 || a.components == 3);
		require(size >= 4 && p[0] == 0xff && p[1] == 0xd8);
		/* Whatever follows the file changes nothing. */
		unsigned char *q = malloc(size + 64);
		memcpy(q, p, size);
		memset(q + size, 0xff, 64);
		require(jpeg_info(q, size + 64, &b) == 0 && !memcmp(&a, &b, sizeof a));
		free(q);
	} else {
		require(a.width == 0 && a.height == 0 && a.components == 0);
	}
	require(jpeg_info(p, size, &b) == rc && !memcmp(&a, &b, sizeof a));
	free(p);
	return 0;
}
