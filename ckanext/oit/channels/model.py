"""Tables of the two-way channels (migrations oit_0005 to oit_0007): questions and
answers, complaints with their attachments, status history and the
organisation's complaint officers, and feedback. Complaints hold personal
data: only officers read them."""
from __future__ import annotations

import datetime
import uuid

from sqlalchemy import BigInteger, Boolean, Column, Date, DateTime, ForeignKey, Integer, Text

import ckan.plugins.toolkit as tk

# moderation states of questions and feedback
PENDING, PUBLISHED, REJECTED = "pending", "published", "rejected"
MODERATION_STATES = (PENDING, PUBLISHED, REJECTED)

# complaint statuses; a closed complaint is resolved or ended without action
RECEIVED, IN_PROGRESS, FORWARDED, CLOSED = "received", "in_progress", "forwarded", "closed"
COMPLAINT_STATUSES = (RECEIVED, IN_PROGRESS, FORWARDED, CLOSED)
RESOLVED, TERMINATED = "resolved", "terminated"
CLOSURES = (RESOLVED, TERMINATED)


def _id() -> str:
    return str(uuid.uuid4())


def _now() -> datetime.datetime:
    return datetime.datetime.utcnow()


class Question(tk.BaseModel):
    __tablename__ = "oit_question"

    id = Column(Text, primary_key=True, default=_id)
    owner_org = Column(Text, nullable=False, index=True)
    question = Column(Text, nullable=False)
    name = Column(Text)
    email = Column(Text)
    state = Column(Text, nullable=False, default=PENDING, index=True)
    answer = Column(Text)
    answered_by = Column(Text)
    answered_at = Column(DateTime)
    created_at = Column(DateTime, nullable=False, default=_now)


class Feedback(tk.BaseModel):
    __tablename__ = "oit_feedback"

    id = Column(Text, primary_key=True, default=_id)
    owner_org = Column(Text, nullable=False, index=True)
    package_id = Column(Text)
    topic = Column(Text)
    message = Column(Text, nullable=False)
    name = Column(Text)
    email = Column(Text)
    state = Column(Text, nullable=False, default=PENDING, index=True)
    response = Column(Text)
    responded_by = Column(Text)
    responded_at = Column(DateTime)
    created_at = Column(DateTime, nullable=False, default=_now)


class ComplaintOfficer(tk.BaseModel):
    """A designation, or a proposal of one while ``confirmed_at`` is empty: it
    gives access only once a second person confirmed it (channels/officers.py).
    The row is deleted when the designation ends or lapses, so nothing revives it."""
    __tablename__ = "oit_complaint_officer"

    owner_org = Column(Text, primary_key=True)
    user_id = Column(Text, primary_key=True)
    added_by = Column(Text)  # who proposed it (or designated it, for a sysadmin)
    added_at = Column(DateTime, nullable=False, default=_now)
    confirmed_by = Column(Text)
    confirmed_at = Column(DateTime)


class Complaint(tk.BaseModel):
    __tablename__ = "oit_complaint"

    id = Column(Text, primary_key=True, default=_id)
    owner_org = Column(Text, nullable=False, index=True)
    tracking_hash = Column(Text, nullable=False, unique=True)  # SHA-256 of the code, never the code
    category = Column(Text, nullable=False)
    channel = Column(Text, nullable=False)
    description = Column(Text, nullable=False)
    incident_date = Column(Date)
    incident_place = Column(Text)
    anonymous = Column(Boolean, nullable=False, default=True)
    name = Column(Text)
    email = Column(Text)
    phone = Column(Text)
    status = Column(Text, nullable=False, default=RECEIVED)
    closure = Column(Text)
    outcome = Column(Text)
    forwarded_to = Column(Text)
    officer_note = Column(Text)
    received_at = Column(DateTime, nullable=False, default=_now)
    status_at = Column(DateTime, nullable=False, default=_now)
    closed_at = Column(DateTime)
    updated_by = Column(Text)
    attachments_purged_at = Column(DateTime)


class ComplaintAttachment(tk.BaseModel):
    __tablename__ = "oit_complaint_attachment"

    id = Column(Text, primary_key=True, default=_id)
    complaint_id = Column(Text, ForeignKey("oit_complaint.id", ondelete="CASCADE"), nullable=False, index=True)
    filename = Column(Text, nullable=False)
    mimetype = Column(Text, nullable=False)
    size = Column(Integer, nullable=False)
    created_at = Column(DateTime, nullable=False, default=_now)


class ComplaintStatusChange(tk.BaseModel):
    """One step of a complaint's status history (who, when, from → to, outcome).
    Kept with the complaint and deleted with it under the retention rule, since
    an outcome may name people; only officers read it."""
    __tablename__ = "oit_complaint_status_change"

    id = Column(BigInteger, primary_key=True, autoincrement=True)
    complaint_id = Column(Text, ForeignKey("oit_complaint.id", ondelete="CASCADE"), nullable=False, index=True)
    from_status = Column(Text)  # None: the complaint arrived
    to_status = Column(Text, nullable=False)
    closure = Column(Text)
    outcome = Column(Text)
    forwarded_to = Column(Text)
    changed_by = Column(Text)  # user id; None for the public web form
    changed_at = Column(DateTime, nullable=False, default=_now)
