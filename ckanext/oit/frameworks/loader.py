"""Reading and checking the OIT framework editions (schemas/frameworks/*.yaml).

An edition file is data that maintainers correct by hand, so every problem is
reported with the file and the entry it is in, and a broken file stops CKAN
at start-up rather than serving a half-read item list.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Iterable

import yaml

from ckanext.oit.i18n_messages import N_, Message, UserError

_MISSING = N_("%(where)s: '%(key)s' is missing")
CADENCES = ("standing", "current-year", "previous-year", "monthly", "round")
EVIDENCE_KINDS = ("document", "channel", "records")


class FrameworkError(UserError):
    """An edition file that cannot be used; the message names file and entry."""


@dataclasses.dataclass(frozen=True)
class Category:
    code: str
    name_th: str
    name_en: str


@dataclasses.dataclass(frozen=True)
class Item:
    edition: str
    code: str
    key: str
    name_th: str
    name_en: str
    category: str | None
    dataset_type: str
    cadence: str
    evidence: str
    table: str | None = None
    note_th: str | None = None
    note_en: str | None = None

    @property
    def order(self) -> int:
        return int(self.code.lstrip("Oo"))


@dataclasses.dataclass(frozen=True)
class Edition:
    edition: str
    title_th: str
    title_en: str
    fiscal_years: tuple[int, ...]
    confidence: str
    source: str
    categories: tuple[Category, ...]
    items: tuple[Item, ...]
    path: str

    def item_by_key(self, key: str) -> Item | None:
        return next((i for i in self.items if i.key == key), None)

    def item_by_code(self, code: str) -> Item | None:
        return next((i for i in self.items if i.code.upper() == code.upper()), None)

    def category(self, code: str | None) -> Category | None:
        return next((c for c in self.categories if c.code == code), None)


def _text(where: str, value: Any, field: str) -> tuple[str, str]:
    if not isinstance(value, dict) or not value.get("th") or not value.get("en"):
        raise FrameworkError(Message("%(where)s: '%(key)s' needs both 'th' and 'en' text", where=where, key=field))
    return str(value["th"]), str(value["en"])


def _read_item(path: str, edition: str, index: int, raw: Any,
               categories: dict[str, Category], dataset_types: Iterable[str] | None) -> Item:
    code = raw.get("code") if isinstance(raw, dict) else None
    where = f"{path}: items[{index}]" + (f" ({code})" if code else "")
    if not isinstance(raw, dict):
        raise FrameworkError(Message("%(where)s: an item must be a mapping", where=where))
    for required in ("code", "key", "name", "dataset_type", "cadence", "evidence"):
        if not raw.get(required):
            raise FrameworkError(_MISSING, where=where, key=required)
    code = str(raw["code"])
    if not (code[:1] in "Oo" and code[1:].isdigit()):
        raise FrameworkError(Message("%(where)s: code '%(code)s' is not of the form O<number>", where=where, code=code))
    name_th, name_en = _text(where, raw["name"], "name")
    category = raw.get("category")
    if category is not None:
        category = str(category)
        if category not in categories:
            raise FrameworkError(Message("%(where)s: category '%(category)s' is not among this edition's categories",
                                         where=where, category=category))
    if raw["cadence"] not in CADENCES:
        raise FrameworkError(Message("%(where)s: unknown cadence '%(cadence)s' (known: %(known)s)",
                                     where=where, cadence=raw["cadence"], known=", ".join(CADENCES)))
    if raw["evidence"] not in EVIDENCE_KINDS:
        raise FrameworkError(Message("%(where)s: unknown evidence kind '%(evidence)s' (known: %(known)s)",
                                     where=where, evidence=raw["evidence"], known=", ".join(EVIDENCE_KINDS)))
    if dataset_types is not None and raw["dataset_type"] not in dataset_types:
        raise FrameworkError(Message("%(where)s: dataset type '%(type)s' has no dataset schema (schemas: %(known)s)",
                                     where=where, type=raw["dataset_type"], known=", ".join(sorted(dataset_types))))
    table = raw.get("table")
    if (raw["evidence"] == "records") != bool(table):
        raise FrameworkError(Message("%(where)s: 'table' must be given exactly for evidence 'records'", where=where))
    note_th = note_en = None
    if raw.get("note"):
        note_th, note_en = _text(where, raw["note"], "note")
    return Item(
        edition=edition, code=code.upper(), key=str(raw["key"]), name_th=name_th, name_en=name_en,
        category=category, dataset_type=str(raw["dataset_type"]), cadence=raw["cadence"],
        evidence=raw["evidence"], table=table, note_th=note_th, note_en=note_en,
    )


def read_edition(path: Path, dataset_types: Iterable[str] | None = None) -> Edition:
    """Read and check one edition file; ``dataset_types`` are the known schemas."""
    shown = str(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise FrameworkError(Message("%(where)s: cannot be read: %(error)s", where=shown, error=str(error))) from error
    if not isinstance(raw, dict):
        raise FrameworkError(Message("%(where)s: an edition file must be a mapping", where=shown))
    for required in ("edition", "title", "fiscal_years", "categories", "items"):
        if not raw.get(required):
            raise FrameworkError(_MISSING, where=shown, key=required)
    edition = str(raw["edition"])
    title_th, title_en = _text(shown, raw["title"], "title")
    try:
        fiscal_years = tuple(int(y) for y in raw["fiscal_years"])
    except (TypeError, ValueError) as error:
        raise FrameworkError(Message("%(where)s: 'fiscal_years' must be a list of Buddhist Era years",
                                     where=shown)) from error

    categories: dict[str, Category] = {}
    for index, cat in enumerate(raw["categories"]):
        where = f"{shown}: categories[{index}]"
        if not isinstance(cat, dict) or not cat.get("code"):
            raise FrameworkError(_MISSING, where=where, key="code")
        code = str(cat["code"])
        if code in categories:
            raise FrameworkError(Message("%(where)s: category code '%(code)s' is used twice", where=where, code=code))
        categories[code] = Category(code, *_text(where, cat.get("name"), "name"))

    types = set(dataset_types) if dataset_types is not None else None
    items: list[Item] = []
    seen_codes: dict[str, int] = {}
    seen_keys: dict[str, int] = {}
    for index, raw_item in enumerate(raw["items"]):
        item = _read_item(shown, edition, index, raw_item, categories, types)
        for seen, value, label in ((seen_codes, item.code, "code"), (seen_keys, item.key, "key")):
            if value in seen:
                raise FrameworkError(Message(
                    "%(where)s: %(key)s '%(value)s' is already used by items[%(index)s]",
                    where=f"{shown}: items[{index}] ({item.code})", key=label, value=value, index=seen[value]))
            seen[value] = index
        items.append(item)

    return Edition(
        edition=edition, title_th=title_th, title_en=title_en, fiscal_years=fiscal_years,
        confidence=str(raw.get("confidence", "")), source=str(raw.get("source", "")),
        categories=tuple(categories.values()), items=tuple(items), path=shown,
    )


def read_editions(folder: Path, dataset_types: Iterable[str] | None = None) -> dict[str, Edition]:
    """Every ``*.yaml`` edition in ``folder``, by edition name."""
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise FrameworkError(Message("%(where)s: no edition files (*.yaml)", where=str(folder)))
    types = list(dataset_types) if dataset_types is not None else None
    editions: dict[str, Edition] = {}
    for path in files:
        edition = read_edition(path, types)
        if edition.edition in editions:
            raise FrameworkError(Message("%(where)s: edition '%(edition)s' is also defined in %(other)s", where=str(path),
                                         edition=edition.edition, other=editions[edition.edition].path))
        editions[edition.edition] = edition
    _check_keys_across_editions(editions)
    return editions


def _check_keys_across_editions(editions: dict[str, Edition]) -> None:
    # A key means the same disclosure in every edition, so it keeps its dataset type.
    first: dict[str, Item] = {}
    for edition in editions.values():
        for item in edition.items:
            earlier = first.setdefault(item.key, item)
            if earlier.dataset_type != item.dataset_type:
                raise FrameworkError(Message(
                    "%(where)s: key '%(key)s' has dataset type '%(type)s', but '%(other)s' in edition %(edition)s",
                    where=f"{edition.path}: {item.code}", key=item.key, type=item.dataset_type,
                    other=earlier.dataset_type, edition=earlier.edition))
