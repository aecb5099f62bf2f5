"""The ITAS answer sheet (issue 14): the portal's own working channels count as
evidence, monthly and round items count their periods, and the sheet's page has
the downloads and, for the organisation's admins only, the explanation editor."""
from __future__ import annotations

import csv
import io
import re
from urllib.parse import urlsplit

import openpyxl
import pytest
from bs4 import BeautifulSoup

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories

from ckanext.oit.compliance import evidence, itas
from ckanext.oit.compliance.model import ItasExplanation

from support.web import login, page_token

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

AS_OF = "2026-03-15"      # FY 2569: October to February are due, March is not
MONTHLY = "procurement-monthly-summary"
# the items of the 2569 edition that a portal channel answers (their `channel:`)
CHANNEL_ITEMS = {"O3": "questions", "O10": "e-service", "O17": "complaints", "O19": "feedback"}
MONTHLY_CODE = "O11"      # 2569 O11 procurement-monthly-summary, twelve months
E_SERVICE = "https://eservice.example.go.th/request"
THAI = re.compile(r"[\u0e00-\u0e7f]+")


def sheet(org_name: str, **when) -> dict:
    return tk.get_action("oit_itas_export")({"user": ""}, dict({"id": org_name, "fiscal_year": "2569",
                                                                "as_of": AS_OF}, **when))


def by_code(result: dict) -> dict[str, dict]:
    return {row["code"]: row for row in result["rows"]}


def set_e_service(org: dict, url: str, by: dict) -> None:
    """The organisation's e-service address, as its admin types it in the organisation form."""
    tk.get_action("organization_patch")({"user": by["name"]}, {
        "id": org["id"], "extras": [{"key": "e_service_url", "value": url}]})


def publish(office, month: str) -> dict:
    dataset = office.act("editor", "package_create", type="oit-procurement", owner_org=office.org["id"],
                         item_key=MONTHLY, fiscal_year="2569", period=month)
    office.act("editor", "oit_submit", id=dataset["id"])
    office.act("admin", "oit_approve", id=dataset["id"])
    return dataset


def site(path: str) -> str:
    return tk.config["ckan.site_url"].rstrip("/") + path


# --- the answers -------------------------------------------------------------------------

def test_the_portals_working_channels_answer_their_items(people):
    """Staff to answer (Q&A, feedback), a confirmed complaint officer, an e-service address."""
    org = people.org["name"]
    set_e_service(people.org, E_SERVICE, people.users["admin"])
    rows = by_code(sheet(org))
    assert {code: row["answer"] for code, row in rows.items()} == {
        code: "มี" if code in CHANNEL_ITEMS else "ไม่มี" for code in rows}
    assert {code: rows[code]["key"] for code in CHANNEL_ITEMS} == {
        "O3": "contact-and-questions", "O10": "e-service-and-statistics", "O17": "complaint-channel",
        "O19": "participation"}
    assert {code: rows[code]["channel"] for code in CHANNEL_ITEMS} == {
        "O3": {"name": "questions", "url": site(f"/oit/{org}/questions")},
        "O10": {"name": "e-service", "url": E_SERVICE},
        "O17": {"name": "complaints", "url": site(f"/oit/{org}/complaints/new")},
        "O19": {"name": "feedback", "url": site(f"/oit/{org}/feedback")},
    }
    assert all(row["channel"] is None for code, row in rows.items() if code not in CHANNEL_ITEMS)
    assert itas.evidence_text(rows["O3"], "th") == f"ถาม-ตอบ (Q&A) บนพอร์ทัลนี้: {site(f'/oit/{org}/questions')}"
    assert itas.evidence_text(rows["O1"], "en") == "Not published yet"


def test_without_working_channels_the_channel_items_are_not_available(office):
    # an organisation nobody works in: its public forms take entries nobody reads
    bare = factories.Organization(title="Empty office")
    with pytest.raises(tk.ValidationError):  # not a web address: refused (test_e_service.py), no e-service
        set_e_service(bare, "javascript:alert(1)", office.users["sysadmin"])
    rows = by_code(sheet(bare["name"]))
    assert {row["answer"] for row in rows.values()} == {"ไม่มี"}
    assert {row["channel"] for row in rows.values()} == {None}
    assert evidence.working(model.Group.get(bare["id"])) == {}

    # staff, but the complaint officer only proposed (not confirmed): Q&A and feedback work, complaints not
    office.act("admin", "oit_complaint_officer_add", organization=office.org["name"],
               user=office.users["editor"]["name"])
    rows = by_code(sheet(office.org["name"]))
    assert {code: rows[code]["answer"] for code in CHANNEL_ITEMS} == {
        "O3": "มี", "O10": "ไม่มี", "O17": "ไม่มี", "O19": "มี"}
    # without its editors and admins, the organisation's Q&A has nobody to answer
    for role in ("editor", "admin"):
        office.act("sysadmin", "organization_member_delete", id=office.org["id"], username=office.users[role]["name"])
    rows = by_code(sheet(office.org["name"]))
    assert {code: rows[code]["answer"] for code in CHANNEL_ITEMS} == dict.fromkeys(CHANNEL_ITEMS, "ไม่มี")


def test_a_monthly_item_is_available_only_with_every_due_month(office):
    # before any month is due, nothing published is no "has"
    early = by_code(sheet(office.org["name"], as_of="2025-10-05"))[MONTHLY_CODE]
    assert (early["answer"], early["periods"]) == ("ไม่มี", {"published": 0, "due": 0, "total": 12})
    # the case: one month of twelve published is no "has"
    publish(office, "2025-10")
    row = by_code(sheet(office.org["name"]))[MONTHLY_CODE]
    assert (row["answer"], row["has"], row["periods"]) == ("ไม่มี", False, {"published": 1, "due": 5, "total": 12})
    assert itas.evidence_text(row, "th") == "เผยแพร่แล้ว 1/12 เดือน (ถึงกำหนดแล้ว 5 เดือน)"
    assert itas.evidence_text(row, "en") == "1/12 months published, 5 due"

    for month in ("2025-11", "2025-12", "2026-01"):
        publish(office, month)
    row = by_code(sheet(office.org["name"]))[MONTHLY_CODE]
    assert (row["answer"], row["periods"]) == ("ไม่มี", {"published": 4, "due": 5, "total": 12})
    publish(office, "2026-02")
    row = by_code(sheet(office.org["name"]))[MONTHLY_CODE]
    assert (row["answer"], row["periods"]) == ("มี", {"published": 5, "due": 5, "total": 12})
    assert itas.evidence_text(row, "th") == "เผยแพร่แล้ว 5/12 เดือน (ถึงกำหนดแล้ว 5 เดือน)"
    # published ahead of its due date, a month counts at once
    ahead = by_code(sheet(office.org["name"], as_of="2025-11-05"))[MONTHLY_CODE]
    assert (ahead["answer"], ahead["periods"]) == ("มี", {"published": 5, "due": 0, "total": 12})
    # a round item counts its rounds the same way: 2569 has none, so the 2567 list's O12
    # (budget round report) in FY 2567, at the same point of that year
    rounds = by_code(sheet(office.org["name"], fiscal_year="2567", as_of="2024-03-15"))["O12"]
    assert rounds["key"] == "operation-budget-round-report"
    assert (rounds["answer"], rounds["periods"]) == ("ไม่มี", {"published": 0, "due": 1, "total": 2})
    assert itas.evidence_text(rounds, "en") == "0/2 rounds published, 1 due"


def test_the_csv_and_xlsx_say_the_evidence(people, app):
    set_e_service(people.org, E_SERVICE, people.users["admin"])
    publish(people, "2025-10")
    org = people.org["name"]
    lines = app.get(f"/oit/{org}/2569/itas.csv", query_string={"as_of": AS_OF}).get_data().decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(lines)))
    assert table[0] == ["ข้อ", "รายการ", "มี/ไม่มี", "URL", "คำอธิบายเพิ่มเติม", "หลักฐาน"]
    rows = {row[0]: row for row in table[1:]}
    assert rows[MONTHLY_CODE][2] == "ไม่มี"
    assert rows[MONTHLY_CODE][5] == "เผยแพร่แล้ว 1/12 เดือน (ถึงกำหนดแล้ว 5 เดือน)"
    assert rows["O10"][2] == "มี" and rows["O10"][5] == f"ระบบบริการออนไลน์ (E-Service) ของหน่วยงาน: {E_SERVICE}"
    assert rows["O1"][2] == "ไม่มี" and rows["O1"][5] == "ยังไม่เผยแพร่"
    book = openpyxl.load_workbook(io.BytesIO(app.get(f"/oit/{org}/2569/itas.xlsx").get_data()))
    cells = {row[0].value: [c.value for c in row] for row in book.active.iter_rows(min_row=2)}
    assert cells["O17"][2] == "มี" and cells["O17"][5].endswith(f"/oit/{org}/complaints/new")


def test_the_channel_mapping_is_data_and_names_known_items_and_channels():
    mapping = evidence.read_mapping()
    from ckanext.oit import frameworks

    for edition, items in mapping.items():
        known = frameworks.edition(edition)
        assert known is not None, edition
        assert [key for key in items if known.item_by_key(key) is None] == [], edition
    assert mapping["2567"] == {"qa-channel": "questions", "e-service": "e-service",
                               "complaint-channel": "complaints", "participation": "feedback"}


def test_an_unknown_channel_in_the_mapping_is_refused(tmp_path):
    path = tmp_path / "itas-channels.yaml"
    path.write_text('"2567":\n  qa-channel: webboard\n', encoding="utf-8")
    with pytest.raises(evidence.ChannelMappingError) as error:
        evidence.read_mapping(path)
    assert error.value.en == (f"{path}: 2567 qa-channel: unknown channel 'webboard' "
                              "(known: questions, complaints, feedback, e-service)")


# --- the page ----------------------------------------------------------------------------

def explanation(office, key: str) -> str | None:
    model.Session.remove()
    row = model.Session.get(ItasExplanation, (office.org["id"], 2569, key))
    return row.text if row else None


SAVED = "อยู่ระหว่างรวบรวมเอกสารเดือนพฤศจิกายน"


@pytest.mark.parametrize("role, edits", [("admin", True), ("sysadmin", True), ("editor", False), ("member", False),
                                         ("other_admin", False), ("anonymous", False)])
def test_the_page_has_the_downloads_for_all_and_the_editor_for_the_admins(office, app, role, edits):
    office.act("admin", "oit_itas_explanation_update", id=office.org["name"], fiscal_year="2569",
               item_key=MONTHLY, text=SAVED)
    org = office.org["name"]
    page = login(app, office.users[role]).get(f"/oit/{org}/2569/itas.html")
    assert page.status_code == 200
    soup = BeautifulSoup(page.body, "html.parser")
    assert soup.select_one("#oit-itas-csv")["href"] == f"/oit/{org}/2569/itas.csv"
    assert soup.select_one("#oit-itas-xlsx")["href"] == f"/oit/{org}/2569/itas.xlsx"
    assert [a.get_text(strip=True) for a in soup.select(".oit-itas-downloads a")] == [
        "ดาวน์โหลด CSV", "ดาวน์โหลด XLSX (Excel)"]
    forms = soup.select("form.oit-itas-explanation")
    items = soup.select("table.oit-itas tbody tr")
    assert len(items) == 26
    cell = soup.select_one(f"#itas-{MONTHLY} .oit-explanation")
    if edits:
        assert len(forms) == 26
        assert {urlsplit(f["action"]).path for f in forms} == {f"/oit/{org}/2569/itas/explanation"}
        assert all(f.find("input", {"name": "_csrf_token"})["value"] for f in forms)
        assert cell.find("textarea", {"name": "text"}).get_text() == SAVED
        assert cell.find("input", {"name": "item_key"})["value"] == MONTHLY
    else:
        assert forms == [] and soup.find("textarea") is None
        assert cell.get_text(strip=True) == SAVED
    # the rule, said on the page
    rules = [li.get_text(strip=True) for li in soup.select(".oit-itas-rules li")]
    assert len(rules) == 4 and rules[1] == (
        "รายการรายเดือนหรือรายรอบจะตอบว่า “มี” ก็ต่อเมื่อเผยแพร่ครบทุกเดือนหรือทุกรอบที่ถึงกำหนดแล้ว"
        " และเผยแพร่แล้วอย่างน้อยหนึ่งเดือนหรือหนึ่งรอบ ตารางแสดงจำนวนที่นับไว้")


def test_an_admin_saves_an_explanation_through_the_page(office, app):
    org = office.org["name"]
    browser = login(app, office.users["admin"])
    path = f"/oit/{org}/2569/itas.html"
    form = BeautifulSoup(browser.get(path).body, "html.parser").select_one(f"#itas-{MONTHLY} form")
    token = form.find("input", {"name": "_csrf_token"})["value"]
    done = browser.post(form["action"], data={"_csrf_token": token, "item_key": MONTHLY, "text": SAVED},
                        follow_redirects=False)
    assert done.status_code == 302
    assert done.headers["Location"].endswith(f"/oit/{org}/2569/itas.html#itas-{MONTHLY}")
    assert explanation(office, MONTHLY) == SAVED
    shown = BeautifulSoup(browser.get(path).body, "html.parser")
    assert shown.select_one(f"#itas-{MONTHLY} textarea").get_text() == SAVED
    assert "บันทึกคำอธิบายเพิ่มเติมแล้ว" in shown.get_text()
    # an item that is not in the edition: nothing saved, said in the page's language
    refused = browser.post(form["action"], data={"_csrf_token": token, "item_key": "no-such-item", "text": "x"},
                           follow_redirects=True)
    assert "ไม่ได้บันทึกคำอธิบาย: ไม่พบรายการหรือปีงบประมาณนี้" in refused.body
    assert explanation(office, "no-such-item") is None


@pytest.mark.parametrize("role", ["anonymous", "member", "editor", "other_admin"])
def test_a_post_by_others_is_refused_with_or_without_the_token(office, app, role):
    org = office.org["name"]
    url = f"/oit/{org}/2569/itas/explanation"
    browser = login(app, office.users[role])
    data = {"item_key": MONTHLY, "text": "แก้ไขโดยผู้ไม่มีสิทธิ์"}
    missing = browser.post(url, data=data, follow_redirects=False)
    assert missing.status_code == 400 and "The CSRF token is missing" in missing.body
    with_token = browser.post(url, data=dict(data, _csrf_token=page_token(browser, f"/oit/{org}/2569/itas.html")),
                              follow_redirects=False)
    assert with_token.status_code == 403
    assert explanation(office, MONTHLY) is None


def test_an_admin_without_the_token_is_refused_too(office, app):
    browser = login(app, office.users["admin"])
    done = browser.post(f"/oit/{office.org['name']}/2569/itas/explanation",
                        data={"item_key": MONTHLY, "text": SAVED}, follow_redirects=False)
    assert done.status_code == 400 and "The CSRF token is missing" in done.body
    assert explanation(office, MONTHLY) is None


def _thai_shown(body: str) -> list[str]:
    """The Thai a reader of the page gets, but for the language switcher's name of Thai."""
    soup = BeautifulSoup(body, "html.parser")
    for option in soup.select("option"):
        if option.get_text(strip=True) == "ไทย":
            option.decompose()
    for element in soup.find_all(True):
        for machine in ("value", "id", "for", "name"):
            element.attrs.pop(machine, None)
    return sorted(set(THAI.findall(str(soup))))


def test_the_english_page_says_the_answers_in_english(people, app):
    # an agency named in English, so that every word left is ours
    tk.get_action("organization_patch")({"user": people.users["sysadmin"]["name"]}, {
        "id": people.org["id"], "title": "Example Primary Education Area Office"})
    publish(people, "2025-10")
    org = people.org["name"]
    body = app.get(f"/en/oit/{org}/2569/itas.html").body
    soup = BeautifulSoup(body, "html.parser")
    answers = [td.get_text(strip=True) for td in soup.select("td.oit-answer")]
    assert len(answers) == 26 and set(answers) == {"Available", "Not available"}
    assert answers.count("Available") == 3          # Q&A, complaints, feedback
    assert _thai_shown(body) == []
    assert soup.select_one("#itas-procurement-monthly-summary .oit-evidence").get_text(strip=True).startswith(
        "1/12 months published")
    assert soup.select_one("#oit-itas-csv").get_text(strip=True) == "Download CSV"
    # and the Thai page says them in Thai, none of our English
    thai = BeautifulSoup(app.get(f"/oit/{org}/2569/itas.html").body, "html.parser")
    assert {td.get_text(strip=True) for td in thai.select("td.oit-answer")} == {"มี", "ไม่มี"}
    assert "Not available" not in thai.get_text() and "Available" not in thai.get_text()
