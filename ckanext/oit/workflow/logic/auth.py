"""Auth functions of the workflow actions."""
from __future__ import annotations

from ckanext.oit.roles import role_in_dataset, role_in_org


def oit_submit(context, data_dict):
    return role_in_dataset(context, data_dict.get("id"), "editor")


def oit_approve(context, data_dict):
    """The director's decisions (approve, return, withdraw): organisation admins."""
    return role_in_dataset(context, data_dict.get("id"), "admin")


oit_return = oit_withdraw = oit_approve


def oit_change_request_list(context, data_dict):
    if data_dict.get("id"):
        return role_in_dataset(context, data_dict["id"], "editor")
    return role_in_org(context, data_dict.get("organization"), "editor")


def oit_change_request_show(context, data_dict):
    return role_in_dataset(context, data_dict.get("package_id"), "editor")
