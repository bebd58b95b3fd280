/* The message thread of a job: the customer writes from the order page,
 * staff reply from the job page. Customer messages stay unread until a
 * staff member opens the job. */
#ifndef HM_MESSAGES_H
#define HM_MESSAGES_H

#include <sqlite3.h>
#include <stdint.h>
#include <time.h>

#include "db.h"

/* Characters (not bytes) a message may have. */
#define MSG_MAX_CHARS 2000

struct message {
	int64_t id, at;
	int from_customer;
	int unread;
	char *body, *user_name;	/* user_name: the staff member, "" for the customer */
};

struct message_list {
	struct message *v;
	size_t n;
};

/* One row of the shop's inbox: a job with a thread. */
struct inbox_row {
	int64_t job_id, last_at;
	int unread, last_from_customer;
	char *tracking_id, *customer_name, *item_type, *last_body;
};

struct inbox_list {
	struct inbox_row *v;
	size_t n, total;
};

/* Adds a message inside the caller's transaction. */
enum hm_rc msg_insert(sqlite3 *db, int64_t job_id, int from_customer, int64_t user_id,
    const char *body, time_t now);
/* A customer's message to the job behind a public tracking ID, in its own
 * BEGIN IMMEDIATE transaction that checks the job is still public (the
 * same rules as job_get_public); HM_NOTFOUND when it is not. */
struct notify_env;
/* The customer's message; the shop is told (notify_staff) when env is set. */
enum hm_rc msg_post_customer(sqlite3 *db, const char *tracking_id, const char *body, time_t now,
    const struct notify_env *env);
/* A staff reply on a job of the shop that is not deleted. */
/* A staff reply; the customer is notified (NK_STAFF_REPLY) when env is set. */
enum hm_rc msg_post_staff(sqlite3 *db, int64_t shop_id, int64_t job_id, int64_t user_id,
    const char *body, time_t now, const struct notify_env *env);
/* The thread, oldest first. The caller has checked the job's shop or its
 * public tracking ID. */
enum hm_rc msg_list(sqlite3 *db, int64_t job_id, struct message_list *out);
void msg_list_free(struct message_list *l);
/* Marks the customer's messages on a job of the shop read. */
enum hm_rc msg_mark_read(sqlite3 *db, int64_t shop_id, int64_t job_id, time_t now);
/* Jobs of the shop with messages: unread first, then by latest message. */
enum hm_rc msg_inbox(sqlite3 *db, int64_t shop_id, size_t offset, size_t limit,
    struct inbox_list *out);
void inbox_list_free(struct inbox_list *l);
/* Unread customer messages across the shop's live jobs; 0 on error. */
int msg_unread_total(sqlite3 *db, int64_t shop_id);
/* 1 when body is fit to store: not blank and at most MSG_MAX_CHARS. */
int msg_body_ok(const char *body);

#endif
