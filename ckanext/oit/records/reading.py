"""Reading what Thai offices upload: CSV in UTF-8 (with or without BOM) or
TIS-620/Windows-874, and XLSX (the first sheet, or a named one).

A file is refused, with the limit it passes, before it can take the worker's
memory: rows, columns and cells are counted while a CSV is parsed; an XLSX is
inspected first (the sizes in its zip directory, then every XML part streamed:
each sheet's declared <dimension>, its real rows and cells, the shared strings),
so openpyxl only ever reads a file within the limits."""
from __future__ import annotations

import csv
import datetime
import io
import posixpath
import zipfile
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable
from xml.parsers import expat

from charset_normalizer import from_bytes

from ckanext.oit.i18n_messages import N_, Message, UserError

XLSX_MAGIC = b"PK\x03\x04"
OPTION = "ckanext.oit.records."


@dataclass
class RawTable:
    headers: list[Any]
    rows: list[list[Any]]           # as long as each row is in the file (no padding)
    row_numbers: list[int]          # the row of each data row in the file (1 = first row)
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)


class ReadError(UserError):
    """A file that cannot be read; `.th` and `.en` say why in either language."""


_EXCEL = N_("Cannot read the Excel file: %(error)s")


@dataclass(frozen=True)
class Limits:
    """What one uploaded file may hold (the ckanext.oit.records.max_* options)."""
    rows: int = 500_000
    columns: int = 200
    cells: int = 5_000_000
    unzipped_mb: int = 500

    @classmethod
    def from_config(cls) -> "Limits":
        import ckan.plugins.toolkit as tk

        def option(name: str, default: int) -> int:
            value = tk.config.get(OPTION + name)
            return int(value) if value not in (None, "") else default

        return cls(rows=option("max_rows", cls.rows), columns=option("max_columns", cls.columns),
                   cells=option("max_cells", cls.cells), unzipped_mb=option("max_unzipped_mb", cls.unzipped_mb))


_WHAT = {"rows": ("max_rows", N_("rows")), "columns": ("max_columns", N_("columns")),
         "cells": ("max_cells", N_("cells")), "unzipped_mb": ("max_unzipped_mb", N_("MB once decompressed"))}
# XML elements openpyxl keeps at once: a sheet (4 per cell: c, is, t, row), one row (50 per
# column), a part it reads whole as a tree (styles, workbook: one per 5 cells)
ELEMENTS_PER_CELL, ELEMENTS_PER_COLUMN, CELLS_PER_TREE_ELEMENT = 4, 50, 5


def sheet_at(sheet: str) -> Message:
    """Where in the file a problem is: a sheet (the prefix of a ReadError)."""
    return Message("Sheet '%(sheet)s'", sheet=sheet)


def row_at(row: int) -> Message:
    return Message("Row %(row)s", row=row)


def _prefix(where: tuple[Message, ...]) -> Callable[[str], str]:
    """``Sheet 'x': Row 2: `` in the language asked for."""
    return lambda lang: "".join(f"{part.say(lang)}: " for part in where)


class LimitError(ReadError):
    """A file past one of the limits: names the option and its value. ``where``: the
    sheet, row or declared size it is in. ``elements``: the file is past a number of
    XML elements derived from that option."""

    def __init__(self, kind: str, limits: Limits, *where: Message, elements: int | None = None):
        name, unit = _WHAT[kind]
        self.option, self.limit = OPTION + name, getattr(limits, kind)
        count, unit = (elements, N_("XML elements")) if elements else (self.limit, unit)
        if elements:
            advice = N_("open it and save it again in Excel or LibreOffice")
        elif kind == "unzipped_mb":
            advice = N_("split it into several files")
        else:
            advice = N_("split it into several files, or delete the empty rows and columns at the end of the sheet")
        super().__init__(Message(
            "%(where)sThe file is over a limit: more than %(count)s %(unit)s (%(option)s = %(limit)s); %(advice)s",
            where=_prefix(where), count=f"{count:,}", unit=Message(unit), option=self.option, limit=self.limit,
            advice=Message(advice)))


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
        raise ReadError(Message("Cannot read the file: it is neither UTF-8 nor TIS-620/Windows-874")) from error


def _blank(row: Iterable[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def _table(rows: list[tuple[int, list[Any]]], encoding: str | None) -> RawTable:
    """The first row is the header; blank rows were left out by the reader."""
    if not rows:
        raise ReadError(Message("The file is empty: no header row"))
    (_, headers), data = rows[0], rows[1:]
    return RawTable(headers=list(headers), rows=[r for _, r in data], row_numbers=[n for n, _ in data],
                    encoding=encoding)


def read_csv(data: bytes, limits: Limits | None = None) -> RawTable:
    limits = limits or Limits.from_config()
    text, encoding = decode(data)
    try:
        sniffed = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
        # the sniffer guesses "no doubled quotes" from a sample without any; every
        # spreadsheet doubles a quote inside a quoted cell
        dialect = type("Sniffed", (sniffed,), {"doublequote": True})
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    rows, cells, number = [], 0, 0
    try:
        for number, row in enumerate(reader, start=1):
            if number > limits.rows:
                raise LimitError("rows", limits)
            if len(row) > limits.columns:
                raise LimitError("columns", limits, row_at(number))
            cells += len(row)
            if cells > limits.cells:
                raise LimitError("cells", limits)
            if not _blank(row):
                rows.append((number, row))
    except csv.Error as error:
        raise ReadError(Message("Cannot read the CSV file at row %(row)s: %(error)s",
                                row=number + 1, error=str(error))) from error
    return _table(rows, encoding)


def _cell(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.date() if value.time() == datetime.time(0) else value
    return value


# --- XLSX: inspected before openpyxl reads it --------------------------------------

_MAIN = {"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
         "http://purl.oclc.org/ooxml/spreadsheetml/main"}
_SHEET_ROOTS = {"worksheet", "dialogsheet", "macrosheet"}
_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CHUNK = 1 << 20
_BOOK_PARTS = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")


_COLUMNS: dict[str, int | None] = {}


def _column(reference: str) -> int | None:
    """The column number of a cell reference (XFD1 → 16384); cached, as a sheet repeats its columns."""
    letters = reference.rstrip("0123456789")
    try:
        return _COLUMNS[letters]
    except KeyError:
        pass
    plain = letters.replace("$", "").upper()
    number = None
    if plain and len(plain) <= 3 and plain.isascii() and plain.isalpha():
        number = 0
        for letter in plain:
            number = number * 26 + ord(letter) - 64
    if len(_COLUMNS) < 20_000:
        _COLUMNS[letters] = number
    return number


class _PartScan:
    """Streams one XML part of the workbook, counting as openpyxl would read it;
    raises LimitError as soon as a limit is passed. Handlers are per kind of
    part and kept short: a sheet of 200,000 rows has millions of elements."""

    def __init__(self, parser: Any, limits: Limits, where: tuple[Message, ...]):
        self.parser, self.limits, self.where = parser, limits, where
        self.row = self.column = self.width = self.in_row = 0
        self.cells = self.area = self.elements = 0
        self.part_elements = ELEMENTS_PER_CELL * limits.cells
        self.tree_elements = max(1000, limits.cells // CELLS_PER_TREE_ELEMENT)
        self.row_elements = ELEMENTS_PER_COLUMN * limits.columns
        parser.StartElementHandler = self.root

    def _over(self, kind: str) -> LimitError:
        return LimitError(kind, self.limits, *self.where)

    def root(self, name: str, attrs: dict[str, str]) -> None:
        prefix, _, local = name.rpartition(":")
        namespace = attrs.get(f"xmlns:{prefix}" if prefix else "xmlns")
        self.prefix = f"{prefix}:" if prefix else ""
        if namespace in _MAIN and local in _SHEET_ROOTS:
            self.parser.StartElementHandler, self.parser.EndElementHandler = self.sheet, self.sheet_end
        elif namespace in _MAIN and local == "sst":
            self.parser.StartElementHandler = self.strings
        else:
            self.parser.StartElementHandler = self.other

    def sheet(self, name: str, attrs: dict[str, str]) -> None:
        local = name[len(self.prefix):]
        self.elements += 1
        if self.elements > self.part_elements:
            raise LimitError("cells", self.limits, *self.where, elements=self.part_elements)
        if self.in_row:  # openpyxl holds a row's elements until the row ends
            self.in_row += 1
            if self.in_row > self.row_elements:
                raise LimitError("columns", self.limits, *self.where, row_at(self.row), elements=self.row_elements)
        if local == "c":
            reference = attrs.get("r")
            column = _column(reference) if reference else None
            self.column = column if column is not None else self.column + 1
            if self.column > self.width:
                self.width = self.column
                if self.column > self.limits.columns:
                    raise self._over("columns")
            self.cells += 1
            if self.cells > self.limits.cells:
                raise self._over("cells")
        elif local == "row":
            number = attrs.get("r", "")
            self.row = int(number) if number.isdigit() else self.row + 1
            self.column = self.width = 0
            self.in_row = 1
            if self.row > self.limits.rows:
                raise self._over("rows")
        elif local == "dimension":
            self._declared(attrs.get("ref") or "")

    def sheet_end(self, name: str) -> None:
        if name[len(self.prefix):] == "row":
            self.in_row = 0  # elements outside rows count for the part only
            self.area += self.width  # what the row becomes in memory
            if self.area > self.limits.cells:
                raise self._over("cells")

    def strings(self, name: str, attrs: dict[str, str]) -> None:
        if name[len(self.prefix):] == "si":
            self.cells += 1
            if self.cells > self.limits.cells:
                raise self._over("cells")

    def other(self, name: str, attrs: dict[str, str]) -> None:
        self.elements += 1  # a part openpyxl reads whole, as a tree
        if self.elements > self.tree_elements:
            raise LimitError("cells", self.limits, *self.where, elements=self.tree_elements)

    def _declared(self, ref: str) -> None:
        last = ref.split(":")[-1]
        digits = last.lstrip("$ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz").lstrip("$")
        column = _column(last)
        where = (*self.where, Message("the sheet declares the size %(ref)s", ref=ref))
        if digits.isdigit() and int(digits) > self.limits.rows:
            raise LimitError("rows", self.limits, *where)
        if column is not None and column > self.limits.columns:
            raise LimitError("columns", self.limits, *where)


def _no_dtd(*_: Any) -> None:
    raise ReadError(Message("The Excel file declares a DTD, which Excel files never do"))


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Part name → sheet name, to name the sheet in an error (best effort)."""
    import xml.etree.ElementTree as ET

    try:
        book = ET.fromstring(archive.read("xl/workbook.xml"))
        rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # a broken workbook is reported by openpyxl itself
        return {}
    targets = {}
    for rel in rels:
        target = rel.get("Target") or ""
        targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join("xl", target))
    names = {}
    for sheet in book.iter():
        if sheet.tag.endswith("}sheet"):
            part = targets.get(sheet.get(f"{{{_RELATIONSHIP}}}id"))
            if part:
                names[part] = sheet.get("name") or part
    return names


def inspect_xlsx(data: bytes, limits: Limits | None = None) -> None:
    """Refuse, before reading a cell, an XLSX past the limits (or that lies about its size)."""
    limits = limits or Limits.from_config()
    budget = limits.unzipped_mb * 1024 * 1024
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise ReadError(_EXCEL, error=str(error)) from error
    if sum(p.file_size for p in parts) > budget:
        raise LimitError("unzipped_mb", limits)
    # the workbook and its relationships first: once scanned, they name the sheets
    parts = sorted(parts, key=lambda p: p.filename not in _BOOK_PARTS)
    names: dict[str, str] | None = None
    unzipped = 0
    for part in parts:
        if part.is_dir():
            continue
        if names is None and part.filename not in _BOOK_PARTS:
            names = _sheet_names(archive)
        try:
            with archive.open(part) as stream:
                chunk = stream.read(_CHUNK)
                if not chunk.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
                    continue  # not XML (an image, a VBA project): openpyxl does not parse it
                sheet = (names or {}).get(part.filename)
                parser = expat.ParserCreate()
                parser.StartDoctypeDeclHandler = _no_dtd
                parser.EntityDeclHandler = _no_dtd
                _PartScan(parser, limits, (sheet_at(sheet),) if sheet else ())
                while chunk:
                    unzipped += len(chunk)
                    if unzipped > budget:  # the directory lied about the sizes
                        raise LimitError("unzipped_mb", limits)
                    parser.Parse(chunk, False)
                    chunk = stream.read(_CHUNK)
                parser.Parse(b"", True)
        except ReadError:
            raise
        except (zipfile.BadZipFile, expat.ExpatError, ValueError, OSError, EOFError, NotImplementedError,
                RuntimeError) as error:
            raise ReadError(Message("Cannot read the Excel file (%(part)s): %(error)s",
                                    part=part.filename, error=str(error))) from error


def read_xlsx(data: bytes, sheet: str | None = None, limits: Limits | None = None) -> RawTable:
    from openpyxl import load_workbook

    inspect_xlsx(data, limits)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ReadError(_EXCEL, error=str(error)) from error
    try:
        if sheet and sheet not in book.sheetnames:
            raise ReadError(Message("No sheet '%(sheet)s' (there are: %(sheets)s)",
                                    sheet=sheet, sheets=", ".join(book.sheetnames)))
        worksheet = book[sheet] if sheet else book.worksheets[0]
        if not hasattr(worksheet, "reset_dimensions"):
            raise ReadError(Message("'%(sheet)s' is not a worksheet", sheet=worksheet.title))
        # the declared size is not trusted: each row is read as long as its cells go
        worksheet.reset_dimensions()
        rows = []
        for number, row in enumerate(worksheet.iter_rows(values_only=True), start=1):
            if row and not _blank(row):
                rows.append((number, [_cell(v) for v in row]))
    except ReadError:
        raise
    except Exception as error:
        raise ReadError(_EXCEL, error=str(error)) from error
    finally:
        book.close()
    return _table(rows, None)


def read(data: bytes, filename: str = "", sheet: str | None = None, limits: Limits | None = None) -> RawTable:
    if data.startswith(XLSX_MAGIC) or filename.lower().endswith((".xlsx", ".xlsm")):
        return read_xlsx(data, sheet, limits)
    return read_csv(data, limits)
