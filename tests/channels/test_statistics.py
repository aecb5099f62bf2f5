"""Complaint statistics (issue 8, O31): the counts of a fiscal year by category,
channel and status become the complaint-statistics table of an oit-complaint
dataset, by a job; no personal data; public only after approval."""
from __future__ import annotations

import csv
import datetime

import pytest

import ckan.lib.uploader as uploader
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories

from ckanext.oit import thai_calendar
from ckanext.oit.channels.model import Complaint
from support.channels import CATEGORY, DESCRIPTION, pdf
from support.jobs import run_jobs

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "mail_queue")

PROCUREMENT = "การทุจริตในการจัดซื้อจัดจ้าง"
NAME, EMAIL, PHONE = "นายร้องเรียน ตัวจริง", "complainant@example.com", "081-234-5678"


def make_complaints(people) -> int:
    """Five complaints this fiscal year in three categories/channels/statuses, one last year."""
    fiscal_year = thai_calendar.fiscal_year_of(thai_calendar.today())
    public = {"user": ""}
    base = dict(organization=people.org["name"], description=DESCRIPTION, privacy_accepted="true")
    for _ in range(2):
        tk.get_action("oit_complaint_create")(public, dict(base, category=CATEGORY, name=NAME, email=EMAIL, phone=PHONE))
    tk.get_action("oit_complaint_create")(public, dict(base, category=PROCUREMENT, attachments=[pdf()]))
    people.act("officer", "oit_complaint_create", **dict(base, category=PROCUREMENT, channel="โทรศัพท์"))
    people.act("officer", "oit_complaint_create", **dict(base, category=PROCUREMENT, channel="โทรศัพท์"))
    last_year = thai_calendar.fiscal_year_start(fiscal_year) - datetime.timedelta(days=1)
    people.act("officer", "oit_complaint_create", **dict(base, category=CATEGORY, received_on=last_year.isoformat()))
    ids = [c.id for c in model.Session.query(Complaint).filter(Complaint.channel == "โทรศัพท์")]
    people.act("officer", "oit_complaint_update", id=ids[0], status="closed", closure="resolved", outcome="ลงโทษ")
    people.act("officer", "oit_complaint_update", id=ids[1], status="closed", closure="terminated", outcome="ไม่มีมูล")
    return fiscal_year


def resource_csv(resource) -> list[dict]:
    path = uploader.get_resource_uploader(resource).get_path(resource["id"])
    with open(path, encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def test_statistics_counts_the_year_without_personal_data_and_publish_only_on_approval(people, app):
    fiscal_year = make_complaints(people)
    org = people.org["name"]
    for role in ("editor", "officer", "other_admin", "anonymous"):
        with pytest.raises(tk.NotAuthorized):
            people.act(role, "oit_complaint_statistics_generate", organization=org, fiscal_year=fiscal_year)
    queued = people.act("admin", "oit_complaint_statistics_generate", organization=org, fiscal_year=str(fiscal_year))
    assert queued["job_id"] and queued["fiscal_year"] == fiscal_year
    run_jobs()  # the generation, then the records load it queues
    run_jobs()

    found = tk.get_action("package_search")({"ignore_auth": True}, {
        "fq": f'item_key:"complaint-statistics" AND owner_org:"{people.org["id"]}"', "include_private": True})
    assert found["count"] == 1
    dataset = tk.get_action("package_show")({"ignore_auth": True}, {"id": found["results"][0]["id"]})
    assert dataset["type"] == "oit-complaint" and dataset["private"] and dataset["oit_status"] == "draft"
    assert dataset["fiscal_year"] == str(fiscal_year) and dataset["complaint_total"] == "5"
    resource = dataset["resources"][0]
    rows = resource_csv(resource)
    counted = {(r["ประเภทเรื่องร้องเรียน"], r["ช่องทางการร้องเรียน"], r["สถานะการดำเนินการ"]): int(r["จำนวนเรื่อง"])
               for r in rows}
    assert counted == {
        (PROCUREMENT, "เว็บไซต์", "อยู่ระหว่างดำเนินการ"): 1,
        (PROCUREMENT, "โทรศัพท์", "ดำเนินการแล้วเสร็จ"): 1,
        (PROCUREMENT, "โทรศัพท์", "ยุติเรื่อง"): 1,
        (CATEGORY, "เว็บไซต์", "อยู่ระหว่างดำเนินการ"): 2,
    }
    assert {r["ปีงบประมาณ (พ.ศ.)"] for r in rows} == {str(fiscal_year)}
    # the records pipeline loaded the table into the DataStore
    shown = tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource["id"]})
    assert shown["oit_records"]["status"] == "loaded", shown["oit_records"]
    assert shown["oit_records"]["row_count"] == 4
    # no personal data anywhere in what is published
    with open(uploader.get_resource_uploader(resource).get_path(resource["id"]), encoding="utf-8-sig") as f:
        published = f.read() + repr(dataset)
    for personal in (NAME, "ร้องเรียน ตัวจริง", EMAIL, PHONE, DESCRIPTION, "evidence.pdf", "ลงโทษ", "ไม่มีมูล"):
        assert personal not in published

    # private until the director approves what staff submit
    assert app.get(f"/dataset/{dataset['name']}").status_code in (403, 404)
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("package_show")({"user": ""}, {"id": dataset["id"]})
    people.act("editor", "oit_submit", id=dataset["id"])
    assert tk.get_action("package_show")({"ignore_auth": True}, {"id": dataset["id"]})["private"]
    # four eyes: the admin who generated the content does not approve it; a second admin does
    with pytest.raises(tk.NotAuthorized):
        people.act("admin", "oit_approve", id=dataset["id"])
    deputy = factories.User()
    tk.get_action("organization_member_create")({"ignore_auth": True}, {
        "id": people.org["id"], "username": deputy["name"], "role": "admin"})
    tk.get_action("oit_approve")({"user": deputy["name"]}, {"id": dataset["id"]})
    public = tk.get_action("package_show")({"user": ""}, {"id": dataset["id"]})
    assert public["oit_status"] == "published" and not public["private"]

    # generating again after publication is a change request: the public keeps the approved numbers
    people.act("sysadmin", "oit_complaint_create", organization=org, category=CATEGORY, description="อีกเรื่อง",
               privacy_accepted="true")
    result = people.act("sysadmin", "oit_complaint_statistics_generate", organization=org,
                        fiscal_year=fiscal_year, run_now=True)
    assert result["oit_status"] == "published"
    after = tk.get_action("package_show")({"user": ""}, {"id": dataset["id"]})
    assert after["complaint_total"] == "5"
    requests = people.act("admin", "oit_change_request_list", id=dataset["id"])
    assert len(requests) == 1 and requests[0]["operation_count"] == 2
    people.act("admin", "oit_approve", id=dataset["id"])
    assert tk.get_action("package_show")({"user": ""}, {"id": dataset["id"]})["complaint_total"] == "6"


def test_a_year_without_complaints_is_one_zero_row(people):
    result = people.act("admin", "oit_complaint_statistics_generate", organization=people.org["name"],
                        fiscal_year="2568", run_now=True)
    assert result["complaint_total"] == 0 and result["oit_status"] == "draft"
    dataset = tk.get_action("package_show")({"ignore_auth": True}, {"id": result["id"]})
    assert resource_csv(dataset["resources"][0]) == [
        {"ปีงบประมาณ (พ.ศ.)": "2568", "ประเภทเรื่องร้องเรียน": "", "ช่องทางการร้องเรียน": "", "สถานะการดำเนินการ": "",
         "จำนวนเรื่อง": "0"}]


def test_the_statistics_command_queues_a_job(people, cli):
    from ckanext.oit.cli import oit

    fiscal_year = make_complaints(people)
    result = cli.invoke(oit, ["channels", "statistics", "--organization", people.org["name"],
                              "--fiscal-year", str(fiscal_year)])
    assert result.exit_code == 0, result.output
    assert "queued job" in result.output
    run_jobs()
    found = tk.get_action("package_search")({"ignore_auth": True}, {
        "fq": 'item_key:"complaint-statistics"', "include_private": True})
    assert found["count"] == 1 and found["results"][0]["fiscal_year"] == str(fiscal_year)
    assert found["results"][0]["complaint_total"] == "5"
