"""Thai first: CKAN's pages in Thai with no untranslated English labels, English at /en,
พ.ศ. dates with Thai month names (the catalogue files alone: tests/unit/i18n)."""
from __future__ import annotations

import datetime
import json
import re

import pytest
import pytz
from bs4 import BeautifulSoup

import ckan.plugins.toolkit as tk
from ckan.lib import i18n
from ckan.tests import factories

from ckanext.oit import thai_calendar

from support.thai_portal import english_labels, thai_agency

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def visible_text(body: str) -> str:
    page = BeautifulSoup(body, "html.parser")
    for hidden in page(["script", "style", "template", "noscript"]):
        hidden.decompose()
    # licences are named as published ("GNU Free Documentation License"), as on data.go.th
    for name in page.select("#field-license_id option"):
        name.decompose()
    return page.get_text(" ", strip=True)


@pytest.fixture
def portal():
    """One agency with staff, a director, a published procurement summary with a CSV, and a group."""
    org, dataset = thai_agency("pesao-i18n", "editor_i18n", "director_i18n", "group-i18n")

    def headers(user: str) -> dict[str, str]:
        return {"Authorization": factories.APIToken(user=user)["token"]}

    return {"dataset": dataset, "resource": dataset["resources"][0], "org": org,
            "editor_headers": headers("editor_i18n"), "director_headers": headers("director_i18n")}


def _pages(portal) -> dict[str, tuple[str, dict]]:
    ds, res, org = portal["dataset"]["name"], portal["resource"]["id"], portal["org"]["name"]
    public, staff, director = {}, portal["editor_headers"], portal["director_headers"]
    return {
        "home": ("/", public),
        "search": ("/dataset/", public),
        "search by type": ("/oit-procurement/", public),
        "dataset": (f"/oit-procurement/{ds}", public),
        "resource": (f"/oit-procurement/{ds}/resource/{res}", public),
        "activity": (f"/dataset/activity/{ds}", public),
        "organisations": ("/organization/", public),
        "organisation": (f"/organization/{org}", public),
        "organisation about": (f"/organization/about/{org}", public),
        "groups": ("/group/", public),
        "group": ("/group/group-i18n", public),
        "about": ("/about", public),
        "login": ("/user/login", public),
        "password reset": ("/user/reset", public),
        "dashboard": ("/dashboard/", staff),
        "dashboard datasets": ("/dashboard/datasets", staff),
        "dashboard organisations": ("/dashboard/organizations", staff),
        "user": ("/user/editor_i18n", staff),
        "user edit": ("/user/edit/editor_i18n", staff),
        "new dataset form": ("/oit-procurement/new", staff),
        "edit dataset form": (f"/oit-procurement/edit/{ds}", director),
        "new resource form": (f"/dataset/{ds}/resource/new", director),
        "edit resource form": (f"/dataset/{ds}/resource/{res}/edit", director),
        "organisation edit": (f"/organization/edit/{org}", director),
        "organisation members": (f"/organization/members/{org}", director),
        "organisation add member": (f"/organization/member_new/{org}", director),
        "organisation activity": (f"/organization/activity/{org}", director),
        "approvals": ("/oit/approvals", director),
    }


def test_thai_pages_show_no_common_english_label(app, portal):
    left = {}
    for name, (path, headers) in _pages(portal).items():
        response = app.get(path, headers=headers)
        assert response.status_code == 200, name
        text = visible_text(response.body)
        assert re.search("[ก-๙]", text), name  # Thai is there at all
        if found := english_labels(text):
            left[name] = sorted(found)
    assert not left, f"English labels on Thai pages: {left}"


def test_thai_pages_use_the_portals_words(app, portal):
    search = visible_text(app.get("/dataset/").body)
    for word in ("ชุดข้อมูล", "หน่วยงาน", "ค้นหา", "สัญญาอนุญาต", "คำสำคัญ", "รูปแบบ"):
        assert word in search, word
    dataset = visible_text(app.get(f"/oit-procurement/{portal['dataset']['name']}").body)
    assert "ความเคลื่อนไหว" in dataset and "ชุดข้อมูลการจัดซื้อจัดจ้างหรือการจัดหาพัสดุ" in dataset
    resource = visible_text(app.get(
        f"/oit-procurement/{portal['dataset']['name']}/resource/{portal['resource']['id']}").body)
    assert "ไปสู่ทรัพยากร" in resource and "ปรับปรุงข้อมูลล่าสุด" in resource
    dashboard = BeautifulSoup(app.get("/dashboard/datasets", headers=portal["editor_headers"]).body, "html.parser")
    # a plural form: CKAN's Thai needs the catalogue's Plural-Forms to be found at all
    # the link's title on CKAN 2.11, its aria-label on 2.12
    assert dashboard.select_one("a[title^='หน้าของฉัน (ความเคลื่อนไหวใหม่'], "
                                "a[aria-label^='หน้าของฉัน (ความเคลื่อนไหวใหม่']") is not None


def test_english_mode_stays_english(app, portal):
    search = visible_text(app.get("/en/dataset/").body)
    assert {"Datasets", "Organizations", "Search"} <= english_labels(search)
    assert not {"ชุดข้อมูล", "หน่วยงาน", "ค้นหา", "สัญญาอนุญาต"} & set(re.findall("[ก-๙]+", search))
    by_type = visible_text(app.get("/en/oit-procurement/").body)
    assert "Procurement datasets" in by_type  # not CKAN's "Oit-Procurements"
    resource = visible_text(app.get(
        f"/en/oit-procurement/{portal['dataset']['name']}/resource/{portal['resource']['id']}").body)
    assert "Data last updated" in resource
    today = datetime.datetime.now(pytz.timezone("Asia/Bangkok"))
    assert f"{thai_calendar.MONTHS_EN[today.month - 1]} {today.day}, {today.year}" in resource


def _today_be(style: str = "long") -> str:
    today = datetime.datetime.now(pytz.timezone("Asia/Bangkok")).date()
    return thai_calendar.format_date(today, style, "th")


def test_resource_page_dates_are_buddhist_era(app, portal):
    body = app.get(f"/oit-procurement/{portal['dataset']['name']}/resource/{portal['resource']['id']}").body
    rows = {row.th.get_text(strip=True): row.td.get_text(" ", strip=True)
            for row in BeautifulSoup(body, "html.parser").select("table tr") if row.th and row.td}
    for label in ("ปรับปรุงข้อมูลล่าสุด", "ปรับปรุงเมทาดาตาล่าสุด", "สร้างเมื่อ"):
        assert rows[label] == _today_be(), (label, rows[label])
    assert "ค.ศ." not in visible_text(body)


def test_dataset_page_and_history_dates_are_buddhist_era(app, portal):
    headers = portal["director_headers"]  # the approval history is for staff
    page = BeautifulSoup(app.get(f"/oit-procurement/{portal['dataset']['name']}", headers=headers).body,
                         "html.parser")
    approved = page.select_one(".oit-workflow").get_text(" ", strip=True)
    assert _today_be() in approved
    history = page.select(".oit-history tbody tr td:first-child")
    assert history, "the approval history is shown"
    for cell in history:
        assert re.fullmatch(re.escape(_today_be("short")) + r" เวลา \d\d:\d\d น\.", cell.get_text(strip=True))


def test_activity_stream_is_thai_with_buddhist_era_dates(app, portal):
    # staff see the activities of the draft too (it was private then)
    page = BeautifulSoup(app.get(f"/dataset/activity/{portal['dataset']['name']}",
                                 headers=portal["director_headers"]).body, "html.parser")
    dates = page.select(".activity .date")
    assert dates
    for span in dates:
        # the date in the span's title (CKAN 2.11), or after the prefix of its aria-label (2.12)
        label = span.get("title") or span["aria-label"]
        assert re.match(r"(.*: )?" + re.escape(_today_be() + " เวลา "), label), label
        assert re.search("(วินาที|นาที|ชั่วโมง)ที่ผ่านมา|เมื่อสักครู่|เมื่อกี้", span.get_text(strip=True))
    text = visible_text(str(page))
    assert "สร้างชุดข้อมูลการจัดซื้อจัดจ้างหรือการจัดหาพัสดุ" in text  # the activity names the type in Thai
    options = [o.get_text(strip=True) for o in page.select("#activity_types_filter_select option")]
    assert "ความเคลื่อนไหวทุกประเภท" in options and "สร้างชุดข้อมูล" in options


def test_dashboard_dates_are_buddhist_era(app, portal):
    page = BeautifulSoup(app.get("/dashboard/", headers=portal["editor_headers"]).body, "html.parser")
    titles = [span.get("title") or span["aria-label"] for span in page.select(".activity .date")]  # 2.11, 2.12
    assert titles and all(re.match(r"(.*: )?" + re.escape(_today_be()), t) for t in titles), titles


@pytest.mark.usefixtures("with_request_context")
def test_date_helpers_in_thai_and_english():
    moment = datetime.datetime(2026, 11, 25, 7, 3, 9)  # UTC, as CKAN stores it: 14:03 in Bangkok
    tk.request.environ["CKAN_LANG"] = "th"
    i18n.set_lang("th")
    assert tk.h.render_datetime(moment) == "25 พฤศจิกายน 2569"
    assert tk.h.render_datetime(moment, with_hours=True) == "25 พฤศจิกายน 2569 เวลา 14:03 น."
    assert tk.h.render_datetime(moment, with_seconds=True) == "25 พฤศจิกายน 2569 เวลา 14:03:09 น."
    assert tk.h.render_datetime("2026-11-25T20:30:00") == "26 พฤศจิกายน 2569"  # the Bangkok day
    assert tk.h.render_datetime(moment, date_format="%Y-%m-%d") == "2026-11-25"  # machine formats kept
    assert tk.h.render_datetime("not a date") == ""
    assert tk.h.oit_format_datetime(moment) == "25 พ.ย. 2569 เวลา 14:03 น."
    assert tk.h.oit_format_date("2026-11-25T20:30:00") == "26 พฤศจิกายน 2569"
    assert tk.h.localised_nice_date(moment, show_date=True) == "25 พฤศจิกายน 2569"
    tk.request.environ["CKAN_LANG"] = "en"
    i18n.set_lang("en")
    assert tk.h.render_datetime(moment) == "November 25, 2026"
    assert tk.h.oit_format_datetime(moment) == "25 Nov 2026, 14:03"


def test_javascript_strings_come_from_the_catalogue_too(app, ckan_config):
    # `ckan run` builds these files at start; the catalogue's .po is read for CKAN's JS strings
    i18n.build_js_translations()
    strings = json.loads(app.get("/api/i18n/th").body)
    assert strings["Please select the file to upload again"][1] == "กรุณาเลือกไฟล์ที่จะอัปโหลดอีกครั้ง"
    assert strings["Upload"][1]  # and CKAN's own Thai is still there
