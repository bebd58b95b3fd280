/* Template engine: escaping, conditions, loops, partials, and every syntax
 * error the parser reports. Table-driven; test templates go to a temp dir. */
#include "template.h"
#include "i18n.h"
#include "check.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tdir[] = "/tmp/hm_test_template.XXXXXX";
static char *written[64];
static size_t nwritten;

static void put_file(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", tdir, name);
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(2);
	}
	fputs(text, f);
	fclose(f);
	if (nwritten < HM_NELEM(written))
		written[nwritten++] = path;
	else
		free(path);
}

static void cleanup(void)
{
	for (size_t i = 0; i < nwritten; i++) {
		unlink(written[i]);
		free(written[i]);
	}
	rmdir(tdir);
}

/* Renders src; returns the output (caller frees) or NULL with *err set. */
static char *render_s(const char *src, const struct tctx *c, char **err)
{
	struct buf b = {0};
	if (tmpl_render_string(src, strlen(src), tdir, c, &b, err) < 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

static char *render_f(const char *name, const struct tctx *c, char **err)
{
	struct buf b = {0};
	if (tmpl_render(tdir, name, c, &b, err) < 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

#define EVIL "<script>alert('x')&\"</script>"

static struct tctx *make_ctx(void)
{
	struct tctx *c = tctx_new();
	tctx_set(c, "name", "Ada");
	tctx_set(c, "evil", EVIL);
	tctx_set(c, "empty", "");
	tctx_set(c, "url", "a b/c?d=e&f=\xc3\xbc~-._");
	tctx_set_bool(c, "t", 1);
	tctx_set_bool(c, "f", 0);
	tctx_set_bool(c, "t7", 7);
	tctx_set_int(c, "n0", 0);
	tctx_set_int(c, "n42", 42);
	tctx_set_int(c, "nneg", -5);
	tctx_set_trusted_html(c, "html", "<b>bold</b>");
	tctx_set_trusted_html(c, "emptyhtml", "");
	tctx_setf(c, "fmt", "%s-%03d", "RPR", 7);

	struct tctx *j = tctx_add_item(c, "jobs");
	tctx_set(j, "id", "A1");
	tctx_set(j, "title", "Ring <resize>");
	tctx_set(tctx_add_item(j, "parts"), "p", "band");
	tctx_set(tctx_add_item(j, "parts"), "p", "stone");
	j = tctx_add_item(c, "jobs");
	tctx_set(j, "id", "B2");
	tctx_set(j, "name", "Bea");          /* shadows the outer name */
	tctx_set(j, "title", "Watch & strap");
	j = tctx_add_item(c, "jobs");
	tctx_set(j, "id", "C3");
	tctx_set(j, "title", "Phone");
	tctx_set(tctx_add_item(j, "parts"), "p", "screen");
	return c;
}

struct rcase {
	const char *tmpl, *want;
};

static const struct rcase render_cases[] = {
	/* Plain text and values. */
	{ "", "" },
	{ "plain { } }} text", "plain { } }} text" },
	{ "Hi {{name}}!", "Hi Ada!" },
	{ "{{ name }}|{{\tname\n}}", "Ada|Ada" },
	{ "[{{missing}}][{{missing|attr}}][{{missing|url}}]", "[][][]" },
	{ "{{fmt}}", "RPR-007" },
	{ "{{n42}} {{n0}} {{nneg}}", "42 0 -5" },
	{ "[{{t}}][{{f}}][{{t7}}]", "[true][][true]" },
	{ "[{{jobs}}]", "[]" },
	{ "a{{! a comment }}b{{!}}c", "abc" },
	{ "line\n{{!\nmulti-line\n}}\nend", "line\n\nend" },

	/* Escape by default: text, attribute and URL contexts. */
	{ "{{evil}}", "&lt;script&gt;alert(&#39;x&#39;)&amp;&quot;&lt;/script&gt;" },
	{ "{{evil|attr}}", "&#x3C;script&#x3E;alert&#x28;&#x27;x&#x27;&#x29;&#x26;&#x22;"
	    "&#x3C;&#x2F;script&#x3E;" },
	{ "{{evil | attr}}", "&#x3C;script&#x3E;alert&#x28;&#x27;x&#x27;&#x29;&#x26;&#x22;"
	    "&#x3C;&#x2F;script&#x3E;" },
	{ "{{evil|url}}", "%3Cscript%3Ealert%28%27x%27%29%26%22%3C%2Fscript%3E" },
	{ "{{url|url}}", "a%20b%2Fc%3Fd%3De%26f%3D%C3%BC~-._" },
	{ "{{url|attr}}", "a&#x20;b&#x2F;c&#x3F;d&#x3D;e&#x26;f&#x3D;\xc3\xbc&#x7E;&#x2D;&#x2E;&#x5F;" },

	/* Trusted HTML prints raw only through RAW_HTML. */
	{ "{{RAW_HTML html}}", "<b>bold</b>" },
	{ "{{ RAW_HTML   html }}", "<b>bold</b>" },
	{ "{{html}}", "&lt;b&gt;bold&lt;/b&gt;" },
	{ "{{html|attr}}", "&#x3C;b&#x3E;bold&#x3C;&#x2F;b&#x3E;" },
	{ "[{{RAW_HTML missing}}][{{RAW_HTML emptyhtml}}]", "[][]" },

	/* Truthiness of every kind. */
	{ "{{#if name}}Y{{#else}}N{{/if}}", "Y" },
	{ "{{#if empty}}Y{{#else}}N{{/if}}", "N" },
	{ "{{#if missing}}Y{{#else}}N{{/if}}", "N" },
	{ "{{#if t}}Y{{#else}}N{{/if}}", "Y" },
	{ "{{#if f}}Y{{#else}}N{{/if}}", "N" },
	{ "{{#if n0}}Y{{#else}}N{{/if}}", "Y" },
	{ "{{#if html}}Y{{#else}}N{{/if}}", "Y" },
	{ "{{#if emptyhtml}}Y{{#else}}N{{/if}}", "N" },
	{ "{{#if jobs}}Y{{#else}}N{{/if}}", "Y" },
	{ "{{#if t}}Y{{/if}}{{#if f}}N{{/if}}", "Y" },
	{ "{{#unless f}}U{{/unless}}{{#unless t}}X{{/unless}}", "U" },
	{ "{{#unless name}}N{{#else}}Y{{/unless}}", "Y" },
	{ "{{#unless missing}}N{{#else}}Y{{/unless}}", "N" },
	{ "{{#if t}}a{{#if f}}b{{#else}}c{{#unless f}}d{{/unless}}{{/if}}e{{#else}}f{{/if}}g",
	    "acdeg" },
	{ "{{#if f}}a{{#if t}}b{{#else}}c{{/if}}d{{#else}}e{{#if t}}f{{/if}}{{/if}}", "ef" },

	/* Loops: item first, then outward; loop variables. */
	{ "{{#each jobs}}{{id}}={{name}},{{/each}}", "A1=Ada,B2=Bea,C3=Ada," },
	{ "{{#each jobs}}{{_index}}/{{_number}}{{#if _first}}F{{/if}}{{#if _last}}L{{/if}} {{/each}}",
	    "0/1F 1/2 2/3L " },
	{ "{{#each jobs}}{{title}};{{/each}}", "Ring &lt;resize&gt;;Watch &amp; strap;Phone;" },
	{ "{{#each jobs}}{{id}}[{{#each parts}}{{_index}}{{p}}@{{id}}{{#if _last}}.{{/if}}{{/each}}]"
	    "{{#unless _last}},{{/unless}}{{/each}}",
	    "A1[0band@A11stone@A1.],B2[],C3[0screen@C3.]" },
	{ "{{#each jobs}}{{#each parts}}{{evil}}{{/each}}{{/each}}",
	    "&lt;script&gt;alert(&#39;x&#39;)&amp;&quot;&lt;/script&gt;"
	    "&lt;script&gt;alert(&#39;x&#39;)&amp;&quot;&lt;/script&gt;"
	    "&lt;script&gt;alert(&#39;x&#39;)&amp;&quot;&lt;/script&gt;" },
	{ "[{{_index}}{{_first}}{{_number}}]", "[]" },
	{ "{{#each missing}}x{{/each}}{{#each name}}y{{/each}}", "" },
	{ "{{#each jobs}}{{#if parts}}P{{#else}}-{{/if}}{{/each}}", "P-P" },
};

struct ecase {
	const char *tmpl, *want;        /* want: a substring of the message */
};

static const struct ecase error_cases[] = {
	/* Unclosed and mismatched blocks. */
	{ "{{#if name}}x", "(string):1: {{#if name}} is never closed" },
	{ "a\n\n{{#each jobs}}\n", "(string):3: {{#each jobs}} is never closed" },
	{ "a\n{{#if name}}\n{{/each}}", "(string):3: {{#if}} opened at line 2 closed by a different tag" },
	{ "{{#unless t}}{{/if}}", "(string):1: {{#unless}} opened at line 1" },
	{ "x\n{{/if}}", "(string):2: closing tag without an open block" },
	{ "{{#if t}}{{/if x}}", "unknown closing tag" },
	{ "{{#if t}}{{/fi}}", "unknown closing tag" },
	{ "{{#if t}}{{/}}", "unknown closing tag" },
	/* Unknown keywords and misplaced else. */
	{ "{{#foo name}}{{/foo}}", "(string):1: unknown block keyword" },
	{ "{{#}}", "unknown block keyword" },
	{ "{{#IF name}}{{/if}}", "unknown block keyword" },
	{ "{{#else}}", "outside {{#if}}" },
	{ "{{#if t}}{{#else}}{{#else}}{{/if}}", "second {{#else}}" },
	{ "{{#each jobs}}{{#else}}{{/each}}", "{{#else}} inside {{#each}}" },
	{ "{{#if t}}{{#else x}}{{/if}}", "{{#else}} takes no name" },
	/* Bad names. */
	{ "{{bad-name}}", "(string):1: bad name in '{{bad-name}}'" },
	{ "{{1abc}}", "bad name" },
	{ "{{a b}}", "bad name" },
	{ "{{a.b}}", "bad name" },
	{ "{{../name}}", "bad name" },
	{ "{{{name}}}", "bad name" },
	{ "{{&name}}", "bad name" },
	{ "{{}}", "empty tag" },
	{ "{{  }}", "empty tag" },
	{ "{{#if}}{{/if}}", "bad or missing name" },
	{ "{{#if a-b}}{{/if}}", "bad or missing name" },
	{ "{{#each a b}}{{/each}}", "bad or missing name" },
	/* Unknown filters. */
	{ "{{name|html}}", "unknown filter" },
	{ "{{name|raw}}", "unknown filter" },
	{ "{{name|}}", "unknown filter" },
	{ "{{name|attr|url}}", "unknown filter" },
	{ "{{|url}}", "bad name" },
	/* RAW_HTML of anything not vouched for. */
	{ "{{RAW_HTML name}}", "(string):1: {{RAW_HTML name}} of a value not set with tctx_set_trusted_html" },
	{ "{{RAW_HTML evil}}", "not set with tctx_set_trusted_html" },
	{ "{{RAW_HTML t}}", "not set with tctx_set_trusted_html" },
	{ "{{RAW_HTML n42}}", "not set with tctx_set_trusted_html" },
	{ "{{RAW_HTML jobs}}", "not set with tctx_set_trusted_html" },
	{ "{{#each jobs}}{{RAW_HTML title}}{{/each}}", "not set with tctx_set_trusted_html" },
	{ "{{RAW_HTML}}", "RAW_HTML needs one name" },
	{ "{{RAW_HTML html|attr}}", "RAW_HTML needs one name" },
	{ "{{RAW_HTML a b}}", "RAW_HTML needs one name" },
	/* {{ without }}. */
	{ "abc {{name", "(string):1: '{{' without a closing '}}'" },
	{ "a\nb\n{{", "(string):3: '{{' without a closing '}}'" },
	{ "{{name}", "without a closing" },
	/* Partials: names are never paths; missing files. */
	{ "{{> ../etc/passwd}}", "partial name must be [a-z0-9_]+" },
	{ "{{>/etc/passwd}}", "partial name must be [a-z0-9_]+" },
	{ "{{> a/b}}", "partial name must be [a-z0-9_]+" },
	{ "{{> item.html}}", "partial name must be [a-z0-9_]+" },
	{ "{{> Item}}", "partial name must be [a-z0-9_]+" },
	{ "{{>}}", "partial name must be [a-z0-9_]+" },
	{ "{{> a b}}", "partial name must be [a-z0-9_]+" },
	{ "x\n{{> no_such_partial}}", "no_such_partial.html: No such file or directory (included from (string):2)" },
	/* Partial depth. */
	{ "{{> self}}", "partials nested deeper than 8" },
	{ "{{> ping}}", "partials nested deeper than 8" },
	{ "{{> d1}}", "partials nested deeper than 8" },
	{ "{{#each jobs}}{{> self}}{{/each}}", "does it include itself?" },
	/* Errors inside a partial name the partial's file and line. */
	{ "a\n{{> bad}}", "bad.html:2: unknown filter (use attr or url) in '{{x|nope}}' (included from (string):2)" },
	{ "{{> unclosed}}", "unclosed.html:1: {{#if t}} is never closed" },
	{ "{{> rawbad}}", "rawbad.html:1: {{RAW_HTML name}}" },
	/* Line numbers count newlines in text and inside tags. */
	{ "1\n2\n{{name\n}}\n{{#if t}}\n{{oops-}}{{/if}}", "(string):6: bad name in '{{oops-}}'" },
	{ "{{! a\ncomment }}\n{{!}}\n{{x y}}", "(string):4: bad name" },
};

static void test_renders(const struct tctx *c)
{
	for (size_t i = 0; i < HM_NELEM(render_cases); i++) {
		char *err = NULL;
		char *got = render_s(render_cases[i].tmpl, c, &err);
		if (!got)
			fprintf(stderr, "case %zu (%s): %s\n", i, render_cases[i].tmpl, err);
		CHECK_STR(got, render_cases[i].want);
		CHECK(err == NULL);
		free(got);
		free(err);
	}
}

static void test_errors(const struct tctx *c)
{
	for (size_t i = 0; i < HM_NELEM(error_cases); i++) {
		char *err = NULL;
		struct buf b = {0};
		buf_puts(&b, "kept");
		int rc = tmpl_render_string(error_cases[i].tmpl, strlen(error_cases[i].tmpl),
		    tdir, c, &b, &err);
		CHECK(rc == -1);
		int ok = err && strstr(err, error_cases[i].want);
		if (!ok)
			fprintf(stderr, "error case %zu (%s):\n  got:  %s\n  want: ...%s...\n",
			    i, error_cases[i].tmpl, err ? err : "(null)", error_cases[i].want);
		CHECK(ok);
		/* A failed render leaves the buffer as it found it. */
		CHECK_STR(b.data, "kept");
		buf_free(&b);
		free(err);
	}
}

static void test_deep_nesting(const struct tctx *c)
{
	struct buf t = {0};
	char *err = NULL, *got;

	/* 64 levels are fine, 65 are an error (not a stack overflow). */
	for (int i = 0; i < 64; i++)
		buf_puts(&t, "{{#if t}}");
	buf_puts(&t, "deep");
	for (int i = 0; i < 64; i++)
		buf_puts(&t, "{{/if}}");
	got = render_s(t.data, c, &err);
	CHECK_STR(got, "deep");
	free(got);
	buf_reset(&t);
	for (int i = 0; i < 65; i++)
		buf_puts(&t, "{{#if t}}");
	got = render_s(t.data, c, &err);
	CHECK(got == NULL);
	CHECK(err && strstr(err, "nested too deeply"));
	free(err);
	err = NULL;

	/* #each of the same list nested 30 deep is 3^30 items: stopped. */
	buf_reset(&t);
	for (int i = 0; i < 30; i++)
		buf_puts(&t, "{{#each jobs}}");
	buf_puts(&t, "x");
	for (int i = 0; i < 30; i++)
		buf_puts(&t, "{{/each}}");
	got = render_s(t.data, c, &err);
	CHECK(got == NULL);
	CHECK(err && strstr(err, "too much work"));
	free(err);
	buf_free(&t);
}

static void test_partials(const struct tctx *c)
{
	char *err = NULL, *got, *again;

	/* A partial chain exactly 8 deep renders; one deeper is an error. */
	got = render_s("{{> d2}}", c, &err);
	CHECK_STR(got, "d2d3d4d5d6d7d8d9end");
	free(got);

	got = render_f("page", c, &err);
	CHECK_STR(got, "<h1>Ada &amp; co</h1>\n<ul><li>A1 Ada 1</li><li>B2 Bea 2</li>"
	    "<li>C3 Ada 3</li></ul>\n");
	/* The same context renders the same way twice. */
	again = render_f("page", c, &err);
	CHECK_STR(again, got);
	CHECK(err == NULL);
	free(got);
	free(again);

	/* Top-level names are never paths. */
	static const char *bad_names[] = {
		"", "../page", "page.html", "Page", "a/b", "/etc/passwd", ".", "..",
		"page ", "pa-ge", "page\n",
	};
	for (size_t i = 0; i < HM_NELEM(bad_names); i++) {
		got = render_f(bad_names[i], c, &err);
		CHECK(got == NULL);
		CHECK(err && strstr(err, "invalid template name"));
		free(err);
		err = NULL;
	}
	got = render_f("no_such_page", c, &err);
	CHECK(got == NULL);
	CHECK(err && strstr(err, "no_such_page.html: No such file or directory"));
	free(err);
	err = NULL;

	/* The top-level page including itself. */
	got = render_f("self", c, &err);
	CHECK(got == NULL);
	CHECK(err && strstr(err, "self.html:1: partials nested deeper than 8"));
	free(err);
	err = NULL;

	/* A syntax error in a page named by file. */
	got = render_f("bad", c, &err);
	CHECK(got == NULL);
	CHECK(err && strstr(err, "bad.html:2: unknown filter"));
	free(err);
	err = NULL;

	/* Oversized files are refused. */
	char *big = xmalloc((1u << 20) + 2);
	memset(big, 'a', (1u << 20) + 1);
	big[(1u << 20) + 1] = '\0';
	put_file("big.html", big);
	got = render_f("big", c, &err);
	CHECK(got == NULL);
	CHECK(err && strstr(err, "larger than 1 MiB"));
	free(err);
	err = NULL;
	CHECK(tmpl_render_string(big, (1u << 20) + 1, tdir, c, &(struct buf){0}, &err) == -1);
	free(err);
	err = NULL;
	free(big);

	/* err may be NULL. */
	struct buf b = {0};
	CHECK(tmpl_render(tdir, "bad", c, &b, NULL) == -1);
	CHECK(tmpl_render_string("{{", 2, tdir, c, &b, NULL) == -1);
	CHECK(b.len == 0);
	/* Output is appended. */
	buf_puts(&b, ">");
	CHECK(tmpl_render(tdir, "d9", c, &b, NULL) == 0);
	CHECK_STR(b.data, ">d9end");
	buf_free(&b);
}

struct esc_case {
	void (*fn)(struct buf *, const char *, size_t);
	const char *in, *want;
};

static const struct esc_case esc_cases[] = {
	{ esc_html, "", "" },
	{ esc_html, "plain text 123", "plain text 123" },
	{ esc_html, "&", "&amp;" },
	{ esc_html, "<", "&lt;" },
	{ esc_html, ">", "&gt;" },
	{ esc_html, "\"", "&quot;" },
	{ esc_html, "'", "&#39;" },
	{ esc_html, "a&b<c>d\"e'f", "a&amp;b&lt;c&gt;d&quot;e&#39;f" },
	{ esc_html, "&amp;", "&amp;amp;" },
	{ esc_html, "caf\xc3\xa9 `=/", "caf\xc3\xa9 `=/" },
	{ esc_attr, "", "" },
	{ esc_attr, "Az09", "Az09" },
	{ esc_attr, "&<>\"'", "&#x26;&#x3C;&#x3E;&#x22;&#x27;" },
	{ esc_attr, " =`/", "&#x20;&#x3D;&#x60;&#x2F;" },
	{ esc_attr, "\t\n\x7f", "&#x09;&#x0A;&#x7F;" },
	{ esc_attr, "caf\xc3\xa9", "caf\xc3\xa9" },
	{ esc_attr, "javascript:x", "javascript&#x3A;x" },
	{ esc_url, "", "" },
	{ esc_url, "AZaz09-._~", "AZaz09-._~" },
	{ esc_url, " ", "%20" },
	{ esc_url, "&<>\"'", "%26%3C%3E%22%27" },
	{ esc_url, "/?#[]@!$()*+,;=%:", "%2F%3F%23%5B%5D%40%21%24%28%29%2A%2B%2C%3B%3D%25%3A" },
	{ esc_url, "\xc3\xa9\xff\n", "%C3%A9%FF%0A" },
};

static void test_escapers(void)
{
	for (size_t i = 0; i < HM_NELEM(esc_cases); i++) {
		struct buf b = {0};
		buf_puts(&b, "");      /* so data is never NULL */
		esc_cases[i].fn(&b, esc_cases[i].in, strlen(esc_cases[i].in));
		CHECK_STR(b.data, esc_cases[i].want);
		buf_free(&b);
	}
	/* Explicit lengths: embedded NUL, and no read past n. */
	struct buf b = {0};
	esc_url(&b, "a\0b<", 3);
	CHECK_STR(b.data, "a%00b");
	buf_reset(&b);
	esc_attr(&b, "<<", 1);
	CHECK_STR(b.data, "&#x3C;");
	buf_free(&b);

	/* Every byte value through each escaper: nothing that can end a text
	 * node, a quoted attribute or a URL component survives. */
	char all[255];
	for (int i = 0; i < 255; i++)
		all[i] = (char)(i + 1);
	struct buf h = {0}, a = {0}, u = {0};
	esc_html(&h, all, sizeof all);
	esc_attr(&a, all, sizeof all);
	esc_url(&u, all, sizeof all);
	CHECK(!strpbrk(h.data, "<>\"'"));
	CHECK(!strpbrk(a.data, "<>\"'`= \t\n/"));
	CHECK(strspn(u.data, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-._~%") == u.len);
	buf_free(&h);
	buf_free(&a);
	buf_free(&u);
}

static size_t count_char(const char *s, char ch)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == ch;
	return n;
}

/* Whatever a value holds, {{x}} and its filters never emit markup. */
static void test_no_raw_script(void)
{
	static const char *values[] = {
		"<script>alert(1)</script>", "</textarea><script>x</script>",
		"\"><script>", "'><img src=x onerror=alert(1)>", "<!--", "]]><script>",
		"&lt;script&gt;", "<scr<script>ipt>",
	};
	static const char *tmpls[] = {
		"{{v}}", "{{v|attr}}", "{{v|url}}", "<p title=\"{{v}}\">{{v}}</p>",
		"{{#each l}}{{v}}{{/each}}", "{{#if v}}{{v}}{{/if}}",
	};
	for (size_t i = 0; i < HM_NELEM(values); i++) {
		struct tctx *c = tctx_new();
		tctx_set(c, "v", values[i]);
		tctx_set(tctx_add_item(c, "l"), "v", values[i]);
		for (size_t k = 0; k < HM_NELEM(tmpls); k++) {
			char *err = NULL;
			char *got = render_s(tmpls[k], c, &err);
			CHECK(got != NULL);
			CHECK(got && !strstr(got, "<script") && !strstr(got, "<img")
			    && !strstr(got, "<!--"));
			/* No quote escapes the attribute: only the template's own. */
			CHECK(got && count_char(got, '"') == count_char(tmpls[k], '"')
			    && !strchr(got, '\''));
			free(got);
			free(err);
		}
		tctx_free(c);
	}
}

static void test_ctx(void)
{
	struct tctx *c = tctx_new();
	char *err = NULL, *got;

	/* Later sets replace earlier ones, whatever the kind. */
	tctx_set(c, "a", "one");
	tctx_set(c, "a", "two");
	tctx_set(c, "b", "x");
	tctx_set_bool(c, "b", 1);
	tctx_set_trusted_html(c, "h", "<i>");
	tctx_set(c, "h", "<i>");
	tctx_set(c, "l", "str");
	tctx_set(tctx_add_item(c, "l"), "v", "1");
	tctx_set(tctx_add_item(c, "l"), "v", "2");
	tctx_set_int(c, "big", LLONG_MIN);
	got = render_s("{{a}} {{b}} {{h}} {{#each l}}{{v}}{{/each}} {{big}}", c, &err);
	CHECK_STR(got, "two true &lt;i&gt; 12 -9223372036854775808");
	free(got);
	got = render_s("{{RAW_HTML h}}", c, &err);
	CHECK(got == NULL);
	free(err);
	err = NULL;

	/* A list replaced by a string; NULL unsets. */
	tctx_set(c, "l", "gone");
	tctx_set(c, "a", NULL);
	tctx_set_trusted_html(c, "h", NULL);
	tctx_set(c, "never_set", NULL);
	got = render_s("[{{a}}][{{h}}][{{l}}]{{#each l}}x{{/each}}", c, &err);
	CHECK_STR(got, "[][][gone]");
	free(got);

	/* A value set in the item shadows _index; the nearest #each wins. */
	struct tctx *o = tctx_add_item(c, "outer");
	tctx_add_item(c, "outer");
	tctx_set(tctx_add_item(o, "inner"), "_index", "mine");
	tctx_add_item(o, "inner");
	got = render_s("{{#each outer}}{{_index}}:{{#each inner}}{{_index}}{{/each}};{{/each}}",
	    c, &err);
	CHECK_STR(got, "0:mine1;1:;");
	free(got);
	tctx_free(c);
	tctx_free(NULL);
}

/* {{_ …}}: English as written (escaped), arguments in their places and
 * escaped, plural forms, another language from the catalog, and right to
 * left values isolated. */
static void test_translations(void)
{
	static const struct { const char *tmpl, *want; } en[] = {
		{"{{_ \"Tracking ID\"}}", "Tracking ID"},
		{"{{_ \"Fish & chips <b>\"}}", "Fish &amp; chips &lt;b&gt;"},
		{"{{_ \"Call %s\" phone}}", "Call +44 &lt;1&gt;"},
		{"{{_ \"%2$s then %1$s\" a b}}", "B then A"},
		{"{{_ \"%s of %s\" a b}}", "A of B"},
		{"{{_ \"%s%%\" n}}", "3%"},
		{"{{_ \"100%\"}}", "100%"},
		{"{{_ \"%x and %3$s\" a}}", "%x and %3$s"},
		{"{{_ \"%s\" missing}}", ""},
		{"{{_n \"%s photo\" \"%s photos\" n}}", "3 photos"},
		{"{{_n \"%s photo\" \"%s photos\" one}}", "1 photo"},
		{"{{#each items}}{{_ \"Photo %s\" _number}} {{/each}}", "Photo 1 Photo 2 "},
		{"<img alt=\"{{_ \"Photo of %s\" q}}\">", "<img alt=\"Photo of &quot;x&quot;\">"},
	};
	static const struct { const char *tmpl, *want; } bad[] = {
		{"{{_ Tracking}}", "expected a quoted text"},
		{"{{_ \"\"}}", "not empty"},
		{"{{_ \"unclosed}}", "not empty"},
		{"{{_ \"a {b} c\"}}", "braces"},
		{"{{_ \"ok\" bad-name}}", "bad argument name"},
		{"{{_ \"ok\" a b c d e}}", "more than four"},
		{"{{_n \"one\" \"many\"}}", "count as its first argument"},
		{"{{_n \"one\"}}", "expected a quoted text"},
	};
	struct tctx *c = tctx_new();
	tctx_set(c, "phone", "+44 <1>");
	tctx_set(c, "a", "A");
	tctx_set(c, "b", "B");
	tctx_set(c, "q", "\"x\"");
	tctx_set_int(c, "n", 3);
	tctx_set_int(c, "one", 1);
	tctx_add_item(c, "items");
	tctx_add_item(c, "items");
	for (size_t i = 0; i < HM_NELEM(en); i++) {
		char *err = NULL, *got = render_s(en[i].tmpl, c, &err);
		if (!got)
			fprintf(stderr, "%s: %s\n", en[i].tmpl, err);
		CHECK_STR(got, en[i].want);
		free(got);
		free(err);
	}
	for (size_t i = 0; i < HM_NELEM(bad); i++) {
		char *err = NULL, *got = render_s(bad[i].tmpl, c, &err);
		CHECK(got == NULL && err && strstr(err, bad[i].want));
		if (!(err && strstr(err, bad[i].want)))
			fprintf(stderr, "%s: %s\n", bad[i].tmpl, err ? err : "(no error)");
		free(got);
		free(err);
	}
	/* Spanish from its catalog; Arabic isolates the value it puts in. */
	const struct lang *es = lang_find("es"), *ar = lang_find("ar");
	char want[256];
	lang_use(es);
	char *got = render_s("{{_ \"Tracking ID\"}}", c, NULL);
	CHECK_STR(got, lang_get(es, NULL, "Tracking ID"));
	CHECK(got && strcmp(got, "Tracking ID"));
	free(got);
	lang_use(ar);
	got = render_s("{{_ \"Call %s\" a}}", c, NULL);
	snprintf(want, sizeof want, "%s", lang_get(ar, NULL, "Call %s"));
	char *at = strstr(want, "%s");
	CHECK(at != NULL);
	if (at) {
		char tail[128];
		snprintf(tail, sizeof tail, "%s", at + 2);
		snprintf(at, sizeof want - (size_t)(at - want), "\xe2\x81\xa8" "A" "\xe2\x81\xa9%s", tail);
	}
	CHECK_STR(got, want);
	free(got);
	lang_use(NULL);
	tctx_free(c);
}

int main(void)
{
	if (!mkdtemp(tdir)) {
		perror("mkdtemp");
		return 2;
	}
	put_file("page.html", "<h1>{{name}} &amp; co</h1>\n<ul>{{> item_list}}</ul>\n");
	put_file("item_list.html", "{{#each jobs}}{{> item}}{{/each}}");
	put_file("item.html", "<li>{{id}} {{name}} {{_number}}</li>");
	put_file("self.html", "{{> self}}");
	put_file("ping.html", "{{> pong}}");
	put_file("pong.html", "{{> ping}}");
	put_file("bad.html", "ok\n{{x|nope}}\n");
	put_file("unclosed.html", "{{#if t}}");
	put_file("rawbad.html", "{{RAW_HTML name}}");
	for (int i = 1; i <= 9; i++) {
		char n[32], body[64];
		snprintf(n, sizeof n, "d%d.html", i);
		if (i < 9)
			snprintf(body, sizeof body, "d%d{{> d%d}}", i, i + 1);
		else
			snprintf(body, sizeof body, "d9end");
		put_file(n, body);
	}

	struct tctx *c = make_ctx();
	test_escapers();
	test_renders(c);
	test_errors(c);
	test_deep_nesting(c);
	test_partials(c);
	test_no_raw_script();
	test_ctx();
	test_translations();
	tctx_free(c);
	cleanup();
	return check_summary("template");
}
