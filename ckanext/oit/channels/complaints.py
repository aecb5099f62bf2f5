"""Complaints about corruption and misconduct: tracking codes, who may read
them (the organisation's designated complaint officers and sysadmins), and
their attachments, kept under CKAN's storage path outside any public URL."""
from __future__ import annotations

import datetime
import hashlib
import os
import secrets
import shutil
from typing import Any

from ckan import authz, model

import ckan.lib.uploader as uploader

from ckanext.oit.channels import officers
from ckanext.oit.channels.abuse import Attachment
from ckanext.oit.channels.model import (
    CLOSED, FORWARDED, IN_PROGRESS, RECEIVED, RESOLVED, TERMINATED,
    Complaint, ComplaintAttachment, ComplaintStatusChange,
)
from ckanext.oit.i18n_messages import LANGUAGES, Message, N_, language
from ckanext.oit.records import tables

# Crockford's alphabet: no I, L, O, U, so a code read aloud or retyped survives.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_GROUPS, CODE_GROUP_LENGTH = 4, 5  # 20 symbols = 100 bits

# what a complainant and the officers read of a status and a closure (msgids)
STATUS_LABELS = {
    RECEIVED: N_("Received"),
    IN_PROGRESS: N_("In progress"),
    FORWARDED: N_("Forwarded to the competent agency"),
    CLOSED: N_("Closed"),
}
CLOSURE_LABELS = {
    RESOLVED: N_("Completed"),
    TERMINATED: N_("Closed without further action"),
}


def _said(msgid: str) -> dict[str, str]:
    return {lang: Message(msgid).say(lang) for lang in LANGUAGES}


def _enum(field: str) -> list[str]:
    schema = tables.get("complaint-statistics")
    return next(f for f in schema["fields"] if f["name"] == field)["constraints"]["enum"]


def categories() -> list[str]:
    """The categories of the complaint-statistics table, so the counts map one to one."""
    return _enum("category")


def channels() -> list[str]:
    return _enum("channel")


def _english_names(field: str) -> dict[str, str]:
    schema = tables.get("complaint-statistics")
    spec = next(f for f in schema["fields"] if f["name"] == field)
    return (spec.get("oit") or {}).get("enum_en", {})


def english(field: str, value: str) -> str:
    return _english_names(field).get(value, value)


def names_in_page_language(field: str) -> dict[str, str]:
    """The table's values of ``field`` (Thai, as the statistics store them) as the page says them."""
    if language() == "th":
        return {value: value for value in _enum(field)}
    return {value: english(field, value) for value in _enum(field)}


def value_of(field: str, english_name: str) -> str:
    """The table's own (Thai) value of ``field`` that its schema calls ``english_name``."""
    return next(value for value, name in _english_names(field).items() if name == english_name)


def web_channel() -> str:
    """The channel of a complaint filed through the portal's form."""
    return value_of("channel", "Website")


def statistics_status(complaint: Complaint) -> str:
    """The complaint's status in the terms of the statistics table."""
    if complaint.status == FORWARDED:
        return value_of("status", "Referred to the competent agency")
    if complaint.status == CLOSED:
        return value_of("status", "Closed without further action" if complaint.closure == TERMINATED else "Completed")
    return value_of("status", "In progress")


# --- tracking codes -------------------------------------------------------------

def new_tracking_code() -> str:
    symbols = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUPS * CODE_GROUP_LENGTH))
    return "-".join(symbols[i:i + CODE_GROUP_LENGTH] for i in range(0, len(symbols), CODE_GROUP_LENGTH))


def normalise_code(code: Any) -> str:
    text = "".join(c for c in str(code or "").upper() if c.isalnum())
    return text.translate(str.maketrans("OIL", "011"))


def code_hash(code: Any) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def by_tracking_code(code: Any) -> Complaint | None:
    if len(normalise_code(code)) != CODE_GROUPS * CODE_GROUP_LENGTH:
        return None
    return model.Session.query(Complaint).filter(Complaint.tracking_hash == code_hash(code)).one_or_none()


# --- officers (the designation rules live in channels/officers.py) -------------------

def officer_ids(org_id: str) -> list[str]:
    """The confirmed officers' user ids (proposals give no access)."""
    return [row.user_id for row in officers.rows(org_id) if row.confirmed_at is not None]


def is_officer(user_name: str | None, org_id: str | None) -> bool:
    """A confirmed officer who is still an editor or admin of the organisation."""
    return officers.is_officer(user_name, org_id)


def may_read(user_name: str | None, org_id: str | None) -> bool:
    return bool(user_name) and (authz.is_sysadmin(user_name) or is_officer(user_name, org_id))


def officers_to_tell(org_id: str, except_user_id: str | None = None) -> list[model.User]:
    """Active officers still in the organisation with an e-mail address, one per address."""
    seen, found = set(), []
    for user_id in officer_ids(org_id):
        user = model.User.get(user_id)
        if user is None or user.id == except_user_id or not is_officer(user.name, org_id):
            continue
        address = (user.email or "").strip().lower()
        if address and address not in seen:
            seen.add(address)
            found.append(user)
    return sorted(found, key=lambda u: u.name)


# --- attachments ------------------------------------------------------------------

def storage_dir(complaint_id: str) -> str:
    """Private folder of one complaint's files: under ckan.storage_path, never served
    by CKAN's static or upload routes (only by the auth-checked attachment view)."""
    base = uploader.get_storage_path()
    if not base:
        raise RuntimeError("ckan.storage_path is not set: complaint attachments cannot be kept")
    return os.path.join(base, "oit-private", "complaints", complaint_id)


def attachment_path(attachment: ComplaintAttachment) -> str:
    return os.path.join(storage_dir(attachment.complaint_id), attachment.id)


def store(complaint: Complaint, files: list[Attachment]) -> list[str]:
    """Write the files of a complaint (already checked) and add their rows; the
    caller commits, and on failure calls ``discard`` for the folder."""
    folder = storage_dir(complaint.id)
    os.makedirs(folder, mode=0o700, exist_ok=True)
    written = []
    for upload in files:
        row = ComplaintAttachment(complaint_id=complaint.id, filename=upload.filename,
                                  mimetype=upload.mimetype, size=len(upload.data))
        model.Session.add(row)
        model.Session.flush()
        path = os.path.join(folder, row.id)
        with open(path, "wb") as out:
            out.write(upload.data)
        written.append(path)
    return written


def discard_files(complaint_id: str) -> None:
    shutil.rmtree(storage_dir(complaint_id), ignore_errors=True)


def attachments_of(complaint: Complaint) -> list[ComplaintAttachment]:
    return (model.Session.query(ComplaintAttachment).filter(ComplaintAttachment.complaint_id == complaint.id)
            .order_by(ComplaintAttachment.created_at).all())


# --- status history ------------------------------------------------------------

def record_change(complaint: Complaint, from_status: str | None, user_id: str | None,
                  when: datetime.datetime) -> None:
    """Add the step the complaint just took to its history (the caller commits)."""
    model.Session.add(ComplaintStatusChange(
        complaint_id=complaint.id, from_status=from_status, to_status=complaint.status,
        closure=complaint.closure if complaint.status == CLOSED else None,
        outcome=complaint.outcome if complaint.status == CLOSED else None,
        forwarded_to=complaint.forwarded_to if complaint.status == FORWARDED else None,
        changed_by=user_id, changed_at=when))


def history(complaint: Complaint) -> list[dict[str, Any]]:
    rows = (model.Session.query(ComplaintStatusChange).filter(ComplaintStatusChange.complaint_id == complaint.id)
            .order_by(ComplaintStatusChange.changed_at, ComplaintStatusChange.id))
    result = []
    for row in rows:
        user = model.User.get(row.changed_by) if row.changed_by else None
        result.append({
            "from_status": row.from_status, "to_status": row.to_status, "closure": row.closure,
            "outcome": row.outcome, "forwarded_to": row.forwarded_to, "changed_at": _iso(row.changed_at),
            "changed_by": user.name if user else None,
            "changed_by_name": (user.fullname or user.name) if user else None,
        })
    return result


# --- dicts ---------------------------------------------------------------------------

def _iso(value: datetime.datetime | datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def status_dict(complaint: Complaint) -> dict[str, Any]:
    """What the tracking code reveals: the status, its date, the outcome when closed.
    Never who complained nor what about."""
    result = {
        "status": complaint.status,
        "status_label": _said(STATUS_LABELS[complaint.status]),
        "status_at": _iso(complaint.status_at),
        "received_at": _iso(complaint.received_at),
    }
    if complaint.status == FORWARDED and complaint.forwarded_to:
        result["forwarded_to"] = complaint.forwarded_to
    if complaint.status == CLOSED:
        result["closure"] = complaint.closure
        result["closure_label"] = _said(CLOSURE_LABELS.get(complaint.closure or RESOLVED))
        result["outcome"] = complaint.outcome
    return result


def summary(complaint: Complaint) -> dict[str, Any]:
    """A row of the officers' list (no contact details)."""
    return {
        "id": complaint.id, "owner_org": complaint.owner_org, "category": complaint.category,
        "channel": complaint.channel, "status": complaint.status, "closure": complaint.closure,
        "anonymous": complaint.anonymous, "received_at": _iso(complaint.received_at),
        "status_at": _iso(complaint.status_at),
    }


def full(complaint: Complaint) -> dict[str, Any]:
    """Everything, for the officers."""
    result = summary(complaint)
    result.update({
        "description": complaint.description, "incident_date": _iso(complaint.incident_date),
        "incident_place": complaint.incident_place, "name": complaint.name, "email": complaint.email,
        "phone": complaint.phone, "outcome": complaint.outcome, "forwarded_to": complaint.forwarded_to,
        "officer_note": complaint.officer_note, "closed_at": _iso(complaint.closed_at),
        "attachments_purged_at": _iso(complaint.attachments_purged_at),
        "attachments": [{"id": a.id, "filename": a.filename, "mimetype": a.mimetype, "size": a.size}
                        for a in attachments_of(complaint)],
        "history": history(complaint),
    })
    return result


