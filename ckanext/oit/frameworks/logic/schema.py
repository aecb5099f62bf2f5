"""Input schemas of the frameworks actions."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from ckanext.oit.i18n_messages import both
from ckanext.oit.parameters import fiscal_year, one_of


def _no_nul(value):
    """PostgreSQL cannot hold a NUL: a form (not only the Action API) may send one."""
    if isinstance(value, str) and "\x00" in value:
        raise tk.Invalid(both("Contains a NUL character, which cannot be accepted"))
    return value


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


def _file_or_content(key, data, errors, context):
    if not data.get(("upload",)) and not data.get(("content",)):
        errors[("upload",)].append(both("Give the edition file (upload) or its text (content)"))


def edition_load() -> dict:
    ignore_missing = tk.get_validator("ignore_missing")
    unicode_safe = tk.get_validator("unicode_safe")
    boolean = tk.get_validator("boolean_validator")
    return {
        "upload": [ignore_missing],
        "content": [ignore_missing, unicode_safe],
        "filename": [ignore_missing, unicode_safe, _no_nul],
        "edition": [ignore_missing, unicode_safe, _no_nul],
        "confirm": [ignore_missing, boolean],
        "revision": [ignore_missing, unicode_safe],
        "comment": [ignore_missing, unicode_safe, _no_nul],
        "__after": [_file_or_content],
    }


def edition_name() -> dict:
    not_empty = tk.get_validator("not_empty")
    unicode_safe = tk.get_validator("unicode_safe")
    ignore_missing = tk.get_validator("ignore_missing")
    return {"edition": [not_empty, unicode_safe, _no_nul], "comment": [ignore_missing, unicode_safe, _no_nul]}


def edition_export() -> dict:
    schema = edition_name()
    schema["format"] = [tk.get_validator("ignore_missing"), one_of("yaml", "xlsx")]
    return schema


def fiscal_year_edition_set() -> dict:
    ignore_missing = tk.get_validator("ignore_missing")
    unicode_safe = tk.get_validator("unicode_safe")
    return {
        "fiscal_year": [tk.get_validator("not_empty"), fiscal_year],
        "edition": [ignore_missing, unicode_safe, _no_nul],     # empty: the year follows the default rule again
        "comment": [ignore_missing, unicode_safe, _no_nul],
    }
