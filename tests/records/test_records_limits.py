"""Hostile record files are refused, quickly and with the limit they pass named,
before they can take the worker's memory; a broken cell (NUL) or a failure in the
job never leaves a resource "queued" nor removes the rows of the last valid file."""
from __future__ import annotations

import io
import os
import struct
import time
import zipfile

import pytest
from werkzeug.datastructures import FileStorage

import ckan.lib.uploader as uploader
import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.oit.records import reading
from support.jobs import run_jobs
from support.records import EXPECTED, HEADER, ROWS, csv_bytes, rows_of

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues")

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET = "xl/worksheets/sheet1.xml"


# --- hand-written workbooks: a few KB each ------------------------------------------

def _package(archive: zipfile.ZipFile, shared_strings: str | None = None) -> None:
    overrides = ('<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                 'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" '
                 'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
    rels = f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    if shared_strings is not None:
        overrides += ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                      'officedocument.spreadsheetml.sharedStrings+xml"/>')
        rels += f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        archive.writestr("xl/sharedStrings.xml", shared_strings)
    archive.writestr("[Content_Types].xml", (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        f'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>'))
    archive.writestr("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_REL}">'
                     f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    archive.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" '
                     f'xmlns:r="{REL}"><sheets><sheet name="สขร1" sheetId="1" r:id="rId1"/></sheets></workbook>')
    archive.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships '
                     f'xmlns="{PACKAGE_REL}">{rels}</Relationships>')


def _column(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def row(number: int, values: list, first_column: int = 1) -> str:
    cells = "".join(f'<c r="{_column(first_column + i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
                    for i, v in enumerate(values))
    return f'<row r="{number}">{cells}</row>'


def workbook(rows: list[str] | str, dimension: str | None = None, shared_strings: str | None = None,
             padding: int = 0) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        _package(archive, shared_strings)
        with archive.open(SHEET, "w") as sheet:
            sheet.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'.encode())
            if dimension:
                sheet.write(f'<dimension ref="{dimension}"/>'.encode())
            sheet.write(b"<sheetData>")
            for part in ([rows] if isinstance(rows, str) else rows):
                sheet.write(part.encode())
            for _ in range(padding // 65536):  # whitespace: compresses about a thousand times
                sheet.write(b" " * 65536)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def with_declared_size(data: bytes, name: str, size: int) -> bytes:
    """The same zip, its directory claiming another uncompressed size for one part."""
    data = bytearray(data)
    at = data.find(b"PK\x01\x02")
    while at != -1:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + length].decode() == name:
            struct.pack_into("<I", data, at + 24, size)
            return bytes(data)
        at = data.find(b"PK\x01\x02", at + 4)
    raise AssertionError(name)


HOSTILE = {
    # 1.6 KB declaring every row and column Excel has
    "dimension": (lambda: workbook([row(1, HEADER)], "A1:XFD1048576"), "max_rows", 500000),
    # a small dimension, and a cell on Excel's last row
    "spread rows": (lambda: workbook([row(1, HEADER), row(1048576, ["1"])], "A1:I2"), "max_rows", 500000),
    # a cell in Excel's last column
    "spread columns": (lambda: workbook([row(1, HEADER), row(2, ["1"], first_column=16384)]),
                       "max_columns", 200),
    # the zip directory says the sheet is 4 GB once decompressed
    "declared size": (lambda: with_declared_size(workbook([row(1, HEADER)]), SHEET, 0xF0000000),
                      "max_unzipped_mb", 500),
}


def _upload(office, data: bytes, filename: str, fmt: str, dataset: dict | None = None) -> dict:
    dataset = dataset or office.dataset("draft")
    resource = office.act("editor", "resource_create", package_id=dataset["id"], name="แบบ สขร.1", format=fmt,
                          url="", upload=FileStorage(stream=io.BytesIO(data), filename=filename))
    run_jobs()
    return tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource["id"]})


def _only_problem(resource: dict) -> dict:
    state = resource["oit_records"]
    assert state["status"] == "invalid" and state["problem_count"] == 1, state
    return state["problems"][0]


def _names_the_limit(message: str, option: str, value: int) -> None:
    assert f"ckanext.oit.records.{option} = {value}" in message, message
    assert f"{value:,}" in message and " / " in message                      # Thai / English


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_a_hostile_xlsx_is_refused_by_the_reader_before_it_is_read(kind):
    make, option, value = HOSTILE[kind]
    data = make()
    assert len(data) < 4096
    started = time.monotonic()
    with pytest.raises(reading.LimitError) as refused:
        reading.read(data, "x.xlsx")
    assert time.monotonic() - started < 5
    assert refused.value.option == f"ckanext.oit.records.{option}" and refused.value.limit == value
    _names_the_limit(str(refused.value), option, value)


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_a_hostile_xlsx_upload_is_kept_and_its_state_names_the_limit(office, app, kind):
    make, option, value = HOSTILE[kind]
    data = make()
    started = time.monotonic()
    resource = _upload(office, data, "sor-kor-ror-1.xlsx", "XLSX")
    assert time.monotonic() - started < 30
    problem = _only_problem(resource)
    _names_the_limit(problem["message"], option, value)
    with pytest.raises(tk.ObjectNotFound):
        tk.get_action("datastore_search")({"ignore_auth": True}, {"resource_id": resource["id"]})
    token = factories.APIToken(user=office.users["editor"]["name"])["token"]
    kept = app.get(resource["url"].replace("http://test.ckan.net", ""), headers={"Authorization": token})
    assert kept.status_code == 200 and kept.get_data() == data                # the upload is kept as it came


def test_the_dimension_names_the_sheet_and_its_declared_size():
    with pytest.raises(reading.LimitError) as refused:
        reading.read(HOSTILE["dimension"][0](), "x.xlsx")
    assert refused.value.th.startswith("แผ่นงาน 'สขร1': แผ่นงานระบุขนาด A1:XFD1048576: ")
    assert refused.value.en.startswith("Sheet 'สขร1': the sheet declares the size A1:XFD1048576: ")


@pytest.mark.ckan_config("ckanext.oit.records.max_unzipped_mb", 1)
def test_a_zip_bomb_of_a_sheet_is_refused_from_the_zip_directory():
    data = workbook([row(1, HEADER)], padding=3 * 1024 * 1024)               # 3 MB of sheet in a few KB
    assert len(data) < 16 * 1024
    with pytest.raises(reading.LimitError) as refused:
        reading.read(data, "x.xlsx")
    _names_the_limit(str(refused.value), "max_unzipped_mb", 1)


def test_a_zip_directory_that_understates_a_size_is_not_believed():
    data = with_declared_size(workbook([row(1, HEADER), row(2, ROWS[0])], padding=1024 * 1024), SHEET, 2000)
    with pytest.raises(reading.ReadError) as refused:
        reading.read(data, "x.xlsx")
    assert "Cannot read the Excel file" in refused.value.en


@pytest.mark.ckan_config("ckanext.oit.records.max_rows", 100)
def test_a_sheet_that_understates_its_dimension_is_stopped_while_streaming():
    rows = [row(1, HEADER)] + [row(n, ROWS[0]) for n in range(2, 400)]
    with pytest.raises(reading.LimitError) as refused:
        reading.read(workbook(rows, "A1:I2"), "x.xlsx")
    _names_the_limit(str(refused.value), "max_rows", 100)


@pytest.mark.ckan_config("ckanext.oit.records.max_cells", 1000)
def test_cells_and_shared_strings_count_against_max_cells():
    many = [row(1, HEADER)] + [row(n, ROWS[0]) for n in range(2, 200)]         # 1,791 cells
    with pytest.raises(reading.LimitError) as refused:
        reading.read(workbook(many), "x.xlsx")
    _names_the_limit(str(refused.value), "max_cells", 1000)
    # one row of the same cell again and again: openpyxl would keep every one
    repeated = [row(1, HEADER), '<row r="2">' + '<c r="A2"><v>1</v></c>' * 5000 + "</row>"]
    with pytest.raises(reading.LimitError):
        reading.read(workbook(repeated), "x.xlsx")
    strings = f'<sst xmlns="{MAIN}">' + "<si><t>x</t></si>" * 5000 + "</sst>"
    with pytest.raises(reading.LimitError) as refused:
        reading.read(workbook([row(1, HEADER)], shared_strings=strings), "x.xlsx")
    _names_the_limit(str(refused.value), "max_cells", 1000)


@pytest.mark.ckan_config("ckanext.oit.records.max_cells", 1000)
def test_xml_elements_that_openpyxl_would_hold_are_counted_too():
    # stray elements in a sheet: at most 4 per allowed cell in one part
    with pytest.raises(reading.LimitError) as refused:
        reading.read(workbook([row(1, HEADER)] + ["<x/>"] * 5000), "x.xlsx")
    assert "more than 4,000 XML elements (ckanext.oit.records.max_cells = 1000)" in refused.value.en
    # a part openpyxl reads whole as a tree (here the workbook): at most 1 per 5 allowed cells, 1,000 at least
    data = workbook([row(1, HEADER)])
    bloated = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(bloated, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in source.infolist():
            body = source.read(item)
            if item.filename == "xl/workbook.xml":
                body = body.replace(b"</sheets>", b"</sheets><definedNames>" + b"<definedName/>" * 1500
                                    + b"</definedNames>")
            copy.writestr(item.filename, body)
    with pytest.raises(reading.LimitError) as refused:
        reading.read(bloated.getvalue(), "x.xlsx")
    assert "more than 1,000 XML elements (ckanext.oit.records.max_cells = 1000)" in refused.value.en


def test_a_row_is_held_to_50_xml_elements_per_allowed_column():
    # one cell of endless rich-text runs: openpyxl holds a row whole until it ends
    runs = '<row r="2"><c r="A2" t="inlineStr"><is>' + "<r><t>x</t></r>" * 6000 + "</is></c></row>"
    with pytest.raises(reading.LimitError) as refused:
        reading.read(workbook([row(1, HEADER), runs]), "x.xlsx")
    assert refused.value.en.startswith("Sheet 'สขร1': Row 2: ")
    assert "more than 10,000 XML elements (ckanext.oit.records.max_columns = 200)" in refused.value.en


@pytest.mark.ckan_config("ckanext.oit.records.max_rows", 50)
def test_a_csv_past_max_rows_is_refused_through_the_upload(office):
    rows = [[n, "จัดซื้อวัสดุ", "1,000", "", "วิธีเฉพาะเจาะจง", "ร้านไทย", "900", f"{n}/2569", "1/10/2568"]
            for n in range(1, 60)]
    data = csv_bytes(HEADER, rows)
    resource = _upload(office, data, "big.csv", "CSV")
    _names_the_limit(_only_problem(resource)["message"], "max_rows", 50)
    # a file within the limits loads
    assert _upload(office, csv_bytes(HEADER, rows[:49]), "ok.csv", "CSV")["oit_records"]["status"] == "loaded"


def test_a_csv_row_past_max_columns_names_the_row(office):
    rows = [list(r) for r in ROWS]
    rows[1] = rows[1] + [""] * 300
    problem = _only_problem(_upload(office, csv_bytes(HEADER, rows), "wide.csv", "CSV"))
    _names_the_limit(problem["message"], "max_columns", 200)
    assert problem["message_en"].startswith("Row 3: ") and problem["message_th"].startswith("แถว 3: ")


def test_a_hand_written_xlsx_within_the_limits_loads(office):
    resource = _upload(office, workbook([row(1, HEADER)] + [row(n + 2, r) for n, r in enumerate(ROWS)], "A1:I3"),
                       "ok.xlsx", "XLSX")
    assert resource["oit_records"]["status"] == "loaded", resource["oit_records"]
    assert rows_of(resource["id"])[0] == EXPECTED


def test_a_200000_row_sor_kor_ror_1_is_within_the_default_limits(tmp_path):
    path = tmp_path / "big.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        _package(archive)
        with archive.open(SHEET, "w") as sheet:
            sheet.write(f'<worksheet xmlns="{MAIN}"><dimension ref="A1:I200001"/><sheetData>'.encode())
            sheet.write(row(1, HEADER).encode())
            for n in range(2, 200_002):
                sheet.write(row(n, [n - 1, f"จัดซื้อวัสดุสำนักงาน รายการที่ {n}", f"{n * 10:,}.00", "",
                                    "วิธีเฉพาะเจาะจง", "ร้านเครื่องเขียนไทย จำกัด", f"{n * 9:,}", f"{n}/2569",
                                    f"{1 + n % 28}/10/2568"]).encode())
            sheet.write(b"</sheetData></worksheet>")
    reading.inspect_xlsx(path.read_bytes())                                   # no limit passed
    text = "\n".join(",".join(["1", "x", "1", "", "y", "z", "1", "1/2569", "1/10/2568"]) for _ in range(200_000))
    table = reading.read_csv(("\n".join([",".join(HEADER), text])).encode("utf-8"))
    assert len(table.rows) == 200_000


# --- a NUL byte, and any other failure of the job --------------------------------------

def _nul_file() -> bytes:
    rows = [list(r) for r in ROWS]
    rows[1][5] = "บริษัท เย็นฉ่ำ\x00 จำกัด"
    return csv_bytes(HEADER, rows, "utf-8")


def _replace_file(office, resource_id: str, data: bytes, filename: str) -> dict:
    office.act("editor", "resource_update", id=resource_id, format="CSV", url="",
               upload=FileStorage(stream=io.BytesIO(data), filename=filename))
    run_jobs()
    return tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource_id})


def test_a_nul_byte_in_a_draft_is_named_and_the_old_rows_stay(office, app):
    loaded = _upload(office, csv_bytes(HEADER, ROWS), "first.csv", "CSV")
    assert loaded["oit_records"]["status"] == "loaded"
    resource = _replace_file(office, loaded["id"], _nul_file(), "nul.csv")
    state = resource["oit_records"]
    assert state["status"] == "invalid" and state["problem_count"] == 1, state
    (problem,) = state["problems"]
    assert (problem["row"], problem["column"]) == (3, "ผู้ได้รับการคัดเลือก")
    assert "U+0000" in problem["message_th"] and "U+0000" in problem["message_en"]
    assert problem["value"] == "บริษัท เย็นฉ่ำ␀ จำกัด"                      # shown, not swallowed
    assert state["row_count"] == 2                                           # the last valid file's rows
    assert rows_of(resource["id"])[0] == EXPECTED
    dataset = tk.get_action("package_show")({"ignore_auth": True}, {"id": resource["package_id"]})
    page = app.get(f"/oit-procurement/{dataset['name']}/resource/{resource['id']}", headers={
        "Authorization": factories.APIToken(user=office.users["editor"]["name"])["token"]}).body
    assert "U+0000" in page and "แถวจากไฟล์ที่ตรวจสอบผ่านครั้งก่อน 2 แถว ยังเผยแพร่อยู่" in page


def test_a_nul_byte_in_an_approved_correction_keeps_the_published_rows(office, app):
    dataset = office.dataset("draft")
    loaded = _upload(office, csv_bytes(HEADER, ROWS), "first.csv", "CSV", dataset)
    office.act("editor", "oit_submit", id=dataset["id"])
    office.act("admin", "oit_approve", id=dataset["id"])
    office.act("editor", "resource_update", id=loaded["id"], format="CSV", url="",
               upload=FileStorage(stream=io.BytesIO(_nul_file()), filename="nul.csv"))
    office.act("admin", "oit_approve", id=dataset["id"])                    # the change request
    run_jobs()
    state = tk.get_action("resource_show")({"ignore_auth": True}, {"id": loaded["id"]})["oit_records"]
    assert state["status"] == "invalid" and state["problems"][0]["row"] == 3, state
    assert rows_of(loaded["id"])[0] == EXPECTED
    public = app.get("/api/3/action/oit_records_search", query_string={
        "organization": office.org["name"], "table": "procurement-monthly-summary"}).json["result"]
    assert public["count"] == 2                                              # the public still has them


def test_an_unexpected_failure_ends_failed_with_a_readable_problem(office):
    loaded = _upload(office, csv_bytes(HEADER, ROWS), "first.csv", "CSV")
    office.act("editor", "resource_update", id=loaded["id"], format="CSV", url="",
               upload=FileStorage(stream=io.BytesIO(csv_bytes(HEADER, ROWS[:1])), filename="second.csv"))
    # the stored file is gone before the worker gets to it (a lost disk, a bad mount)
    os.remove(uploader.get_resource_uploader({"id": loaded["id"], "url": "x", "url_type": "upload"})
              .get_path(loaded["id"]))
    run_jobs()
    state = tk.get_action("resource_show")({"ignore_auth": True}, {"id": loaded["id"]})["oit_records"]
    assert state["status"] == "failed", state
    (problem,) = state["problems"]
    assert "FileNotFoundError" in problem["message_en"] and " / " in problem["message"]
    assert state["row_count"] == 2 and rows_of(loaded["id"])[0] == EXPECTED


def test_numbers_postgresql_cannot_hold_are_refused_before_the_old_rows_go(office):
    loaded = _upload(office, csv_bytes(HEADER, ROWS), "first.csv", "CSV")
    rows = [list(r) for r in ROWS]
    rows[0][0] = "99999999999999999999"                                      # past int8
    rows[1][2] = "1e999999"                                                  # past PostgreSQL's numeric
    state = _replace_file(office, loaded["id"], csv_bytes(HEADER, rows), "huge.csv")["oit_records"]
    assert state["status"] == "invalid", state
    assert {(p["row"], p["column"]) for p in state["problems"]} == {(2, "ลำดับที่"), (3, "วงเงินที่จะซื้อหรือจ้าง")}
    assert state["row_count"] == 2 and rows_of(loaded["id"])[0] == EXPECTED
