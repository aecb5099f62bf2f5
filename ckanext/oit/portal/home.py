"""The home page of a portal of several agencies: the OIT categories of the
current fiscal year, the latest publications and the agencies."""
from __future__ import annotations

from typing import Any

from ckan import model

from ckanext.oit import disclosure_query, frameworks
from ckanext.oit.portal.oit_page import current_fiscal_year

LATEST = 6
AGENCIES = 60


def oit_portal_home() -> dict[str, Any]:
    """Categories with their published counts, the latest published OIT
    datasets (one package_search as the public sees it) and the agencies."""
    fiscal_year = current_fiscal_year()
    edition = frameworks.edition_for(fiscal_year)
    result = disclosure_query.public(rows=LATEST, q="*:*", sort="metadata_modified desc", **{
        "facet.field": '["oit_category", "organization"]', "facet.limit": -1})
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
            "latest": result["results"], "published": result["count"], "agencies": agencies,
            "more_agencies": len(organizations) > AGENCIES}
