"""CKAN's own draft state is for the add-data stages only. CKAN 2.12's dataset form
offers "Unpublish" (state back to draft), which hid a dataset the director then
approved: only the workflow decides who sees a dataset."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories

pytestmark = [pytest.mark.usefixtures("with_plugins")]

REFUSAL = ("ชุดข้อมูลเผยแพร่หรือไม่เป็นไปตามขั้นตอนการอนุมัติเท่านั้น จึงกลับไปเป็นสถานะฉบับร่างไม่ได้ / "
           "Only the approval workflow decides whether a dataset is public; it cannot go back to the draft state")


@pytest.mark.parametrize("state, role", [("draft", "editor"), ("returned", "editor"),
                                          ("published", "editor"), ("published", "sysadmin")])
def test_a_dataset_does_not_go_back_to_the_draft_state(office, state, role):
    dataset = office.dataset(state)
    with pytest.raises(tk.ValidationError) as refused:
        office.act(role, "package_patch", id=dataset["id"], state="draft")
    assert refused.value.error_dict == {"state": [REFUSAL]}
    model.Session.remove()
    assert model.Package.get(dataset["id"]).state == "active"


def test_the_edit_form_offers_no_unpublish_and_the_approved_dataset_is_public(office, app):
    dataset = office.dataset("draft")
    token = factories.APIToken(user=office.users["editor"]["name"])["token"]
    form = app.get(f"/oit-procurement/edit/{dataset['name']}", headers={"Authorization": token}).body
    assert 'name="save"' in form
    assert "go-metadata-unpublish" not in form
    office.move(dataset["id"], "published")
    shown = tk.get_action("package_show")({"user": "", "ignore_auth": False}, {"id": dataset["id"]})
    assert (shown["state"], shown["private"], shown["oit_status"]) == ("active", False, "published")
    assert app.get(f"/oit-procurement/{dataset['name']}").status_code == 200
