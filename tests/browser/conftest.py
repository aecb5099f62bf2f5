"""Browser tests: a live `ckan run` on the test configuration and headless
Chromium (Debian's chromium and chromium-driver) driven by Selenium. Every test
module here has the marker ``browser`` (``-m "not browser"`` leaves them out)."""
from __future__ import annotations

import shutil

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from support import REPO


@pytest.fixture(autouse=True)
def no_pictures(monkeypatch):
    """People and organisations without a picture, as the portal makes them: CKAN's
    factories give each an address on the internet, which this machine cannot reach
    (the pages would show broken images)."""
    from ckan.tests import factories

    for made in (factories.User, factories.Sysadmin, factories.Organization, factories.Group):
        declaration = made._meta.pre_declarations.as_dict().get("image_url")
        if declaration is not None:
            monkeypatch.setattr(declaration, "function", str)


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
