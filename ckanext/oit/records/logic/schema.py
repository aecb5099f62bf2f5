"""Input schemas of the records actions."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from ckanext.oit.i18n_messages import both
from ckanext.oit.parameters import OFFSET_MAX, fiscal_year, json_object, whole_number

# A query longer than this is not a search for words.
Q_LENGTH_MAX = 1000
# The records download (/oit/records/...) asks the action for a whole year's rows.
RECORDS_LIMIT_MAX = 1_000_000


def search_words(value):
    if not isinstance(value, str) or len(value) > Q_LENGTH_MAX:
        raise tk.Invalid(both("Must be text of at most %(count)d characters", count=Q_LENGTH_MAX))
    return value


def records_search() -> dict:
    default, ignore_empty = tk.get_validator("default"), tk.get_validator("ignore_empty")
    return {
        "fiscal_year": [ignore_empty, fiscal_year],
        "q": [ignore_empty, search_words],
        "filters": [ignore_empty, json_object],
        "limit": [default(100), whole_number(0, RECORDS_LIMIT_MAX)],
        "offset": [default(0), whole_number(0, OFFSET_MAX)],
    }


def records_state_show() -> dict:
    ignore_missing, unicode_safe = tk.get_validator("ignore_missing"), tk.get_validator("unicode_safe")
    return {"resource_id": [ignore_missing, unicode_safe], "package_id": [ignore_missing, unicode_safe]}


def records_fetch() -> dict:
    return {"resource_id": [tk.get_validator("not_empty"), tk.get_validator("unicode_safe")]}
