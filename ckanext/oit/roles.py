"""A user's role in an organisation, as CKAN's authz knows it, and the checks the
capabilities' auth functions share (workflow, audit, compliance, channels)."""
from __future__ import annotations

from typing import Any

from ckan import authz, model

from ckanext.oit.i18n_messages import N_, Message
from ckanext.oit.messages import DATASET_NOT_FOUND

_ORDER = {"member": 1, "editor": 2, "admin": 3, "sysadmin": 4}
# the role an action needs -> what its refusal says
_REFUSALS = {"member": N_("Only members of the organisation may do this"),
             "editor": N_("Only the organisation's editors may do this"),
             "admin": N_("Only the director (organisation admin) may do this")}


def role_of(user_name: str | None, package: model.Package) -> str | None:
    """'sysadmin', 'admin', 'editor', 'member' or None, in the dataset's organisation."""
    if not user_name:
        return None
    if authz.is_sysadmin(user_name):
        return "sysadmin"
    if not package.owner_org:
        return None
    return authz.users_role_for_group_or_org(package.owner_org, user_name)


def may(role: str | None, needed: str) -> bool:
    return _ORDER.get(role or "", 0) >= _ORDER[needed]


def refusal(needed: str) -> str:
    return Message(_REFUSALS[needed]).both()


def role_in_dataset(context: dict[str, Any], id_or_name: Any, needed: str) -> dict[str, Any]:
    package = model.Package.get(str(id_or_name or ""))
    if package is None:
        return {"success": False, "msg": DATASET_NOT_FOUND.both()}
    if may(role_of(context.get("user"), package), needed):
        return {"success": True}
    return {"success": False, "msg": refusal(needed)}


def role_in_org(context: dict[str, Any], org_id: Any, needed: str) -> dict[str, Any]:
    user = context.get("user")
    org = model.Group.get(str(org_id or ""))
    if org is not None and user:
        role = "sysadmin" if authz.is_sysadmin(user) else authz.users_role_for_group_or_org(org.id, user)
        if may(role, needed):
            return {"success": True}
    return {"success": False, "msg": refusal(needed)}
