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

from ckanext.oit import thai_calendar

from support.browser import PASSWORD, Person
from support.thai_portal import english_labels, thai_agency

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]



def test_the_main_pages_in_thai_show_no_english_label(live_server, browser):
    org, dataset = thai_agency("pesao-thai", "staff_thai", "director_thai", "group-thai", password=PASSWORD)
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
        if found := english_labels(text):
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
