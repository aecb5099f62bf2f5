"""The one query for "the OIT datasets of these organisations, fiscal years and items".

The compliance monitor, the landing pages, the OIT page, the home page, the records search
and the staff's work lists all ask Solr this; the filter and the index fields it uses
(search.py writes them) are here only. It runs through package_search, so the caller's
permissions decide what is found; `public()` asks as a visitor who is not logged in.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable

import ckan.plugins.toolkit as tk

from ckanext.oit import dataset_types

MAX_DATASETS = 5000
# index fields of the OIT metadata, as search.py indexes them (and as `fl` names them)
FISCAL_YEAR, ITEM_KEY, PERIOD, STATUS = "fiscal_year", "item_key", "period", "oit_status"
WHOLE_YEAR = "year"  # the period of an item disclosed once a year


def _quoted(value: Any) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _any_of(field: str, values: Iterable[Any]) -> str:
    return f"{field}:(" + " OR ".join(_quoted(v) for v in values) + ")"


def filter_query(organization: str | Iterable[str] | None = None, fiscal_years: Iterable[int] = (),
                 item_keys: Iterable[str] = (), period: str | None = None, status: str | None = None) -> str:
    """Solr `fq` for OIT datasets; each argument left out matches all.

    `organization` is an organisation's id, or several; `status` a workflow state.
    """
    parts = [f"dataset_type:{dataset_types.TYPE_PREFIX}*"]
    if isinstance(organization, str):
        parts.append(f"owner_org:{_quoted(organization)}")
    elif organization is not None:
        parts.append(_any_of("owner_org", organization))
    if fiscal_years := list(fiscal_years):
        parts.append(_any_of(FISCAL_YEAR, fiscal_years))
    if item_keys := list(item_keys):
        parts.append(_any_of(ITEM_KEY, item_keys))
    if period:
        parts.append(f"{PERIOD}:{_quoted(period)}")
    if status:
        parts.append(f"{STATUS}:{_quoted(status)}")
    return " AND ".join(parts)


def search(context: dict[str, Any], *, organization: str | Iterable[str] | None = None,
           fiscal_years: Iterable[int] = (), item_keys: Iterable[str] = (), period: str | None = None,
           status: str | None = None, rows: int = MAX_DATASETS, **options: Any) -> dict[str, Any]:
    """package_search for OIT datasets as the caller in `context` may see them.

    `options` go to package_search as they are (sort, fl, facet.field, include_private, q).
    """
    if {"fq", "fq_list"} & set(options):
        raise ValueError("disclosure_query.search builds the filter itself")
    data_dict = {"fq": filter_query(organization, fiscal_years, item_keys, period, status), "rows": rows, **options}
    return tk.get_action("package_search")(dict(context), data_dict)


def public(**arguments: Any) -> dict[str, Any]:
    """`search` as the public sees it, whoever is looking (public pages)."""
    return search({"user": "", "ignore_auth": False}, **arguments)


def disclosure_key(dataset: dict[str, Any]) -> tuple[Any, str, str]:
    """(item key, fiscal year, period) of a found dataset: what it discloses."""
    return dataset.get(ITEM_KEY), str(dataset.get(FISCAL_YEAR)), dataset.get(PERIOD) or WHOLE_YEAR


def by_disclosure(datasets: Iterable[dict[str, Any]]) -> dict[tuple[Any, str, str], list[dict[str, Any]]]:
    """Found datasets grouped by `disclosure_key`, in the order found."""
    found: dict[tuple[Any, str, str], list[dict[str, Any]]] = defaultdict(list)
    for dataset in datasets:
        found[disclosure_key(dataset)].append(dataset)
    return found
