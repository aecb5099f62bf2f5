"""A new staff member's table files in headless Chromium, from the home page by clicking
and typing only (issue 16): staff open their draft แบบ สขร.1 from "my work", add its table
as Excel saves "Unicode Text" (UTF-16, tab-separated) from the old template without the two
optional official columns, and see it loaded with the warning "โปรดตรวจสอบไฟล์" naming
them; replace it with a file whose new row repeats an item number, see both rows named and
that the rows of the first file are still served; submit it anyway. The director sees the
table, its problem and its warning on the approval page. Only the people, the organisation
and the draft (with its signed PDF as a link) are made beforehand; the job queue runs here
while the page waits, as in test_browser_journeys.py. Screenshots (whole pages) go to
.run/browser/records-files/."""
from __future__ import annotations

import datetime
import json

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.oit import thai_calendar
from support import REPO
from support.browser import PASSWORD, WholePage
from support.jobs import run_jobs
from support.records import HEADER, ROWS

pytestmark = [pytest.mark.browser,
              pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues")]

OUT = REPO / ".run" / "browser" / "records-files"
TITLE = "สรุปผลการจัดซื้อจัดจ้างประจำเดือน สพป.ตรวจไฟล์"
RESOURCE = "ตาราง สขร.1"
# the official แบบ สขร.1 columns the old template (support.records.HEADER) leaves out
BIDDERS, REASON = "รายชื่อผู้เสนอราคาและราคาที่เสนอ", "เหตุผลที่คัดเลือกโดยสรุป"
CHECK_THE_FILE = "โปรดตรวจสอบไฟล์"
MISSING = "ไม่พบคอลัมน์ '{}' ของแบบฟอร์มทางการ โปรดตรวจสอบว่าไฟล์ใช้แบบฟอร์มฉบับปัจจุบัน"
LOADED = f"ถูกต้องและนำเข้าแล้ว {len(ROWS)} แถว"
KEPT = f"แถวจากไฟล์ที่ตรวจสอบผ่านครั้งก่อน {len(ROWS)} แถว ยังเผยแพร่อยู่จนกว่าจะอัปโหลดไฟล์ที่ถูกต้อง"
DUPLICATE = "ซ้ำกับแถว 3: ลำดับที่ 2 มีอยู่ในทั้งสองแถว"


def unicode_text(header, rows) -> bytes:
    """As Excel's "Save as: Unicode Text" writes it: UTF-16 with its mark, tabs, CRLF."""
    return ("\r\n".join("\t".join(cells) for cells in [header] + rows) + "\r\n").encode("utf-16")


def last_month(today: datetime.date) -> tuple[int, str]:
    end = today.replace(day=1) - datetime.timedelta(days=1)
    return thai_calendar.fiscal_year_of(end), f"{end:%Y-%m}"


def records(driver):
    return driver.find_element(By.CSS_SELECTOR, "section.oit-records")


def warnings_box(driver) -> list[str]:
    boxes = driver.find_elements(By.CSS_SELECTOR, "section.oit-records .oit-records-warnings")
    if not boxes:
        return []
    return [boxes[0].find_element(By.TAG_NAME, "p").text] + [
        li.text for li in boxes[0].find_elements(By.TAG_NAME, "li")]


def problems(driver) -> list[list[str]]:
    return [[td.text for td in tr.find_elements(By.TAG_NAME, "td")]
            for tr in driver.find_elements(By.CSS_SELECTOR, "section.oit-records .oit-problems tbody tr")]


def settled(driver, timeout: float = 60) -> str:
    """The state the page shows once the worker is done, without a reload."""
    WebDriverWait(driver, timeout).until(lambda d: records(d).get_attribute("data-status") != "queued")
    return records(driver).get_attribute("data-status")


def open_table(walker: WholePage, dataset: dict | None = None):
    """The table in the dataset page's resource list (from the resource page: the breadcrumb first)."""
    if dataset is not None:
        walker.tap_css(f".breadcrumb a[href$='/oit-procurement/{dataset['name']}']")
    walker.tap_link(RESOURCE, within=".resource-list")
    WebDriverWait(walker.driver, 15).until(lambda d: "/resource/" in d.current_url)


def preview_rows(driver) -> int:
    """How many rows the table view (an iframe) shows, once it has them."""
    driver.switch_to.frame(driver.find_element(By.CSS_SELECTOR, ".resource-view iframe, iframe"))
    try:
        WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "table tbody tr td"))
        return len(driver.find_elements(By.CSS_SELECTOR, "table tbody tr"))
    finally:
        driver.switch_to.default_content()


def preview_search(driver, word: str) -> str:
    """The table view's search box: what it shows after ``word`` is typed (rows, or its message)."""
    driver.switch_to.frame(driver.find_element(By.CSS_SELECTOR, ".resource-view iframe, iframe"))
    try:
        before = driver.find_element(By.CSS_SELECTOR, ".dataTables_info, .dt-info").text
        driver.find_element(By.CSS_SELECTOR, "input[type=search]").send_keys(word)
        try:
            WebDriverWait(driver, 15).until(
                lambda d: d.find_element(By.CSS_SELECTOR, ".dataTables_info, .dt-info").text != before)
        except Exception:
            pass  # nothing changed: said below
        info = driver.find_element(By.CSS_SELECTOR, ".dataTables_info, .dt-info").text
        rows = [tr.text for tr in driver.find_elements(By.CSS_SELECTOR, "table tbody tr")]
        return f"{info!r}; rows {rows!r}"
    finally:
        driver.switch_to.default_content()


def close_up(walker: WholePage, element, name: str):
    """One part of the page, at its full size (the window grows to the page for it, as shoot())."""
    driver = walker.driver
    width, height = (driver.get_window_size()[k] for k in ("width", "height"))
    whole = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, max(height, whole + 140))
    try:
        element.screenshot(str(walker.shots / f"{name}.png"))
    finally:
        driver.set_window_size(width, height)


def status(walker: WholePage) -> str:
    return walker.driver.find_element(By.CSS_SELECTOR, ".oit-workflow .oit-status").text


def test_a_new_staff_member_uploads_office_files_and_the_director_sees_the_warning(live_server, browser, tmp_path):
    staff = factories.User(name="staff_files", fullname="นางสาวใหม่ เริ่มงาน", password=PASSWORD)
    director = factories.User(name="director_files", fullname="นายผู้อำนวยการ ตรวจไฟล์", password=PASSWORD)
    org = factories.Organization(name="pesao-files", title="สพป.ตรวจไฟล์",
                                description="สำนักงานเขตพื้นที่การศึกษาประถมศึกษา สำหรับทดสอบไฟล์ตาราง", users=[
        {"name": staff["name"], "capacity": "editor"}, {"name": director["name"], "capacity": "admin"}])
    fiscal_year, month = last_month(thai_calendar.today())
    dataset = tk.get_action("package_create")({"user": staff["name"]}, {
        "type": "oit-procurement", "owner_org": org["id"], "title": TITLE,
        "item_key": "procurement-monthly-summary", "fiscal_year": str(fiscal_year), "period": month,
        "resources": [{"name": "แบบ สขร.1 ฉบับลงนาม", "url": "http://example.go.th/sor-kor-ror-1.pdf"}]})
    first = tmp_path / "สขร1-แบบเดิม.txt"  # Excel names a Unicode Text file .txt
    first.write_bytes(unicode_text(HEADER, ROWS))
    # the corrected month: a late third row, numbered 2 again by mistake
    third = list(ROWS[1])
    third[1], third[7] = "จ้างเหมาทำความสะอาดอาคาร", "6/2569"
    second = tmp_path / "สขร1-แก้ไข.txt"
    second.write_bytes(unicode_text(HEADER, [list(r) for r in ROWS] + [third]))
    seen = {}  # what the walk saw besides what it asserts (.run/browser/records-files/observed.json)
    walker = WholePage(browser, live_server, shots=OUT)
    driver = browser
    wait = WebDriverWait(browser, 30)
    walker.go("/")  # the only typed address

    # 1. staff: my work, the draft, add the table as Excel's Unicode Text; loaded, with a warning
    walker.begin("staff uploads the Unicode Text file")
    walker.login_from_header(staff["name"])
    wait.until(lambda d: d.current_url.endswith("/oit/my-work"))
    walker.shoot("01-staff-my-work")
    walker.tap_link(TITLE, within=".oit-work-drafts")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".oit-workflow"))
    walker.shoot("02-staff-draft")
    walker.tap_css("a[href*='/oit-procurement/edit/']")  # CKAN's "Manage"
    walker.tap_css(".nav-tabs a[href*='/resources']")
    walker.tap_css("a[href*='/resource/new']")
    wait.until(lambda d: "/resource/new" in d.current_url)
    walker.tap_css("#resource-upload-button")  # "อัพโหลด": the file chooser, answered below
    driver.find_element(By.ID, "field-resource-upload").send_keys(str(first))
    name = driver.find_element(By.ID, "field-name")
    name.clear()
    name.send_keys(RESOURCE)
    walker.shoot("03-staff-add-table")
    walker.tap_css("form#resource-edit button[name=save][value=go-dataset-complete]")  # "เพิ่ม"
    wait.until(lambda d: "/resource/new" not in d.current_url)
    walker.shoot("04-staff-after-add")
    open_table(walker)
    assert records(driver).get_attribute("data-status") == "queued"
    walker.shoot("05-staff-table-queued")
    driver.execute_script("window.oitSamePage = true")
    run_jobs()
    assert settled(driver) == "loaded"
    assert driver.execute_script("return window.oitSamePage") is True
    walker.shoot("06-staff-table-loaded-live")
    # the page follows the job: the warnings appear with the state, without a reload
    assert warnings_box(driver) == [CHECK_THE_FILE, MISSING.format(BIDDERS), MISSING.format(REASON)]
    # the page opened again from the dataset (breadcrumb, then the resource list)
    open_table(walker, dataset)
    walker.shoot("07-staff-table-loaded-reopened")
    assert records(driver).find_element(By.CSS_SELECTOR, ".oit-state-label").text == "ตรวจสอบผ่านและนำเข้าแล้ว"
    assert warnings_box(driver) == [CHECK_THE_FILE, MISSING.format(BIDDERS), MISSING.format(REASON)]
    close_up(walker, records(driver), "07b-staff-state-close-up")
    seen["the warning box's top / the window's height (px)"] = (
        driver.find_element(By.CSS_SELECTOR, ".oit-records-warnings").location["y"],
        driver.execute_script("return window.innerHeight"))

    # 2. staff: a corrected month in the same old template, its new row numbered 2 again
    walker.begin("staff replaces it with a file with a duplicate number")
    walker.tap_css("a[href$='/edit'][href*='/resource/']")  # "แก้ไขทรัพยากร"
    wait.until(lambda d: d.current_url.endswith("/edit"))
    walker.shoot("08-staff-edit-resource")
    walker.tap_css(".btn-remove-url")  # "ล้างไฟล์ที่อัปโหลด": the current file goes
    driver.find_element(By.ID, "field-resource-upload").send_keys(str(second))
    walker.shoot("09-staff-second-file-chosen")
    walker.tap_css("form#resource-edit button[name=save]")
    wait.until(lambda d: not d.current_url.endswith("/edit"))
    if "/resource/" not in driver.current_url:
        open_table(walker)
    seen["after updating, the page is"] = driver.current_url.split("/", 3)[3]
    walker.shoot("10-staff-second-queued")
    run_jobs()
    assert settled(driver) == "invalid"
    walker.shoot("11-staff-second-invalid-live")
    live_kept = driver.find_element(By.CSS_SELECTOR, "section.oit-records .oit-state-kept").text
    assert live_kept == KEPT
    assert problems(driver) == [["4", "ลำดับที่", "2", DUPLICATE]]
    seen["warnings after the refusal, without a reload"] = warnings_box(driver)
    open_table(walker, dataset)
    walker.shoot("12-staff-second-invalid-reopened")
    close_up(walker, records(driver), "12b-staff-state-close-up")
    assert records(driver).find_element(By.CSS_SELECTOR, ".oit-state-label").text == "พบข้อผิดพลาด"
    assert driver.find_element(By.CSS_SELECTOR, "section.oit-records .oit-state-kept").text == KEPT
    assert problems(driver) == [["4", "ลำดับที่", "2", DUPLICATE]]
    assert warnings_box(driver) == [CHECK_THE_FILE, MISSING.format(BIDDERS), MISSING.format(REASON)]
    # the rows served are still those of the first file: the preview shows them
    assert preview_rows(driver) == 2
    walker.shoot("12c-staff-preview-of-kept-rows")
    # a Thai word in the preview's own search box (datatables view), inside a cell of row 2
    seen["preview search 'ซ่อม'"] = preview_search(driver, "ซ่อม")
    walker.shoot("12d-staff-preview-searched")

    # 3. staff submit it anyway; the director sees the table, its problem and its warning
    walker.begin("staff submits anyway")
    walker.tap_css(f".breadcrumb a[href$='/oit-procurement/{dataset['name']}']")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".oit-workflow"))
    walker.shoot("13-staff-dataset-before-submit")
    walker.tap_css("#oit-confirm-tables-submit")
    walker.tap_css("#oit-submit")
    assert status(walker) == "รออนุมัติ"
    walker.shoot("14-staff-submitted")
    walker.leave_to_home()
    walker.begin("the director sees the table and its warning")
    walker.login_from_header(director["name"])
    wait.until(lambda d: d.current_url.endswith("/oit/my-work"))
    walker.shoot("15-director-my-work")
    walker.tap_css(".oit-work-organization a[href$='/oit/approvals']")
    wait.until(lambda d: d.current_url.endswith("/oit/approvals"))
    item = driver.find_element(By.CSS_SELECTOR, ".oit-approval-item")
    assert TITLE in item.text
    walker.shoot("16-director-approvals")
    close_up(walker, item, "16b-director-approval-item")
    table = item.find_element(By.CSS_SELECTOR, ".oit-table-state")
    assert table.get_attribute("data-status") == "invalid"
    listed = [p.text for p in item.find_elements(By.CSS_SELECTOR, ".oit-table-warnings p")]
    assert listed == [f"{RESOURCE}: {MISSING.format(BIDDERS)}", f"{RESOURCE}: {MISSING.format(REASON)}"]
    seen["the approval item's table state"] = table.text
    walker.tap_link(TITLE, within=".oit-approval-item")
    wait.until(lambda d: d.find_elements(By.ID, "oit-approve"))
    walker.shoot("17-director-dataset")
    close_up(walker, driver.find_element(By.CSS_SELECTOR, ".oit-workflow"), "17b-director-workflow-panel")
    history = driver.find_element(By.CSS_SELECTOR, ".oit-history")
    close_up(walker, history, "17c-director-approval-history")
    seen["approval history"] = [tr.text for tr in history.find_elements(By.CSS_SELECTOR, "tbody tr")]
    (OUT / "observed.json").write_text(json.dumps(seen, ensure_ascii=False, indent=2) + "\n")
    (OUT / "click-counts.json").write_text(json.dumps(walker.clicks, ensure_ascii=False, indent=2) + "\n")
