"""Files people download: records as CSV (UTF-8 with BOM, so Excel keeps the
Thai), JSON or XLSX, and a blank template per table schema. CSV and XLSX go
through spreadsheet_cells, so no cell is run as a formula; JSON stays verbatim."""
from __future__ import annotations

import json
from typing import Any

from ckanext.oit import spreadsheet_cells


def _headers(fields: list[dict[str, Any]]) -> list[str]:
    return [(f.get("info") or {}).get("label") or f["id"] for f in fields]


def _rows(result: dict[str, Any]) -> list[list[Any]]:
    return [_headers(result["fields"])] + [[r.get(f["id"]) for f in result["fields"]] for r in result["records"]]


def records_csv(result: dict[str, Any]) -> bytes:
    return spreadsheet_cells.csv_bytes(_rows(result))


def records_json(result: dict[str, Any]) -> bytes:
    return json.dumps(result, ensure_ascii=False, indent=1).encode("utf-8")


def records_xlsx(result: dict[str, Any], title: str) -> bytes:
    return spreadsheet_cells.xlsx_bytes(_rows(result), title)


def template_rows(schema: dict[str, Any]) -> list[list[Any]]:
    """Thai headers and one example row as offices write it."""
    example = (schema.get("oit") or {}).get("example_as_written") or (schema.get("oit") or {}).get("example") or {}
    names = [f["name"] for f in schema["fields"]]
    return [[f.get("title") or f["name"] for f in schema["fields"]], [example.get(n, "") for n in names]]


def template_csv(schema: dict[str, Any]) -> bytes:
    return spreadsheet_cells.csv_bytes(template_rows(schema))


def template_xlsx(schema: dict[str, Any]) -> bytes:
    return spreadsheet_cells.xlsx_bytes(template_rows(schema), schema.get("name", "template"))
