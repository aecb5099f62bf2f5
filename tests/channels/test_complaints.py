"""Complaints (issue 8, O30): anonymous complaints with evidence get a tracking
code; the status is read with the code and nothing else; only the
organisation's designated complaint officers (and sysadmins) read complaints,
on every path: action, page and attachment URL. Real PostgreSQL, Redis, files."""
from __future__ import annotations

import datetime
import io
import os
import re

import pytest
from bs4 import BeautifulSoup

import ckan.lib.uploader as uploader
import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit.channels import retention
from ckanext.oit.channels.model import Complaint, ComplaintAttachment
from support.channels import CATEGORY, DESCRIPTION, PDF, add_deputy, csrf, file_complaint, only_complaint, pdf, token_of

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
CODE_RE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}$")


def test_an_anonymous_complaint_with_evidence_gets_a_tracking_code(people):
    created = file_complaint(people.org, attachments=[pdf()])
    code = created["tracking_code"]
    assert CODE_RE.match(code), code
    assert created["status"] == "received" and created["attachment_count"] == 1
    complaint = only_complaint()
    assert complaint.anonymous and complaint.name is None and complaint.channel == "เว็บไซต์"
    assert code not in (complaint.tracking_hash or "")           # only the hash is kept
    assert complaint.incident_date == datetime.date(2025, 10, 15)
    # the file lives under the storage path's private folder, nowhere public
    attachment = model.Session.query(ComplaintAttachment).one()
    path = os.path.join(uploader.get_storage_path(), "oit-private", "complaints", complaint.id, attachment.id)
    with open(path, "rb") as stored:
        assert stored.read() == PDF


def test_the_status_is_read_with_the_code_and_nothing_else(people):
    created = file_complaint(people.org, attachments=[pdf()], name="นายแจ้ง ความจริง", email="jang@example.com")
    anonymous = {"user": ""}
    status = tk.get_action("oit_complaint_status")(anonymous, {"tracking_code": created["tracking_code"]})
    assert status["status"] == "received" and status["status_label"]["th"] == "รับเรื่องแล้ว"
    assert status["status_at"] and "outcome" not in status
    shown = repr(status)
    for secret in (DESCRIPTION, "นายแจ้ง", "jang@example.com", "evidence.pdf", only_complaint().id):
        assert secret not in shown
    # typed loosely: lower case, no dashes, spaces
    loose = " " + created["tracking_code"].lower().replace("-", "") + " "
    assert tk.get_action("oit_complaint_status")(anonymous, {"tracking_code": loose})["status"] == "received"
    # anything else finds nothing: the id, a wrong code, nothing
    complaint_id = only_complaint().id
    for attempt in ({"id": complaint_id}, {"tracking_code": complaint_id},
                    {"tracking_code": "00000-00000-00000-00000"}, {}):
        with pytest.raises(tk.ObjectNotFound):
            tk.get_action("oit_complaint_status")(anonymous, attempt)


def test_officers_move_the_complaint_and_the_complainant_reads_the_outcome(people):
    created = file_complaint(people.org)
    complaint_id = only_complaint().id
    with pytest.raises(tk.ValidationError) as refused:
        people.act("officer", "oit_complaint_update", id=complaint_id, status="closed")
    assert set(refused.value.error_dict) == {"outcome", "closure"}
    with pytest.raises(tk.ValidationError) as refused:
        people.act("officer", "oit_complaint_update", id=complaint_id, status="forwarded")
    assert "forwarded_to" in refused.value.error_dict
    people.act("officer", "oit_complaint_update", id=complaint_id, status="forwarded", forwarded_to="สำนักงาน ป.ป.ช.")
    status = tk.get_action("oit_complaint_status")({"user": ""}, {"tracking_code": created["tracking_code"]})
    assert status["status"] == "forwarded" and status["forwarded_to"] == "สำนักงาน ป.ป.ช."
    people.act("officer", "oit_complaint_update", id=complaint_id, status="closed", closure="resolved",
               outcome="ตรวจสอบแล้ว ลงโทษทางวินัย", officer_note="เลขที่หนังสือ 123/2569 ภายใน")
    status = tk.get_action("oit_complaint_status")({"user": ""}, {"tracking_code": created["tracking_code"]})
    assert status["status"] == "closed" and status["outcome"] == "ตรวจสอบแล้ว ลงโทษทางวินัย"
    assert status["closure_label"]["th"] == "ดำเนินการแล้วเสร็จ"
    assert "123/2569" not in repr(status)                       # the internal note stays internal
    shown = people.act("sysadmin", "oit_complaint_show", id=complaint_id)
    assert shown["officer_note"] == "เลขที่หนังสือ 123/2569 ภายใน" and shown["closed_at"]


READERS = ("officer", "sysadmin")
DENIED = ("anonymous", "member", "editor", "admin", "other_admin")


def test_only_officers_and_sysadmins_read_complaints_on_every_path(people, app):
    file_complaint(people.org, attachments=[pdf()], name="นายแจ้ง ความจริง", email="jang@example.com")
    complaint = only_complaint()
    attachment = model.Session.query(ComplaintAttachment).one()
    org = people.org["name"]
    pages = [f"/oit/{org}/complaints", f"/oit/complaints/{complaint.id}",
             f"/oit/complaints/{complaint.id}/attachments/{attachment.id}"]

    for role in DENIED:
        for action, data in (("oit_complaint_list", {"organization": org}),
                             ("oit_complaint_show", {"id": complaint.id}),
                             ("oit_complaint_update", {"id": complaint.id, "status": "in_progress"})):
            with pytest.raises(tk.NotAuthorized):
                people.act(role, action, **data)
        headers = {"Authorization": token_of(people.users[role])} if people.users[role] else {}
        for url in pages:
            response = app.get(url, headers=headers)
            assert response.status_code == 403, (role, url, response.status_code)
            assert DESCRIPTION not in response.body and "jang@example.com" not in response.body
            assert response.get_data() != PDF
        # nor through the Action API
        response = app.get(f"/api/3/action/oit_complaint_show?id={complaint.id}", headers=headers)
        assert response.status_code == 403 and DESCRIPTION not in response.body
    assert model.Session.query(Complaint).one().status == "received"  # no update got through

    for role in READERS:
        assert people.act(role, "oit_complaint_list", organization=org)["count"] == 1
        shown = people.act(role, "oit_complaint_show", id=complaint.id)
        assert shown["description"] == DESCRIPTION and shown["email"] == "jang@example.com"
        headers = {"Authorization": token_of(people.users[role])}
        assert DESCRIPTION in app.get(pages[1], headers=headers).body
        assert complaint.id in app.get(pages[0], headers=headers).body
        download = app.get(pages[2], headers=headers)
        assert download.status_code == 200 and download.get_data() == PDF
        assert "attachment" in download.headers["Content-Disposition"]
        assert "no-store" in download.headers["Cache-Control"] and "public" not in download.headers["Cache-Control"]


def test_complaint_officers_are_designated_by_admins_and_lapse(people):
    org = people.org["name"]
    editor = people.users["editor"]["name"]
    for role in ("editor", "officer", "other_admin", "anonymous"):
        with pytest.raises(tk.NotAuthorized):
            people.act(role, "oit_complaint_officer_add", organization=org, user=editor)
    with pytest.raises(tk.ValidationError):  # only members of the organisation
        people.act("admin", "oit_complaint_officer_add", organization=org, user=people.users["other_admin"]["name"])
    with pytest.raises(tk.ValidationError):  # and of them, editors and admins only
        people.act("admin", "oit_complaint_officer_add", organization=org, user=people.users["member"]["name"])
    # one admin proposes: no access yet; a second admin confirms
    officers = people.act("admin", "oit_complaint_officer_add", organization=org, user=editor)
    assert {o["user"] for o in officers} == {people.users["officer"]["name"]}
    with pytest.raises(tk.NotAuthorized):
        people.act("editor", "oit_complaint_list", organization=org)
    add_deputy(people)
    officers = people.act("deputy", "oit_complaint_officer_confirm", organization=org, user=editor)
    assert {o["user"] for o in officers} == {editor, people.users["officer"]["name"]}
    assert people.act("editor", "oit_complaint_list", organization=org)["count"] == 0
    people.act("admin", "oit_complaint_officer_remove", organization=org, user=editor)
    with pytest.raises(tk.NotAuthorized):
        people.act("editor", "oit_complaint_list", organization=org)
    # an officer who leaves the organisation loses access though still designated
    tk.get_action("organization_member_delete")({"ignore_auth": True, "user": people.users["sysadmin"]["name"]}, {
        "id": people.org["id"], "username": people.users["officer"]["name"]})
    with pytest.raises(tk.NotAuthorized):
        people.act("officer", "oit_complaint_list", organization=org)


def test_officers_record_complaints_from_other_channels(people):
    people.act("officer", "oit_complaint_create", organization=people.org["name"], category=CATEGORY,
               description="รับทางโทรศัพท์", channel="โทรศัพท์", received_on="2025-09-30", privacy_accepted="true")
    complaint = only_complaint()
    assert complaint.channel == "โทรศัพท์" and complaint.received_at.date() == datetime.date(2025, 9, 30)
    # the public cannot pick a channel: its complaints come by the website
    file_complaint(people.org, channel="โทรศัพท์")
    assert model.Session.query(Complaint).filter(Complaint.channel == "เว็บไซต์").count() == 1


def test_the_complaint_form_page_shows_the_code_once_and_the_status_page_reads_it(people, app):
    org = people.org["name"]
    form_url = f"/oit/{org}/complaints/new"
    browser = app.test_client()  # one cookie jar: the session that holds the CSRF token
    page = browser.get(form_url)
    assert "ประกาศความเป็นส่วนตัว" in page.body and "ไม่ประสงค์ออกนาม" in page.body
    token = csrf(browser, form_url)
    response = browser.post(form_url, data={
        "_csrf_token": token, "category": CATEGORY, "description": DESCRIPTION, "anonymous": "true",
        "privacy_accepted": "true", "website": "",
        "attachments": (io.BytesIO(PNG), "photo.png")}, content_type="multipart/form-data")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"] and "public" not in response.headers["Cache-Control"]
    code = BeautifulSoup(response.body, "html.parser").find(id="oit-tracking-code").text.strip()
    assert CODE_RE.match(code)
    assert model.Session.query(ComplaintAttachment).one().mimetype == "image/png"

    status_url = "/oit/complaints/status"
    found = browser.post(status_url, data={"_csrf_token": csrf(browser, status_url), "tracking_code": code})
    assert "รับเรื่องแล้ว" in found.body and DESCRIPTION not in found.body
    wrong = browser.post(status_url, data={"_csrf_token": csrf(browser, status_url), "tracking_code": "ABCDE-12345"})
    assert "ไม่พบเรื่องร้องเรียนตามรหัสติดตามนี้" in wrong.body


def test_a_refused_form_names_the_fields_and_keeps_nothing(people, app):
    form_url = f"/oit/{people.org['name']}/complaints/new"
    browser = app.test_client()
    response = browser.post(form_url, data={"_csrf_token": csrf(browser, form_url), "description": ""})
    assert response.status_code == 400
    body = response.body
    # the page's language only (the API says both: tests/portal/test_leftovers.py)
    assert "กรุณาเลือกประเภทเรื่องร้องเรียน" in body and "The category is required" not in body
    assert "กรุณากรอกรายละเอียดเรื่องร้องเรียน" in body and "privacy notice" not in body
    assert model.Session.query(Complaint).count() == 0


def test_retention_deletes_old_closed_complaints_and_then_their_files(people, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.oit.channels.complaint_retention_days", 1000)
    monkeypatch.setitem(ckan_config, "ckanext.oit.channels.attachment_retention_days", 100)
    for _ in range(3):
        file_complaint(people.org, attachments=[pdf()])
    old, middle, still_open = model.Session.query(Complaint).all()
    now = datetime.datetime.utcnow()
    old.status, old.closure, old.closed_at = "closed", "resolved", now - datetime.timedelta(days=1001)
    middle.status, middle.closure, middle.closed_at = "closed", "resolved", now - datetime.timedelta(days=101)
    still_open.received_at = now - datetime.timedelta(days=3000)
    model.Session.commit()
    folders = {c.id: os.path.join(uploader.get_storage_path(), "oit-private", "complaints", c.id)
               for c in (old, middle, still_open)}
    old_id, middle_id, open_id = old.id, middle.id, still_open.id

    done = retention.apply()
    assert (done.complaints_deleted, done.attachments_deleted) == (1, 2)
    assert model.Session.get(Complaint, old_id) is None and not os.path.exists(folders[old_id])
    kept = model.Session.get(Complaint, middle_id)
    assert kept is not None and kept.attachments_purged_at is not None and not os.path.exists(folders[middle_id])
    assert model.Session.query(ComplaintAttachment).filter_by(complaint_id=middle_id).count() == 0
    assert os.listdir(folders[open_id]) and model.Session.get(Complaint, open_id).status == "received"
    assert retention.apply().complaints_deleted == 0            # nothing twice


def test_the_retention_command(people, cli, ckan_config):
    from ckanext.oit.cli import oit

    file_complaint(people.org)
    complaint = only_complaint()
    complaint.status, complaint.closure = "closed", "terminated"
    complaint.closed_at = datetime.datetime.utcnow() - datetime.timedelta(days=4000)
    model.Session.commit()
    result = cli.invoke(oit, ["channels", "retention"])
    assert result.exit_code == 0, result.output
    assert "1 closed complaint(s)" in result.output
    assert model.Session.query(Complaint).count() == 0
