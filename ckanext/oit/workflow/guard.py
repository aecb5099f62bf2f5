"""Chained actions that hold every write path to the workflow's rules.

Auth functions alone would not do: sysadmins skip them, and a permitted
editor's update of a published dataset must become a change request rather
than a change. Each guard lets the workflow's own calls (context flag
``oit_workflow``) and non-OIT datasets through untouched.
"""
from __future__ import annotations

from typing import Any, Callable

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import audit, compat, dataset_types, notifications, transaction
from ckanext.oit.i18n_messages import N_, both
from ckanext.oit.workflow import change_requests
from ckanext.oit.roles import role_of
from ckanext.oit.workflow.states import (
    DELETABLE, PENDING, PUBLISHED, is_oit, status_of,
)

Action = Callable[[dict, dict], Any]
SKIP_DIFF = change_requests.NOISE | {"metadata_created"}


def _deny(message: str):
    raise tk.NotAuthorized(message)


def _passes(context: dict[str, Any], package: model.Package | None) -> bool:
    return package is None or not is_oit(package) or bool(context.get("oit_workflow"))


def _snapshot(package_id: str) -> dict[str, Any]:
    return tk.get_action("package_show")({"ignore_auth": True, "use_cache": False}, {"id": package_id})


def _diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> tuple[dict, dict]:
    before, after = before or {}, after or {}
    keys = {k for k in set(before) | set(after) if k not in SKIP_DIFF}
    changed = sorted(k for k in keys if before.get(k) != after.get(k))
    return {k: before.get(k) for k in changed}, {k: after.get(k) for k in changed}


def _record(action: str, context: dict[str, Any], package: model.Package, before: Any, after: Any,
            from_state: str | None = None, to_state: str | None = None) -> None:
    user = model.User.get(context.get("user") or "")
    old, new = _diff(before, after) if isinstance(before, dict) or isinstance(after, dict) else (before, after)
    audit.record(action=action, package_id=package.id, owner_org=package.owner_org,
                 actor_id=user.id if user else None, actor_name=user.name if user else context.get("user"),
                 from_state=from_state, to_state=to_state, before=old, after=new)


def _record_operation(action: str, context: dict[str, Any], package: model.Package,
                      details: dict[str, Any]) -> None:
    """An event for a write that is not a before/after of the dataset (a view, table rows)."""
    user = model.User.get(context.get("user") or "")
    audit.record(action=action, package_id=package.id, owner_org=package.owner_org,
                 actor_id=user.id if user else None, actor_name=user.name if user else context.get("user"),
                 from_state=status_of(package), to_state=status_of(package), after=details)


def _not_while_pending(context: dict[str, Any], package: model.Package) -> None:
    """What the director is looking at stays as it is until the decision, for everyone."""
    if status_of(package) == PENDING:
        _deny(both("This dataset awaits approval; it cannot change until the director approves or returns it"))


def _as_change_request(context: dict[str, Any], package: model.Package) -> bool:
    """A published dataset changes by change request, except in a sysadmin's hands."""
    return status_of(package) == PUBLISHED and role_of(context.get("user"), package) != "sysadmin"


def propose_change(context: dict[str, Any], package: model.Package, action: str,
                   data_dict: dict[str, Any]):
    """Hold the change in the dataset's change request; tell the director once."""
    request = change_requests.propose(context, package, action, data_dict)
    _record("change_request", context, package, None, {"operation": action})
    transaction.commit(context)
    if len(request.ops()) == 1:
        user = model.User.get(context.get("user") or "")
        submitter = {"id": user.id, "name": user.name, "fullname": user.fullname, "email": user.email}
        notifications.notify_submitted(_snapshot(package.id), submitter, change_request=True)
    return request


def _changed(action: str, original: Action, context: dict[str, Any], data_dict: dict[str, Any],
             package: model.Package) -> Any:
    """Run a permitted change, then record it (and returned → draft) in its commit."""
    before = _snapshot(package.id)
    from_state = status_of(package)
    context["oit_inner"] = True  # the package_update it calls is part of this change
    try:
        result = original(context, data_dict)
    finally:
        context.pop("oit_inner", None)
    after = _snapshot(package.id)
    _record(action, context, package, before, after, from_state, after.get("oit_status"))
    transaction.commit(context)
    return result


# --- datasets -------------------------------------------------------------

def _registered_type(kind: Any) -> str:
    """The dataset type, if it is one of the portal's schemas; refused otherwise
    (CKAN's generic ``dataset`` type is not offered: it has no workflow fields)."""
    known = dataset_types.registered()
    if not isinstance(kind, str) or kind not in known:
        raise tk.ValidationError({"type": [
            both("The dataset type must be one of %(types)s", types=", ".join(known))]})
    return kind


def _no_forged_workflow_fields(context: dict[str, Any], data_dict: dict[str, Any]) -> None:
    """Workflow fields come from the workflow only. As fields, the schema's
    validator keeps the stored value; as extras they would bypass it."""
    if context.get("oit_workflow"):
        return
    for extra in data_dict.get("extras") or []:
        key = extra.get("key") if isinstance(extra, dict) else None
        if isinstance(key, str) and key.strip().startswith("oit_"):
            raise tk.ValidationError({"extras": [
                both("The field %(field)s cannot be set through extras", field=key)]})


REFUSED_STATE = N_("Only the approval workflow decides whether a dataset is public; it cannot go back to the draft state")
# CKAN's add-data stages: a new dataset is a draft until its form is finished
CREATED_STATES = (None, "", "draft", model.State.ACTIVE)


def _state_stays(package: model.Package, data_dict: dict[str, Any]) -> None:
    """CKAN stores whatever state it is given, and any but active hides a dataset
    whatever the director approved (CKAN 2.12's "Unpublish" sends draft). Outside the
    workflow a state changes only from the add-data draft to active; deleting is
    package_delete's."""
    state = data_dict.get("state")
    if state in (None, "", package.state):
        return
    if package.state == "draft" and state == model.State.ACTIVE:
        return
    raise tk.ValidationError({"state": [both(REFUSED_STATE)]})


@tk.chained_action
def package_create(original: Action, context, data_dict):
    if not context.get("oit_workflow"):
        _registered_type(data_dict.get("type") or "dataset")
        _no_forged_workflow_fields(context, data_dict)
        if data_dict.get("state") not in CREATED_STATES:
            raise tk.ValidationError({"state": [both(REFUSED_STATE)]})
    result = original(context, data_dict)
    if is_oit(result) and not context.get("oit_workflow"):
        package = model.Package.get(result["id"])
        _record("create", context, package, None, result, None, status_of(package))
        transaction.commit(context)
    return result


@tk.chained_action
def package_update(original: Action, context, data_dict):
    package = model.Package.get(str(data_dict.get("id") or data_dict.get("name") or ""))
    if _passes(context, package) or context.get("oit_inner"):
        return original(context, data_dict)
    # the edit form sends the name as id; validation compares ids
    data_dict = dict(data_dict, id=package.id)
    tk.check_access("package_update", context, data_dict)
    if data_dict.get("type") not in (None, package.type):
        _deny(both("The type of a dataset cannot change"))
    _registered_type(package.type)
    _no_forged_workflow_fields(context, data_dict)
    _state_stays(package, data_dict)
    if _as_change_request(context, package):
        context["package"] = package
        change_requests.validate_package(dict(context), dict(data_dict))
        request = propose_change(context, package, "package_update", data_dict)
        return dict(_snapshot(package.id), oit_change_request=change_requests.summary(request))
    _not_while_pending(context, package)
    return _changed("update", original, context, data_dict, package)


@tk.chained_action
def package_delete(original: Action, context, data_dict):
    package = model.Package.get(str(data_dict.get("id") or ""))
    if _passes(context, package):
        return original(context, data_dict)
    tk.check_access("package_delete", context, data_dict)
    _not_while_pending(context, package)
    if status_of(package) not in DELETABLE and role_of(context.get("user"), package) != "sysadmin":
        _deny(both("Only drafts and returned datasets can be deleted; withdraw a published one instead"))
    return _changed("delete", original, context, data_dict, package)


@tk.chained_action
def package_owner_org_update(original: Action, context, data_dict):
    package = model.Package.get(str(data_dict.get("id") or ""))
    target = model.Group.get(str(data_dict.get("organization_id") or ""))
    moves = package is not None and (target.id if target else None) != package.owner_org
    if not moves or _passes(context, package):
        return original(context, data_dict)
    _not_while_pending(context, package)
    if status_of(package) not in DELETABLE and role_of(context.get("user"), package) != "sysadmin":
        _deny(both("Only drafts can move to another organisation"))
    tk.check_access("package_owner_org_update", context, data_dict)
    before = package.owner_org
    result = original(context, data_dict)
    _record("owner_org_update", context, model.Package.get(package.id), {"owner_org": before},
            {"owner_org": target.id if target else None})
    transaction.commit(context)
    return result


def _bulk(name: str) -> Action:
    def guard(original: Action, context, data_dict):
        ids = data_dict.get("datasets") or []
        packages = [p for p in (model.Package.get(i) for i in ids) if p is not None and is_oit(p)]
        if packages and not context.get("oit_workflow"):
            if name != "bulk_update_delete" or any(status_of(p) not in DELETABLE for p in packages):
                _deny(both("The visibility of OIT datasets changes only through the approval workflow"))
            tk.check_access(name, context, data_dict)
            if compat.CKAN_2_12:
                return _bulk_delete_each(original, context, data_dict, packages)
            for package in packages:
                _record_operation("delete", context, package, {"bulk": name})
        return original(context, data_dict)
    guard.__name__ = name
    return tk.chained_action(guard)


def _bulk_delete_each(original: Action, context, data_dict, packages: list[model.Package]) -> Any:
    """CKAN 2.12 deletes in bulk by patching each dataset's state, which only the workflow
    may change: the organisation's OIT datasets go through package_delete instead (its
    rules and its audit event), the others through CKAN's bulk action."""
    org_id = data_dict.get("org_id")
    ours = {p.id for p in packages}
    for package in packages:
        if package.owner_org == org_id:  # as CKAN's bulk action: only the organisation's own
            tk.get_action("package_delete")({"user": context.get("user")}, {"id": package.id})
    others = [i for i in data_dict.get("datasets") or []
              if (found := model.Package.get(i)) is None or found.id not in ours]
    return original(context, dict(data_dict, datasets=others)) if others else None


bulk_update_public = _bulk("bulk_update_public")
bulk_update_private = _bulk("bulk_update_private")
bulk_update_delete = _bulk("bulk_update_delete")


# --- resources ------------------------------------------------------------

def _not_moved(stored: Any, given: Any, kind: type, message: str) -> None:
    """An id (or a dataset's name) the caller sends beside the object must be
    its stored parent."""
    if given in (None, ""):
        return
    parent = kind.get(str(given))
    if parent is None or parent.id != stored:
        _deny(message)


def _resource_package(action: str, data_dict: dict[str, Any]) -> model.Package | None:
    """The dataset of the resource as stored; only a new resource takes the caller's."""
    if action == "resource_create":
        return model.Package.get(str(data_dict.get("package_id") or ""))
    resource = model.Resource.get(str(data_dict.get("id") or ""))
    if resource is None:
        return None
    _not_moved(resource.package_id, data_dict.get("package_id"), model.Package,
               both("This resource belongs to another dataset; it cannot move"))
    return resource.package


def _resource_guard(action: str) -> Action:
    def guard(original: Action, context, data_dict):
        package = _resource_package(action, data_dict)
        if _passes(context, package) or context.get("oit_inner"):
            return original(context, data_dict)
        tk.check_access(action, context, data_dict)
        if _as_change_request(context, package):
            request = propose_change(context, package, action, data_dict)
            if action == "resource_delete":
                return None
            shown = {k: v for k, v in data_dict.items() if k not in ("upload", "clear_upload")}
            return dict(shown, oit_change_request=change_requests.summary(request))
        _not_while_pending(context, package)
        return _changed(action, original, context, data_dict, package)
    guard.__name__ = action
    return tk.chained_action(guard)


resource_create = _resource_guard("resource_create")
resource_update = _resource_guard("resource_update")
resource_delete = _resource_guard("resource_delete")


def view_package(data_dict: dict[str, Any]) -> model.Package | None:
    """The dataset of a view's resource, as stored. A new view takes the
    caller's resource; an existing view keeps its own (it never moves)."""
    resource_id = data_dict.get("resource_id")
    view = model.ResourceView.get(str(data_dict.get("id") or "")) if data_dict.get("id") else None
    if view is not None:
        _not_moved(view.resource_id, resource_id, model.Resource,
                   both("This view belongs to another resource; it cannot move"))
        resource_id = view.resource_id
    elif data_dict.get("order") and not resource_id:
        first = model.ResourceView.get(str(data_dict["order"][0]))
        resource_id = first.resource_id if first is not None else None
    resource = model.Resource.get(str(resource_id or ""))
    return resource.package if resource is not None else None


def _views_of_resource(data_dict: dict[str, Any]) -> None:
    """A reorder names only views of the one resource."""
    resource_id = data_dict.get("id")
    for view_id in data_dict.get("order") or []:
        view = model.ResourceView.get(str(view_id))
        if view is None or view.resource_id != resource_id:
            _deny(both("Only the views of this resource can be reordered"))


def _view_guard(action: str) -> Action:
    """Views of a published dataset are its public face: the director's to change;
    a pending dataset's stay as the director saw them."""
    def guard(original: Action, context, data_dict):
        if context.get("oit_workflow") or context.get("oit_inner"):
            return original(context, data_dict)
        if action in DEFAULT_VIEWS and context.get("ignore_auth"):
            return original(context, data_dict)  # CKAN's own, part of a resource write already guarded
        if action == "resource_view_reorder":
            _views_of_resource(data_dict)
            package = model.Resource.get(str(data_dict.get("id") or ""))
            package = package.package if package is not None else None
        elif action == "resource_create_default_resource_views":
            resource = data_dict.get("resource") or {}
            package = model.Resource.get(str(resource.get("id") or ""))
            package = package.package if package is not None else None
        elif action == "package_create_default_resource_views":
            package = model.Package.get(str((data_dict.get("package") or {}).get("id") or ""))
        else:
            package = view_package(data_dict)
        if package is None or not is_oit(package):
            return original(context, data_dict)
        _not_while_pending(context, package)
        if status_of(package) == PUBLISHED and role_of(context.get("user"), package) not in ("admin", "sysadmin"):
            _deny(both("Only the director changes the views of a published dataset"))
        details = _plain(data_dict)
        result = original(context, data_dict)
        _record_operation(action, context, package, details)
        transaction.commit(context)
        return result
    guard.__name__ = action
    return tk.chained_action(guard)


def _plain(data_dict: dict[str, Any]) -> dict[str, Any]:
    """What an audit event keeps of a call: its plain values (no files, no rows)."""
    return {k: v for k, v in data_dict.items()
            if isinstance(v, (str, int, float, bool, type(None))) or (isinstance(v, list) and len(v) < 50
                                                                       and all(isinstance(i, str) for i in v))}


DEFAULT_VIEWS = ("resource_create_default_resource_views", "package_create_default_resource_views")
VIEW_ACTIONS = ("resource_view_create", "resource_view_update", "resource_view_delete",
                "resource_view_reorder") + DEFAULT_VIEWS


# --- DataStore ------------------------------------------------------------

def _datastore_package(action: str, data_dict: dict[str, Any]) -> model.Package | None:
    """The dataset of the table's resource, as stored (a new resource: its dataset)."""
    resource_id = data_dict.get("resource_id")
    if action == "datastore_create" and not resource_id:
        new = data_dict.get("resource")
        if not isinstance(new, dict) or not new.get("package_id"):
            raise tk.ValidationError({"resource_id": [both("Give resource_id, or resource with its package_id")]})
        return model.Package.get(str(new["package_id"]))
    if not isinstance(resource_id, str) or not resource_id:
        raise tk.ValidationError({"resource_id": [both("resource_id is required")]})
    resource = model.Resource.get(resource_id)
    return resource.package if resource is not None else None


def _datastore_guard(action: str) -> Action:
    """Rows of a published dataset's table change only by an approved change
    (the records loader runs in the workflow's name), or in a sysadmin's hands;
    a pending dataset's rows stay as the director saw them."""
    def guard(original: Action, context, data_dict):
        if context.get("oit_workflow"):
            return original(context, data_dict)
        package = _datastore_package(action, data_dict)
        if package is None or not is_oit(package):
            return original(context, data_dict)
        _not_while_pending(context, package)
        if status_of(package) == PUBLISHED and role_of(context.get("user"), package) != "sysadmin":
            _deny(both("The table rows of a published dataset cannot be changed directly"))
        rows = data_dict.get("records")
        details = dict(_plain(data_dict), rows=len(rows) if isinstance(rows, list) else None)
        result = original(context, data_dict)  # it takes the rows out of data_dict
        _record_operation(action, context, package, details)
        transaction.commit(context)
        return result
    guard.__name__ = action
    return tk.chained_action(guard)


DATASTORE_WRITES = ("datastore_create", "datastore_upsert", "datastore_delete", "datastore_records_delete",
                    "datastore_run_triggers")


# --- groups -----------------------------------------------------------------

GROUP_WRITES = ("group_create", "group_update", "organization_create", "organization_update")


def _group_guard(action: str) -> Action:
    """A group's datasets are named by ``packages`` here; OIT datasets join a
    group only by member_create, a sysadmin's (workflow/policy.py)."""
    def guard(original: Action, context, data_dict):
        names = data_dict.get("packages")
        if names and not context.get("oit_workflow"):
            ids = [p.get("id") or p.get("name") if isinstance(p, dict) else p for p in names]
            if any(is_oit(model.Package.get(str(i or ""))) for i in ids):
                _deny(both("OIT datasets cannot be put in a group this way"))
        return original(context, data_dict)
    guard.__name__ = action
    return tk.chained_action(guard)


def chained_actions(datastore: bool) -> dict[str, Action]:
    actions: dict[str, Action] = {
        "package_create": package_create, "package_update": package_update,
        "package_delete": package_delete, "package_owner_org_update": package_owner_org_update,
        "bulk_update_public": bulk_update_public, "bulk_update_private": bulk_update_private,
        "bulk_update_delete": bulk_update_delete,
        "resource_create": resource_create, "resource_update": resource_update,
        "resource_delete": resource_delete,
    }
    actions.update({name: _view_guard(name) for name in VIEW_ACTIONS})
    actions.update({name: _group_guard(name) for name in GROUP_WRITES})
    if datastore:
        actions.update({name: _datastore_guard(name) for name in DATASTORE_WRITES})
    return actions
