"""Retention of complaints (PDPA: keep personal data no longer than needed).
Closed complaints are deleted, with their files, after
``ckanext.oit.channels.complaint_retention_days``; the attachments of closed
complaints go earlier, after ``ckanext.oit.channels.attachment_retention_days``.
Counted from the day the complaint was closed; open complaints are kept."""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from ckan import model

from ckanext.oit.channels import complaints
from ckanext.oit.channels.abuse import setting
from ckanext.oit.channels.model import CLOSED, Complaint, ComplaintAttachment


@dataclass
class Applied:
    complaints_deleted: int
    attachments_deleted: int


def apply(now: datetime.datetime | None = None) -> Applied:
    now = now or datetime.datetime.utcnow()
    complaint_cutoff = now - datetime.timedelta(days=int(setting("complaint_retention_days")))
    attachment_cutoff = now - datetime.timedelta(days=int(setting("attachment_retention_days")))

    expired = (model.Session.query(Complaint)
               .filter(Complaint.status == CLOSED, Complaint.closed_at < complaint_cutoff).all())
    files_removed = 0
    for complaint in expired:
        files_removed += len(complaints.attachments_of(complaint))
        model.Session.query(ComplaintAttachment).filter(ComplaintAttachment.complaint_id == complaint.id).delete()
        model.Session.delete(complaint)
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
    return Applied(len(expired), files_removed)
