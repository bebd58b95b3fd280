/* minimal.cgi: the baseline `make bench` measures the order page against.
 * The least a SQLite-backed CGI can do for /track/<ID>: open the same
 * database read-only with a busy timeout, run one indexed query through a
 * prepared statement, print a small escaped HTML page. No configuration
 * file, key, rate limiter or template: whatever the order page costs
 * beyond this is Hallmark's own. Built with the real CGIs' flags and
 * static linking (tests/bench/run.sh takes them from the Makefile).
 * The database path comes from BENCH_DATABASE, the ID from PATH_INFO.
 * Like the order page it answers with a Content-Length, so lighttpd frames
 * both responses the same way. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

static void put_escaped(FILE *f, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: putc(*s, f);
		}
}

static const char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : "";
}

static int answer(int status, const char *reason)
{
	printf("Status: %d %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\n",
	    status, reason, reason);
	return 0;
}

int main(void)
{
	const char *path = getenv("BENCH_DATABASE");
	const char *info = getenv("PATH_INFO");
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char *page = NULL;
	size_t len = 0;
	FILE *f;

	if (!path || !info || info[0] != '/')
		return answer(404, "Not Found");
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		fprintf(stderr, "minimal.cgi: open: %s\n", db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return answer(503, "Service Unavailable");
	}
	sqlite3_busy_timeout(db, 5000);
	/* jobs.tracking_id is UNIQUE, so this is one index probe. */
	if (sqlite3_prepare_v3(db, "SELECT tracking_id, item_type, item_description, problem, "
	    "updated_at FROM jobs WHERE tracking_id = ? AND revoked_at IS NULL "
	    "AND deleted_at IS NULL", -1, 0, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "minimal.cgi: prepare: %s\n", sqlite3_errmsg(db));
		answer(500, "Internal Server Error");
		goto out;
	}
	sqlite3_bind_text(st, 1, info + 1, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		answer(404, "Not Found");
		goto out;
	}
	if (rc != SQLITE_ROW) {
		fprintf(stderr, "minimal.cgi: step: %s\n", sqlite3_errmsg(db));
		answer(503, "Service Unavailable");
		goto out;
	}
	if (!(f = open_memstream(&page, &len)))
		abort();
	fputs("<!doctype html>\n<html lang=\"en\"><meta charset=\"utf-8\">\n<title>", f);
	put_escaped(f, col(st, 1));
	fputs("</title>\n<h1>", f);
	put_escaped(f, col(st, 1));
	fputs("</h1>\n<p>Tracking ID ", f);
	put_escaped(f, col(st, 0));
	fputs("</p>\n<p>", f);
	put_escaped(f, col(st, 2));
	fputs("</p>\n<p>", f);
	put_escaped(f, col(st, 3));
	fprintf(f, "</p>\n<p>Updated %lld</p>\n", (long long)sqlite3_column_int64(st, 4));
	if (fclose(f) != 0)
		abort();
	printf("Status: 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
	    "Content-Length: %zu\r\nCache-Control: no-store\r\n\r\n", len);
	fwrite(page, 1, len, stdout);
out:
	free(page);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return 0;
}
