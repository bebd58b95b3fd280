/* The shop's inbox: every job with a message thread, unread ones first,
 * each linking to the job page where staff read and reply. */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "messages.h"

#define PER_PAGE 25
#define SNIPPET_CHARS 140

/* The start of a message for the list: whole UTF-8 characters only. */
static void snippet(const char *body, char *out, size_t n)
{
	size_t chars = 0, k = 0;
	for (const unsigned char *p = (const unsigned char *)body; *p && k + 4 < n; p++) {
		if ((*p & 0xc0) != 0x80 && ++chars > SNIPPET_CHARS)
			break;
		out[k++] = (char)(*p == '\n' ? ' ' : *p);
	}
	out[k] = '\0';
	if (body[k])
		snprintf(out + k, n - k, "…");
}

void page_messages(struct staff *a)
{
	struct inbox_list in = {0};
	struct shop shop = {0};
	struct tctx *c = NULL;
	char when[64], text[SNIPPET_CHARS * 4 + 8];
	int64_t page = req_int(&a->w.req, A_PAGE, 1);
	enum hm_rc rc;

	if ((rc = shop_get(a->db, a->user.shop_id, &shop)) != HM_OK ||
	    (rc = msg_inbox(a->db, a->user.shop_id, (size_t)(page - 1) * PER_PAGE, PER_PAGE,
	    &in)) != HM_OK) {
		web_fail(&a->w, rc);
		goto out;
	}
	c = admin_ctx(a, _("Messages"), "messages");
	admin_paging(c, in.total, page, PER_PAGE);
	for (size_t i = 0; i < in.n; i++) {
		const struct inbox_row *r = &in.v[i];
		struct tctx *it = tctx_add_item(c, "threads");
		tctx_set_int(it, "job_id", r->job_id);
		tctx_set(it, "tracking_id", r->tracking_id);
		tctx_set(it, "customer_name", r->customer_name);
		tctx_set(it, "item_type", r->item_type);
		fmt_time(r->last_at, shop.timezone, when, sizeof when);
		tctx_set(it, "when", when);
		tctx_set(it, "who", r->last_from_customer ? _("Customer")
		    /* TRANSLATORS: the shop, as the author of its own last message. */
		    : C_("inbox", "You"));
		snippet(r->last_body, text, sizeof text);
		tctx_set(it, "snippet", text);
		if (r->unread)
			tctx_set_int(it, "unread", r->unread);
	}
	web_page(&a->w, 200, "admin_messages", c);
out:
	tctx_free(c);
	inbox_list_free(&in);
	shop_free(&shop);
}
