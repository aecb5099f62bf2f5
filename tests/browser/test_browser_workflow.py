"""The workflow through the web pages, in real headless Chromium (Debian's
chromium and chromium-driver), against a CKAN server started on loopback."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from ckan.tests import factories

from support.browser import PASSWORD, Person

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]


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
