"""Background jobs of the channels, run by CKAN's RQ worker: the answer mailed
to whoever asked, the notice of a new complaint to the organisation's
complaint officers, the notice of each change to who the officers are (all
sent as the workflow notifications are), and the yearly complaint statistics."""
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


# what happened to a designation: (Thai, English); placeholders actor, user, org, proposer
_DESIGNATION_TEXT = {
    "officer_propose": ("{actor} เสนอแต่งตั้ง {user} เป็นเจ้าหน้าที่รับเรื่องร้องเรียนของ{org} "
                        "ผู้ถูกเสนอยังอ่านเรื่องร้องเรียนไม่ได้จนกว่าผู้ดูแลหน่วยงานอีกคน (หรือผู้ดูแลระบบ) จะยืนยัน",
                        "{actor} proposed {user} as a complaint officer of {org}. They read no complaint "
                        "until another admin of the organisation (or a sysadmin) confirms."),
    "officer_designate": ("{actor} (ผู้ดูแลระบบ) แต่งตั้ง {user} เป็นเจ้าหน้าที่รับเรื่องร้องเรียนของ{org} "
                          "ผู้ได้รับแต่งตั้งอ่านเรื่องร้องเรียนและข้อมูลผู้ร้องเรียนได้แล้ว",
                          "{actor} (sysadmin) designated {user} as a complaint officer of {org}. They now read "
                          "complaints and the complainants' details."),
    "officer_confirm": ("{actor} ยืนยันการแต่งตั้ง {user} เป็นเจ้าหน้าที่รับเรื่องร้องเรียนของ{org} (เสนอโดย {proposer}) "
                        "ผู้ได้รับแต่งตั้งอ่านเรื่องร้องเรียนและข้อมูลผู้ร้องเรียนได้แล้ว",
                        "{actor} confirmed {user} as a complaint officer of {org} (proposed by {proposer}). "
                        "They now read complaints and the complainants' details."),
    "officer_refuse": ("{actor} ยกเลิกคำเสนอแต่งตั้ง {user} เป็นเจ้าหน้าที่รับเรื่องร้องเรียนของ{org} (เสนอโดย {proposer})",
                       "{actor} refused or cancelled the proposal of {user} as a complaint officer of {org} "
                       "(proposed by {proposer})."),
    "officer_remove": ("{actor} ยกเลิกการแต่งตั้ง {user} เป็นเจ้าหน้าที่รับเรื่องร้องเรียนของ{org}",
                       "{actor} ended the designation of {user} as a complaint officer of {org}."),
    "officer_lapse": ("การแต่งตั้ง {user} เป็นเจ้าหน้าที่รับเรื่องร้องเรียนของ{org}สิ้นสุดลง",
                      "The designation of {user} as a complaint officer of {org} has lapsed."),
}


def designation_message(action: str, org_id: str, summary: dict[str, Any], actor: Any,
                        reason: str | None = None, when: Any = None) -> messages.Message:
    """The notice of a change to who reads complaints. Names the people and
    the organisation, nothing of any complaint."""
    org = model.Group.get(org_id)
    org_title = " ".join(str(org.title or org.name).split()) if org else ""

    def person(name: str | None, fallback_th: str, fallback_en: str) -> tuple[str, str]:
        user = model.User.get(name) if name else None
        if user is None:
            return fallback_th, fallback_en
        shown = f"{' '.join((user.fullname or user.name).split())} ({user.name})"
        return shown, shown

    actor_th, actor_en = person(actor.name if actor else None, "ระบบ", "The portal")
    user_th, user_en = person(summary.get("user"), str(summary.get("user") or ""), str(summary.get("user") or ""))
    proposer_th, proposer_en = person(summary.get("proposed_by"), "ไม่ทราบ", "unknown")
    th, en = _DESIGNATION_TEXT[action]
    day = messages.event_time(when).date()
    link = messages.site_link(f"oit/{org.name if org else ''}/complaints/officers")
    lines = [
        "เรียน เจ้าหน้าที่รับเรื่องร้องเรียนและผู้เกี่ยวข้อง", "",
        th.format(actor=actor_th, user=user_th, org=org_title, proposer=proposer_th),
        *([f"เหตุ: {reason.split(' / ')[0]}"] if reason else []),
        f"วันที่: {thai_calendar.format_date(day, 'long', 'th')}", "",
        "รายชื่อเจ้าหน้าที่และคำเสนอที่รอยืนยัน:", link, "",
        "-" * 40, "",
        "Dear complaint officers and all concerned,", "",
        en.format(actor=actor_en, user=user_en, org=org_title, proposer=proposer_en),
        *([f"Reason: {reason.split(' / ')[-1]}"] if reason else []),
        f"Date: {thai_calendar.format_date(day, 'long', 'en')} (B.E. {thai_calendar.be_year(day.year)})", "",
        "The officers and the proposals waiting for confirmation:", link, "",
        "-- ",
        "หากท่านไม่ทราบเรื่องนี้ โปรดแจ้งผู้ดูแลระบบทันที",
        "If you did not expect this, tell the portal's administrators at once.",
    ]
    label_th, label_en = {
        "officer_propose": ("เสนอแต่งตั้งเจ้าหน้าที่รับเรื่องร้องเรียน", "Complaint officer proposed"),
        "officer_designate": ("แต่งตั้งเจ้าหน้าที่รับเรื่องร้องเรียน", "Complaint officer designated"),
        "officer_confirm": ("ยืนยันเจ้าหน้าที่รับเรื่องร้องเรียน", "Complaint officer confirmed"),
        "officer_refuse": ("ยกเลิกคำเสนอแต่งตั้ง", "Officer proposal cancelled"),
        "officer_remove": ("ยกเลิกการแต่งตั้ง", "Complaint officer removed"),
        "officer_lapse": ("การแต่งตั้งสิ้นสุด", "Complaint officer lapsed"),
    }[action]
    return messages.Message(subject=f"[OIT] {label_th} / {label_en}: {org_title}", body="\n".join(lines) + "\n")


def mail_designation(action: str, org_id: str, summary: dict[str, Any], actor: Any, recipients: list[Any],
                     reason: str | None = None) -> None:
    """Queue the notice of a designation change to each recipient."""
    if not recipients:
        log.warning("%s of %s in %s: nobody with an e-mail address to tell", action, summary.get("user"), org_id)
        return
    message = designation_message(action, org_id, summary, actor, reason)
    for user in recipients:
        _enqueue_mail(action, f"OIT {action} {summary.get('user')} of {org_id} to {user.name}",
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
