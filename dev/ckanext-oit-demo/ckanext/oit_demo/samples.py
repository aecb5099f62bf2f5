"""Sample content for the demo agency (``ckan oit-demo --samples``, used by
``make run`` and ``make screenshots``), so that a fresh portal shows what the
public will see: a published แบบ สขร.1 with its records, an answered question,
feedback with the agency's response, and a complaint officer designated by the sysadmin.

Everything is made the agency's way (staff prepare, the director approves or
answers) and only once: a second run finds it and adds nothing.
"""
from __future__ import annotations

import csv
import datetime
import io
from typing import Any, Iterator

import ckan.plugins.toolkit as tk
from werkzeug.datastructures import FileStorage

from ckanext.oit import thai_calendar
from ckanext.oit_demo import agency as demo
from ckanext.oit.records import jobs as records_jobs

# แบบ สขร.1 (table procurement-monthly-summary) with the column titles offices use
PROCUREMENT_HEADER = ["ลำดับที่", "งานที่จัดซื้อหรือจัดจ้าง", "วงเงินที่จะซื้อหรือจ้าง", "ราคากลาง", "วิธีซื้อหรือจ้าง",
                      "ผู้ได้รับการคัดเลือก", "ราคาที่ตกลงซื้อหรือจ้าง", "เลขที่ของสัญญาหรือข้อตกลงในการซื้อหรือจ้าง"]
PROCUREMENT_ROWS = [
    ["1", "จัดซื้อกระดาษ A4 จำนวน 100 รีม", "12,500", "12,500", "วิธีเฉพาะเจาะจง", "ร้านเครื่องเขียนตัวอย่าง",
     "12,000", "1/2570"],
    ["2", "จ้างซ่อมเครื่องปรับอากาศห้องประชุม", "45,000", "45,000", "วิธีเฉพาะเจาะจง", "บริษัท ตัวอย่างแอร์ จำกัด",
     "44,200", "2/2570"],
]
QUESTION = ("โรงเรียนในสังกัดจะเปิดรับสมัครนักเรียนชั้นอนุบาลปีการศึกษาหน้าเมื่อใด",
            "เปิดรับสมัครระหว่างวันที่ 1–15 มีนาคม ที่โรงเรียนทุกแห่งในสังกัด ดูประกาศของแต่ละโรงเรียนได้ที่หน้าเว็บไซต์ของโรงเรียน")
FEEDBACK = ("อยากให้เผยแพร่แผนการจัดซื้อจัดจ้างเป็นไฟล์ Excel ด้วย",
            "ขอบคุณสำหรับข้อเสนอแนะ หน่วยงานเผยแพร่สรุปผลการจัดซื้อจัดจ้างเป็นตารางข้อมูลที่ดาวน์โหลดเป็น CSV ได้แล้ว")


def _as(role: str):
    user = next(name for name, _f, _p, r in demo.USERS if r == role)

    def act(action: str, **data: Any) -> Any:
        return tk.get_action(action)({"user": user, "ignore_auth": False}, data)
    return act


def _published_procurement(org: str) -> Iterator[str]:
    public = tk.get_action("package_search")({"user": ""}, {
        "fq": f'organization:"{org}" AND dataset_type:oit-procurement', "rows": 0})
    if public["count"]:
        yield "kept the sample procurement summary"
        return
    staff, director = _as("editor"), _as("admin")
    fiscal_year = thai_calendar.fiscal_year_of(datetime.date.today())
    year, month = thai_calendar.fiscal_year_months(fiscal_year)[0]
    text = io.StringIO()
    csv.writer(text).writerows([PROCUREMENT_HEADER] + PROCUREMENT_ROWS)
    dataset = staff("package_create", type="oit-procurement", owner_org=org,
                    item_key="procurement-monthly-summary", fiscal_year=str(fiscal_year),
                    period=f"{year}-{month:02d}",
                    notes="ตัวอย่างสรุปผลการจัดซื้อจัดจ้างรายเดือนของหน่วยงานตัวอย่าง (demo sample)")
    resource = staff("resource_create", package_id=dataset["id"], name="แบบ สขร.1", format="CSV", url="",
                     upload=FileStorage(stream=io.BytesIO(text.getvalue().encode("utf-8")),
                                        filename="sor-kor-ror-1.csv"))
    # Load the rows here rather than wait for the worker, which `make run` starts later;
    # the queued job loads the same file again, harmlessly.
    loaded = records_jobs.load(resource["id"])
    staff("oit_submit", id=dataset["id"])
    director("oit_approve", id=dataset["id"])
    yield f"published {dataset['name']} ({loaded['row_count']} records, {loaded['status']})"


def _answered_question(org: str) -> Iterator[str]:
    staff = _as("editor")
    if staff("oit_question_list", organization=org, state="published")["count"]:
        yield "kept the sample question"
        return
    asked = staff("oit_question_create", organization=org, question=QUESTION[0])
    staff("oit_question_answer", id=asked["id"], answer=QUESTION[1])
    yield "answered a sample question"


def _answered_feedback(org: str) -> Iterator[str]:
    staff = _as("editor")
    if staff("oit_feedback_list", organization=org, state="published")["count"]:
        yield "kept the sample feedback"
        return
    given = staff("oit_feedback_create", organization=org, message=FEEDBACK[0])
    staff("oit_feedback_respond", id=given["id"], response=FEEDBACK[1])
    yield "responded to a sample feedback"


def _complaint_officer(org: str) -> Iterator[str]:
    # two people: the portal's sysadmin designates the director (an admin alone only proposes)
    sysadmin = _as(None)
    if any(o["user"] == "director" for o in sysadmin("oit_complaint_officer_list", organization=org)):
        yield "kept director as complaint officer"
        return
    sysadmin("oit_complaint_officer_add", organization=org, user="director")
    yield "director is a complaint officer (designated by oit_admin)"


def load() -> Iterator[str]:
    org = demo.ORGANIZATION["name"]
    for part in (_published_procurement, _answered_question, _answered_feedback, _complaint_officer):
        yield from part(org)
