"""The workflow through the web pages, in real headless Chromium (Debian's
chromium and chromium-driver), against a CKAN server started on loopback."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import Select, WebDriverWait

from ckan.tests import factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "Browser#2569"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_server(ckan_config, tmp_path):
    """`ckan run` on the test configuration, its site URL on loopback."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    ini = tmp_path / "live.ini"
    text = Path(ckan_config["__file__"]).read_text()
    ini.write_text(text.replace("ckan.site_url = http://test.ckan.net", f"ckan.site_url = {base}"))
    log = open(tmp_path / "server.log", "w")
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("ckan")), "-c", str(ini), "run",
         "--host", "127.0.0.1", "--port", str(port), "--disable-reloader"],
        stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(120):
            try:
                if requests.get(f"{base}/api/3/action/status_show", timeout=2).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.5)
        else:
            raise RuntimeError(f"CKAN did not start: {(tmp_path / 'server.log').read_text()[-2000:]}")
        yield base
    finally:
        server.terminate()
        server.wait(20)
        log.close()


@pytest.fixture
def browser(tmp_path):
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-quic", f"--user-data-dir={tmp_path / 'profile'}",
                 "--window-size=1280,1600", "--lang=th"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"),
                              options=options)
    driver.implicitly_wait(5)
    yield driver
    shots = REPO / ".run" / "browser"
    shots.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(shots / "last-page.png"))
    driver.quit()


class Person:
    def __init__(self, driver, base):
        self.driver, self.base = driver, base

    def go(self, path: str):
        self.driver.get(self.base + path)

    def login(self, name: str):
        self.driver.delete_all_cookies()
        self.go("/user/login")
        self.driver.find_element(By.ID, "field-login").send_keys(name)
        password = self.driver.find_element(By.ID, "field-password")
        password.send_keys(PASSWORD)
        password.find_element(By.XPATH, "ancestor::form//button[@type='submit']").click()
        WebDriverWait(self.driver, 15).until(lambda d: "/user/login" not in d.current_url)

    def click(self, element_id: str):
        self.press(f"#{element_id}")

    def press(self, css: str):
        """Click as a user would, once the button is there (scrolled into view first)."""
        button = WebDriverWait(self.driver, 15).until(ready.element_to_be_clickable((By.CSS_SELECTOR, css)))
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
        # a dispatched click: CKAN's sticky footer may lie over the button at the page's end
        self.driver.execute_script("arguments[0].click()", button)

    def text(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "body").text

    def status(self) -> str:
        return self.driver.find_element(By.CSS_SELECTOR, ".oit-workflow .oit-status").text


def test_staff_and_director_walk_the_workflow_in_a_browser(live_server, browser):
    staff = factories.User(name="staff_browser", password=PASSWORD)
    director = factories.User(name="director_browser", password=PASSWORD)
    factories.Organization(name="pesao-browser", title="สพป.ทดสอบเบราว์เซอร์", users=[
        {"name": staff["name"], "capacity": "editor"}, {"name": director["name"], "capacity": "admin"}])
    person = Person(browser, live_server)

    # staff prepares the monthly procurement summary through the form
    person.login("staff_browser")
    person.go("/oit-procurement/new")
    Select(browser.find_element(By.ID, "field-item_key")).select_by_value("procurement-monthly-summary")
    browser.find_element(By.ID, "field-fiscal_year").send_keys("๒๕๖๙")
    browser.find_element(By.ID, "field-period").send_keys("ต.ค. 2568")
    person.press("button[name=save]")
    # the resource stage: a link to the signed document
    WebDriverWait(browser, 15).until(lambda d: "/resource/new" in d.current_url)
    browser.execute_script(
        "var u = document.getElementById('field-resource-url'); u.value = arguments[0];"
        "u.dispatchEvent(new Event('change'));", "http://example.go.th/sor-kor-ror-1.pdf")
    browser.find_element(By.ID, "field-name").send_keys("แบบ สขร.1 ตุลาคม 2568")
    person.press("button[name=save][value=go-metadata]")
    WebDriverWait(browser, 15).until(lambda d: "/resource/new" not in d.current_url)
    assert person.status() == "ฉบับร่าง"
    dataset_path = "/" + browser.current_url.split("/", 3)[3]
    person.click("oit-submit")
    assert person.status() == "รออนุมัติ"

    # the director finds it waiting and returns it with a reason
    person.login("director_browser")
    person.go("/oit/approvals")
    browser.find_element(By.PARTIAL_LINK_TEXT, "สรุปผลการจัดซื้อจัดจ้าง").click()
    browser.find_element(By.ID, "oit-comment-return").send_keys("แนบไฟล์ที่ลงนามแล้ว")
    person.click("oit-return")
    assert person.status() == "ส่งกลับแก้ไข"

    # staff sees it returned, fixes it and submits again
    person.login("staff_browser")
    person.go("/oit/returned")
    browser.find_element(By.PARTIAL_LINK_TEXT, "สรุปผลการจัดซื้อจัดจ้าง").click()
    assert "แนบไฟล์ที่ลงนามแล้ว" in person.text()  # the reason, in the approval history
    person.go(dataset_path.replace("/oit-procurement/", "/oit-procurement/edit/"))
    notes = browser.find_element(By.ID, "field-notes")
    notes.clear()
    notes.send_keys("แนบฉบับลงนามแล้ว")
    person.press("button[name=save]")
    WebDriverWait(browser, 15).until(lambda d: "/edit/" not in d.current_url)
    assert person.status() == "ฉบับร่าง"
    person.click("oit-submit")

    # the director approves; the public sees it
    person.login("director_browser")
    person.go(dataset_path)
    person.click("oit-approve")
    assert person.status() == "เผยแพร่แล้ว"

    browser.delete_all_cookies()
    person.go(dataset_path)
    assert "แนบฉบับลงนามแล้ว" in person.text()
    assert person.status() == "เผยแพร่แล้ว"
    assert not browser.find_elements(By.CSS_SELECTOR, ".oit-transition")
