"""Every read path × every actor × every workflow state: nothing of a dataset
that is not public reaches an outsider, through the API or the pages.

The write paths are in test_workflow_security.py; together they are the
authorisation matrix of issue 12. Datasets are made once for the module (the
reads change nothing).
"""
from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage

import ckan.plugins
import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.oit import compat

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("with_plugins")]

STATES = ("draft", "pending", "returned", "published", "withdrawn", "changing")
ACTORS = ("anonymous", "stranger", "member", "editor", "admin", "officer", "other_editor", "other_admin",
          "sysadmin")
INSIDERS = ("member", "editor", "admin", "officer", "sysadmin")
PUBLIC_STATES = ("published", "changing")
SECRET = "ข้อความที่ยังไม่อนุมัติ"  # an edit held in the change request


@pytest.fixture(scope="module")
def world(shared_office):
    ckan.plugins.load_all()  # as shared_office: module fixtures run before with_plugins
    try:
        return _world(shared_office)
    finally:
        compat.unload_plugins()


def _world(office):
    tag = lambda state: f"คำ{state}"  # noqa: E731
    users = dict(office.users)
    users["stranger"] = factories.User()
    users["other_editor"] = factories.User()
    tk.get_action("organization_member_create")({"ignore_auth": True}, {
        "id": office.other_org["id"], "username": users["other_editor"]["name"], "role": "editor"})
    users["officer"] = factories.User()
    tk.get_action("organization_member_create")({"ignore_auth": True}, {
        "id": office.org["id"], "username": users["officer"]["name"], "role": "editor"})
    tk.get_action("oit_complaint_officer_add")({"user": users["sysadmin"]["name"]}, {
        "organization": office.org["id"], "user": users["officer"]["name"]})
    tokens = {role: factories.APIToken(user=user["name"])["token"] for role, user in users.items() if user}
    made = {}
    for state in STATES:
        dataset = office.dataset("draft", tag_string=tag(state))
        upload = FileStorage(stream=io.BytesIO("ลำดับ,งาน\n1,กระดาษ\n".encode()), filename="rows.csv")
        resource = office.act("editor", "resource_create", package_id=dataset["id"], name="ตาราง",
                              url="", upload=upload)
        office.act("editor", "datastore_create", resource_id=resource["id"], force=True,
                   fields=[{"id": "งาน", "type": "text"}], records=[{"งาน": "กระดาษ"}])
        office.act("editor", "resource_view_create", resource_id=resource["id"], view_type="image_view",
                   title="ภาพ")
        final = office.move(dataset["id"], "published" if state == "changing" else state)
        if state == "changing":
            office.act("editor", "package_patch", id=dataset["id"], notes=SECRET)
        made[state] = {"dataset": final, "resource": resource, "tag": tag(state)}
    return {"office": office, "tokens": tokens, "made": made}


def _get(app, world, actor, url):
    token = world["tokens"].get(actor)
    return app.get(url, headers={"Authorization": token} if token else {})


def _api(app, world, actor, action, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return _get(app, world, actor, f"/api/3/action/{action}?{query}")


def _ok(response) -> bool:
    return response.status_code == 200


READS = {
    "package_show": lambda app, w, a, m: _ok(_api(app, w, a, "package_show", id=m["dataset"]["id"])),
    "resource_show": lambda app, w, a, m: _ok(_api(app, w, a, "resource_show", id=m["resource"]["id"])),
    "datastore_search": lambda app, w, a, m: _ok(_api(app, w, a, "datastore_search",
                                                      resource_id=m["resource"]["id"])),
    "package_search": lambda app, w, a, m: _api(
        app, w, a, "package_search", q=f"id:{m['dataset']['id']}", include_private="true",
        include_drafts="true").json["result"]["count"] == 1,
    "package_activity_list": lambda app, w, a, m: _ok(_api(app, w, a, "package_activity_list",
                                                           id=m["dataset"]["id"])),
    "resource_view_list": lambda app, w, a, m: _ok(_api(app, w, a, "resource_view_list",
                                                        id=m["resource"]["id"])),
    "tag_show": lambda app, w, a, m: _ok(_api(app, w, a, "tag_show", id=m["tag"])),
    "dataset_page": lambda app, w, a, m: _ok(_get(app, w, a, f"/dataset/{m['dataset']['name']}")),
    "resource_page": lambda app, w, a, m: _ok(_get(
        app, w, a, f"/dataset/{m['dataset']['name']}/resource/{m['resource']['id']}")),
    "download": lambda app, w, a, m: _ok(_get(
        app, w, a, f"/dataset/{m['dataset']['id']}/resource/{m['resource']['id']}/download/rows.csv")),
    "oit_audit_list": lambda app, w, a, m: _ok(_api(app, w, a, "oit_audit_list", id=m["dataset"]["id"])),
    "oit_change_request_list": lambda app, w, a, m: _ok(_api(app, w, a, "oit_change_request_list",
                                                             id=m["dataset"]["id"])),
}


def expected(read: str, actor: str, state: str) -> bool:
    if read == "tag_show":
        return state in PUBLIC_STATES or actor == "sysadmin"  # tags of drafts stay private
    if read == "oit_audit_list":
        return actor in INSIDERS
    if read == "oit_change_request_list":
        return actor in INSIDERS and actor != "member"
    return state in PUBLIC_STATES or actor in INSIDERS


@pytest.mark.parametrize("read", list(READS))
def test_read_paths(app, world, read):
    """One read, every actor × state (54 cases; one app for them all, as CKAN's
    test app is made anew for each test)."""
    seen = {(actor, state): READS[read](app, world, actor, world["made"][state])
            for actor in ACTORS for state in STATES}
    wanted = {(actor, state): expected(read, actor, state) for actor in ACTORS for state in STATES}
    assert {case: got for case, got in seen.items() if got != wanted[case]} == {}


def test_the_matrix_has_the_cases_it_claims():
    assert len(READS) * len(ACTORS) * len(STATES) >= 500


def test_a_change_request_stays_with_the_organisation_until_approved(app, world):
    made = world["made"]["changing"]
    for actor in ACTORS:
        shown = _api(app, world, actor, "package_show", id=made["dataset"]["id"]).json["result"]
        assert shown.get("notes") != SECRET, actor
        page = _get(app, world, actor, f"/dataset/{made['dataset']['name']}").body
        assert SECRET not in page, actor
