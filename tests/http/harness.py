"""HTTP test harness: a fresh Hallmark installation served by lighttpd on a
free loopback port, and a small client that behaves like a browser (cookies,
forms, no automatic redirects). Python standard library only."""

import atexit
import glob
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

STAFF_PASSWORD = "correct horse battery"


def web_user():
    """The pwd entry the web server and the CGIs run as: ourselves, or
    www-data (else nobody) when we are root, as in production."""
    import pwd
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid())
    for name in ("www-data", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            pass
    raise AssertionError("no www-data or nobody user to run the CGIs as")


def as_web_user(user):
    """subprocess arguments that run a command as USER (when we are root)."""
    if os.geteuid() != 0:
        return {}
    return dict(user=user.pw_uid, group=user.pw_gid, extra_groups=[])


def cgi_user_settings(user):
    """cgi_user = USER for a hallmark.conf, once the C code knows the key
    (until then an unknown key is an error)."""
    try:
        with open(os.path.join(ROOT, "src", "lib", "config.c")) as f:
            known = "cgi_user" in f.read()
    except FileNotFoundError:
        known = False
    return {"cgi_user": user.pw_name} if known else {}


_web_root = None


def web_root():
    """What the web server and the CGIs need from the checkout (the CGIs,
    hallmarkctl, templates/, static/, conf/), copied once per test run into a
    directory the web server's user can reach: the checkout itself may be
    somewhere it cannot, such as under /root. Returns that directory."""
    global _web_root
    if _web_root:
        return _web_root
    d = tempfile.mkdtemp(prefix="hallmark-web-")
    atexit.register(shutil.rmtree, d, True)
    os.makedirs(os.path.join(d, "cgi-bin"))
    os.makedirs(os.path.join(d, "bin"))
    for f in sorted(glob.glob(os.path.join(CGI_BIN, "*.cgi"))):
        shutil.copy(f, os.path.join(d, "cgi-bin"))
    shutil.copy(os.path.join(CGI_BIN, "hallmarkctl"), os.path.join(d, "bin"))
    for sub in ("templates", "static", "conf"):
        shutil.copytree(os.path.join(ROOT, sub), os.path.join(d, sub))
    for top, dirs, files in os.walk(d):
        os.chmod(top, 0o755)
        for f in files:
            path = os.path.join(top, f)
            os.chmod(path, 0o755 if top.endswith(("cgi-bin", "bin")) else 0o644)
    _web_root = d
    return d


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_session(proc):
    """Stops a web server started in its own session and waits for every
    CGI it started: a sanitizer build reports leaks as a CGI exits, after
    the answer has gone out, and the report must be in the log before the
    log is read."""
    pgid = proc.pid
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
    deadline = time.time() + 5
    while True:
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            break
        if time.time() > deadline:
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            break
        time.sleep(0.05)
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    if proc.stderr:
        proc.stderr.close()


class PortTaken(Exception):
    pass


class Skip(Exception):
    """Raised by a test that cannot run here yet, with the reason; run.py
    counts it as skipped, not passed, and prints the reason."""


class Server:
    """One installation: database, key, config, lighttpd. Use as a context
    manager; settings override hallmark.conf keys."""

    def __init__(self, **settings):
        # lighttpd and the CGIs run as the web server's user (www-data when
        # the tests run as root), which owns this directory and everything
        # the installation writes in it, and runs every hallmarkctl too.
        self.user = web_user()
        self.web = web_root()
        self.cgi_bin = os.path.join(self.web, "cgi-bin")
        self.ctl_path = os.path.join(self.web, "bin", "hallmarkctl")
        self.dir = tempfile.mkdtemp(prefix="hallmark-test-")
        if os.geteuid() == 0:
            os.chown(self.dir, self.user.pw_uid, self.user.pw_gid)
        self.port = free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        self.conf = os.path.join(self.dir, "hallmark.conf")
        conf = {
            "database": os.path.join(self.dir, "hallmark.db"),
            "media_dir": os.path.join(self.dir, "media"),
            "secret_key_file": os.path.join(self.dir, "secret.key"),
            "templates_dir": os.path.join(self.web, "templates"),
            "base_url": self.base,
            "default_timezone": "Europe/London",
            "ratelimit_window": "600",
            "ratelimit_lookups": "1000",
            "ratelimit_login": "1000",
        }
        conf.update(cgi_user_settings(self.user))
        conf.update({k: str(v) for k, v in settings.items()})
        with open(self.conf, "w") as f:
            for k, v in conf.items():
                f.write("%s = %s\n" % (k, v))
        self.db_path = conf["database"]
        self.proc = None

    def ctl(self, *args, stdin=None, check=True):
        """hallmarkctl, as the web server's user, like an operator runs it."""
        env = dict(os.environ, HALLMARK_CONFIG=self.conf)
        r = subprocess.run([self.ctl_path] + list(args), input=stdin, env=env, text=True,
                           capture_output=True, timeout=60, cwd=self.dir,
                           **as_web_user(self.user))
        if check and r.returncode != 0:
            raise AssertionError("hallmarkctl %s failed: %s" % (" ".join(args), r.stderr))
        return r

    def __enter__(self):
        self.ctl("init")
        # The port was free when chosen; another process may take it before
        # lighttpd binds. Then choose again.
        for attempt in range(5):
            try:
                return self._start()
            except PortTaken:
                old = self.base
                self.port = free_port()
                self.base = "http://127.0.0.1:%d" % self.port
                with open(self.conf) as f:
                    text = f.read()
                with open(self.conf, "w") as f:
                    f.write(text.replace(old, self.base))
        raise AssertionError("no free port for lighttpd")

    def _start(self):
        import grp
        conf = subprocess.run(
            ["sh", os.path.join(ROOT, "src/scripts/lighttpd-conf.sh"), self.web, self.cgi_bin,
             self.conf, self.dir, str(self.port), "127.0.0.1", self.user.pw_name,
             grp.getgrgid(self.user.pw_gid).gr_name],
            capture_output=True, text=True, check=True)
        lconf = os.path.join(self.dir, "lighttpd.conf")
        with open(lconf, "w") as f:
            f.write(conf.stdout)
        # Its own session, so the CGIs it starts can be waited for.
        self.proc = subprocess.Popen(["lighttpd", "-D", "-f", lconf],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     start_new_session=True)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                if self.proc.poll() is not None:
                    err = self.proc.stderr.read().decode(errors="replace")
                    self.proc = None
                    if "Address already in use" in err:
                        raise PortTaken()
                    raise AssertionError("lighttpd exited: %s" % err)
                time.sleep(0.05)
        raise AssertionError("lighttpd did not start")

    def __exit__(self, *exc):
        if self.proc:
            stop_session(self.proc)
            self.proc = None
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

    def put_media(self, name, data):
        """Writes a file into media_dir as upload.cgi would: the web
        server's user owns it."""
        path = os.path.join(self.dir, "media", name)
        with open(path, "wb") as f:
            f.write(data)
        if os.geteuid() == 0:
            os.chown(path, self.user.pw_uid, self.user.pw_gid)
        return path

    def sql(self, query, *params):
        """Reads or writes the database directly, as an attacker with file
        access or a test checking what was stored would. The database and
        its -wal and -shm files stay the web server's user's: SQLite running
        as root gives the files it creates the database's owner, and any it
        did not are given back."""
        import sqlite3
        con = sqlite3.connect(self.db_path, timeout=5)
        try:
            cur = con.execute(query, params)
            rows = cur.fetchall()
            con.commit()
            return rows
        finally:
            con.close()
            if os.geteuid() == 0:
                for suffix in ("", "-wal", "-shm", "-journal"):
                    try:
                        st = os.stat(self.db_path + suffix)
                    except FileNotFoundError:
                        continue
                    if st.st_uid != self.user.pw_uid:
                        os.chown(self.db_path + suffix, self.user.pw_uid, self.user.pw_gid)


class StaffServer(Server):
    """A server whose installation has a shop ("shop") and a staff user."""

    def __enter__(self):
        super().__enter__()
        self.add_shop()
        self.add_user()
        return self


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

    def __init__(self, server, origin=True, source="127.0.0.1"):
        self.server = server
        self.source = source    # another loopback address is another client IP
        self.cookies = {}
        self.origin = origin
        self.last = None
        self.token = None       # the CSRF token of the newest page that had one
        self.fk = None          # the form token of the newest page that had one

    def request(self, method, path, body=None, headers=None, raw_headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30,
                                          source_address=(self.source, 0))
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
        m = re.search(r'name="fk" value="([^"]+)"', resp.text)
        if m:
            self.fk = m.group(1)
        return resp

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, form, csrf=True, headers=None, fk=None, **kw):
        """fk: the form token to send (True: the newest page's), as a
        browser sends the one of the page the form is on; None sends none."""
        form = dict(form)
        if csrf is True:
            form.setdefault("csrf", self.csrf())
        elif csrf:
            form["csrf"] = csrf
        if fk is True:
            form["fk"] = self.fk
        elif fk:
            form["fk"] = fk
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
        job = int(r.header("Location").split("?")[0].rsplit("/", 1)[1])
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


UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"


def issue_passport(c, **fields):
    """Issues a passport through the staff form; returns (id, public UID)."""
    c.get("/admin/passports/new")
    r = c.post("/admin/passports/new", fields)
    if r.status != 303:
        raise AssertionError("passport not issued: %r" % r)
    pid = int(r.header("Location").rsplit("/", 1)[1])
    page = c.get("/admin/passports/%d" % pid)
    uid = re.search(r"/verify/(%s)" % UUID, page.text).group(1)
    return pid, uid


def visible_text(html):
    """The page's text as a person reads it: tags dropped, entities decoded."""
    import html as h
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return re.sub(r"\s+", " ", h.unescape(re.sub(r"<[^>]+>", " ", html))).strip()


# --- An installed Hallmark served by Apache (tests/http/test_deploy.py) -----

INSTALL_SH = os.path.join(ROOT, "src", "scripts", "install.sh")
APACHE_CONF_SH = os.path.join(ROOT, "src", "scripts", "apache-conf.sh")
APACHE_MODULES = os.environ.get("HALLMARK_APACHE_MODULES", "/usr/lib/apache2/modules")


def run_install(destdir, prefix, sysconf, statedir, out=None, lighttpd_confdir=None,
                apache_confdir=None, systemd_unitdir=None, nginx_confdir=None,
                fcgiwrap_socket=None):
    """Runs src/scripts/install.sh with the arguments `make install` passes;
    returns the CompletedProcess whatever its status. Without a DESTDIR the
    web servers' configuration directories and systemd's unit directory must
    be given: a test never writes into the machine's own /etc."""
    if not destdir and not (lighttpd_confdir and apache_confdir and systemd_unitdir
                            and nginx_confdir):
        raise AssertionError("run_install without DESTDIR needs the web servers' conf dirs "
                             "and a systemd unit dir")
    env = dict(os.environ, LIGHTTPD_CONFDIR=lighttpd_confdir or "/etc/lighttpd",
               APACHE_CONFDIR=apache_confdir or "/etc/apache2",
               NGINX_CONFDIR=nginx_confdir or "/etc/nginx",
               SYSTEMD_UNITDIR=systemd_unitdir or "/etc/systemd/system")
    if fcgiwrap_socket:
        env["FCGIWRAP_SOCKET"] = fcgiwrap_socket
    else:
        env.pop("FCGIWRAP_SOCKET", None)
    env.pop("CGI_USER", None)
    return subprocess.run(["sh", INSTALL_SH, destdir, prefix, sysconf, statedir, out or CGI_BIN],
                          capture_output=True, text=True, timeout=60, env=env)


class Installation:
    """`make install` into a fresh directory holding PREFIX, SYSCONF and
    STATEDIR (no DESTDIR, so the hallmark.conf it writes is the live one),
    then what the operator does next: edit hallmark.conf (base_url for a port
    reserved here, plus any settings), give STATEDIR to the web server's user
    and, as that user, `hallmarkctl init`. Use as a context manager.

    web_etc names Debian web servers ("lighttpd", "apache2", "nginx") whose
    /etc directory is copied, before the install, to etc/ here: install.sh
    then puts Hallmark's part in the copy's conf-available/ (nginx's
    snippets/) as it would in /etc. nginx's part passes the CGIs to a private
    fcgiwrap socket, fcgiwrap_socket, in run/ here."""

    def __init__(self, web_etc=(), **settings):
        self.web_etc = tuple(web_etc)
        self.dir = tempfile.mkdtemp(prefix="hallmark-install-")
        os.chmod(self.dir, 0o755)       # the web server's user walks through it
        self.prefix = os.path.join(self.dir, "usr", "local")
        self.sysconf = os.path.join(self.dir, "etc", "hallmark")
        self.statedir = os.path.join(self.dir, "var", "lib", "hallmark")
        self.conf = os.path.join(self.sysconf, "hallmark.conf")
        self.share = os.path.join(self.prefix, "share", "hallmark")
        self.cgi_bin = os.path.join(self.prefix, "lib", "hallmark", "cgi-bin")
        self.ctl_path = os.path.join(self.prefix, "bin", "hallmarkctl")
        self.user = web_user()
        self.port = free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        self.settings = dict(base_url=self.base, **cgi_user_settings(self.user))
        self.settings.update(settings)
        self.etc = os.path.join(self.dir, "etc")
        self.fcgiwrap_socket = os.path.join(self.dir, "run", "fcgiwrap.socket")
        self.install_output = None

    def __enter__(self):
        try:
            for name in self.web_etc:
                shutil.copytree(os.path.join("/etc", name), os.path.join(self.etc, name),
                                symlinks=True)
            r = run_install("", self.prefix, self.sysconf, self.statedir,
                            lighttpd_confdir=os.path.join(self.etc, "lighttpd"),
                            apache_confdir=os.path.join(self.etc, "apache2"),
                            nginx_confdir=os.path.join(self.etc, "nginx"),
                            systemd_unitdir=os.path.join(self.etc, "systemd", "system"),
                            fcgiwrap_socket=self.fcgiwrap_socket)
            if r.returncode != 0:
                raise AssertionError("install.sh failed: %s%s" % (r.stdout, r.stderr))
            self.install_output = r.stdout + r.stderr
            self.configure(**self.settings)
            if os.geteuid() == 0:
                os.chown(self.statedir, self.user.pw_uid, self.user.pw_gid)
            self.ctl("init")
        except BaseException:
            shutil.rmtree(self.dir, ignore_errors=True)
            raise
        return self

    def __exit__(self, *exc):
        shutil.rmtree(self.dir, ignore_errors=True)
        return False

    def configure(self, **settings):
        """Sets keys in the installed hallmark.conf as an operator's editor
        would: the existing line replaced, else one added."""
        with open(self.conf) as f:
            lines = f.read().splitlines()
        for key, value in settings.items():
            line = "%s = %s" % (key, value)
            for i, old in enumerate(lines):
                if re.match(r"#?\s*%s\s*=" % re.escape(key), old):
                    lines[i] = line
                    break
            else:
                lines.append(line)
        with open(self.conf, "w") as f:
            f.write("\n".join(lines) + "\n")

    def ctl(self, *args, stdin=None, check=True):
        """The installed hallmarkctl, run as the web server's user."""
        r = subprocess.run([self.ctl_path, "-c", self.conf] + list(args), input=stdin,
                           text=True, capture_output=True, timeout=60, cwd=self.dir,
                           **as_web_user(self.user))
        if check and r.returncode != 0:
            raise AssertionError("hallmarkctl %s failed: %s" % (" ".join(args), r.stderr))
        return r

    def add_shop(self, slug="shop", name="Test Jewellers", tz="Europe/London"):
        self.ctl("shop", "add", slug, name, tz)

    def add_user(self, shop="shop", username="staff", password=STAFF_PASSWORD, name="Sam Staff"):
        self.ctl("user", "add", shop, username, name, stdin=password + "\n")


def apache_binary():
    """apache2, also where a non-root PATH leaves out (/usr/sbin)."""
    return shutil.which("apache2", path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")


class Apache:
    """A private apache2 for an Installation on its reserved loopback port,
    configured from the installed apache.conf.example by apache-conf.sh; it
    never reads /etc/apache2. Use as a context manager: on leaving, Apache
    and everything it started are gone and the port is free. Client takes
    it like a Server."""

    def __init__(self, inst):
        self.inst = inst
        self.port = inst.port
        self.base = inst.base
        self.dir = os.path.join(inst.dir, "apache")
        self.conf = os.path.join(self.dir, "apache.conf")
        self.proc = None

    def __enter__(self):
        binary = apache_binary()
        if not binary:
            raise AssertionError("apache2 is not installed (make deps-test installs it)")
        os.makedirs(self.dir, exist_ok=True)
        import grp
        group = grp.getgrgid(self.inst.user.pw_gid).gr_name
        conf = subprocess.run(
            ["sh", APACHE_CONF_SH, self.inst.share, self.inst.cgi_bin, self.inst.conf,
             self.dir, str(self.port), "127.0.0.1", self.dir, APACHE_MODULES,
             self.inst.user.pw_name, group], capture_output=True, text=True, check=True)
        with open(self.conf, "w") as f:
            f.write(conf.stdout)
        # Its own session, so whatever it forks can be found and stopped.
        self.proc = subprocess.Popen([binary, "-f", self.conf, "-DFOREGROUND"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     start_new_session=True, cwd=self.dir)
        try:
            deadline = time.time() + 10
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                        return self
                except OSError:
                    if self.proc.poll() is not None:
                        raise AssertionError("apache2 exited: %s%s" % (
                            self.proc.stderr.read().decode(errors="replace"), self.error_log()))
                    if time.time() > deadline:
                        raise AssertionError("apache2 did not start: " + self.error_log())
                    time.sleep(0.05)
        except BaseException:
            self.stop()
            raise

    def stop(self):
        if self.proc:
            stop_session(self.proc)
            self.proc = None

    def __exit__(self, *exc):
        self.stop()
        problems = "\n".join(l for l in self.error_log().splitlines()
                             if "AddressSanitizer" in l or "LeakSanitizer" in l
                             or "runtime error:" in l)
        with socket.socket() as s:
            still = s.connect_ex(("127.0.0.1", self.port)) == 0
        if still and not exc[0]:
            raise AssertionError("something still listens on port %d" % self.port)
        if problems and not exc[0]:
            raise AssertionError("sanitizer reports in Apache's error log:\n" + problems[:4000])
        return False

    def _read(self, name):
        try:
            with open(os.path.join(self.dir, name), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def error_log(self):
        return self._read("error.log")

    def access_log(self):
        return self._read("access.log")
