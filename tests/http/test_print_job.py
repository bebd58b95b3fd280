"""Printing a job (print.cgi): the take-in slip, the workshop tag and the
QR code of the customer's link, for the shop's signed-in staff only, read
back the way a customer, a printer and a scanner would: pdftotext for the
words and where they sit (-bbox), pdfinfo for the paper, pdfimages for the
embedded logo, a print-resolution render for the margins, zbarimg for the
codes."""

import datetime
import os
import re
import subprocess
import tempfile
import zoneinfo

from harness import Client, StaffServer
from test_job_photos import JobStaff
from test_photos import png

MM = 72 / 25.4
RECEIPT_W = 80 * MM
RECEIPT_MARGIN = 4 * MM         # 72 mm of the 80 are printed

SHOP = {
    "name": "Maison Lumière Jewellers", "timezone": "Australia/Sydney",
    "address": "Shop 4, The Strand Arcade\n412 George Street\nSydney NSW 2000",
    "phone": "+61 2 9231 4455", "email": "hello@maison-lumiere.example",
    "slip_size": "80mm", "tracking_on": "1",
    "slip_terms": "Items not collected within 90 days may be sold to cover costs.",
}

JOB = {
    "customer_name": "Zoë Ångström-Llewelyn", "item_type": "Engagement ring",
    "item_description": "18ct yellow gold, round brilliant solitaire, six claws",
    "problem": "Stone is loose; one claw lifted. Re-tip all claws and polish.",
    "due_date": "2026-12-24", "deposit": "50",
}

# Long values: each must come back whole from a 72 mm column.
LONG_SHOP = ("Maison Lumière Fine Jewellers, Goldsmiths & Watchmakers of the Strand Arcade "
             "and George Street, Sydney Since 1921")[:120]
LONG_DESCRIPTION = (
    "Eighteen carat yellow gold engagement ring with a round brilliant diamond of about "
    "half a carat in a six-claw crown setting; the shank is worn thin at the back, one claw "
    "is lifted, and the inside is engraved 'Zoë & Björn, 14·ii·2009'.")
LONG_PROBLEM = ("Customer Zoë Ångström-Llewelyn asks: re-tip all six claws, re-shank the "
                "back in 18ct, polish, and check the engraving survives. "
                "Reference: " + "X7" * 40)            # one 80-character word: cut, not lost
LONG_TERMS = " ".join(
    ["Items not collected within ninety days of our notice may be sold to recover costs."]
    + ["Estimates are free; we start work only once you approve the quote, and a deposit "
       "is not refundable once materials are ordered."] * 5
    + ["Öffnungszeiten: Mo–Fr 9–17 Uhr. Questions? Call the shop."])
LONG_ITEM = "Antique Art Deco platinum and sapphire cocktail ring with milgrain edges"


def signed_in(s, username="staff"):
    c = JobStaff(s)
    c.login(username=username)
    return c


def settings(c, **over):
    form = dict(SHOP)
    form.update(over)
    form = {k: v for k, v in form.items() if v is not None}
    c.get("/admin/settings")
    r = c.post("/admin/settings", form)
    assert r.status in (200, 303), r


def book(c, s, **fields):
    """Books a repair in; returns (id, number, tracking ID) from the
    database (the job page may not show an ID a job does not have)."""
    c.get("/admin/jobs/new")
    form = dict(JOB)
    form["workflow"] = re.search(r'name="workflow" value="(\d+)" checked', c.last.text).group(1)
    form.update(fields)
    r = c.post("/admin/jobs/new", form)
    assert r.status == 303, r
    job = int(re.match(r"/admin/jobs/(\d+)", r.header("Location")).group(1))
    number, tid = s.sql("SELECT number, tracking_id FROM jobs WHERE id = ?", job)[0]
    c.get("/admin/jobs/%d" % job)           # a page with a fresh CSRF token
    return job, number, tid


def tool(cmd, data, suffix=".pdf", check=True):
    with tempfile.NamedTemporaryFile(suffix=suffix) as f:
        f.write(data)
        f.flush()
        r = subprocess.run(cmd + [f.name] + (["-"] if cmd[0] == "pdftotext" else []),
                           capture_output=True, timeout=60)
    if check:
        assert r.returncode == 0, (cmd, r.stderr)
    return r


def text_of(pdf):
    return tool(["pdftotext", "-enc", "UTF-8"], pdf).stdout.decode("utf-8")


def pages_of(pdf):
    """[(width, height)] in points, one per page, from pdfinfo."""
    out = tool(["pdfinfo", "-f", "1", "-l", "999"], pdf).stdout.decode()
    return [(float(w), float(h)) for w, h in
            re.findall(r"Page +\d+ size: +([\d.]+) x ([\d.]+) pts", out)]


def words_of(pdf):
    """[(page width, page height, [(xmin, ymin, xmax, ymax, word)])], from pdftotext -bbox."""
    html = tool(["pdftotext", "-bbox", "-enc", "UTF-8"], pdf).stdout.decode("utf-8")
    pages = []
    for m in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S):
        words = [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in re.findall(
            r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">([^<]*)</word>',
            m.group(3))]
        pages.append((float(m.group(1)), float(m.group(2)), words))
    return pages


def assert_words_inside(pdf, margin=0.0, slack=0.5):
    """Every word lies on its page, and inside the side margins."""
    pages = words_of(pdf)
    assert pages and any(words for _, _, words in pages)
    for w, h, words in pages:
        for x0, y0, x1, y1, word in words:
            assert x0 >= margin - slack and x1 <= w - margin + slack, (word, x0, x1, w)
            assert y0 >= 0 and y1 <= h, (word, y0, y1, h)


def render(pdf, dpi=200, gray=False):
    """Page 1 at dpi: PNG bytes, or (width, height, pixels) for gray."""
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "in.pdf")
        with open(src, "wb") as f:
            f.write(pdf)
        args = ["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1"]
        args += ["-gray"] if gray else ["-png"]
        subprocess.run(args + [src, os.path.join(d, "p")], check=True, timeout=60,
                       capture_output=True)
        out = [n for n in os.listdir(d) if n.startswith("p")][0]
        with open(os.path.join(d, out), "rb") as f:
            data = f.read()
    if not gray:
        return data
    m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    w, h = int(m.group(1)), int(m.group(2))
    return w, h, data[m.end():]


def assert_blank_border(pdf, border_mm, dpi=100):
    """Nothing at all (text, rules, code, logo) is drawn within border_mm
    of the edge of page 1."""
    w, h, px = render(pdf, dpi, gray=True)
    b = int(border_mm / 25.4 * dpi) - 1
    for y in range(h):
        row = px[y * w:(y + 1) * w]
        edge = row if y < b or y >= h - b else row[:b] + row[w - b:]
        assert min(edge) >= 250, ("ink in the border", y, min(edge))


def scan(png_bytes):
    r = tool(["zbarimg", "--raw", "-q"], png_bytes, suffix=".png", check=False)
    return r.stdout.decode().strip()


def flat(s):
    """Text with every space, line break and hyphen gone, so a value
    wrapped (or cut) across lines still matches itself."""
    return re.sub(r"[\s\-\u00ad\u2010]+", "", s)


def booked_in(s, job, tz="Australia/Sydney"):
    created, = s.sql("SELECT created_at FROM jobs WHERE id = ?", job)[0]
    t = datetime.datetime.fromtimestamp(created, zoneinfo.ZoneInfo(tz))
    return "%d %s, %s" % (t.day, t.strftime("%b %Y"), t.strftime("%H:%M"))


def test_slip_on_80mm_paper_has_everything_and_its_code_scans():
    with StaffServer() as s:
        c = signed_in(s)
        settings(c)
        assert c.upload_logo(png(600, 200, rgb=(119, 87, 38))).status == 303
        job, number, tid = book(c, s)
        r = c.get("/admin/print/job/%d/slip.pdf" % job)
        assert r.status == 200, r
        assert r.header("Content-Type") == "application/pdf"
        assert r.header("Content-Disposition") == 'inline; filename="job-%d-slip.pdf"' % number
        assert r.header("Cache-Control") == "no-store"
        assert r.body.startswith(b"%PDF-")

        # One page, 80 mm wide, as long as the slip.
        (w, h), = pages_of(r.body)
        assert abs(w - RECEIPT_W) < 0.05 and 100 * MM < h < 300 * MM, (w, h)

        text = text_of(r.body)
        url = "%s/track/%s" % (s.base, tid)
        for want in ("Maison Lumière Jewellers", "Sydney NSW 2000", "+61 2 9231 4455",
                     "hello@maison-lumiere.example", "Job #%d" % number, tid,
                     "Engagement ring", JOB["item_description"], JOB["problem"],
                     "Booked in", booked_in(s, job), "Estimated completion", "Thu 24 Dec 2026",
                     "Deposit paid", "50.00", SHOP["slip_terms"],
                     "Scan the code, or visit %s/track and type the ID." % s.base):
            assert want in re.sub(r"\s+", " ", text), want

        # The QR code is vectors, the logo the stored JPEG itself.
        images = tool(["pdfimages", "-list"], r.body).stdout.decode().splitlines()[2:]
        assert len(images) == 1, images
        cols = images[0].split()
        assert cols[3:5] == ["400", "133"] and cols[8] == "jpeg", cols
        assert scan(render(r.body, 200)) == url

        assert_words_inside(r.body, RECEIPT_MARGIN)
        assert_blank_border(r.body, 3.5)

        head = c.request("HEAD", "/admin/print/job/%d/slip.pdf" % job)
        assert head.status == 200 and head.body == b""


def test_slip_at_80mm_wraps_long_values_and_cuts_nothing_off():
    with StaffServer() as s:
        c = signed_in(s)
        settings(c, name=LONG_SHOP, slip_terms=LONG_TERMS,
                 address="Level 12, Suite 1204, The Very Long Named Commercial Tower\n"
                         "1 Macquarie Place\nSydney NSW 2000",
                 email="appointments.and.repairs@maison-lumiere-fine-jewellers.example")
        job, number, tid = book(c, s, item_type=LONG_ITEM, item_description=LONG_DESCRIPTION,
                                problem=LONG_PROBLEM, deposit="1234567.89")
        assert len(LONG_DESCRIPTION) >= 200 and len(LONG_TERMS) > 500
        pdf = c.get("/admin/print/job/%d/slip.pdf" % job).body
        (w, h), = pages_of(pdf)
        assert abs(w - RECEIPT_W) < 0.05

        text = text_of(pdf)
        for value in (LONG_SHOP, LONG_ITEM, LONG_DESCRIPTION, LONG_PROBLEM, LONG_TERMS, tid,
                      "1,234,567.89", "appointments.and.repairs@maison-lumiere-fine-jewellers.example"):
            assert flat(value) in flat(text), value[:40]
            for word in value.split():
                assert flat(word) in flat(text), word
        assert_words_inside(pdf, RECEIPT_MARGIN)
        assert_blank_border(pdf, 3.5)
        assert scan(render(pdf, 200)) == "%s/track/%s" % (s.base, tid)


def test_slip_on_a5_and_a4_paper():
    for size, (pw, ph) in (("a5", (419.53, 595.28)), ("a4", (595.28, 841.89))):
        with StaffServer() as s:
            c = signed_in(s)
            settings(c, slip_size=size)
            job, number, tid = book(c, s)
            pdf = c.get("/admin/print/job/%d/slip.pdf" % job).body
            pages = pages_of(pdf)
            assert len(pages) == 1, (size, pages)
            assert abs(pages[0][0] - pw) < 0.05 and abs(pages[0][1] - ph) < 0.05, (size, pages)
            text = re.sub(r"\s+", " ", text_of(pdf))
            for want in ("Job #%d" % number, tid, "Engagement ring", "Thu 24 Dec 2026",
                         SHOP["slip_terms"], "%s/track" % s.base):
                assert want in text, (size, want)
            assert scan(render(pdf, 150)) == "%s/track/%s" % (s.base, tid), size
            assert_words_inside(pdf, 10 * MM)
            # A sheet takes as many pages as the slip needs, each whole.
            settings(c, slip_size=size, slip_terms=LONG_TERMS)
            job2, _, _ = book(c, s, item_description=LONG_DESCRIPTION * 8, problem=LONG_PROBLEM * 8)
            pdf = c.get("/admin/print/job/%d/slip.pdf" % job2).body
            pages = pages_of(pdf)
            assert len(pages) >= 2, (size, pages)
            assert all(abs(p[0] - pw) < 0.05 and abs(p[1] - ph) < 0.05 for p in pages), pages
            text = text_of(pdf)
            for value in (LONG_TERMS, LONG_DESCRIPTION * 8, LONG_PROBLEM * 8):
                assert flat(value) in flat(text.replace("Job #%d, continued" % (number + 1), "")), size
            assert_words_inside(pdf, 10 * MM)


def test_a_job_without_a_customer_link_prints_no_tracking_id_or_code():
    with StaffServer() as s:
        c = signed_in(s)
        settings(c, tracking_on=None)           # tracking off: the box unticked
        job, number, tid = book(c, s)
        assert s.sql("SELECT link_issued FROM jobs WHERE id = ?", job) == [(0,)]
        pdf = c.get("/admin/print/job/%d/slip.pdf" % job).body
        text = re.sub(r"\s+", " ", text_of(pdf))
        assert "Job #%d" % number in text and "Engagement ring" in text
        assert "We will send you a link to follow this job online later." in text
        for gone in (tid, tid[:8], "tracking ID", "/track", "Scan the code"):
            assert gone not in text, gone
        assert scan(render(pdf, 200)) == ""
        assert c.get("/admin/print/job/%d/qr.png" % job).status == 404
        page = c.get("/admin/jobs/%d" % job).text
        assert "/admin/print/job/%d/slip.pdf" % job in page
        assert "/admin/print/job/%d/qr.png" % job not in page
        assert "Customer tracking was off when this job was booked" in page
        # The tag never carried the link anyway.
        assert c.get("/admin/print/job/%d/tag.pdf" % job).status == 200

        # Turned back on, the job gets its link, and the slip carries it.
        settings(c)
        pdf = c.get("/admin/print/job/%d/slip.pdf" % job).body
        assert tid in text_of(pdf) and scan(render(pdf, 200)) == "%s/track/%s" % (s.base, tid)
        assert c.get("/admin/print/job/%d/qr.png" % job).status == 200
        assert "/admin/print/job/%d/qr.png" % job in c.get("/admin/jobs/%d" % job).text

        # Revoked, then deleted: no link, and no promise of one either.
        for action, undo in (("revoke", "unrevoke"), ("delete", "undelete")):
            c.get("/admin/jobs/%d" % job)
            assert c.post("/admin/jobs/%d/%s" % (job, action), {"confirm": "1"}).status == 303, action
            pdf = c.get("/admin/print/job/%d/slip.pdf" % job).body
            text = re.sub(r"\s+", " ", text_of(pdf))
            assert "Job #%d" % number in text, action
            for gone in (tid, "/track", "Scan the code", "send you a link"):
                assert gone not in text, (action, gone)
            assert scan(render(pdf, 200)) == "", action
            assert c.get("/admin/print/job/%d/qr.png" % job).status == 404, action
            assert "/admin/print/job/%d/qr.png" % job not in c.get("/admin/jobs/%d" % job).text
            assert c.get("/admin/print/job/%d/tag.pdf" % job).status == 200, action
            c.get("/admin/jobs/%d" % job)
            assert c.post("/admin/jobs/%d/%s" % (job, undo), {}).status == 303, undo


def test_workshop_tag_leads_to_the_staff_page_never_the_customers():
    with StaffServer() as s:
        c = signed_in(s)
        settings(c)
        job, number, tid = book(c, s)
        r = c.get("/admin/print/job/%d/tag.pdf" % job)
        assert r.status == 200 and r.header("Content-Type") == "application/pdf"
        assert r.header("Content-Disposition") == 'inline; filename="job-%d-tag.pdf"' % number
        (w, h), = pages_of(r.body)
        assert abs(w - 62 * MM) < 0.05 and abs(h - 29 * MM) < 0.05, (w, h)
        text = re.sub(r"\s+", " ", text_of(r.body))
        for want in ("#%d" % number, "Engagement ring", "Zoë Å.", "Due Thu 24 Dec 2026"):
            assert want in text, want
        for never in (tid, "track", "Ångström", "Llewelyn"):
            assert never not in text, never
        assert scan(render(r.body, 300)) == "%s/admin/jobs/%d" % (s.base, job)
        assert_words_inside(r.body, 1.5 * MM)
        assert_blank_border(r.body, 1.5, dpi=200)

        # Long values are cut short on the label, never past its edge.
        job2, number2, _ = book(c, s, item_type=LONG_ITEM, customer_name="Bartholomew-Maximilian "
                                "Featherstonehaugh-Cholmondeley")
        pdf = c.get("/admin/print/job/%d/tag.pdf" % job2).body
        text = text_of(pdf)
        assert "#%d" % number2 in text and "Bartholomew-Maximilian F." in text.replace("\n", " ")
        assert "\u2026" in text                      # the item, shortened
        assert_words_inside(pdf, 1.5 * MM)
        assert scan(render(pdf, 300)) == "%s/admin/jobs/%d" % (s.base, job2)


def test_job_qr_png_scans_to_the_tracking_url():
    with StaffServer() as s:
        c = signed_in(s)
        settings(c)
        job, number, tid = book(c, s)
        r = c.get("/admin/print/job/%d/qr.png" % job)
        assert r.status == 200, r
        assert r.header("Content-Type") == "image/png"
        assert r.header("Content-Disposition") == 'attachment; filename="job-%d-qr.png"' % number
        assert r.body[:8] == b"\x89PNG\r\n\x1a\n"
        width = int.from_bytes(r.body[16:20], "big")
        assert width >= 600, width
        assert scan(r.body) == "%s/track/%s" % (s.base, tid)
        # The page it leads to is the customer's.
        assert Client(s).get("/track/" + tid).status == 200


def test_other_shops_unknown_jobs_signed_out_and_bad_paths():
    with StaffServer() as s:
        c = signed_in(s)
        settings(c)
        job, number, tid = book(c, s)
        s.add_shop(slug="rival", name="Rival Jewellers")
        s.add_user(shop="rival", username="rival-staff")
        rival = signed_in(s, "rival-staff")
        their_job, _, _ = book(rival, s)
        files = ("slip.pdf", "tag.pdf", "qr.png")
        for what in files:
            r = rival.get("/admin/print/job/%d/%s" % (job, what))
            assert r.status == 404, (what, r)
            assert r.header("Content-Type").startswith("text/html")
            assert r.header("Content-Disposition") is None
            assert tid not in r.text and "Engagement" not in r.text
            assert c.get("/admin/print/job/%d/%s" % (their_job, what)).status == 404
            assert c.get("/admin/print/job/%d/%s" % (job + 1000, what)).status == 404
            anon = Client(s).get("/admin/print/job/%d/%s" % (job, what))
            assert anon.status == 303 and anon.header("Location") == "/admin/login", anon
            assert anon.header("Content-Disposition") is None
        for path in ("/admin/print/job/0%d/slip.pdf" % job, "/admin/print/job/%d/slip.PDF" % job,
                     "/admin/print/job/%d/slip.pdf/" % job, "/admin/print/job/%d" % job,
                     "/admin/print/job/%d/certificate.pdf" % job, "/admin/print/job/x/tag.pdf",
                     "/admin/print/jobs/%d/slip.pdf" % job, "/admin/print/%d/slip.pdf" % job):
            assert c.get(path).status == 404, path
        r = c.post("/admin/print/job/%d/slip.pdf" % job, {})
        assert r.status == 405 and r.header("Allow") == "GET, HEAD"


def test_job_page_links_the_printed_documents():
    with StaffServer() as s:
        c = signed_in(s)
        settings(c)
        job, number, tid = book(c, s)
        page = c.get("/admin/jobs/%d" % job).text
        card = re.search(r'<section class="card print-card">(?s:.*?)</section>', page).group(0)
        for href, label in (("slip.pdf", "Take-in slip"), ("tag.pdf", "Workshop tag"),
                            ("qr.png", "QR code (PNG)")):
            assert re.search(r'href="/admin/print/job/%d/%s"[^>]*>%s</a>'
                             % (job, re.escape(href), re.escape(label)), card), label
        for href in re.findall(r'href="(/admin/print/[^"]+)"', card):
            assert c.get(href).status == 200, href


def test_a_logo_that_is_not_a_usable_jpeg_is_left_out():
    with StaffServer() as s:
        c = signed_in(s)
        settings(c)
        assert c.upload_logo(png(300, 300)).status == 303
        stem, = s.sql("SELECT stored_name FROM attachments WHERE role = 'logo'")[0]
        job, number, tid = book(c, s)
        # A CMYK JPEG header, then a truncated one, then no file at all.
        cmyk = (b"\xff\xd8\xff\xc0\x00\x14\x08\x00\x10\x00\x10\x04"
                b"\x01\x11\x00\x02\x11\x00\x03\x11\x00\x04\x11\x00\xff\xd9")
        for data in (cmyk, cmyk[:9], None):
            path = os.path.join(s.dir, "media", stem + "-t.jpg")
            if data is None:
                os.unlink(path)
            else:
                s.put_media(stem + "-t.jpg", data)
            r = c.get("/admin/print/job/%d/slip.pdf" % job)
            assert r.status == 200, r
            assert len(tool(["pdfimages", "-list"], r.body).stdout.decode().splitlines()) == 2
            assert tid in text_of(r.body)
        assert "logo" in s.cgi_log()
