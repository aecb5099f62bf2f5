"""The organisation's OIT page: every item of the edition in order, grouped
by category, each with what the public can see and its stable landing page.

Built from two Solr queries (package_search as an anonymous visitor, so only
published datasets count): the organisation's datasets of the fiscal year and
the one before (previous-year items are covered there), and the fiscal years
that have data, for the switcher.
"""
from __future__ import annotations

import datetime
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import disclosure_query, frameworks, thai_calendar
from ckanext.oit.compliance import monitor
from ckanext.oit.compliance.due import expected

FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR = 2400, 2800  # a Buddhist Era year, not a typo'd CE one


def current_fiscal_year(today: datetime.date | None = None) -> int:
    return thai_calendar.fiscal_year_of(today or thai_calendar.today())


def fiscal_years(org_id: str, fiscal_year: int) -> list[int]:
    """Years for the switcher, newest first: those the editions cover, those
    with published data, this one and the shown one; gaps filled."""
    years = {current_fiscal_year(), fiscal_year}
    for edition in frameworks.editions():
        years.update(edition.fiscal_years)
    result = disclosure_query.public(organization=org_id, rows=0, **{"facet.field": '["fiscal_year"]',
                                                                     "facet.limit": -1})
    for value in (result.get("facets") or {}).get("fiscal_year", {}):
        if str(value).isdigit() and FIRST_FISCAL_YEAR < int(value) < LAST_FISCAL_YEAR:
            years.add(int(value))
    return list(range(max(years), min(years) - 1, -1))


def _published(org_id: str, fiscal_year: int) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    result = disclosure_query.public(
        organization=org_id, fiscal_years=(fiscal_year - 1, fiscal_year), sort="metadata_modified desc",
        fl=["name", "title", "dataset_type", "metadata_modified", "extras_item_key", "extras_fiscal_year",
            "extras_period", "extras_oit_approved_at"])
    return disclosure_query.by_disclosure(result["results"])


def _item_row(organization: model.Group, fiscal_year: int, item: frameworks.Item,
              found: dict[tuple[str, str, str], list[dict[str, Any]]]) -> dict[str, Any]:
    periods = expected(item, fiscal_year)
    published = [(p, datasets) for p in periods
                 if (datasets := monitor.matches(found, item, str(p.fiscal_year), p.period))]
    latest = None
    if published:
        period, datasets = published[-1]  # periods come in calendar order
        dataset = datasets[0]             # the most recently changed
        latest = {"fiscal_year": period.fiscal_year, "period": period.period, "name": dataset["name"],
                  "type": dataset.get("dataset_type"), "title": dataset.get("title"),
                  "date": dataset.get("oit_approved_at") or dataset.get("metadata_modified")}
    return {"item": item, "expected": len(periods), "published": len(published), "latest": latest,
            "continued": monitor.continued(found, item, periods),
            "url": tk.url_for("oit_compliance.landing", org=organization.name, fiscal_year=fiscal_year,
                              item_key=item.key)}


def build(organization: model.Group, fiscal_year: int) -> dict[str, Any]:
    resolution = frameworks.resolve(fiscal_year)
    edition = resolution.edition
    found = _published(organization.id, fiscal_year)
    rows = [_item_row(organization, fiscal_year, item, found) for item in edition.items]
    groups = []
    for category in edition.categories:
        members = [r for r in rows if r["item"].category == category.code]
        if members:
            groups.append({"category": category, "rows": members})
    loose = [r for r in rows if edition.category(r["item"].category) is None]
    if loose:
        groups.append({"category": None, "rows": loose})
    return {"edition": edition, "resolution": resolution, "groups": groups, "rows": rows,
            "published": sum(1 for r in rows if r["published"]), "total": len(rows)}
