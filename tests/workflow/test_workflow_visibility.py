"""Nothing that is not published is visible outside its organisation:
not the dataset, its resources, their files, DataStore rows or activity."""
from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan.tests import factories


pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

HIDDEN_STATES = ("draft", "pending", "returned", "withdrawn")


def prepared(office, state):
    """A dataset in ``state`` with an uploaded file and DataStore rows."""
    dataset = office.dataset("draft")
    upload = FileStorage(stream=io.BytesIO("ลำดับ,งาน\n1,กระดาษ\n".encode()), filename="rows.csv")
    resource = office.act("editor", "resource_create", package_id=dataset["id"], name="ตาราง",
                          url="", upload=upload)
    office.act("editor", "datastore_create", resource_id=resource["id"], force=True,
               fields=[{"id": "งาน", "type": "text"}], records=[{"งาน": "กระดาษ"}])
    return office.move(dataset["id"], state), resource


def outsider_contexts(office):
    stranger = factories.User()
    return {
        "anonymous": {"user": ""},
        "stranger": {"user": stranger["name"]},
        "other_admin": {"user": office.users["other_admin"]["name"]},
    }


def readable(context, action, data) -> bool:
    try:
        result = tk.get_action(action)(dict(context, ignore_auth=False), data)
    except (tk.NotAuthorized, tk.ObjectNotFound, tk.ValidationError):
        return False
    return bool(result)


def found_by_search(context, dataset) -> bool:
    result = tk.get_action("package_search")(dict(context), {
        "q": f"id:{dataset['id']}", "include_private": True, "include_drafts": True})
    return result["count"] > 0


def in_activity(context, action, data, dataset) -> bool:
    try:
        activities = tk.get_action(action)(dict(context, ignore_auth=False), data)
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False
    return any(a.get("object_id") == dataset["id"] for a in activities)


def test_hidden_states_stay_inside_the_organisation(office, app):
    for state in HIDDEN_STATES:
        dataset, resource = prepared(office, state)
        for who, context in outsider_contexts(office).items():
            where = f"{state} / {who}"
            assert not readable(context, "package_show", {"id": dataset["id"]}), where
            assert not found_by_search(context, dataset), where
            assert not readable(context, "resource_show", {"id": resource["id"]}), where
            assert not readable(context, "datastore_search", {"resource_id": resource["id"]}), where
            assert not readable(context, "package_activity_list", {"id": dataset["id"]}), where
            assert not in_activity(context, "organization_activity_list", {"id": office.org["id"]}, dataset), where
            assert not in_activity(context, "recently_changed_packages_activity_list", {}, dataset), where
            assert not readable(context, "oit_audit_list", {"id": dataset["id"]}), where
            assert not readable(context, "oit_change_request_list", {"id": dataset["id"]}), where
            sql = f'SELECT * FROM "{resource["id"]}"'
            assert not readable(context, "datastore_search_sql", {"sql": sql}), where
        # pages and the file, for an anonymous visitor
        assert app.get(f"/oit-procurement/{dataset['name']}").status_code == 404, state
        assert app.get(f"/oit-procurement/{dataset['name']}/resource/{resource['id']}").status_code == 404, state
        assert app.get(resource["url"].replace("http://test.ckan.net", "")).status_code in (403, 404), state
        # inside the organisation, a member reads it
        member = {"user": office.users["member"]["name"]}
        assert readable(member, "package_show", {"id": dataset["id"]}), state
        assert found_by_search(member, dataset), state


def test_a_published_dataset_is_public_with_its_file_and_rows(office, app):
    dataset, resource = prepared(office, "published")
    anonymous = {"user": ""}
    assert readable(anonymous, "package_show", {"id": dataset["id"]})
    assert found_by_search(anonymous, dataset)
    assert readable(anonymous, "datastore_search", {"resource_id": resource["id"]})
    assert app.get(f"/oit-procurement/{dataset['name']}").status_code == 200
    download = app.get(resource["url"].replace("http://test.ckan.net", ""))
    assert download.status_code == 200 and "กระดาษ" in download.get_data(as_text=True)
