"""Upgrades (issue 12): a CGI meeting a database of another schema
version answers 503 and says in the log what to run."""

import glob
import os
import re

from harness import Client, StaffServer, issue_passport

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCHEMA = os.path.join(ROOT, "schema")


def migrations():
    """[(version, path)] of schema/NNN_*.sql, in order."""
    out = []
    for p in sorted(glob.glob(os.path.join(SCHEMA, "*.sql"))):
        m = re.match(r"^(\d+)_", os.path.basename(p))
        if m:
            out.append((int(m.group(1)), p))
    return out


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
