"""Input schemas of the audit actions."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from ckanext.oit.parameters import OFFSET_MAX, whole_number

AUDIT_LIMIT_MAX = 1000


def audit_list() -> dict:
    default = tk.get_validator("default")
    return {
        "limit": [default(AUDIT_LIMIT_MAX), whole_number(0, AUDIT_LIMIT_MAX)],
        "offset": [default(0), whole_number(0, OFFSET_MAX)],
    }
