"""hallmarkctl shop list | edit: an operator's view of the shops, and
changes that reach the pages, with clear refusals."""

from harness import Client, StaffServer, issue_passport, visible_text


def test_shop_list_and_edit():
    with StaffServer() as s:
        s.add_shop("second", "Second Shop", "America/New_York")
        staff = Client(s)
        staff.login()
        job, tid = staff.book_in()
        staff.book_in()
        issue_passport(staff, title="Ring", is_public="1")
        out = s.ctl("shop", "list").stdout.splitlines()
        assert out[0].split() == ["SLUG", "NAME", "TIMEZONE", "LANG", "JOBS", "OPEN", "PASSPORTS", "USERS"]
        shop = [l for l in out if l.startswith("shop ")][0]
        assert "Test Jewellers" in shop and "Europe/London" in shop
        assert shop.split()[-5:] == ["en", "2", "2", "1", "1"], shop
        second = [l for l in out if l.startswith("second ")][0]
        assert "America/New_York" in second and second.split()[-4:] == ["0", "0", "0", "0"]

        r = s.ctl("shop", "edit", "shop", "--name", "Hartley & Daughters", "--timezone",
                  "Europe/Berlin", "--language", "de", "--retention-days", "30")
        assert "shop shop changed" in r.stdout
        page = Client(s, origin=False).get("/track/" + tid)
        text = visible_text(page.text)
        assert "Hartley & Daughters" in text and page.header("Content-Language") == "de"
        assert s.sql("SELECT timezone, language, retention_days FROM shops WHERE slug = 'shop'") == [
            ("Europe/Berlin", "de", 30)]
        assert "Europe/Berlin" in s.ctl("shop", "list").stdout

        before = s.sql("SELECT * FROM shops ORDER BY id")
        for args, says in (
                (("nowhere", "--name", "X"), "no shop called 'nowhere'"),
                (("shop", "--timezone", "Mars/Olympus"), "unknown time zone 'Mars/Olympus'"),
                (("shop", "--timezone", "../../etc/passwd"), "--timezone"),
                (("shop", "--language", "xx"), "--language 'xx'"),
                (("shop", "--name", ""), "--name"),
                (("shop", "--retention-days", "0"), "1 to 3650"),
                (("shop", "--email", "nope"), "an email address"),
                (("shop", "--colour", "red"), "unknown option '--colour'"),
                (("shop", "--name"), "--name needs a value"),
                (("shop", "--name", "A", "--name", "B"), "given twice"),
                (("shop",), "nothing to change")):
            r = s.ctl("shop", "edit", *args, check=False)
            assert r.returncode == 1 and says in r.stderr, (args, r.stderr)
        assert s.sql("SELECT * FROM shops ORDER BY id") == before
