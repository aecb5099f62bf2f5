"""Input schemas of the frameworks actions."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from ckanext.oit.i18n_messages import both
from ckanext.oit.parameters import fiscal_year


def _either_edition_or_fiscal_year(key, data, errors, context):
    if not data.get(("edition",)) and not data.get(("fiscal_year",)):
        errors[("edition",)].append(both("Give either edition or fiscal_year"))


def framework_show() -> dict:
    ignore_missing = tk.get_validator("ignore_missing")
    unicode_safe = tk.get_validator("unicode_safe")
    return {
        "edition": [ignore_missing, unicode_safe],
        "fiscal_year": [ignore_missing, fiscal_year],
        "__after": [_either_edition_or_fiscal_year],
    }
