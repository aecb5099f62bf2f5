"""A disclosure: one organisation × fiscal year × OIT item × period.

The rules that tie a dataset's item, fiscal year and period together, the
names and titles made from them, and the lookup that keeps them unique.
Messages are Thai first, then English, as users see them in forms and the API.
"""
from __future__ import annotations

import re
from datetime import date

import ckan.plugins.toolkit as tk
from ckan import model
from sqlalchemy.orm import aliased

from ckanext.oit import frameworks, thai_calendar
from ckanext.oit.frameworks import Item

YEAR_PERIOD = "year"
EARLIEST_FISCAL_YEAR = 2540  # the Official Information Act, B.E. 2540


class DisclosureError(ValueError):
    """A bilingual validation message."""

    def __init__(self, th: str, en: str):
        super().__init__(f"{th} / {en}")


def round_months() -> int:
    return tk.config.get("ckanext.oit.monitoring_round_months")


def latest_fiscal_year(today: date | None = None) -> int:
    # Plans for the next fiscal year are published before it starts.
    return thai_calendar.fiscal_year_of(today or date.today()) + 2


def parse_fiscal_year(value: object) -> int:
    try:
        year = thai_calendar.parse_year(value if isinstance(value, (int, str)) else str(value))
    except thai_calendar.ThaiDateError as error:
        raise DisclosureError(f"ปีงบประมาณ: {error.th}", f"Fiscal year: {error.en}") from error
    last = latest_fiscal_year()
    if not EARLIEST_FISCAL_YEAR <= year <= last:
        raise DisclosureError(
            f"ปีงบประมาณ พ.ศ. {year} อยู่นอกช่วงที่รับได้ ({EARLIEST_FISCAL_YEAR}–{last})",
            f"Fiscal year {year} (BE) is outside the accepted range ({EARLIEST_FISCAL_YEAR}–{last})",
        )
    return year


def resolve_item(key: str, dataset_type: str, fiscal_year: int) -> Item:
    """The item a dataset of this type and fiscal year may carry under ``key``.

    A previous-year report of fiscal year N is published in the cycle of
    N + 1, so the edition of N + 1 is asked too.
    """
    item = frameworks.item_for(key, fiscal_year)
    if item is None:
        later = frameworks.item_for(key, fiscal_year + 1)
        if later is not None and later.cadence == "previous-year":
            item = later
    if item is None:
        edition = frameworks.edition_for(fiscal_year)
        raise DisclosureError(
            f"ไม่มีรายการ '{key}' ในแบบตรวจ OIT ฉบับ {edition.edition} ที่ใช้กับปีงบประมาณ {fiscal_year}",
            f"There is no item '{key}' in OIT edition {edition.edition}, which applies to fiscal year {fiscal_year}",
        )
    if item.dataset_type != dataset_type:
        raise DisclosureError(
            f"รายการ {item.code} ({item.name_th}) เป็นข้อมูลประเภท {item.dataset_type} ไม่ใช่ {dataset_type}",
            f"Item {item.code} ({item.name_en}) belongs to dataset type {item.dataset_type}, not {dataset_type}",
        )
    return item


_ROUND_RE = re.compile(r"^(?:round|r|รอบที่|รอบ)?[\s\-_]*(\d{1,2})$", re.IGNORECASE)


def normalise_period(value: str | None, item: Item, fiscal_year: int) -> str:
    """Store months as ``YYYY-MM`` (ค.ศ.), rounds as ``round-N``, others as ``year``."""
    text = thai_calendar.normalise_digits(str(value or "")).strip()
    if item.cadence == "monthly":
        if not text:
            raise DisclosureError(
                f"รายการ {item.code} เป็นรายการรายเดือน ต้องระบุเดือน เช่น ต.ค. {fiscal_year - 1}",
                f"Item {item.code} is monthly: give its month, e.g. Oct {fiscal_year - 1 - 543}",
            )
        try:
            year, month = thai_calendar.parse_month(text)
        except thai_calendar.ThaiDateError as error:
            raise DisclosureError(error.th, error.en) from error
        if not thai_calendar.month_in_fiscal_year(year, month, fiscal_year):
            start, end = thai_calendar.fiscal_year_months(fiscal_year)[0], thai_calendar.fiscal_year_months(fiscal_year)[-1]
            raise DisclosureError(
                f"เดือน {thai_calendar.format_month(year, month, 'short')} ไม่อยู่ในปีงบประมาณ {fiscal_year} "
                f"({thai_calendar.format_month(*start, 'short')} – {thai_calendar.format_month(*end, 'short')})",
                f"{thai_calendar.format_month(year, month, 'short', 'en')} is not in fiscal year {fiscal_year} "
                f"({thai_calendar.format_month(*start, 'short', 'en')} – {thai_calendar.format_month(*end, 'short', 'en')})",
            )
        return f"{year:04d}-{month:02d}"
    if item.cadence == "round":
        match = _ROUND_RE.match(text)
        if not match:
            raise DisclosureError(
                f"รายการ {item.code} เป็นรายงานรอบ ต้องระบุรอบ เช่น 1 หรือ รอบที่ 1",
                f"Item {item.code} is a monitoring-round report: give its round, e.g. 1",
            )
        try:
            rnd = thai_calendar.monitoring_round(fiscal_year, int(match.group(1)), round_months())
        except thai_calendar.ThaiDateError as error:
            raise DisclosureError(error.th, error.en) from error
        return f"round-{rnd.number}"
    if text and text.lower() != YEAR_PERIOD:
        raise DisclosureError(
            f"รายการ {item.code} เป็นรายการรายปี ไม่ต้องระบุช่วงเวลา",
            f"Item {item.code} is annual: leave the period empty",
        )
    return YEAR_PERIOD


def period_label(period: str, fiscal_year: int, lang: str = "th") -> str:
    if re.fullmatch(r"\d{4}-\d{2}", period or ""):
        year, month = (int(p) for p in period.split("-"))
        month_text = thai_calendar.format_month(year, month, "long", lang)
        return f"เดือน{month_text}" if not lang.startswith("en") else month_text
    if (period or "").startswith("round-"):
        try:
            rnd = thai_calendar.monitoring_round(fiscal_year, int(period[6:]), round_months())
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
    for key, value in (("item_key", item_key), ("fiscal_year", str(fiscal_year)), ("period", period)):
        extra = aliased(model.PackageExtra)
        query = query.join(extra, (extra.package_id == model.Package.id) & (extra.key == key) & (extra.value == value))
    return query.first()
