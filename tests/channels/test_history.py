"""The status history of a complaint: every step (who, when, from → to, outcome)
is kept, shown with พ.ศ. dates on the officers' page, never to anyone else nor
through the tracking code, and deleted with the complaint under retention."""
from __future__ import annotations

import datetime

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import thai_calendar
from ckanext.oit.channels import retention
from ckanext.oit.channels.model import ComplaintStatusChange
from support.channels import file_complaint, only_complaint, token_of

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues")

OUTCOME = "ตรวจสอบแล้ว ลงโทษทางวินัย"


def steps(history):
    return [(s["from_status"], s["to_status"], s["changed_by"], s["closure"], s["outcome"] or s["forwarded_to"])
            for s in history]


def test_each_status_change_is_kept_with_who_when_and_outcome(people):
    created = file_complaint(people.org)
    complaint_id = only_complaint().id
    officer = people.users["officer"]["name"]
    people.act("officer", "oit_complaint_update", id=complaint_id, status="in_progress")
    people.act("officer", "oit_complaint_update", id=complaint_id, status="in_progress", officer_note="โทรสอบถามแล้ว")
    people.act("officer", "oit_complaint_update", id=complaint_id, status="forwarded", forwarded_to="สำนักงาน ป.ป.ช.")
    people.act("sysadmin", "oit_complaint_update", id=complaint_id, status="closed", closure="resolved", outcome=OUTCOME)
    shown = people.act("officer", "oit_complaint_show", id=complaint_id)
    assert steps(shown["history"]) == [
        (None, "received", None, None, None),                     # from the public web form: no one
        ("received", "in_progress", officer, None, None),
        ("in_progress", "forwarded", officer, None, "สำนักงาน ป.ป.ช."),
        ("forwarded", "closed", people.users["sysadmin"]["name"], "resolved", OUTCOME),
    ]                                                              # a note alone is no step
    times = [datetime.datetime.fromisoformat(s["changed_at"]) for s in shown["history"]]
    assert times == sorted(times) and times[-1] == datetime.datetime.fromisoformat(shown["closed_at"])
    # the tracking code shows the present status only, never the history nor who moved it
    status = tk.get_action("oit_complaint_status")({"user": ""}, {"tracking_code": created["tracking_code"]})
    assert "history" not in status and officer not in repr(status)


def test_an_officer_recording_a_complaint_is_its_first_step(people):
    people.act("officer", "oit_complaint_create", organization=people.org["name"], category=only_category(),
               description="รับทางโทรศัพท์", channel="โทรศัพท์", privacy_accepted="true")
    shown = people.act("officer", "oit_complaint_show", id=only_complaint().id)
    assert steps(shown["history"]) == [(None, "received", people.users["officer"]["name"], None, None)]


def only_category() -> str:
    from ckanext.oit.channels import complaints

    return complaints.categories()[0]


def test_the_history_is_on_the_officers_page_only_with_buddhist_era_dates(people, app):
    file_complaint(people.org)
    complaint_id = only_complaint().id
    fullname = people.users["officer"]["fullname"] or people.users["officer"]["name"]
    people.act("officer", "oit_complaint_update", id=complaint_id, status="closed", closure="terminated",
               outcome=OUTCOME)
    url = f"/oit/complaints/{complaint_id}"
    page = app.get(url, headers={"Authorization": token_of(people.users["officer"])})
    rows = BeautifulSoup(page.body, "html.parser").select(".oit-complaint-history tbody tr")
    cells = [[td.get_text(" ", strip=True) for td in row.find_all("td")] for row in rows]
    assert [c[1:] for c in cells] == [
        ["ผู้ร้องเรียน (เว็บไซต์)", "รับเรื่องแล้ว", ""],
        [fullname, "รับเรื่องแล้ว → ปิดเรื่องแล้ว", f"ยุติเรื่อง: {OUTCOME}"],
    ]
    be_year = str(thai_calendar.be_year(datetime.date.today().year))
    assert all(be_year in c[0] and "น." in c[0] for c in cells), cells
    english = app.get(f"/en{url}", headers={"Authorization": token_of(people.users["officer"])}).body
    assert "Status history" in english and "Received → Closed" in english
    for role in ("editor", "admin", "other_admin", "member"):
        denied = app.get(url, headers={"Authorization": token_of(people.users[role])})
        assert denied.status_code == 403 and OUTCOME not in denied.body and fullname not in denied.body
    assert app.get(url).status_code == 403


def test_retention_deletes_the_history_with_the_complaint(people, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.oit.channels.complaint_retention_days", 10)
    file_complaint(people.org)
    complaint_id = only_complaint().id
    people.act("officer", "oit_complaint_update", id=complaint_id, status="closed", closure="resolved", outcome=OUTCOME)
    complaint = only_complaint()
    complaint.closed_at = datetime.datetime.utcnow() - datetime.timedelta(days=11)
    model.Session.commit()
    assert model.Session.query(ComplaintStatusChange).count() == 2
    assert retention.apply().complaints_deleted == 1
    assert model.Session.query(ComplaintStatusChange).count() == 0
    # nothing of it lingers in the table, not even orphans
    assert model.Session.execute(sa.text("SELECT count(*) FROM oit_complaint_status_change")).scalar() == 0
