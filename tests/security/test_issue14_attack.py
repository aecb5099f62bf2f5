"""Holes found by attacking issue 14's work (and the 2.12 draft-state guard it builds on).

- Only the workflow decides who sees a dataset: cb886b9 refuses ``state="draft"`` on an
  active dataset, but any other state ('DRAFT', ' draft', 'hidden', 'deleted') went
  through package_patch, package_revise, a change request and package_create, and the
  director's approval then "published" a dataset the public gets a 404 for.
- The channels' navl schemas took a list or a mapping for a text field and stored its
  Python form ("['a@b.cd']" as the asker's e-mail address).
- The agency download for people named a round without a fiscal year "None-round-1".
"""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit.channels.model import Question

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues")

REFUSAL = ("ชุดข้อมูลเผยแพร่หรือไม่เป็นไปตามขั้นตอนการอนุมัติเท่านั้น จึงกลับไปเป็นสถานะฉบับร่างไม่ได้ / "
           "Only the approval workflow decides whether a dataset is public; it cannot go back to the draft state")
# CKAN keeps whatever state it is given: each of these hides an active dataset from the public
HIDING_STATES = ("DRAFT", " draft", "Draft", "hidden", "deleted")


@pytest.mark.parametrize("state", HIDING_STATES)
@pytest.mark.parametrize("workflow_state, role", [("draft", "editor"), ("returned", "editor"),
                                                   ("published", "sysadmin")])
def test_no_update_takes_an_active_dataset_out_of_the_active_state(office, state, workflow_state, role):
    dataset = office.dataset(workflow_state)
    with pytest.raises(tk.ValidationError) as refused:
        office.act(role, "package_patch", id=dataset["id"], state=state)
    assert refused.value.error_dict == {"state": [REFUSAL]}
    model.Session.remove()
    assert model.Package.get(dataset["id"]).state == "active"


def test_package_revise_does_not_change_the_state_either(office):
    dataset = office.dataset("draft")
    with pytest.raises(tk.ValidationError) as refused:
        office.act("editor", "package_revise", match={"id": dataset["id"]}, update={"state": "DRAFT"})
    assert refused.value.error_dict == {"state": [REFUSAL]}
    model.Session.remove()
    assert model.Package.get(dataset["id"]).state == "active"


def test_a_change_request_cannot_hide_a_published_dataset_once_approved(office, app):
    dataset = office.dataset("published")
    with pytest.raises(tk.ValidationError) as refused:
        office.act("editor", "package_patch", id=dataset["id"], state="DRAFT")
    assert refused.value.error_dict == {"state": [REFUSAL]}
    model.Session.remove()
    assert model.Package.get(dataset["id"]).state == "active"
    assert app.get(f"/oit-procurement/{dataset['name']}").status_code == 200


@pytest.mark.parametrize("state", ["DRAFT", "hidden"])
def test_a_dataset_created_in_an_unknown_state_is_refused(office, state):
    with pytest.raises(tk.ValidationError) as refused:
        office.act("editor", "package_create", type="oit-procurement", owner_org=office.org["id"],
                   item_key="procurement-monthly-summary", fiscal_year="2569", period="2025-10", state=state,
                   resources=[{"name": "สขร.1", "url": "http://example.go.th/sor-kor-ror-1.pdf"}])
    assert list(refused.value.error_dict) == ["state"]
    model.Session.remove()
    assert model.Session.query(model.Package).filter(model.Package.type == "oit-procurement").count() == 0


@pytest.mark.usefixtures("fresh_limits")
@pytest.mark.parametrize("field, value", [("question", ["คำถามแรก", "คำถามที่สอง"]), ("question", {"a": "b"}),
                                          ("email", ["asker@example.go.th"])])
def test_a_text_field_of_the_channels_takes_text_only(office, app, field, value):
    data = {"organization": office.org["name"], "question": "ขอทราบกำหนดการรับสมัครครู", field: value}
    response = app.post("/api/3/action/oit_question_create", json=data)
    assert response.status_code == 409
    assert list(response.json["error"]) == [field, "__type"]
    model.Session.remove()
    assert model.Session.query(Question).count() == 0


def test_a_round_without_a_fiscal_year_names_no_none_in_the_file(office, app):
    response = app.get(f"/oit/records/{office.org['name']}/procurement-monthly-summary.csv",
                       query_string={"for": "people", "period": "round-1"})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith(
        f'attachment; filename="{office.org["name"]}_procurement-monthly-summary_round-1.csv"; ')
