"""The whole order page through lighttpd: the bespoke design decision, the
message thread both ways, branding, invoice link and countdown, link
rotation, retention, purge and the danger-zone wipe."""

import base64
import hashlib
import html
import json
import os
import re
import time

from harness import Client, Server, StaffServer, issue_passport, visible_text


def hrefs(text):
    return [html.unescape(h) for h in re.findall(r'href="([^"]*)"', text)]


def book_bespoke(staff, **fields):
    page = staff.get("/admin/jobs/new")
    wf = re.search(r'name="workflow" value="(\d+)"[^>]*> [^<]*<code>BSP-', page.text).group(1)
    return staff.book_in(workflow=wf, item_type="Engagement ring", **fields)


def decision_card(text):
    return 'id="decision"' in text


def stage_of(s, job):
    return s.sql("SELECT s.label FROM jobs j JOIN stages s ON s.id = j.stage_id WHERE j.id = ?",
                 job)[0][0]


def decision_stage_field(text):
    return re.search(r'name="stage" value="(\d+)"', text).group(1)


def test_decision_card_only_at_design_review_and_double_approval_changes_nothing():
    with StaffServer() as s:
        staff = Client(s)
        staff.login()
        job, tid = book_bespoke(staff, design_brief="Oval sapphire, halo", budget="4800")
        assert tid.startswith("BSP-")
        repair, rtid = staff.book_in()
        customer = Client(s)
        # Every bespoke stage but design review, and a repair: no card.
        for label in ["Enquiry received", "Consultation", "Quote", "Design"]:
            staff.move(job, label)
            page = customer.get("/track/" + tid)
            assert page.status == 200 and not decision_card(page.text), label
            assert "Approve this design" not in page.text
        for label in ["Assessed", "Quoted", "In progress"]:
            staff.move(repair, label)
            assert not decision_card(customer.get("/track/" + rtid).text)
        # The brief and budget are internal.
        page = customer.get("/track/" + tid)
        assert "Oval sapphire" not in page.text and "4800" not in page.text

        staff.move(job, "Design review")
        page = customer.get("/track/" + tid)
        assert decision_card(page.text) and "Approve this design" in page.text
        stage = decision_stage_field(page.text)

        r = customer.post("/track/%s/decision" % tid,
                          {"decision": "approve", "stage": stage, "confirm": "1"}, csrf=False)
        assert r.status == 303 and r.header("Location") == "/track/%s?sent=approved#notice" % tid
        assert stage_of(s, job) == "Design approved"
        page = customer.get(r.header("Location"))
        assert "you approved the design" in page.text
        assert not decision_card(page.text)
        assert "You approved the design." in visible_text(page.text)   # on the timeline

        # A second click from the stale page changes nothing and says so.
        events = s.sql("SELECT count(*) FROM job_events WHERE job_id = ?", job)[0][0]
        r = customer.post("/track/%s/decision" % tid,
                          {"decision": "approve", "stage": stage, "confirm": "1"}, csrf=False)
        assert r.status == 409 and "already been answered" in r.text
        assert stage_of(s, job) == "Design approved"
        assert s.sql("SELECT count(*) FROM job_events WHERE job_id = ?", job)[0][0] == events
        r = customer.post("/track/%s/decision" % tid,
                          {"decision": "changes", "stage": stage, "comment": "Smaller halo"},
                          csrf=False)
        assert r.status == 409 and stage_of(s, job) == "Design approved"
        assert s.sql("SELECT count(*) FROM messages")[0][0] == 0

        # Staff see the decision flagged until they move the job on.
        jobs = staff.get("/admin/jobs")
        assert "Design approved by customer" in jobs.text
        detail = staff.get("/admin/jobs/%d" % job)
        assert "approved the design" in detail.text and "Oval sapphire" in detail.text
        assert "4,800.00" in detail.text
        staff.move(job, "In production")
        assert "Design approved by customer" not in staff.get("/admin/jobs").text


def test_request_changes_goes_back_to_design_with_the_comment_on_the_thread():
    with StaffServer() as s:
        staff = Client(s)
        staff.login()
        job, tid = book_bespoke(staff)
        staff.move(job, "Design review")
        customer = Client(s)
        stage = decision_stage_field(customer.get("/track/" + tid).text)

        r = customer.post("/track/%s/decision" % tid, {"decision": "changes", "stage": stage},
                          csrf=False)
        assert r.status == 422 and "Tell us what you&#39;d like changed" in r.text
        assert stage_of(s, job) == "Design review"

        comment = "Could the band be thinner?\nAnd <b>rose</b> gold"
        r = customer.post("/track/%s/decision" % tid,
                          {"decision": "changes", "stage": stage, "comment": comment},
                          csrf=False)
        assert r.status == 303
        assert stage_of(s, job) == "Design"
        page = customer.get(r.header("Location"))
        assert "passed your changes to the workshop" in page.text
        assert html.escape("Could the band be thinner?\nAnd <b>rose</b> gold", quote=False) in page.text
        assert "<b>rose</b>" not in page.text
        assert "You asked for changes to the design." in visible_text(page.text)
        assert "Customer asked for changes" in staff.get("/admin/jobs").text
        detail = staff.get("/admin/jobs/%d" % job)
        assert "Could the band be thinner?" in detail.text
        assert "moved back to" in detail.text

        # Stale stage ids, unknown decisions and foreign origins are refused.
        staff.move(job, "Design review")
        r = customer.post("/track/%s/decision" % tid,
                          {"decision": "approve", "stage": "1", "confirm": "1"}, csrf=False)
        assert r.status == 409 and stage_of(s, job) == "Design review"
        r = customer.post("/track/%s/decision" % tid, {"decision": "maybe", "stage": stage},
                          csrf=False)
        assert r.status == 400
        r = customer.post("/track/%s/decision" % tid, {"decision": "approve", "stage": stage},
                          csrf=False, headers={"Origin": "https://evil.example"})
        assert r.status == 403 and stage_of(s, job) == "Design review"
        assert customer.get("/track/%s/decision" % tid).status == 405


def test_messages_both_ways_with_inbox_and_json_refresh():
    with StaffServer() as s:
        staff = Client(s)
        staff.login()
        job, tid = staff.book_in()
        customer = Client(s, source="127.0.0.2")
        page = customer.get("/track/" + tid)
        assert 'id="message-body"' in page.text and "No messages yet" in page.text
        assert '<a class="button secondary" href="#message-body">Message the workshop' in page.text

        text = "Hello <script>alert(1)</script>\nhttps://evil.example is my site"
        r = customer.post("/track/%s/messages" % tid, {"body": text, "website": ""}, csrf=False)
        assert r.status == 303 and r.header("Location") == "/track/%s?sent=message#notice" % tid
        page = customer.get(r.header("Location"))
        assert "Message sent" in page.text
        assert html.escape(text, quote=False) in page.text       # text, line break kept
        assert "<script>alert(1)</script>" not in page.text
        assert not [h for h in hrefs(page.text) if "evil" in h]   # never a live link
        assert s.sql("SELECT author, body, read_at FROM messages") == [("customer", text, None)]

        # Staff: unread in the nav, the inbox and the job list, read once opened.
        jobs = staff.get("/admin/jobs")
        assert "1 new message" in jobs.text and 'aria-label="1 unread"' in jobs.text
        inbox = staff.get("/admin/messages")
        assert inbox.status == 200 and "Ada Lovelace" in inbox.text and "1 new" in inbox.text
        assert "Hello &lt;script&gt;" in inbox.text
        detail = staff.get("/admin/jobs/%d" % job)
        assert html.escape(text, quote=False) in detail.text and ">new</span>" in detail.text
        assert s.sql("SELECT read_at IS NOT NULL FROM messages")[0][0] == 1
        assert "unread" not in staff.get("/admin/messages").text.split("<main", 1)[-1].split("</h1>")[0]

        r = staff.post("/admin/jobs/%d/message" % job, {"body": "Hi Ada, it will be ready Friday."})
        assert r.status == 303
        assert r.header("Location") == "/admin/jobs/%d?show=sent" % job
        r = staff.post("/admin/jobs/%d/message" % job, {"body": "   "})
        assert r.status == 422 and "Write your reply first" in r.text
        r = staff.post("/admin/jobs/%d/message" % job, {"body": "x"}, csrf="bad")
        assert r.status in (400, 403)
        page = customer.get("/track/" + tid)
        assert "Hi Ada, it will be ready Friday." in page.text
        assert 'data-src="/track/%s/messages.json"' % tid in page.text

        j = customer.get("/track/%s/messages.json" % tid)
        assert j.status == 200 and j.header("Content-Type").startswith("application/json")
        assert j.header("Cache-Control") == "no-store"
        msgs = json.loads(j.text)["messages"]
        assert [m["body"] for m in msgs] == [text, "Hi Ada, it will be ready Friday."]
        assert [m["from_customer"] for m in msgs] == [True, False]
        assert msgs[1]["who"] == "Test Jewellers"
        assert customer.get("/track/RPR-0000-0000-0000-0000/messages.json").status == 404


def test_message_errors_keep_the_text_and_limits_apply():
    with StaffServer(ratelimit_messages=2, ratelimit_job_messages=3) as s:
        staff = Client(s)
        staff.login()
        job, tid = staff.book_in()
        a = Client(s, source="127.0.0.2")

        r = a.post("/track/%s/messages" % tid, {"body": "Buy cheap watches", "website": "spam.example"},
                   csrf=False)
        assert r.status == 303            # the bot is told it worked...
        assert s.sql("SELECT count(*) FROM messages")[0][0] == 0    # ...and nothing is stored

        r = a.post("/track/%s/messages" % tid, {"body": "  \n "}, csrf=False)
        assert r.status == 422 and "Write your message first" in r.text
        long = "é" * 2001
        r = a.post("/track/%s/messages" % tid, {"body": long}, csrf=False)
        assert r.status == 422 and "up to 2,000 characters" in r.text and long in r.text
        r = a.post("/track/%s/messages" % tid, {"body": "é" * 2000}, csrf=False)
        assert r.status == 303

        r = a.post("/track/%s/messages" % tid, {"body": "second"}, csrf=False)
        assert r.status == 303
        r = a.post("/track/%s/messages" % tid, {"body": "third, kept on 429"}, csrf=False)
        assert r.status == 429 and "third, kept on 429" in r.text and r.header("Retry-After")
        b = Client(s, source="127.0.0.3")
        assert b.post("/track/%s/messages" % tid, {"body": "from b"}, csrf=False).status == 303
        c = Client(s, source="127.0.0.4")
        r = c.post("/track/%s/messages" % tid, {"body": "job limit"}, csrf=False)
        assert r.status == 429 and "job limit" in r.text       # three on this job already
        assert s.sql("SELECT count(*) FROM messages")[0][0] == 3

        r = c.post("/track/%s/messages" % tid, {"body": "hi"}, csrf=False,
                   headers={"Origin": "https://evil.example"})
        assert r.status == 403
        staff.post("/admin/jobs/%d/revoke" % job, {})
        unknown = c.post("/track/RPR-0000-0000-0000-0000/messages", {"body": "x"}, csrf=False)
        r = c.post("/track/%s/messages" % tid, {"body": "x"}, csrf=False)
        assert r.status == 404 and r.body == unknown.body
        assert s.sql("SELECT count(*) FROM messages")[0][0] == 3


def style_hash(text):
    css = re.search(r"<style>(.*?)</style>", text, re.S).group(1)
    return "'sha256-%s'" % base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()


def test_branding_theme_review_link_and_powered_by():
    with StaffServer() as s:
        staff = Client(s)
        staff.login()
        job, tid = staff.book_in()
        customer = Client(s)
        page = customer.get("/track/" + tid)
        assert "<style>" not in page.text and "'sha256-" not in page.header("Content-Security-Policy")
        assert 'hallmark-dark.css" media="(prefers-color-scheme: dark)"' in page.text
        assert "Powered by Hallmark" in page.text

        staff.get("/admin/settings")
        form = {"name": "Aurum", "timezone": "Europe/London", "accent_on": "1", "accent": "#1F5FA3",
                "theme": "dark", "review_url": "https://g.page/r/aurum/review",
                "retention_days": "90"}
        r = staff.post("/admin/settings", form)
        assert r.status == 200 and "Saved" in r.text
        assert s.sql("SELECT accent, theme, powered_by FROM shops") == [("#1f5fa3", "dark", 0)]
        page = customer.get("/track/" + tid)
        assert "--brand:#1f5fa3" in page.text
        csp = page.header("Content-Security-Policy")
        assert style_hash(page.text) in csp and "'unsafe-inline'" not in csp
        assert 'hallmark-dark.css">' in page.text                 # always dark
        assert "Powered by Hallmark" not in page.text
        assert "Leave a review" not in page.text                  # not finished yet
        staff.move(job, "Completed")
        page = customer.get("/track/" + tid)
        assert "https://g.page/r/aurum/review" in hrefs(page.text) and "Leave a review" in page.text

        form.update(theme="light", accent_on="")
        assert staff.post("/admin/settings", form).status == 200
        page = customer.get("/track/" + tid)
        assert "hallmark-dark.css" not in page.text and "<style>" not in page.text

        for bad in [{"accent": "red"}, {"review_url": "javascript:alert(1)"}, {"theme": "neon"},
                    {"retention_days": "0"}]:
            r = staff.post("/admin/settings", dict(form, accent_on="1", **bad))
            assert r.status == 422, bad
        assert s.sql("SELECT theme, review_url FROM shops") == [("light", "https://g.page/r/aurum/review")]


def test_invoice_link_and_countdown():
    with StaffServer() as s:
        staff = Client(s)
        staff.login()
        job, tid = staff.book_in(due_date="2099-12-24", invoice_url="https://pay.example/inv/7?a=1&b=2")
        page = Client(s).get("/track/" + tid)
        assert "https://pay.example/inv/7?a=1&b=2" in hrefs(page.text)
        assert "View invoice &amp; pay" in page.text
        assert re.search(r'class="countdown" data-until="\d+"', page.text)
        assert "In progress · ready by Thu 24 Dec 2099" in page.text
        assert "/order.js" in page.text
        # Ready: nothing left to count down to, and nothing left to estimate.
        staff.move(job, "Ready for pickup")
        page = Client(s).get("/track/" + tid)
        assert "Thu 24 Dec 2099" not in page.text and "data-until" not in page.text

        staff.get("/admin/jobs/%d/edit" % job)
        r = staff.post("/admin/jobs/%d/edit" % job, {"customer_name": "Ada", "item_type": "Ring",
                                                      "invoice_url": "javascript:alert(1)"})
        assert r.status == 422 and "https://" in r.text
        assert s.sql("SELECT invoice_url FROM jobs") == [("https://pay.example/inv/7?a=1&b=2",)]


def test_rotating_the_link_kills_the_old_one_at_once():
    with StaffServer() as s:
        staff = Client(s)
        staff.login()
        job, old = staff.book_in()
        customer = Client(s)
        customer.post("/track/%s/messages" % old, {"body": "Before the new link"}, csrf=False)
        unknown = customer.get("/track/RPR-0000-0000-0000-0000")
        r = staff.post("/admin/jobs/%d/rotate" % job, {"confirm": "1"})
        assert r.status == 303
        page = staff.get(r.header("Location"))
        assert "new tracking link" in page.text
        new = re.search(r'/track/([A-Z0-9-]+)"', page.text).group(1)
        assert new != old and new.startswith("RPR-")
        gone = customer.get("/track/" + old)
        assert gone.status == 404 and gone.body == unknown.body
        assert customer.get("/track/%s/messages.json" % old).status == 404
        page = customer.get("/track/" + new)
        assert page.status == 200 and "Before the new link" in page.text
        assert "Tracking link replaced" in staff.get("/admin/jobs/%d" % job).text


def test_retention_then_purge():
    with StaffServer() as s:
        staff = Client(s)
        staff.login()
        staff.get("/admin/settings")
        assert staff.post("/admin/settings", {"name": "Aurum", "timezone": "Europe/London",
                                              "theme": "auto", "retention_days": "30"}).status == 200
        done, done_tid = staff.book_in()
        open_job, open_tid = staff.book_in()
        staff.move(done, "Completed")
        customer = Client(s)
        customer.post("/track/%s/messages" % done_tid, {"body": "Thanks!"}, csrf=False)
        assert customer.get("/track/" + done_tid).status == 200
        # A photo of the job, on disk and in the database.
        media = os.path.join(s.dir, "media")
        name = "ab" * 16
        for k in "dt":
            s.put_media("%s-%s.jpg" % (name, k), b"\xff\xd8\xff")
        s.sql("INSERT INTO attachments(shop_id, owner_kind, owner_id, role, is_public, stored_name, "
              "display_w, display_h, bytes, created_at) VALUES (1, 'job', ?, 'photo', 1, ?, 1, 1, 6, 0)",
              done, name)

        # 29 days after completion the page still works; 31 days after, not.
        s.sql("UPDATE jobs SET closed_at = strftime('%s','now') - 29 * 86400 WHERE id = ?", done)
        page = customer.get("/track/" + done_tid)
        assert page.status == 200
        photo = html.unescape(re.search(r'src="(/media/%s-t\.jpg\?[^"]+)"' % name, page.text).group(1))
        assert customer.get(photo).status == 200
        s.sql("UPDATE jobs SET closed_at = strftime('%s','now') - 31 * 86400 WHERE id = ?", done)
        assert customer.get(photo).status == 404        # a link handed out earlier dies too
        unknown = customer.get("/track/RPR-0000-0000-0000-0000")
        gone = customer.get("/track/" + done_tid)
        assert gone.status == 404 and gone.body == unknown.body
        assert customer.post("/track/%s/messages" % done_tid, {"body": "x"}, csrf=False).status == 404
        assert customer.get("/track/" + open_tid).status == 200
        # Moving the job on again does not restart the clock.
        assert s.sql("SELECT count(*) FROM jobs WHERE closed_at IS NOT NULL")[0][0] == 1

        # A photo staff deleted from the open job: its files go at the purge.
        gone_name = "cd" * 16
        for k in "dt":
            s.put_media("%s-%s.jpg" % (gone_name, k), b"\xff\xd8\xff")
        s.sql("INSERT INTO attachments(shop_id, owner_kind, owner_id, role, is_public, stored_name, "
              "display_w, display_h, bytes, created_at, deleted_at) "
              "VALUES (1, 'job', ?, 'photo', 0, ?, 1, 1, 6, 0, 1)", open_job, gone_name)
        out = s.ctl("purge").stdout
        assert "purged 1 job, 1 message, 2 photos" in out
        assert not [f for f in os.listdir(media) if f.startswith(gone_name)]
        assert s.sql("SELECT id FROM jobs") == [(open_job,)]
        assert s.sql("SELECT count(*) FROM messages")[0][0] == 0
        assert s.sql("SELECT count(*) FROM attachments")[0][0] == 0
        assert not [f for f in os.listdir(media) if f.startswith(name)]
        assert "purged 0 jobs" in s.ctl("purge").stdout
        assert staff.get("/admin/jobs/%d" % done).status == 404


def test_danger_zone_wipes_tracking_data_for_owners_only():
    with StaffServer() as s:
        s.ctl("user", "add", "shop", "helper", "Helper", "--staff", stdin="correct horse battery\n")
        owner = Client(s)
        owner.login()
        job, tid = owner.book_in()
        issue_passport(owner, title="Heirloom ring")
        Client(s).post("/track/%s/messages" % tid, {"body": "Hello"}, csrf=False)

        helper = Client(s, source="127.0.0.5")
        helper.login("helper")
        assert helper.get("/admin/danger").status == 403
        assert "Danger zone" not in helper.get("/admin/settings").text
        r = helper.post("/admin/danger", {"confirm_name": "Test Jewellers"})
        assert r.status == 403 and s.sql("SELECT count(*) FROM jobs")[0][0] == 1

        page = owner.get("/admin/danger")
        assert page.status == 200 and "Type <strong>Test Jewellers</strong>" in page.text
        r = owner.post("/admin/danger", {"confirm_name": "test jewellers"})
        assert r.status == 422 and "nothing was deleted" in r.text
        assert s.sql("SELECT count(*) FROM jobs")[0][0] == 1
        r = owner.post("/admin/danger", {"confirm_name": "Test Jewellers"}, csrf="forged")
        assert r.status in (400, 403) and s.sql("SELECT count(*) FROM jobs")[0][0] == 1

        r = owner.post("/admin/danger", {"confirm_name": "Test Jewellers"})
        assert r.status == 200 and "Deleted 1 job, 1 message and 0 photos" in r.text
        assert s.sql("SELECT count(*) FROM jobs")[0][0] == 0
        assert s.sql("SELECT count(*) FROM messages")[0][0] == 0
        assert s.sql("SELECT count(*) FROM passports")[0][0] == 1
        assert Client(s).get("/track/" + tid).status == 404
