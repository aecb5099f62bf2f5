"""The agency's working day in headless Chromium, every journey from the home page by
clicking only (issue 14): staff create an overdue month from "my work" and upload its
table as a Windows-874 CSV, see it checked without a reload and submit it; the director
returns it with a reason; staff see the reason, fix it and submit again; the director
approves; a visitor finds it by a Thai word and downloads it for people (CSV, XLSX).
Only the organisation and its users are made beforehand. The clicks of each journey are
printed and written to .run/browser/click-counts.json, a screenshot of each main step
to .run/browser/journeys/."""
from __future__ import annotations

import csv
import datetime
import io
import json
import time

import openpyxl
import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from ckan.tests import factories

from ckanext.oit import disclosure, thai_calendar
from support import REPO
from support.browser import PASSWORD, Walker
from support.jobs import run_jobs
from support.records import HEADER, ROWS, csv_bytes

pytestmark = [pytest.mark.browser,
              pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues")]

MONTHLY = "procurement-monthly-summary"
TITLE = "สรุปผลการจัดซื้อจัดจ้างประจำเดือน สพป.เดินทาง"
REASON = "โปรดระบุหน่วยงานที่รับผิดชอบในคำอธิบาย"
FIXED = "สรุปผลการจัดซื้อจัดจ้าง จัดทำโดยกลุ่มบริหารงานการเงินและสินทรัพย์"
SEARCHED = "จัดซื้อ"
LOADED = f"ถูกต้องและนำเข้าแล้ว {len(ROWS)} แถว"  # the table's state once the worker has checked it
# the rows of support.records as people read them: amounts with two decimals, dates in words
PEOPLE_ROWS = [
    ["1", "จัดซื้อกระดาษ A4 จำนวน 100 รีม", "12,500.00", "12,500.00", "วิธีเฉพาะเจาะจง", "", "ร้านเครื่องเขียนไทย",
     "12,000.00", "", "4/2569", "15 ต.ค. 2568"],
    ["2", "จ้างซ่อมเครื่องปรับอากาศ", "45,000.00", "45,000.00", "วิธีประกาศเชิญชวนทั่วไป (e-market)", "",
     "บริษัท เย็นฉ่ำ จำกัด", "44,200.00", "", "5/2569", "20 ต.ค. 2568"],
]
# in the XLSX the numbers stay numbers (shown with two decimals), the dates are words as in the CSV
SHEET_ROWS = [
    [1, "จัดซื้อกระดาษ A4 จำนวน 100 รีม", 12500, 12500, "วิธีเฉพาะเจาะจง", None, "ร้านเครื่องเขียนไทย", 12000, None,
     "4/2569", "15 ต.ค. 2568"],
    [2, "จ้างซ่อมเครื่องปรับอากาศ", 45000, 45000, "วิธีประกาศเชิญชวนทั่วไป (e-market)", None, "บริษัท เย็นฉ่ำ จำกัด",
     44200, None, "5/2569", "20 ต.ค. 2568"],
]
# the people's column titles: every column of the table's schema, in Thai, none internal
TITLES = ["ลำดับที่", "งานที่จัดซื้อหรือจัดจ้าง", "วงเงินที่จะซื้อหรือจ้าง", "ราคากลาง", "วิธีซื้อหรือจ้าง",
          "รายชื่อผู้เสนอราคาและราคาที่เสนอ", "ผู้ได้รับการคัดเลือก", "ราคาที่ตกลงซื้อหรือจ้าง",
          "เหตุผลที่คัดเลือกโดยสรุป", "เลขที่ของสัญญาหรือข้อตกลงในการซื้อหรือจ้าง",
          "วันที่ของสัญญาหรือข้อตกลงในการซื้อหรือจ้าง"]
DUE_DAYS = 10  # ckanext.oit.due_days_after_period: a month is overdue 10 days after it ends
OUT = REPO / ".run" / "browser"
BETWEEN = "log out and back to the home page (all changes of person)"


def overdue_month(today: datetime.date) -> tuple[int, str]:
    """The latest month whose summary is overdue today: (fiscal year, 'YYYY-MM')."""
    first = today.replace(day=1)
    while True:
        first = (first - datetime.timedelta(days=1)).replace(day=1)
        end = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        if end + datetime.timedelta(days=DUE_DAYS) < today:
            return thai_calendar.fiscal_year_of(first), f"{first:%Y-%m}"


def status(walker: Walker) -> str:
    return walker.driver.find_element(By.CSS_SELECTOR, ".oit-workflow .oit-status").text


def test_the_working_day_from_the_home_page_by_clicks_only(live_server, browser, tmp_path, capsys):
    staff = factories.User(name="staff_walk", fullname="นางสาวสมใจ ทำงาน", password=PASSWORD)
    director = factories.User(name="director_walk", fullname="นายผู้อำนวยการ ใจดี", password=PASSWORD)
    factories.Organization(name="pesao-walk", title="สพป.เดินทาง", users=[
        {"name": staff["name"], "capacity": "editor"}, {"name": director["name"], "capacity": "admin"}])
    fiscal_year, month = overdue_month(thai_calendar.today())
    year, number = int(month[:4]), int(month[5:])
    month_words = thai_calendar.format_month(year, number, "long", "th")  # ตุลาคม 2569
    month_short = thai_calendar.format_month(year, number, "short", "th")  # ต.ค. 2569
    period_words = disclosure.period_label(month, fiscal_year, "th")  # เดือนตุลาคม 2569
    table = tmp_path / "สขร1.csv"
    table.write_bytes(csv_bytes(HEADER, ROWS, encoding="cp874"))
    walker = Walker(browser, live_server, shots=OUT / "journeys")
    wait = WebDriverWait(browser, 30)
    walker.go("/")  # the only typed address: everything after is clicked

    # 1. staff: log in, find the overdue month in "my work", create it, upload its table, submit
    walker.begin("staff creates and submits an overdue month")
    walker.login_from_header(staff["name"])
    wait.until(lambda d: d.current_url.endswith("/oit/my-work"))
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("งานของฉัน")
    if f"fiscal_year={fiscal_year}" not in "".join(
            a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, ".oit-fiscal-years .active a")):
        walker.tap_link(str(fiscal_year), within=".oit-fiscal-years")
    walker.shoot("01-staff-my-work")
    create = (f"//li[contains(@class, 'oit-work-due-overdue')]//a[contains(@href, 'item_key={MONTHLY}')"
              f" and contains(@href, 'period={month}')]")
    entry = browser.find_element(By.XPATH, create + "/ancestor::li[1]").text
    assert entry.startswith(f"O11 สรุปผลการจัดซื้อจัดจ้างหรือการจัดหาพัสดุรายเดือน · {period_words}\nเกินกำหนด")
    walker.tap_xpath(create)
    # the typed form, with organisation, item, fiscal year and period filled in
    wait.until(lambda d: "/oit-procurement/new" in d.current_url)
    assert [browser.find_element(By.ID, f"field-{field}").get_attribute("value")
            for field in ("item_key", "fiscal_year", "period")] == [MONTHLY, str(fiscal_year), month_short]
    walker.shoot("02-staff-typed-form")
    title = browser.find_element(By.ID, "field-title")
    title.clear()
    title.send_keys(TITLE)
    browser.find_element(By.ID, "field-notes").send_keys("สรุปผลการจัดซื้อจัดจ้างของเดือน")
    walker.tap_css("button[name=save]")
    # the resource stage: the procurement table as a Thai Windows file (cp874)
    wait.until(lambda d: "/resource/new" in d.current_url)
    browser.find_element(By.ID, "field-resource-upload").send_keys(str(table))
    name = browser.find_element(By.ID, "field-name")
    name.clear()
    name.send_keys("แบบ สขร.1")
    walker.shoot("03-staff-upload")
    walker.tap_css("button[name=save][value=go-metadata]")
    wait.until(lambda d: "/resource/new" not in d.current_url)
    assert status(walker) == "ฉบับร่าง"
    states = browser.find_element(By.CSS_SELECTOR, ".oit-workflow .oit-table-state")
    assert states.get_attribute("data-status") == "queued"
    queued_text = states.text
    walker.shoot("04-staff-table-queued")
    browser.execute_script("window.oitSamePage = true")  # gone if the page were loaded again
    run_jobs()  # the worker, here, while the page waits: it follows the state by itself
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, ".oit-workflow .oit-table-state")
               .get_attribute("data-status") != "queued")
    checked = browser.find_element(By.CSS_SELECTOR, ".oit-workflow .oit-table-state")
    assert checked.text == "แบบ สขร.1: " + LOADED != queued_text
    assert browser.execute_script("return window.oitSamePage") is True
    walker.shoot("05-staff-table-checked")
    # a valid table: no "submit anyway" box (one is asked for a doubtful table)
    assert not browser.find_elements(By.ID, "oit-confirm-tables-submit")
    walker.tap_css("#oit-submit")
    assert status(walker) == "รออนุมัติ"
    walker.shoot("06-staff-submitted")
    leave(walker)

    # 2. the director: "my work", what waits for approval with its table state, return it
    walker.begin("director returns it with a reason")
    walker.login_from_header(director["name"])
    wait.until(lambda d: d.current_url.endswith("/oit/my-work"))
    waiting = browser.find_element(By.CSS_SELECTOR, ".oit-work-approvals").text
    assert TITLE in waiting and "รออนุมัติ" in waiting
    walker.shoot("07-director-my-work")
    walker.tap_css(".oit-work-organization a[href$='/oit/approvals']")  # "all that waits for my approval"
    wait.until(lambda d: d.current_url.endswith("/oit/approvals"))
    item = browser.find_element(By.CSS_SELECTOR, ".oit-approval-item")
    assert TITLE in item.text
    assert item.find_element(By.CSS_SELECTOR, ".oit-table-state").get_attribute("data-status") == "loaded"
    assert item.find_element(By.CSS_SELECTOR, ".oit-table-state-text").text == LOADED
    walker.shoot("08-director-approvals")
    walker.tap_link(TITLE, within=".oit-approval-item")
    wait.until(lambda d: d.find_elements(By.ID, "oit-return"))
    assert browser.find_element(By.CSS_SELECTOR, ".oit-workflow .oit-table-state-text").text == LOADED
    browser.find_element(By.ID, "oit-comment-return").send_keys(REASON)
    walker.shoot("09-director-returns")
    walker.tap_css("#oit-return")
    assert status(walker) == "ส่งกลับแก้ไข"
    leave(walker)

    # 3. staff: the reason in "my work" and at the top of the dataset, a fix, submitted again
    walker.begin("staff fixes and submits again")
    walker.login_from_header(staff["name"])
    wait.until(lambda d: d.current_url.endswith("/oit/my-work"))
    returned = browser.find_element(By.CSS_SELECTOR, ".oit-work-returned").text
    assert TITLE in returned and REASON in returned
    walker.shoot("10-staff-returned")
    walker.tap_link(TITLE, within=".oit-work-returned")
    top = browser.find_element(By.ID, "oit-returned-reason")
    assert browser.find_element(By.CSS_SELECTOR, ".oit-returned-comment").text == REASON
    # above the workflow panel and the dataset itself: the first thing of the page's content
    assert top.location["y"] < browser.find_element(By.CSS_SELECTOR, ".oit-workflow").location["y"]
    walker.shoot("11-staff-reason-on-top")
    walker.tap_css("a[href*='/oit-procurement/edit/']")
    notes = browser.find_element(By.ID, "field-notes")
    notes.clear()
    notes.send_keys(FIXED)
    walker.tap_css("button[name=save]")
    wait.until(lambda d: "/edit/" not in d.current_url)
    assert status(walker) == "ฉบับร่าง"
    assert FIXED in walker.text()
    assert not browser.find_elements(By.ID, "oit-confirm-tables-submit")
    walker.tap_css("#oit-submit")
    assert status(walker) == "รออนุมัติ"
    walker.shoot("12-staff-submitted-again")
    leave(walker)

    # 4. the director approves it from "my work"
    walker.begin("director approves")
    walker.login_from_header(director["name"])
    wait.until(lambda d: d.current_url.endswith("/oit/my-work"))
    walker.tap_link(TITLE, within=".oit-work-approvals")
    assert FIXED in walker.text()
    assert not browser.find_elements(By.ID, "oit-confirm-tables-approve")
    walker.tap_css("#oit-approve")
    assert status(walker) == "เผยแพร่แล้ว"
    walker.shoot("13-director-approved")
    leave(walker)

    # 5. a visitor: a Thai word in the home page's search box, the dataset, its table for people
    walker.begin("visitor finds and downloads it")
    browser.find_element(By.ID, "oit-home-q").send_keys(SEARCHED)
    walker.tap_css("form.oit-home-search button[type=submit]")
    wait.until(lambda d: "/dataset" in d.current_url)
    found = browser.find_elements(By.CSS_SELECTOR, ".dataset-heading a")
    assert [a.text for a in found] == [TITLE]
    walker.shoot("14-visitor-search")
    walker.tap(found[0])
    assert status(walker) == "เผยแพร่แล้ว"
    walker.tap_link("แบบ สขร.1", within=".resource-list")
    wait.until(lambda d: "/resource/" in d.current_url)
    walker.shoot("15-visitor-resource")
    csv_link, xlsx_link = (browser.find_element(By.ID, i) for i in ("oit-records-csv", "oit-records-xlsx"))
    assert (csv_link.text, xlsx_link.text) == ("ดาวน์โหลด CSV", "ดาวน์โหลด XLSX (Excel)")
    # what the buttons link to, fetched by somebody without a session (before the clicks: the
    # single-threaded test server would wait on a socket Chrome opens for later)
    people_csv, people_xlsx = fetched(csv_link), fetched(xlsx_link)
    assert people_csv.startswith("\ufeff".encode())
    assert list(csv.reader(io.StringIO(people_csv.decode("utf-8-sig")))) == [TITLES] + PEOPLE_ROWS
    sheet = openpyxl.load_workbook(io.BytesIO(people_xlsx)).worksheets[0]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [TITLES] + SHEET_ROWS
    # and the visitor's clicks download the same CSV, named by agency, item and month
    folder = tmp_path / "downloads"
    folder.mkdir()
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
    walker.tap(csv_link)
    name, body = downloaded(folder)
    assert body == people_csv
    assert name == f"สพป.เดินทาง_สรุปผลการจัดซื้อจัดจ้างหรือการจัดหาพัสดุรายเดือน_{month_words}.csv"
    walker.tap(xlsx_link)
    walker.shoot("16-visitor-downloaded")

    counts = dict(walker.clicks)
    report(counts, capsys)
    assert all(n > 0 for n in counts.values())


def leave(walker: Walker):
    """One person's day ends: the header's log-out button, then the logo, back to the home page."""
    journey = walker.journey
    walker.begin(BETWEEN)
    walker.logout_from_header()
    walker.tap_css(".masthead a.logo, .masthead .logo a, header a[href='/']")
    WebDriverWait(walker.driver, 15).until(lambda d: d.find_elements(By.ID, "oit-home-q"))
    walker.journey = journey


def fetched(link) -> bytes:
    href = link.get_attribute("href")
    assert "for=people" in href
    answer = requests.get(href, timeout=60)  # no session, no cookies
    assert answer.status_code == 200, (href, answer.status_code)
    return answer.content


def downloaded(folder, timeout: float = 30) -> tuple[str, bytes]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [f for f in folder.iterdir() if not f.name.endswith(".crdownload")]
        if done:
            return done[0].name, done[0].read_bytes()
        time.sleep(0.2)
    raise AssertionError(f"nothing was downloaded into {folder}")


def report(counts: dict[str, int], capsys):
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "click-counts.json").write_text(json.dumps(counts, ensure_ascii=False, indent=2) + "\n")
    width = max(len(name) for name in counts)
    with capsys.disabled():
        print("\n" + "journey".ljust(width) + " | clicks")
        print("-" * width + "-|-------")
        for name, n in counts.items():
            print(name.ljust(width) + f" | {n:>6}")
