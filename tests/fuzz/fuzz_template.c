/* libFuzzer harness for the template parser and renderer.
 *
 * Each input is a page template, rendered twice: from memory and from a
 * file fuzz.html in a temp dir (so {{> fuzz}} recursion is fuzzed too); both
 * must agree. Fixed partials in the dir cover loops, self-inclusion and a
 * broken partial. Checks beyond "no crash":
 *   - a failed render sets a message and leaves the output buffer untouched;
 *   - escaping holds: if the template itself has no '<', no RAW_HTML and
 *     no {{> raw}}, no '<' reaches the output, though values are full of them;
 *   - each escaper's output, fed the raw input, contains nothing it must not.
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE
 *   -Isrc/lib tests/fuzz/fuzz_template.c src/lib/template.c src/lib/util.c -lsodium */
#include "template.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/hm_fuzz_template.XXXXXX";
static struct tctx *ctx;

static const char *const partials[][2] = {
	{ "item", "{{id}}{{#if _last}}.{{#else}},{{/if}}{{title}}" },
	{ "list", "{{#each jobs}}{{> item}}{{#each parts}}{{p|url}}{{/each}}{{/each}}" },
	{ "self", "x{{> self}}" },
	{ "bad", "{{#if t}}" },
	{ "raw", "{{RAW_HTML html}}" },
};

static void write_file(const char *name, const void *p, size_t n)
{
	char path[128];
	snprintf(path, sizeof path, "%s/%s.html", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || (n && write(fd, p, n) != (ssize_t)n))
		abort();
	close(fd);
}

static void cleanup(void)
{
	char path[128];
	for (size_t i = 0; i < HM_NELEM(partials); i++) {
		snprintf(path, sizeof path, "%s/%s.html", dir, partials[i][0]);
		unlink(path);
	}
	snprintf(path, sizeof path, "%s/fuzz.html", dir);
	unlink(path);
	rmdir(dir);
	tctx_free(ctx);
}

static void setup(void)
{
	if (!mkdtemp(dir))
		abort();
	for (size_t i = 0; i < HM_NELEM(partials); i++)
		write_file(partials[i][0], partials[i][1], strlen(partials[i][1]));

	ctx = tctx_new();
	tctx_set(ctx, "name", "<script>alert('x')</script>");
	tctx_set(ctx, "q", "\"'&<>` =/");
	tctx_set(ctx, "empty", "");
	tctx_set_bool(ctx, "t", 1);
	tctx_set_bool(ctx, "f", 0);
	tctx_set_int(ctx, "n", 0);
	tctx_set_trusted_html(ctx, "html", "<b>trusted</b>");
	for (int i = 0; i < 3; i++) {
		struct tctx *j = tctx_add_item(ctx, "jobs");
		tctx_setf(j, "id", "J%d", i);
		tctx_set(j, "title", i == 1 ? "</li><img src=x>" : "ring & \"band\"");
		if (i != 1) {
			tctx_set(tctx_add_item(j, "parts"), "p", "a b/c");
			tctx_set(tctx_add_item(j, "parts"), "p", "<p>");
		}
	}
	atexit(cleanup);
}

static void check_escapers(const char *s, size_t n)
{
	struct buf b = {0};
	esc_html(&b, s, n);
	if (b.data && memchr(b.data, '<', b.len))
		abort();
	for (size_t i = 0; i < b.len; i++)
		if (b.data[i] == '>' || b.data[i] == '"' || b.data[i] == '\'')
			abort();
	buf_reset(&b);
	esc_attr(&b, s, n);
	for (size_t i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.data[i];
		if (!(c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')
		    || (c >= 'a' && c <= 'z') || c == '&' || c == '#' || c == ';'))
			abort();
	}
	buf_reset(&b);
	esc_url(&b, s, n);
	if (b.len && strspn(b.data, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-._~%") != b.len)
		abort();
	buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *src = (const char *)data;
	struct buf a = {0}, b = {0};
	char *ea = NULL, *eb = NULL;

	if (!ctx)
		setup();
	check_escapers(src, size);

	write_file("fuzz", data, size);
	int ra = tmpl_render_string(src, size, dir, ctx, &a, &ea);
	int rb = tmpl_render(dir, "fuzz", ctx, &b, &eb);

	if (ra != rb)
		abort();
	if (ra < 0 && (!ea || !eb || a.len || b.len))
		abort();
	if (ra == 0) {
		if (ea || eb || a.len != b.len || (a.len && memcmp(a.data, b.data, a.len)))
			abort();
		if (a.len && !memchr(src, '<', size) && !memmem(src, size, "RAW_HTML", 8)
		    && !memmem(src, size, "raw", 3) && memchr(a.data, '<', a.len))
			abort();
	}
	buf_free(&a);
	buf_free(&b);
	free(ea);
	free(eb);
	return 0;
}
