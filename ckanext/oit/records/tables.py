"""The Frictionless Table Schemas of the tabular disclosures (schemas/tables/)."""
from __future__ import annotations

import copy
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from ckanext.oit import thai_calendar

TABLES = Path(__file__).resolve().parents[1] / "schemas" / "tables"


@lru_cache(maxsize=None)
def _all() -> dict[str, dict[str, Any]]:
    found = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(TABLES.glob("*.json"))}
    for schema in found.values():
        for field in schema["fields"]:
            if (field.get("oit") or {}).get("codes_from"):
                _take_codes(field, found)
    return found


def _take_codes(field: dict[str, Any], schemas: dict[str, dict[str, Any]]) -> None:
    """``oit.codes_from: {table, field}``: the field takes that field's code list (``enum``,
    ``enum_en``, ``enum_aliases``), so one list of the procurement methods serves every
    table; values and aliases of its own come on top."""
    source = field["oit"]["codes_from"]
    table, name = source.get("table"), source.get("field") or field["name"]
    other = next((f for f in (schemas.get(table) or {}).get("fields", []) if f["name"] == name), None)
    if other is None or (other.get("oit") or {}).get("codes_from") or "enum" not in other.get("constraints", {}):
        raise ValueError(f"table schema field {field['name']}: codes_from {table}/{name} "
                         "is not a field with a code list of its own")
    own, theirs = field.setdefault("constraints", {}), copy.deepcopy(other)
    listed = theirs["constraints"]["enum"]
    own["enum"] = listed + [v for v in own.get("enum", []) if v not in listed]
    for key in ("enum_en", "enum_aliases"):
        field["oit"][key] = {**(theirs.get("oit") or {}).get(key, {}), **field["oit"].get(key, {})}


def names() -> list[str]:
    return list(_all())


def get(name: str) -> dict[str, Any] | None:
    return _all().get(name)


def empty_table(schema: dict[str, Any] | None) -> dict[str, Any] | None:
    """``oit.empty_table`` of a schema whose table may be empty for a period (a month
    without procurement): ``flag`` (the dataset field that says so) and ``phrases``."""
    return ((schema or {}).get("oit") or {}).get("empty_table") or None


def header_key(text: Any) -> str:
    """How a header is compared: Thai digits as Arabic, no spaces, no case, no trailing colon."""
    cleaned = thai_calendar.normalise_digits(str(text or ""))
    return re.sub(r"[\s\u200b\u00a0:：]+", "", cleaned).lower()


def header_index(schema: dict[str, Any]) -> dict[str, str]:
    """Every accepted spelling of each column header → the field's machine name."""
    index: dict[str, str] = {}
    for field in schema["fields"]:
        spellings = [field["name"], field.get("title", "")] + list((field.get("oit") or {}).get("aliases", []))
        for spelling in spellings:
            if spelling:
                index.setdefault(header_key(spelling), field["name"])
    return index


DATASTORE_TYPES = {"string": "text", "integer": "int8", "number": "numeric", "date": "date",
                   "boolean": "bool", "datetime": "timestamp", "year": "int4"}


def datastore_fields(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"id": f["name"], "type": DATASTORE_TYPES.get(f.get("type", "string"), "text"),
             "info": {"label": f.get("title", f["name"]), "notes": f.get("description", "")}}
            for f in schema["fields"]]
