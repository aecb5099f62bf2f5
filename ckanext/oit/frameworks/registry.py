"""The editions in force, and which one applies to a fiscal year.

Loaded once per process when the plugin is configured (the files are the only
source, so every web node and worker reads the same thing).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from ckanext.oit.frameworks.loader import Edition, FrameworkError, Item, read_editions
from ckanext.oit.i18n_messages import Message

PACKAGE_FRAMEWORKS = Path(__file__).resolve().parents[1] / "schemas" / "frameworks"

_editions: dict[str, Edition] = {}
_overrides: dict[int, str] = {}


def parse_fiscal_year_map(value: str) -> dict[int, str]:
    """``"2568:2567 2569:2567"`` → {2568: "2567", 2569: "2567"}."""
    mapping: dict[int, str] = {}
    for pair in (value or "").split():
        year, _, edition = pair.partition(":")
        if not year.isdigit() or not edition:
            raise FrameworkError(Message(
                "ckanext.oit.edition_by_fiscal_year: '%(pair)s' is not of the form <fiscal year>:<edition>", pair=pair))
        mapping[int(year)] = edition
    return mapping


def configure(folder: str | Path | None, fiscal_year_map: str,
              dataset_types: Iterable[str] | None) -> dict[str, Edition]:
    """Read and check every edition; raise FrameworkError naming what is wrong."""
    global _editions, _overrides
    editions = read_editions(Path(folder) if folder else PACKAGE_FRAMEWORKS, dataset_types)
    overrides = parse_fiscal_year_map(fiscal_year_map)
    for year, name in overrides.items():
        if name not in editions:
            raise FrameworkError(Message(
                "ckanext.oit.edition_by_fiscal_year: %(year)s:%(name)s names an unknown edition (known: %(known)s)",
                year=year, name=name, known=", ".join(sorted(editions))))
    _editions, _overrides = editions, overrides
    return editions


def editions() -> list[Edition]:
    """Oldest first."""
    if not _editions:
        raise FrameworkError(Message("the OIT frameworks are not loaded (is the oit plugin enabled?)"))
    return sorted(_editions.values(), key=lambda e: (min(e.fiscal_years), e.edition))


def edition(name: str) -> Edition | None:
    return _editions.get(str(name))


def edition_for(fiscal_year: int) -> Edition:
    """The configured edition, else the one that lists the year, else the
    newest edition that started before it (else the oldest one)."""
    all_editions = editions()
    if fiscal_year in _overrides:
        return _editions[_overrides[fiscal_year]]
    for e in all_editions:
        if fiscal_year in e.fiscal_years:
            return e
    earlier = [e for e in all_editions if min(e.fiscal_years) <= fiscal_year]
    return earlier[-1] if earlier else all_editions[0]


def item_for(key: str, fiscal_year: int) -> Item | None:
    """The item with this key in the edition that applies to the fiscal year."""
    return edition_for(fiscal_year).item_by_key(key)


def items_of_type(dataset_type: str) -> list[Item]:
    """One item per key of a dataset type: the newest edition's items in its
    order, then keys that only older editions have."""
    seen: dict[str, Item] = {}
    for e in reversed(editions()):
        for item in e.items:
            if item.dataset_type == dataset_type:
                seen.setdefault(item.key, item)
    return list(seen.values())


def item_as_named(key: str, fiscal_year: Any = None) -> Item | None:
    """The item as the fiscal year's edition names it, else in its newest wording (a
    fiscal year that is no number, or an edition without the key)."""
    try:
        item = item_for(key, int(fiscal_year)) if fiscal_year else None
    except (TypeError, ValueError):
        item = None
    return item or any_item(key)


def any_item(key: str) -> Item | None:
    """The newest wording of an item key, whatever the edition."""
    for e in reversed(editions()):
        item = e.item_by_key(key)
        if item:
            return item
    return None
