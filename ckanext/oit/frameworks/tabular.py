"""Editions as files people edit: YAML (the packaged form), XLSX (sheets
``edition``, ``categories``, ``items``) and CSV (the items sheet alone, loaded
into an edition that exists). Each reader gives the mapping that
loader.parse_edition checks, and says where each item came from (sheet, row)
so that every problem names its row."""
from __future__ import annotations

from typing import Any, Callable

import yaml

from ckanext.oit import spreadsheet_cells
from ckanext.oit.frameworks.loader import DUE_KEYS, Edition, FrameworkError, load_yaml
from ckanext.oit.i18n_messages import Message
from ckanext.oit.records import reading

FORMATS = ("yaml", "xlsx", "csv")
# the items sheet, in this order; two-language texts are split into _th and _en columns
ITEM_COLUMNS = ("code", "key", "name_th", "name_en", "category", "indicator", "dataset_type", "cadence", "months",
                "evidence", "table", "channel", "continues", "confidence", "placeholder", "source",
                "note_th", "note_en")
CATEGORY_COLUMNS = ("code", "name_th", "name_en")
EDITION_FIELDS = ("edition", "title_th", "title_en", "fiscal_years", "follows", "confidence", "source",
                  "round_months", *(f"due_{k}" for k in DUE_KEYS))
_ITEM_ORDER = ("code", "key", "name", "category", "indicator", "dataset_type", "cadence", "months", "evidence",
               "table", "channel", "continues", "confidence", "placeholder", "source", "note")


def format_of(filename: str, data: bytes) -> str:
    name = (filename or "").lower()
    if data.startswith(reading.XLSX_MAGIC) or name.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    if name.endswith(".csv"):
        return "csv"
    return "yaml"


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _pair(row: dict[str, Any], name: str) -> dict[str, str] | None:
    th, en = _text(row.get(f"{name}_th")), _text(row.get(f"{name}_en"))
    return {"th": th, "en": en} if th or en else None


def _item_from_row(row: dict[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for column in ITEM_COLUMNS:
        if column.endswith(("_th", "_en")):
            continue
        value = row.get(column)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if _text(value):
            item[column] = value if isinstance(value, int) else _text(value)
    for pair in ("name", "note"):
        if (texts := _pair(row, pair)) is not None:
            item[pair] = texts
    if "continues" in item:
        item["continues"] = [k for k in str(item["continues"]).replace(",", " ").replace("+", " ").split() if k]
    return {k: item[k] for k in _ITEM_ORDER if k in item}


def _sheet(table: reading.RawTable, wanted: tuple[str, ...], where: Callable[[], Any]) -> list[tuple[int, dict]]:
    headers = [_text(h).lower() for h in table.headers]
    unknown = [h for h in headers if h and h not in wanted]
    missing = [w for w in wanted if w not in headers and w in ("code", "key", "name_th", "name_en")]
    if unknown or missing:
        raise FrameworkError(Message(
            "%(where)s: the columns must be %(wanted)s (unknown: %(unknown)s; missing: %(missing)s)",
            where=where(), wanted=", ".join(wanted), unknown=", ".join(unknown) or "-",
            missing=", ".join(missing) or "-"))
    return [(number, {headers[i]: v for i, v in enumerate(values) if i < len(headers) and headers[i]})
            for number, values in zip(table.row_numbers, table.rows)]


def _row_where(shown: str, sheet: str | None, numbers: list[int]) -> Callable[..., Any]:
    def where(index: int, code: str | None, short: bool = False) -> Any:
        row = numbers[index] if index < len(numbers) else index + 2
        place = Message("row %(row)s", row=row) if short else Message(
            "%(file)s: row %(row)s%(code)s", file=shown + (f" [{sheet}]" if sheet else ""), row=row,
            code=f" ({code})" if code else "")
        return place
    return where


def read_document(data: bytes, filename: str, base: Edition | None = None) -> tuple[dict[str, Any], Callable]:
    """The edition mapping of an uploaded file and how to name its items.
    A CSV holds items only: the rest comes from ``base``, the stored edition it corrects."""
    shown = filename or "upload"
    kind = format_of(filename, data)
    if kind == "yaml":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise FrameworkError(Message("%(where)s: cannot be read: %(error)s", where=shown, error=str(error))) from error
        return load_yaml(text, shown), None
    try:
        if kind == "csv":
            if base is None:
                raise FrameworkError(Message(
                    "%(where)s: a CSV file holds the items only: name the edition it corrects, or load YAML or XLSX",
                    where=shown))
            table = reading.read_csv(data)
            rows = _sheet(table, ITEM_COLUMNS, lambda: shown)
            document = {k: v for k, v in base.document.items() if k != "items"}
            document["items"] = [_item_from_row(r) for _, r in rows]
            return document, _row_where(shown, None, [n for n, _ in rows])
        document = {}
        meta = reading.read_xlsx(data, "edition")
        fields = {_text(r[0]).lower(): (r[1] if len(r) > 1 else None) for r in [meta.headers, *meta.rows] if r}
        for name in EDITION_FIELDS:
            if _text(fields.get(name)) and not name.startswith(("title_", "due_")):
                value = fields[name]
                document[name] = int(value) if isinstance(value, float) and value.is_integer() else _text(value)
        if "fiscal_years" in document:
            document["fiscal_years"] = str(document["fiscal_years"]).replace(",", " ").split()
        document["title"] = {"th": _text(fields.get("title_th")), "en": _text(fields.get("title_en"))}
        due = {k: fields[f"due_{k}"] for k in DUE_KEYS if _text(fields.get(f"due_{k}"))}
        if due:
            document["due"] = {k: (int(v) if isinstance(v, float) else _text(v)) for k, v in due.items()}
        categories = _sheet(reading.read_xlsx(data, "categories"), CATEGORY_COLUMNS, lambda: f"{shown} [categories]")
        document["categories"] = [{"code": _text(r.get("code")), "name": _pair(r, "name")} for _, r in categories]
        rows = _sheet(reading.read_xlsx(data, "items"), ITEM_COLUMNS, lambda: f"{shown} [items]")
        document["items"] = [_item_from_row(r) for _, r in rows]
        return document, _row_where(shown, "items", [n for n, _ in rows])
    except reading.ReadError as error:
        raise FrameworkError(Message("%(where)s: %(error)s", where=shown, error=error.message)) from error


def to_yaml(edition: Edition) -> str:
    return yaml.safe_dump(edition.document, allow_unicode=True, sort_keys=False, width=120)


def _cells(item: dict[str, Any]) -> list[Any]:
    values = []
    for column in ITEM_COLUMNS:
        base, _, lang = column.rpartition("_")
        if lang in ("th", "en") and base in ("name", "note"):
            values.append((item.get(base) or {}).get(lang))
        elif column == "continues":
            values.append(" ".join(item.get("continues") or ()) or None)
        else:
            values.append(item.get(column))
    return values


def to_xlsx(edition: Edition) -> bytes:
    """The three sheets read_document reads back (the round trip gives the same edition)."""
    document = edition.document
    title, due = document.get("title") or {}, document.get("due") or {}
    values = {"title_th": title.get("th"), "title_en": title.get("en"),
              "fiscal_years": " ".join(str(y) for y in document.get("fiscal_years") or ()),
              **{f"due_{k}": v for k, v in due.items()}}
    meta = [[name, values.get(name, document.get(name))] for name in EDITION_FIELDS]
    categories = [list(CATEGORY_COLUMNS)] + [
        [c.get("code"), (c.get("name") or {}).get("th"), (c.get("name") or {}).get("en")]
        for c in document.get("categories") or ()]
    items = [list(ITEM_COLUMNS)] + [_cells(i) for i in document.get("items") or ()]
    return spreadsheet_cells.xlsx_book([("edition", meta), ("categories", categories), ("items", items)])


def export(edition: Edition, kind: str) -> tuple[bytes, str]:
    """The file and its media type."""
    if kind == "xlsx":
        return to_xlsx(edition), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return to_yaml(edition).encode("utf-8"), "application/yaml"
