"""Template helpers of the workflow (re-exported by ckanext.oit.helpers)."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import roles
from ckanext.oit.audit.model import audit_event_table
from ckanext.oit.workflow import change_requests
from ckanext.oit.workflow.states import DRAFT, LABELS, PUBLISHED, RETURNED, TRANSITIONS, status_of


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


# the audit events that move a dataset, or its change request, through the workflow
_MOVES = ("submit", "approve", "return", "withdraw", "change_request", "change_approve", "change_return")


def returned_reasons(package_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Why each dataset was sent back, for those whose last move was a return:
    a returned dataset (edited back to a draft since, or not), or a published
    one whose last change request was returned. One query for them all::

        {package_id: {"kind": "dataset" | "change", "comment", "actor_id",
                      "actor_name", "created"}}
    """
    if not package_ids:
        return {}
    events = audit_event_table.c
    last = (sa.select(events.package_id, events.action, events.comment, events.actor_id, events.actor_name,
                      events.created)
            .where(events.package_id.in_(package_ids), events.action.in_(_MOVES))
            .distinct(events.package_id).order_by(events.package_id, events.id.desc()))
    statuses = {package.id: status_of(package)
                for package in model.Session.query(model.Package).filter(model.Package.id.in_(package_ids))}
    found = {}
    for event in model.Session.execute(last):
        status = statuses.get(event.package_id) or DRAFT
        if event.action == "return" and status in (RETURNED, DRAFT):
            kind = "dataset"
        elif event.action == "change_return" and status == PUBLISHED:
            kind = "change"
        else:
            continue
        found[event.package_id] = {"kind": kind, "comment": event.comment or "", "actor_id": event.actor_id,
                                   "actor_name": event.actor_name, "created": event.created.isoformat()}
    return found


def oit_returned_reason(pkg_dict: dict[str, Any]) -> dict[str, Any] | None:
    """The director's reason for sending the dataset (or its last change) back,
    for the dataset's editors; None for anyone else or when nothing was returned
    (see returned_reasons for the dict)."""
    package = model.Package.get(str((pkg_dict or {}).get("id") or ""))
    if package is None or not roles.may(roles.role_of(_user(), package), "editor"):
        return None
    return returned_reasons([package.id]).get(package.id)


def oit_own_work(pkg_dict: dict[str, Any]) -> str | None:
    """Why the current user may not approve what waits on this dataset (their
    own submission, content or change), in the page's language; None if they may."""
    from ckanext.oit.workflow import transitions

    package = model.Package.get(str((pkg_dict or {}).get("id") or ""))
    if package is None:
        return None
    reason = transitions.own_work(package, model.User.get(_user()) if _user() else None)
    return tk._(reason) if reason else None
