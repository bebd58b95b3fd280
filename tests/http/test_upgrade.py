"""Upgrades (issue 12): every schema migration from every earlier version
with data in every table, nothing lost; hallmarkctl migrate backs up first
and is safe to run twice or two at once; a CGI meeting a database of
another schema version answers 503 and says in the log what to run."""

import glob
import os
import re
import sqlite3
import subprocess
import threading

from harness import Client, Server, StaffServer, issue_passport

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCHEMA = os.path.join(ROOT, "schema")
FIXTURES = os.path.join(ROOT, "tests", "upgrade")

# Columns a migration changes on purpose in rows that were there before it
# (every other value of an older row must come through unchanged):
# migration -> [(table, column)].
CHANGED_ON_PURPOSE = {
    6: [("stages", "flags")],   # stages that notify the customer get flag 16
}


def migrations():
    """[(version, path)] of schema/NNN_*.sql, in order."""
    out = []
    for p in sorted(glob.glob(os.path.join(SCHEMA, "*.sql"))):
        m = re.match(r"^(\d+)_", os.path.basename(p))
        if m:
            out.append((int(m.group(1)), p))
    return out


def tables(con):
    return [r[0] for r in con.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]


def build(path, upto):
    """A database at version upto, made as the installations of that time
    were: migration 1, its fixture rows, migration 2, its rows, ... Every
    table must then hold rows, or the test names the one that has none."""
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA foreign_keys=ON")
    for v, p in migrations():
        if v > upto:
            break
        with open(p) as f:
            con.executescript("BEGIN;" + f.read() + ";PRAGMA user_version = %d; COMMIT;" % v)
        fixture = os.path.join(FIXTURES, "%03d.sql" % v)
        if os.path.exists(fixture):
            with open(fixture) as f:
                con.executescript("BEGIN;" + f.read() + ";COMMIT;")
    for t in tables(con):
        n = con.execute('SELECT count(*) FROM "%s"' % t).fetchone()[0]
        assert n > 0, ("table %s has no rows in a database at version %d: add rows for it to "
                       "tests/upgrade/NNN.sql (NNN: the migration that creates it), so that "
                       "upgrades are tested with data in it" % (t, upto))
    bad = con.execute("PRAGMA foreign_key_check").fetchall()
    assert not bad, ("fixture rows at version %d break foreign keys" % upto, bad[:5])
    con.close()


def contents(path):
    """{table: (columns, rows)} of every table."""
    con = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    out = {}
    for t in tables(con):
        cur = con.execute('SELECT * FROM "%s"' % t)
        out[t] = ([d[0] for d in cur.description], cur.fetchall())
    con.close()
    return out


def installation():
    """A Server's directory and configuration, not initialised."""
    return Server()


def test_every_migration_from_every_earlier_version_keeps_every_row():
    ms = migrations()
    latest = ms[-1][0]
    assert [v for v, _ in ms] == list(range(1, latest + 1)), "migrations must be numbered 1..N"
    # The newest migration's tables need rows too: the next migration
    # will be tested from this version.
    s = installation()
    try:
        build(s.db_path, latest)
    finally:
        import shutil
        shutil.rmtree(s.dir, ignore_errors=True)
    for start, _ in ms[:-1]:
        s = installation()
        try:
            build(s.db_path, start)
            if os.geteuid() == 0:
                for f in glob.glob(s.db_path + "*"):
                    os.chown(f, s.user.pw_uid, s.user.pw_gid)
            before = contents(s.db_path)
            r = s.ctl("migrate")
            assert "from version %d to %d" % (start, latest) in r.stdout, r.stdout
            after = contents(s.db_path)
            con = sqlite3.connect(s.db_path)
            assert con.execute("PRAGMA user_version").fetchone()[0] == latest
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert con.execute("PRAGMA foreign_key_check").fetchall() == []
            changed = {(t, c) for v, pairs in CHANGED_ON_PURPOSE.items() if v > start
                       for t, c in pairs}
            for t, (cols, rows) in before.items():
                assert t in after, "version %d -> %d: table %s is gone" % (start, latest, t)
                new_cols = after[t][0]
                keep = [i for i, c in enumerate(cols) if c in new_cols and (t, c) not in changed]
                assert keep, (t, cols)
                assert len(after[t][1]) >= len(rows), \
                    "version %d -> %d: %s lost rows" % (start, latest, t)
                where = " AND ".join('"%s" IS ?' % cols[i] for i in keep)
                for row in rows:
                    n = con.execute('SELECT count(*) FROM "%s" WHERE %s' % (t, where),
                                    [row[i] for i in keep]).fetchone()[0]
                    assert n >= 1, "version %d -> %d: %s lost or changed the row %r" % (
                        start, latest, t, row)
            con.close()
            # The backup migrate took first holds the database as it was.
            bks = glob.glob(os.path.join(s.dir, "backups", "pre-migrate-%d-*" % start))
            assert len(bks) == 1, bks
            assert contents(os.path.join(bks[0], "hallmark.db")) == before
            if start == 1:
                # The way back the README gives when a migration fails works
                # from a database older than the shops' signing keys too.
                key = os.path.join(s.dir, "secret.key")
                with open(key, "w") as f:
                    f.write(os.urandom(32).hex() + "\n")
                os.chmod(key, 0o600)
                if os.geteuid() == 0:
                    os.chown(key, s.user.pw_uid, s.user.pw_gid)
                r = s.ctl("restore", bks[0], "--force", check=False)
                assert r.returncode == 0, r.stderr
                assert contents(s.db_path) == before
        finally:
            import shutil
            shutil.rmtree(s.dir, ignore_errors=True)


def test_migrate_twice_or_two_at_once_migrates_once():
    ms = migrations()
    latest = ms[-1][0]
    s = installation()
    try:
        build(s.db_path, 1)
        if os.geteuid() == 0:
            for f in glob.glob(s.db_path + "*"):
                os.chown(f, s.user.pw_uid, s.user.pw_gid)
        out = [None, None]
        gate = threading.Barrier(2)

        def run(i):
            gate.wait()
            out[i] = s.ctl("migrate", check=False)
        ts = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        assert [r.returncode for r in out] == [0, 0], [r.stderr for r in out]
        said = sorted(r.stdout for r in out)
        assert sum("from version 1 to %d" % latest in x for x in said) == 1, said
        assert sum("at version %d (current)" % latest in x for x in said) == 1, said
        assert len(glob.glob(os.path.join(s.dir, "backups", "pre-migrate-*"))) == 1
        # Once more: nothing to do, no new backup.
        r = s.ctl("migrate")
        assert "(current)" in r.stdout and "backup" not in r.stdout
        assert len(glob.glob(os.path.join(s.dir, "backups", "pre-migrate-*"))) == 1
        con = sqlite3.connect(s.db_path)
        assert con.execute("PRAGMA user_version").fetchone()[0] == latest
        con.close()
    finally:
        import shutil
        shutil.rmtree(s.dir, ignore_errors=True)


def test_a_cgi_meeting_another_schema_version_answers_503_and_says_what_to_run():
    latest = migrations()[-1][0]
    with StaffServer() as s:
        staff = Client(s)
        staff.login()
        job, tid = staff.book_in()
        _, uid = issue_passport(staff, title="Ring", is_public="1")
        pages = ["/track/" + tid, "/verify/" + uid, "/admin/jobs"]
        for path in pages:
            assert Client(s).get(path).status != 503
        for version, words in ((latest - 1, "run 'hallmarkctl migrate'"),
                               (latest + 1, "newer than this Hallmark")):
            s.sql("PRAGMA user_version = %d" % version)
            start = len(s.cgi_log())
            for path in pages:
                c = staff if path.startswith("/admin") else Client(s)
                r = c.get(path)
                assert r.status == 503, (version, path, r)
                assert r.header("Retry-After")
                assert tid not in r.text and "Ring" not in r.text
            log = s.cgi_log()[start:]
            lines = [l for l in log.splitlines() if "schema version %d" % version in l]
            assert len(lines) == len(pages), log
            for l in lines:
                assert words in l and "version %d" % latest in l, l
                assert tid not in l
        s.sql("PRAGMA user_version = %d" % latest)
        assert Client(s).get("/track/" + tid).status == 200


def test_a_failed_migration_says_which_and_leaves_the_database_as_it_was():
    from harness import Skip
    ms = migrations()
    latest, path = ms[-1]
    with open(path) as f:
        text = f.read()
    # Something in the way of it: the table it creates, or the column it adds.
    table = re.search(r"CREATE TABLE (\w+)", text)
    column = re.search(r"ALTER TABLE (\w+) ADD COLUMN (\w+)", text)
    dropped = re.search(r"DROP TRIGGER (\w+)", text)
    if table:
        obstacle = "CREATE TABLE %s (x INTEGER)" % table.group(1)
    elif column:
        obstacle = "ALTER TABLE %s ADD COLUMN %s TEXT" % column.groups()
    elif dropped:
        obstacle = "DROP TRIGGER %s" % dropped.group(1)     # already gone
    else:
        raise Skip("the newest migration neither creates a table, adds a column nor drops "
                   "a trigger to collide with")
    s = installation()
    try:
        build(s.db_path, latest - 1)
        # Something in the way of the newest migration, as a hand-made
        # change to the database would be.
        con = sqlite3.connect(s.db_path)
        con.execute(obstacle)
        con.commit()
        con.close()
        if os.geteuid() == 0:
            for f in glob.glob(s.db_path + "*"):
                os.chown(f, s.user.pw_uid, s.user.pw_gid)
        before = contents(s.db_path)
        r = s.ctl("migrate", check=False)
        assert r.returncode == 1
        assert "migration %d was not applied" % latest in r.stderr, r.stderr
        assert "stays at version %d" % (latest - 1) in r.stderr
        assert contents(s.db_path) == before
        con = sqlite3.connect(s.db_path)
        assert con.execute("PRAGMA user_version").fetchone()[0] == latest - 1
        con.close()
        bks = glob.glob(os.path.join(s.dir, "backups", "pre-migrate-%d-*" % (latest - 1)))
        assert len(bks) == 1 and contents(os.path.join(bks[0], "hallmark.db")) == before
    finally:
        import shutil
        shutil.rmtree(s.dir, ignore_errors=True)


def test_send_and_purge_before_migrate_refuse_with_one_line_saying_what_to_run():
    # After "make install" and before "hallmarkctl migrate", the timers
    # still run send and purge every minute: each must refuse with the
    # line the CGIs log, touch nothing, and exit non-zero.
    latest = migrations()[-1][0]
    with StaffServer(mail_transport="file", mail_dir="mail", mail_from="tracking@example.com") as s:
        staff = Client(s)
        staff.login()
        _, tid = staff.book_in(customer_email="ada@example.com", notify_channel="email")
        job, _ = staff.book_in(customer_name="Finished Long Ago")
        staff.move(job, "Completed")
        s.sql("UPDATE jobs SET closed_at = closed_at - 400 * 86400 WHERE id = ?", job)
        queued = s.sql("SELECT id, state FROM notifications ORDER BY id")
        assert queued and all(state == "queued" for _, state in queued)
        s.sql("PRAGMA user_version = %d" % (latest - 1))
        want = ("the database is at schema version %d, this Hallmark needs version %d: "
                "run 'hallmarkctl migrate'" % (latest - 1, latest))
        for cmd in ("send", "purge"):
            r = s.ctl(cmd, check=False)
            assert r.returncode != 0, (cmd, r.stdout, r.stderr)
            lines = r.stderr.strip().splitlines()
            assert len(lines) == 1 and want in lines[0], (cmd, r.stderr)
            assert "SQL" not in r.stderr and tid not in r.stdout + r.stderr
        assert s.sql("SELECT id, state FROM notifications ORDER BY id") == queued
        assert s.sql("SELECT count(*) FROM jobs")[0][0] == 2
        assert not os.path.exists(os.path.join(s.dir, "mail")) or not os.listdir(os.path.join(s.dir, "mail"))
        # Once migrated, both work again.
        s.sql("PRAGMA user_version = %d" % latest)
        assert "sent" in s.ctl("send").stdout
        assert "purged 1 job" in s.ctl("purge").stdout
