"""Auth functions of the frameworks actions."""
from __future__ import annotations

import ckan.plugins.toolkit as tk


@tk.auth_allow_anonymous_access
def oit_framework_list(context, data_dict):
    return {"success": True}  # the item lists are public knowledge


@tk.auth_allow_anonymous_access
def oit_framework_show(context, data_dict):
    return {"success": True}


# Loading and choosing editions changes what every agency is assessed on: sysadmins
# only (CKAN lets sysadmins through before these are asked).
def oit_edition_load(context, data_dict):
    return {"success": False}


def oit_edition_reset(context, data_dict):
    return {"success": False}


def oit_fiscal_year_edition_set(context, data_dict):
    return {"success": False}


@tk.auth_allow_anonymous_access
def oit_edition_export(context, data_dict):
    return {"success": True}  # the same item lists oit_framework_show gives everyone
