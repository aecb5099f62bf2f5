"""Template helpers of the workflow (re-exported by ckanext.oit.helpers)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit.workflow import change_requests
from ckanext.oit.workflow.states import LABELS, PUBLISHED, TRANSITIONS


def _user() -> str:
    return tk.current_user.name if tk.current_user.is_authenticated else ""


def oit_status_label(status: str | None) -> str:
    msgid = LABELS.get(status or "draft")
    return tk._(msgid) if msgid else str(status)


def oit_workflow_actions(pkg_dict: dict[str, Any]) -> list[str]:
    """The transitions the current user may make on this dataset now."""
    status = pkg_dict.get("oit_status") or "draft"
    has_request = status == PUBLISHED and oit_open_change_request(pkg_dict["id"]) is not None
    allowed = []
    for name, (starts, _target, _role) in TRANSITIONS.items():
        if status in starts or (has_request and name in ("approve", "return")):
            try:
                tk.check_access(f"oit_{name}", {"user": _user()}, {"id": pkg_dict["id"]})
            except tk.NotAuthorized:
                continue
            allowed.append(name)
    return allowed


def oit_open_change_request(package_id: str) -> dict[str, Any] | None:
    request = change_requests.open_request(package_id)
    return change_requests.summary(request) if request is not None else None


def oit_audit_history(package_id: str) -> list[dict[str, Any]]:
    """The dataset's audit events, for those who may read them; else nothing."""
    try:
        return tk.get_action("oit_audit_list")({"user": _user()}, {"id": package_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return []


def oit_user_name(user_id: str | None) -> str:
    user = model.User.get(user_id or "")
    return (user.fullname or user.name) if user is not None else ""


def oit_package_dict(package_id: str) -> dict[str, Any]:
    return tk.get_action("package_show")({"user": _user()}, {"id": package_id})


def oit_audit_action_label(code: str | None) -> str:
    """The name of an audit event's action, in the page's language."""
    from ckanext.oit import audit
    msgid = audit.ACTION_LABELS.get(code or "")
    return tk._(msgid) if msgid else (code or "")
