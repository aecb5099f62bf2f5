"""Action API of the two-way channels: questions and answers (O8), complaints
(O30) with their statistics (O31), and feedback (O32)."""
from __future__ import annotations

import datetime
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from sqlalchemy import or_

from ckanext.oit import disclosure, thai_calendar, transaction
from ckanext.oit.channels import abuse, complaints, jobs, officers, statistics
from ckanext.oit.channels.logic import schema
from ckanext.oit.channels.logic.auth import is_staff
from ckanext.oit.channels.model import (
    CLOSED, FORWARDED, MODERATION_STATES, PENDING, PUBLISHED, REJECTED, Complaint, Feedback, Question,
)
from ckanext.oit.i18n_messages import Message, both
from ckanext.oit.messages import ORGANISATION_NOT_FOUND

USER_NOT_FOUND = Message("User not found")


def _org(value: Any) -> model.Group:
    org = model.Group.get(str(value or ""))
    if org is None or not org.is_organization or org.state != model.State.ACTIVE:
        raise tk.ObjectNotFound(ORGANISATION_NOT_FOUND.both())
    return org


def _user_id(context) -> str | None:
    user = model.User.get(context.get("user") or "") if context.get("user") else None
    return user.id if user else None


def _page(data_dict) -> tuple[int, int]:
    try:
        return max(0, min(int(data_dict.get("limit") or 50), 1000)), max(0, int(data_dict.get("offset") or 0))
    except (TypeError, ValueError):
        raise tk.ValidationError({"limit": [both("limit and offset must be whole numbers")]})


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _state_filter(data_dict) -> str:
    state = data_dict.get("state") or PUBLISHED
    if state not in MODERATION_STATES + ("all",):
        raise tk.ValidationError({"state": [both("state must be one of %(states)s, all",
                                                 states=", ".join(MODERATION_STATES))]})
    return state


def _throttle_the_public(context, org_id: str, channel: str) -> None:
    """Staff of the organisation are not throttled; the public is, before anything is checked."""
    if not is_staff(context.get("user"), org_id) and not complaints.may_read(context.get("user"), org_id):
        abuse.check_rate(context, channel)


# --- questions and answers (O8) ------------------------------------------------------

def _question_dict(q: Question, staff: bool) -> dict[str, Any]:
    result = {"id": q.id, "owner_org": q.owner_org, "question": q.question, "answer": q.answer,
              "answered_at": _iso(q.answered_at), "created_at": _iso(q.created_at), "state": q.state}
    if staff:  # the asker's name and address are for the staff who answer
        result.update(name=q.name, email=q.email)
    return result


def oit_question_create(context, data_dict):
    """Ask the organisation a question; it is published once staff answer it.

    :param organization: id or name; :param question:; :param name: (optional);
    :param email: (optional, the answer is mailed there)
    """
    tk.check_access("oit_question_create", context, data_dict)
    org = _org(data_dict.get("organization"))
    _throttle_the_public(context, org.id, "question")
    data = schema.validated(data_dict, schema.question_create(), context)
    question = Question(owner_org=org.id, question=data["question"], name=data.get("name"),
                        email=data.get("email"), state=PENDING)
    model.Session.add(question)
    model.Session.flush()  # its id, also for a caller who defers the commit
    transaction.commit(context)
    return {"id": question.id, "state": question.state}


@tk.side_effect_free
def oit_question_list(context, data_dict):
    """Questions of an organisation, newest first. The public sees published ones
    with their answers; staff (editors, admins) may ask for ``state`` pending,
    rejected or all (the moderation queue).

    :param organization:; :param state: (optional, published); :param q: (optional) words to find;
    :param limit:, :param offset:
    """
    tk.check_access("oit_question_list", context, data_dict)
    org = _org(data_dict.get("organization"))
    state = _state_filter(data_dict)
    limit, offset = _page(data_dict)
    query = model.Session.query(Question).filter(Question.owner_org == org.id)
    if state != "all":
        query = query.filter(Question.state == state)
    if data_dict.get("q"):
        for word in str(data_dict["q"]).split()[:10]:
            pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            query = query.filter(or_(Question.question.ilike(pattern), Question.answer.ilike(pattern)))
    staff = is_staff(context.get("user"), org.id)
    ordered = query.order_by(Question.created_at.desc() if state != PUBLISHED else Question.answered_at.desc())
    return {"count": query.count(),
            "results": [_question_dict(q, staff) for q in ordered.limit(limit).offset(offset)]}


def _decision(data_dict) -> str:
    decision = data_dict.get("decision") or "publish"
    if decision not in ("publish", "reject"):
        raise tk.ValidationError({"decision": [both("decision must be publish or reject")]})
    return decision


def oit_question_answer(context, data_dict):
    """Answer a question and publish it (``decision`` publish, the default), or
    reject it. The asker, if they left an e-mail address, is mailed the answer.

    :param id:; :param answer: (required to publish); :param decision: publish | reject
    """
    tk.check_access("oit_question_answer", context, data_dict)
    question = model.Session.get(Question, str(data_dict.get("id") or ""))
    if question is None:
        raise tk.ObjectNotFound(both("Question not found"))
    decision = _decision(data_dict)
    answer = schema.validated(data_dict, schema.question_answer(decision == "publish"), context).get("answer")
    mail = decision == "publish" and question.email and question.state != PUBLISHED
    question.state = PUBLISHED if decision == "publish" else REJECTED
    question.answer = answer or question.answer
    question.answered_by = _user_id(context)
    question.answered_at = datetime.datetime.utcnow()
    transaction.commit(context)
    if mail:
        jobs.mail_answer(question)
    return _question_dict(question, staff=True)


# --- feedback (O32) ------------------------------------------------------------------

def _shown_package(f: Feedback, staff: bool) -> model.Package | None:
    """The dataset the feedback is about, read now from the database: the
    public sees it only while it is public (a withdrawn or draft dataset's
    title must not leak); the organisation's staff always."""
    package = model.Package.get(f.package_id) if f.package_id else None
    if package is None or staff:
        return package
    return package if package.state == model.State.ACTIVE and not package.private else None


def _feedback_dict(f: Feedback, staff: bool) -> dict[str, Any]:
    package = _shown_package(f, staff)
    result = {"id": f.id, "owner_org": f.owner_org, "topic": f.topic, "message": f.message,
              "package_id": package.id if package else None, "package_name": package.name if package else None,
              "package_title": package.title if package else None, "response": f.response,
              "responded_at": _iso(f.responded_at), "created_at": _iso(f.created_at), "state": f.state}
    if staff:
        result.update(name=f.name, email=f.email)
    return result


def oit_feedback_create(context, data_dict):
    """An opinion or suggestion, optionally about one of the organisation's datasets or a topic.

    :param organization:; :param message:; :param topic: (optional); :param package_id: (optional);
    :param name:, :param email: (optional)
    """
    tk.check_access("oit_feedback_create", context, data_dict)
    org = _org(data_dict.get("organization"))
    _throttle_the_public(context, org.id, "feedback")
    data = schema.validated(data_dict, schema.feedback_create(org.id), context)
    feedback = Feedback(owner_org=org.id, message=data["message"], topic=data.get("topic"), name=data.get("name"),
                        email=data.get("email"), package_id=data.get("package_id"), state=PENDING)
    model.Session.add(feedback)
    model.Session.flush()  # its id, also for a caller who defers the commit
    transaction.commit(context)
    return {"id": feedback.id, "state": feedback.state}


@tk.side_effect_free
def oit_feedback_list(context, data_dict):
    """Feedback of an organisation: the public sees published feedback with the
    agency's responses; staff may ask for ``state`` pending, rejected or all.

    :param organization:; :param state:; :param package_id: (optional); :param limit:, :param offset:
    """
    tk.check_access("oit_feedback_list", context, data_dict)
    org = _org(data_dict.get("organization"))
    state = _state_filter(data_dict)
    limit, offset = _page(data_dict)
    query = model.Session.query(Feedback).filter(Feedback.owner_org == org.id)
    if state != "all":
        query = query.filter(Feedback.state == state)
    if data_dict.get("package_id"):
        package = model.Package.get(str(data_dict["package_id"]))
        query = query.filter(Feedback.package_id == (package.id if package else ""))
    staff = is_staff(context.get("user"), org.id)
    return {"count": query.count(), "results": [
        _feedback_dict(f, staff) for f in query.order_by(Feedback.created_at.desc()).limit(limit).offset(offset)]}


def oit_feedback_respond(context, data_dict):
    """Publish feedback with the agency's response, or reject it.

    :param id:; :param response: (required to publish); :param decision: publish | reject
    """
    tk.check_access("oit_feedback_respond", context, data_dict)
    feedback = model.Session.get(Feedback, str(data_dict.get("id") or ""))
    if feedback is None:
        raise tk.ObjectNotFound(both("Feedback not found"))
    decision = _decision(data_dict)
    response = schema.validated(data_dict, schema.feedback_respond(decision == "publish"), context).get("response")
    feedback.state = PUBLISHED if decision == "publish" else REJECTED
    feedback.response = response or feedback.response
    feedback.responded_by = _user_id(context)
    feedback.responded_at = datetime.datetime.utcnow()
    transaction.commit(context)
    return _feedback_dict(feedback, staff=True)


# --- complaints (O30) -------------------------------------------------------------------

def oit_complaint_create(context, data_dict):
    """File a complaint, named or anonymous. Returns the tracking code, shown once:
    only its hash is kept.

    :param organization:; :param category: one of the complaint-statistics categories;
    :param description:; :param incident_date: (optional); :param incident_place: (optional);
    :param anonymous: (optional flag; without a name the complaint is anonymous);
    :param name:, :param email:, :param phone: (optional contact);
    :param privacy_accepted: the privacy notice was read (required);
    :param attachments: (optional) uploaded files (evidence);
    :param channel:, :param received_on: (complaint officers recording a complaint that came another way)
    """
    tk.check_access("oit_complaint_create", context, data_dict)
    org = _org(data_dict.get("organization"))
    officer = complaints.may_read(context.get("user"), org.id)
    if not officer:
        abuse.check_rate(context, "complaint")
    # nothing is stored from a refused submission
    data = schema.validated(data_dict, schema.complaint_create(officer), context)
    name, email, phone = data.get("name"), data.get("email"), data.get("phone")
    anonymous = data["anonymous"]
    if anonymous or not (name or email or phone):
        anonymous, name, email, phone = True, None, None, None
    channel = data.get("channel") or complaints.web_channel()
    received_at = datetime.datetime.utcnow()
    if data.get("received_on"):
        received_at = datetime.datetime.combine(data["received_on"], datetime.time(12))
    files = data["attachments"]
    code = complaints.new_tracking_code()
    complaint = Complaint(owner_org=org.id, tracking_hash=complaints.code_hash(code), category=data["category"],
                          channel=channel, description=data["description"], incident_date=data.get("incident_date"),
                          incident_place=data.get("incident_place"), anonymous=anonymous, name=name, email=email,
                          phone=phone, received_at=received_at, status_at=received_at)
    recorder = _user_id(context) if officer else None  # the public web form records no one
    try:
        model.Session.add(complaint)
        model.Session.flush()
        complaints.store(complaint, files)
        complaints.record_change(complaint, None, recorder, received_at)
        transaction.commit(context)
    except Exception:
        if not context.get("defer_commit"):  # a caller who deferred owns the transaction
            model.Session.rollback()
        complaints.discard_files(complaint.id)
        raise
    jobs.mail_complaint_received(complaint, recorder)  # after the commit: no mail for a refused one
    return dict(complaints.status_dict(complaint), tracking_code=code, organization=org.name,
                attachment_count=len(files))


@tk.side_effect_free
def oit_complaint_status(context, data_dict):
    """The status of a complaint, by its tracking code and nothing else: status,
    its date, and the outcome once closed. Lookups are rate-limited.

    :param tracking_code:
    """
    tk.check_access("oit_complaint_status", context, data_dict)
    abuse.check_rate(context, "complaint-status", abuse.setting("status_rate_limit"))
    complaint = complaints.by_tracking_code(data_dict.get("tracking_code"))
    if complaint is None:
        raise tk.ObjectNotFound(both("No complaint has this tracking code"))
    return complaints.status_dict(complaint)


@tk.side_effect_free
def oit_complaint_list(context, data_dict):
    """Complaints of an organisation, newest first (designated complaint officers, sysadmins).

    :param organization:; :param status: (optional); :param limit:, :param offset:
    """
    tk.check_access("oit_complaint_list", context, data_dict)
    org = _org(data_dict.get("organization"))
    limit, offset = _page(data_dict)
    query = model.Session.query(Complaint).filter(Complaint.owner_org == org.id)
    if data_dict.get("status"):
        query = query.filter(Complaint.status == data_dict["status"])
    return {"count": query.count(), "results": [
        complaints.summary(c) for c in query.order_by(Complaint.received_at.desc()).limit(limit).offset(offset)]}


def _complaint(data_dict) -> Complaint:
    complaint = model.Session.get(Complaint, str(data_dict.get("id") or ""))
    if complaint is None:
        raise tk.ObjectNotFound(both("Complaint not found"))
    return complaint


@tk.side_effect_free
def oit_complaint_show(context, data_dict):
    """One complaint with the complainant's contact and the attachments' list
    (designated complaint officers, sysadmins).

    :param id:
    """
    tk.check_access("oit_complaint_show", context, data_dict)
    return complaints.full(_complaint(data_dict))


def oit_complaint_update(context, data_dict):
    """Move a complaint on: ``status`` received, in_progress, forwarded (with
    ``forwarded_to``) or closed (with ``closure`` resolved | terminated and the
    ``outcome`` the complainant will read); ``officer_note`` stays internal.

    :param id:; :param status:; :param closure:; :param outcome:; :param forwarded_to:; :param officer_note:
    """
    tk.check_access("oit_complaint_update", context, data_dict)
    complaint = _complaint(data_dict)
    data = schema.validated(data_dict, schema.complaint_update(), context)
    status, forwarded_to, outcome = data["status"], data.get("forwarded_to"), data.get("outcome")
    closure, note = data.get("closure"), data.get("officer_note")
    now = datetime.datetime.utcnow()
    before = (complaint.status, complaint.closure, complaint.outcome, complaint.forwarded_to)
    if status != complaint.status:
        complaint.status_at = now
    complaint.status = status
    complaint.forwarded_to = forwarded_to if status == FORWARDED else complaint.forwarded_to
    complaint.closure = closure if status == CLOSED else None
    complaint.outcome = outcome if status == CLOSED else complaint.outcome
    complaint.closed_at = (complaint.closed_at or now) if status == CLOSED else None
    if note is not None:
        complaint.officer_note = note
    complaint.updated_by = _user_id(context)
    # a step of the history when what the complainant reads changed (not for a note alone)
    if (complaint.status, complaint.closure, complaint.outcome, complaint.forwarded_to) != before:
        complaints.record_change(complaint, before[0], complaint.updated_by, now)
    transaction.commit(context)
    return complaints.full(complaint)


def oit_complaint_statistics_generate(context, data_dict):
    """Count the complaints received in a fiscal year by category, channel and
    status into the complaint-statistics table of the organisation's
    oit-complaint dataset (a draft, or a change request once published). Runs
    as a background job; ``run_now`` runs it here and returns its result.

    :param organization:; :param fiscal_year: a Buddhist Era year (the current one by default);
    :param run_now: (optional)
    """
    tk.check_access("oit_complaint_statistics_generate", context, data_dict)
    org = _org(data_dict.get("organization"))
    try:
        fiscal_year = (disclosure.parse_fiscal_year(data_dict["fiscal_year"]) if data_dict.get("fiscal_year")
                       else thai_calendar.fiscal_year_of(thai_calendar.today()))
    except disclosure.DisclosureError as error:
        raise tk.ValidationError({"fiscal_year": [str(error)]})
    user = context.get("user") or tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    if tk.asbool(data_dict.get("run_now")):
        return statistics.generate(org.id, fiscal_year, user)
    return {"job_id": jobs.queue_statistics(org.id, fiscal_year, user), "organization": org.name,
            "fiscal_year": fiscal_year}


# --- complaint officers (two-person rule: channels/officers.py) ----------------------------

def _member(org: model.Group, value: Any) -> model.User:
    """A user who may hold a designation: an active editor or admin of the organisation."""
    user = model.User.get(str(value or ""))
    if user is None or user.state != model.State.ACTIVE:
        raise tk.ValidationError({"user": [USER_NOT_FOUND.both()]})
    capacity = officers.role(user, org.id)
    if capacity is None:
        raise tk.ValidationError({"user": [both("The user must be a member of the organisation")]})
    if capacity not in officers.CAPACITIES:
        raise tk.ValidationError({"user": [both("A complaint officer must be an editor or admin of the organisation")]})
    return user


def _actor(context) -> model.User | None:
    return model.User.get(context.get("user") or "") if context.get("user") else None


def oit_complaint_officer_add(context, data_dict):
    """Designate an editor or admin of the organisation as complaint officer.
    A sysadmin's designation of someone else takes effect at once; an
    organisation admin's is a proposal that gives no access until a different
    admin of the organisation (or a sysadmin) confirms it
    (``oit_complaint_officer_confirm``). Returns the confirmed officers.

    :param organization:; :param user: id or name
    """
    tk.check_access("oit_complaint_officer_add", context, data_dict)
    org = _org(data_dict.get("organization"))
    officers.add(org, _member(org, data_dict.get("user")), _actor(context), context)
    return oit_complaint_officer_list(context, {"organization": org.id})


def oit_complaint_officer_confirm(context, data_dict):
    """Confirm a proposed complaint officer (an admin of the organisation other
    than the proposer and the proposed person, or a sysadmin). Returns the
    confirmed officers.

    :param organization:; :param user: id or name of the proposed person
    """
    tk.check_access("oit_complaint_officer_confirm", context, data_dict)
    org = _org(data_dict.get("organization"))
    user = model.User.get(str(data_dict.get("user") or ""))
    if user is None:
        raise tk.ValidationError({"user": [USER_NOT_FOUND.both()]})
    officers.confirm(org, user, _actor(context), context)
    return oit_complaint_officer_list(context, {"organization": org.id})


def oit_complaint_officer_remove(context, data_dict):
    """End a user's designation as complaint officer, or refuse (cancel) a
    proposal. Returns the confirmed officers.

    :param organization:; :param user:
    """
    tk.check_access("oit_complaint_officer_remove", context, data_dict)
    org = _org(data_dict.get("organization"))
    user = model.User.get(str(data_dict.get("user") or ""))
    if user is not None:
        officers.remove(org, user, _actor(context), context)
    return oit_complaint_officer_list(context, {"organization": org.id})


@tk.side_effect_free
def oit_complaint_officer_list(context, data_dict):
    """The organisation's complaint officers: ``state`` confirmed (the default,
    those who read complaints), proposed (waiting for a second person) or all.

    :param organization:; :param state: (optional)
    """
    tk.check_access("oit_complaint_officer_list", context, data_dict)
    org = _org(data_dict.get("organization"))
    state = data_dict.get("state") or officers.CONFIRMED
    if state not in (officers.CONFIRMED, officers.PROPOSED, "all"):
        raise tk.ValidationError({"state": [both("state must be one of %(states)s, all",
                                                 states=", ".join((officers.CONFIRMED, officers.PROPOSED)))]})
    return officers.listing(org.id, state)
