"""The checks of an uploaded table, row by row (records/validation.py), without services:
duplicate item numbers name both rows, a missing optional column of the official form is a
warning, control characters are refused with their row named, the compiled constraint checks
say what frictionless said, and the streaming Checker gives the rows check() gives."""
from __future__ import annotations

import io
import zipfile

import pytest

from ckanext.oit.records import reading, tables, validation
from support.records import EXPECTED, HEADER, ROWS, csv_bytes

SUMMARY = "procurement-monthly-summary"
LIST = "procurement-list"


def checked(header, rows, table=SUMMARY, encoding="utf-8") -> validation.Checked:
    return validation.check_table(reading.read(csv_bytes(header, rows, encoding), "f.csv"), tables.get(table))


def said(problems) -> list[tuple]:
    return [(p.row, p.column, p.en) for p in problems]


def as_json(rows) -> list[dict]:
    return [{k: validation.json_value(v) for k, v in r.items()} for r in rows]


def full(table: str) -> tuple[list[str], list[str]]:
    """Every column's title, and the schema's example row as an office writes it."""
    schema = tables.get(table)
    written = schema["oit"]["example_as_written"]
    return [f["title"] for f in schema["fields"]], [written[f["name"]] for f in schema["fields"]]


# --- duplicate item numbers ---------------------------------------------------------------


def test_a_duplicate_item_number_is_said_on_the_later_row_naming_the_first():
    again = list(ROWS[1])
    again[0], again[1] = "๑", "จัดซื้อหมึกพิมพ์"                  # the item number of row 2, in Thai digits
    result = checked(HEADER, [ROWS[0], ROWS[1], again, again])
    assert said(result.problems) == [
        (4, "ลำดับที่", "Duplicate of row 2: No. 1 is in both rows"),
        (5, "ลำดับที่", "Duplicate of row 2: No. 1 is in both rows"),   # the first row, not the latest
    ]
    duplicate = result.problems[0]
    assert duplicate.value == "1" and "ลำดับที่" in duplicate.th and "2" in duplicate.th
    assert len(result.rows) == 4                                       # still normalised, for the problem list


def test_an_empty_or_unreadable_item_number_is_its_own_problem_not_a_duplicate():
    rows = [list(ROWS[0]), list(ROWS[1]), list(ROWS[1]), list(ROWS[1])]
    rows[1][0] = rows[2][0] = "ข้อหนึ่ง"
    rows[3][0] = "-"
    found = said(checked(HEADER, rows).problems)
    assert found == [(3, "ลำดับที่", "'ข้อหนึ่ง' is not a number"), (4, "ลำดับที่", "'ข้อหนึ่ง' is not a number"),
                     (5, "ลำดับที่", "A value is required")]


def test_the_checker_keeps_only_the_keys_it_has_seen_and_counts_past_its_limit():
    schema = tables.get(SUMMARY)
    checker = validation.Checker(schema, HEADER, limit=3)
    for number in range(2, 12):
        checker.feed(number, list(ROWS[0]))                            # item 1 ten times
    checker.finish()
    assert checker.problem_count == 9 and len(checker.problems) == 3
    assert [p.row for p in checker.problems] == [3, 4, 5]
    assert checker.row_count == 10


# --- a missing optional column of the official form ------------------------------------


def test_a_missing_optional_official_column_is_a_warning_and_the_file_loads():
    titles, example = full(SUMMARY)
    at = titles.index("ราคากลาง")
    result = checked(titles[:at] + titles[at + 1:], [example[:at] + example[at + 1:]])
    assert result.problems == [] and len(result.rows) == 1
    assert result.rows[0]["reference_price"] is None
    (warning,) = result.warnings
    assert (warning.row, warning.column, warning.value) == (None, "ราคากลาง", None)
    assert warning.en == ("Column 'Reference price (THB)' of the official form is missing; "
                          "check that the file uses the current template")
    assert "'ราคากลาง'" in warning.th                                     # the Thai title in Thai


def test_the_whole_official_form_has_no_warning_and_a_required_column_is_a_problem_not_a_warning():
    for table in (SUMMARY, LIST):
        titles, example = full(table)
        result = checked(titles, [example], table)
        assert (result.problems, result.warnings, len(result.rows)) == ([], [], 1), table
    titles, example = full(LIST)
    at = titles.index("ชื่อหน่วยงาน")                                   # required
    result = checked(titles[:at] + titles[at + 1:], [example[:at] + example[at + 1:]], LIST)
    assert said(result.problems) == [(None, "ชื่อหน่วยงาน", "Column 'Agency' (agency_name) is missing")]
    assert result.warnings == []


def test_the_common_sor_kor_ror_1_file_warns_of_the_two_form_columns_it_lacks():
    result = checked(HEADER, ROWS, encoding="cp874")
    assert result.problems == [] and [{k: r[k] for k in EXPECTED[0]} for r in as_json(result.rows)] == EXPECTED
    assert {w.column for w in result.warnings} == {"รายชื่อผู้เสนอราคาและราคาที่เสนอ", "เหตุผลที่คัดเลือกโดยสรุป"}


def test_a_table_without_an_official_form_never_warns():
    schema = tables.get("budget-plan")
    assert not any(validation.official(f) for f in schema["fields"])
    required = [f["title"] for f in schema["fields"] if (f.get("constraints") or {}).get("required")]
    checker = validation.Checker(schema, required)
    assert checker.problems == [] and checker.warnings == []


def test_the_official_columns_are_marked_in_the_schemas():
    for table in (SUMMARY, LIST):
        assert all(validation.official(f) for f in tables.get(table)["fields"]), table
    assert len(tables.get(LIST)["fields"]) == 16


# --- control characters -------------------------------------------------------------------


def _book(rows: list[list[str]]) -> bytes:
    """A workbook whose cells are inline strings, written as Excel escapes them (_x0000_)."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    body = "".join(f'<row r="{n}">' + "".join(f'<c r="{chr(65 + i)}{n}" t="inlineStr"><is><t>{v}</t></is></c>'
                                              for i, v in enumerate(cells)) + "</row>"
                   for n, cells in enumerate(rows, 1))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension='
            '"rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName='
            '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
            'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'))
        archive.writestr("_rels/.rels", f'<Relationships xmlns="{package}"><Relationship Id="rId1" '
                         f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        archive.writestr("xl/workbook.xml", f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
                         '<sheet name="สขร1" sheetId="1" r:id="rId1"/></sheets></workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{package}"><Relationship '
                         f'Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        archive.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{main}"><sheetData>{body}'
                         "</sheetData></worksheet>")
    return out.getvalue()


SUPPLIER = "บริษัท เย็นฉ่ำ"


@pytest.mark.parametrize("control", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f"])
def test_a_control_character_in_a_csv_cell_is_refused_with_its_row_and_column(control):
    rows = [list(r) for r in ROWS]
    rows[1][5] = f"{SUPPLIER}{control} จำกัด"
    result = checked(HEADER, rows)
    (problem,) = result.problems
    code = f"U+{ord(control):04X}"
    assert (problem.row, problem.column) == (3, "ผู้ได้รับการคัดเลือก")
    assert problem.en == (f"Contains the control character {code} (character {len(SUPPLIER) + 1}), "
                          "which cannot be stored; remove it and upload again")
    assert code in problem.th
    assert problem.as_dict()["value"] == f"{SUPPLIER}{chr(0x2400 + ord(control))} จำกัด"   # shown, not swallowed
    assert result.rows[1]["selected_supplier"] is None and result.rows[0]["selected_supplier"] == "ร้านเครื่องเขียนไทย"


def test_tab_and_line_breaks_are_no_control_characters_and_a_nul_in_an_unknown_column_is_left_out():
    rows = [list(r) + ["หมาย\x00เหตุ"] for r in ROWS]
    rows[0][5] = "ร้าน\tเครื่องเขียน\r\nไทย"
    result = checked(HEADER + ["หมายเหตุภายใน"], rows)
    assert result.problems == []
    assert result.rows[0]["selected_supplier"] == "ร้าน เครื่องเขียน ไทย"


def test_a_nul_in_an_xlsx_inline_string_is_refused_with_its_row_and_column():
    rows = [list(HEADER)] + [list(r) for r in ROWS]
    rows[2][5] = f"{SUPPLIER}_x0000_ จำกัด"                              # Excel's escape of NUL
    raw = reading.read(_book(rows), "f.xlsx")
    assert raw.rows[1][5] == f"{SUPPLIER}\x00 จำกัด"
    result = validation.check_table(raw, tables.get(SUMMARY))
    assert [(p.row, p.column, p.value) for p in result.problems] == [(3, "ผู้ได้รับการคัดเลือก", f"{SUPPLIER}\x00 จำกัด")]
    assert "U+0000" in result.problems[0].en and "U+0000" in result.problems[0].th


# --- the compiled checks say what frictionless said ---------------------------------------


def _frictionless_describe(kind: str, note: str, cell) -> validation.Message:
    """How the problems of frictionless were worded before the checks were compiled."""
    from ckanext.oit.i18n_messages import Message
    note = note or ""
    if "required" in note or kind == "missing-cell":
        return Message("A value is required")
    if "minimum" in note:
        return Message("%(value)s is below the minimum (%(note)s)", value=cell, note=note)
    if "enum" in note:
        return Message("'%(value)s' is not one of the allowed values (%(note)s)", value=cell, note=note)
    if "pattern" in note:
        return Message("'%(value)s' does not have the required form (%(note)s)", value=cell, note=note)
    if kind in ("primary-key", "unique-error"):
        return Message("Duplicate of another row (%(note)s)", note=note)
    return Message("Invalid value '%(value)s' (%(kind)s: %(note)s)", value=cell, kind=kind, note=note)


def frictionless_problems(rows, numbers, schema, failed=frozenset()) -> list[validation.Problem]:
    """The frictionless pass the checks replace, over the same normalised rows: the
    reference they are compared with."""
    from frictionless import Resource, Schema

    descriptor = {k: v for k, v in schema.items() if k in ("fields", "primaryKey", "missingValues")}
    descriptor["fields"] = [{k: v for k, v in f.items() if k != "oit"} for f in schema["fields"]]
    names = [f["name"] for f in descriptor["fields"]]
    data = [names] + [[validation.json_value(row[n]) for n in names] for row in rows]
    report = Resource(data=data, schema=Schema.from_descriptor(descriptor)).validate()
    titles = {f["name"]: f.get("title") or f["name"] for f in schema["fields"]}
    found = []
    for row_number, field_name, cell, kind, note in report.flatten(["rowNumber", "fieldName", "cell", "type", "note"]):
        source_row = numbers[row_number - 2]
        if (source_row, field_name) not in failed:
            found.append(validation.Problem(source_row, titles.get(field_name, field_name), cell,
                                            _frictionless_describe(kind, note, cell)))
    return sorted(found, key=lambda p: (p.row or 0, p.column or ""))


def _bad_list_rows() -> tuple[list[str], list[list[str]]]:
    titles, example = full(LIST)

    def changed(number: int, cells: dict[str, str] | None = None) -> list[str]:
        row = list(example)
        row[titles.index("ที่")] = str(number)
        for title, value in (cells or {}).items():
            row[titles.index(title)] = value
        return row
    return titles, [
        changed(1, {"วงเงินงบประมาณที่ได้รับจัดสรร": "-1,000"}),                 # minimum
        changed(2, {"แหล่งที่มาของงบประมาณ": "งบอื่น"}),                           # enum
        changed(3, {"เลขที่โครงการ e-GP": "6710912345"}),                          # pattern: 10 digits
        changed(4, {"ชื่อรายการ": "-"}),                                            # required
        changed(5, {"สถานะ": "", "วิธีการ": " "}),                                  # two required
        changed(0, {"เลขที่โครงการ e-GP": "abc"}),                                 # minimum on the key, pattern
        changed(6, {"ราคาที่ตกลง": "-0.50", "สถานะ": "ยกเลิก"}),                  # minimum; an alias is no problem
        changed(7, {"วิธีการ": "วิธีพิเศษ", "ราคากลาง": "๑๒๐"}),                   # enum of a shared code list
    ]


def test_the_compiled_checks_say_what_frictionless_said():
    schema = tables.get(LIST)
    titles, rows = _bad_list_rows()
    result = checked(titles, rows, LIST)
    reference = frictionless_problems(result.rows, list(range(2, 2 + len(rows))), schema)
    assert [p.as_dict() for p in result.problems] == [p.as_dict() for p in reference]
    for kind in ("is below the minimum", "is not one of the allowed values", "does not have the required form",
                 "A value is required"):
        assert any(kind in p.en for p in result.problems), kind
    assert ('constraint "minimum" is "0"' in result.problems[0].en
            and result.problems[0].en == '-1000 is below the minimum (constraint "minimum" is "0")')


def test_a_summary_with_bad_rows_is_said_as_frictionless_said_it_and_a_cell_in_error_once():
    schema = tables.get(SUMMARY)
    rows = [list(r) for r in ROWS] + [list(ROWS[1]) for _ in range(3)]
    rows[0][2] = "-5"                       # minimum
    rows[1][4] = "วิธีแปลก"                  # enum
    rows[2][0], rows[2][1] = "3", ""       # required
    rows[3][0], rows[3][6] = "4", "สี่หมื่น"   # not a number: said once, not also "required"
    rows[4][0] = "0"                        # minimum on the key
    result = checked(HEADER, rows)
    reference = frictionless_problems(result.rows, [2, 3, 4, 5, 6], schema, failed={(5, "selected_price")})
    conversion = [p for p in result.problems if p.en == "'สี่หมื่น' is not a number"]
    assert [(p.row, p.column) for p in conversion] == [(5, "ราคาที่ตกลงซื้อหรือจ้าง")]
    assert [p.as_dict() for p in result.problems if p not in conversion] == [p.as_dict() for p in reference]


def test_the_primary_key_flags_the_rows_frictionless_flagged_and_names_the_first():
    schema = tables.get(SUMMARY)
    rows = [list(ROWS[0]), list(ROWS[1]), list(ROWS[0]), list(ROWS[1]), list(ROWS[0])]
    result = checked(HEADER, rows)
    reference = frictionless_problems(result.rows, [2, 3, 4, 5, 6], schema)
    assert [p.row for p in result.problems] == [p.row for p in reference] == [4, 5, 6]
    assert [p.en for p in reference][2] == "Duplicate of another row (the same as in the row at position 4)"
    assert [p.en for p in result.problems] == ["Duplicate of row 2: No. 1 is in both rows",
                                               "Duplicate of row 3: No. 2 is in both rows",
                                               "Duplicate of row 2: No. 1 is in both rows"]


def test_a_value_above_the_maximum_is_said_so():
    titles, example = full(LIST)
    example[titles.index("ปีงบประมาณ")] = "2800"
    (problem,) = checked(titles, [example], LIST).problems
    assert (problem.row, problem.column) == (2, "ปีงบประมาณ")
    assert problem.en == '2800 is above the maximum (constraint "maximum" is "2700")'


def test_a_row_of_dashes_is_one_problem_not_one_per_required_cell():
    result = checked(HEADER, [ROWS[0], ["-"] * len(HEADER), ROWS[1]])
    assert said(result.problems) == [
        (3, None, "The row has no value: every cell is empty or '-'; remove the row or fill it in")]
    assert len(result.rows) == 3


def test_a_type_we_do_not_convert_is_still_checked_by_frictionless():
    schema = {"fields": [{"name": "n", "title": "ลำดับ", "type": "integer", "constraints": {"required": True}},
                         {"name": "y", "title": "ปี", "type": "year", "constraints": {"minimum": 2000}}],
              "missingValues": ["", "-"]}
    raw = reading.RawTable(headers=["ลำดับ", "ปี"], rows=[["1", "ปีนี้"], ["2", "1999"], ["3", "2024"]],
                           row_numbers=[2, 3, 4])
    rows, problems = validation.check(raw, schema)
    assert rows == [{"n": 1, "y": "ปีนี้"}, {"n": 2, "y": "1999"}, {"n": 3, "y": "2024"}]
    assert [p.as_dict() for p in problems] == [p.as_dict() for p in frictionless_problems(rows, [2, 3, 4], schema)]
    assert [p.row for p in problems] == [2, 3]


# --- streaming ----------------------------------------------------------------------------


def _streamed(data: bytes, filename: str, table: str) -> tuple[list[dict], validation.Checker, list[int]]:
    schema = tables.get(table)
    with reading.open_table(data, filename) as opened:
        checker = validation.Checker(schema, opened.headers)
        rows, ready = [], []
        for number, cells in opened.rows:
            batch = checker.feed(number, cells)
            ready.append(len(batch))
            rows.extend(batch)
        batch = checker.finish()
        ready.append(len(batch))
        rows.extend(batch)
    return rows, checker, ready


@pytest.mark.parametrize("table", [SUMMARY, LIST])
def test_the_streaming_checker_gives_the_rows_and_problems_of_check(table):
    titles, example = full(table)
    rows = [list(example) for _ in range(5)]
    for n, row in enumerate(rows, 1):
        row[0] = str(n)
    rows[3][2] = "-"                                                        # a problem on the way
    data = csv_bytes(titles, rows, "cp874")
    streamed, checker, ready = _streamed(data, "s.csv", table)
    whole = validation.check_table(reading.read(data, "s.csv"), tables.get(table))
    assert streamed == whole.rows and len(streamed) == checker.row_count == 5
    assert ready == [0, 2, 1, 1, 1, 0]                                      # the first row held for one row
    in_order = sorted(checker.problems, key=lambda p: (p.row or 0, p.column or ""))
    assert [p.as_dict() for p in in_order] == [p.as_dict() for p in whole.problems] != []
    assert [w.as_dict() for w in checker.warnings] == [w.as_dict() for w in whole.warnings]


def test_a_lone_row_stating_nothing_to_report_is_an_empty_table_once_the_file_ends():
    titles, _ = full(LIST)
    lone = ["-"] * len(titles)
    lone[7] = "ไม่มีการจัดซื้อจัดจ้าง ประจำเดือนตุลาคม ๒๕๖๗"
    rows, checker, ready = _streamed(csv_bytes(titles, [lone]), "none.csv", LIST)
    assert (rows, ready, checker.problems, checker.row_count, checker.stated_empty) == ([], [0, 0], [], 0, True)
    # followed by a row, the phrase is a row like any other
    _, example = full(LIST)
    rows, checker, ready = _streamed(csv_bytes(titles, [lone, example]), "two.csv", LIST)
    assert ready == [0, 2, 0] and checker.row_count == 2 and {p.row for p in checker.problems} == {2}


def test_a_table_that_cannot_be_empty_hands_each_row_on_at_once():
    titles, example = full("budget-plan")
    checker = validation.Checker(tables.get("budget-plan"), titles)
    assert len(checker.feed(2, example)) == 1 and checker.finish() == []


def test_twenty_thousand_rows_are_all_checked_and_kept_in_order():
    # its speed is a figure of bench/records.py, not of a test
    header = HEADER
    rows = [[n, f"จัดซื้อวัสดุสำนักงาน รายการที่ {n}", f"{n * 10:,}.00", f"{n * 10:,} บาท", "วิธีเฉพาะเจาะจง",
             "ร้านเครื่องเขียนไทย", f"{n * 9:,}", f"{n}/2569", f"{1 + n % 28}/10/2568"] for n in range(1, 20001)]
    raw = reading.read(csv_bytes(header, rows, "cp874"), "big.csv")
    result = validation.check_table(raw, tables.get(SUMMARY))
    assert result.problems == [] and len(result.rows) == 20000
    assert [r["item_number"] for r in result.rows[:3]] == [1, 2, 3] and result.rows[-1]["budget_amount"] == 200000
