"""hallmarkctl import and export, through the real CGIs: a shop's records
from its old system keep the links and certificates customers hold."""

import csv
import io
import json
import os
import re

from harness import Client, Server, StaffServer, issue_passport, visible_text


def write(s, name, text):
    """A file in the installation's directory, which hallmarkctl (run as
    the CGI user) can read."""
    path = os.path.join(s.dir, name)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    os.chmod(path, 0o644)
    return path


def comparable(r):
    return r.status, [(k, v) for k, v in r.headers if k.lower() != "date"], r.body


# Columns in an order of the old system's own, a field with a comma, one
# over two lines with quotes in it, a local phone number, CRLF line ends.
GOOD_JOBS = (
    'customer_name,item_type,tracking_id,stage,customer_phone,customer_email,'
    'item_description,booked_in,workflow,number,quoted\r\n'
    '"Smith, Jo",Ring,rpr-a1b2c3d4,Ready for pickup,07700 900123,jo@example.com,'
    '"Gold band,\r\nengraved ""J & K""",2024-03-01 10:30,RPR,512,"1,250.00"\r\n'
    'Ana Lima,Watch,BSP-0123456789AB,design review,,,,2024-05-02,bsp,,\r\n'
    'Zoë Ångström,Necklace,,,+33 6 12 34 56 78,,,,,,\r\n'
)

# Every row but the first has something wrong; one record spans two lines,
# so the rows after it start a line further down.
BAD_JOBS = (
    'customer_name,item_type,tracking_id,stage,customer_email,booked_in,problem\n'
    'Good Row,Ring,RPR-11112222,,,,\n'
    'Two Lines,Ring,,Nowhere,,,"Clasp,\nand chain"\n'
    'Bad Mail,Ring,,,not-an-email,,\n'
    'Dup,Ring,rpr-11112222,,,,\n'
    ',Ring,RPR-9999,,,2024-13-01,\n'
    'Short,Ring\n'
)


def test_import_jobs_keeps_legacy_links_working():
    with StaffServer() as s:
        bad = write(s, "bad.csv", BAD_JOBS)
        for args in (("--dry-run",), ()):
            r = s.ctl("import", "jobs", "shop", bad, *args, check=False)
            assert r.returncode != 0, r
            err = r.stderr
            assert "bad.csv:3: stage: the workflow RPR has no stage 'Nowhere'" in err, err
            assert "bad.csv:5: customer_email: not an email address" in err, err
            assert "bad.csv:6: tracking_id: another job has this tracking ID already" in err, err
            assert "bad.csv:7: customer_name: required" in err, err
            assert "bad.csv:7: tracking_id: not a tracking ID" in err, err
            assert "bad.csv:7: booked_in: not a date" in err, err
            assert "bad.csv:8: 2 fields where the header has 7" in err, err
            assert "bad.csv:2:" not in err, err
            assert "5 of 6 rows have problems" in err and "nothing was imported" in err, err
            assert s.sql("SELECT count(*) FROM jobs") == [(0,)]

        good = write(s, "jobs.csv", GOOD_JOBS)
        r = s.ctl("import", "jobs", "shop", good, "--dry-run")
        assert "all 3 jobs rows are good; nothing was written" in r.stdout, r
        assert s.sql("SELECT count(*) FROM jobs") == [(0,)]
        r = s.ctl("import", "jobs", "shop", good)
        assert "imported 3 jobs into shop" in r.stdout, r

        rows = s.sql("SELECT tracking_id, number, customer_name, customer_phone, item_description, "
                     "quoted_cents, created_at FROM jobs ORDER BY id")
        assert rows[0][:6] == ("RPR-A1B2C3D4", 512, "Smith, Jo", "+447700900123",
                               'Gold band,\nengraved "J & K"', 125000), rows[0]
        assert rows[1][0] == "BSP-0123456789AB" and rows[1][1] == 1001
        assert re.fullmatch(r"RPR(-[0-9A-Z]{4}){4}", rows[2][0]) and rows[2][1] == 1002
        assert rows[2][3] == "+33612345678"

        c = Client(s, origin=False)
        page = c.get("/track/RPR-A1B2C3D4")
        assert page.status == 200, page
        text = visible_text(page.text)
        assert "Ready for pickup" in text and "Ring" in text
        # As customers type it, and as an old slip may print it.
        r = c.get("/track/rpr-a1b2c3d4")
        assert r.status in (301, 302, 303) and r.header("Location").endswith("/track/RPR-A1B2C3D4")
        r = c.get("/track?id=rpr+a1b2+c3d4")
        assert r.status in (302, 303) and r.header("Location").endswith("/track/RPR-A1B2C3D4")
        assert c.get("/track/BSP-0123456789AB").status == 200
        assert "Design review" in visible_text(c.get("/track/BSP-0123456789AB").text)
        # Anything else in the old form is as unknown as ever.
        miss = comparable(c.get("/track/RPR-0000-0000-0000-0000"))
        assert miss[0] == 404
        for p in ("/track/RPR-A1B2C3D5", "/track/RPR-A1B2C3D4E5", "/track/RPR-A1B2C3"):
            assert comparable(c.get(p)) == miss, p

        # Staff see it like any job; the shop's numbering goes on after it.
        staff = Client(s)
        staff.login()
        job = s.sql("SELECT id FROM jobs WHERE number = 512")[0][0]
        assert "+447700900123" in staff.get("/admin/jobs/%d" % job).text
        new_job, _ = staff.book_in()
        assert s.sql("SELECT number FROM jobs WHERE id = ?", new_job) == [(1003,)]


GOOD_PASSPORTS = (
    'legacy_code,title,number,owner_name,metal_type,issued,description\n'
    'nxp4f7k2q,Emerald Ring,100000777,Ada Lovelace,Platinum,2019-06-01,"Three stones,\nclaw set"\n'
    'NXP-77AB12,Pearl Strand,,,,,\n'
)


def test_import_passports_keeps_legacy_codes_and_numbers():
    with StaffServer(legacy_lookups_until="2999-12-31") as s:
        bad = write(s, "bad.csv", 'title,legacy_code,number,uid\n'
                    'Fine,NXP-AAAAAA,,\n'
                    ',NXP-1,,\n'
                    'Dup,nxp-aaaaaa,12x,not-a-uuid\n')
        r = s.ctl("import", "passports", "shop", bad, check=False)
        assert r.returncode != 0
        assert "bad.csv:3: title: required" in r.stderr
        assert "bad.csv:3: legacy_code: not a legacy code like NXP-4F7K2Q" in r.stderr
        assert "bad.csv:4: legacy_code: another passport has the code NXP-AAAAAA already" in r.stderr
        assert "bad.csv:4: number: not a whole number" in r.stderr
        assert "bad.csv:4: uid: not a passport ID" in r.stderr
        assert s.sql("SELECT count(*) FROM passports") == [(0,)]

        r = s.ctl("import", "passports", "shop", write(s, "p.csv", GOOD_PASSPORTS))
        assert "imported 2 passports" in r.stdout, r
        v = Client(s, origin=False)
        uid = s.sql("SELECT public_uid FROM passports WHERE legacy_code = 'NXP-4F7K2Q'")[0][0]
        for path in ("/verify/NXP-4F7K2Q", "/verify/nxp-4f7k2q", "/verify?id=NXP4F7K2Q",
                     "/verify/100000777", "/verify?id=100+000+777"):
            r = v.get(path)
            assert r.status == 303 and r.header("Location") == "/verify/" + uid, (path, r)
        page = visible_text(v.get("/verify/" + uid).text)
        assert "Emerald Ring" in page and "Verified" in page and "Not verified" not in page
        assert "100000777" in page.replace(" ", "").replace(",", "")
        # An unknown code is not found like any unknown passport.
        assert v.get("/verify/NXP-4F7K2R").status == 404
        # The sequence never hands out a number brought in.
        staff = Client(s)
        staff.login()
        pid, _ = issue_passport(staff, title="New piece", is_public="1")
        assert s.sql("SELECT identity_number FROM passports WHERE id = ?", pid) == [(100000779,)]


JOB_COLUMNS = ("tracking_id, number, customer_name, customer_phone, customer_email, item_type, "
               "item_description, problem, due_date, quoted_cents, deposit_cents, internal_notes, "
               "design_brief, budget_cents, invoice_url, notify_channel, language, created_at, "
               "closed_at")


def test_export_then_import_gives_the_same_records():
    with StaffServer() as a, StaffServer() as b:
        a.ctl("import", "jobs", "shop", write(a, "jobs.csv", GOOD_JOBS))
        a.ctl("import", "passports", "shop", write(a, "p.csv", GOOD_PASSPORTS))
        staff = Client(a)
        staff.login()
        job, tid = staff.book_in(customer_name="Ö'Brien, \"Pat\"", problem="Line one\nline two",
                                 quoted="80", customer_language="de")
        staff.move(job, "Completed")
        pid, uid = issue_passport(staff, title="Sapphire, oval", owner_name="Jo Bloggs",
                                  owner_price="1200", is_public="1")
        c = Client(a, origin=False)
        c.get("/track/" + tid)
        c.post("/track/%s/messages" % tid, {"body": "Is it ready?"}, csrf=False, fk=True)
        out = os.path.join(a.dir, "out")
        os.mkdir(out)
        os.chmod(out, 0o777)
        r = a.ctl("export", "shop", "--format", "csv", "--out", out)
        assert "shop-jobs.csv" in r.stdout and "shop-passports.csv" in r.stdout
        jobs_csv = os.path.join(out, "shop-jobs.csv")
        assert os.stat(jobs_csv).st_mode & 0o077 == 0     # customers' details: owner only
        with open(jobs_csv, encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        assert len(rows) == 4 and rows[0]["tracking_id"] == "RPR-A1B2C3D4"
        assert rows[0]["stage"] == "Ready for pickup" and rows[-1]["stage"] == "Completed"

        for kind in ("jobs", "passports"):
            with open(os.path.join(out, "shop-%s.csv" % kind), encoding="utf-8") as f:
                path = write(b, "%s.csv" % kind, f.read())
            r = b.ctl("import", kind, "shop", path)
        q = "SELECT %s FROM jobs ORDER BY number" % JOB_COLUMNS
        assert a.sql(q) == b.sql(q)
        q = ("SELECT j.number, s.label FROM jobs j JOIN stages s ON s.id = j.stage_id "
             "ORDER BY j.number")
        assert a.sql(q) == b.sql(q)
        q = ("SELECT public_uid, identity_number, legacy_code, title, description, owner_name, "
             "owner_price_cents, is_public FROM passports ORDER BY identity_number")
        assert a.sql(q) == b.sql(q)
        # The same links and passports open on the new installation.
        v = Client(b, origin=False)
        assert v.get("/track/" + tid).status == 200
        page = visible_text(v.get("/verify/" + uid).text)
        assert "Sapphire, oval" in page and "Verified" in page and "Not verified" not in page

        r = a.ctl("export", "shop", "--format", "json", "--out", out)
        with open(os.path.join(out, "shop.json"), encoding="utf-8") as f:
            data = json.load(f)
        assert data["format"] == "hallmark-export-v1" and data["shop"]["slug"] == "shop"
        mine = [j for j in data["jobs"] if j["tracking_id"] == tid][0]
        assert [m["body"] for m in mine["messages"]] == ["Is it ready?"]
        assert [h["stage"] for h in mine["history"] if h["kind"] in ("created", "stage")] == [
            "Booked in", "Completed"]
        assert mine["customer_name"] == "Ö'Brien, \"Pat\"" and mine["quoted"] == "80.00"
        p = [p for p in data["passports"] if p["uid"] == uid][0]
        assert p["title"] == "Sapphire, oval" and p["is_public"] is True
        assert [e["kind"] for e in p["history"]] == ["created"]

        # Nothing to export from a shop that is not there.
        r = a.ctl("export", "nowhere", "--format", "csv", "--out", out, check=False)
        assert r.returncode != 0 and "no shop called 'nowhere'" in r.stderr
        r = a.ctl("export", "shop", "--format", "xml", check=False)
        assert r.returncode != 0 and "usage" in r.stderr
