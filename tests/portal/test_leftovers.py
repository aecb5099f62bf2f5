"""Issue 14's leftovers, each in both languages: the Thai page (/) says nothing
of ours in English, the /en/ page nothing of ours in Thai."""
from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from flask import abort

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import search
from ckan.tests import factories

from ckanext.oit.channels import complaints
from ckanext.oit.channels.model import Complaint
from support.portal import procurement

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues")

THAI = re.compile(r"[\u0e00-\u0e7f]")
WERKZEUG = re.compile("Not Found|Bad Request|Forbidden|Internal Server Error|requested URL|browser|server", re.I)


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.body, "html.parser")


def main_text(response) -> str:
    page = soup(response)
    return (page.select_one("[role=main]") or page.select_one("main") or page.body).get_text(" ", strip=True)


# --- error pages in the page's language ---------------------------------------------

ERRORS = [  # path (without the language prefix), status, Thai heading, English heading
    ("/dataset/does-not-exist", 404, "404 ไม่พบหน้าที่ต้องการ", "404 Page not found"),
    ("/no-such-page-at-all", 404, "404 ไม่พบหน้าที่ต้องการ", "404 Page not found"),
    ("/oit/no-such-agency", 404, "404 ไม่พบหน้าที่ต้องการ", "404 Page not found"),
    ("/oit/no-such-agency/questions", 404, "404 ไม่พบหน้าที่ต้องการ", "404 Page not found"),
    ("/util/redirect", 400, "400 คำขอไม่ถูกต้อง", "400 Bad request"),               # CKAN's own message
    ("/organization/{org}/oit-compliance?fiscal_year=abc", 400, "400 คำขอไม่ถูกต้อง", "400 Bad request"),
    ("/oit/records/{org}/procurement-monthly-summary.csv?fiscal_year=abc", 400, "400 คำขอไม่ถูกต้อง",
     "400 Bad request"),                                                        # a download for machines
    ("/oit/records/{org}/procurement-monthly-summary.csv?for=people&fiscal_year=abc", 400, "400 คำขอไม่ถูกต้อง",
     "400 Bad request"),                                                        # and for people
    ("/oit-test/fails", 500, "500 ระบบขัดข้อง", "500 Server error"),
    ("/oit/{org}/questions/moderate", 403, "403 ไม่มีสิทธิ์เข้าถึง", "403 Access denied"),  # an action's refusal
    ("/ckan-admin", 403, "403 ไม่มีสิทธิ์เข้าถึง", "403 Access denied"),
]


@pytest.mark.parametrize("path,status,thai,english", ERRORS)
def test_error_pages_speak_the_pages_language(request, office, path, status, thai, english):
    if path == "/oit-test/fails":
        # a view that fails the way CKAN's search does when Solr refuses (abort(500, Solr's words)),
        # in an app of its own: Flask takes a route only before an app's first request
        app = request.getfixturevalue("make_app")()
        app.flask_app.add_url_rule(path, "oit_test_fails", lambda: abort(500, "org.apache.solr.search.SyntaxError"))
    else:
        app = request.getfixturevalue("app")
    path = path.format(org=office.org["name"])
    th = soup(app.get(path, status=status)).select_one("article.module")
    assert th.h1.get_text(" ", strip=True) == thai
    said = th.get_text(" ", strip=True).removeprefix(thai)
    assert THAI.search(said), said  # CKAN's message too, from its catalogue
    assert not WERKZEUG.search(said) and "solr" not in said and " / " not in said, said
    en = soup(app.get("/en" + path, status=status)).select_one("article.module")
    assert en.h1.get_text(" ", strip=True) == english
    # "พ.ศ. 2568" may be named as a way to write a year: what people type, not our words
    assert not THAI.search(en.get_text(" ", strip=True).replace("พ.ศ.", "")), en.get_text(" ", strip=True)
    assert " / " not in en.get_text(" ", strip=True)


# --- the channels: moderation states, channel names, the form's errors ----------------

def token(user) -> dict:
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def test_the_moderation_queues_say_the_state_in_the_pages_language(people, app):
    org = people.org["name"]
    tk.get_action("oit_question_create")({"user": ""}, {"organization": org, "question": "ขอดูแผนจัดซื้อปี 2569"})
    tk.get_action("oit_feedback_create")({"user": ""}, {"organization": org, "message": "ควรเผยแพร่รายงานรายเดือน"})
    headers = token(people.users["editor"])
    for queue in ("questions", "feedback"):
        th = soup(app.get(f"/oit/{org}/{queue}/moderate", headers=headers))
        assert [s.get_text() for s in th.select(".oit-state")] == ["รอตรวจสอบ"]
        assert "pending" not in th.select_one("article").get_text()
        en = soup(app.get(f"/en/oit/{org}/{queue}/moderate", headers=headers))
        assert [s.get_text() for s in en.select(".oit-state")] == ["Waiting for review"]


def test_a_complaint_names_its_channel_in_the_pages_language(people, app):
    tk.get_action("oit_complaint_create")({"user": people.users["officer"]["name"]}, {
        "organization": people.org["name"], "category": "การเรียกรับสินบนหรือผลประโยชน์",
        "description": "เรียกรับเงินจากผู้รับจ้าง", "channel": "โทรศัพท์", "received_on": "2025-09-30",
        "privacy_accepted": "true"})
    complaint = model.Session.query(Complaint).one()
    headers = token(people.users["sysadmin"])
    th = soup(app.get(f"/oit/complaints/{complaint.id}", headers=headers))
    assert th.h1.get_text(strip=True) == "การเรียกรับสินบนหรือผลประโยชน์" and th.select_one("dl dd").get_text().endswith("โทรศัพท์")
    en = soup(app.get(f"/en/oit/complaints/{complaint.id}", headers=headers))
    assert en.h1.get_text(strip=True) == complaints.english("category", "การเรียกรับสินบนหรือผลประโยชน์")
    said = en.select_one("dl dd").get_text(" ", strip=True)  # received on, by which channel
    assert complaints.english("channel", "โทรศัพท์") in said and not THAI.search(said), said
    listed = soup(app.get(f"/en/oit/{people.org['name']}/complaints", headers=headers)).select_one("table tbody")
    assert not THAI.search(listed.get_text(" ", strip=True)), listed.get_text(" ", strip=True)


def _refused_form(app, prefix: str, org: str) -> list[str]:
    browser = app.test_client()  # one cookie jar: the session that holds the CSRF token
    url = f"{prefix}/oit/{org}/complaints/new"
    page = BeautifulSoup(browser.get(url).body, "html.parser")
    csrf = page.find("input", {"name": "_csrf_token"})["value"]
    response = browser.post(url, data={"_csrf_token": csrf, "description": "", "email": "not-an-address"})
    assert response.status_code == 400
    return [li.get_text(strip=True) for li in soup(response).select(".oit-errors li")]


def test_the_complaint_forms_errors_are_in_the_pages_language_and_the_apis_in_both(people, app):
    org = people.org["name"]
    thai = _refused_form(app, "", org)
    english = _refused_form(app, "/en", org)
    assert len(thai) == len(english) == 4  # category, description, e-mail, privacy notice
    assert all(THAI.search(m) and not re.search("[A-Za-z]{3}", m) for m in thai), thai
    assert english[0] == "The category is required" and not any(THAI.search(m) for m in english), english
    with pytest.raises(tk.ValidationError) as refused:  # an API caller reads both, Thai first
        tk.get_action("oit_complaint_create")({"user": ""}, {"organization": org, "description": "x"})
    assert refused.value.error_dict["category"] == ["กรุณาเลือกประเภทเรื่องร้องเรียน / The category is required"]


# --- retention periods in words -------------------------------------------------------

@pytest.mark.ckan_config("ckanext.oit.channels.complaint_retention_days", "1825")
@pytest.mark.ckan_config("ckanext.oit.channels.contact_retention_days", "90")
def test_retention_periods_are_said_in_years_and_months(people, app):
    org = people.org["name"]
    notice = soup(app.get(f"/oit/{org}/complaints/new")).select_one(".oit-privacy-notice").get_text(" ", strip=True)
    assert "เก็บเรื่องที่ปิดแล้วไว้ 5 ปี แล้วลบ" in notice and "1825" not in notice
    notice = soup(app.get(f"/en/oit/{org}/complaints/new")).select_one(".oit-privacy-notice").get_text(" ", strip=True)
    assert "Closed complaints are kept for 5 years, then deleted." in notice
    assert "และจะลบภายใน 3 เดือนหลังตอบ" in app.get(f"/oit/{org}/questions").body
    assert "They are deleted within 3 months after the answer." in app.get(f"/en/oit/{org}/questions").body


@pytest.mark.ckan_config("ckanext.oit.channels.complaint_retention_days", "400")
@pytest.mark.ckan_config("ckanext.oit.channels.contact_retention_days", "365")
def test_a_period_of_no_whole_years_or_months_is_said_in_days(people, app):
    org = people.org["name"]
    assert "เก็บเรื่องที่ปิดแล้วไว้ 400 วัน แล้วลบ" in app.get(f"/oit/{org}/complaints/new").body
    assert "Closed complaints are kept for 400 days, then deleted." in app.get(f"/en/oit/{org}/complaints/new").body
    assert "They are deleted within 1 year after the answer." in app.get(f"/en/oit/{org}/questions").body


# --- the table view's name --------------------------------------------------------------

def test_the_table_view_is_named_in_the_pages_language(app, office):
    dataset = procurement(office, "2025-10", "published", records=True)
    resource = tk.get_action("package_show")({"ignore_auth": True}, {"id": dataset["id"]})["resources"][0]
    (view,) = tk.get_action("resource_view_list")({"ignore_auth": True}, {"id": resource["id"]})
    assert view["title"] == "ตารางข้อมูล"  # stored once, in the portal's default language
    url = f"/dataset/{dataset['name']}/resource/{resource['id']}"
    th = soup(app.get(url))
    assert th.select_one(".view-item").get_text(strip=True) == "ตารางข้อมูล"
    assert th.select_one("div.resource-view[data-title]")["data-title"] == "ตารางข้อมูล"
    en = soup(app.get("/en" + url))
    assert en.select_one(".view-item").get_text(strip=True) == "Data table"
    assert en.select_one("div.resource-view[data-title]")["data-title"] == "Data table"
    assert "ตารางข้อมูล" not in app.get("/en" + url).body


# --- no link to an empty address ----------------------------------------------------------

def _contact(dataset: dict, address: str) -> None:
    """The stored address, as the edit form leaves it (the workflow's own steps aside)."""
    model.Package.get(dataset["id"]).maintainer_email = address
    model.Session.commit()
    search.rebuild(dataset["id"])  # CKAN 2.12 shows a dataset from its index


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_a_dataset_without_a_contact_address_has_no_mail_link(app, office, prefix):
    dataset = procurement(office, "2025-10", "published")
    _contact(dataset, "")  # the web form sends the empty field, stored as ""
    body = app.get(f"{prefix}/dataset/{dataset['name']}").body
    # stored empty (CKAN 2.12 leaves an empty core field out of package_show)
    assert tk.get_action("package_show")({"ignore_auth": True}, {"id": dataset["id"]}).get("maintainer_email") in ("", None)
    assert "mailto:" not in body
    _contact(dataset, "procure@example.go.th")
    links = soup(app.get(f"{prefix}/dataset/{dataset['name']}")).select('a[href^="mailto:"]')
    assert [(a["href"], a.get_text(strip=True)) for a in links] == [("mailto:procure@example.go.th", "procure@example.go.th")]


# --- the home page names the fiscal years of its data ------------------------------------

def _published_in_2570(office) -> dict:
    dataset = office.act("editor", "package_create", type="oit-procurement", owner_org=office.org["id"],
                         item_key="procurement-monthly-summary", fiscal_year="2570", period="2026-10")
    office.act("editor", "resource_create", package_id=dataset["id"], name="แบบ สขร.1",
               url="http://example.go.th/sor-kor-ror-1.pdf", format="PDF")
    return office.move(dataset["id"], "published")


def _years_line(app, prefix: str = "") -> str:
    return soup(app.get(f"{prefix}/")).select_one(".oit-data-years").get_text(" ", strip=True)


def test_the_home_page_names_the_fiscal_years_of_the_published_data(app, office):
    assert _years_line(app) == "ยังไม่มีข้อมูลที่เผยแพร่" and _years_line(app, "/en") == "Nothing has been published yet"
    procurement(office, "2025-10", "published")
    procurement(office, "2025-11", "draft")  # not the public's, not counted
    assert _years_line(app) == "ข้อมูลที่เผยแพร่ของปีงบประมาณ พ.ศ. 2569"
    assert _years_line(app, "/en") == "Published data of fiscal year 2569"
    _published_in_2570(office)
    assert _years_line(app) == "ข้อมูลที่เผยแพร่ของปีงบประมาณ พ.ศ. 2569–2570"
    assert _years_line(app, "/en") == "Published data of fiscal years 2569–2570"
    for prefix in ("", "/en"):
        assert "2566–2567" not in app.get(f"{prefix}/").body  # the edition's own years, not the data's


def test_the_officers_page_names_the_candidates_roles_in_the_pages_language(people, app):
    org, headers = people.org["name"], token(people.users["sysadmin"])
    editor = people.users["editor"]["name"]

    def role(prefix: str) -> str:
        page = soup(app.get(f"{prefix}/oit/{org}/complaints/officers", headers=headers))
        return page.select_one(f'option[value="{editor}"]').get_text(strip=True).rsplit(", ", 1)[1]
    assert role("") == "บรรณาธิการ)"
    assert role("/en") == "Editor)"


def test_the_api_keeps_its_json_errors(app, office):
    missing = app.get("/api/3/action/package_show?id=does-not-exist", status=404)
    assert missing.json["success"] is False and missing.json["error"]["__type"] == "Not Found Error"
    refused = app.get(f"/api/3/action/oit_question_list?organization={office.org['name']}&state=pending", status=403)
    assert refused.json["success"] is False and refused.json["error"]["__type"] == "Authorization Error"
    # an action's errors through the API: both languages, Thai first, as JSON strings
    refused = app.post("/api/3/action/oit_question_create", json={"organization": office.org["name"]}, status=409)
    assert refused.json["error"]["question"] == ["กรุณากรอกคำถาม / The question is required"]
