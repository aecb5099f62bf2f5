"""Run by `make package-check` with the python of a fresh virtualenv that has CKAN and the
built wheel of ckanext-oit, nothing else: the records feature must work from what
`pip install` brought (frictionless, openpyxl, charset-normalizer, the table schemas)."""
from __future__ import annotations

import io
import sys
from pathlib import Path

import ckanext.oit
import ckanext.oit.plugin  # noqa: F401  every import of the plugin resolves
from ckanext.oit.records import reading, tables, validation

installed = Path(ckanext.oit.__file__).resolve()
assert "site-packages" in installed.parts, f"ckanext.oit comes from {installed}, not the wheel"

schema = tables.get("procurement-monthly-summary")
assert schema, "the table schemas are not in the installed package"
headers = [field["title"] for field in schema["fields"]]

# a CSV with the header row only: a month without procurement, valid
raw = reading.read(("\ufeff" + ",".join(headers) + "\n").encode("utf-8"), "summary.csv")
rows, problems = validation.check(raw, schema)
assert rows == [] and problems == [], problems

# an XLSX (openpyxl) whose row number is not a number: one problem, in that cell
from openpyxl import Workbook

book = Workbook()
sheet = book.active
sheet.append(headers)
sheet.append(["one"] + [""] * (len(headers) - 1))
data = io.BytesIO()
book.save(data)
raw = reading.read(data.getvalue(), "summary.xlsx")
rows, problems = validation.check(raw, schema)
assert any(p.row == 2 for p in problems), problems
print(f"records feature works from {installed.parent}: {len(problems)} problems found in the bad row")
sys.exit(0)
