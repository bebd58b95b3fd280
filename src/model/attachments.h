/* Photos attached to passports and jobs, and shop logos: rows in `attachments`,
 * files under media_dir named <stored_name>-d.jpg / -t.jpg. Staff calls are
 * scoped by shop; the public rule (media.cgi) lives here too, so the pages
 * that link photos and the CGI that serves them cannot disagree. */
#ifndef HM_ATTACHMENTS_H
#define HM_ATTACHMENTS_H

#include <sqlite3.h>
#include <stdint.h>
#include <time.h>

#include "db.h"
#include "model.h"

#define ATTACH_NAME_LEN 32	/* hex characters of stored_name */
/* Live photos one owner may have: a passport page is not an archive, and
 * this bounds what one staff account can put on the disk. */
#define ATTACH_MAX_PER_OWNER 30

struct attachment {
	int64_t id, shop_id, owner_id;
	char owner_kind[16];	/* "passport", "job" or "shop" */
	char role[16];		/* "primary", "gallery"; "photo", "proof"; "logo" */
	char stored_name[ATTACH_NAME_LEN + 1];
	int is_public;
	int display_w, display_h;
	int64_t bytes, created_at;
};

struct attachment_list {
	struct attachment *v;
	size_t n;
};

/* What upload.cgi stores after writing the files. */
struct attachment_new {
	int64_t shop_id, owner_id;
	const char *owner_kind, *role;
	const char *stored_name;
	int is_public;
	int display_w, display_h;
	int64_t bytes;
};

/* The live photos of an owner: primary first, then the rest oldest first.
 * public_only keeps is_public ones. The caller has already checked the
 * owner belongs to the right shop (or is public). Free with
 * attachment_list_free. */
enum hm_rc attachment_list(sqlite3 *db, const char *owner_kind, int64_t owner_id,
    int public_only, struct attachment_list *out);
void attachment_list_free(struct attachment_list *l);
/* One live photo of the shop (any owner); HM_NOTFOUND otherwise. */
enum hm_rc attachment_get(sqlite3 *db, int64_t shop_id, int64_t id, struct attachment *out);

/* HM_OK when the owner exists in the shop and is not deleted, else
 * HM_NOTFOUND (another shop's owner reads exactly like a missing one). */
enum hm_rc attachment_owner_check(sqlite3 *db, int64_t shop_id, const char *owner_kind,
    int64_t owner_id);

/* Records an uploaded photo in one BEGIN IMMEDIATE transaction: checks the
 * owner again (HM_NOTFOUND), the per-owner limit (HM_CONFLICT), and for a
 * primary or a logo marks the previous one deleted. A proof is always
 * stored public, whatever is_public says. */
enum hm_rc attachment_add(sqlite3 *db, const struct attachment_new *in, time_t now,
    int64_t *id);

/* Soft-deletes one live photo of an owner of the shop; HM_NOTFOUND when
 * there is no such live photo in that shop. */
enum hm_rc attachment_delete(sqlite3 *db, int64_t shop_id, const char *owner_kind,
    int64_t owner_id, int64_t id, time_t now);

/* Sets the role ("photo" or "proof") and visibility of one live photo of
 * a job of the shop that is not deleted; HM_NOTFOUND otherwise. A proof
 * is shown to the customer for a decision, so role "proof" makes it
 * public whatever is_public says. */
enum hm_rc attachment_set_job(sqlite3 *db, int64_t shop_id, int64_t job_id, int64_t id,
    const char *role, int is_public);

/* Makes one live photo of a passport of the shop its primary photo (the
 * one leading the public page); the one that was primary becomes a gallery
 * photo. HM_NOTFOUND when the photo is not that passport's. */
enum hm_rc attachment_set_primary(sqlite3 *db, int64_t shop_id, int64_t passport_id, int64_t id);

/* What the customer's order page shows, in one query: the job's live
 * public photos and proofs, and its shop's live logo, oldest first. Fills
 * id, owner_kind, role, stored_name and the display size only. The caller
 * has checked the job is live. Free with attachment_list_free. */
enum hm_rc attachment_list_order(sqlite3 *db, int64_t job_id, struct attachment_list *out);

/* The shop's live logo; HM_NOTFOUND when it has none. */
enum hm_rc attachment_shop_logo(sqlite3 *db, int64_t shop_id, struct attachment *out);

/* HM_OK when the file stem stored_name may be served to the public: the
 * row is live and public and so is its owner (a public, undeleted
 * passport; a job whose link is not revoked, which is not deleted and not
 * past its shop's retention period at now: JOB_PUBLIC_SQL; the shop, for
 * its logo). HM_NOTFOUND otherwise. */
enum hm_rc attachment_public_ok(sqlite3 *db, const char *stored_name, time_t now);

/* The file name of a version: kind 'd' (display) or 't' (thumbnail). */
void attachment_file(const struct attachment *a, char kind, char out[ATTACH_NAME_LEN + 7]);

#endif
