"""Reading what Thai offices upload: CSV in UTF-8 (with or without BOM) or
TIS-620/Windows-874, and XLSX (the first sheet, or a named one)."""
from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from typing import Any

from charset_normalizer import from_bytes

XLSX_MAGIC = b"PK\x03\x04"


@dataclass
class RawTable:
    headers: list[Any]
    rows: list[list[Any]]
    row_numbers: list[int]          # the row of each data row in the file (1 = first row)
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)


class ReadError(ValueError):
    def __init__(self, th: str, en: str):
        super().__init__(f"{th} / {en}")
        self.th, self.en = th, en


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was read in."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Thai single-byte encodings: Windows-874 is a superset of TIS-620.
    guess = from_bytes(data, cp_isolation=["cp874", "tis_620", "iso8859_11"]).best()
    encoding = "cp874" if guess is None or guess.encoding in ("tis_620", "iso8859_11") else guess.encoding
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as error:
        raise ReadError("อ่านไฟล์ไม่ได้: ไม่ใช่ UTF-8 หรือ TIS-620/Windows-874",
                        "Cannot read the file: it is neither UTF-8 nor TIS-620/Windows-874") from error


def _blank(row: list[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def _table(rows: list[tuple[int, list[Any]]], encoding: str | None) -> RawTable:
    rows = [(n, r) for n, r in rows if not _blank(r)]
    if not rows:
        raise ReadError("ไฟล์ว่าง ไม่มีหัวตาราง", "The file is empty: no header row")
    (_, headers), data = rows[0], rows[1:]
    width = len(headers)
    return RawTable(headers=list(headers),
                    rows=[(list(r) + [None] * width)[:max(width, len(r))] for _, r in data],
                    row_numbers=[n for n, _ in data], encoding=encoding)


def read_csv(data: bytes) -> RawTable:
    text, encoding = decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    return _table([(n, row) for n, row in enumerate(reader, start=1)], encoding)


def _cell(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.date() if value.time() == datetime.time(0) else value
    return value


def read_xlsx(data: bytes, sheet: str | None = None) -> RawTable:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ReadError("อ่านไฟล์ Excel ไม่ได้", f"Cannot read the Excel file: {error}") from error
    if sheet and sheet not in book.sheetnames:
        raise ReadError(f"ไม่พบแผ่นงาน '{sheet}' (มี: {', '.join(book.sheetnames)})",
                        f"No sheet '{sheet}' (there are: {', '.join(book.sheetnames)})")
    worksheet = book[sheet] if sheet else book.worksheets[0]
    rows = [(n, [_cell(v) for v in row]) for n, row in enumerate(worksheet.iter_rows(values_only=True), start=1)]
    book.close()
    return _table(rows, None)


def read(data: bytes, filename: str = "", sheet: str | None = None) -> RawTable:
    if data.startswith(XLSX_MAGIC) or filename.lower().endswith((".xlsx", ".xlsm")):
        return read_xlsx(data, sheet)
    return read_csv(data)
