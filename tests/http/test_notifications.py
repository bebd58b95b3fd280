"""Notifications end to end: staff and customers drive the real pages through
lighttpd, `hallmarkctl send` (as the web server's user) delivers the outbox
to real peers on loopback: an SMTP server (aiosmtpd, plain SMTP as a relay on
localhost would be) and an HTTP server standing in for an SMS gateway. Also:
the unsubscribe link (RFC 8058 one-click included), retries and giving up,
a sender killed mid-send, and the file transport."""

import asyncio
import base64
import email
import email.policy
import glob
import html.parser
import http.server
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

from harness import Client, Server, as_web_user, free_port, visible_text


def _controller():
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        # Debian's python3-aiosmtpd (make deps-test), when python3 on PATH
        # is another interpreter (pyenv, a venv) that does not see it.
        sys.path.append("/usr/lib/python3/dist-packages")
        from aiosmtpd.controller import Controller
    return Controller


MAIL_FROM = "tracking@hallmark.test"
SHOP_EMAIL = "workshop@bijouterie.test"
SMTP_USER, SMTP_PASSWORD = "hallmark", "s3cret relay password"


class Relay:
    """A real SMTP server on a loopback port, recording what it accepted
    (envelope and bytes) and who logged in. While stall is an address, RCPT
    TO for it waits until release is set: a sender can be killed before the
    message was accepted."""

    def __init__(self, port=None, auth=True):
        self.port = port or free_port()
        self.auth = auth
        self.messages = []          # (mail_from, rcpt_tos, raw bytes)
        self.logins = []
        self.stall = None
        self.stalled = threading.Event()
        self.release = threading.Event()
        self.controller = None

    def start(self):
        relay = self

        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                if relay.stall and address == relay.stall:
                    relay.stalled.set()
                    while not relay.release.is_set():
                        await asyncio.sleep(0.05)
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                relay.messages.append((envelope.mail_from, list(envelope.rcpt_tos),
                                       envelope.original_content or envelope.content))
                return "250 Message accepted for delivery"

        def authenticator(server, session, envelope, mechanism, auth_data):
            from aiosmtpd.smtp import AuthResult
            login = auth_data.login.decode()
            password = auth_data.password.decode()
            relay.logins.append((login, password))
            return AuthResult(success=(login, password) == (SMTP_USER, SMTP_PASSWORD))

        kw = dict(auth_require_tls=False, authenticator=authenticator) if self.auth else {}
        self.controller = _controller()(Handler(), hostname="127.0.0.1", port=self.port, **kw)
        self.controller.start()
        return self

    def stop(self):
        if self.controller:
            self.release.set()
            self.controller.stop()
            self.controller = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    def parsed(self):
        return [email.message_from_bytes(raw, policy=email.policy.default)
                for _, _, raw in self.messages]


class Gateway:
    """An HTTP server standing in for an SMS gateway: records each request
    and answers with status and body (settable)."""

    def __init__(self):
        self.requests = []          # dicts: method, path, headers, body
        self.status = 201
        self.answer = b'{"sid": "SM123", "status": "queued"}'
        gw = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _record(self):
                n = int(self.headers.get("Content-Length") or 0)
                gw.requests.append(dict(method=self.command, path=self.path,
                                        headers={k.lower(): v for k, v in self.headers.items()},
                                        body=self.rfile.read(n)))
                self.send_response(gw.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(gw.answer)))
                self.end_headers()
                self.wfile.write(gw.answer)

            do_GET = do_POST = _record

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        return False


class Secrets:
    """A directory of files only the web server's user (and root) reads, as
    an operator keeps the relay password and the gateway's header."""

    def __init__(self):
        from harness import web_user
        self.user = web_user()
        self.dir = tempfile.mkdtemp(prefix="hallmark-secrets-")
        os.chmod(self.dir, 0o755)

    def put(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o600)
        if os.geteuid() == 0:
            os.chown(path, self.user.pw_uid, self.user.pw_gid)
        return path

    def subdir(self, name):
        """A directory the web server's user owns (for the file transport)."""
        path = os.path.join(self.dir, name)
        os.makedirs(path)
        if os.geteuid() == 0:
            os.chown(path, self.user.pw_uid, self.user.pw_gid)
        return path

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        shutil.rmtree(self.dir, ignore_errors=True)
        return False


def smtp_settings(relay_port, secrets):
    return dict(mail_transport="smtp", smtp_url="smtp://127.0.0.1:%d" % relay_port,
                smtp_starttls="no", mail_from=MAIL_FROM, smtp_user=SMTP_USER,
                smtp_password_file=secrets.put("smtp-password", SMTP_PASSWORD + "\n"))


def open_shop(srv, name="Bijouterie Zoë & Fils"):
    """A shop with a non-ASCII name (encoded-words in From and Subject), a
    public email (Reply-To) and a staff user; returns a signed-in client."""
    srv.add_shop(name=name)
    srv.add_user()
    staff = Client(srv)
    staff.login()
    srv.sql("UPDATE shops SET email = ?", SHOP_EMAIL)
    return staff


def rows(srv, where="1", *params):
    cols = ("id", "job_id", "kind", "channel", "recipient", "subject", "body", "link",
            "unsubscribe", "message_id", "state", "attempts", "next_at", "last_error", "sent_at")
    return [dict(zip(cols, r)) for r in srv.sql(
        "SELECT %s FROM notifications WHERE %s ORDER BY id" % (", ".join(cols), where), *params)]


def send(srv, check=True):
    """hallmarkctl send; its output must never carry a tracking ID, a token,
    a link or a whole recipient."""
    r = srv.ctl("send", check=check)
    out = r.stdout + r.stderr
    for n in rows(srv):
        for secret in (n["link"], n["unsubscribe"], n["recipient"]):
            assert not secret or secret not in out, (secret, out)
        tid = n["link"].rsplit("/", 1)[-1]
        assert not n["link"] or tid not in out, out
    for tid, in srv.sql("SELECT tracking_id FROM jobs"):
        assert tid not in out, out
    return r


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []         # (href, text)
        self._href = None
        self.tags = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag == "a":
            self._href = dict(attrs).get("href")
            self.links.append([self._href, ""])

    def handle_data(self, data):
        if self._href is not None:
            self.links[-1][1] += data

    def handle_endtag(self, tag):
        if tag == "a":
            self._href = None


def check_email(msg, row, to, shop_name, unsubscribe=True):
    """One notification email as the customer's mail program reads it."""
    assert msg["Message-ID"] == row["message_id"]
    assert [a.addr_spec for a in msg["To"].addresses] == [to]
    sender = msg["From"].addresses[0]
    assert (sender.display_name, sender.addr_spec) == (shop_name, MAIL_FROM)
    assert [a.addr_spec for a in msg["Reply-To"].addresses] == [SHOP_EMAIL]
    assert msg["Subject"] == row["subject"]
    assert msg["Date"].datetime.tzinfo is not None
    assert msg["Auto-Submitted"] == "auto-generated"
    if unsubscribe:
        assert msg["List-Unsubscribe"] == "<%s>" % row["unsubscribe"]
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    else:
        assert msg["List-Unsubscribe"] is None
    assert msg.get_content_type() == "multipart/alternative"
    parts = list(msg.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    for p in parts:
        assert p.get_content_charset() == "utf-8"
        assert p["Content-Transfer-Encoding"] in ("quoted-printable", "base64")
    text = parts[0].get_content().replace("\r\n", "\n")   # CRLF is mail's line end
    assert text.startswith(row["body"]), (text, row["body"])
    if unsubscribe:
        assert row["unsubscribe"] in text
    page = parts[1].get_content().replace("\r\n", "\n")
    links = Links()
    links.feed(page)
    assert not links.tags & {"img", "script", "link", "iframe", "style"}
    assert "src=" not in page
    hrefs = dict((t.strip(), h) for h, t in links.links)
    assert hrefs["See your order"] == row["link"]
    if unsubscribe:
        assert hrefs["Stop messages about this order"] == row["unsubscribe"]
    # The body's words, escaped: the customer's name, say.
    first_line = row["body"].split("\n", 1)[0]
    assert first_line in visible_text(page)
    return hrefs


def test_email_reaches_the_customer_once_with_the_link_that_opens_the_order():
    with Secrets() as secrets, Relay() as relay, \
            Server(**smtp_settings(relay.port, secrets)) as srv:
        staff = open_shop(srv)
        job, tid = staff.book_in(customer_name="Ada O'Brien <Lovelace>", item_type="Ring",
                                 customer_email="ada@example.com", notify_channel="email")
        [n] = rows(srv)
        assert (n["kind"], n["state"], n["recipient"]) == ("booked_in", "queued", "ada@example.com")
        assert relay.messages == []     # no CGI talks to the relay

        r = send(srv)
        assert r.returncode == 0
        assert re.fullmatch(r"notification %d booked_in email a\*\*\*@example\.com: sent\n" % n["id"],
                            r.stdout), r.stdout
        assert relay.logins == [(SMTP_USER, SMTP_PASSWORD)]
        [(mail_from, rcpts, raw)] = relay.messages
        assert (mail_from, rcpts) == (MAIL_FROM, ["ada@example.com"])
        head, _, body = raw.partition(b"\r\n\r\n")
        assert max(len(l) for l in head.split(b"\r\n")) <= 998
        assert max(len(l) for l in body.split(b"\r\n")) <= 76
        [n] = rows(srv)
        assert (n["state"], n["attempts"], n["last_error"]) == ("sent", 1, None) and n["sent_at"]
        msg = relay.parsed()[0]
        assert "=?UTF-8?" in raw.split(b"\r\n\r\n")[0].decode()      # encoded-words
        assert msg["Subject"] == "Bijouterie Zoë & Fils: your Ring is booked in"
        hrefs = check_email(msg, n, "ada@example.com", "Bijouterie Zoë & Fils")
        # The customer's name arrived escaped, as text.
        assert "&lt;Lovelace&gt;" in msg.get_body(("html",)).get_content()

        # The link opens the customer's order page.
        customer = Client(srv, origin=False)
        path = urllib.parse.urlsplit(hrefs["See your order"]).path
        assert path == "/track/" + tid
        page = customer.get(path)
        assert page.status == 200 and tid in page.text and "Ring" in visible_text(page.text)

        # Nothing is due: nothing more goes out.
        r = send(srv)
        assert r.returncode == 0 and r.stdout == ""
        assert len(relay.messages) == 1

        # Ready for pickup: the "ready" email, once.
        staff.move(job, "Ready for pickup")
        send(srv)
        send(srv)
        assert len(relay.messages) == 2
        ready = rows(srv, "kind = 'ready'")[0]
        assert ready["state"] == "sent"
        msg = relay.parsed()[1]
        check_email(msg, ready, "ada@example.com", "Bijouterie Zoë & Fils")
        assert msg["Subject"] == "Bijouterie Zoë & Fils: your Ring is ready to collect"
        assert msg["Message-ID"] != relay.parsed()[0]["Message-ID"]


def sms_server(gateway, secrets, variant):
    auth = "Authorization: Basic " + base64.b64encode(b"ACtest:token").decode()
    settings = dict(sms_transport="http", sms_auth_file=secrets.put("sms-auth", auth + "\n"))
    url = "http://127.0.0.1:%d" % gateway.port
    if variant == "form":       # Twilio's shape
        settings.update(sms_url=url + "/2010-04-01/Accounts/ACtest/Messages.json",
                        sms_body="To={to}&From=%2B15005550006&Body={text}")
    elif variant == "json":     # MessageBird's shape
        settings.update(sms_url=url + "/messages", sms_content_type="json",
                        sms_body='{"originator":"Bijouterie","recipients":["{to_digits}"],'
                                 '"body":"{text}"}')
    else:                       # a gateway taking GET
        settings.update(sms_url=url + "/send?to={to}&text={text}&key=abc", sms_method="GET")
    return Server(**settings), auth


def sent_sms(req, variant):
    """(to, text) as the gateway read them."""
    if variant == "form":
        assert req["method"] == "POST"
        assert req["headers"]["content-type"] == "application/x-www-form-urlencoded"
        f = urllib.parse.parse_qs(req["body"].decode(), strict_parsing=True)
        assert f["From"] == ["+15005550006"]
        return f["To"][0], f["Body"][0]
    if variant == "json":
        assert req["method"] == "POST"
        assert req["headers"]["content-type"] == "application/json"
        j = json.loads(req["body"])
        assert j["originator"] == "Bijouterie"
        return j["recipients"][0], j["body"]
    assert req["method"] == "GET" and req["body"] == b""
    path, _, query = req["path"].partition("?")
    assert path == "/send"
    q = urllib.parse.parse_qs(query, strict_parsing=True)
    assert q["key"] == ["abc"]
    return q["to"][0], q["text"][0]


def test_sms_through_form_json_and_get_gateways_escapes_to_and_text():
    # Every character a template could trip on: &, =, +, quotes, a
    # backslash, non-ASCII, and a newline (the texts have them).
    name = 'Zoë "Q" O\'Brien & Co=1+1 \\ 指輪'
    for variant in ("form", "json", "get"):
        with Secrets() as secrets, Gateway() as gw:
            srv, auth = sms_server(gw, secrets, variant)
            with srv:
                staff = open_shop(srv)
                job, tid = staff.book_in(customer_name=name, customer_phone="+44 7700 900123",
                                         notify_channel="sms")
                r = send(srv)
                assert "notification 1 booked_in sms +44********23: sent" in r.stdout, r.stdout
                [req] = gw.requests
                assert req["headers"]["authorization"] == auth.split(": ", 1)[1]
                [n] = rows(srv)
                to, text = sent_sms(req, variant)
                assert to == ("447700900123" if variant == "json" else "+447700900123")
                assert text == n["body"] and name in text and "\n" in text, variant
                assert n["link"] in text and n["state"] == "sent"

                staff.move(job, "Ready for pickup")
                send(srv)
                assert len(gw.requests) == 2
                ready = rows(srv, "kind = 'ready'")[0]
                assert sent_sms(gw.requests[1], variant)[1] == ready["body"]
                assert "ready to collect" in ready["body"] and ready["state"] == "sent"

                if variant != "form":
                    continue
                # The gateway says no: its status and first line are the
                # reason, the row waits for its next try.
                gw.status = 400
                gw.answer = b'{"code": 21211, "message": "The To number is not valid"}\nmore'
                staff.move(job, "In progress")
                staff.move(job, "Ready for pickup")
                r = send(srv)
                assert r.returncode == 0 and "failed (attempt 1 of 8, next in 60 s)" in r.stdout
                last = rows(srv)[-1]
                assert last["state"] == "queued" and last["attempts"] == 1
                assert last["last_error"] == ('SMS gateway: HTTP 400: {"code": 21211, '
                                              '"message": "The To number is not valid"}')
                assert last["next_at"] >= time.time() + 50


def test_a_gateway_error_cut_through_the_tracking_id_keeps_no_part_of_it():
    # A gateway quoting the message back, with the tracking ID (alone or
    # in its link) where a cut falls: the stored reason's length, the old
    # 300-character cut of the answer's line, the cap on what is read of
    # the answer. No four characters of the ID past its prefix may be
    # stored or logged.
    with Secrets() as secrets, Gateway() as gw:
        srv, _ = sms_server(gw, secrets, "form")
        with srv:
            staff = open_shop(srv)
            staff.book_in(customer_phone="+44 7700 900123", notify_channel="sms")
            [n] = rows(srv)
            link = n["link"]
            tid = link.rsplit("/", 1)[-1]
            secret = tid.split("-", 1)[1]
            fixed = "SMS gateway: HTTP 400: "
            parts = {secret[i:i + 4] for i in range(len(secret) - 3)}
            parts = {p for p in parts if p not in fixed + "[link][ID]"}
            head = len(fixed)
            cases = [(300 - 9, tid), (300 - 30, link), (511 - head - 9, tid),
                     (511 - head - 30, link), (8192 - 9, tid), (8192 - 30, link)]
            gw.status = 400
            for at, quoted in cases:
                gw.answer = ('{"error": "' + "x" * (at - 11) + quoted + ' is not allowed"}').encode()
                assert gw.answer.index(quoted.encode()) == at
                srv.sql("UPDATE notifications SET state = 'queued', next_at = 0")
                r = send(srv)
                [n] = rows(srv)
                assert n["state"] == "queued" and n["last_error"].startswith(fixed), n
                assert len(n["last_error"].encode()) <= 511
                out = r.stdout + r.stderr
                for p in parts:
                    assert p not in n["last_error"], (at, quoted == tid, p, n["last_error"])
                    assert p not in out, (at, quoted == tid, p, out)
                if at < 400:
                    # What follows the ID is kept, the ID is marked.
                    assert ("[ID]" if quoted == tid else "[link]") + " is not allowed" in n["last_error"]


def unsubscribe_path(n):
    return urllib.parse.urlsplit(n["unsubscribe"]).path


def test_unsubscribed_and_channel_none_customers_get_nothing_more():
    with Secrets() as secrets, Relay() as relay, \
            Server(**smtp_settings(relay.port, secrets)) as srv:
        staff = open_shop(srv)
        one_click, _ = staff.book_in(customer_email="one@example.com", notify_channel="email")
        multipart, _ = staff.book_in(customer_email="multi@example.com", notify_channel="email")
        button, _ = staff.book_in(customer_email="button@example.com", notify_channel="email")
        quiet, _ = staff.book_in(customer_email="quiet@example.com", notify_channel="none")
        send(srv)
        assert sorted(r[0] for _, r, _ in relay.messages) == [
            "button@example.com", "multi@example.com", "one@example.com"]
        by_job = {n["job_id"]: n for n in rows(srv)}
        assert quiet not in by_job
        # The token is not the tracking ID.
        for n in by_job.values():
            assert n["link"].rsplit("/", 1)[1] not in n["unsubscribe"]

        # A mail provider's one-click POST (RFC 8058): no Origin, no cookie,
        # just the header's URL and body.
        provider = Client(srv, origin=False)
        msg = [m for m in relay.parsed() if m["To"].addresses[0].addr_spec == "one@example.com"][0]
        url = msg["List-Unsubscribe"].strip("<>")
        assert url == by_job[one_click]["unsubscribe"]
        r = provider.request("POST", urllib.parse.urlsplit(url).path,
                             body=b"List-Unsubscribe=One-Click",
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert r.status == 200 and "Messages stopped" in r.text, r
        # The RFC's own example sends it as multipart/form-data.
        boundary = "---FormBoundaryjWmhtjORrn"
        body = ("--%s\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\n"
                "One-Click\r\n--%s--\r\n" % (boundary, boundary)).encode()
        r = provider.request("POST", unsubscribe_path(by_job[multipart]), body=body,
                             headers={"Content-Type": "multipart/form-data; boundary=" + boundary})
        assert r.status == 200 and "Messages stopped" in r.text, r

        # A person follows the link: a page with one button (a form with
        # its form token), then the POST from that page.
        person = Client(srv)
        page = person.get(unsubscribe_path(by_job[button]))
        assert page.status == 200 and "Stop messages about this order" in page.text
        assert "Bijouterie Zoë &amp; Fils" in page.text
        assert page.header("Cache-Control") == "no-store"
        assert "default-src 'none'" in page.header("Content-Security-Policy")
        assert re.search(r'<form method="post" action="%s"><input type="hidden" name="fk" value="[^"]+">'
                         % re.escape(unsubscribe_path(by_job[button])), page.text)
        r = person.post(unsubscribe_path(by_job[button]), {}, csrf=False, fk=True)
        assert r.status == 200 and "Messages stopped" in r.text
        again = person.post(unsubscribe_path(by_job[button]), {}, csrf=False, fk=True)
        assert again.status == 200 and "Messages stopped" in again.text
        assert person.get(unsubscribe_path(by_job[button])).text.count("Messages stopped") >= 1

        assert srv.sql("SELECT id FROM jobs WHERE notify_off = 1 ORDER BY id") == [
            (one_click,), (multipart,), (button,)]

        # A token we did not make, or altered, is the ordinary not-found.
        missing = provider.get("/track/RPR-0000-0000-0000-0000")
        token = unsubscribe_path(by_job[one_click]).rsplit("/", 1)[1]
        forged = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
        for path in ("/track/unsubscribe/" + forged, "/track/unsubscribe/x",
                     "/track/unsubscribe/" + by_job[one_click]["link"].rsplit("/", 1)[1]):
            for method in ("GET", "POST"):
                r = provider.request(method, path, body=b"List-Unsubscribe=One-Click" if method == "POST" else None,
                                     headers={"Content-Type": "application/x-www-form-urlencoded"}
                                     if method == "POST" else None)
                assert (r.status, r.body) == (missing.status, missing.body), (path, method, r)
        # Only GET, HEAD and POST; and a POST writes nothing without a valid token.
        assert srv.sql("SELECT count(*) FROM jobs WHERE notify_off = 1")[0][0] == 3

        # Their orders move on: nothing is queued, nothing is sent.
        before = len(rows(srv))
        for job in (one_click, multipart, button, quiet):
            staff.move(job, "Ready for pickup")
        assert len(rows(srv)) == before
        r = send(srv)
        assert r.stdout == "" and len(relay.messages) == 3


def test_relay_down_leaves_the_row_queued_then_delivers_it_once():
    with Secrets() as secrets:
        relay = Relay()                 # its port, with nothing listening yet
        with Server(**smtp_settings(relay.port, secrets)) as srv:
            staff = open_shop(srv)
            staff.book_in(customer_email="ada@example.com", notify_channel="email")
            t0 = int(time.time())
            r = send(srv)
            assert r.returncode == 0, r.stderr      # attempted: the failure is on the row
            assert "failed (attempt 1 of 8, next in 60 s): mail relay:" in r.stdout, r.stdout
            [n] = rows(srv)
            assert (n["state"], n["attempts"]) == ("queued", 1)
            assert n["last_error"].startswith("mail relay: ") and "connect" in n["last_error"].lower()
            assert n["next_at"] >= t0 + 60
            # Run again before it is due: not tried.
            send(srv)
            assert rows(srv)[0]["attempts"] == 1

            with relay:
                r = send(srv)
                assert r.stdout == "" and relay.messages == []    # still not due
                srv.sql("UPDATE notifications SET next_at = 0")
                send(srv)
                send(srv)
                assert len(relay.messages) == 1
                [n] = rows(srv)
                assert (n["state"], n["attempts"]) == ("sent", 2)
                assert relay.parsed()[0]["Message-ID"] == n["message_id"]


def test_a_sender_killed_mid_send_leaves_no_message_lost_or_doubled():
    with Secrets() as secrets, Relay() as relay, \
            Server(**smtp_settings(relay.port, secrets)) as srv:
        staff = open_shop(srv)
        for who in ("first", "second", "slow"):
            staff.book_in(customer_email=who + "@example.com", notify_channel="email")
        relay.stall = "slow@example.com"
        env = dict(os.environ, HALLMARK_CONFIG=srv.conf)
        proc = subprocess.Popen([srv.ctl_path, "send"], env=env, cwd=srv.dir,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                **as_web_user(srv.user))
        try:
            assert relay.stalled.wait(20), "the sender never reached the stalled RCPT"
            proc.send_signal(signal.SIGKILL)
        finally:
            proc.communicate(timeout=20)
        assert proc.returncode == -signal.SIGKILL
        assert sorted(r[0] for _, r, _ in relay.messages) == ["first@example.com",
                                                              "second@example.com"]
        slow = rows(srv, "recipient = 'slow@example.com'")[0]
        assert (slow["state"], slow["attempts"]) == ("sending", 1)
        relay.stall = None
        relay.release.set()

        # Its claim is fresh: another run leaves it alone.
        r = send(srv)
        assert r.stdout == "" and len(relay.messages) == 2
        # Once the claim is stale, the next run delivers it, once.
        srv.sql("UPDATE notifications SET next_at = next_at - 301 WHERE state = 'sending'")
        r = send(srv)
        assert "slow@example.com" not in r.stdout and ": sent" in r.stdout
        send(srv)
        assert len(relay.messages) == 3
        ids = [m["Message-ID"] for m in relay.parsed()]
        assert len(set(ids)) == 3 and ids[2] == slow["message_id"]
        assert [n["state"] for n in rows(srv)] == ["sent"] * 3
        assert rows(srv, "recipient = 'slow@example.com'")[0]["attempts"] == 2


def test_after_the_last_attempt_the_row_is_failed_with_the_reason():
    with Secrets() as secrets, Server(**smtp_settings(free_port(), secrets)) as srv:
        staff = open_shop(srv)
        staff.book_in(customer_email="ada@example.com", notify_channel="email")
        for attempt in range(1, 9):
            r = send(srv)
            assert r.returncode == 0
            [n] = rows(srv)
            assert n["attempts"] == attempt
            if attempt < 8:
                assert n["state"] == "queued" and "attempt %d of 8" % attempt in r.stdout
                srv.sql("UPDATE notifications SET next_at = 0")
        assert n["state"] == "failed" and n["last_error"].startswith("mail relay: ")
        assert "gave up after 8 attempts: mail relay: " in r.stdout
        srv.sql("UPDATE notifications SET next_at = 0")
        r = send(srv)
        assert r.stdout == "" and rows(srv)[0]["attempts"] == 8


def test_file_transport_writes_the_messages_smtp_would_send():
    with Secrets() as secrets:
        state = secrets.subdir("state")
        mail_dir, sms_dir = os.path.join(state, "mail"), os.path.join(state, "sms")
        with Server(mail_transport="file", mail_dir=mail_dir, sms_transport="file",
                    sms_dir=sms_dir, mail_from=MAIL_FROM) as srv:
            staff = open_shop(srv)
            staff.book_in(customer_email="ada@example.com", notify_channel="email")
            staff.book_in(customer_phone="+44 7700 900123", notify_channel="sms")
            # The sender of `make run`: rounds every second until stopped.
            env = dict(os.environ, HALLMARK_CONFIG=srv.conf)
            proc = subprocess.Popen([srv.ctl_path, "send", "--loop", "1"], env=env, cwd=srv.dir,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                    **as_web_user(srv.user))
            try:
                deadline = time.time() + 20
                while time.time() < deadline and not (glob.glob(os.path.join(mail_dir, "*.eml"))
                                                      and glob.glob(os.path.join(sms_dir, "*.txt"))):
                    time.sleep(0.1)
                proc.send_signal(signal.SIGTERM)
                out, err = proc.communicate(timeout=10)
            finally:
                if proc.poll() is None:
                    proc.kill()
            assert proc.returncode == 0, err
            assert "delivering every 1 s" in out and out.count(": sent") == 2, out
            email_row, sms_row = rows(srv)
            assert [os.path.basename(p) for p in glob.glob(os.path.join(mail_dir, "*"))] == [
                os.path.basename(p) for p in glob.glob(os.path.join(mail_dir, "*.eml"))]
            [eml] = glob.glob(os.path.join(mail_dir, "*"))
            assert re.fullmatch(r"\d{8}T\d{6}Z-%d\.eml" % email_row["id"], os.path.basename(eml))
            assert not [f for f in os.listdir(mail_dir) if f.startswith(".")]
            raw = open(eml, "rb").read()
            assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            check_email(msg, email_row, "ada@example.com", "Bijouterie Zoë & Fils")
            [txt] = glob.glob(os.path.join(sms_dir, "*"))
            assert re.fullmatch(r"\d{8}T\d{6}Z-%d\.txt" % sms_row["id"], os.path.basename(txt))
            text = open(txt, encoding="utf-8").read()
            assert text.startswith("To: +447700900123\n") and sms_row["body"] in text
            assert [n["state"] for n in rows(srv)] == ["sent", "sent"]


def test_send_refuses_a_configuration_it_cannot_use():
    with Secrets() as secrets:
        cases = [
            (dict(mail_transport="smtp", mail_from=MAIL_FROM), "smtp_url"),
            (dict(mail_transport="smtp", smtp_url="http://relay", mail_from=MAIL_FROM), "smtp_url"),
            (dict(mail_transport="smtp", smtp_url="smtp://127.0.0.1:25", mail_from="nobody"),
             "mail_from"),
            (dict(mail_transport="smtp", smtp_url="smtp://127.0.0.1:25", mail_from=MAIL_FROM,
                  smtp_user="u"), "smtp_password_file"),
            (dict(mail_transport="smtp", smtp_url="smtp://127.0.0.1:25", mail_from=MAIL_FROM,
                  smtp_user="u", smtp_password_file="/nonexistent"), "/nonexistent"),
            (dict(sms_transport="http"), "sms_url"),
            (dict(sms_transport="http", sms_url="http://127.0.0.1:9/"), "sms_body"),
            (dict(sms_transport="http", sms_url="http://127.0.0.1:9/", sms_body="x={text}",
                  sms_auth_file=secrets.put("bad-auth", "no header here\n")), "sms_auth_file"),
            (dict(mail_transport="file", mail_from=MAIL_FROM), "mail_dir"),
        ]
        for settings, word in cases:
            with Server(**settings) as srv:
                r = srv.ctl("send", check=False)
                assert r.returncode == 1 and word in r.stderr, (settings, r.stderr)
        with Server() as srv:
            r = srv.ctl("send", "--loop", "0", check=False)
            assert r.returncode != 0 and "--loop" in r.stderr
            # Nothing configured, nothing queued: nothing to do, and fine.
            r = srv.ctl("send")
            assert r.returncode == 0 and r.stdout == ""


def test_purge_and_the_danger_zone_take_a_jobs_notifications_with_it():
    # A job that messaged its customer is still purged when its period
    # is over (and wiped by the danger zone), its notifications with it:
    # they hold the customer's address and link.
    with Server(mail_transport="file", mail_dir="mail", mail_from=MAIL_FROM) as srv:
        staff = open_shop(srv, name="Test Jewellers")
        old, _ = staff.book_in(customer_email="ada@example.com", notify_channel="email")
        kept, _ = staff.book_in(customer_email="grace@example.com", notify_channel="email")
        send(srv)
        staff.move(old, "Completed")
        srv.sql("UPDATE jobs SET closed_at = closed_at - 400 * 86400 WHERE id = ?", old)
        r = srv.ctl("purge", check=False)
        assert r.returncode == 0 and "purged 1 job" in r.stdout, r.stdout + r.stderr
        assert srv.sql("SELECT id FROM jobs") == [(kept,)]
        assert [n["recipient"] for n in rows(srv)] == ["grace@example.com"]
        staff.get("/admin/danger")
        r = staff.post("/admin/danger", {"confirm_name": "Test Jewellers"})
        assert r.status == 200 and "Deleted 1 job" in r.text
        assert srv.sql("SELECT count(*) FROM jobs")[0][0] == 0 and rows(srv) == []
