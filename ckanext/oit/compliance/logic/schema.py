"""Input schemas of the compliance actions."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from ckanext.oit.parameters import fiscal_year, iso_date


def fiscal_year_as_of() -> dict:
    """``fiscal_year`` and ``as_of`` of the compliance actions (both optional)."""
    ignore_empty = tk.get_validator("ignore_empty")
    return {"fiscal_year": [ignore_empty, fiscal_year], "as_of": [ignore_empty, iso_date]}
