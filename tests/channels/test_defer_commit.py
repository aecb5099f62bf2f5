"""The channels actions honour CKAN's ``defer_commit``: a caller who defers owns
the transaction, so its rollback leaves nothing of the action; without
``defer_commit`` the action's work is committed and survives a rollback."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit.channels.model import Complaint, ComplaintOfficer, Feedback, Question
from support.channels import CATEGORY

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _run(context: dict, deferred: bool, action: str, **data) -> dict:
    result = tk.get_action(action)(dict(context, defer_commit=deferred), data)
    model.Session.rollback()
    return result


@pytest.mark.parametrize("deferred", [True, False])
def test_a_question_is_committed_only_by_whoever_deferred_it(people, deferred):
    created = _run({"user": ""}, deferred, "oit_question_create",
                   organization=people.org["name"], question="ขอทราบแผนจัดซื้อจัดจ้างปีนี้")
    assert created["id"]  # known before the caller commits
    assert model.Session.query(Question).count() == (0 if deferred else 1)
    assert (model.Session.get(Question, created["id"]) is None) == deferred


@pytest.mark.parametrize("deferred", [True, False])
def test_feedback_is_committed_only_by_whoever_deferred_it(people, deferred):
    _run({"user": ""}, deferred, "oit_feedback_create", organization=people.org["name"], message="เว็บไซต์ใช้งานง่าย")
    assert model.Session.query(Feedback).count() == (0 if deferred else 1)


@pytest.mark.parametrize("deferred", [True, False])
def test_a_recorded_complaint_and_its_update_are_committed_only_by_whoever_deferred_them(people, deferred):
    officer = people.context("officer")
    _run(officer, deferred, "oit_complaint_create", organization=people.org["name"],
         category=CATEGORY, description="บันทึกจากหนังสือร้องเรียน", privacy_accepted="true")
    assert model.Session.query(Complaint).count() == (0 if deferred else 1)
    if deferred:
        return
    complaint_id = model.Session.query(Complaint).one().id
    _run(officer, True, "oit_complaint_update", id=complaint_id, status="in_progress")
    assert model.Session.get(Complaint, complaint_id).status == "received"
    _run(officer, False, "oit_complaint_update", id=complaint_id, status="in_progress")
    assert model.Session.get(Complaint, complaint_id).status == "in_progress"


@pytest.mark.parametrize("deferred", [True, False])
def test_a_designation_is_committed_only_by_whoever_deferred_it(people, deferred):
    _run(people.context("sysadmin"), deferred, "oit_complaint_officer_add",
         organization=people.org["name"], user=people.users["admin"]["name"])
    row = model.Session.get(ComplaintOfficer, (people.org["id"], people.users["admin"]["id"]))
    assert (row is None) == deferred
