"""Languages on the staff side, through lighttpd: the shop's default language
(Settings), the customer's language recorded at book-in and on the edit
form, which the order page and the job's notifications follow, and a
workflow's wording in another language (/admin/workflows/<id>/texts).

The languages are the build's: English and every src/po/LANG.po, each named
from its own catalog. Spanish is the second language when it is shipped,
else any other; with English alone, what needs a second language checks
what English allows and says what it could not check."""

import functools
import gettext
import glob
import html
import os
import re
import subprocess
import sys
import tempfile

from harness import ROOT, Client, StaffServer, visible_text
from test_workflows import edit, form_of, row_of

BOOKED_SUBJECT = "{shop_name}: your {item} is booked in"
SHOP = "Test Jewellers"


@functools.lru_cache(maxsize=None)
def catalog(code):
    """The build's catalog for code, read the way gettext reads it (msgfmt
    compiles src/po/CODE.po, as the build does); English has none."""
    if code == "en":
        return gettext.NullTranslations()
    with tempfile.TemporaryDirectory() as d:
        mo = os.path.join(d, code + ".mo")
        subprocess.run(["msgfmt", "-o", mo, os.path.join(ROOT, "src", "po", code + ".po")],
                       check=True)
        with open(mo, "rb") as f:
            return gettext.GNUTranslations(f)


def shipped():
    """The languages the build ships, in the order staff are offered them:
    English, then the others by code; each with its name in itself."""
    codes = ["en"] + sorted(os.path.basename(p)[:-3]
                            for p in glob.glob(os.path.join(ROOT, "src", "po", "*.po")))
    return [(c, catalog(c).pgettext("language name", "English")) for c in codes]


def second_language():
    """Spanish when shipped, else another language than English, else None."""
    codes = [c for c, _n in shipped()]
    if "es" in codes:
        return "es"
    return codes[1] if len(codes) > 1 else None


def name_of(code):
    return dict(shipped())[code]


def skipped(what):
    print("      (%s: only English is shipped, not checked)" % what, file=sys.stderr)


def signed_in(s, username="staff"):
    c = Client(s)
    c.login(username=username)
    return c


def options(page, select_id):
    """(value, text, selected) of each option of the select with this id."""
    m = re.search(r'<select id="%s"[^>]*>(.*?)</select>' % re.escape(select_id), page.text, re.S)
    assert m, "no select #%s on the page" % select_id
    return [(v, html.unescape(t), re.search(r"\bselected\b", attrs) is not None)
            for v, attrs, t in re.findall(r'<option value="([^"]*)"([^>]*)>(.*?)</option>',
                                          m.group(1))]


def field_error(page, name):
    m = re.search(r'<p class="field-error" id="e-%s">(.*?)</p>' % re.escape(name), page.text)
    return m and html.unescape(m.group(1))


def placeholder(page, field_id):
    """The placeholder of the input or textarea with this id, as read."""
    m = re.search(r'id="%s"[^>]*placeholder="([^"]*)"' % re.escape(field_id), page.text)
    assert m, "no placeholder on #%s" % field_id
    return html.unescape(m.group(1))


def settings_form(**changes):
    """What the settings form sends, filled in as a person would."""
    form = {"name": SHOP, "timezone": "Europe/London", "theme": "auto", "retention_days": "90",
            "slip_size": "80mm", "tracking_on": "1"}
    form.update(changes)
    return form


def order_language(s, tid, **headers):
    """The language the order page is written in: Content-Language, which
    must agree with the page's own lang attribute."""
    r = Client(s).get("/track/%s" % tid, headers=headers)
    assert r.status == 200, r
    m = re.search(r'<html lang="([^"]+)"', r.text)
    assert m and m.group(1) == r.header("Content-Language"), r.text[:200]
    return r.header("Content-Language"), r


def job_lang(s, job):
    return s.sql("SELECT language FROM jobs WHERE id = ?", job)[0][0]


def test_the_shops_default_language_is_a_setting_the_order_page_falls_back_to():
    with StaffServer() as s:
        c = signed_in(s)
        page = c.get("/admin/settings")
        # Every shipped language, each named in itself, the shop's chosen.
        assert [(v, t) for v, t, _sel in options(page, "language")] == shipped()
        assert [v for v, _t, sel in options(page, "language") if sel] == ["en"]
        target = second_language() or "en"

        r = c.post("/admin/settings", settings_form(language=target))
        assert r.status == 200 and "Saved." in visible_text(r.text), r
        assert s.sql("SELECT language FROM shops WHERE slug = 'shop'") == [(target,)]
        assert [v for v, _t, sel in options(c.get("/admin/settings"), "language") if sel] == [target]

        # A job with no recorded language, a browser that asks for nothing:
        # the shop's default.
        job, tid = c.book_in()
        assert job_lang(s, job) == ""
        assert order_language(s, tid)[0] == target
        # A browser asking for a language Hallmark does not have changes nothing.
        assert order_language(s, tid, **{"Accept-Language": "tlh"})[0] == target

        # A form without the field (an older page, a script) leaves it be.
        c.get("/admin/settings")
        form = settings_form()
        assert c.post("/admin/settings", form).status == 200
        assert s.sql("SELECT language FROM shops WHERE slug = 'shop'") == [(target,)]

        # A language Hallmark does not have is refused beside its field,
        # with everything typed kept and nothing saved.
        for bad in ("xx", target.upper(), ""):
            c.get("/admin/settings")
            r = c.post("/admin/settings", settings_form(language=bad, name="Renamed Jewellers"))
            assert r.status == 422, (bad, r)
            assert field_error(r, "language") == "Choose a language from the list.", bad
            assert 'value="Renamed Jewellers"' in r.text
            assert s.sql("SELECT name, language FROM shops WHERE slug = 'shop'") == [(SHOP, target)]
        if target == "en":
            skipped("the order page in another default language")


def test_the_customers_language_at_book_in_is_shown_and_drives_page_and_messages():
    mail = tempfile.mkdtemp(prefix="hallmark-mail-")
    with StaffServer(mail_transport="file", mail_dir=mail, mail_from="t@hallmark.test") as s:
        c = signed_in(s)
        page = c.get("/admin/jobs/new")
        # "Not recorded" names what the customer then gets, the shop's
        # default; then every language, named in itself.
        assert options(page, "customer_language") == [("", "Not recorded: English", True)] + [
            (code, name, False) for code, name in shipped()]
        target = second_language() or "en"

        job, tid = c.book_in(customer_language=target, customer_email="ada@example.com",
                             notify_channel="email")
        assert job_lang(s, job) == target
        text = visible_text(c.get("/admin/jobs/%d" % job).text)
        assert "Customer's language %s " % name_of(target) in text, text

        # The booked-in email is queued in the customer's language.
        rows = s.sql("SELECT lang, subject, body FROM notifications WHERE job_id = ?", job)
        assert [r[0] for r in rows] == [target], rows
        subject = catalog(target).gettext(BOOKED_SUBJECT).format(shop_name=SHOP, item="Ring")
        if target == "es" and os.path.exists(os.path.join(ROOT, "src", "po", "es.po")):
            assert subject != BOOKED_SUBJECT.format(shop_name=SHOP, item="Ring")
        assert rows[0][1] == subject, (rows[0][1], subject)

        # The order page follows it, whatever the browser prefers, until the
        # customer picks another language on the page.
        assert order_language(s, tid)[0] == target
        other = "en" if target != "en" else None
        if other:
            assert order_language(s, tid, **{"Accept-Language": other})[0] == target
            lang, r = order_language(s, tid + "?lang=" + other)
            assert lang == other
        else:
            skipped("the job's language against the browser's")

        # Refused: a language Hallmark does not have, or one not written as
        # the form offers it; what was typed stays, no job is made.
        count = s.sql("SELECT count(*) FROM jobs")[0][0]
        for bad in ("xx", target.upper(), "es-MX" if target == "es" else target + "-XX"):
            c.get("/admin/jobs/new")
            wf = re.search(r'name="workflow" value="(\d+)" checked', c.last.text).group(1)
            r = c.post("/admin/jobs/new", {"workflow": wf, "customer_name": "Grace Hopper",
                                           "item_type": "Watch", "customer_language": bad})
            assert r.status == 422, (bad, r)
            assert field_error(r, "customer_language") == "Choose a language from the list."
            assert 'value="Grace Hopper"' in r.text and 'value="Watch"' in r.text
        assert s.sql("SELECT count(*) FROM jobs")[0][0] == count

        # The edit form shows it, changes it, refuses a bad one, and a form
        # without the field leaves it be.
        page = c.get("/admin/jobs/%d/edit" % job)
        assert [v for v, _t, sel in options(page, "customer_language") if sel] == [target]
        fields = {"customer_name": "Ada Lovelace", "item_type": "Ring",
                  "customer_email": "ada@example.com", "notify_channel": "email"}
        r = c.post("/admin/jobs/%d/edit" % job, dict(fields, customer_language="zz"))
        assert r.status == 422 and field_error(r, "customer_language")
        assert job_lang(s, job) == target
        c.get("/admin/jobs/%d/edit" % job)
        assert c.post("/admin/jobs/%d/edit" % job, fields).status == 303
        assert job_lang(s, job) == target
        c.get("/admin/jobs/%d/edit" % job)
        assert c.post("/admin/jobs/%d/edit" % job, dict(fields, customer_language="")).status == 303
        assert job_lang(s, job) == ""
        assert "Customer's language Not recorded: English " in visible_text(
            c.get("/admin/jobs/%d" % job).text)
        c.get("/admin/jobs/%d/edit" % job)
        assert c.post("/admin/jobs/%d/edit" % job,
                      dict(fields, customer_language=target)).status == 303

        # A later notification of the job is written in it too.
        c.move(job, "Ready for pickup")
        rows = s.sql("SELECT lang FROM notifications WHERE job_id = ? AND kind = 'ready'", job)
        assert rows == [(target,)], rows


def test_a_workflows_wording_in_another_language():
    with StaffServer() as s:
        c = signed_in(s)
        wid = s.sql("SELECT id FROM workflows WHERE prefix = 'RPR'")[0][0]
        texts = "/admin/workflows/%d/texts" % wid
        lang = second_language()
        if not lang:
            # Nothing to offer: no picker, and the page leads back to the
            # stages' own wording.
            assert texts not in c.get("/admin/workflows/%d" % wid).text
            r = c.get(texts + "?language=en")
            assert r.status == 303 and r.header("Location").endswith("/admin/workflows/%d" % wid)
            skipped("a workflow's wording in another language")
            return
        cat = catalog(lang)
        # The workflow page offers the shop's other languages.
        page = c.get("/admin/workflows/%d" % wid)
        assert (lang, name_of(lang), False) in options(page, "wording-language")
        assert "en" not in [v for v, _t, _s in options(page, "wording-language")]

        # Nothing written yet: every field empty, showing what customers
        # reading the language see instead.
        page = c.get(texts + "?language=" + lang)
        assert page.status == 200
        rows = re.findall(r'<li class="stage-row[^"]*" id="stage-(\d+)">(.*?)</li>', page.text, re.S)
        assert len(rows) == 8
        assert all('name="stage_%s_label" maxlength="80" value=""' % n in row for n, row in rows)
        assert placeholder(page, "stage_1_label") == cat.pgettext("stage", "Booked in")
        assert placeholder(page, "stage_1_description") == cat.gettext(
            "We have your piece and it is booked in.")
        assert placeholder(page, "stage_2_label") == cat.pgettext("stage", "Assessed")

        # A job whose customer reads the language, and one who reads English.
        job, tid = c.book_in(customer_language=lang)
        job_en, tid_en = c.book_in(customer_language="en")
        wording = {"label": "Recibido en el taller", "description": "Ya tenemos su pieza."}
        form = form_of(page, texts)
        assert form["language"] == lang
        form.update({"stage_1_label": wording["label"], "stage_1_description": wording["description"]})
        first_form = dict(form)
        r = c.post(texts, form, csrf=False)
        assert r.status == 303 and r.header("Location") == texts + "?language=%s&show=saved" % lang, r
        saved = c.get(r.header("Location"))
        assert "Saved." in visible_text(saved.text)
        assert 'value="%s"' % wording["label"] in saved.text
        stage1 = s.sql("SELECT id FROM stages WHERE workflow_id = ? AND code = 'intake'", wid)[0][0]
        assert s.sql("SELECT lang, label, description, next_step FROM stage_texts") == [
            (lang, wording["label"], wording["description"], "")]

        # The order page in the language shows the shop's wording, and the
        # field left empty falls back to the built-in text translated.
        text = visible_text(Client(s).get("/track/%s" % tid).text)
        assert wording["label"] in text and wording["description"] in text
        assert cat.gettext("A jeweller will look your piece over and work out what it needs.") in text
        text = visible_text(Client(s).get("/track/%s" % tid_en).text)
        assert wording["label"] not in text and "Booked in" in text

        # A second change, then the first form sent again (a retry, a double
        # click): the retry writes nothing.
        page = c.get(texts + "?language=" + lang)
        form = form_of(page, texts)
        form["stage_1_label"] = "En el taller"
        assert c.post(texts, form, csrf=False).status == 303
        assert c.post(texts, first_form, csrf=False).status == 303
        assert s.sql("SELECT label FROM stage_texts WHERE stage_id = ?", stage1) == [("En el taller",)]

        # Refused with what was typed kept and nothing written: too long,
        # two stages customers could not tell apart, a stage of another
        # workflow, the shop's default language.
        before = s.sql("SELECT * FROM stage_texts")
        page = c.get(texts + "?language=" + lang)
        form = form_of(page, texts)
        form["stage_2_label"] = "x" * 81
        r = c.post(texts, form, csrf=False)
        assert r.status == 422 and "This can be up to 80 characters" in visible_text(r.text)
        assert "See stage 2 below." in visible_text(r.text)
        assert re.search(r'<p class="field-error" id="e-stage-2">', r.text)
        assert 'value="%s"' % ("x" * 81) in r.text
        form = form_of(page, texts)
        form["stage_2_label"] = "en el TALLER"
        r = c.post(texts, form, csrf=False)
        assert r.status == 422 and "Two stages have this name" in visible_text(r.text)
        assert 'value="en el TALLER"' in r.text
        bsp = s.sql("SELECT s.id FROM stages s JOIN workflows w ON w.id = s.workflow_id "
                    "WHERE w.prefix = 'BSP' LIMIT 1")[0][0]
        form = form_of(page, texts)
        form["stage_1_id"] = str(bsp)
        r = c.post(texts, form, csrf=False)
        assert r.status == 422 and "This workflow changed since the page was loaded" in r.text
        form = form_of(page, texts)
        form["language"] = "en"
        r = c.post(texts, form, csrf=False)
        assert r.status == 422 and "default language" in visible_text(r.text)
        assert s.sql("SELECT * FROM stage_texts") == before
        # The default language's wording is the stages' own: its page is
        # the workflow editor.
        r = c.get(texts + "?language=en")
        assert r.status == 303 and r.header("Location").endswith("/admin/workflows/%d" % wid)

        # Without a CSRF token, or for another shop's workflow, nothing.
        form = form_of(page, texts)
        form["stage_1_label"] = "Forged"
        form["csrf"] = "x" * 43
        assert c.post(texts, form, csrf=False).status == 403
        s.add_shop("other", "Other Jewellers")
        s.add_user(shop="other", username="other")
        o = signed_in(s, "other")
        assert o.get(texts + "?language=" + lang).status == 404
        o.get("/admin/workflows")
        assert o.post(texts, dict(form_of(page, texts), csrf=o.csrf()), csrf=False).status == 404
        assert s.sql("SELECT * FROM stage_texts") == before

        # The base editor still edits the stages' own wording, and the
        # wording in the other language stays.
        r = edit(c, wid, lambda f: f.update({"stage_%d_label" % row_of(f, "Assessed"): "Looked at"}))
        assert r.status == 303, r
        assert s.sql("SELECT label FROM stages WHERE workflow_id = ? AND code = 'assessed'",
                     wid) == [("Looked at",)]
        assert s.sql("SELECT label FROM stage_texts WHERE stage_id = ?", stage1) == [("En el taller",)]

        # Emptied, the stage's wording in the language is gone and the
        # built-in text, translated, is back.
        page = c.get(texts + "?language=" + lang)
        form = form_of(page, texts)
        form.update({"stage_1_label": "", "stage_1_description": "", "stage_1_next_step": ""})
        assert c.post(texts, form, csrf=False).status == 303
        assert s.sql("SELECT * FROM stage_texts WHERE stage_id = ?", stage1) == []
        text = visible_text(Client(s).get("/track/%s" % tid).text)
        assert cat.pgettext("stage", "Booked in") in text and "En el taller" not in text


def test_staff_pages_stay_english_whatever_the_languages_around_them():
    with StaffServer() as s:
        c = signed_in(s)
        lang = second_language() or "en"
        c.get("/admin/settings")
        assert c.post("/admin/settings", settings_form(language=lang)).status == 200
        job, _tid = c.book_in(customer_language=lang)
        for path in ("/admin/jobs", "/admin/jobs/%d" % job, "/admin/settings",
                     "/admin/workflows", "/admin/login"):
            r = c.get(path, headers={"Accept-Language": "%s, ar;q=0.9" % lang})
            assert r.status in (200, 303), (path, r)
            if r.status == 200:
                assert r.header("Content-Language") == "en", path
                assert '<html lang="en" dir="ltr">' in r.text, path
        text = visible_text(c.get("/admin/jobs/%d" % job).text)
        # The staff page names the stage as staff read it; the customer's
        # language is named in itself.
        assert "Move to a stage" in text and "Booked in" in text
        assert "Customer's language %s " % name_of(lang) in text
