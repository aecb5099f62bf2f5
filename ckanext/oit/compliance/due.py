"""Expected periods of each item in a fiscal year, and when each falls due.

Due dates per cadence come from the item's edition where it sets them, else from
configuration (days after a month or round ends; a day of the fiscal year for
annual and standing items); so does the length of a monitoring round.
"""
from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.oit import disclosure, frameworks, thai_calendar
from ckanext.oit.frameworks import Item


@dataclass(frozen=True)
class Expected:
    item: Item
    fiscal_year: int          # the fiscal year the disclosure covers
    period: str               # as stored on datasets: YYYY-MM, round-N or year
    ends: datetime.date       # the last day the disclosure covers
    due: datetime.date


def _day_of_fiscal_year(fiscal_year: int, month_day: str) -> datetime.date:
    month, day = (int(p) for p in month_day.split("-"))
    start = thai_calendar.fiscal_year_start(fiscal_year)
    year = start.year if month >= 10 else start.year + 1
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _option(item: Item, name: str) -> Any:
    edition = frameworks.edition(item.edition)
    found = edition.due_option(name) if edition is not None else None
    return found if found is not None else tk.config.get(f"ckanext.oit.due_{name}")


def expected(item: Item, fiscal_year: int) -> list[Expected]:
    after = datetime.timedelta(days=int(_option(item, "days_after_period")))
    if item.cadence == "monthly":
        result = []
        months = thai_calendar.fiscal_year_months(fiscal_year)
        for year, month in months[:item.months or len(months)]:
            ends = datetime.date(year, month, calendar.monthrange(year, month)[1])
            result.append(Expected(item, fiscal_year, f"{year:04d}-{month:02d}", ends, ends + after))
        return result
    if item.cadence == "round":
        return [Expected(item, fiscal_year, f"round-{r.number}", r.end, r.end + after)
                for r in thai_calendar.monitoring_rounds(fiscal_year, disclosure.round_months(item))]
    if item.cadence == "previous-year":
        covered = fiscal_year - 1
        return [Expected(item, covered, "year", thai_calendar.fiscal_year_end(covered),
                         _day_of_fiscal_year(fiscal_year, _option(item, "previous_year")))]
    option = "standing" if item.cadence == "standing" else "current_year"
    return [Expected(item, fiscal_year, "year", thai_calendar.fiscal_year_end(fiscal_year),
                     _day_of_fiscal_year(fiscal_year, _option(item, option)))]
