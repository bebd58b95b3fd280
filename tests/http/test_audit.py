"""The audit trail (/admin/audit): who changed what, with before and after,
for jobs booked in, edited and moved, their photos, the danger zone's wipe,
settings (the logo, hallmarkctl shop edit), workflows, passports and staff
accounts;
written with the change or not at all; never a password or tracking ID;
paginated; a job's rows go when the job is purged."""

import re

from harness import STAFF_PASSWORD, Client, StaffServer, issue_passport, visible_text
from test_job_photos import JobStaff
from test_photos import jpeg, png
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
        booked = rows(s, "job")
        page = c.get("/admin/jobs/%d/edit" % job)
        fields = form_of(page, "/admin/jobs/%d/edit" % job)
        bad = dict(fields, customer_name="x" * 500)
        assert c.post("/admin/jobs/%d/edit" % job, bad, csrf=False).status == 422
        assert rows(s, "job") == booked
        good = dict(fields, customer_name="Grace Hopper")
        assert c.post("/admin/jobs/%d/edit" % job, good, csrf=False).status == 303
        assert c.post("/admin/jobs/%d/edit" % job, good, csrf=False).status == 303
        assert len(rows(s, "job")) == len(booked) + 1
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


def test_booking_in_photos_and_the_logo_are_recorded():
    with StaffServer() as s:
        c = JobStaff(s)
        c.login()
        job, tid = c.book_in(item_type="Pocket watch")
        assert ("Sam Staff", "job.new", "job", None, None, "Pocket watch") in rows(s, "job")
        # A repeated booking (the same form key) records nothing more.
        assert len([r for r in rows(s, "job") if r[1] == "job.new"]) == 1

        c.get("/admin/jobs/%d" % job)
        assert c.upload_job(job, jpeg([[120, 60]] * 2)).status == 303
        [aid] = [r[0] for r in s.sql("SELECT id FROM attachments WHERE owner_kind = 'job'")]
        c.get("/admin/jobs/%d" % job)
        assert c.set_photo(job, aid, "photo", True).status == 303
        c.get("/admin/jobs/%d" % job)
        assert c.set_photo(job, aid, "proof", True).status == 303
        c.get("/admin/jobs/%d" % job)
        assert c.set_photo(job, aid, "proof", True).status == 303     # no change: no row
        c.get("/admin/jobs/%d" % job)
        assert c.set_photo(job, aid, "photo", False).status == 303
        c.get("/admin/jobs/%d" % job)
        assert c.post("/admin/upload/job/%d/delete" % job, {"attachment": str(aid)}).status == 303
        got = [r for r in rows(s, "job") if r[3] == "photo"]
        assert got == [
            ("Sam Staff", "job.photo_add", "job", "photo", None, "private photo"),
            ("Sam Staff", "job.photo", "job", "photo", "private photo", "photo the customer sees"),
            ("Sam Staff", "job.photo", "job", "photo", "photo the customer sees", "design proof"),
            ("Sam Staff", "job.photo", "job", "photo", "design proof", "private photo"),
            ("Sam Staff", "job.photo_delete", "job", "photo", "private photo", None),
        ], got
        # Another shop's photo id changes nothing and records nothing.
        c.get("/admin/jobs/%d" % job)
        assert c.set_photo(job, aid + 100, "photo", True).status in (303, 404)
        assert len([r for r in rows(s, "job") if r[3] == "photo"]) == 5

        pid, _ = issue_passport(c, title="Signet ring")
        c.get("/admin/passports/%d" % pid)
        assert c.post_upload("/admin/upload/passport/%d" % pid, {"role": "gallery"},
                             png(300, 200), "ring.png", "image/png", True, None, None).status == 303
        paid = s.sql("SELECT max(id) FROM attachments WHERE owner_kind = 'passport'")[0][0]
        c.get("/admin/passports/%d" % pid)
        assert c.post("/admin/upload/passport/%d/delete" % pid, {"attachment": str(paid)}).status == 303
        got = [r for r in rows(s, "passport") if r[3] == "photo"]
        assert got == [("Sam Staff", "passport.photo_add", "passport", "photo", None, "gallery photo"),
                       ("Sam Staff", "passport.photo_delete", "passport", "photo", "gallery photo",
                        None)], got

        c.get("/admin/settings")
        assert c.upload_logo(png(400, 100)).status == 303
        c.get("/admin/settings")
        assert c.upload_logo(png(400, 120)).status == 303
        logo = s.sql("SELECT id FROM attachments WHERE role = 'logo' AND deleted_at IS NULL")[0][0]
        c.get("/admin/settings")
        assert c.post("/admin/upload/logo/delete", {"attachment": str(logo)}).status == 303
        got = [r for r in rows(s, "shop") if r[3] == "photo"]
        assert got == [("Sam Staff", "settings.logo", "shop", "photo", None, "logo"),
                       ("Sam Staff", "settings.logo", "shop", "photo", None, "logo"),
                       ("Sam Staff", "settings.logo_delete", "shop", "photo", "logo", None)], got

        text = visible_text(c.get("/admin/audit").text)
        for words in ("Booked in the job", "Added a photo to the job", "Changed a photo of the job",
                      "design proof", "Deleted a photo of the job", "Added a photo to the passport",
                      "Changed the shop's logo", "Removed the shop's logo"):
            assert words in text, words
        assert tid.replace("-", "") not in str(s.sql("SELECT * FROM audit")).replace("-", "")


def test_the_danger_zone_wipe_says_who_wiped_how_many_jobs():
    with StaffServer() as s:
        c = Client(s)
        c.login()
        for name in ("Ada", "Grace", "Edsger"):
            job, _ = c.book_in(customer_name=name)
        edit_job(c, job, customer_name="Edsger Dijkstra")
        c.get("/admin/danger")
        r = c.post("/admin/danger", {"confirm_name": "Test Jewellers"})
        assert r.status == 200 and "Deleted 3 jobs" in r.text
        # The jobs' own rows went with them; one row says who wiped them.
        assert rows(s, "job") == []
        assert rows(s, "shop") == [("Sam Staff", "shop.wipe", "shop", "jobs", "3", "0")]
        text = visible_text(c.get("/admin/audit").text)
        assert "Deleted all of the shop's jobs (danger zone)" in text and "Sam Staff" in text
        assert "Edsger" not in text


def test_hallmarkctl_shop_edit_is_recorded_as_hallmarkctl():
    with StaffServer() as s:
        s.ctl("shop", "edit", "shop", "--name", "Gold & Co", "--retention-days", "30")
        got = rows(s, "shop")
        assert ("hallmarkctl", "settings", "shop", "name", "Test Jewellers", "Gold & Co") in got
        assert ("hallmarkctl", "settings", "shop", "retention_days", "90", "30") in got
        c = Client(s)
        c.login()
        text = visible_text(c.get("/admin/audit").text)
        assert "hallmarkctl" in text and "Gold & Co" in text
