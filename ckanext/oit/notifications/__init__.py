"""E-mail notifications of the publishing workflow.

* ``notify_submitted``: a dataset (or a change to a published one) awaits
  approval; every active admin of its organisation (the director) with an
  e-mail address is told, except the submitter.
* ``notify_decision``: the submitter is told that their submission was
  approved, returned (with the reason), or withdrawn.

Each mail is rendered from its templates and queued by ``mail.queue_mail``,
the one way every mail of ours goes out: a background job on CKAN's RQ
queue, run by its worker with CKAN's mailer (``ckan.lib.mailer``). A failed
send raises in the job and RQ retries it (``ckanext.oit.mail_retries``
times, waiting ``ckanext.oit.mail_retry_intervals`` seconds). Nothing here ever raises for a
broken Redis, SMTP server or user record: the workflow transition that calls
it must go through, so such errors are logged and the call returns.
Call these after the transition is committed, so no mail goes out for a
transition that was rolled back.
"""
from __future__ import annotations

import logging
from typing import Any, Mapping, Optional

import ckan.model as model

from ckanext.oit.notifications import messages
from ckanext.oit.notifications.mail import queue_mail

log = logging.getLogger(__name__)

DECISIONS = messages.DECISIONS


def notify_submitted(
    package: Mapping[str, Any],
    submitter: Mapping[str, Any],
    *,
    comment: Optional[str] = None,
    change_request: bool = False,
) -> None:
    """Mail the admins of ``package["owner_org"]`` that it awaits approval.

    :param package: the package_show dict of the dataset
    :param submitter: the user_show-like dict of the user who submitted it
    :param comment: the submitter's note, if any
    :param change_request: True when a change to a published dataset is
        submitted rather than the dataset itself
    """
    event = "change_submitted" if change_request else "submitted"
    try:
        submitter_id = submitter.get("id")
        recipients = [
            user for user in org_admin_recipients(package.get("owner_org"))
            if user.id != submitter_id and user.name != submitter.get("name")
        ]
        if not recipients:
            log.info(
                "OIT notification %s of %s: no admin of its organisation "
                "with an e-mail address to tell", event, package.get("name"),
            )
        for user in recipients:
            recipient = _user_dict(user)
            message = messages.submitted_message(
                package, submitter, recipient,
                comment=comment, change_request=change_request,
            )
            _enqueue(event, package, recipient, message)
    except Exception:
        log.exception(
            "OIT notification %s of %s could not be prepared; no mail sent",
            event, package.get("name"),
        )


def notify_decision(
    package: Mapping[str, Any],
    decision: str,
    submitter_id: str,
    actor: Mapping[str, Any],
    comment: Optional[str] = None,
) -> None:
    """Mail the submitter the decision taken on their submission.

    :param package: the package_show dict of the dataset
    :param decision: one of ``DECISIONS``
    :param submitter_id: id (or name) of the user who submitted it
    :param actor: the user_show-like dict of the user who decided
    :param comment: the reason (returns, withdrawals) or a remark

    No mail goes to a submitter who has no e-mail address, is no longer an
    active user, or took the decision themselves.

    :raises ValueError: for an unknown ``decision`` (a programming error);
        nothing else is raised.
    """
    if decision not in DECISIONS:
        raise ValueError(
            f"unknown decision {decision!r}; expected one of {', '.join(DECISIONS)}"
        )
    try:
        user = model.User.get(submitter_id) if submitter_id else None
        if user is None or user.state != model.State.ACTIVE or not user.email:
            log.info(
                "OIT notification %s of %s: submitter %r has no active account "
                "with an e-mail address; no mail sent",
                decision, package.get("name"), submitter_id,
            )
            return
        if user.id == actor.get("id") or user.name == actor.get("name"):
            log.debug(
                "OIT notification %s of %s: the submitter decided; no mail sent",
                decision, package.get("name"),
            )
            return
        recipient = _user_dict(user)
        message = messages.decision_message(package, decision, actor, recipient, comment)
        _enqueue(decision, package, recipient, message)
    except Exception:
        log.exception(
            "OIT notification %s of %s could not be prepared; no mail sent",
            decision, package.get("name"),
        )


def org_admin_recipients(org_id_or_name: Optional[str]) -> list[model.User]:
    """The active admins of an organisation that have an e-mail address.

    One user per address (two accounts sharing a mailbox get one mail).
    """
    if not org_id_or_name:
        return []
    org = model.Group.get(org_id_or_name)
    if org is None:
        return []
    users = (
        model.Session.query(model.User)
        .join(model.Member, model.Member.table_id == model.User.id)
        .filter(
            model.Member.group_id == org.id,
            model.Member.table_name == "user",
            model.Member.capacity == "admin",
            model.Member.state == model.State.ACTIVE,
            model.User.state == model.State.ACTIVE,
            model.User.email.isnot(None),
            model.User.email != "",
        )
        .order_by(model.User.name)
        .all()
    )
    seen: set[str] = set()
    unique = []
    for user in users:
        address = user.email.strip().lower()
        if address and address not in seen:
            seen.add(address)
            unique.append(user)
    return unique


def _user_dict(user: model.User) -> dict[str, Any]:
    return {
        "id": user.id,
        "name": user.name,
        "fullname": user.fullname,
        "email": user.email,
    }


def _enqueue(
    event: str,
    package: Mapping[str, Any],
    recipient: Mapping[str, Any],
    message: messages.Message,
) -> None:
    queue_mail(event, messages.display_name(recipient), recipient["email"], message,
               title=f"OIT notification: {event} {package.get('name')} to {recipient['name']}")
