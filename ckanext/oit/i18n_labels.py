"""Labels CKAN builds from machine names, said in the reader's language.

CKAN names a dataset type by capitalising its machine name ("Oit-procurement"),
and lists resource fields and activity types by their keys ("Has views",
"New Package"), none of which pass through its catalogue. These helpers give
the OIT types their names from the schemas and send the rest through gettext,
where ckanext/oit/i18n has the Thai.
"""
from __future__ import annotations

from typing import Any, Callable

import ckan.plugins.toolkit as tk

from ckanext.oit.i18n_messages import language


# Rows CKAN's resource page shows on its own lines, or that are ours to show elsewhere.
_SHOWN_APART = ("created", "metadata modified", "last modified", "format")
_TRANSLATED_VALUES = ("True", "False", "active", "deleted")


def _type_labels(dataset_type: str) -> tuple[str, str] | None:
    """(singular, plural) name of an OIT dataset type in the page's language."""
    schema = tk.h.scheming_get_dataset_schema(dataset_type)
    label = (schema or {}).get("oit_label")
    if not label:
        return None
    kind = label[language()]
    return tk._("%(kind)s dataset") % {"kind": kind}, tk._("%(kind)s datasets") % {"kind": kind}


@tk.chained_helper
def humanize_entity_type(next_helper: Callable[..., Any], entity_type: str, object_type: str,
                         purpose: str) -> Any:
    text = next_helper(entity_type, object_type, purpose)
    if not text or entity_type != "package" or not (object_type or "").startswith("oit-"):
        return text
    labels = _type_labels(object_type)
    if labels is None:
        return text
    # CKAN's own label for the type, as its humanize_entity_type makes it
    ckan_label = object_type.replace("_", " ").capitalize()
    singular, plural = labels
    return text.replace(f"{ckan_label}s", plural).replace(ckan_label, singular)


def oit_resource_items(resource: dict[str, Any]) -> list[tuple[str, Any]]:
    """CKAN's extra rows of the resource table, with translated field names and values."""
    rows = []
    for key, value in tk.h.format_resource_items(list(resource.items())):
        if key in _SHOWN_APART or key.startswith("oit "):
            continue
        if isinstance(value, str) and value in _TRANSLATED_VALUES:
            value = tk._(value)
        rows.append((tk._(key.capitalize()), value))
    return rows


def oit_activity_type_label(activity_type: str) -> str:
    """"new package" -> "New Package" in English, its Thai from the catalogue."""
    return tk._(activity_type.replace("_", " ").title())
