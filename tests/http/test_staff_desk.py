"""The staff desk as the people behind the counter use it all day: the job
list finds a job by whatever the customer says (phone however typed, email,
item, description, job number), sorts, and flags what needs doing; the
shop's currency and business-number name; confirmation before what cannot
be undone; a move to the stage a job is in adds nothing; the workflow
editor reorders stages without rewriting history; passports' details."""

import datetime
import re

from harness import Client, StaffServer, issue_passport, visible_text


def signed_in(s):
    c = Client(s)
    c.login()
    return c


def rows(page):
    """The customer names of the job list's rows, top to bottom."""
    return re.findall(r'<td class="c-customer">([^<]*)</td>', page.text)


def test_search_finds_phone_however_typed_email_item_description_and_number():
    with StaffServer() as s:
        c = signed_in(s)
        c.book_in(customer_name="Grace Hopper", customer_phone="07700 900101",
                  customer_email="grace@navy.example", item_type="Pocket watch",
                  item_description="Silver hunter case, engraved G.H.")
        c.book_in(customer_name="Alan Turing", customer_phone="+44 7700 900222",
                  item_type="Ring")
        number = s.sql("SELECT number FROM jobs WHERE customer_name = 'Alan Turing'")[0][0]
        assert s.sql("SELECT customer_phone FROM jobs WHERE customer_name = 'Grace Hopper'") == \
            [("+447700900101",)]
        for q in ("07700 900101", "07700-900-101", "+44 7700 900101", "+447700900101",
                  "0044 7700 900101", "900101", "grace@navy", "NAVY.EXAMPLE", "pocket watch",
                  "hunter case", "engraved"):
            assert rows(c.get("/admin/jobs?q=" + quote(q))) == ["Grace Hopper"], q
        for q in ("#%d" % number, "%d" % number):
            assert rows(c.get("/admin/jobs?q=" + quote(q))) == ["Alan Turing"], q
        # Three digits are too few to be a phone search: no job matches.
        assert "No jobs match" in c.get("/admin/jobs?q=101").text


def quote(q):
    from urllib.parse import quote_plus
    return quote_plus(q)


def test_job_list_sorts_and_flags_what_needs_doing():
    with StaffServer() as s:
        c = signed_in(s)
        today = datetime.date.today()
        late, _ = c.book_in(customer_name="Zed Late",
                            due_date=(today - datetime.timedelta(days=3)).isoformat())
        c.book_in(customer_name="Amy Soon", due_date=(today + datetime.timedelta(days=1)).isoformat())
        c.book_in(customer_name="Mo Undated")
        page = c.get("/admin/jobs")
        assert rows(page) == ["Mo Undated", "Amy Soon", "Zed Late"]      # newest first
        assert rows(c.get("/admin/jobs?sort=due")) == ["Zed Late", "Amy Soon", "Mo Undated"]
        assert rows(c.get("/admin/jobs?sort=customer")) == ["Amy Soon", "Mo Undated", "Zed Late"]
        assert rows(c.get("/admin/jobs?sort=number")) == ["Mo Undated", "Amy Soon", "Zed Late"]
        assert rows(c.get("/admin/jobs?sort=sideways")) == rows(page)       # the default
        # The sort is a control of the list's form and survives paging.
        assert '<option value="due" selected>' in c.get("/admin/jobs?sort=due").text
        # Overdue: past its date and not ready; a ready job is not.
        text = visible_text(page.text)
        assert text.count("Overdue") == 1
        row = re.search(r"<tr>(?:(?!</tr>).)*Zed Late(?:(?!</tr>).)*</tr>", page.text, re.S).group(0)
        assert "Overdue" in row
        c.move(late, "Ready for pickup")
        assert "Overdue" not in visible_text(c.get("/admin/jobs").text)
        # Waiting on the customer: a bespoke job at its design review.
        page = c.get("/admin/jobs/new")
        bsp = re.search(r'name="workflow" value="(\d+)"[^>]*> Bespoke', page.text).group(1)
        job, _ = c.book_in(workflow=bsp, customer_name="Wendy Waiting", item_type="Pendant")
        review = s.sql("SELECT s.label FROM stages s JOIN workflows w ON w.id = s.workflow_id "
                       "WHERE w.prefix = 'BSP' AND s.flags & 8 != 0 LIMIT 1")
        assert review, "the bespoke workflow has a decision stage"
        c.move(job, review[0][0])
        page = c.get("/admin/jobs")
        row = re.search(r"<tr>(?:(?!</tr>).)*Wendy Waiting(?:(?!</tr>).)*</tr>", page.text, re.S).group(0)
        assert "Waiting on customer" in row
        # Each row is one real link a keyboard reaches.
        assert len(re.findall(r'<td class="c-id"><a href="/admin/jobs/\d+">#\d+</a>', page.text)) == 4


def test_expired_customer_link_is_stated_to_staff():
    with StaffServer() as s:
        c = signed_in(s)
        job, tid = c.book_in(customer_name="Old Finished")
        c.move(job, "Completed")
        assert Client(s).get("/track/" + tid).status == 200
        s.sql("UPDATE jobs SET closed_at = closed_at - 91 * 86400")
        assert Client(s).get("/track/" + tid).status == 404
        assert "link expired" in visible_text(c.get("/admin/jobs").text)
        text = visible_text(c.get("/admin/jobs/%d" % job).text)
        assert "customer link has expired" in text


def test_currency_and_business_number_name_are_settings():
    with StaffServer() as s:
        c = signed_in(s)
        page = c.get("/admin/settings")
        form = {"name": "Gold & Co", "timezone": "Europe/London", "abn": "GB 123 4567 89",
                "business_label": "vat", "currency": "gbp"}
        r = c.post("/admin/settings", dict(form, currency="GB1"))
        assert r.status == 422 and "three-letter code" in r.text and 'value="GB1"' in r.text
        assert s.sql("SELECT currency FROM shops") == [("",)]
        r = c.post("/admin/settings", form)
        assert r.status == 200 and "Saved" in r.text
        assert s.sql("SELECT currency, business_label FROM shops") == [("GBP", "vat")]
        assert '<option value="vat" selected>VAT number</option>' in r.text
        job, _ = c.book_in(quoted="1,200", deposit="50")
        text = visible_text(c.get("/admin/jobs/%d" % job).text)
        assert "1,200.00 GBP" in text and "50.00 GBP" in text
        pid, uid = issue_passport(c, title="Gold band", owner_name="Ann Owner", owner_price="900",
                                  owner_public="1", owner_purchase_date="2024-01-02",
                                  is_public="1")
        assert "900.00 GBP" in visible_text(c.get("/admin/passports/%d" % pid).text)
        text = visible_text(Client(s).get("/verify/" + uid).text)
        assert "VAT number GB 123 4567 89" in text and "900.00 GBP" in text
        assert "ABN" not in text
        # The customer's page reads in its language, the name too.
        s.sql("UPDATE shops SET business_label = 'company'")
        de = Client(s).get("/verify/%s?lang=de" % uid)
        assert "Handelsregisternummer GB 123 4567 89" in visible_text(de.text)


def test_moving_to_the_current_stage_adds_nothing_and_edits_say_saved():
    from test_notifications import Secrets
    with Secrets() as secrets, StaffServer(
            mail_transport="file", mail_dir=secrets.subdir("mail"),
            mail_from="Test Jewellers <shop@example.com>") as s:
        c = signed_in(s)
        job, _ = c.book_in(customer_email="ada@example.com", notify_channel="email")
        r = c.move(job, "Ready for pickup")
        # A move lands on the job page saying it happened.
        assert r.header("Location").endswith("?show=moved")
        assert "Moved. The timeline" in visible_text(c.get(r.header("Location")).text)
        events = s.sql("SELECT count(*) FROM job_events")[0][0]
        outbox = s.sql("SELECT count(*) FROM notifications")[0][0]
        assert outbox == 2      # booked in, ready
        r = c.post("/admin/jobs/%d/stage" % job, {"stage": c.stage_id(job, "Ready for pickup"),
                                                   "note": ""})
        assert r.status == 303 and r.header("Location").endswith("?show=unchanged")
        assert "nothing changed" in visible_text(c.get(r.header("Location")).text)
        assert s.sql("SELECT count(*) FROM job_events")[0][0] == events
        assert s.sql("SELECT count(*) FROM notifications")[0][0] == outbox
        # A note typed with it is not lost: it comes back with the reason.
        r = c.post("/admin/jobs/%d/stage" % job, {"stage": c.stage_id(job, "Ready for pickup"),
                                                   "note": "Customer rang"})
        assert r.status == 422 and "in this stage already" in r.text and "Customer rang" in r.text
        assert s.sql("SELECT count(*) FROM job_events")[0][0] == events
        # An edit lands on the job page saying so.
        c.get("/admin/jobs/%d/edit" % job)
        r = c.post("/admin/jobs/%d/edit" % job, {"customer_name": "Ada King", "item_type": "Ring"})
        assert r.status == 303
        page = c.get(r.header("Location"))
        assert re.search(r'<p class="notice" role="status">Saved\.</p>', page.text)


def test_stages_reorder_and_history_keeps_the_names_they_had():
    from test_workflows import edit, form_of, row_of, workflow_id   # noqa: F401
    with StaffServer() as s:
        c = signed_in(s)
        job, tid = c.book_in()
        c.move(job, "Assessed")
        rpr = workflow_id(s, "RPR")
        page = c.get("/admin/workflows/%d" % rpr)
        assert 'name="stage_2_position" type="number"' in page.text

        def swap_and_rename(f):
            a, q = row_of(f, "Assessed"), row_of(f, "Quoted")
            f["stage_%d_position" % a], f["stage_%d_position" % q] = str(q), str(a)
            f["stage_%d_label" % a] = "Looked at"
        r = edit(c, rpr, swap_and_rename)
        assert r.status == 303, r
        labels = [l for (l,) in s.sql("SELECT label FROM stages WHERE workflow_id = ? "
                                      "ORDER BY position", rpr)]
        assert labels[:4] == ["Booked in", "Quoted", "Looked at", "Approved"]
        # The job stays in its stage, renamed; its timeline keeps the old name.
        page = c.get("/admin/jobs/%d" % job)
        assert re.search(r'<span class="pill accent-progress">Looked at</span>', page.text)
        text = visible_text(re.search(r'<ol class="events">(.*?)</ol>', page.text, re.S).group(1))
        assert "Moved to Assessed" in text and "Looked at" not in text
        customer = visible_text(Client(s).get("/track/" + tid).text)
        assert "Assessed" in customer
        # The editor shows the new order.
        f = form_of(c.get("/admin/workflows/%d" % rpr), "/admin/workflows/%d" % rpr)
        assert f["stage_2_label"] == "Quoted" and f["stage_3_label"] == "Looked at"


def confirm_form(page):
    """The confirmation page's form: its action and hidden fields."""
    form = re.search(r'<form method="post" action="([^"]+)">(.*?)</form>', page.text, re.S)
    fields = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">', form.group(2)))
    return form.group(1), fields


def test_what_cannot_be_undone_asks_first_without_script():
    with StaffServer() as s:
        c = signed_in(s)
        job, tid = c.book_in()
        c.get("/admin/jobs/%d" % job)
        # Replace link: the button leads to a question; nothing changes yet.
        r = c.post("/admin/jobs/%d/rotate" % job, {})
        assert r.status == 200 and "Replace the tracking link?" in r.text
        assert "stops working for good" in visible_text(r.text)
        assert not re.search(r"<script(?![^>]*\bsrc=)", r.text)        # no inline script
        action, fields = confirm_form(r)
        assert action == "/admin/jobs/%d/rotate" % job and fields["confirm"] == "1"
        assert s.sql("SELECT tracking_id FROM jobs") == [(tid,)]
        assert 'href="/admin/jobs/%d">Cancel</a>' % job in r.text
        r = c.post(action, {"confirm": "1"})
        assert r.status == 303 and s.sql("SELECT tracking_id FROM jobs") != [(tid,)]
        # Delete job.
        r = c.post("/admin/jobs/%d/delete" % job, {})
        assert r.status == 200 and "Delete this job?" in r.text
        assert s.sql("SELECT deleted_at FROM jobs") == [(None,)]
        assert c.post("/admin/jobs/%d/delete" % job, {"confirm": "1"}).status == 303
        assert s.sql("SELECT deleted_at IS NOT NULL FROM jobs") == [(1,)]
        # Another shop's job is not found, not asked about.
        s.add_shop(slug="rival", name="Rival Gems")
        s.add_user(shop="rival", username="rival-staff")
        rival = Client(s)
        rival.login(username="rival-staff")
        rival.get("/admin/jobs")
        assert rival.post("/admin/jobs/%d/rotate" % job, {}).status == 404

        # Passports: make private, delete, transfer ownership.
        pid, uid = issue_passport(c, title="Gold band", owner_name="Ann Owner", is_public="1",
                                  owner_purchase_date="2024-01-02")
        c.get("/admin/passports/%d" % pid)
        r = c.post("/admin/passports/%d/private" % pid, {})
        assert r.status == 200 and "Make this passport private?" in r.text
        assert s.sql("SELECT is_public FROM passports") == [(1,)]
        r = c.post("/admin/passports/%d/delete" % pid, {})
        assert r.status == 200 and "Delete this passport?" in r.text
        assert s.sql("SELECT deleted_at FROM passports") == [(None,)]
        r = c.post("/admin/passports/%d/transfer" % pid, {
            "owner_name": "Bo <b>New</b>", "owner_purchase_date": "2025-02-03", "owner_price": "10"})
        assert r.status == 200 and "Transfer ownership to Bo <b>New</b>?" in visible_text(r.text)
        assert "<b>New" not in r.text
        assert s.sql("SELECT owner_name FROM passports") == [("Ann Owner",)]
        action, fields = confirm_form(r)
        assert fields["owner_name"] == "Bo &lt;b&gt;New&lt;/b&gt;" and fields["owner_price"] == "10.00"
        fields.pop("csrf"), fields.pop("fk")
        fields["owner_name"] = "Bo <b>New</b>"
        assert c.post(action, fields).status == 303
        assert s.sql("SELECT owner_name FROM passports") == [("Bo <b>New</b>",)]


def test_passport_primary_photo_dates_visibility_and_no_doubled_text():
    from test_photos import Staff, jpeg
    with StaffServer() as s:
        c = Staff(s)
        c.login()
        page = c.get("/admin/passports/new")
        assert "Photos can be added after saving" in visible_text(page.text)
        pid = c.new_passport()
        assert c.upload(pid, jpeg([[128] * 2] * 2), role="primary").status == 303
        c.get("/admin/passports/%d" % pid)
        assert c.upload(pid, jpeg([[30, 220]] * 2), role="gallery").status == 303
        first, second = [a for (a,) in s.sql("SELECT id FROM attachments WHERE owner_kind = "
                                             "'passport' ORDER BY id")]
        page = c.get("/admin/passports/%d" % pid)
        # Only the gallery photo offers to lead.
        assert page.text.count("Make primary") == 1
        r = c.post("/admin/passports/%d/primary" % pid, {"attachment": str(second)})
        assert r.status == 303
        assert s.sql("SELECT id, role FROM attachments ORDER BY id") == \
            [(first, "gallery"), (second, "primary")]
        # A photo that is not this passport's changes nothing.
        c.get("/admin/passports/%d" % pid)
        r = c.post("/admin/passports/%d/primary" % pid, {"attachment": "999999"})
        assert r.status == 404
        assert s.sql("SELECT id, role FROM attachments ORDER BY id") == \
            [(first, "gallery"), (second, "primary")]

        # The visibility is stated, public or not.
        text = visible_text(c.get("/admin/passports/%d" % pid).text)
        assert "Visibility Public anyone with the QR code or link can check it" in text
        c.post("/admin/passports/%d/private" % pid, {"confirm": "1"})
        text = visible_text(c.get("/admin/passports/%d" % pid).text)
        assert "Visibility Private its public page shows “not found”" in text

        # A transfer: not in the future, said once, dates as on every page.
        tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
        r = c.post("/admin/passports/%d/transfer" % pid, {
            "owner_name": "Future Person", "owner_purchase_date": tomorrow, "confirm": "1"})
        assert r.status == 422 and "in the future" in r.text and 'value="Future Person"' in r.text
        assert s.sql("SELECT count(*) FROM passport_events WHERE kind = 'transferred'") == [(0,)]
        r = c.post("/admin/passports/%d/transfer" % pid, {
            "owner_name": "Ann Owner", "owner_purchase_date": "2025-03-04", "confirm": "1"})
        assert r.status == 303
        page = c.get("/admin/passports/%d" % pid)
        text = visible_text(page.text)
        assert "Ownership transferred" in text
        assert "Ownership transferred Ownership transferred" not in text
        assert "Tue 4 Mar 2025" in text and "2025-03-04" not in text
        assert '<time datetime="2025-03-04">Tue 4 Mar 2025</time>' in page.text


def test_book_in_and_edit_fit_the_kind_of_job():
    with StaffServer() as s:
        c = signed_in(s)
        s.sql("UPDATE shops SET currency = 'EUR'")
        page = c.get("/admin/jobs/new")
        # Required fields say so; amounts name the shop's currency.
        for label in ("Kind of job", "Name", "Item type"):
            assert re.search(r">%s <span class=\"hint\">\(required\)</span>" % label, page.text), label
        assert 'Quoted price <span class="hint">(EUR)</span>' in page.text
        # The brief and budget are for commissions: the note names them,
        # and the script shows the section for those kinds only.
        assert "For Bespoke jobs only" in visible_text(page.text)
        assert re.search(r'value="\d+"[^>]*data-commission="1"[^>]*> Bespoke', page.text)
        assert not re.search(r'value="\d+"[^>]*data-commission="1"[^>]*> Repair', page.text)
        assert '<fieldset class="commission" data-commission>' in page.text
        repair, _ = c.book_in()
        assert "Design brief" not in c.get("/admin/jobs/%d/edit" % repair).text
        bsp = re.search(r'name="workflow" value="(\d+)"[^>]*> Bespoke', page.text).group(1)
        bespoke, _ = c.book_in(workflow=bsp, design_brief="Art deco", budget="2500")
        edit = c.get("/admin/jobs/%d/edit" % bespoke)
        assert "Design brief" in edit.text and ">Art deco</textarea>" in edit.text
        assert "2,500.00 EUR" in visible_text(c.get("/admin/jobs/%d" % bespoke).text)


def test_job_page_header_names_the_customer_with_contact_links():
    with StaffServer() as s:
        c = signed_in(s)
        job, _ = c.book_in(customer_name="Hedy Lamarr", customer_phone="07700 900555",
                           customer_email="hedy@example.com")
        page = c.get("/admin/jobs/%d" % job)
        import html
        head = html.unescape(re.search(r'<div class="page-head">(.*?)</div>\s*<a class="button',
                                       page.text, re.S).group(1))
        assert "Hedy Lamarr" in head
        assert 'href="tel:+447700900555"' in head and 'href="mailto:hedy@example.com"' in head


def test_making_a_job_photo_private_asks_first():
    from test_job_photos import JobStaff
    from test_photos import jpeg
    with StaffServer() as s:
        c = JobStaff(s)
        c.login()
        job, _ = c.book_in()
        c.get("/admin/jobs/%d" % job)
        assert c.upload_job(job, jpeg([[128] * 2] * 2), public=True).status == 303
        aid = s.sql("SELECT id FROM attachments WHERE owner_kind = 'job'")[0][0]
        c.get("/admin/jobs/%d" % job)
        form = {"attachment": str(aid), "role": "photo", "is_public": "0"}
        r = c.post("/admin/jobs/%d/photo" % job, form)
        assert r.status == 200 and "Make this photo private?" in r.text
        assert s.sql("SELECT is_public FROM attachments") == [(1,)]
        action, fields = confirm_form(r)
        assert (fields["attachment"], fields["role"], fields["is_public"]) == (str(aid), "photo", "0")
        assert c.post(action, dict(form, confirm="1")).status == 303
        assert s.sql("SELECT is_public FROM attachments") == [(0,)]
        # Making one public needs no question.
        c.get("/admin/jobs/%d" % job)
        assert c.post("/admin/jobs/%d/photo" % job, dict(form, is_public="1")).status == 303
