"""A repair from the counter to the customer's phone, through lighttpd."""

import html
import re

from harness import Client, Server, visible_text


def setup(server, **kw):
    server.add_shop()
    server.add_user()
    staff = Client(server)
    staff.login()
    return staff


def test_customer_follows_repair_to_ready_for_pickup():
    with Server() as s:
        staff = setup(s)
        staff.get("/admin/settings")
        r = staff.post("/admin/settings", {
            "name": "Aurum & Co", "phone": "+44 20 7946 0000", "whatsapp": "+44 7700 900000",
            "email": "hello@aurum.example", "address": "1 Gold Lane\nLondon", "timezone": "Europe/London"})
        assert r.status == 200 and "Saved" in r.text
        job, tid = staff.book_in(
            customer_name="Grace Hopper", customer_phone="07700 900123",
            customer_email="grace@example.com", item_type="Ring",
            item_description="Platinum band", problem="Resize from L to N",
            due_date="2030-06-01", internal_notes="Scratch on the inside already",
            quoted="145.50", deposit="40")
        assert re.fullmatch(r"RPR-[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}", tid)
        staff.move(job, "In progress", note="Customer still owes the balance", public=False)
        staff.move(job, "Ready for pickup", note="Resized and polished, ready for you", public=True)

        customer = Client(s, origin=False)
        form = customer.get("/track")
        assert form.status == 200
        assert "Tracking ID" in form.text and 'placeholder="RPR-' in form.text
        assert "RPR-" in visible_text(form.text) and "BSP-" in visible_text(form.text)
        typed = tid.lower().replace("-", " ")
        r = customer.get("/track?id=" + typed.replace(" ", "+"))
        assert r.status == 303 and r.header("Location") == "/track/" + tid
        page = customer.get("/track/" + tid)
        assert page.status == 200
        text = visible_text(page.text)
        for shown in ("Aurum & Co", tid, "Ring", "Platinum band", "Resize from L to N",
                      "Ready for pickup", "Resized and polished, ready for you",
                      "Booked in", "Assessed", "Quoted", "Approved", "In progress", "Completed",
                      "Ready to collect since", "1 Gold Lane"):
            assert shown in text, shown
        for hidden in ("Grace Hopper", "07700 900123", "grace@example.com", "145.50", "40.00",
                       "Scratch on the inside", "owes the balance"):
            assert hidden not in page.text, hidden
        # Past stages checked, the current one marked (ready: done, for
        # now), later ones dimmed.
        assert re.search(r'<li class="done"[^>]*>.*?Approved', page.text)
        assert re.search(r'<li class="done" aria-current="step">.*?Ready for pickup', page.text)
        assert re.search(r'<li class="future"[^>]*>.*?Completed', page.text)
        assert 'href="tel:+442079460000"' in page.text.replace("&#x2B;", "+")
        assert 'href="https://wa.me/447700900000"' in page.text
        assert 'href="mailto:hello@aurum.example"' in html.unescape(page.text)
        # The tracking ID is the customer's key: never in the logs.
        for miss in ("/track/RPR-0000-0000-0000-0000", "/track/garbage"):
            customer.get(miss)
        assert tid not in s.cgi_log() and tid[4:] not in s.cgi_log()


def test_public_pages_send_security_headers():
    with Server() as s:
        staff = setup(s)
        _, tid = staff.book_in()
        c = Client(s)
        for path in ("/track", "/track/" + tid, "/track/RPR-0000-0000-0000-0000", "/admin/login"):
            r = c.get(path)
            csp = r.header("Content-Security-Policy") or ""
            assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp, path
            assert r.header("Referrer-Policy") == "same-origin", path
            assert r.header("Cache-Control") == "no-store", path
            assert "noindex" in (r.header("X-Robots-Tag") or ""), path
            assert r.header("X-Content-Type-Options") == "nosniff", path
            # No third-party resources: every src/href is on this site.
            for url in re.findall(r'(?:src|href)="([^"]+)"', r.text):
                assert not re.match(r"(?i)(https?:)?//", url) or "wa.me" in url, (path, url)


def comparable(r):
    return r.status, [(k, v) for k, v in r.headers if k.lower() != "date"], r.body


def test_every_kind_of_miss_gets_the_same_not_found():
    with Server() as s:
        staff = setup(s)
        revoked_job, revoked = staff.book_in()
        deleted_job, deleted = staff.book_in()
        assert staff.post("/admin/jobs/%d/revoke" % revoked_job, {}).status == 303
        assert staff.post("/admin/jobs/%d/delete" % deleted_job, {"confirm": "1"}).status == 303
        c = Client(s, origin=False)
        answers = [c.get(p) for p in (
            "/track/RPR-0000-0000-0000-0000",     # unknown
            "/track/RPR-A1B2C3D4",                # unknown legacy form
            "/track/not-an-id",                   # malformed
            "/track/RPR-0000-0000-0000-0000/x",   # extra path
            "/track/" + revoked,
            "/track/" + deleted)]
        first = comparable(answers[0])
        assert first[0] == 404
        assert "Order not found" in answers[0].text
        for a in answers[1:]:
            assert comparable(a) == first
        # Restoring brings the pages back.
        staff.post("/admin/jobs/%d/unrevoke" % revoked_job, {})
        staff.post("/admin/jobs/%d/undelete" % deleted_job, {})
        assert c.get("/track/" + revoked).status == 200
        assert c.get("/track/" + deleted).status == 200


def test_rate_limited_client_gets_the_same_not_found():
    with Server(ratelimit_lookups=3) as s:
        staff = setup(s)
        _, tid = staff.book_in()
        c = Client(s, origin=False)
        assert c.get("/track/" + tid).status == 200      # a success costs nothing
        misses = [c.get("/track/RPR-0000-0000-0000-000%d" % i) for i in range(3)]
        assert all(m.status == 404 for m in misses)
        limited = c.get("/track/" + tid)
        assert comparable(limited) == comparable(misses[0])
        # Only failures count: nothing was written for the successful view.
        rows = s.sql("SELECT count(*) FROM jobs")
        assert rows[0][0] == 1


def test_lookup_form_explains_what_is_not_an_id():
    with Server() as s:
        c = Client(s)
        r = c.get("/track?id=hello+there")
        assert r.status == 200
        assert "doesn't look like a tracking ID" in visible_text(r.text)
        assert 'value="hello there"' in r.text
        r = c.get("/track?id=%3Cscript%3Ealert(1)%3C/script%3E")
        assert "<script>alert" not in r.text and "&lt;script&gt;" in r.text
        # Typos customers make most are harmless: O for 0, I and L for 1.
        r = c.get("/track?id=rpr-oooo-iiii-llll-abcd")
        assert r.header("Location") == "/track/RPR-0000-1111-1111-ABCD"
        # The legacy form of imported records.
        r = c.get("/track?id=rpr-a1b2c3d4")
        assert r.header("Location") == "/track/RPR-A1B2C3D4"


def test_cancelled_job_shows_a_clear_cancelled_state():
    with Server() as s:
        staff = setup(s)
        job, tid = staff.book_in()
        staff.move(job, "Cancelled", note="Cancelled at your request", public=True)
        page = Client(s).get("/track/" + tid)
        text = visible_text(page.text)
        assert page.status == 200
        assert "Cancelled" in text and "Cancelled at your request" in text
        assert "accent-cancelled" in page.text
        assert "%" not in re.sub(r"(?s)<style.*?</style>", "", text)


def test_unset_business_name_reads_the_workshop():
    with Server() as s:
        s.ctl("shop", "add", "bare", "", "UTC")
        s.add_user(shop="bare")
        staff = Client(s)
        staff.login()
        _, tid = staff.book_in()
        page = Client(s).get("/track/" + tid)
        # Words that fit any trade's workshop, not only a jeweller's.
        assert "The workshop" in visible_text(page.text)


def test_timeline_times_are_in_the_shops_time_zone():
    with Server() as s:
        staff = setup(s)
        job, tid = staff.book_in()
        staff.get("/admin/settings")
        staff.post("/admin/settings", {"name": "Tokyo Gems", "timezone": "Asia/Tokyo"})
        created = s.sql("SELECT created_at FROM jobs WHERE id = ?", job)[0][0]
        import datetime
        tokyo = datetime.datetime.fromtimestamp(created, datetime.timezone(datetime.timedelta(hours=9)))
        page = Client(s).get("/track/" + tid)
        assert tokyo.strftime("%H:%M") in page.text
