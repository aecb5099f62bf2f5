"""The complaint channel in real headless Chromium: an anonymous person files a
complaint with evidence, keeps the tracking code, and reads the status with it."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from ckan import model
from ckan.tests import factories

from support.browser import PASSWORD, Person
from ckanext.oit.channels import abuse
from ckanext.oit.channels.model import Complaint, ComplaintAttachment

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_a_complaint_with_evidence_and_its_status_by_tracking_code(live_server, browser, tmp_path):
    abuse.reset_rate_limits()
    factories.Organization(name="pesao-channels", title="สพป.ทดสอบช่องทาง")
    evidence = tmp_path / "หลักฐาน.pdf"
    evidence.write_bytes(PDF)
    person = Person(browser, live_server)

    person.go("/oit/pesao-channels/complaints/new")
    assert "ประกาศความเป็นส่วนตัว" in person.text()
    Select(browser.find_element(By.ID, "field-category")).select_by_value("การเรียกรับสินบนหรือผลประโยชน์")
    browser.find_element(By.ID, "field-description").send_keys("มีการเรียกรับเงินเพื่อเร่งอนุมัติเบิกจ่าย")
    browser.find_element(By.ID, "field-incident_date").send_keys("๑๕/๑๐/๒๕๖๘")
    browser.find_element(By.ID, "field-attachments").send_keys(str(evidence))
    person.press("#field-anonymous")
    person.press("#field-privacy_accepted")
    person.click("oit-complaint-send")
    code = WebDriverWait(browser, 15).until(lambda d: d.find_element(By.ID, "oit-tracking-code")).text.strip()
    assert len(code) == 23 and code.count("-") == 3
    complaint = model.Session.query(Complaint).one()
    assert complaint.anonymous and complaint.name is None
    assert model.Session.query(ComplaintAttachment).one().filename == "หลักฐาน.pdf"

    # later, the complainant follows it with the code alone
    browser.delete_all_cookies()
    person.go("/oit/complaints/status")
    browser.find_element(By.ID, "field-tracking_code").send_keys(code.lower())
    person.click("oit-status-check")
    status = WebDriverWait(browser, 15).until(lambda d: d.find_element(By.CSS_SELECTOR, ".oit-complaint-status .oit-status"))
    assert status.text == "รับเรื่องแล้ว"
    assert "เรียกรับเงิน" not in person.text()          # the status page never shows the matter
    # and in English
    person.go("/en/oit/complaints/status")
    browser.find_element(By.ID, "field-tracking_code").send_keys(code)
    person.click("oit-status-check")
    status = WebDriverWait(browser, 15).until(lambda d: d.find_element(By.CSS_SELECTOR, ".oit-complaint-status .oit-status"))
    assert status.text == "Received"


def test_an_admin_proposes_a_second_confirms_and_the_officer_moves_a_complaint(live_server, browser):
    import ckan.plugins.toolkit as tk

    abuse.reset_rate_limits()
    admin = factories.User(name="director_channels", password=PASSWORD)
    deputy = factories.User(name="deputy_channels", password=PASSWORD)
    staff = factories.User(name="staff_channels", fullname="นางสาวรับเรื่อง ตั้งใจ", password=PASSWORD)
    factories.Organization(name="pesao-officers", title="สพป.ทดสอบเจ้าหน้าที่", users=[
        {"name": admin["name"], "capacity": "admin"}, {"name": deputy["name"], "capacity": "admin"},
        {"name": staff["name"], "capacity": "editor"}])
    tk.get_action("oit_complaint_create")({"user": ""}, {
        "organization": "pesao-officers", "category": "การเรียกรับสินบนหรือผลประโยชน์",
        "description": "มีการเรียกรับเงินเพื่อเร่งอนุมัติเบิกจ่าย", "privacy_accepted": "true"})
    person = Person(browser, live_server)

    # the director finds the designation among the organisation's tabs
    person.login("director_channels")
    person.go("/organization/pesao-officers")
    person.press("a[href$='/oit/pesao-officers/complaints/officers']")
    WebDriverWait(browser, 15).until(lambda d: d.current_url.endswith("/complaints/officers"))
    Select(browser.find_element(By.ID, "field-officer-user")).select_by_value("staff_channels")
    person.click("oit-officer-add")
    # a proposal until a second admin confirms it
    WebDriverWait(browser, 15).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".oit-officer-proposals tr[data-user='staff_channels']"))
    assert not browser.find_elements(By.ID, "oit-officer-confirm-staff_channels")
    person.login("deputy_channels")
    person.go("/oit/pesao-officers/complaints/officers")
    person.click("oit-officer-confirm-staff_channels")
    WebDriverWait(browser, 15).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".oit-complaint-officers tr[data-user='staff_channels']"))

    # the officer opens the complaint from the list, moves it on, and reads its history
    person.login("staff_channels")
    person.go("/oit/pesao-officers/complaints")
    person.press(".oit-complaints tbody a")
    WebDriverWait(browser, 15).until(lambda d: d.find_elements(By.ID, "field-status"))
    Select(browser.find_element(By.ID, "field-status")).select_by_value("in_progress")
    person.click("oit-complaint-save")
    WebDriverWait(browser, 15).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".oit-complaint-history tbody tr")) == 2)
    rows = browser.find_elements(By.CSS_SELECTOR, ".oit-complaint-history tbody tr")
    assert "นางสาวรับเรื่อง ตั้งใจ" in rows[1].text
    assert "รับเรื่องแล้ว → อยู่ระหว่างดำเนินการ" in rows[1].text
    assert model.Session.query(Complaint).one().status == "in_progress"
