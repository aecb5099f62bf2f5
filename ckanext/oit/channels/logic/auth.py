"""Auth functions of the channels. Complaints are read by the organisation's
designated complaint officers and sysadmins only; being the organisation's
admin or editor is not enough. CKAN lets sysadmins pass every auth function, so
the two-person rule of the officers is kept in channels/officers.py as well."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import authz, model

from ckanext.oit.channels import complaints, officers
from ckanext.oit.channels.model import PUBLISHED, Complaint, Feedback, Question
from ckanext.oit.i18n_messages import Message
from ckanext.oit.roles import may

OFFICERS_ONLY = Message("Only the organisation's designated complaint officers may do this")
STAFF_ONLY = Message("Only the organisation's editors and admins may do this")
ADMINS_ONLY = Message("Only the organisation's admins may do this")


def _org_id(value: Any) -> str | None:
    org = model.Group.get(str(value or ""))
    return org.id if org is not None and org.is_organization else None


def _role(user: str | None, org_id: str | None) -> str | None:
    if not user or not org_id:
        return None
    return "sysadmin" if authz.is_sysadmin(user) else authz.users_role_for_group_or_org(org_id, user)


def is_staff(user: str | None, org_id: str | None) -> bool:
    """Editors and admins of the organisation moderate questions and feedback."""
    return may(_role(user, org_id), "editor")


def _staff(context, org_id) -> dict[str, Any]:
    if is_staff(context.get("user"), org_id):
        return {"success": True}
    return {"success": False, "msg": STAFF_ONLY.both()}


def _officer(context, org_id) -> dict[str, Any]:
    if complaints.may_read(context.get("user"), org_id):
        return {"success": True}
    return {"success": False, "msg": OFFICERS_ONLY.both()}


@tk.auth_allow_anonymous_access
def oit_question_create(context, data_dict):
    return {"success": True}  # anyone may ask


def _published_or_staff(context, data_dict):
    """Anyone sees published questions and feedback; the moderation queue is for staff."""
    if (data_dict.get("state") or PUBLISHED) == PUBLISHED:
        return {"success": True}
    return _staff(context, _org_id(data_dict.get("organization")))


def _staff_of_entry(entry_class: type) -> Any:
    """An auth function: the staff of the organisation the entry (found by id) belongs to."""
    def check(context, data_dict):
        entry = model.Session.get(entry_class, str(data_dict.get("id") or ""))
        return _staff(context, entry.owner_org if entry else None)
    return check


oit_question_list = oit_feedback_list = tk.auth_allow_anonymous_access(_published_or_staff)
oit_question_answer = _staff_of_entry(Question)
oit_feedback_respond = _staff_of_entry(Feedback)


@tk.auth_allow_anonymous_access
def oit_feedback_create(context, data_dict):
    return {"success": True}


@tk.auth_allow_anonymous_access
def oit_complaint_create(context, data_dict):
    return {"success": True}  # anyone, named or anonymous


@tk.auth_allow_anonymous_access
def oit_complaint_status(context, data_dict):
    return {"success": True}  # the tracking code is the key; the action reveals the status only


def oit_complaint_list(context, data_dict):
    return _officer(context, _org_id(data_dict.get("organization")))


def oit_complaint_show(context, data_dict):
    complaint = model.Session.get(Complaint, str(data_dict.get("id") or ""))
    return _officer(context, complaint.owner_org if complaint else None)


oit_complaint_update = oit_complaint_show


def oit_complaint_statistics_generate(context, data_dict):
    if may(_role(context.get("user"), _org_id(data_dict.get("organization"))), "admin"):
        return {"success": True}
    return {"success": False, "msg": ADMINS_ONLY.both()}


def oit_complaint_officer_add(context, data_dict):
    """Admins propose officers (sysadmins designate); proposing does not make anyone one."""
    if may(_role(context.get("user"), _org_id(data_dict.get("organization"))), "admin"):
        return {"success": True}
    return {"success": False, "msg": ADMINS_ONLY.both()}


oit_complaint_officer_remove = oit_complaint_officer_list = oit_complaint_officer_add


def oit_complaint_officer_confirm(context, data_dict):
    """A second person: an admin of the organisation or a sysadmin, neither
    the proposer nor the proposed person."""
    org_id = _org_id(data_dict.get("organization"))
    if not may(_role(context.get("user"), org_id), "admin"):
        return {"success": False, "msg": ADMINS_ONLY.both()}
    user = officers.user_of(data_dict.get("user"))
    refusal = officers.may_confirm(officers.designation(org_id, user.id if user else None),
                                   officers.user_of(context.get("user")))
    if refusal:
        return {"success": False, "msg": refusal.both()}
    return {"success": True}
