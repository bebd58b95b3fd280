/* HTML templates with escaping by default.
 *
 * Syntax (templates/NAME.html):
 *   {{name}}                 value, HTML-escaped (safe in text and quoted attributes)
 *   {{name|attr}}            value escaped for an attribute: every non-alphanumeric as &#xHH;
 *   {{name|url}}             value percent-encoded as one URL component (RFC 3986 unreserved kept)
 *   {{RAW_HTML name}}        unescaped; only values set with tctx_set_trusted_html print,
 *                            anything else is a render error
 *   {{#if name}}..{{#else}}..{{/if}}   truthy: non-empty string, true bool, non-empty list
 *   {{#unless name}}..{{/unless}}
 *   {{#each list}}..{{/each}}  names resolve in the item first, then outward; each item
 *                            also has _index (0-based), _number (1-based), _first, _last
 *   {{> partial}}            includes templates/partial.html (depth-limited)
 *   {{_ "Text" name…}}       the text in the current language (i18n.h), HTML-escaped;
 *                            %1$s (or %s) in it is the first name's value, and so on
 *   {{_n "%1$d photo" "%1$d photos" count name…}}   the plural form for count
 *   {{! comment }}
 * Names are [A-Za-z_][A-Za-z0-9_]*. A missing name renders as empty. */
#ifndef HM_TEMPLATE_H
#define HM_TEMPLATE_H

#include "util.h"

struct tctx;

/* A new empty scope; free the root with tctx_free (children go with it). */
struct tctx *tctx_new(void);
void tctx_free(struct tctx *c);

/* Set a string (copied). NULL unsets. Later sets replace earlier ones. */
void tctx_set(struct tctx *c, const char *name, const char *value);
void tctx_setf(struct tctx *c, const char *name, const char *fmt, ...) HM_PRINTF(3, 4);
void tctx_set_int(struct tctx *c, const char *name, long long v);
void tctx_set_bool(struct tctx *c, const char *name, int v);
/* Marks the value as HTML the program built itself and vouches for; only
 * these print through {{RAW_HTML name}}. */
void tctx_set_trusted_html(struct tctx *c, const char *name, const char *html);
/* Appends a new item scope to list `name` (creating the list) and returns it;
 * the item belongs to c. */
struct tctx *tctx_add_item(struct tctx *c, const char *name);

/* Renders dir/name.html with ctx into out (appended). Returns 0, or -1 with
 * a heap message in *err (caller frees) on a missing file or syntax error. */
int tmpl_render(const char *dir, const char *name, const struct tctx *ctx,
    struct buf *out, char **err);
/* As tmpl_render, but the page template is src[0..len) in memory (tests,
 * fuzzing); its {{> partials}} still come from dir. */
int tmpl_render_string(const char *src, size_t len, const char *dir,
    const struct tctx *ctx, struct buf *out, char **err);

/* The escapers, exported for tests and for C code that builds trusted HTML. */
void esc_html(struct buf *out, const char *s, size_t n);
void esc_attr(struct buf *out, const char *s, size_t n);
void esc_url(struct buf *out, const char *s, size_t n);

#endif
