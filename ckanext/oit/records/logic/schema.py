"""Input schemas of the records actions."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from ckanext.oit.parameters import OFFSET_MAX, fiscal_year, json_object, whole_number

# The records download (/oit/records/...) asks the action for a whole year's rows.
RECORDS_LIMIT_MAX = 1_000_000


def records_search() -> dict:
    default, ignore_empty = tk.get_validator("default"), tk.get_validator("ignore_empty")
    return {
        "fiscal_year": [ignore_empty, fiscal_year],
        "filters": [ignore_empty, json_object],
        "limit": [default(100), whole_number(0, RECORDS_LIMIT_MAX)],
        "offset": [default(0), whole_number(0, OFFSET_MAX)],
    }
