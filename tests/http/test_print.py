"""Printing a passport (print.cgi): the QR code as a PNG and the certificate
as a PDF, for the shop's signed-in staff only, checked the way a printer
and a scanner would read them: zbarimg decodes the QR, pdftotext reads the
certificate, and the certificate's own QR code is scanned from a render."""

import os
import re
import struct
import subprocess
import tempfile

from harness import Client, Server, issue_passport


PIECE = {
    "title": "Oval Diamond Solitaire Ring", "jewellery_type": "Ring",
    "description": "Hand-forged platinum band with a single oval brilliant, made in our "
                   "George Street workshop. Claws re-tipped and the band polished in 2026.",
    "metal_type": "Platinum", "metal_purity": "950", "metal_weight": "5.2 g",
    "stone_type": "Diamond", "stone_shape": "Oval brilliant", "stone_carat": "1.02",
    "stone_colour": "F", "stone_clarity": "VS1", "stone_certificate": "GIA 2141438171",
    "ring_size": "N½", "ring_setting": "Four-claw solitaire",
    "maker": "Élodie Marchand", "made_in": "Australia", "year_made": "2026",
    "owner_name": "Zoë Ångström", "owner_email": "zoe@example.com",
    "owner_purchase_date": "2026-03-14", "owner_price": "8,400", "is_public": "1",
}

SHOP = {
    "name": "Maison Lumière Jewellers", "abn": "51 824 753 556", "country": "Australia",
    "address": "Shop 4, The Strand Arcade\n412 George Street\nSydney NSW 2000",
    "timezone": "Australia/Sydney", "phone": "+61 2 9231 4455",
}


def staff(s, user="staff", source="127.0.0.1"):
    c = Client(s, source=source)
    c.login(username=user)
    return c


def shop_with_staff(s):
    s.add_shop()
    s.add_user()
    c = staff(s)
    c.get("/admin/settings")
    assert c.post("/admin/settings", SHOP).status in (200, 303)
    return c


def run(cmd, data):
    """Runs a command on data written to a temporary file; returns stdout."""
    with tempfile.NamedTemporaryFile() as f:
        f.write(data)
        f.flush()
        r = subprocess.run(cmd + [f.name], capture_output=True, timeout=60)
    assert r.returncode == 0, (cmd, r.stderr)
    return r.stdout.decode("utf-8")


def zbar(png):
    return run(["zbarimg", "--raw", "-q"], png).strip()


def pdf_text(pdf):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        r = subprocess.run(["pdftotext", "-enc", "UTF-8", f.name, "-"], capture_output=True,
                           timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout.decode("utf-8")


def test_signed_out_bad_paths_and_methods():
    with Server() as s:
        c = shop_with_staff(s)
        pid, _ = issue_passport(c, title="Gold Locket", is_public="1")
        anon = Client(s)
        for what in ("qr.png", "certificate.pdf"):
            r = anon.get("/admin/print/%d/%s" % (pid, what))
            assert r.status == 303 and r.header("Location") == "/admin/login", r
            assert r.header("Content-Disposition") is None
        for path in ("/admin/print/%d/qr.PNG" % pid, "/admin/print/%d/qr.png/" % pid,
                     "/admin/print/0%d/qr.png" % pid, "/admin/print/%d" % pid,
                     "/admin/print/x/qr.png", "/admin/print/", "/admin/print/%d/certificate" % pid):
            r = c.get(path)
            assert r.status == 404, (path, r)
        assert c.get("/admin/print/999/qr.png").status == 404
        r = c.post("/admin/print/%d/qr.png" % pid, {})
        assert r.status == 405 and r.header("Allow") == "GET, HEAD"


def test_qr_png_scans_to_the_verify_url():
    with Server() as s:
        c = shop_with_staff(s)
        pid, uid = issue_passport(c, **PIECE)
        r = c.get("/admin/print/%d/qr.png" % pid)
        assert r.status == 200, r
        assert r.header("Content-Type") == "image/png"
        assert r.header("Content-Disposition") == 'attachment; filename="passport-100000001-qr.png"'
        assert r.header("Cache-Control") == "no-store"
        assert r.body[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", r.body[16:24])
        assert width == height and width >= 600, width
        assert zbar(r.body) == "%s/verify/%s" % (s.base, uid)
        # The page it leads to is the passport.
        assert Client(s).get("/verify/" + uid).status == 200
        head = c.request("HEAD", "/admin/print/%d/qr.png" % pid)
        assert head.status == 200 and head.body == b""
        assert head.header("Content-Length") == str(len(r.body))


def test_certificate_pdf_has_the_details_and_a_vector_qr_that_scans():
    with Server() as s:
        c = shop_with_staff(s)
        pid, uid = issue_passport(c, **PIECE)
        r = c.get("/admin/print/%d/certificate.pdf" % pid)
        assert r.status == 200, r
        assert r.header("Content-Type") == "application/pdf"
        assert r.header("Content-Disposition") == 'attachment; filename="passport-100000001.pdf"'
        assert r.body.startswith(b"%PDF-")
        text = pdf_text(r.body)
        url = "%s/verify/%s" % (s.base, uid)
        for want in ("Maison Lumière Jewellers", "ABN 51 824 753 556", "Sydney NSW 2000",
                     "Certificate of Authenticity", "Oval Diamond Solitaire Ring",
                     "Zoë Ångström", "Élodie Marchand", "N½", "GIA 2141438171",
                     "14 March 2026", "100000001", uid, "Verify this certificate at", url,
                     "Signed by Maison Lumière Jewellers with key"):
            assert want in text, want
        # The owner's email and price stay off paper that travels with the piece.
        for hidden in ("zoe@example.com", "8400", "8,400"):
            assert hidden not in text, hidden
        # The QR code is drawn, not pasted in as a bitmap ...
        images = run(["pdfimages", "-list"], r.body).splitlines()
        assert len(images) == 2, images          # the two header lines, no image rows
        # ... and scans, from a print-resolution render, to the same address.
        with tempfile.TemporaryDirectory() as d:
            pdf = os.path.join(d, "c.pdf")
            with open(pdf, "wb") as f:
                f.write(r.body)
            subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", pdf,
                            os.path.join(d, "p")], check=True, timeout=60)
            page = [n for n in os.listdir(d) if n.endswith(".png")][0]
            scanned = subprocess.run(["zbarimg", "--raw", "-q", os.path.join(d, page)],
                                     capture_output=True, text=True, timeout=60)
            assert scanned.stdout.strip() == url
        # A piece reported lost or stolen says so on the certificate.
        c.get("/admin/passports/%d" % pid)
        assert c.post("/admin/passports/%d/lost" % pid, {}).status == 303
        text = pdf_text(c.get("/admin/print/%d/certificate.pdf" % pid).body)
        assert "reported lost or stolen" in text and "Signed by" in text
        # A passport with only a title still makes a whole certificate.
        p2, uid2 = issue_passport(c, title="Gold Locket", is_public="1")
        text = pdf_text(c.get("/admin/print/%d/certificate.pdf" % p2).body)
        assert "Gold Locket" in text and uid2 in text and "100000002" in text


def test_other_shops_and_deleted_passports_are_not_found():
    with Server() as s:
        c = shop_with_staff(s)
        pid, _ = issue_passport(c, title="Mine", is_public="1")
        s.add_shop(slug="rival", name="Rival")
        s.add_user(shop="rival", username="rival-staff")
        rival = staff(s, user="rival-staff")
        for what in ("qr.png", "certificate.pdf"):
            r = rival.get("/admin/print/%d/%s" % (pid, what))
            assert r.status == 404, r
            assert r.header("Content-Type").startswith("text/html")
            assert "Mine" not in r.text
        c.get("/admin/passports/%d" % pid)
        assert c.post("/admin/passports/%d/delete" % pid, {"confirm": "1"}).status == 303
        for what in ("qr.png", "certificate.pdf"):
            assert c.get("/admin/print/%d/%s" % (pid, what)).status == 404


def test_certificate_downloads_are_limited_per_address():
    # A day-long window, so the count cannot roll over mid-test.
    with Server(ratelimit_window=86400) as s:
        c = shop_with_staff(s)
        pid, _ = issue_passport(c, title="Gold Locket", is_public="1")
        path = "/admin/print/%d/certificate.pdf" % pid
        for i in range(20):
            assert c.request("HEAD", path).status == 200, i
        r = c.get(path)
        assert r.status == 429, r
        retry = int(r.header("Retry-After"))
        assert 0 < retry <= 86400
        assert r.header("Content-Type").startswith("text/html")
        assert "Too many certificates" in r.text and r.header("Content-Disposition") is None
        # The QR code is not limited; another address is counted apart.
        assert c.get("/admin/print/%d/qr.png" % pid).status == 200
        other = staff(s, source="127.0.0.2")
        assert other.get(path).status == 200
