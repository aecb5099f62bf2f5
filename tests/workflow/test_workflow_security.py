"""Every role × state × write path: each allowed move and each denial.

Roles: anonymous, a user of no organisation, member, editor and admin of the
dataset's organisation, editor and admin of another organisation, sysadmin.
States: the five of the workflow, and published with an open change request.
Outcomes: ``ok`` (applied), ``change`` (held as a change request), ``denied``
(NotAuthorized) and ``invalid`` (ValidationError: not a move from this state,
or another person's change while a request is open). The read paths are in
test_authorization_matrix.py.
"""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit.workflow import change_requests
from support.workflow import ROLES, STATES

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("with_plugins")]


@pytest.fixture
def office(shared_office):
    yield shared_office
    shared_office.purge_made()

OUTSIDERS = ("anonymous", "stranger", "member", "other_editor", "other_admin")
PUBLIC = ("published", "changing")
EDITORS = ("editor", "admin")


def write_outcome(role: str, state: str) -> str:
    if role in OUTSIDERS or state == "pending":  # pending is frozen, for sysadmins too
        return "denied"
    if role == "sysadmin":
        return "ok"
    if state == "changing":  # the request is the editor's: nobody else adds to it
        return "change" if role == "editor" else "invalid"
    return "change" if state == "published" else "ok"


def delete_outcome(role: str, state: str) -> str:
    if role in OUTSIDERS or state == "pending":
        return "denied"
    if role == "sysadmin" or state in ("draft", "returned"):
        return "ok"
    return "denied"


def view_outcome(role: str, state: str) -> str:
    if role in OUTSIDERS or state == "pending":
        return "denied"
    return "denied" if role == "editor" and state in PUBLIC else "ok"


def datastore_outcome(role: str, state: str) -> str:
    if role in OUTSIDERS or state == "pending":
        return "denied"
    return "denied" if state in PUBLIC and role != "sysadmin" else "ok"


def transition_outcome(transition: str, role: str, state: str) -> str:
    needed, starts = {
        "oit_submit": ("editor", ("draft", "returned", "withdrawn")),
        "oit_approve": ("admin", ("pending",)),
        "oit_return": ("admin", ("pending",)),
        "oit_withdraw": ("admin", ("published", "changing")),
    }[transition]
    if transition in ("oit_approve", "oit_return"):
        starts = ("pending", "changing")  # a change request is approved or returned too
    allowed_roles = ("editor", "admin", "sysadmin") if needed == "editor" else ("admin", "sysadmin")
    if role not in allowed_roles:
        return "denied"
    return "ok" if state in starts else "invalid"


def _resource(dataset):
    return dataset["resources"][0]["id"]


PATHS = {
    "package_update": (write_outcome, lambda d: ("package_update", dict(
        {k: v for k, v in d.items() if k not in ("resources", "organization")}, notes="แก้ไข"))),
    "package_patch": (write_outcome, lambda d: ("package_patch", {"id": d["id"], "notes": "แก้ไข"})),
    "package_revise": (write_outcome, lambda d: ("package_revise", {
        "match": {"id": d["id"]}, "update": {"notes": "แก้ไข"}})),
    "resource_create": (write_outcome, lambda d: ("resource_create", {
        "package_id": d["id"], "name": "ใหม่", "url": "http://example.go.th/new.pdf"})),
    "resource_update": (write_outcome, lambda d: ("resource_update", {
        "id": _resource(d), "name": "แก้ไข", "url": "http://example.go.th/fixed.pdf"})),
    "resource_patch": (write_outcome, lambda d: ("resource_patch", {"id": _resource(d), "name": "แก้ไข"})),
    "resource_delete": (write_outcome, lambda d: ("resource_delete", {"id": _resource(d)})),
    "package_delete": (delete_outcome, lambda d: ("package_delete", {"id": d["id"]})),
    "resource_view_create": (view_outcome, lambda d: ("resource_view_create", {
        "resource_id": _resource(d), "view_type": "image_view", "title": "ภาพ"})),
    "datastore_create": (datastore_outcome, lambda d: ("datastore_create", {
        "resource_id": _resource(d), "force": True, "fields": [{"id": "งาน", "type": "text"}],
        "records": [{"งาน": "กระดาษ"}]})),
}
TRANSITIONS = ("oit_submit", "oit_approve", "oit_return", "oit_withdraw")


def _held_operations(package_id):
    request = change_requests.open_request(package_id) if package_id is not None else None
    return len(request.ops()) if request is not None else 0


def attempt(office, role, action, data, package_id=None):
    held = _held_operations(package_id)
    try:
        result = office.act(role, action, **data)
    except tk.NotAuthorized:
        return "denied", None
    except tk.ValidationError as error:
        return "invalid", error
    if _held_operations(package_id) > held:
        return "change", result
    return "ok", result


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", list(PATHS))
def test_write_paths(office, role, state, path):
    outcome_of, make = PATHS[path]
    dataset = office.dataset(state)
    before = tk.get_action("package_show")({"ignore_auth": True}, {"id": dataset["id"]})
    action, data = make(dataset)
    got, _ = attempt(office, role, action, data, package_id=dataset["id"])
    assert got == outcome_of(role, state)
    after = tk.get_action("package_show")({"ignore_auth": True}, {"id": dataset["id"]})
    # whatever happened, visibility still follows the state only
    assert after["private"] is (after["oit_status"] != "published")
    if got in ("denied", "change", "invalid"):
        for key in ("notes", "private", "oit_status", "state"):
            assert after.get(key) == before.get(key)
        assert [(r["id"], r["name"], r["url"]) for r in after["resources"]] == \
            [(r["id"], r["name"], r["url"]) for r in before["resources"]]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("transition", TRANSITIONS)
def test_transitions(office, role, state, transition):
    dataset = office.dataset(state)
    data = {"id": dataset["id"], "comment": "เหตุผล"}
    got, _ = attempt(office, role, transition, data)
    assert got == transition_outcome(transition, role, state)


@pytest.mark.parametrize("action", ["bulk_update_public", "bulk_update_private", "bulk_update_delete"])
@pytest.mark.parametrize("role", ["editor", "admin", "sysadmin"])
@pytest.mark.parametrize("state", ["draft", "published"])
def test_bulk_visibility_changes_are_refused_for_oit_datasets(office, action, role, state):
    dataset = office.dataset(state)
    got, _ = attempt(office, role, action, {"datasets": [dataset["id"]], "org_id": office.org["id"]})
    # CKAN lets only organisation admins use the bulk actions at all
    allowed = action == "bulk_update_delete" and state == "draft" and role != "editor"
    assert got == ("ok" if allowed else "denied")
    after = tk.get_action("package_show")({"ignore_auth": True}, {"id": dataset["id"]})
    assert after["private"] is (after["oit_status"] != "published")


@pytest.mark.parametrize("state, outcome", [("draft", "ok"), ("published", "change")])
def test_moving_to_another_organisation(office, state, outcome):
    """A draft moves; a published dataset's move waits for approval like any change."""
    dataset = office.dataset(state)
    tk.get_action("organization_member_create")({"ignore_auth": True}, {
        "id": office.other_org["id"], "username": office.users["admin"]["name"], "role": "admin"})
    model.repo.commit()
    got, _ = attempt(office, "admin", "package_patch",
                     {"id": dataset["id"], "owner_org": office.other_org["id"]}, package_id=dataset["id"])
    assert got == outcome
    moved = tk.get_action("package_show")({"ignore_auth": True}, {"id": dataset["id"]})
    assert (moved["owner_org"] == office.other_org["id"]) is (outcome == "ok")
    # the direct action is CKAN's sysadmins' only
    got, _ = attempt(office, "admin", "package_owner_org_update",
                     {"id": dataset["id"], "organization_id": office.org["id"]})
    assert got == "denied"
