"""Getting the link to the customer (issue 9), through lighttpd: job numbers
for staff, tracking on or off, phone numbers in international form, the
shop's message texts, the messages staff send by hand, and what is queued
in the outbox (delivery itself: test_notifications.py)."""

import html
import re
import urllib.parse

from harness import Client, StaffServer, visible_text
from test_job_photos import JobStaff


def outbox(s, *cols):
    return s.sql("SELECT %s FROM notifications ORDER BY id" % ", ".join(cols or ("kind",)))


def wf_id(page, name="Repair"):
    return re.search(r'name="workflow" value="(\d+)"[^>]*> %s' % name, page).group(1)


def test_job_numbers_are_for_staff_and_never_reused():
    with StaffServer() as s:
        c = Client(s)
        c.login()
        jobs = [c.book_in(customer_name="Customer %d" % i)[0] for i in range(3)]
        numbers = [s.sql("SELECT number FROM jobs WHERE id = ?", j)[0][0] for j in jobs]
        assert numbers == [1001, 1002, 1003]
        page = c.get("/admin/jobs/%d" % jobs[1])
        assert "#1002 Ring" in visible_text(page.text)
        listing = visible_text(c.get("/admin/jobs").text)
        assert "#1001" in listing and "#1003" in listing
        # Search by number, with or without the #.
        for q in ("%231002", "1002"):
            found = c.get("/admin/jobs?q=" + q)
            assert "Customer 1" in found.text and "Customer 0" not in found.text, q
        # A deleted job keeps its number; the next one does not reuse it.
        c.get("/admin/jobs/%d" % jobs[2])
        assert c.post("/admin/jobs/%d/delete" % jobs[2], {"confirm": "1"}).status == 303
        s.sql("DELETE FROM job_events WHERE job_id = ?", jobs[2])
        s.sql("DELETE FROM jobs WHERE id = ?", jobs[2])     # as purge would
        job, _ = c.book_in()
        assert s.sql("SELECT number FROM jobs WHERE id = ?", job)[0][0] == 1004
        # Each shop counts for itself.
        s.add_shop(slug="other", name="Other Shop")
        s.add_user(shop="other", username="other")
        o = Client(s, source="127.0.0.2")
        o.login(username="other")
        ojob, _ = o.book_in()
        assert s.sql("SELECT number FROM jobs WHERE id = ?", ojob)[0][0] == 1001


def test_tracking_off_books_jobs_without_a_link_and_on_again_gives_them_one():
    with StaffServer() as s:
        c = Client(s)
        c.login()
        c.get("/admin/settings")
        base = {"name": "Test Jewellers", "timezone": "Europe/London", "theme": "auto",
                "retention_days": "90", "slip_size": "80mm"}
        r = c.post("/admin/settings", base)                 # tracking_on unticked
        assert r.status == 200 and not re.search(r'name="tracking_on" value="1" checked', r.text)
        c.get("/admin/jobs/new")
        r = c.post("/admin/jobs/new", {"workflow": wf_id(c.last.text), "customer_name": "Ada",
                                       "item_type": "Ring", "customer_email": "ada@example.com",
                                       "notify_channel": "none"})
        job = int(r.header("Location").split("?")[0].rsplit("/", 1)[1])
        page = c.get("/admin/jobs/%d" % job)
        assert "has no customer link" in page.text and "/track/" not in page.text
        tid = s.sql("SELECT tracking_id FROM jobs WHERE id = ?", job)[0][0]
        customer = Client(s, source="127.0.0.2")
        assert customer.get("/track/" + tid).status == 404
        # Turned on again: the job booked meanwhile gets its link.
        c.get("/admin/settings")
        r = c.post("/admin/settings", dict(base, tracking_on="1"))
        assert r.status == 200 and "1 job booked while it was off now has a link" in r.text
        assert customer.get("/track/" + tid).status == 200
        assert "/track/" + tid in c.get("/admin/jobs/%d" % job).text


def test_local_phone_numbers_are_saved_in_international_form():
    with StaffServer() as s:
        c = Client(s)
        c.login()
        job, _ = c.book_in(customer_phone="07700 900101")
        assert s.sql("SELECT customer_phone FROM jobs WHERE id = ?", job)[0][0] == "+447700900101"
        page = c.get("/admin/jobs/%d" % job)
        assert 'href="tel:+447700900101"' in html.unescape(page.text)
        # A number that cannot be read comes back with everything typed.
        c.get("/admin/jobs/new")
        r = c.post("/admin/jobs/new", {"workflow": wf_id(c.last.text), "customer_name": "Bo",
                                       "item_type": "Watch", "customer_phone": "123"})
        assert r.status == 422 and "not a phone number we can use" in r.text
        assert 'value="123"' in r.text and 'value="Watch"' in r.text
        # The shop's WhatsApp number too: wa.me needs the country code.
        c.get("/admin/settings")
        r = c.post("/admin/settings", {"name": "Test Jewellers", "timezone": "Europe/London",
                                       "theme": "auto", "retention_days": "90", "slip_size": "80mm",
                                       "tracking_on": "1", "whatsapp": "07700 900321"})
        assert r.status == 200
        assert s.sql("SELECT whatsapp FROM shops")[0][0] == "+447700900321"
        _, tid = c.book_in()
        order = Client(s, source="127.0.0.2").get("/track/" + tid)
        assert "https://wa.me/447700900321" in order.text


def test_whatsapp_and_sms_links_carry_the_filled_in_message():
    with StaffServer() as s:
        c = Client(s)
        c.login()
        job, tid = c.book_in(customer_name="Ada Lovelace", customer_phone="+44 7700 900101",
                             item_type="Signet ring", notify_channel="whatsapp")
        page = c.get("/admin/jobs/%d" % job)
        links = re.findall(r'href="([^"]+)"', page.text)
        wa = [html.unescape(h) for h in links if html.unescape(h).startswith("https://wa.me/")][0]
        sms = [html.unescape(h) for h in links if html.unescape(h).startswith("sms:")][0]
        assert wa.startswith("https://wa.me/447700900101?text=")
        assert sms.startswith("sms:+447700900101?body=")
        text = urllib.parse.unquote(wa.split("text=", 1)[1])
        assert urllib.parse.unquote(sms.split("body=", 1)[1]) == text
        assert "Hello Ada Lovelace" in text and "Signet ring" in text
        assert s.base + "/track/" + tid in text
        # The same words in the box to copy.
        assert html.escape(s.base + "/track/" + tid) in page.text
        # WhatsApp is sent by hand: nothing waits in the outbox.
        assert outbox(s) == []


def test_message_texts_are_checked_previewed_and_used():
    with StaffServer() as s:
        c = Client(s)
        c.login()
        page = c.get("/admin/settings/messages")
        assert page.status == 200 and "Booked in: sends the tracking link" in page.text
        form = {"message": "booked_in", "subject": "Your {item}"}
        for body, why in (("Hi {customer}! {tracking_url}", "{customer} is not something"),
                          ("Hi {customer_name} {passport_url}", "{passport_url} is not something"),
                          ("Hi {customer_name}", "must include {tracking_url}"),
                          ("Hi } {tracking_url}", 'A "}" has no "{"'),
                          ("Hi {customer_name {tracking_url}", "is not something")):
            r = c.post("/admin/settings/messages", dict(form, body=body))
            assert r.status == 422 and why in visible_text(r.text), (body, visible_text(r.text)[:300])
            assert html_escaped(body) in r.text            # kept as typed
        assert s.sql("SELECT count(*) FROM message_texts")[0][0] == 0
        # A preview fills the variables in, saves nothing, counts SMS parts.
        mine = "Hello {customer_name}! Your {item} ({{#{job_number}}}) is here: {tracking_url}"
        r = c.post("/admin/settings/messages", dict(form, body=mine, preview="1"))
        assert r.status == 200
        text = visible_text(r.text)
        assert "Hello Ada Lovelace! Your Ring ({#1042}) is here: %s/track/RPR-7K3M" % s.base in text
        assert "As a text message: 1 part" in text
        assert s.sql("SELECT count(*) FROM message_texts")[0][0] == 0
        r = c.post("/admin/settings/messages", dict(form, body=mine))
        assert r.status == 303
        assert s.sql("SELECT body FROM message_texts WHERE kind = 'booked_in'")[0][0] == mine
        # The job page's hand-sent message uses the shop's words.
        job, tid = c.book_in(customer_name="Grace", customer_phone="07700 900101",
                             notify_channel="whatsapp")
        page = c.get("/admin/jobs/%d" % job)
        number = s.sql("SELECT number FROM jobs WHERE id = ?", job)[0][0]
        assert "Hello Grace! Your Ring ({#%d}) is here: %s/track/%s" % (number, s.base, tid) in \
            visible_text(page.text)
        # Arabic needs Unicode: 70 characters a part.
        r = c.post("/admin/settings/messages", dict(form, body="مرحبا {customer_name} " * 4 +
                                                     "{tracking_url}", preview="1"))
        assert "some characters need Unicode" in r.text
        # Both fields empty: the built-in text again.
        assert c.post("/admin/settings/messages", dict(form, subject="", body="")).status == 303
        assert s.sql("SELECT count(*) FROM message_texts")[0][0] == 0


def html_escaped(text):
    return html.escape(text, quote=True).replace("&#x27;", "&#39;")


def test_what_is_queued_and_for_whom():
    with StaffServer(mail_transport="file", sms_transport="file") as s:
        c = JobStaff(s)
        c.login()
        # Email chosen: the link goes out with the booking.
        job, tid = c.book_in(customer_email="ada@example.com", notify_channel="email")
        assert outbox(s, "kind", "channel", "recipient", "state") == [
            ("booked_in", "email", "ada@example.com", "queued")]
        subject, body, link = s.sql("SELECT subject, body, link FROM notifications")[0]
        assert "Ring is booked in" in subject and s.base + "/track/" + tid in body
        assert link == s.base + "/track/" + tid
        # A stage that does not notify: nothing; "Ready for pickup" does.
        c.move(job, "Assessed")
        c.move(job, "Ready for pickup")
        assert [k for k, in outbox(s)] == ["booked_in", "ready"]
        # A staff reply tells the customer; the customer's message tells the
        # shop only once it has an address for that.
        c.get("/admin/jobs/%d" % job)
        c.post("/admin/jobs/%d/message" % job, {"body": "Polished and ready."})
        assert [k for k, in outbox(s)][-1] == "staff_reply"
        cust = Client(s, source="127.0.0.2")
        cust.post("/track/%s/messages" % tid, {"body": "Thanks!"}, csrf=False)
        assert [k for k, in outbox(s)][-1] == "staff_reply"
        s.sql("UPDATE shops SET notify_email = 'desk@shop.example'")
        cust.post("/track/%s/messages" % tid, {"body": "See you {soon}"}, csrf=False)
        kind, to, body = outbox(s, "kind", "recipient", "body")[-1]
        assert (kind, to) == ("staff_alert", "desk@shop.example")
        assert "See you {soon}" in body and "/admin/jobs/%d" % job in body and tid not in body
        # SMS chosen: to the international number.
        job2, _ = c.book_in(customer_phone="07700 900102", notify_channel="sms")
        assert outbox(s, "channel", "recipient")[-1] == ("sms", "+447700900102")
        # None and WhatsApp queue nothing; neither does a job without a link.
        n = len(outbox(s))
        c.book_in(customer_email="x@example.com", notify_channel="none")
        c.book_in(customer_phone="07700 900103", notify_channel="whatsapp")
        assert len(outbox(s)) == n
        # Staff see what was sent, and can send the link again.
        page = c.get("/admin/jobs/%d" % job)
        assert "Sent to the customer" in page.text and "ada@example.com" in page.text
        r = c.post("/admin/jobs/%d/notify" % job, {})
        assert r.status == 303 and "show=queued" in r.header("Location")
        assert [k for k, in outbox(s)][-1] == "booked_in"
        # A passport with an owner email sends its email.
        c.get("/admin/passports/new")
        c.post("/admin/passports/new", {"title": "Signet ring", "is_public": "1",
                                        "owner_name": "Zoë Ångström", "owner_email": "zoe@example.com"})
        kind, to, body = outbox(s, "kind", "recipient", "body")[-1]
        assert (kind, to) == ("passport", "zoe@example.com") and "/verify/" in body


def test_channels_the_installation_cannot_deliver_are_not_offered():
    with StaffServer() as s:                       # no mail or SMS transport
        c = Client(s)
        c.login()
        page = c.get("/admin/jobs/new")
        assert 'value="whatsapp"' in page.text and 'value="none"' in page.text
        assert 'name="notify_channel" value="email"' not in page.text
        r = c.post("/admin/jobs/new", {"workflow": wf_id(page.text), "customer_name": "Ada",
                                       "item_type": "Ring", "customer_email": "ada@example.com",
                                       "notify_channel": "email"})
        assert r.status == 422 and "sends no email" in r.text
        assert s.sql("SELECT count(*) FROM jobs")[0][0] == 0


def test_the_workflow_editor_sets_which_stages_notify():
    with StaffServer() as s:
        c = Client(s)
        c.login()
        listing = c.get("/admin/workflows")
        wid = re.search(r'href="/admin/workflows/(\d+)"', listing.text).group(1)
        page = c.get("/admin/workflows/%s" % wid)
        # Ready for pickup notifies out of the box.
        n = re.search(r'name="stage_(\d+)_label"[^>]*value="Ready for pickup"', page.text).group(1)
        assert re.search(r'name="stage_%s_notify" value="1" checked' % n, page.text)
        assert not re.search(r'name="stage_1_notify" value="1" checked', page.text)
