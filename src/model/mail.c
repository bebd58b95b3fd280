/* A notification as an email (mail.h). */
#include "mail.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "mime.h"
#include "template.h"

/* What the sender adds to a notification is in the language it was
 * written in. */
static const struct lang *use_lang_of(const struct notification *n)
{
	const struct lang *l = lang_find(n->lang);
	return lang_use(l ? l : lang_source());
}

char *mail_text(const struct notification *n)
{
	if (!n->unsubscribe || !*n->unsubscribe)
		return xstrdup(n->body);
	const struct lang *prev = use_lang_of(n);
	char *s = xasprintf("%s\n\n-- \n%s\n%s\n", n->body,
	    _("To stop messages about this order, open:"), n->unsubscribe);
	lang_use(prev);
	return s;
}

static int web_link(const char *u)
{
	return u && (!strncmp(u, "https://", 8) || !strncmp(u, "http://", 7));
}

/* The words on the button that opens n's link. */
static const char *link_label(const struct notification *n)
{
	if (!strcmp(n->kind, "staff_alert"))
		return _("Open the job");
	if (!strcmp(n->kind, "passport"))
		return _("See the passport");
	return _("See your order");
}

/* The body as the HTML part's blocks: paragraphs (split at blank lines)
 * of lines, and the link, on a line of its own, as a button. */
static void add_blocks(struct tctx *c, const struct notification *n)
{
	struct tctx *para = NULL;
	const char *p = n->body;
	/* Only a web link becomes a button (ours always are). */
	int linkable = web_link(n->link);
	while (*p) {
		size_t len = strcspn(p, "\n");
		char *line = xstrndup(p, len);
		str_trim(line);
		p += len + (p[len] == '\n');
		if (!*line) {
			para = NULL;
		} else if (linkable && !strcmp(line, n->link)) {
			struct tctx *b = tctx_add_item(c, "blocks");
			tctx_set(b, "href", n->link);
			tctx_set(b, "label", link_label(n));
			para = NULL;
		} else {
			if (!para)
				para = tctx_add_item(c, "blocks");
			tctx_set(tctx_add_item(para, "lines"), "line", line);
		}
		free(line);
	}
}

int mail_compose(const struct notification *n, const char *from, const char *templates_dir,
    time_t now, struct buf *out, char **why)
{
	struct buf html = {0};
	char *err = NULL, *text = mail_text(n);
	const char *bad = NULL;
	int rc = -1;
	struct tctx *c = tctx_new();
	const struct lang *prev = use_lang_of(n);
	*why = NULL;
	tctx_set(c, "lang", lang_current()->code);
	tctx_set(c, "dir", lang_rtl(lang_current()) ? "rtl" : "ltr");
	tctx_set(c, "subject", n->subject);
	tctx_set(c, "shop_name", n->shop_name);
	/* Only a web link (ours are) becomes the footer's link. */
	tctx_set(c, "unsubscribe", web_link(n->unsubscribe) ? n->unsubscribe : NULL);
	add_blocks(c, n);
	if (tmpl_render(templates_dir, "email", c, &html, &err) != 0) {
		*why = xasprintf("the email template could not be rendered: %s", err);
		goto out;
	}
	struct mime_mail m = {
		.from_name = n->shop_name, .from = from, .reply_to = n->shop_email, .to = n->recipient,
		.subject = n->subject, .message_id = n->message_id, .date = now,
		.list_unsubscribe = *n->unsubscribe ? n->unsubscribe : NULL,
		.text = text, .html = html.data ? html.data : "",
	};
	if (mime_build(&m, out, &bad) != 0) {
		*why = xstrdup(bad);
		goto out;
	}
	rc = 0;
out:
	lang_use(prev);
	free(err);
	free(text);
	buf_free(&html);
	tctx_free(c);
	return rc;
}
