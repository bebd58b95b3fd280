"""Backup and restore (issue 12), through lighttpd and hallmarkctl: a backup
taken while 40 writers work restores to an installation whose order pages,
photos and passport records are those of the source at the backup's
moment; a damaged, truncated or foreign backup is refused before anything
is written; a live installation is replaced only with --force."""

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

from harness import Client, PortTaken, Server, StaffServer, free_port, issue_passport
from test_photos import fetch, jpeg
from test_job_photos import JobStaff


class Restored(Server):
    """A fresh installation that begins as `hallmarkctl restore BACKUP`
    (as its operator would, instead of init), then is served."""

    def __init__(self, backup, key_from=None, **settings):
        super().__init__(**settings)
        self.backup = backup
        self.key_from = key_from

    def __enter__(self):
        if self.key_from:       # the key kept apart from a backup without it
            dst = os.path.join(self.dir, "secret.key")
            shutil.copy(self.key_from, dst)
            os.chown(dst, self.user.pw_uid, self.user.pw_gid)
        r = self.ctl("restore", self.backup)
        self.restore_output = r.stdout
        for _ in range(5):
            try:
                return self._start()
            except PortTaken:
                old, self.port = self.base, free_port()
                self.base = "http://127.0.0.1:%d" % self.port
                with open(self.conf) as f:
                    text = f.read()
                with open(self.conf, "w") as f:
                    f.write(text.replace(old, self.base))
        raise AssertionError("no free port for lighttpd")


def backup_dir():
    """A place for a backup that the CGI user can write (the directory
    itself is made by hallmarkctl backup)."""
    d = tempfile.mkdtemp(prefix="hallmark-backup-test-")
    os.chmod(d, 0o777)
    return d, os.path.join(d, "bk")


def give(path, user):
    """Hands a tree copied by the tests (as root) to the CGI user, as an
    operator's copy would be."""
    if os.geteuid() != 0:
        return
    for top, dirs, files in os.walk(path):
        os.chown(top, user.pw_uid, user.pw_gid)
        for f in files:
            os.chown(os.path.join(top, f), user.pw_uid, user.pw_gid)


def comparable(text, server):
    """A page as a person sees it twice: the per-page form token aside."""
    text = re.sub(r'name="fk" value="[^"]*"', 'name="fk" value=""', text)
    return text.replace(server.base, "BASE")


def photo(seed):
    return jpeg([(seed * 37 % 255, seed * 11 % 255, 90)] * 4)


def manifest(bk):
    with open(os.path.join(bk, "MANIFEST")) as f:
        return f.read()


def rewrite_manifest(bk, name, data):
    """Puts data in the backup's file name and makes the manifest agree (a
    backup damaged in a way checksums cannot see)."""
    import hashlib
    with open(os.path.join(bk, name), "wb") as f:
        f.write(data)
    lines = []
    for line in manifest(bk).splitlines():
        parts = line.split(" ")
        if parts[0] == "file" and parts[3] == name:
            line = "file %s %d %s" % (hashlib.sha256(data).hexdigest(), len(data), name)
        lines.append(line)
    with open(os.path.join(bk, "MANIFEST"), "w") as f:
        f.write("\n".join(lines) + "\n")


def shop_with_history(s):
    """A shop with jobs, public job photos and passports with photos.
    Returns (staff client, jobs [(id, tid)], passport uids, stored names)."""
    staff = JobStaff(s)
    staff.login()
    jobs = [staff.book_in(customer_name="Customer %d" % i) for i in range(5)]
    staff.get("/admin/jobs/%d" % jobs[0][0])
    for i in range(2):
        assert staff.upload_job(jobs[0][0], photo(i + 1), public=True).status == 303
        staff.get("/admin/jobs/%d" % jobs[0][0])
    uids = []
    for i in range(2):
        pid, uid = issue_passport(staff, title="Ring %d" % i, is_public="1")
        staff.get("/admin/passports/%d" % pid)
        assert staff.upload(pid, photo(10 + i)).status == 303
        uids.append(uid)
    names = [r[0] for r in s.sql("SELECT stored_name FROM attachments ORDER BY id")]
    assert len(names) == 4
    return staff, jobs, uids, names


def test_a_backup_under_40_writers_restores_the_pages_photos_and_passports_of_its_moment():
    bdir, bk = backup_dir()
    try:
        with StaffServer(ratelimit_messages=100000, ratelimit_job_messages=100000,
                         ratelimit_lookups=100000) as s:
            staff, jobs, uids, names = shop_with_history(s)
            busy = jobs[1:]             # the writers' jobs; jobs[0] holds the photos
            labels = ["Assessed", "In progress"]
            movers = []
            for job, _ in busy:
                m = JobStaff(s)
                m.login()
                movers.append((m, job, [m.stage_id(job, l) for l in labels], m.csrf()))
            stop = threading.Event()
            sent = {}                   # writer -> messages answered 303
            errors = []

            def customer(w):
                c = Client(s, source="127.0.3.%d" % (w + 1))
                tid = busy[w % len(busy)][1]
                k = 0
                while not stop.is_set():
                    r = c.post("/track/%s/messages" % tid, {"body": "writer %d message %d" % (w, k)},
                               csrf=False)
                    if r.status == 303:
                        k += 1
                    elif r.status != 503:
                        errors.append(r)
                        return
                sent[w] = k

            def mover(i):
                m, job, stages, csrf = movers[i % len(movers)]
                k = 0
                while not stop.is_set():
                    r = m.post("/admin/jobs/%d/stage" % job, {
                        "stage": stages[k % 2], "note": "move %d.%d" % (i, k), "csrf": csrf},
                        csrf=False)
                    # Two movers share a job: one may find it moved already,
                    # which changes nothing and keeps the note in the form.
                    if r.status == 303 or (r.status == 422 and "in this stage already" in r.text):
                        k += 1
                    elif r.status != 503:
                        errors.append(r)
                        return
            writers = [threading.Thread(target=customer, args=(w,)) for w in range(34)] + \
                [threading.Thread(target=mover, args=(i,)) for i in range(6)]
            for t in writers:
                t.start()
            try:
                time.sleep(2)
                before = s.sql("SELECT count(*) FROM messages")[0][0]
                r = s.ctl("backup", bk, "--with-secret-key")
                time.sleep(1)
            finally:
                stop.set()
                for t in writers:
                    t.join()
            assert not errors, errors[:3]
            assert "verified" in r.stdout
            after = s.sql("SELECT count(*) FROM messages")[0][0]
            assert before > 0 and after > before     # the writers wrote on around the backup
            text = manifest(bk)
            for n in names:
                assert " media/%s-d.jpg\n" % n in text and " media/%s-t.jpg\n" % n in text

            with Restored(bk) as t:
                # Restored files belong to the CGI user.
                for f in ("hallmark.db", "secret.key", "media/%s-d.jpg" % names[0]):
                    assert os.stat(os.path.join(t.dir, f)).st_uid == t.user.pw_uid, f
                snap_msgs = t.sql("SELECT id, job_id, body FROM messages ORDER BY id")
                assert before <= len(snap_msgs) < after
                # No half-writes: each writer's messages are a run from its
                # first, and each job stands where its last move put it.
                per = {}
                for _, _, body in snap_msgs:
                    m = re.match(r"writer (\d+) message (\d+)$", body)
                    per.setdefault(int(m.group(1)), []).append(int(m.group(2)))
                for w, ks in per.items():
                    assert ks == list(range(len(ks))), (w, ks[:10])
                    assert len(ks) <= sent[w]
                for job, _ in busy:
                    cur = t.sql("SELECT stage_id FROM jobs WHERE id = ?", job)[0][0]
                    last = t.sql("SELECT stage_id FROM job_events WHERE job_id = ? AND kind = 'stage' "
                                 "ORDER BY id DESC LIMIT 1", job)
                    assert not last or last[0][0] == cur, job
                # The source as it was at the backup's moment: what the
                # writers added since is taken away again.
                keep_m = [r[0] for r in snap_msgs]
                keep_e = [r[0] for r in t.sql("SELECT id FROM job_events")]
                s.sql("DELETE FROM messages WHERE id NOT IN (%s)" % ",".join(map(str, keep_m)))
                s.sql("DELETE FROM job_events WHERE id NOT IN (%s)" % ",".join(map(str, keep_e)))
                for job, stage, updated, closed in t.sql(
                        "SELECT id, stage_id, updated_at, closed_at FROM jobs"):
                    s.sql("UPDATE jobs SET stage_id = ?, updated_at = ?, closed_at = ? WHERE id = ?",
                          stage, updated, closed, job)
                for job, tid in jobs:
                    a, b = Client(s).get("/track/" + tid), Client(t).get("/track/" + tid)
                    assert a.status == b.status == 200
                    assert comparable(a.text, s) == comparable(b.text, t), tid
                    for (body,) in t.sql("SELECT body FROM messages WHERE job_id = ?", job):
                        assert body in b.text
                for n in names:
                    for kind in "dt":
                        fa, fb = fetch(s, "%s-%s.jpg" % (n, kind)), fetch(t, "%s-%s.jpg" % (n, kind))
                        assert fa.status == fb.status == 200 and fa.body == fb.body
                for uid in uids:
                    a = Client(s).get("/verify/%s.json" % uid)
                    b = Client(t).get("/verify/%s.json" % uid)
                    assert a.status == b.status == 200
                    assert json.loads(comparable(a.text, s)) == json.loads(comparable(b.text, t))
                    assert json.loads(b.text)["signature"]
    finally:
        shutil.rmtree(bdir, ignore_errors=True)


def test_a_backup_holds_the_secret_key_only_when_asked():
    bdir, bk = backup_dir()
    try:
        with StaffServer() as s:
            staff, jobs, uids, names = shop_with_history(s)
            r = s.ctl("backup", bk)
            assert "without the secret key" in r.stdout
            assert not os.path.exists(os.path.join(bk, "secret.key"))
            assert "secret.key" not in manifest(bk)
            # Restoring needs the key kept apart: without it, refused.
            t = Server()
            try:
                r = t.ctl("restore", bk, check=False)
                assert r.returncode == 1 and "holds no secret key" in r.stderr
                assert not os.path.exists(t.db_path)
            finally:
                shutil.rmtree(t.dir, ignore_errors=True)
            # Another installation's key cannot open the shops' signing keys.
            other = Server()
            try:
                other.ctl("init")
                for suffix in ("", "-wal", "-shm"):
                    if os.path.exists(other.db_path + suffix):
                        os.unlink(other.db_path + suffix)
                r = other.ctl("restore", bk, check=False)
                assert r.returncode == 1 and "another installation's key" in r.stderr, r.stderr
            finally:
                shutil.rmtree(other.dir, ignore_errors=True)
            with Restored(bk, key_from=os.path.join(s.dir, "secret.key")) as t:
                a = Client(s).get("/verify/%s.json" % uids[0])
                b = Client(t).get("/verify/%s.json" % uids[0])
                assert json.loads(comparable(a.text, s)) == json.loads(comparable(b.text, t))
    finally:
        shutil.rmtree(bdir, ignore_errors=True)


def test_a_damaged_or_truncated_backup_is_refused_naming_what_is_wrong():
    bdir, bk = backup_dir()
    try:
        with StaffServer() as s:
            staff, jobs, uids, names = shop_with_history(s)
            s.ctl("backup", bk, "--with-secret-key")
        good = os.path.join(bdir, "good")
        shutil.copytree(bk, good)
        give(good, s.user)

        def damaged(what, change, expect):
            shutil.rmtree(bk)
            shutil.copytree(good, bk)
            change()
            give(bk, s.user)
            t = Server()
            try:
                r = t.ctl("restore", bk, check=False)
                assert r.returncode == 1, (what, r.stdout)
                for e in expect:
                    assert e in r.stderr, (what, r.stderr)
                # Nothing was written.
                assert not os.path.exists(t.db_path), what
                assert not os.path.exists(os.path.join(t.dir, "media")), what
            finally:
                shutil.rmtree(t.dir, ignore_errors=True)

        photo_file = os.path.join(bk, "media", "%s-d.jpg" % names[0])

        def flip():
            with open(photo_file, "r+b") as f:
                f.seek(100)
                b = f.read(1)
                f.seek(100)
                f.write(bytes([b[0] ^ 0xff]))
        damaged("a photo's byte", flip, ["media/%s-d.jpg" % names[0], "checksum", "damaged"])

        def cut_db():
            p = os.path.join(bk, "hallmark.db")
            with open(p, "r+b") as f:
                f.truncate(os.path.getsize(p) // 2)
        damaged("the database cut short", cut_db, ["hallmark.db", "truncated"])

        damaged("a photo missing", lambda: os.unlink(photo_file),
                ["%s-d.jpg" % names[0], "incomplete"])

        def cut_manifest():
            text = manifest(bk)
            with open(os.path.join(bk, "MANIFEST"), "w") as f:
                f.write(text[:len(text) * 2 // 3])
        damaged("the manifest cut short", cut_manifest, ["MANIFEST", "truncated"])

        damaged("no manifest", lambda: os.unlink(os.path.join(bk, "MANIFEST")),
                ["MANIFEST", "not a Hallmark backup"])

        def garble_db():
            path = os.path.join(good, "hallmark.db")
            con = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
            size = con.execute("PRAGMA page_size").fetchone()[0]
            root = con.execute("SELECT rootpage FROM sqlite_schema WHERE name = 'jobs'").fetchone()[0]
            con.close()
            with open(path, "rb") as f:
                data = bytearray(f.read())
            # The jobs table's page: the checksums are made to agree,
            # SQLite's integrity check must not.
            for i in range((root - 1) * size, root * size):
                data[i] = 0x5a
            rewrite_manifest(bk, "hallmark.db", bytes(data))
        damaged("the database's pages", garble_db, ["integrity"])

        # The good copy still restores.
        with Restored(good) as t:
            assert Client(t).get("/track/" + jobs[0][1]).status == 200
    finally:
        shutil.rmtree(bdir, ignore_errors=True)


def test_restore_refuses_a_live_installation_without_force():
    bdir, bk = backup_dir()
    try:
        with StaffServer() as s:
            staff, jobs, uids, names = shop_with_history(s)
            s.ctl("backup", bk, "--with-secret-key")
            # Work after the backup, which restoring it will take away.
            later, later_tid = staff.book_in(customer_name="After the backup")
            r = s.ctl("restore", bk, check=False)
            assert r.returncode == 1
            assert "refuses to overwrite" in r.stderr and "--force" in r.stderr
            assert Client(s).get("/track/" + later_tid).status == 200    # untouched
            # A forced restore that cannot write the new database (here its
            # temporary copy's name is taken) leaves the live one as it
            # was, with the writes still in its log: a reader killed in the
            # middle of its transaction kept them from being checkpointed.
            reader = subprocess.Popen([sys.executable, "-c", (
                "import sqlite3, sys, time\n"
                "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
                "c.execute('BEGIN'); c.execute('SELECT count(*) FROM jobs').fetchall()\n"
                "print('ready', flush=True); time.sleep(60)"), s.db_path],
                stdout=subprocess.PIPE, text=True)
            assert reader.stdout.readline().strip() == "ready"
            logged, logged_tid = staff.book_in(customer_name="Only in the log")
            reader.kill()
            reader.wait()
            assert os.path.getsize(s.db_path + "-wal") > 0
            os.mkdir(s.db_path + ".restore-tmp")
            r = s.ctl("restore", bk, "--force", check=False)
            assert r.returncode == 1 and "restore-tmp" in r.stderr, r.stderr
            assert Client(s).get("/track/" + logged_tid).status == 200
            os.rmdir(s.db_path + ".restore-tmp")
            r = s.ctl("restore", bk, "--force")
            assert "restored" in r.stdout
            assert Client(s).get("/track/" + later_tid).status == 404
            assert Client(s).get("/track/" + jobs[0][1]).status == 200
            assert fetch(s, "%s-t.jpg" % names[0]).status == 200
            assert s.sql("PRAGMA integrity_check")[0][0] == "ok"
    finally:
        shutil.rmtree(bdir, ignore_errors=True)


def test_backup_refuses_a_destination_that_holds_files():
    bdir, bk = backup_dir()
    try:
        with StaffServer() as s:
            os.makedirs(bk)
            with open(os.path.join(bk, "keep.txt"), "w") as f:
                f.write("mine")
            os.chmod(bk, 0o777)
            r = s.ctl("backup", bk, check=False)
            assert r.returncode == 1 and "not an empty directory" in r.stderr
            assert os.listdir(bk) == ["keep.txt"]
            # An empty directory others can write in (or another user's) is
            # refused too: they could put a link where a file is written.
            empty = os.path.join(bdir, "empty")
            os.makedirs(empty)
            os.chmod(empty, 0o777)
            r = s.ctl("backup", empty, check=False)
            assert r.returncode == 1 and "others can write in it" in r.stderr, r.stderr
            assert os.listdir(empty) == []
    finally:
        shutil.rmtree(bdir, ignore_errors=True)
