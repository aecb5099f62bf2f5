"""Matching headers, normalising values as Thai offices write them, and
validating rows against a table schema with the frictionless library.
Every problem names its row (as in the file), column and value, in Thai and English."""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ckanext.oit import spreadsheet_cells, thai_calendar
from ckanext.oit.records.reading import RawTable
from ckanext.oit.records.tables import header_index, header_key


@dataclass
class Problem:
    row: int | None
    column: str | None
    value: Any
    th: str
    en: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column,
                "value": None if self.value is None else visible(str(self.value)),
                "message": f"{self.th} / {self.en}", "message_th": self.th, "message_en": self.en}


class CellError(ValueError):
    def __init__(self, th: str, en: str):
        super().__init__(en)
        self.th, self.en = th, en


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
        raise CellError(f"มีอักขระควบคุม {code} (ตัวที่ {at}) ซึ่งเก็บไม่ได้ ลบอักขระนี้แล้วอัปโหลดใหม่",
                        f"Contains the control character {code} (character {at}), which cannot be stored; "
                        "remove it and upload again")


_MONEY_NOISE = re.compile(r"[,\s\u00a0฿]|บาท|THB", re.IGNORECASE)
_TRUE = {"true", "yes", "y", "1", "ใช่", "มี", "จริง"}
_FALSE = {"false", "no", "n", "0", "ไม่ใช่", "ไม่มี", "เท็จ"}


def _number(value: Any) -> Decimal:
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return Decimal(str(value))
    text = _MONEY_NOISE.sub("", thai_calendar.normalise_digits(str(value)))
    negative = text.startswith("(") and text.endswith(")")
    try:
        number = Decimal(text.strip("()"))
    except InvalidOperation:
        raise CellError(f"'{value}' ไม่ใช่ตัวเลข", f"'{value}' is not a number")
    if not number.is_finite():  # "NaN", "Infinity" are words, not amounts
        raise CellError(f"'{value}' ไม่ใช่ตัวเลข", f"'{value}' is not a number")
    if number and abs(number.adjusted()) > 300:  # 1e999999 would fail in PostgreSQL, after the old rows went
        raise CellError(f"'{value}' ใหญ่หรือเล็กเกินกว่าที่เก็บได้",
                        f"'{value}' is too large or too small to be stored")
    return -number if negative else number


def _integer(value: Any) -> int:
    number = _number(value)
    if number != number.to_integral_value():
        raise CellError(f"'{value}' ไม่ใช่จำนวนเต็ม", f"'{value}' is not a whole number")
    if abs(number) >= 2 ** 63:  # the DataStore column is int8: checked here, not after the old rows went
        raise CellError(f"'{value}' ใหญ่เกินกว่าที่เก็บได้", f"'{value}' is too large to be stored")
    return int(number)


def _date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return thai_calendar.parse_date(str(value))
    except thai_calendar.ThaiDateError as error:
        raise CellError(error.th, error.en) from error


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = header_key(value)
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(f"'{value}' ไม่ใช่ ใช่/ไม่ใช่", f"'{value}' is not yes/no")


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


def _title(field: dict[str, Any]) -> str:
    return field.get("title") or field["name"]


def check(raw: RawTable, schema: dict[str, Any]) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The rows normalised to the schema's types, and every problem found."""
    fields = {f["name"]: f for f in schema["fields"]}
    index = header_index(schema)
    problems: list[Problem] = []
    columns: dict[str, int] = {}
    for position, header in enumerate(raw.headers):
        name = index.get(header_key(header))
        if name is None:
            continue  # a column the schema does not know is left out
        if name in columns:
            problems.append(Problem(1, str(header), header, f"คอลัมน์ '{_title(fields[name])}' ซ้ำกัน",
                                    f"Column '{_title(fields[name])}' appears twice"))
        columns.setdefault(name, position)
    for name, field in fields.items():
        if name not in columns and (field.get("constraints") or {}).get("required"):
            problems.append(Problem(None, _title(field), None,
                                    f"ไม่พบคอลัมน์ '{_title(field)}' ({name})",
                                    f"Column '{(field.get('oit') or {}).get('title_en', name)}' ({name}) is missing"))
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
                problems.append(Problem(number, _title(field), value, error.th, error.en))
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
    data = [names] + [[_plain(row[n]) for n in names] for row in rows]
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
        if kind == "primary-key" and any((source_row, k) in failed for k in keys):
            continue  # the key cell's own problem says it; an empty key is no duplicate
        th, en = _describe(kind, note, cell)
        found.append(Problem(source_row, titles.get(field_name, field_name), cell, th, en))
    return found


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _describe(kind: str, note: str, cell: Any) -> tuple[str, str]:
    note = note or ""
    if "required" in note or kind == "missing-cell":
        return "ต้องมีค่า", "A value is required"
    if "minimum" in note:
        return f"ค่า {cell} น้อยกว่าที่รับได้ ({note})", f"{cell} is below the minimum ({note})"
    if "enum" in note:
        return f"'{cell}' ไม่อยู่ในรายการที่กำหนด", f"'{cell}' is not one of the allowed values ({note})"
    if "pattern" in note:
        return f"'{cell}' รูปแบบไม่ถูกต้อง", f"'{cell}' does not have the required form ({note})"
    if kind in ("primary-key", "unique-error"):
        return "ค่าซ้ำกับแถวอื่น", f"Duplicate of another row ({note})"
    return f"ค่า '{cell}' ไม่ถูกต้อง ({kind})", f"Invalid value '{cell}' ({kind}: {note})"
