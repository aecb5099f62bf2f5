"""Uploaded tables become typed DataStore rows, through the real job queue."""
from __future__ import annotations

import io

import openpyxl
import pytest
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from support.jobs import run_jobs
from support.records import EXPECTED, HEADER, ROWS, csv_bytes, rows_of

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues")

def xlsx_bytes(header, rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [header] + rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(office, data: bytes, filename: str, fmt: str):
    dataset = office.dataset("draft")
    resource = office.act("editor", "resource_create", package_id=dataset["id"], name="แบบ สขร.1",
                          format=fmt, url="", upload=FileStorage(stream=io.BytesIO(data), filename=filename))
    queued = tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource["id"]})
    assert queued["oit_records"]["status"] == "queued"
    run_jobs()
    return tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource["id"]})


def test_a_windows_874_csv_with_thai_digits_and_be_dates_loads_typed_rows(office, app):
    data = csv_bytes(HEADER, ROWS, "cp874")
    resource = upload(office, data, "sor-kor-ror-1.csv", "CSV")
    assert resource["oit_records"]["status"] == "loaded", resource["oit_records"]
    assert resource["oit_records"]["row_count"] == 2
    assert resource["oit_records"]["encoding"] == "cp874"
    records, types = rows_of(resource["id"])
    assert records == EXPECTED
    assert types["budget_amount"] == "numeric" and types["contract_date"] == "date"
    assert types["item_number"] == "int8"
    # the file stays as it was uploaded
    token = factories.APIToken(user=office.users["editor"]["name"])["token"]
    download = app.get(resource["url"].replace("http://test.ckan.net", ""), headers={"Authorization": token})
    assert download.status_code == 200 and download.get_data() == data


def test_the_same_data_as_xlsx_loads_identically(office):
    resource = upload(office, xlsx_bytes(HEADER, ROWS), "sor-kor-ror-1.xlsx", "XLSX")
    assert resource["oit_records"]["status"] == "loaded", resource["oit_records"]
    assert rows_of(resource["id"])[0] == EXPECTED


def test_headers_in_another_order_with_spaces_and_utf8_bom(office):
    order = [2, 0, 1, 3, 4, 5, 6, 7, 8]
    header = [HEADER[i].replace("ราคากลาง", "ราคา กลาง") for i in order]
    rows = [[row[i] for i in order] for row in ROWS]
    resource = upload(office, b"\xef\xbb\xbf" + csv_bytes(header, rows, "utf-8"), "s.csv", "CSV")
    assert resource["oit_records"]["status"] == "loaded", resource["oit_records"]
    assert rows_of(resource["id"])[0] == EXPECTED


def test_a_bad_file_gets_one_error_per_problem_and_loads_nothing(office):
    header = [h for h in HEADER if h != "ผู้ได้รับการคัดเลือก"]          # a missing column
    rows = [[c for i, c in enumerate(row) if HEADER[i] != "ผู้ได้รับการคัดเลือก"] for row in ROWS]
    rows[0][2] = "ห้าแสนบาท"                                            # a wrong amount
    rows[1][-1] = "31/02/2569"                                           # an impossible date
    resource = upload(office, csv_bytes(header, rows), "bad.csv", "CSV")
    state = resource["oit_records"]
    assert state["status"] == "invalid"
    problems = {(p["row"], p["column"]) for p in state["problems"]}
    assert problems == {
        (None, "ผู้ได้รับการคัดเลือก"),
        (2, "วงเงินที่จะซื้อหรือจ้าง"),
        (3, "วันที่ของสัญญาหรือข้อตกลงในการซื้อหรือจ้าง"),
    }
    assert all(" / " in p["message"] for p in state["problems"])          # Thai / English
    with pytest.raises(tk.ObjectNotFound):
        tk.get_action("datastore_search")({"ignore_auth": True}, {"resource_id": resource["id"]})


def test_a_corrected_file_replaces_the_rows_as_a_whole(office):
    resource = upload(office, csv_bytes(HEADER, ROWS), "first.csv", "CSV")
    office.act("editor", "resource_update", id=resource["id"], format="CSV", url="",
               upload=FileStorage(stream=io.BytesIO(csv_bytes(HEADER, ROWS[:1])), filename="fixed.csv"))
    run_jobs()
    records, _ = rows_of(resource["id"])
    assert records == EXPECTED[:1]


def test_every_table_schema_is_served_by_the_api(app):
    listed = app.get("/api/3/action/oit_table_schema_list").json["result"]
    names = {t["name"] for t in listed}
    assert {"procurement-monthly-summary", "procurement-list", "budget-plan", "complaint-statistics"} <= names
    for name in names:
        shown = app.get("/api/3/action/oit_table_schema_show", query_string={"name": name}).json["result"]
        assert shown["fields"] and all(f["title"] for f in shown["fields"])


# --- all records of one kind, across datasets ------------------------------------


def _loaded(office, state: str, rows) -> dict:
    """A monthly summary in ``state`` whose file was loaded while it was a draft."""
    dataset = office.dataset("draft")
    office.act("editor", "resource_create", package_id=dataset["id"], format="CSV", url="",
               upload=FileStorage(stream=io.BytesIO(csv_bytes(HEADER, rows)), filename="m.csv"))
    run_jobs()
    if state != "draft":
        office.act("editor", "oit_submit", id=dataset["id"])
        office.act("admin", "oit_approve", id=dataset["id"])
    return tk.get_action("package_show")({"ignore_auth": True}, {"id": dataset["id"]})


def test_records_search_joins_the_months_of_a_fiscal_year(office, app):
    october = _loaded(office, "published", ROWS)
    november = _loaded(office, "published", ROWS[:1])
    draft = _loaded(office, "draft", ROWS)
    query = {"organization": office.org["name"], "table": "procurement-monthly-summary", "fiscal_year": "2569"}

    public = app.get("/api/3/action/oit_records_search", query_string=query).json["result"]
    assert public["count"] == 3
    assert sorted(public["datasets"]) == sorted([october["name"], november["name"]])
    assert {r["_period"] for r in public["records"]} == {october["period"], november["period"]}
    assert draft["name"] not in {r["_dataset"] for r in public["records"]}

    inside = tk.get_action("oit_records_search")({"user": office.users["member"]["name"]}, query)
    assert inside["count"] == 5  # the organisation also sees its draft

    filtered = tk.get_action("oit_records_search")({"user": ""}, dict(
        query, filters={"procurement_method": "วิธีเฉพาะเจาะจง"}, limit=1))
    assert filtered["count"] == 2 and len(filtered["records"]) == 1
    assert filtered["records"][0]["budget_amount"] == 12500

    csv_file = app.get(f"/oit/records/{office.org['name']}/procurement-monthly-summary.csv",
                       query_string={"fiscal_year": "2569"})
    body = csv_file.get_data()
    assert body.startswith("\ufeff".encode()) and "งานที่จัดซื้อหรือจัดจ้าง" in body.decode("utf-8-sig")
    assert len(body.decode("utf-8-sig").strip().splitlines()) == 4
    as_json = app.get(f"/oit/records/{office.org['name']}/procurement-monthly-summary.json",
                      query_string={"fiscal_year": "2569"}).get_data(as_text=True)
    assert '"count": 3' in as_json
    book = openpyxl.load_workbook(io.BytesIO(app.get(
        f"/oit/records/{office.org['name']}/procurement-monthly-summary.xlsx",
        query_string={"fiscal_year": "2569"}).get_data()))
    assert book.active.max_row == 4


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_template_filled_in_and_uploaded_unchanged_validates(office, app, fmt):
    for table in ("procurement-monthly-summary",):
        response = app.get(f"/oit/tables/{table}/template.{fmt}")
        assert response.status_code == 200
        resource = upload(office, response.get_data(), f"template.{fmt}", fmt.upper())
        assert resource["oit_records"]["status"] == "loaded", resource["oit_records"]
        assert resource["oit_records"]["row_count"] == 1


def test_every_template_validates_unchanged(app):
    from ckanext.oit.records import reading, tables, validation

    for name in tables.names():
        for fmt in ("csv", "xlsx"):
            response = app.get(f"/oit/tables/{name}/template.{fmt}")
            assert response.status_code == 200, (name, fmt)
            raw = reading.read(response.get_data(), f"template.{fmt}")
            rows, problems = validation.check(raw, tables.get(name))
            assert not problems, (name, fmt, [p.as_dict() for p in problems])
            assert len(rows) == 1


def test_a_header_only_file_is_an_explicit_empty_month(office):
    resource = upload(office, csv_bytes(HEADER, []), "none.csv", "CSV")
    assert resource["oit_records"]["status"] == "loaded"
    assert resource["oit_records"]["row_count"] == 0


def test_twenty_thousand_rows_load_through_the_job_queue(office):
    rows = [[n, f"จัดซื้อวัสดุ รายการที่ {n}", f"{n * 10:,}.00", "", "วิธีเฉพาะเจาะจง", "ร้านไทย",
             f"{n * 9:,}", f"{n}/2569", f"{1 + n % 28}/10/2568"] for n in range(1, 20001)]
    resource = upload(office, csv_bytes(HEADER, rows), "big.csv", "CSV")
    assert resource["oit_records"]["status"] == "loaded", resource["oit_records"]
    assert resource["oit_records"]["row_count"] == 20000
    total = tk.get_action("datastore_search")({"ignore_auth": True}, {"resource_id": resource["id"], "limit": 0})
    assert total["total"] == 20000


def test_the_resource_page_lists_the_problems(office, app):
    rows = [list(r) for r in ROWS]
    rows[0][2] = "ห้าแสนบาท"
    resource = upload(office, csv_bytes(HEADER, rows), "bad.csv", "CSV")
    token = factories.APIToken(user=office.users["editor"]["name"])["token"]
    dataset = tk.get_action("package_show")({"ignore_auth": True}, {"id": resource["package_id"]})
    page = app.get(f"/oit-procurement/{dataset['name']}/resource/{resource['id']}",
                   headers={"Authorization": token}).body
    assert "พบข้อผิดพลาด" in page and "วงเงินที่จะซื้อหรือจ้าง" in page and "ห้าแสนบาท" in page
