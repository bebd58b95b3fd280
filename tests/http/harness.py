"""HTTP test harness: a fresh Hallmark installation served by lighttpd on a
free loopback port, and a small client that behaves like a browser (cookies,
forms, no automatic redirects). Python standard library only."""

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CGI_BIN = os.environ.get("HALLMARK_CGI_BIN", os.path.join(ROOT, "cgi-bin"))
CTL = os.path.join(CGI_BIN, "hallmarkctl")

STAFF_PASSWORD = "correct horse battery"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One installation: database, key, config, lighttpd. Use as a context
    manager; settings override hallmark.conf keys."""

    def __init__(self, **settings):
        self.dir = tempfile.mkdtemp(prefix="hallmark-test-")
        self.port = free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        self.conf = os.path.join(self.dir, "hallmark.conf")
        conf = {
            "database": os.path.join(self.dir, "hallmark.db"),
            "media_dir": os.path.join(self.dir, "media"),
            "secret_key_file": os.path.join(self.dir, "secret.key"),
            "templates_dir": os.path.join(ROOT, "templates"),
            "base_url": self.base,
            "default_timezone": "Europe/London",
            "ratelimit_window": "600",
            "ratelimit_lookups": "1000",
            "ratelimit_login": "1000",
        }
        conf.update({k: str(v) for k, v in settings.items()})
        with open(self.conf, "w") as f:
            for k, v in conf.items():
                f.write("%s = %s\n" % (k, v))
        self.db_path = conf["database"]
        self.proc = None

    def ctl(self, *args, stdin=None, check=True):
        env = dict(os.environ, HALLMARK_CONFIG=self.conf)
        r = subprocess.run([CTL] + list(args), input=stdin, env=env, text=True,
                           capture_output=True, timeout=60)
        if check and r.returncode != 0:
            raise AssertionError("hallmarkctl %s failed: %s" % (" ".join(args), r.stderr))
        return r

    def __enter__(self):
        self.ctl("init")
        conf = subprocess.run(
            ["sh", os.path.join(ROOT, "src/scripts/lighttpd-conf.sh"), ROOT, CGI_BIN,
             self.conf, self.dir, str(self.port)], capture_output=True, text=True, check=True)
        lconf = os.path.join(self.dir, "lighttpd.conf")
        with open(lconf, "w") as f:
            f.write(conf.stdout)
        self.proc = subprocess.Popen(["lighttpd", "-D", "-f", lconf],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                if self.proc.poll() is not None:
                    raise AssertionError("lighttpd exited: %s" % self.proc.stderr.read())
                time.sleep(0.05)
        raise AssertionError("lighttpd did not start")

    def __exit__(self, *exc):
        if self.proc:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        problems = self.sanitizer_reports()
        shutil.rmtree(self.dir, ignore_errors=True)
        if problems and not exc[0]:
            raise AssertionError("sanitizer reports in the CGI log:\n" + problems)
        return False

    def cgi_log(self):
        try:
            with open(os.path.join(self.dir, "cgi.log"), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def sanitizer_reports(self):
        log = self.cgi_log()
        hits = [l for l in log.splitlines()
                if "AddressSanitizer" in l or "LeakSanitizer" in l or "runtime error:" in l]
        return "\n".join(hits[:20])

    def add_shop(self, slug="shop", name="Test Jewellers", tz="Europe/London"):
        self.ctl("shop", "add", slug, name, tz)

    def add_user(self, shop="shop", username="staff", password=STAFF_PASSWORD, name="Sam Staff"):
        self.ctl("user", "add", shop, username, name, stdin=password + "\n")

    def sql(self, query, *params):
        """Reads or writes the database directly, as an attacker with file
        access or a test checking what was stored would."""
        import sqlite3
        con = sqlite3.connect(self.db_path, timeout=5)
        try:
            cur = con.execute(query, params)
            rows = cur.fetchall()
            con.commit()
            return rows
        finally:
            con.close()


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers          # list of (name, value)
        self.body = body                # bytes
        self.text = body.decode("utf-8", errors="replace")

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def headers_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def __repr__(self):
        return "<Response %d %s>" % (self.status, self.text[:200])


class Client:
    """A browser-like client: keeps cookies, sends Origin on POST like
    browsers do, never follows redirects by itself."""

    def __init__(self, server, origin=True):
        self.server = server
        self.cookies = {}
        self.origin = origin
        self.last = None
        self.token = None       # the CSRF token of the newest page that had one

    def request(self, method, path, body=None, headers=None, raw_headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        h = {}
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        if headers:
            h.update(headers)
        conn.putrequest(method, path, skip_accept_encoding=True)
        for k, v in h.items():
            conn.putheader(k, v)
        if raw_headers:
            for k, v in raw_headers:
                conn.putheader(k, v)
        if body is not None and "Content-Length" not in h:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders()
        if body is not None:
            conn.send(body)
        r = conn.getresponse()
        data = r.read()
        resp = Response(r.status, r.getheaders(), data)
        conn.close()
        for v in resp.headers_all("Set-Cookie"):
            name, _, rest = v.partition("=")
            value = rest.split(";", 1)[0]
            if "Max-Age=0" in v or value == "":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        self.last = resp
        m = re.search(r'name="csrf" value="([^"]+)"', resp.text)
        if m:
            self.token = m.group(1)
        return resp

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, form, csrf=True, headers=None, **kw):
        form = dict(form)
        if csrf is True:
            form.setdefault("csrf", self.csrf())
        elif csrf:
            form["csrf"] = csrf
        h = {"Content-Type": "application/x-www-form-urlencoded"}
        if self.origin:
            h["Origin"] = self.server.base
        if headers:
            h.update(headers)
        body = urllib.parse.urlencode(form).encode()
        return self.request("POST", path, body=body, headers=h, **kw)

    def csrf(self):
        if not self.token:
            raise AssertionError("no page with a CSRF token seen yet")
        return self.token

    def login(self, username="staff", password=STAFF_PASSWORD):
        self.get("/admin/login")
        r = self.post("/admin/login", {"username": username, "password": password})
        if r.status != 303:
            raise AssertionError("login failed: %r" % r)
        return r

    def book_in(self, **fields):
        """Books a repair in through the form; returns (job id, tracking ID)."""
        self.get("/admin/jobs/new")
        form = {"customer_name": "Ada Lovelace", "item_type": "Ring"}
        m = re.search(r'name="workflow" value="(\d+)" checked', self.last.text)
        form["workflow"] = m.group(1)
        form.update(fields)
        r = self.post("/admin/jobs/new", form)
        if r.status != 303:
            raise AssertionError("book-in failed: %r" % r)
        job = int(r.header("Location").rsplit("/", 1)[1])
        page = self.get("/admin/jobs/%d" % job)
        tid = re.search(r'/track/([A-Z0-9-]+)"', page.text).group(1)
        return job, tid

    def stage_id(self, job, label):
        page = self.get("/admin/jobs/%d" % job)
        m = re.search(r'<option value="(\d+)"[^>]*>%s(?: \(current\))?</option>' % re.escape(label), page.text)
        if not m:
            raise AssertionError("no stage %r on the job page" % label)
        return m.group(1)

    def move(self, job, label, note="", public=False):
        sid = self.stage_id(job, label)
        form = {"stage": sid, "note": note}
        if public:
            form["note_public"] = "1"
        r = self.post("/admin/jobs/%d/stage" % job, form)
        if r.status != 303:
            raise AssertionError("stage move failed: %r" % r)
        return r


def visible_text(html):
    """The page's text as a person reads it: tags dropped, entities decoded."""
    import html as h
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return re.sub(r"\s+", " ", h.unescape(re.sub(r"<[^>]+>", " ", html))).strip()
