"""Background jobs of the channels, run by CKAN's RQ worker: the answer mailed
to whoever asked, the notice of a new complaint to the organisation's
complaint officers (both sent as the workflow notifications are), and the
yearly complaint statistics."""
from __future__ import annotations

import logging
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import notifications, thai_calendar
from ckanext.oit.channels import complaints
from ckanext.oit.notifications import messages
from ckanext.oit.notifications.jobs import send_mail

log = logging.getLogger(__name__)


def _enqueue_mail(event: str, title: str, name: str, address: str, subject: str, body: str) -> None:
    """One mail as a job of the workflow notifications' kind (same sender, same
    retries); a queue that is down must not undo what was saved, so errors are logged."""
    rq_kwargs: dict[str, Any] = {}
    retry = notifications.retry_policy()
    if retry is not None:
        rq_kwargs["retry"] = retry
    try:
        tk.enqueue_job(send_mail, kwargs={
            "recipient_name": name, "recipient_email": address, "subject": subject, "body": body,
            "headers": {"Auto-Submitted": "auto-generated", "X-OIT-Event": event},
        }, title=title, rq_kwargs=rq_kwargs)
    except Exception:
        log.exception("%s could not be queued for mailing", title)


def mail_answer(question: Any) -> None:
    """Queue the answer to the asker's address."""
    org = model.Group.get(question.owner_org)
    title = org.title if org else ""
    subject = f"คำตอบจาก{title} / Answer from {title}"
    page = messages.site_link(f"oit/{org.name if org else ''}/questions")
    body = (f"คำถามของท่าน / Your question:\n{question.question}\n\n"
            f"คำตอบ / Answer:\n{question.answer}\n\n{page}\n")
    _enqueue_mail("question_answered", f"OIT answer to question {question.id}",
                  question.name or question.email, question.email, subject, body)


def complaint_received_message(complaint: Any) -> messages.Message:
    """The officers' notice of a new complaint. On purpose it says only which
    organisation, when, what category and where to read it: no complainant,
    no text, nothing that would leak from a mailbox."""
    org = model.Group.get(complaint.owner_org)
    org_title = " ".join(str(org.title or org.name).split()) if org else ""
    day = messages.event_time(complaint.received_at).date()
    link = messages.site_link(f"oit/complaints/{complaint.id}")
    lines = [
        "เรียน เจ้าหน้าที่รับเรื่องร้องเรียน", "",
        f"มีเรื่องร้องเรียนใหม่ถึง{org_title}", "",
        f"หน่วยงาน: {org_title}",
        f"วันที่รับเรื่อง: {thai_calendar.format_date(day, 'long', 'th')}",
        f"ประเภท: {complaint.category}", "",
        "อ่านเรื่องได้ที่ (เข้าสู่ระบบในฐานะเจ้าหน้าที่รับเรื่องร้องเรียน):", link, "",
        "-" * 40, "",
        "Dear complaint officer,", "",
        f"A new complaint has arrived for {org_title}.", "",
        f"Organisation: {org_title}",
        f"Received: {thai_calendar.format_date(day, 'long', 'en')} (B.E. {thai_calendar.be_year(day.year)})",
        f"Category: {complaints.english('category', complaint.category)}", "",
        "Read it at (signed in as a complaint officer):", link, "",
        "-- ",
        "อีเมลนี้ไม่มีข้อมูลผู้ร้องเรียนและรายละเอียดเรื่อง โปรดอ่านในระบบ",
        "This mail carries neither the complainant nor the matter; read them in the portal.",
    ]
    return messages.Message(subject=f"[OIT] เรื่องร้องเรียนใหม่ / New complaint: {org_title}",
                            body="\n".join(lines) + "\n")


def mail_complaint_received(complaint: Any, except_user_id: str | None = None) -> None:
    """Tell each complaint officer of the organisation (but the one who recorded it)."""
    try:
        officers = complaints.officers_to_tell(complaint.owner_org, except_user_id)
        if not officers:
            log.warning("complaint %s: the organisation has no complaint officer with an e-mail address",
                        complaint.id)
        message = complaint_received_message(complaint)
    except Exception:
        log.exception("the officers could not be told of complaint %s", complaint.id)
        return
    for user in officers:
        _enqueue_mail("complaint_received", f"OIT new complaint {complaint.id} to {user.name}",
                      user.fullname or user.name, user.email, message.subject, message.body)


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
