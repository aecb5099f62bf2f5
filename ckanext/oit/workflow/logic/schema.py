"""Input schemas of the workflow actions."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from ckanext.oit.parameters import one_of

CHANGE_REQUEST_STATUSES = ("open", "approved", "returned", "all")


def change_request_list() -> dict:
    return {"status": [tk.get_validator("default")("open"), one_of(*CHANGE_REQUEST_STATUSES)]}
