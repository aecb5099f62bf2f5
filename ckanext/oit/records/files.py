"""Files people download: records as CSV (UTF-8 with BOM, so Excel keeps the
Thai), JSON or XLSX, and a blank template per table schema."""
from __future__ import annotations

import csv
import io
import json
from typing import Any

CSV_BOM = "\ufeff"


def _headers(fields: list[dict[str, Any]]) -> list[str]:
    return [(f.get("info") or {}).get("label") or f["id"] for f in fields]


def records_csv(result: dict[str, Any]) -> bytes:
    out = io.StringIO()
    out.write(CSV_BOM)
    writer = csv.writer(out)
    writer.writerow(_headers(result["fields"]))
    for record in result["records"]:
        writer.writerow([record.get(f["id"]) for f in result["fields"]])
    return out.getvalue().encode("utf-8")


def records_json(result: dict[str, Any]) -> bytes:
    return json.dumps(result, ensure_ascii=False, indent=1).encode("utf-8")


def _xlsx(rows: list[list[Any]], title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def records_xlsx(result: dict[str, Any], title: str) -> bytes:
    rows = [_headers(result["fields"])]
    rows += [[r.get(f["id"]) for f in result["fields"]] for r in result["records"]]
    return _xlsx(rows, title)


def template_rows(schema: dict[str, Any]) -> list[list[Any]]:
    """Thai headers and one example row as offices write it."""
    example = (schema.get("oit") or {}).get("example_as_written") or (schema.get("oit") or {}).get("example") or {}
    names = [f["name"] for f in schema["fields"]]
    return [[f.get("title") or f["name"] for f in schema["fields"]], [example.get(n, "") for n in names]]


def template_csv(schema: dict[str, Any]) -> bytes:
    out = io.StringIO()
    out.write(CSV_BOM)
    csv.writer(out).writerows(template_rows(schema))
    return out.getvalue().encode("utf-8")


def template_xlsx(schema: dict[str, Any]) -> bytes:
    return _xlsx(template_rows(schema), schema.get("name", "template"))
