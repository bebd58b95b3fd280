"""The printed documents in other scripts and languages (print.cgi): an
Arabic take-in slip, certificate and workshop tag, and a slip that mixes
Latin, Arabic and accented text, read back the way a customer's PDF viewer
and a printer would: pdftotext for the words (Arabic must come back as the
same letters in the order they were typed, which cairo's toy text API could
not draw), -bbox for where they sit, pdffonts for the faces, zbarimg for
the codes.

The labels are the catalog's: while src/po/ar.po does not exist they are
English, and the tests expect exactly what the catalog (or its absence)
says for each, read with Python's gettext from a .mo msgfmt makes of it.
A catalog whose text direction is "rtl" must mirror the documents: the
tests then look for the labels on the right and the values on the left."""

import gettext
import os
import re
import subprocess
import tempfile

from harness import StaffServer, issue_passport
from test_print_job import (MM, RECEIPT_MARGIN, RECEIPT_W, assert_blank_border,
                            assert_words_inside, book, pages_of, render, scan, settings,
                            signed_in, text_of, tool, words_of)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

AR_SHOP = "مجوهرات النور"
AR_ADDRESS = "شارع الملك فهد\nالرياض"
AR_ITEM = "خاتم خطوبة"
AR_DESCRIPTION = ("خاتم من الذهب الأصفر مع ألماسة مستديرة وستة مخالب، "
                  "والنقش في الداخل يحمل اسم صاحبته")
AR_PROBLEM = "الحجر مفكوك وأحد المخالب مرفوع"
AR_TERMS = "تباع القطع التي لا تستلم خلال تسعين يوما لتغطية التكاليف"
AR_OWNER = "فاطمة الزهراء"
AR_MAKER = "ورشة النور للمجوهرات"
AR_TITLE = "خاتم سوليتير بألماسة بيضاوية"

# Direction marks pdftotext puts around a right-to-left run.
BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
ARABIC = re.compile("[\u0621-\u065f\u066e-\u06d3]")     # letters and their marks


def catalog(lang="ar"):
    """The shipped catalog of lang as Python's gettext reads it, or None
    when src/po/LANG.po does not exist (its texts are then English)."""
    po = os.path.join(ROOT, "src", "po", lang + ".po")
    if not os.path.exists(po):
        return None
    with tempfile.NamedTemporaryFile(suffix=".mo") as mo:
        subprocess.run(["msgfmt", "-o", mo.name, po], check=True, capture_output=True, timeout=60)
        with open(mo.name, "rb") as f:
            return gettext.GNUTranslations(f)


def tr(cat, msgid, context=None):
    """What the catalog says for msgid: what print.cgi prints."""
    if cat is None:
        return msgid
    return cat.pgettext(context, msgid) if context else cat.gettext(msgid)


def rtl(cat):
    return tr(cat, "ltr", "text direction") == "rtl"


def plain(pdf):
    """pdftotext's text without the direction marks it adds."""
    return BIDI_MARKS.sub("", text_of(pdf))


def assert_reads(text, phrase):
    """phrase comes back from the PDF: its Arabic words, in the order they
    were typed, as the same letters (not reversed, not as presentation
    forms); every other word too. pdftotext moves punctuation and numbers at
    the ends of a right-to-left run, so those are compared word by word."""
    words = re.findall(r"\w+", phrase)
    assert words, phrase
    for w in words:
        assert w in text, (w, phrase)
    # Each run of Arabic words, whole and in order; a word with punctuation
    # after it ends a run.
    flat = re.sub(r"\s+", " ", text)
    runs, run = [], []
    for token in phrase.split():
        core = re.sub(r"^\W+|\W+$", "", token)
        if core and all(ARABIC.match(ch) for ch in core):
            run.append(core)
            if core == token:
                continue
        runs.append(run)
        run = []
    for run in runs + [run]:
        if len(run) > 1:
            assert " ".join(run) in flat, " ".join(run)


def assert_dejavu_only(pdf):
    """Every face in the PDF is one the documents name: no fallback to
    whatever else an installation has."""
    out = tool(["pdffonts"], pdf).stdout.decode().splitlines()[2:]
    assert out, "no fonts"
    for line in out:
        face = line.split()[0].split("+")[-1]
        assert face.startswith("DejaVu"), line


def word_boxes(pdf, word, top=None):
    """The (left, right) of word on page 1, on the line whose top is top if
    given; a right-to-left word as -bbox gives it (its letters in visual
    order) is matched reversed."""
    _, _, words = words_of(pdf)[0]
    return [(x0, x1) for x0, y0, x1, _, w in words
            if BIDI_MARKS.sub("", w) in (word, word[::-1]) and (top is None or abs(y0 - top) < 2)]


def word_top(pdf, word):
    _, _, words = words_of(pdf)[0]
    tops = [y0 for _, y0, _, _, w in words if w == word]
    assert len(tops) == 1, (word, tops)
    return tops[0]


def arabic_shop(c):
    settings(c, name=AR_SHOP, address=AR_ADDRESS, slip_terms=AR_TERMS,
             email="hello@alnoor.example", phone="+966 11 234 5678")


def test_arabic_slip_reads_back_in_logical_order_and_fits_80mm():
    cat = catalog()
    with StaffServer() as s:
        c = signed_in(s)
        arabic_shop(c)
        job, number, tid = book(c, s, item_type=AR_ITEM, item_description=AR_DESCRIPTION,
                                problem=AR_PROBLEM, customer_name=AR_OWNER)
        # The book-in form may not offer the language yet: as staff record it.
        s.sql("UPDATE jobs SET language = 'ar' WHERE id = ?", job)
        r = c.get("/admin/print/job/%d/slip.pdf" % job)
        assert r.status == 200 and r.header("Content-Type") == "application/pdf", r
        pdf = r.body
        (w, h), = pages_of(pdf)
        assert abs(w - RECEIPT_W) < 0.05 and 80 * MM < h < 300 * MM, (w, h)

        text = plain(pdf)
        for phrase in (AR_SHOP, "شارع الملك فهد", "الرياض", AR_ITEM, AR_DESCRIPTION,
                       AR_PROBLEM, AR_TERMS):
            assert_reads(text, phrase)
        # Numbers and addresses read left to right, whole; the due date and
        # the deposit as the language writes them.
        deposit = "50" + tr(cat, ".", "decimal separator") + "00"
        for want in (tid, "+966 11 234 5678", "hello@alnoor.example",
                     "%s/track" % s.base, "24", "2026", deposit):
            assert want in text, want
        # The labels as the customer's language has them.
        for msgid in ("Your tracking ID", "ITEM", "WORK REQUESTED", "Booked in",
                      "Estimated completion", "Deposit paid", "Please keep this slip."):
            assert_reads(text, tr(cat, msgid))
        assert_reads(text, tr(cat, "Job #%lld").replace("%lld", "%d") % number)

        # Nothing runs off 80 mm paper, and the code still scans.
        assert_words_inside(pdf, RECEIPT_MARGIN)
        assert_blank_border(pdf, 3.5)
        assert scan(render(pdf, 200)) == "%s/track/%s" % (s.base, tid)
        assert_dejavu_only(pdf)

        # Arabic text reads from the right: the item and the description's
        # first word end at the column's right edge, in any slip.
        right = w - RECEIPT_MARGIN
        boxes = word_boxes(pdf, "خاتم")
        assert len(boxes) >= 2, boxes
        for x0, x1 in boxes:
            assert abs(x1 - right) < 1.5, (x0, x1, right)
        # The labels sit at the start of the slip's direction, the values
        # at the other end: mirrored when the language is right to left.
        top = word_top(pdf, deposit)
        (lx0, lx1), = word_boxes(pdf, tr(cat, "Deposit paid").split()[0], top)
        (vx0, vx1), = word_boxes(pdf, deposit, top)
        if rtl(cat):
            assert abs(lx1 - right) < 1.5 and abs(vx0 - RECEIPT_MARGIN) < 1.5, (lx1, vx0)
        else:
            assert abs(lx0 - RECEIPT_MARGIN) < 1.5 and abs(vx1 - right) < 1.5, (lx0, vx1)

        # The tag is the staff's: their language, the customer's name cut
        # to a first name and an initial, in Arabic as typed.
        tag = c.get("/admin/print/job/%d/tag.pdf" % job).body
        tag_text = plain(tag)
        assert_reads(tag_text, AR_ITEM)
        assert "فاطمة" in tag_text and "الزهراء" not in tag_text
        assert_words_inside(tag, 1.5 * MM)
        assert scan(render(tag, 300)) == "%s/admin/jobs/%d" % (s.base, job)


def test_arabic_slip_on_a4_has_its_code_beside_the_words():
    cat = catalog()
    with StaffServer() as s:
        c = signed_in(s)
        arabic_shop(c)
        settings(c, name=AR_SHOP, address=AR_ADDRESS, slip_size="a4")
        job, number, tid = book(c, s, item_type=AR_ITEM, item_description=AR_DESCRIPTION)
        s.sql("UPDATE jobs SET language = 'ar' WHERE id = ?", job)
        pdf = c.get("/admin/print/job/%d/slip.pdf" % job).body
        (w, h), = pages_of(pdf)
        assert abs(w - 595.28) < 0.05 and abs(h - 841.89) < 0.05
        text = plain(pdf)
        for phrase in (AR_SHOP, AR_ITEM, AR_DESCRIPTION):
            assert_reads(text, phrase)
        assert scan(render(pdf, 150)) == "%s/track/%s" % (s.base, tid)
        assert_words_inside(pdf, 10 * MM)
        # The ID is beside the code (18 mm margins, a 48 mm code): after it
        # in the reading direction.
        (x0, x1), = word_boxes(pdf, tid)
        if rtl(cat):
            assert abs(x1 - (w - 66 * MM)) < 1.5, (x0, x1)
        else:
            assert abs(x0 - 66 * MM) < 1.5, (x0, x1)


def test_arabic_certificate_reads_back_and_its_code_scans():
    cat = catalog()
    with StaffServer() as s:
        c = signed_in(s)
        arabic_shop(c)
        pid, uid = issue_passport(c, title=AR_TITLE, jewellery_type="خاتم",
                                  description=AR_DESCRIPTION, metal_type="ذهب أصفر",
                                  maker=AR_MAKER, made_in="المملكة العربية السعودية",
                                  owner_name=AR_OWNER, owner_email="fatima@example.com",
                                  owner_purchase_date="2026-03-14", is_public="1")
        # Served to staff only: in the shop's language.
        s.sql("UPDATE shops SET language = 'ar'")
        r = c.get("/admin/print/%d/certificate.pdf" % pid)
        assert r.status == 200 and r.header("Content-Type") == "application/pdf", r
        pdf = r.body
        pages = pages_of(pdf)
        assert len(pages) == 1 and abs(pages[0][0] - 595.28) < 0.05, pages
        text = plain(pdf)
        for phrase in (AR_SHOP, AR_TITLE, AR_DESCRIPTION, "ذهب أصفر", AR_MAKER,
                       "المملكة العربية السعودية", AR_OWNER):
            assert_reads(text, phrase)
        url = "%s/verify/%s" % (s.base, uid)
        for want in (url, "100000001", uid):
            assert want in text, want
        assert "fatima@example.com" not in text
        for msgid, context in (("Certificate of Authenticity", None),
                               ("Verify this certificate at", None),
                               ("IDENTITY NUMBER", None), ("METAL", "certificate"),
                               ("OWNERSHIP", "certificate"), ("Owner", "passport field"),
                               ("Maker / designer", "passport field"),
                               ("Authorised signature", None)):
            assert_reads(text, tr(cat, msgid, context))
        # Inside the certificate's frame, and the code scans from a print.
        assert_words_inside(pdf, 34)
        assert scan(render(pdf, 150)) == url
        assert_dejavu_only(pdf)
        # The description reads from the right of its column (20 points in
        # from the content box); the first column of specifications (the
        # metal) is at the start side.
        boxes = word_boxes(pdf, "خاتم")
        assert any(abs(x1 - (595.28 - 66 - 20)) < 1.5 for _, x1 in boxes), boxes
        heads = word_boxes(pdf, tr(cat, "METAL", "certificate").split()[0])
        assert heads
        for lx0, lx1 in heads:
            if rtl(cat):
                assert abs(lx1 - (595.28 - 66)) < 1.5, (lx0, lx1)
            else:
                assert abs(lx0 - 66) < 1.5, (lx0, lx1)


def test_mixed_latin_arabic_and_accented_text():
    with StaffServer() as s:
        c = signed_in(s)
        shop = "Maison Lumière — مجوهرات النور"
        item = "Bague Art Déco خاتم آرت ديكو"
        description = ("Zoë Ångström-Llewelyn a commandé une bague en or jaune; "
                       "النقش في الداخل يقول «Zoë & Björn» pour leur anniversaire. "
                       "Référence: Ø 17,5 mm — مقاس سبعة عشر")
        settings(c, name=shop, address="12 Rue de la Paix\nشارع الملك فهد\nParis",
                 slip_terms="Conditions générales: see https://maison-lumiere.example/conditions")
        job, number, tid = book(c, s, item_type=item, item_description=description,
                                customer_name="Zoë الزهراء")
        pdf = c.get("/admin/print/job/%d/slip.pdf" % job).body
        text = plain(pdf)
        for phrase in (shop, item, description, "12 Rue de la Paix", "شارع الملك فهد",
                       "Conditions générales"):
            assert_reads(text, phrase)
        # Latin words with their accents, and a URL kept whole on its line.
        for word in ("Lumière", "Déco", "Zoë", "Ångström", "Llewelyn", "Björn", "Référence",
                     "Ø", "https://maison-lumiere.example/conditions", tid, "Job #%d" % number):
            assert word in text, word
        assert_words_inside(pdf, RECEIPT_MARGIN)
        assert_blank_border(pdf, 3.5)
        assert scan(render(pdf, 200)) == "%s/track/%s" % (s.base, tid)
        assert_dejavu_only(pdf)
        # An English slip (no language recorded, the shop's is English):
        # English labels on the left.
        (lx0, _), = word_boxes(pdf, "Booked")[:1]
        assert abs(lx0 - RECEIPT_MARGIN) < 1.5, lx0

        tag = c.get("/admin/print/job/%d/tag.pdf" % job).body
        tag_text = plain(tag)
        assert "#%d" % number in tag_text and "Zoë" in tag_text
        assert "الزهراء" not in tag_text
        assert_words_inside(tag, 1.5 * MM)
        assert scan(render(tag, 300)) == "%s/admin/jobs/%d" % (s.base, job)
