"""Input schemas of the actions."""
from __future__ import annotations

import datetime
import json
import re

import ckan.plugins.toolkit as tk

from ckanext.oit import disclosure, thai_calendar
from ckanext.oit.i18n_messages import both


def _either_edition_or_fiscal_year(key, data, errors, context):
    if not data.get(("edition",)) and not data.get(("fiscal_year",)):
        errors[("edition",)].append(both("Give either edition or fiscal_year"))


def _fiscal_year(value):
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise tk.Invalid(both("The fiscal year must be a year number (BE)"))
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


# --- numbers, dates and the like in our actions' parameters ----------------------

AUDIT_LIMIT_MAX = 1000
# The records download (/oit/records/...) asks the action for a whole year's rows.
RECORDS_LIMIT_MAX = 1_000_000
# Beyond this an offset only makes PostgreSQL work for nothing (and a bigger
# number than a bigint fails there).
OFFSET_MAX = 1_000_000_000
CHANGE_REQUEST_STATUSES = ("open", "approved", "returned", "all")


def _whole_number(least: int, most: int):
    """A whole number from ``least`` to ``most``; Thai digits are read too."""
    def validator(value):
        text = thai_calendar.normalise_digits(str(value)).strip() if not isinstance(value, bool) else ""
        if not re.fullmatch(r"[+-]?[0-9]{1,19}", text) or not least <= int(text) <= most:
            raise tk.Invalid(both("Must be a whole number from %(least)d to %(most)d", least=least, most=most))
        return int(text)
    return validator


def _iso_date(value):
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise tk.Invalid(both("The date must be YYYY-MM-DD"))


def _json_object(value):
    """``{column: value}``, as a dict or as JSON text of one."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = None
    if not isinstance(value, dict):
        raise tk.Invalid(both("Must be JSON: {column: value}"))
    return value


def _one_of(*choices: str):
    def validator(value):
        if value not in choices:
            raise tk.Invalid(both("Must be one of %(choices)s", choices=", ".join(choices)))
        return value
    return validator


def audit_list() -> dict:
    default = tk.get_validator("default")
    return {
        "limit": [default(AUDIT_LIMIT_MAX), _whole_number(0, AUDIT_LIMIT_MAX)],
        "offset": [default(0), _whole_number(0, OFFSET_MAX)],
    }


def change_request_list() -> dict:
    return {"status": [tk.get_validator("default")("open"), _one_of(*CHANGE_REQUEST_STATUSES)]}


def records_search() -> dict:
    default, ignore_empty = tk.get_validator("default"), tk.get_validator("ignore_empty")
    return {
        "fiscal_year": [ignore_empty, _fiscal_year],
        "filters": [ignore_empty, _json_object],
        "limit": [default(100), _whole_number(0, RECORDS_LIMIT_MAX)],
        "offset": [default(0), _whole_number(0, OFFSET_MAX)],
    }


def fiscal_year_as_of() -> dict:
    """``fiscal_year`` and ``as_of`` of the compliance actions (both optional)."""
    ignore_empty = tk.get_validator("ignore_empty")
    return {"fiscal_year": [ignore_empty, _fiscal_year], "as_of": [ignore_empty, _iso_date]}
