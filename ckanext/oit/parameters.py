"""What the capabilities' actions share about their input: validators of
parameters for the navl schemas (fiscal year, whole number, date, JSON object,
choice), validation against a schema, and the dataset or organisation an action
is asked about."""
from __future__ import annotations

import datetime
import json
import re

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import disclosure, thai_calendar
from ckanext.oit.i18n_messages import Message, both
from ckanext.oit.messages import DATASET_NOT_FOUND

# Beyond this an offset only makes PostgreSQL work for nothing (and a bigger
# number than a bigint fails there).
OFFSET_MAX = 1_000_000_000


def fiscal_year(value):
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise tk.Invalid(both("The fiscal year must be a year number (BE)"))
    try:
        return disclosure.parse_fiscal_year(value)
    except disclosure.DisclosureError as error:
        raise tk.Invalid(str(error))


def whole_number(least: int, most: int):
    """A whole number from ``least`` to ``most``; Thai digits are read too."""
    def validator(value):
        text = thai_calendar.normalise_digits(str(value)).strip() if not isinstance(value, bool) else ""
        if not re.fullmatch(r"[+-]?[0-9]{1,19}", text) or not least <= int(text) <= most:
            raise tk.Invalid(both("Must be a whole number from %(least)d to %(most)d", least=least, most=most))
        return int(text)
    return validator


def iso_date(value):
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise tk.Invalid(both("The date must be YYYY-MM-DD"))


def json_object(value):
    """``{column: value}``, as a dict or as JSON text of one."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = None
    if not isinstance(value, dict):
        raise tk.Invalid(both("Must be JSON: {column: value}"))
    return value


def one_of(*choices: str):
    def validator(value):
        if value not in choices:
            raise tk.Invalid(both("Must be one of %(choices)s", choices=", ".join(choices)))
        return value
    return validator


def validated(data_dict: dict, input_schema: dict, context) -> dict:
    """The parameters ``input_schema`` knows, validated (a ValidationError naming
    the field otherwise); the other parameters are read by the action itself."""
    data, errors = tk.navl_validate(data_dict, input_schema, context)
    if errors:
        raise tk.ValidationError(errors)
    return data


_ID_OR_ORGANIZATION = Message("Give id or organization")


def package_or_404(id_or_name: str) -> model.Package:
    package = model.Package.get(str(id_or_name or ""))
    if package is None:
        raise tk.ObjectNotFound(DATASET_NOT_FOUND.both())
    return package


def organization_or_invalid(data_dict: dict) -> model.Group:
    """The ``organization`` of an action that takes a dataset ``id`` or an organisation."""
    org = model.Group.get(str(data_dict.get("organization") or ""))
    if org is None:
        raise tk.ValidationError({"id": [_ID_OR_ORGANIZATION.both()]})
    return org
