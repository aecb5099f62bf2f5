"""Auth functions of the audit actions: the trail is for the organisation's members."""
from __future__ import annotations

from ckanext.oit.roles import role_in_dataset, role_in_org


def oit_audit_list(context, data_dict):
    if data_dict.get("id"):
        return role_in_dataset(context, data_dict["id"], "member")
    return role_in_org(context, data_dict.get("organization"), "member")
