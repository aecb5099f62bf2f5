"""The OIT editions in headless Chromium, from the home page by clicking only (issue 15):
a new sysadmin finds the editions page from the header's admin link and its tab,
downloads edition 2569 as XLSX (Chromium's download folder, set as in the other
journeys), corrects it in openpyxl, uploads it, sees its changes and stores it;
a broken file is refused with its rows named and nothing changed; fiscal year 2570
gets edition 2569 and back the default rule. The agency's director then sees the
provisional notice of 2570 and the corrected O4 on the organisation's pages, and
the sysadmin returns 2569 to the shipped list. Screenshots (whole pages) go to
.run/browser/editions/."""
from __future__ import annotations

import json
import time

import openpyxl
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from ckan.tests import factories

from support import REPO
from support.browser import PASSWORD, WholePage
from support.frameworks import rows_by_code, set_cell

pytestmark = [pytest.mark.browser,
              pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues")]

OUT = REPO / ".run" / "browser" / "editions"
NOTICE = "รายการของรอบ 2569 ใช้ชั่วคราวจนกว่าจะยืนยันรอบ 2570"
RENAMED = "ข่าวประชาสัมพันธ์และกิจกรรมของหน่วยงาน"
WHY = "แก้ชื่อ O4 และตัด O25 ตามคู่มือ ITA 2569"
REMINDER = "ปีงบประมาณ 2570 ยังไม่มีรายการ OIT ที่ยืนยันแล้ว"
PHONE = 390


def phone(driver, height: int) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": PHONE, "height": height, "deviceScaleFactor": 1, "mobile": True})


def cell(sheet, row: int, column: str):
    header = [c.value for c in sheet[1]]
    return sheet.cell(row=row, column=header.index(column) + 1).value


def downloaded(folder, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [f for f in folder.iterdir() if not f.name.endswith(".crdownload")]
        if done:
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"nothing was downloaded into {folder}")


def download_2569(walker: WholePage, folder):
    """The XLSX button of edition 2569's row, into an empty folder: the file Chromium saved."""
    folder.mkdir()
    walker.driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
    walker.tap_css("#oit-editions tr[data-edition='2569'] a[href$='/2569.xlsx']")
    return downloaded(folder)


def history(driver) -> list[str]:
    return [li.text for li in driver.find_elements(By.CSS_SELECTOR, ".oit-edition-history li")]


def reminder(driver) -> list:
    return driver.find_elements(By.CSS_SELECTOR, ".oit-edition-reminder")


def choose_for_2570(walker: WholePage, label: str):
    row = walker.driver.find_element(By.CSS_SELECTOR, "#oit-edition-years tr[data-fiscal-year='2570']")
    Select(row.find_element(By.ID, "oit-year-2570")).select_by_visible_text(label)
    walker.clicks[walker.journey] += 1  # choosing in the list is a click
    walker.tap(row.find_element(By.CSS_SELECTOR, "button[type=submit]"))


def flash(driver) -> str:
    return " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, ".flash-messages .alert"))


def test_a_sysadmin_corrects_an_edition_and_the_director_sees_it(live_server, browser, tmp_path):
    sysadmin = factories.Sysadmin(name="sysadmin_walk", fullname="นายดูแล ระบบใหม่", password=PASSWORD)
    director = factories.User(name="director_editions", fullname="นางผู้อำนวยการ ตรวจรายการ", password=PASSWORD)
    org = factories.Organization(name="pesao-editions", title="สพป.รายการรอบใหม่",
                                description="สำนักงานเขตพื้นที่การศึกษาประถมศึกษา สำหรับทดสอบรายการรอบใหม่", users=[
        {"name": director["name"], "capacity": "admin"}])
    walker = WholePage(browser, live_server, shots=OUT)
    driver = browser
    wait = WebDriverWait(browser, 30)
    walker.go("/")  # the only typed address

    # 1. the sysadmin logs in, the header's admin link: the reminder; then the editions tab
    walker.begin("sysadmin finds the editions")
    walker.login_from_header(sysadmin["name"])
    admin = driver.find_element(By.CSS_SELECTOR, ".account-masthead a[href$='/ckan-admin/']")
    assert admin.get_attribute("title") == "การตั้งค่าของผู้ดูแลระบบ"  # the header's gavel, named by its tooltip
    walker.tap(admin)
    wait.until(lambda d: "/ckan-admin" in d.current_url)
    note = reminder(driver)
    assert len(note) == 1 and REMINDER in note[0].text and NOTICE in note[0].text
    walker.shoot("01-admin-reminder")
    walker.tap_link("รายการ OIT ของแต่ละรอบ", within=".nav-tabs")
    wait.until(lambda d: d.current_url.endswith("/ckan-admin/oit-editions/"))
    assert driver.find_element(By.CSS_SELECTOR, ".oit-editions h1").text == "รายการ OIT ของแต่ละรอบการประเมิน"
    assert reminder(driver)
    shipped = driver.find_element(By.CSS_SELECTOR, "#oit-editions tr[data-edition='2569']").text
    assert "มากับระบบ" in shipped
    assert not history(driver)
    walker.shoot("02-editions-page")

    # 2. download 2569 as XLSX, rename O4 and remove O25, upload, check, see the changes, store
    walker.begin("sysadmin corrects edition 2569")
    first = download_2569(walker, tmp_path / "download-1")
    assert first.suffix == ".xlsx" and "2569" in first.name
    book = openpyxl.load_workbook(first)
    items = book["items"]
    rows = rows_by_code(items)
    removed_key = cell(items, rows["O25"], "key")
    removed_name = cell(items, rows["O25"], "name_th")
    set_cell(items, rows["O4"], "name_th", RENAMED)
    items.delete_rows(rows["O25"])
    corrected = tmp_path / f"{first.stem}-แก้ไข.xlsx"
    book.save(corrected)
    driver.find_element(By.ID, "oit-edition-file").send_keys(str(corrected))
    driver.find_element(By.ID, "oit-edition-comment").send_keys(WHY)
    walker.tap_xpath("//form[@id='oit-edition-load']//button[@type='submit']")
    changes = wait.until(lambda d: d.find_elements(By.ID, "oit-edition-changes"))[0]
    assert driver.find_element(By.CSS_SELECTOR, ".nav-tabs li.active a").get_attribute("href").endswith(
        "/ckan-admin/oit-editions/")  # still under the editions tab
    kinds = {(tr.get_attribute("data-change"), tr.get_attribute("data-key"))
             for tr in changes.find_elements(By.CSS_SELECTOR, "tbody tr")}
    assert kinds == {("renamed", "news"), ("removed", removed_key)}, kinds
    shown = changes.text
    assert RENAMED in shown and removed_name in shown
    assert WHY in driver.find_element(By.ID, "oit-edition-comment-shown").text  # what the trail will keep
    walker.shoot("03-changes-before-storing")
    walker.tap_css("#oit-edition-confirm button[type=submit]")
    wait.until(lambda d: d.current_url.endswith("/ckan-admin/oit-editions/"))
    assert "บันทึกรายการของรอบ 2569 แล้ว" in flash(driver)
    lines = history(driver)
    assert len(lines) == 1 and "2569" in lines[0] and WHY in lines[0], lines
    assert sysadmin["fullname"] in lines[0]  # people by their names, not their logins
    stored = driver.find_element(By.CSS_SELECTOR, "#oit-editions tr[data-edition='2569']")
    assert stored.find_elements(By.CSS_SELECTOR, "form[action$='/reset'] button")
    assert f"นำเข้าโดย {sysadmin['fullname']} เมื่อ" in stored.text
    walker.shoot("04-stored-flash-and-history")

    # 3. a broken file: an unknown cadence in one row, no English name in another
    walker.begin("sysadmin uploads a broken file")
    second = download_2569(walker, tmp_path / "download-2")
    book = openpyxl.load_workbook(second)
    items = book["items"]
    rows = rows_by_code(items)
    assert cell(items, rows["O4"], "name_th") == RENAMED and "O25" not in rows  # the stored edition's export
    set_cell(items, rows["O3"], "cadence", "รายสัปดาห์")
    set_cell(items, rows["O8"], "name_en", None)
    broken = tmp_path / "รายการ-2569-ผิด.xlsx"
    book.save(broken)
    before = history(driver)
    driver.find_element(By.ID, "oit-edition-file").send_keys(str(broken))
    walker.tap_xpath("//form[@id='oit-edition-load']//button[@type='submit']")
    box = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".oit-edition-errors"))[0]
    assert f"ไม่ได้นำเข้า {broken.name}: ไม่มีสิ่งใดเปลี่ยนแปลง" in box.text
    errors = [li.text for li in box.find_elements(By.TAG_NAME, "li")]
    assert len(errors) == 2, errors
    assert f"แถว {rows['O3']} (O3)" in errors[0] and "รายสัปดาห์" in errors[0]
    assert f"แถว {rows['O8']} (O8)" in errors[1] and "name" in errors[1]
    assert history(driver) == before
    assert driver.current_url.endswith("#oit-edition-load-heading")  # the page opens at the errors
    assert driver.execute_script("return window.scrollY") > 0
    assert not driver.find_elements(By.ID, "oit-edition-changes")
    walker.shoot("05-broken-file-refused")

    # 4. fiscal year 2570 gets edition 2569: the reminder goes; then back to the default rule
    walker.begin("sysadmin chooses the edition of 2570")
    choose_for_2570(walker, "2569")
    assert "บันทึกรอบรายการของปีงบประมาณแล้ว" in flash(driver)
    assert not reminder(driver)
    year = driver.find_element(By.CSS_SELECTOR, "#oit-edition-years tr[data-fiscal-year='2570']")
    assert not year.find_elements(By.CSS_SELECTOR, ".oit-provisional")
    walker.shoot("06-2570-chosen")
    choose_for_2570(walker, "ตามหลักเกณฑ์ปกติ")
    assert len(reminder(driver)) == 1
    year = driver.find_element(By.CSS_SELECTOR, "#oit-edition-years tr[data-fiscal-year='2570']")
    assert year.find_elements(By.CSS_SELECTOR, ".oit-provisional") and NOTICE in year.text
    lines = history(driver)
    assert len(lines) == 3
    assert lines[0].endswith("ปีงบประมาณ พ.ศ. 2570 → ตามหลักเกณฑ์ปกติ"), lines[0]
    assert lines[1].endswith("ปีงบประมาณ พ.ศ. 2570 → รอบ 2569"), lines[1]
    walker.shoot("07-2570-default-rule")
    phone(driver, 844)  # as tests/browser/test_browser_layout.py: each year a block, nothing past the screen
    assert driver.execute_script("return document.documentElement.clientWidth") == PHONE
    assert driver.execute_script("return document.documentElement.scrollWidth") <= PHONE
    choice = driver.find_element(By.ID, "oit-year-2570")
    assert choice.size["width"] >= 150 and choice.location["x"] + choice.size["width"] <= PHONE
    phone(driver, driver.execute_script("return document.documentElement.scrollHeight"))
    driver.save_screenshot(str(OUT / "08-editions-390px.png"))
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    walker.leave_to_home()

    # 5. the director: the organisation, its OIT page of 2570, the compliance dashboard, the ITAS sheet
    walker.begin("director sees the provisional list")
    walker.login_from_header(director["name"])
    walker.tap_css(".masthead a.logo, .masthead .logo a, header a[href='/']")
    walker.tap_css(".masthead a[href$='/organization/'], .masthead a[href$='/organization']")
    card = next(li for li in driver.find_elements(By.CSS_SELECTOR, ".media-item")
                if li.find_element(By.CSS_SELECTOR, ".media-heading").text.replace("\n", "") == org["title"])
    walker.tap(card.find_element(By.CSS_SELECTOR, f"a[href$='/organization/{org['name']}']"))
    wait.until(lambda d: d.current_url.endswith(f"/organization/{org['name']}"))
    walker.tap_link("หน้า OIT", within="[role=main], .primary")
    wait.until(lambda d: f"/oit/{org['name']}" in d.current_url)
    assert driver.find_element(By.CSS_SELECTOR, ".oit-page .lead").text.endswith("2570")
    assert driver.find_element(By.CSS_SELECTOR, ".oit-edition-notice").text == NOTICE
    o4 = driver.find_element(By.CSS_SELECTOR, ".oit-page-item[data-item='news']")
    assert o4.text.startswith("O4 " + RENAMED)
    assert not driver.find_elements(By.CSS_SELECTOR, f".oit-page-item[data-item='{removed_key}']")
    walker.shoot("09-director-oit-page-2570")
    walker.tap_css(".account-masthead a[href$='/oit/my-work']")
    walker.tap_link("หน้าติดตามการเผยแพร่", within=".oit-work-compliance + p")
    wait.until(lambda d: "/oit-compliance" in d.current_url)
    assert "2570" in driver.find_element(By.TAG_NAME, "h1").text
    assert driver.find_element(By.CSS_SELECTOR, ".oit-edition-notice").text == NOTICE
    walker.shoot("10-director-compliance-2570")
    walker.tap_css(".account-masthead a[href$='/oit/my-work']")
    walker.tap_link("แบบตอบ ITAS", within="[role=main], .primary")
    wait.until(lambda d: "/itas" in d.current_url)
    assert driver.find_element(By.CSS_SELECTOR, ".oit-edition-notice").text == NOTICE
    walker.shoot("11-director-itas-2570")
    walker.leave_to_home()

    # 6. the sysadmin returns 2569 to the shipped list
    walker.begin("sysadmin returns to the shipped list")
    walker.login_from_header(sysadmin["name"])
    walker.tap_css(".account-masthead a[href$='/ckan-admin/']")
    walker.tap_css(".oit-edition-reminder a")  # the reminder's own way to the editions
    wait.until(lambda d: d.current_url.endswith("/ckan-admin/oit-editions/"))
    # the button asks first (CKAN's confirm dialog); its click itself posts nothing
    walker.driver.find_element(By.CSS_SELECTOR, "#oit-editions tr[data-edition='2569'] form[action$='/reset'] button").click()
    walker.clicks[walker.journey] += 1
    dialog = wait.until(lambda d: [m for m in d.find_elements(By.CSS_SELECTOR, ".modal") if m.is_displayed()])[0]
    assert "2569" in dialog.text
    walker.shoot("12-return-to-shipped-asked")
    page = driver.find_element(By.TAG_NAME, "html")
    walker.tap(dialog.find_element(By.CSS_SELECTOR, ".btn-primary"))
    wait.until(lambda d: page.id != d.find_element(By.TAG_NAME, "html").id)
    wait.until(lambda d: d.current_url.endswith("/ckan-admin/oit-editions/") and flash(d))
    assert "กลับมาใช้รายการที่มากับระบบแล้ว" in flash(driver)
    assert not driver.find_elements(By.CSS_SELECTOR, "#oit-editions tr[data-edition='2569'] form[action$='/reset']")
    assert len(history(driver)) == 4
    walker.shoot("13-back-to-shipped")
    (OUT / "click-counts.json").write_text(json.dumps(walker.clicks, ensure_ascii=False, indent=2) + "\n")
