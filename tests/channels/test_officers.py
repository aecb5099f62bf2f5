"""Complaint officers: the admins' page proposing and confirming them, and the
e-mail each officer gets when a complaint arrives, through CKAN's job queue and mailer to a
real SMTP server. The mail names no one and quotes nothing of the complaint."""
from __future__ import annotations

import datetime

import pytest
from bs4 import BeautifulSoup

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import thai_calendar
from ckanext.oit.channels.model import Complaint
from support.channels import (
    CATEGORY, DESCRIPTION, add_deputy, csrf, file_complaint, only_complaint, pdf, token_of,
)
from support.jobs import queued_jobs, run_jobs

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "mail_queue")

NAME, EMAIL, PHONE, PLACE = "นายแจ้ง ความจริง", "jang@example.com", "0812345678", "โรงเรียนบ้านตัวอย่าง"


def officers_of(people) -> set[str]:
    return {o["user"] for o in people.act("sysadmin", "oit_complaint_officer_list", organization=people.org["name"])}


def headers(people, role) -> dict[str, str]:
    return {"Authorization": token_of(people.users[role])} if people.users[role] else {}


def admin_as_officer(people) -> dict:
    """The admin proposes himself and a second admin confirms (two people)."""
    admin = people.users["admin"]
    people.act("admin", "oit_complaint_officer_add", organization=people.org["name"], user=admin["name"])
    add_deputy(people)
    people.act("deputy", "oit_complaint_officer_confirm", organization=people.org["name"], user=admin["name"])
    return admin


def drain(mailbox) -> None:
    """Deliver the notices queued so far (the designations') and forget them."""
    run_jobs()
    mailbox.mails.clear()


# --- the mail ---------------------------------------------------------------------

def test_each_officer_is_mailed_of_a_new_complaint_and_nothing_personal(people, mailbox):
    admin = admin_as_officer(people)
    drain(mailbox)
    created = file_complaint(people.org, attachments=[pdf()], name=NAME, email=EMAIL, phone=PHONE)
    complaint_id = only_complaint().id
    secrets = (DESCRIPTION, NAME, EMAIL, PHONE, PLACE, "evidence.pdf", created["tracking_code"])

    jobs = queued_jobs()
    assert {job.func_name for job in jobs} == {"ckanext.oit.notifications.jobs.send_mail"}
    for job in jobs:  # what Redis holds carries nothing of the complaint either
        assert not any(secret in repr(job.kwargs) for secret in secrets)
    run_jobs()

    # the designated officers, and only they: not the editor, the member, the other admin,
    # another organisation's admin
    assert sorted(to for mail in mailbox.mails for to in mail.to) == sorted(
        [admin["email"], people.users["officer"]["email"]])
    mail = mailbox.mails[0]
    text = mail.subject + "\n" + mail.body
    assert mail.message["X-OIT-Event"] == "complaint_received"
    assert mail.message["Auto-Submitted"] == "auto-generated"
    assert people.org["title"] in mail.subject
    today = messages_today()
    assert f"วันที่รับเรื่อง: {thai_calendar.format_date(today, 'long', 'th')}" in mail.body
    assert str(thai_calendar.be_year(today.year)) in mail.body
    assert f"ประเภท: {CATEGORY}" in mail.body
    assert f"http://test.ckan.net/oit/complaints/{complaint_id}" in mail.body
    for secret in secrets:
        assert secret not in text, secret


def messages_today() -> datetime.date:
    from ckanext.oit.notifications import messages

    return messages.event_time().date()


def test_no_mail_to_the_officer_who_recorded_it_nor_to_one_who_left(people, mailbox):
    admin = admin_as_officer(people)
    drain(mailbox)
    # the officer records a complaint received by telephone: the other officer is told
    people.act("officer", "oit_complaint_create", organization=people.org["name"], category=CATEGORY,
               description="รับทางโทรศัพท์", channel="โทรศัพท์", privacy_accepted="true")
    run_jobs()
    assert [mail.to for mail in mailbox.mails] == [[admin["email"]]]
    # an officer who left the organisation is no longer told
    tk.get_action("organization_member_delete")({"ignore_auth": True, "user": people.users["sysadmin"]["name"]}, {
        "id": people.org["id"], "username": admin["name"]})
    drain(mailbox)  # the notice that his designation lapsed
    file_complaint(people.org)
    run_jobs()
    assert [mail.to for mail in mailbox.mails] == [[people.users["officer"]["email"]]]


def test_a_complaint_to_an_organisation_without_officers_is_kept_unmailed(people, mailbox):
    people.act("admin", "oit_complaint_officer_remove", organization=people.org["name"],
               user=people.users["officer"]["name"])
    run_jobs()  # the removed officer is told of the removal, and is the last one told anything
    assert [(m.to, m.message["X-OIT-Event"]) for m in mailbox.mails] == [
        ([people.users["officer"]["email"]], "officer_remove")]
    mailbox.mails.clear()
    created = file_complaint(people.org)
    assert created["tracking_code"] and model.Session.query(Complaint).count() == 1
    assert queued_jobs() == []
    run_jobs()
    assert mailbox.mails == []


# --- the officers' page -------------------------------------------------------------

def test_admins_designate_and_remove_officers_on_the_page(people, app):
    org = people.org["name"]
    url = f"/oit/{org}/complaints/officers"
    editor, officer = people.users["editor"]["name"], people.users["officer"]["name"]
    page = app.get(url, headers=headers(people, "admin"))
    assert page.status_code == 200
    soup = BeautifulSoup(page.body, "html.parser")
    assert [row["data-user"] for row in soup.select(".oit-complaint-officers tr[data-user]")] == [officer]
    candidates = [o["value"] for o in soup.select("#field-officer-user option")]
    assert editor in candidates and officer not in candidates
    assert people.users["other_admin"]["name"] not in candidates   # only members may be designated

    assert people.users["member"]["name"] not in candidates        # a member cannot hold it

    # the admin proposes; the editor reads nothing until a second admin confirms on the page
    done = app.post(url, data={"decision": "add", "user": editor}, headers=headers(people, "admin"),
                    follow_redirects=False)
    assert done.status_code == 302 and officers_of(people) == {officer}
    soup = BeautifulSoup(app.get(url, headers=headers(people, "admin")).body, "html.parser")
    assert [row["data-user"] for row in soup.select(".oit-officer-proposals tr[data-user]")] == [editor]
    assert soup.select(f"#oit-officer-confirm-{editor}") == []  # not for the proposer
    assert app.post(url, data={"decision": "confirm", "user": editor},
                    headers=headers(people, "admin")).status_code == 403
    assert officers_of(people) == {officer}
    add_deputy(people)
    soup = BeautifulSoup(app.get(url, headers=headers(people, "deputy")).body, "html.parser")
    assert soup.select_one(f"#oit-officer-confirm-{editor}")["value"] == "confirm"
    done = app.post(url, data={"decision": "confirm", "user": editor}, headers=headers(people, "deputy"),
                    follow_redirects=False)
    assert done.status_code == 302 and officers_of(people) == {editor, officer}
    done = app.post(url, data={"decision": "remove", "user": officer}, headers=headers(people, "admin"),
                    follow_redirects=False)
    assert done.status_code == 302 and officers_of(people) == {editor}
    # a non-member is refused with the reason, nothing changes
    refused = app.post(url, data={"decision": "add", "user": people.users["other_admin"]["name"]},
                       headers=headers(people, "admin"))
    assert "ผู้ใช้ต้องเป็นสมาชิกของหน่วยงานก่อน" in refused.body and officers_of(people) == {editor}
    # sysadmins manage it too
    assert app.get(url, headers=headers(people, "sysadmin")).status_code == 200


@pytest.mark.parametrize("role", ["anonymous", "member", "editor", "officer", "other_admin"])
def test_only_admins_reach_the_officers_page(people, app, role):
    org = people.org["name"]
    url = f"/oit/{org}/complaints/officers"
    before = officers_of(people)
    assert app.get(url, headers=headers(people, role)).status_code == 403
    data = {"decision": "add", "user": people.users["member"]["name"]}
    browser = app.test_client()
    if role == "anonymous":  # a browser session with its CSRF token, so the refusal is the view's
        data["_csrf_token"] = csrf(browser, f"/oit/{org}/complaints/new")
    assert browser.post(url, data=data, headers=headers(people, role)).status_code == 403
    data.update(decision="remove", user=people.users["officer"]["name"])
    assert browser.post(url, data=data, headers=headers(people, role)).status_code == 403
    assert officers_of(people) == before


def test_the_officers_page_is_linked_for_admins_only(people, app):
    org = people.org["name"]
    officers_url = f"/oit/{org}/complaints/officers"
    list_url = f"/oit/{org}/complaints"
    # the organisation's tabs: admins see the designation, officers their complaints
    admin_tabs = app.get(f"/organization/{org}", headers=headers(people, "admin")).body
    assert officers_url in admin_tabs and f'href="{list_url}"' not in admin_tabs
    officer_tabs = app.get(f"/organization/{org}", headers=headers(people, "officer")).body
    assert f'href="{list_url}"' in officer_tabs and officers_url not in officer_tabs
    for role in ("anonymous", "editor", "other_admin"):
        body = app.get(f"/organization/{org}", headers=headers(people, role)).body
        assert officers_url not in body and f'href="{list_url}"' not in body, role
    # the complaint list: the link shows for an officer who is also an admin, not for the others
    admin_as_officer(people)
    assert officers_url in app.get(list_url, headers=headers(people, "admin")).body
    assert officers_url not in app.get(list_url, headers=headers(people, "officer")).body
    assert list_url in app.get(officers_url, headers=headers(people, "admin")).body
