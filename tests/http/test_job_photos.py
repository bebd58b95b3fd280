"""Job photos, design proofs and the shop logo, end to end through lighttpd:
upload.cgi (/admin/upload/job/<id>, /admin/upload/logo), the staff job page
and its visibility/proof toggle (admin.cgi /admin/jobs/<id>/photo), the
customer's order page (/track/<ID>) and media.cgi's signed URLs.

The rules under test: a job photo is private until staff make it public; a
design proof is always public and shows while the stage asks for a
decision; a private photo, or any photo of a revoked or deleted job, is
reachable by no URL at all; a logo heads the customer's pages."""

import html
import os
import re
import struct
import time

from harness import Client, StaffServer
from test_photos import (MiB, WEBP_48x32, Staff, assert_clean_jpeg, boundary, exif_app1,
                         jpeg, media_files, media_url, multipart, png,
                         same_response)

# The latitude exif_app1 writes (51 deg 30 min N), as it appears in the file.
GPS_BYTES = struct.pack(">6I", 51, 1, 30, 1, 0, 1)


class JobStaff(Staff):
    def upload_job(self, job, data, role="photo", public=False, filename="photo.jpg",
                   ctype="image/jpeg", csrf=True, headers=None, body=None, path=None,
                   extra=None):
        fields = {"job_role": role} if role is not None else {}
        if public:
            fields["is_public"] = "1"
        if extra:
            fields.update(extra)
        return self.post_upload(path or "/admin/upload/job/%d" % job, fields, data, filename, ctype,
                                csrf, headers, body)

    def upload_logo(self, data, filename="logo.png", ctype="image/png", **kw):
        return self.upload_job(0, data, role=None, filename=filename, ctype=ctype,
                               path="/admin/upload/logo", **kw)

    def set_photo(self, job, aid, role, public):
        return self.post("/admin/jobs/%d/photo" % job,
                         {"attachment": str(aid), "role": role, "is_public": "1" if public else "0",
                          "confirm": "1"})

    def book_bespoke(self):
        self.get("/admin/jobs/new")
        wf = re.search(r'name="workflow" value="(\d+)"[^>]*> Bespoke', self.last.text).group(1)
        return self.book_in(workflow=wf, item_type="Engagement ring")


def signed_in(s, username="staff"):
    c = JobStaff(s)
    c.login(username=username)
    return c


def job_rows(s, job):
    return s.sql("SELECT id, role, is_public, stored_name, display_w, display_h FROM attachments "
                 "WHERE owner_kind = 'job' AND owner_id = ? AND deleted_at IS NULL ORDER BY id", job)


def live_all(s):
    return s.sql("SELECT id FROM attachments WHERE deleted_at IS NULL")


def customer_page(s, tid):
    r = Client(s, origin=False).get("/track/" + tid)
    assert r.status == 200, r
    return r


def media_links(text):
    """Every /media/ URL on a page (src and href), unescaped, in order."""
    return [html.unescape(u) for u in re.findall(r'(?:src|href)="(/media/[^"]+)"', text)]


def card(text, cls):
    """The HTML of the <section> with class cls, or None."""
    m = re.search(r'<section class="card %s"(?s:.*?)</section>' % re.escape(cls), text)
    return m.group(0) if m else None


def proofs_of(text):
    """The proofs inside the design decision card, or None."""
    decision = card(text, "decision")
    m = decision and re.search(r'<ul class="photo-grid proof-grid">(?s:.*?)</ul>', decision)
    return m.group(0) if m else None


def stem_of(url):
    return re.match(r"/media/([0-9a-f]{32})-[dt]\.jpg\?", url).group(1)


def not_found_baseline(s):
    return Client(s).get("/media/%s-d.jpg" % ("0" * 32))


# ---- tests -----------------------------------------------------------------

def test_job_photos_are_private_until_made_public_and_then_served_clean():
    with StaffServer() as s:
        c = signed_in(s)
        job, tid = c.book_in()
        c.get("/admin/jobs/%d" % job)
        # 64x32 (left black, right white) with EXIF orientation 6, GPS and a camera.
        img = jpeg([[0] * 4 + [255] * 4] * 4, exif=exif_app1(orientation=6))
        assert b"HallmarkTestCam" in img and GPS_BYTES in img
        r = c.upload_job(job, img, filename="IMG_0001.JPG")
        assert r.status == 303 and r.header("Location") == "/admin/jobs/%d" % job, r
        assert c.upload_job(job, png(900, 600), filename="bench.png",
                            ctype="image/png").status == 303
        assert c.upload_job(job, WEBP_48x32, filename="w.webp", ctype="image/webp").status == 303
        rows = job_rows(s, job)
        assert [(x[1], x[2], x[4], x[5]) for x in rows] == [
            ("photo", 0, 32, 64), ("photo", 0, 900, 600), ("photo", 0, 48, 32)]
        assert len(media_files(s)) == 6
        jpeg_id, _, _, stem, _, _ = rows[0]

        # Private by default: the customer's page has no photo at all...
        page = customer_page(s, tid)
        assert media_links(page.text) == [] and card(page.text, "photos-card") is None
        # ...and no URL reaches the file: none, a forged signature, or even a
        # correctly signed one (the database says private).
        miss = not_found_baseline(s)
        assert miss.status == 404
        e = int(time.time()) // 3600 * 3600 + 7200
        for u in ("/media/%s-d.jpg" % stem,
                  "/media/%s-d.jpg?e=%d" % (stem, e),
                  "/media/%s-d.jpg?e=%d&s=%s" % (stem, e, "A" * 43),
                  "/media/%s-t.jpg?e=%d&s=%s" % (stem, e, "x" * 43),
                  media_url(s, stem + "-d.jpg"), media_url(s, stem + "-t.jpg")):
            r = Client(s).get(u)
            assert r.status == 404 and same_response(miss, r), u

        # Staff see all three, marked private, through the staff-only route.
        staff_page = c.get("/admin/jobs/%d" % job)
        section = card(staff_page.text, "photos")
        ids = re.findall(r'<img src="/admin/photo/(\d+)\?size=t"', section)
        assert ids == [str(x[0]) for x in rows]
        assert section.count('<span class="tag">Private</span>') == 3
        assert "Public</span>" not in section
        r = c.get("/admin/photo/%d?size=d" % jpeg_id)
        assert r.status == 200 and r.header("Content-Type") == "image/jpeg"
        assert Client(s).get("/admin/photo/%d?size=d" % jpeg_id).status == 303   # signed out

        # Made public: the page shows it through signed URLs that work.
        r = c.set_photo(job, jpeg_id, "photo", True)
        assert r.status == 303 and r.header("Location") == "/admin/jobs/%d" % job
        assert job_rows(s, job)[0][2] == 1
        assert "Public</span>" in card(c.get("/admin/jobs/%d" % job).text, "photos")
        page = customer_page(s, tid)
        photos = card(page.text, "photos-card")
        assert photos is not None
        links = media_links(photos)
        assert len(links) == 2 and {stem_of(u) for u in links} == {stem}
        thumb = re.search(r'<img src="([^"]+)"', photos).group(1).replace("&amp;", "&")
        display = re.search(r'<a href="([^"]+)"', photos).group(1).replace("&amp;", "&")
        assert "-t.jpg?" in thumb and "-d.jpg?" in display
        for u in (thumb, display):
            r = Client(s).get(u)
            assert r.status == 200, (u, r)
            assert r.header("Content-Type") == "image/jpeg"
            assert r.header("Content-Disposition") == 'inline; filename="photo.jpg"'
            assert r.header("X-Content-Type-Options") == "nosniff"
            # Upright (the 64x32 landscape is a 32x64 portrait now) and clean.
            assert assert_clean_jpeg(r.body) == (32, 64)
            assert GPS_BYTES not in r.body and b"HallmarkTestCam" not in r.body
        # The other two stay private.
        for row in job_rows(s, job)[1:]:
            assert Client(s).get(media_url(s, row[3] + "-d.jpg")).status == 404

        # Tampered or expired signatures: the same not-found.
        path, query = display.split("?")
        exp = int(re.search(r"e=(\d+)", query).group(1))
        sig = re.search(r"s=([A-Za-z0-9_-]+)", query).group(1)
        flip = lambda ch: "A" if ch != "A" else "B"
        for u in ("%s?e=%d&s=%s" % (path, exp, sig[:5] + flip(sig[5]) + sig[6:]),
                  "%s?e=%d&s=%s" % (path, exp + 3600, sig),
                  "%s?e=%d&s=%s" % (path.replace("-d.jpg", "-t.jpg"), exp, sig),
                  media_url(s, stem + "-d.jpg", expiry=int(time.time()) - 1)):
            r = Client(s).get(u)
            assert same_response(miss, r), (u, r)

        # Private again: the URL the customer had stops working.
        assert c.set_photo(job, jpeg_id, "photo", False).status == 303
        assert same_response(miss, Client(s).get(display))
        assert media_links(customer_page(s, tid).text) == []
        assert c.set_photo(job, jpeg_id, "photo", True).status == 303
        assert Client(s).get(display).status == 200

        # Revoking the link (or deleting the job) takes its photos with it.
        assert c.post("/admin/jobs/%d/revoke" % job, {}).status == 303
        assert same_response(miss, Client(s).get(display))
        assert same_response(miss, Client(s).get(thumb))
        assert c.post("/admin/jobs/%d/unrevoke" % job, {}).status == 303
        assert Client(s).get(display).status == 200
        assert c.post("/admin/jobs/%d/delete" % job, {"confirm": "1"}).status == 303
        assert same_response(miss, Client(s).get(display))
        # A deleted job takes no uploads and no changes; its page offers none.
        staff_page = c.get("/admin/jobs/%d" % job)
        assert "/admin/upload/job/%d\"" % job not in staff_page.text
        assert c.upload_job(job, img).status == 404
        assert c.set_photo(job, jpeg_id, "photo", False).status == 404
        assert len(job_rows(s, job)) == 3 and len(media_files(s)) == 6
        assert c.post("/admin/jobs/%d/undelete" % job, {}).status == 303
        assert Client(s).get(display).status == 200

        # Deleting a photo: gone for staff and customer alike.
        c.get("/admin/jobs/%d" % job)
        r = c.post("/admin/upload/job/%d/delete" % job, {"attachment": str(jpeg_id)})
        assert r.status == 303 and r.header("Location") == "/admin/jobs/%d" % job
        assert [x[0] for x in job_rows(s, job)] == [rows[1][0], rows[2][0]]
        assert same_response(miss, Client(s).get(display))
        assert c.get("/admin/photo/%d?size=d" % jpeg_id).status == 404
        assert c.post("/admin/upload/job/%d/delete" % job, {"attachment": str(jpeg_id)}).status == 404


def test_a_proof_is_public_and_shows_while_the_stage_asks_for_a_decision():
    with StaffServer() as s:
        c = signed_in(s)
        job, tid = c.book_bespoke()
        assert tid.startswith("BSP-")
        c.get("/admin/jobs/%d" % job)
        # Uploaded as a proof with the box unticked: stored public anyway.
        assert c.upload_job(job, png(1200, 800, rgb=(20, 90, 200)), role="proof",
                            filename="render.png", ctype="image/png").status == 303
        assert c.upload_job(job, jpeg([[90, 160]] * 2)).status == 303        # a private photo
        (proof_id, role, pub, pstem, pw, ph), (photo_id, _, ppub, photo_stem, _, _) = job_rows(s, job)
        assert (role, pub, pw, ph) == ("proof", 1, 1200, 800) and ppub == 0
        staff = card(c.get("/admin/jobs/%d" % job).text, "photos")
        assert '<span class="tag proof">Proof</span>' in staff
        assert "always public" in staff          # the page says what a proof means

        # Before the design review stage the proof is not on the page, and
        # it is not among the ordinary photos either.
        page = customer_page(s, tid)
        assert proofs_of(page.text) is None and card(page.text, "photos-card") is None
        assert media_links(page.text) == []

        c.move(job, "Design review")
        page = customer_page(s, tid)
        proofs = proofs_of(page.text)
        assert proofs is not None and card(page.text, "photos-card") is None
        links = media_links(proofs)
        assert len(links) == 2 and {stem_of(u) for u in links} == {pstem}
        assert 'width="1200" height="800"' in proofs
        for u in links:
            r = Client(s).get(u)
            assert r.status == 200 and r.header("Content-Type") == "image/jpeg"
            assert_clean_jpeg(r.body)
        # The private photo is still nowhere.
        assert photo_stem not in page.text

        # Marking the private photo as a proof makes it public; a forged
        # "private proof" is stored public too.
        assert c.set_photo(job, photo_id, "proof", False).status == 303
        assert job_rows(s, job)[1][1:3] == ("proof", 1)
        assert len(media_links(proofs_of(customer_page(s, tid).text))) == 4
        # "Not a proof" keeps it public, as an ordinary photo now.
        assert c.set_photo(job, photo_id, "photo", True).status == 303
        page = customer_page(s, tid)
        assert len(media_links(proofs_of(page.text))) == 2
        assert {stem_of(u) for u in media_links(card(page.text, "photos-card"))} == {photo_stem}
        # "Make private" on a proof ends it being a proof.
        old = links[0]
        assert c.set_photo(job, proof_id, "photo", False).status == 303
        assert job_rows(s, job)[0][1:3] == ("photo", 0)
        page = customer_page(s, tid)
        assert proofs_of(page.text) is None
        assert Client(s).get(old).status == 404

        # Past the decision the proof card goes (the photo stays).
        assert c.set_photo(job, proof_id, "proof", True).status == 303
        assert proofs_of(customer_page(s, tid).text) is not None
        c.move(job, "Design approved")
        page = customer_page(s, tid)
        assert proofs_of(page.text) is None
        assert card(page.text, "photos-card") is not None

        # Bad toggles change nothing.
        before = job_rows(s, job)
        c.get("/admin/jobs/%d" % job)
        for form in ({"attachment": str(proof_id), "role": "primary", "is_public": "1"},
                     {"attachment": str(proof_id), "role": "photo", "is_public": "maybe"},
                     {"attachment": "0", "role": "photo", "is_public": "1"},
                     {"role": "photo", "is_public": "1"},
                     {"attachment": str(proof_id), "is_public": "1"}):
            r = c.post("/admin/jobs/%d/photo" % job, form)
            assert r.status == 400, (form, r)
        assert c.post("/admin/jobs/%d/photo" % job, {"attachment": str(proof_id), "role": "photo",
                                                      "is_public": "0"}, csrf="A" * 43).status == 403
        assert c.get("/admin/jobs/%d/photo" % job).status == 405
        assert job_rows(s, job) == before


def test_refusals_leave_nothing_behind_and_other_shops_find_nothing():
    with StaffServer() as s:
        c = signed_in(s)
        job, _ = c.book_in()
        c.get("/admin/jobs/%d" % job)

        def refused(r, status, text=None):
            assert r.status == status, (status, r)
            if text:
                assert text in r.text, r.text
            # A staff page, with the way back into the staff pages.
            assert "<!doctype" in r.text.lower() and 'href="/admin/jobs"' in r.text
            assert live_all(s) == [] and media_files(s) == []

        good = jpeg([[10, 200]] * 2)
        refused(c.upload_job(job, b"Just some text, honest.\n" * 10, filename="notes.jpg"),
                415, "not a photo")
        refused(c.upload_job(job, b"\xff\xd8\xff\xe0" + b"\0" * (10 * MiB)), 413, "10 MB")
        refused(c.upload_job(job, b"\xff\xd8\xff\xe0" + b"\0" * (12 * MiB)), 413)
        refused(c.upload_job(job, png(8000, 6000, depth=1, colour=0, rgb=(0,)),
                             filename="bomb.png", ctype="image/png"), 413, "megapixels")
        refused(c.upload_job(job, good[:len(good) // 2] + b"\0" * 20), 422)
        # A multipart body cut short (Content-Length agrees with what is sent).
        b = boundary()
        body = multipart({"job_role": "photo", "csrf": c.csrf()},
                         [("photo", "p.jpg", "image/jpeg", good)], b)
        for cut in (body[:-4], body[:len(body) // 2], body[:len(body) - len(good) // 2 - 40]):
            refused(c.upload_job(job, None, body=cut,
                                 headers={"Content-Type": "multipart/form-data; boundary=%s" % b}), 400)
        # Wrong or missing role, a bad checkbox value, no file.
        for role in ("primary", "gallery", "logo", "", None):
            refused(c.upload_job(job, good, role=role), 400)
        refused(c.upload_job(job, good, extra={"is_public": "maybe"}), 400)
        refused(c.upload_job(job, None), 400, "Choose a photo")
        # CSRF and origin.
        refused(c.upload_job(job, good, csrf=False), 403)
        refused(c.upload_job(job, good, headers={"Origin": "http://evil.example"}), 403)
        # No such job; another shop's job, both ways.
        refused(c.upload_job(job + 100, good), 404)
        s.add_shop("other", "Other Jewellers")
        s.add_user("other", "olga", name="Olga Other")
        olga = signed_in(s, "olga")
        theirs, _ = olga.book_in()
        olga.get("/admin/jobs/%d" % theirs)
        refused(c.upload_job(theirs, good), 404)
        refused(olga.upload_job(job, good), 404)
        # Methods and paths.
        assert c.get("/admin/upload/job/%d" % job).status == 405
        assert c.upload_job(job, good, path="/admin/upload/job/%d/" % job).status == 404
        assert live_all(s) == [] and media_files(s) == []

        # A real JPEG declared as something else is taken for what it is.
        r = c.upload_job(job, good, filename="scan.pdf", ctype="application/pdf")
        assert r.status == 303, r
        (aid, role, pub, stem, w, h), = job_rows(s, job)
        assert (role, pub, w, h) == ("photo", 0, 16, 16)
        assert media_files(s) == [stem + "-d.jpg", stem + "-t.jpg"]
        # Another shop can neither see, change nor delete it.
        assert olga.get("/admin/photo/%d?size=d" % aid).status == 404
        assert olga.set_photo(theirs, aid, "photo", True).status == 404
        assert olga.set_photo(job, aid, "photo", True).status == 404
        assert olga.post("/admin/upload/job/%d/delete" % theirs, {"attachment": str(aid)}).status == 404
        assert olga.post("/admin/upload/job/%d/delete" % job, {"attachment": str(aid)}).status == 404
        # Nor through our own other job.
        other_job, _ = c.book_in()
        c.get("/admin/jobs/%d" % other_job)
        assert c.set_photo(other_job, aid, "photo", True).status == 404
        assert c.post("/admin/upload/job/%d/delete" % other_job, {"attachment": str(aid)}).status == 404
        assert job_rows(s, job) == [(aid, role, pub, stem, w, h)]
        assert "/admin/photo/%d?" % aid not in olga.get("/admin/jobs/%d" % theirs).text


def test_a_job_holds_at_most_thirty_photos():
    with StaffServer() as s:
        c = signed_in(s)
        job, _ = c.book_in()
        c.get("/admin/jobs/%d" % job)
        small = jpeg([[60]])
        for _ in range(30):
            assert c.upload_job(job, small).status == 303
        files = media_files(s)
        assert len(job_rows(s, job)) == 30 and len(files) == 60
        r = c.upload_job(job, small, role="proof")
        assert r.status == 409 and "up to 30 photos" in r.text
        assert len(job_rows(s, job)) == 30 and media_files(s) == files
        page = c.get("/admin/jobs/%d" % job)
        assert "the most it can hold" in page.text and 'action="/admin/upload/job/%d"' % job not in page.text


def test_logo_heads_the_order_and_passport_pages_until_removed():
    with StaffServer() as s:
        c = signed_in(s)
        job, tid = c.book_in()
        settings = c.get("/admin/settings")
        assert "No logo yet" in settings.text and 'action="/admin/upload/logo"' in settings.text
        page = customer_page(s, tid)
        assert 'class="icon gem"' in page.text and "shop-logo" not in page.text

        r = c.upload_logo(png(600, 200, rgb=(119, 87, 38)))
        assert r.status == 303 and r.header("Location") == "/admin/settings", r
        shop_id, = s.sql("SELECT id FROM shops WHERE slug = 'shop'")[0]
        (lid, kind, owner, role, pub, lstem), = s.sql(
            "SELECT id, owner_kind, owner_id, role, is_public, stored_name FROM attachments "
            "WHERE deleted_at IS NULL")
        assert (kind, owner, role, pub) == ("shop", shop_id, "logo", 1)
        settings = c.get("/admin/settings")
        assert '<img class="logo-preview" src="/admin/photo/%d?size=t"' % lid in settings.text
        assert "Replace logo" in settings.text

        # The order page header: the logo instead of the gem, signed.
        page = customer_page(s, tid)
        header = re.search(r'<header class="card order-header">(?s:.*?)</header>', page.text).group(0)
        assert 'class="icon gem"' not in header
        logo_url = html.unescape(re.search(r'<img class="shop-logo" src="([^"]+)"', header).group(1))
        assert stem_of(logo_url) == lstem and "-t.jpg?" in logo_url
        r = Client(s).get(logo_url)
        assert r.status == 200 and r.header("Content-Type") == "image/jpeg"
        assert assert_clean_jpeg(r.body) == (400, 133)
        # The logo is the only picture: no photos card appears for it.
        assert card(page.text, "photos-card") is None and media_links(page.text) == [logo_url]

        # And the passport page's header.
        c.get("/admin/passports/new")
        r = c.post("/admin/passports/new", {"title": "Signet ring", "is_public": "1"})
        pid = int(r.header("Location").rsplit("/", 1)[1])
        uid = re.search(r"/verify/([0-9a-f-]{36})", c.get("/admin/passports/%d" % pid).text).group(1)
        vpage = Client(s, origin=False).get("/verify/" + uid)
        assert vpage.status == 200
        vlogo = html.unescape(re.search(r'<img class="shop-logo" src="([^"]+)"', vpage.text).group(1))
        assert stem_of(vlogo) == lstem and Client(s).get(vlogo).status == 200

        # Another shop's pages do not carry it.
        s.add_shop("other", "Other Jewellers")
        s.add_user("other", "olga", name="Olga Other")
        olga = signed_in(s, "olga")
        _, their_tid = olga.book_in()
        assert "shop-logo" not in customer_page(s, their_tid).text
        assert "No logo yet" in olga.get("/admin/settings").text
        # ...nor can it remove ours.
        assert olga.post("/admin/upload/logo/delete", {"attachment": str(lid)}).status == 404

        # A new logo replaces the old one; the old URL stops working.
        c.get("/admin/settings")
        assert c.upload_logo(jpeg([[40, 220]] * 2), filename="logo.jpg", ctype="image/jpeg").status == 303
        rows = s.sql("SELECT id, stored_name FROM attachments WHERE owner_kind = 'shop' "
                     "AND deleted_at IS NULL")
        assert len(rows) == 1 and rows[0][0] != lid
        assert Client(s).get(logo_url).status == 404
        new_url = html.unescape(re.search(r'<img class="shop-logo" src="([^"]+)"',
                                          customer_page(s, tid).text).group(1))
        assert stem_of(new_url) == rows[0][1] and Client(s).get(new_url).status == 200
        # Refusals write nothing here either.
        files = media_files(s)
        assert c.upload_logo(b"not an image at all", filename="logo.png").status == 415
        assert c.upload_logo(None).status == 400
        assert c.upload_logo(png(20, 20), csrf=False).status == 403
        assert media_files(s) == files

        # Removing it brings the gem back and ends its URL.
        c.get("/admin/settings")
        assert c.post("/admin/upload/logo/delete", {"attachment": str(lid)}).status == 404   # old one
        r = c.post("/admin/upload/logo/delete", {"attachment": str(rows[0][0])})
        assert r.status == 303 and r.header("Location") == "/admin/settings"
        assert s.sql("SELECT count(*) FROM attachments WHERE deleted_at IS NULL") == [(0,)]
        page = customer_page(s, tid)
        assert "shop-logo" not in page.text and 'class="icon gem"' in page.text
        assert Client(s).get(new_url).status == 404
        assert "No logo yet" in c.get("/admin/settings").text
        # Methods and sign-in.
        assert c.get("/admin/upload/logo").status == 405
        stranger = JobStaff(s)
        stranger.token = c.csrf()
        assert stranger.upload_logo(png(20, 20)).status == 403
