"""Passport photos: upload.cgi (staff, multipart, CSRF, type by magic bytes,
size and pixel caps, libvips processing, nothing half-written) and
media.cgi (signed, expiring URLs; one not-found response for every miss).

Test images are made here without PIL: PNGs with zlib and struct, JPEGs by
a tiny baseline encoder (one grey level per 8x8 block) with a hand-built
EXIF segment carrying an orientation, GPS coordinates and a camera name."""

import base64
import hashlib
import hmac
import os
import re
import struct
import time
import zlib

from harness import Client, Server, StaffServer

MiB = 1 << 20


# ---- test images ----------------------------------------------------------

def png(w, h, rgb=(200, 40, 90), depth=8, colour=2, row=None):
    """A valid PNG. colour 2 is RGB, 0 grey; row overrides the scanline."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    if row is None:
        row = bytes(rgb) * w if colour == 2 else bytes([rgb[0]]) * ((w * depth + 7) // 8)
    raw = b"".join(b"\0" + row for _ in range(h))
    ihdr = struct.pack(">IIBBBBB", w, h, depth, colour, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) +
            chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def _huff_codes(bits, vals):
    codes, code, k = {}, 0, 0
    for length in range(1, 17):
        for _ in range(bits[length - 1]):
            codes[vals[k]] = (code, length)
            code += 1
            k += 1
        code <<= 1
    return codes


DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]     # JPEG Annex K.3
DC_VALS = list(range(12))
AC_BITS = [1] + [0] * 15                                      # only EOB, code "0"
AC_VALS = [0]


def exif_app1(orientation=6, make=b"HallmarkTestCam"):
    """APP1 Exif: IFD0 with Make, Orientation and a GPS IFD (51.5 N, 0.12 W)."""
    make = make + b"\0"
    ifd0_off = 8
    ifd0_len = 2 + 3 * 12 + 4
    make_off = ifd0_off + ifd0_len
    gps_off = make_off + len(make)
    gps_len = 2 + 4 * 12 + 4
    lat_off = gps_off + gps_len
    lon_off = lat_off + 24
    t = b"MM\x00\x2a" + struct.pack(">I", ifd0_off)
    t += struct.pack(">H", 3)
    t += struct.pack(">HHII", 0x010F, 2, len(make), make_off)
    t += struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0)
    t += struct.pack(">HHII", 0x8825, 4, 1, gps_off)
    t += struct.pack(">I", 0)
    t += make
    t += struct.pack(">H", 4)
    t += struct.pack(">HHI2s2x", 0x0001, 2, 2, b"N\0")
    t += struct.pack(">HHII", 0x0002, 5, 3, lat_off)
    t += struct.pack(">HHI2s2x", 0x0003, 2, 2, b"W\0")
    t += struct.pack(">HHII", 0x0004, 5, 3, lon_off)
    t += struct.pack(">I", 0)
    t += struct.pack(">6I", 51, 1, 30, 1, 0, 1)
    t += struct.pack(">6I", 0, 1, 7, 1, 0, 1)
    payload = b"Exif\0\0" + t
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def jpeg(blocks, exif=None):
    """A baseline greyscale JPEG; blocks is rows of grey levels, one per 8x8."""
    h, w = len(blocks) * 8, len(blocks[0]) * 8
    out = bytearray(b"\xff\xd8")
    if exif:
        out += exif
    out += b"\xff\xdb" + struct.pack(">HB", 67, 0) + bytes([1] * 64)
    out += b"\xff\xc0" + struct.pack(">HBHHBBBB", 11, 8, h, w, 1, 1, 0x11, 0)
    out += b"\xff\xc4" + struct.pack(">HB", 3 + 16 + len(DC_VALS), 0x00) + bytes(DC_BITS) + bytes(DC_VALS)
    out += b"\xff\xc4" + struct.pack(">HB", 3 + 16 + len(AC_VALS), 0x10) + bytes(AC_BITS) + bytes(AC_VALS)
    out += b"\xff\xda" + struct.pack(">HBBBBBB", 8, 1, 1, 0x00, 0, 63, 0)
    dc, ac = _huff_codes(DC_BITS, DC_VALS), _huff_codes(AC_BITS, AC_VALS)
    bits = []

    def put(code, length):
        bits.extend((code >> (length - 1 - i)) & 1 for i in range(length))
    prev = 0
    for row in blocks:
        for v in row:
            coef = 8 * (v - 128)            # the DC of a flat block, quantiser 1
            diff, prev = coef - prev, coef
            size = abs(diff).bit_length()
            put(*dc[size])
            if size:
                put(diff if diff > 0 else diff + (1 << size) - 1, size)
            put(*ac[0])                     # EOB: every AC coefficient is zero
    bits.extend([1] * (-len(bits) % 8))
    for i in range(0, len(bits), 8):
        byte = int("".join(map(str, bits[i:i + 8])), 2)
        out.append(byte)
        if byte == 0xFF:
            out.append(0)
    out += b"\xff\xd9"
    return bytes(out)


# A 48x32 lossless WebP with an EXIF chunk, made once with
# `vips webpsave x.v t.webp --lossless` (there is no WebP encoder to hand here).
WEBP_48x32 = bytes.fromhex(
    "52494646f200000057454250565038580a000000080000002f00001f00005650384c11000000"
    "2f2fc007000750942257abff8188e87f000045584946ba00000045786966000049492a000800"
    "000006001201030001000000010000001a01050001000000560000001b010500010000005e00"
    "00002801030001000000020000001302030001000000010000006987040001000000660000"
    "000000000038630000e803000038630000e8030000060000900700040000003032313001910"
    "700040000000102030000a00700040000003031303001a0030001000000ffff000002a004000"
    "10000003000000003a00400010000002000000000000000")


def jpeg_info(data):
    """(width, height, [markers before the scan]) of a JPEG, or AssertionError."""
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    i, markers, size = 2, [], None
    while i < len(data):
        assert data[i] == 0xFF, "bad marker at %d" % i
        m = data[i + 1]
        if m == 0xDA:
            break
        n = struct.unpack(">H", data[i + 2:i + 4])[0]
        markers.append(m)
        if m in (0xC0, 0xC1, 0xC2):
            h, w = struct.unpack(">HH", data[i + 5:i + 9])
            size = (w, h)
        i += 2 + n
    assert size, "no frame header"
    return size[0], size[1], markers


def assert_clean_jpeg(data):
    """No EXIF, XMP, ICC, IPTC or comment survives: only the JFIF APP0."""
    w, h, markers = jpeg_info(data)
    extra = [hex(m) for m in markers if 0xE1 <= m <= 0xEF or m == 0xFE]
    assert not extra, "metadata segments left: %s" % extra
    for needle in (b"Exif", b"HallmarkTestCam", b"http://ns.adobe.com/xap", b"ICC_PROFILE",
                   b"GPS"):
        assert needle not in data, needle
    return w, h


# ---- the installation -----------------------------------------------------

def boundary():
    return "----hallmarktest" + os.urandom(8).hex()


def multipart(fields, files, b):
    """fields: {name: str}; files: [(name, filename, ctype, bytes)]."""
    out = bytearray()
    for k, v in fields.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                % (b, k, v)).encode()
    for name, filename, ctype, data in files:
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                "Content-Type: %s\r\n\r\n" % (b, name, filename, ctype)).encode()
        out += data + b"\r\n"
    out += ("--%s--\r\n" % b).encode()
    return bytes(out)


class Staff(Client):
    def new_passport(self, title="Solitaire ring"):
        self.get("/admin/passports/new")
        r = self.post("/admin/passports/new", {"title": title, "is_public": "1"})
        assert r.status == 303, r
        pid = int(re.match(r"^/admin/passports/(\d+)$", r.header("Location")).group(1))
        self.get("/admin/passports/%d" % pid)     # a page with this session's CSRF token
        return pid

    def upload(self, pid, data, role="primary", filename="photo.jpg", ctype="image/jpeg",
               csrf=True, headers=None, body=None, path=None):
        # Job photos name their role job_role (photo or proof).
        field = "job_role" if path and "/upload/job/" in path else "role"
        return self.post_upload(path or "/admin/upload/passport/%d" % pid, {field: role}, data,
                                filename, ctype, csrf, headers, body)

    def post_upload(self, path, fields, data, filename, ctype, csrf=True, headers=None, body=None):
        """A multipart form with one photo (none when data is None), as a
        browser sends it; body replaces the whole encoded body."""
        b = boundary()
        fields = dict(fields)
        if csrf is True:
            fields["csrf"] = self.csrf()
        elif csrf:
            fields["csrf"] = csrf
        if body is None:
            body = multipart(fields, [("photo", filename, ctype, data)] if data is not None else [], b)
        h = {"Content-Type": "multipart/form-data; boundary=%s" % b}
        if self.origin:
            h["Origin"] = self.server.base
        if headers:
            h.update(headers)
        return self.request("POST", path, body=body, headers=h)


def staff_server(**kw):
    return StaffServer(**kw)


def signed_in(s, username="staff"):
    c = Staff(s)
    c.login(username=username)
    return c


def media_files(s):
    d = os.path.join(s.dir, "media")
    return sorted(os.listdir(d)) if os.path.isdir(d) else []


def live(s, pid=None):
    q = "SELECT id, role, stored_name, display_w, display_h FROM attachments WHERE deleted_at IS NULL"
    if pid is not None:
        return s.sql(q + " AND owner_id = ? ORDER BY id", pid)
    return s.sql(q + " ORDER BY id")


def media_key(s):
    """The media-URL subkey as sign.c derives it: crypto_kdf (BLAKE2b) with
    subkey id 3 and context "hallmark"."""
    with open(os.path.join(s.dir, "secret.key")) as f:
        master = bytes.fromhex(f.read().strip())
    return hashlib.blake2b(b"", digest_size=32, key=master, salt=struct.pack("<Q", 3),
                           person=b"hallmark").digest()


def media_url(s, file, expiry=None):
    """What media_url() makes: crypto_auth is HMAC-SHA-512-256."""
    if expiry is None:
        now = int(time.time())
        expiry = now - now % 3600 + 7200
    msg = ("media\n%s\n%d" % (file, expiry)).encode()
    sig = hmac.new(media_key(s), msg, hashlib.sha512).digest()[:32]
    return "/media/%s?e=%d&s=%s" % (file, expiry, base64.urlsafe_b64encode(sig).rstrip(b"=").decode())


def fetch(s, file, **kw):
    return Client(s).get(media_url(s, file, **kw))


def same_response(a, b):
    strip = lambda r: [(k, v) for k, v in r.headers if k.lower() != "date"]
    return a.status == b.status and strip(a) == strip(b) and a.body == b.body


# ---- tests -----------------------------------------------------------------

def test_jpeg_is_turned_upright_and_stripped_of_exif_and_gps():
    s = staff_server()
    with s:
        c = signed_in(s)
        pid = c.new_passport()
        # 64x32, left half black, right half white; EXIF orientation 6 says
        # "rotate 90 degrees clockwise to view".
        img = jpeg([[0] * 4 + [255] * 4] * 4, exif=exif_app1(orientation=6))
        gps = struct.pack(">6I", 51, 1, 30, 1, 0, 1)
        assert jpeg_info(img)[:2] == (64, 32) and b"HallmarkTestCam" in img and gps in img
        r = c.upload(pid, img, filename="IMG_0001.JPG")
        assert r.status == 303 and r.header("Location") == "/admin/passports/%d" % pid, r
        rows = live(s, pid)
        assert len(rows) == 1
        aid, role, stem, dw, dh = rows[0]
        assert role == "primary" and re.fullmatch(r"[0-9a-f]{32}", stem)
        assert (dw, dh) == (32, 64)                     # upright: portrait now
        assert media_files(s) == [stem + "-d.jpg", stem + "-t.jpg"]
        for kind in "dt":
            r = fetch(s, "%s-%s.jpg" % (stem, kind))
            assert r.status == 200, r
            assert r.header("Content-Type") == "image/jpeg"
            assert r.header("X-Content-Type-Options") == "nosniff"
            assert r.header("Content-Disposition") == 'inline; filename="photo.jpg"'
            assert "default-src 'none'" in r.header("Content-Security-Policy")
            m = re.fullmatch(r"private, max-age=(\d+)", r.header("Cache-Control"))
            assert m and 3600 < int(m.group(1)) <= 7200
            assert r.header("Content-Length") == str(len(r.body))
            assert assert_clean_jpeg(r.body) == (32, 64) and gps not in r.body
            # The file on disk is exactly what is served.
            with open(os.path.join(s.dir, "media", "%s-%s.jpg" % (stem, kind)), "rb") as f:
                assert f.read() == r.body
        # HEAD: the same headers, no body.
        r = Client(s).request("HEAD", media_url(s, stem + "-d.jpg"))
        assert r.status == 200 and r.body == b"" and r.header("Content-Type") == "image/jpeg"


def test_png_and_webp_sizes_primary_replacement_gallery_and_delete():
    s = staff_server()
    with s:
        c = signed_in(s)
        pid = c.new_passport()
        big = png(3000, 2000)
        assert c.upload(pid, big, filename="ring.png", ctype="image/png").status == 303
        (a1, _, stem1, dw, dh), = live(s, pid)
        assert (dw, dh) == (1600, 1067)
        assert assert_clean_jpeg(fetch(s, stem1 + "-d.jpg").body) == (1600, 1067)
        assert assert_clean_jpeg(fetch(s, stem1 + "-t.jpg").body) == (400, 267)
        # Small images are not enlarged; the declared type is not believed
        # either way: a PNG sent as image/jpeg named .gif is still a PNG.
        r = c.upload(pid, png(120, 300, colour=0, rgb=(90,)), role="gallery",
                     filename="x.gif", ctype="image/jpeg")
        assert r.status == 303
        r = c.upload(pid, WEBP_48x32, role="gallery", filename="w.webp", ctype="image/webp")
        assert r.status == 303, r
        rows = live(s, pid)
        assert [(x[1], x[3], x[4]) for x in rows] == [
            ("primary", 1600, 1067), ("gallery", 120, 300), ("gallery", 48, 32)]
        webp_stem = rows[2][2]
        assert assert_clean_jpeg(fetch(s, webp_stem + "-t.jpg").body) == (48, 32)
        # A new primary replaces the old one; the old URL stops working.
        assert c.upload(pid, jpeg([[128] * 2] * 2)).status == 303
        rows = live(s, pid)
        assert [x[1] for x in rows] == ["gallery", "gallery", "primary"]
        assert s.sql("SELECT deleted_at IS NOT NULL FROM attachments WHERE id = ?", a1) == [(1,)]
        assert fetch(s, stem1 + "-d.jpg").status == 404
        # Delete a gallery photo.
        gid = rows[0][0]
        c.get("/admin/passports/%d" % pid)
        r = c.post("/admin/upload/passport/%d/delete" % pid, {"attachment": str(gid)})
        assert r.status == 303 and r.header("Location") == "/admin/passports/%d" % pid
        assert [x[0] for x in live(s, pid)] == [rows[1][0], rows[2][0]]
        assert fetch(s, rows[0][2] + "-d.jpg").status == 404
        # Deleting it again, or one of another passport, finds nothing.
        assert c.post("/admin/upload/passport/%d/delete" % pid, {"attachment": str(gid)}).status == 404
        other = c.new_passport("Other")
        r = c.post("/admin/upload/passport/%d/delete" % other, {"attachment": str(rows[1][0])})
        assert r.status == 404
        assert len(live(s, pid)) == 2


def test_refusals_leave_nothing_behind():
    s = staff_server()
    with s:
        c = signed_in(s)
        pid = c.new_passport()

        def refused(r, status, text=None):
            assert r.status == status, (status, r)
            if text:
                assert text in r.text, r.text
            assert "<html" in r.text.lower() or "<!doctype" in r.text.lower()   # a branded page
            assert live(s) == [] and media_files(s) == []

        refused(c.upload(pid, b"Just some text, honest.\n" * 10, filename="notes.jpg"),
                415, "not a photo")
        refused(c.upload(pid, b"GIF89a" + b"\0" * 64, filename="a.gif", ctype="image/gif"), 415)
        refused(c.upload(pid, b"<svg xmlns='http://www.w3.org/2000/svg'/>", filename="a.svg",
                         ctype="image/svg+xml"), 415)
        # Over 10 MiB of file inside a body under the 12 MiB limit: 413.
        refused(c.upload(pid, b"\xff\xd8\xff\xe0" + b"\0" * (10 * MiB)), 413, "10 MB")
        # A body over the surface's limit is refused before it is read.
        refused(c.upload(pid, b"\xff\xd8\xff\xe0" + b"\0" * (12 * MiB)), 413)
        # 48 megapixels in a few kilobytes: refused from the header alone.
        bomb = png(8000, 6000, depth=1, colour=0, rgb=(0,))
        assert len(bomb) < 100000
        refused(c.upload(pid, bomb, filename="bomb.png", ctype="image/png"), 413, "megapixels")
        refused(c.upload(pid, png(20001, 8, depth=1, colour=0, rgb=(0,))), 413)
        # Right magic bytes, damaged inside.
        good = jpeg([[10, 200]] * 2)
        refused(c.upload(pid, good[:len(good) // 2] + b"\0" * 20), 422)
        refused(c.upload(pid, good[:40]), 422)
        # A multipart body cut short (Content-Length agrees with what is sent).
        b = boundary()
        body = multipart({"role": "primary", "csrf": c.csrf()}, [("photo", "p.jpg", "image/jpeg", good)], b)
        for cut in (body[:-4], body[:len(body) // 2], body[:len(body) - len(good) // 2 - 40]):
            refused(c.upload(pid, None, body=cut,
                             headers={"Content-Type": "multipart/form-data; boundary=%s" % b}), 400)
        # Structural trouble: no boundary, a file where text belongs, two photos.
        refused(c.upload(pid, good, headers={"Content-Type": "multipart/form-data"}), 400)
        body = multipart({"role": "primary", "csrf": c.csrf()},
                         [("photo", "a.jpg", "image/jpeg", good), ("photo", "b.jpg", "image/jpeg", good)], b)
        refused(c.upload(pid, None, body=body, headers={"Content-Type": "multipart/form-data; boundary=%s" % b}), 400)
        # Form-level mistakes.
        refused(c.upload(pid, good, role="banner"), 400)
        refused(c.upload(pid, None), 400, "Choose a photo")
        refused(c.upload(pid, b"", filename=""), 400, "Choose a photo")
        # CSRF and origin, exactly as the staff pages check them.
        refused(c.upload(pid, good, csrf=False), 403)
        refused(c.upload(pid, good, csrf="A" * 43), 403)
        refused(c.upload(pid, good, headers={"Origin": "http://evil.example"}), 403)
        refused(c.upload(pid, good, headers={"Sec-Fetch-Site": "cross-site"}), 403)
        other = signed_in(s)
        other.get("/admin/passports/%d" % pid)
        refused(c.upload(pid, good, csrf=other.csrf()), 403)
        assert "refused a POST without a valid CSRF token" in s.cgi_log()
        # Signed out.
        stranger = Staff(s)
        stranger.token = c.csrf()
        refused(stranger.upload(pid, good), 403, "sign in")
        # Not a passport of this shop, or not one at all; deleted ones neither.
        refused(c.upload(pid + 100, good), 404)
        s.add_shop("other", "Other Jewellers")
        s.add_user("other", "olga", name="Olga Other")
        olga = signed_in(s, "olga")
        theirs = olga.new_passport("Their ring")
        refused(c.upload(theirs, good), 404)
        refused(olga.upload(pid, good), 404)
        r = c.post("/admin/passports/%d/delete" % pid, {"confirm": "1"})
        assert r.status == 303
        refused(c.upload(pid, good), 404)
        # Methods and paths.
        assert c.get("/admin/upload/passport/%d" % pid).status == 405
        assert c.get("/admin/upload/passport/%d" % pid).header("Allow") == "POST"
        assert c.upload(pid, good, path="/admin/upload/passport/x").status == 404
        assert c.upload(pid, good, path="/admin/upload/passport/%d/" % pid).status == 404
        # A passport's number is not a job's: the job route finds no job.
        assert c.upload(pid, good, role="photo", path="/admin/upload/job/%d" % pid).status == 404
        assert live(s) == [] and media_files(s) == []
        # And the pipeline still works afterwards.
        assert olga.upload(theirs, good).status == 303
        assert len(live(s)) == 1 and len(media_files(s)) == 2


def test_media_urls_are_capabilities_and_every_miss_reads_the_same():
    s = staff_server()
    with s:
        c = signed_in(s)
        pid = c.new_passport()
        assert c.upload(pid, jpeg([[30, 220]] * 2)).status == 303
        (_, _, stem, _, _), = live(s, pid)
        file = stem + "-d.jpg"
        ok = Client(s).get(media_url(s, file))
        assert ok.status == 200

        url = media_url(s, file)
        path, query = url.split("?")
        e = int(re.search(r"e=(\d+)", query).group(1))
        sig = re.search(r"s=([A-Za-z0-9_-]+)", query).group(1)
        flip = lambda ch: "A" if ch != "A" else "B"
        other_stem = ("0" if stem[0] != "0" else "1") + stem[1:]
        misses = [
            "/media/%s?e=%d&s=%s" % (file, e, sig[:10] + flip(sig[10]) + sig[11:]),
            "/media/%s?e=%d&s=%s" % (file, e, sig[:-1] + flip(sig[-1])),
            "/media/%s?e=%d&s=%s" % (stem + "-t.jpg", e, sig),          # the other version
            "/media/%s?e=%d&s=%s" % (other_stem + "-d.jpg", e, sig),    # another file
            "/media/%s?e=%d&s=%s" % (file, e + 3600, sig),              # a longer life
            "/media/%s?e=%d&s=%s" % (file, e - 1, sig),
            "/media/%s?e=0%d&s=%s" % (file, e, sig),                    # another spelling
            "/media/%s?e=%d" % (file, e),
            "/media/%s?s=%s" % (file, sig),
            "/media/%s" % file,
            "/media/%s?e=%d&s=%s" % (file.upper(), e, sig),
            "/media/%s/x?e=%d&s=%s" % (file, e, sig),
            "/media/",
            media_url(s, file, expiry=int(time.time()) - 1),            # expired, signed right
            media_url(s, other_stem + "-d.jpg"),                        # signed, never existed
        ]
        first = None
        for m in misses:
            r = Client(s).get(m)
            assert r.status == 404, (m, r)
            assert r.header("Cache-Control") == "no-store"
            first = first or r
            assert same_response(first, r), (m, r.headers, first.headers)
        # The server resolves dot segments before any CGI runs; whatever
        # answers, the key is not in it.
        with open(os.path.join(s.dir, "secret.key"), "rb") as f:
            key = f.read().strip()
        for m in ("/media/../secret.key", "/media/%2e%2e/secret.key", "/media/..%2fsecret.key"):
            r = Client(s).get("%s?e=%d&s=%s" % (m, e, sig))
            assert r.status in (400, 404) and key not in r.body, (m, r)
        # Private or deleted passport: its photos go dark with the same 404.
        assert c.post("/admin/passports/%d/private" % pid, {"confirm": "1"}).status == 303
        assert same_response(first, Client(s).get(media_url(s, file)))
        assert c.post("/admin/passports/%d/public" % pid, {}).status == 303
        assert Client(s).get(media_url(s, file)).status == 200
        assert c.post("/admin/passports/%d/delete" % pid, {"confirm": "1"}).status == 303
        assert same_response(first, Client(s).get(media_url(s, file)))
        assert c.post("/admin/passports/%d/undelete" % pid, {}).status == 303
        assert Client(s).get(media_url(s, file)).status == 200
        # A photo marked staff-only is not served either.
        s.sql("UPDATE attachments SET is_public = 0")
        assert same_response(first, Client(s).get(media_url(s, file)))
        s.sql("UPDATE attachments SET is_public = 1")
        # A symbolic link planted under the right name is not followed.
        link = os.path.join(s.dir, "media", file)
        os.rename(link, link + ".moved")
        os.symlink(os.path.join(s.dir, "secret.key"), link)
        r = Client(s).get(media_url(s, file))
        assert same_response(first, r)
        os.unlink(link)
        os.rename(link + ".moved", link)
        assert Client(s).get(media_url(s, file)).status == 200
        # Only GET and HEAD.
        r = Client(s).request("POST", media_url(s, file), body=b"",
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert r.status == 405


def test_photos_show_to_staff_always_and_to_the_public_when_public():
    s = staff_server()
    with s:
        c = signed_in(s)
        pid = c.new_passport("Emerald pendant")
        assert c.upload(pid, png(900, 600), role="primary", filename="p.png", ctype="image/png").status == 303
        c.get("/admin/passports/%d" % pid)
        assert c.upload(pid, png(300, 300, rgb=(10, 200, 10)), role="gallery", filename="g.png",
                        ctype="image/png").status == 303
        page = c.get("/admin/passports/%d" % pid)
        ids = re.findall(r'<img src="/admin/photo/(\d+)\?size=t"', page.text)
        assert len(ids) == 2
        r = c.get("/admin/photo/%s?size=d" % ids[0])
        assert r.status == 200 and r.header("Content-Type") == "image/jpeg" and r.body[:2] == b"\xff\xd8"
        assert jpeg_info(r.body)[:2] == (900, 600)
        # The public page links both through signed media URLs that work.
        pub = Client(s, origin=False).get("/verify/" + re.search(r"/verify/([0-9a-f-]{36})", page.text).group(1))
        urls = [u.replace("&amp;", "&") for u in re.findall(r'src="(/media/[^"]+)"', pub.text)]
        assert len(urls) == 2
        for u in urls:
            m = Client(s).get(u)
            assert m.status == 200 and m.header("Content-Type") == "image/jpeg"
        # Private: the staff still see it, the public URLs stop working.
        c.post("/admin/passports/%d/private" % pid, {"confirm": "1"})
        assert c.get("/admin/photo/%s?size=t" % ids[1]).status == 200
        assert Client(s).get(urls[0]).status == 404
        # Another shop's staff cannot fetch it by number.
        s.add_shop(slug="rival", name="Rival")
        s.add_user(shop="rival", username="rival-staff")
        rival = signed_in(s, username="rival-staff")
        assert rival.get("/admin/photo/%s?size=d" % ids[0]).status == 404
        assert Client(s).get("/admin/photo/%s" % ids[0]).status == 303


def test_a_passport_holds_at_most_thirty_photos():
    s = staff_server()
    with s:
        c = signed_in(s)
        pid = c.new_passport()
        small = jpeg([[60]])
        assert c.upload(pid, small, role="primary").status == 303
        for _ in range(29):
            assert c.upload(pid, small, role="gallery").status == 303
        files = media_files(s)
        assert len(live(s, pid)) == 30 and len(files) == 60
        r = c.upload(pid, small, role="gallery")
        assert r.status == 409 and "up to 30 photos" in r.text
        assert len(live(s, pid)) == 30 and media_files(s) == files
        # Replacing the primary does not add one, so it still works.
        assert c.upload(pid, small, role="primary").status == 303
        assert len(live(s, pid)) == 30
