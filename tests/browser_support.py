"""Browser-test support: a live `ckan run` on the test configuration and
headless Chromium (Debian's chromium and chromium-driver) driven by Selenium.
Test modules import the fixtures: ``from browser_support import Person, browser, live_server``."""
from __future__ import annotations

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
from selenium.webdriver.support.ui import WebDriverWait

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "Browser#2569"  # of the users the browser tests create


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
        posts = self.driver.execute_script(
            "var f = arguments[0].form; return !!f && arguments[0].type === 'submit'"
            " && (f.getAttribute('method') || '').toLowerCase() === 'post'", button)
        page = self.driver.find_element(By.TAG_NAME, "html")
        # a dispatched click: CKAN's sticky footer may lie over the button at the page's end
        self.driver.execute_script("arguments[0].click()", button)
        if posts:  # the answer is in (and its session cookie set) before the next step reads or logs out
            WebDriverWait(self.driver, 15).until(ready.staleness_of(page))
            WebDriverWait(self.driver, 15).until(
                lambda d: d.execute_script("return document.readyState") == "complete")

    def text(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "body").text

    def status(self) -> str:
        return self.driver.find_element(By.CSS_SELECTOR, ".oit-workflow .oit-status").text
