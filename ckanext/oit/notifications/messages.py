"""The workflow e-mails: what happened to a dataset, to the director or the submitter.

The words are in ``templates/emails/workflow*.txt`` (msgids of our catalogue),
said in Thai, then in English. Everything here is plain text built from plain
dicts, so a mail can be made outside a web request (no ``url_for``) and handed
to a background job ready to send: the job never reads the database, and a
retry hours later still says when the event happened, not when the mail
finally went out.

Dates are in the Buddhist Era; the English part gives the Christian year with
the Buddhist Era one beside it.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping, Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import ckan.plugins.toolkit as tk

from ckanext.oit.notifications.mail import Mail, compose


# Decisions a director (or the workflow) takes on a submission.
DECISIONS: tuple[str, ...] = (
    "approved",
    "returned",
    "change_approved",
    "change_returned",
    "withdrawn",
)
# Every event that sends mail: the two kinds of submission and the decisions.
EVENTS: tuple[str, ...] = ("submitted", "change_submitted") + DECISIONS

# Events whose comment is the reason for them (a reason is expected).
_REASON_EVENTS = frozenset({"returned", "change_returned", "withdrawn"})

_FALLBACK_TZ = timezone(timedelta(hours=7), "ICT")


# The rendered mail (subject and body), as every mail of ours.
Message = Mail


def display_name(user: Optional[Mapping[str, Any]]) -> str:
    """The name to address or cite a user by: full name, else user name."""
    if not user:
        return ""
    return _one_line(user.get("fullname") or user.get("display_name") or user.get("name") or "")


def dataset_url(package: Mapping[str, Any]) -> str:
    """The dataset's page, built from ``ckan.site_url`` (no request needed)."""
    site_url = (tk.config.get("ckan.site_url") or "").rstrip("/")
    root_path = _root_path()
    dataset_type = package.get("type") or "dataset"
    name = package.get("name") or package.get("id") or ""
    return f"{site_url}{root_path}/{dataset_type}/{name}"


def site_link(path: str) -> str:
    """A page of the portal (``path`` from its root), built like ``dataset_url``."""
    site_url = (tk.config.get("ckan.site_url") or "").rstrip("/")
    return f"{site_url}{_root_path()}/{path.lstrip('/')}"


def event_time(when: Optional[datetime] = None) -> datetime:
    """``when`` (or now) in the portal's display time zone."""
    tz = _display_tz()
    if when is None:
        return datetime.now(tz)
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(tz)


def submitted_message(
    package: Mapping[str, Any],
    submitter: Mapping[str, Any],
    recipient: Mapping[str, Any],
    *,
    comment: Optional[str] = None,
    change_request: bool = False,
    when: Optional[datetime] = None,
) -> Message:
    """The mail to a director that a dataset (or a change to it) awaits approval."""
    event = "change_submitted" if change_request else "submitted"
    return _build(event, package, submitter, recipient, comment, when)


def decision_message(
    package: Mapping[str, Any],
    decision: str,
    actor: Mapping[str, Any],
    recipient: Mapping[str, Any],
    comment: Optional[str] = None,
    *,
    when: Optional[datetime] = None,
) -> Message:
    """The mail to a submitter about the decision taken on their submission."""
    if decision not in DECISIONS:
        raise ValueError(
            f"unknown decision {decision!r}; expected one of {', '.join(DECISIONS)}"
        )
    return _build(decision, package, actor, recipient, comment, when)


def _build(
    event: str,
    package: Mapping[str, Any],
    actor: Mapping[str, Any],
    recipient: Mapping[str, Any],
    comment: Optional[str],
    when: Optional[datetime],
) -> Mail:
    title = _one_line(package.get("title") or package.get("name") or "")
    return compose(
        "workflow", event=event, title=title, short_title=_shorten(title, 120),
        organisation=_one_line(((package.get("organization") or {}).get("title")) or ""),
        actor=display_name(actor) or "-", name=display_name(recipient), moment=event_time(when),
        url=dataset_url(package), comment=(comment or "").strip(), reason_expected=event in _REASON_EVENTS)


def _display_tz():
    name = (tk.config.get("ckan.display_timezone") or "").strip()
    if name and name.lower() != "server":
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    elif name.lower() == "server":
        return datetime.now().astimezone().tzinfo
    try:
        return ZoneInfo("Asia/Bangkok")
    except ZoneInfoNotFoundError:
        return _FALLBACK_TZ


def _root_path() -> str:
    # ckan.root_path may carry a {{LANG}} placeholder; a mail has no language
    # in its URL, so drop it (CKAN serves the default locale there).
    root = (tk.config.get("ckan.root_path") or "").replace("{{LANG}}", "")
    root = re.sub(r"/{2,}", "/", root).rstrip("/")
    return root if not root or root.startswith("/") else f"/{root}"


_SPACE = re.compile(r"\s+")


def _one_line(text: str) -> str:
    """Text fit for a header or a quote: no line breaks, no runs of space."""
    return _SPACE.sub(" ", str(text)).strip()


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

