"""Background jobs of the channels, run by CKAN's RQ worker: the answer mailed
to whoever asked, the notice of a new complaint to the organisation's
complaint officers, the notice of each change to who the officers are (all
sent as the workflow notifications are), and the yearly complaint statistics."""
from __future__ import annotations

import logging
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit.channels import complaints
from ckanext.oit.i18n_messages import Message
from ckanext.oit.notifications import messages
from ckanext.oit.notifications.mail import Mail, compose, queue_mail

log = logging.getLogger(__name__)


def _org_title(org: model.Group | None) -> str:
    return " ".join(str(org.title or org.name).split()) if org else ""


def mail_answer(question: Any) -> None:
    """Queue the answer to the asker's address."""
    org = model.Group.get(question.owner_org)
    mail = compose("question_answered", organisation=org.title if org else "", question=question.question,
                   answer=question.answer, page=messages.site_link(f"oit/{org.name if org else ''}/questions"))
    queue_mail("question_answered", question.name or question.email, question.email, mail,
               title=f"OIT answer to question {question.id}")


def complaint_received_message(complaint: Any) -> Mail:
    """The officers' notice of a new complaint (emails/complaint_received.txt)."""
    org = model.Group.get(complaint.owner_org)
    return compose(
        "complaint_received", organisation=_org_title(org), received=messages.event_time(complaint.received_at).date(),
        category={"th": complaint.category, "en": complaints.english("category", complaint.category)},
        link=messages.site_link(f"oit/complaints/{complaint.id}"))


def mail_complaint_received(complaint: Any, except_user_id: str | None = None) -> None:
    """Tell each complaint officer of the organisation (but the one who recorded it)."""
    try:
        officers = complaints.officers_to_tell(complaint.owner_org, except_user_id)
        if not officers:
            log.warning("complaint %s: the organisation has no complaint officer with an e-mail address",
                        complaint.id)
        mail = complaint_received_message(complaint)
    except Exception:
        log.exception("the officers could not be told of complaint %s", complaint.id)
        return
    for user in officers:
        queue_mail("complaint_received", user.fullname or user.name, user.email, mail,
                   title=f"OIT new complaint {complaint.id} to {user.name}")


def designation_message(action: str, org_id: str, summary: dict[str, Any], actor: Any,
                        reason: Message | None = None, when: Any = None) -> Mail:
    """The notice of a change to who reads complaints (emails/complaint_officer.txt)."""
    org = model.Group.get(org_id)

    def person(name: str | None) -> str | None:
        user = model.User.get(name) if name else None
        return f"{' '.join((user.fullname or user.name).split())} ({user.name})" if user else None

    return compose(
        "complaint_officer", event=action, organisation=_org_title(org), reason=reason,
        actor=person(actor.name if actor else None),
        user=person(summary.get("user")) or str(summary.get("user") or ""),
        proposer=person(summary.get("proposed_by")), day=messages.event_time(when).date(),
        link=messages.site_link(f"oit/{org.name if org else ''}/complaints/officers"))


def mail_designation(action: str, org_id: str, summary: dict[str, Any], actor: Any, recipients: list[Any],
                     reason: Message | None = None) -> None:
    """Queue the notice of a designation change to each recipient."""
    if not recipients:
        log.warning("%s of %s in %s: nobody with an e-mail address to tell", action, summary.get("user"), org_id)
        return
    mail = designation_message(action, org_id, summary, actor, reason)
    for user in recipients:
        queue_mail(action, user.fullname or user.name, user.email, mail,
                   title=f"OIT {action} {summary.get('user')} of {org_id} to {user.name}")


def generate_statistics(org_id: str, fiscal_year: int, user_name: str) -> dict[str, Any]:
    """The job: count, write the CSV, create or update the draft dataset."""
    from ckanext.oit.channels import statistics

    result = statistics.generate(org_id, fiscal_year, user_name)
    log.info("complaint statistics %s of FY %s: %s", org_id, fiscal_year, result)
    return result


def queue_statistics(org_id: str, fiscal_year: int, user_name: str) -> str:
    job = tk.enqueue_job(generate_statistics, [org_id, fiscal_year, user_name],
                         title=f"OIT complaint statistics {org_id} {fiscal_year}")
    return job.id
