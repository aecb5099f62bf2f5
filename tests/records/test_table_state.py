"""The validation state of a dataset's tables (loaded, N problems, queued, not validated)
on the dataset page, the approval page and the polling action; and the confirmation a
submission or an approval needs when a table is doubtful (issue 14)."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.oit import audit
from support.jobs import run_jobs
from support.records import HEADER, ROWS, csv_bytes

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues")

ASSETS = Path(__file__).resolve().parents[2] / "ckanext" / "oit" / "assets"


def _token(office, role: str) -> dict[str, str]:
    return {"Authorization": factories.APIToken(user=office.users[role]["name"])["token"]}


def _upload(office, dataset_id: str, name: str, data: bytes) -> str:
    return office.act("editor", "resource_create", package_id=dataset_id, name=name, format="CSV", url="",
                      upload=FileStorage(stream=io.BytesIO(data), filename=f"{name}.csv"))["id"]


def _bad_rows() -> bytes:
    rows = [list(r) for r in ROWS]
    rows[0][2] = "ห้าแสนบาท"          # not an amount
    rows[1][-1] = "31/02/2569"         # no such day
    return csv_bytes(HEADER, rows)


def _mixed(office) -> tuple[dict, dict[str, str]]:
    """A draft monthly summary with a PDF link (not a table), a loaded, an invalid,
    a queued and a linked table."""
    dataset = office.dataset("draft")
    ids = {"loaded": _upload(office, dataset["id"], "ok", csv_bytes(HEADER, ROWS)),
           "invalid": _upload(office, dataset["id"], "bad", _bad_rows())}
    run_jobs()
    ids["queued"] = _upload(office, dataset["id"], "waiting", csv_bytes(HEADER, ROWS[:1]))
    ids["linked"] = office.act("editor", "resource_create", package_id=dataset["id"], name="link",
                               url="http://example.go.th/sor-kor-ror-1.csv", format="CSV")["id"]
    return dataset, ids


def _states(office, role: str, **ask) -> list[tuple]:
    found = office.act(role, "oit_records_state_show", **ask)["tables"]
    return [(t["name"], t["status"], t["row_count"], t["problem_count"], t["linked"]) for t in found]


EXPECTED = [("ok", "loaded", 2, 0, False), ("bad", "invalid", None, 2, False),
            ("waiting", "queued", None, 0, False), ("link", "not_validated", None, 0, True)]


def test_each_table_of_a_dataset_has_its_state_and_a_pdf_link_is_no_table(office):
    dataset, ids = _mixed(office)
    assert _states(office, "editor", package_id=dataset["id"]) == EXPECTED
    assert _states(office, "member", package_id=dataset["name"]) == EXPECTED
    assert _states(office, "admin", resource_id=ids["linked"]) == [EXPECTED[3]]
    # the resource's own page reads the same (resource_show's oit_records)
    shown = office.act("editor", "resource_show", id=ids["linked"])["oit_records"]
    assert (shown["status"], shown["linked"], shown["resource_id"]) == ("not_validated", True, ids["linked"])
    pdf = dataset["resources"][0]["id"]
    assert "oit_records" not in office.act("editor", "resource_show", id=pdf)
    assert _states(office, "editor", resource_id=pdf) == []


def test_the_state_follows_the_job_which_is_what_the_page_polls(office, app):
    dataset, ids = _mixed(office)
    url = f"/api/3/action/oit_records_state_show?resource_id={ids['queued']}"
    before = app.get(url, headers=_token(office, "editor")).json["result"]["tables"]
    assert [(t["status"], t["row_count"]) for t in before] == [("queued", None)]
    run_jobs()
    after = app.get(url, headers=_token(office, "editor")).json["result"]["tables"]
    assert [(t["status"], t["row_count"]) for t in after] == [("loaded", 1)]


def test_the_state_is_for_those_who_may_see_the_dataset(office, app):
    dataset, ids = _mixed(office)
    for role in ("anonymous", "stranger", "other_editor", "other_admin"):
        with pytest.raises(tk.NotAuthorized):
            office.act(role, "oit_records_state_show", package_id=dataset["id"])
        with pytest.raises(tk.NotAuthorized):
            office.act(role, "oit_records_state_show", resource_id=ids["invalid"])
    assert app.get(f"/api/3/action/oit_records_state_show?package_id={dataset['id']}",
                   status=403).json["success"] is False
    # the resource's dataset is read from the database: naming a public dataset beside it changes nothing
    public = office.dataset("published")
    assert _states(office, "anonymous", package_id=public["id"]) == []
    with pytest.raises(tk.NotAuthorized):
        office.act("anonymous", "oit_records_state_show", resource_id=ids["invalid"], package_id=public["id"])
    with pytest.raises(tk.ObjectNotFound):
        office.act("editor", "oit_records_state_show", resource_id="no-such-resource")
    with pytest.raises(tk.ValidationError) as refused:
        office.act("editor", "oit_records_state_show")
    assert "resource_id" in refused.value.error_dict


def _summary(body: str, dataset_id: str) -> list[str]:
    page = BeautifulSoup(body, "html.parser")
    return [" ".join(li.get_text(" ", strip=True).split()) for li in
            page.select(f"#oit-table-states-{dataset_id} li")]


def test_the_dataset_page_shows_each_table_state_in_the_pages_language(office, app):
    dataset, _ids = _mixed(office)
    thai = app.get(f"/oit-procurement/{dataset['name']}", headers=_token(office, "editor")).body
    assert _summary(thai, dataset["id"]) == [
        "ok : ถูกต้องและนำเข้าแล้ว 2 แถว", "bad : ไม่ถูกต้อง พบปัญหา 2 รายการ",
        "waiting : รอการตรวจสอบ", "link : ยังไม่ได้ตรวจสอบ: พอร์ทัลยังไม่ได้ตรวจไฟล์นี้"]
    english = app.get(f"/en/oit-procurement/{dataset['name']}", headers=_token(office, "editor")).body
    assert _summary(english, dataset["id"]) == [
        "ok : Valid and loaded, 2 rows", "bad : Invalid, 2 problems", "waiting : Queued for checking",
        "link : Not validated: the portal has not checked this file"]
    # a table is queued: the page follows it with its script, which takes its words from the page
    assert "table-state.js" in thai
    holder = BeautifulSoup(thai, "html.parser").select_one(f"#oit-table-states-{dataset['id']}")
    assert holder["data-oit-state-url"] == f"/api/3/action/oit_records_state_show?package_id={dataset['id']}"
    assert (holder["data-text-queued"], holder["data-text-loaded-one"], holder["data-text-invalid-other"]) == (
        "รอการตรวจสอบ", "ถูกต้องและนำเข้าแล้ว {num} แถว", "ไม่ถูกต้อง พบปัญหา {num} รายการ")


def test_the_script_holds_no_words_of_its_own(app):
    script = (ASSETS / "table-state.js").read_text(encoding="utf-8")
    assert not any("\u0e00" <= ch <= "\u0e7f" for ch in script)
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", script, flags=re.S)  # the comments are for developers
    literals = re.findall(r"'((?:[^'\\]|\\.)*)'", code)
    assert "data-" in literals and "queued" in literals  # the literals were found
    # a sentence would hold words between spaces; the CSS classes are no words to read
    said = [text for text in literals if re.search(r"[A-Za-z] +[A-Za-z]", text)
            and not all(word.startswith(("bg-", "text-")) for word in text.split())]
    assert said == ["use strict"]  # JavaScript's own
    assert "table-state.js" in (ASSETS / "webassets.yml").read_text(encoding="utf-8")


def test_the_approval_page_shows_the_tables_of_what_waits(office, app):
    dataset, _ids = _mixed(office)
    office.act("editor", "oit_submit", id=dataset["id"], confirm_tables=True)
    body = app.get("/oit/approvals", headers=_token(office, "admin")).body
    assert _summary(body, dataset["id"]) == [
        "ok : ถูกต้องและนำเข้าแล้ว 2 แถว", "bad : ไม่ถูกต้อง พบปัญหา 2 รายการ",
        "waiting : รอการตรวจสอบ", "link : ยังไม่ได้ตรวจสอบ: พอร์ทัลยังไม่ได้ตรวจไฟล์นี้"]


def test_the_directors_start_page_shows_the_tables_of_what_waits(office, app):
    dataset, _ids = _mixed(office)
    office.act("editor", "oit_submit", id=dataset["id"], confirm_tables=True)
    body = app.get("/en/oit/my-work", headers=_token(office, "admin")).body
    assert _summary(body, dataset["id"]) == [
        "ok : Valid and loaded, 2 rows", "bad : Invalid, 2 problems", "waiting : Queued for checking",
        "link : Not validated: the portal has not checked this file"]


# --- submitting and approving with doubtful tables ---------------------------------


def _refusal(office, role: str, action: str, **data) -> dict:
    with pytest.raises(tk.ValidationError) as refused:
        office.act(role, action, **data)
    return refused.value.error_dict


def test_a_doubtful_table_needs_an_explicit_confirmation_with_the_problems_listed(office):
    dataset, ids = _mixed(office)
    errors = _refusal(office, "editor", "oit_submit", id=dataset["id"])
    assert errors == {"confirm_tables": [
        "ตารางข้อมูลบางรายการไม่ผ่านการตรวจสอบหรือยังไม่ได้ตรวจ: bad (พบปัญหา 2 รายการ); "
        "waiting (รอการตรวจสอบ); link (ยังไม่ได้ตรวจสอบ) หากจะส่งต่อไป ให้ยืนยัน (confirm_tables=true) / "
        "Some tables are not valid or not checked: bad (2 problems); waiting (queued for checking); "
        "link (not validated). To submit anyway, confirm it (confirm_tables=true)"]}
    assert _refusal(office, "editor", "oit_submit", id=dataset["id"], confirm_tables="false") == errors
    assert office.act("editor", "package_show", id=dataset["id"])["oit_status"] == "draft"

    assert office.act("editor", "oit_submit", id=dataset["id"], confirm_tables="true")["oit_status"] == "pending"
    errors = _refusal(office, "admin", "oit_approve", id=dataset["id"])
    assert list(errors) == ["confirm_tables"] and "To approve anyway" in errors["confirm_tables"][0]
    assert office.act("admin", "oit_approve", id=dataset["id"], confirm_tables=True)["oit_status"] == "published"
    # what was confirmed is in the audit trail
    moves = [e for e in audit.events(package_id=dataset["id"]) if e.action in ("submit", "approve")]
    confirmed = [audit.event_dict(e)["after"]["oit_tables_confirmed"] for e in moves]
    assert confirmed == [[
        {"resource_id": ids["invalid"], "status": "invalid", "problem_count": 2},
        {"resource_id": ids["queued"], "status": "queued", "problem_count": 0},
        {"resource_id": ids["linked"], "status": "not_validated", "problem_count": 0}]] * 2


@pytest.mark.ckan_config("ckanext.oit.invalid_tables", "refuse")
def test_the_portal_may_refuse_doubtful_tables_outright(office, app):
    dataset, ids = _mixed(office)
    errors = _refusal(office, "editor", "oit_submit", id=dataset["id"], confirm_tables=True)
    assert errors == {"tables": [
        "ส่งชุดข้อมูลที่ตารางข้อมูลไม่ผ่านการตรวจสอบไม่ได้: bad (พบปัญหา 2 รายการ); waiting (รอการตรวจสอบ); "
        "link (ยังไม่ได้ตรวจสอบ) / A dataset whose tables are not valid cannot be submitted: bad (2 problems); "
        "waiting (queued for checking); link (not validated)"]}
    body = BeautifulSoup(app.get(f"/oit-procurement/{dataset['name']}", headers=_token(office, "editor")).body,
                         "html.parser")
    assert body.select_one("#oit-submit") is None and body.select_one("#oit-confirm-tables-submit") is None
    assert body.select_one("#oit-table-doubts-submit") is not None
    # valid tables only: submitted as ever
    for resource_id in (ids["invalid"], ids["queued"], ids["linked"]):
        office.act("editor", "resource_delete", id=resource_id)
    assert office.act("editor", "oit_submit", id=dataset["id"])["oit_status"] == "pending"


def test_no_table_or_valid_tables_need_no_confirmation(office):
    # a PDF link of a records item
    assert office.act("editor", "oit_submit", id=office.dataset("draft")["id"])["oit_status"] == "pending"
    # an uploaded CSV of an item that has no table schema (2569 O12, a document)
    other = office.act("editor", "package_create", type="oit-procurement", owner_org=office.org["id"],
                       item_key="procurement-annual-report", fiscal_year="2569")
    office.made_ids.append(other["id"])
    _upload(office, other["id"], "annual-report", b"a,b\n1,2\n")
    assert office.act("editor", "oit_submit", id=other["id"])["oit_status"] == "pending"
    # a loaded table
    loaded = office.dataset("draft")
    _upload(office, loaded["id"], "ok", csv_bytes(HEADER, ROWS))
    run_jobs()
    assert office.act("editor", "oit_submit", id=loaded["id"])["oit_status"] == "pending"
    assert office.act("admin", "oit_approve", id=loaded["id"])["oit_status"] == "published"


def test_the_panel_asks_submit_anyway_and_the_button_passes_it(office, app):
    dataset, _ids = _mixed(office)
    headers = _token(office, "editor")
    page = BeautifulSoup(app.get(f"/oit-procurement/{dataset['name']}", headers=headers).body, "html.parser")
    doubts = page.select_one("#oit-table-doubts-submit")
    assert [li["data-oit-doubt"] for li in doubts.select("li")] == [_ids["invalid"], _ids["queued"], _ids["linked"]]
    box = page.select_one("#oit-confirm-tables-submit")
    assert (box["name"], box["value"], box.has_attr("required")) == ("confirm_tables", "true", True)
    assert page.select_one("label[for=oit-confirm-tables-submit]").get_text(strip=True) == "ยืนยันส่งอนุมัติ"

    url = f"/dataset/{dataset['name']}/oit/submit"
    refused = app.post(url, data={}, headers=headers, follow_redirects=True).body
    assert "หากจะส่งต่อไป ให้ยืนยัน" in refused and "To submit anyway" not in refused
    assert office.act("editor", "package_show", id=dataset["id"])["oit_status"] == "draft"
    app.post(url, data={"confirm_tables": "true"}, headers=headers, follow_redirects=True)
    assert office.act("editor", "package_show", id=dataset["id"])["oit_status"] == "pending"
