/* require(cond) for the fuzz harnesses: an invariant broke, so say which
 * and crash, and libFuzzer keeps the input. */
#ifndef HM_FUZZ_REQUIRE_H
#define HM_FUZZ_REQUIRE_H

#include <stdio.h>
#include <stdlib.h>

#define require(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: requirement failed: %s\n", __FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

#endif
