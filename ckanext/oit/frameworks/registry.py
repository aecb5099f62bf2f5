"""The editions in force, and which one applies to a fiscal year.

The packaged files (read and checked when the plugin is configured) are the
defaults; editions and fiscal-year choices a sysadmin stored in PostgreSQL
(frameworks/store.py) come on top. Each process keeps the combined view and
re-reads it when the revision token in the database changes, checked once per
web request (and every two seconds at most outside one: jobs, commands), so every web node
and worker agrees without a restart.
"""
from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path
from typing import Any, Iterable

from ckanext.oit.frameworks.loader import (
    Edition, FrameworkError, Item, check_across_editions, ordered, parse_edition, read_editions,
)
from ckanext.oit.i18n_messages import Message

log = logging.getLogger(__name__)
PACKAGE_FRAMEWORKS = Path(__file__).resolve().parents[1] / "schemas" / "frameworks"
_UNSET = object()


@dataclasses.dataclass(frozen=True)
class Resolution:
    """The edition that applies to a fiscal year, and whether that is only
    provisional (no edition is confirmed for the year: the newest one serves)."""
    fiscal_year: int
    edition: Edition
    provisional: bool

    @property
    def notice(self) -> Message | None:
        """What the pages, sheets and the API say of a provisional year."""
        if not self.provisional:
            return None
        return Message("The item list of cycle %(edition)s is used provisionally until cycle %(year)s is confirmed",
                       edition=self.edition.edition, year=self.fiscal_year)


@dataclasses.dataclass
class _State:
    token: Any
    editions: dict[str, Edition]
    fiscal_years: dict[int, str]            # the map in force: configuration, then the stored choices
    stored_fiscal_years: dict[int, str]


_packaged: dict[str, Edition] = {}
_configured_map: dict[int, str] = {}
_dataset_types: list[str] | None = None
_state: _State | None = None


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
    """Read and check every packaged edition; raise FrameworkError naming what is wrong."""
    global _packaged, _configured_map, _dataset_types, _state
    types = list(dataset_types) if dataset_types is not None else None
    editions = read_editions(Path(folder) if folder else PACKAGE_FRAMEWORKS, types)
    overrides = parse_fiscal_year_map(fiscal_year_map)
    for year, name in overrides.items():
        if name not in editions:
            raise FrameworkError(Message(
                "ckanext.oit.edition_by_fiscal_year: %(year)s:%(name)s names an unknown edition (known: %(known)s)",
                year=year, name=name, known=", ".join(sorted(editions))))
    _packaged, _configured_map, _dataset_types, _state = editions, overrides, types, None
    return editions


def dataset_types() -> list[str] | None:
    return _dataset_types


def packaged() -> dict[str, Edition]:
    return dict(_packaged)


def stored_edition(name: str, document: dict[str, Any], where: str) -> Edition:
    """A stored document as an Edition (checked as an upload is)."""
    return dataclasses.replace(parse_edition(document, where, _dataset_types), origin="stored")


def _combined(rows: list[tuple[str, str]], year_rows: list[tuple[int, str]], token: Any) -> _State:
    editions = dict(_packaged)
    for name, text in rows:
        try:
            candidate = dict(editions)
            candidate[name] = stored_edition(name, json.loads(text), f"oit_edition {name}")
            check_across_editions(candidate, only=name)
            editions = candidate
        except Exception as error:  # noqa: BLE001 - one bad row must not take every page down
            # a stored edition the installed code no longer accepts (a dataset type
            # removed in an upgrade, a check that reads it otherwise): the packaged
            # one serves, and doctor reports it
            log.error("stored OIT edition %s is not usable: %s", name, error)
    stored_years = {year: name for year, name in year_rows if name in editions}
    return _State(token, editions, {**_configured_map, **stored_years}, stored_years)


def _current() -> _State:
    global _state
    if not _packaged:
        raise FrameworkError(Message("the OIT frameworks are not loaded (is the oit plugin enabled?)"))
    from ckanext.oit.frameworks import store

    state = _state
    if state is not None and store.checked_in_this_request(state.token):
        return state
    token = store.token()
    if state is None or state.token != token:
        state = _combined(*store.rows(), token) if token is not None else _combined([], [], None)
        _state = state
    store.mark_checked(token)
    return state


def forget() -> None:
    """After a change in this process: the next call reads the database again."""
    global _state
    _state = None
    from ckanext.oit.frameworks import store
    store.mark_checked(_UNSET)


def all_editions() -> dict[str, Edition]:
    return dict(_current().editions)


def editions() -> list[Edition]:
    """Oldest first."""
    return ordered(_current().editions.values())


def edition(name: str) -> Edition | None:
    return _current().editions.get(str(name))


def fiscal_year_map() -> dict[int, str]:
    """The fiscal years whose edition is chosen (configuration, then stored), by year."""
    return dict(sorted(_current().fiscal_years.items()))


def stored_fiscal_years() -> dict[int, str]:
    return dict(_current().stored_fiscal_years)


def resolve(fiscal_year: int) -> Resolution:
    """The chosen edition, else the one that lists the year, else (provisionally)
    the newest edition that started before it, else the oldest one."""
    state = _current()
    all_editions = ordered(state.editions.values())
    if fiscal_year in state.fiscal_years:
        return Resolution(fiscal_year, state.editions[state.fiscal_years[fiscal_year]], False)
    for e in all_editions:
        if fiscal_year in e.fiscal_years:
            return Resolution(fiscal_year, e, False)
    earlier = [e for e in all_editions if min(e.fiscal_years) <= fiscal_year]
    return Resolution(fiscal_year, earlier[-1] if earlier else all_editions[0], True)


def edition_for(fiscal_year: int) -> Edition:
    return resolve(fiscal_year).edition


def item_for(key: str, fiscal_year: int) -> Item | None:
    """The item with this key in the edition that applies to the fiscal year."""
    return edition_for(fiscal_year).item_by_key(key)


def counting_item(key: str, fiscal_year: int) -> Item | None:
    """The item of the fiscal year's edition that a dataset under ``key`` counts
    for: the item of that key, else the first item that continues it (a 2567
    key in a year whose edition merged it)."""
    e = edition_for(fiscal_year)
    return e.item_by_key(key) or next(iter(e.items_continuing(key)), None)


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
