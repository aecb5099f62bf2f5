"""Pages of the channels. Public: questions, feedback, the complaint form and
the status by tracking code. Staff: moderation of questions and feedback; the
complaint officers' list, complaint page and attachment downloads. Every read
goes through the actions' auth functions."""
from __future__ import annotations

import os
from typing import Any

from flask import Blueprint, Response, make_response, send_file

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import helpers
from ckanext.oit.channels import abuse, complaints
from ckanext.oit.channels.auth import is_staff
from ckanext.oit.channels.model import CLOSURES, COMPLAINT_STATUSES, ComplaintAttachment

channels = Blueprint("oit_channels", __name__)


def _context() -> dict[str, Any]:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}


def _org_or_404(name: str) -> model.Group:
    org = model.Group.get(name)
    if org is None or not org.is_organization or org.state != model.State.ACTIVE:
        return tk.abort(404, helpers.oit_lang_text("ไม่พบหน่วยงาน", "Organisation not found"))
    return org


def _form() -> dict[str, Any]:
    return {key: tk.request.form.get(key) for key in tk.request.form}


def _throttled(error: abuse.Throttled):
    return tk.render("oit/channels/throttled.html", {"errors": error.error_dict}), 429


def _no_store(response):
    tk.request.environ["__no_cache__"] = True  # CKAN then marks it private, not public
    response = make_response(response) if not isinstance(response, Response) else response
    response.headers["Cache-Control"] = "no-store"
    return response


def _list(action: str, org: model.Group, **params) -> dict[str, Any]:
    return tk.get_action(action)(_context(), dict(params, organization=org.id))


# --- questions -----------------------------------------------------------------------

@channels.route("/oit/<org>/questions", methods=["GET", "POST"])
def questions(org: str):
    organization = _org_or_404(org)
    errors, values = {}, {}
    if tk.request.method == "POST":
        values = _form()
        try:
            tk.get_action("oit_question_create")(_context(), dict(values, organization=organization.id))
        except abuse.Throttled as error:
            return _throttled(error)
        except tk.ValidationError as error:
            errors = error.error_dict
        else:
            tk.h.flash_success(helpers.oit_lang_text(
                "ได้รับคำถามแล้ว จะแสดงพร้อมคำตอบเมื่อเจ้าหน้าที่ตอบ",
                "Your question was received; it will appear with its answer once staff answer it."))
            return tk.redirect_to("oit_channels.questions", org=organization.name)
    q = tk.request.args.get("q", "")
    found = _list("oit_question_list", organization, q=q, limit=100)
    return tk.render("oit/channels/questions.html", {
        "organization": organization, "questions": found, "q": q, "errors": errors, "values": values,
        "staff": is_staff(_context()["user"], organization.id)})


@channels.route("/oit/<org>/questions/moderate")
def question_queue(org: str):
    organization = _org_or_404(org)
    try:
        found = _list("oit_question_list", organization, state=tk.request.args.get("state", "pending"), limit=200)
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    return tk.render("oit/channels/question_queue.html", {"organization": organization, "questions": found})


@channels.route("/oit/questions/<id>/answer", methods=["POST"])
def question_answer(id: str):
    form = _form()
    try:
        question = tk.get_action("oit_question_answer")(_context(), dict(form, id=id))
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    except tk.ObjectNotFound:
        return tk.abort(404)
    except tk.ValidationError as error:
        for messages in error.error_dict.values():
            for message in messages:
                tk.h.flash_error(message)
        return tk.redirect_to(tk.request.referrer or "/")
    tk.h.flash_success(helpers.oit_lang_text("บันทึกแล้ว", "Saved"))
    org = model.Group.get(question["owner_org"])
    return tk.redirect_to("oit_channels.question_queue", org=org.name)


# --- feedback ------------------------------------------------------------------------

@channels.route("/oit/<org>/feedback", methods=["GET", "POST"])
def feedback(org: str):
    organization = _org_or_404(org)
    errors, values = {}, {"package_id": tk.request.args.get("dataset", "")}
    if tk.request.method == "POST":
        values = _form()
        try:
            tk.get_action("oit_feedback_create")(_context(), dict(values, organization=organization.id))
        except abuse.Throttled as error:
            return _throttled(error)
        except tk.ValidationError as error:
            errors = error.error_dict
        else:
            tk.h.flash_success(helpers.oit_lang_text(
                "ได้รับความคิดเห็นแล้ว จะเผยแพร่พร้อมคำตอบของหน่วยงานหลังการตรวจสอบ",
                "Thank you; your opinion will be published with the agency's response after review."))
            return tk.redirect_to("oit_channels.feedback", org=organization.name)
    found = _list("oit_feedback_list", organization, limit=100)
    return tk.render("oit/channels/feedback.html", {
        "organization": organization, "feedback": found, "errors": errors, "values": values,
        "staff": is_staff(_context()["user"], organization.id)})


@channels.route("/oit/<org>/feedback/moderate")
def feedback_queue(org: str):
    organization = _org_or_404(org)
    try:
        found = _list("oit_feedback_list", organization, state=tk.request.args.get("state", "pending"), limit=200)
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    return tk.render("oit/channels/feedback_queue.html", {"organization": organization, "feedback": found})


@channels.route("/oit/feedback/<id>/respond", methods=["POST"])
def feedback_respond(id: str):
    try:
        done = tk.get_action("oit_feedback_respond")(_context(), dict(_form(), id=id))
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    except tk.ObjectNotFound:
        return tk.abort(404)
    except tk.ValidationError as error:
        for messages in error.error_dict.values():
            for message in messages:
                tk.h.flash_error(message)
        return tk.redirect_to(tk.request.referrer or "/")
    tk.h.flash_success(helpers.oit_lang_text("บันทึกแล้ว", "Saved"))
    return tk.redirect_to("oit_channels.feedback_queue", org=model.Group.get(done["owner_org"]).name)


# --- complaints: the public side --------------------------------------------------------

def _complaint_form(organization, errors=None, values=None):
    return tk.render("oit/channels/complaint_new.html", {
        "organization": organization, "errors": errors or {}, "values": values or {},
        "categories": complaints.categories(), "types": abuse.allowed_types(),
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
        return _complaint_form(organization, error.error_dict, values), 400
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
            errors = {"tracking_code": [str(error)]}
    return _no_store(tk.render("oit/channels/complaint_status.html", {"found": found, "errors": errors}))


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
        "labels": complaints.STATUS_LABELS}))


@channels.route("/oit/complaints/<id>", methods=["GET", "POST"])
def complaint_read(id: str):
    errors = {}
    try:
        if tk.request.method == "POST":
            try:
                tk.get_action("oit_complaint_update")(_context(), dict(_form(), id=id))
                tk.h.flash_success(helpers.oit_lang_text("บันทึกสถานะแล้ว", "Status saved"))
                return tk.redirect_to("oit_channels.complaint_read", id=id)
            except tk.ValidationError as error:
                errors = error.error_dict
        complaint = tk.get_action("oit_complaint_show")(_context(), {"id": id})
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    except tk.ObjectNotFound:
        return tk.abort(404)
    return _no_store(tk.render("oit/channels/complaint_read.html", {
        "complaint": complaint, "organization": model.Group.get(complaint["owner_org"]), "errors": errors,
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
