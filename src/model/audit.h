/* The audit trail: who changed what in a shop, with the value before and
 * after, written in the same transaction as the change (schema/011). A
 * change is recorded by comparing snapshots of the object taken inside the
 * transaction, before and after: each snapshot names the fields people
 * see, never a password, its hash or a tracking ID. */
#ifndef HM_AUDIT_H
#define HM_AUDIT_H

#include <sqlite3.h>
#include <stdint.h>
#include <time.h>

#include "db.h"

enum audit_kind { AUDIT_JOB, AUDIT_PASSPORT, AUDIT_WORKFLOW, AUDIT_SHOP, AUDIT_USER, AUDIT_NKINDS };

/* "job", "passport", "workflow", "shop", "user": the stored object_kind. */
extern const char *const audit_kind_names[AUDIT_NKINDS];

/* Who the request's changes are by: the signed-in user (the staff gate
 * sets it), or 0 for hallmarkctl. */
void audit_actor(int64_t user_id);

/* Records what the request's next write transaction changes in object id
 * of kind k in shop shop_id (db_watch): a snapshot as the transaction
 * begins, rows for the fields that differ just before it commits. id 0:
 * the object the transaction creates (the shop's newest of its kind), one
 * row naming it. always: one row with no field even when no field shown
 * changed (a new password, a replaced link). action is a literal. */
void audit_watch(enum audit_kind k, int64_t shop_id, int64_t id, const char *action, int always);

/* Records what the request's next write transaction does to one photo
 * of object owner_id of kind k (a job's or a passport's photo, the shop's
 * logo): photo_id, or 0 for the photo the transaction adds (the owner's
 * newest). One row, field "photo", with what the photo was and is
 * ("private photo", "design proof", "logo", ...; none when deleted), when
 * that changed. action is a literal. */
void audit_watch_photo(enum audit_kind k, int64_t shop_id, int64_t owner_id, int64_t photo_id,
    const char *action);

/* Inside the caller's write transaction, one row as given (field, old_v
 * and new_v may be NULL): for a change no snapshot shows, such as the
 * danger zone's wipe of every job. */
enum hm_rc audit_note(sqlite3 *db, enum audit_kind k, int64_t shop_id, int64_t id,
    const char *action, const char *field, const char *old_v, const char *new_v, time_t now);

/* Inside the caller's write transaction, what audit_watch does at its
 * end: before is audit_snapshot's from the start of the transaction (NULL:
 * the object is new). */
enum hm_rc audit_record(sqlite3 *db, enum audit_kind k, int64_t shop_id, int64_t id,
    const char *action, const char *before, int always, time_t now);

/* The object's fields as a JSON object, heap; NULL when there is no such
 * object in the shop (or on error). */
char *audit_snapshot(sqlite3 *db, enum audit_kind k, int64_t shop_id, int64_t id);

struct audit_row {
	int64_t id, at, object_id;
	char *user_name, *action, *kind, *field, *old_value, *new_value;
	char *object_label;	/* "#1042", a title, a name; "" when the object is gone */
};

struct audit_list {
	struct audit_row *v;
	size_t n;
	size_t total;	/* rows matching, for paging */
};

/* A shop's audit trail, newest first; of one object when kind is not
 * AUDIT_NKINDS (id as well). */
enum hm_rc audit_list(sqlite3 *db, int64_t shop_id, enum audit_kind kind, int64_t id,
    size_t offset, size_t limit, struct audit_list *out);
void audit_list_free(struct audit_list *l);

#endif
