"""Every file an office produces is read, row by row: Excel's "Unicode Text" (UTF-16, tabs),
UTF-16 with commas, UTF-8 and Windows-874 CSV, and XLSX through calamine. ``open_table``
streams what ``read`` keeps whole: the same rows, limits passed mid-stream, and memory
that stays flat however long a CSV is."""
from __future__ import annotations

import codecs
import csv
import datetime
import gc
import io
import tracemalloc
import zipfile

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference

from ckanext.oit.records import reading
from support.records import HEADER, ROWS

LIMITS = reading.Limits()
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def streamed(source, filename: str = "", sheet: str | None = None, limits: reading.Limits = LIMITS):
    with reading.open_table(source, filename, sheet, limits) as table:
        return table.headers, list(table.rows), table.encoding


def unicode_text(rows: list[list[str]]) -> str:
    """What Excel's "Save as Unicode Text" writes: tabs, CRLF, cells with a tab, a quote
    or a line break quoted."""
    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if any(c in value for c in '\t"\n') else value
    return "".join("\t".join(cell(v) for v in row) + "\r\n" for row in rows)


# --- UTF-16 -------------------------------------------------------------------------------

SHEET = [HEADER] + [list(r) for r in ROWS] + [
    ["3", 'จัดซื้อ "หมึก"\tพิมพ์', "1,000", "", "วิธีเฉพาะเจาะจง", "ร้านไทย\nสาขา 2", "900", "6/2569", "1/11/2568"]]


@pytest.mark.parametrize("bom, codec", [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")])
def test_excel_unicode_text_is_read_as_utf16_tabs(bom, codec):
    data = bom + unicode_text(SHEET).encode(codec)
    table = reading.read(data, "sor-kor-ror-1.txt")
    assert table.encoding == "utf-16"
    assert table.headers == HEADER
    assert table.rows == SHEET[1:] and table.row_numbers == [2, 3, 4]
    assert table.rows[2][1] == 'จัดซื้อ "หมึก"\tพิมพ์' and table.rows[2][5] == "ร้านไทย\nสาขา 2"
    assert reading.decode(data) == (unicode_text(SHEET), "utf-16")


def test_utf16_with_commas_is_read():
    text = io.StringIO()
    csv.writer(text).writerows(SHEET)
    data = text.getvalue().encode("utf-16")                       # the BOM, then little-endian
    table = reading.read(data, "x.csv")
    assert (table.encoding, table.headers, table.rows) == ("utf-16", HEADER, SHEET[1:])


def test_a_utf16_mark_on_a_file_that_is_not_utf16_is_refused():
    data = codecs.BOM_UTF16_LE + unicode_text(SHEET).encode("utf-16-le")[:-1]   # an odd byte at the end
    with pytest.raises(reading.ReadError) as refused:
        reading.read(data, "x.txt")
    assert refused.value.en == "Cannot read the file: it is marked as UTF-16 but is not valid UTF-16"
    with pytest.raises(reading.ReadError):
        reading.open_table(data, "x.txt", limits=LIMITS)


def test_utf8_and_windows_874_are_read_as_before():
    text = io.StringIO()
    csv.writer(text).writerows(SHEET)
    for data, encoding in [(text.getvalue().encode("utf-8"), "utf-8"),
                           (codecs.BOM_UTF8 + text.getvalue().encode("utf-8"), "utf-8-sig"),
                           (text.getvalue().encode("cp874"), "cp874")]:
        table = reading.read(data, "x.csv")
        assert (table.encoding, table.headers, table.rows) == (encoding, HEADER, SHEET[1:])
        assert reading.decode(data) == (text.getvalue(), encoding)
    with pytest.raises(reading.ReadError) as refused:
        reading.read(b"a,b\r\n\x81\xfc,1\r\n")                    # undefined in Windows-874 too
    assert refused.value.en == "Cannot read the file: it is neither UTF-8 nor TIS-620/Windows-874"


# --- streaming ----------------------------------------------------------------------------

def csv_of(rows: int, encoding: str = "utf-8") -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADER)
    for n in range(1, rows + 1):
        writer.writerow([n, f"จัดซื้อวัสดุสำนักงาน รายการที่ {n}", f"{n * 10:,}.00", "", "วิธีเฉพาะเจาะจง",
                         "ร้านเครื่องเขียนไทย จำกัด", f"{n * 9:,}", f"{n}/2569", f"{1 + n % 28}/10/2568"])
        if n % 1000 == 0:
            writer.writerow(["", " ", ""])                         # a blank row now and then
    return text.getvalue().encode(encoding)


def xlsx_of(rows: list[list], title: str = "สขร1", at: str | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    if at:                                                         # move the table down and right
        sheet.move_range(f"A1:{openpyxl.utils.get_column_letter(len(rows[0]))}{len(rows)}",
                         rows=int(at[1:]) - 1, cols=ord(at[0]) - ord("A"))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["utf-8", "cp874", "utf-16", "xlsx"])
def test_open_table_streams_what_read_keeps(kind, tmp_path):
    if kind == "xlsx":
        data, name = xlsx_of([HEADER] + [[n, "งาน", n * 1.5, None, "วิธี", "ร้าน", n, f"{n}/2569",
                                          datetime.date(2025, 10, 1 + n % 28)] for n in range(1, 3001)]), "x.xlsx"
    else:
        data, name = csv_of(3000, kind), "x.csv"
    path = tmp_path / name
    path.write_bytes(data)
    whole = reading.read(data, name)
    for source in (data, path, str(path)):
        headers, rows, encoding = streamed(source, "" if source is not data else name)
        assert headers == whole.headers and encoding == whole.encoding
        assert [n for n, _ in rows] == whole.row_numbers and [r for _, r in rows] == whole.rows
    assert len(whole.rows) == 3000


def test_the_table_closes_its_file(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(csv_of(10))
    with reading.open_table(path, limits=LIMITS) as table:
        assert next(table.rows)[0] == 2
    assert list(table.rows) == []                                 # closed: nothing more is read
    table.close()                                                 # twice is harmless


@pytest.mark.parametrize("data", [b"", b"\r\n , ,\r\n\r\n", codecs.BOM_UTF16_LE])
def test_an_empty_file_is_refused_when_opened(data):
    with pytest.raises(reading.ReadError) as refused:
        reading.open_table(data, "x.csv", limits=LIMITS)
    assert refused.value.en == "The file is empty: no header row"


def test_limits_are_passed_mid_stream():
    limits = reading.Limits(rows=50)
    table = reading.open_table(csv_of(100), "x.csv", limits=limits)  # the header is within the limits
    seen = []
    with table, pytest.raises(reading.LimitError) as refused:
        for number, _ in table.rows:
            seen.append(number)
    assert seen == list(range(2, 51))                             # every row up to the limit came out
    assert refused.value.option == "ckanext.oit.records.max_rows" and refused.value.limit == 50

    rows = [list(r) for r in ROWS] * 20
    rows[30] = rows[30] + [""] * 300
    text = io.StringIO()
    csv.writer(text).writerows([HEADER] + rows)
    with reading.open_table(text.getvalue().encode(), "x.csv", limits=LIMITS) as table:
        with pytest.raises(reading.LimitError) as refused:
            list(table.rows)
    assert refused.value.en.startswith("Row 32: ") and refused.value.option == "ckanext.oit.records.max_columns"

    with reading.open_table(csv_of(200), "x.csv", limits=reading.Limits(cells=1000)) as table:
        with pytest.raises(reading.LimitError) as refused:
            list(table.rows)
    assert refused.value.option == "ckanext.oit.records.max_cells"


def test_a_file_that_turns_windows_874_after_its_first_megabytes_is_read_in_windows_874():
    # ASCII (valid UTF-8) for more than the 64 KiB sample and the first 1 MiB chunk, then Thai in Windows-874
    head = "no,item,amount\r\n" + "".join(f"{n},paper A4,{n}.00\r\n" for n in range(1, 80_001))
    thai = "80001,จัดซื้อกระดาษ,๑๒,๕๐๐.๐๐\r\n"
    data = (head + thai).encode("cp874")
    assert len(head) > 1_100_000 and data[:len(head)].decode("utf-8") == head
    table = reading.read(data, "x.csv")
    assert table.encoding == "cp874"
    assert table.rows[0] == ["1", "paper A4", "1.00"] and table.rows[-1] == ["80001", "จัดซื้อกระดาษ", "๑๒", "๕๐๐.๐๐"]
    assert reading.decode(data)[1] == "cp874"


def test_thai_utf8_cut_at_every_chunk_boundary_stays_utf8():
    # three bytes per Thai letter: the 1 MiB chunks cut letters in two, the decoder carries them
    data = csv_of(12_000)
    assert len(data) > 3 * 1024 * 1024
    table = reading.read(data, "x.csv")
    assert table.encoding == "utf-8" and table.rows[-1][1] == "จัดซื้อวัสดุสำนักงาน รายการที่ 12000"


def _peak_while_iterating(path) -> tuple[int, int]:
    gc.collect()
    tracemalloc.start()
    try:
        with reading.open_table(path, "x.csv", limits=reading.Limits(rows=1_000_000, cells=50_000_000)) as table:
            count = sum(1 for _ in table.rows)
        return tracemalloc.get_traced_memory()[1], count
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_as_a_csv_grows(tmp_path):
    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    small.write_bytes(csv_of(20_000))
    large.write_bytes(csv_of(200_000))                            # about 60 MB
    (small_peak, small_rows), (large_peak, large_rows) = _peak_while_iterating(small), _peak_while_iterating(large)
    assert (small_rows, large_rows) == (20_000, 200_000)
    assert large_peak < 2 * small_peak, (small_peak, large_peak)
    assert large_peak < 8 * 1024 * 1024                           # the chunks, not the file


# --- XLSX through calamine -----------------------------------------------------------------

def test_row_numbers_are_the_files_with_blank_rows_and_columns_before_the_table():
    rows = [["ลำดับที่", "รายการ", "จำนวน"], [1, "กระดาษ", 10], [None, None, None], [2, "หมึก", 2.5]]
    data = xlsx_of(rows, at="C4")                                 # the table at C4: rows 1-3 and columns A-B empty
    table = reading.read(data, "x.xlsx")
    assert table.headers == [None, None, "ลำดับที่", "รายการ", "จำนวน"]
    assert table.row_numbers == [5, 7]                            # the blank row 6 left out
    assert table.rows == [[None, None, 1, "กระดาษ", 10], [None, None, 2, "หมึก", 2.5]]
    assert type(table.rows[0][4]) is int and type(table.rows[1][4]) is float


def test_cells_keep_the_types_openpyxl_gave():
    rows = [["date", "when", "time", "flag", "whole", "part", "text", "empty"],
            [datetime.datetime(2025, 10, 15), datetime.datetime(2025, 10, 15, 13, 30), datetime.time(8, 15),
             True, 12500.0, 0.25, "๑๒,๕๐๐.๐๐", None]]
    table = reading.read(xlsx_of(rows), "x.xlsx")
    assert table.rows == [[datetime.date(2025, 10, 15), datetime.datetime(2025, 10, 15, 13, 30),
                           datetime.time(8, 15), True, 12500, 0.25, "๑๒,๕๐๐.๐๐"]]
    assert [type(v) for v in table.rows[0]] == [datetime.date, datetime.datetime, datetime.time, bool, int,
                                                float, str]


def test_a_thai_date_format_reads_as_a_date():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["วันที่ของสัญญา"])
    for n, pattern in enumerate(["[$-107041E]d mmm yy", "[$-th-TH]d mmmm yyyy", "dd/mm/yyyy"]):
        sheet.append([datetime.datetime(2025, 10, 1 + n)])
        sheet.cell(n + 2, 1).number_format = pattern
    out = io.BytesIO()
    book.save(out)
    assert reading.read(out.getvalue(), "x.xlsx").rows == [[datetime.date(2025, 10, d)] for d in (1, 2, 3)]


def _book(sheets: dict[str, str], shared_strings: list[str] | None = None, declared: int | None = None) -> bytes:
    """A hand-written workbook: sheet name -> the XML inside <sheetData>."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.'
                            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                            for n in range(1, len(sheets) + 1))
        rels = "".join(f'<Relationship Id="rId{n}" Type="{REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                       for n in range(1, len(sheets) + 1))
        if shared_strings is not None:
            overrides += ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                          'officedocument.spreadsheetml.sharedStrings+xml"/>')
            rels += f'<Relationship Id="rIdS" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
            archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}" uniqueCount="{declared or len(shared_strings)}">'
                             + "".join(f"<si><t>{s}</t></si>" for s in shared_strings) + "</sst>")
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
            '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
            f'main+xml"/>{overrides}</Types>'))
        archive.writestr("_rels/.rels", f'<Relationships xmlns="{PACKAGE_REL}"><Relationship Id="rId1" '
                         f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        entries = "".join(f'<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>' for n, name in enumerate(sheets, 1))
        archive.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{entries}</sheets>'
                         "</workbook>")
        archive.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{PACKAGE_REL}">{rels}</Relationships>')
        for n, body in enumerate(sheets.values(), 1):
            archive.writestr(f"xl/worksheets/sheet{n}.xml", f'<worksheet xmlns="{MAIN}"><sheetData>{body}'
                             "</sheetData></worksheet>")
    return out.getvalue()


def test_cached_formula_values_and_shared_strings_are_read():
    body = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
            '<row r="2"><c r="A2"><f>SUM(1,2)</f><v>3</v></c><c r="B2" t="str"><f>"ก"&amp;"ข"</f><v>กข</v></c></row>'
            '<row r="3"><c r="A3" t="b"><v>1</v></c><c r="B3"><f>A1</f></c></row>')
    table = reading.read(_book({"data": body}, ["ยอด", "ชื่อ"]), "x.xlsx")
    assert table.headers == ["ยอด", "ชื่อ"]
    assert table.rows == [[3, "กข"], [True]] and table.row_numbers == [2, 3]   # no cached value: empty


def test_excel_escapes_in_strings_are_read_as_the_character():
    body = ('<row r="1"><c r="A1" t="inlineStr"><is><t>หมายเหตุ</t></is></c></row>'
            '<row r="2"><c r="A2" t="inlineStr"><is><t>บรรทัดแรก_x000D_\nบรรทัดสอง</t></is></c></row>')
    assert reading.read(_book({"data": body}), "x.xlsx").rows == [["บรรทัดแรก\r\nบรรทัดสอง"]]


def test_error_cells_keep_their_text():
    body = ('<row r="1"><c r="A1" t="inlineStr"><is><t>ราคา</t></is></c></row>'
            '<row r="2"><c r="A2" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>'
            '<row r="3"><c r="A3" t="e"><v>#N/A</v></c></row>')
    assert reading.read(_book({"data": body}), "x.xlsx").rows == [["#DIV/0!"], ["#N/A"]]


def test_a_named_sheet_is_read_and_a_missing_one_named():
    data = _book({"คำอธิบาย": '<row r="1"><c r="A1" t="inlineStr"><is><t>อ่านก่อน</t></is></c></row>',
                  "สขร1": '<row r="2"><c r="B2" t="inlineStr"><is><t>ลำดับที่</t></is></c></row>'
                          '<row r="3"><c r="B3"><v>7</v></c></row>'})
    assert reading.read(data, "x.xlsx").headers == ["อ่านก่อน"]              # the first sheet
    table = reading.read(data, "x.xlsx", sheet="สขร1")
    assert (table.headers, table.rows, table.row_numbers) == ([None, "ลำดับที่"], [[None, 7]], [3])
    with pytest.raises(reading.ReadError) as refused:
        reading.read(data, "x.xlsx", sheet="แผ่นที่ 3")
    assert refused.value.en == "No sheet 'แผ่นที่ 3' (there are: คำอธิบาย, สขร1)"


def test_a_chartsheet_is_not_a_worksheet():
    book = openpyxl.Workbook()
    data_sheet = book.active
    data_sheet.title = "data"
    data_sheet.append(["เดือน", "จำนวน"])
    data_sheet.append(["ต.ค.", 3])
    chart = book.create_chartsheet("กราฟ", 0)                         # the first sheet of the book
    bars = BarChart()
    bars.add_data(Reference(data_sheet, min_col=2, min_row=1, max_row=2))
    chart.add_chart(bars)
    out = io.BytesIO()
    book.save(out)
    assert reading.read(out.getvalue(), "x.xlsx").rows == [["ต.ค.", 3]]     # the first worksheet
    with pytest.raises(reading.ReadError) as refused:
        reading.read(out.getvalue(), "x.xlsx", sheet="กราฟ")
    assert refused.value.en == "'กราฟ' is not a worksheet"


def test_an_empty_sheet_is_an_empty_file():
    with pytest.raises(reading.ReadError) as refused:
        reading.open_table(_book({"data": ""}), "x.xlsx", limits=LIMITS)
    assert refused.value.en == "The file is empty: no header row"


def test_a_sparse_sheet_is_streamed_rather_than_held_as_a_rectangle():
    # two cells 400,000 rows and 200 columns apart: as a rectangle, 80 million cells
    body = ('<row r="1"><c r="A1" t="inlineStr"><is><t>ลำดับที่</t></is></c></row>'
            '<row r="400000"><c r="GR400000"><v>1</v></c></row>')
    table = reading.read(_book({"data": body}), "x.xlsx")
    assert table.row_numbers == [400000] and len(table.rows[0]) == 200 and table.rows[0][-1] == 1


@pytest.mark.parametrize("reference", ["A99999999999", "A0"])
def test_a_cell_reference_calamine_would_misplace_does_not_reach_it(reference):
    # calamine would place the first past Excel's last row (its rectangle then takes the
    # memory), and reads no row 0: openpyxl reads the sheet, by its row elements
    body = ('<row r="1"><c r="A1" t="inlineStr"><is><t>ลำดับที่</t></is></c></row>'
            f'<row r="2"><c r="B2"><v>1</v></c><c r="{reference}"><v>2</v></c></row>')
    table = reading.read(_book({"data": body}), "x.xlsx")
    assert table.row_numbers == [2] and table.rows == [[2]]                # as openpyxl always read it
    body = body.replace("AAAA2", "B2").replace(f'r="{reference}"', 'r="AAAA2"')
    with pytest.raises(reading.ReadError) as refused:                # past Excel's last column
        reading.read(_book({"data": body}), "x.xlsx")
    assert "'AAAA' is not a valid column name" in refused.value.en


def test_a_shared_strings_part_declaring_more_strings_than_max_cells_is_refused():
    data = _book({"data": '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'}, ["ลำดับที่"], declared=4_000_000_000)
    with pytest.raises(reading.LimitError) as refused:
        reading.read(data, "x.xlsx")
    assert refused.value.option == "ckanext.oit.records.max_cells"
