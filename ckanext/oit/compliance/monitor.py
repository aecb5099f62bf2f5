"""The status of every expected disclosure of an organisation, from one Solr
query (package_search, so the caller's permissions apply)."""
from __future__ import annotations

import datetime
import re
from typing import Any

from ckanext.oit import disclosure_query, frameworks
from ckanext.oit.compliance.due import Expected, expected
from ckanext.oit.i18n_messages import N_

PUBLISHED, PENDING, RETURNED, MISSING, OVERDUE, NOT_YET_DUE = (
    "published", "pending", "returned", "missing", "overdue", "not_yet_due")
# what each status is called on the pages (beside its colour, never instead of it)
STATUS_LABELS = {PUBLISHED: N_("Published"), PENDING: N_("Awaiting approval"), RETURNED: N_("Returned"),
                 MISSING: N_("Missing"), OVERDUE: N_("Overdue"), NOT_YET_DUE: N_("Not yet due")}
# an item's status is its first of these among its periods (the worst), else not yet due
ITEM_STATUS_ORDER = (OVERDUE, RETURNED, MISSING, PENDING, PUBLISHED)


def natural_key(code: Any) -> tuple:
    """Item and category codes in the order people count them: O9 before O10, 9.5 before 10.1."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.lower())
                 for part in re.findall(r"\d+|\D+", str(code or "")))


def item_status(item: dict[str, Any]) -> str:
    statuses = {p["status"] for p in item["periods"]}
    return next((s for s in ITEM_STATUS_ORDER if s in statuses), NOT_YET_DUE)


def _datasets(context: dict[str, Any], org_id: str, fiscal_years: list[int]) -> list[dict[str, Any]]:
    return disclosure_query.search(
        context, organization=org_id, fiscal_years=fiscal_years, include_private=True,
        fl=["id", "name", "title", "dataset_type", "extras_item_key", "extras_fiscal_year", "extras_period",
            "extras_oit_status"])["results"]


def _status(found: list[dict[str, Any]], wanted: Expected, as_of: datetime.date) -> str:
    states = {d.get("oit_status") for d in found}
    for state in (PUBLISHED, PENDING, RETURNED):
        if state in states:
            return state
    if as_of > wanted.due:
        return OVERDUE
    if as_of > wanted.ends:
        return MISSING
    return NOT_YET_DUE


def matches(found: dict, item: Any, fiscal_year: str, period: str) -> list[dict[str, Any]]:
    """The datasets of a period under the item's key or a key it continues (its own first)."""
    return [d for key in item.counted_keys for d in found.get((key, fiscal_year, period), [])]


def continued(found: dict, item: Any, wanted: list[Expected]) -> list[dict[str, Any]]:
    """Datasets under keys the item continues that answer none of its periods (a
    2567 procurement plan beside the 2568 monthly list): shown with the item."""
    periods = {(str(w.fiscal_year), w.period) for w in wanted}
    years = {str(w.fiscal_year) for w in wanted}
    return [_listed(d) for (key, year, period), datasets in found.items()
            if key in item.continues and year in years and (year, period) not in periods for d in datasets]


def last_year(found: dict, item: Any, fiscal_year: int) -> list[dict[str, Any]]:
    """The previous fiscal year's datasets under the item's keys, for an item that
    wants this year's (what the agency renews or replaces under the new list)."""
    if item.cadence == "previous-year":
        return []
    before = str(fiscal_year - 1)
    return [_listed(d) for (key, year, _), datasets in found.items()
            if key in item.counted_keys and year == before for d in datasets]


def show(context: dict[str, Any], org: dict[str, Any], fiscal_year: int,
         as_of: datetime.date) -> dict[str, Any]:
    resolution = frameworks.resolve(fiscal_year)
    edition = resolution.edition
    found = disclosure_query.by_disclosure(_datasets(context, org["id"], [fiscal_year - 1, fiscal_year]))
    items, due_count, published_count = [], 0, 0
    for item in edition.items:
        periods = []
        wanted_periods = expected(item, fiscal_year)
        for wanted in wanted_periods:
            hits = matches(found, item, str(wanted.fiscal_year), wanted.period)
            status = _status(hits, wanted, as_of)
            if as_of > wanted.due or status == PUBLISHED:
                due_count += 1
                published_count += status == PUBLISHED
            periods.append({
                "fiscal_year": wanted.fiscal_year, "period": wanted.period, "due": wanted.due.isoformat(),
                "status": status,
                "datasets": [_listed(d) for d in hits if d.get("oit_status") == PUBLISHED or status != PUBLISHED],
            })
        items.append({"code": item.code, "key": item.key, "name": {"th": item.name_th, "en": item.name_en},
                      "category": item.category, "cadence": item.cadence, "placeholder": item.placeholder,
                      "confidence": item.confidence, "continues": list(item.continues), "periods": periods,
                      "continued": continued(found, item, wanted_periods),
                      "last_year": last_year(found, item, fiscal_year)})
    return {"organization": org["name"], "fiscal_year": fiscal_year, "as_of": as_of.isoformat(),
            "edition": edition.edition, "provisional": resolution.provisional,
            "due": due_count, "published": published_count,
            "score": round(published_count / due_count, 4) if due_count else None, "items": items}


def _listed(dataset: dict[str, Any]) -> dict[str, Any]:
    return {"name": dataset["name"], "title": dataset.get("title"), "type": dataset.get("dataset_type") or dataset.get("type"),
            "status": dataset.get("oit_status"), "item_key": dataset.get("item_key"),
            "fiscal_year": dataset.get("fiscal_year"), "period": dataset.get("period")}
