"""A disclosure: one organisation × fiscal year × OIT item × period.

The rules that tie a dataset's item, fiscal year and period together, the
names and titles made from them, and the lookup that keeps them unique.
Errors are UserErrors: Thai first, then English, as users see them in forms and the API.
"""
from __future__ import annotations

import re
from datetime import date

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import compat, frameworks, thai_calendar
from ckanext.oit.frameworks import Item
from ckanext.oit.i18n_messages import Message, UserError

YEAR_PERIOD = "year"
EARLIEST_FISCAL_YEAR = 2540  # the Official Information Act, B.E. 2540


class DisclosureError(UserError):
    """A disclosure's item, fiscal year or period that cannot be used."""


def round_months(item: Item | None = None, fiscal_year: int | None = None) -> int:
    """Months of a monitoring round: the edition of the item (or of the fiscal
    year) says, else configuration."""
    if item is not None:
        edition = frameworks.edition(item.edition)
    else:
        edition = frameworks.edition_for(fiscal_year) if fiscal_year else None
    return (edition.round_months if edition is not None else None) or tk.config.get(
        "ckanext.oit.monitoring_round_months")


def latest_fiscal_year(today: date | None = None) -> int:
    # Plans for the next fiscal year are published before it starts.
    return thai_calendar.fiscal_year_of(today or thai_calendar.today()) + 2


def parse_fiscal_year(value: object) -> int:
    try:
        year = thai_calendar.parse_year(value if isinstance(value, (int, str)) else str(value))
    except thai_calendar.ThaiDateError as error:
        raise DisclosureError(Message("Fiscal year: %(error)s", error=error.message)) from error
    last = latest_fiscal_year()
    if not EARLIEST_FISCAL_YEAR <= year <= last:
        raise DisclosureError(Message(
            "Fiscal year %(year)s (BE) is outside the accepted range (%(first)s–%(last)s)",
            year=year, first=EARLIEST_FISCAL_YEAR, last=last))
    return year


def resolve_item(key: str, dataset_type: str, fiscal_year: int, kept: bool = False) -> Item:
    """The item a dataset of this type and fiscal year may carry under ``key``.

    A previous-year report of fiscal year N is published in the cycle of
    N + 1, so the edition of N + 1 is asked too. A key that the year's edition
    merged into another item stays valid (``continues``): datasets published
    under the older list keep their meaning and count for the newer item.
    ``kept``: the dataset already has this key and fiscal year (made under the
    list that served the year then), which a newer list does not take away.
    """
    item = frameworks.item_for(key, fiscal_year)
    if item is None:
        later = frameworks.item_for(key, fiscal_year + 1)
        if later is not None and later.cadence == "previous-year":
            item = later
    if item is None and (kept or frameworks.edition_for(fiscal_year).items_continuing(key)):
        item = frameworks.any_item(key)
    if item is None:
        edition = frameworks.edition_for(fiscal_year)
        raise DisclosureError(Message(
            "There is no item '%(key)s' in OIT edition %(edition)s, which applies to fiscal year %(year)s",
            key=key, edition=edition.edition, year=fiscal_year))
    if item.dataset_type != dataset_type:
        raise DisclosureError(Message(
            "Item %(code)s (%(name)s) belongs to dataset type %(type)s, not %(wanted)s",
            code=item.code, name=lambda lang: item.name_en if lang == "en" else item.name_th,
            type=item.dataset_type, wanted=dataset_type))
    return item


_ROUND_RE = re.compile(
    r"^(?:%s)?[\s\-_]*(\d{1,2})$" % "|".join(re.escape(w) for w in thai_calendar.ROUND_WORDS), re.IGNORECASE)


def normalise_period(value: str | None, item: Item, fiscal_year: int) -> str:
    """Store months as ``YYYY-MM`` (CE), rounds as ``round-N``, others as ``year``."""
    text = thai_calendar.normalise_digits(str(value or "")).strip()
    if item.cadence == "monthly":
        if not text:
            october = thai_calendar.ce_year(fiscal_year) - 1
            raise DisclosureError(Message(
                "Item %(code)s is monthly: give its month, e.g. %(month)s", code=item.code,
                month=lambda lang: thai_calendar.format_month(october, 10, "short", lang)))
        try:
            year, month = thai_calendar.parse_month(text)
        except thai_calendar.ThaiDateError as error:
            raise DisclosureError(error.message) from error
        if not thai_calendar.month_in_fiscal_year(year, month, fiscal_year):
            months = thai_calendar.fiscal_year_months(fiscal_year)
            raise DisclosureError(Message(
                "%(month)s is not in fiscal year %(year)s (%(start)s – %(end)s)", year=fiscal_year,
                month=lambda lang: thai_calendar.format_month(year, month, "short", lang),
                start=lambda lang: thai_calendar.format_month(*months[0], "short", lang),
                end=lambda lang: thai_calendar.format_month(*months[-1], "short", lang)))
        return f"{year:04d}-{month:02d}"
    if item.cadence == "round":
        match = _ROUND_RE.match(text)
        if not match:
            raise DisclosureError(Message(
                "Item %(code)s is a monitoring-round report: give its round, e.g. 1", code=item.code))
        try:
            rnd = thai_calendar.monitoring_round(fiscal_year, int(match.group(1)), round_months(item))
        except thai_calendar.ThaiDateError as error:
            raise DisclosureError(error.message) from error
        return f"round-{rnd.number}"
    if text and text.lower() != YEAR_PERIOD:
        raise DisclosureError(Message("Item %(code)s is annual: leave the period empty", code=item.code))
    return YEAR_PERIOD


def period_label(period: str, fiscal_year: int, lang: str = "th") -> str:
    if re.fullmatch(r"\d{4}-\d{2}", period or ""):
        year, month = (int(p) for p in period.split("-"))
        return thai_calendar.format_period_month(year, month, lang)
    if (period or "").startswith("round-"):
        try:
            rnd = thai_calendar.monitoring_round(fiscal_year, int(period[6:]), round_months(fiscal_year=fiscal_year))
        except (ValueError, thai_calendar.ThaiDateError):
            return period
        return thai_calendar.format_round(rnd, lang)
    return thai_calendar.format_fiscal_year(fiscal_year, lang)


def make_title(item: Item, fiscal_year: int, period: str) -> str:
    if period == YEAR_PERIOD:
        return f"{item.name_th} {thai_calendar.format_fiscal_year(fiscal_year)}"
    return f"{item.name_th} {period_label(period, fiscal_year)} {thai_calendar.format_fiscal_year(fiscal_year)}"


def make_name(organization_name: str, item: Item, fiscal_year: int, period: str) -> str:
    tail = f"{fiscal_year}-{item.key}" + ("" if period == YEAR_PERIOD else f"-{period}")
    room = 100 - len(tail) - 1
    head = organization_name[:room].rstrip("-")
    return f"{head}-{tail}" if head else tail


def find_same(owner_org: str, item_key: str, fiscal_year: int, period: str,
              exclude_id: str | None = None) -> model.Package | None:
    """A live dataset of the same organisation × fiscal year × item × period."""
    query = model.Session.query(model.Package).filter(
        model.Package.owner_org == owner_org,
        model.Package.state != model.State.DELETED,
    )
    if exclude_id:
        query = query.filter(model.Package.id != exclude_id)
    return compat.filter_by_extras(query, item_key=item_key, fiscal_year=str(fiscal_year), period=period).first()
