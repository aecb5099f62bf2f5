"""Accessibility: axe-core (tests/a11y, pinned in its package-lock.json) run
in headless Chromium on the main pages and the two-way channels' pages, in
Thai and English, against the WCAG 2.1 A and AA rules. A serious or critical
violation fails the test; every finding is written to .run/browser/axe-report.json.
The complaint form is also walked with the keyboard alone."""
from __future__ import annotations

import io
import json
import re

import pytest
import requests
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories

from ckanext.oit.channels import abuse, complaints
from ckanext.oit.channels.model import Complaint

from support import REPO
from support.browser import PASSWORD, Person
from support.jobs import run_jobs
from support.records import HEADER, ROWS, csv_bytes

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues")]

AXE = REPO / "tests" / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")
ERROR_HEADING = re.compile(r"^[45]\d\d\b")  # CKAN's error page: "403 Forbidden"
BY_KEYBOARD = "มีการเรียกรับเงินก่อนตรวจรับงาน"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})
  .then(r => done({passes: r.passes.length, lang: document.documentElement.lang,
      violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
          targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')), count: v.nodes.length}))}))
  .catch(e => done({passes: 0, lang: '', violations: [
      {id: 'axe-error', impact: 'critical', help: String(e), targets: [], count: 0}]}));
"""


def axe_run(driver, source: str) -> dict:
    """axe in the page and in each of its frames (the record preview is one);
    the rules that passed, the page's language and the violations."""
    driver.execute_script(source)
    driver.implicitly_wait(0)  # most pages have no frame: don't wait 5 s to be sure of it
    try:
        frames = driver.find_elements("css selector", "iframe")
    finally:
        driver.implicitly_wait(5)
    for frame in frames:
        driver.switch_to.frame(frame)
        driver.execute_script(source)
        driver.switch_to.default_content()
    driver.set_script_timeout(90)
    return driver.execute_async_script(RUN_AXE, WCAG_21_AA)


def wait_for_preview(driver) -> None:
    driver.switch_to.frame(driver.find_element("css selector", "iframe[data-module=data-viewer]"))
    try:
        WebDriverWait(driver, 30).until(lambda d: d.find_elements("css selector", "#dtprv tbody td"))
    finally:
        driver.switch_to.default_content()


def published_dataset_with_records(editor: str, director: str, org: dict) -> tuple[dict, dict]:
    """A published monthly procurement summary whose CSV is loaded into the
    DataStore (by the real job) and shown as a table view."""
    def act(user, action, **data):
        return tk.get_action(action)({"user": user, "ignore_auth": False}, data)

    dataset = act(editor, "package_create", type="oit-procurement", owner_org=org["id"],
                  item_key="procurement-monthly-summary", fiscal_year="2569", period="2025-10",
                  notes="สรุปผลการจัดซื้อจัดจ้างประจำเดือนตุลาคม ๒๕๖๘")
    resource = act(editor, "resource_create", package_id=dataset["id"], name="แบบ สขร.1 ตุลาคม 2568",
                   format="CSV", url="", upload=FileStorage(stream=io.BytesIO(csv_bytes(HEADER, ROWS)),
                                                            filename="sor-kor-ror-1.csv"))
    run_jobs()
    loaded = tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource["id"]})
    assert loaded["oit_records"]["status"] == "loaded", loaded["oit_records"]
    views = tk.get_action("resource_view_list")({"ignore_auth": True}, {"id": resource["id"]})
    if not any(v["view_type"] == "datatables_view" for v in views):
        act(editor, "resource_view_create", resource_id=resource["id"], view_type="datatables_view",
            title="ตารางข้อมูล")
    act(editor, "oit_submit", id=dataset["id"])
    act(director, "oit_approve", id=dataset["id"])
    return tk.get_action("package_show")({"ignore_auth": True}, {"id": dataset["id"]}), loaded


def channel_content(org: dict, officer: str, admin: str) -> tuple[str, str]:
    """Something in each two-way channel: an answered and a pending question, a
    published and a pending opinion, and a closed complaint with evidence handled
    by its designated officer. Returns its tracking code and its id."""
    def act(who, action, **data):
        return tk.get_action(action)({"user": who, "ignore_auth": False}, data)

    public = {"user": ""}
    answered = tk.get_action("oit_question_create")(public, {
        "organization": org["name"], "question": "ขอดูแผนการจัดซื้อจัดจ้างประจำปีได้ที่ใด"})
    act(officer, "oit_question_answer", id=answered["id"], answer="ดูได้ที่หน้า OIT ข้อ O12")
    tk.get_action("oit_question_create")(public, {
        "organization": org["name"], "question": "รับสมัครครูอัตราจ้างเมื่อไร", "name": "นายถาม ทดสอบ"})
    published = tk.get_action("oit_feedback_create")(public, {
        "organization": org["name"], "topic": "แผนจัดซื้อ", "message": "ควรเผยแพร่เป็นไฟล์ Excel ด้วย"})
    act(officer, "oit_feedback_respond", id=published["id"], response="จะเพิ่มไฟล์ XLSX ตั้งแต่เดือนหน้า")
    tk.get_action("oit_feedback_create")(public, {"organization": org["name"], "message": "เว็บไซต์อ่านง่ายขึ้น"})

    # designated by a sysadmin: an admin alone only proposes (two-person rule)
    act(tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"], "oit_complaint_officer_add",
        organization=org["name"], user=officer)
    created = tk.get_action("oit_complaint_create")(public, {
        "organization": org["name"], "category": complaints.categories()[0],
        "description": "มีการเรียกรับเงินเพื่อเร่งอนุมัติเบิกจ่าย", "incident_date": "15/10/2568",
        "privacy_accepted": "true", "attachments": [FileStorage(
            stream=io.BytesIO(PDF), filename="หลักฐาน.pdf", content_type="application/pdf")]})
    complaint_id = act(officer, "oit_complaint_list", organization=org["name"])["results"][0]["id"]
    act(officer, "oit_complaint_update", id=complaint_id, status="closed", closure="resolved",
        outcome="ตรวจสอบแล้ว ดำเนินการทางวินัย")
    return created["tracking_code"], complaint_id


def submit(person: Person, path: str, form: str, fields: dict[str, str], button: str, wait_for: str) -> None:
    """Open the form, type into it, send it (past the browser's own checks of
    `required`, so that the server's refusal is what the page shows)."""
    person.go(path)
    driver = person.driver
    driver.execute_script("document.querySelector(arguments[0]).noValidate = true", form)
    for field_id, text in fields.items():
        driver.find_element(By.ID, field_id).send_keys(text)
    person.click(button)
    WebDriverWait(driver, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, wait_for))


def errors_are_tied_to_fields(driver, field_ids: list[str]) -> None:
    """A refused field is marked invalid and described by its own error message."""
    for field_id in field_ids:
        field = driver.find_element(By.ID, field_id)
        assert field.get_attribute("aria-invalid") == "true", field_id
        described = (field.get_attribute("aria-describedby") or "").split()
        texts = [driver.find_element(By.ID, ref).text for ref in described]
        assert texts and all(texts), (field_id, described)


COMPLAINT_STOPS = ["field-category", "field-description", "field-incident_date", "field-incident_place",
                   "field-attachments", "field-anonymous", "field-name", "field-email", "field-phone",
                   "field-privacy_accepted", "oit-complaint-send"]
FOCUSED = """
const el = document.activeElement;
return {id: el.id, tag: el.tagName.toLowerCase(), inForm: !!el.closest('form.oit-complaint-form'),
        hidden: !!el.closest('[aria-hidden="true"]'), checked: !!el.checked,
        label: el.labels && el.labels.length ? Array.from(el.labels).map(l => l.innerText.trim()).join(' ')
                                              : (el.innerText || '').trim()};
"""


def complaint_form_by_keyboard(person: Person, path: str) -> str:
    """From the top of the page, Tab alone reaches every field of the complaint
    form, in order and each with its label, and the keyboard alone fills and
    sends it; the honeypot is there for bots but in no one's way. Returns the
    tracking code shown."""
    driver = person.driver
    person.go(path)
    honeypot = driver.find_element(By.ID, "field-website")        # still in the page, for bots
    assert honeypot.get_attribute("name") == "website" and honeypot.get_attribute("type") == "text"
    assert honeypot.get_attribute("tabindex") == "-1"
    assert driver.execute_script(
        "const e = arguments[0]; return !!e.closest('[aria-hidden=\"true\"]') && e.closest('form') !== null"
        " && e.getBoundingClientRect().right <= 0", honeypot), "the honeypot is not hidden off-screen"
    # and out of the accessibility tree that screen readers read
    root = driver.execute_cdp_cmd("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    node = driver.execute_cdp_cmd("DOM.querySelector", {"nodeId": root, "selector": "#field-website"})["nodeId"]
    ax = driver.execute_cdp_cmd("Accessibility.getPartialAXTree", {"nodeId": node, "fetchRelatives": False})
    assert ax["nodes"] and ax["nodes"][0]["ignored"], ax["nodes"][:1]

    typed = {"field-category": Keys.ARROW_DOWN, "field-description": BY_KEYBOARD,
             "field-privacy_accepted": Keys.SPACE}
    driver.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
    stops = []
    for _ in range(250):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        stops.append(driver.execute_script(FOCUSED))
        if stops[-1]["id"] in typed:
            ActionChains(driver).send_keys(typed[stops[-1]["id"]]).perform()
        if stops[-1]["id"] == COMPLAINT_STOPS[-1]:
            break
    in_form = [stop for stop in stops if stop["inForm"]]
    assert [stop["id"] for stop in in_form] == COMPLAINT_STOPS, [stop["id"] for stop in in_form]
    unlabelled = [stop["id"] for stop in in_form if not stop["label"]]
    assert not unlabelled, f"focusable without a label: {unlabelled}"
    assert not [stop for stop in stops if stop["hidden"]], "Tab reaches something hidden from screen readers"
    assert driver.find_element(By.ID, "field-category").get_attribute("value"), "no category chosen by keyboard"
    assert driver.find_element(By.ID, "field-privacy_accepted").is_selected(), "Space does not tick the consent box"

    ActionChains(driver).send_keys(Keys.ENTER).perform()        # on the send button
    code = WebDriverWait(driver, 15).until(lambda d: d.find_element(By.ID, "oit-tracking-code")).text.strip()
    assert len(code) == 23, code
    return code


def test_pages_have_no_serious_or_critical_wcag_violation(live_server, browser):
    """The main pages, and the two-way channels' pages (public forms, their
    refused and answered states, the officers' and moderators' pages), in Thai
    and English, in one live server and one browser."""
    assert AXE.is_file(), f"{AXE} is missing: run `bash scripts/node.sh` (make setup does)"
    source = AXE.read_text()
    abuse.reset_rate_limits()
    editor = factories.User(name="staff_a11y", fullname="เจ้าหน้าที่ทดสอบ", password=PASSWORD)
    director = factories.User(name="director_a11y", fullname="ผู้อำนวยการทดสอบ", password=PASSWORD)
    org = factories.Organization(name="pesao-a11y", title="สพป.ทดสอบการเข้าถึง", users=[
        {"name": editor["name"], "capacity": "editor"}, {"name": director["name"], "capacity": "admin"}])
    dataset, resource = published_dataset_with_records(editor["name"], director["name"], org)
    dataset_path = f"/{dataset['type']}/{dataset['name']}"
    # the editor is also the designated complaint officer
    code, complaint_id = channel_content(org, editor["name"], director["name"])
    channels = f"/oit/{org['name']}"

    public = {
        "home": "/",
        "search": "/dataset/?q=จัดซื้อ",
        "dataset": dataset_path,
        "resource": f"{dataset_path}/resource/{resource['id']}",
        "organisation": f"/organization/{org['name']}",
        "OIT page": channels,
        "login": "/user/login",
        "questions": f"{channels}/questions",
        "feedback": f"{channels}/feedback",
        "complaint form": f"{channels}/complaints/new",
        "complaint status": "/oit/complaints/status",
        "ITAS sheet": f"{channels}/2569/itas.html",
    }
    signed_in = {
        "dashboard": "/dashboard/datasets",
        "compliance dashboard": f"/organization/{org['name']}/oit-compliance",
        "dataset (director)": dataset_path,
        "complaint officers (admin)": f"{channels}/complaints/officers",
        "my work (director)": "/oit/my-work",
        "waiting for my approval": "/oit/approvals",
        "returned to me": "/oit/returned",
        "typed forms chooser": f"/oit/my-work/new?organization={org['name']}",
        "ITAS sheet (director, editor of explanations)": f"{channels}/2569/itas.html",
    }
    # (path, what shows that the officer sees the page, not a refusal)
    officer = {
        "complaint list": (f"{channels}/complaints", f"a[href$='/oit/complaints/{complaint_id}']"),
        "complaint page": (f"/oit/complaints/{complaint_id}", "#oit-complaint-save"),
        "question queue": (f"{channels}/questions/moderate", ".oit-question-pending textarea"),
        "feedback queue": (f"{channels}/feedback/moderate", ".oit-feedback-pending textarea"),
    }
    person = Person(browser, live_server)
    found: dict[str, dict] = {}
    for prefix, lang in (("", "th"), ("/en", "en")):
        def check(label: str, path: str) -> None:
            headings = [h.text for h in browser.find_elements(By.TAG_NAME, "h1")]
            assert not any(ERROR_HEADING.match(text) for text in headings), f"{label}: {headings}"
            found[f"{label} {lang}: {prefix}{path}"] = dict(axe_run(browser, source), want=lang)

        browser.delete_all_cookies()
        for label, path in public.items():
            assert requests.get(live_server + prefix + path, timeout=30).status_code == 200, prefix + path
            person.go(prefix + path)
            if label == "search":  # checked with a result on it
                assert browser.find_elements("css selector", f"a[href$='{dataset_path}']"), "no search result"
            if label == "resource":  # and with the record preview drawn
                wait_for_preview(browser)
            if label in ("questions", "feedback", "complaint form"):  # the channels' menu says where one is
                here = browser.find_elements(By.CSS_SELECTOR, "nav[aria-label] .oit-channels-nav a[aria-current=page]")
                assert [a.get_attribute("href") for a in here] == [live_server + prefix + path], label
            check(label, path)

        # the channels' forms after sending: answered, refused, re-rendered with errors
        status = prefix + public["complaint status"]
        submit(person, status, "form.oit-status-form", {"field-tracking_code": code.lower()},
               "oit-status-check", ".oit-complaint-status .oit-outcome")
        check("complaint status (found)", public["complaint status"])
        submit(person, status, "form.oit-status-form", {"field-tracking_code": "ABCDE-12345"},
               "oit-status-check", ".oit-errors")
        errors_are_tied_to_fields(browser, ["field-tracking_code"])
        check("complaint status (not found)", public["complaint status"])
        submit(person, prefix + public["complaint form"], "form.oit-complaint-form",
               {"field-email": "not-an-address"}, "oit-complaint-send", ".oit-errors")
        errors_are_tied_to_fields(browser, ["field-category", "field-description", "field-email",
                                            "field-privacy_accepted"])
        check("complaint form (refused)", public["complaint form"])
        submit(person, prefix + public["questions"], "form.oit-ask", {"field-name": "ทดสอบ"}, "oit-ask", ".oit-errors")
        errors_are_tied_to_fields(browser, ["field-question"])
        check("question form (refused)", public["questions"])

        person.login(director["name"])
        for label, path in signed_in.items():
            person.go(prefix + path)
            assert "/user/login" not in browser.current_url
            check(label, path)
        person.login(editor["name"])
        for label, (path, shown) in officer.items():
            person.go(prefix + path)
            assert browser.find_elements(By.CSS_SELECTOR, shown), f"{label}: {shown} not on {prefix}{path}"
            check(label, path)

    # a complaint made with the keyboard alone, and the page that gives its code
    browser.delete_all_cookies()
    complaint_form_by_keyboard(person, public["complaint form"])
    found["complaint received th"] = dict(axe_run(browser, source), want="th")
    assert model.Session.query(Complaint).filter(Complaint.description == BY_KEYBOARD).count() == 1

    report = REPO / ".run" / "browser" / "axe-report.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps(found, ensure_ascii=False, indent=1))
    assert len(found) == 2 * (len(public) + 4 + len(signed_in) + len(officer)) + 1
    for page, result in found.items():
        assert result["passes"] > 10, f"axe checked next to nothing on {page}"
        assert result["lang"] == result["want"], f"{page} has lang={result['lang']!r}"
    blocking = [f"{page}: {v['id']} ({v['impact']}, {v['count']}x) {v['help']} at {v['targets']}"
                for page, result in found.items() for v in result["violations"] if v["impact"] in BLOCKING]
    assert not blocking, "axe-core WCAG 2.1 AA violations:\n" + "\n".join(blocking)

    # and axe is not blind here: a field whose label goes missing is caught
    person.go(public["complaint form"])
    browser.execute_script("document.querySelector('label[for=field-description]').remove()")
    caught = axe_run(browser, source)["violations"]
    assert any(v["id"] == "label" and v["impact"] in BLOCKING for v in caught), caught
