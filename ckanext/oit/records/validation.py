"""Matching headers, normalising values as Thai offices write them, and
validating rows against a table schema with the frictionless library.
Every problem names its row (as in the file), column and value, in Thai and English."""
from __future__ import annotations

import datetime
import os
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from ckanext.oit import spreadsheet_cells, thai_calendar
from ckanext.oit.i18n_messages import N_, Message, SaidInBoth, UserError
from ckanext.oit.records.reading import RawTable
from ckanext.oit.records.tables import empty_table, header_index, header_key


@dataclass
class Problem(SaidInBoth):
    row: int | None
    column: str | None
    value: Any
    message: Message

    def as_dict(self) -> dict[str, Any]:
        # kept in both languages: the state is read later, by a page in either
        return {"row": self.row, "column": self.column,
                "value": None if self.value is None else visible(str(self.value)),
                "message": self.message.both(), "message_th": self.th, "message_en": self.en}


class CellError(UserError):
    """A cell whose value cannot be read as its column's type."""


# C0 control characters other than tab, LF and CR: PostgreSQL refuses NUL in text,
# and none of them belongs in a disclosure (they come from broken exports)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def visible(text: str) -> str:
    """Control characters as their printable symbols (NUL → ␀), for problem lists."""
    return CONTROL.sub(lambda m: chr(0x2400 + ord(m.group())), text)


def _controls(value: str) -> None:
    found = CONTROL.search(value)
    if found:
        code, at = f"U+{ord(found.group()):04X}", found.start() + 1
        raise CellError(Message(
            "Contains the control character %(code)s (character %(at)s), which cannot be stored; "
            "remove it and upload again", code=code, at=at))


def _load_words() -> dict[str, list[str]]:
    with open(os.path.join(os.path.dirname(__file__), "cell_words.yaml"), encoding="utf-8") as data:
        return yaml.safe_load(data)


# The currency marks and yes/no answers people type are data (cell_words.yaml)
_WORDS = _load_words()
_MONEY_NOISE = re.compile(r"[,\s\u00a0]|" + "|".join(re.escape(w) for w in _WORDS["currency"]), re.IGNORECASE)
_TRUE = {str(w).lower() for w in _WORDS["true"]}
_FALSE = {str(w).lower() for w in _WORDS["false"]}
_NOT_A_NUMBER = N_("'%(value)s' is not a number")
# what may stand between a "nothing this period" phrase and the month it names
_MONTH_WORDS = sorted((header_key(w) for w in _WORDS["before_month"]), key=len, reverse=True)
_PHRASE_EDGES = " \t-\u2013\u2014.*()[]\"'\u201c\u201d"


def _number(value: Any) -> Decimal:
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return Decimal(str(value))
    text = _MONEY_NOISE.sub("", thai_calendar.normalise_digits(str(value)))
    negative = text.startswith("(") and text.endswith(")")
    try:
        number = Decimal(text.strip("()"))
    except InvalidOperation:
        raise CellError(_NOT_A_NUMBER, value=value)
    if not number.is_finite():  # "NaN", "Infinity" are words, not amounts
        raise CellError(_NOT_A_NUMBER, value=value)
    if number and abs(number.adjusted()) > 300:  # 1e999999 would fail in PostgreSQL, after the old rows went
        raise CellError(Message("'%(value)s' is too large or too small to be stored", value=value))
    return -number if negative else number


def _integer(value: Any) -> int:
    number = _number(value)
    if number != number.to_integral_value():
        raise CellError(Message("'%(value)s' is not a whole number", value=value))
    if abs(number) >= 2 ** 63:  # the DataStore column is int8: checked here, not after the old rows went
        raise CellError(Message("'%(value)s' is too large to be stored", value=value))
    return int(number)


def _date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return thai_calendar.parse_date(str(value))
    except thai_calendar.ThaiDateError as error:
        raise CellError(error.message) from error


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = header_key(value)
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(Message("'%(value)s' is not yes/no", value=value))


def _string(value: Any, field: dict[str, Any]) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # Thai digits as Arabic, so that numbers in text (contract 4/2569) search alike;
    # a text our CSV downloads quoted ('=…) comes back as it was
    text = spreadsheet_cells.unquote(re.sub(r"\s+", " ", thai_calendar.normalise_digits(str(value))).strip())
    aliases = (field.get("oit") or {}).get("enum_aliases") or {}
    if aliases:
        wanted = {header_key(k): v for k, v in aliases.items()}
        wanted.update({header_key(v): v for v in (field.get("constraints") or {}).get("enum", [])})
        text = wanted.get(header_key(text), text)
    return text


def normalise(value: Any, field: dict[str, Any], missing_values: set[str]) -> Any:
    if isinstance(value, str):
        _controls(value)
    if value is None or (isinstance(value, str) and value.strip() in missing_values):
        return None
    kind = field.get("type", "string")
    if kind == "number":
        return _number(value)
    if kind == "integer":
        return _integer(value)
    if kind == "date":
        return _date(value)
    if kind == "boolean":
        return _boolean(value)
    return _string(value, field)


def _says_empty(value: Any, phrases: list[str]) -> bool:
    """A cell that is one of the phrases, perhaps followed by the month it is about
    (cell_words.yaml ``before_month``, then a month as thai_calendar reads it), compared
    as headers are."""
    if not isinstance(value, str):
        return False
    said = header_key(value.strip(_PHRASE_EDGES))
    for phrase in phrases:
        key = header_key(phrase)
        if said == key:
            return True
        if key and said.startswith(key):
            rest = said[len(key):].strip("()[]-\u2013\u2014,.")
            rest = next((rest[len(w):] for w in _MONTH_WORDS if rest.startswith(w)), rest)
            try:
                thai_calendar.parse_month(rest)
                return True
            except thai_calendar.ThaiDateError:
                continue
    return False


def stated_empty(raw: RawTable, schema: dict[str, Any]) -> bool:
    """Whether the file's only data row says the period has nothing to report, in a
    phrase of the schema's ``oit.empty_table`` (in any cell; every other cell empty or
    a missing value such as "-"): the table is then empty, not a row in error."""
    phrases = (empty_table(schema) or {}).get("phrases") or []
    if not phrases or len(raw.rows) != 1:
        return False
    missing = {str(v).strip() for v in schema.get("missingValues", [""])}
    said = False
    for value in raw.rows[0]:
        if value is None or (isinstance(value, str) and value.strip() in missing):
            continue
        if not _says_empty(value, phrases):
            return False
        said = True
    return said


def _title(field: dict[str, Any]) -> str:
    return field.get("title") or field["name"]


def check(raw: RawTable, schema: dict[str, Any]) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The rows normalised to the schema's types, and every problem found."""
    if stated_empty(raw, schema):
        raw = RawTable(headers=raw.headers, rows=[], row_numbers=[], encoding=raw.encoding, notes=raw.notes)
    fields = {f["name"]: f for f in schema["fields"]}
    index = header_index(schema)
    problems: list[Problem] = []
    columns: dict[str, int] = {}
    for position, header in enumerate(raw.headers):
        name = index.get(header_key(header))
        if name is None:
            continue  # a column the schema does not know is left out
        if name in columns:
            problems.append(Problem(1, str(header), header, Message(
                "Column '%(column)s' appears twice", column=_title(fields[name]))))
        columns.setdefault(name, position)
    for name, field in fields.items():
        if name not in columns and (field.get("constraints") or {}).get("required"):
            title_en = (field.get("oit") or {}).get("title_en", name)
            problems.append(Problem(None, _title(field), None, Message(
                "Column '%(column)s' (%(name)s) is missing", name=name,
                column=lambda lang, field=field, title_en=title_en: title_en if lang == "en" else _title(field))))
    missing_values = set(schema.get("missingValues", [""]))
    rows: list[dict[str, Any]] = []
    failed: set[tuple[int, str]] = set()
    for number, cells in zip(raw.row_numbers, raw.rows):
        row: dict[str, Any] = {}
        for name, field in fields.items():
            value = cells[columns[name]] if name in columns and columns[name] < len(cells) else None
            try:
                row[name] = normalise(value, field, missing_values)
            except CellError as error:
                row[name] = None
                failed.add((number, name))
                problems.append(Problem(number, _title(field), value, error.message))
        rows.append(row)
    absent = {name for name in fields if name not in columns}
    problems.extend(p for p in _frictionless_problems(rows, raw.row_numbers, schema, failed)
                    if p.column not in {_title(fields[n]) for n in absent})
    problems.sort(key=lambda p: (p.row or 0, p.column or ""))
    return rows, problems


def _frictionless_problems(rows, row_numbers, schema, failed) -> list[Problem]:
    """Constraints (required, minimum, enum, pattern, unique keys) by frictionless."""
    from frictionless import Resource, Schema

    descriptor = {k: v for k, v in schema.items() if k in ("fields", "primaryKey", "missingValues")}
    descriptor["fields"] = [{k: v for k, v in f.items() if k != "oit"} for f in schema["fields"]]
    names = [f["name"] for f in descriptor["fields"]]
    data = [names] + [[json_value(row[n]) for n in names] for row in rows]
    report = Resource(data=data, schema=Schema.from_descriptor(descriptor)).validate()
    titles = {f["name"]: _title(f) for f in schema["fields"]}
    keys = schema.get("primaryKey") or []
    keys = [keys] if isinstance(keys, str) else keys
    found = []
    for error in report.flatten(["rowNumber", "fieldName", "cell", "type", "note"]):
        row_number, field_name, cell, kind, note = error
        source_row = row_numbers[row_number - 2] if row_number and row_number - 2 < len(row_numbers) else None
        if (source_row, field_name) in failed:
            continue
        if kind == "primary-key" and any((source_row, k) in failed or _empty_key(rows, row_number, k)
                                         for k in keys):
            continue  # the key cell's own problem says it; an empty key is no duplicate
        found.append(Problem(source_row, titles.get(field_name, field_name), cell, _describe(kind, note, cell)))
    return found


def _empty_key(rows: list[dict[str, Any]], row_number: int | None, key: str) -> bool:
    """A key cell left empty (its "required" problem says so); row_number counts the header as 1."""
    return bool(row_number) and 0 <= row_number - 2 < len(rows) and rows[row_number - 2].get(key) is None


def json_value(value: Any) -> Any:
    """A normalised cell as JSON writes it (DataStore rows, Frictionless input)."""
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _describe(kind: str, note: str, cell: Any) -> Message:
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
