"""Downloads for people, beside those for machines.

The machine forms (views.py without ``?for=people``) stay as the API and the
harvesters know them: English or stored column names, ISO dates, raw numbers.
The people form of the same rows, asked for with ``?for=people``:

- column titles from the table schema in the page's language (Thai, or English
  on /en/ pages), no internal columns (``_id``, ``_full_text``, ``_dataset``);
- the dataset's fiscal year and period as words ("2569", October 2568 BE in Thai);
- amounts as ``12,500.00``, counts as ``1,250``, years as ``2569``;
- dates as the portal writes them: day, short month name and BE year in Thai
  (``15 Oct 2025`` in English). Excel keeps that Thai text as written, whereas a
  numeric ``15/10/2568`` becomes a date of the year 2568 CE, 543 years off in
  every sum or sort (and day and month swap places in other locales); a month's
  name is unambiguous, and the records loader reads the text back;
- CSV in UTF-8 with a BOM and streamed a page at a time; XLSX with numbers as
  number cells shown with separators, built on disk (openpyxl write-only);
- a file name from the agency, item and period, ASCII in ``filename`` and the
  title in the page's language in ``filename*`` (RFC 5987).

Cells go through spreadsheet_cells like every spreadsheet download, so no text
runs as a formula. Who may download is decided exactly as for the machine form:
the same action with the caller's rights (datastore_search, oit_records_search).
"""
from __future__ import annotations

import codecs
import datetime
import os
import re
import tempfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Iterable, Iterator
from urllib.parse import quote

import sqlalchemy as sa
from flask import Response, stream_with_context
from werkzeug.wsgi import wrap_file

import ckan.lib.uploader as uploader
import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import disclosure, frameworks, spreadsheet_cells, thai_calendar
from ckanext.oit.i18n_messages import Message, language
from ckanext.oit.records import reading, tables
from ckanext.oit.records.model import RecordsLoad

PEOPLE = "people"  # ?for=people
PAGE = 5000        # rows read at a time
XLSX_MAX_ROWS = 1_048_576  # a worksheet's rows, the header row included
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AMOUNT_FORMAT, COUNT_FORMAT, YEAR_FORMAT = "#,##0.00", "#,##0", "0"

WHOLE_YEAR = Message("Whole fiscal year")

_DATASTORE_KINDS = {"int": "integer", "int2": "integer", "int4": "integer", "int8": "integer",
                    "numeric": "number", "float4": "number", "float8": "number", "date": "date",
                    "timestamp": "datetime", "timestamptz": "datetime", "bool": "boolean"}


def wanted() -> bool:
    return tk.request.args.get("for") == PEOPLE


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: str  # integer, year, number, date, datetime, boolean or text


def _title(field: dict[str, Any], lang: str) -> str:
    if lang == "en":
        return (field.get("oit") or {}).get("title_en") or field["name"]
    return field.get("title") or field["name"]


def _kind(schema_type: str, name: str) -> str:
    if schema_type == "year" or (schema_type == "integer" and name.endswith("year")):
        return "year"  # 2569, never 2,569
    return {"integer": "integer", "number": "number", "date": "date", "datetime": "datetime",
            "boolean": "boolean"}.get(schema_type, "text")


def schema_columns(schema: dict[str, Any], lang: str) -> list[Column]:
    return [Column(f["name"], _title(f, lang), _kind(f.get("type", "string"), f["name"])) for f in schema["fields"]]


def table_columns(fields: list[dict[str, Any]], schema: dict[str, Any] | None, lang: str) -> list[Column]:
    """A DataStore table's own columns (never the internal ``_id``, ``_full_text``), titled from its schema."""
    described = {c.key: c for c in schema_columns(schema, lang)} if schema else {}
    columns = []
    for field in fields:
        if field["id"].startswith("_"):
            continue
        known = described.get(field["id"])
        label = (field.get("info") or {}).get("label") or field["id"]
        columns.append(known or Column(field["id"], label, _DATASTORE_KINDS.get(field.get("type", ""), "text")))
    return columns


# --- cells --------------------------------------------------------------------


def _decimal(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value).replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _number_text(number: Decimal) -> str:
    # two places for money, more only where the value has them (a mean of 4.125), at most six
    rounded = round(number, 6)
    exponent = rounded.normalize().as_tuple().exponent
    places = max(2, -exponent if isinstance(exponent, int) else 0)
    return f"{rounded:,.{places}f}"


def _day(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _moment(value: Any) -> datetime.datetime | None:
    if isinstance(value, datetime.datetime):
        return value
    try:
        return datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return None


def cell(value: Any, kind: str, lang: str, xlsx: bool = False) -> Any:
    """One value as people read it: text for the CSV; for XLSX numbers stay numbers."""
    if value is None or value == "":
        return None if xlsx else ""
    if kind in ("integer", "year", "number"):
        number = _decimal(value)
        if number is None:
            return str(value)
        if kind == "number":
            return float(number) if xlsx else _number_text(number)
        whole = int(number)
        if xlsx:
            return whole
        return str(whole) if kind == "year" else f"{whole:,}"
    if kind == "date":
        day = _day(value)
        return thai_calendar.format_date(day, "short", lang) if day else str(value)
    if kind == "datetime":
        moment = _moment(value)
        if moment is None:
            return str(value)
        return Message("%(date)s, %(time)s", date=thai_calendar.format_date(moment.date(), "short", lang),
                       time=f"{moment:%H:%M}").say(lang)
    if kind == "boolean":
        return Message("Yes").say(lang) if value in (True, "true", "True", "t") else Message("No").say(lang)
    return value if isinstance(value, str) else str(value)


def _formats(columns: list[Column]) -> list[str | None]:
    return [{"number": AMOUNT_FORMAT, "integer": COUNT_FORMAT, "year": YEAR_FORMAT}.get(c.kind) for c in columns]


# --- file names ---------------------------------------------------------------


def _ascii(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.") or "download"


# what a file name cannot hold on Windows, and what ends a header parameter
_NOT_IN_NAME = re.compile(r'[\\/:*?"<>|;,\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]+')


def _words(text: str, most: int | None = None) -> str:
    cleaned = re.sub(r"\s+", " ", _NOT_IN_NAME.sub("-", text or "")).strip(" .-")
    return cleaned[:most].rstrip(" .-") if most else cleaned


# A file name is at most 255 bytes on Linux, Android and macOS, and a Thai letter takes three
# in UTF-8: a browser fails a download whose suggested name is longer (an agency's full name
# alone can take 300). Room is left for Chromium's ".crdownload" and a second copy's " (1)".
NAME_BYTES_MAX = 236
ITEM_BYTES_MAX = 150  # an item's name in a file name (the longest monthly one takes 140)
AGENCY_BYTES_MIN = 45  # what the agency's name keeps at least (15 Thai letters)


def _within_bytes(text: str, most: int) -> str:
    cut = text.encode("utf-8")[:most].decode("utf-8", errors="ignore")
    return cut.rstrip(" .-_") if len(cut) < len(text) else cut


def file_title(agency: str, item: str, when: str, fmt: str) -> str:
    """agency_item_when as a file name within NAME_BYTES_MAX: the period whole, the item's
    name, then as much of the agency's name as fits."""
    agency, item, when = _words(agency), _words(item), _words(when)
    budget = NAME_BYTES_MAX - len(fmt) - 1 - len(when.encode("utf-8")) - 2
    item = _within_bytes(item, min(ITEM_BYTES_MAX, budget - AGENCY_BYTES_MIN))
    agency = _within_bytes(agency, budget - len(item.encode("utf-8")))
    return "_".join(p for p in (agency, item, when) if p)


def disposition(ascii_stem: str, title: str, fmt: str) -> str:
    """``attachment`` with an ASCII file name and, for browsers that read it, the title (RFC 5987)."""
    name = f"{_within_bytes(_ascii(ascii_stem), NAME_BYTES_MAX - len(fmt) - 1)}.{fmt}"
    shown = _within_bytes(_words(title) or _ascii(ascii_stem), NAME_BYTES_MAX - len(fmt) - 1)
    return f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(shown + '.' + fmt, safe='')}"


def period_stem(period: str, fiscal_year: Any) -> str:
    """The period in an ASCII file name: 2568-10 (BE year and month), 2569-round-1, 2569."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", period or "")
    if match:
        return f"{thai_calendar.be_year(int(match.group(1)))}-{match.group(2)}"
    if (period or "").startswith("round-"):
        return f"{fiscal_year}-{period}" if fiscal_year else period
    return str(fiscal_year or "")


def period_words(period: str, fiscal_year: Any, lang: str) -> str:
    """The period as a cell: a month by name and year (BE in Thai); a round with its months; the whole year."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", period or "")
    if match:
        try:
            return thai_calendar.format_month(int(match.group(1)), int(match.group(2)), "long", lang)
        except thai_calendar.ThaiDateError:
            return period
    if (period or "").startswith("round-"):
        try:
            return disclosure.period_label(period, int(fiscal_year), lang)
        except (TypeError, ValueError):
            return period
    if period == disclosure.YEAR_PERIOD:
        return WHOLE_YEAR.say(lang)
    return str(period or "")


def _fiscal_year_words(fiscal_year: Any, lang: str) -> str:
    return f"{Message('Fiscal year').say(lang)} {fiscal_year}"


def _item_name(item_key: str, fiscal_year: Any, lang: str) -> str:
    item = frameworks.item_as_named(item_key, fiscal_year)
    if item is None:
        return item_key
    return item.name_en if lang == "en" else item.name_th


# --- responses ----------------------------------------------------------------


def _too_many(count: int, lang: str) -> Response:
    return tk.abort(413, Message(
        "The table has %(count)s rows, more than a spreadsheet holds (%(limit)s): download the CSV instead",
        count=f"{count:,}", limit=f"{XLSX_MAX_ROWS - 1:,}").say(lang))


def respond(columns: list[Column], rows: Callable[[], Iterator[list[Any]]], count: int, fmt: str,
            stem: str, title: str, sheet: str, lang: str) -> Response:
    """The file of ``rows`` (raw values, one per column): CSV streamed, XLSX from a temporary file."""
    header = [c.title for c in columns]
    headers = {"Content-Disposition": disposition(stem, title, fmt)}
    if fmt == "csv":
        people = ([cell(v, c.kind, lang) for v, c in zip(row, columns)] for row in rows())
        body = spreadsheet_cells.csv_chunks(_with_header(header, people))
        return Response(stream_with_context(body), content_type=CSV_TYPE, headers=headers)
    if count + 1 > XLSX_MAX_ROWS:
        return _too_many(count, lang)
    people = ([cell(v, c.kind, lang, xlsx=True) for v, c in zip(row, columns)] for row in rows())
    spool = tempfile.TemporaryFile()
    try:
        spreadsheet_cells.xlsx_write(_with_header(header, people), sheet, spool, _formats(columns))
        size = spool.tell()
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    headers["Content-Length"] = str(size)
    return Response(wrap_file(tk.request.environ, spool), content_type=XLSX_TYPE, headers=headers,
                    direct_passthrough=True)


def _with_header(header: list[str], rows: Iterable[list[Any]]) -> Iterator[list[Any]]:
    yield header
    yield from rows


def _quote_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _table_pages(resource_id: str, columns: list[Column]) -> Iterator[list[Any]]:
    """Every row of a DataStore table in _id order, PAGE rows per short query (no cursor held open)."""
    from ckanext.datastore.backend.postgres import get_read_engine  # only with the datastore plugin

    names = ", ".join(_quote_name(c.key) for c in columns)
    query = sa.text(f"SELECT _id{', ' + names if names else ''} FROM {_quote_name(resource_id)} "
                    "WHERE _id > :last ORDER BY _id LIMIT :page")
    last = 0
    while True:
        with get_read_engine().connect() as connection:
            page = connection.execute(query, {"last": last, "page": PAGE}).fetchall()
        for row in page:
            yield list(row[1:])
        if len(page) < PAGE:
            return
        last = page[-1][0]


def resource(context: dict[str, Any], resource_id: str, fmt: str) -> Response:
    """One resource's rows for people. NotAuthorized and ObjectNotFound come from the very
    actions the machine form calls, with the caller's rights."""
    lang = language()
    first = tk.get_action("datastore_search")(dict(context), {"resource_id": resource_id, "limit": 0})
    res = tk.get_action("resource_show")(dict(context), {"id": resource_id})
    dataset = tk.get_action("package_show")(dict(context), {"id": res["package_id"]})
    table_id = res["id"]  # from the database, as is its dataset
    load = model.Session.get(RecordsLoad, table_id)
    schema = tables.get(load.table_name) if load and load.table_name else None
    columns = table_columns(first["fields"], schema, lang)

    org = dataset.get("organization") or {}
    key, year, period = dataset.get("item_key"), dataset.get("fiscal_year"), dataset.get("period") or ""
    if key:
        stem = "_".join(p for p in (org.get("name"), key, period_stem(period, year)) if p)
        title = file_title(org.get("title") or org.get("name") or "", _item_name(key, year, lang),
                           (period_words(period, year, lang) if period != disclosure.YEAR_PERIOD
                            else _fiscal_year_words(year, lang)) if year else "", fmt)
    else:
        stem = "_".join(p for p in (org.get("name"), dataset["name"]) if p)
        title = _words(dataset.get("title") or dataset["name"])
    sheet = (schema or {}).get("title") if lang == "th" else ((schema or {}).get("oit") or {}).get("title_en")
    return respond(columns, lambda: _table_pages(table_id, columns), int(first.get("total") or 0), fmt,
                   stem, title, sheet or res.get("name") or "records", lang)


def _known_period(period: Any) -> str:
    """A period as stored (2025-10, round-1, year), or nothing: the caller's text never names a file."""
    text = str(period or "")
    return text if re.fullmatch(r"\d{4}-\d{2}|round-\d{1,2}|year", text) else ""


def _known_year(fiscal_year: Any) -> int | None:
    try:
        return thai_calendar.parse_year(str(fiscal_year)) if fiscal_year else None
    except thai_calendar.ThaiDateError:
        return None


def agency(context: dict[str, Any], org: str, table: str, fiscal_year: Any, period: Any, fmt: str) -> Response:
    """An organisation's rows of one table across its datasets, read through oit_records_search
    with the caller's rights, a page at a time."""
    lang = language()
    if fiscal_year:
        try:
            disclosure.parse_fiscal_year(fiscal_year)
        except disclosure.DisclosureError as error:
            return tk.abort(400, error.say(lang))  # in the page's language only
    search = tk.get_action("oit_records_search")
    ask = {"organization": org, "table": table, "fiscal_year": fiscal_year, "period": period}
    first = search(dict(context), dict(ask, limit=PAGE, offset=0))
    group = model.Group.get(org)  # the action found it: its own name and title, not the caller's text
    schema = tables.get(table) or {"name": table, "fields": []}
    own = schema_columns(schema, lang)
    # a table with its own fiscal-year column (procurement-list) needs no second one
    dataset_year = [] if any(c.key == "fiscal_year" for c in own) else [
        Column("_fiscal_year", Message("Fiscal year").say(lang), "year")]
    columns = dataset_year + [Column("_period", Message("Period").say(lang), "text")] + own

    def raw(record: dict[str, Any]) -> list[Any]:
        return [period_words(record.get("_period") or "", record.get("_fiscal_year"), lang)
                if c.key == "_period" else record.get(c.key) for c in columns]

    def rows() -> Iterator[list[Any]]:
        page, offset = first, 0
        while page["records"]:
            yield from (raw(r) for r in page["records"])
            offset += len(page["records"])
            if offset >= page["count"]:
                return
            page = search(dict(context), dict(ask, limit=PAGE, offset=offset))

    year, when = _known_year(fiscal_year), _known_period(period)
    stem = "_".join(str(p) for p in (group.name, table, period_stem(when, year) if when else year) if p)
    table_title = _title(schema, lang)
    if when and when != disclosure.YEAR_PERIOD and (year or not when.startswith("round-")):
        words = period_words(when, year, lang)
    else:
        words = _fiscal_year_words(year, lang) if year else ""
    title = file_title(group.title or group.name, table_title, words, fmt)
    return respond(columns, rows, int(first["count"]), fmt, stem, title, table_title, lang)


# --- the original file ----------------------------------------------------------

SNIFF_BYTES = 64 * 1024


def _iana(codec: str) -> str:
    name = codecs.lookup(codec).name  # cp874, utf-8, utf-8-sig, iso8859-11, tis-620, ...
    if name in ("utf-8", "utf-8-sig", "ascii"):
        return "utf-8"
    if re.fullmatch(r"cp(874|125\d)", name):
        return "windows-" + name[2:]
    if name.startswith("iso8859-"):
        return "iso-8859-" + name[8:]
    return name


def charset_of(data: bytes, whole: bool) -> str | None:
    """The charset of a text file's first bytes, by the rule the records loader reads files with."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if not whole and b"\n" in data:
        data = data[:data.rindex(b"\n") + 1]  # a whole line: no character cut in two
    try:
        return _iana(reading.decode(data)[1])
    except reading.ReadError:
        return None


def original_charset(resource_id: str) -> str | None:
    """The charset of a resource's uploaded file, read from the file CKAN serves."""
    res = model.Resource.get(resource_id)
    if res is None or res.url_type != "upload":
        return None
    path = uploader.get_resource_uploader({"id": res.id, "url": res.url, "url_type": res.url_type}).get_path(res.id)
    if not path or not os.path.isfile(path):
        return None
    with open(path, "rb") as stream:
        data = stream.read(SNIFF_BYTES + 1)
    return charset_of(data[:SNIFF_BYTES], whole=len(data) <= SNIFF_BYTES)
