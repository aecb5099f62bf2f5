"""Accessibility: axe-core (tests/a11y, pinned in its package-lock.json) run
in headless Chromium on the main pages, in Thai and English, against the WCAG
2.1 A and AA rules. A serious or critical violation fails the test."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
import requests
from selenium.webdriver.support.ui import WebDriverWait
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from browser_support import PASSWORD, Person, browser, live_server  # noqa: F401  (fixtures)
from test_notifications import run_jobs
from test_records import HEADER, ROWS, csv_bytes

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues")

AXE = Path(__file__).parent / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")

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
    for frame in driver.find_elements("css selector", "iframe"):
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


def test_main_pages_have_no_serious_or_critical_wcag_violation(live_server, browser):
    assert AXE.is_file(), f"{AXE} is missing: run `bash scripts/node.sh` (make setup does)"
    source = AXE.read_text()
    editor = factories.User(name="staff_a11y", fullname="เจ้าหน้าที่ทดสอบ", password=PASSWORD)
    director = factories.User(name="director_a11y", fullname="ผู้อำนวยการทดสอบ", password=PASSWORD)
    org = factories.Organization(name="pesao-a11y", title="สพป.ทดสอบการเข้าถึง", users=[
        {"name": editor["name"], "capacity": "editor"}, {"name": director["name"], "capacity": "admin"}])
    dataset, resource = published_dataset_with_records(editor["name"], director["name"], org)
    dataset_path = f"/{dataset['type']}/{dataset['name']}"

    public = {
        "home": "/",
        "search": "/dataset/?q=จัดซื้อ",
        "dataset": dataset_path,
        "resource": f"{dataset_path}/resource/{resource['id']}",
        "organisation": f"/organization/{org['name']}",
        "OIT page": f"/oit/{org['name']}",
        "login": "/user/login",
    }
    signed_in = {
        "dashboard": "/dashboard/datasets",
        "compliance dashboard": f"/organization/{org['name']}/oit-compliance",
        "dataset (director)": dataset_path,
    }
    person = Person(browser, live_server)
    found: dict[str, dict] = {}
    for prefix, lang in (("", "th"), ("/en", "en")):
        browser.delete_all_cookies()
        for label, path in public.items():
            assert requests.get(live_server + prefix + path, timeout=30).status_code == 200, prefix + path
            person.go(prefix + path)
            if label == "search":  # checked with a result on it
                assert browser.find_elements("css selector", f"a[href$='{dataset_path}']"), "no search result"
            if label == "resource":  # and with the record preview drawn
                wait_for_preview(browser)
            found[f"{label} {lang}: {prefix}{path}"] = dict(axe_run(browser, source), want=lang)
        person.login(director["name"])
        for label, path in signed_in.items():
            person.go(prefix + path)
            assert "/user/login" not in browser.current_url
            found[f"{label} {lang}: {prefix}{path}"] = dict(axe_run(browser, source), want=lang)

    assert len(found) == 2 * (len(public) + len(signed_in))
    for page, result in found.items():
        assert result["passes"] > 10, f"axe checked next to nothing on {page}"
        assert result["lang"] == result["want"], f"{page} has lang={result['lang']!r}"
    blocking = [f"{page}: {v['id']} ({v['impact']}, {v['count']}x) {v['help']} at {v['targets']}"
                for page, result in found.items() for v in result["violations"] if v["impact"] in BLOCKING]
    assert not blocking, "axe-core WCAG 2.1 AA violations:\n" + "\n".join(blocking)
