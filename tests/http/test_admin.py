"""The staff surface: sign-in, CSRF and origin checks, the job list, book-in,
edits, stage moves, settings, password, shop isolation, bad requests."""

import re
import time

from harness import STAFF_PASSWORD, Client, Server, StaffServer, visible_text


def staff_server(**kw):
    return StaffServer(**kw)


def signed_in(s):
    c = Client(s)
    c.login()
    return c


def test_signed_out_staff_are_sent_to_login():
    with Server() as s:
        c = Client(s)
        r = c.get("/admin/jobs")
        assert r.status == 303 and r.header("Location") == "/admin/login"
        assert c.get("/admin").header("Location") == "/admin/jobs"
        r = c.get("/admin/login")
        assert r.status == 200 and "Staff sign in" in r.text


def test_wrong_password_and_unknown_user_read_the_same():
    s = staff_server()
    with s:
        c = Client(s)
        c.get("/admin/login")
        a = c.post("/admin/login", {"username": "staff", "password": "wrong password!"})
        b = c.post("/admin/login", {"username": "nobody", "password": "wrong password!"})
        assert a.status == b.status == 200
        msg = "That username and password do not match."
        assert msg in a.text and msg in b.text
        assert "hm_session" not in c.cookies
        assert c.post("/admin/login", {"username": "STAFF", "password": STAFF_PASSWORD}).status == 303
        assert "hm_session" in c.cookies


def test_sign_in_is_throttled_before_hashing():
    s = staff_server(ratelimit_login=3)
    with s:
        c = Client(s)
        c.get("/admin/login")
        for _ in range(3):
            assert c.post("/admin/login", {"username": "staff", "password": "nope nope nope"}).status == 200
        r = c.post("/admin/login", {"username": "staff", "password": STAFF_PASSWORD})
        assert r.status == 429 and r.header("Retry-After")
        assert "Too many attempts" in r.text
        assert "hm_session" not in c.cookies


def test_session_cookie_attributes_and_logout_revokes_it():
    s = staff_server()
    with s:
        c = Client(s)
        c.get("/admin/login")
        r = c.post("/admin/login", {"username": "staff", "password": STAFF_PASSWORD})
        cookie = [v for v in r.headers_all("Set-Cookie") if v.startswith("hm_session=")][0]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/admin" in cookie
        assert "Secure" not in cookie          # plain HTTP on loopback
        old = dict(c.cookies)
        c.get("/admin/jobs")
        assert c.post("/admin/logout", {}).status == 303
        thief = Client(s)
        thief.cookies = old
        assert thief.get("/admin/jobs").status == 303


def test_idle_session_expires():
    s = staff_server(session_idle=600)
    with s:
        c = signed_in(s)
        assert c.get("/admin/jobs").status == 200
        s.sql("UPDATE sessions SET seen_at = seen_at - 601")
        assert c.get("/admin/jobs").status == 303


def test_posts_without_csrf_or_from_elsewhere_change_nothing():
    s = staff_server()
    with s:
        c = signed_in(s)
        job, tid = c.book_in()
        before = s.sql("SELECT stage_id, revoked_at FROM jobs")
        c.get("/admin/jobs/%d" % job)
        attempts = [
            c.post("/admin/jobs/%d/revoke" % job, {}, csrf=False),
            c.post("/admin/jobs/%d/revoke" % job, {}, csrf="A" * 43),
            c.post("/admin/jobs/%d/revoke" % job, {}, headers={"Origin": "http://evil.example"}),
            c.post("/admin/jobs/%d/revoke" % job, {}, headers={"Sec-Fetch-Site": "cross-site"}),
        ]
        c.origin = False
        attempts.append(c.post("/admin/jobs/%d/revoke" % job, {},
                               headers={"Referer": "http://evil.example/form"}))
        for r in attempts:
            assert r.status == 403, r
            assert "Nothing was saved" in r.text
        assert s.sql("SELECT stage_id, revoked_at FROM jobs") == before
        # The refusals reach the server's log (so would a sanitizer's report).
        assert "refused a POST without a valid CSRF token" in s.cgi_log()
        # Another signed-in user's token does not work for this session.
        other = signed_in(s)
        other.get("/admin/jobs")
        c.origin = True
        assert c.post("/admin/jobs/%d/revoke" % job, {}, csrf=other.csrf()).status == 403
        # A login form cannot be forged either: no login cookie, no sign-in.
        stranger = Client(s)
        r = stranger.post("/admin/login", {"username": "staff", "password": STAFF_PASSWORD},
                          csrf="B" * 43)
        assert r.status == 403


def test_bad_requests_are_refused_cleanly():
    s = staff_server(max_body=2048)
    with s:
        c = signed_in(s)
        c.get("/admin/jobs/new")
        h = {"Content-Type": "application/x-www-form-urlencoded", "Origin": s.base}
        big = b"customer_name=" + b"x" * 5000
        r = c.request("POST", "/admin/jobs/new", body=big, headers=h)
        assert r.status == 413
        for body in (b"customer_name=%zz", b"customer_name=a&customer_name=b",
                     b"Bad-Name=1", b"customer_name=%ff%fe"):
            r = c.request("POST", "/admin/jobs/new", body=body, headers=h)
            assert r.status == 400, body
            assert "not understood" in r.text
            # The staff error page, with the way back into the staff pages.
            assert 'href="/admin/jobs"' in r.text
        # A control character someone pasted is that field's problem: the
        # form comes back with it marked and everything else kept.
        r = c.request("POST", "/admin/jobs/new", headers=h,
                      body=b"customer_name=a%00b&item_type=Ring&csrf=" + c.csrf().encode())
        assert r.status == 422 and "cannot be saved" in r.text and 'value="Ring"' in r.text
        r = c.request("POST", "/admin/jobs/new", body=b"{}", headers=dict(h, **{"Content-Type": "application/json"}))
        assert r.status == 415
        r = c.request("PUT", "/admin/jobs/new", body=b"", headers=h)
        assert r.status in (400, 405)
        r = c.request("HEAD", "/admin/jobs")
        assert r.status == 200 and r.body == b""
        assert s.sql("SELECT count(*) FROM jobs")[0][0] == 0
        assert c.get("/admin/nonsense").status == 404
        assert c.get("/admin/jobs/12x").status == 404
        r = c.get("/admin/jobs/new/")
        assert r.status == 404


def test_book_in_requires_name_and_item_and_keeps_what_was_typed():
    s = staff_server()
    with s:
        c = signed_in(s)
        page = c.get("/admin/jobs/new")
        wf = re.search(r'name="workflow" value="(\d+)" checked', page.text).group(1)
        r = c.post("/admin/jobs/new", {"workflow": wf, "customer_name": "", "item_type": "Brooch",
                                       "customer_email": "not-an-email", "due_date": "2026-02-30",
                                       "quoted": "12.345", "problem": "Pin <b>bent</b>\nand loose"})
        assert r.status == 422
        text = visible_text(r.text)
        assert "This is required." in text
        assert "That is not an email address." in text
        assert "Use a date like" in text and "Use an amount like" in text
        assert 'value="Brooch"' in r.text and 'value="not-an-email"' in r.text
        assert "Pin &lt;b&gt;bent&lt;/b&gt;\nand loose" in r.text
        assert s.sql("SELECT count(*) FROM jobs")[0][0] == 0


def test_job_detail_edit_and_stage_moves():
    s = staff_server()
    with s:
        c = signed_in(s)
        job, tid = c.book_in(customer_name="Mary <script>alert(1)</script>", quoted="1,200",
                             internal_notes="Keep the box")
        page = c.get("/admin/jobs/%d" % job)
        assert "<script>alert(1)" not in page.text and "&lt;script&gt;" in page.text
        assert "1,200.00" in page.text and "Keep the box" in page.text
        assert 'value="%s/track/%s"' % (s.base, tid) in page.text
        c.get("/admin/jobs/%d/edit" % job)
        r = c.post("/admin/jobs/%d/edit" % job, {"customer_name": "Mary Shelley", "item_type": "Locket",
                                                 "quoted": "", "deposit": "15"})
        assert r.status == 303
        row = s.sql("SELECT customer_name, item_type, quoted_cents, deposit_cents FROM jobs")[0]
        assert row == ("Mary Shelley", "Locket", None, 1500)
        c.move(job, "Assessed", note="Hinge worn", public=False)
        c.move(job, "Booked in", note="Back for a second look", public=True)    # backwards too
        page = c.get("/admin/jobs/%d" % job)
        text = visible_text(page.text)
        assert "Moved to Assessed" in text and "Hinge worn" in text and "private" in text
        assert "Back for a second look" in text and "customer sees this" in text
        assert "Details edited" in text
        customer = Client(s).get("/track/" + tid)
        assert "Back for a second look" in customer.text and "Hinge worn" not in customer.text
        # A stage from another workflow is refused and changes nothing.
        bsp = s.sql("SELECT s.id FROM stages s JOIN workflows w ON w.id = s.workflow_id "
                    "WHERE w.prefix = 'BSP' LIMIT 1")[0][0]
        before = s.sql("SELECT stage_id FROM jobs")
        r = c.post("/admin/jobs/%d/stage" % job, {"stage": str(bsp)})
        assert r.status == 404
        assert s.sql("SELECT stage_id FROM jobs") == before


def test_job_list_filters_searches_and_pages():
    s = staff_server()
    with s:
        c = signed_in(s)
        names = ["Customer %02d" % i for i in range(30)]
        ids = {}
        for n in names:
            ids[n] = c.book_in(customer_name=n)
        ready_job, ready_tid = ids["Customer 07"]
        c.move(ready_job, "Ready for pickup")
        first = c.get("/admin/jobs")
        text = visible_text(first.text)
        assert "Customer 29" in text and "Customer 05" in text and "Customer 04" not in text  # newest first, 25 a page
        assert "Page 1 of 2" in text
        second = c.get("/admin/jobs?page=2")
        assert "Customer 04" in visible_text(second.text) and "Customer 29" not in second.text
        r = c.get("/admin/jobs?filter=ready")
        rows = re.findall(r"Customer \d\d", visible_text(r.text))
        assert rows == ["Customer 07"]
        r = c.get("/admin/jobs?q=customer+1")
        assert set(re.findall(r"Customer \d\d", visible_text(r.text))) == {"Customer %02d" % i for i in range(10, 20)}
        loose = ready_tid.lower().replace("-", " ")
        r = c.get("/admin/jobs?q=" + loose.replace(" ", "+"))
        assert re.findall(r"Customer \d\d", visible_text(r.text)) == ["Customer 07"]
        r = c.get("/admin/jobs?q=%25")        # a LIKE wildcard matches itself only
        assert "No jobs match" in r.text
        c.post("/admin/jobs/%d/delete" % ready_job, {"confirm": "1"})
        assert "Customer 07" not in visible_text(c.get("/admin/jobs?q=Customer+07").text)
        assert "Customer 07" in visible_text(c.get("/admin/jobs?show=deleted").text)


def test_staff_see_only_their_own_shop():
    s = staff_server()
    with s:
        s.add_shop(slug="rival", name="Rival Gems")
        s.add_user(shop="rival", username="rival-staff")
        mine = signed_in(s)
        job, tid = mine.book_in(customer_name="Private Person")
        rival = Client(s)
        rival.login(username="rival-staff")
        assert "Private Person" not in rival.get("/admin/jobs").text
        assert "Private Person" not in rival.get("/admin/jobs?q=Private").text
        assert rival.get("/admin/jobs/%d" % job).status == 404
        assert rival.get("/admin/jobs/%d/edit" % job).status == 404
        rival.get("/admin/jobs")
        for action in ("revoke", "delete"):
            assert rival.post("/admin/jobs/%d/%s" % (job, action), {}).status in (303, 404)
        r = rival.post("/admin/jobs/%d/edit" % job, {"customer_name": "Hijacked", "item_type": "X"})
        assert r.status == 404
        row = s.sql("SELECT customer_name, revoked_at, deleted_at FROM jobs WHERE id = ?", job)[0]
        assert row == ("Private Person", None, None)


def test_settings_validate_time_zone_and_keep_typed_values():
    s = staff_server()
    with s:
        c = signed_in(s)
        c.get("/admin/settings")
        r = c.post("/admin/settings", {"name": "Gold & Co", "timezone": "Mars/Olympus"})
        assert r.status == 422 and "time zone" in r.text
        assert 'value="Gold &amp; Co"' in r.text
        assert s.sql("SELECT name FROM shops")[0][0] == "Test Jewellers"


def test_password_change_ends_other_sessions():
    s = staff_server()
    with s:
        c = signed_in(s)
        other = signed_in(s)
        c.get("/admin/password")
        r = c.post("/admin/password", {"current_password": "wrong wrong wrong",
                                       "new_password": "a much better one", "new_password2": "a much better one"})
        assert r.status == 422 and "current password is not right" in r.text
        r = c.post("/admin/password", {"current_password": STAFF_PASSWORD,
                                       "new_password": "a much better one", "new_password2": "a much better one"})
        assert r.status == 200 and "Your password was changed" in r.text
        assert c.get("/admin/jobs").status == 200
        assert other.get("/admin/jobs").status == 303
        fresh = Client(s)
        fresh.login(password="a much better one")


def test_hallmarkctl_says_what_is_wrong():
    with Server() as s:
        r = s.ctl("shop", "add", "Bad Slug", "X", check=False)
        assert r.returncode != 0 and "bad shop slug" in r.stderr
        r = s.ctl("shop", "add", "ok-shop", "X", "Not/AZone", check=False)
        assert r.returncode != 0 and "time zone" in r.stderr
        s.add_shop(slug="ok-shop")
        r = s.ctl("shop", "add", "ok-shop", "X", check=False)
        assert r.returncode != 0 and "exists already" in r.stderr
        r = s.ctl("user", "add", "no-such-shop", "someone", stdin="long enough password\n", check=False)
        assert r.returncode != 0 and "no shop" in r.stderr
        r = s.ctl("user", "add", "ok-shop", "someone", stdin="short\n", check=False)
        assert r.returncode != 0 and "password needs" in r.stderr
        r = s.ctl("user", "passwd", "ghost", stdin="long enough password\n", check=False)
        assert r.returncode != 0 and "no user" in r.stderr
        r = s.ctl("frobnicate", check=False)
        assert r.returncode == 2 and "usage" in r.stderr
        assert "shop" in s.ctl("shop", "list").stdout
        r = s.ctl("migrate")
        assert "current" in r.stdout


def test_the_job_form_reads_only_its_own_shops_workflow():
    # A job whose row names another shop's workflow (a bad import, a
    # hand-edited database) must not read that shop's stages: the form
    # asks about a commission only for this shop's own decision stages.
    s = staff_server()
    with s:
        s.add_shop(slug="rival", name="Rival Gems")
        c = signed_in(s)
        job, _ = c.book_in(customer_name="Plain Repair")
        assert "Bespoke commission" not in c.get("/admin/jobs/%d/edit" % job).text
        theirs = s.sql("SELECT w.id FROM workflows w JOIN shops sh ON sh.id = w.shop_id "
                       "WHERE sh.slug = 'rival' AND EXISTS(SELECT 1 FROM stages st "
                       "WHERE st.workflow_id = w.id AND st.flags & 8)")[0][0]
        s.sql("UPDATE jobs SET workflow_id = ? WHERE id = ?", theirs, job)
        page = c.get("/admin/jobs/%d/edit" % job)
        assert page.status == 200 and "Plain Repair" in page.text
        assert "Bespoke commission" not in page.text
