"""Full-page PNGs of the portal's main pages, its public two-way channels (Q&A,
feedback, the complaint form and status lookup) and the working pages of staff and
director (my work, the new-dataset chooser, approvals, the ITAS sheet) in Thai and
English, for review.

    .venv/bin/python scripts/screenshots.py [--ini ckan.ini] [--out .run/screenshots]

Run by `make screenshots` after the set-up, the database and the demo agency
with its sample content (`ckan oit-demo --samples`). Uses the portal on
http://127.0.0.1:$OIT_CKAN_PORT when one
answers (`make run`); otherwise starts `ckan run` there in the background and
stops it at the end. The backing services stay up, as after `make run`
(`make stop` ends them).
"""
from __future__ import annotations

import argparse
import base64
import datetime
import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import requests
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

REPO = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
PORT = int(os.environ.get("OIT_CKAN_PORT", "5000"))
BASE = f"http://{HOST}:{PORT}"
WIDTH = 1280



def say(text: str) -> None:
    print(f"[oit] {text}", file=sys.stderr, flush=True)


def portal_up() -> bool:
    try:
        return requests.get(f"{BASE}/api/3/action/status_show", timeout=3).ok
    except requests.RequestException:
        return False


@contextmanager
def portal(ini: Path):
    """The running portal, or one of ours for the time of the screenshots."""
    if portal_up():
        say(f"using the portal that runs on {BASE}")
        yield
        return
    log_path = REPO / ".run" / "log" / "screenshots-portal.log"
    say(f"starting a portal on {BASE} for the screenshots (log: {log_path})")
    with open(log_path, "w") as log:
        server = subprocess.Popen([str(Path(sys.executable).with_name("ckan")), "-c", str(ini), "run",
                                   "--host", HOST, "--port", str(PORT), "--disable-reloader"],
                                  stdout=log, stderr=subprocess.STDOUT, cwd=REPO)
        try:
            for _ in range(120):
                if portal_up():
                    break
                if server.poll() is not None:
                    sys.exit(f"the portal stopped at once; see {log_path}")
                time.sleep(0.5)
            else:
                sys.exit(f"the portal did not answer on {BASE}; see {log_path}")
            yield
        finally:
            server.terminate()
            server.wait(20)
            say("stopped the portal started for the screenshots")


def pages(dataset: dict | None) -> list[tuple[str, str, str | None]]:
    """(file name, path, who is signed in)."""
    from ckanext.oit_demo import agency as demo

    org = demo.ORGANIZATION["name"]
    listed = [("01-home", "/", None), ("02-search", "/dataset/?q=จัดซื้อ", None)]
    if dataset:
        path = f"/{dataset['type']}/{dataset['name']}"
        listed.append(("03-dataset", path, None))
        if dataset["resources"]:
            listed.append(("04-resource", f"{path}/resource/{dataset['resources'][0]['id']}", None))
    listed += [
        ("05-organisation", f"/organization/{org}", None),
        ("06-oit-page", f"/oit/{org}", None),
        ("07-login", "/user/login", None),
        ("08-dashboard-staff", "/dashboard/datasets", "staff"),
        ("09-compliance-director", f"/organization/{org}/oit-compliance", "director"),
        ("10-approvals-director", "/oit/approvals", "director"),
        # the public two-way channels
        ("11-questions", f"/oit/{org}/questions", None),
        ("12-feedback", f"/oit/{org}/feedback", None),
        ("13-complaint-form", f"/oit/{org}/complaints/new", None),
        ("14-complaint-status", "/oit/complaints/status", None),
        # each role's start page after login, the way in to a new dataset, the ITAS sheet
        ("15-my-work-staff", "/oit/my-work", "staff"),
        ("16-new-dataset-staff", "/oit/my-work/new", "staff"),
        ("17-my-work-director", "/oit/my-work", "director"),
        ("18-itas-director", f"/oit/{org}/{fiscal_year_now()}/itas.html", "director"),
    ]
    return listed


def fiscal_year_now() -> int:
    from ckanext.oit import thai_calendar

    return thai_calendar.fiscal_year_of(datetime.date.today())


def first_dataset() -> dict | None:
    from ckanext.oit_demo import agency as demo

    found = requests.get(f"{BASE}/api/3/action/package_search", timeout=30, params={
        "fq": f"organization:{demo.ORGANIZATION['name']}", "rows": 1, "sort": "metadata_modified desc"}).json()
    results = found["result"]["results"]
    return results[0] if results else None


def chromium(profile: str) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--hide-scrollbars", f"--user-data-dir={profile}",
                 f"--window-size={WIDTH},900", "--lang=th"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"),
                              options=options)
    driver.set_page_load_timeout(60)
    return driver


def sign_in(driver, name: str, password: str) -> None:
    driver.delete_all_cookies()
    driver.get(f"{BASE}/user/login")
    driver.find_element(By.ID, "field-login").send_keys(name)
    field = driver.find_element(By.ID, "field-password")
    field.send_keys(password)
    field.find_element(By.XPATH, "ancestor::form//button[@type='submit']").click()
    WebDriverWait(driver, 30).until(lambda d: "/user/login" not in d.current_url)


def full_page_png(driver, path: Path) -> None:
    """The whole page, beyond the window: Chrome's DevTools capture."""
    time.sleep(1)  # let previews and fonts settle
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True, "fromSurface": True,
        "clip": {"x": 0, "y": 0, "width": WIDTH, "height": max(size["height"], 600), "scale": 1}})
    path.write_bytes(base64.b64decode(shot["data"]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ini", default=str(REPO / "ckan.ini"))
    parser.add_argument("--out", default=str(REPO / ".run" / "screenshots"))
    args = parser.parse_args()
    ini, out = Path(args.ini).resolve(), Path(args.out)
    from ckanext.oit_demo import agency as demo

    passwords = {name: password for name, password, _role in demo.credentials()}
    written = []
    with portal(ini), tempfile.TemporaryDirectory() as profile:
        dataset = first_dataset()
        driver = chromium(profile)
        try:
            for lang, prefix in (("th", ""), ("en", "/en")):
                (out / lang).mkdir(parents=True, exist_ok=True)
                driver.delete_all_cookies()
                signed_in = None
                for name, path, who in pages(dataset):
                    if who != signed_in:
                        if who:
                            sign_in(driver, who, passwords[who])
                        else:
                            driver.delete_all_cookies()
                        signed_in = who
                    driver.get(BASE + prefix + path)
                    target = out / lang / f"{name}.png"
                    full_page_png(driver, target)
                    written.append(target)
                    print(target)
        finally:
            driver.quit()
    say(f"{len(written)} screenshots in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
