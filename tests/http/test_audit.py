"""The audit trail (/admin/audit): who changed what, with before and after,
for job edits and moves, settings, workflows, passports and staff accounts;
written with the change or not at all; never a password or tracking ID;
paginated; a job's rows go when the job is purged."""

import re

from harness import STAFF_PASSWORD, Client, StaffServer, issue_passport, visible_text
from test_workflows import edit as edit_workflow, form_of


def rows(s, kind=None):
    q = "SELECT user_name, action, object_kind, field, old_value, new_value FROM audit"
    if kind:
        return s.sql(q + " WHERE object_kind = ? ORDER BY id", kind)
    return s.sql(q + " ORDER BY id")


def edit_job(c, job, **changes):
    page = c.get("/admin/jobs/%d/edit" % job)
    fields = form_of(page, "/admin/jobs/%d/edit" % job)
    fields.update(changes)
    return c.post("/admin/jobs/%d/edit" % job, fields, csrf=False)


def test_job_edits_and_moves_show_who_before_and_after():
    with StaffServer() as s:
        s.ctl("user", "add", "shop", "helper", "Helen Helper", "--staff",
              stdin="helper password 1\n")
        owner = Client(s)
        owner.login()
        job, tid = owner.book_in(customer_name="Ada Lovelace", quoted="120")
        assert edit_job(owner, job, customer_name="Ada King", quoted="135.50").status == 303
        helper = Client(s, source="127.0.0.7")
        helper.login("helper", "helper password 1")
        helper.move(job, "In progress")
        got = rows(s, "job")
        assert ("Sam Staff", "job.edit", "job", "customer_name", "Ada Lovelace", "Ada King") in got
        assert ("Sam Staff", "job.edit", "job", "quoted", "120.00", "135.50") in got
        assert ("Helen Helper", "job.stage", "job", "stage", "Booked in", "In progress") in got
        # Fields that did not change are not listed.
        assert not [r for r in got if r[3] == "item_type"]
        # Moving to the stage it is in changes nothing, so records nothing.
        n = len(got)
        helper.move(job, "In progress")
        assert len(rows(s, "job")) == n

        # Staff (not only owners) read it, as a person would.
        page = helper.get("/admin/audit")
        assert page.status == 200
        text = visible_text(page.text)
        assert "Edited the job" in text and "Customer name" in text
        assert "Ada Lovelace" in text and "Ada King" in text
        assert "Moved the job" in text and "Helen Helper" in text
        number = s.sql("SELECT number FROM jobs WHERE id = ?", job)[0][0]
        assert 'href="/admin/jobs/%d">#%d</a>' % (job, number) in page.text
        # One job's changes only.
        other, _ = owner.book_in(customer_name="Someone Else")
        edit_job(owner, other, customer_name="Someone Other")
        page = owner.get("/admin/audit?object=job&object_id=%d" % job)
        assert "Ada King" in page.text and "Someone Other" not in page.text
        assert "Someone Other" in owner.get("/admin/audit").text
        # The tracking ID (the customer's key) is never in it.
        assert tid.replace("-", "") not in str(s.sql("SELECT * FROM audit")).replace("-", "")


def test_link_delete_and_replace_are_recorded_without_the_id():
    with StaffServer() as s:
        c = Client(s)
        c.login()
        job, tid = c.book_in()
        c.get("/admin/jobs/%d" % job)
        for action in ("revoke", "unrevoke", "rotate", "delete", "undelete"):
            # Replacing the link and deleting ask first: this is the confirmed post.
            form = {"confirm": "1"} if action in ("rotate", "delete") else {}
            assert c.post("/admin/jobs/%d/%s" % (job, action), form, fk=True).status == 303, action
        got = [(r[1], r[3], r[4], r[5]) for r in rows(s, "job")]
        assert ("job.revoke", "link", "active", "revoked") in got
        assert ("job.unrevoke", "link", "revoked", "active") in got
        assert ("job.replace_link", None, None, None) in got
        assert ("job.delete", "status", "active", "deleted") in got
        assert ("job.undelete", "status", "deleted", "active") in got
        new_tid = s.sql("SELECT tracking_id FROM jobs WHERE id = ?", job)[0][0]
        dump = str(s.sql("SELECT * FROM audit"))
        assert tid not in dump and new_tid not in dump
        assert "Replaced the customer&#39;s link" in c.get("/admin/audit").text or \
            "Replaced the customer's link" in visible_text(c.get("/admin/audit").text)
        # The job's page leads to its own rows.
        link = "/admin/audit?object=job&amp;object_id=%d" % job
        assert link in c.get("/admin/jobs/%d" % job).text
        assert "Replaced the customer's link" in visible_text(c.get(link.replace("&amp;", "&")).text)


def test_settings_workflow_passport_and_account_changes():
    with StaffServer() as s:
        c = Client(s)
        c.login()
        page = c.get("/admin/settings")
        fields = form_of(page, "/admin/settings")
        fields.update(name="Gold & Co", retention_days="30", currency="EUR", business_label="vat")
        assert c.post("/admin/settings", fields, csrf=False).status in (200, 303)
        got = rows(s, "shop")
        assert ("Sam Staff", "settings", "shop", "name", "Test Jewellers", "Gold & Co") in got
        assert ("Sam Staff", "settings", "shop", "retention_days", "90", "30") in got
        assert [r for r in got if r[3] == "currency" and r[5] == "EUR"], got
        assert ("Sam Staff", "settings", "shop", "business_number_label", "abn", "vat") in got

        # A notification's wording is a setting too.
        c.get("/admin/settings/messages")
        mine = "Hello {customer_name}, follow your {item} here: {tracking_url}"
        r = c.post("/admin/settings/messages", {"message": "booked_in", "subject": "Your {item}",
                                                "body": mine})
        assert r.status == 303
        got = rows(s, "shop")
        assert ("Sam Staff", "settings.messages", "shop", "booked_in (en) text", None, mine) in got
        assert "Changed a message text" in c.get("/admin/audit").text

        wid = s.sql("SELECT id FROM workflows WHERE prefix = 'RPR'")[0][0]

        def rename(f):
            f["name"] = "Repairs & Fixes"
            f["stage_2_label"] = "Being fixed"
        assert edit_workflow(c, wid, rename).status == 303
        got = rows(s, "workflow")
        assert ("Sam Staff", "workflow.edit", "workflow", "name", "Repair", "Repairs & Fixes") in got
        assert [r for r in got if r[3] == "stage 2" and r[5] == "Being fixed"]

        pid, _ = issue_passport(c, title="Heirloom ring", metal_type="Gold")
        assert ("Sam Staff", "passport.new", "passport", None, None, "Heirloom ring") in rows(s, "passport")
        page = c.get("/admin/passports/%d/edit" % pid)
        fields = form_of(page, "/admin/passports/%d/edit" % pid)
        fields.update(metal_type="Platinum")
        assert c.post("/admin/passports/%d/edit" % pid, fields, csrf=False).status == 303
        c.get("/admin/passports/%d" % pid)
        assert c.post("/admin/passports/%d/public" % pid, {}, fk=True).status == 303
        c.get("/admin/passports/%d" % pid)
        assert c.post("/admin/passports/%d/private" % pid, {"confirm": "1"}, fk=True).status == 303
        got = rows(s, "passport")
        assert ("Sam Staff", "passport.edit", "passport", "metal_type", "Gold", "Platinum") in got
        assert ("Sam Staff", "passport.private", "passport", "visibility", "public", "private") in got
        page = c.get("/admin/audit?object=passport&object_id=%d" % pid)
        assert "Platinum" in page.text and "Made the passport private" in page.text

        c.get("/admin/users")
        r = c.post("/admin/users", {"username": "newbie", "name": "New Person", "user_role": "staff",
                                    "new_password": "a secret one 9", "new_password2": "a secret one 9"},
                   fk=True)
        uid = int(r.header("Location").split("?")[0].rsplit("/", 1)[1])
        c.get("/admin/users/%d" % uid)
        c.post("/admin/users/%d" % uid, {"name": "New Person", "user_role": "owner"}, fk=True)
        c.post("/admin/users/%d/password" % uid, {"new_password": "another secret 8",
                                                 "new_password2": "another secret 8"}, fk=True)
        got = rows(s, "user")
        assert ("Sam Staff", "user.add", "user", None, None, "newbie") in got
        assert ("Sam Staff", "user.edit", "user", "role", "staff", "owner") in got
        assert ("Sam Staff", "user.password", "user", None, None, None) in got
        # No password, and no password hash, ever.
        dump = str(s.sql("SELECT * FROM audit"))
        for secret in ("a secret one 9", "another secret 8", STAFF_PASSWORD, "$argon2"):
            assert secret not in dump
        text = visible_text(c.get("/admin/audit?object=user&object_id=%d" % uid).text)
        assert "Set a new password for a staff account" in text and "Role" in text


def test_a_refused_or_repeated_change_records_nothing_more():
    with StaffServer() as s:
        c = Client(s)
        c.login()
        job, _ = c.book_in()
        page = c.get("/admin/jobs/%d/edit" % job)
        fields = form_of(page, "/admin/jobs/%d/edit" % job)
        bad = dict(fields, customer_name="x" * 500)
        assert c.post("/admin/jobs/%d/edit" % job, bad, csrf=False).status == 422
        assert rows(s, "job") == []
        good = dict(fields, customer_name="Grace Hopper")
        assert c.post("/admin/jobs/%d/edit" % job, good, csrf=False).status == 303
        assert c.post("/admin/jobs/%d/edit" % job, good, csrf=False).status == 303
        assert len(rows(s, "job")) == 1
        # A staff member refused by the gate writes nothing either.
        s.ctl("user", "add", "shop", "helper", "Helen", "--staff", stdin="helper password 1\n")
        h = Client(s, source="127.0.0.7")
        h.login("helper", "helper password 1")
        h.get("/admin/jobs")
        n = len(rows(s))
        assert h.post("/admin/settings", {"name": "Mine now"}).status == 403
        assert len(rows(s)) == n and rows(s, "shop") == []


def test_pages_and_purge():
    with StaffServer() as s:
        c = Client(s)
        c.login()
        job, _ = c.book_in()
        shop = s.sql("SELECT id FROM shops")[0][0]
        for i in range(120):
            s.sql("INSERT INTO audit(shop_id, at, user_id, user_name, action, object_kind, "
                  "object_id, field, old_value, new_value) VALUES(?, ?, NULL, 'Old Hand', "
                  "'job.edit', 'job', ?, 'problem', ?, ?)", shop, 1700000000 + i, job,
                  "before %d" % i, "after %d" % i)
        page = c.get("/admin/audit")
        assert "Page 1 of 3" in page.text and "after 119" in page.text
        assert "after 69" not in page.text and "?page=2" in page.text
        page = c.get("/admin/audit?page=2")
        assert "Page 2 of 3" in page.text and "after 69" in page.text and "after 119" not in page.text
        assert "after 10" in c.get("/admin/audit?page=3").text
        assert c.get("/admin/audit?page=0").status == 400 or c.get("/admin/audit?page=0").status == 422 \
            or "Page" in c.get("/admin/audit?page=0").text
        # Retention: a finished job past its period goes with its audit rows,
        # so the trail never keeps a customer's details longer than the job.
        c.move(job, "Completed")
        s.sql("UPDATE jobs SET closed_at = closed_at - 200 * 86400 WHERE id = ?", job)
        assert "purged 1 job" in s.ctl("purge").stdout
        assert s.sql("SELECT count(*) FROM audit WHERE object_kind = 'job'")[0][0] == 0
        page = c.get("/admin/audit").text
        assert "Old Hand" not in page and "Edited the job" not in page
        # What was not about the job stays: the account hallmarkctl added.
        assert "Added a staff account" in page
