"""The operator's log: one line per notable event, from the CGIs to the web
server's error log and from hallmarkctl to its stderr, and never a tracking
ID, password, session token, CSRF token or form key in either."""

import os
import shutil
import tempfile
import time

from harness import STAFF_PASSWORD, Client, Server, free_port


def test_notable_events_are_logged_without_secrets():
    relay = free_port()         # nothing listens there: every email fails
    s = Server(mail_transport="smtp", smtp_url="smtp://127.0.0.1:%d" % relay,
               smtp_starttls="no", mail_from="tracking@hallmark.test", ratelimit_login="3")
    ctl_err = []

    def ctl(*args, **kw):
        r = s.ctl(*args, **kw)
        ctl_err.append(r.stderr)
        return r

    ctl("init")                 # a new database: every migration applied
    with s:
        ctl("shop", "add", "shop", "Test Jewellers", "Europe/London")
        ctl("user", "add", "shop", "staff", "Sam Staff", stdin=STAFF_PASSWORD + "\n")
        staff = Client(s)
        staff.login()
        job, tid = staff.book_in(customer_email="ada@example.com", notify_channel="email")
        customer = Client(s, origin=False)
        assert customer.get("/track/" + tid).status == 200
        customer.post("/track/%s/messages" % tid, {"body": "Hello"}, csrf=False, fk=True)

        wrong = "not the password 123"
        other = Client(s, source="127.0.0.2")
        other.get("/admin/login")
        r = other.post("/admin/login", {"username": "staff", "password": wrong})
        assert r.status == 200
        other.post("/admin/login", {"username": "no-such-user", "password": wrong})
        for _ in range(6):
            r = other.post("/admin/login", {"username": "staff", "password": wrong})
            if r.status == 429:
                break
        assert r.status == 429

        r = ctl("send")
        assert "failed (attempt 1 of 8" in r.stdout, r.stdout
        ctl("purge")
        bdir = tempfile.mkdtemp(prefix="hallmark-logs-backup-")
        os.chmod(bdir, 0o777)    # hallmarkctl runs as the CGI user
        bk = os.path.join(bdir, "bk")
        try:
            ctl("backup", bk)
        finally:
            shutil.rmtree(bdir, ignore_errors=True)

        time.sleep(0.2)
        cgi = s.cgi_log()
        ctl_log = "".join(ctl_err)
        for line in ("sign-in: user staff", "sign-in failed: user staff: wrong password",
                     "sign-in failed: unknown user", "lock-out: sign-in refused"):
            assert ("admin: " + line) in cgi, (line, cgi)
        for line in ("hallmarkctl: migration: database migrated from version 0 to ",
                     "hallmarkctl: notification failed: notification 1 booked_in email a***@example.com",
                     "hallmarkctl: purge: 0 jobs, 0 messages, 0 photos deleted",
                     "hallmarkctl: backup: ",
                     " written to %s and verified" % bk):
            assert line in ctl_log, (line, ctl_log)

        everything = cgi + ctl_log
        secrets = [tid, tid[4:], tid.replace("-", ""), STAFF_PASSWORD, wrong,
                   staff.cookies["hm_session"], staff.token, staff.fk, customer.fk,
                   "ada@example.com"]
        for secret in secrets:
            assert secret and secret not in everything, (secret, everything)
