"""Actions of the OIT framework editions: their item lists."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.oit import disclosure, frameworks
from ckanext.oit.frameworks import Edition, Item
from ckanext.oit.frameworks.logic import schema
from ckanext.oit.i18n_messages import both
from ckanext.oit.parameters import validated


def _bilingual(th: str, en: str) -> dict[str, str]:
    return {"th": th, "en": en}


def _edition_summary(edition: Edition) -> dict[str, Any]:
    return {
        "edition": edition.edition,
        "title": _bilingual(edition.title_th, edition.title_en),
        "fiscal_years": list(edition.fiscal_years),
        "confidence": edition.confidence,
        "source": edition.source,
        "item_count": len(edition.items),
        "category_count": len(edition.categories),
    }


def _item_dict(edition: Edition, item: Item) -> dict[str, Any]:
    category = edition.category(item.category)
    return {
        "code": item.code,
        "key": item.key,
        "name": _bilingual(item.name_th, item.name_en),
        "category": item.category,
        "category_name": _bilingual(category.name_th, category.name_en) if category else None,
        "dataset_type": item.dataset_type,
        "cadence": item.cadence,
        "evidence": item.evidence,
        "table": item.table,
        "note": _bilingual(item.note_th, item.note_en) if item.note_th else None,
    }


@tk.side_effect_free
def oit_framework_list(context, data_dict):
    """The OIT framework editions (item lists of the assessment cycles), oldest first."""
    tk.check_access("oit_framework_list", context, data_dict)
    return [_edition_summary(e) for e in frameworks.editions()]


@tk.side_effect_free
def oit_framework_show(context, data_dict):
    """One edition with its items.

    :param edition: the edition's name, e.g. ``2565``
    :param fiscal_year: or a fiscal year (Buddhist Era, e.g. 2569): the edition that applies to it
    """
    tk.check_access("oit_framework_show", context, data_dict)
    data = validated(data_dict, schema.framework_show(), context)
    if data.get("edition"):
        edition = frameworks.edition(data["edition"])
        if edition is None:
            raise tk.ObjectNotFound(both("There is no OIT edition %(edition)s", edition=data["edition"]))
    else:
        edition = frameworks.edition_for(data["fiscal_year"])
    result = _edition_summary(edition)
    if data.get("fiscal_year"):
        result["fiscal_year"] = data["fiscal_year"]
    result["monitoring_round_months"] = disclosure.round_months()
    result["categories"] = [
        {"code": c.code, "name": _bilingual(c.name_th, c.name_en)} for c in edition.categories
    ]
    result["items"] = [_item_dict(edition, item) for item in edition.items]
    return result
