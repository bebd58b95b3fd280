"""The staff desk in a real browser (tests/browser/browser.py): every item
of the staff menu is in sight and in reach at phone, tablet and desktop
widths, with nothing sticking out sideways; the job list's whole row opens
the job; book-in shows the brief and budget only for a commission; the
confirmation page of an action that cannot be undone. Every view is kept as
a PNG under build/screenshots/."""

import os
import sys

from harness import ROOT, STAFF_PASSWORD, Client, StaffServer

sys.path.insert(0, os.path.join(ROOT, "tests", "browser"))
from browser import browser     # noqa: E402

WIDTHS = [(390, 844), (760, 1000), (1280, 900), (1366, 900), (1920, 1080)]
NAV = ["Jobs", "Book in", "Messages", "Passports", "Workflows", "Settings", "Audit", "Password"]


def sign_in(b, s):
    b.get(s.base + "/admin/login")
    b.find("#username").send_keys("staff")
    b.find("#password").send_keys(STAFF_PASSWORD)
    b.click("form button[type=submit]")
    assert b.url.endswith("/admin/jobs"), b.url


def test_every_menu_item_is_in_sight_at_every_width():
    with StaffServer() as s:
        staff = Client(s)
        staff.login()
        staff.book_in(customer_name="Maximilian Alexander Featherstonehaugh-Smythe",
                      item_type="Platinum engagement ring with pavé band")
        for size in WIDTHS:
            b = browser(size)
            sign_in(b, s)
            vw = b.viewport()[0]
            links = b.find_all(".topbar nav a")
            texts = [l.text.strip() for l in links]
            assert [t.split("\n")[0] for t in texts] == NAV, texts
            for link in links:
                r = b.rect(link)
                assert link.is_displayed(), (size, link.text)
                assert r.left >= 0 and r.right <= vw + 1 and r.width > 0, (size, link.text, r)
                # Nothing covers it or clips it: a click at its middle reaches it.
                hit = b.js("var r = arguments[0].getBoundingClientRect();"
                           "var e = document.elementFromPoint((r.left + r.right) / 2,"
                           " (r.top + r.bottom) / 2); return arguments[0].contains(e);", link)
                assert hit, (size, link.text)
            assert b.horizontal_overflow() == [], (size, b.horizontal_overflow())
            # The list's IDs and names are never broken over lines.
            for cell in (".c-id a", ".c-customer"):
                r = b.text_rect(cell)
                line = float(b.style(cell, "line-height").replace("px", "") or 0) or 24
                assert r.height < line * 1.5, (size, cell, r)
            b.screenshot("staff-jobs-%dx%d" % size, full_page=False)
            b.assert_clean()


def test_whole_row_opens_the_job_and_book_in_fits_the_kind():
    with StaffServer() as s:
        staff = Client(s)
        staff.login()
        job, _ = staff.book_in(customer_name="Rowena Row")
        b = browser((1366, 900))
        sign_in(b, s)
        # Anywhere on the row (the item's cell, say) is the job's link.
        hit = b.js("var r = document.querySelector('.c-item').getBoundingClientRect();"
                   "var e = document.elementFromPoint(r.left + 5, (r.top + r.bottom) / 2);"
                   "return e && e.closest('a') && e.closest('a').getAttribute('href');")
        assert hit == "/admin/jobs/%d" % job, hit
        b.click(".c-id a")
        assert b.url.endswith("/admin/jobs/%d" % job), b.url
        b.get(s.base + "/admin/jobs/new")
        fs = b.find("fieldset.commission")
        assert not fs.is_displayed()                    # Repair is chosen
        b.js("document.querySelector('input[data-commission]').click()")
        assert fs.is_displayed()
        b.screenshot("staff-book-in-bespoke", full_page=True)
        b.assert_clean()
        # Replacing the link asks first, on a page of its own.
        b.get(s.base + "/admin/jobs/%d" % job)
        b.click("form[action$='/rotate'] button")
        assert "Replace the tracking link?" in b.find("h1").text
        b.screenshot("staff-confirm-replace-link", full_page=False)
        b.assert_clean()
