/* Templates: see template.h for the language.
 *
 * A render reads and parses the template file, then walks the result. The
 * parser turns the source into a flat array of nodes; block openers hold
 * the index of their {{#else}} or closing tag, so #if/#unless are plain
 * jumps and only #each and partials recurse (to push a scope). Names and
 * text are (offset, length) pairs into the source: parsing allocates only
 * the node array. Scopes are linked on the C stack while rendering, never
 * in the data, so one tctx can be rendered any number of times.
 *
 * Everything a template prints goes through an escaper except
 * {{RAW_HTML name}} of a value set with tctx_set_trusted_html. */
#include "template.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

/* Limits keep a broken template (or a fuzzer) from taking the process down:
 * real pages are a few KB, nest blocks a few levels and loop a few hundred
 * times. MAX_STEPS and MAX_OUTPUT stop a runaway nest of #each over the same
 * list, which multiplies, before it eats the CPU or memory of the CGI. */
#define MAX_SOURCE        (1u << 20)
#define MAX_PARTIAL_DEPTH 8
#define MAX_NESTING       64
#define MAX_STEPS         5000000ul
#define MAX_OUTPUT        ((size_t)64 << 20)
#define MAX_QUOTE         60   /* bytes of a bad tag quoted in an error */

/* ---- context ---------------------------------------------------------- */

enum vkind { V_STR, V_BOOL, V_HTML, V_LIST };

struct tval {
	char *name;
	size_t namelen;
	enum vkind kind;
	int b;                  /* V_BOOL */
	char *s;                /* V_STR, V_HTML */
	size_t len;
	struct tctx **items;    /* V_LIST */
	size_t nitems, capitems;
};

struct tctx {
	struct tval *v;
	size_t n, cap;
};

struct tctx *tctx_new(void)
{
	return xcalloc(1, sizeof(struct tctx));
}

static void val_clear(struct tval *v)
{
	free(v->s);
	v->s = NULL;
	v->len = 0;
	for (size_t i = 0; i < v->nitems; i++)
		tctx_free(v->items[i]);
	free(v->items);
	v->items = NULL;
	v->nitems = v->capitems = 0;
	v->b = 0;
}

/* Frees the scope, its values and every item scope of its lists. */
void tctx_free(struct tctx *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		val_clear(&c->v[i]);
		free(c->v[i].name);
	}
	free(c->v);
	free(c);
}

static struct tval *ctx_find(const struct tctx *c, const char *name, size_t len)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].namelen == len && memcmp(c->v[i].name, name, len) == 0)
			return &c->v[i];
	return NULL;
}

/* The slot for name, emptied of any earlier value, for the caller to fill. */
static struct tval *ctx_slot(struct tctx *c, const char *name)
{
	size_t len = strlen(name);
	struct tval *v = ctx_find(c, name, len);
	if (v) {
		val_clear(v);
		return v;
	}
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 8;
		c->v = xrealloc(c->v, c->cap * sizeof *c->v);
	}
	v = &c->v[c->n++];
	memset(v, 0, sizeof *v);
	v->name = xstrndup(name, len);
	v->namelen = len;
	return v;
}

static void ctx_unset(struct tctx *c, const char *name)
{
	struct tval *v = ctx_find(c, name, strlen(name));
	if (!v)
		return;
	val_clear(v);
	free(v->name);
	*v = c->v[--c->n];
}

void tctx_set(struct tctx *c, const char *name, const char *value)
{
	if (!value) {
		ctx_unset(c, name);
		return;
	}
	struct tval *v = ctx_slot(c, name);
	v->kind = V_STR;
	v->len = strlen(value);
	v->s = xstrndup(value, v->len);
}

void tctx_setf(struct tctx *c, const char *name, const char *fmt, ...)
{
	struct buf b = {0};
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	struct tval *v = ctx_slot(c, name);
	v->kind = V_STR;
	v->len = b.len;
	v->s = buf_detach(&b);
}

/* Stored as its decimal string, so it prints as a number and is truthy
 * whenever set (including 0): test a count with a bool, not the int. */
void tctx_set_int(struct tctx *c, const char *name, long long v)
{
	char tmp[32];
	snprintf(tmp, sizeof tmp, "%lld", v);
	tctx_set(c, name, tmp);
}

void tctx_set_bool(struct tctx *c, const char *name, int v)
{
	struct tval *t = ctx_slot(c, name);
	t->kind = V_BOOL;
	t->b = v != 0;
}

void tctx_set_trusted_html(struct tctx *c, const char *name, const char *html)
{
	if (!html) {
		ctx_unset(c, name);
		return;
	}
	struct tval *v = ctx_slot(c, name);
	v->kind = V_HTML;
	v->len = strlen(html);
	v->s = xstrndup(html, v->len);
}

struct tctx *tctx_add_item(struct tctx *c, const char *name)
{
	struct tval *v = ctx_find(c, name, strlen(name));
	if (!v || v->kind != V_LIST) {
		v = ctx_slot(c, name);
		v->kind = V_LIST;
	}
	if (v->nitems == v->capitems) {
		v->capitems = v->capitems ? v->capitems * 2 : 8;
		v->items = xrealloc(v->items, v->capitems * sizeof *v->items);
	}
	struct tctx *item = tctx_new();
	v->items[v->nitems++] = item;
	return item;
}

/* ---- escapers --------------------------------------------------------- */

static const char hexdig[] = "0123456789ABCDEF";

/* Each escaper copies runs of safe bytes in one append, so the cost is one
 * call per special character, not per character. */
void esc_html(struct buf *out, const char *s, size_t n)
{
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		const char *rep;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		buf_append(out, s + run, i - run);
		buf_puts(out, rep);
		run = i + 1;
	}
	buf_append(out, s + run, n - run);
}

static int is_alnum(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* Bytes >= 0x80 pass through: they are parts of UTF-8 sequences, which no
 * HTML parser treats as syntax, and escaping them byte-wise would break them. */
void esc_attr(struct buf *out, const char *s, size_t n)
{
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (is_alnum(c) || c >= 0x80)
			continue;
		char e[6] = { '&', '#', 'x', hexdig[c >> 4], hexdig[c & 15], ';' };
		buf_append(out, s + run, i - run);
		buf_append(out, e, sizeof e);
		run = i + 1;
	}
	buf_append(out, s + run, n - run);
}

void esc_url(struct buf *out, const char *s, size_t n)
{
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
			continue;
		char e[3] = { '%', hexdig[c >> 4], hexdig[c & 15] };
		buf_append(out, s + run, i - run);
		buf_append(out, e, sizeof e);
		run = i + 1;
	}
	buf_append(out, s + run, n - run);
}

/* ---- parser ----------------------------------------------------------- */

enum ntype { N_TEXT, N_VAR, N_RAW, N_IF, N_UNLESS, N_EACH, N_ELSE, N_END, N_PARTIAL,
	N_TRANS };
enum filter { F_HTML, F_ATTR, F_URL };

#define NO_JUMP SIZE_MAX

struct node {
	unsigned char type, filter;
	uint32_t line;
	size_t off, len;        /* text, or the name, within the source */
	size_t jump;            /* if/unless: its else or end; else, each: its end;
				 * trans: its index in tmpl.trans */
};

/* {{_ "msgid" arg…}} and {{_n "msgid" "plural" count arg…}}: the English
 * texts and the names of its arguments, all within the source. */
#define MAX_TRANS_ARGS 4
struct trans {
	size_t id_off, id_len, pl_off, pl_len;	/* pl_len 0: not a plural */
	int nargs;
	size_t arg_off[MAX_TRANS_ARGS], arg_len[MAX_TRANS_ARGS];
};

struct tmpl {
	char *name;             /* for the partial cache; "" for a string */
	char *file;             /* for messages: "name.html" */
	const char *src;
	size_t srclen;
	char *owned;            /* src when read from a file */
	struct node *nodes;
	size_t n, cap;
	struct trans *trans;
	size_t ntrans, captrans;
};

static void tmpl_free(struct tmpl *t)
{
	if (!t)
		return;
	free(t->trans);
	free(t->name);
	free(t->file);
	free(t->owned);
	free(t->nodes);
	free(t);
}

static size_t add_node(struct tmpl *t, int type, uint32_t line, size_t off, size_t len)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->nodes = xrealloc(t->nodes, t->cap * sizeof *t->nodes);
	}
	struct node *nd = &t->nodes[t->n];
	nd->type = (unsigned char)type;
	nd->filter = F_HTML;
	nd->line = line;
	nd->off = off;
	nd->len = len;
	nd->jump = NO_JUMP;
	return t->n++;
}

static uint32_t count_nl(const char *p, const char *end)
{
	uint32_t n = 0;
	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		n++;
		p++;
	}
	return n;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int valid_name(const char *p, size_t n)
{
	if (n == 0 || !((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z') || p[0] == '_'))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!is_alnum((unsigned char)p[i]) && p[i] != '_')
			return 0;
	return 1;
}

/* Template and partial names become file names: never a path. */
static int valid_file_name(const char *p, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9') || p[i] == '_'))
			return 0;
	return 1;
}

static int word_is(const char *p, size_t n, const char *w)
{
	return n == strlen(w) && memcmp(p, w, n) == 0;
}

static const char *block_name(int type)
{
	return type == N_IF ? "if" : type == N_UNLESS ? "unless" : "each";
}

struct parser {
	struct tmpl *t;
	char **err;
	uint32_t line;          /* of the tag being parsed */
	const char *tag;        /* its contents, for messages */
	size_t taglen;
	size_t stack[MAX_NESTING];
	int depth;
};

static int perr(struct parser *p, const char *what)
{
	size_t q = p->taglen > MAX_QUOTE ? MAX_QUOTE : p->taglen;
	*p->err = xasprintf("%s:%u: %s in '{{%.*s%s}}'", p->t->file, p->line, what,
	    (int)q, p->tag, q < p->taglen ? "..." : "");
	return -1;
}

/* "name" or "name|filter", with optional spaces around the bar. */
static int parse_var(struct parser *p, const char *a, const char *b)
{
	const char *bar = memchr(a, '|', (size_t)(b - a));
	const char *ne = bar ? bar : b;
	while (ne > a && is_space(ne[-1]))
		ne--;
	if (!valid_name(a, (size_t)(ne - a)))
		return perr(p, "bad name");
	size_t i = add_node(p->t, N_VAR, p->line, (size_t)(a - p->t->src), (size_t)(ne - a));
	if (!bar)
		return 0;
	const char *f = bar + 1;
	while (f < b && is_space(*f))
		f++;
	if (word_is(f, (size_t)(b - f), "attr"))
		p->t->nodes[i].filter = F_ATTR;
	else if (word_is(f, (size_t)(b - f), "url"))
		p->t->nodes[i].filter = F_URL;
	else
		return perr(p, "unknown filter (use attr or url)");
	return 0;
}

/* {{#kw arg}}: a block opener or else. */
static int parse_open(struct parser *p, const char *a, const char *b)
{
	const char *w = a;
	while (w < b && !is_space(*w))
		w++;
	size_t wl = (size_t)(w - a);
	const char *arg = w;
	while (arg < b && is_space(*arg))
		arg++;
	struct tmpl *t = p->t;

	if (word_is(a, wl, "else")) {
		if (arg != b)
			return perr(p, "{{#else}} takes no name");
		if (p->depth == 0)
			return perr(p, "{{#else}} outside {{#if}} or {{#unless}}");
		struct node *open = &t->nodes[p->stack[p->depth - 1]];
		if (open->type == N_EACH)
			return perr(p, "{{#else}} inside {{#each}}");
		if (open->jump != NO_JUMP)
			return perr(p, "second {{#else}} for one block");
		size_t e = add_node(t, N_ELSE, p->line, 0, 0);
		t->nodes[p->stack[p->depth - 1]].jump = e;
		return 0;
	}
	int type;
	if (word_is(a, wl, "if"))
		type = N_IF;
	else if (word_is(a, wl, "unless"))
		type = N_UNLESS;
	else if (word_is(a, wl, "each"))
		type = N_EACH;
	else
		return perr(p, "unknown block keyword (use if, unless, each or else)");
	if (!valid_name(arg, (size_t)(b - arg)))
		return perr(p, "bad or missing name");
	if (p->depth == MAX_NESTING)
		return perr(p, "blocks nested too deeply");
	p->stack[p->depth++] = add_node(t, type, p->line, (size_t)(arg - t->src), (size_t)(b - arg));
	return 0;
}

static int parse_close(struct parser *p, const char *a, const char *b)
{
	struct tmpl *t = p->t;
	int type;
	if (word_is(a, (size_t)(b - a), "if"))
		type = N_IF;
	else if (word_is(a, (size_t)(b - a), "unless"))
		type = N_UNLESS;
	else if (word_is(a, (size_t)(b - a), "each"))
		type = N_EACH;
	else
		return perr(p, "unknown closing tag (use /if, /unless or /each)");
	if (p->depth == 0)
		return perr(p, "closing tag without an open block");
	size_t o = p->stack[--p->depth];
	if (t->nodes[o].type != type) {
		char what[96];
		snprintf(what, sizeof what, "{{#%s}} opened at line %u closed by a different tag",
		    block_name(t->nodes[o].type), t->nodes[o].line);
		return perr(p, what);
	}
	size_t e = add_node(t, N_END, p->line, 0, 0);
	/* Re-fetch: add_node may have moved the array. */
	struct node *open = &t->nodes[o];
	if (open->jump != NO_JUMP)
		t->nodes[open->jump].jump = e;  /* the else skips to here */
	else
		open->jump = e;
	return 0;
}

/* A "quoted" English text at *a, which ends at the next quote: a text
 * holds no quote and no braces (it is HTML-escaped when printed, so it
 * needs neither markup nor entities). */
static int parse_quoted(struct parser *p, const char **a, const char *b, size_t *off,
    size_t *len)
{
	const char *s = *a;
	while (s < b && is_space(*s))
		s++;
	if (s == b || *s != '"')
		return perr(p, "expected a quoted text");
	const char *e = memchr(s + 1, '"', (size_t)(b - s - 1));
	if (!e || e == s + 1)
		return perr(p, "a text must be quoted and not empty");
	for (const char *c = s + 1; c < e; c++)
		if (*c == '{' || *c == '}' || *c == '\\' || *c == '\0')
			return perr(p, "a text holds no braces, backslashes or NUL bytes");
	*a = e + 1;
	*off = (size_t)(s + 1 - p->t->src);
	*len = (size_t)(e - s - 1);
	return 0;
}

/* {{_ "text" name…}} or {{_n "text" "plural" count name…}}. */
static int parse_trans(struct parser *p, const char *a, const char *b, int plural)
{
	struct tmpl *t = p->t;
	struct trans tr = {0};
	if (parse_quoted(p, &a, b, &tr.id_off, &tr.id_len) < 0)
		return -1;
	if (plural && parse_quoted(p, &a, b, &tr.pl_off, &tr.pl_len) < 0)
		return -1;
	for (;;) {
		while (a < b && is_space(*a))
			a++;
		if (a == b)
			break;
		const char *e = a;
		while (e < b && !is_space(*e))
			e++;
		if (!valid_name(a, (size_t)(e - a)) || tr.nargs == MAX_TRANS_ARGS) {
			return perr(p, tr.nargs == MAX_TRANS_ARGS ? "more than four arguments"
			    : "bad argument name");
		}
		tr.arg_off[tr.nargs] = (size_t)(a - t->src);
		tr.arg_len[tr.nargs++] = (size_t)(e - a);
		a = e;
	}
	if (plural && tr.nargs == 0)
		return perr(p, "{{_n}} needs the count as its first argument");
	if (t->ntrans == t->captrans) {
		t->captrans = t->captrans ? t->captrans * 2 : 16;
		t->trans = xrealloc(t->trans, t->captrans * sizeof *t->trans);
	}
	size_t i = add_node(t, N_TRANS, p->line, 0, 0);
	t->nodes[i].jump = t->ntrans;
	t->trans[t->ntrans++] = tr;
	return 0;
}

static int parse_tag(struct parser *p, const char *a, const char *b)
{
	if (a < b && *a == '!')
		return 0;
	while (a < b && is_space(*a))
		a++;
	while (b > a && is_space(b[-1]))
		b--;
	if (a == b)
		return perr(p, "empty tag");
	if (*a == '_' && b - a > 1 && (is_space(a[1]) || (a[1] == 'n' && b - a > 2 && is_space(a[2]))))
		return parse_trans(p, a + (a[1] == 'n' ? 2 : 1), b, a[1] == 'n');
	if (*a == '#')
		return parse_open(p, a + 1, b);
	if (*a == '/')
		return parse_close(p, a + 1, b);
	if (*a == '>') {
		a++;
		while (a < b && is_space(*a))
			a++;
		if (!valid_file_name(a, (size_t)(b - a)))
			return perr(p, "partial name must be [a-z0-9_]+");
		add_node(p->t, N_PARTIAL, p->line, (size_t)(a - p->t->src), (size_t)(b - a));
		return 0;
	}
	if ((size_t)(b - a) >= 8 && memcmp(a, "RAW_HTML", 8) == 0
	    && (b - a == 8 || is_space(a[8]))) {
		a += 8;
		while (a < b && is_space(*a))
			a++;
		if (!valid_name(a, (size_t)(b - a)))
			return perr(p, "RAW_HTML needs one name");
		add_node(p->t, N_RAW, p->line, (size_t)(a - p->t->src), (size_t)(b - a));
		return 0;
	}
	return parse_var(p, a, b);
}

/* The first "cc" in [p, end), or NULL: memchr finds the candidates (a
 * page has few braces), where memmem sets up a search at every call. */
static const char *find_pair(const char *p, const char *end, char c)
{
	while (p < end && (p = memchr(p, c, (size_t)(end - p))) != NULL) {
		if (p + 1 < end && p[1] == c)
			return p;
		p++;
	}
	return NULL;
}

static int parse(struct tmpl *t, char **err)
{
	struct parser p = { .t = t, .err = err, .line = 1 };
	const char *s = t->src, *end = s + t->srclen, *cur = s;

	while (cur < end) {
		const char *open = find_pair(cur, end, '{');
		const char *te = open ? open : end;
		if (te > cur) {
			add_node(t, N_TEXT, p.line, (size_t)(cur - s), (size_t)(te - cur));
			p.line += count_nl(cur, te);
		}
		if (!open)
			break;
		const char *close = find_pair(open + 2, end, '}');
		p.tag = open + 2;
		p.taglen = close ? (size_t)(close - p.tag) : (size_t)(end - p.tag);
		if (!close)
			return perr(&p, "'{{' without a closing '}}'");
		if (parse_tag(&p, open + 2, close) < 0)
			return -1;
		p.line += count_nl(open, close);
		cur = close + 2;
	}
	if (p.depth > 0) {
		const struct node *o = &t->nodes[p.stack[p.depth - 1]];
		*err = xasprintf("%s:%u: {{#%s %.*s}} is never closed", t->file, o->line,
		    block_name(o->type), o->len > MAX_QUOTE ? MAX_QUOTE : (int)o->len,
		    s + o->off);
		return -1;
	}
	return 0;
}

/* ---- renderer --------------------------------------------------------- */

/* One link of the scope chain; lives on the renderer's stack. */
struct scope {
	const struct tctx *ctx;
	const struct scope *parent;
	int is_item;
	size_t index, count;    /* position in the #each, when is_item */
};

struct render {
	const char *dir;
	struct buf *out;
	size_t start;           /* out->len before this render */
	unsigned long steps;
	struct tmpl **cache;    /* every template loaded by this render */
	size_t ncache, capcache;
	char *err;
};

/* Names resolve innermost first. An item's _index etc. come after its own
 * values (so data can shadow them) and before the enclosing scopes (so the
 * nearest #each wins). tmp and num hold a synthesised loop value. */
static const struct tval *lookup(const struct scope *sc, const char *name, size_t len,
    struct tval *tmp, char num[32])
{
	for (; sc; sc = sc->parent) {
		const struct tval *v = ctx_find(sc->ctx, name, len);
		if (v)
			return v;
		if (!sc->is_item || name[0] != '_')
			continue;
		memset(tmp, 0, sizeof *tmp);
		if (word_is(name, len, "_index") || word_is(name, len, "_number")) {
			tmp->kind = V_STR;
			tmp->s = num;
			tmp->len = (size_t)snprintf(num, 32, "%zu",
			    sc->index + (name[1] == 'n'));
			return tmp;
		}
		if (word_is(name, len, "_first") || word_is(name, len, "_last")) {
			tmp->kind = V_BOOL;
			tmp->b = name[1] == 'f' ? sc->index == 0 : sc->index + 1 == sc->count;
			return tmp;
		}
	}
	return NULL;
}

static int truthy(const struct tval *v)
{
	if (!v)
		return 0;
	switch (v->kind) {
	case V_STR:
	case V_HTML: return v->len > 0;
	case V_BOOL: return v->b;
	case V_LIST: return v->nitems > 0;
	}
	return 0;
}

static int rerr(struct render *r, const struct tmpl *t, const struct node *nd,
    const char *what)
{
	r->err = xasprintf("%s:%u: %s", t->file, nd->line, what);
	return -1;
}

/* Reads dir/name.html into a new, unparsed template; NULL with *err set
 * when it cannot be read. */
static struct tmpl *read_tmpl(const char *dir, const char *name, size_t len, char **err)
{
	struct tmpl *t = xcalloc(1, sizeof *t);
	t->name = xstrndup(name, len);
	t->file = xasprintf("%s.html", t->name);
	char *path = xasprintf("%s/%s", dir, t->file);
	t->owned = read_file(path, MAX_SOURCE, &t->srclen);
	if (!t->owned) {
		*err = xasprintf("cannot read template %s: %s", path,
		    errno == EFBIG ? "larger than 1 MiB" : strerror(errno));
		free(path);
		tmpl_free(t);
		return NULL;
	}
	free(path);
	t->src = t->owned;
	return t;
}

static void cache_add(struct render *r, struct tmpl *t)
{
	if (r->ncache == r->capcache) {
		r->capcache = r->capcache ? r->capcache * 2 : 8;
		r->cache = xrealloc(r->cache, r->capcache * sizeof *r->cache);
	}
	r->cache[r->ncache++] = t;
}

/* The parsed partial dir/name.html, loaded once per render (a partial used
 * inside an #each is read once, not once per item). NULL with r->err set. */
static struct tmpl *load(struct render *r, const char *name, size_t len)
{
	for (size_t i = 0; i < r->ncache; i++)
		if (strlen(r->cache[i]->name) == len && memcmp(r->cache[i]->name, name, len) == 0)
			return r->cache[i];
	struct tmpl *t = read_tmpl(r->dir, name, len, &r->err);
	if (!t)
		return NULL;
	if (parse(t, &r->err) < 0) {
		tmpl_free(t);
		return NULL;
	}
	cache_add(r, t);
	return t;
}

static void print_value(struct buf *out, const struct tval *v, int filter)
{
	const char *s;
	size_t n;
	if (!v)
		return;
	switch (v->kind) {
	case V_STR:
	case V_HTML: s = v->s; n = v->len; break;
	case V_BOOL: s = v->b ? "true" : ""; n = v->b ? 4 : 0; break;
	default: return;        /* a list prints nothing */
	}
	if (filter == F_ATTR)
		esc_attr(out, s, n);
	else if (filter == F_URL)
		esc_url(out, s, n);
	else
		esc_html(out, s, n);
}

static int render_range(struct render *r, const struct tmpl *t, size_t from, size_t to,
    const struct scope *sc, int depth);

/* The translation of a {{_ …}} in the current language, its %1$s, %2$d
 * (or %s, %d in turn) replaced by its arguments and %% by %, all escaped.
 * The catalogs are checked by msgfmt --check at build time; a directive
 * this does not know prints as it is. */
static void render_trans(struct render *r, const struct tmpl *t, const struct trans *tr,
    const struct scope *sc)
{
	const struct lang *l = lang_current();
	const char *fmt, *msgid = t->src + tr->id_off;
	size_t flen;
	struct tval tmp;
	char num[32];
	if (tr->pl_len) {
		const struct tval *cv = lookup(sc, t->src + tr->arg_off[0], tr->arg_len[0],
		    &tmp, num);
		unsigned long n = cv && cv->kind == V_STR ? strtoul(cv->s, NULL, 10) : 0;
		fmt = lang_nlookup(l, msgid, tr->id_len, n);
		if (fmt)
			flen = strlen(fmt);
		else if (n == 1)
			fmt = msgid, flen = tr->id_len;
		else
			fmt = t->src + tr->pl_off, flen = tr->pl_len;
	} else {
		fmt = lang_lookup(l, msgid, tr->id_len);
		flen = fmt ? strlen(fmt) : tr->id_len;
		if (!fmt)
			fmt = msgid;
	}
	const char *end = fmt + flen;
	/* In a right-to-left sentence a left-to-right value (an ID, a shop
	 * called "Tiffany & Co.") must not take the sentence's direction:
	 * each is isolated (U+2068 FIRST STRONG ISOLATE … U+2069 POP). */
	int isolate = lang_rtl(l);
	int next = 0;
	const char *run = fmt, *c = fmt;
	while ((c = memchr(c, '%', (size_t)(end - c))) != NULL) {
		esc_html(r->out, run, (size_t)(c - run));
		const char *d = c + 1;
		int k = -1;
		if (d == end) {
			run = c;
			break;
		}
		if (*d == '%') {
			buf_putc(r->out, '%');
			run = c = d + 1;
			continue;
		}
		if (*d >= '1' && *d <= '9' && d + 1 < end && d[1] == '$') {
			k = *d - '1';
			d += 2;
		} else {
			k = next++;
		}
		if (d < end && (*d == 's' || *d == 'd') && k < tr->nargs) {
			if (isolate)
				buf_puts(r->out, "\xe2\x81\xa8");
			print_value(r->out, lookup(sc, t->src + tr->arg_off[k], tr->arg_len[k],
			    &tmp, num), F_HTML);
			if (isolate)
				buf_puts(r->out, "\xe2\x81\xa9");
			run = c = d + 1;
		} else {
			run = c;
			c++;
		}
	}
	esc_html(r->out, run, (size_t)(end - run));
}

static int render_partial(struct render *r, const struct tmpl *t, const struct node *nd,
    const struct scope *sc, int depth)
{
	const char *name = t->src + nd->off;
	char what[128];
	if (depth + 1 > MAX_PARTIAL_DEPTH) {
		snprintf(what, sizeof what, "partials nested deeper than %d at {{> %.*s}}"
		    " (does it include itself?)", MAX_PARTIAL_DEPTH,
		    nd->len > MAX_QUOTE ? MAX_QUOTE : (int)nd->len, name);
		return rerr(r, t, nd, what);
	}
	const struct tmpl *pt = load(r, name, nd->len);
	if (pt && render_range(r, pt, 0, pt->n, sc, depth + 1) == 0)
		return 0;
	/* Say where the failing partial came in; each level adds its line. */
	char *inner = r->err;
	r->err = xasprintf("%s (included from %s:%u)", inner, t->file, nd->line);
	free(inner);
	return -1;
}

static int render_range(struct render *r, const struct tmpl *t, size_t from, size_t to,
    const struct scope *sc, int depth)
{
	size_t i = from;
	while (i < to) {
		const struct node *nd = &t->nodes[i];
		const char *name = t->src + nd->off;
		const struct tval *v;
		struct tval tmp;
		char num[32];

		if (++r->steps > MAX_STEPS || r->out->len - r->start > MAX_OUTPUT)
			return rerr(r, t, nd, "rendering stopped: too much work or output"
			    " (an #each nested in an #each of the same list?)");
		switch (nd->type) {
		case N_TEXT:
			buf_append(r->out, name, nd->len);
			i++;
			break;
		case N_VAR:
			print_value(r->out, lookup(sc, name, nd->len, &tmp, num), nd->filter);
			i++;
			break;
		case N_RAW:
			v = lookup(sc, name, nd->len, &tmp, num);
			/* Missing renders empty like any other name; a value that
			 * is there but not vouched for is a bug to fix, not print. */
			if (v && v->kind != V_HTML) {
				char what[128];
				snprintf(what, sizeof what, "{{RAW_HTML %.*s}} of a value not set"
				    " with tctx_set_trusted_html",
				    nd->len > MAX_QUOTE ? MAX_QUOTE : (int)nd->len, name);
				return rerr(r, t, nd, what);
			}
			if (v)
				buf_append(r->out, v->s, v->len);
			i++;
			break;
		case N_IF:
		case N_UNLESS:
			/* True: run on into the then-part (its else jumps past the
			 * end). False: resume after the else, or after the end. */
			if (truthy(lookup(sc, name, nd->len, &tmp, num)) == (nd->type == N_IF))
				i++;
			else
				i = nd->jump + 1;
			break;
		case N_ELSE:
			i = nd->jump + 1;
			break;
		case N_END:
			i++;
			break;
		case N_EACH:
			v = lookup(sc, name, nd->len, &tmp, num);
			if (v && v->kind == V_LIST) {
				struct scope item = { .parent = sc, .is_item = 1, .count = v->nitems };
				for (size_t k = 0; k < v->nitems; k++) {
					item.ctx = v->items[k];
					item.index = k;
					if (render_range(r, t, i + 1, nd->jump, &item, depth) < 0)
						return -1;
				}
			}
			i = nd->jump + 1;
			break;
		case N_PARTIAL:
			if (render_partial(r, t, nd, sc, depth) < 0)
				return -1;
			i++;
			break;
		case N_TRANS:
			render_trans(r, t, &t->trans[nd->jump], sc);
			i++;
			break;
		}
	}
	return 0;
}

/* Renders the parsed top-level template t; takes ownership of t. */
static int render_top(struct tmpl *t, const char *dir, const struct tctx *ctx,
    struct buf *out, char **err)
{
	struct render r = { .dir = dir, .out = out, .start = out->len };
	struct scope root = { .ctx = ctx };
	int rc = -1;

	/* Cached first so a partial that includes the page finds it (and hits
	 * the depth limit); a string template's name "" matches no partial. */
	cache_add(&r, t);
	if (parse(t, &r.err) < 0)
		goto out;
	if (render_range(&r, t, 0, t->n, &root, 0) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0) {
		/* Leave out as it was, so the caller can render an error page
		 * into the same buffer. */
		out->len = r.start;
		if (out->data)
			out->data[out->len] = '\0';
		if (err)
			*err = r.err;
		else
			free(r.err);
	}
	for (size_t i = 0; i < r.ncache; i++)
		tmpl_free(r.cache[i]);
	free(r.cache);
	return rc;
}

static int fail(char **err, char *msg)
{
	if (err)
		*err = msg;
	else
		free(msg);
	return -1;
}

int tmpl_render(const char *dir, const char *name, const struct tctx *ctx,
    struct buf *out, char **err)
{
	size_t len = strlen(name);
	if (err)
		*err = NULL;
	if (!valid_file_name(name, len))
		return fail(err, xasprintf("invalid template name '%.*s' (must be [a-z0-9_]+)",
		    len > MAX_QUOTE ? MAX_QUOTE : (int)len, name));

	char *msg = NULL;
	struct tmpl *t = read_tmpl(dir, name, len, &msg);
	if (!t)
		return fail(err, msg);
	return render_top(t, dir, ctx, out, err);
}

int tmpl_render_string(const char *src, size_t len, const char *dir,
    const struct tctx *ctx, struct buf *out, char **err)
{
	if (err)
		*err = NULL;
	if (len > MAX_SOURCE)
		return fail(err, xstrdup("template string: larger than 1 MiB"));
	struct tmpl *t = xcalloc(1, sizeof *t);
	t->name = xstrdup("");
	t->file = xstrdup("(string)");
	t->src = src;
	t->srclen = len;
	return render_top(t, dir, ctx, out, err);
}
