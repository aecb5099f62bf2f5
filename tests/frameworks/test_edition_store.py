"""Editions kept in the running portal: loaded from YAML, XLSX or CSV through the
action, the command and the admin page, checked with every problem named, shown
as changes before they are stored, the same on a second web process at once,
audited, exported back, and refused to everyone but sysadmins."""
from __future__ import annotations

import base64
import io

import openpyxl
import pytest
import requests
import yaml
from bs4 import BeautifulSoup
from click.testing import CliRunner
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories

from ckanext.oit import audit, frameworks
from ckanext.oit.frameworks.model import StoredEdition
from support.frameworks import rows_by_code, set_cell
from support.web import login, page_token

pytestmark = pytest.mark.usefixtures("clean_db", "with_plugins")


def sysadmin_context() -> dict:
    return {"user": factories.Sysadmin()["name"]}


def exported_xlsx(name: str) -> openpyxl.Workbook:
    found = tk.get_action("oit_edition_export")({}, {"edition": name, "format": "xlsx"})
    return openpyxl.load_workbook(io.BytesIO(base64.b64decode(found["content"])))


def as_upload(book: openpyxl.Workbook, filename: str = "edition-2569.xlsx") -> FileStorage:
    out = io.BytesIO()
    book.save(out)
    return FileStorage(stream=io.BytesIO(out.getvalue()), filename=filename)


def corrected_2569() -> openpyxl.Workbook:
    """The 2569 edition with one change of each kind."""
    book = exported_xlsx("2569")
    items = book["items"]
    rows = rows_by_code(items)
    set_cell(items, rows["O4"], "name_th", "ข่าวประชาสัมพันธ์ของหน่วยงาน")                # renamed
    set_cell(items, rows["O21"], "code", "O22")                                            # renumbered
    set_cell(items, rows["O22"], "code", "O21")                                            #   (a swap)
    set_cell(items, rows["O2"], "placeholder", None)                                       # completed
    set_cell(items, rows["O2"], "name_th", "ข้อมูลผู้บริหาร")
    set_cell(items, rows["O2"], "confidence", "confirmed")
    items.delete_rows(rows["O25"])                                                         # removed
    new = items.max_row + 1
    for column, value in (("code", "O27"), ("key", "open-data-catalogue"), ("name_th", "ชุดข้อมูลเปิดของหน่วยงาน"),
                          ("name_en", "The agency's open datasets"), ("dataset_type", "oit-operation"),
                          ("cadence", "current-year"), ("evidence", "document"), ("category", "9")):
        set_cell(items, new, column, value)                                                # added
    return book


def load(context: dict, upload: FileStorage, **data) -> dict:
    return tk.get_action("oit_edition_load")(context, {"upload": upload, **data})


def test_a_corrected_2569_xlsx_is_checked_shown_as_changes_then_stored():
    context = sysadmin_context()
    before = tk.get_action("oit_framework_show")({}, {"fiscal_year": 2569})
    preview = load(context, as_upload(corrected_2569()))
    assert preview["saved"] is False and preview["replaces"] == "2569"
    kinds = {(c["change"], c["key"]) for c in preview["changes"]}
    by_code = {i["code"]: i for i in before["items"]}
    assert ("renamed", by_code["O4"]["key"]) in kinds
    assert ("renumbered", by_code["O21"]["key"]) in kinds and ("renumbered", by_code["O22"]["key"]) in kinds
    assert ("removed", by_code["O25"]["key"]) in kinds
    assert ("added", "open-data-catalogue") in kinds
    assert ("changed", by_code["O2"]["key"]) in kinds
    renamed = next(c for c in preview["changes"] if c["change"] == "renamed")
    assert "ข่าวประชาสัมพันธ์ของหน่วยงาน" in renamed["message"]
    # a preview stores nothing
    assert model.Session.query(StoredEdition).count() == 0
    assert tk.get_action("oit_framework_show")({}, {"fiscal_year": 2569})["items"] == before["items"]

    done = load(context, as_upload(corrected_2569()), confirm=True, comment="แก้ตามคู่มือ ITA 2569")
    assert done["saved"] is True
    after = tk.get_action("oit_framework_show")({}, {"fiscal_year": 2569})
    named = {i["code"]: i for i in after["items"]}
    assert named["O4"]["name"]["th"] == "ข่าวประชาสัมพันธ์ของหน่วยงาน"
    assert named["O22"]["key"] == by_code["O21"]["key"]
    assert named["O27"]["key"] == "open-data-catalogue" and "O25" not in named
    assert named["O2"]["placeholder"] is False and named["O2"]["confidence"] == "confirmed"
    assert after["origin"] == "stored"
    event = [e for e in audit.events() if e.action == "edition_load"][-1]
    assert event.comment == "แก้ตามคู่มือ ITA 2569" and '"edition":"2569"' in event.after


def test_a_second_web_process_uses_the_stored_edition_without_a_restart(live_server):
    office_org = factories.Organization(name="edition-node-test", title="หน่วยงานทดสอบ")

    def page() -> str:
        return requests.get(f"{live_server}/oit/{office_org['name']}/2569", timeout=60).text

    assert "ข่าวประชาสัมพันธ์ของหน่วยงาน" not in page()  # the other process has read the editions already
    load(sysadmin_context(), as_upload(corrected_2569()), confirm=True)
    shown = requests.get(f"{live_server}/api/3/action/oit_framework_show", params={"fiscal_year": 2569},
                         timeout=60).json()["result"]
    assert {i["code"]: i["name"]["th"] for i in shown["items"]}["O4"] == "ข่าวประชาสัมพันธ์ของหน่วยงาน"
    text = page()
    assert "ข่าวประชาสัมพันธ์ของหน่วยงาน" in text and "ชุดข้อมูลเปิดของหน่วยงาน" in text
    compliance = requests.get(f"{live_server}/api/3/action/oit_compliance_show",
                              params={"id": office_org["name"], "fiscal_year": 2569}, timeout=60).json()["result"]
    assert {i["code"] for i in compliance["items"]} >= {"O27"} and "O25" not in {i["code"] for i in compliance["items"]}
    # and back: the shipped list serves the other process again
    tk.get_action("oit_edition_reset")(sysadmin_context(), {"edition": "2569"})
    assert "ข่าวประชาสัมพันธ์ของหน่วยงาน" not in page()


def test_an_invalid_file_is_refused_with_every_row_and_field_named_and_nothing_changes():
    book = exported_xlsx("2569")
    items = book["items"]
    rows = rows_by_code(items)
    set_cell(items, rows["O3"], "cadence", "weekly")
    set_cell(items, rows["O5"], "dataset_type", "oit-nothing")
    set_cell(items, rows["O8"], "name_en", None)
    set_cell(items, rows["O9"], "key", items.cell(row=rows["O8"], column=2).value)
    events = len(audit.events())
    with pytest.raises(tk.ValidationError) as refused:
        load(sysadmin_context(), as_upload(book, "bad-2569.xlsx"), confirm=True)
    problems = refused.value.error_dict["upload"]
    assert len(problems) == 4
    said = " | ".join(problems)
    for row, code in ((rows["O3"], "O3"), (rows["O5"], "O5"), (rows["O8"], "O8"), (rows["O9"], "O9")):
        assert f"bad-2569.xlsx [items]: แถว {row} ({code})" in said and f"row {row} ({code})" in said
    assert "weekly" in said and "oit-nothing" in said and "'name'" in said and "key" in said
    assert model.Session.query(StoredEdition).count() == 0
    assert len(audit.events()) == events
    assert frameworks.edition("2569").origin == "package"


def test_a_csv_of_items_corrects_the_named_edition_and_yaml_round_trips():
    context = sysadmin_context()
    text = tk.get_action("oit_edition_export")({}, {"edition": "2568"})["content"]
    document = yaml.safe_load(text)
    assert document["edition"] == "2568" and len(document["items"]) == 26
    # the export loads back as no change at all
    again = tk.get_action("oit_edition_load")(context, {"content": text, "filename": "2568.yaml"})
    assert again["changes"] == []
    xlsx = load(context, as_upload(exported_xlsx("2568"), "2568.xlsx"))
    assert xlsx["changes"] == []

    book = exported_xlsx("2568")
    items = book["items"]
    out = io.StringIO()
    import csv

    writer = csv.writer(out)
    for row in items.iter_rows(values_only=True):
        writer.writerow(["" if v is None else v for v in row])
    changed = out.getvalue().replace("ข่าวประชาสัมพันธ์", "ข่าวสารประชาสัมพันธ์", 1)
    upload = FileStorage(stream=io.BytesIO(changed.encode("cp874")), filename="items-2568.csv")
    with pytest.raises(tk.ValidationError) as refused:
        load(context, upload)
    assert "CSV" in refused.value.error_dict["upload"][0]
    upload = FileStorage(stream=io.BytesIO(changed.encode("cp874")), filename="items-2568.csv")
    done = load(context, upload, edition="2568", confirm=True)
    assert [c["change"] for c in done["changes"]] == ["renamed"]
    assert frameworks.edition("2568").item_by_code("O4").name_th == "ข่าวสารประชาสัมพันธ์"


def test_the_fiscal_year_map_is_kept_in_the_database_and_audited():
    context = sysadmin_context()
    assert tk.get_action("oit_framework_show")({}, {"fiscal_year": 2570})["provisional"] is True
    done = tk.get_action("oit_fiscal_year_edition_set")(context, {"fiscal_year": 2570, "edition": "2569"})
    assert done == {"fiscal_year": 2570, "edition": "2569", "provisional": False}
    shown = tk.get_action("oit_framework_show")({}, {"fiscal_year": 2570})
    assert shown["provisional"] is False and shown["notice"] is None
    tk.get_action("oit_fiscal_year_edition_set")(context, {"fiscal_year": 2570})
    assert tk.get_action("oit_framework_show")({}, {"fiscal_year": 2570})["provisional"] is True
    assert [e.action for e in audit.events()][-2:] == ["edition_fiscal_year", "edition_fiscal_year"]
    with pytest.raises(tk.ValidationError):
        tk.get_action("oit_fiscal_year_edition_set")(context, {"fiscal_year": 2570, "edition": "2599"})


def test_fiscal_year_2570_says_its_list_is_provisional_in_thai_and_english(app):
    shown = tk.get_action("oit_framework_show")({}, {"fiscal_year": 2570})
    assert shown["edition"] == "2569" and shown["provisional"] is True
    assert shown["notice"] == ("รายการของรอบ 2569 ใช้ชั่วคราวจนกว่าจะยืนยันรอบ 2570 / "
                               "The item list of cycle 2569 is used provisionally until cycle 2570 is confirmed")
    assert tk.get_action("oit_framework_show")({}, {"fiscal_year": 2569})["provisional"] is False
    admin = factories.User()
    org = factories.Organization(users=[{"name": admin["name"], "capacity": "admin"}])
    browser = login(app, admin)
    for lang, text in (("", "รายการของรอบ 2569 ใช้ชั่วคราวจนกว่าจะยืนยันรอบ 2570"),
                       ("/en", "The item list of cycle 2569 is used provisionally until cycle 2570 is confirmed")):
        for path in (f"/oit/{org['name']}/2570", f"/oit/{org['name']}/2570/itas.html",
                     f"/organization/{org['name']}/oit-compliance?fiscal_year=2570"):
            assert text in browser.get(lang + path).body, lang + path
        assert text not in browser.get(f"{lang}/oit/{org['name']}/2569").body
    sheet = browser.get(f"/oit/{org['name']}/2570/itas.csv").body
    assert sheet.strip().splitlines()[-1].strip('"') == "รายการของรอบ 2569 ใช้ชั่วคราวจนกว่าจะยืนยันรอบ 2570"


@pytest.mark.parametrize("role", ["anonymous", "user", "org_admin"])
def test_only_sysadmins_load_reset_or_choose_editions(role):
    if role == "anonymous":
        context = {"user": ""}
    else:
        user = factories.User()
        if role == "org_admin":
            factories.Organization(users=[{"name": user["name"], "capacity": "admin"}])
        context = {"user": user["name"]}
    text = tk.get_action("oit_edition_export")({}, {"edition": "2569"})["content"]
    for action, data in (("oit_edition_load", {"content": text, "confirm": True}),
                         ("oit_edition_reset", {"edition": "2569"}),
                         ("oit_fiscal_year_edition_set", {"fiscal_year": 2570, "edition": "2569"})):
        with pytest.raises(tk.NotAuthorized):
            tk.get_action(action)(dict(context), data)
    assert model.Session.query(StoredEdition).count() == 0


def test_the_admin_page_loads_a_file_after_showing_its_changes(app):
    sysadmin = factories.Sysadmin()
    browser = login(app, sysadmin)
    page = browser.get("/ckan-admin/oit-editions/")
    assert page.status_code == 200 and 'data-edition="2569"' in page.body
    # today's fiscal year has no confirmed list: every admin page says so, with the way to the editions
    reminder = BeautifulSoup(browser.get("/ckan-admin/").body, "html.parser").find(class_="oit-edition-reminder")
    assert reminder is not None and reminder.find("a")["href"].endswith("/ckan-admin/oit-editions/")
    token = page_token(browser, "/ckan-admin/oit-editions/")
    out = io.BytesIO()
    corrected_2569().save(out)
    preview = browser.post("/ckan-admin/oit-editions/load", data={
        "_csrf_token": token, "comment": "ทดสอบ", "upload": (io.BytesIO(out.getvalue()), "edition-2569.xlsx")})
    assert preview.status_code == 200 and 'data-change="renamed"' in preview.body
    assert model.Session.query(StoredEdition).count() == 0
    form = BeautifulSoup(preview.body, "html.parser").find("form", id="oit-edition-confirm")
    fields = {i["name"]: i.get("value", "") for i in form.find_all("input")}
    done = browser.post("/ckan-admin/oit-editions/confirm", data=fields, follow_redirects=False)
    assert done.status_code == 302
    assert frameworks.edition("2569").item_by_code("O4").name_th == "ข่าวประชาสัมพันธ์ของหน่วยงาน"
    listing = browser.get("/ckan-admin/oit-editions/").body
    assert "ทดสอบ" in listing  # the history shows the comment
    # the export links give files that load back
    exported = browser.get("/ckan-admin/oit-editions/2569.xlsx")
    assert exported.status_code == 200 and exported.data[:2] == b"PK"


def test_the_admin_page_refuses_others_and_a_post_without_the_csrf_token(app):
    editor = factories.User()
    factories.Organization(users=[{"name": editor["name"], "capacity": "admin"}])
    assert login(app, editor).get("/ckan-admin/oit-editions/").status_code == 403
    assert app.get("/ckan-admin/oit-editions/").status_code in (302, 403)
    browser = login(app, factories.Sysadmin())
    text = tk.get_action("oit_edition_export")({}, {"edition": "2569"})["content"]
    refused = browser.post("/ckan-admin/oit-editions/confirm", data={"document": text})
    assert refused.status_code in (400, 403)
    assert model.Session.query(StoredEdition).count() == 0


def test_the_command_loads_an_edition_file_after_showing_its_changes(tmp_path, ckan_config):
    from ckanext.oit.cli import oit

    book = corrected_2569()
    path = tmp_path / "edition-2569.xlsx"
    book.save(path)
    runner = CliRunner()
    shown = runner.invoke(oit, ["edition", "load", str(path)], input="n\n")
    assert shown.exit_code == 0, shown.output
    assert "renamed" in shown.output and "nothing stored" in shown.output
    assert model.Session.query(StoredEdition).count() == 0
    done = runner.invoke(oit, ["edition", "load", str(path), "--yes", "--comment", "cli"])
    assert done.exit_code == 0 and "stored" in done.output, done.output
    model.Session.remove()
    assert frameworks.edition("2569").item_by_code("O4").name_th == "ข่าวประชาสัมพันธ์ของหน่วยงาน"
    listed = runner.invoke(oit, ["edition", "list"])
    assert "2569\tstored" in listed.output
    out = tmp_path / "back.yaml"
    assert runner.invoke(oit, ["edition", "export", "2569", "-o", str(out)]).exit_code == 0
    assert yaml.safe_load(out.read_text())["edition"] == "2569"


def test_a_new_cycle_with_its_own_round_length_and_due_dates_serves_its_fiscal_year():
    context = sysadmin_context()
    document = yaml.safe_load(tk.get_action("oit_edition_export")({}, {"edition": "2569"})["content"])
    document.update(edition="2570", fiscal_years=[2570], follows="2569", round_months=5,
                    due={"days_after_period": 20, "current_year": "03-31"},
                    title={"th": "แบบตรวจ OIT ปีงบประมาณ พ.ศ. 2570", "en": "OIT checklist, FY 2570"})
    news = next(i for i in document["items"] if i["key"] == "news")
    news["cadence"] = "current-year"
    document["items"].append({
        "code": "O27", "key": "budget-round-report", "name": {"th": "รายงานการกำกับติดตามการใช้จ่ายงบประมาณ รอบ 5 เดือน",
                                                           "en": "Budget monitoring report, 5 months"},
        "category": document["items"][0]["category"], "dataset_type": "oit-budget", "cadence": "round",
        "evidence": "records", "table": "budget-round-report", "confidence": "draft"})
    preview = tk.get_action("oit_edition_load")(context, {"content": yaml.safe_dump(document, allow_unicode=True),
                                                          "filename": "2570.yaml"})
    assert preview["replaces"] == "2569" and preview["same_name"] is False
    tk.get_action("oit_edition_load")(context, {"content": yaml.safe_dump(document, allow_unicode=True),
                                                "filename": "2570.yaml", "confirm": True})
    shown = tk.get_action("oit_framework_show")({}, {"fiscal_year": 2570})
    assert shown["edition"] == "2570" and shown["provisional"] is False and shown["monitoring_round_months"] == 5
    org = factories.Organization()
    result = tk.get_action("oit_compliance_show")(context, {"id": org["id"], "fiscal_year": 2570, "as_of": "2026-12-01"})
    by_key = {i["key"]: i for i in result["items"]}
    # round 1 of 5 months: October-February, due 20 days after
    assert [(p["period"], p["due"]) for p in by_key["budget-round-report"]["periods"]][0] == ("round-1", "2027-03-20")
    assert by_key["news"]["periods"][0]["due"] == "2027-03-31"
    # the 2569 list still serves 2569, with its own six-month rounds and the configured due dates
    assert tk.get_action("oit_framework_show")({}, {"fiscal_year": 2569})["monitoring_round_months"] == 6


def test_datasets_are_indexed_again_with_the_codes_now_in_force(office):
    from support.jobs import run_jobs

    item = frameworks.edition("2569").item_by_code("O21")
    dataset = office.act("editor", "package_create", type=item.dataset_type, owner_org=office.org["id"],
                         item_key=item.key, fiscal_year="2569")

    def indexed_code() -> str:
        found = tk.get_action("package_search")({"user": office.users["sysadmin"]["name"]}, {
            "fq": f'id:"{dataset["id"]}"', "include_private": True, "include_drafts": True, "rows": 0,
            "facet.field": '["oit_code"]'})
        return list(found["facets"]["oit_code"])

    assert indexed_code() == ["O21"]
    load(office.context("sysadmin"), as_upload(corrected_2569()), confirm=True)  # O21 and O22 swap
    run_jobs()
    assert indexed_code() == ["O22"]
    tk.get_action("oit_edition_reset")(office.context("sysadmin"), {"edition": "2569"})
    run_jobs()
    assert indexed_code() == ["O21"]
