"""The public pages in a real browser (tests/browser/browser.py), in English
and in Arabic. The order page at phone and desktop width: under dir=rtl the
layout mirrors (stepper, timeline, thread, composer, language menu) and the
countdown speaks the page's language. Every public page at phone width:
nothing sticks out sideways. Everywhere: no console errors or CSP
violations. Every view is kept as a PNG under build/screenshots/ for a
person to look at.

The Arabic half needs the Arabic catalog (src/po/ar.po): without it the
installation offers no right-to-left language, and those tests say so and
stop (run.py counts them as skipped)."""

import datetime
import os
import re
import sys

from harness import ROOT, Client, Skip, StaffServer

sys.path.insert(0, os.path.join(ROOT, "tests", "browser"))
from browser import DESKTOP, PHONE, Rect, browser     # noqa: E402

SLACK = 2   # CSS pixels: borders and rounding


def book_job(s):
    """A repair part-way through, with a public note on the timeline, a
    message each way, a due date a few days off and every contact button;
    returns its order page's path."""
    s.sql("UPDATE shops SET phone = ?, whatsapp = ?, email = ?, address = ?",
          "+44 20 7946 0000", "+44 7700 900123", "hello@example.com",
          "1 Hatton Garden\nLondon EC1N 8JY")
    staff = Client(s)
    staff.login()
    due = (datetime.date.today() + datetime.timedelta(days=5)).isoformat()
    job, tid = staff.book_in(due_date=due, item_type="Ring",
                             problem="Resize from N to P and polish")
    staff.move(job, "Assessed", note="The shank is sound; resizing is straightforward.",
               public=True)
    staff.move(job, "In progress")
    customer = Client(s, source="127.0.0.2")
    r = customer.post("/track/%s/messages" % tid,
                      {"body": "Could it be ready by Friday?", "website": ""}, csrf=False)
    assert r.status == 303, r
    r = staff.post("/admin/jobs/%d/message" % job, {"body": "Yes, Thursday afternoon."})
    assert r.status == 303, r
    return "/track/" + tid


def rtl_language(b, path):
    """Picks a right-to-left language as a person does, from the menu of
    the English page; returns its code. Skips when none is offered: until
    the Arabic catalog is merged there is none."""
    codes = [a.get_attribute("hreflang") for a in b.find_all(".lang-menu a")]
    if "ar" not in codes:
        if os.path.exists(os.path.join(ROOT, "src", "po", "ar.po")):
            raise AssertionError("src/po/ar.po is there but the menu offers %r" % codes)
        raise Skip("no Arabic catalog (src/po/ar.po) yet: no right-to-left page to test")
    b.click('.lang-menu a[hreflang="ar"]')
    assert b.url.endswith(path + "?lang=ar"), b.url
    return "ar"


def check_common(b, rtl, phone):
    """What holds for every view: the direction, the menu at the inline
    end, the thread, the timeline and the composer mirrored or not, nothing
    out of the viewport sideways on a phone, a countdown in words, and a
    clean console."""
    vw = b.viewport()[0]
    assert b.js("return document.documentElement.dir") == ("rtl" if rtl else "ltr")

    # The language menu sits above the page at the inline end, the current
    # language marked; with one language there is no choice and no menu.
    links = [a for a in b.find_all(".lang-menu a") if a.is_displayed()]
    if len(b.find_all(".lang-menu li")) < 2:
        assert links == []
    else:
        boxes = [b.rect(a) for a in links]
        menu = Rect(min(r.left for r in boxes), min(r.top for r in boxes),
                    max(r.right for r in boxes), max(r.bottom for r in boxes))
        assert menu.bottom <= b.rect("main .card").top
        if rtl:
            assert menu.left < vw / 3, menu
        else:
            assert menu.right > vw * 2 / 3, menu
        current = b.find_all('.lang-menu a[aria-current="true"]')
        assert len(current) == 1
        assert b.style(current[0], "font-weight") != \
            b.style(".lang-menu a:not([aria-current])", "font-weight")

    # The thread: the customer's own messages at the inline end, the shop's
    # at the start.
    thread = b.rect("ol.thread")
    mine, theirs = b.rect(".msg.mine"), b.rect(".msg.theirs")
    assert mine.width < thread.width - 10 and theirs.width < thread.width - 10
    if rtl:
        assert abs(mine.left - thread.left) <= SLACK, (mine, thread)
        assert abs(theirs.right - thread.right) <= SLACK, (theirs, thread)
    else:
        assert abs(mine.right - thread.right) <= SLACK, (mine, thread)
        assert abs(theirs.left - thread.left) <= SLACK, (theirs, thread)

    # The timeline: the rail and its dots on the inline-start side, so the
    # text is indented from that side.
    event, label = b.rect(".events li"), b.rect(".events li strong")
    if rtl:
        assert event.right - label.right > 20 and abs(label.left - event.left) <= SLACK
    else:
        assert label.left - event.left > 20 and abs(event.right - label.right) <= SLACK

    # The composer: its label's words and its button at the inline start.
    form = b.rect("form.composer")
    words = b.text_rect('form.composer label[for="message-body"]')
    button = b.rect("form.composer button")
    if rtl:
        assert abs(words.right - form.right) <= SLACK and words.left > form.left + 20
        assert abs(button.right - form.right) <= SLACK
    else:
        assert abs(words.left - form.left) <= SLACK and words.right < form.right - 20
        assert abs(button.left - form.left) <= SLACK
    if not phone:
        assert button.width < form.width / 2      # not the phone's full-width button

    # The directional arrow of "What happens next" points the reading way.
    flipped = b.style(".next-step > .icon", "transform") not in ("none", "")
    assert flipped == rtl

    # A phone never scrolls sideways, in either direction.
    if phone:
        assert b.horizontal_overflow() == []

    # The countdown in the page's language, to the second, in the unit
    # words the page gives the script.
    countdown = b.find(".countdown").text
    assert "%s" not in countdown and countdown.strip(), countdown
    if rtl:
        assert re.search(r"[\u0600-\u06ff]", countdown), countdown
    else:
        assert re.fullmatch(r"\d+ d \d+ h \d+ min \d+ s to go", countdown), countdown

    b.assert_clean()


def stepper_order(b, rtl, phone):
    """The stages run down the page at every width (each with its
    description), each dot at the inline start of its label."""
    steps = b.rects(".stepper li")
    assert len(steps) >= 3
    assert steps[0].bottom <= steps[1].top + SLACK
    dot, text = b.rect(".stepper li .dot"), b.rect(".stepper li .label")
    assert (dot.left > text.right) if rtl else (dot.right < text.left), (dot, text)


def view(s, path, size, name):
    """The order page at SIZE, first in English, then (when there is one)
    in a right-to-left language picked from its menu."""
    phone = size == PHONE
    b = browser(size)
    b.get(s.base + path)
    stepper_order(b, False, phone)
    check_common(b, False, phone)
    b.screenshot("order-en-" + name)
    code = rtl_language(b, path)
    assert b.js("return document.documentElement.lang") == code
    stepper_order(b, True, phone)
    check_common(b, True, phone)
    b.screenshot("order-%s-%s" % (code, name))
    # The choice is remembered: the bare link opens in it again.
    b.get(s.base + path)
    assert b.js("return document.documentElement.dir") == "rtl"


def test_order_page_mirrors_at_phone_width():
    with StaffServer() as s:
        view(s, book_job(s), PHONE, "phone")


def test_order_page_mirrors_at_desktop_width():
    with StaffServer() as s:
        view(s, book_job(s), DESKTOP, "desktop")


def test_countdown_without_scripts_keeps_the_servers_words():
    with StaffServer() as s:
        staff = Client(s)
        staff.login()
        due = (datetime.date.today() + datetime.timedelta(days=5)).isoformat()
        _, tid = staff.book_in(due_date=due)
        b = browser(PHONE)
        b.cdp("Network.enable")
        b.cdp("Network.setBlockedURLs", urls=["*/order.js"])
        try:
            b.get(s.base + "/track/" + tid)
            text = b.find(".countdown").text
            assert re.fullmatch(r"\d+ d \d+ h to go", text), text
        finally:
            b.cdp("Network.setBlockedURLs", urls=[])
            b.console()         # the blocked script's failed load
        # With them, it counts the seconds.
        b = browser(PHONE)
        b.get(s.base + "/track/" + tid)
        b.wait("/ s to go$/.test(document.querySelector('.countdown').textContent)")


def public_pages(s):
    """A path to each kind of public page, with what it shows: a bespoke
    order awaiting its design decision (a proof and a public photo), the
    lookup forms, their not-found pages, a passport with its specifications
    and history, and the unsubscribe page."""
    from harness import issue_passport
    from test_job_photos import jpeg, job_rows, png, signed_in
    from test_passports import FULL
    c = signed_in(s)
    job, tid = c.book_bespoke()
    c.get("/admin/jobs/%d" % job)
    assert c.upload_job(job, png(1200, 800, rgb=(20, 90, 200)), role="proof",
                        filename="render.png", ctype="image/png").status == 303
    assert c.upload_job(job, jpeg([[90, 160, 220] * 20] * 40), public=True).status == 303
    assert len(job_rows(s, job)) == 2
    c.move(job, "Design review")
    _, uid = issue_passport(c, **FULL)
    c.book_in(customer_email="ada@example.com", notify_channel="email")
    link = s.sql("SELECT unsubscribe FROM notifications WHERE unsubscribe <> '' "
                 "ORDER BY id DESC LIMIT 1")[0][0]
    return [("track", "/track"),
            ("track-not-found", "/track/RPR-0000-0000-0000-0000"),
            ("order-bespoke", "/track/" + tid),
            ("verify", "/verify"),
            ("verify-not-found", "/verify/00000000-0000-4000-8000-000000000000"),
            ("passport", "/verify/" + uid),
            ("unsubscribe", re.sub(r"^https?://[^/]+", "", link))]


def test_every_public_page_fits_a_phone_in_both_directions():
    # Email on, so a booking has an unsubscribe link (nothing is sent).
    with StaffServer(mail_transport="file", sms_transport="file") as s:
        pages = public_pages(s)
        b = browser(PHONE)
        b.get(s.base + "/track")
        directions = [("en", False)]
        try:
            directions.append((rtl_language(b, "/track"), True))
        except Skip:
            pass
        for code, rtl in directions:
            for name, path in pages:
                b.get(s.base + path + "?lang=" + code)
                assert b.js("return document.documentElement.dir") == ("rtl" if rtl else "ltr")
                assert b.horizontal_overflow() == [], name
                b.assert_clean()
                b.screenshot("%s-%s-phone" % (name, code))
        if len(directions) == 1:
            raise Skip("no Arabic catalog (src/po/ar.po) yet: English pages only")
