"""The workflows editor, through lighttpd: a shop's own workflow from the
editor to the customer's page, renamed stages, generic texts, refusals,
stage removal, shop isolation and CSRF."""

import re
from html.parser import HTMLParser

from harness import Client, StaffServer, visible_text

WRAP_STAGES = ["Consultation", "Design", "Proof", "Printing", "Laminating",
               "Installation", "Ready", "Complete"]
GENERIC = "Your order is in progress. We'll keep this page up to date."
TID = r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}"


class FormFields(HTMLParser):
    """What a browser submits from the page's form with the given action:
    text and hidden inputs, textareas, ticked checkboxes."""

    def __init__(self, action):
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.textarea = None
        self.fields = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action") == self.action
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.fields[a["name"]] = a.get("value") or "on"
            else:
                self.fields[a["name"]] = a.get("value") or ""
        elif tag == "textarea":
            self.textarea = a["name"]
            self.fields[self.textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data


def form_of(page, action):
    p = FormFields(action)
    p.feed(page.text)
    return p.fields


def signed_in(s, username="staff"):
    c = Client(s)
    c.login(username=username)
    return c


def new_workflow_form(name, prefix, stages):
    """The new-workflow form filled in: stages are labels or dicts of
    label, description, next_step and flags (ready, final, cancelled,
    decision)."""
    form = {"name": name, "prefix": prefix}
    for n in range(1, 11):
        form["stage_%d_label" % n] = ""
        form["stage_%d_description" % n] = ""
        form["stage_%d_next_step" % n] = ""
    for n, st in enumerate(stages, 1):
        if isinstance(st, str):
            st = {"label": st}
        form["stage_%d_label" % n] = st["label"]
        form["stage_%d_description" % n] = st.get("description", "")
        form["stage_%d_next_step" % n] = st.get("next_step", "")
        for flag in st.get("flags", ()):
            form["stage_%d_%s" % (n, flag)] = "1"
    return form


def wrap_stages():
    stages = [{"label": l, "description": "Your wrap: %s." % l.lower(),
               "next_step": "After %s comes the next step." % l.lower()} for l in WRAP_STAGES]
    stages[6]["flags"] = ["ready"]
    stages[7]["flags"] = ["final"]
    return stages


def create_workflow(c, name, prefix, stages, shop="shop"):
    c.get("/admin/workflows/new")
    r = c.post("/admin/workflows/new", new_workflow_form(name, prefix, stages))
    assert r.status == 303 and r.header("Location") == "/admin/workflows", r
    return workflow_id(c.server, prefix, shop)


def workflow_id(s, prefix, shop="shop"):
    return s.sql("SELECT w.id FROM workflows w JOIN shops sh ON sh.id = w.shop_id "
                 "WHERE w.prefix = ? AND sh.slug = ?", prefix, shop)[0][0]


def book_on(c, workflow_name, prefix, **fields):
    """Books a job on the named workflow through the book-in form."""
    page = c.get("/admin/jobs/new")
    m = re.search(r'name="workflow" value="(\d+)"[^>]*> %s <code>%s-</code>'
                  % (re.escape(workflow_name), prefix), page.text)
    assert m, "workflow %s not offered at book-in" % workflow_name
    form = {"customer_name": "Ada Lovelace", "item_type": "Van", "workflow": m.group(1)}
    form.update(fields)
    r = c.post("/admin/jobs/new", form)
    assert r.status == 303, r
    job = int(r.header("Location").split("?")[0].rsplit("/", 1)[1])
    tid = re.search(r'/track/([A-Z0-9-]+)"', c.get("/admin/jobs/%d" % job).text).group(1)
    return job, tid


def edit(c, wid, change=None):
    """Opens the edit form, lets change() alter the fields as a person
    would, and submits it."""
    page = c.get("/admin/workflows/%d" % wid)
    assert page.status == 200, page
    fields = form_of(page, "/admin/workflows/%d" % wid)
    if change:
        change(fields)
    return c.post("/admin/workflows/%d" % wid, fields, csrf=False)


def row_of(fields, label):
    for k, v in fields.items():
        m = re.fullmatch(r"stage_(\d+)_label", k)
        if m and v == label:
            return int(m.group(1))
    raise AssertionError("no stage row labelled %r" % label)


def first_blank_row(fields):
    n = 1
    while fields.get("stage_%d_label" % n):
        n += 1
    assert "stage_%d_label" % n in fields, "no empty row offered"
    return n


def pill(page):
    """The stage the customer's page marks as where the order is."""
    return visible_text(re.search(r'aria-current="step">.*?<span class="label">(.*?)</span>',
                                  page.text).group(1))


def stepper(page):
    block = re.search(r'<ol class="stepper">(.*?)</ol>', page.text, re.S).group(1)
    return [visible_text(l) for l in re.findall(r'<span class="label">(.*?)</span>', block)]


def current_step(page):
    m = re.search(r'<li class="current" aria-current="step">.*?<span class="label">(.*?)</span>',
                  page.text)
    return m and visible_text(m.group(1))


def timeline(page):
    block = re.search(r'<ol class="events">(.*?)</ol>', page.text, re.S).group(1)
    return [visible_text(l) for l in re.findall(r"<strong>(.*?)</strong>", block)]


def snapshot(s):
    return (s.sql("SELECT id, shop_id, prefix, name FROM workflows ORDER BY id"),
            s.sql("SELECT id, workflow_id, position, code, label, description, next_step, flags "
                  "FROM stages ORDER BY id"))


def test_wrap_shop_workflow_from_editor_to_customer_page():
    with StaffServer() as s:
        c = signed_in(s)
        wid = create_workflow(c, "Vehicle wraps", "WRP", wrap_stages())
        rows = s.sql("SELECT position, code, label, flags FROM stages WHERE workflow_id = ? "
                     "ORDER BY position", wid)
        assert [r[2] for r in rows] == WRAP_STAGES
        assert [r[0] for r in rows] == list(range(8))
        assert [r[1] for r in rows] == [l.lower() for l in WRAP_STAGES]
        assert [r[3] for r in rows] == [0, 0, 0, 0, 0, 0, 1, 2]
        listing = visible_text(c.get("/admin/workflows").text)
        assert "Vehicle wraps WRP- 8 0" in listing
        assert "Repair RPR- 8 0" in listing and "Bespoke BSP- 11 0" in listing

        job, tid = book_on(c, "Vehicle wraps", "WRP", item_type="Ford Transit")
        assert re.fullmatch("WRP-" + TID, tid), tid
        assert "Vehicle wraps WRP- 8 1" in visible_text(c.get("/admin/workflows").text)

        customer = Client(s, origin=False)
        r = customer.get("/track?id=" + tid.lower().replace("-", ""))
        assert r.status == 303 and r.header("Location") == "/track/" + tid
        page = customer.get("/track/" + tid)
        assert page.status == 200
        assert stepper(page) == WRAP_STAGES
        assert pill(page) == "Consultation" and current_step(page) == "Consultation"
        assert "After consultation comes the next step." in visible_text(page.text)

        c.move(job, "Laminating", note="Second coat tomorrow", public=True)
        page = customer.get("/track/" + tid)
        assert pill(page) == "Laminating" and current_step(page) == "Laminating"
        assert stepper(page) == WRAP_STAGES
        assert timeline(page) == ["Laminating", "Consultation"]
        text = visible_text(page.text)
        assert "After laminating comes the next step." in text and "Second coat tomorrow" in text
        assert "accent-progress" in page.text

        c.move(job, "Ready")
        page = customer.get("/track/" + tid)
        assert pill(page) == "Ready" and "accent-done" in page.text
        c.move(job, "Complete")
        page = customer.get("/track/" + tid)
        assert pill(page) == "Complete"
        assert set(re.findall(r'<li class="(\w+)"', page.text)) == {"done"}   # every stage

        # The staff job list can filter on the new stages too.
        jobs = c.get("/admin/jobs?filter=complete")
        assert "Ford Transit" in jobs.text and ">Laminating</option>" in jobs.text


def test_renamed_repair_stage_shows_on_an_existing_job():
    with StaffServer() as s:
        c = signed_in(s)
        job, tid = c.book_in(item_type="Signet ring")
        customer = Client(s, origin=False)
        before = customer.get("/track/" + tid)
        assert pill(before) == "Booked in"
        rpr = workflow_id(s, "RPR")

        def rename(f):
            n = row_of(f, "Booked in")
            f["stage_%d_label" % n] = "Received at the bench"
            f["stage_%d_next_step" % n] = "We'll call you within two days with a quote."
        r = edit(c, rpr, rename)
        assert r.status == 303, r
        page = customer.get("/track/" + tid)
        assert pill(page) == "Received at the bench"
        assert stepper(page)[0] == "Received at the bench"
        # The history says what the stage was called when the job was booked.
        assert timeline(page) == ["Booked in"]
        text = visible_text(page.text)
        assert "We'll call you within two days with a quote." in text
        assert "Booked in" not in stepper(page)
        # The stage keeps its code, so filters and links keep working.
        assert s.sql("SELECT code FROM stages WHERE workflow_id = ? AND position = 0", rpr) == [("intake",)]
        assert "Received at the bench" in c.get("/admin/jobs/%d" % job).text
        # The other workflows and the other stages are as they were.
        assert s.sql("SELECT label FROM stages WHERE workflow_id = ? ORDER BY position", rpr)[1:] == \
            [("Assessed",), ("Quoted",), ("Approved",), ("In progress",), ("Ready for pickup",),
             ("Completed",), ("Cancelled",)]


def test_stages_without_texts_show_generic_messages():
    with StaffServer() as s:
        c = signed_in(s)
        create_workflow(c, "Bike service", "BKE", [
            {"label": "Checked in", "description": "We have your bike.", "next_step": "A mechanic looks it over."},
            "Tuning",
            {"label": "Collected", "flags": ["final"]},
            {"label": "Called off", "flags": ["cancelled"]},
        ])
        job, tid = book_on(c, "Bike service", "BKE")
        customer = Client(s, origin=False)
        assert "A mechanic looks it over." in visible_text(customer.get("/track/" + tid).text)
        c.move(job, "Tuning")
        page = customer.get("/track/" + tid)
        assert page.status == 200 and pill(page) == "Tuning"
        assert GENERIC in visible_text(page.text)
        c.move(job, "Collected")
        text = visible_text(customer.get("/track/" + tid).text)
        assert "This order is complete." in text and GENERIC not in text
        c.move(job, "Called off")
        page = customer.get("/track/" + tid)
        text = visible_text(page.text)
        assert "accent-cancelled" in page.text
        assert "This order was cancelled." in text and GENERIC not in text
        assert re.search(r'<section class="card cancelled".*?<p>This order was cancelled\.</p>',
                         page.text, re.S)


BAD_NEW = [
    # (what, name, prefix, stages, message)
    ("duplicate prefix", "Vehicle wraps", "RPR", WRAP_STAGES, "already uses this prefix"),
    ("lowercase prefix", "Vehicle wraps", "wrp", WRAP_STAGES, "three capital letters"),
    ("two letters", "Vehicle wraps", "WR", WRAP_STAGES, "three capital letters"),
    ("digits", "Vehicle wraps", "W2P", WRAP_STAGES, "three capital letters"),
    ("blank prefix", "Vehicle wraps", "", WRAP_STAGES, "Choose a three-letter prefix"),
    ("letters read as digits", "Vehicle wraps", "OIL", WRAP_STAGES, "Leave out I, L and O"),
    ("blank name", "", "WRP", WRAP_STAGES, "Give the workflow a name"),
    ("no stages", "Vehicle wraps", "WRP", [], "at least one stage"),
    ("blank label", "Vehicle wraps", "WRP",
     ["Consultation", {"label": "", "description": "Typed but unnamed <b>stage</b>"}, "Complete"],
     "Give this stage a name"),
    ("only cancelled", "Vehicle wraps", "WRP", [{"label": "Void", "flags": ["cancelled"]}],
     "not a cancelled one"),
    ("cancelled first", "Vehicle wraps", "WRP",
     [{"label": "Void", "flags": ["cancelled"]}, "Consultation"], "first stage"),
    ("same name twice", "Vehicle wraps", "WRP", ["Design", "Proof", "design"], "Two stages have this name"),
]


def test_bad_new_workflows_are_refused_with_what_was_typed():
    with StaffServer() as s:
        c = signed_in(s)
        before = snapshot(s)
        for what, name, prefix, stages, message in BAD_NEW:
            c.get("/admin/workflows/new")
            r = c.post("/admin/workflows/new", new_workflow_form(name, prefix, stages))
            assert r.status == 422, (what, r)
            text = visible_text(r.text)
            assert "Nothing was saved." in text and message in text, (what, text[:600])
            fields = form_of(r, "/admin/workflows/new")
            assert fields["name"] == name and fields["prefix"] == prefix, what
            for n, st in enumerate(stages, 1):
                st = {"label": st} if isinstance(st, str) else st
                assert fields["stage_%d_label" % n] == st["label"], what
                assert fields["stage_%d_description" % n] == st.get("description", ""), what
                for flag in st.get("flags", ()):
                    assert fields.get("stage_%d_%s" % (n, flag)) == "1", (what, flag)
            assert snapshot(s) == before, what
        # Typed markup comes back as text, never as markup.
        r = c.post("/admin/workflows/new", new_workflow_form(
            "V<i>ans</i>", "WR", ["Consultation", {"label": "", "description": "Unnamed <b>x</b>"}]))
        assert r.status == 422
        assert "V&lt;i&gt;ans&lt;/i&gt;" in r.text and "Unnamed &lt;b&gt;x&lt;/b&gt;" in r.text
        assert "<i>ans" not in r.text and "<b>x" not in r.text
        # The blank label's row is the one marked.
        bad = c.post("/admin/workflows/new", new_workflow_form(
            "Vans", "VAN", ["Consultation", {"label": "", "next_step": "soon"}]))
        assert bad.status == 422
        assert re.search(r'id="stage_2_label"[^>]*aria-invalid="true"', bad.text)
        assert not re.search(r'id="stage_1_label"[^>]*aria-invalid="true"', bad.text)
        # A form that sent no rows at all comes back with rows to fill in.
        r = c.post("/admin/workflows/new", {"name": "Vans", "prefix": "VAN"})
        assert r.status == 422 and "at least one stage" in visible_text(r.text)
        assert len(re.findall(r'name="stage_\d+_label"', r.text)) == 10
        assert snapshot(s) == before


def test_bad_edits_change_nothing():
    with StaffServer() as s:
        c = signed_in(s)
        rpr = workflow_id(s, "RPR")
        before = snapshot(s)

        def blank_label(f):
            f["name"] = "Repairs & resizing"
            f["stage_%d_label" % row_of(f, "Quoted")] = ""
            f["stage_%d_label" % row_of(f, "Approved")] = "Approved by you"
        r = edit(c, rpr, blank_label)
        assert r.status == 422
        assert "Give this stage a name" in visible_text(r.text)
        fields = form_of(r, "/admin/workflows/%d" % rpr)
        assert fields["name"] == "Repairs & resizing"
        assert "Approved by you" in fields.values()
        assert snapshot(s) == before

        def all_cancelled(f):
            for k in list(f):
                if k.endswith("_label") and f[k]:
                    f[k.replace("_label", "_cancelled")] = "1"
        r = edit(c, rpr, all_cancelled)
        assert r.status == 422 and "not a cancelled one" in visible_text(r.text)

        def remove_all(f):
            for k in list(f):
                if k.endswith("_id"):
                    f[k.replace("_id", "_remove")] = "1"
        r = edit(c, rpr, remove_all)
        assert r.status == 422 and "at least one stage" in visible_text(r.text)

        def clash(f):
            f["stage_%d_label" % first_blank_row(f)] = "assessed"
        r = edit(c, rpr, clash)
        assert r.status == 422 and "Two stages have this name" in visible_text(r.text)

        def stale(f):
            f["stage_1_id"] = "999999"
        r = edit(c, rpr, stale)
        assert r.status == 422 and "Reload the page" in visible_text(r.text)
        assert snapshot(s) == before
        # The prefix is fixed once made: a posted one is ignored.
        r = edit(c, rpr, lambda f: f.update(prefix="XYZ", name="Repairs"))
        assert r.status == 303
        assert s.sql("SELECT prefix, name FROM workflows WHERE id = ?", rpr) == [("RPR", "Repairs")]
        assert 'value="RPR" readonly' in c.get("/admin/workflows/%d" % rpr).text


def test_stages_are_added_and_removed_only_when_no_job_needs_them():
    with StaffServer() as s:
        c = signed_in(s)
        wid = create_workflow(c, "Vehicle wraps", "WRP", wrap_stages())
        job, tid = book_on(c, "Vehicle wraps", "WRP")
        page = c.get("/admin/workflows/%d" % wid)
        assert "1 job here now" in visible_text(page.text)
        before = snapshot(s)

        def remove(label):
            return lambda f: f.__setitem__("stage_%d_remove" % row_of(f, label), "1")

        # The job is in Consultation.
        r = edit(c, wid, remove("Consultation"))
        assert r.status == 422 and "Jobs are in this stage" in visible_text(r.text)
        assert snapshot(s) == before
        # It has been through Design and left it: its timeline names Design.
        c.move(job, "Design")
        c.move(job, "Consultation")
        r = edit(c, wid, remove("Design"))
        assert r.status == 422 and "Rename it instead" in visible_text(r.text)
        assert s.sql("SELECT count(*) FROM stages WHERE workflow_id = ? AND label = 'Design'", wid) == [(1,)]
        # A deleted job still holds its stage.
        c.get("/admin/jobs/%d" % job)
        assert c.post("/admin/jobs/%d/delete" % job, {"confirm": "1"}).status == 303
        r = edit(c, wid, remove("Consultation"))
        assert r.status == 422 and "Jobs are in this stage" in visible_text(r.text)

        # Proof was never used: it goes, and a new stage goes on the end with
        # a code of its own (design_2: "design" is taken).
        def change(f):
            remove("Proof")(f)
            n = first_blank_row(f)
            f["stage_%d_label" % n] = "Design!"
            f["stage_%d_decision" % n] = "1"
        r = edit(c, wid, change)
        assert r.status == 303, r
        rows = s.sql("SELECT position, code, label, flags FROM stages WHERE workflow_id = ? "
                     "ORDER BY position", wid)
        assert [r[2] for r in rows] == ["Consultation", "Design", "Printing", "Laminating",
                                       "Installation", "Ready", "Complete", "Design!"]
        # Positions are renumbered in order on every save: no gaps.
        assert rows[-1][:2] == (7, "design_2") and rows[-1][3] == 8
        # The deleted job's page still works, restored it still tracks.
        assert c.post("/admin/jobs/%d/undelete" % job, {}).status == 303
        page = Client(s, origin=False).get("/track/" + tid)
        assert page.status == 200 and stepper(page)[-1] == "Design!"


def test_flag_changes_keep_jobs_closed_at_true():
    with StaffServer() as s:
        c = signed_in(s)
        wid = create_workflow(c, "Vehicle wraps", "WRP", wrap_stages())
        job, tid = book_on(c, "Vehicle wraps", "WRP")
        c.move(job, "Complete")
        assert edit(c, wid).status == 303
        assert s.sql("SELECT closed_at IS NOT NULL FROM jobs WHERE id = ?", job) == [(1,)]
        r = edit(c, wid, lambda f: f.pop("stage_%d_final" % row_of(f, "Complete")))
        assert r.status == 303
        assert s.sql("SELECT flags FROM stages WHERE workflow_id = ? AND label = 'Complete'", wid) == [(0,)]
        assert s.sql("SELECT closed_at FROM jobs WHERE id = ?", job) == [(None,)]


def test_a_workflow_holds_24_stages_in_one_form():
    with StaffServer() as s:
        c = signed_in(s)
        form = {"name": "Long haul", "prefix": "HAU"}
        for n in range(1, 25):
            form["stage_%d_label" % n] = "Step %02d" % n
            form["stage_%d_description" % n] = "Description %d" % n
            form["stage_%d_next_step" % n] = "Next %d" % n
            form["stage_%d_ready" % n] = "1" if n == 23 else "0"
        form["stage_24_final"] = "1"
        c.get("/admin/workflows/new")
        r = c.post("/admin/workflows/new", form)
        assert r.status == 303, r
        wid = workflow_id(s, "HAU")
        rows = s.sql("SELECT label, description, next_step, flags FROM stages "
                     "WHERE workflow_id = ? ORDER BY position", wid)
        assert len(rows) == 24
        assert rows[0] == ("Step 01", "Description 1", "Next 1", 0)
        assert rows[22][3] == 1 and rows[23] == ("Step 24", "Description 24", "Next 24", 2)
        page = c.get("/admin/workflows/%d" % wid)
        fields = form_of(page, "/admin/workflows/%d" % wid)
        assert "stage_24_label" in fields and "stage_25_label" not in fields
        # No 25th stage: the form has no row for it and the model refuses.
        r = edit(c, wid, lambda f: f.update(stage_25_label="Step 25"))
        assert r.status == 303
        assert s.sql("SELECT count(*) FROM stages WHERE workflow_id = ?", wid) == [(24,)]


def test_another_shops_workflow_is_not_found():
    with StaffServer() as s:
        s.add_shop(slug="rival", name="Rival Gems")
        s.add_user(shop="rival", username="rival-staff")
        rival = signed_in(s, "rival-staff")
        mine = signed_in(s)
        theirs = create_workflow(rival, "Rival wraps", "WRP", WRAP_STAGES, shop="rival")
        their_rpr = workflow_id(s, "RPR", shop="rival")
        # The same prefix in another shop is no clash.
        own = create_workflow(mine, "Vehicle wraps", "WRP", WRAP_STAGES)
        before = snapshot(s)
        listing = mine.get("/admin/workflows").text
        assert "Rival wraps" not in listing and "/admin/workflows/%d\"" % theirs not in listing
        for wid in (theirs, their_rpr):
            assert mine.get("/admin/workflows/%d" % wid).status == 404
            r = mine.post("/admin/workflows/%d" % wid, {"name": "Taken over", "stage_1_label": "Mine"})
            assert r.status == 404
        # Nor can one of their stages be edited through one of our forms.
        their_stage = s.sql("SELECT id FROM stages WHERE workflow_id = ? ORDER BY position", theirs)[0][0]

        def smuggle(f):
            f["stage_1_id"] = str(their_stage)
            f["stage_1_label"] = "Hijacked"
        r = edit(mine, own, smuggle)
        assert r.status == 422
        assert snapshot(s) == before
        assert "Rival wraps" not in mine.get("/admin/jobs/new").text


def test_workflow_posts_need_a_csrf_token_and_sign_in():
    with StaffServer() as s:
        c = signed_in(s)
        rpr = workflow_id(s, "RPR")
        before = snapshot(s)
        c.get("/admin/workflows/new")
        form = new_workflow_form("Vehicle wraps", "WRP", WRAP_STAGES)
        assert c.post("/admin/workflows/new", form, csrf=False).status == 403
        assert c.post("/admin/workflows/new", form, csrf="A" * 43).status == 403
        assert c.post("/admin/workflows/new", form, headers={"Origin": "http://evil.example"}).status == 403
        page = c.get("/admin/workflows/%d" % rpr)
        fields = form_of(page, "/admin/workflows/%d" % rpr)
        fields["name"] = "Hijacked"
        del fields["csrf"]
        r = c.post("/admin/workflows/%d" % rpr, fields, csrf=False)
        assert r.status == 403 and "Nothing was saved" in r.text
        assert snapshot(s) == before
        stranger = Client(s)
        assert stranger.get("/admin/workflows").status == 303
        assert stranger.get("/admin/workflows/%d" % rpr).status == 303
        assert stranger.post("/admin/workflows/new", form, csrf="A" * 43).status == 403
        assert snapshot(s) == before


def test_workflows_are_in_the_nav_and_linked_from_settings():
    with StaffServer() as s:
        c = signed_in(s)
        assert 'href="/admin/workflows"' in c.get("/admin/jobs").text
        assert 'href="/admin/workflows"' in c.get("/admin/settings").text
        page = c.get("/admin/workflows")
        assert page.status == 200
        assert 'href="/admin/workflows" aria-current="page"' in page.text
        new = c.get("/admin/workflows/new")
        assert new.status == 200 and 'name="prefix"' in new.text
        assert len(re.findall(r'name="stage_\d+_label"', new.text)) == 10
        rpr = workflow_id(s, "RPR")
        edit_page = c.get("/admin/workflows/%d" % rpr)
        assert len(re.findall(r'name="stage_\d+_label"', edit_page.text)) == 8 + 4
        assert len(re.findall(r'name="stage_\d+_remove"', edit_page.text)) == 8
        assert 'name="prefix"' not in edit_page.text
