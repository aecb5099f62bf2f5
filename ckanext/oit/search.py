"""Dataset search: Thai query fields, OIT fields in the index, facets.

The Solr schema (config/solr/make_schema.py) copies titles, descriptions, tags
and text extras into ``title_th``/``text_th``, tokenised with Solr's Thai
tokenizer; CKAN queries ``name title tags groups text`` unless told otherwise,
so the query fields come from ``ckanext.oit.search.qf``. The OIT fields are
indexed as plain strings (CKAN's ``*`` dynamic field) so that they facet.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.oit import disclosure, frameworks, helpers

# facet field → (Thai title, English title)
FACETS = {
    "oit_category": ("หมวดข้อมูล OIT", "OIT category"),
    "item_key": ("รายการ OIT", "OIT item"),
    "fiscal_year": ("ปีงบประมาณ", "Fiscal year"),
}


def with_thai_query_fields(search_params: dict[str, Any]) -> dict[str, Any]:
    # A caller that names its own query fields keeps them.
    if not search_params.get("qf"):
        search_params["qf"] = tk.config.get("ckanext.oit.search.qf")
    return search_params


def _field(pkg_dict: dict[str, Any], name: str) -> Any:
    if pkg_dict.get(name):
        return pkg_dict[name]
    for extra in pkg_dict.get("extras") or []:
        if extra.get("key") == name:
            return extra.get("value")
    return None


def with_oit_fields(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """Add the O-code, category and edition that apply to the dataset's fiscal year."""
    key, fiscal_year = _field(pkg_dict, "item_key"), _field(pkg_dict, "fiscal_year")
    if not key or not fiscal_year or not str(pkg_dict.get("type", "")).startswith("oit-"):
        return pkg_dict
    try:
        item = disclosure.resolve_item(str(key), pkg_dict["type"], int(fiscal_year))
    except (ValueError, disclosure.DisclosureError, frameworks.FrameworkError):
        return pkg_dict
    pkg_dict["oit_code"] = item.code
    pkg_dict["oit_edition"] = item.edition
    if item.category:
        pkg_dict["oit_category"] = item.category
    return pkg_dict


def add_facets(facets_dict: dict[str, Any]) -> dict[str, Any]:
    for field, (th, en) in FACETS.items():
        facets_dict[field] = helpers.oit_lang_text(th, en)
    return facets_dict


def _display_name(field: str, value: str) -> str:
    if field == "item_key":
        item = frameworks.any_item(value)
        return helpers.oit_lang_text(item.name_th, item.name_en) if item else value
    if field == "fiscal_year":
        return helpers.oit_lang_text(f"พ.ศ. {value}", f"FY {value}")
    if field == "oit_category":
        for edition in reversed(frameworks.editions()):
            category = edition.category(value)
            if category:
                return f"{value} {helpers.oit_lang_text(category.name_th, category.name_en)}"
    return value


def with_facet_labels(search_results: dict[str, Any]) -> dict[str, Any]:
    for field, facet in (search_results.get("search_facets") or {}).items():
        if field in FACETS:
            for item in facet.get("items", []):
                item["display_name"] = _display_name(field, item["name"])
    return search_results
