"""A member of the public in real headless Chromium: opens the agency's OIT
page, searches in Thai, opens a dataset, previews its records and downloads
them as CSV."""
from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from support.browser import Person
from support.portal import procurement

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues")]


def _downloaded(folder, timeout: float = 20) -> bytes:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [f for f in folder.iterdir() if not f.name.endswith(".crdownload")]
        if done:
            return done[0].read_bytes()
        time.sleep(0.2)
    raise AssertionError(f"nothing was downloaded into {folder}")


def test_the_public_finds_previews_and_downloads_a_disclosure(live_server, browser, office, tmp_path):
    dataset = procurement(office, "2025-10", "published", records=True)
    procurement(office, "2025-11", "draft", records=True)  # not for the public
    org = office.org["name"]
    person = Person(browser, live_server)
    wait = WebDriverWait(browser, 20)

    # the agency's OIT page, fiscal year 2569 through the switcher
    person.go(f"/oit/{org}")
    assert browser.find_element(By.TAG_NAME, "h1").text == "การเปิดเผยข้อมูลสาธารณะ (OIT)"
    browser.find_element(By.CSS_SELECTOR, "nav.oit-fiscal-years").find_element(By.LINK_TEXT, "2569").click()
    wait.until(lambda d: d.current_url.endswith(f"/oit/{org}/2569"))
    row = browser.find_element(By.CSS_SELECTOR, "tr[data-item=procurement-monthly-summary]").text
    assert "เผยแพร่แล้ว 1 จาก 12 ช่วง" in row and "เดือนตุลาคม 2568" in row
    assert "ยังไม่เผยแพร่" in browser.find_element(By.CSS_SELECTOR, "tr[data-item=operation-budget-plan-progress]").text

    # a Thai word, typed into the agency's search box
    box = browser.find_element(By.ID, "oit-page-q")
    box.send_keys("จัดซื้อ")
    box.submit()
    wait.until(lambda d: "/dataset" in d.current_url)
    found = browser.find_elements(By.CSS_SELECTOR, ".dataset-heading a")
    assert [a.get_attribute("href").rsplit("/", 1)[-1] for a in found] == [dataset["name"]]
    person.press(".dataset-heading a")
    wait.until(lambda d: d.current_url.endswith(dataset["name"]))
    assert "เผยแพร่แล้ว" in person.status()

    # the resource page previews the records in a table
    resource = dataset["resources"][0]
    person.press(f"a[href$='/resource/{resource['id']}']")
    wait.until(lambda d: f"/resource/{resource['id']}" in d.current_url)
    frame = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, ".resource-view iframe"))
    browser.switch_to.frame(frame)
    wait.until(lambda d: "จัดซื้อกระดาษ A4" in d.find_element(By.TAG_NAME, "body").text)
    cells = [c.text for c in browser.find_elements(By.CSS_SELECTOR, "table tbody tr td")]
    assert any("จ้างซ่อมเครื่องปรับอากาศ" in c for c in cells)
    browser.switch_to.default_content()

    # and the rows download as CSV (with a BOM, so Excel keeps the Thai)
    folder = tmp_path / "downloads"
    folder.mkdir()
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
    person.press("#oit-records-csv")
    body = _downloaded(folder)
    assert body.startswith("\ufeff".encode())
    lines = body.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 3 and "จัดซื้อกระดาษ A4" in lines[1]
