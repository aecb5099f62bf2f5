"""Pages of the channels. Public: questions, feedback, the complaint form and
the status by tracking code. Staff: moderation of questions and feedback; the
complaint officers' list, complaint page (with its status history) and
attachment downloads; the admins' page proposing, confirming and ending the
officers' designations. Every read goes through the actions' auth functions."""
from __future__ import annotations

import os
from typing import Any

from flask import Blueprint, Response, make_response, send_file

import ckan.plugins.toolkit as tk
from ckan import authz, model

from ckanext.oit.channels import abuse, complaints, officers
from ckanext.oit.channels.logic.auth import is_staff
from ckanext.oit.channels.model import (
    CLOSURES, COMPLAINT_STATUSES, PENDING, PUBLISHED, REJECTED, ComplaintAttachment)
from ckanext.oit.i18n_messages import N_, in_page_language

channels = Blueprint("oit_channels", __name__)

# what the moderation queues say of an entry's state (the stored word is English)
MODERATION_LABELS = {PENDING: N_("Waiting for review"), PUBLISHED: N_("Published"), REJECTED: N_("Rejected")}


def _context() -> dict[str, Any]:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}


def _org_or_404(name: str) -> model.Group:
    org = model.Group.get(name)
    if org is None or not org.is_organization or org.state != model.State.ACTIVE:
        return tk.abort(404, tk._("Organisation not found"))
    return org


def _form() -> dict[str, Any]:
    return {key: tk.request.form.get(key) for key in tk.request.form}


def _page_errors(error_dict: dict[str, Any]) -> dict[str, list[str]]:
    """An action's errors (Thai / English, for API callers) in the page's language only."""
    return {field: [in_page_language(m) for m in (messages if isinstance(messages, list) else [messages])]
            for field, messages in error_dict.items()}


def _throttled(error: abuse.Throttled):
    return tk.render("oit/channels/throttled.html", {"errors": _page_errors(error.error_dict)}), 429


def _no_store(response):
    tk.request.environ["__no_cache__"] = True  # CKAN then marks it private, not public
    response = make_response(response) if not isinstance(response, Response) else response
    response.headers["Cache-Control"] = "no-store"
    return response


def _list(action: str, org: model.Group, **params) -> Any:
    return tk.get_action(action)(_context(), dict(params, organization=org.id))


def _flash_errors(error: tk.ValidationError) -> None:
    for messages in _page_errors(error.error_dict).values():
        for message in messages:
            tk.h.flash_error(message)


# --- the shape shared by questions and feedback -------------------------------------------

def _public_page(org: str, create: str, listing: str, template: str, key: str, received: str,
                 values: dict[str, Any], **search):
    """The published entries of a channel and its form (GET); a submission (POST)
    goes back to the page with a thank-you, or shows the form with its errors.
    ``search``: parameters of the list, given to the template too."""
    organization = _org_or_404(org)
    errors = {}
    if tk.request.method == "POST":
        values = _form()
        try:
            tk.get_action(create)(_context(), dict(values, organization=organization.id))
        except abuse.Throttled as error:
            return _throttled(error)
        except tk.ValidationError as error:
            errors = _page_errors(error.error_dict)
        else:
            tk.h.flash_success(tk._(received))
            return tk.redirect_to(tk.request.endpoint, org=organization.name)
    return tk.render(template, dict(search, **{
        "organization": organization, key: _list(listing, organization, limit=100, **search),
        "errors": errors, "values": values, "staff": is_staff(_context()["user"], organization.id),
        "contact_days": int(abuse.setting("contact_retention_days"))}))


def _queue_page(org: str, listing: str, template: str, key: str):
    """The staff's moderation queue (pending by default); the action refuses others."""
    organization = _org_or_404(org)
    try:
        found = _list(listing, organization, state=tk.request.args.get("state", "pending"), limit=200)
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    return tk.render(template, {"organization": organization, key: found, "state_labels": MODERATION_LABELS})


def _decide(action: str, id: str, queue: str):
    """Publish (with the answer or response) or reject one entry, then back to the queue."""
    try:
        done = tk.get_action(action)(_context(), dict(_form(), id=id))
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    except tk.ObjectNotFound:
        return tk.abort(404)
    except tk.ValidationError as error:
        _flash_errors(error)
        return tk.redirect_to(tk.request.referrer or "/")
    tk.h.flash_success(tk._("Saved"))
    return tk.redirect_to(queue, org=model.Group.get(done["owner_org"]).name)


# --- questions -----------------------------------------------------------------------

@channels.route("/oit/<org>/questions", methods=["GET", "POST"])
def questions(org: str):
    return _public_page(org, "oit_question_create", "oit_question_list", "oit/channels/questions.html",
                        "questions", N_("Your question was received; it will appear with its answer once staff answer it."),
                        {}, q=tk.request.args.get("q", ""))


@channels.route("/oit/<org>/questions/moderate")
def question_queue(org: str):
    return _queue_page(org, "oit_question_list", "oit/channels/question_queue.html", "questions")


@channels.route("/oit/questions/<id>/answer", methods=["POST"])
def question_answer(id: str):
    return _decide("oit_question_answer", id, "oit_channels.question_queue")


# --- feedback ------------------------------------------------------------------------

@channels.route("/oit/<org>/feedback", methods=["GET", "POST"])
def feedback(org: str):
    return _public_page(org, "oit_feedback_create", "oit_feedback_list", "oit/channels/feedback.html",
                        "feedback", N_("Thank you; your opinion will be published with the agency's response after review."),
                        {"package_id": tk.request.args.get("dataset", "")})


@channels.route("/oit/<org>/feedback/moderate")
def feedback_queue(org: str):
    return _queue_page(org, "oit_feedback_list", "oit/channels/feedback_queue.html", "feedback")


@channels.route("/oit/feedback/<id>/respond", methods=["POST"])
def feedback_respond(id: str):
    return _decide("oit_feedback_respond", id, "oit_channels.feedback_queue")


# --- complaints: the public side --------------------------------------------------------

def _complaint_form(organization, errors=None, values=None):
    return tk.render("oit/channels/complaint_new.html", {
        "organization": organization, "errors": errors or {}, "values": values or {},
        "categories": complaints.categories(), "category_names": complaints.names_in_page_language("category"),
        "types": abuse.allowed_types(),
        "max_size_mb": int(abuse.setting("attachment_max_size")) / 1048576,
        "max_count": int(abuse.setting("attachment_max_count")),
        "notice": abuse.setting("privacy_notice"),
        "retention_days": int(abuse.setting("complaint_retention_days"))})


@channels.route("/oit/<org>/complaints/new", methods=["GET", "POST"])
def complaint_new(org: str):
    organization = _org_or_404(org)
    if tk.request.method == "GET":
        return _complaint_form(organization)
    values = _form()
    data = dict(values, organization=organization.id, attachments=tk.request.files.getlist("attachments"))
    try:
        created = tk.get_action("oit_complaint_create")(_context(), data)
    except abuse.Throttled as error:
        return _throttled(error)
    except tk.ValidationError as error:
        return _complaint_form(organization, _page_errors(error.error_dict), values), 400
    # the code is shown this once (never in a URL, never cached)
    return _no_store(tk.render("oit/channels/complaint_received.html",
                               {"organization": organization, "created": created}))


@channels.route("/oit/complaints/status", methods=["GET", "POST"])
def complaint_status():
    found, errors = None, {}
    if tk.request.method == "POST":
        try:
            found = tk.get_action("oit_complaint_status")(
                _context(), {"tracking_code": tk.request.form.get("tracking_code", "")})
        except abuse.Throttled as error:
            return _throttled(error)
        except tk.ObjectNotFound as error:
            errors = _page_errors({"tracking_code": [str(error)]})
    return _no_store(tk.render("oit/channels/complaint_status.html", {
        "found": found, "errors": errors, "labels": complaints.STATUS_LABELS,
        "closure_labels": complaints.CLOSURE_LABELS}))


# --- complaints: the officers' side -----------------------------------------------------

@channels.route("/oit/<org>/complaints")
def complaint_list(org: str):
    organization = _org_or_404(org)
    try:
        found = _list("oit_complaint_list", organization, status=tk.request.args.get("status") or None, limit=500)
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    return _no_store(tk.render("oit/channels/complaint_list.html", {
        "organization": organization, "complaints": found, "statuses": COMPLAINT_STATUSES,
        "labels": complaints.STATUS_LABELS, "category_names": complaints.names_in_page_language("category"),
        "channel_names": complaints.names_in_page_language("channel"), "may_designate": _may("oit_complaint_officer_add", organization)}))


def _may(auth: str, organization: model.Group) -> bool:
    try:
        tk.check_access(auth, _context(), {"organization": organization.id})
    except tk.NotAuthorized:
        return False
    return True


def _members(organization: model.Group) -> list[dict[str, str]]:
    """The organisation's active editors and admins (those who may be designated)."""
    rows = (model.Session.query(model.User, model.Member.capacity)
            .join(model.Member, model.Member.table_id == model.User.id)
            .filter(model.Member.group_id == organization.id, model.Member.table_name == "user",
                    model.Member.state == model.State.ACTIVE, model.User.state == model.State.ACTIVE,
                    model.Member.capacity.in_(officers.CAPACITIES))
            .order_by(model.User.name))
    return [{"name": user.name, "fullname": user.fullname or "", "capacity": capacity} for user, capacity in rows]


OFFICER_DECISIONS = {"add": "oit_complaint_officer_add", "confirm": "oit_complaint_officer_confirm",
                     "remove": "oit_complaint_officer_remove"}


def _officer_decision(organization: model.Group):
    decision = tk.request.form.get("decision")
    action = OFFICER_DECISIONS.get(decision)
    if action is None:
        return tk.abort(400, tk._("Unknown decision"))
    user = tk.request.form.get("user", "")
    try:
        confirmed = tk.get_action(action)(_context(), {"organization": organization.id, "user": user})
    except tk.ValidationError as error:
        _flash_errors(error)
    else:
        if decision == "add" and user not in {o["user"] for o in confirmed}:
            tk.h.flash_success(tk._(
                "Proposed. The person reads no complaint until another admin of the organisation (or a sysadmin) confirms."))
        else:
            tk.h.flash_success(tk._("Saved"))
    return tk.redirect_to("oit_channels.complaint_officers", org=organization.name)


@channels.route("/oit/<org>/complaints/officers", methods=["GET", "POST"])
def complaint_officers(org: str):
    """Organisation admins propose complaint officers, a different admin (or a
    sysadmin) confirms; sysadmins designate directly; any of them ends one."""
    organization = _org_or_404(org)
    try:
        if tk.request.method == "POST":
            return _officer_decision(organization)
        listed = _list("oit_complaint_officer_list", organization, state="all")
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    actor = officers.user_of(_context()["user"])
    proposals = []
    for entry in listed:
        if entry["state"] == officers.PROPOSED:
            row = officers.designation(organization.id, officers.user_of(entry["user"]).id)
            proposals.append(dict(entry, may_confirm=officers.may_confirm(row, actor) is None))
    named = {entry["user"] for entry in listed}
    return tk.render("oit/channels/complaint_officers.html", {
        "organization": organization,
        "officers": [entry for entry in listed if entry["state"] == officers.CONFIRMED],
        "proposals": proposals,
        "candidates": [m for m in _members(organization) if m["name"] not in named],
        "designates": bool(actor) and authz.is_sysadmin(actor.name),
        "may_read": complaints.may_read(_context()["user"], organization.id)})


@channels.route("/oit/complaints/<id>", methods=["GET", "POST"])
def complaint_read(id: str):
    errors = {}
    try:
        if tk.request.method == "POST":
            try:
                tk.get_action("oit_complaint_update")(_context(), dict(_form(), id=id))
                tk.h.flash_success(tk._("Status saved"))
                return tk.redirect_to("oit_channels.complaint_read", id=id)
            except tk.ValidationError as error:
                errors = _page_errors(error.error_dict)
        complaint = tk.get_action("oit_complaint_show")(_context(), {"id": id})
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    except tk.ObjectNotFound:
        return tk.abort(404)
    return _no_store(tk.render("oit/channels/complaint_read.html", {
        "complaint": complaint, "organization": model.Group.get(complaint["owner_org"]), "errors": errors,
        "category_names": complaints.names_in_page_language("category"),
        "channel_names": complaints.names_in_page_language("channel"),
        "statuses": COMPLAINT_STATUSES, "closures": CLOSURES, "labels": complaints.STATUS_LABELS,
        "closure_labels": complaints.CLOSURE_LABELS}))


@channels.route("/oit/complaints/<id>/attachments/<attachment_id>")
def complaint_attachment(id: str, attachment_id: str):
    try:
        tk.check_access("oit_complaint_show", _context(), {"id": id})
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    attachment = model.Session.get(ComplaintAttachment, attachment_id)
    if attachment is None or attachment.complaint_id != id:
        return tk.abort(404)
    path = complaints.attachment_path(attachment)
    if not os.path.isfile(path):
        return tk.abort(404)
    tk.request.environ["__no_cache__"] = True
    response = send_file(path, mimetype=attachment.mimetype, as_attachment=True,
                         download_name=attachment.filename, max_age=0)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
