"""Questions and answers (issue 8, O8): a question is invisible until staff
answer and publish it, then listed and searchable with its answer; the asker
gets the answer by e-mail through the job queue when they left an address."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk

from support.channels import csrf
from support.jobs import run_jobs

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "mail_queue")

QUESTION = "ขอทราบกำหนดการรับสมัครครูอัตราจ้างปีงบประมาณ 2569"
ANSWER = "เปิดรับสมัครวันที่ 1–15 พฤศจิกายน 2568 ที่กลุ่มบริหารงานบุคคล"


def public_list(org, **params):
    return tk.get_action("oit_question_list")({"user": ""}, dict(params, organization=org["name"]))


def test_a_question_is_invisible_until_moderated_and_visible_with_its_answer_after(people, app, mailbox):
    created = tk.get_action("oit_question_create")({"user": ""}, {
        "organization": people.org["name"], "question": QUESTION, "name": "นางสาวถาม ใคร่รู้",
        "email": "asker@example.com"})
    assert created["state"] == "pending"
    page_url = f"/oit/{people.org['name']}/questions"
    # invisible to the public: the list, a search, the page, the moderation queue
    assert public_list(people.org)["count"] == 0
    assert public_list(people.org, q="อัตราจ้าง")["count"] == 0
    assert QUESTION not in app.get(page_url).body
    for role in ("anonymous", "member", "other_admin"):
        with pytest.raises(tk.NotAuthorized):
            people.act(role, "oit_question_list", organization=people.org["name"], state="pending")
        with pytest.raises(tk.NotAuthorized):
            people.act(role, "oit_question_answer", id=created["id"], answer="ไม่")
    assert app.get(f"{page_url}/moderate").status_code == 403
    # staff see the queue with the asker's contact
    queue = people.act("editor", "oit_question_list", organization=people.org["name"], state="pending")
    assert queue["results"][0]["email"] == "asker@example.com"

    people.act("editor", "oit_question_answer", id=created["id"], answer=ANSWER)
    listed = public_list(people.org)
    assert listed["count"] == 1
    entry = listed["results"][0]
    assert (entry["question"], entry["answer"]) == (QUESTION, ANSWER)
    assert "email" not in entry and "name" not in entry          # the asker stays private
    body = app.get(page_url).body
    assert QUESTION in body and ANSWER in body and "asker@example.com" not in body
    # searchable, by words of the question or of the answer
    assert public_list(people.org, q="อัตราจ้าง")["count"] == 1
    assert public_list(people.org, q="พฤศจิกายน")["count"] == 1
    assert public_list(people.org, q="ไม่มีคำนี้")["count"] == 0
    assert QUESTION in app.get(page_url, query_string={"q": "บริหารงานบุคคล"}).body
    assert public_list(people.other_org)["count"] == 0           # per organisation

    run_jobs()
    assert [m.to for m in mailbox.mails] == [["asker@example.com"]]
    assert ANSWER in mailbox.mails[0].body and QUESTION in mailbox.mails[0].body


def test_rejected_questions_stay_hidden_and_no_mail_without_an_address(people, mailbox):
    first = tk.get_action("oit_question_create")({"user": ""}, {"organization": people.org["name"], "question": "สแปม"})
    second = tk.get_action("oit_question_create")({"user": ""}, {"organization": people.org["name"], "question": QUESTION})
    people.act("admin", "oit_question_answer", id=first["id"], decision="reject")
    with pytest.raises(tk.ValidationError) as error:
        people.act("admin", "oit_question_answer", id=second["id"], answer="")
    assert list(error.value.error_dict) == ["answer"]
    people.act("admin", "oit_question_answer", id=second["id"], answer=ANSWER)
    assert [q["question"] for q in public_list(people.org)["results"]] == [QUESTION]
    run_jobs()
    assert mailbox.mails == []


def test_asking_and_answering_through_the_pages(people, app):
    url = f"/oit/{people.org['name']}/questions"
    browser = app.test_client()
    response = browser.post(url, data={"_csrf_token": csrf(browser, url), "question": QUESTION}, follow_redirects=False)
    assert response.status_code == 302
    pending = people.act("editor", "oit_question_list", organization=people.org["name"], state="pending")["results"]
    assert [q["question"] for q in pending] == [QUESTION]
    from ckan.tests import factories
    headers = {"Authorization": factories.APIToken(user=people.users["editor"]["name"])["token"]}
    queue = app.get(f"{url}/moderate", headers=headers)
    assert queue.status_code == 200 and QUESTION in queue.body
    people.act("editor", "oit_question_answer", id=pending[0]["id"], answer=ANSWER)
    assert ANSWER in app.get(url).body
    assert ANSWER in app.get(f"/en{url}").body and "Questions and answers" in app.get(f"/en{url}").body
