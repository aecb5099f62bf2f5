"""The OIT framework editions the package ships."""
from __future__ import annotations

from support import REPO

EDITIONS = REPO / "ckanext" / "oit" / "schemas" / "frameworks"


def rows_by_code(sheet) -> dict[str, int]:
    """The row of each item code in an exported edition's items sheet (openpyxl)."""
    header = [c.value for c in sheet[1]]
    return {sheet.cell(row=r, column=header.index("code") + 1).value: r for r in range(2, sheet.max_row + 1)}


def set_cell(sheet, row: int, column: str, value) -> None:
    """Set one cell of the items sheet by its column name."""
    header = [c.value for c in sheet[1]]
    sheet.cell(row=row, column=header.index(column) + 1).value = value
