/* The danger zone: a shop owner deletes all of the shop's tracking data
 * (jobs, their timelines, messages and photos) after typing the shop's
 * name. Passports stay: they are the pieces' provenance. */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "retention.h"

/* What the owner must type: the business name, or the shop's short name
 * when it has none. */
static const char *confirm_word(const struct shop *s)
{
	return *s->name ? s->name : s->slug;
}

static void danger_page(struct staff *a, int status, const struct shop *s, const char *error,
    const char *done)
{
	struct tctx *c = admin_ctx(a, _("Danger zone"), "settings");
	tctx_set(c, "confirm_word", confirm_word(s));
	tctx_set_bool(c, "is_owner", a->user.is_owner);
	tctx_set(c, "error", error);
	tctx_set(c, "done", done);
	web_page(&a->w, status, "admin_danger", c);
	tctx_free(c);
}

void page_danger(struct staff *a)
{
	struct shop s;
	enum hm_rc rc = shop_get(a->db, a->user.shop_id, &s);
	if (rc != HM_OK) {
		web_fail(&a->w, rc);
		return;
	}
	danger_page(a, a->user.is_owner ? 200 : 403, &s, NULL, NULL);
	shop_free(&s);
}

void do_danger(struct staff *a)
{
	struct shop s;
	struct purge_result res = {0};
	enum hm_rc rc = shop_get(a->db, a->user.shop_id, &s);
	if (rc != HM_OK) {
		web_fail(&a->w, rc);
		return;
	}
	const char *typed = req_val(&a->w.req, A_CONFIRM_NAME);
	if (!a->user.is_owner) {
		danger_page(a, 403, &s, _("Only the shop's owner can do this."), NULL);
		goto out;
	}
	if (!typed || strcmp(typed, confirm_word(&s))) {
		danger_page(a, 422, &s,
		    _("The name you typed does not match, so nothing was deleted."), NULL);
		goto out;
	}
	if ((rc = shop_wipe(a->db, a->user.shop_id, &res)) == HM_DUPLICATE) {
		danger_page(a, 200, &s, NULL, _("Done: the shop's tracking data was deleted."));
		goto out;
	}
	if (rc != HM_OK) {
		web_fail(&a->w, rc);
		goto out;
	}
	purge_unlink(a->w.cfg.media_dir, &res);
	char done[400], jobs[64], messages[64], photos[64];
	snprintf(jobs, sizeof jobs, P_("%ld job", "%ld jobs", (unsigned long)res.jobs), res.jobs);
	snprintf(messages, sizeof messages, P_("%ld message", "%ld messages",
	    (unsigned long)res.messages), res.messages);
	snprintf(photos, sizeof photos, P_("%ld photo", "%ld photos", (unsigned long)res.photos),
	    res.photos);
	/* TRANSLATORS: %1$s is "3 jobs", %2$s "5 messages", %3$s "2 photos". */
	snprintf(done, sizeof done, _("Deleted %1$s, %2$s and %3$s. Every tracking link of the shop "
	    "now shows \"not found\"."), jobs, messages, photos);
	danger_page(a, 200, &s, NULL, done);
out:
	purge_result_free(&res);
	shop_free(&s);
}
