"""Input schemas of the work actions."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from ckanext.oit.parameters import fiscal_year


def my_work() -> dict:
    """``fiscal_year`` (optional, BE; the current one by default)."""
    return {"fiscal_year": [tk.get_validator("ignore_empty"), fiscal_year]}
