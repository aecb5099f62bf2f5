"""Auth functions of ckanext-oit."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit.channels import auth as _channels
from ckanext.oit.channels.auth import *  # noqa: F401,F403  (re-exported for toolkit.blanket)
from ckanext.oit.i18n_messages import N_, Message
from ckanext.oit.messages import DATASET_NOT_FOUND, SYSADMINS_ONLY
from ckanext.oit.workflow.states import may, role_of

__all__ = [
    "oit_framework_list", "oit_framework_show",
    "oit_submit", "oit_approve", "oit_return", "oit_withdraw",
    "oit_change_request_list", "oit_change_request_show", "oit_audit_list",
    "oit_table_schema_list", "oit_table_schema_show", "oit_records_search",
    "oit_compliance_show", "oit_compliance_rollup", "oit_itas_export", "oit_itas_explanation_update",
    "oit_organization_parent_set",
]
__all__ += _channels.__all__


@tk.auth_allow_anonymous_access
def oit_framework_list(context, data_dict):
    return {"success": True}  # the item lists are public knowledge


@tk.auth_allow_anonymous_access
def oit_framework_show(context, data_dict):
    return {"success": True}


def _role_in_dataset(context: dict[str, Any], id_or_name: Any, needed: str) -> dict[str, Any]:
    package = model.Package.get(str(id_or_name or ""))
    if package is None:
        return {"success": False, "msg": DATASET_NOT_FOUND.both()}
    if may(role_of(context.get("user"), package), needed):
        return {"success": True}
    return {"success": False, "msg": _refusal(needed)}


def _role_in_org(context: dict[str, Any], org_id: Any, needed: str) -> dict[str, Any]:
    from ckan import authz
    user = context.get("user")
    org = model.Group.get(str(org_id or ""))
    if org is not None and user:
        role = "sysadmin" if authz.is_sysadmin(user) else authz.users_role_for_group_or_org(org.id, user)
        if may(role, needed):
            return {"success": True}
    return {"success": False, "msg": _refusal(needed)}


# the role an action needs -> what its refusal says
_REFUSALS = {"member": N_("Only members of the organisation may do this"),
            "editor": N_("Only the organisation's editors may do this"),
            "admin": N_("Only the director (organisation admin) may do this")}


def _refusal(needed: str) -> str:
    return Message(_REFUSALS[needed]).both()


def oit_submit(context, data_dict):
    return _role_in_dataset(context, data_dict.get("id"), "editor")


def oit_approve(context, data_dict):
    """The director's decisions (approve, return, withdraw): organisation admins."""
    return _role_in_dataset(context, data_dict.get("id"), "admin")


oit_return = oit_withdraw = oit_approve


def oit_change_request_list(context, data_dict):
    if data_dict.get("id"):
        return _role_in_dataset(context, data_dict["id"], "editor")
    return _role_in_org(context, data_dict.get("organization"), "editor")


def oit_change_request_show(context, data_dict):
    return _role_in_dataset(context, data_dict.get("package_id"), "editor")


def oit_audit_list(context, data_dict):
    if data_dict.get("id"):
        return _role_in_dataset(context, data_dict["id"], "member")
    return _role_in_org(context, data_dict.get("organization"), "member")


@tk.auth_allow_anonymous_access
def oit_table_schema_list(context, data_dict):
    return {"success": True}  # the table layouts are public


@tk.auth_allow_anonymous_access
def oit_table_schema_show(context, data_dict):
    return {"success": True}


@tk.auth_allow_anonymous_access
def oit_records_search(context, data_dict):
    return {"success": True}  # which datasets take part is package_search's decision


@tk.auth_allow_anonymous_access
def oit_compliance_show(context, data_dict):
    return {"success": True}  # outsiders see it through package_search's permissions


@tk.auth_allow_anonymous_access
def oit_itas_export(context, data_dict):
    return {"success": True}  # it shows what is published only


def oit_itas_explanation_update(context, data_dict):
    return _role_in_org(context, data_dict.get("id"), "admin")


def oit_compliance_rollup(context, data_dict):
    return _role_in_org(context, data_dict.get("id"), "admin")


def oit_organization_parent_set(context, data_dict):
    return {"success": False, "msg": SYSADMINS_ONLY.both()}
