"""Holes found by attacking issue 14's work (and the 2.12 draft-state guard it builds on).

- Only the workflow decides who sees a dataset: cb886b9 refuses ``state="draft"`` on an
  active dataset, but any other state ('DRAFT', ' draft', 'hidden', 'deleted') went
  through package_patch, package_revise, a change request and package_create, and the
  director's approval then "published" a dataset the public gets a 404 for.
- The channels' navl schemas took a list or a mapping for a text field and stored its
  Python form ("['a@b.cd']" as the asker's e-mail address).
- The agency download for people named a round without a fiscal year "None-round-1".
- The e-service address (compliance/e_service.py) was checked on organization_create and
  _update only: group_update on an organisation (its admin may call it) stored
  "javascript:..."; and an emptied address stayed when it was the organisation's only
  extra (CKAN leaves the extras alone when the list it is given is empty), in the form too.
- The form gave the e-service field the index right after the last custom field: the row
  CKAN's custom-fields module adds when that one is filled took the same names, and saving
  lost the address and stored an extra named '["", "e_service_url"]'.
"""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from werkzeug.datastructures import MultiDict

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit.channels.model import Question
from support.web import login

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


# --- the e-service address --------------------------------------------------

E_SERVICE = "https://eservice.example.go.th/request"


def org_extras(office) -> dict[str, str]:
    model.Session.remove()
    return dict(model.Group.get(office.org["id"]).extras)


@pytest.mark.parametrize("role", ["admin", "sysadmin"])
def test_group_update_on_an_organisation_checks_the_e_service_address_too(office, role):
    office.act("admin", "organization_patch", id=office.org["id"], extras=[{"key": "e_service_url", "value": E_SERVICE}])
    shown = office.act("sysadmin", "organization_show", id=office.org["id"], include_users=True)
    with pytest.raises(tk.ValidationError) as refused:
        office.act(role, "group_update", **dict(shown, extras=[{"key": "e_service_url", "value": "javascript:alert(1)"}]))
    assert list(refused.value.error_dict) == ["e_service_url"]
    assert org_extras(office) == {"e_service_url": E_SERVICE}


@pytest.mark.parametrize("emptied", [{"value": ""}, {"value": "  "}, {"value": E_SERVICE, "deleted": "on"}])
def test_an_emptied_address_goes_even_when_it_is_the_only_extra(office, emptied):
    office.act("admin", "organization_patch", id=office.org["id"], extras=[{"key": "e_service_url", "value": E_SERVICE}])
    office.act("admin", "organization_patch", id=office.org["id"], extras=[dict(emptied, key="e_service_url")])
    assert org_extras(office) == {}
    # nothing to take away: no empty extra is made
    made = office.act("sysadmin", "organization_create", name="new-office", extras=[dict(emptied, key="e_service_url")])
    assert made["extras"] == []


def org_form(browser, edit: str):
    form = BeautifulSoup(browser.get(edit).body, "html.parser").find("form", id="organization-edit-form")
    fields = {f["name"]: f.get("value", "") for f in form.find_all("input") if f.get("name") and f.get("type") != "file"}
    fields.update({t["name"]: t.get_text() for t in form.find_all("textarea")})
    return form, fields


def test_the_admin_empties_the_address_in_the_form_and_it_goes(office, app):
    office.act("admin", "organization_patch", id=office.org["id"], extras=[{"key": "e_service_url", "value": E_SERVICE}])
    browser = login(app, office.users["admin"])
    edit = f"/organization/edit/{office.org['name']}"
    form, fields = org_form(browser, edit)
    field = form.find("input", id="field-e-service-url")["name"]
    assert fields[field] == E_SERVICE
    saved = browser.post(edit, data=dict(fields, **{field: "", "save": ""}))
    assert saved.status_code == 200
    assert org_extras(office) == {}


def test_the_row_the_custom_fields_module_adds_keeps_the_address(office, app):
    office.act("admin", "organization_patch", id=office.org["id"], extras=[{"key": "e_service_url", "value": E_SERVICE}])
    browser = login(app, office.users["admin"])
    edit = f"/organization/edit/{office.org['name']}"
    form, fields = org_form(browser, edit)
    rows = form.select('[data-module="custom-fields"] input[name$="__key"]')
    last = rows[-1]["name"].removesuffix("__key")
    fields.update({last + "__key": "note", last + "__value": "x", "save": ""})
    # filling the last row makes CKAN's module add one more, its index plus one, before our field
    index = int(last.split("__")[1])
    added = f"extras__{index + 1}__"
    saved = browser.post(edit, data=MultiDict([(added + "key", ""), (added + "value", "")] + list(fields.items())))
    assert saved.status_code == 200
    assert org_extras(office) == {"note": "x", "e_service_url": E_SERVICE}
