/* A tiny test harness: CHECK records a failure and goes on; each test
 * binary ends with check_summary(), which prints "<name>: N passed, N failed"
 * and returns the exit status. */
#ifndef HM_CHECK_H
#define HM_CHECK_H

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int check_pass, check_fail;

#define CHECK(cond) do { \
	if (cond) check_pass++; \
	else { check_fail++; fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

#define CHECK_STR(got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	if (g_ && w_ && strcmp(g_, w_) == 0) check_pass++; \
	else if (!g_ && !w_) check_pass++; \
	else { check_fail++; fprintf(stderr, "%s:%d: FAILED: %s\n  got:  %s\n  want: %s\n", \
	    __FILE__, __LINE__, #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)"); } \
} while (0)

/* Silences stderr around calls that log on purpose (expected failures),
 * so a test run's output shows only real failures. */
static int check_saved_stderr = -1;

static inline void check_quiet(int on)
{
	if (on) {
		fflush(stderr);
		check_saved_stderr = dup(2);
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 2);
		close(null);
	} else if (check_saved_stderr >= 0) {
		fflush(stderr);
		dup2(check_saved_stderr, 2);
		close(check_saved_stderr);
		check_saved_stderr = -1;
	}
}

static int check_summary(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, check_pass, check_fail);
	return check_fail ? 1 : 0;
}

#endif
