"""Acceptance 1 of issue 7: the main pages in Thai, in real headless Chromium (with CKAN's
JavaScript run and its browser catalogue built by `ckan run`), show none of CKAN's
common English labels, and their dates are พ.ศ."""
from __future__ import annotations

import datetime
import re

import pytest
import pytz
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.oit import thai_calendar

from browser_support import PASSWORD, Person, browser, live_server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

ENGLISH_LABELS = (
    "Datasets", "Organizations", "Groups", "About", "Search", "License", "Download", "Activity Stream",
    "Log in", "Register", "Dashboard", "Explore", "Resources", "Additional Info", "Last Updated", "Created",
    "Format", "Followers", "News feed", "Edit", "Manage", "Add Dataset", "Filter Results", "Order by",
    "Relevance", "Name Ascending", "Last Modified", "Tags", "Formats", "Licenses",
    # and some more that CKAN's Thai catalogue leaves out or its JavaScript writes
    "Organization", "Dataset", "Show more", "Show less", "Follow", "Powered by", "Skip to main content",
    "Username or Email", "Password", "Remember me", "Data last updated", "Activity type",
)
_LABEL = re.compile(r"(?<![A-Za-z])(" + "|".join(re.escape(w) for w in ENGLISH_LABELS) + r")(?![A-Za-z])")


def test_the_main_pages_in_thai_show_no_english_label(live_server, browser):
    factories.User(name="staff_thai", fullname="สมชาย ใจดี", about="เจ้าหน้าที่พัสดุ", password=PASSWORD)
    factories.User(name="director_thai", fullname="สมหญิง ผู้อำนวยการ", about="ผู้อำนวยการ", password=PASSWORD)
    org = factories.Organization(name="pesao-thai", title="สพป.ภาษาไทย", description="สำนักงานเขตพื้นที่การศึกษา",
                                 users=[{"name": "staff_thai", "capacity": "editor"},
                                        {"name": "director_thai", "capacity": "admin"}])
    factories.Group(name="group-thai", title="กลุ่มข้อมูลจัดซื้อ", description="ข้อมูลการจัดซื้อจัดจ้าง")
    dataset = call_action("package_create", {"user": "staff_thai"}, type="oit-procurement", owner_org=org["id"],
                          item_key="procurement-monthly-summary", fiscal_year="2569", period="2025-10",
                          notes="สรุปผลการจัดซื้อจัดจ้างประจำเดือน",
                          resources=[{"name": "สขร.1", "url": "http://example.go.th/sor-kor-ror-1.csv",
                                      "format": "CSV"}])
    call_action("oit_submit", {"user": "staff_thai"}, id=dataset["id"])
    call_action("oit_approve", {"user": "director_thai"}, id=dataset["id"])
    resource = dataset["resources"][0]
    person = Person(browser, live_server)

    public = {
        "home": "/",
        "search": "/dataset/",
        "search in Thai": "/dataset/?q=จัดซื้อ",
        "dataset": f"/oit-procurement/{dataset['name']}",
        "resource": f"/oit-procurement/{dataset['name']}/resource/{resource['id']}",
        "organisations": "/organization/",
        "organisation": f"/organization/{org['name']}",
        "groups": "/group/",
        "about": "/about",
        "login": "/user/login",
    }
    staff = {
        "dashboard": "/dashboard/",
        "dashboard datasets": "/dashboard/datasets",
        "activity": f"/dataset/activity/{dataset['name']}",
        "dataset for staff": f"/oit-procurement/{dataset['name']}",
    }
    left, seen = {}, {}

    def look(name: str, path: str) -> None:
        person.go(path)
        # after CKAN's modules ran (they load the browser catalogue first)
        WebDriverWait(browser, 15).until(lambda d: d.execute_script("return document.readyState") == "complete")
        text = person.text()
        assert re.search("[ก-๙]", text), name
        seen[name] = text
        if found := set(_LABEL.findall(text)):
            left[name] = sorted(found)

    for name, path in public.items():
        look(name, path)
    person.login("staff_thai")
    for name, path in staff.items():
        look(name, path)
    assert not left, f"English labels on Thai pages: {left}"

    today = datetime.datetime.now(pytz.timezone("Asia/Bangkok")).date()
    assert thai_calendar.format_date(today, "long", "th") in seen["resource"]  # e.g. 25 พฤศจิกายน 2569
    assert thai_calendar.format_date(today, "short", "th") in seen["dataset for staff"]  # approval history
    for name in ("resource", "activity", "dataset for staff"):
        assert "ค.ศ." not in seen[name] and str(today.year) not in seen[name], name
    assert "ชุดข้อมูล" in seen["search"] and "หน่วยงาน" in seen["organisations"]
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "th"
