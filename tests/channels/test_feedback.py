"""Feedback (issue 8, O32): opinions and suggestions, optionally about a
dataset or a topic, published only with the agency's response."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk

from support.channels import csrf

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

OPINION = "ควรเผยแพร่แผนจัดซื้อจัดจ้างเป็นไฟล์ Excel ด้วย"
RESPONSE = "ขอบคุณครับ จะเพิ่มไฟล์ XLSX ตั้งแต่เดือนหน้า"


def test_feedback_about_a_dataset_is_published_with_the_response(people, app):
    dataset = people.dataset("published")
    created = tk.get_action("oit_feedback_create")({"user": ""}, {
        "organization": people.org["name"], "message": OPINION, "topic": "แผนจัดซื้อ", "package_id": dataset["name"],
        "name": "นายเสนอ แนะ", "email": "suggest@example.com"})
    public = {"user": ""}
    url = f"/oit/{people.org['name']}/feedback"
    assert tk.get_action("oit_feedback_list")(public, {"organization": people.org["name"]})["count"] == 0
    assert OPINION not in app.get(url).body
    with pytest.raises(tk.NotAuthorized):
        people.act("anonymous", "oit_feedback_list", organization=people.org["name"], state="pending")
    for role in ("anonymous", "member", "other_admin"):
        with pytest.raises(tk.NotAuthorized):
            people.act(role, "oit_feedback_respond", id=created["id"], response="x")

    people.act("admin", "oit_feedback_respond", id=created["id"], response=RESPONSE)
    listed = tk.get_action("oit_feedback_list")(public, {"organization": people.org["name"]})["results"]
    assert [(f["message"], f["response"], f["package_id"]) for f in listed] == [(OPINION, RESPONSE, dataset["id"])]
    assert "email" not in listed[0]
    by_dataset = tk.get_action("oit_feedback_list")(public, {"organization": people.org["name"], "package_id": dataset["id"]})
    assert by_dataset["count"] == 1
    body = app.get(url).body
    assert OPINION in body and RESPONSE in body and "suggest@example.com" not in body


def test_feedback_refuses_unpublished_or_foreign_datasets(people):
    draft = people.dataset("draft")
    with pytest.raises(tk.ValidationError) as error:
        tk.get_action("oit_feedback_create")({"user": ""}, {
            "organization": people.org["name"], "message": OPINION, "package_id": draft["id"]})
    assert list(error.value.error_dict) == ["package_id"]   # a draft is not shown to say it exists
    with pytest.raises(tk.ValidationError) as error:
        tk.get_action("oit_feedback_create")({"user": ""}, {"organization": people.org["name"], "message": ""})
    assert list(error.value.error_dict) == ["message"]


def test_feedback_through_the_pages_and_moderation(people, app):
    url = f"/oit/{people.org['name']}/feedback"
    browser = app.test_client()
    response = browser.post(url, data={"_csrf_token": csrf(browser, url), "message": OPINION}, follow_redirects=False)
    assert response.status_code == 302
    from ckan.tests import factories
    headers = {"Authorization": factories.APIToken(user=people.users["editor"]["name"])["token"]}
    queue = app.get(f"{url}/moderate", headers=headers)
    assert OPINION in queue.body
    assert app.get(f"{url}/moderate").status_code == 403
    pending = people.act("editor", "oit_feedback_list", organization=people.org["name"], state="pending")["results"]
    people.act("editor", "oit_feedback_respond", id=pending[0]["id"], decision="reject")
    assert people.act("editor", "oit_feedback_list", organization=people.org["name"], state="all")["results"][0]["state"] == "rejected"
    assert OPINION not in app.get(url).body


def test_a_withdrawn_datasets_title_leaves_the_published_feedback(people, app):
    """The title is read from the database when the list is read, and shown to
    the public only while the dataset is public (hole 11)."""
    dataset = people.dataset("published")
    title = dataset["title"]
    created = tk.get_action("oit_feedback_create")({"user": ""}, {
        "organization": people.org["name"], "message": OPINION, "package_id": dataset["id"]})
    people.act("admin", "oit_feedback_respond", id=created["id"], response=RESPONSE)
    org, url = people.org["name"], f"/oit/{people.org['name']}/feedback"
    [shown] = tk.get_action("oit_feedback_list")({"user": ""}, {"organization": org})["results"]
    assert (shown["package_id"], shown["package_name"], shown["package_title"]) == (
        dataset["id"], dataset["name"], title)
    assert title in app.get(url).body

    people.act("admin", "oit_withdraw", id=dataset["id"], comment="ข้อมูลผิดพลาด")
    for listed in (tk.get_action("oit_feedback_list")({"user": ""}, {"organization": org})["results"],
                   app.get(f"/api/3/action/oit_feedback_list?organization={org}").json["result"]["results"]):
        [shown] = listed
        assert (shown["message"], shown["response"]) == (OPINION, RESPONSE)   # the feedback stays
        assert (shown["package_id"], shown["package_name"], shown["package_title"]) == (None, None, None)
    body = app.get(url).body
    assert OPINION in body and title not in body and dataset["name"] not in body
    # the organisation's staff still see which dataset it was about
    [staff_view] = people.act("editor", "oit_feedback_list", organization=org)["results"]
    assert staff_view["package_title"] == title


def test_staff_answer_waiting_feedback_from_the_moderation_page(people, app):
    from bs4 import BeautifulSoup
    from ckan.tests import factories

    created = tk.get_action("oit_feedback_create")({"user": ""}, {
        "organization": people.org["name"], "message": OPINION, "topic": "แผนจัดซื้อ"})
    url = f"/oit/{people.org['name']}/feedback/moderate"
    headers = {"Authorization": factories.APIToken(user=people.users["editor"]["name"])["token"]}
    page = BeautifulSoup(app.get(url, headers=headers).body, "html.parser")
    entry = page.select_one("article.oit-feedback-pending")
    assert OPINION in entry.get_text() and "แผนจัดซื้อ" in entry.get_text()
    form = entry.select_one("form")
    assert form["action"] == f"/oit/feedback/{created['id']}/respond"
    assert form.select_one("textarea")["name"] == "response"
    assert [b["value"] for b in form.select("button")] == ["publish", "reject"]
    assert form.select_one("input[name=_csrf_token]") is not None
    empty = BeautifulSoup(app.get(f"/en{url}?state=published", headers=headers).body, "html.parser")
    assert empty.select_one(".empty").get_text(strip=True) == "No feedback is waiting."
