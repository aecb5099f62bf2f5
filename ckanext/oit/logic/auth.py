"""Auth functions of ckanext-oit."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

__all__ = ["oit_framework_list", "oit_framework_show"]


@tk.auth_allow_anonymous_access
def oit_framework_list(context, data_dict):
    return {"success": True}  # the item lists are public knowledge


@tk.auth_allow_anonymous_access
def oit_framework_show(context, data_dict):
    return {"success": True}
