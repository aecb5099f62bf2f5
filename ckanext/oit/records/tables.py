"""The Frictionless Table Schemas of the tabular disclosures (schemas/tables/)."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from ckanext.oit import thai_calendar

TABLES = Path(__file__).resolve().parents[1] / "schemas" / "tables"


@lru_cache(maxsize=None)
def _all() -> dict[str, dict[str, Any]]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(TABLES.glob("*.json"))}


def names() -> list[str]:
    return list(_all())


def get(name: str) -> dict[str, Any] | None:
    return _all().get(name)


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
