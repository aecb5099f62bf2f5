"""Input schemas of the actions."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from ckanext.oit import disclosure


def _either_edition_or_fiscal_year(key, data, errors, context):
    if not data.get(("edition",)) and not data.get(("fiscal_year",)):
        errors[("edition",)].append(
            "ระบุ edition หรือ fiscal_year อย่างใดอย่างหนึ่ง / Give either edition or fiscal_year")


def _fiscal_year(value):
    try:
        return disclosure.parse_fiscal_year(value)
    except disclosure.DisclosureError as error:
        raise tk.Invalid(str(error))


def framework_show() -> dict:
    ignore_missing = tk.get_validator("ignore_missing")
    unicode_safe = tk.get_validator("unicode_safe")
    return {
        "edition": [ignore_missing, unicode_safe],
        "fiscal_year": [ignore_missing, _fiscal_year],
        "__after": [_either_edition_or_fiscal_year],
    }
