"""The 16-column procurement list (ITA 2568 O12, table schema procurement-list): a Windows-874
CSV and an XLSX load typed rows; a month without procurement, stated as such, is an empty table.

The tests of the file alone and of the template need no edition; those that upload through
CKAN need the item of key ``procurement-list`` (O12 of the 2568 edition, FY 2568)."""
from __future__ import annotations

import io

import openpyxl
import pytest
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.oit.records import reading, tables, validation
from support.jobs import run_jobs
from support.records import csv_bytes

uploads = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues")

TABLE = "procurement-list"
# the headers of an agency's published page (docs/reference/oit-editions-2568-2569.md)
TITLES = ["ที่", "ปีงบประมาณ", "ชื่อหน่วยงาน", "อำเภอ", "จังหวัด", "กระทรวง", "ประเภทหน่วยงาน", "ชื่อรายการ",
          "วงเงินงบประมาณที่ได้รับจัดสรร", "แหล่งที่มาของงบประมาณ", "สถานะ", "วิธีการ", "ราคากลาง", "ราคาที่ตกลง",
          "ผู้ประกอบการที่ได้รับคัดเลือก", "เลขที่โครงการ e-GP"]
# the same columns as other offices head them
WRITTEN = ["ลำดับที่", "ปีงบประมาณ (พ.ศ.)", "หน่วยงาน", "อำเภอ/เขต", "จังหวัด", "สังกัดกระทรวง", "ประเภทหน่วยงาน",
           "ชื่อรายการของงานที่ซื้อหรือจ้าง", "วงเงินงบประมาณที่ได้รับจัดสรร (บาท)", "แหล่งงบประมาณ",
           "สถานะการจัดซื้อจัดจ้าง", "วิธีการจัดซื้อจัดจ้าง", "ราคากลาง (บาท)", "ราคาที่ตกลงซื้อหรือจ้าง (บาท)",
           "รายชื่อผู้ประกอบการที่ได้รับการคัดเลือก", "เลขที่โครงการ"]
OFFICE = ["สถานีตำรวจภูธรเนินกุ่ม", "บางกระทุ่ม", "พิษณุโลก", "สำนักงานตำรวจแห่งชาติ", "ราชการส่วนกลาง"]
ROWS = [
    ["๑", "๒๕๖๘", *OFFICE, "จัดซื้อวัสดุสำนักงาน จำนวน ๒๐ รายการ", "๔๕,๐๐๐.๐๐", "งบประมาณรายจ่ายประจำปี",
     "สิ้นสุดสัญญา", "เฉพาะเจาะจง", "๔๕,๐๐๐", "๔๔,๕๐๐.๐๐ บาท", "ร้านเนินกุ่มพาณิชย์", "๖๗๑๐๙๑๒๓๔๕๖"],
    ["2", "2568", *OFFICE, "จ้างปรับปรุงอาคารที่ทำการ", "1,250,000", "พ.ร.บ. งบประมาณรายจ่าย", "อยู่ระหว่างสัญญา",
     "e-bidding", "1,248,500.50", "1,180,000.00", "บริษัท ก่อสร้างดี จำกัด", "67109876543"],
    ["3", "2568", *OFFICE, "จัดซื้อครุภัณฑ์คอมพิวเตอร์ จำนวน ๕ เครื่อง", "๑๒๐,๐๐๐", "เงินนอกงบประมาณ",
     "ยังไม่ได้ลงนามในสัญญา", "วิธีประกาศเชิญชวนทั่วไป (e-market)", "118,000", "-", "", "67119001122"],
]
_PLACE = dict(zip(["agency_name", "district", "province", "ministry", "agency_type"], OFFICE))
EXPECTED = [
    {"item_number": 1, "fiscal_year": 2568, **_PLACE, "procurement_item": "จัดซื้อวัสดุสำนักงาน จำนวน 20 รายการ",
     "budget_amount": 45000, "budget_source": "พ.ร.บ. งบประมาณรายจ่าย", "procurement_status": "สิ้นสุดระยะสัญญา",
     "procurement_method": "วิธีเฉพาะเจาะจง", "reference_price": 45000, "selected_price": 44500,
     "selected_supplier": "ร้านเนินกุ่มพาณิชย์", "egp_project_number": "67109123456"},
    {"item_number": 2, "fiscal_year": 2568, **_PLACE, "procurement_item": "จ้างปรับปรุงอาคารที่ทำการ",
     "budget_amount": 1250000, "budget_source": "พ.ร.บ. งบประมาณรายจ่าย", "procurement_status": "อยู่ระหว่างระยะสัญญา",
     "procurement_method": "วิธีประกาศเชิญชวนทั่วไป (e-bidding)", "reference_price": 1248500.5,
     "selected_price": 1180000, "selected_supplier": "บริษัท ก่อสร้างดี จำกัด", "egp_project_number": "67109876543"},
    {"item_number": 3, "fiscal_year": 2568, **_PLACE, "procurement_item": "จัดซื้อครุภัณฑ์คอมพิวเตอร์ จำนวน 5 เครื่อง",
     "budget_amount": 120000, "budget_source": "เงินนอกงบประมาณ", "procurement_status": "ยังไม่ลงนามในสัญญา",
     "procurement_method": "วิธีประกาศเชิญชวนทั่วไป (e-market)", "reference_price": 118000, "selected_price": None,
     "selected_supplier": None, "egp_project_number": "67119001122"},
]
AMOUNTS = ("budget_amount", "reference_price", "selected_price")
NONE = "ไม่มีการจัดซื้อจัดจ้าง"


def xlsx_bytes(header, rows) -> bytes:
    book = openpyxl.Workbook()
    for row in [header] + rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_excel_types(rows):
    """The rows as Excel keeps typed cells: numbers as numbers, the e-GP number too."""
    typed = [list(r) for r in rows]
    typed[1][0:2] = [2, 2568]
    typed[1][8], typed[1][12], typed[1][13], typed[1][15] = 1250000, 1248500.5, 1180000.0, 67109876543
    typed[2][13:15] = [None, None]
    return typed


def lone_row(at: int, text: str, rest: str | None = "-") -> list:
    row = [rest] * len(TITLES)
    row[at] = text
    return row


def checked(data: bytes, filename: str):
    raw = reading.read(data, filename)
    rows, problems = validation.check(raw, tables.get(TABLE))
    return raw, [{k: validation.json_value(v) for k, v in r.items()} for r in rows], problems


# --- the file alone: no edition needed ----------------------------------------------


def test_the_schema_has_the_16_columns_and_the_shared_method_list():
    schema = tables.get(TABLE)
    assert [f["title"] for f in schema["fields"]] == TITLES
    method = {f["name"]: f for f in schema["fields"]}["procurement_method"]
    summary = {f["name"]: f for f in tables.get("procurement-monthly-summary")["fields"]}["procurement_method"]
    assert method["constraints"]["enum"] == summary["constraints"]["enum"]
    assert method["oit"]["enum_aliases"] == summary["oit"]["enum_aliases"]
    assert schema["oit"]["empty_table"]["flag"] == "no_procurement"


@pytest.mark.parametrize("header", [TITLES, WRITTEN], ids=["titles", "as-written"])
def test_a_windows_874_file_normalises_to_typed_values(header):
    raw, rows, problems = checked(csv_bytes(header, ROWS, "cp874"), "o12.csv")
    assert raw.encoding == "cp874"
    assert [p.as_dict() for p in problems] == []
    assert rows == EXPECTED


def test_the_same_rows_in_an_xlsx_file_normalise_alike():
    _, rows, problems = checked(xlsx_bytes(WRITTEN, as_excel_types(ROWS)), "o12.xlsx")
    assert [p.as_dict() for p in problems] == []
    assert rows == EXPECTED


@pytest.mark.parametrize("data,filename", [
    (csv_bytes(TITLES, [lone_row(7, NONE)], "cp874"), "none.csv"),                 # in ชื่อรายการ, the rest "-"
    (csv_bytes(TITLES, [lone_row(0, NONE, "")], "utf-8"), "none.csv"),             # in the first cell
    (csv_bytes(TITLES, [lone_row(7, "- ไม่มีการจัดซื้อจัดจ้าง ประจำเดือน ตุลาคม ๒๕๖๗ -")]), "none.csv"),
    (csv_bytes(TITLES, [lone_row(7, "ไม่มีการจัดซื้อจัดจ้างในเดือนนี้")]), "none.csv"),
    (xlsx_bytes(TITLES, [lone_row(0, NONE, None)]), "none.xlsx"),
    (csv_bytes(TITLES, []), "header-only.csv"),
], ids=["item-column", "first-cell", "with-the-month", "other-phrase", "xlsx", "header-only"])
def test_a_file_stating_no_procurement_is_an_empty_table(data, filename):
    _, rows, problems = checked(data, filename)
    assert rows == [] and [p.as_dict() for p in problems] == []


def test_anything_else_in_the_no_procurement_row_is_checked_as_a_row():
    numbered = lone_row(7, NONE, "")
    numbered[0] = "1"
    _, rows, problems = checked(csv_bytes(TITLES, [numbered]), "n.csv")
    assert len(rows) == 1 and problems
    assert {p.row for p in problems} == {2}
    assert ("วงเงินงบประมาณที่ได้รับจัดสรร", "A value is required") in {(p.column, p.en) for p in problems}
    # next to real rows the phrase is a row like any other
    _, rows, problems = checked(csv_bytes(TITLES, [ROWS[1], lone_row(7, NONE)]), "n.csv")
    assert len(rows) == 2 and {p.row for p in problems} == {3}
    # a sentence that only begins with the phrase is no statement
    _, rows, problems = checked(csv_bytes(TITLES, [lone_row(7, NONE + " เนื่องจากรอการอนุมัติ")]), "n.csv")
    assert len(rows) == 1 and problems


def test_bad_cells_are_named_by_row_and_column_in_thai_and_english_file():
    rows = [list(r) for r in ROWS]
    rows[0][15] = "6710912345"                 # an e-GP number of 10 digits
    rows[1][8] = "-1,250,000"                  # a negative amount
    _, _, problems = checked(csv_bytes(TITLES, rows, "cp874"), "bad.csv")
    found = {(p.row, p.column): p for p in problems}
    assert set(found) == {(2, "เลขที่โครงการ e-GP"), (3, "วงเงินงบประมาณที่ได้รับจัดสรร")}
    for problem in found.values():
        said = problem.as_dict()
        assert said["message"] == f"{said['message_th']} / {said['message_en']}"
        assert said["message_th"] != said["message_en"]


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_has_the_16_thai_headers_in_order(app, fmt):
    response = app.get(f"/oit/tables/{TABLE}/template.{fmt}")
    assert response.status_code == 200
    body = response.get_data()
    if fmt == "csv":
        header = body.decode("utf-8-sig").splitlines()[0].split(",")
    else:
        header = list(next(openpyxl.load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True)))
    assert header == TITLES
    _, rows, problems = checked(body, f"template.{fmt}")   # filled in as the example, it validates
    assert len(rows) == 1 and not problems


# --- uploaded through CKAN: needs the procurement-list item (2568 edition) -------------


def upload(office, data: bytes, filename: str, fmt: str, period: str = "2567-10") -> dict:
    dataset = office.act("editor", "package_create", type="oit-procurement", owner_org=office.org["id"],
                         item_key="procurement-list", fiscal_year="2568", period=period)
    resource = office.act("editor", "resource_create", package_id=dataset["id"], name="รายการจัดซื้อจัดจ้าง",
                          format=fmt, url="", upload=FileStorage(stream=io.BytesIO(data), filename=filename))
    run_jobs()
    return tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource["id"]})


def stored(resource_id: str) -> tuple[list[dict], dict[str, str]]:
    result = tk.get_action("datastore_search")({"ignore_auth": True}, {"resource_id": resource_id,
                                                                        "sort": "item_number"})
    rows = [{k: (float(r[k]) if k in AMOUNTS and r[k] is not None else r[k]) for k in EXPECTED[0]}
            for r in result["records"]]
    return rows, {f["id"]: f["type"] for f in result["fields"]}


def kept(app, office, resource: dict) -> bytes:
    token = factories.APIToken(user=office.users["editor"]["name"])["token"]
    response = app.get(resource["url"].replace("http://test.ckan.net", ""), headers={"Authorization": token})
    assert response.status_code == 200
    return response.get_data()


@uploads
def test_a_windows_874_csv_loads_typed_rows(office, app):
    data = csv_bytes(TITLES, ROWS, "cp874")
    resource = upload(office, data, "o12-october.csv", "CSV")
    state = resource["oit_records"]
    assert (state["status"], state["row_count"], state["encoding"]) == ("loaded", 3, "cp874"), state
    assert "empty_period" not in state
    rows, types = stored(resource["id"])
    assert rows == [{k: (float(v) if k in AMOUNTS and v is not None else v) for k, v in e.items()} for e in EXPECTED]
    assert (types["item_number"], types["fiscal_year"], types["budget_amount"], types["egp_project_number"]) == (
        "int8", "int8", "numeric", "text")
    found = tk.get_action("datastore_search")({"ignore_auth": True}, {
        "resource_id": resource["id"], "filters": {"procurement_method": "วิธีประกาศเชิญชวนทั่วไป (e-bidding)"}})
    assert [r["egp_project_number"] for r in found["records"]] == ["67109876543"]
    assert kept(app, office, resource) == data


@uploads
def test_the_same_rows_as_xlsx_load_identically(office):
    resource = upload(office, xlsx_bytes(WRITTEN, as_excel_types(ROWS)), "o12-october.xlsx", "XLSX")
    assert resource["oit_records"]["status"] == "loaded", resource["oit_records"]
    csv_resource = upload(office, csv_bytes(TITLES, ROWS, "cp874"), "o12-november.csv", "CSV", period="2567-11")
    assert stored(resource["id"]) == stored(csv_resource["id"])


@uploads
@pytest.mark.parametrize("data,filename,fmt", [
    (csv_bytes(TITLES, [lone_row(7, NONE)], "cp874"), "none.csv", "CSV"),
    (xlsx_bytes(TITLES, [lone_row(0, NONE, None)]), "none.xlsx", "XLSX"),
    (csv_bytes(TITLES, [], "cp874"), "header-only.csv", "CSV"),
], ids=["phrase-csv", "phrase-xlsx", "header-only"])
def test_a_month_without_procurement_is_accepted_and_said(office, app, data, filename, fmt):
    resource = upload(office, data, filename, fmt)
    state = resource["oit_records"]
    assert (state["status"], state["row_count"], state["problem_count"], state["problems"]) == ("loaded", 0, 0, []), state
    empty = state["empty_period"]
    assert empty["flag"] == "no_procurement"
    assert empty["message_en"] == "No procurement in this period: accepted as a table without rows"
    assert NONE in empty["message_th"] and empty["message"] == f"{empty['message_th']} / {empty['message_en']}"
    total = tk.get_action("datastore_search")({"ignore_auth": True}, {"resource_id": resource["id"], "limit": 0})
    assert total["total"] == 0
    assert kept(app, office, resource) == data

    token = factories.APIToken(user=office.users["editor"]["name"])["token"]
    api = app.get("/api/3/action/oit_records_state_show", query_string={"resource_id": resource["id"]},
                  headers={"Authorization": token}).json["result"]["tables"]
    assert api[0]["empty_period"]["flag"] == "no_procurement"
    dataset = tk.get_action("package_show")({"ignore_auth": True}, {"id": resource["package_id"]})
    page = app.get(f"/oit-procurement/{dataset['name']}/resource/{resource['id']}",
                   headers={"Authorization": token}).body
    assert 'id="oit-records-empty-period"' in page and empty["message_th"] in page
    assert empty["message_th"] in app.get(f"/oit-procurement/{dataset['name']}", headers={"Authorization": token}).body


@uploads
def test_a_bad_row_is_refused_by_row_and_column_and_the_file_kept(office, app):
    rows = [list(r) for r in ROWS]
    rows[0][15] = "6710912345"
    rows[1][8] = "-1,250,000"
    data = csv_bytes(TITLES, rows, "cp874")
    resource = upload(office, data, "bad.csv", "CSV")
    state = resource["oit_records"]
    assert state["status"] == "invalid" and "empty_period" not in state
    assert {(p["row"], p["column"]) for p in state["problems"]} == {
        (2, "เลขที่โครงการ e-GP"), (3, "วงเงินงบประมาณที่ได้รับจัดสรร")}
    assert all(p["message"] == f"{p['message_th']} / {p['message_en']}" for p in state["problems"])
    with pytest.raises(tk.ObjectNotFound):
        tk.get_action("datastore_search")({"ignore_auth": True}, {"resource_id": resource["id"]})
    assert kept(app, office, resource) == data
