"""Hardening (issue 8), through lighttpd: sign-in that counts before it
hashes and cannot be turned into a lock-out, input that is never lost or
written twice, damaged photos refused, a WAL that does not grow with the
shop's history."""

import os
import re
import statistics
import threading
import time

from harness import STAFF_PASSWORD, Client, Server, StaffServer, visible_text
from test_photos import jpeg
from test_job_photos import JobStaff, job_rows


def parallel(fns):
    """Runs each function in its own thread at once; returns their results."""
    out = [None] * len(fns)
    gate = threading.Barrier(len(fns))

    def run(i):
        gate.wait()
        out[i] = fns[i]()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(fns))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def sign_out(c):
    c.get("/admin/jobs")                        # a page with the session's CSRF token
    assert c.post("/admin/logout", {}).status == 303


def login_attempt(c, password, username="staff"):
    """One sign-in from c's address; c must have loaded the form."""
    return c.post("/admin/login", {"username": username, "password": password})


# ---- sign-in ---------------------------------------------------------------

def test_parallel_wrong_passwords_are_counted_before_any_is_checked():
    for spread in (False, True):
        with StaffServer(ratelimit_login=10) as s:
            clients = [Client(s, source="127.0.0.%d" % (i + 2 if spread else 2)) for i in range(30)]
            for c in clients:
                c.get("/admin/login")
            res = parallel([lambda c=c: login_attempt(c, "not the password %d" % id(c))
                            for c in clients])
            checked = [r for r in res if r.status == 200]
            refused = [r for r in res if r.status == 429]
            assert len(checked) == 10 and len(refused) == 20, [r.status for r in res]
            assert all("do not match" in r.text for r in checked)
            assert all("Too many attempts" in r.text for r in refused)
            # One at a time after that, still refused.
            c = Client(s, source="127.0.0.%d" % (40 if spread else 2))
            c.get("/admin/login")
            assert login_attempt(c, STAFF_PASSWORD).status == 429


def test_an_unknown_user_takes_as_long_as_a_wrong_password():
    """A timing side channel, not a speed test: both answers cost one
    Argon2id check, never a hash made first."""
    with StaffServer() as s:
        c = Client(s)
        c.get("/admin/login")
        login_attempt(c, "warm up the server")
        times = {"unknown": [], "wrong": []}
        for _ in range(7):
            for kind, user in (("unknown", "nobody-%d" % time.time_ns()), ("wrong", "staff")):
                c.get("/admin/login")
                t0 = time.perf_counter()
                r = login_attempt(c, "a wrong password", username=user)
                times[kind].append(time.perf_counter() - t0)
                assert r.status == 200 and "do not match" in r.text
        ratio = statistics.median(times["unknown"]) / statistics.median(times["wrong"])
        assert 0.7 < ratio < 1.4, (ratio, times)


def test_strangers_cannot_lock_staff_out_of_their_usual_address():
    with StaffServer(ratelimit_login=10) as s:
        counter = Client(s, source="127.0.0.2")
        counter.login()                         # this address is now known for the account
        sign_out(counter)
        stranger = Client(s, source="127.0.0.66")
        stranger.get("/admin/login")
        for i in range(10):
            assert login_attempt(stranger, "guess %d" % i).status == 200
        assert login_attempt(stranger, STAFF_PASSWORD).status == 429
        # Another stranger: the account's allowance for new addresses is spent.
        other = Client(s, source="127.0.0.67")
        other.get("/admin/login")
        assert login_attempt(other, STAFF_PASSWORD).status == 429
        # The counter signs in as usual, and keeps an allowance of its own.
        counter.get("/admin/login")
        assert login_attempt(counter, STAFF_PASSWORD).status == 303
        sign_out(counter)
        counter.get("/admin/login")
        for i in range(10):
            assert login_attempt(counter, "typo %d" % i).status == 200
        assert login_attempt(counter, STAFF_PASSWORD).status == 429
        # Right answers do not use the allowance up.
        with StaffServer(ratelimit_login=3) as s2:
            c = Client(s2)
            for _ in range(6):
                c.login()
                sign_out(c)


def test_changing_the_password_is_throttled_like_signing_in():
    with StaffServer(ratelimit_login=5) as s:
        c = Client(s)
        c.login()
        c.get("/admin/password")
        form = {"new_password": "a brand new password", "new_password2": "a brand new password"}
        for i in range(5):
            r = c.post("/admin/password", dict(form, current_password="wrong %d" % i))
            assert r.status == 422 and "not right" in r.text
        r = c.post("/admin/password", dict(form, current_password=STAFF_PASSWORD))
        assert r.status == 429 and "Too many attempts" in r.text
        fresh = Client(s, source="127.0.0.3")
        fresh.login()                           # the old password still works


def test_passwords_are_never_trimmed():
    with Server() as s:
        s.add_shop()
        s.add_user(password="  spaced out secret  ")
        c = Client(s)
        c.get("/admin/login")
        assert login_attempt(c, "spaced out secret").status == 200
        assert login_attempt(c, "  spaced out secret  ").status == 303
        # Changing it through the form keeps the spaces too.
        c.get("/admin/password")
        r = c.post("/admin/password", {"current_password": "  spaced out secret  ",
                                       "new_password": " new one, with spaces ",
                                       "new_password2": " new one, with spaces "})
        assert r.status == 200 and "was changed" in r.text
        d = Client(s, source="127.0.0.3")
        d.get("/admin/login")
        assert login_attempt(d, "new one, with spaces").status == 200
        assert login_attempt(d, " new one, with spaces ").status == 303


# ---- input that is never lost or written twice -----------------------------

def test_long_accented_text_is_booked_in_and_too_long_comes_back_as_typed():
    with StaffServer() as s:
        c = Client(s)
        c.login()
        # 1,100 characters, 2,200 bytes: inside the form's 2,000-character limit.
        job, _ = c.book_in(item_description="é" * 1100, customer_name="Zoë Ångström")
        assert s.sql("SELECT item_description FROM jobs WHERE id = ?", job)[0][0] == "é" * 1100
        page = c.get("/admin/jobs/new")
        assert 'name="item_description" rows="2" maxlength="2000"' in page.text
        wf = re.search(r'name="workflow" value="(\d+)" checked', page.text).group(1)
        r = c.post("/admin/jobs/new", {"workflow": wf, "customer_name": "Ann", "item_type": "Ring",
                                       "item_description": "é" * 2001, "problem": "kept"})
        assert r.status == 422
        assert "up to 2,000 characters; it has 2,001" in visible_text(r.text)
        assert "é" * 2001 in r.text and ">kept</textarea>" in r.text
        assert s.sql("SELECT count(*) FROM jobs")[0][0] == 1


def test_a_customer_message_sent_twice_is_stored_once():
    with StaffServer(ratelimit_messages=100) as s:
        staff = Client(s)
        staff.login()
        job, tid = staff.book_in()
        cust = Client(s, origin=True)
        cust.get("/track/" + tid)
        fk = cust.fk
        assert fk
        form = {"body": "Is it ready yet?"}
        first = cust.post("/track/%s/messages" % tid, form, csrf=False, fk=fk)
        again = cust.post("/track/%s/messages" % tid, form, csrf=False, fk=fk)
        assert first.status == again.status == 303
        assert first.header("Location") == again.header("Location")
        assert s.sql("SELECT count(*) FROM messages")[0][0] == 1
        # A double click: both at once.
        cust.get("/track/" + tid)
        fk = cust.fk
        res = parallel([lambda: cust.post("/track/%s/messages" % tid, {"body": "Thanks!"},
                                          csrf=False, fk=fk) for _ in range(4)])
        assert all(r.status == 303 for r in res)
        assert s.sql("SELECT count(*) FROM messages WHERE body = 'Thanks!'")[0][0] == 1
        # The same words from a new page are a new message.
        cust.get("/track/" + tid)
        assert cust.post("/track/%s/messages" % tid, {"body": "Thanks!"}, csrf=False,
                         fk=True).status == 303
        assert s.sql("SELECT count(*) FROM messages WHERE body = 'Thanks!'")[0][0] == 2


def test_a_design_decision_retried_is_answered_as_the_first_time():
    with StaffServer() as s:
        staff = JobStaff(s)
        staff.login()
        job, tid = staff.book_bespoke()
        staff.move(job, "Design review")
        cust = Client(s)
        page = cust.get("/track/" + tid)
        stage = re.search(r'name="stage" value="(\d+)"', page.text).group(1)
        form = {"decision": "changes", "stage": stage, "comment": "A thinner band, please."}
        first = cust.post("/track/%s/decision" % tid, form, csrf=False, fk=cust.fk)
        again = cust.post("/track/%s/decision" % tid, form, csrf=False, fk=cust.fk)
        assert first.status == again.status == 303
        assert again.header("Location") == first.header("Location")
        assert s.sql("SELECT count(*) FROM messages")[0][0] == 1
        assert s.sql("SELECT count(*) FROM job_events WHERE kind = 'changes'")[0][0] == 1


def test_staff_forms_sent_twice_write_once():
    with StaffServer() as s:
        c = JobStaff(s)
        c.login()
        page = c.get("/admin/jobs/new")
        wf = re.search(r'name="workflow" value="(\d+)" checked', page.text).group(1)
        form = {"workflow": wf, "customer_name": "Ada", "item_type": "Ring"}
        fk = c.fk
        a = c.post("/admin/jobs/new", form, fk=fk)
        b = c.post("/admin/jobs/new", form, fk=fk)
        assert a.status == b.status == 303 and a.header("Location") == b.header("Location")
        assert s.sql("SELECT count(*) FROM jobs")[0][0] == 1
        job = int(a.header("Location").split("?")[0].rsplit("/", 1)[1])

        c.get("/admin/jobs/%d" % job)
        sid = c.stage_id(job, "Assessed")
        c.get("/admin/jobs/%d" % job)
        fk = c.fk
        for _ in range(2):
            assert c.post("/admin/jobs/%d/stage" % job, {"stage": sid, "note": "Looked at it"},
                          fk=fk).status == 303
            assert c.post("/admin/jobs/%d/message" % job, {"body": "We have it."},
                          fk=fk).status == 303
        assert s.sql("SELECT count(*) FROM job_events WHERE kind = 'stage'")[0][0] == 1
        assert s.sql("SELECT count(*) FROM messages")[0][0] == 1

        # A photo uploaded twice from the same page is one photo.
        c.get("/admin/jobs/%d" % job)
        photo = jpeg([[90, 160] * 4] * 6)
        for _ in range(2):
            r = c.upload_job(job, photo, extra={"fk": c.fk})
            assert r.status == 303, r
        assert len(job_rows(s, job)) == 1

        # Revoking twice is not an error either.
        c.get("/admin/jobs/%d" % job)
        fk = c.fk
        assert c.post("/admin/jobs/%d/revoke" % job, {}, fk=fk).status == 303
        assert c.post("/admin/jobs/%d/revoke" % job, {}, fk=fk).status == 303


def test_a_damaged_photo_is_refused_like_a_non_image():
    with StaffServer() as s:
        c = JobStaff(s)
        c.login()
        job, _ = c.book_in()
        c.get("/admin/jobs/%d" % job)
        blocks = [[(x * 37 + y * 11) % 256 for x in range(40)] for y in range(30)]
        whole = jpeg(blocks)
        assert c.upload_job(job, whole).status == 303
        cut = whole[:int(len(whole) * 0.6)]
        r = c.upload_job(job, cut)
        assert r.status == 422 and "could not be read" in r.text
        assert len(job_rows(s, job)) == 1
        files = os.listdir(os.path.join(s.dir, "media"))
        assert len(files) == 2, files           # the good photo's two versions only


# ---- many writers at once ----------------------------------------------------

def test_parallel_messages_stop_exactly_at_the_limits():
    with StaffServer(ratelimit_messages=3, ratelimit_job_messages=4) as s:
        staff = Client(s)
        staff.login()
        _, tid = staff.book_in()
        _, tid2 = staff.book_in(customer_name="Bea")
        # One address, twelve messages at once: three get through, each
        # other one comes back 429 with its text, none 503 or lost.
        cust = Client(s, source="127.0.0.2")
        res = parallel([lambda i=i: cust.post("/track/%s/messages" % tid, {"body": "at once %d" % i},
                                              csrf=False) for i in range(12)])
        assert sorted(r.status for r in res) == [303] * 3 + [429] * 9, [r.status for r in res]
        assert all("at once %d" % i in r.text and r.header("Retry-After")
                   for i, r in enumerate(res) if r.status == 429)
        stored = s.sql("SELECT body FROM messages")
        assert len(stored) == 3
        assert {b for (b,) in stored} == {"at once %d" % i for i, r in enumerate(res)
                                          if r.status == 303}
        # The limit is the address's, whichever job it writes to.
        assert cust.post("/track/%s/messages" % tid2, {"body": "later"}, csrf=False).status == 429

        # One job, ten addresses at once: its own limit (4) holds too.
        res = parallel([lambda i=i: Client(s, source="127.0.1.%d" % (i + 1)).post(
            "/track/%s/messages" % tid2, {"body": "to the job %d" % i}, csrf=False)
            for i in range(10)])
        assert sorted(r.status for r in res) == [303] * 4 + [429] * 6, [r.status for r in res]
        assert s.sql("SELECT count(*) FROM messages m JOIN jobs j ON j.id = m.job_id "
                     "WHERE j.tracking_id = ?", tid2)[0][0] == 4
        # The counts live with the messages, not in the rate-limit store.
        assert s.sql("SELECT sum(n) FROM message_hits WHERE scope = 'message'")[0][0] == 3 + 4
        assert s.sql("SELECT sum(n) FROM message_hits WHERE scope = 'message-job'")[0][0] == 3 + 4


def test_only_what_is_written_counts_against_the_limit():
    with StaffServer(ratelimit_messages=2) as s:
        staff = JobStaff(s)
        staff.login()
        job, tid = staff.book_bespoke()
        staff.move(job, "Design review")
        cust = Client(s)
        page = cust.get("/track/" + tid)
        stage = re.search(r'name="stage" value="(\d+)"', page.text).group(1)
        fk = cust.fk
        # Sent twice (a double click): one message, one count.
        for _ in range(2):
            assert cust.post("/track/%s/messages" % tid, {"body": "Hello"}, csrf=False,
                             fk=fk).status == 303
        # Refused before writing (empty, a stale decision): no count.
        assert cust.post("/track/%s/messages" % tid, {"body": " "}, csrf=False).status == 422
        assert cust.post("/track/%s/decision" % tid,
                         {"decision": "approve", "stage": "1", "confirm": "1"},
                         csrf=False).status == 409
        # So a second one goes through...
        cust.get("/track/" + tid)
        form = {"decision": "changes", "stage": stage, "comment": "Rose gold, please."}
        assert cust.post("/track/%s/decision" % tid, form, csrf=False, fk=cust.fk).status == 303
        assert s.sql("SELECT count(*) FROM messages")[0][0] == 2
        # ...and the limit is reached: the next answer comes back with its text.
        staff.move(job, "Design review")
        page = cust.get("/track/" + tid)
        stage = re.search(r'name="stage" value="(\d+)"', page.text).group(1)
        r = cust.post("/track/%s/decision" % tid, {"decision": "changes", "stage": stage,
                                                    "comment": "And a thinner band."}, csrf=False)
        assert r.status == 429 and "And a thinner band." in r.text and r.header("Retry-After")
        assert s.sql("SELECT count(*) FROM job_events WHERE kind = 'changes'")[0][0] == 1

        # hallmarkctl purge forgets the counts of windows long gone.
        s.sql("INSERT INTO message_hits(scope, key, win, n) VALUES('message', x'00', 1000, 5)")
        s.ctl("purge")
        assert s.sql("SELECT count(*) FROM message_hits WHERE win = 1000")[0][0] == 0
        assert s.sql("SELECT n FROM message_hits WHERE scope = 'message'")[0][0] == 2


def test_many_writers_at_once_all_get_through():
    with StaffServer(ratelimit_messages=1000, ratelimit_job_messages=1000) as s:
        staff = JobStaff(s)
        staff.login()
        jobs = [staff.book_in(customer_name="Customer %d" % i) for i in range(6)]
        stages = []
        for job, _ in jobs:
            staff.get("/admin/jobs/%d" % job)
            stages.append((job, staff.stage_id(job, "Assessed"), staff.csrf()))

        def message(i):
            return Client(s, source="127.0.2.%d" % (i + 1)).post(
                "/track/%s/messages" % jobs[i % len(jobs)][1], {"body": "busy %d" % i}, csrf=False)

        def move(i):
            job, stage, csrf = stages[i]
            return staff.post("/admin/jobs/%d/stage" % job, {"stage": stage, "note": "n %d" % i,
                                                              "csrf": csrf}, csrf=False)
        moves = s.sql("SELECT count(*) FROM job_events WHERE kind = 'stage'")[0][0]
        res = parallel([lambda i=i: message(i) for i in range(18)] +
                       [lambda i=i: move(i) for i in range(len(stages))])
        assert [r.status for r in res] == [303] * len(res)
        assert s.sql("SELECT count(*) FROM messages")[0][0] == 18
        assert s.sql("SELECT count(*) FROM job_events WHERE kind = 'stage'")[0][0] == \
            moves + len(stages)


# ---- costs that do not grow with history ------------------------------------

def test_the_wal_stays_small_as_history_grows():
    with StaffServer(ratelimit_messages=100000, ratelimit_job_messages=100000) as s:
        staff = Client(s)
        staff.login()
        jobs = [staff.book_in(customer_name="Customer %d" % i) for i in range(4)]
        cust = Client(s)
        wal = s.db_path + "-wal"
        for i in range(150):
            _, tid = jobs[i % len(jobs)]
            assert cust.post("/track/%s/messages" % tid, {"body": "Message %d" % i},
                             csrf=False).status == 303
        for i in range(30):
            job, _ = jobs[i % len(jobs)]
            staff.get("/admin/jobs/%d" % job)
            staff.move(job, "Assessed" if i % 2 else "Booked in")
        size = os.path.getsize(wal) if os.path.exists(wal) else 0
        # Each write used to leave ~4 KB behind for every later page to read.
        assert size <= 64 * 1024, size
        assert cust.get("/track/" + jobs[0][1]).status == 200


def test_every_staff_form_comes_back_with_what_was_typed():
    with StaffServer() as s:
        c = JobStaff(s)
        c.login()
        job, _ = c.book_in()
        sid = c.stage_id(job, "Assessed")
        # The stage form: a pasted control character in the note.
        r = c.post("/admin/jobs/%d/stage" % job, {"stage": sid, "note": "Bench\x07 note",
                                                   "note_public": "1"})
        assert r.status == 422 and "cannot be saved" in r.text
        assert "Bench\ufffd note</textarea>" in r.text and 'name="note_public" value="1" checked' in r.text
        assert s.sql("SELECT count(*) FROM job_events WHERE kind = 'stage'")[0][0] == 0
        # The passport page's event and transfer forms.
        c.get("/admin/passports/new")
        r = c.post("/admin/passports/new", {"title": "Ring", "is_public": "1"})
        pid = int(r.header("Location").rsplit("/", 1)[1])
        c.get("/admin/passports/%d" % pid)
        long = "ü" * 2001
        r = c.post("/admin/passports/%d/event" % pid, {"kind": "valued", "event_date": "2025-01-02",
                                                         "text": long})
        assert r.status == 422 and "up to 2,000 characters" in visible_text(r.text)
        assert long + "</textarea>" in r.text and 'value="2025-01-02"' in r.text
        assert 'value="valued" selected' in r.text
        r = c.post("/admin/passports/%d/event" % pid, {"kind": "valued", "event_date": "2999-01-01",
                                                         "text": "Insurance"})
        assert r.status == 422 and "in the future" in r.text and ">Insurance</textarea>" in r.text
        r = c.post("/admin/passports/%d/transfer" % pid, {"owner_name": "Zoë Ångström",
                                                            "owner_email": "not an email",
                                                            "owner_purchase_date": "2025-03-04",
                                                            "owner_price": "12.5"})
        assert r.status == 422 and "not an email address" in r.text
        assert 'value="Zoë Ångström"' in r.text and 'value="not an email"' in r.text
        assert 'value="12.50"' in r.text
        assert s.sql("SELECT count(*) FROM passport_events")[0][0] == 1     # "created" only


# ---- files that stay the CGI user's ------------------------------------------

def test_hallmarkctl_runs_as_the_cgi_user_and_the_cgis_never_as_root():
    if os.geteuid() != 0:
        return      # only root can be the wrong user here
    import subprocess
    with StaffServer() as s:
        env = dict(os.environ, HALLMARK_CONFIG=s.conf)
        owner = s.user.pw_uid
        # As root it refuses, says as whom to run it, and writes nothing.
        before = sorted(os.listdir(s.dir))
        r = subprocess.run([s.ctl_path, "shop", "add", "rooty", "Root's Shop"], env=env,
                           capture_output=True, text=True)
        assert r.returncode == 1
        assert "run hallmarkctl as %s" % s.user.pw_name in r.stderr
        assert "runuser -u %s -- hallmarkctl" % s.user.pw_name in r.stderr
        assert sorted(os.listdir(s.dir)) == before
        assert all(os.stat(os.path.join(s.dir, f)).st_uid == owner for f in before
                   if f.startswith(("hallmark.db", "media", "secret")))
        # The writers' queue is made by init, the CGI user's, for them alone.
        queue = s.db_path + "-writers"
        assert "hallmark.db-writers" in before
        assert os.stat(queue).st_mode & 0o7777 == 0o600
        assert s.sql("SELECT count(*) FROM shops WHERE slug = 'rooty'")[0][0] == 0

        # A state file left to root (an upload written by a CGI running as
        # root, say) is named, and fix-ownership, as root, gives it back.
        c = JobStaff(s)
        c.login()
        job, _ = c.book_in()
        c.get("/admin/jobs/%d" % job)
        assert c.upload_job(job, jpeg([[100, 150] * 4] * 4)).status == 303
        media = os.path.join(s.dir, "media")
        photo = os.path.join(media, sorted(os.listdir(media))[0])
        os.chown(photo, 0, 0)
        r = s.ctl("shop", "list", check=False)
        assert r.returncode == 1 and photo in r.stderr and "fix-ownership" in r.stderr
        os.chown(s.db_path, 0, 0)
        r = s.ctl("shop", "list", check=False)
        assert r.returncode == 1 and s.db_path + " belongs" in r.stderr
        os.chown(s.db_path, owner, s.user.pw_gid)
        os.chown(queue, 0, 0)
        r = s.ctl("shop", "list", check=False)
        assert r.returncode == 1 and queue + " belongs" in r.stderr
        os.chown(s.db_path, 0, 0)
        r = subprocess.run([s.ctl_path, "fix-ownership"], env=env, capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        assert os.stat(s.db_path).st_uid == owner and os.stat(photo).st_uid == owner
        assert os.stat(queue).st_uid == owner
        assert s.ctl("shop", "list").returncode == 0
        # fix-ownership is root's alone.
        r = s.ctl("fix-ownership", check=False)
        assert r.returncode == 1 and "as root" in r.stderr

        # A CGI started as root refuses to serve, and says why in the log.
        cgi = os.path.join(s.cgi_bin, "track.cgi")
        r = subprocess.run([cgi], env=dict(env, REQUEST_METHOD="GET", PATH_INFO="",
                                           QUERY_STRING=""), capture_output=True)
        assert r.stdout.startswith(b"Status: 500") and b"refusing to run as root" in r.stderr
