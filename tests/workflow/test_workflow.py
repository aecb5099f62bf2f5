"""The publishing workflow end to end, through the Action API."""
from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk


pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def anonymous_sees(name: str) -> bool:
    try:
        tk.get_action("package_show")({"user": "", "ignore_auth": False}, {"id": name})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False
    return True


def public_resource_urls(name: str) -> list[str]:
    dataset = tk.get_action("package_show")({"user": "", "ignore_auth": False}, {"id": name})
    return [r["url"] for r in dataset["resources"]]


def test_prepare_return_fix_approve_correct_and_approve_the_correction(office):
    # staff prepares and submits
    draft = office.dataset("draft")
    assert draft["oit_status"] == "draft" and draft["private"] is True
    submitted = office.act("editor", "oit_submit", id=draft["id"])
    assert submitted["oit_status"] == "pending" and submitted["private"] is True
    assert submitted["oit_submitted_by"] == office.users["editor"]["id"]
    assert not anonymous_sees(draft["name"])

    # the director returns it with a reason
    returned = office.act("admin", "oit_return", id=draft["id"], comment="เลขที่สัญญาไม่ครบ")
    assert returned["oit_status"] == "returned" and returned["private"] is True

    # staff fixes it (returned → draft) and submits again
    fixed = office.act("editor", "package_patch", id=draft["id"], notes="แก้เลขที่สัญญาแล้ว")
    assert fixed["oit_status"] == "draft"
    office.act("editor", "oit_submit", id=draft["id"])

    # the director approves; the public sees it
    approved = office.act("admin", "oit_approve", id=draft["id"])
    assert approved["oit_status"] == "published" and approved["private"] is False
    assert approved["oit_approved_by"] == office.users["admin"]["id"]
    assert anonymous_sees(draft["name"])
    found = tk.get_action("package_search")({"user": ""}, {"q": "name:" + draft["name"]})
    assert found["count"] == 1

    # staff corrects the published resource (a new file): a change request
    resource = approved["resources"][0]
    upload = FileStorage(stream=io.BytesIO("ลำดับ,งาน\n1,กระดาษ A4\n".encode("utf-8")),
                         filename="sor-kor-ror-1-fixed.csv", content_type="text/csv")
    proposed = office.act("editor", "resource_update", id=resource["id"], name="สขร.1 (แก้ไข)",
                          url="", upload=upload)
    assert proposed["oit_change_request"]["status"] == "open"
    public = tk.get_action("package_show")({"user": ""}, {"id": draft["name"]})
    assert public["resources"][0]["name"] == "สขร.1"          # the public still sees the old one
    assert public["resources"][0]["url"] == resource["url"]

    # the director sees a before/after and approves the change as a whole
    requests = office.act("admin", "oit_change_request_list", id=draft["id"])
    assert len(requests) == 1
    shown = office.act("admin", "oit_change_request_show", id=requests[0]["id"])
    change = shown["operations"][0]
    assert change["changes"]["name"] == {"before": "สขร.1", "after": "สขร.1 (แก้ไข)"}
    assert change["new_file"] == "sor-kor-ror-1-fixed.csv"
    office.act("admin", "oit_approve", id=draft["id"])
    public = tk.get_action("package_show")({"user": ""}, {"id": draft["name"]})
    assert public["resources"][0]["name"] == "สขร.1 (แก้ไข)"
    assert public["resources"][0]["url_type"] == "upload"
    assert public["resources"][0]["url"].endswith("sor-kor-ror-1-fixed.csv")
    assert public["oit_status"] == "published" and public["private"] is False
    assert office.act("admin", "oit_change_request_list", id=draft["id"]) == []

    # every step is in the audit trail, with actor and time
    events = office.act("admin", "oit_audit_list", id=draft["id"])
    steps = [(e["action"], e["actor_name"]) for e in events]
    editor, admin = office.users["editor"]["name"], office.users["admin"]["name"]
    assert steps == [
        ("create", editor), ("submit", editor), ("return", admin), ("update", editor),
        ("submit", editor), ("approve", admin), ("change_request", editor), ("change_approve", admin),
    ]
    assert all(e["created"] for e in events)
    assert events[2]["comment"] == "เลขที่สัญญาไม่ครบ"
    assert (events[2]["from_state"], events[2]["to_state"]) == ("pending", "returned")
    assert (events[3]["from_state"], events[3]["to_state"]) == ("returned", "draft")


def test_return_and_withdraw_need_a_reason(office):
    pending = office.dataset("pending")
    for comment in (None, "", "   "):
        with pytest.raises(tk.ValidationError) as failure:
            office.act("admin", "oit_return", id=pending["id"], comment=comment)
        assert "comment" in failure.value.error_dict
    published = office.dataset("published")
    with pytest.raises(tk.ValidationError) as failure:
        office.act("admin", "oit_withdraw", id=published["id"])
    assert "เหตุผล" in failure.value.error_dict["comment"][0]


def test_the_submitter_cannot_approve_their_own_submission(office):
    dataset = office.dataset("draft")
    office.act("admin", "oit_submit", id=dataset["id"])      # the director prepared it himself
    with pytest.raises(tk.NotAuthorized):
        office.act("admin", "oit_approve", id=dataset["id"])
    assert office.act("sysadmin", "oit_approve", id=dataset["id"])["oit_status"] == "published"


@pytest.mark.ckan_config("ckanext.oit.allow_self_approval", "true")
def test_one_person_offices_may_allow_self_approval(office):
    dataset = office.dataset("draft")
    office.act("admin", "oit_submit", id=dataset["id"])
    assert office.act("admin", "oit_approve", id=dataset["id"])["oit_status"] == "published"


def test_a_returned_change_request_leaves_the_published_content(office):
    published = office.dataset("published")
    office.act("editor", "package_patch", id=published["id"], notes="คำอธิบายใหม่")
    office.act("admin", "oit_return", id=published["id"], comment="ไม่ต้องแก้")
    shown = tk.get_action("package_show")({"user": ""}, {"id": published["id"]})
    assert shown.get("notes") in (None, "")
    assert shown["oit_status"] == "published"
    assert office.act("editor", "oit_change_request_list", id=published["id"], status="returned")[0]["status"] == "returned"


def test_a_change_request_collects_metadata_and_resource_changes(office):
    published = office.dataset("published")
    office.act("editor", "package_patch", id=published["id"], notes="เพิ่มคำอธิบาย")
    office.act("editor", "resource_create", package_id=published["id"], name="ภาคผนวก",
               url="http://example.go.th/annex.pdf")
    office.act("editor", "resource_delete", id=published["resources"][0]["id"])
    public = tk.get_action("package_show")({"user": ""}, {"id": published["id"]})
    assert [r["name"] for r in public["resources"]] == ["สขร.1"]
    (request,) = office.act("admin", "oit_change_request_list", id=published["id"])
    assert request["operation_count"] == 3
    office.act("admin", "oit_approve", id=published["id"])
    public = tk.get_action("package_show")({"user": ""}, {"id": published["id"]})
    assert public["notes"] == "เพิ่มคำอธิบาย"
    assert [r["name"] for r in public["resources"]] == ["ภาคผนวก"]


def test_withdrawn_datasets_leave_the_public_and_can_be_resubmitted(office):
    published = office.dataset("published")
    withdrawn = office.act("admin", "oit_withdraw", id=published["id"], comment="ผิดเดือน")
    assert withdrawn["private"] is True and not anonymous_sees(published["name"])
    office.act("editor", "package_patch", id=published["id"], notes="แก้แล้ว")
    assert office.act("editor", "oit_submit", id=published["id"])["oit_status"] == "pending"


def _token(user) -> dict[str, str]:
    from ckan.tests import factories
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def test_the_organisation_exports_its_audit_trail_as_csv(office, app):
    dataset = office.dataset("published")
    url = f"/organization/{office.org['name']}/oit-audit.csv"
    response = app.get(url, headers=_token(office.users["admin"]))
    assert response.status_code == 200
    body = response.get_data()
    assert body.startswith("\ufeff".encode())            # opens in Excel with Thai intact
    lines = body.decode("utf-8-sig").strip().splitlines()
    assert "ผู้ดำเนินการ" in lines[0] or "เวลา" in lines[0]
    assert len(lines) == 1 + len(office.act("admin", "oit_audit_list", id=dataset["id"]))
    for outsider in (None, office.users["other_admin"]):
        headers = _token(outsider) if outsider else {}
        assert app.get(url, headers=headers).status_code == 403


def test_the_change_request_page_shows_before_and_after(office, app):
    published = office.dataset("published")
    office.act("editor", "package_patch", id=published["id"], notes="คำอธิบายฉบับใหม่")
    (request,) = office.act("admin", "oit_change_request_list", id=published["id"])
    page = app.get(f"/oit/change-request/{request['id']}", headers=_token(office.users["admin"]))
    assert page.status_code == 200
    assert "<ins>คำอธิบายฉบับใหม่</ins>" in page.body
    assert 'id="oit-approve"' in page.body
    history = app.get(f"/oit-procurement/{published['name']}", headers=_token(office.users["admin"])).body
    assert "ขอแก้ไขข้อมูลที่เผยแพร่แล้ว" in history and "อนุมัติ" in history  # the history in Thai
    assert app.get(f"/oit/change-request/{request['id']}").status_code == 403
    assert app.get(f"/oit/change-request/{request['id']}",
                   headers=_token(office.users["other_admin"])).status_code == 403


def test_the_director_and_staff_lists(office, app):
    pending = office.dataset("pending")
    returned = office.dataset("returned")
    approvals = app.get("/oit/approvals", headers=_token(office.users["admin"])).body
    assert pending["name"] in approvals and returned["name"] not in approvals
    back = app.get("/oit/returned", headers=_token(office.users["editor"])).body
    assert returned["name"] in back and pending["name"] not in back
    assert app.get("/oit/approvals", headers=_token(office.users["other_admin"])).status_code == 200
    assert pending["name"] not in app.get("/oit/approvals", headers=_token(office.users["other_admin"])).body
