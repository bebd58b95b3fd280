/* The staff pages' routes, as X-macros so the fuzzer (tests/fuzz/fuzz_route.c)
 * matches the very patterns the executables use. X(method, pattern, access,
 * handler); '#' in a pattern stands for one path segment of digits. Access
 * is STAFF_OPEN, STAFF_SIGNED_IN or STAFF_OWNER (the shop's settings,
 * workflows, message texts, logo, danger zone and staff accounts: a staff
 * member gets 403). */
#ifndef HM_ADMIN_ROUTES_H
#define HM_ADMIN_ROUTES_H

/* admin.cgi: /admin/... */
#define ADMIN_ROUTES(X) \
	X(METHOD_GET, "/login", STAFF_OPEN, page_login) \
	X(METHOD_POST, "/login", STAFF_OPEN, do_login) \
	X(METHOD_POST, "/logout", STAFF_SIGNED_IN, do_logout) \
	X(METHOD_GET, "/password", STAFF_SIGNED_IN, page_password) \
	X(METHOD_POST, "/password", STAFF_SIGNED_IN, do_password) \
	X(METHOD_GET, "/jobs", STAFF_SIGNED_IN, page_jobs) \
	X(METHOD_GET, "/jobs/new", STAFF_SIGNED_IN, page_job_new) \
	X(METHOD_POST, "/jobs/new", STAFF_SIGNED_IN, do_job_new) \
	X(METHOD_GET, "/jobs/#", STAFF_SIGNED_IN, page_job) \
	X(METHOD_GET, "/jobs/#/edit", STAFF_SIGNED_IN, page_job_edit) \
	X(METHOD_POST, "/jobs/#/edit", STAFF_SIGNED_IN, do_job_edit) \
	X(METHOD_POST, "/jobs/#/stage", STAFF_SIGNED_IN, do_job_stage) \
	X(METHOD_POST, "/jobs/#/revoke", STAFF_SIGNED_IN, do_job_revoke) \
	X(METHOD_POST, "/jobs/#/unrevoke", STAFF_SIGNED_IN, do_job_unrevoke) \
	X(METHOD_POST, "/jobs/#/delete", STAFF_SIGNED_IN, do_job_delete) \
	X(METHOD_POST, "/jobs/#/undelete", STAFF_SIGNED_IN, do_job_undelete) \
	X(METHOD_POST, "/jobs/#/rotate", STAFF_SIGNED_IN, do_job_rotate) \
	X(METHOD_POST, "/jobs/#/message", STAFF_SIGNED_IN, do_job_message) \
	X(METHOD_POST, "/jobs/#/notify", STAFF_SIGNED_IN, do_job_notify) \
	X(METHOD_POST, "/passports/#/notify", STAFF_SIGNED_IN, do_passport_notify) \
	X(METHOD_GET, "/messages", STAFF_SIGNED_IN, page_messages) \
	X(METHOD_POST, "/jobs/#/photo", STAFF_SIGNED_IN, do_job_photo) \
	X(METHOD_GET, "/passports", STAFF_SIGNED_IN, page_passports) \
	X(METHOD_GET, "/passports/new", STAFF_SIGNED_IN, page_passport_new) \
	X(METHOD_POST, "/passports/new", STAFF_SIGNED_IN, do_passport_new) \
	X(METHOD_GET, "/passports/#", STAFF_SIGNED_IN, page_passport) \
	X(METHOD_GET, "/passports/#/edit", STAFF_SIGNED_IN, page_passport_edit) \
	X(METHOD_POST, "/passports/#/edit", STAFF_SIGNED_IN, do_passport_edit) \
	X(METHOD_POST, "/passports/#/event", STAFF_SIGNED_IN, do_passport_event) \
	X(METHOD_POST, "/passports/#/transfer", STAFF_SIGNED_IN, do_passport_transfer) \
	X(METHOD_POST, "/passports/#/lost", STAFF_SIGNED_IN, do_passport_lost) \
	X(METHOD_POST, "/passports/#/found", STAFF_SIGNED_IN, do_passport_found) \
	X(METHOD_POST, "/passports/#/public", STAFF_SIGNED_IN, do_passport_public) \
	X(METHOD_POST, "/passports/#/private", STAFF_SIGNED_IN, do_passport_private) \
	X(METHOD_POST, "/passports/#/delete", STAFF_SIGNED_IN, do_passport_delete) \
	X(METHOD_POST, "/passports/#/undelete", STAFF_SIGNED_IN, do_passport_undelete) \
	X(METHOD_POST, "/passports/#/primary", STAFF_SIGNED_IN, do_passport_primary) \
	X(METHOD_GET, "/photo/#", STAFF_SIGNED_IN, page_photo) \
	X(METHOD_GET, "/settings", STAFF_OWNER, page_settings) \
	X(METHOD_POST, "/settings", STAFF_OWNER, do_settings) \
	X(METHOD_GET, "/settings/messages", STAFF_OWNER, page_message_texts) \
	X(METHOD_POST, "/settings/messages", STAFF_OWNER, do_message_text) \
	X(METHOD_GET, "/danger", STAFF_OWNER, page_danger) \
	X(METHOD_POST, "/danger", STAFF_OWNER, do_danger) \
	X(METHOD_GET, "/workflows", STAFF_OWNER, page_workflows) \
	X(METHOD_GET, "/workflows/new", STAFF_OWNER, page_workflow_new) \
	X(METHOD_POST, "/workflows/new", STAFF_OWNER, do_workflow_new) \
	X(METHOD_GET, "/workflows/#", STAFF_OWNER, page_workflow) \
	X(METHOD_POST, "/workflows/#", STAFF_OWNER, do_workflow) \
	X(METHOD_GET, "/workflows/#/texts", STAFF_OWNER, page_workflow_texts) \
	X(METHOD_POST, "/workflows/#/texts", STAFF_OWNER, do_workflow_texts) \
	X(METHOD_GET, "/users", STAFF_OWNER, page_users) \
	X(METHOD_POST, "/users", STAFF_OWNER, do_user_new) \
	X(METHOD_GET, "/users/#", STAFF_OWNER, page_user) \
	X(METHOD_POST, "/users/#", STAFF_OWNER, do_user_edit) \
	X(METHOD_POST, "/users/#/password", STAFF_OWNER, do_user_password) \
	X(METHOD_POST, "/users/#/disable", STAFF_OWNER, do_user_disable) \
	X(METHOD_POST, "/users/#/enable", STAFF_OWNER, do_user_enable) \
	X(METHOD_GET, "/audit", STAFF_SIGNED_IN, page_audit)

/* upload.cgi: /admin/upload/..., every one a signed-in POST. */
#define UPLOAD_ROUTES(X) \
	X(METHOD_POST, "/passport/#", STAFF_SIGNED_IN, do_upload) \
	X(METHOD_POST, "/passport/#/delete", STAFF_SIGNED_IN, do_delete) \
	X(METHOD_POST, "/job/#", STAFF_SIGNED_IN, do_job_upload) \
	X(METHOD_POST, "/job/#/delete", STAFF_SIGNED_IN, do_job_delete) \
	X(METHOD_POST, "/logo", STAFF_OWNER, do_logo_upload) \
	X(METHOD_POST, "/logo/delete", STAFF_OWNER, do_logo_delete)

#endif
