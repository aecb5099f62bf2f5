"""Auth functions of the workflow actions, and the role checks the audit and
compliance actions share with them."""
from __future__ import annotations

from typing import Any

from ckan import model

from ckanext.oit.i18n_messages import N_, Message
from ckanext.oit.messages import DATASET_NOT_FOUND
from ckanext.oit.workflow.states import may, role_of


def role_in_dataset(context: dict[str, Any], id_or_name: Any, needed: str) -> dict[str, Any]:
    package = model.Package.get(str(id_or_name or ""))
    if package is None:
        return {"success": False, "msg": DATASET_NOT_FOUND.both()}
    if may(role_of(context.get("user"), package), needed):
        return {"success": True}
    return {"success": False, "msg": _refusal(needed)}


def role_in_org(context: dict[str, Any], org_id: Any, needed: str) -> dict[str, Any]:
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
