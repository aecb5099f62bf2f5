"""Auth functions of the records actions."""
from __future__ import annotations

import ckan.plugins.toolkit as tk


@tk.auth_allow_anonymous_access
def oit_table_schema_list(context, data_dict):
    return {"success": True}  # the table layouts are public


@tk.auth_allow_anonymous_access
def oit_table_schema_show(context, data_dict):
    return {"success": True}


@tk.auth_allow_anonymous_access
def oit_records_search(context, data_dict):
    return {"success": True}  # which datasets take part is package_search's decision
