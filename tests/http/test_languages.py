"""Every customer-facing page in the customer's language, through lighttpd:
Accept-Language picks it, the menu overrides it and the cookie keeps it,
the job's recorded language wins over the browser, Arabic reads right to
left, dates are localised, not-found is uniform within a language, a
shop's own wording per language, and the notifications of the outbox in the
customer's language, as they arrive by email and SMS."""

import email
import email.policy
import gettext
import os
import re
import subprocess
import tempfile
import urllib.parse

from harness import ROOT, Client, Server, StaffServer, issue_passport, visible_text
from test_notifications import Gateway, Relay, Secrets, rows, send, smtp_settings

LANGS = ["ar", "de", "es", "fr", "it"]
_catalogs = {}


def catalog(lang):
    """The language's catalog as the build compiles it (msgfmt), read by
    Python's gettext: what a page must say, without repeating it here."""
    if lang not in _catalogs:
        with tempfile.TemporaryDirectory() as d:
            mo = os.path.join(d, lang + ".mo")
            subprocess.run(["msgfmt", "-o", mo, os.path.join(ROOT, "src", "po", lang + ".po")],
                           check=True)
            with open(mo, "rb") as f:
                _catalogs[lang] = gettext.GNUTranslations(f)
    return _catalogs[lang]


def tr(lang, msgid, ctx=None):
    if lang == "en":
        return msgid
    return catalog(lang).pgettext(ctx, msgid) if ctx else catalog(lang).gettext(msgid)


def html_lang(page):
    m = re.search(r'<html lang="([a-z]+)" dir="(ltr|rtl)">', page.text)
    return m.groups() if m else None


def book(s, **fields):
    staff = Client(s)
    staff.login()
    job, tid = staff.book_in(**fields)
    return staff, job, tid


def test_accept_language_picks_each_language_with_fallbacks():
    with StaffServer() as s:
        staff, job, tid = book(s, item_type="Ring", due_date="2026-12-24")
        c = Client(s, origin=False)
        for lang in LANGS:
            r = c.get("/track/" + tid, headers={"Accept-Language": "%s-XX,%s;q=0.9,en;q=0.5"
                                                % (lang.upper(), lang)})
            assert r.status == 200
            assert r.header("Content-Language") == lang
            assert "Accept-Language" in r.header("Vary") and "Cookie" in r.header("Vary")
            assert html_lang(r) == (lang, "rtl" if lang == "ar" else "ltr")
            text = visible_text(r.text)
            for msgid in ("Tracking ID", "What happens next", "Send message"):
                assert tr(lang, msgid) in text and tr(lang, msgid) != msgid, (lang, msgid)
            assert tr(lang, "Booked in", "stage") in text
            assert "What happens next" not in text
        # No Portuguese: the next choice; q=0 refuses; nothing shipped: the shop's.
        for header, want in (("pt-BR,pt;q=0.9,fr;q=0.8", "fr"), ("de;q=0,it;q=0.1", "it"),
                             ("zh-Hant,ja", "en"), ("", "en")):
            r = c.get("/track/" + tid, headers={"Accept-Language": header})
            assert r.header("Content-Language") == want, header
        s.sql("UPDATE shops SET language = 'de'")
        r = c.get("/track/" + tid, headers={"Accept-Language": "ja"})
        assert r.header("Content-Language") == "de"
        # The other public pages follow the browser too.
        for path in ("/track", "/verify", "/track/RPR-0000-0000-0000-0000"):
            r = c.get(path, headers={"Accept-Language": "it"})
            assert r.header("Content-Language") == "it" and html_lang(r)[0] == "it", path


def test_the_menu_overrides_the_browser_and_the_cookie_keeps_the_choice():
    with StaffServer() as s:
        staff, job, tid = book(s)
        c = Client(s, origin=False)
        page = c.get("/track/" + tid, headers={"Accept-Language": "de"})
        assert page.header("Content-Language") == "de"
        # The menu: every language in its own name, linking to this page.
        menu = re.search(r'<nav class="lang-menu".*?</nav>', page.text, re.S).group(0)
        links = re.findall(r'<a href="/track/%s\?lang=([a-z]+)" hreflang="\1" lang="\1"'
                           r'( aria-current="true")?>([^<]+)</a>' % tid, menu)
        assert [l[0] for l in links] == ["en", "ar", "de", "es", "fr", "it"]
        assert {l[0]: l[2] for l in links} == {"en": "English", "ar": "العربية", "de": "Deutsch",
                                               "es": "Español", "fr": "Français", "it": "Italiano"}
        assert [l[0] for l in links if l[1]] == ["de"]
        r = c.get("/track/%s?lang=it" % tid, headers={"Accept-Language": "de"})
        assert r.header("Content-Language") == "it"
        cookie = r.header("Set-Cookie")
        assert cookie.startswith("hm_lang=it; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly")
        # The cookie carries the choice and nothing else.
        assert re.fullmatch(r"hm_lang=it; Path=/; Max-Age=\d+; SameSite=Lax; HttpOnly", cookie)
        jar = {"Cookie": "hm_lang=it", "Accept-Language": "de"}
        for path in ("/track/" + tid, "/track", "/verify", "/track/RPR-0000-0000-0000-0000"):
            r = c.get(path, headers=jar)
            assert r.header("Content-Language") == "it", path
            assert r.header("Set-Cookie") is None, path      # nothing to remember again
        # A language not shipped is ignored, not an error.
        c.cookies.clear()
        r = c.get("/track/%s?lang=xx" % tid, headers={"Accept-Language": "fr"})
        assert r.status == 200 and r.header("Content-Language") == "fr"
        assert r.header("Set-Cookie") is None
        # A page answering a form keeps the menu pointing at the order page.
        r = c.post("/track/%s/messages" % tid, {"body": ""}, csrf=False,
                   headers={"Cookie": "hm_lang=es", "Origin": s.base})
        assert r.status == 422 and r.header("Content-Language") == "es"
        assert 'href="/track/%s?lang=fr"' % tid in r.text


def test_the_jobs_language_wins_over_the_browser_but_not_over_the_customers_pick():
    with StaffServer() as s:
        staff, job, tid = book(s)
        s.sql("UPDATE jobs SET language = 'es' WHERE id = ?", job)
        c = Client(s, origin=False)
        r = c.get("/track/" + tid, headers={"Accept-Language": "fr"})
        assert r.header("Content-Language") == "es"
        r = c.get("/track/" + tid, headers={"Accept-Language": "fr", "Cookie": "hm_lang=de"})
        assert r.header("Content-Language") == "de"
        # The thread's refresh speaks the page's language.
        c.post("/track/%s/messages" % tid, {"body": "Hola"}, csrf=False,
               headers={"Origin": s.base})
        j = c.get("/track/%s/messages.json" % tid)
        assert tr("es", "You", "message author") in j.text


def test_arabic_pages_read_right_to_left():
    with StaffServer() as s:
        staff, job, tid = book(s)
        pid, uid = issue_passport(staff, title="خاتم", is_public="1")
        c = Client(s, origin=False)
        for path in ("/track/" + tid, "/track", "/verify", "/verify/" + uid,
                     "/track/RPR-0000-0000-0000-0000", "/verify/" + "0" * 8 + "-0000-4000-8000-" + "0" * 12):
            r = c.get(path, headers={"Accept-Language": "ar"})
            assert html_lang(r) == ("ar", "rtl"), path
            assert r.header("Content-Language") == "ar"
        for lang in ("en", "es"):
            assert html_lang(c.get("/track/" + tid, headers={"Accept-Language": lang}))[1] == "ltr"


def test_dates_and_amounts_are_written_as_the_language_does():
    with StaffServer() as s:
        staff, job, tid = book(s, due_date="2026-12-24")
        pid, uid = issue_passport(staff, title="Ring", is_public="1", owner_name="Ada",
                                  owner_public="1", owner_price="8400.00",
                                  owner_purchase_date="2026-05-04")
        c = Client(s, origin=False)
        for lang in LANGS:
            text = visible_text(c.get("/track/" + tid, headers={"Accept-Language": lang}).text)
            assert tr(lang, "Dec", "month abbreviation") in text, lang
            assert tr(lang, "Thu", "weekday abbreviation") in text, lang     # 24 Dec 2026
            assert "Dec" not in text or tr(lang, "Dec", "month abbreviation") == "Dec"
            page = c.get("/verify/" + uid, headers={"Accept-Language": lang})
            text = visible_text(page.text)
            sep, dec = tr(lang, ",", "thousands separator"), tr(lang, ".", "decimal separator")
            # (visible_text makes every space one: a narrow no-break one too)
            assert re.sub(r"\s", " ", "8%s400%s00" % (sep, dec)) in text, lang
            assert tr(lang, "May", "month abbreviation") in text, lang
            # A date carries its machine-readable form.
            assert re.search(r'<time datetime="2026-05-04">', page.text)
        page = c.get("/track/" + tid, headers={"Accept-Language": "ar"})
        # Booked in today: the time reads as the language's clock does.
        assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">', page.text)


def comparable(r):
    return (r.status, sorted((k, v) for k, v in r.headers if k.lower() != "date"), r.body)


def test_not_found_is_uniform_within_a_language():
    with StaffServer(ratelimit_lookups="3") as s:
        staff, job, tid = book(s)
        _, _, revoked = book(s)
        revoked_job = s.sql("SELECT id FROM jobs WHERE tracking_id = ?", revoked)[0][0]
        s.sql("UPDATE jobs SET revoked_at = 1, language = 'es' WHERE id = ?", revoked_job)
        s.sql("UPDATE shops SET language = 'de'")
        for i, lang in enumerate(["en"] + LANGS):
            c = Client(s, origin=False, source="127.0.0.%d" % (10 + i))
            h = {"Accept-Language": lang}
            misses = [c.get(p, headers=h) for p in ("/track/RPR-0000-0000-0000-0000",
                                                    "/track/not-an-id", "/track/" + revoked)]
            # Over the limit now: a real order reads the same.
            misses.append(c.get("/track/" + tid, headers=h))
            assert misses[0].status == 404
            assert misses[0].header("Content-Language") == lang
            first = comparable(misses[0])
            for m in misses[1:]:
                assert comparable(m) == first, lang
            if lang != "en":
                assert tr(lang, "Order not found") in visible_text(misses[0].text)


def test_a_shops_own_wording_per_language_and_its_fallback():
    with StaffServer() as s:
        staff, job, tid = book(s)
        wf = s.sql("SELECT workflow_id, stage_id FROM jobs WHERE id = ?", job)[0]
        # The shop rewords its first stage (in its default language, English)…
        s.sql("UPDATE stages SET label = 'At the bench', next_step = 'We will call you.' "
              "WHERE id = ?", wf[1])
        # …and writes it in Spanish too, leaving the next step to fall back.
        from test_workflows import form_of
        texts = "/admin/workflows/%d/texts" % wf[0]
        form = form_of(staff.get(texts + "?language=es"), texts)
        form["stage_1_label"] = "En el taller"
        assert staff.post(texts, form, csrf=False).status == 303
        assert s.sql("SELECT label FROM stage_texts WHERE stage_id = ? AND lang = 'es'",
                     wf[1]) == [("En el taller",)]
        c = Client(s, origin=False)
        es = visible_text(c.get("/track/" + tid, headers={"Accept-Language": "es"}).text)
        assert "En el taller" in es and "At the bench" not in es
        assert "We will call you." in es            # the shop's default-language wording
        # The built-in stages it did not touch are translated by the catalog.
        assert tr("es", "Ready for pickup", "stage") in es
        fr = visible_text(c.get("/track/" + tid, headers={"Accept-Language": "fr"}).text)
        assert "At the bench" in fr and "En el taller" not in fr


def test_notifications_are_written_in_the_customers_language():
    with Secrets() as secrets, Relay() as relay, Gateway() as gateway, \
            Server(**smtp_settings(relay.port, secrets), sms_transport="http",
                   sms_url="http://127.0.0.1:%d/send" % gateway.port,
                   sms_body="to={to}&text={text}") as srv:
        srv.add_shop(name="Bijouterie Zoë")
        srv.add_user()
        staff = Client(srv)
        staff.login()
        # The shop's default language is German; one customer reads Spanish.
        srv.sql("UPDATE shops SET language = 'de', email = 'shop@bijouterie.test'")
        job, tid = staff.book_in(customer_name="Ana", item_type="Anillo",
                                 customer_email="ana@example.com", notify_channel="email",
                                 language="es")
        if not srv.sql("SELECT language FROM jobs WHERE id = ?", job)[0][0]:
            # (until the book-in form records a language)
            srv.sql("UPDATE jobs SET language = 'es' WHERE id = ?", job)
            srv.sql("DELETE FROM notifications")
            staff.post("/admin/jobs/%d/notify" % job, {})
        sms_job, _ = staff.book_in(customer_name="Omar", item_type="Ring",
                                   customer_phone="+447700900123", notify_channel="sms")
        staff.move(job, "Ready for pickup")
        staff.move(sms_job, "Ready for pickup")
        langs = {r[0]: r[1] for r in srv.sql("SELECT kind || job_id, lang FROM notifications")}
        assert langs["booked_in%d" % job] == "es" and langs["ready%d" % job] == "es"
        assert langs["ready%d" % sms_job] == "de"          # not recorded: the shop's
        send(srv)
        mails = relay.parsed()
        assert len(mails) == 2
        booked, ready = mails
        want = tr("es", "{shop_name}: your {item} is ready to collect")
        assert ready["Subject"] == want.replace("{shop_name}", "Bijouterie Zoë").replace(
            "{item}", "Anillo")
        text = ready.get_body(("plain",)).get_content()
        assert tr("es", "To stop messages about this order, open:") in text
        body = ready.get_body(("html",)).get_content()
        assert '<html lang="es" dir="ltr">' in body
        assert tr("es", "See your order") in body
        assert tr("es", "Stop messages about this order") in body
        # The SMS to the customer with no recorded language is in the shop's.
        sms = gateway.requests[-1]          # booked in, then ready
        text = urllib.parse.parse_qs(sms["body"].decode())["text"][0]
        assert text.startswith(tr("de", "Hello {customer_name},\n\nGood news: your {item} is "
                                        "ready to collect. Please bring your slip or your "
                                        "tracking ID, {tracking_id}.\n\nHow to find us, and your "
                                        "order:\n{tracking_url}\n\n{shop_name}")
                               .split("{customer_name}")[0])
        # The unsubscribe page speaks the customer's language too.
        unsub = urllib.parse.urlsplit(rows(srv, "kind = 'ready' AND job_id = ?", job)[0]
                                      ["unsubscribe"]).path
        page = Client(srv, origin=False).get(unsub)
        assert page.header("Content-Language") == "es"
        assert tr("es", "Stop messages about this order?") in visible_text(page.text)


ENGLISH_WORD = re.compile(r"\b[A-Za-z][a-z]{2,}\b")


MENU = {"English", "Deutsch", "Español", "Français", "Italiano"}


def english_left(page, allowed):
    """Words of English left on a page that should have none: Latin-script
    words of three letters or more that are not data the test put there, the
    language menu's names or a command in <code>."""
    text = visible_text(re.sub(r"(?s)<code\b.*?</code>", " ", page.text))
    text = re.sub(r"[A-Z]{3}(-[0-9A-Z]{4}){4}", " ", text)      # tracking IDs
    words = set(ENGLISH_WORD.findall(text)) - set(allowed) - MENU
    return sorted(words)


def test_no_english_is_left_on_arabic_pages():
    """Every customer-facing text goes through the catalog: with Arabic data,
    an Arabic page has no English word at any stage of an order."""
    with StaffServer() as s:
        s.sql("UPDATE shops SET name = 'مجوهرات الندى', phone = '+971 4 123 4567', "
              "address = 'دبي', whatsapp = '+971501234567', email = 'shop@example.com'")
        staff = Client(s)
        staff.login()
        job, tid = staff.book_in(customer_name="ليلى", item_type="خاتم",
                                 item_description="خاتم ذهب", problem="تغيير المقاس",
                                 due_date="2026-12-24")
        allowed = {"shop", "example", "com", "WhatsApp", "Hallmark"}
        c = Client(s, origin=False)
        h = {"Accept-Language": "ar"}
        pages = {"booked": c.get("/track/" + tid, headers=h)}
        c.post("/track/%s/messages" % tid, {"body": "مرحبا"}, csrf=False,
               headers={"Origin": s.base})
        staff.get("/admin/jobs/%d" % job)
        staff.post("/admin/jobs/%d/messages" % job, {"body": "أهلا"})
        pages["thread"] = c.get("/track/" + tid, headers=h)
        pages["422"] = c.post("/track/%s/messages" % tid, {"body": ""}, csrf=False,
                              headers={"Origin": s.base, "Accept-Language": "ar"})
        staff.move(job, "Ready for pickup", note="جاهز", public=True)
        pages["ready"] = c.get("/track/" + tid, headers=h)
        staff.move(job, "Cancelled")
        pages["cancelled"] = c.get("/track/" + tid, headers=h)
        bsp_job, bsp = staff.book_in(item_type="قلادة", workflow=s.sql(
            "SELECT id FROM workflows WHERE prefix = 'BSP'")[0][0])
        staff.move(bsp_job, "Design review")
        pages["decision"] = c.get("/track/" + bsp, headers=h)
        pages["track"] = c.get("/track", headers=h)
        pages["track-bad"] = c.get("/track?id=xyz", headers=h)
        pages["notfound"] = c.get("/track/RPR-0000-0000-0000-0000", headers=h)
        pid, uid = issue_passport(staff, title="خاتم", is_public="1", metal_type="ذهب",
                                  owner_name="ليلى", owner_public="1")
        pages["verify"] = c.get("/verify", headers=h)
        pages["passport"] = c.get("/verify/" + uid, headers=h)
        pages["verify-nf"] = c.get("/verify/" + "0" * 8 + "-0000-4000-8000-" + "0" * 12,
                                   headers=h)
        pages["error"] = c.get("/track/%s/messages" % tid, headers=h)      # 405
        for name, page in pages.items():
            assert html_lang(page) == ("ar", "rtl"), name
            left = english_left(page, allowed)
            assert not left, (name, left)
