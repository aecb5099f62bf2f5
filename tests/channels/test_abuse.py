"""Bad input and abuse on the public channels (issue 8): oversized, wrong-type
and script-bearing input is refused with a clear error naming the field and
nothing is stored; a burst from one address is throttled (Redis counters)."""
from __future__ import annotations

import io
import os
import shutil
import zipfile

import pytest
from werkzeug.datastructures import FileStorage

import ckan.lib.uploader as uploader
import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit.channels import abuse
from ckanext.oit.channels.model import Complaint, ComplaintAttachment, Question
from support.channels import CATEGORY, PDF, csrf

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


@pytest.fixture(autouse=True)
def empty_storage():
    """Complaint files of earlier tests (clean_db leaves the storage folder alone)."""
    shutil.rmtree(os.path.join(uploader.get_storage_path(), "oit-private", "complaints"), ignore_errors=True)


def upload(name: str, data: bytes) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def complain(org, address="192.0.2.10", **extra):
    data = dict(organization=org["name"], category=CATEGORY, description="เรื่องทดสอบ", privacy_accepted="true")
    data.update(extra)
    return tk.get_action("oit_complaint_create")({"user": "", "oit_client_address": address}, data)


def refused(org, **extra) -> dict[str, list[str]]:
    with pytest.raises(tk.ValidationError) as error:
        complain(org, **extra)
    return error.value.error_dict


def nothing_stored() -> bool:
    folder = os.path.join(uploader.get_storage_path(), "oit-private", "complaints")
    files = [f for _, _, names in os.walk(folder) for f in names] if os.path.isdir(folder) else []
    return model.Session.query(Complaint).count() == 0 and model.Session.query(ComplaintAttachment).count() == 0 \
        and not files


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def test_an_oversized_attachment_is_refused_and_nothing_is_kept(people, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.oit.channels.attachment_max_size", 1024)
    big = PDF + b"0" * 2048
    errors = refused(people.org, attachments=[upload("ok.pdf", PDF), upload("big.pdf", big)])
    assert errors == {"attachments": ["ไฟล์ big.pdf ใหญ่เกิน 1 KB / The file big.pdf is larger than 1 KB"]}
    assert nothing_stored()  # not even the good file nor the complaint


def test_wrong_types_are_refused_by_extension_and_by_content(people):
    errors = refused(people.org, attachments=[upload("tool.exe", b"MZ\x90\x00")])["attachments"]
    assert errors == ["ไฟล์ tool.exe เป็นชนิดที่ไม่รับ (รับ: pdf, jpg, jpeg, png, docx) / "
                      "The file tool.exe is of a type not accepted (accepted: pdf, jpg, jpeg, png, docx)"]
    errors = refused(people.org, attachments=[upload("invoice.pdf", b"MZ\x90\x00 not a pdf")])["attachments"]
    assert errors == ["เนื้อหาของไฟล์ invoice.pdf ไม่ใช่ PDF ตามที่ชื่อไฟล์ระบุ / "
                      "The content of invoice.pdf is not PDF as its name says"]
    errors = refused(people.org, attachments=[upload("letter.docx", b"PK\x03\x04 broken zip")])["attachments"]
    assert "letter.docx" in errors[0] and "DOCX" in errors[0]
    assert nothing_stored()
    # real files of the accepted kinds pass
    complain(people.org, attachments=[upload("letter.docx", docx()), upload("photo.jpg", b"\xff\xd8\xff\xe0 jfif")])
    assert model.Session.query(ComplaintAttachment).count() == 2


def test_too_many_attachments_are_refused(people):
    errors = refused(people.org, attachments=[upload(f"p{i}.pdf", PDF) for i in range(6)])
    assert errors["attachments"] == ["แนบไฟล์ได้ไม่เกิน 5 ไฟล์ / At most 5 files may be attached"]
    assert nothing_stored()


@pytest.mark.parametrize("text", [
    "ดูที่นี่ <script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">คลิก</a>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<iframe src=//evil.example></iframe>",
])
def test_script_bearing_text_is_refused_with_the_field_named(people, text):
    errors = refused(people.org, description=text)
    assert errors == {"description": ["รายละเอียดเรื่องร้องเรียนมีสคริปต์หรือโค้ดที่ไม่อนุญาต / "
                                      "The description contains script or code, which is not allowed"]}
    assert nothing_stored()
    with pytest.raises(tk.ValidationError) as error:
        tk.get_action("oit_question_create")({"user": ""}, {"organization": people.org["name"], "question": text})
    assert list(error.value.error_dict) == ["question"]
    assert model.Session.query(Question).count() == 0


def test_other_html_is_stripped_to_its_text(people):
    tk.get_action("oit_question_create")({"user": ""}, {
        "organization": people.org["name"], "question": "<b>ขอทราบ</b> งบประมาณ <i>ปี 2569</i> &amp; แผน <!-- x -->"})
    assert model.Session.query(Question).one().question == "ขอทราบ งบประมาณ ปี 2569 & แผน"


def test_the_honeypot_refuses_bots(people):
    errors = refused(people.org, website="http://spam.example")
    assert errors == {"website": ["ไม่รับข้อความนี้: ช่องที่ต้องเว้นว่างถูกกรอก / Refused: a field that must stay empty was filled in"]}
    with pytest.raises(tk.ValidationError):
        tk.get_action("oit_feedback_create")({"user": ""}, {
            "organization": people.org["name"], "message": "ดีมาก", "website": "x"})
    assert nothing_stored()


def test_bad_fields_each_get_a_clear_error(people):
    errors = refused(people.org, category="ไม่มีประเภทนี้", description="", email="not-an-address",
                     incident_date="31/02/2568", privacy_accepted="")
    assert set(errors) == {"category", "description", "email", "incident_date", "privacy_accepted"}
    assert all(" / " in m for messages in errors.values() for m in messages)  # Thai / English


def test_the_errors_come_in_the_order_of_the_form(people):
    # the page lists them in this order, each once
    errors = refused(people.org, website="x", category="", description="<script>x</script>",
                     incident_date="2999-01-01", email="a@b", privacy_accepted="",
                     attachments=[upload("tool.exe", b"MZ")])
    assert list(errors) == ["website", "category", "description", "incident_date", "email", "privacy_accepted",
                            "attachments"]
    assert errors["category"] == ["กรุณาเลือกประเภทเรื่องร้องเรียน / The category is required"]
    assert [len(messages) for messages in errors.values()] == [1] * 7


def test_a_burst_from_one_address_is_throttled(people, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.oit.channels.rate_limit", 3)
    for _ in range(3):
        complain(people.org)
    with pytest.raises(abuse.Throttled) as error:
        complain(people.org)
    assert "rate_limit" in error.value.error_dict and "Too many submissions" in error.value.error_dict["rate_limit"][0]
    assert model.Session.query(Complaint).count() == 3
    complain(people.org, address="198.51.100.7")             # another address is not affected
    # each channel counts on its own
    ask = {"user": "", "oit_client_address": "192.0.2.10"}
    tk.get_action("oit_question_create")(ask, {"organization": people.org["name"], "question": "ถามได้ไหม"})
    # the organisation's complaint officers are not throttled when recording complaints
    people.act("officer", "oit_complaint_create", organization=people.org["name"], category=CATEGORY,
               description="บันทึกจากหนังสือ", channel="หนังสือ/ไปรษณีย์", privacy_accepted="true")
    assert model.Session.query(Complaint).count() == 5


def test_tracking_code_lookups_are_throttled(people, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.oit.channels.status_rate_limit", 5)
    context = {"user": "", "oit_client_address": "203.0.113.9"}
    for _ in range(5):
        with pytest.raises(tk.ObjectNotFound):
            tk.get_action("oit_complaint_status")(context, {"tracking_code": "ABCDE-FGHJK-MNPQR-STVWX"})
    with pytest.raises(abuse.Throttled):
        tk.get_action("oit_complaint_status")(context, {"tracking_code": "ABCDE-FGHJK-MNPQR-STVWX"})


def test_a_burst_on_the_page_gets_http_429(people, app, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.oit.channels.rate_limit", 2)
    url = f"/oit/{people.org['name']}/questions"
    codes = []
    browser = app.test_client()
    for i in range(3):
        response = browser.post(url, data={"_csrf_token": csrf(browser, url), "question": f"คำถามที่ {i}"},
                            environ_overrides={"REMOTE_ADDR": "192.0.2.77"}, follow_redirects=False)
        codes.append(response.status_code)
    assert codes == [302, 302, 429]
    assert "ส่งบ่อยเกินไป" in response.body
    assert model.Session.query(Question).count() == 2
