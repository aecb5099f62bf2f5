"""After an edition changes, the datasets it applies to are indexed again, so
that search and its facets show the O-codes and categories now in force."""
from __future__ import annotations

import logging
from typing import Any, Iterable

import ckan.plugins.toolkit as tk

from ckanext.oit import frameworks

log = logging.getLogger(__name__)
_PAGE = 1000


def _as_site() -> dict[str, Any]:
    # the site user (a sysadmin) sees private datasets and drafts of every organisation
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def fiscal_years_in_index() -> list[int]:
    """The fiscal years that OIT datasets (any state) are indexed under."""
    found = tk.get_action("package_search")(_as_site(), {
        "q": "*:*", "rows": 0, "facet.field": '["fiscal_year"]', "facet.limit": -1,
        "include_private": True, "include_drafts": True})
    return sorted(int(y) for y in (found.get("facets") or {}).get("fiscal_year", {}) if str(y).isdigit())


def resolutions(years: Iterable[int]) -> dict[int, Any]:
    """Fiscal year -> (edition name, its items as they index) as things stand now."""
    found = {}
    for year in years:
        edition = frameworks.edition_for(year)
        found[year] = (edition.edition, tuple((i.key, i.code, i.category) for i in edition.items))
    return found


def changed_years(before: dict[int, Any], after: dict[int, Any]) -> list[int]:
    return sorted(y for y in set(before) | set(after) if before.get(y) != after.get(y))


def reindex_fiscal_years(years: list[int]) -> int:
    """The job: index every OIT dataset of these fiscal years again; returns how many."""
    from ckan.lib import search

    done = 0
    for year in years:
        start = 0
        while True:
            page = tk.get_action("package_search")(_as_site(), {
                "fq": f'fiscal_year:"{int(year)}"', "fl": "id", "rows": _PAGE, "start": start, "sort": "id asc",
                "include_private": True, "include_drafts": True})
            ids = [d["id"] for d in page["results"]]
            if not ids:
                break
            search.rebuild(package_ids=ids, defer_commit=True, quiet=True)
            done += len(ids)
            start += _PAGE
    from ckan.lib.search import commit

    commit()
    log.info("OIT editions changed: %s datasets of fiscal years %s indexed again", done, years)
    return done


def queue_reindex(years: list[int]) -> None:
    if years:
        tk.enqueue_job(reindex_fiscal_years, [years], title=f"OIT editions: reindex fiscal years {years}")
