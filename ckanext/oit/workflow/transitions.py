"""The workflow's transitions: submit, approve, return, withdraw — and the
decisions on change requests of published datasets."""
from __future__ import annotations

import datetime
import logging
from typing import Any

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import audit, compat, notifications, transaction
from ckanext.oit.i18n_messages import N_, Message, both, count_message
from ckanext.oit.messages import LOGIN_NEEDED
from ckanext.oit.audit.model import audit_event_table
from ckanext.oit.workflow import activity, change_requests
from ckanext.oit.workflow.states import PUBLISHED, TRANSITIONS, status_of

log = logging.getLogger(__name__)

# the transitions that need a reason, and what is said when there is none
NEEDS_COMMENT = {"return": N_("A reason is required to return"),
                 "withdraw": N_("A reason is required to withdraw")}


def _now() -> str:
    return datetime.datetime.utcnow().isoformat(timespec="seconds")


def _fail(field: str, message: Message):
    error = tk.ValidationError({field: [message.both()]})
    error.oit_message = message  # a page says it in its own language
    raise error


# Audit actions that move a dataset through the workflow (or hold a change
# aside); every other action of a dataset changed its content.
NOT_CONTENT = ("submit", "approve", "return", "withdraw", "change_request", "change_approve", "change_return")
APPROVALS = ("approve", "change_approve")


def self_approval_allowed() -> bool:
    return tk.config.get("ckanext.oit.allow_self_approval")


def content_authors(package_id: str) -> set[str]:
    """Who changed the dataset's content since it was last approved (since it
    was made, if never): what an approval would publish is their work."""
    events = audit_event_table.c
    last_approval = (sa.select(sa.func.coalesce(sa.func.max(events.id), 0))
                     .where(events.package_id == package_id, events.action.in_(APPROVALS))
                     .scalar_subquery())
    query = (sa.select(events.actor_id).distinct()
             .where(events.package_id == package_id, events.id > last_approval,
                    events.action.notin_(NOT_CONTENT), events.actor_id.isnot(None)))
    return set(model.Session.execute(query).scalars())


OWN_SUBMISSION = N_("The person who submitted cannot approve the same submission")
OWN_CONTENT = N_("You changed this dataset's content since it was last approved, so someone else must approve it")
OWN_CHANGE = N_("This change request contains a change of yours, so someone else must approve it")


def own_work(package: model.Package, user: model.User | None) -> str | None:
    """Why ``user`` may not approve what waits on this dataset (a msgid), or
    None: nobody approves their own work, sysadmins included, unless the portal
    allows it (one-person offices). The pages ask it too, so that they offer
    no Approve that would be refused."""
    if user is None or self_approval_allowed():
        return None
    request = change_requests.open_request(package.id) if status_of(package) == PUBLISHED else None
    if request is not None:
        # every operation counts, not only the request's author
        return OWN_CHANGE if user.id in change_requests.authors(request) else None
    if package.extras.get("oit_submitted_by") == user.id:
        return OWN_SUBMISSION
    if user.id in content_authors(package.id):
        return OWN_CONTENT
    return None


def _four_eyes(package: model.Package, user: model.User) -> None:
    reason = own_work(package, user)
    if reason is not None:
        raise tk.NotAuthorized(both(reason))


def _write_state(package: model.Package, user: model.User, fields: dict[str, Any]) -> dict[str, Any]:
    """Save workflow fields (and so visibility) without committing."""
    context = {"user": user.name, "oit_workflow": True, "ignore_auth": True}
    return compat.package_patch_deferred(context, dict(fields, id=package.id))


def _user_dict(user: model.User) -> dict[str, Any]:
    return {"id": user.id, "name": user.name, "fullname": user.fullname, "email": user.email}


def run(name: str, context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    package = model.Package.get(str(data_dict.get("id") or ""))
    if package is None or not str(package.type).startswith("oit-"):
        raise tk.ObjectNotFound(both("OIT dataset not found"))
    user = model.User.get(context.get("user") or "")
    if user is None:
        raise tk.NotAuthorized(LOGIN_NEEDED.both())
    comment = str(data_dict.get("comment") or "").strip()
    if name in NEEDS_COMMENT and not comment:
        _fail("comment", Message(NEEDS_COMMENT[name]))

    status = status_of(package)
    request = change_requests.open_request(package.id) if status == PUBLISHED else None
    if request is not None and name in ("approve", "return"):
        return _decide_change(name, context, package, user, request, comment)

    starts, target, _role = TRANSITIONS[name]
    if status not in starts:
        _fail("oit_status", Message("Cannot %(transition)s a dataset that is %(status)s",
                                    transition=name, status=status))
    submitter = package.extras.get("oit_submitted_by")
    if name == "approve":
        _four_eyes(package, user)

    confirmed = _tables_passed(name, package, data_dict) if name in ("submit", "approve") else []

    fields: dict[str, Any] = {"oit_status": target}
    if name == "submit":
        fields.update(oit_submitted_by=user.id, oit_submitted_at=_now())
    elif name == "approve":
        fields.update(oit_approved_by=user.id, oit_approved_at=_now())
    before = {k: package.extras.get(k) for k in fields}
    result = _write_state(package, user, fields)
    if name == "withdraw":
        activity.relabel(model.Package.get(package.id))
    audit.record(action=name, package_id=package.id, owner_org=package.owner_org, actor_id=user.id,
                 actor_name=user.name, from_state=status, to_state=target, comment=comment or None,
                 before=before, after=dict(fields, oit_tables_confirmed=confirmed) if confirmed else fields)
    transaction.commit(context)

    if name == "submit":
        notifications.notify_submitted(result, _user_dict(user))
    elif name in ("approve", "return", "withdraw") and submitter:
        decision = {"approve": "approved", "return": "returned", "withdraw": "withdrawn"}[name]
        notifications.notify_decision(result, decision, submitter, _user_dict(user), comment or None)
    return tk.get_action("package_show")(dict(context, ignore_auth=True), {"id": package.id})


# (transition, refused?) -> what is said, with the doubtful tables as %(tables)s
_TABLE_REFUSALS = {
    ("submit", True): N_("A dataset whose tables are not valid cannot be submitted: %(tables)s"),
    ("approve", True): N_("A dataset whose tables are not valid cannot be approved: %(tables)s"),
    ("submit", False): N_("Some tables are not valid or not checked: %(tables)s. "
                          "To submit anyway, confirm it (confirm_tables=true)"),
    ("approve", False): N_("Some tables are not valid or not checked: %(tables)s. "
                           "To approve anyway, confirm it (confirm_tables=true)"),
}


def _table_said(table: dict[str, Any]) -> Message:
    name = table["name"] or table["resource_id"]
    if table["status"] in ("invalid", "failed"):
        return count_message("%(name)s (%(num)d problem)", "%(name)s (%(num)d problems)",
                             table["problem_count"], name=name)
    if table["status"] == "queued":
        return Message("%(name)s (queued for checking)", name=name)
    return Message("%(name)s (not validated)", name=name)


def _tables_passed(name: str, package: model.Package, data_dict: dict[str, Any]) -> list[dict[str, Any]]:
    """A dataset with an invalid, failed, queued or unchecked table is submitted
    or approved only when the caller confirms it (``confirm_tables``), or never
    (``ckanext.oit.invalid_tables = refuse``). Returns what was confirmed."""
    from ckanext.oit.records import states

    doubtful = states.doubtful(states.table_states(package, limit=0))
    if not doubtful:
        return []
    said = [_table_said(table) for table in doubtful]

    def tables(lang: str) -> str:
        return "; ".join(message.say(lang) for message in said)

    refuse = tk.config.get("ckanext.oit.invalid_tables") == "refuse"
    if refuse:
        _fail("tables", Message(_TABLE_REFUSALS[(name, True)], tables=tables))
    if not tk.asbool(data_dict.get("confirm_tables")):
        _fail("confirm_tables", Message(_TABLE_REFUSALS[(name, False)], tables=tables))
    return [{"resource_id": t["resource_id"], "status": t["status"], "problem_count": t["problem_count"]}
            for t in doubtful]


def _decide_change(name: str, context: dict[str, Any], package: model.Package, user: model.User,
                   request: Any, comment: str) -> dict[str, Any]:
    if name == "approve":
        _four_eyes(package, user)
    before = tk.get_action("package_show")({"ignore_auth": True}, {"id": package.id})
    if name == "approve":
        change_requests.apply(request, user)
        action, decision = "change_approve", "change_approved"
    else:
        change_requests.reject(request, user, comment)
        action, decision = "change_return", "change_returned"
    after = tk.get_action("package_show")({"ignore_auth": True}, {"id": package.id})
    audit.record(action=action, package_id=package.id, owner_org=package.owner_org, actor_id=user.id,
                 actor_name=user.name, from_state=PUBLISHED, to_state=PUBLISHED, comment=comment or None,
                 before=_content(before), after=_content(after), change_request_id=request.id)
    transaction.commit(context)
    notifications.notify_decision(after, decision, request.requested_by, _user_dict(user), comment or None)
    return after


def _content(package_dict: dict[str, Any]) -> dict[str, Any]:
    skip = change_requests.NOISE | {"metadata_created", "oit_submitted_at", "oit_approved_at"}
    return {k: v for k, v in package_dict.items() if k not in skip}
