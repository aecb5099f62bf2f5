"""The holes an attacker found in the workflow, each tried again through the
Action API with the attacker's own token (issue 12)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories

from ckanext.oit import audit

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


class Api:
    """Action API calls as a given user, the way a script with a token makes them."""

    def __init__(self, app):
        self.app = app
        self.tokens: dict[str, str] = {}

    def __call__(self, user: dict | None, action: str, **data):
        headers = {}
        if user is not None:
            if user["name"] not in self.tokens:
                self.tokens[user["name"]] = factories.APIToken(user=user["name"])["token"]
            headers["Authorization"] = self.tokens[user["name"]]
        response = self.app.post(f"/api/3/action/{action}", json=data, headers=headers)
        return response.status_code, response.json


@pytest.fixture
def api(app):
    return Api(app)


def show(dataset_id: str) -> dict:
    return tk.get_action("package_show")({"ignore_auth": True}, {"id": dataset_id})


def events_of(dataset_id: str, action: str) -> list:
    return [e for e in audit.events(package_id=dataset_id) if e.action == action]


def refused(status: int, body: dict) -> bool:
    return status == 403 and body["success"] is False


# --- 1. parents come from the stored object ---------------------------------

def test_a_resource_of_a_published_dataset_is_not_changed_through_a_draft_package_id(office, api):
    published = office.dataset("published")
    draft = office.dataset("draft")
    resource = published["resources"][0]
    editor = office.users["editor"]
    for action, data in (("resource_update", {"name": "แก้แล้ว", "url": "http://evil.example/x.pdf"}),
                         ("resource_patch", {"name": "แก้แล้ว"}),
                         ("resource_delete", {})):
        status, body = api(editor, action, id=resource["id"], package_id=draft["id"], **data)
        assert refused(status, body), (action, status, body)
        assert "another dataset" in body["error"]["message"]
    after = show(published["id"])
    assert [(r["id"], r["name"], r["url"]) for r in after["resources"]] == \
        [(resource["id"], resource["name"], resource["url"])]
    assert show(draft["id"])["num_resources"] == 1


def test_a_view_cannot_be_moved_or_deleted_through_a_foreign_resource_id(office, api):
    published = office.dataset("published")
    resource_id = published["resources"][0]["id"]
    view = tk.get_action("resource_view_create")(
        {"user": office.users["admin"]["name"]},
        {"resource_id": resource_id, "view_type": "image_view", "title": "ภาพ"})
    # An admin of another organisation with a draft of his own.
    other = office.users["other_admin"]
    own = tk.get_action("package_create")({"user": other["name"]}, dict(
        type="oit-procurement", owner_org=office.other_org["id"], item_key="procurement-monthly-summary",
        fiscal_year="2569", period="2025-10", resources=[{"name": "ไฟล์", "url": "http://x.go.th/a.pdf"}]))
    own_resource = own["resources"][0]["id"]
    status, body = api(other, "resource_view_update", id=view["id"], resource_id=own_resource, title="ของฉัน")
    assert refused(status, body), body
    status, body = api(other, "resource_view_delete", id=view["id"], resource_id=own_resource)
    assert refused(status, body), body
    stored = model.ResourceView.get(view["id"])
    assert (stored.resource_id, stored.title) == (resource_id, "ภาพ")
    # the director of the dataset may not move it either
    status, body = api(office.users["admin"], "resource_view_update", id=view["id"],
                       resource_id=own_resource, title="ย้าย")
    assert refused(status, body), body
    assert model.ResourceView.get(view["id"]).resource_id == resource_id


def test_views_of_another_organisations_draft_are_out_of_reach(office, api):
    draft = office.dataset("draft")
    view = tk.get_action("resource_view_create")(
        {"user": office.users["editor"]["name"]},
        {"resource_id": draft["resources"][0]["id"], "view_type": "image_view", "title": "ภาพ"})
    status, body = api(office.users["other_admin"], "resource_view_delete", id=view["id"])
    assert refused(status, body), body
    assert model.ResourceView.get(view["id"]) is not None


# --- 2. every dataset goes through the workflow ------------------------------

@pytest.mark.parametrize("kind", ["dataset", "oit-fake", "oit-procurement ", "OIT-procurement", ""])
def test_types_outside_the_registered_schemas_are_refused(office, api, kind):
    data = dict(name=f"forged-{abs(hash(kind)) % 10000}", title="ชุดปลอม", owner_org=office.org["id"],
                private=False, extras=[{"key": "oit_status", "value": "published"}])
    if kind:
        data["type"] = kind
    status, body = api(office.users["editor"], "package_create", **data)
    assert status == 409, body
    assert "type" in body["error"]
    assert model.Session.query(model.Package).filter_by(name=data["name"]).count() == 0


def test_workflow_fields_are_never_written_through_extras_or_fields(office, api):
    editor = office.users["editor"]
    base = dict(type="oit-procurement", owner_org=office.org["id"], item_key="procurement-monthly-summary",
                fiscal_year="2569", period="2025-11", private=False)
    status, body = api(editor, "package_create", **base, extras=[{"key": "oit_status", "value": "published"},
                                                                  {"key": "oit_approved_at", "value": "2026-01-01"}])
    assert status == 409 and "extras" in body["error"], body
    # As fields, the stored values win: a draft, private.
    status, body = api(editor, "package_create", **base, oit_status="published",
                       oit_approved_by=office.users["admin"]["id"], oit_approved_at="2026-01-01T00:00:00")
    assert status == 200, body
    made = show(body["result"]["id"])
    office.made_ids.append(made["id"])
    assert (made["oit_status"], made["private"], made.get("oit_approved_by"), made.get("oit_approved_at")) == \
        ("draft", True, None, None)
    status, body = api(editor, "package_patch", id=made["id"],
                       extras=[{"key": "oit_status", "value": "published"}])
    assert status == 409 and "extras" in body["error"], body
    status, body = api(editor, "package_patch", id=made["id"], type="oit-budget")
    assert refused(status, body), body
    assert (show(made["id"])["oit_status"], show(made["id"])["type"]) == ("draft", "oit-procurement")


@pytest.mark.unaudited("it plants a dataset in the database behind the actions")
def test_a_dataset_of_an_unknown_type_does_not_break_pages_for_others(office, app):
    """One that got in outside the actions (an old import, a hand edit of the database)."""
    published = office.dataset("published")
    bad = model.Package(name="left-over", title="ชุดข้อมูลที่หลงมา", type="oit-fake", private=False,
                        owner_org=office.org["id"], state="active")
    model.Session.add(bad)
    model.Session.commit()
    from ckan.lib.search import rebuild

    rebuild(bad.id)
    for url in ("/", "/dataset/", f"/organization/{office.org['name']}", f"/dataset/{published['name']}"):
        assert app.get(url).status_code == 200, url


# --- 6. pending is frozen ----------------------------------------------------

def test_a_pending_datasets_table_and_views_stay_as_the_director_saw_them(office, api):
    dataset = office.dataset("draft")
    resource_id = dataset["resources"][0]["id"]
    tk.get_action("datastore_create")({"user": office.users["editor"]["name"]}, {
        "resource_id": resource_id, "force": True, "fields": [{"id": "งาน", "type": "text"}],
        "records": [{"งาน": "กระดาษ"}]})
    view = tk.get_action("resource_view_create")(
        {"user": office.users["editor"]["name"]},
        {"resource_id": resource_id, "view_type": "image_view", "title": "ภาพ"})
    office.move(dataset["id"], "pending")
    for role in ("editor", "admin", "sysadmin"):
        user = office.users[role]
        for action, data in (
                ("datastore_upsert", {"resource_id": resource_id, "force": True, "method": "insert",
                                      "records": [{"งาน": "ปากกา"}]}),
                ("datastore_delete", {"resource_id": resource_id, "force": True, "filters": {}}),
                ("datastore_records_delete", {"resource_id": resource_id, "force": True, "filters": {}}),
                ("resource_view_create", {"resource_id": resource_id, "view_type": "image_view", "title": "x"}),
                ("resource_view_update", {"id": view["id"], "resource_id": resource_id, "title": "x",
                                          "view_type": "image_view"}),
                ("resource_view_delete", {"id": view["id"]})):
            status, body = api(user, action, **data)
            assert refused(status, body), (role, action, body)
            assert "awaits approval" in body["error"]["message"]
    rows = tk.get_action("datastore_search")({"ignore_auth": True}, {"resource_id": resource_id})["records"]
    assert [r["งาน"] for r in rows] == ["กระดาษ"]
    assert [v["title"] for v in tk.get_action("resource_view_list")({"ignore_auth": True}, {"id": resource_id})
            if v["view_type"] == "image_view"] == ["ภาพ"]


# --- 9. every write leaves a trace -------------------------------------------

def test_writes_outside_the_transitions_leave_audit_events(office, api):
    published = office.dataset("published")
    resource_id = published["resources"][0]["id"]
    status, body = api(office.users["admin"], "resource_view_create", resource_id=resource_id,
                       view_type="image_view", title="ภาพ")
    assert status == 200, body
    assert events_of(published["id"], "resource_view_create")[-1].actor_name == office.users["admin"]["name"]

    sysadmin = office.users["sysadmin"]
    status, body = api(sysadmin, "datastore_create", resource_id=resource_id, force=True,
                       fields=[{"id": "งาน", "type": "text"}], records=[{"งาน": "กระดาษ"}])
    assert status == 200, body
    event = events_of(published["id"], "datastore_create")[-1]
    assert event.actor_name == sysadmin["name"] and audit.event_dict(event)["after"]["rows"] == 1

    draft = office.dataset("draft")
    status, body = api(sysadmin, "package_owner_org_update", id=draft["id"], organization_id=office.other_org["id"])
    assert status == 200, body
    moved = audit.event_dict(events_of(draft["id"], "owner_org_update")[-1])
    assert (moved["before"], moved["after"]) == ({"owner_org": office.org["id"]}, {"owner_org": office.other_org["id"]})

    group = factories.Group(user=sysadmin)
    status, body = api(sysadmin, "member_create", id=group["id"], object=published["id"],
                       object_type="package", capacity="public")
    assert status == 200, body
    assert events_of(published["id"], "member_create")
    status, body = api(sysadmin, "member_delete", id=group["id"], object=published["id"], object_type="package")
    assert status == 200, body
    assert events_of(published["id"], "member_delete")

    gone = office.dataset("withdrawn")
    office.made_ids.remove(gone["id"])
    status, body = api(sysadmin, "dataset_purge", id=gone["id"])
    assert status == 200, body
    assert model.Package.get(gone["id"]) is None
    purge = events_of(gone["id"], "dataset_purge")
    assert purge and purge[-1].owner_org == office.org["id"]
    assert audit.verify().ok


# --- 10. the public face is the agency's ------------------------------------

def test_outsiders_cannot_put_an_agencys_datasets_in_their_groups(office, api):
    published = office.dataset("published")
    stranger = factories.User()
    group = factories.Group(user=stranger)
    status, body = api(stranger, "member_create", id=group["id"], object=published["id"],
                       object_type="package", capacity="public")
    assert refused(status, body), body
    status, body = api(stranger, "group_patch", id=group["id"], packages=[{"id": published["id"]}])
    assert refused(status, body), body
    # even the agency's own director: groups are not part of an OIT disclosure
    status, body = api(office.users["admin"], "member_create", id=group["id"], object=published["id"],
                       object_type="package", capacity="public")
    assert refused(status, body), body
    assert show(published["id"])["groups"] == []


def test_no_relationship_links_a_published_dataset_to_a_draft(office, api, app):
    published = office.dataset("published")
    draft = office.dataset("draft")
    for role in ("editor", "admin", "sysadmin"):
        status, body = api(office.users[role], "package_relationship_create", subject=published["id"],
                           object=draft["id"], type="links_to")
        assert refused(status, body), (role, body)
    public = app.get(f"/api/3/action/package_show?id={published['id']}").json["result"]
    assert public["relationships_as_subject"] == [] and draft["name"] not in str(public)


# --- 11. smaller leaks -------------------------------------------------------

def test_tags_of_drafts_do_not_reach_the_public(office, api, app):
    draft = office.dataset("draft", tag_string="ลับเฉพาะร่าง")
    published = office.dataset("published", tag_string="จัดซื้อวัสดุ")
    anonymous_reads = {
        "tag_list": lambda: app.get("/api/3/action/tag_list").json["result"],
        "tag_autocomplete": lambda: app.get("/api/3/action/tag_autocomplete?q=" + "ลับ").json["result"]
        + app.get("/api/3/action/tag_autocomplete?q=" + "จัด").json["result"],
        "tag_search": lambda: [t["name"] for t in app.get("/api/3/action/tag_search?query=" + "ลับ").json["result"]
                               ["results"]] + [t["name"] for t in app.get(
                                   "/api/3/action/tag_search?query=" + "จัด").json["result"]["results"]],
    }
    for name, read in anonymous_reads.items():
        assert read() == ["จัดซื้อวัสดุ"], name
    assert app.get("/api/3/action/tag_show?id=" + "ลับเฉพาะร่าง").status_code == 404
    assert app.get("/api/3/action/tag_show?id=" + "จัดซื้อวัสดุ").status_code == 200
    # the organisation's staff still see their own words where CKAN lists them by dataset
    assert "ลับเฉพาะร่าง" in [t["name"] for t in office.act("editor", "package_show", id=draft["id"])["tags"]]
    office.move(draft["id"], "pending")
    office.act("admin", "oit_approve", id=draft["id"])
    assert sorted(app.get("/api/3/action/tag_list").json["result"]) == sorted(["จัดซื้อวัสดุ", "ลับเฉพาะร่าง"])
    assert published["name"]


def test_datastore_create_without_a_resource_is_a_clear_error(office, api):
    draft = office.dataset("draft")
    status, body = api(office.users["editor"], "datastore_create", package_id=draft["id"])
    assert status == 409, body
    assert "resource_id" in body["error"]


def test_policy_wrappers_keep_reads_callable_by_get(app):
    # a chained read keeps CKAN's side-effect-free mark, so GET still works
    assert app.get("/api/3/action/tag_list").status_code == 200
    assert app.get("/api/3/action/format_autocomplete?q=c").status_code == 200


def test_purge_of_an_organisation_with_datasets_is_a_sysadmins_only(office, api):
    draft = office.dataset("draft")
    status, body = api(office.users["admin"], "organization_purge", id=office.org["id"])
    assert refused(status, body), body
    assert model.Package.get(draft["id"]).owner_org == office.org["id"]
    count = model.Session.execute(sa.text("SELECT count(*) FROM package WHERE owner_org IS NULL")).scalar()
    assert count == 0


# --- found by the attack after the first fixes --------------------------------

def test_the_object_type_of_a_membership_is_read_as_ckan_reads_it(office, api):
    published = office.dataset("published")
    stranger = factories.User()
    group = factories.Group(user=stranger)
    for spelling in ("PACKAGE", "Package", "pAcKaGe"):
        status, body = api(stranger, "member_create", id=group["id"], object=published["id"],
                           object_type=spelling, capacity="public")
        assert refused(status, body), (spelling, body)
    assert show(published["id"])["groups"] == []


def test_organisations_cannot_take_datasets_through_packages(office, api):
    published = office.dataset("published")
    stranger = factories.Sysadmin()  # even one who may create organisations
    status, body = api(stranger, "organization_create", name="x-org-take", packages=[{"id": published["id"]}])
    assert refused(status, body), body
    status, body = api(office.users["admin"], "organization_patch", id=office.other_org["id"],
                       packages=[{"id": published["id"]}])
    assert refused(status, body), body
    memberships = model.Session.query(model.Member).filter_by(table_id=published["id"], table_name="package",
                                                              state="active")
    assert [m.group_id for m in memberships] == [office.org["id"]]  # its own organisation only


def test_a_drafts_view_stays_out_of_the_public_activity_streams(office, api, app):
    draft = office.dataset("draft")
    editor = office.users["editor"]
    status, body = api(editor, "resource_view_create", resource_id=draft["resources"][0]["id"],
                       view_type="image_view", title="ชื่อมุมมองลับ", description="ผู้ชนะการเสนอราคา")
    assert status == 200, body
    public = app.get(f"/api/3/action/user_activity_list?id={editor['name']}").json["result"]
    assert "ชื่อมุมมองลับ" not in str(public) and draft["id"] not in str(public)
    assert "ชื่อมุมมองลับ" not in app.get(f"/user/activity/{editor['name']}").body


def test_the_datastore_dump_for_spreadsheets_is_our_escaped_download(office, api, app):
    published = office.dataset("published")
    resource_id = published["resources"][0]["id"]
    status, body = api(office.users["sysadmin"], "datastore_create", resource_id=resource_id, force=True,
                       fields=[{"id": "งาน", "type": "text"}],
                       records=[{"งาน": '=HYPERLINK("http://evil.example/","x")'}, {"งาน": "+cmd|' /C calc'!A0"}])
    assert status == 200, body
    csv_body = app.get(f"/datastore/dump/{resource_id}?bom=True").get_data().decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_body and "'+cmd" in csv_body and "\n=HYP" not in csv_body
    tsv = app.get(f"/datastore/dump/{resource_id}?format=tsv").get_data().decode("utf-8-sig")
    assert "'=HYPERLINK" in tsv
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(app.get(f"/datastore/dump/{resource_id}?format=xlsx")
                                              .get_data())).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells) and any(c.value == '=HYPERLINK("http://evil.example/","x")'
                                                          for c in cells)
    # machines keep the rows as stored
    stored = app.get(f"/datastore/dump/{resource_id}?format=json").get_data().decode()
    assert "=HYPERLINK" in stored and "'=HYPERLINK" not in stored


def test_lists_of_an_organisations_datasets_and_tables_hide_the_unpublished(office, app):
    draft = office.dataset("draft")
    published = office.dataset("published")
    members = app.get(f"/api/3/action/member_list?id={office.org['id']}&object_type=package").json["result"]
    ids = [m[0] for m in members]
    assert published["id"] in ids and draft["id"] not in ids
    assert app.get("/api/3/action/datastore_search?resource_id=_table_metadata").status_code == 403


@pytest.mark.parametrize("action, data, field", [
    ("oit_submit", {"id": "abc\u0000def"}, "id"),
    ("resource_view_create", {"resource_id": "x\u0000"}, "resource_id"),
    ("package_update", {"id": ["x"]}, "id"),
    ("resource_delete", {"id": {"a": 1}}, "id"),
    ("bulk_update_public", {"datasets": "abc", "org_id": "x"}, "datasets"),
    ("resource_view_reorder", {"id": "x", "order": -1}, "order"),
    ("package_create_default_resource_views", {"package": ["x"]}, "package"),
    ("package_patch", {"id": "x", "extras": {"oit_status": "published"}}, "extras"),
    ("datastore_run_triggers", {}, "resource_id"),
    ("oit_framework_show", {"fiscal_year": True}, "fiscal_year"),
])
def test_input_no_action_can_take_is_a_validation_error_naming_the_field(office, api, action, data, field):
    status, body = api(office.users["editor"], action, **data)
    assert status == 409, body
    assert field in body["error"]


def test_a_visitor_asking_for_collaborators_is_refused_not_an_error(office, app):
    draft = office.dataset("draft")
    assert app.get(f"/api/3/action/package_collaborator_list?id={draft['id']}").status_code == 403


def test_the_edit_forms_naming_the_dataset_by_name_still_work(office, api):
    """CKAN's forms send the dataset's name as id and as a resource's package_id."""
    draft = office.dataset("draft")
    resource = draft["resources"][0]
    status, body = api(office.users["editor"], "resource_update", id=resource["id"], package_id=draft["name"],
                       name="แก้ชื่อ", url=resource["url"])
    assert status == 200, body
    assert show(draft["id"])["resources"][0]["name"] == "แก้ชื่อ"
    published = office.dataset("published")
    fields = {k: v for k, v in show(published["id"]).items() if k not in ("resources", "organization", "tags",
                                                                          "groups")}
    status, body = api(office.users["editor"], "package_update", **dict(fields, id=published["name"],
                                                                       notes="แก้ไขจากแบบฟอร์ม"))
    assert status == 200, body
    assert body["result"]["oit_change_request"]["operation_count"] == 1
    assert show(published["id"]).get("notes") != "แก้ไขจากแบบฟอร์ม"
