"""Input schemas of the channels actions, and the validators of the public
forms' fields they are built from: text with markup stripped and script
refused, an e-mail address, a choice from a list, a date (ISO or Thai, not in
the future), a flag, the honeypot and the attachments.

A field's ``label`` is a msgid ("The question"); every error names it in both
languages, Thai first. A field gets one error (the attachments one per refused
file): a validator that refuses ends the field's checks.
"""
from __future__ import annotations

import datetime
from typing import Any, Callable, Iterable, NoReturn

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import thai_calendar
from ckanext.oit.channels import abuse, complaints
from ckanext.oit.channels.model import CLOSED, CLOSURES, COMPLAINT_STATUSES, FORWARDED
from ckanext.oit.i18n_messages import Message, N_

Validator = Callable[..., Any]
FLAG_TRUE = ("1", "true", "on", "yes")


def validated(data_dict: dict[str, Any], input_schema: dict[str, list], context) -> dict[str, Any]:
    """The data validated by ``input_schema``, or a ValidationError whose fields
    come in the schema's order (navl sorts them by name): the forms list the
    errors in that order, the order of their fields."""
    data, errors = tk.navl_validate(data_dict, input_schema, context)
    if errors:
        ordered = {key: errors[key] for key in input_schema if key in errors}
        ordered.update(errors)
        raise tk.ValidationError(ordered)
    return data


# --- validators ----------------------------------------------------------------------

def _blank(value: Any, falsy: bool = False) -> bool:
    """Nothing given: missing, None or spaces (and, with ``falsy``, any false value)."""
    if value is tk.missing or value is None or (falsy and not value):
        return True
    return str(value).strip() == ""


def _given(data: dict, field: str) -> str:
    """Another field as given: navl checks the fields in the order of their
    names, so that one may not have been checked yet."""
    value = data.get((field,))
    return "" if value is tk.missing or value is None else str(value).strip()


def _refuse(key: tuple, errors: dict, message: Message) -> NoReturn:
    errors[key].append(message.both())
    raise tk.StopOnError


def _required(message: Message, when: tuple[str, str] | None, falsy: bool) -> Validator:
    def validator(key, data, errors, context):
        if not _blank(data.get(key), falsy):
            return
        if when is None or _given(data, when[0]) == when[1]:
            _refuse(key, errors, message)
        data.pop(key, None)  # not required, not given: nothing more to check
        raise tk.StopOnError
    return validator


def filled(label: str, when: tuple[str, str] | None = None) -> Validator:
    """Required typed text, always or while field ``when[0]`` is ``when[1]``."""
    return _required(Message("%(field)s is required", field=Message(label)), when, falsy=False)


def picked(label: str) -> Validator:
    """Required choice ("%(choice)s": Thai asks for a chosen field with another verb than a typed one)."""
    return _required(Message("%(choice)s is required", choice=Message(label)), None, falsy=True)


def clean_text(label: str) -> Validator:
    """Script refused; other markup stripped to its text; nothing left is None."""
    def validator(key, data, errors, context):
        value = data.get(key)
        if not isinstance(value, (str, int, float)):  # a list's Python form is no one's text
            _refuse(key, errors, Message("%(field)s must be text", field=Message(label)))
        raw = str(value)
        if abuse.has_script(raw):
            _refuse(key, errors, Message("%(field)s contains script or code, which is not allowed",
                                         field=Message(label)))
        data[key] = abuse.plain_text(raw) or None
    return validator


def at_most(label: str, max_length: int) -> Validator:
    def validator(key, data, errors, context):
        value = data.get(key)
        if value and len(value) > max_length:
            _refuse(key, errors, Message("%(field)s is longer than %(max)s characters",
                                         field=Message(label), max=f"{max_length:,}"))
    return validator


def text(label: str, max_length: int = abuse.MAX_TEXT, required: bool = False,
         when: tuple[str, str] | None = None) -> list[Validator]:
    """Free text, optional unless ``required`` (or required ``when`` another field has a value).
    Required is checked as given and again once the markup is stripped."""
    if required or when:
        need = filled(label, when)
        return [need, clean_text(label), need, at_most(label, max_length)]
    return [tk.get_validator("ignore_missing"), clean_text(label), at_most(label, max_length)]


def email_address(value: Any) -> Any:
    if value and not abuse.EMAIL_RE.match(value):
        raise tk.Invalid(Message("The e-mail address is not valid").both())
    return value


def email() -> list[Validator]:
    return text(N_("E-mail"), 200) + [email_address]


def choice(label: str, choices: Iterable[str]) -> Validator:
    """One of ``choices`` (after ``picked`` or ``ignore_empty``)."""
    allowed = tuple(choices)

    def validator(value):
        value = str(value).strip()
        if value not in allowed:
            raise tk.Invalid(Message("%(choice)s is not one of the choices", choice=Message(label)).both())
        return value
    return validator


def only_while(field: str, value: str) -> Validator:
    """The field counts only while another has a value; otherwise it is dropped."""
    def validator(key, data, errors, context):
        if _given(data, field) != value:
            data.pop(key, None)
            raise tk.StopOnError
    return validator


def past_date(label: str) -> Validator:
    """A day in ISO form or as Thai offices write it (thai_calendar), not after today; empty is None."""
    def validator(key, data, errors, context):
        value = data.get(key)
        written = "" if _blank(value, falsy=True) else str(value).strip()
        if not written:
            data[key] = None
            return
        try:
            day = datetime.date.fromisoformat(written)
        except ValueError:
            try:
                day = thai_calendar.parse_date(written)
            except thai_calendar.ThaiDateError:
                _refuse(key, errors, Message("%(field)s cannot be read; use e.g. 2025-10-15", field=Message(label)))
        if day > thai_calendar.today():
            _refuse(key, errors, Message("%(field)s is in the future", field=Message(label)))
        data[key] = day
    return validator


def flag(value: Any) -> bool:
    return not _blank(value, falsy=True) and str(value).strip().lower() in FLAG_TRUE


def privacy_accepted(value: Any) -> bool:
    if value is not True:
        raise tk.Invalid(Message("Please read and accept the privacy notice").both())
    return value


def honeypot(value: Any) -> None:
    """People leave the hidden field empty; bots fill it in."""
    if not _blank(value, falsy=True):
        raise tk.Invalid(Message("Refused: a field that must stay empty was filled in").both())


def attached_files(key, data, errors, context):
    """The uploaded files, checked (abuse.attachments): the list of those that
    pass; an error for each that does not."""
    files, problems = abuse.attachments(data.get(key))
    errors[key].extend(problem.both() for problem in problems)
    data[key] = files


def published_dataset_of(org_id: str) -> Validator:
    """The id of a public, active dataset of the organisation."""
    def validator(value):
        package = model.Package.get(str(value))
        if package is None or package.owner_org != org_id or package.private or package.state != model.State.ACTIVE:
            raise tk.Invalid(Message("No such published dataset of the organisation").both())
        return package.id
    return validator


# --- schemas, one per action input (the order of the fields is the order of the errors) ----

def question_create() -> dict[str, list]:
    return {abuse.HONEYPOT: [honeypot],
            "question": text(N_("The question"), 3000, required=True),
            "name": text(N_("The name"), 200),
            "email": email()}


def question_answer(publish: bool) -> dict[str, list]:
    """An answer is required to publish, not to reject."""
    return {"answer": text(N_("The answer"), 10000, required=publish)}


def feedback_create(org_id: str) -> dict[str, list]:
    return {abuse.HONEYPOT: [honeypot],
            "message": text(N_("The opinion"), 5000, required=True),
            "topic": text(N_("The topic"), 300),
            "name": text(N_("The name"), 200),
            "email": email(),
            "package_id": [tk.get_validator("ignore_empty"), published_dataset_of(org_id)]}


def feedback_respond(publish: bool) -> dict[str, list]:
    return {"response": text(N_("The agency's response"), 10000, required=publish)}


def complaint_create(officer: bool) -> dict[str, list]:
    """The public's complaint form; a complaint officer recording a complaint
    that came another way also gives its channel and the day it was received."""
    ignore_empty = tk.get_validator("ignore_empty")
    schema = {
        abuse.HONEYPOT: [honeypot],
        "category": [picked(N_("The category")), choice(N_("The category"), complaints.categories())],
        "description": text(N_("The description"), 10000, required=True),
        "incident_date": [past_date(N_("The date of the incident"))],
        "incident_place": text(N_("The place"), 500),
        "anonymous": [flag],
        "name": text(N_("The name"), 200),
        "email": email(),
        "phone": text(N_("The telephone"), 50),
        "privacy_accepted": [flag, privacy_accepted],
    }
    if officer:
        schema["channel"] = [ignore_empty, picked(N_("The channel")),
                             choice(N_("The channel"), complaints.channels())]
        schema["received_on"] = [ignore_empty, past_date(N_("The date received"))]
    schema["attachments"] = [attached_files]
    return schema


def complaint_update() -> dict[str, list]:
    """The forwarded-to agency is required to forward; the outcome and how it
    was closed, to close (how it was closed counts only then)."""
    return {
        "status": [picked(N_("The status")), choice(N_("The status"), COMPLAINT_STATUSES)],
        "forwarded_to": text(N_("The agency forwarded to"), 300, when=("status", FORWARDED)),
        "outcome": text(N_("The outcome"), 5000, when=("status", CLOSED)),
        "closure": [only_while("status", CLOSED), picked(N_("How it was closed")),
                    choice(N_("How it was closed"), CLOSURES)],
        "officer_note": text(N_("The officer's note"), 10000),
    }
