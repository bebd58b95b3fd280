#!/usr/bin/env python3
"""make valgrind: every unit-test binary, then a sample of CGI requests run
directly as CGIs (environment and stdin set here, no web server), each under
valgrind's memcheck. DESIGN.md, Memory: the suite runs clean under valgrind.

    python3 tests/valgrind/run.py --cgi-bin DIR UNIT_TEST...

DIR holds the CGIs and hallmarkctl. `make valgrind` builds them dynamically
linked for this: valgrind replaces malloc only through the dynamic loader, so
in a static binary it would see no heap at all (no leaks, no overruns).
The installation is made as an operator does (hallmarkctl init, shop add,
demo, user add) in a temporary directory; the CGIs run as the CGI user, as
they refuse to run as root. One sign-in only: Argon2id's 64 MiB is slow
under valgrind. Exits non-zero when any run has a memcheck error or a
definite leak, or a request did not answer as expected.
"""

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "http"))
from harness import STAFF_PASSWORD, as_web_user, cgi_user_settings, web_user  # noqa: E402

BASE = "http://127.0.0.1:8080"
VALGRIND = ["valgrind", "--error-exitcode=1", "--leak-check=full",
            "--errors-for-leak-kinds=definite", "--num-callers=40"]
SUPPRESSIONS = sorted(glob.glob(os.path.join(ROOT, "tests", "valgrind", "*.supp")))


class Failed(Exception):
    pass


def first_error(log):
    """The first error record of a memcheck log: a CI log keeps only the
    tail of what a failure prints, and this is the record that tells where."""
    for rec in re.split(r"^==\d+== \n", log, flags=re.M):
        if re.search(r"definitely lost in loss record|^==\d+== (Invalid|Conditional|Use of|Syscall|Mismatched)",
                     rec, re.M):
            return rec
    return "(none in the log)"


class Runner:
    def __init__(self, logdir, user):
        self.logdir = logdir
        self.user = user
        self.passed = 0
        self.failed = []
        self.n = 0

    def valgrind(self, label, argv, env=None, stdin=b"", as_user=False):
        """Runs argv under memcheck; returns (stdout bytes, valgrind log) or
        raises Failed with the log."""
        self.n += 1
        log = os.path.join(self.logdir, "vg-%03d.log" % self.n)
        cmd = VALGRIND + ["--log-file=" + log] + ["--suppressions=" + s for s in SUPPRESSIONS]
        kw = as_web_user(self.user) if as_user else {}
        t0 = time.time()
        r = subprocess.run(cmd + argv, input=stdin, env=env, capture_output=True,
                           timeout=600, **kw)
        took = time.time() - t0
        with open(log, errors="replace") as f:
            text = f.read()
        errors = re.search(r"ERROR SUMMARY: (\d+) errors", text)
        bad = r.returncode != 0 or not errors or errors.group(1) != "0"
        print("%s %-58s %5.1fs" % ("FAIL" if bad else "ok  ", label, took), flush=True)
        if bad:
            self.failed.append(label)
            raise Failed("%s: exit %d\n%s\n--- stderr ---\n%s\n--- first error ---\n%s" % (
                label, r.returncode, text, r.stderr.decode(errors="replace")[-3000:],
                first_error(text)))
        self.passed += 1
        return r.stdout, r.stderr.decode(errors="replace")


class Response:
    def __init__(self, raw):
        head, _, self.body = raw.partition(b"\r\n\r\n")
        if not _:
            head, _, self.body = raw.partition(b"\n\n")
        self.headers = []
        for line in head.decode("latin-1").splitlines():
            k, _, v = line.partition(":")
            self.headers.append((k.strip().lower(), v.strip()))
        status = self.header("status") or "200"
        self.status = int(status.split()[0])
        self.text = self.body.decode("utf-8", errors="replace")

    def header(self, name):
        return next((v for k, v in self.headers if k == name), None)

    def cookies(self):
        out = {}
        for k, v in self.headers:
            if k == "set-cookie":
                name, _, rest = v.partition("=")
                out[name] = rest.split(";", 1)[0]
        return out


class Site:
    """An installation in a temporary directory, and a browser's state."""

    def __init__(self, runner, cgi_bin, tmp):
        self.runner = runner
        self.user = runner.user
        self.dir = tmp
        self.bin = os.path.join(tmp, "bin")
        os.makedirs(self.bin)
        for f in glob.glob(os.path.join(cgi_bin, "*.cgi")) + [os.path.join(cgi_bin, "hallmarkctl")]:
            shutil.copy(f, self.bin)
        shutil.copytree(os.path.join(ROOT, "templates"), os.path.join(tmp, "templates"))
        self.conf = os.path.join(tmp, "hallmark.conf")
        conf = {
            "database": os.path.join(tmp, "hallmark.db"),
            "media_dir": os.path.join(tmp, "media"),
            "secret_key_file": os.path.join(tmp, "secret.key"),
            "templates_dir": os.path.join(tmp, "templates"),
            "base_url": BASE,
            "default_timezone": "Europe/London",
        }
        conf.update(cgi_user_settings(self.user))
        with open(self.conf, "w") as f:
            f.writelines("%s = %s\n" % kv for kv in conf.items())
        for top, dirs, files in os.walk(tmp):
            os.chmod(top, 0o755)
            for f in files:
                os.chmod(os.path.join(top, f), 0o755 if top == self.bin else 0o644)
            if os.geteuid() == 0:
                os.chown(top, self.user.pw_uid, self.user.pw_gid)
        self.cookies = {}
        self.last = None

    def ctl(self, *args, stdin=None):
        r = subprocess.run([os.path.join(self.bin, "hallmarkctl")] + list(args), input=stdin,
                           env=dict(os.environ, HALLMARK_CONFIG=self.conf), text=True,
                           capture_output=True, timeout=120, cwd=self.dir,
                           **as_web_user(self.user))
        if r.returncode != 0:
            raise Failed("hallmarkctl %s: %s" % (" ".join(args), r.stderr))
        return r.stdout

    def vctl(self, *args):
        """hallmarkctl itself under memcheck: backup, export and the like."""
        self.runner.valgrind("hallmarkctl " + " ".join(args[:2]),
                             [os.path.join(self.bin, "hallmarkctl")] + list(args),
                             env=dict(os.environ, HALLMARK_CONFIG=self.conf), as_user=True)

    def request(self, cgi, method, path_info, query="", form=None, expect=200, label=None):
        """One CGI run: what a web server would set for the request."""
        body = urllib.parse.urlencode(form).encode() if form is not None else b""
        env = {
            "PATH": "/usr/bin:/bin",
            "GATEWAY_INTERFACE": "CGI/1.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "SERVER_SOFTWARE": "valgrind-runner",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8080",
            "REQUEST_METHOD": method,
            "SCRIPT_NAME": "/" + cgi,
            "PATH_INFO": path_info,
            "QUERY_STRING": query,
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1:8080",
            "HALLMARK_CONFIG": self.conf,
        }
        if self.cookies:
            env["HTTP_COOKIE"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        if form is not None:
            env["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
            env["CONTENT_LENGTH"] = str(len(body))
            env["HTTP_ORIGIN"] = BASE
        url = path_info + ("?" + query if query else "")
        label = label or "%s %s %s" % (method, cgi, url)
        out, err = self.runner.valgrind(label, [os.path.join(self.bin, cgi + ".cgi")], env=env,
                                        stdin=body, as_user=True)
        r = Response(out)
        if r.status != expect:
            raise Failed("%s: status %d, expected %d\n%s\n%s" % (label, r.status, expect,
                                                                 err[-2000:], r.text[:2000]))
        for k, v in r.cookies().items():
            if v:
                self.cookies[k] = v
            else:
                self.cookies.pop(k, None)
        self.last = r
        return r

    def token(self, name):
        m = re.search(r'name="%s" value="([^"]+)"' % name, self.last.text)
        if not m:
            raise Failed("no %s token on the last page" % name)
        return m.group(1)

    def find(self, pattern):
        m = re.search(pattern, self.last.text)
        if not m:
            raise Failed("%r not on the last page" % pattern)
        return m.group(1)


def run_units(runner, units):
    for u in units:
        try:
            runner.valgrind("unit " + os.path.basename(u), [os.path.abspath(u)])
        except Failed as e:
            print(e, file=sys.stderr)


def run_cgis(runner, cgi_bin):
    tmp = tempfile.mkdtemp(prefix="hallmark-valgrind-")
    try:
        s = Site(runner, cgi_bin, tmp)
        s.ctl("init")
        s.ctl("shop", "add", "shop", "Test Jewellers", "Europe/London")
        s.ctl("demo", BASE)
        s.ctl("user", "add", "demo", "staff", "Sam Staff", stdin=STAFF_PASSWORD + "\n")

        # Staff: sign in through the form, book a job in, find a passport.
        s.request("admin", "GET", "/login")
        s.request("admin", "POST", "/login", expect=303, form={
            "username": "staff", "password": STAFF_PASSWORD,
            "csrf": s.token("csrf"), "fk": s.token("fk")})
        if "hm_session" not in s.cookies:
            raise Failed("signing in set no session cookie")
        s.request("admin", "GET", "/jobs")
        s.request("admin", "GET", "/jobs/new")
        r = s.request("admin", "POST", "/jobs/new", expect=303, form={
            # Arabic too: pango's shaping and bidirectional paths on the slip.
            "customer_name": "Ada Lovelace", "item_type": "Ring — خاتم ذهب",
            "problem": "Resize to N",
            "workflow": s.find(r'name="workflow" value="(\d+)" checked'),
            "csrf": s.token("csrf"), "fk": s.token("fk")})
        loc = urllib.parse.urlsplit(r.header("location"))
        job = loc.path.rsplit("/", 1)[1]
        s.request("admin", "GET", "/jobs/" + job, query=loc.query)
        tid = s.find(r'/track/([A-Z0-9-]+)"')
        s.request("admin", "POST", "/jobs/%s/stage" % job, expect=303, form={
            "stage": s.find(r'<option value="(\d+)"[^>]*>\s*Assessed'), "note": "Looked at it",
            "csrf": s.token("csrf"), "fk": s.token("fk")})
        s.request("admin", "GET", "/jobs", query="q=Lovelace&sort=due")
        s.request("admin", "GET", "/users")
        s.request("admin", "GET", "/audit")
        s.request("admin", "GET", "/passports")
        passport = s.find(r'href="/admin/passports/(\d+)"')
        s.request("admin", "GET", "/passports/" + passport)
        uid = s.find(r"/verify/([0-9a-f-]{36})")
        r = s.request("print", "GET", "/%s/qr.png" % passport)
        if not r.body.startswith(b"\x89PNG") or r.header("content-type") != "image/png":
            raise Failed("the QR code is not a PNG")
        r = s.request("print", "GET", "/%s/certificate.pdf" % passport)
        if r.header("content-type") != "application/pdf":
            raise Failed("the certificate is not a PDF")
        # A job's printed documents: pango, cairo, fonts and the wrapping code.
        for doc, ctype in (("slip.pdf", "application/pdf"), ("tag.pdf", "application/pdf"),
                           ("qr.png", "image/png")):
            r = s.request("print", "GET", "/job/%s/%s" % (job, doc))
            if r.header("content-type") != ctype:
                raise Failed("the job's %s is not %s" % (doc, ctype))

        # The customer: no staff cookies.
        s.cookies = {}
        s.request("track", "GET", "", query="id=" + urllib.parse.quote(tid.lower()), expect=303)
        s.request("track", "GET", "")
        s.request("order", "GET", "/" + tid)
        s.request("order", "POST", "/%s/messages" % tid, expect=303, form={
            "body": "Could it be ready by Friday?\nThanks", "website": "", "fk": s.token("fk")})
        r = s.request("order", "GET", "/%s/messages.json" % tid)
        if "ready by Friday" not in r.text:
            raise Failed("the message is not in messages.json")
        s.request("order", "GET", "/RPR-0000-0000-0000-0000", expect=404)
        s.request("verify", "GET", "")
        s.request("verify", "GET", "/" + uid)
        s.request("verify", "GET", "/%s.json" % uid)
        s.request("verify", "GET", "/key/demo")
        s.request("media", "GET", "/0123456789abcdef0123456789abcdef-d.jpg",
                  query="e=1&s=AAAA", expect=404)
        # The operator's commands that read and write files of their own.
        out = os.path.join(tmp, "out")
        os.mkdir(out)
        os.chmod(out, 0o777)     # written by hallmarkctl as the CGI user
        s.vctl("export", "demo", "--format", "json", "--out", out)
        s.vctl("export", "demo", "--format", "csv", "--out", out)
        s.vctl("backup", os.path.join(out, "backup"))
        s.vctl("shop", "list")
    except Failed as e:
        print(e, file=sys.stderr)
        if not runner.failed:
            runner.failed.append("requests")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cgi-bin", required=True)
    ap.add_argument("units", nargs="*")
    a = ap.parse_args()
    if not shutil.which("valgrind"):
        print("valgrind: not installed (make valgrind installs it)", file=sys.stderr)
        return 2
    logdir = tempfile.mkdtemp(prefix="hallmark-vglog-")
    os.chmod(logdir, 0o777)     # the CGIs' valgrind writes its log as the CGI user
    runner = Runner(logdir, web_user())
    try:
        run_units(runner, a.units)
        run_cgis(runner, os.path.abspath(a.cgi_bin))
    finally:
        shutil.rmtree(logdir, ignore_errors=True)
    print("valgrind: %d passed, %d failed%s" % (
        runner.passed, len(runner.failed),
        (": " + ", ".join(runner.failed)) if runner.failed else ""))
    return 1 if runner.failed else 0


if __name__ == "__main__":
    sys.exit(main())
