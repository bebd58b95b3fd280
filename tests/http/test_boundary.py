"""The web-server boundary (DESIGN.md, Security model): no URL returns an
executable or any file outside static/, whatever its bytes (invalid UTF-8,
%2F, dot segments, NUL, bad escapes, overlong paths, raw non-ASCII), and
every response a browser can get carries the security headers, the web
server's own answers and errors included; those errors are Hallmark's pages.

Checked through lighttpd with conf/lighttpd.conf.example (what `make run`
serves), through Apache with conf/apache.conf.example, and through the
Debian-layout parts (conf/lighttpd-hallmark.conf.in,
conf/apache-hallmark.conf.in) on copies of Debian's stock lighttpd and
apache2 configurations, as `make install` and the README's steps set them
up. Requests are written to the socket byte for byte."""

import filecmp
import glob
import grp
import hashlib
import http.client
import os
import re
import shutil
import socket
import subprocess
import time

import harness
from harness import (ROOT, Apache, Client, Installation, Server, StaffServer, as_web_user,
                     free_port, visible_text, web_user)

PREFIXES = ["/track/", "/verify/", "/media/", "/admin/", "/admin/print/", "/admin/upload/",
            "/static/"]
# Sequences that are not UTF-8: a lone continuation byte, a truncated
# two-, three- and four-byte sequence, an overlong "/", a surrogate, a
# five-byte form, bytes never used, a code point past U+10FFFF.
BAD_UTF8 = ["%80", "%bf", "%c2", "%c0%af", "%e0%80%af", "%ed%a0%80", "%e2%82",
            "%f0%9f%98", "%f4%90%80%80", "%f8%88%80%80%80", "%fe", "%ff", "%c3%28"]


def boundary_targets():
    """Request targets (bytes) that try to get past the web server."""
    out = []
    for p in PREFIXES:
        bare = p.rstrip("/")
        for seq in BAD_UTF8:
            out += [p + seq, p + "x" + seq, bare + seq, p + seq + "/x", p + seq + ".cgi"]
        out += [p + "%2F", p + "%2f", p + "x%2Fy", p + "%2e%2e%2f%2e%2e%2fcgi-bin%2ftrack.cgi",
                p + "../cgi-bin/track.cgi", p + "..%2f..%2f", p + "..%2f..%2fcgi-bin%2forder.cgi",
                p + "../../lib/hallmark/cgi-bin/order.cgi", p + "%00", p + "x%00.cgi",
                p + "%zz", p + "%", p + "%2", p + "%%32%46", p + "a" * 5000,
                p + "%c2" * 3000, p + "x/" * 2500, p + ".", p + "..", p + "./", p + "%2e"]
        out = [t.encode() if isinstance(t, str) else t for t in out]
        out += [p.encode() + b"\x80", p.encode() + b"\xc2", p.encode() + b"\xff\xfe",
                p.encode() + b"\xed\xa0\x80", p.encode() + "é".encode()]
    for t in ["/track/../cgi-bin/track.cgi", "/static/../cgi-bin/order.cgi",
              "/static/..%2f..%2fcgi-bin%2forder.cgi", "/static/../../lib/hallmark/cgi-bin/admin.cgi",
              "/static/..%2f..%2f..%2flib%2fhallmark%2fcgi-bin%2fadmin.cgi",
              "/admin/print/..%2f..", "/admin/print/..%2f..%2fadmin.cgi", "/admin/print/../print.cgi",
              "/cgi-bin/track.cgi", "/track.cgi", "/order.cgi", "/admin.cgi", "/hallmarkctl",
              "/bin/hallmarkctl", "/%2e%2e/cgi-bin/admin.cgi", "/static/%2e%2e/conf/hallmark.conf",
              "/static/../../../etc/hallmark/hallmark.conf", "/track%2f..%2fcgi-bin",
              "/track.cgi%80", "/admin.cgi%c2", "//track/%80", "/./admin/%c2", "/%80", "/%c2",
              "/" + "a" * 9000]:
        out.append(t.encode())
    return out


def raw_request(port, target, method=b"GET", headers=(), body=b""):
    """Sends one request with TARGET exactly as given; returns a Response."""
    from harness import Response
    head = [method + b" " + target + b" HTTP/1.1", b"Host: 127.0.0.1:%d" % port,
            b"Connection: close"]
    head += list(headers)
    data = b"\r\n".join(head) + b"\r\n\r\n" + body
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass    # refused early: the answer may still be there
        r = http.client.HTTPResponse(s, method=method.decode())
        r.begin()
        try:
            body = r.read()
        except http.client.IncompleteRead as e:
            body = e.partial
        return Response(r.status, r.getheaders(), body)


class Executables:
    """The files no URL may return: every CGI and hallmarkctl, by content."""

    def __init__(self, *dirs):
        self.digests = set()
        for d in dirs:
            for f in glob.glob(os.path.join(d, "*")):
                if os.path.isfile(f):
                    with open(f, "rb") as fh:
                        self.digests.add(hashlib.sha256(fh.read()).digest())
        assert self.digests, "no executables found in %s" % (dirs,)

    def served(self, body):
        return body.startswith(b"\x7fELF") or hashlib.sha256(body).digest() in self.digests


def header_problems(r, cgi=None):
    """What is wrong with a response's security headers, as a list."""
    bad = []
    csps = r.headers_all("Content-Security-Policy")
    if len(csps) != 1:
        bad.append("%d CSP headers" % len(csps))
    elif "default-src 'none'" not in csps[0] or "frame-ancestors 'none'" not in csps[0]:
        bad.append("weak CSP %r" % csps[0])
    if r.header("Referrer-Policy") != "same-origin":
        bad.append("Referrer-Policy %r" % r.header("Referrer-Policy"))
    if r.header("X-Content-Type-Options") != "nosniff":
        bad.append("X-Content-Type-Options %r" % r.header("X-Content-Type-Options"))
    if "noindex" not in (r.header("X-Robots-Tag") or ""):
        bad.append("X-Robots-Tag %r" % r.header("X-Robots-Tag"))
    if not r.header("Cache-Control"):
        bad.append("no Cache-Control")
    ctype = r.header("Content-Type")
    if r.body and not ctype:
        bad.append("a body without a Content-Type")
    # Hallmark's own text is UTF-8; Apache's redirect body says iso-8859-1.
    want = "charset=" if 300 <= r.status < 400 else "charset=utf-8"
    if ctype and ctype.lower().startswith("text/") and want not in ctype.lower().replace(" ", ""):
        bad.append("Content-Type %r without %s" % (ctype, want))
    return bad


def check_boundary(web, exe, targets=None):
    """Every target: no executable, no 2xx but a page, the headers always;
    lighttpd's or Apache's own errors are Hallmark's pages."""
    failures = []
    for target in targets or boundary_targets():
        r = raw_request(web.port, target)
        why = []
        if exe.served(r.body):
            why.append("served an executable")
        if 200 <= r.status < 300 and not (
                (r.header("Content-Type") or "").startswith("text/html") and b"<html" in r.body):
            why.append("a %d that is not a page (%s)" % (r.status, r.header("Content-Type")))
        why += header_problems(r)
        if r.status >= 400 and r.body and b"/static/hallmark.css" not in r.body:
            why.append("an unbranded %d page" % r.status)
        if r.body and re.search(rb"<script\b|<style\b|\sstyle=", r.body) and r.status >= 400:
            why.append("inline style or script on an error page")
        if why:
            failures.append("%r -> %d: %s" % (target[:80], r.status, "; ".join(why)))
    assert not failures, "%d of %d requests:\n%s" % (
        len(failures), len(targets or boundary_targets()), "\n".join(failures[:40]))


def check_server_errors(web, exe):
    """The answers that come from the web server itself, not a CGI: a bad
    request line, a NUL, an unknown method, a body or headers too large,
    a directory, a missing static file, the / redirect, a static file."""
    cases = [
        ("nul", raw_request(web.port, b"/track/%00")),
        ("bad escape", raw_request(web.port, b"/static/%zz")),
        ("method", raw_request(web.port, b"/static/hallmark.css", method=b"BREW")),
        ("method on a CGI", raw_request(web.port, b"/track/x", method=b"BREW")),
        ("body", raw_request(web.port, b"/static/x", method=b"POST",
                             headers=[b"Content-Length: 99999999999"])),
        ("body to a CGI", raw_request(web.port, b"/admin/upload/x", method=b"POST",
                                      headers=[b"Content-Length: 99999999999"])),
        ("headers", raw_request(web.port, b"/static/hallmark.css",
                                headers=[b"X-Big: " + b"a" * 70000])),
        ("cookies", raw_request(web.port, b"/track",
                                headers=[b"Cookie: " + b"c" * 8000] * 12)),
        ("directory", raw_request(web.port, b"/static/")),
        ("errors directory", raw_request(web.port, b"/static/errors/")),
        ("missing", raw_request(web.port, b"/static/nope.css")),
        ("elsewhere", raw_request(web.port, b"/nope")),
        ("root", raw_request(web.port, b"/")),
    ]
    failures = []
    for name, r in cases:
        why = header_problems(r)
        if exe.served(r.body):
            why.append("served an executable")
        if r.status >= 400 and r.body and b"/static/hallmark.css" not in r.body:
            why.append("an unbranded %d page" % r.status)
        if why:
            failures.append("%s -> %d: %s" % (name, r.status, "; ".join(why)))
    statuses = {name: r.status for name, r in cases}
    assert statuses["nul"] == 400 or statuses["nul"] == 404, statuses
    assert statuses["method"] in (405, 501), statuses
    assert statuses["body"] in (404, 405, 413) and statuses["body to a CGI"] == 413, statuses
    assert statuses["headers"] in (400, 431), statuses
    assert statuses["missing"] == 404 and statuses["elsewhere"] == 404, statuses
    root = dict(cases)["root"]
    assert root.status in (301, 302, 303) and root.header("Location") in (
        "/track", web.base + "/track"), (root.status, root.headers)
    assert not failures, "\n".join(failures)

    # A static file is served, cacheable, with the headers.
    css = raw_request(web.port, b"/static/hallmark.css")
    assert css.status == 200 and css.header("Content-Type").startswith("text/css")
    assert not header_problems(css), header_problems(css)
    assert "max-age" in css.header("Cache-Control")
    page = raw_request(web.port, b"/static/errors/404.html")
    assert page.status == 200 and not header_problems(page)
    # The favicon, which every browser asks for by itself: served, not a
    # 404 in every page's log.
    ico = raw_request(web.port, b"/favicon.ico")
    assert ico.status == 200 and ico.body[:4] == b"\x00\x00\x01\x00", ico.status
    # (Debian's own MIME table, which its stock lighttpd reads, has the
    # registered name; the shipped configurations the common one.)
    assert ico.header("Content-Type") in ("image/x-icon", "image/vnd.microsoft.icon")
    assert not header_problems(ico), header_problems(ico)


def check_cgi_headers_untouched(web, tid):
    """A CGI's response keeps its own headers, and only them: one CSP, the
    CGI's, with the style hash the order page needs."""
    c = Client(web, origin=False)
    page = c.get("/track/" + tid)
    assert page.status == 200
    csps = page.headers_all("Content-Security-Policy")
    assert len(csps) == 1 and "script-src 'self'" in csps[0], csps
    for name in ("Referrer-Policy", "X-Content-Type-Options", "Cache-Control", "X-Robots-Tag"):
        assert len(page.headers_all(name)) == 1, (name, page.headers)
    assert page.header("Cache-Control") == "no-store"
    for path in ("/track", "/admin/login", "/verify", "/track/nope"):
        r = c.get(path)
        assert len(r.headers_all("Content-Security-Policy")) == 1, (path, r.headers)
        assert "script-src 'self'" in r.header("Content-Security-Policy"), path


def staff_journey(web):
    """Staff sign in and book a job in; the customer opens its page."""
    staff = Client(web)
    assert staff.get("/admin/login").status == 200
    staff.login()
    assert "Book in a job" in staff.get("/admin/jobs").text
    _, tid = staff.book_in(item_type="Ring", item_description="Platinum band")
    page = Client(web, origin=False).get("/track/" + tid)
    assert page.status == 200 and "Platinum band" in visible_text(page.text), page.text
    return tid


def add_shop(inst):
    inst.add_shop(name="Aurum & Co")
    inst.add_user()


# --- lighttpd with conf/lighttpd.conf.example -------------------------------

# Hundreds of misses from one address: room for them before rate limiting.
LIMITS = dict(ratelimit_lookups=100000, ratelimit_login=1000)


def test_lighttpd_never_serves_an_executable_and_always_sends_the_headers():
    with StaffServer(**LIMITS) as s:
        exe = Executables(s.cgi_bin, os.path.dirname(s.ctl_path))
        tid = staff_journey(s)
        check_cgi_headers_untouched(s, tid)
        check_boundary(s, exe)
        check_server_errors(s, exe)


def test_lighttpd_and_the_cgis_run_as_the_web_user():
    with StaffServer() as s:
        staff_journey(s)
        user = web_user()
        procs = subprocess.run(["ps", "-o", "user=,args=", "-C", "lighttpd"],
                               capture_output=True, text=True).stdout
        mine = [l for l in procs.splitlines() if s.dir in l]
        assert mine and all(l.split()[0] in (user.pw_name, str(user.pw_uid)) for l in mine), procs
        for f in ("hallmark.db", "secret.key", "media"):
            assert os.stat(os.path.join(s.dir, f)).st_uid == user.pw_uid, f
        for f in os.listdir(s.dir):
            if f.startswith("hallmark.db"):
                assert os.stat(os.path.join(s.dir, f)).st_uid == user.pw_uid, f


# --- Apache with conf/apache.conf.example -----------------------------------

def test_apache_never_serves_an_executable_and_always_sends_the_headers():
    with Installation(**LIMITS) as inst:
        add_shop(inst)
        with Apache(inst) as web:
            exe = Executables(inst.cgi_bin, os.path.dirname(inst.ctl_path))
            tid = staff_journey(web)
            check_cgi_headers_untouched(web, tid)
            check_boundary(web, exe)
            check_server_errors(web, exe)


# --- Debian's own layout ------------------------------------------------------

def pristine(package, path):
    """Fails unless PATH is as PACKAGE installed it (its conffile md5)."""
    r = subprocess.run(["dpkg-query", "-W", "-f=${Conffiles}", package],
                       capture_output=True, text=True)
    sums = dict(l.split()[:2] for l in r.stdout.splitlines() if len(l.split()) >= 2)
    assert path in sums, "%s is not a conffile of %s (is %s installed?)" % (path, package, package)
    with open(path, "rb") as f:
        have = hashlib.md5(f.read()).hexdigest()
    assert have == sums[path], (
        "%s has been modified on this machine (md5 %s, the %s package's is %s): these tests "
        "check Hallmark against Debian's stock configuration; restore it with "
        "apt-get install --reinstall -o Dpkg::Options::=--force-confask %s"
        % (path, have, package, sums[path], package))


def substitute(text, old, new, where):
    """TEXT with OLD replaced by NEW exactly once, else a clear failure."""
    n = text.count(old)
    assert n == 1, "%r found %d times in %s: Debian's stock file changed?" % (old, n, where)
    return text.replace(old, new)


class DebianLighttpd:
    """Debian's stock lighttpd.conf (a copy, checked pristine) with only what
    a test must change (port, loopback address, pid file, logs, document
    root, the conf-enabled directory), 50-hallmark.conf enabled in the copy as
    lighttpd-enable-mod does, running as the web server's user."""

    def __init__(self, inst):
        self.inst = inst
        self.port = inst.port
        self.base = inst.base
        self.etc = os.path.join(inst.etc, "lighttpd")
        self.dir = os.path.join(inst.dir, "lighttpd-run")
        self.proc = None

    def __enter__(self):
        pristine("lighttpd", "/etc/lighttpd/lighttpd.conf")
        available = os.path.join(self.etc, "conf-available", "50-hallmark.conf")
        assert os.path.isfile(available), "make install did not write " + available
        enabled = os.path.join(self.etc, "conf-enabled", "50-hallmark.conf")
        os.symlink("../conf-available/50-hallmark.conf", enabled)
        os.makedirs(os.path.join(self.dir, "htdocs"))
        os.makedirs(os.path.join(self.dir, "uploads"))
        user = self.inst.user
        # Like /var/log/lighttpd and /var/cache/lighttpd on Debian: lighttpd
        # opens its log after it has become www-data.
        if os.geteuid() == 0:
            for d in (self.dir, os.path.join(self.dir, "uploads")):
                os.chown(d, user.pw_uid, user.pw_gid)
        os.chmod(self.dir, 0o755)
        conf = os.path.join(self.etc, "lighttpd.conf")
        with open(conf) as f:
            text = f.read()
        where = "/etc/lighttpd/lighttpd.conf"
        for old, new in [
                ('"/var/www/html"', '"%s/htdocs"' % self.dir),
                ('"/var/cache/lighttpd/uploads"', '"%s/uploads"' % self.dir),
                ('"/var/log/lighttpd/error.log"', '"%s/error.log"' % self.dir),
                ('"/run/lighttpd.pid"', '"%s/lighttpd.pid"' % self.dir),
                ("server.port                 = 80",
                 'server.port = %d\nserver.bind = "127.0.0.1"' % self.port),
                # Only the IPv6 listener: the test listens on 127.0.0.1 alone.
                ('include_shell "/usr/share/lighttpd/use-ipv6.pl " + server.port', ""),
                ('"/etc/lighttpd/conf-enabled/*.conf"',
                 '"%s/conf-enabled/*.conf"' % self.etc)]:
            text = substitute(text, old, new, where)
        if os.geteuid() != 0:
            me, group = user.pw_name, grp.getgrgid(user.pw_gid).gr_name
            text = substitute(text, 'server.username             = "www-data"',
                              'server.username = "%s"' % me, where)
            text = substitute(text, 'server.groupname            = "www-data"',
                              'server.groupname = "%s"' % group, where)
        with open(conf, "w") as f:
            f.write(text)
        self.proc = subprocess.Popen(["lighttpd", "-D", "-f", conf], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, start_new_session=True)
        wait_for_port(self.proc, self.port, self.error_log)
        return self

    def error_log(self):
        try:
            with open(os.path.join(self.dir, "error.log"), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def __exit__(self, *exc):
        stop_group(self.proc)
        return False


def wait_for_port(proc, port, log):
    deadline = time.time() + 10
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            if proc.poll() is not None:
                err = proc.stderr.read().decode(errors="replace")
                stop_group(proc)
                raise AssertionError("the server exited: %s%s" % (err, log()))
            if time.time() > deadline:
                stop_group(proc)
                raise AssertionError("the server did not start: " + log())
            time.sleep(0.05)


def stop_group(proc):
    if proc:
        harness.stop_session(proc)


class DebianApache:
    """A copy of Debian's stock /etc/apache2 (apache2.conf checked pristine),
    with hallmark.conf enabled and the README's modules, by Debian's own
    a2enmod and a2enconf run on the copy (APACHE_CONFDIR), as on a real
    machine; MPM is "event" (stock: "a2enmod cgi" then enables mod_cgid) or
    "prefork" (the README's advice: mod_cgi). The test changes only where
    it listens, runs and logs (envvars, ports.conf, the default site's
    port), and makes the default site's CustomLog leave Hallmark out as the
    README tells operators to."""

    def __init__(self, inst, mpm="event"):
        self.inst = inst
        self.mpm = mpm
        self.port = inst.port
        self.base = inst.base
        self.etc = os.path.join(inst.etc, "apache2")
        self.dir = os.path.join(inst.dir, "apache-run")
        self.proc = None

    def a2(self, *cmd):
        env = dict(os.environ, APACHE_CONFDIR=self.etc,
                   APACHE_STATE_DIRECTORY=os.path.join(self.dir, "state"))
        r = subprocess.run(list(cmd), env=env, capture_output=True, text=True,
                           stdin=subprocess.DEVNULL)
        assert r.returncode == 0, "%s: %s%s" % (" ".join(cmd), r.stdout, r.stderr)
        return r.stdout + r.stderr

    def __enter__(self):
        pristine("apache2", "/etc/apache2/apache2.conf")
        pristine("apache2", "/etc/apache2/envvars")
        pristine("apache2", "/etc/apache2/ports.conf")
        assert os.path.isfile(os.path.join(self.etc, "conf-available", "hallmark.conf"))
        for d in ("run", "lock", "log", "state"):
            os.makedirs(os.path.join(self.dir, d))
        os.chmod(self.dir, 0o755)
        where = "a copy of /etc/apache2"
        with open(os.path.join(self.etc, "envvars"), "a") as f:
            f.write("\n# hallmark test\nexport APACHE_PID_FILE=%(d)s/run/apache2.pid\n"
                    "export APACHE_RUN_DIR=%(d)s/run\nexport APACHE_LOCK_DIR=%(d)s/lock\n"
                    "export APACHE_LOG_DIR=%(d)s/log\n" % {"d": self.dir})
            if os.geteuid() != 0:
                u = self.inst.user
                f.write("export APACHE_RUN_USER=%s\nexport APACHE_RUN_GROUP=%s\n"
                        % (u.pw_name, grp.getgrgid(u.pw_gid).gr_name))
        ports = os.path.join(self.etc, "ports.conf")
        text = substitute(open(ports).read(), "\nListen 80\n",
                          "\nListen 127.0.0.1:%d\n" % self.port, where)
        text = text.replace("Listen 443", "# Listen 443")
        open(ports, "w").write(text)
        site = os.path.join(self.etc, "sites-available", "000-default.conf")
        text = substitute(open(site).read(), "<VirtualHost *:80>",
                          "<VirtualHost *:%d>" % self.port, where)
        text = substitute(text, "CustomLog ${APACHE_LOG_DIR}/access.log combined",
                          "CustomLog ${APACHE_LOG_DIR}/access.log common "
                          '"expr=%{THE_REQUEST} !~ m#/(track|verify|media|admin)#i"', where)
        open(site, "w").write(text)
        if self.mpm == "prefork":
            self.a2("a2dismod", "-q", "mpm_event")
            self.a2("a2enmod", "-q", "mpm_prefork")
        self.a2("a2enmod", "-q", "cgi", "headers")
        self.a2("a2enconf", "-q", "hallmark")
        binary = shutil.which("apache2", path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
        env = dict(os.environ, APACHE_CONFDIR=self.etc)
        self.proc = subprocess.Popen(
            ["sh", "-c", '. "$APACHE_CONFDIR/envvars" && exec "$0" -d "$APACHE_CONFDIR" -DFOREGROUND',
             binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            start_new_session=True, cwd=self.dir)
        wait_for_port(self.proc, self.port, self.error_log)
        return self

    def modules(self):
        return sorted(os.listdir(os.path.join(self.etc, "mods-enabled")))

    def _read(self, name):
        try:
            with open(os.path.join(self.dir, "log", name), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def error_log(self):
        return self._read("error.log")

    def access_log(self):
        return self._read("access.log")

    def __exit__(self, *exc):
        stop_group(self.proc)
        return False


class DebianNginx:
    """Debian's stock nginx.conf (a copy, checked pristine) with only what a
    test must change (pid file, logs and temporary files in a directory of
    its own, its includes read from the copy), the stock default site (port
    80) left out, and a site holding nothing but the README's server block:
    a loopback listen and `include snippets/hallmark.conf`, the part make
    install wrote into the copy. fcgiwrap runs as the web server's user on
    the installation's private socket, as Debian's fcgiwrap.socket and
    fcgiwrap.service start it, with the README's DAEMON_OPTS (no -f: the
    CGIs' log lines go to fcgiwrap's own log, fcgiwrap.log here)."""

    def __init__(self, inst):
        self.inst = inst
        self.port = inst.port
        self.base = inst.base
        self.etc = os.path.join(inst.etc, "nginx")
        self.dir = os.path.join(inst.dir, "nginx-run")
        self.proc = self.fcgiwrap = None

    def __enter__(self):
        pristine("nginx-common", "/etc/nginx/nginx.conf")
        pristine("nginx-common", "/etc/nginx/fastcgi_params")
        snippet = os.path.join(self.etc, "snippets", "hallmark.conf")
        assert os.path.isfile(snippet), "make install did not write " + snippet
        user = self.inst.user
        os.makedirs(os.path.join(self.dir, "temp"))
        os.chmod(self.dir, 0o755)
        sockdir = os.path.dirname(self.inst.fcgiwrap_socket)
        os.makedirs(sockdir, exist_ok=True)
        if os.geteuid() == 0:
            # Like /var/lib/nginx: the workers write request bodies there.
            os.chown(os.path.join(self.dir, "temp"), user.pw_uid, user.pw_gid)
        conf = os.path.join(self.etc, "nginx.conf")
        with open(conf) as f:
            text = f.read()
        where = "/etc/nginx/nginx.conf"
        temp = "".join("\t%s_temp_path %s/temp/%s;\n" % (k, self.dir, k)
                       for k in ("client_body", "fastcgi", "proxy", "uwsgi", "scgi"))
        for old, new in [
                ("pid /run/nginx.pid;", "pid %s/nginx.pid;" % self.dir),
                ("error_log /var/log/nginx/error.log;", "error_log %s/error.log;" % self.dir),
                ("\taccess_log /var/log/nginx/access.log;\n",
                 "\taccess_log %s/access.log;\n%s" % (self.dir, temp)),
                ("include /etc/nginx/", "include %s/" % self.etc)]:
            if old.startswith("include"):
                assert text.count(old) == 4, "%r: Debian's stock file changed?" % old
                text = text.replace(old, new)
            else:
                text = substitute(text, old, new, where)
        if os.geteuid() != 0:
            text = substitute(text, "user www-data;", "", where)
        with open(conf, "w") as f:
            f.write(text)
        os.unlink(os.path.join(self.etc, "sites-enabled", "default"))
        with open(os.path.join(self.etc, "sites-available", "hallmark"), "w") as f:
            f.write("server {\n\tlisten 127.0.0.1:%d;\n\tserver_name 127.0.0.1;\n"
                    "\tinclude snippets/hallmark.conf;\n}\n" % self.port)
        os.symlink("../sites-available/hallmark", os.path.join(self.etc, "sites-enabled", "hallmark"))

        # As systemd does for Debian's fcgiwrap.socket: the socket is made
        # here (SocketMode=0660, www-data's), and fcgiwrap gets it as its
        # standard input, with the README's DAEMON_OPTS=-c 4 (and no -f).
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(self.inst.fcgiwrap_socket)
        os.chmod(self.inst.fcgiwrap_socket, 0o660)
        if os.geteuid() == 0:
            os.chown(self.inst.fcgiwrap_socket, user.pw_uid, user.pw_gid)
        listener.listen(100)
        with open(self.fcgiwrap_log_path(), "wb") as log:
            self.fcgiwrap = subprocess.Popen(
                ["/usr/sbin/fcgiwrap", "-c", "4"], stdin=listener.fileno(), stdout=log,
                stderr=log, start_new_session=True, cwd="/", **as_web_user(user))
        listener.close()
        binary = shutil.which("nginx", path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
        self.proc = subprocess.Popen(
            [binary, "-c", conf, "-e", os.path.join(self.dir, "error.log"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
            cwd=self.dir)
        try:
            wait_for_port(self.proc, self.port, self.error_log)
        except BaseException:
            stop_group(self.fcgiwrap)
            raise
        return self

    def fcgiwrap_log_path(self):
        return os.path.join(self.dir, "fcgiwrap.log")

    def _read(self, path):
        try:
            with open(path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def fcgiwrap_log(self):
        return self._read(self.fcgiwrap_log_path())

    def error_log(self):
        return self._read(os.path.join(self.dir, "error.log"))

    def access_log(self):
        return self._read(os.path.join(self.dir, "access.log"))

    def __exit__(self, *exc):
        stop_group(self.proc)
        stop_group(self.fcgiwrap)
        return False


def check_debian_install(inst, web):
    exe = Executables(inst.cgi_bin, os.path.dirname(inst.ctl_path))
    tid = staff_journey(web)
    check_cgi_headers_untouched(web, tid)
    check_server_errors(web, exe)
    check_boundary(web, exe)
    # The CGIs ran as the web server's user: what they wrote is its.
    for f in os.listdir(inst.statedir):
        assert os.stat(os.path.join(inst.statedir, f)).st_uid == inst.user.pw_uid, f
    return tid


def test_debian_lighttpd_with_the_hallmark_module():
    with Installation(web_etc=("lighttpd",), **LIMITS) as inst:
        add_shop(inst)
        assert "50-hallmark.conf" in inst.install_output
        with DebianLighttpd(inst) as web:
            check_debian_install(inst, web)
            assert "AddressSanitizer" not in web.error_log()


def test_debian_apache_with_the_hallmark_conf_event_mpm_and_cgid():
    with Installation(web_etc=("apache2",), **LIMITS) as inst:
        add_shop(inst)
        with DebianApache(inst, mpm="event") as web:
            assert "cgid.load" in web.modules() and "headers.load" in web.modules()
            tid = check_debian_install(inst, web)
            Client(web).get("/static/hallmark.css", headers={"Referer": web.base + "/track/" + tid})
            log = web.access_log()
            assert "/static/hallmark.css" in log and tid not in log
            assert "/track" not in log and "/admin" not in log, [l for l in log.splitlines() if "/track" in l or "/admin" in l][:10]


def test_debian_apache_with_the_hallmark_conf_prefork_and_cgi():
    with Installation(web_etc=("apache2",), **LIMITS) as inst:
        add_shop(inst)
        with DebianApache(inst, mpm="prefork") as web:
            assert "cgi.load" in web.modules() and "cgid.load" not in web.modules()
            check_debian_install(inst, web)


def noisy_png(w, h):
    """An RGB PNG of random pixels: it does not compress, so it is big."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\0" + os.urandom(w * 3) for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b""))


def nginx_page_flow(web, tid):
    """Through nginx and fcgiwrap, what staff and customers do beyond the
    journey: a photo upload bigger than nginx's default body limit, the
    customer's page showing it through media.cgi, a printed slip, a
    customer's message, a passport."""
    from test_job_photos import JobStaff, media_links
    staff = JobStaff(web)
    staff.login()
    job, tid2 = staff.book_in(item_type="Watch", item_description="Steel diver")
    staff.get("/admin/jobs/%d" % job)
    photo = noisy_png(1000, 700)
    assert len(photo) > 1.5 * (1 << 20), len(photo)     # over nginx's default 1m
    r = staff.upload_job(job, photo, public=True, filename="dial.png", ctype="image/png")
    assert r.status == 303, r
    page = Client(web, origin=False).get("/track/" + tid2)
    links = media_links(page.text)
    assert page.status == 200 and links, page.text
    img = Client(web, origin=False).get(links[0])
    assert img.status == 200 and img.header("Content-Type").startswith("image/"), img
    assert not header_problems(img), header_problems(img)
    slip = staff.get("/admin/print/job/%d/slip.pdf" % job)
    assert slip.status == 200 and slip.body.startswith(b"%PDF"), slip
    # The customer writes to the workshop from the order page.
    customer = Client(web)
    customer.get("/track/" + tid)
    r = customer.post("/track/%s/messages" % tid, {"body": "Is the clasp repairable?",
                                                   "website": ""}, csrf=False)
    assert r.status == 303, r
    assert "Is the clasp repairable?" in visible_text(customer.get(r.header("Location")).text)
    return tid2


def test_debian_nginx_with_the_hallmark_snippet_through_fcgiwrap():
    with Installation(web_etc=("nginx",), **LIMITS) as inst:
        add_shop(inst)
        assert "snippets/hallmark.conf" in inst.install_output
        with DebianNginx(inst) as web:
            tid = check_debian_install(inst, web)
            tid2 = nginx_page_flow(web, tid)
            # fcgiwrap ran the CGIs as the web server's user, never root.
            procs = subprocess.run(["ps", "-o", "user=,args=", "-C", "fcgiwrap"],
                                   capture_output=True, text=True).stdout
            mine = [l for l in procs.splitlines() if "fcgiwrap -c 4" in l]
            assert mine and all(l.split()[0] in (inst.user.pw_name, str(inst.user.pw_uid))
                                for l in mine), procs
            # No tracking ID in any log: the server keeps no access log, and
            # the CGIs' lines are in fcgiwrap's log, without the request line
            # and Referer nginx would add to them in its error log.
            Client(web).get("/static/hallmark.css", headers={"Referer": web.base + "/track/" + tid})
            wrong = Client(web)
            wrong.get("/admin/login")
            r = wrong.post("/admin/login", {"username": "staff", "password": "not it"},
                           headers={"Referer": web.base + "/track/" + tid})
            assert r.status in (200, 401, 422) and "sign-in failed" in web.fcgiwrap_log(), (
                r, web.fcgiwrap_log())
            logs = web.error_log() + web.access_log() + web.fcgiwrap_log()
            for secret in (tid, tid2):
                assert secret not in logs and secret.replace("-", "") not in logs, secret
            assert "/track/" not in web.access_log()
            assert "AddressSanitizer" not in logs
            # With fcgiwrap gone, nginx's own 502 is Hallmark's page, with the headers.
            stop_group(web.fcgiwrap)
            for target in (b"/track", b"/admin/login"):
                r = raw_request(web.port, target)
                assert r.status == 502 and not header_problems(r), (r, header_problems(r))
                assert b"/static/hallmark.css" in r.body and b"nginx" not in r.body, r.body


# --- The shipped files agree with each other --------------------------------

def between(text, start, end):
    i = text.index(start)
    j = text.index(end, i) if end else len(text)
    return text[i:j]


def test_the_complete_examples_carry_the_debian_parts_word_for_word():
    conf = os.path.join(ROOT, "conf")
    snippet = open(os.path.join(conf, "lighttpd-hallmark.conf.in")).read()
    example = open(os.path.join(conf, "lighttpd.conf.example")).read()
    assert between(example, "# --- Hallmark", "# --- end of Hallmark") == snippet
    snippet = open(os.path.join(conf, "apache-hallmark.conf.in")).read()
    example = open(os.path.join(conf, "apache.conf.example")).read()
    assert between(example, "  # --- Hallmark", "</VirtualHost>") == snippet
    # Every error page either server may send is Hallmark's, and passes its CSP.
    pages = sorted(os.listdir(os.path.join(ROOT, "static", "errors")))
    for code in re.findall(r"ErrorDocument (\d+) /static/errors/\1\.html", snippet):
        assert code + ".html" in pages, code
    for p in pages:
        text = open(os.path.join(ROOT, "static", "errors", p)).read()
        assert '<link rel="stylesheet" href="/static/hallmark.css">' in text, p
        assert not re.search(r"<script\b|<style\b|\sstyle=|\son\w+=", text), p
    nginx = open(os.path.join(conf, "nginx-hallmark.conf.in")).read()
    # fcgiwrap is asked to run Hallmark's CGIs and nothing else: the script
    # is a name set by a location, never a part of the request.
    cgis = {os.path.basename(p) for p in glob.glob(os.path.join(harness.CGI_BIN, "*.cgi"))}
    named = re.findall(r"(?m)^  set \$hallmark_cgi (\S+);$", nginx)
    assert named and set(named) == cgis, (named, cgis)
    assert nginx.count("fastcgi_pass ") == len(named), nginx
    scripts = re.findall(r"(?m)^\s*fastcgi_param\s+SCRIPT_FILENAME\s+(.*);$", nginx)
    assert scripts == ["@CGI_BIN@/$hallmark_cgi"], scripts
    codes = re.findall(r"(?m)^error_page (\d+) (?:=\d+ )?/hallmark-errors/(\d+)\.html;", nginx)
    assert len(codes) >= 17, codes
    for _, page in codes:
        assert page + ".html" in pages, page
    # nginx sends its own page for any code not listed: every code Apache
    # sends Hallmark's page for has one in nginx too.
    for code in re.findall(r"ErrorDocument (\d+) ", snippet):
        assert code in [c for c, _ in codes] or code == "431", code
