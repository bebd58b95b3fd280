"""What a customer sees first on the order page in each state (in progress,
ready to collect, cancelled, waiting for their approval, complete), the
approval's confirmation step, the notice after a write, the composer, the
/track tiles, the shop's opening hours setting, the passport page's
wording and layout, and the favicon. The same pages in a real browser at
phone size: the answer on the first screen, the composer reached by Tab,
the notice in view after sending."""

import datetime
import html
import os
import re
import sys

from harness import ROOT, Client, StaffServer, issue_passport, visible_text
from test_order_page import book_bespoke, decision_stage_field, stage_of


def header(text):
    """The order page's header card: the first thing under the menu."""
    return re.search(r'<header class="card order-header">(.*?)</header>', text, re.S).group(1)


def summary(text):
    return html.unescape(re.search(r'<p class="status-summary">.*?<span class="text">(.*?)</span>',
                                   text, re.S).group(1))


# What HTML allows in <time datetime>, as the pages use it: a date, or a
# UTC date and time ("valid date string", "valid global date and time
# string"); vnu rejects anything else.
VALID_DATETIME = re.compile(r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
                            r"(T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ)?")


def assert_valid_times(text):
    """Every <time> on the page carries a datetime HTML accepts."""
    times = re.findall(r"<time\b[^>]*>", text)
    assert times
    for t in times:
        m = re.fullmatch(r'<time datetime="([^"]*)">', t)
        assert m and VALID_DATETIME.fullmatch(m.group(1)), t


def days_ahead(n):
    return (datetime.date.today() + datetime.timedelta(days=n)).isoformat()


def staff_client(s):
    c = Client(s)
    c.login()
    return c


def test_in_progress_puts_the_answer_first_once():
    with StaffServer() as s:
        staff = staff_client(s)
        due = days_ahead(5)
        job, tid = staff.book_in(due_date=due, item_type="Ring",
                                 invoice_url="https://pay.example/inv/1")
        staff.move(job, "In progress")
        page = Client(s).get("/track/" + tid)
        assert page.status == 200
        top = header(page.text)
        # The status and the date, in the header, in the page's date format.
        d = datetime.date.fromisoformat(due)
        words = summary(page.text)
        assert words.startswith("In progress · ready by ")
        assert d.strftime("%a ") + str(d.day) + d.strftime(" %b %Y") in words
        # The countdown, server-written to the minute, with its unit phrases
        # for the script; "Last updated" with a valid datetime.
        m = re.search(r'<p class="countdown" data-until="(\d+)" data-template="%s to go" '
                      r'data-d="%s d" data-h="%s h" data-min="%s min" data-s="%s s">([^<]*)</p>',
                      top)
        assert m and re.fullmatch(r"\d+ d \d+ h to go", m.group(2)), top
        assert re.search(r'Last updated <time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">', top)
        # Said once: the item is the heading, not also an "Item" fact; no
        # bar or percentage beside the stage list.
        text = visible_text(page.text)
        assert "Item" not in re.findall(r"<dt>([^<]*)</dt>", page.text)
        assert "<progress" not in page.text and "%" not in text
        # Every stage with its description, the current one marked.
        assert "We have your piece and it is booked in." in text          # done
        assert "Your jeweller is working on your piece." in text          # current
        assert "Your piece is ready." in text                             # still to come
        assert re.search(r'<li class="current" aria-current="step">', page.text)
        # The invoice link while there is something to pay.
        assert "https://pay.example/inv/1" in html.unescape(page.text)
        assert_valid_times(page.text)


def test_ready_is_done_for_now_with_hours_and_a_map():
    with StaffServer() as s:
        s.sql("UPDATE shops SET address = ?, opening_hours = ?",
              "1 Hatton Garden\nLondon EC1N 8JY", "Tue-Sat 10:00-17:30")
        staff = staff_client(s)
        job, tid = staff.book_in(due_date=days_ahead(3))
        staff.move(job, "Ready for pickup")
        page = Client(s).get("/track/" + tid)
        today = datetime.date.today()
        assert summary(page.text).startswith("Ready to collect since ")
        assert str(today.day) + today.strftime(" %b %Y") in summary(page.text)
        assert 'class="countdown"' not in page.text          # nothing left to count down
        # Every stage up to and including "Ready for pickup" is done.
        states = re.findall(r'<li class="(done|current|future)"', page.text)
        assert states == ["done"] * 6 + ["future"], states
        card = re.search(r'<section class="card pickup".*?</section>', page.text, re.S).group(0)
        assert "Tue-Sat 10:00-17:30" in card
        assert ('href="https://www.openstreetmap.org/search?query='
                '1%20Hatton%20Garden%2C%20London%20EC1N%208JY"') in card
        assert "1 Hatton Garden" in card


def test_cancelled_shows_the_reason_first_and_what_to_do():
    with StaffServer() as s:
        staff = staff_client(s)
        job, tid = staff.book_in(invoice_url="https://pay.example/inv/2")
        staff.move(job, "Cancelled", note="The stone is cracked; we can't reset it safely.",
                   public=True)
        page = Client(s).get("/track/" + tid)
        assert summary(page.text) == "Cancelled: The stone is cracked; we can't reset it safely."
        card = re.search(r'<section class="card cancelled".*?</section>', page.text, re.S).group(0)
        assert 'class="cancel-reason text">The stone is cracked' in card
        assert "What happens now" in card and "get in touch" in html.unescape(card)
        assert 'href="#message-body"' in card
        assert "pay.example" not in page.text               # no invoice once cancelled
        assert_valid_times(page.text)
        # A private note stays private: the summary says only "Cancelled".
        job2, tid2 = staff.book_in()
        staff.move(job2, "Cancelled", note="Customer was rude")
        page = Client(s).get("/track/" + tid2)
        assert summary(page.text) == "Cancelled" and "rude" not in page.text


def test_completed_hides_the_invoice():
    with StaffServer() as s:
        staff = staff_client(s)
        job, tid = staff.book_in(invoice_url="https://pay.example/inv/3")
        staff.move(job, "Completed")
        page = Client(s).get("/track/" + tid)
        assert summary(page.text).startswith("Completed on ")
        assert "pay.example" not in page.text


def test_decision_action_card_proof_button_and_staff_warning():
    sys.path.insert(0, os.path.dirname(__file__))
    from test_job_photos import png, signed_in
    with StaffServer() as s:
        staff = signed_in(s)
        job, tid = book_bespoke(staff)
        # Moved to the decision stage with no proof: staff are told, once.
        r = staff.move(job, "Design review")
        assert r.header("Location") == "/admin/jobs/%d?show=no_proof" % job
        notice = staff.get(r.header("Location")).text
        assert visible_text(notice).count("has no design proof") == 1
        page = Client(s).get("/track/" + tid)
        assert summary(page.text) == "Your approval is needed"
        # The action card comes straight after the header, before progress.
        assert page.text.index('id="decision"') < page.text.index('class="order-grid"')
        assert "Action needed" in page.text
        assert "Review design proof" not in page.text       # there is none yet
        assert "The design is not on this page yet" in html.unescape(page.text)
        # The ready-for-review sentence once, in the stage list.
        assert visible_text(page.text).count("Your design is ready for you to review.") == 1

        assert staff.upload_job(job, png(600, 400), role="proof", filename="p.png",
                                ctype="image/png").status == 303
        # With a proof there, moving to the decision stage warns no more.
        staff.move(job, "Design")
        assert staff.move(job, "Design review").header("Location") == "/admin/jobs/%d?show=moved" % job
        page = Client(s).get("/track/" + tid)
        assert re.search(r'<a class="button" href="#decision">Review design proof</a>',
                         header(page.text))


def test_approve_asks_for_confirmation_and_the_notice_is_where_the_page_opens():
    with StaffServer() as s:
        staff = staff_client(s)
        job, tid = book_bespoke(staff)
        staff.move(job, "Design review")
        customer = Client(s)
        page = customer.get("/track/" + tid)
        assert re.search(r'<input type="checkbox" name="confirm" value="1" required>', page.text)
        stage = decision_stage_field(page.text)
        # Without the box ticked nothing is approved, and the page says why.
        r = customer.post("/track/%s/decision" % tid, {"decision": "approve", "stage": stage},
                          csrf=False)
        assert r.status == 422 and "Tick the box" in r.text
        assert stage_of(s, job) == "Design review"
        r = customer.post("/track/%s/decision" % tid,
                          {"decision": "approve", "stage": stage, "confirm": "1"}, csrf=False)
        assert r.status == 303
        assert r.header("Location") == "/track/%s?sent=approved#notice" % tid
        assert stage_of(s, job) == "Design approved"
        page = customer.get(r.header("Location"))
        assert re.search(r'<p class="notice order-notice" id="notice" role="status">Thank you: '
                         r'you approved the design', page.text)
        # A message lands on the same notice.
        r = customer.post("/track/%s/messages" % tid, {"body": "Thanks!", "website": ""},
                          csrf=False)
        assert r.status == 303 and r.header("Location").endswith("?sent=message#notice")
        page = customer.get(r.header("Location"))
        assert 'id="notice"' in page.text and "Message sent." in page.text


def test_the_composer_is_a_real_control_with_one_label_and_a_counter():
    with StaffServer() as s:
        staff = staff_client(s)
        _, tid = staff.book_in()
        page = Client(s).get("/track/" + tid).text
        assert re.search(r'<a class="button secondary" href="#message-body">Message the workshop</a>',
                         page)
        assert len(re.findall(r'<label[^>]*for="message-body"', page)) == 1
        m = re.search(r'<p class="hint counter" id="body-count" data-max="(\d+)" '
                      r'data-template="%s characters left">Up to (\d+) characters.</p>', page)
        assert m and m.group(1) == m.group(2) and int(m.group(1)) >= 1000
        assert 'aria-describedby="body-count"' in page
        # Wording for a workshop of any trade: a shop without a name is
        # "The workshop", not "Your jeweller".
        assert "Questions about your order?" in html.unescape(page)
        s.sql("UPDATE shops SET name = ''")
        page = Client(s).get("/track/" + tid).text
        assert '<span>The workshop</span>' in page


def test_track_tiles_explain_every_prefix_in_use():
    with StaffServer() as s:
        s.sql("INSERT INTO workflows (shop_id, prefix, name) VALUES (1, 'WCH', 'Watch servicing')")
        page = Client(s).get("/track")
        assert page.status == 200
        tiles = re.findall(r'<h2 dir="ltr">([A-Z]{3})-</h2>\s*<p>([^<]*)</p>', page.text)
        assert [t[0] for t in tiles] == ["RPR", "BSP", "WCH"], tiles
        assert tiles[2][1] == "Watch servicing"
        assert tiles[0][1].startswith("Repairs:") and tiles[1][1].startswith("Bespoke:")
        assert "jeweller" not in page.text


def test_opening_hours_setting_is_saved_and_comes_back_on_error():
    with StaffServer() as s:
        staff = staff_client(s)
        form = staff.get("/admin/settings").text
        assert 'name="opening_hours"' in form
        fields = dict(re.findall(r'<input[^>]*name="(name|timezone)"[^>]*value="([^"]*)"', form))
        hours = "Tue-Fri 10:00-17:30\nSat 10:00-16:00"
        # A mistake elsewhere: the hours come back as typed, nothing saved.
        r = staff.post("/admin/settings", dict(fields, opening_hours=hours, email="not-an-email"))
        assert r.status == 422
        assert ">" + hours + "</textarea>" in r.text
        assert s.sql("SELECT opening_hours FROM shops")[0][0] == ""
        r = staff.post("/admin/settings", dict(fields, opening_hours=hours))
        assert r.status == 200 and ">" + hours + "</textarea>" in r.text
        assert s.sql("SELECT opening_hours FROM shops")[0][0] == hours
        # Too long is refused beside the field.
        r = staff.post("/admin/settings", dict(fields, opening_hours="x" * 400))
        assert r.status == 422 and 'id="e-opening_hours"' in r.text
        # The customer reads them on the contact card.
        _, tid = staff.book_in()
        page = Client(s).get("/track/" + tid).text
        assert "Opening hours" in page and html.escape(hours, quote=False) in page


def test_passport_page_plain_words_one_date_format_and_ways_on():
    from test_passports import FULL
    with StaffServer() as s:
        s.sql("UPDATE shops SET phone = '+44 20 7946 0000', email = 'hello@example.com'")
        staff = staff_client(s)
        _, uid = issue_passport(staff, **FULL)
        page = Client(s).get("/verify/" + uid)
        assert page.status == 200
        text = visible_text(page.text)
        # The UID wraps only after a hyphen.
        groups = uid.split("-")
        assert ("<wbr>".join(g + "-" for g in groups[:-1]) + "<wbr>" + groups[-1] + "<wbr>"
                in page.text)
        # No jargon up front; the fingerprint is still there for experts.
        assert "Ed25519" not in text and "signed record" not in text
        assert "Is this record genuine?" in text
        assert re.search(r'<code class="fingerprint" dir="ltr">[^<]+</code>', page.text)
        assert_valid_times(page.text)
        # Every date the same way ("Wed 2 Dec 2026"), the signing date too.
        dates = re.findall(r"<time datetime=\"([^\"]*)\">([^<]*)</time>", page.text)
        assert dates
        for iso, shown in dates:
            assert re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", iso), iso
            assert re.fullmatch(r"[A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2} \d{4}", shown), shown
        assert re.search(r"last signed [A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2} \d{4}", text)
        # Every group's labels in one kind of list, so they line up.
        assert '<dl class="facts">' in page.text and "<dl>" not in page.text
        # The way back to the shop, and on to another passport.
        assert 'href="tel:+442079460000"' in html.unescape(page.text)
        assert 'href="mailto:hello@example.com"' in html.unescape(page.text)
        assert '<a href="/verify">Check another passport</a>' in page.text
        # Without a photo the page is marked for the compact layout.
        assert 'class="order passport no-photo"' in page.text


def test_favicon_is_served_and_linked():
    with StaffServer() as s:
        r = Client(s).get("/favicon.ico")
        assert r.status == 200 and r.body[:4] == b"\x00\x00\x01\x00"
        r = Client(s).get("/static/favicon.svg")
        assert r.status == 200 and b"<svg" in r.body
        for path in ("/track", "/verify", "/admin/login"):
            assert '<link rel="icon" href="/static/favicon.svg"' in Client(s).get(path).text, path


# --- In a real browser --------------------------------------------------

def in_view(b, css):
    """CSS's first match lies wholly inside the viewport as it is now."""
    r = b.rect(css)
    w, h = b.viewport()
    return r.top >= 0 and r.bottom <= h and r.left >= 0 and r.right <= w


def tab_to(b, css, limit=80):
    """Presses Tab, as a person does, until the focus is on CSS's first
    match; returns how many presses it took."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    target = b.find(css)
    for n in range(1, limit + 1):
        ActionChains(b.driver).send_keys(Keys.TAB).perform()
        if b.js("return document.activeElement") == target:
            return n
    raise AssertionError("Tab never reached " + css)


def test_phone_first_screen_keyboard_countdown_and_notice_in_a_browser():
    sys.path.insert(0, os.path.join(ROOT, "tests", "browser"))
    from browser import DESKTOP, PHONE, browser
    with StaffServer() as s:
        s.sql("UPDATE shops SET phone = ?, email = ?, address = ?, opening_hours = ?",
              "+44 20 7946 0000", "hello@example.com", "1 Hatton Garden\nLondon EC1N 8JY",
              "Tue-Fri 10:00-17:30\nSat 10:00-16:00")
        staff = staff_client(s)
        job, tid = staff.book_in(due_date=days_ahead(4), item_type="Ring",
                                 problem="Resize from N to P and polish")
        staff.move(job, "Assessed", note="The shank is sound.", public=True)
        staff.move(job, "In progress")
        b = browser(PHONE)
        b.get(s.base + "/track/" + tid)
        # The answer is on the first screen of a phone.
        assert in_view(b, ".status-summary"), b.rect(".status-summary")
        assert in_view(b, ".countdown")
        # The countdown runs to the second, in the page's own unit words.
        first = b.find(".countdown").text
        assert re.fullmatch(r"\d+ d \d+ h \d+ min \d+ s to go", first), first
        b.wait("document.querySelector('.countdown').textContent !== %r" % first, timeout=3)
        b.screenshot("customer-progress-phone")
        # The keyboard reaches "Message the workshop" (a link) and the box.
        tab_to(b, '.next-step a[href="#message-body"]')
        tab_to(b, "#message-body")
        counter = b.find("#body-count").text
        assert re.fullmatch(r"\d+ characters left", counter), counter
        full = int(counter.split()[0])
        b.find("#message-body").send_keys("Could it be ready by Friday?")
        assert b.find("#body-count").text == "%d characters left" % (full - 28)
        b.click("form.composer button[type=submit]")
        # Sent: the page opens on its notice, in view.
        assert b.url.endswith("?sent=message#notice"), b.url
        assert "Message sent." in b.find("#notice").text
        assert in_view(b, "#notice")
        b.screenshot("customer-sent-phone", full_page=False)
        b.assert_clean()

        # Desktop: both columns carry cards; neither is mostly empty.
        b = browser(DESKTOP)
        b.get(s.base + "/track/" + tid)
        main, side = b.rect(".order-main"), b.rect(".order-side")
        assert main.left < side.left and main.top == side.top
        assert min(main.height, side.height) > 0.5 * max(main.height, side.height), (main, side)
        b.screenshot("customer-progress-desktop")

        # Ready: done for now, the hours and the map at the top of the page.
        staff.move(job, "Ready for pickup")
        b = browser(PHONE)
        b.get(s.base + "/track/" + tid)
        assert in_view(b, ".status-summary")
        assert b.find_all(".countdown") == []
        assert "Tue-Fri 10:00-17:30" in b.find(".pickup").text
        b.screenshot("customer-ready-phone")
        b.assert_clean()


def test_phone_decision_and_cancelled_in_a_browser():
    sys.path.insert(0, os.path.join(ROOT, "tests", "browser"))
    from browser import PHONE, browser
    from test_job_photos import png, signed_in
    with StaffServer() as s:
        staff = signed_in(s)
        job, tid = book_bespoke(staff)
        assert staff.upload_job(job, png(1200, 800, rgb=(20, 90, 200)), role="proof",
                                filename="render.png", ctype="image/png").status == 303
        staff.move(job, "Design review")
        b = browser(PHONE)
        b.get(s.base + "/track/" + tid)
        assert b.find(".status-summary").text == "Your approval is needed"
        assert in_view(b, ".status-summary") and in_view(b, ".order-header a[href='#decision']")
        b.screenshot("customer-decision-phone")
        # Approving needs its box: the browser itself holds the form back.
        b.find(".decision-approve button").click()
        assert b.url.endswith("/track/" + tid) and stage_of(s, job) == "Design review"
        b.find(".decision-approve input[name=confirm]").click()
        b.click(".decision-approve button")
        assert stage_of(s, job) == "Design approved"
        assert in_view(b, "#notice") and "you approved the design" in b.find("#notice").text
        b.assert_clean()

        job2, tid2 = staff.book_in(item_type="Watch")
        staff.move(job2, "Cancelled", note="The movement can't be repaired.", public=True)
        b.get(s.base + "/track/" + tid2)
        assert b.find(".status-summary").text == "Cancelled: The movement can't be repaired."
        assert in_view(b, ".status-summary")
        b.screenshot("customer-cancelled-phone")
        b.assert_clean()


def test_passport_without_a_photo_is_compact_on_a_phone():
    sys.path.insert(0, os.path.join(ROOT, "tests", "browser"))
    from browser import PHONE, browser
    from test_passports import FULL
    with StaffServer() as s:
        staff = staff_client(s)
        _, uid = issue_passport(staff, **FULL)
        b = browser(PHONE)
        b.get(s.base + "/verify/" + uid)
        assert b.horizontal_overflow() == []
        # The ID wraps between its groups, never inside one.
        lines = b.js("""var c = document.querySelector('code.uid'), r = document.createRange(),
            out = [], t = c.textContent, last = null;
            for (var n = c.firstChild; n; n = n.nextSibling) if (n.nodeType === 3) {
              for (var i = 0; i < n.length; i++) {
                r.setStart(n, i); r.setEnd(n, i + 1);
                var top = Math.round(r.getBoundingClientRect().top);
                if (top !== last) { out.push(''); last = top; }
                out[out.length - 1] += n.data[i];
              }
            }
            return out;""")
        assert "".join(lines) == uid
        for line in lines[:-1]:
            assert line.endswith("-"), lines
        # Every card's labels start at the same place.
        lefts = {round(r.left) for r in b.rects(".facts dd")}
        assert len(lefts) == 1, lefts
        b.screenshot("passport-no-photo-phone")
        height = b.js("return document.documentElement.scrollHeight")
        assert height < 2200, height
        b.assert_clean()
