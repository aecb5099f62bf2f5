"""Dataset search: Thai query fields, OIT fields in the index, facets.

The Solr schema (config/solr/make_schema.py) copies titles, descriptions, tags
and text extras into ``title_th``/``text_th`` (Thai words) and
``title_bg``/``text_bg`` (character bigrams, for words inside compounds); CKAN
queries ``name title tags groups text`` with dismax unless told otherwise, so
the query fields and parser come from ``ckanext.oit.search.*``. The OIT fields are
indexed as plain strings (CKAN's ``*`` dynamic field) so that they facet.
"""
from __future__ import annotations

from typing import Any, Callable

import ckan.plugins.toolkit as tk

from ckanext.oit import dataset_types, disclosure, frameworks, helpers
from ckanext.oit.i18n_messages import N_, Message

# facet field → title (a msgid), in the order the search page shows them
FACETS = {
    "oit_category": N_("OIT category"),
    "item_key": N_("OIT item"),
    "fiscal_year": N_("Fiscal year"),
    "organization": N_("Agency"),
    "res_format": N_("Format"),
    "tags": N_("Tags"),
    "license_id": N_("Licence"),
}
UNUSED_FACETS = ("groups",)  # OIT disclosures are not put in CKAN groups


def query_params(option: Callable[[str], Any]) -> dict[str, str]:
    """The Solr parameters of a Thai dataset search, from the config options
    (bench/search_quality.py measures the same)."""
    return {
        "qf": option("ckanext.oit.search.qf"),
        "defType": option("ckanext.oit.search.deftype"),
    }


def with_thai_query_fields(search_params: dict[str, Any]) -> dict[str, Any]:
    # A caller that names its own query fields or parser keeps them.
    for key, value in query_params(tk.config.get).items():
        if value and not search_params.get(key):
            search_params[key] = value
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
    if not key or not fiscal_year or not dataset_types.is_oit_type(pkg_dict.get("type")):
        return pkg_dict
    try:
        # a key the year's edition merged is indexed as the item that continues it
        item = frameworks.counting_item(str(key), int(fiscal_year)) or disclosure.resolve_item(
            str(key), pkg_dict["type"], int(fiscal_year))
    except (ValueError, disclosure.DisclosureError, frameworks.FrameworkError):
        return pkg_dict
    pkg_dict["oit_code"] = item.code
    pkg_dict["oit_edition"] = item.edition
    if item.category:
        pkg_dict["oit_category"] = item.category
    return pkg_dict


def add_facets(facets_dict: dict[str, Any]) -> dict[str, Any]:
    """Ours first, in order, with titles in the page's language; other
    plugins' facets after them."""
    ours = {field: tk._(title) for field, title in FACETS.items()}
    rest = {k: v for k, v in facets_dict.items() if k not in ours and k not in UNUSED_FACETS}
    return {**ours, **rest}


def _licence_label(value: str) -> str | None:
    preset = tk.h.scheming_get_preset("oit_gd_license") or {}
    for choice in preset.get("choices") or []:
        if choice.get("value") == value and isinstance(choice.get("label"), dict):
            return helpers.oit_lang_text(choice["label"]["th"], choice["label"]["en"])
    return None


def _display_name(field: str, value: str) -> str | None:
    """The label of a facet value, or None to keep CKAN's (organisation titles)."""
    if field == "item_key":
        item = frameworks.any_item(value)
        return helpers.oit_lang_text(item.name_th, item.name_en) if item else value
    if field == "fiscal_year":
        # also said by the API (package_search): in the portal's language when there is no page
        return Message("FY %(year)s", year=value).say()
    if field == "oit_category":
        for edition in reversed(frameworks.editions()):
            category = edition.category(value)
            if category:
                # a no-break space: CKAN's facet list cuts labels at the last space
                return f"{value}\u00a0{helpers.oit_lang_text(category.name_th, category.name_en)}"
        return value
    if field == "license_id":
        return _licence_label(value)
    if field == "res_format":
        return value.upper()
    return None


def with_facet_labels(search_results: dict[str, Any]) -> dict[str, Any]:
    for field, facet in (search_results.get("search_facets") or {}).items():
        if field in FACETS:
            for item in facet.get("items", []):
                label = _display_name(field, item["name"])
                if label:
                    item["display_name"] = label
    return search_results


def without_unknown_types(search_results: dict[str, Any]) -> dict[str, Any]:
    """Leave out a dataset of a type no schema describes (one that got in past the
    actions): pages cannot link it, and one bad dataset must not break a page."""
    from ckanext.oit import dataset_types

    known = set(dataset_types.registered())
    results = search_results.get("results") or []
    # a search with ``fl`` may carry dataset_type only, or neither
    kept = [r for r in results if not isinstance(r, dict)
            or r.get("type", r.get("dataset_type")) in known | {None}]
    if len(kept) != len(results):
        search_results["count"] = max(0, search_results.get("count", 0) - (len(results) - len(kept)))
        search_results["results"] = kept
    return search_results
