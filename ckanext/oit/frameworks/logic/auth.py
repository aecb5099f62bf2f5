"""Auth functions of the frameworks actions."""
from __future__ import annotations

import ckan.plugins.toolkit as tk


@tk.auth_allow_anonymous_access
def oit_framework_list(context, data_dict):
    return {"success": True}  # the item lists are public knowledge


@tk.auth_allow_anonymous_access
def oit_framework_show(context, data_dict):
    return {"success": True}
