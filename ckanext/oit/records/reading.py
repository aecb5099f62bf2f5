"""Reading what Thai offices upload: CSV in UTF-8 (with or without BOM), UTF-16
(Excel's "Unicode Text", with its BOM) or TIS-620/Windows-874, and XLSX (the first
worksheet, or a named one).

``open_table`` streams a file: the header row at once, then the data rows one by
one. A CSV is decoded in chunks, so memory stays flat however long it is; an XLSX
sheet is read by calamine, which holds it in memory (within the limits below),
or streamed by openpyxl when calamine would hold too much or read it otherwise.
``read`` is the same, kept whole in a RawTable.

A file is refused, with the limit it passes, before it can take the worker's
memory: rows, columns and cells are counted while a CSV is parsed; an XLSX is
inspected first (the sizes in its zip directory, then every XML part streamed:
each sheet's declared <dimension>, its real rows and cells, the shared strings),
so its reader only ever reads a file within the limits."""
from __future__ import annotations

import codecs
import csv
import datetime
import io
import os
import posixpath
import zipfile
from dataclasses import dataclass, field
from typing import IO, Any, Callable, Iterable, Iterator
from xml.parsers import expat

from ckanext.oit.i18n_messages import N_, Message, UserError

XLSX_MAGIC = b"PK\x03\x04"
OPTION = "ckanext.oit.records."


@dataclass
class RawTable:
    headers: list[Any]
    rows: list[list[Any]]           # as long as each row is in the file (no padding; empty cells None)
    row_numbers: list[int]          # the row of each data row in the file (1 = first row)
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Table:
    """A file being read: its header row, then its data rows as they are read
    (``(row in the file, cells)``, blank rows left out). Close it (or use it as a
    context manager) to free the file or workbook; a limit passed, or a broken
    file, raises ReadError from the iteration of ``rows``."""
    headers: list[Any]
    encoding: str | None
    rows: Iterator[tuple[int, list[Any]]]
    notes: list[str] = field(default_factory=list)
    _close: Callable[[], None] | None = field(default=None, repr=False)

    def close(self) -> None:
        close, self._close = self._close, None
        if close is not None:
            getattr(self.rows, "close", lambda: None)()
            close()

    def __enter__(self) -> "Table":
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()


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


# --- CSV: read in chunks, in the encoding the whole file is in -----------------------

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_DECODE_CHUNK = 1 << 20
_SAMPLE = 64 * 1024  # what the dialect is sniffed from (its first 4,096 characters)
_NEITHER = N_("Cannot read the file: it is neither UTF-8 nor TIS-620/Windows-874")


def _decodes(stream: IO[bytes], codec: str) -> bool:
    """Whether the whole stream decodes in ``codec``; read in chunks, then rewound."""
    decoder = codecs.getincrementaldecoder(codec)()
    try:
        while chunk := stream.read(_DECODE_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", True)
        return True
    except UnicodeDecodeError:
        return False
    finally:
        stream.seek(0)


def _encoding(stream: IO[bytes]) -> str:
    """The encoding the whole file is in: UTF-16 or UTF-8 by their byte order mark; else
    UTF-8 if every byte decodes as UTF-8; else Windows-874 (a superset of TIS-620).
    The whole file is checked before a row is read, so a file that is UTF-8 for its first
    megabytes and Windows-874 further on is read in Windows-874 from its first row."""
    start = stream.read(3)
    stream.seek(0)
    if start.startswith(_UTF16_BOMS) or start.startswith(codecs.BOM_UTF8):
        codec = "utf-16" if start.startswith(_UTF16_BOMS) else "utf-8-sig"
        if _decodes(stream, codec):
            return codec
        raise ReadError(Message("Cannot read the file: it is marked as %(encoding)s but is not valid %(encoding)s",
                                encoding="UTF-16" if codec == "utf-16" else "UTF-8"))
    for codec in ("utf-8", "cp874"):
        if _decodes(stream, codec):
            return codec
    raise ReadError(Message(_NEITHER))


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was read in (utf-8, utf-8-sig, utf-16 or cp874)."""
    codec = _encoding(io.BytesIO(data))
    return data.decode(codec), codec


def _blank(row: Iterable[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def _dialect(sample: str) -> type[csv.Dialect]:
    try:
        sniffed = csv.Sniffer().sniff(sample[:4096], delimiters=",;\t|")
    except csv.Error:
        return csv.excel
    # the sniffer guesses "no doubled quotes" from a sample without any; every
    # spreadsheet doubles a quote inside a quoted cell
    return type("Sniffed", (sniffed,), {"doublequote": True})


def _csv_rows(reader: Iterator[list[str]], limits: Limits) -> Iterator[tuple[int, list[Any]]]:
    number = cells = 0
    try:
        for number, row in enumerate(reader, start=1):
            if number > limits.rows:
                raise LimitError("rows", limits)
            if len(row) > limits.columns:
                raise LimitError("columns", limits, row_at(number))
            cells += len(row)
            if cells > limits.cells:
                raise LimitError("cells", limits)
            if "".join(row).strip():  # all cells are text: blank when their sum is
                yield number, row
    except csv.Error as error:
        raise ReadError(Message("Cannot read the CSV file at row %(row)s: %(error)s",
                                row=number + 1, error=str(error))) from error
    except UnicodeDecodeError as error:  # the file changed since its encoding was checked
        raise ReadError(Message(_NEITHER)) from error


# characters of one line of a CSV file: csv.reader makes a whole line into cells before
# the column limit is checked, so a line of millions of commas would take memory by the cell
MAX_LINE = 1 << 20


def _lines(text: IO[str]) -> Iterator[str]:
    number = 0
    while True:
        line = text.readline(MAX_LINE)
        if not line:
            return
        number += 1
        if len(line) >= MAX_LINE and not line.endswith(("\n", "\r")):
            raise ReadError(Message(
                "Line %(line)s of the file is longer than %(count)s characters, which no table row is; "
                "check that the file is a CSV file of the table", line=number, count=f"{MAX_LINE:,}"))
        yield line


def _binary(source: bytes | str | os.PathLike) -> IO[bytes]:
    return io.BytesIO(source) if isinstance(source, (bytes, bytearray, memoryview)) else open(source, "rb")


def _started(rows: Iterator[tuple[int, list[Any]]], encoding: str | None, close: Callable[[], None]) -> Table:
    """The table whose header is the first row of ``rows``."""
    for _, headers in rows:
        return Table(headers=list(headers), encoding=encoding, rows=rows, _close=close)
    raise ReadError(Message("The file is empty: no header row"))


def _open_csv(source: bytes | str | os.PathLike, limits: Limits) -> Table:
    stream = _binary(source)
    try:
        encoding = _encoding(stream)
        sample = codecs.getincrementaldecoder(encoding)().decode(stream.read(_SAMPLE))
        stream.seek(0)
        # an incremental decoder over buffered chunks: no more of the file in memory than a row
        text = io.TextIOWrapper(stream, encoding=encoding, newline="")
        return _started(_csv_rows(csv.reader(_lines(text), _dialect(sample)), limits), encoding, text.close)
    except BaseException:
        stream.close()
        raise


def _materialise(table: Table) -> RawTable:
    with table:
        rows, numbers = [], []
        for number, cells in table.rows:
            numbers.append(number)
            rows.append(cells)
        return RawTable(headers=table.headers, rows=rows, row_numbers=numbers, encoding=table.encoding,
                        notes=table.notes)


def read_csv(data: bytes, limits: Limits | None = None) -> RawTable:
    return _materialise(_open_csv(data, limits or Limits.from_config()))


def _cell(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.date() if value.time() == datetime.time(0) else value
    return value


# --- XLSX: inspected before calamine or openpyxl reads it ----------------------------

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


@dataclass
class _Book:
    """What the inspection found that decides who reads the file: calamine holds a
    sheet in memory as one rectangle from A1 (cells * 32 bytes), openpyxl streams it."""
    sheets: dict[str, "_SheetFacts"] = field(default_factory=dict)  # by part name
    names: dict[str, str] = field(default_factory=dict)             # part name -> sheet name
    unsure: bool = False  # cells where the inspection does not see them (calamine could)


@dataclass
class _SheetFacts:
    rows: int = 0          # the last row and column a cell may be in, as calamine places it
    columns: int = 0
    merges: int = 0        # merged ranges: calamine keeps them all
    errors: bool = False   # error cells (#N/A): calamine reads them as empty
    unsure: bool = False   # a cell reference calamine would read otherwise


class _PartScan:
    """Streams one XML part of the workbook, counting as openpyxl would read it;
    raises LimitError as soon as a limit is passed. Handlers are per kind of
    part and kept short: a sheet of 200,000 rows has millions of elements."""

    def __init__(self, parser: Any, limits: Limits, where: tuple[Message, ...], book: _Book, part: str):
        self.parser, self.limits, self.where, self.book, self.part = parser, limits, where, book, part
        self.cells = self.elements = 0
        self.kind: str | None = None  # known once the root element is read
        self.part_elements = ELEMENTS_PER_CELL * limits.cells
        self.tree_elements = max(1000, limits.cells // CELLS_PER_TREE_ELEMENT)
        self.row_elements = ELEMENTS_PER_COLUMN * limits.columns
        parser.StartElementHandler = self.root

    def _over(self, kind: str) -> LimitError:
        return LimitError(kind, self.limits, *self.where)

    def _strings_declared(self, attrs: dict[str, str]) -> None:
        """calamine reserves room for the strings an sst element declares (the first
        of xl/sharedStrings.xml, whatever the part's root)."""
        declared = attrs.get("uniqueCount", "").lstrip("+")
        if declared.isascii() and declared.isdigit() and int(declared) > self.limits.cells:
            raise self._over("cells")

    def root(self, name: str, attrs: dict[str, str]) -> None:
        prefix, _, local = name.rpartition(":")
        namespace = attrs.get(f"xmlns:{prefix}" if prefix else "xmlns")
        self.prefix = f"{prefix}:" if prefix else ""
        if local == "sst":  # whatever its namespace
            self._strings_declared(attrs)
        self.kind = "sheet" if namespace in _MAIN and local in _SHEET_ROOTS else (
            "sst" if namespace in _MAIN and local == "sst" else "other")
        if self.kind == "sheet":
            facts = self.book.sheets[self.part] = _SheetFacts()
            self.parser.StartElementHandler, self.parser.EndElementHandler = self._sheet_handlers(facts)
        elif self.kind == "sst":
            self.parser.StartElementHandler = self.strings
        else:
            self.parser.StartElementHandler = self.other

    def _sheet_handlers(self, facts: _SheetFacts) -> tuple[Callable[..., None], Callable[[str], None]]:
        """The handlers of a sheet's elements: closures over local counters, the common
        elements (c, v, t) first, as they run for every element of the sheet."""
        limits, where, part_elements, row_elements = self.limits, self.where, self.part_elements, self.row_elements
        max_rows, max_columns, max_cells = limits.rows, limits.columns, limits.cells
        prefix = self.prefix
        c_name, row_name, dimension_name = (prefix + n for n in ("c", "row", "dimension"))
        values = {prefix + n for n in ("v", "f", "is", "t")}  # a cell's content: nothing to count but itself
        not_rows = values | {c_name}
        columns = _COLUMNS
        elements = cells = area = row = column = width = 0
        row_text = ""
        # the element count past which a limit is passed: the part's, or the current row's
        # (openpyxl holds a row's elements until the row ends)
        limit = part_elements

        def start(name: str, attrs: dict[str, str]) -> None:
            nonlocal elements, cells, row, column, width, row_text, limit
            elements += 1
            if elements > limit:
                if elements > part_elements:
                    raise LimitError("cells", limits, *where, elements=part_elements)
                raise LimitError("columns", limits, *where, row_at(row), elements=row_elements)
            if name == c_name:
                reference = attrs.get("r")
                if reference:
                    letters = reference.rstrip("0123456789")
                    try:
                        number = columns[letters]
                    except KeyError:
                        number = _column(reference)
                    if number is None:
                        facts.unsure = True
                    digits = reference[len(letters):]
                    if digits != row_text:  # the cell names another row than its row element
                        if digits.isascii() and digits.isdigit() and 0 < int(digits) <= max_rows:
                            facts.rows = max(facts.rows, int(digits))
                        else:
                            facts.unsure = True
                else:
                    number = None
                    facts.rows = max(facts.rows, row + 1)
                column = number if number is not None else column + 1
                if column > width:
                    width = column
                    if column > max_columns:
                        raise LimitError("columns", limits, *where)
                    if column > facts.columns:
                        facts.columns = column
                cells += 1
                if cells > max_cells:
                    raise LimitError("cells", limits, *where)
                if attrs.get("t") == "e":
                    facts.errors = True
            elif name in values:
                return
            elif name == row_name:
                number = attrs.get("r", "")
                if number.isdigit():
                    row, row_text = int(number), number
                    if row == 0 or not number.isascii():
                        facts.unsure = True
                else:
                    row, row_text = row + 1, ""
                    if number:
                        facts.unsure = True
                column = width = 0
                limit = min(part_elements, elements + row_elements - 1)
                if row > max_rows:
                    raise LimitError("rows", limits, *where)
                if row > facts.rows:
                    facts.rows = row
            elif name == dimension_name:
                self._declared(attrs.get("ref") or "")
            else:
                # a c or row of another prefix (or none): calamine reads them by their local name
                local = name.rpartition(":")[2]
                if local in ("c", "row", "dimension"):
                    elements -= 1
                    start(prefix + local, attrs)
                elif local == "mergeCell":
                    facts.merges += 1
                elif local == "sst":
                    self._strings_declared(attrs)

        def end(name: str) -> None:
            nonlocal area, limit
            if name == row_name or (name not in not_rows and name.rpartition(":")[2] == "row"):
                limit = part_elements  # elements outside rows count for the part only
                area += width  # what the row becomes in memory
                if area > max_cells:
                    raise LimitError("cells", limits, *where)

        return start, end

    def strings(self, name: str, attrs: dict[str, str]) -> None:
        local = name[len(self.prefix):]
        if local == "si":
            self.cells += 1
            if self.cells > self.limits.cells:
                raise self._over("cells")
        elif local.endswith("sheetData"):  # cells in a part that is not a worksheet
            self.book.unsure = True

    def other(self, name: str, attrs: dict[str, str]) -> None:
        self.elements += 1  # a part openpyxl reads whole, as a tree
        if self.elements > self.tree_elements:
            raise LimitError("cells", self.limits, *self.where, elements=self.tree_elements)
        if name.endswith("sheetData"):  # cells in a part that is not a worksheet
            self.book.unsure = True
        elif name.endswith("sst"):
            self._strings_declared(attrs)

    def count(self, data: bytes, before: bytes) -> bool:
        """The rest of a part that is not a sheet, counted without parsing: at most one
        element per "<" that does not start an end tag (and one cut at the chunk's start).
        False when that bound passes the part's limit: then the part is scanned whole."""
        bound = data.count(b"<") - data.count(b"</") + 1
        if any(mark in before + data for mark in _CALAMINE_MARKS):
            self.book.unsure = True
        if self.kind == "sst":
            self.cells += bound
            return self.cells <= self.limits.cells
        self.elements += bound
        return self.elements <= self.tree_elements

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
    except Exception:  # a broken workbook is reported by its reader
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


# what calamine would read in any part (cells, a count of strings to reserve room for), in
# UTF-8 and UTF-16: it reads a part that is not XML to expat, or that is not scanned
_CALAMINE_MARKS = tuple(word.encode(codec) for word in ("sheetData", "uniqueCount")
                        for codec in ("utf-8", "utf-16-le", "utf-16-be"))


def _xml(chunk: bytes) -> bool:
    return chunk.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") or chunk.startswith(_UTF16_BOMS)


_FIRST = 64 * 1024  # a part's first chunk: enough to read its root element


def _scan_part(archive: zipfile.ZipFile, part: zipfile.ZipInfo, limits: Limits, where: tuple[Message, ...],
               book: _Book, unzipped: int, budget: int, quick: bool) -> int | None:
    """Scan one part; the bytes unzipped so far, or None when the quick count did not do."""
    with archive.open(part) as stream:
        chunk = stream.read(_FIRST)
        xml = _xml(chunk)
        scan: _PartScan | None = None
        if xml:
            parser = expat.ParserCreate()
            parser.StartDoctypeDeclHandler = _no_dtd
            parser.EntityDeclHandler = _no_dtd
            scan = _PartScan(parser, limits, where, book, part.filename)
        counting, before = False, b""
        while chunk:
            unzipped += len(chunk)
            if unzipped > budget:  # the directory lied about the sizes
                raise LimitError("unzipped_mb", limits)
            if scan is None:  # not XML (an image, a VBA project): openpyxl does not parse it
                if not book.unsure:
                    book.unsure = any(mark in before + chunk for mark in _CALAMINE_MARKS)
            elif counting:
                if not scan.count(chunk, before):
                    return None
            else:
                parser.Parse(chunk, False)
                counting = quick and scan.kind in ("sst", "other")
            before = chunk[-32:]
            chunk = stream.read(_CHUNK)
        if scan is not None and not counting:
            parser.Parse(b"", True)
    return unzipped


def _inspect(source: bytes | str | os.PathLike, limits: Limits) -> _Book:
    budget = limits.unzipped_mb * 1024 * 1024
    book = _Book()
    try:
        archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
        parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise ReadError(_EXCEL, error=str(error)) from error
    with archive:
        if sum(p.file_size for p in parts) > budget:
            raise LimitError("unzipped_mb", limits)
        # two entries of one name: which one each reader takes is not known
        book.unsure = len({p.filename for p in parts}) != len(parts)
        # the workbook and its relationships first: once scanned, they name the sheets
        parts = sorted(parts, key=lambda p: p.filename not in _BOOK_PARTS)
        names: dict[str, str] | None = None
        unzipped = 0
        for part in parts:
            if part.is_dir():
                continue
            if names is None and part.filename not in _BOOK_PARTS:
                names = book.names = _sheet_names(archive)
            sheet = (names or {}).get(part.filename)
            where = (sheet_at(sheet),) if sheet else ()
            try:
                # a part that is not a sheet is counted past its first chunk; scanned whole
                # when that count passes its limit
                done = _scan_part(archive, part, limits, where, book, unzipped, budget, quick=True)
                unzipped = done if done is not None else _scan_part(
                    archive, part, limits, where, book, unzipped, budget, quick=False)
            except ReadError:
                raise
            except (zipfile.BadZipFile, expat.ExpatError, ValueError, OSError, EOFError, NotImplementedError,
                    RuntimeError) as error:
                raise ReadError(Message("Cannot read the Excel file (%(part)s): %(error)s",
                                        part=part.filename, error=str(error))) from error
    return book


def inspect_xlsx(data: bytes | str | os.PathLike, limits: Limits | None = None) -> None:
    """Refuse, before reading a cell, an XLSX past the limits (or that lies about its size)."""
    _inspect(data, limits or Limits.from_config())


def _not_a_worksheet(name: str) -> ReadError:
    return ReadError(Message("'%(sheet)s' is not a worksheet", sheet=name))


def _no_sheet(sheet: str, names: list[str]) -> ReadError:
    return ReadError(Message("No sheet '%(sheet)s' (there are: %(sheets)s)", sheet=sheet, sheets=", ".join(names)))


def _open_openpyxl(source: bytes | str | os.PathLike, sheet: str | None) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(source) if isinstance(source, bytes) else source,
                             read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ReadError(_EXCEL, error=str(error)) from error
    try:
        if sheet and sheet not in book.sheetnames:
            raise _no_sheet(sheet, book.sheetnames)
        worksheet = book[sheet] if sheet else book.worksheets[0]
        if not hasattr(worksheet, "reset_dimensions"):
            raise _not_a_worksheet(worksheet.title)
        # the declared size is not trusted: each row is read as long as its cells go
        worksheet.reset_dimensions()

        def rows() -> Iterator[tuple[int, list[Any]]]:
            try:
                for number, row in enumerate(worksheet.iter_rows(values_only=True), start=1):
                    if row and not _blank(row):
                        yield number, [_cell(v) for v in row]
            except ReadError:
                raise
            except Exception as error:
                raise ReadError(_EXCEL, error=str(error)) from error

        return _started(rows(), None, book.close)
    except ReadError:
        book.close()
        raise
    except Exception as error:
        book.close()
        raise ReadError(_EXCEL, error=str(error)) from error


_EXACT = 2 ** 53  # floats past it are not whole numbers written as such


def _calamine_rows(values: Iterator[list[Any]], indent: int) -> Iterator[tuple[int, list[Any]]]:
    """Rows as openpyxl gives them: empty cells None, whole numbers int, each row as long
    as its last value (calamine pads every row to the sheet's width)."""
    pad = [None] * indent  # calamine's rows start at the first column used
    for number, row in enumerate(values, start=1):
        cells = [(int(v) if v.is_integer() and -_EXACT < v < _EXACT else v) if v.__class__ is float
                 else (None if v == "" else v) for v in row]
        while cells and cells[-1] is None:
            cells.pop()
        if not cells:
            continue
        last = cells[-1]  # not None: the row is blank only if it is white space
        if last.__class__ is str and not last.strip() and _blank(cells):
            continue
        yield number, pad + cells if indent else cells


def _open_calamine(source: bytes | str | os.PathLike, sheet: str | None, book: _Book) -> Table | None:
    """The sheet read by calamine; None when openpyxl must read it (see _Book)."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    try:
        workbook = (CalamineWorkbook.from_filelike(io.BytesIO(source)) if isinstance(source, bytes)
                    else CalamineWorkbook.from_path(os.fspath(source)))
    except Exception as error:
        raise ReadError(_EXCEL, error=str(error)) from error
    try:
        sheets = workbook.sheets_metadata
        names = [s.name for s in sheets]
        if sheet and sheet not in names:
            raise _no_sheet(sheet, names)
        chosen = next((s for s in sheets if (s.name == sheet if sheet else s.typ is not SheetTypeEnum.ChartSheet)),
                      None)
        if chosen is None:
            raise ReadError(Message("The Excel file has no worksheet"))
        if chosen.typ in (SheetTypeEnum.ChartSheet, SheetTypeEnum.Vba):
            raise _not_a_worksheet(chosen.name)
        facts = [f for part, f in book.sheets.items() if book.names.get(part) == chosen.name]
        if not facts or any(f.errors for f in facts):
            workbook.close()  # openpyxl reads error cells as their text (#N/A); calamine as empty
            return None
        data = workbook.get_sheet_by_name(chosen.name)
        start = data.start
        rows = _calamine_rows(data.iter_rows(), start[1]) if start else iter(())
        return _started(rows, None, workbook.close)
    except ReadError:
        workbook.close()
        raise
    except BaseException as error:
        workbook.close()
        if isinstance(error, Exception) or type(error).__name__ == "PanicException":  # a Rust panic
            raise ReadError(_EXCEL, error=str(error)) from error
        raise


def _open_xlsx(source: bytes | str | os.PathLike, sheet: str | None, limits: Limits) -> Table:
    book = _inspect(source, limits)
    # calamine holds the sheet as the rectangle from A1 to its last cell: when that
    # rectangle is past max_cells, or a cell may be where the inspection did not look,
    # openpyxl streams the sheet instead (as it did every file before)
    sheets = book.sheets.values()
    if (not book.unsure and all(not f.unsure and f.rows * f.columns <= limits.cells for f in sheets)
            and sum(f.merges for f in sheets) <= limits.cells):
        table = _open_calamine(source, sheet, book)
        if table is not None:
            return table
    return _open_openpyxl(source, sheet)


def read_xlsx(data: bytes, sheet: str | None = None, limits: Limits | None = None) -> RawTable:
    return _materialise(_open_xlsx(data, sheet, limits or Limits.from_config()))


def open_table(source: bytes | str | os.PathLike, filename: str = "", sheet: str | None = None,
               limits: Limits | None = None) -> Table:
    """The file (its bytes, or a path to it) opened for reading row by row: an XLSX
    by its first bytes or its name, else a CSV. Close the table when done."""
    limits = limits or Limits.from_config()
    if isinstance(source, (bytes, bytearray, memoryview)):
        source = bytes(source)
        head = source[:4]
    else:
        with open(source, "rb") as f:
            head = f.read(4)
    if head.startswith(XLSX_MAGIC) or filename.lower().endswith((".xlsx", ".xlsm")):
        return _open_xlsx(source, sheet, limits)
    return _open_csv(source, limits)


def read(data: bytes, filename: str = "", sheet: str | None = None, limits: Limits | None = None) -> RawTable:
    """The whole file as a RawTable: ``open_table``, every row kept."""
    return _materialise(open_table(data, filename, sheet, limits))
