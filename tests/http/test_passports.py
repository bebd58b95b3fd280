"""Provenance passports: issue, verify, transfer, visibility, tampering."""

import base64
import json
import subprocess
import os
import re
import tempfile
import threading

from harness import Client, Server, issue_passport, visible_text


FULL = {
    "title": "Oval Sapphire Ring", "jewellery_type": "Ring",
    "description": "Ceylon sapphire with a diamond halo",
    "metal_type": "Platinum", "metal_colour": "White", "metal_purity": "950", "metal_weight": "5.1 g",
    "stone_type": "Sapphire", "stone_shape": "Oval", "stone_carat": "2.03", "stone_colour": "Royal blue",
    "stone_clarity": "VS", "stone_origin": "Sri Lanka", "stone_certificate": "GIA 1234567890",
    "ring_size": "M", "ring_setting": "Halo",
    "maker": "Hartley Workshop", "made_in": "England", "year_made": "2026",
    "owner_name": "Zoë Ångström", "owner_email": "zoe@example.com",
    "owner_purchase_date": "2026-03-14", "owner_price": "8,400", "is_public": "1",
}


def staff(s, slug="shop", user="staff"):
    c = Client(s)
    c.login(username=user)
    return c


def setup(s):
    s.add_shop()
    s.add_user()
    return staff(s)


def test_issue_with_only_a_title_then_verify():
    with Server() as s:
        c = setup(s)
        # The shop's signing key was made with the shop.
        assert s.sql("SELECT length(public_key) FROM shop_keys")[0][0] == 32
        pid, uid = issue_passport(c, title="Gold Locket", is_public="1")
        page = c.get("/admin/passports/%d" % pid)
        text = visible_text(page.text)
        assert "100000001" in text and uid in text and "Passport issued" in text
        assert "Signature valid" in text
        pub = Client(s, origin=False).get("/verify/" + uid)
        assert pub.status == 200
        ptext = visible_text(pub.text)
        assert "Verified" in ptext and "Gold Locket" in ptext and "Test Jewellers" in ptext
        assert "Not verified" not in ptext
        for empty in ("Metal", "Stone", "Ring", "Provenance", "Ownership"):
            assert "<h2>%s</h2>" % empty not in pub.text, empty
        assert pub.header("Cache-Control") == "no-store"
        # Made-in defaults to the shop's country setting.
        c.get("/admin/settings")
        c.post("/admin/settings", {"name": "Test Jewellers", "country": "Australia",
                                   "abn": "51 824 753 556", "timezone": "Australia/Sydney"})
        form = c.get("/admin/passports/new")
        assert 'name="made_in" maxlength="80" value="Australia"' in form.text


def test_blank_title_reshows_the_form_with_what_was_typed():
    with Server() as s:
        c = setup(s)
        c.get("/admin/passports/new")
        r = c.post("/admin/passports/new", dict(FULL, title="  "))
        assert r.status == 422
        assert "Give the piece a title" in r.text
        assert 'value="Zoë Ångström"' in r.text and 'value="GIA 1234567890"' in r.text
        assert s.sql("SELECT count(*) FROM passports")[0][0] == 0


def test_public_page_shows_exactly_the_filled_fields_and_nothing_private():
    with Server() as s:
        c = setup(s)
        pid, uid = issue_passport(c, **FULL)
        pub = Client(s, origin=False).get("/verify/" + uid)
        text = visible_text(pub.text)
        for v in ("Oval Sapphire Ring", "Ceylon sapphire with a diamond halo", "Platinum", "950",
                  "5.1 g", "Sapphire", "2.03", "Royal blue", "Sri Lanka", "GIA 1234567890", "Halo",
                  "Hartley Workshop", "England", "2026", "Z. Å.", "Sat 14 Mar 2026"):
            assert v in text, v
        for group in ("Metal", "Stone", "Ring", "Provenance"):
            assert "<h3>%s</h3>" % group in pub.text, group
        assert '<h2 id="owner-h">Ownership</h2>' in pub.text
        for hidden in ("Zoë Ångström", "zoe@example.com", "8400", "8,400"):
            assert hidden not in pub.text, hidden
        # Ticking "show publicly" shows the full name and price.
        c.get("/admin/passports/%d/edit" % pid)
        r = c.post("/admin/passports/%d/edit" % pid, dict(FULL, owner_public="1"))
        assert r.status == 303
        text = visible_text(Client(s).get("/verify/" + uid).text)
        assert "Zoë Ångström" in text and "8,400.00" in text and "zoe@example.com" not in text
        assert "Verified" in text


def test_events_and_transfer_land_on_the_timeline():
    with Server() as s:
        c = setup(s)
        pid, uid = issue_passport(c, **FULL)
        c.get("/admin/passports/%d" % pid)
        r = c.post("/admin/passports/%d/event" % pid, {"kind": "serviced", "event_date": "2026-05-02",
                                                      "text": "Claws re-tipped"})
        assert r.status == 303
        r = c.post("/admin/passports/%d/event" % pid, {"kind": "hacked", "event_date": "2026-05-02"})
        assert r.status == 422
        r = c.post("/admin/passports/%d/transfer" % pid, {
            "owner_name": "Marcus Aurelius", "owner_email": "marcus@example.com",
            "owner_purchase_date": "2026-09-01", "owner_price": "9000", "confirm": "1"})
        assert r.status == 303
        text = visible_text(Client(s).get("/verify/" + uid).text)
        assert "Serviced" in text and "Claws re-tipped" in text and "Sat 2 May 2026" in text
        assert "Ownership transferred" in text
        assert "M. A." in text and "Previous owners" in text and "Z. Å." in text
        assert "Verified" in text and "Marcus" not in text
        staff_text = visible_text(c.get("/admin/passports/%d" % pid).text)
        assert "Zoë Ångström" in staff_text and "zoe@example.com" in staff_text
        row = s.sql("SELECT owner_name, owner_email FROM passports")[0]
        assert row == ("Marcus Aurelius", "marcus@example.com")


def test_lost_or_stolen_warning():
    with Server() as s:
        c = setup(s)
        pid, uid = issue_passport(c, title="Diamond Studs", is_public="1")
        c.get("/admin/passports/%d" % pid)
        c.post("/admin/passports/%d/lost" % pid, {})
        text = visible_text(Client(s).get("/verify/" + uid).text)
        assert "Reported lost or stolen" in text and "Verified" in text
        c.post("/admin/passports/%d/found" % pid, {})
        text = visible_text(Client(s).get("/verify/" + uid).text)
        assert "has been reported lost or stolen" not in text


def comparable(r):
    return r.status, [(k, v) for k, v in r.headers if k.lower() != "date"], r.body


def test_private_deleted_unknown_malformed_and_limited_read_the_same():
    with Server(ratelimit_lookups=7) as s:
        c = setup(s)
        p1, private = issue_passport(c, title="Private piece", is_public="1")
        p2, deleted = issue_passport(c, title="Deleted piece", is_public="1")
        p3, hidden = issue_passport(c, title="Never public")       # no is_public: private from the start
        c.get("/admin/passports/%d" % p1)
        assert c.post("/admin/passports/%d/private" % p1, {"confirm": "1"}).status == 303
        assert c.post("/admin/passports/%d/delete" % p2, {"confirm": "1"}).status == 303
        v = Client(s, origin=False)
        answers = [v.get("/verify/" + u) for u in (
            private, deleted, hidden, "00000000-0000-4000-8000-000000000000", "not-a-uid")]
        first = comparable(answers[0])
        assert first[0] == 404 and "Passport not found" in answers[0].text
        for a in answers[1:]:
            assert comparable(a) == first
        assert comparable(v.get("/verify/%s.json" % private)) == first
        # Six misses so far; the seventh blocks this client, even for a good UID.
        _, good = issue_passport(c, title="Good piece", is_public="1")
        assert v.get("/verify/" + good).status == 200
        v.get("/verify/00000000-0000-4000-8000-000000000001")
        assert comparable(v.get("/verify/" + good)) == first
        # Restoring brings the page back, for a client at another address.
        c.post("/admin/passports/%d/public" % p1, {})
        assert Client(s, source="127.0.0.2").get("/verify/" + private).status == 200


def test_numeric_and_legacy_lookups_honour_the_sunset():
    for until, works in (("2999-12-31", True), ("2001-01-01", False), ("", False)):
        with Server(legacy_lookups_until=until) as s:
            c = setup(s)
            pid, uid = issue_passport(c, title="Old stock", is_public="1")
            s.sql("UPDATE passports SET legacy_code = 'NXP-AB12CD' WHERE id = ?", pid)
            v = Client(s, origin=False)
            for typed in ("100000001", "100 000 001", "nxp-ab12cd", "NXPAB12CD"):
                r = v.get("/verify?id=" + typed.replace(" ", "+"))
                if works:
                    assert r.status == 303 and r.header("Location") == "/verify/" + uid, (until, typed)
                else:
                    assert r.status == 200 and "doesn't look like a passport ID" in visible_text(r.text), (until, typed)
            r = v.get("/verify/100000001")
            assert (r.status == 303) == works
            assert v.get("/verify?id=" + uid.upper()).header("Location") == "/verify/" + uid


def test_tampering_is_detected_on_the_page_and_offline():
    with Server() as s:
        c = setup(s)
        pid, uid = issue_passport(c, **FULL)
        v = Client(s, origin=False)
        rec = v.get("/verify/%s.json" % uid)
        assert rec.status == 200 and rec.header("Content-Type") == "application/json"
        data = json.loads(rec.text)
        assert data["format"] == "hallmark-passport-v1" and data["uid"] == uid
        assert "zoe@example.com" not in rec.text and "Zoë Ångström" not in rec.text
        with tempfile.TemporaryDirectory() as d:
            os.chmod(d, 0o755)      # hallmarkctl may run as the CGI user
            good = os.path.join(d, "good.json")
            with open(good, "w") as f:
                f.write(rec.text)
            r = s.ctl("passport", "check", "--key-url", s.base + data["issuer"]["key_url"].split(s.base, 1)[1],
                      good, check=False)
            assert r.returncode == 0 and "verified" in r.stdout, r.stdout + r.stderr
            data["content"] = data["content"].replace("Oval Sapphire Ring", "Oval Sapphire Rings")
            bad = os.path.join(d, "bad.json")
            with open(bad, "w") as f:
                json.dump(data, f)
            r = s.ctl("passport", "check", bad, check=False)
            assert r.returncode != 0 and "NOT VERIFIED" in r.stdout
        # Behind the application's back: the page says so.
        s.sql("UPDATE passports SET stone_carat = '3.03' WHERE id = ?", pid)
        text = visible_text(v.get("/verify/" + uid).text)
        assert "Not verified" in text and "Verified issued" not in text
        # A swapped public key is caught too: it no longer matches the sealed secret.
        c.post("/admin/passports/%d/edit" % pid, dict(FULL, stone_carat="3.03"))
        assert "Not verified" not in v.get("/verify/" + uid).text
        s.sql("UPDATE shop_keys SET public_key = zeroblob(32)")
        assert "Not verified" in v.get("/verify/" + uid).text


def test_identity_numbers_are_unique_under_concurrent_creation():
    with Server() as s:
        s.add_shop()
        s.add_user()
        s.add_shop(slug="other", name="Other Shop")
        s.add_user(shop="other", username="other-staff")
        clients = [staff(s), staff(s), staff(s, user="other-staff")]
        for c in clients:
            c.get("/admin/passports/new")
        errors = []

        def work(c, n):
            for i in range(n):
                r = c.post("/admin/passports/new", {"title": "Piece %d" % i, "is_public": "1"})
                if r.status != 303:
                    errors.append(r.status)
        threads = [threading.Thread(target=work, args=(c, 8)) for c in clients]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        numbers = [r[0] for r in s.sql("SELECT identity_number FROM passports")]
        assert len(numbers) == 24 and len(set(numbers)) == 24
        assert sorted(numbers) == list(range(100000001, 100000025))


def test_staff_see_only_their_own_shops_passports():
    with Server() as s:
        c = setup(s)
        pid, uid = issue_passport(c, title="Mine", is_public="1")
        s.add_shop(slug="rival", name="Rival")
        s.add_user(shop="rival", username="rival-staff")
        r = staff(s, user="rival-staff")
        assert "Mine" not in r.get("/admin/passports").text
        assert r.get("/admin/passports/%d" % pid).status == 404
        r.get("/admin/passports")
        assert r.post("/admin/passports/%d/transfer" % pid, {"owner_name": "Thief",
                                                            "owner_purchase_date": "2026-01-01"}).status == 404
        assert r.post("/admin/passports/%d/delete" % pid, {"confirm": "1"}).status == 303   # a no-op
        assert s.sql("SELECT owner_name, deleted_at FROM passports")[0] == (None, None)
        listing = c.get("/admin/passports?q=100000001")
        assert "Mine" in visible_text(listing.text)


def openssl(*args, stdin=None):
    r = subprocess.run(["openssl"] + list(args), input=stdin, capture_output=True, timeout=30)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_a_record_re_signed_with_another_key_is_not_verified_offline():
    """Someone alters a record and signs it with a key of their own: the
    signature is valid, but the key is not the shop's. passport check says
    so unless told which key to trust, and refuses it when told."""
    with Server() as s:
        c = setup(s)
        pid, uid = issue_passport(c, **FULL)
        v = Client(s, origin=False)
        page = v.get("/verify/" + uid)
        fp = re.search(r'class="fingerprint" dir="ltr">([0-9a-f ]+)</code>', page.text).group(1)
        assert len(fp.replace(" ", "")) == 32
        key_path = re.search(r'href="(/verify/key/[a-z0-9-]+)"', page.text).group(1)
        key = v.get(key_path)
        assert key.status == 200 and key.header("Content-Type") == "application/json"
        kdoc = json.loads(key.text)
        assert kdoc["format"] == "hallmark-shop-key-v1" and kdoc["issuer"]["fingerprint"] == fp
        assert kdoc["issuer"]["name"] == "Test Jewellers"
        # Every unknown shop is the same miss as an unknown passport.
        miss = v.get("/verify/key/no-such-shop")
        assert miss.status == 404 and miss.body == v.get("/verify/key/other").body

        rec = json.loads(v.get("/verify/%s.json" % uid).text)
        assert rec["issuer"]["fingerprint"] == fp
        assert rec["issuer"]["key_url"] == s.base + key_path
        forged = dict(rec)
        forged["content"] = rec["content"].replace("Oval Sapphire Ring", "Oval Sapphire Ring (5 ct)")
        with tempfile.TemporaryDirectory() as d:
            os.chmod(d, 0o755)
            keyfile = os.path.join(d, "mine.pem")
            openssl("genpkey", "-algorithm", "ed25519", "-out", keyfile)
            content = os.path.join(d, "content")
            with open(content, "wb") as f:
                f.write(forged["content"].encode())
            sig = openssl("pkeyutl", "-sign", "-inkey", keyfile, "-rawin", "-in", content)
            der = openssl("pkey", "-in", keyfile, "-pubout", "-outform", "DER")
            forged["signature"] = base64.b64encode(sig).decode()
            forged["issuer"] = dict(rec["issuer"], public_key=base64.b64encode(der[-32:]).decode())
            paths = {}
            for name, doc in (("real", rec), ("forged", forged)):
                paths[name] = os.path.join(d, name + ".json")
                with open(paths[name], "w") as f:
                    json.dump(doc, f)
                os.chmod(paths[name], 0o644)

            # Without a key to trust, neither is "verified".
            for name in ("real", "forged"):
                r = s.ctl("passport", "check", paths[name], check=False)
                assert r.returncode == 3 and "KEY NOT CHECKED" in r.stdout, (name, r.stdout)
                assert "verified:" not in r.stdout
            r = s.ctl("passport", "check", paths["forged"], check=False)
            assert fp not in r.stdout    # the forged key's fingerprint is another

            # Told the shop's key (three ways), the real one passes, the forged one fails.
            trust = [("--fingerprint", fp), ("--fingerprint", fp.replace(" ", "")[:16].upper()),
                     ("--key", kdoc["issuer"]["public_key"]), ("--key-url", s.base + key_path)]
            for opt, val in trust:
                r = s.ctl("passport", "check", opt, val, paths["real"], check=False)
                assert r.returncode == 0 and r.stdout.startswith("verified:"), (opt, r.stdout, r.stderr)
                r = s.ctl("passport", "check", opt, val, paths["forged"], check=False)
                assert r.returncode == 1 and "NOT VERIFIED" in r.stdout, (opt, r.stdout, r.stderr)
                assert "not signed by" in r.stdout

            # A key file (the key page saved) works like the key itself.
            kfile = os.path.join(d, "shop-key.json")
            with open(kfile, "w") as f:
                f.write(key.text)
            os.chmod(kfile, 0o644)
            assert s.ctl("passport", "check", "--key", kfile, paths["real"], check=False).returncode == 0
            assert s.ctl("passport", "check", "--key", kfile, paths["forged"], check=False).returncode == 1
            # Nonsense in, a clear refusal out.
            r = s.ctl("passport", "check", "--fingerprint", "xyz", paths["real"], check=False)
            assert r.returncode != 0 and "fingerprint" in r.stderr
            r = s.ctl("passport", "check", "--key-url", s.base + "/verify/key/nobody", paths["real"],
                      check=False)
            assert r.returncode != 0 and "not a shop's key" in r.stderr
