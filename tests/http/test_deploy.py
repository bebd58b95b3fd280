"""What an operator does: `make install`, then Hallmark served by Apache with
the shipped conf/apache.conf.example (Debian's own layout, with the parts
make install puts in conf-available/: test_boundary.py)."""

import filecmp
import glob
import http.client
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time

from harness import (CGI_BIN, ROOT, Apache, Client, Installation, free_port, run_install,
                     visible_text)


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def files_under(top):
    return sorted(os.path.relpath(os.path.join(d, f), top)
                  for d, _, fs in os.walk(top) for f in fs)


def test_install_puts_each_file_in_place_and_keeps_the_operators_config():
    dest = tempfile.mkdtemp(prefix="hallmark-destdir-")
    try:
        # Debian's web servers are installed in this DESTDIR.
        lighttpd_available = os.path.join(dest, "etc", "lighttpd", "conf-available")
        apache_available = os.path.join(dest, "etc", "apache2", "conf-available")
        unitdir = os.path.join(dest, "etc", "systemd", "system")
        nginx_snippets = os.path.join(dest, "etc", "nginx", "snippets")
        os.makedirs(lighttpd_available)
        os.makedirs(apache_available)
        os.makedirs(nginx_snippets)
        os.makedirs(unitdir)    # ... and systemd
        r = run_install(dest, "/usr/local", "/etc/hallmark", "/var/lib/hallmark")
        assert r.returncode == 0, r.stdout + r.stderr
        usr = os.path.join(dest, "usr", "local")
        share = os.path.join(usr, "share", "hallmark")

        cgis = sorted(os.path.basename(p) for p in glob.glob(os.path.join(CGI_BIN, "*.cgi")))
        assert {"track.cgi", "order.cgi", "admin.cgi"} <= set(cgis)
        libexec = os.path.join(usr, "lib", "hallmark", "cgi-bin")
        assert sorted(os.listdir(libexec)) == cgis
        for name in cgis:
            installed = os.path.join(libexec, name)
            assert mode(installed) == 0o755, name
            assert filecmp.cmp(installed, os.path.join(CGI_BIN, name), shallow=False), name
        ctl = os.path.join(usr, "bin", "hallmarkctl")
        assert mode(ctl) == 0o755
        assert filecmp.cmp(ctl, os.path.join(CGI_BIN, "hallmarkctl"), shallow=False)

        for d in ("templates", "static", "schema"):
            want = files_under(os.path.join(ROOT, d))
            assert want and files_under(os.path.join(share, d)) == want, d
            for f in want:
                assert mode(os.path.join(share, d, f)) == 0o644, (d, f)
        for f in ("hallmark.conf.example", "lighttpd.conf.example", "apache.conf.example",
                  "lighttpd-headers.lua"):
            p = os.path.join(share, "conf", f)
            assert mode(p) == 0o644 and filecmp.cmp(p, os.path.join(ROOT, "conf", f), shallow=False), f

        # Hallmark's part of each web server's configuration, with the
        # installed paths, beside the examples and in Debian's conf-available.
        for f, installed in (("lighttpd-hallmark.conf",
                              os.path.join(lighttpd_available, "50-hallmark.conf")),
                             ("apache-hallmark.conf",
                              os.path.join(apache_available, "hallmark.conf")),
                             ("nginx-hallmark.conf",
                              os.path.join(nginx_snippets, "hallmark.conf"))):
            p = os.path.join(share, "conf", f)
            text = open(p).read()
            assert mode(p) == 0o644 and "@" not in re.sub(r"(?m)#.*$", "", text), f
            if f.startswith("nginx"):
                # Each location names its CGI; fcgiwrap is Debian's.
                assert re.search(r"(?m)^fastcgi_param SCRIPT_FILENAME "
                                 r"/usr/local/lib/hallmark/cgi-bin/\$hallmark_cgi;$", text), text
                assert re.search(r"(?m)^  set \$hallmark_cgi order\.cgi;$", text), text
                assert re.search(r"(?m)^fastcgi_param HALLMARK_CONFIG /etc/hallmark/hallmark\.conf;$",
                                 text), text
                assert text.count("fastcgi_pass unix:/run/fcgiwrap.socket;") == 9, text
                assert "alias /usr/local/share/hallmark/static/;" in text, text
            else:
                assert '"/usr/local/lib/hallmark/cgi-bin/order.cgi/' in text, f
                assert "/usr/local/share/hallmark/static/" in text, f
                assert '"/etc/hallmark/hallmark.conf"' in text, f
            assert dest not in text, f
            assert mode(installed) == 0o644 and filecmp.cmp(p, installed, shallow=False), f
        assert '"/usr/local/share/hallmark/conf/lighttpd-headers.lua"' in open(
            os.path.join(lighttpd_available, "50-hallmark.conf")).read()

        # systemd units for the sender (every minute) and purge (daily), with
        # the installed paths and the CGI user, in systemd's directory and
        # beside the examples; installed, not enabled.
        units = ["hallmark-purge.service", "hallmark-purge.timer", "hallmark-send.service",
                 "hallmark-send.timer"]
        assert sorted(os.listdir(os.path.join(share, "systemd"))) == units
        assert sorted(os.listdir(unitdir)) == units      # no *.wants/: not enabled
        for u in units:
            p = os.path.join(share, "systemd", u)
            text = open(p).read()
            assert mode(p) == 0o644 and "@" not in text and dest not in text, u
            assert filecmp.cmp(p, os.path.join(unitdir, u), shallow=False), u
        for what in ("send", "purge"):
            service = open(os.path.join(unitdir, "hallmark-%s.service" % what)).read()
            assert re.search(r"(?m)^User=www-data$", service)
            assert re.search(r"(?m)^ExecStart=/usr/local/bin/hallmarkctl -c "
                             r"/etc/hallmark/hallmark\.conf %s$" % what, service)
            assert re.search(r"(?m)^Type=oneshot$", service)
        assert re.search(r"(?m)^OnCalendar=minutely$",
                         open(os.path.join(unitdir, "hallmark-send.timer")).read())
        assert re.search(r"(?m)^OnCalendar=daily$",
                         open(os.path.join(unitdir, "hallmark-purge.timer")).read())
        assert "systemctl enable --now hallmark-send.timer hallmark-purge.timer" in r.stdout

        # A config made from the example with the final paths, no DESTDIR.
        conf = os.path.join(dest, "etc", "hallmark", "hallmark.conf")
        assert mode(conf) == 0o644
        text = open(conf).read()
        assert re.search(r"(?m)^templates_dir = /usr/local/share/hallmark/templates$", text)
        assert re.search(r"(?m)^database = /var/lib/hallmark/hallmark\.db$", text)
        assert dest not in text
        state = os.path.join(dest, "var", "lib", "hallmark")
        assert os.path.isdir(state) and mode(state) == 0o750
        assert not os.listdir(state)

        # Nothing landed anywhere else.
        top = sorted(os.listdir(dest))
        assert top == ["etc", "usr", "var"], top
        assert sorted(os.listdir(os.path.join(dest, "etc"))) == ["apache2", "hallmark", "lighttpd",
                                                                 "nginx", "systemd"]
        assert os.listdir(os.path.join(dest, "etc", "systemd")) == ["system"]
        assert os.listdir(lighttpd_available) == ["50-hallmark.conf"]
        assert os.listdir(apache_available) == ["hallmark.conf"]
        assert os.listdir(nginx_snippets) == ["hallmark.conf"]

        # The operator edits the config and the state directory; an upgrade
        # keeps both, and replaces what it owns.
        edited = text.replace("base_url = https://track.example.com",
                              "base_url = https://repairs.example.org") + "# mine\ncgi_user = hallmark\n"
        with open(conf, "w") as f:
            f.write(edited)
        os.chmod(conf, 0o640)
        os.chmod(os.path.dirname(conf), 0o750)
        os.chmod(state, 0o700)
        tampered = os.path.join(share, "templates", "track.html")
        with open(tampered, "w") as f:
            f.write("stale")
        snippet = os.path.join(lighttpd_available, "50-hallmark.conf")
        with open(snippet, "a") as f:
            f.write("# the operator's line\n")
        mine = open(snippet).read()
        timer = os.path.join(unitdir, "hallmark-send.timer")
        with open(timer, "a") as f:
            f.write("# every five minutes will do\n")
        my_timer = open(timer).read()
        r = run_install(dest, "/usr/local", "/etc/hallmark", "/var/lib/hallmark")
        assert r.returncode == 0, r.stdout + r.stderr
        assert open(snippet).read() == mine
        assert open(timer).read() == my_timer and "hallmark-send.timer differs: kept" in r.stdout
        # The units run as the configured CGI user.
        assert re.search(r"(?m)^User=hallmark$",
                         open(os.path.join(share, "systemd", "hallmark-send.service")).read())
        assert re.search(r"50-hallmark\.conf differs: kept", r.stdout), r.stdout
        assert re.search(r"conf-available/hallmark\.conf \(unchanged\)", r.stdout), r.stdout
        assert open(conf).read() == edited and mode(conf) == 0o640
        assert mode(os.path.dirname(conf)) == 0o750
        assert "kept" in r.stdout
        assert mode(state) == 0o700
        assert filecmp.cmp(tampered, os.path.join(ROOT, "templates", "track.html"), shallow=False)
        assert not [f for f in os.listdir(os.path.dirname(conf)) if f != "hallmark.conf"]

        # Without a build there is nothing to install, and it says so.
        empty = os.path.join(dest, "empty")
        os.mkdir(empty)
        r = run_install(os.path.join(dest, "other"), "/usr/local", "/etc/hallmark",
                        "/var/lib/hallmark", out=empty)
        assert r.returncode != 0 and "run make first" in r.stderr
        assert not os.path.exists(os.path.join(dest, "other"))
    finally:
        shutil.rmtree(dest, ignore_errors=True)


def public_headers_ok(r):
    csp = r.header("Content-Security-Policy") or ""
    return ("default-src 'none'" in csp and "frame-ancestors 'none'" in csp
            and r.header("Referrer-Policy") == "same-origin"
            and r.header("Cache-Control") == "no-store"
            and "noindex" in (r.header("X-Robots-Tag") or "")
            and r.header("X-Content-Type-Options") == "nosniff")


def comparable(r):
    return r.status, [(k, v) for k, v in r.headers if k.lower() != "date"], r.body


def test_installed_hallmark_behind_apache():
    with Installation() as inst:
        inst.add_shop(name="Aurum & Co")
        inst.add_user()
        with Apache(inst) as web:
            staff = Client(web)
            login = staff.get("/admin/login")
            assert login.status == 200 and public_headers_ok(login)
            staff.login()
            jobs = staff.get("/admin/jobs")
            assert jobs.status == 200 and "Book in a job" in jobs.text
            assert staff.get("/admin").header("Location") == "/admin/jobs"
            _, tid = staff.book_in(item_type="Ring", item_description="Platinum band",
                                   customer_name="Grace Hopper")

            customer = Client(web, origin=False)
            form = customer.get("/track")
            assert form.status == 200 and "Tracking ID" in form.text
            r = customer.get("/track?id=" + tid.lower().replace("-", "+"))
            assert r.status == 303 and r.header("Location") == "/track/" + tid
            # PATH_INFO reaches order.cgi as typed: a lower-case ID is made canonical.
            r = customer.get("/track/" + tid.lower())
            assert r.status == 303 and r.header("Location") == "/track/" + tid
            page = customer.get("/track/" + tid)
            assert page.status == 200 and public_headers_ok(page)
            text = visible_text(page.text)
            for shown in ("Aurum & Co", tid, "Ring", "Platinum band", "Booked in"):
                assert shown in text, shown
            assert "Grace Hopper" not in page.text
            head = customer.request("HEAD", "/track/" + tid)
            assert head.status == 200 and head.body == b""
            assert head.header("Content-Length") == page.header("Content-Length")

            # Every miss is the same response, framing included.
            misses = [customer.get(p) for p in ("/track/RPR-0000-0000-0000-0000",
                                                "/track/not-an-id", "/track/",
                                                "/track/RPR-0000%2F0000-0000-0000")]
            assert misses[0].status == 404 and "Order not found" in misses[0].text
            assert public_headers_ok(misses[0])
            assert misses[0].header("Content-Length") == str(len(misses[0].body))
            for m in misses[1:]:
                assert comparable(m) == comparable(misses[0])

            css = customer.get("/static/hallmark.css",
                               headers={"Referer": web.base + "/track/" + tid})
            assert css.status == 200 and css.body
            assert css.header("Content-Type").startswith("text/css")
            assert css.header("X-Content-Type-Options") == "nosniff"
            home = customer.get("/")
            assert home.status in (301, 302, 303)
            assert home.header("Location") in ("/track", web.base + "/track")
            # Passport pages are Hallmark's too (and keys, so not logged).
            for path in ("/verify", "/verify/00000000-0000-4000-8000-000000000000"):
                r = customer.get(path)
                assert r.status in (200, 404) and public_headers_ok(r), path
            # Only whole paths are Hallmark's CGIs': this is Apache's own
            # not-found, with Hallmark's static page and headers.
            other = customer.get("/administrator")
            assert other.status == 404 and "Error 404" in other.text
            assert "script-src" not in other.header("Content-Security-Policy")

            # Tracking IDs are keys: no log line carries one, nor a staff URL.
            log = web.access_log()
            assert "/static/hallmark.css" in log
            assert tid not in log and tid.lower() not in log
            for hidden in ("/track", "/admin", "/verify"):
                assert hidden not in log, hidden
            assert tid not in web.error_log()


# --- make run (src/scripts/run-demo.sh) --------------------------------------

def demo_checkout():
    """What run-demo.sh reads from a checkout, copied to a directory of its
    own (the web server's user can walk through it): the demo it provisions
    lands there, never in the real checkout's var/."""
    top = tempfile.mkdtemp(prefix="hallmark-run-")
    os.chmod(top, 0o755)
    shutil.copy(os.path.join(ROOT, "Makefile"), top)
    os.makedirs(os.path.join(top, "src", "lib"))
    shutil.copytree(os.path.join(ROOT, "src", "scripts"), os.path.join(top, "src", "scripts"))
    shutil.copy(os.path.join(ROOT, "src", "lib", "config.c"), os.path.join(top, "src", "lib"))
    for d in ("templates", "static", "conf"):
        shutil.copytree(os.path.join(ROOT, d), os.path.join(top, d))
    os.makedirs(os.path.join(top, "cgi-bin"))
    for f in glob.glob(os.path.join(CGI_BIN, "*.cgi")) + [os.path.join(CGI_BIN, "hallmarkctl")]:
        shutil.copy(f, os.path.join(top, "cgi-bin"))
    for d, _, fs in os.walk(top):
        os.chmod(d, 0o755)
        for f in fs:
            os.chmod(os.path.join(d, f), 0o755 if d.endswith("cgi-bin") else 0o644)
    return top


def run_demo(top, port, env=None, timeout=120):
    return subprocess.run(["sh", os.path.join(top, "src", "scripts", "run-demo.sh"), str(port)],
                          capture_output=True, text=True, timeout=timeout, cwd=top,
                          env=env or dict(os.environ), stdin=subprocess.DEVNULL)


LOGIN_WORDS = ("Hallmark demo on", "password", "Customer lookup", "/track/")


def test_make_run_on_a_taken_port_fails_first_and_clearly():
    top = demo_checkout()
    taken = socket.socket()
    try:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        r = run_demo(top, port, timeout=30)
        assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
        assert "port %d" % port in r.stderr and "already in use" in r.stderr, r.stderr
        assert "make run PORT=%d" % (port + 1) in r.stderr, r.stderr
        for w in LOGIN_WORDS:
            assert w not in r.stdout, (w, r.stdout)
        # It failed first: nothing was provisioned.
        assert not os.path.exists(os.path.join(top, "var")), os.listdir(top)

        r = run_demo(top, "80a", timeout=30)
        assert r.returncode == 2 and "PORT must be a number" in r.stderr, r.stderr
    finally:
        taken.close()
        shutil.rmtree(top, ignore_errors=True)


def test_make_run_never_prints_logins_for_a_server_that_died():
    """The port is free when checked, but lighttpd exits at once (the port
    taken in between, say): no login or link is printed, and the reason is."""
    top = demo_checkout()
    fake = tempfile.mkdtemp(prefix="hallmark-fakebin-")
    try:
        with open(os.path.join(fake, "lighttpd"), "w") as f:
            f.write("#!/bin/sh\necho '(network.c.123) cannot bind to socket: "
                    "Address already in use' >&2\nexit 255\n")
        os.chmod(os.path.join(fake, "lighttpd"), 0o755)
        port = free_port()
        env = dict(os.environ, PATH=fake + ":" + os.environ.get("PATH", "/usr/bin:/bin"))
        r = run_demo(top, port, env=env)
        assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
        assert "lighttpd did not start on 127.0.0.1:%d" % port in r.stderr, r.stderr
        assert "Address already in use" in r.stderr and "PORT=" in r.stderr, r.stderr
        for w in LOGIN_WORDS:
            assert w not in r.stdout, (w, r.stdout)
    finally:
        shutil.rmtree(fake, ignore_errors=True)
        reset_demo(top)


def reset_demo(top):
    """make reset for the copy (its var/ may hold files of the web user)."""
    subprocess.run(["make", "-s", "-C", top, "reset"], capture_output=True, timeout=60)
    shutil.rmtree(top, ignore_errors=True)


def test_make_run_serves_then_prints_the_logins_and_stops_with_its_server():
    top = demo_checkout()
    port = free_port()
    proc = subprocess.Popen(["sh", os.path.join(top, "src", "scripts", "run-demo.sh"), str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=top,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        out = []
        deadline = time.time() + 120
        for line in proc.stdout:
            out.append(line)
            if line.startswith("Customer lookup:"):
                break
            assert time.time() < deadline, "".join(out)
        text = "".join(out)
        assert "Hallmark demo on http://127.0.0.1:%d" % port in text, text
        assert re.search(r"(?m)^\s*password\b|password:", text, re.I), text
        # Printed once it serves: the page is there now.
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/track")
        assert conn.getresponse().status == 200
        conn.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    # lighttpd stopped with it: the port is free again.
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
    reset_demo(top)


def test_make_install_destdir_lays_down_the_timers_disabled_and_the_nginx_part():
    """`make install DESTDIR=…` itself (the Makefile's variables reach
    install.sh): the units run hallmarkctl as CGI_USER from the installed
    paths, and nothing enables them (no *.wants/ link anywhere)."""
    dest = tempfile.mkdtemp(prefix="hallmark-make-install-")
    try:
        unitdir = os.path.join(dest, "etc", "systemd", "system")
        os.makedirs(unitdir)
        os.makedirs(os.path.join(dest, "etc", "nginx", "snippets"))
        # -o all: the build is whatever the tests run (CGI_BIN); not remade.
        r = subprocess.run(["make", "-s", "-C", ROOT, "-o", "all", "install", "DESTDIR=" + dest,
                            "OUT=" + CGI_BIN, "PREFIX=/opt/hallmark", "CGI_USER=jeweller",
                            "FCGIWRAP_SOCKET=/run/hallmark-fcgiwrap.socket"],
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stdout + r.stderr
        units = ["hallmark-purge.service", "hallmark-purge.timer", "hallmark-send.service",
                 "hallmark-send.timer"]
        assert sorted(os.listdir(unitdir)) == units
        for what in ("send", "purge"):
            service = open(os.path.join(unitdir, "hallmark-%s.service" % what)).read()
            assert re.findall(r"(?m)^User=.*$", service) == ["User=jeweller"], service
            assert re.findall(r"(?m)^ExecStart=.*$", service) == [
                "ExecStart=/opt/hallmark/bin/hallmarkctl -c /etc/hallmark/hallmark.conf %s" % what]
            timer = open(os.path.join(unitdir, "hallmark-%s.timer" % what)).read()
            assert re.search(r"(?m)^WantedBy=timers\.target$", timer)
        links = [os.path.join(d, f) for d, ds, fs in os.walk(os.path.join(dest, "etc"))
                 for f in fs + ds if os.path.islink(os.path.join(d, f)) or f.endswith(".wants")]
        assert links == [], links
        assert os.path.isfile(os.path.join(dest, "opt", "hallmark", "bin", "hallmarkctl"))
        snippet = open(os.path.join(dest, "etc", "nginx", "snippets", "hallmark.conf")).read()
        assert snippet.count("fastcgi_pass unix:/run/hallmark-fcgiwrap.socket;") == 9
        assert "/opt/hallmark/lib/hallmark/cgi-bin/$hallmark_cgi;" in snippet
        assert "systemctl enable --now hallmark-send.timer hallmark-purge.timer" in r.stdout
        assert ("* * * * * jeweller /opt/hallmark/bin/hallmarkctl -c /etc/hallmark/hallmark.conf send"
                in r.stdout), r.stdout
        assert "runuser -u jeweller -- /opt/hallmark/bin/hallmarkctl" in r.stdout, r.stdout
        assert "sudo" not in r.stdout + r.stderr
    finally:
        shutil.rmtree(dest, ignore_errors=True)
