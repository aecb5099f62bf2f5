"""The home page of a portal of several agencies: the OIT categories of the
current fiscal year, the latest publications and the agencies; and the name of
the records' table view in the page's language."""
from __future__ import annotations

from typing import Any

from ckan import model

from ckanext.oit import disclosure_query, frameworks
from ckanext.oit.i18n_messages import LANGUAGES
from ckanext.oit.records import previews
from ckanext.oit.portal.oit_page import FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR, current_fiscal_year

LATEST = 6
AGENCIES = 60


def published_years(counts: dict[str, int]) -> list[int]:
    """The fiscal years that published datasets are of, oldest first: what the
    counts beside the categories cover (not the years an edition was written for)."""
    return sorted(int(year) for year, count in counts.items()
                  if count and str(year).isdigit() and FIRST_FISCAL_YEAR < int(year) < LAST_FISCAL_YEAR)


def oit_portal_home() -> dict[str, Any]:
    """Categories with their published counts, the latest published OIT
    datasets (one package_search as the public sees it) and the agencies."""
    fiscal_year = current_fiscal_year()
    edition = frameworks.edition_for(fiscal_year)
    result = disclosure_query.public(rows=LATEST, q="*:*", sort="metadata_modified desc", **{
        "facet.field": '["oit_category", "organization", "fiscal_year"]', "facet.limit": -1})
    facets = result.get("facets") or {}
    categories = [{"category": c, "count": facets.get("oit_category", {}).get(c.code, 0),
                   "item_count": sum(1 for i in edition.items if i.category == c.code)}
                  for c in edition.categories]
    organizations = (model.Session.query(model.Group)
                     .filter(model.Group.is_organization.is_(True), model.Group.state == "active")
                     .order_by(model.Group.title).limit(AGENCIES + 1).all())
    counts = facets.get("organization", {})
    agencies = [{"name": o.name, "title": o.title or o.name, "count": counts.get(o.name, 0)}
                for o in organizations[:AGENCIES]]
    return {"fiscal_year": fiscal_year, "edition": edition, "categories": categories,
            "data_years": published_years(facets.get("fiscal_year", {})),
            "latest": result["results"], "published": result["count"], "agencies": agencies,
            "more_agencies": len(organizations) > AGENCIES}


# --- the records' table view, named in the page's language ---------------------------

def _said_in_page_language(value: Any, message: Any) -> Any:
    """``message`` in the page's language if ``value`` is it said in any language (stored data)."""
    return message.say() if value in {message.say(lang) for lang in LANGUAGES} else value


def oit_views_in_page_language(views: Any) -> Any:
    """The resource's views (a list, or the one shown) with the table view that
    the records loader made named in the page's language: its title is stored
    once, in the portal's default language, and each language reads its own."""
    if isinstance(views, list):
        return [oit_views_in_page_language(view) for view in views]
    if not isinstance(views, dict) or views.get("view_type") != previews.VIEW_TYPE:
        return views
    return dict(views, title=_said_in_page_language(views.get("title"), previews.TITLE),
                description=_said_in_page_language(views.get("description"), previews.DESCRIPTION))
