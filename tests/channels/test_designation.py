"""The two-person rule of complaint officers (issue 12, hole 5): an admin only
proposes, a different admin (or a sysadmin) confirms, nobody confirms their
own proposal or designation, every step is an audit event and a mail to the
officers, and a designation lapses for good when its holder leaves. Through
the Action API over HTTP as each user, and through the officers' page."""
from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import audit
from ckanext.oit.channels import officers
from ckanext.oit.channels.model import ComplaintOfficer
from support.channels import add_deputy, file_complaint, token_of
from support.jobs import run_jobs

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "mail_queue")

COMPLAINANT = ("นายแจ้ง ความจริง", "jang@example.com", "0812345678")


def api(app, people, who, action, status=200, **data):
    """One Action API call over HTTP with the user's API token."""
    user = people.users[who]
    response = app.post(f"/api/3/action/{action}", json=data, status=status,
                        headers={"Authorization": token_of(user)} if user else {})
    body = json.loads(response.body)
    return body["result"] if status == 200 else body["error"]


def reads_complaints(app, people, role) -> bool:
    """Whether the user reads the complaint list, by the API and by the page (both must agree)."""
    org = people.org["name"]
    by_api = app.get(f"/api/3/action/oit_complaint_list?organization={org}",
                     headers={"Authorization": token_of(people.users[role])})
    page = app.get(f"/oit/{org}/complaints", headers={"Authorization": token_of(people.users[role])})
    assert (by_api.status_code == 200) == (page.status_code == 200), (by_api.status_code, page.status_code)
    assert by_api.status_code in (200, 403) and page.status_code in (200, 403)
    return by_api.status_code == 200


def officer_events(people) -> list[dict]:
    model.Session.expire_all()
    return [audit.event_dict(e) for e in audit.events(owner_org=people.org["id"])
            if e.action.startswith("officer_")]


def sent(mailbox) -> list[tuple[str, str]]:
    """(recipient, event) of every mail delivered since the last look; then forget them."""
    run_jobs()
    found = sorted((to, mail.message["X-OIT-Event"]) for mail in mailbox.mails for to in mail.to)
    mailbox.mails.clear()
    return found


def email(people, role) -> str:
    return people.users[role]["email"]


def test_an_admin_proposing_himself_reads_nothing_until_a_second_admin_confirms(people, app, mailbox):
    org, admin = people.org["name"], people.users["admin"]["name"]
    deputy = add_deputy(people)["name"]
    file_complaint(people.org, name=COMPLAINANT[0], email=COMPLAINANT[1], phone=COMPLAINANT[2])
    sent(mailbox)

    confirmed = api(app, people, "admin", "oit_complaint_officer_add", organization=org, user=admin)
    assert [o["user"] for o in confirmed] == [people.users["officer"]["name"]]
    proposals = api(app, people, "admin", "oit_complaint_officer_list", organization=org, state="proposed")
    assert [(p["user"], p["state"], p["proposed_by"]) for p in proposals] == [(admin, "proposed", admin)]
    assert not reads_complaints(app, people, "admin")
    # the existing officer and the admin who may confirm are told; the proposer is not
    assert sent(mailbox) == sorted([(email(people, "officer"), "officer_propose"),
                                    (email(people, "deputy"), "officer_propose")])
    events = officer_events(people)   # the fixture's officer was designated by the sysadmin
    assert [e["action"] for e in events] == ["officer_designate", "officer_propose"]
    event = events[-1]
    assert (event["action"], event["package_id"], event["owner_org"], event["actor_name"]) == (
        "officer_propose", None, people.org["id"], admin)
    assert event["before"] is None
    assert event["after"] == {"user": admin, "state": "proposed", "proposed_by": admin}

    # he cannot confirm himself: not through the API, not through the page
    error = api(app, people, "admin", "oit_complaint_officer_confirm", status=403, organization=org, user=admin)
    assert "ยืนยันการแต่งตั้งตนเองไม่ได้" in error["message"]
    url = f"/oit/{org}/complaints/officers"
    page = BeautifulSoup(app.get(url, headers={"Authorization": token_of(people.users["admin"])}).body, "html.parser")
    assert [r["data-user"] for r in page.select(".oit-officer-proposals tr[data-user]")] == [admin]
    assert page.select(f"#oit-officer-confirm-{admin}") == []
    assert app.post(url, data={"decision": "confirm", "user": admin},
                    headers={"Authorization": token_of(people.users["admin"])}).status_code == 403
    assert not reads_complaints(app, people, "admin")
    assert len(officer_events(people)) == 2 and sent(mailbox) == []

    # the second admin confirms: now he reads complaints, with the complainant's details
    confirmed = api(app, people, "deputy", "oit_complaint_officer_confirm", organization=org, user=admin)
    assert {o["user"] for o in confirmed} == {admin, people.users["officer"]["name"]}
    assert reads_complaints(app, people, "admin")
    complaint_id = api(app, people, "admin", "oit_complaint_list", organization=org)["results"][0]["id"]
    assert api(app, people, "admin", "oit_complaint_show", id=complaint_id)["email"] == COMPLAINANT[1]
    assert sent(mailbox) == sorted([(email(people, "officer"), "officer_confirm"),
                                    (email(people, "admin"), "officer_confirm")])
    event = officer_events(people)[-1]
    assert (event["action"], event["actor_name"]) == ("officer_confirm", deputy)
    assert event["before"] == {"user": admin, "state": "proposed", "proposed_by": admin}
    assert event["after"] == {"user": admin, "state": "confirmed", "proposed_by": admin, "confirmed_by": deputy}
    # the trail names people, never the complainant
    trail = json.dumps(officer_events(people), ensure_ascii=False)
    assert not any(secret in trail for secret in COMPLAINANT)


def test_nobody_confirms_their_own_proposal_nor_a_non_admin_anyone(people, app, mailbox):
    org, editor = people.org["name"], people.users["editor"]["name"]
    add_deputy(people)
    api(app, people, "admin", "oit_complaint_officer_add", organization=org, user=editor)
    error = api(app, people, "admin", "oit_complaint_officer_confirm", status=403, organization=org, user=editor)
    assert "ผู้เสนอยืนยันคำเสนอของตนเองไม่ได้" in error["message"]
    for role in ("editor", "officer", "member", "other_admin"):  # the proposed person, non-admins, outsiders
        api(app, people, role, "oit_complaint_officer_confirm", status=403, organization=org, user=editor)
    assert not reads_complaints(app, people, "editor")
    assert [e["action"] for e in officer_events(people)] == ["officer_designate", "officer_propose"]
    # a second proposal by the deputy changes nothing, and the deputy may still confirm
    api(app, people, "deputy", "oit_complaint_officer_add", organization=org, user=editor)
    assert [e["action"] for e in officer_events(people)] == ["officer_designate", "officer_propose"]
    api(app, people, "deputy", "oit_complaint_officer_confirm", organization=org, user=editor)
    assert reads_complaints(app, people, "editor")


def test_a_sysadmin_cannot_confirm_his_own_designation_either(people):
    org, sysadmin = people.org, people.users["sysadmin"]
    tk.get_action("organization_member_create")({"ignore_auth": True}, {
        "id": org["id"], "username": sysadmin["name"], "role": "editor"})
    people.act("sysadmin", "oit_complaint_officer_add", organization=org["name"], user=sysadmin["name"])
    row = model.Session.get(ComplaintOfficer, (org["id"], sysadmin["id"]))
    assert row is not None and row.confirmed_at is None          # his own: a proposal only
    with pytest.raises(tk.NotAuthorized):
        people.act("sysadmin", "oit_complaint_officer_confirm", organization=org["name"], user=sysadmin["name"])
    assert not officers.is_officer(sysadmin["name"], org["id"])


def test_a_sysadmin_designates_directly(people, app, mailbox):
    org, editor = people.org["name"], people.users["editor"]["name"]
    assert not reads_complaints(app, people, "editor")
    confirmed = api(app, people, "sysadmin", "oit_complaint_officer_add", organization=org, user=editor)
    assert {o["user"] for o in confirmed} == {editor, people.users["officer"]["name"]}
    assert reads_complaints(app, people, "editor")
    sysadmin = people.users["sysadmin"]["name"]
    event = officer_events(people)[-1]
    assert (event["action"], event["actor_name"], event["owner_org"], event["package_id"]) == (
        "officer_designate", sysadmin, people.org["id"], None)
    assert event["after"] == {"user": editor, "state": "confirmed", "proposed_by": sysadmin, "confirmed_by": sysadmin}
    mails = sent(mailbox)
    assert mails == sorted([(email(people, "officer"), "officer_designate"), (email(people, "editor"), "officer_designate")])


def test_the_notice_names_the_people_and_nothing_of_any_complaint(people, mailbox):
    file_complaint(people.org, name=COMPLAINANT[0], email=COMPLAINANT[1], phone=COMPLAINANT[2])
    run_jobs()
    mailbox.mails.clear()
    people.act("sysadmin", "oit_complaint_officer_add", organization=people.org["name"],
               user=people.users["editor"]["name"])
    run_jobs()
    mail = next(m for m in mailbox.mails if m.to == [email(people, "officer")])
    assert mail.message["X-OIT-Event"] == "officer_designate"
    assert mail.subject == f"[OIT] แต่งตั้งเจ้าหน้าที่รับเรื่องร้องเรียน / Complaint officer designated: {people.org['title']}"
    assert f"แต่งตั้ง {people.users['editor']['fullname']} ({people.users['editor']['name']})" in mail.body
    assert f"http://test.ckan.net/oit/{people.org['name']}/complaints/officers" in mail.body
    assert not any(secret in mail.subject + mail.body for secret in COMPLAINANT)


def test_refusing_a_proposal_and_removing_an_officer_are_events_and_notices(people, app, mailbox):
    org, editor, officer = people.org["name"], people.users["editor"]["name"], people.users["officer"]["name"]
    add_deputy(people)
    api(app, people, "admin", "oit_complaint_officer_add", organization=org, user=editor)
    sent(mailbox)
    api(app, people, "deputy", "oit_complaint_officer_remove", organization=org, user=editor)
    assert [o["user"] for o in api(app, people, "admin", "oit_complaint_officer_list", organization=org,
                                   state="all")] == [officer]
    assert sent(mailbox) == sorted([(email(people, "officer"), "officer_refuse"), (email(people, "editor"), "officer_refuse")])
    api(app, people, "admin", "oit_complaint_officer_remove", organization=org, user=officer)
    assert not reads_complaints(app, people, "officer")
    assert sent(mailbox) == [(email(people, "officer"), "officer_remove")]   # no officer is left but him
    events = officer_events(people)
    assert [(e["action"], e["actor_name"]) for e in events] == [
        ("officer_designate", people.users["sysadmin"]["name"]), ("officer_propose", people.users["admin"]["name"]),
        ("officer_refuse", people.users["deputy"]["name"]), ("officer_remove", people.users["admin"]["name"])]
    assert events[2]["before"] == {"user": editor, "state": "proposed", "proposed_by": people.users["admin"]["name"]}
    assert events[3]["before"]["user"] == officer and events[3]["after"] is None


def _member_again(people, role, capacity="editor"):
    tk.get_action("organization_member_create")({"ignore_auth": True, "user": people.users["sysadmin"]["name"]}, {
        "id": people.org["id"], "username": people.users[role]["name"], "role": capacity})


def test_an_officer_removed_from_the_organisation_has_no_access_after_rejoining(people, app, mailbox):
    org, officer = people.org["name"], people.users["officer"]["name"]
    add_deputy(people)
    assert reads_complaints(app, people, "officer")
    # the admin removes him through the Action API: the designation lapses at once
    api(app, people, "admin", "organization_member_delete", id=org, username=officer)
    [lapse] = [e for e in officer_events(people) if e["action"] == "officer_lapse"]
    assert lapse["actor_name"] == people.users["admin"]["name"] and lapse["before"]["user"] == officer
    assert "left the organisation" in lapse["comment"]
    assert sent(mailbox) == [(email(people, "officer"), "officer_lapse")]
    _member_again(people, "officer")
    assert not reads_complaints(app, people, "officer")
    assert api(app, people, "admin", "oit_complaint_officer_list", organization=org, state="all") == []
    page = BeautifulSoup(app.get(f"/oit/{org}/complaints/officers",
                                 headers={"Authorization": token_of(people.users["admin"])}).body, "html.parser")
    assert page.select(".oit-complaint-officers tr[data-user]") == []
    assert officer in [o["value"] for o in page.select("#field-officer-user option")]  # a new designation only


def test_dropping_to_member_or_being_deleted_ends_the_designation(people, app):
    org = people.org["name"]
    people.act("sysadmin", "oit_complaint_officer_add", organization=org, user=people.users["editor"]["name"])
    # capacity dropped to member (organization_member_create is how CKAN's page does it)
    api(app, people, "admin", "organization_member_create", id=org, username=people.users["officer"]["name"],
        role="member")
    _member_again(people, "officer")
    assert not reads_complaints(app, people, "officer")
    # the user deleted (and brought back by a sysadmin, then made a member again)
    api(app, people, "sysadmin", "user_delete", id=people.users["editor"]["name"])
    user = model.User.get(people.users["editor"]["name"])
    user.state = "active"
    model.repo.commit()
    _member_again(people, "editor")
    assert not reads_complaints(app, people, "editor")
    lapses = [e for e in officer_events(people) if e["action"] == "officer_lapse"]
    assert [(e["before"]["user"], e["comment"].split(" / ")[1]) for e in lapses] == [
        (people.users["officer"]["name"], "no longer an editor or admin (member)"),
        (people.users["editor"]["name"], "the user was deleted or is not active")]
    assert model.Session.query(ComplaintOfficer).count() == 0


def test_access_checks_lapse_a_designation_whose_holder_left_by_another_path(people, app):
    """Membership changed behind CKAN's actions (here in the database): the next
    access finds the officer no longer an editor, refuses and ends it for good."""
    org_id, officer = people.org["id"], people.users["officer"]
    member = model.Session.query(model.Member).filter_by(group_id=org_id, table_id=officer["id"], state="active").one()
    member.capacity = "member"
    model.repo.commit()
    assert not reads_complaints(app, people, "officer")
    [lapse] = [e for e in officer_events(people) if e["action"] == "officer_lapse"]
    assert lapse["actor_name"] is None and lapse["before"]["user"] == officer["name"]
    member = model.Session.query(model.Member).filter_by(group_id=org_id, table_id=officer["id"], state="active").one()
    member.capacity = "editor"
    model.repo.commit()
    assert not reads_complaints(app, people, "officer")


def test_the_page_proposes_and_a_second_admin_confirms(people, app, mailbox):
    org, admin = people.org["name"], people.users["admin"]["name"]
    add_deputy(people)
    url = f"/oit/{org}/complaints/officers"
    as_admin = {"Authorization": token_of(people.users["admin"])}
    as_deputy = {"Authorization": token_of(people.users["deputy"])}
    page = BeautifulSoup(app.get(url, headers=as_admin).body, "html.parser")
    assert page.select_one("#oit-officer-add").text == "เสนอแต่งตั้ง"
    assert page.select('form input[name="_csrf_token"]')      # every form of the page carries the token
    assert app.post(url, data={"decision": "add", "user": admin}, headers=as_admin,
                    follow_redirects=False).status_code == 302
    assert not reads_complaints(app, people, "admin")
    page = BeautifulSoup(app.get(url, headers=as_deputy).body, "html.parser")
    assert page.select_one(f"#oit-officer-confirm-{admin}") is not None
    assert app.post(url, data={"decision": "confirm", "user": admin}, headers=as_deputy,
                    follow_redirects=False).status_code == 302
    assert reads_complaints(app, people, "admin")
    page = BeautifulSoup(app.get(url, headers=as_deputy).body, "html.parser")
    assert [r["data-user"] for r in page.select(".oit-complaint-officers tr[data-user]")] == [
        people.users["officer"]["name"], admin]
    assert page.select(".oit-officer-proposals tr[data-user]") == []
    assert [e["action"] for e in officer_events(people)][-2:] == ["officer_propose", "officer_confirm"]
    assert sent(mailbox) == sorted([
        (email(people, "officer"), "officer_propose"), (email(people, "deputy"), "officer_propose"),
        (email(people, "officer"), "officer_confirm"), (email(people, "admin"), "officer_confirm")])
    # a sysadmin's page designates
    page = BeautifulSoup(app.get(url, headers={"Authorization": token_of(people.users["sysadmin"])}).body,
                         "html.parser")
    assert page.select_one("#oit-officer-add").text == "แต่งตั้ง"
