"""Cells of the files people open in a spreadsheet: every CSV and XLSX download
(records, blank templates, the ITAS answer sheet, the audit trail) is written here.

A text that starts like a formula (= + - @, tab or CR) is run by Excel or
LibreOffice when the file is opened (formula or "CSV" injection: =HYPERLINK,
DDE such as +cmd|' /C calc'!A0). The rule, one for every download:

- CSV: such a text gets a leading apostrophe, so a spreadsheet shows it as text.
- XLSX: every text is a string cell, never a formula; such a text also gets
  Excel's quote prefix, so editing the cell keeps it text. The text is unchanged.
- A number stored as a number (-2 in a numeric column) is a number cell, not a
  formula, and so is a text that is only a number ("-2", "+5", "-1,250.50").
- JSON downloads are for machines and are not written here: they stay verbatim.
"""
from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from typing import IO, Any, Iterable, Iterator, Sequence

BOM = "\ufeff"  # so Excel reads the CSV as UTF-8 and keeps the Thai
# ASCII starters and their full-width forms (Excel on East Asian systems reads those too)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d[\d,]*(\.\d*)?|\.\d+)")
# characters XML 1.0 (so XLSX) cannot hold
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
XLSX_MAX_TEXT = 32767


def formula_like(value: Any) -> bool:
    """Would a spreadsheet run this text as a formula?"""
    # one character ("-" for none) is never a formula
    return (isinstance(value, str) and len(value) > 1 and value[:1] in FORMULA_STARTS
            and _PLAIN_NUMBER.fullmatch(value) is None)


def csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    return "'" + value if formula_like(value) else value


def unquote(text: str) -> str:
    """The text of a cell of one of our CSV downloads uploaded back (the apostrophe removed)."""
    return text[1:] if text.startswith("'") and formula_like(text[1:]) else text


def csv_text(rows: Iterable[Iterable[Any]]) -> str:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue()


def csv_bytes(rows: Iterable[Iterable[Any]]) -> bytes:
    return csv_text(rows).encode("utf-8")


def csv_chunks(rows: Iterable[Iterable[Any]], chunk: int = 64 * 1024) -> Iterator[bytes]:
    """csv_bytes piece by piece, for a download streamed while its rows are read."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
        if out.tell() >= chunk:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode("utf-8")


def _xlsx_value(sheet: Any, value: Any, number_format: str | None = None) -> Any:
    if not isinstance(value, str):
        if number_format and isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            from openpyxl.cell import WriteOnlyCell

            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = number_format  # shown as people read it, still a number
            return cell
        return value  # numbers, dates, booleans and blanks keep their type
    text = _NOT_IN_XML.sub("\ufffd", value)[:XLSX_MAX_TEXT]
    if not formula_like(text) and text[:1] != "=":
        return text  # openpyxl makes a plain string cell of it
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl would make "=…" a formula
    cell.quotePrefix = True
    return cell


def xlsx_write(rows: Iterable[Iterable[Any]], title: str, out: IO[bytes],
               number_formats: Sequence[str | None] = ()) -> None:
    """The workbook into ``out``; openpyxl's write-only mode keeps the rows on disk, not in memory.
    ``number_formats``: per column, how a number cell is shown (e.g. ``#,##0.00``)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=re.sub(r"[\[\]:*?/\\]", "-", title)[:31] or "Sheet")
    for row in rows:
        sheet.append([_xlsx_value(sheet, v, number_formats[i] if i < len(number_formats) else None)
                      for i, v in enumerate(row)])
    book.save(out)


def xlsx_bytes(rows: Iterable[Iterable[Any]], title: str) -> bytes:
    return xlsx_book([(title, rows)])


def xlsx_book(sheets: Iterable[tuple[str, Iterable[Iterable[Any]]]]) -> bytes:
    """A workbook of several sheets (title, rows), each cell written by the rule above."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = book.create_sheet(title=re.sub(r"[\[\]:*?/\\]", "-", title)[:31] or "Sheet")
        for row in rows:
            sheet.append([_xlsx_value(sheet, v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
