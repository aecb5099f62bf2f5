"""Four eyes: nobody approves work of their own (issue 12, hole 4), and what the
change-request and audit actions answer to what they are given."""
from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories

from ckanext.oit.i18n_dates import as_display_time, thai_datetime
from ckanext.oit import thai_calendar
from ckanext.oit.workflow import change_requests

pytestmark = pytest.mark.usefixtures("with_plugins")

OWN_CHANGE = ("คำขอแก้ไขนี้มีการแก้ไขของท่านอยู่ด้วย จึงอนุมัติเองไม่ได้ ผู้อนุมัติต้องเป็นอีกคนหนึ่ง / "
              "This change request contains a change of yours, so someone else must approve it")
OWN_CONTENT = ("ท่านแก้ไขเนื้อหาของชุดข้อมูลนี้ตั้งแต่การอนุมัติครั้งก่อน จึงอนุมัติเองไม่ได้ ผู้อนุมัติต้องเป็นอีกคนหนึ่ง / "
               "You changed this dataset's content since it was last approved, so someone else must approve it")
OWN_SUBMISSION = ("ผู้เสนอไม่อาจอนุมัติเรื่องที่ตนเสนอเอง / "
                  "The person who submitted cannot approve the same submission")


@pytest.fixture
def office(shared_office):
    """The shared office plus a deputy director (a second admin) and a second sysadmin."""
    if "deputy" not in shared_office.users:
        deputy, root2 = factories.User(), factories.Sysadmin()
        tk.get_action("organization_member_create")({"ignore_auth": True}, {
            "id": shared_office.org["id"], "username": deputy["name"], "role": "admin"})
        shared_office.users.update(deputy=deputy, sysadmin2=root2)
    yield shared_office
    shared_office.purge_made()


def refused(office, role, action, **data) -> str:
    with pytest.raises(tk.NotAuthorized) as failure:
        office.act(role, action, **data)
    return str(failure.value)


def public(dataset_id: str) -> dict:
    return tk.get_action("package_show")({"user": ""}, {"id": dataset_id})


def the_request(dataset_id: str):
    model.Session.expire_all()
    return change_requests.open_request(dataset_id)


def test_a_second_person_cannot_add_to_someone_elses_change_request(office):
    published = office.dataset("published")
    office.act("editor", "package_patch", id=published["id"], notes="staff's correction")
    request = the_request(published["id"])
    opened = as_display_time(request.requested_at)
    editor = office.users["editor"]
    expected = (
        f"ชุดข้อมูลนี้มีคำขอแก้ไข {request.id} ของ {editor['fullname']} เปิดอยู่ตั้งแต่ "
        f"{thai_datetime(opened, with_hours=True)} "
        f"เสนอการแก้ไขของท่านได้เมื่อคำขอนั้นได้รับการอนุมัติหรือส่งคืนแล้ว / "
        f"This dataset has an open change request {request.id} by {editor['fullname']}, opened "
        f"{thai_calendar.format_date(opened.date(), 'long', 'en')} {opened:%H:%M}; "
        f"propose your change once that request is approved or returned")

    # the director's own edit, by every path that holds a change: refused, not merged
    attempts = [
        ("package_patch", {"id": published["id"], "notes": "director's edit"}),
        ("resource_create", {"package_id": published["id"], "name": "ภาคผนวก", "url": "http://example.go.th/a.pdf"}),
        ("resource_patch", {"id": published["resources"][0]["id"], "name": "แก้โดยผู้อำนวยการ"}),
        ("resource_delete", {"id": published["resources"][0]["id"]}),
    ]
    for action, data in attempts:
        with pytest.raises(tk.ValidationError) as failure:
            office.act("admin", action, **data)
        assert failure.value.error_dict == {"oit_change_request": [expected]}, action
    request = the_request(published["id"])
    assert [(op["action"], op["requested_by"]) for op in request.ops()] == [("package_update", editor["id"])]

    # the author's own further edits still join the request
    office.act("editor", "resource_patch", id=published["resources"][0]["id"], name="สขร.1 ฉบับแก้")
    request = the_request(published["id"])
    assert [(op["action"], op["requested_by"]) for op in request.ops()] == [
        ("package_update", editor["id"]), ("resource_update", editor["id"])]

    # once the director has decided, he may propose his own (a new request)
    office.act("admin", "oit_approve", id=published["id"])
    assert public(published["id"])["notes"] == "staff's correction"
    office.act("admin", "package_patch", id=published["id"], notes="director's edit")
    request = the_request(published["id"])
    assert request.requested_by == office.users["admin"]["id"] and len(request.ops()) == 1


def test_the_director_cannot_approve_his_own_change_request(office):
    published = office.dataset("published")
    office.act("admin", "package_patch", id=published["id"], notes="director's edit")
    assert refused(office, "admin", "oit_approve", id=published["id"]) == OWN_CHANGE
    assert public(published["id"]).get("notes") in (None, "")
    assert the_request(published["id"]).status == "open"

    # another admin of the organisation may
    office.act("deputy", "oit_approve", id=published["id"])
    assert public(published["id"])["notes"] == "director's edit"
    events = office.act("admin", "oit_audit_list", id=published["id"])
    assert [(e["action"], e["actor_name"]) for e in events[-2:]] == [
        ("change_request", office.users["admin"]["name"]), ("change_approve", office.users["deputy"]["name"])]


def test_an_operation_of_the_approver_anywhere_in_a_request_blocks_the_approval(office):
    """A request merged before the fix (staff's request, the director's op
    appended) still holds an op of the director's: he may not approve it."""
    published = office.dataset("published")
    office.act("editor", "package_patch", id=published["id"], notes="staff's correction")
    request = the_request(published["id"])
    ops = request.ops()
    ops.append({"action": "resource_delete", "data": {"id": published["resources"][0]["id"]}, "upload": None,
                "requested_by": office.users["admin"]["id"], "requested_at": ops[0]["requested_at"]})
    request.set_ops(ops)
    model.repo.commit()

    assert refused(office, "admin", "oit_approve", id=published["id"]) == OWN_CHANGE
    assert [r["name"] for r in public(published["id"])["resources"]] == ["สขร.1"]
    office.act("deputy", "oit_approve", id=published["id"])
    shown = public(published["id"])
    assert shown["notes"] == "staff's correction" and shown["resources"] == []


def test_sysadmins_do_not_approve_their_own_work_either(office):
    # a yearly procurement item of the 2569 list (O12), so no month of office.dataset() clashes
    mine = office.act("sysadmin", "package_create", type="oit-procurement", owner_org=office.org["id"],
                      item_key="procurement-annual-report", fiscal_year="2569")
    office.made_ids.append(mine["id"])
    office.act("sysadmin", "oit_submit", id=mine["id"])
    assert refused(office, "sysadmin", "oit_approve", id=mine["id"]) == OWN_SUBMISSION
    assert office.act("sysadmin2", "oit_approve", id=mine["id"])["oit_status"] == "published"

    # a sysadmin who changed a draft is one of its authors
    draft = office.dataset("draft")
    office.act("sysadmin", "package_patch", id=draft["id"], notes="sysadmin's edit")
    office.act("editor", "oit_submit", id=draft["id"])
    assert refused(office, "sysadmin", "oit_approve", id=draft["id"]) == OWN_CONTENT
    assert office.act("admin", "oit_approve", id=draft["id"])["notes"] == "sysadmin's edit"


def test_a_director_who_edited_a_draft_cannot_approve_it(office):
    draft = office.dataset("draft")
    office.act("admin", "package_patch", id=draft["id"], notes="director's wording")
    office.act("editor", "oit_submit", id=draft["id"])          # a colleague submits it
    assert refused(office, "admin", "oit_approve", id=draft["id"]) == OWN_CONTENT
    assert tk.get_action("package_show")({"ignore_auth": True}, {"id": draft["id"]})["oit_status"] == "pending"

    # returned and submitted again, his edit is still in what would be published
    office.act("admin", "oit_return", id=draft["id"], comment="แก้วันที่")
    office.act("editor", "package_patch", id=draft["id"], title="สรุปผลการจัดซื้อจัดจ้าง")
    office.act("editor", "oit_submit", id=draft["id"])
    assert refused(office, "admin", "oit_approve", id=draft["id"]) == OWN_CONTENT
    assert office.act("deputy", "oit_approve", id=draft["id"])["oit_status"] == "published"

    # once a second person approved it, only later changes count
    office.act("admin", "oit_withdraw", id=draft["id"], comment="ผิดเดือน")
    office.act("editor", "package_patch", id=draft["id"], notes="staff's fix")
    office.act("editor", "oit_submit", id=draft["id"])
    assert office.act("admin", "oit_approve", id=draft["id"])["oit_status"] == "published"


@pytest.mark.ckan_config("ckanext.oit.allow_self_approval", "true")
def test_self_approval_on_lets_one_person_offices_approve_their_own(office):
    published = office.dataset("published")
    office.act("admin", "package_patch", id=published["id"], notes="director's edit")
    office.act("admin", "oit_approve", id=published["id"])
    assert public(published["id"])["notes"] == "director's edit"

    draft = office.dataset("draft")
    office.act("admin", "package_patch", id=draft["id"], notes="director's wording")
    office.act("admin", "oit_submit", id=draft["id"])
    assert office.act("admin", "oit_approve", id=draft["id"])["oit_status"] == "published"
    # the option does not merge people's work: a second person still waits
    office.act("editor", "package_patch", id=draft["id"], notes="staff's correction")
    with pytest.raises(tk.ValidationError) as failure:
        office.act("admin", "package_patch", id=draft["id"], notes="director's")
    assert list(failure.value.error_dict) == ["oit_change_request"]


def _token(user) -> dict[str, str]:
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def test_change_requests_show_file_names_never_storage_paths(office, app, ckan_config):
    published = office.dataset("published")
    resource_id = published["resources"][0]["id"]
    headers = _token(office.users["editor"])
    storage = ckan_config["ckan.storage_path"]

    def upload(name):
        return FileStorage(stream=io.BytesIO("ลำดับ,งาน\n1,กระดาษ\n".encode()), filename=name,
                           content_type="text/csv")

    def api(action, **params):
        response = app.get(f"/api/3/action/{action}", query_string=params, headers=headers)
        assert response.status_code == 200, response.body
        assert storage not in response.body and "change-requests" not in response.body
        return response.json["result"]

    # open: the file's name only
    office.act("editor", "resource_update", id=resource_id, name="สขร.1", url="", upload=upload("fixed.csv"))
    (opened,) = api("oit_change_request_list", id=published["id"])
    assert api("oit_change_request_show", id=opened["id"])["operations"][0]["new_file"] == "fixed.csv"

    # returned, then approved: what was proposed, still without the server's paths
    office.act("admin", "oit_return", id=published["id"], comment="ไฟล์ผิด")
    (returned,) = api("oit_change_request_list", id=published["id"], status="returned")
    (op,) = api("oit_change_request_show", id=returned["id"])["operations"]
    assert set(op) == {"action", "requested_by", "requested_at", "data", "new_file"}
    assert (op["action"], op["new_file"], op["data"]["name"]) == ("resource_update", "fixed.csv", "สขร.1")

    office.act("editor", "resource_update", id=resource_id, name="สขร.1", url="", upload=upload("fixed-2.csv"))
    office.act("admin", "oit_approve", id=published["id"])
    (approved,) = api("oit_change_request_list", id=published["id"], status="approved")
    (op,) = api("oit_change_request_show", id=approved["id"])["operations"]
    assert (op["new_file"], "upload" in op) == ("fixed-2.csv", False)
    assert api("oit_audit_list", id=published["id"])[-1]["action"] == "change_approve"


def test_bad_numbers_and_dates_are_a_validation_error_naming_the_field(office, app):
    dataset = office.dataset("pending")
    headers = _token(office.users["admin"])

    def error(action, method="get", **params):
        if method == "get":
            response = app.get(f"/api/3/action/{action}", query_string=params, headers=headers)
        else:
            response = app.post(f"/api/3/action/{action}", json=params, headers=headers)
        assert response.status_code == 409, response.body
        found = response.json["error"]
        return {k: v for k, v in found.items() if k != "__type"}

    audit_range = ["ต้องเป็นจำนวนเต็มตั้งแต่ 0 ถึง 1000 / Must be a whole number from 0 to 1000"]
    for bad in ("-1", "x", "1001", "1.5"):
        assert error("oit_audit_list", id=dataset["id"], limit=bad) == {"limit": audit_range}, bad
    assert error("oit_audit_list", id=dataset["id"], offset="-1") == {"offset": [
        "ต้องเป็นจำนวนเต็มตั้งแต่ 0 ถึง 1000000000 / Must be a whole number from 0 to 1000000000"]}
    assert error("oit_audit_list", "post", id=dataset["id"], limit=[1]) == {"limit": audit_range}
    # Thai digits are numbers too
    every = office.act("admin", "oit_audit_list", id=dataset["id"])
    got = app.get("/api/3/action/oit_audit_list", query_string={"id": dataset["id"], "limit": "๑", "offset": "1"},
                  headers=headers)
    assert [e["id"] for e in got.json["result"]] == [every[1]["id"]]

    records_range = ["ต้องเป็นจำนวนเต็มตั้งแต่ 0 ถึง 1000000 / Must be a whole number from 0 to 1000000"]
    org = office.org["name"]
    assert error("oit_records_search", organization=org, table="procurement-monthly-summary",
                 limit="-1") == {"limit": records_range}
    assert list(error("oit_records_search", organization=org, table="procurement-monthly-summary",
                      fiscal_year="x")) == ["fiscal_year"]
    assert error("oit_records_search", "post", organization=org, table="procurement-monthly-summary",
                 filters=[1]) == {"filters": ["ต้องเป็น JSON / Must be JSON: {column: value}"]}
    for action in ("oit_compliance_show", "oit_itas_export", "oit_compliance_rollup"):
        assert list(error(action, id=org, fiscal_year="ปีหน้า")) == ["fiscal_year"], action
        assert error(action, "post", id=org, as_of=["2025-10-01"]) == {
            "as_of": ["วันที่ต้องเป็น YYYY-MM-DD / The date must be YYYY-MM-DD"]}, action
    assert error("oit_change_request_list", id=dataset["id"], status="bogus") == {"status": [
        "ต้องเป็นค่าใดค่าหนึ่งใน open, approved, returned, all / Must be one of open, approved, returned, all"]}
