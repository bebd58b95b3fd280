"""Roles and staff accounts: what staff (not owners) may not use, every
owner-only route refused through the one staff gate, the owners' staff
account pages (/admin/users), and `hallmarkctl user ...`."""

import os
import re

from harness import ROOT, STAFF_PASSWORD, Client, StaffServer, visible_text

HELPER_PASSWORD = "helper password 1"
OWNER_ONLY = "Only an owner can do this"


def owner_only_routes():
    """(method, path pattern, executable prefix) of every STAFF_OWNER route
    in src/admin/routes.h: the test follows the table, so a route added as
    owner-only is tested without touching this file."""
    with open(os.path.join(ROOT, "src", "admin", "routes.h")) as f:
        text = f.read()
    out = []
    for block, prefix in (("ADMIN_ROUTES", "/admin"), ("UPLOAD_ROUTES", "/admin/upload")):
        body = text[text.index("#define %s(X)" % block):]
        body = body[:body.index("\n\n")]
        for m in re.finditer(r'X\(METHOD_(GET|POST), "([^"]+)", STAFF_OWNER,', body):
            out.append((m.group(1), m.group(2), prefix))
    return out


def add_helper(s, role="--staff"):
    args = ["user", "add", "shop", "helper", "Helen Helper"] + ([role] if role else [])
    s.ctl(*args, stdin=HELPER_PASSWORD + "\n")


def helper_client(s):
    c = Client(s, source="127.0.0.7")
    c.login("helper", HELPER_PASSWORD)
    return c


def user_id(s, username):
    return s.sql("SELECT id FROM users WHERE username = ?", username)[0][0]


def add_form(**kw):
    form = {"username": "newbie", "name": "New Person", "user_role": "staff",
            "new_password": "opening pass 42", "new_password2": "opening pass 42"}
    form.update(kw)
    return form


def test_every_owner_only_route_refuses_staff_get_and_post():
    routes = owner_only_routes()
    # The table holds what the brief names: settings, message texts, the
    # danger zone, workflows, the logo and staff accounts.
    paths = {p for _, p, _ in routes}
    for p in ("/settings", "/settings/messages", "/danger", "/workflows", "/workflows/new",
              "/workflows/#", "/workflows/#/texts", "/users", "/users/#", "/logo"):
        assert p in paths, p
    with StaffServer() as s:
        add_helper(s)
        owner = Client(s)
        owner.login()
        wf = s.sql("SELECT min(id) FROM workflows")[0][0]
        uid = user_id(s, "staff")
        before = s.sql("SELECT name, retention_days FROM shops")
        users_before = s.sql("SELECT id, is_owner, disabled, display_name FROM users ORDER BY id")
        stages_before = s.sql("SELECT id, label FROM stages ORDER BY id")
        helper = helper_client(s)
        helper.get("/admin/jobs")
        for method, pattern, prefix in routes:
            num = uid if pattern.startswith("/users") else wf
            path = prefix + pattern.replace("#", str(num))
            if method == "GET":
                r = helper.get(path)
                assert r.status == 403, (path, r)
                # A clear sentence and a way back into the staff pages.
                assert OWNER_ONLY in r.text and 'href="/admin/jobs"' in r.text, path
                assert owner.get(path).status == 200, path
            else:
                r = helper.post(path, {"name": "Hijacked", "retention_days": "1",
                                       "user_role": "staff", "confirm_name": "Test Jewellers",
                                       "new_password": "xxxxxxxxxxxx",
                                       "new_password2": "xxxxxxxxxxxx"}, fk=True)
                assert r.status == 403, (path, r)
                assert OWNER_ONLY in r.text, path
        # Nothing any of those POSTs carried was written.
        assert s.sql("SELECT name, retention_days FROM shops") == before
        assert s.sql("SELECT id, is_owner, disabled, display_name FROM users ORDER BY id") == users_before
        assert s.sql("SELECT id, label FROM stages ORDER BY id") == stages_before
        assert s.sql("SELECT count(*) FROM jobs")[0][0] == 0


def test_staff_menu_hides_what_they_cannot_use():
    with StaffServer() as s:
        add_helper(s)
        owner = Client(s)
        owner.login()
        page = owner.get("/admin/jobs").text
        for href in ("/admin/workflows", "/admin/settings", "/admin/audit"):
            assert 'href="%s"' % href in page
        assert 'href="/admin/users"' in owner.get("/admin/settings").text
        helper = helper_client(s)
        page = helper.get("/admin/jobs").text
        assert 'href="/admin/workflows"' not in page and 'href="/admin/settings"' not in page
        assert 'href="/admin/audit"' in page and 'href="/admin/passports"' in page
        # What staff do all day still works.
        job, _ = helper.book_in(customer_name="Walk In")
        helper.move(job, "In progress")
        assert helper.get("/admin/audit").status == 200


def test_owner_adds_a_staff_account_once_and_they_sign_in():
    with StaffServer() as s:
        owner = Client(s)
        owner.login()
        page = owner.get("/admin/users")
        assert page.status == 200 and "Add a staff account" in page.text
        fk = owner.fk
        r = owner.post("/admin/users", add_form(), fk=fk)
        assert r.status == 303, r
        where = r.header("Location")
        assert re.match(r"^/admin/users/\d+\?show=booked$", where)
        # A double click: the same answer, one account.
        again = owner.post("/admin/users", add_form(), fk=fk)
        assert again.status == 303 and again.header("Location") == where
        assert s.sql("SELECT count(*) FROM users WHERE username = 'newbie'")[0][0] == 1
        page = owner.get(where)
        assert "The account was added" in page.text and "New Person" in page.text
        row = s.sql("SELECT display_name, is_owner, disabled FROM users WHERE username = 'newbie'")
        assert row == [("New Person", 0, 0)]
        newbie = Client(s, source="127.0.0.8")
        newbie.login("newbie", "opening pass 42")
        assert newbie.get("/admin/jobs").status == 200
        assert newbie.get("/admin/users").status == 403
        listing = visible_text(owner.get("/admin/users").text)
        assert "newbie" in listing and "New Person" in listing


def test_add_form_refusals_keep_what_was_typed_and_add_nothing():
    with StaffServer() as s:
        owner = Client(s)
        owner.login()
        owner.get("/admin/users")
        cases = [
            (add_form(username="Bad Name!"), "lowercase letters", 'value="Bad Name!"'),
            (add_form(username=""), "Type a username", 'value="New Person"'),
            (add_form(new_password="qz7xkq", new_password2="qz7xkq"), "at least 10 characters",
             'value="newbie"'),
            (add_form(new_password2="another password"), "The two passwords differ",
             'value="newbie"'),
            (add_form(username="staff"), "That username is taken", 'value="staff"'),
            (add_form(name="x" * 121), "up to 120 characters", 'value="newbie"'),
        ]
        for form, why, kept in cases:
            r = owner.post("/admin/users", form, fk=True)
            assert r.status == 422, (form, r)
            assert why in r.text and kept in r.text, (why, visible_text(r.text)[:400])
            # A password is never sent back.
            assert form["new_password"] not in r.text
        assert s.sql("SELECT count(*) FROM users")[0][0] == 1


def test_passwords_are_never_trimmed():
    with StaffServer() as s:
        owner = Client(s)
        owner.login()
        owner.get("/admin/users")
        pw = "  spaced password  "
        r = owner.post("/admin/users", add_form(new_password=pw, new_password2=pw), fk=True)
        assert r.status == 303
        c = Client(s, source="127.0.0.9")
        c.get("/admin/login")
        assert c.post("/admin/login", {"username": "newbie", "password": pw.strip()}).status == 200
        assert c.post("/admin/login", {"username": "newbie", "password": pw}).status == 303


def test_disabling_signs_them_out_at_once_and_enabling_lets_them_back():
    with StaffServer() as s:
        add_helper(s)
        owner = Client(s)
        owner.login()
        helper = helper_client(s)
        assert helper.get("/admin/jobs").status == 200
        hid = user_id(s, "helper")
        owner.get("/admin/users/%d" % hid)
        r = owner.post("/admin/users/%d/disable" % hid, {}, fk=True)
        assert r.status == 303
        assert s.sql("SELECT disabled FROM users WHERE id = ?", hid) == [(1,)]
        assert s.sql("SELECT count(*) FROM sessions WHERE user_id = ?", hid)[0][0] == 0
        # Their very next request is signed out.
        r = helper.get("/admin/jobs")
        assert r.status == 303 and r.header("Location") == "/admin/login"
        c = Client(s, source="127.0.0.7")
        c.get("/admin/login")
        r = c.post("/admin/login", {"username": "helper", "password": HELPER_PASSWORD})
        assert r.status == 200 and "do not match" in r.text
        page = owner.get("/admin/users/%d" % hid)
        assert "Disabled" in page.text and "Enable account" in page.text
        assert owner.post("/admin/users/%d/enable" % hid, {}, fk=True).status == 303
        helper_client(s)


def test_last_owner_cannot_disable_or_demote_themselves():
    with StaffServer() as s:
        owner = Client(s)
        owner.login()
        me = user_id(s, "staff")
        owner.get("/admin/users/%d" % me)
        r = owner.post("/admin/users/%d/disable" % me, {}, fk=True)
        assert r.status == 422 and "at least one owner" in r.text
        r = owner.post("/admin/users/%d" % me, {"name": "Sam Staff", "user_role": "staff"}, fk=True)
        assert r.status == 422 and "at least one owner" in r.text
        assert s.sql("SELECT is_owner, disabled FROM users WHERE id = ?", me) == [(1, 0)]
        assert owner.get("/admin/settings").status == 200
        # With a second owner, stepping down is fine.
        add_helper(s, role=None)
        r = owner.post("/admin/users/%d" % me, {"name": "Sam Staff", "user_role": "staff"}, fk=True)
        assert r.status == 303
        assert s.sql("SELECT is_owner FROM users WHERE id = ?", me) == [(0,)]
        assert owner.get("/admin/settings").status == 403


def test_owner_sets_a_new_password_which_ends_their_sessions():
    with StaffServer() as s:
        add_helper(s)
        owner = Client(s)
        owner.login()
        helper = helper_client(s)
        hid = user_id(s, "helper")
        owner.get("/admin/users/%d" % hid)
        r = owner.post("/admin/users/%d/password" % hid,
                       {"new_password": "short", "new_password2": "short"}, fk=True)
        assert r.status == 422 and "at least 10 characters" in r.text
        r = owner.post("/admin/users/%d/password" % hid,
                       {"new_password": "brand new secret", "new_password2": "brand new secret"},
                       fk=True)
        assert r.status == 303 and r.header("Location").endswith("?show=reset")
        assert "every sign-in of the account was ended" in owner.get(r.header("Location")).text
        assert helper.get("/admin/jobs").status == 303
        c = Client(s, source="127.0.0.7")
        c.get("/admin/login")
        assert c.post("/admin/login", {"username": "helper", "password": HELPER_PASSWORD}).status == 200
        c.login("helper", "brand new secret")
        # The owner's own session is untouched.
        assert owner.get("/admin/users").status == 200
        # Another shop's owner cannot reach this account.
        s.add_shop(slug="rival", name="Rival Gems")
        s.add_user(shop="rival", username="rival-owner")
        rival = Client(s, source="127.0.0.10")
        rival.login("rival-owner")
        assert rival.get("/admin/users/%d" % hid).status == 404
        rival.get("/admin/users")
        r = rival.post("/admin/users/%d/disable" % hid, {}, fk=True)
        assert r.status == 404
        assert "helper" not in rival.get("/admin/users").text
        assert s.sql("SELECT disabled FROM users WHERE id = ?", hid) == [(0,)]


def test_hallmarkctl_user_commands():
    with StaffServer() as s:
        add_helper(s)
        out = s.ctl("user", "list").stdout
        assert re.search(r"^helper\s+shop\s+staff\s+active\s+Helen Helper$", out, re.M), out
        assert re.search(r"^staff\s+shop\s+owner\s+active\s+Sam Staff$", out, re.M), out
        assert "helper" in s.ctl("user", "list", "shop").stdout
        r = s.ctl("user", "list", "nowhere", check=False)
        assert r.returncode == 1 and "no shop called 'nowhere'" in r.stderr

        helper = helper_client(s)
        r = s.ctl("user", "disable", "helper")
        assert "disabled helper; their sessions were ended" in r.stdout
        assert helper.get("/admin/jobs").status == 303
        assert "already" in s.ctl("user", "disable", "helper").stdout
        assert re.search(r"^helper\s+shop\s+staff\s+disabled", s.ctl("user", "list").stdout, re.M)
        s.ctl("user", "enable", "helper")
        helper = helper_client(s)

        assert "helper is now an owner" in s.ctl("user", "role", "helper", "owner").stdout
        assert helper.get("/admin/settings").status == 200
        s.ctl("user", "role", "helper", "staff")
        r = s.ctl("user", "role", "helper", "boss", check=False)
        assert r.returncode == 1 and "'owner' or 'staff'" in r.stderr

        for args in (("disable", "ghost"), ("enable", "ghost"), ("role", "ghost", "staff"),
                     ("remove", "ghost")):
            r = s.ctl("user", *args, check=False)
            assert r.returncode == 1 and "no user called 'ghost'" in r.stderr, args
        for args in (("disable",), ("role", "helper"), ("remove", "a", "b"), ("list", "a", "b")):
            r = s.ctl("user", *args, check=False)
            assert r.returncode == 2 and "usage" in r.stderr, args

        # Someone with history is disabled, not removed: the history keeps
        # their name.
        helper.book_in(customer_name="Booked By Helper")
        r = s.ctl("user", "remove", "helper", check=False)
        assert r.returncode == 1 and "hallmarkctl user disable helper" in r.stderr
        assert s.sql("SELECT count(*) FROM users WHERE username = 'helper'")[0][0] == 1
        s.ctl("user", "add", "shop", "temp", "Temp", "--staff", stdin="temporary pass\n")
        assert "removed temp" in s.ctl("user", "remove", "temp").stdout
        assert s.sql("SELECT count(*) FROM users WHERE username = 'temp'")[0][0] == 0

        # The operator may lock out the last owner, and is told so.
        r = s.ctl("user", "disable", "staff")
        assert r.returncode == 0 and "no enabled owner" in r.stderr
        s.ctl("user", "enable", "staff")
        # Each change is in the shop's audit trail, by hallmarkctl.
        rows = s.sql("SELECT user_name, action, field, old_value, new_value FROM audit "
                     "WHERE object_kind = 'user' ORDER BY id")
        assert ("hallmarkctl", "user.edit", "status", "active", "disabled") in rows
        assert ("hallmarkctl", "user.edit", "role", "staff", "owner") in rows
        assert ("hallmarkctl", "user.remove", "username", "temp", None) in rows
        assert ("hallmarkctl", "user.add", None, None, "temp") in rows
        # passwd still works, and still ends sessions.
        helper = helper_client(s)
        s.ctl("user", "passwd", "helper", stdin="another password\n")
        assert helper.get("/admin/jobs").status == 303
        assert "password" in s.sql("SELECT group_concat(action) FROM audit")[0][0]
        assert STAFF_PASSWORD not in str(s.sql("SELECT * FROM audit"))
