"""Auth functions of the compliance actions."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from ckanext.oit.messages import SYSADMINS_ONLY
from ckanext.oit.roles import role_in_org


@tk.auth_allow_anonymous_access
def oit_compliance_show(context, data_dict):
    return {"success": True}  # outsiders see it through package_search's permissions


@tk.auth_allow_anonymous_access
def oit_itas_export(context, data_dict):
    return {"success": True}  # it shows what is published only


def oit_itas_explanation_update(context, data_dict):
    return role_in_org(context, data_dict.get("id"), "admin")


def oit_compliance_rollup(context, data_dict):
    return role_in_org(context, data_dict.get("id"), "admin")


def oit_organization_parent_set(context, data_dict):
    return {"success": False, "msg": SYSADMINS_ONLY.both()}
