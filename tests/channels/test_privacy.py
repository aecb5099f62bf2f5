"""PDPA retention of the Q&A and feedback contacts: the asker's or sender's name
and e-mail address are cleared a configurable number of days after the entry
was answered, responded to or rejected; pending entries and the texts stay."""
from __future__ import annotations

import datetime

import pytest

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit.channels import retention
from ckanext.oit.channels.model import Feedback, Question

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues")


def ask(people, text):
    return tk.get_action("oit_question_create")({"user": ""}, {
        "organization": people.org["name"], "question": text, "name": "นางสาวถาม ใคร่รู้", "email": "asker@example.com"})["id"]


def send(people, text):
    return tk.get_action("oit_feedback_create")({"user": ""}, {
        "organization": people.org["name"], "message": text, "name": "นายเสนอ แนะ", "email": "suggest@example.com"})["id"]


def age(row_class, row_id, days):
    row = model.Session.get(row_class, row_id)
    moment = datetime.datetime.utcnow() - datetime.timedelta(days=days)
    if row_class is Question:
        row.answered_at = moment
    else:
        row.responded_at = moment
    row.created_at = moment - datetime.timedelta(days=1)
    model.Session.commit()


def contact(row_class, row_id):
    model.Session.expire_all()
    row = model.Session.get(row_class, row_id)
    return row.name, row.email


def test_the_setting_is_declared():
    assert tk.config.get("ckanext.oit.channels.contact_retention_days") == 90


def test_contacts_are_cleared_after_the_retention_days(people, ckan_config, monkeypatch, cli):
    from ckanext.oit.cli import oit

    monkeypatch.setitem(ckan_config, "ckanext.oit.channels.contact_retention_days", 30)
    answered_long_ago, answered_lately, rejected_long_ago, pending = (
        ask(people, f"คำถามที่ {n}") for n in range(1, 5))
    for question_id in (answered_long_ago, answered_lately):
        people.act("editor", "oit_question_answer", id=question_id, answer="คำตอบ")
    people.act("editor", "oit_question_answer", id=rejected_long_ago, decision="reject")
    age(Question, answered_long_ago, 31)
    age(Question, rejected_long_ago, 40)
    age(Question, answered_lately, 29)
    model.Session.get(Question, pending).created_at = datetime.datetime.utcnow() - datetime.timedelta(days=400)
    model.Session.commit()
    responded_long_ago, responded_lately, waiting = (send(people, f"ความเห็นที่ {n}") for n in range(1, 4))
    for feedback_id in (responded_long_ago, responded_lately):
        people.act("admin", "oit_feedback_respond", id=feedback_id, response="ขอบคุณ")
    age(Feedback, responded_long_ago, 31)
    age(Feedback, responded_lately, 1)

    result = cli.invoke(oit, ["channels", "retention"])
    assert result.exit_code == 0, result.output
    assert "name and e-mail cleared from 3 question(s) and feedback" in result.output

    for row_class, row_id in ((Question, answered_long_ago), (Question, rejected_long_ago),
                              (Feedback, responded_long_ago)):
        assert contact(row_class, row_id) == (None, None)
    for row_class, row_id in ((Question, answered_lately), (Question, pending),
                              (Feedback, responded_lately), (Feedback, waiting)):
        assert contact(row_class, row_id)[1] in ("asker@example.com", "suggest@example.com")
    # the texts stay published
    kept = model.Session.get(Question, answered_long_ago)
    assert (kept.question, kept.answer, kept.state) == ("คำถามที่ 1", "คำตอบ", "published")
    staff_view = people.act("editor", "oit_question_list", organization=people.org["name"], state="all")["results"]
    assert {q["question"]: q["email"] for q in staff_view}["คำถามที่ 1"] is None
    assert retention.apply().contacts_cleared == 0                # nothing twice


def test_the_ask_form_tells_how_long_the_contact_is_kept(people, app, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.oit.channels.contact_retention_days", 45)
    url = f"/oit/{people.org['name']}/questions"
    assert "ลบภายใน 45 วันหลังตอบ" in app.get(url).body
    assert "deleted within 45 days after the answer" in app.get(f"/en{url}").body
