/* The audit trail, for every staff member of the shop: who changed what,
 * when, with the value before and after; the whole shop's, or one job's,
 * passport's, workflow's or account's (?object=job&object_id=N). */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "audit.h"

#define PER_PAGE 50

static const struct { const char *code, *label; } actions[] = {
	{"job.new", N_("Booked in the job")},
	{"job.edit", N_("Edited the job")},
	{"job.stage", N_("Moved the job")},
	{"job.revoke", N_("Turned the customer's link off")},
	{"job.unrevoke", N_("Turned the customer's link back on")},
	{"job.replace_link", N_("Replaced the customer's link")},
	{"job.delete", N_("Deleted the job")},
	{"job.undelete", N_("Restored the job")},
	{"job.photo_add", N_("Added a photo to the job")},
	{"job.photo", N_("Changed a photo of the job")},
	{"job.photo_delete", N_("Deleted a photo of the job")},
	{"shop.wipe", N_("Deleted all of the shop's jobs (danger zone)")},
	{"settings", N_("Changed the settings")},
	{"settings.messages", N_("Changed a message text")},
	{"settings.logo", N_("Changed the shop's logo")},
	{"settings.logo_delete", N_("Removed the shop's logo")},
	{"workflow.new", N_("Added a workflow")},
	{"workflow.edit", N_("Changed the workflow")},
	{"workflow.texts", N_("Changed the workflow's wording in another language")},
	{"passport.new", N_("Issued a passport")},
	{"passport.edit", N_("Edited the passport")},
	{"passport.event", N_("Added to the passport's history")},
	{"passport.transfer", N_("Transferred the passport")},
	{"passport.lost", N_("Reported the piece lost or stolen")},
	{"passport.found", N_("Cleared the lost-or-stolen report")},
	{"passport.public", N_("Made the passport public")},
	{"passport.private", N_("Made the passport private")},
	{"passport.delete", N_("Deleted the passport")},
	{"passport.undelete", N_("Restored the passport")},
	{"passport.photo_add", N_("Added a photo to the passport")},
	{"passport.photo_delete", N_("Deleted a photo of the passport")},
	{"user.add", N_("Added a staff account")},
	{"user.edit", N_("Changed a staff account")},
	{"user.password", N_("Set a new password for a staff account")},
	{"user.remove", N_("Removed a staff account")},
};

static const struct { const char *key, *label; } fields[] = {
	{"customer_name", N_("Customer name")},
	{"customer_phone", N_("Phone")},
	{"customer_email", N_("Email")},
	{"item_type", N_("Item")},
	{"item_description", N_("Description")},
	{"problem", N_("Work requested")},
	{"due_date", N_("Estimated completion")},
	{"internal_notes", N_("Internal notes")},
	{"quoted", N_("Quoted")},
	{"deposit", N_("Deposit")},
	{"design_brief", N_("Design brief")},
	{"budget", N_("Budget")},
	{"invoice_url", N_("Invoice link")},
	{"notify_channel", N_("Messages to the customer")},
	{"language", N_("Language")},
	{"stage", N_("Stage")},
	{"link", N_("Customer link")},
	{"status", N_("Status")},
	{"photo", N_("Photo")},
	{"jobs", N_("Jobs")},
	{"title", N_("Title")},
	{"owner_name", N_("Owner")},
	{"owner_email", N_("Owner's email")},
	{"owner_purchase_date", N_("Owner since")},
	{"owner_price", N_("Price paid")},
	{"owner_public", N_("Owner shown publicly")},
	{"visibility", N_("Visibility")},
	{"lost_stolen", N_("Lost or stolen")},
	{"latest_event", N_("Latest history entry")},
	{"name", N_("Name")},
	{"prefix", N_("Prefix")},
	{"retention_days", N_("Keep finished jobs' pages for (days)")},
	{"tracking", N_("Customer tracking")},
	{"username", N_("Username")},
	{"role", N_("Role")},
};

static const char *action_label(const char *code)
{
	for (size_t i = 0; i < HM_NELEM(actions); i++)
		if (!strcmp(code, actions[i].code))
			return _(actions[i].label);
	return code;
}

/* A field's label; one with none is shown by its key, "_" as spaces. */
static const char *field_label(const char *key, char *buf, size_t n)
{
	for (size_t i = 0; i < HM_NELEM(fields); i++)
		if (!strcmp(key, fields[i].key))
			return _(fields[i].label);
	snprintf(buf, n, "%s", key);
	for (char *p = buf; *p; p++)
		if (*p == '_')
			*p = ' ';
	if (*buf >= 'a' && *buf <= 'z')
		*buf = (char)(*buf - 'a' + 'A');
	return buf;
}

/* Where an object's own page is, "" for none (a removed account). */
static void object_link(const struct audit_row *r, char *out, size_t n)
{
	*out = '\0';
	if (!strcmp(r->kind, "shop"))
		snprintf(out, n, "/admin/settings");
	else if (!*r->object_label)
		return;
	else if (!strcmp(r->kind, "job"))
		snprintf(out, n, "/admin/jobs/%lld", (long long)r->object_id);
	else if (!strcmp(r->kind, "passport"))
		snprintf(out, n, "/admin/passports/%lld", (long long)r->object_id);
	else if (!strcmp(r->kind, "workflow"))
		snprintf(out, n, "/admin/workflows/%lld", (long long)r->object_id);
	else if (!strcmp(r->kind, "user"))
		snprintf(out, n, "/admin/users/%lld", (long long)r->object_id);
}

void page_audit(struct staff *a)
{
	const struct req *r = &a->w.req;
	int64_t page = req_int(r, A_PAGE, 1);
	const char *object = req_val(r, A_OBJECT);
	int64_t object_id = req_int(r, A_OBJECT_ID, 0);
	enum audit_kind kind = AUDIT_NKINDS;
	struct audit_list l;
	struct shop s;

	if (object && object_id)
		for (int k = 0; k < AUDIT_NKINDS; k++)
			if (!strcmp(object, audit_kind_names[k]))
				kind = (enum audit_kind)k;
	enum hm_rc rc = shop_get(a->db, a->user.shop_id, &s);
	if (rc != HM_OK) {
		web_fail(&a->w, rc);
		return;
	}
	if ((rc = audit_list(a->db, a->user.shop_id, kind, object_id, (size_t)(page - 1) * PER_PAGE,
	    PER_PAGE, &l)) != HM_OK) {
		shop_free(&s);
		web_fail(&a->w, rc);
		return;
	}
	struct tctx *c = admin_ctx(a, _("Audit trail"), "audit");
	for (size_t i = 0; i < l.n; i++) {
		const struct audit_row *row = &l.v[i];
		struct tctx *it = tctx_add_item(c, "rows");
		char when[64], iso[21], link[64], fb[128];
		fmt_time(row->at, s.timezone, when, sizeof when);
		fmt_iso(row->at, iso);
		object_link(row, link, sizeof link);
		tctx_set(it, "when", when);
		tctx_set(it, "iso", iso);
		tctx_set(it, "who", row->user_name);
		tctx_set(it, "what", action_label(row->action));
		tctx_set(it, "object", !strcmp(row->kind, "shop") ? _("Settings") : row->object_label);
		tctx_set(it, "link", link);
		if (*row->field) {
			tctx_set(it, "field", field_label(row->field, fb, sizeof fb));
			tctx_set(it, "old", row->old_value);
			tctx_set(it, "new", row->new_value);
			tctx_set_bool(it, "change", 1);
		} else if (*row->new_value && strcmp(row->new_value, row->object_label)) {
			tctx_set(it, "new", row->new_value);
		}
	}
	if (kind != AUDIT_NKINDS) {
		tctx_set(c, "object", object);
		tctx_set_int(c, "object_id", object_id);
		tctx_set_bool(c, "filtered", 1);
	}
	admin_paging(c, l.total, page, PER_PAGE);
	web_page(&a->w, 200, "admin_audit", c);
	tctx_free(c);
	audit_list_free(&l);
	shop_free(&s);
}
