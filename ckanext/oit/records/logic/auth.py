"""Auth functions of the records actions."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit.messages import DATASET_NOT_FOUND
from ckanext.oit.roles import role_in_dataset


@tk.auth_allow_anonymous_access
def oit_table_schema_list(context, data_dict):
    return {"success": True}  # the table layouts are public


@tk.auth_allow_anonymous_access
def oit_table_schema_show(context, data_dict):
    return {"success": True}


@tk.auth_allow_anonymous_access
def oit_records_search(context, data_dict):
    return {"success": True}  # which datasets take part is package_search's decision


def _dataset_of(data_dict) -> model.Package | None:
    """The dataset asked about, found from the stored resource when one is named."""
    if data_dict.get("resource_id"):
        resource = model.Resource.get(str(data_dict["resource_id"]))
        return resource.package if resource is not None and resource.state == "active" else None
    return model.Package.get(str(data_dict.get("package_id") or ""))


@tk.auth_allow_anonymous_access
def oit_records_state_show(context, data_dict):
    """Whoever may see the dataset (package_show) may see its tables' state."""
    package = _dataset_of(data_dict)
    if package is None:
        return {"success": False, "msg": DATASET_NOT_FOUND.both()}
    try:  # a context of its own: nothing the caller put in it (a "package") is trusted
        tk.check_access("package_show", {"user": context.get("user")}, {"id": package.id})
        if package.state != "active":  # as package_show: a deleted dataset is its editors' only
            tk.check_access("package_update", {"user": context.get("user")}, {"id": package.id})
    except tk.NotAuthorized:
        return {"success": False, "msg": DATASET_NOT_FOUND.both()}
    return {"success": True}


def oit_records_fetch(context, data_dict):
    """The dataset's editors (its organisation's editors and admins)."""
    package = _dataset_of({"resource_id": data_dict.get("resource_id") or "-"})
    if package is None:
        return {"success": False, "msg": DATASET_NOT_FOUND.both()}
    return role_in_dataset(context, package.id, "editor")
