"""Retention (PDPA: keep personal data no longer than needed).

* Closed complaints are deleted, with their files and status history, after
  ``ckanext.oit.channels.complaint_retention_days``; the attachments of closed
  complaints go earlier, after ``ckanext.oit.channels.attachment_retention_days``.
  Counted from the day the complaint was closed; open complaints are kept.
* The name and e-mail address of whoever asked a question or sent feedback are
  cleared ``ckanext.oit.channels.contact_retention_days`` after it was answered,
  responded to or rejected (they served only to reply); pending ones are kept.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from sqlalchemy import or_

from ckan import model

from ckanext.oit.channels import complaints
from ckanext.oit.channels.abuse import setting
from ckanext.oit.channels.model import (
    CLOSED, PUBLISHED, REJECTED, Complaint, ComplaintAttachment, Feedback, Question,
)


@dataclass
class Applied:
    complaints_deleted: int
    attachments_deleted: int
    contacts_cleared: int = 0


def _days(name: str) -> datetime.timedelta:
    return datetime.timedelta(days=int(setting(name)))


def apply(now: datetime.datetime | None = None) -> Applied:
    now = now or datetime.datetime.utcnow()
    deleted, files = _complaints(now)
    return Applied(deleted, files, _contacts(now))


def _complaints(now: datetime.datetime) -> tuple[int, int]:
    complaint_cutoff = now - _days("complaint_retention_days")
    attachment_cutoff = now - _days("attachment_retention_days")

    expired = (model.Session.query(Complaint)
               .filter(Complaint.status == CLOSED, Complaint.closed_at < complaint_cutoff).all())
    files_removed = 0
    for complaint in expired:
        files_removed += len(complaints.attachments_of(complaint))
        model.Session.query(ComplaintAttachment).filter(ComplaintAttachment.complaint_id == complaint.id).delete()
        model.Session.delete(complaint)  # its status history goes with it (ON DELETE CASCADE)
    model.Session.commit()
    for complaint_id in (c.id for c in expired):
        complaints.discard_files(complaint_id)

    stale = (model.Session.query(Complaint)
             .filter(Complaint.status == CLOSED, Complaint.closed_at < attachment_cutoff,
                     Complaint.attachments_purged_at.is_(None)).all())
    for complaint in stale:
        files_removed += (model.Session.query(ComplaintAttachment)
                          .filter(ComplaintAttachment.complaint_id == complaint.id).delete())
        complaint.attachments_purged_at = now
    model.Session.commit()
    for complaint in stale:
        complaints.discard_files(complaint.id)
    return len(expired), files_removed


def _contacts(now: datetime.datetime) -> int:
    """Clear the sender's name and address of questions and feedback dealt with long enough ago."""
    cutoff = now - _days("contact_retention_days")
    cleared = 0
    for table, decided_at in ((Question, Question.answered_at), (Feedback, Feedback.responded_at)):
        cleared += (model.Session.query(table)
                    .filter(table.state.in_((PUBLISHED, REJECTED)), decided_at < cutoff,
                            or_(table.name.isnot(None), table.email.isnot(None)))
                    .update({table.name: None, table.email: None}, synchronize_session=False))
    model.Session.commit()
    return cleared
