"""Our actions honour CKAN's ``defer_commit``: the caller who defers owns the
transaction, so a rollback after the action leaves nothing of it (and without
``defer_commit`` the action's work is committed and survives a rollback)."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import audit
from ckanext.oit.compliance.model import ItasExplanation
from ckanext.oit.workflow.states import status_of

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _run(office, role: str, action: str, deferred: bool, **data) -> None:
    context = dict(office.context(role), defer_commit=deferred)
    tk.get_action(action)(context, data)
    model.Session.rollback()


def _events(office) -> list[str]:
    return [e.action for e in audit.events(owner_org=office.org["id"])]


@pytest.mark.parametrize("deferred", [True, False])
def test_a_transition_is_committed_only_by_whoever_deferred_it(office, deferred):
    dataset = office.dataset("draft")
    before = _events(office)
    _run(office, "editor", "oit_submit", deferred, id=dataset["id"])
    package = model.Package.get(dataset["id"])
    assert status_of(package) == ("draft" if deferred else "pending")
    assert _events(office) == (before if deferred else before + ["submit"])


@pytest.mark.parametrize("deferred", [True, False])
def test_an_edit_through_the_guard_is_committed_only_by_whoever_deferred_it(office, deferred):
    dataset = office.dataset("draft")
    before = _events(office)
    _run(office, "editor", "package_patch", deferred, id=dataset["id"], notes="คำอธิบายใหม่")
    assert model.Package.get(dataset["id"]).notes == (dataset.get("notes") if deferred else "คำอธิบายใหม่")
    assert _events(office) == (before if deferred else before + ["update"])


@pytest.mark.parametrize("deferred", [True, False])
def test_a_change_request_is_committed_only_by_whoever_deferred_it(office, deferred):
    dataset = office.dataset("published")
    before = _events(office)
    _run(office, "editor", "package_patch", deferred, id=dataset["id"], notes="ขอแก้ไข")
    assert _events(office) == (before if deferred else before + ["change_request"])


@pytest.mark.parametrize("deferred", [True, False])
def test_an_itas_explanation_is_committed_only_by_whoever_deferred_it(office, deferred):
    _run(office, "admin", "oit_itas_explanation_update", deferred, id=office.org["name"],
         fiscal_year="2569", item_key="procurement-monthly-summary", text="อยู่ระหว่างรวบรวม")
    row = model.Session.get(ItasExplanation, (office.org["id"], 2569, "procurement-monthly-summary"))
    assert (row is None) == deferred
    assert _events(office) == ([] if deferred else ["itas_explanation"])
