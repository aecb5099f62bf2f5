"""The one way a mail of ours goes out: rendered from a template, queued as a job.

Every mail is a pair of Jinja templates under ``templates/emails/``, as CKAN's
own (``<name>_subject.txt`` and ``<name>.txt``), whose words are msgids
(``_("...")``) in our catalogue. CKAN renders its mail templates with
``ckan.lib.base.render``, which takes the language from the web request; ours
are rendered where no request may exist (the CLI, a job, an action called by
another action), so the language is explicit: the templates loop over
``languages``, one translator each (``{% for _ in languages %}``), Thai first.
CKAN keeps no language per user, so a mail says everything in each language
of the portal; a caller that knows the reader's language passes that one only.

A mail is rendered when it is queued and the job carries the finished text:
the job reads no database and a retry sends the same mail. The job is
``notifications.jobs.send_mail`` (CKAN's mailer) on CKAN's queue, retried as
``ckanext.oit.mail_retries`` / ``ckanext.oit.mail_retry_intervals`` say.
"""
from __future__ import annotations

import datetime
import functools
import logging
import os
from typing import Any, Optional, Sequence

import jinja2
import rq

import ckan.plugins.toolkit as tk

from ckanext.oit import i18n_messages, thai_calendar
from ckanext.oit.notifications.jobs import send_mail

# the notifications' own logger: a mail that could not be queued is their error
log = logging.getLogger("ckanext.oit.notifications")

CONFIG_RETRIES = "ckanext.oit.mail_retries"
CONFIG_INTERVALS = "ckanext.oit.mail_retry_intervals"
DEFAULT_RETRIES = 3
DEFAULT_INTERVALS = "60 300 900"

_OUR_TEMPLATES = os.path.join(os.path.dirname(os.path.dirname(__file__)), "templates")


class Mail:
    """A rendered mail: one subject line and a plain-text body."""

    def __init__(self, subject: str, body: str):
        self.subject, self.body = subject, body

    def __repr__(self) -> str:
        return f"Mail({self.subject!r})"


class Translator:
    """``_`` of a mail template in one language; also writes that language's dates."""

    def __init__(self, lang: str):
        self.lang = i18n_messages.language(lang)

    def __call__(self, msgid: str, **params: Any) -> str:
        return i18n_messages.Message(msgid, **params).say(self.lang)

    def date(self, day: datetime.date | datetime.datetime, style: str = "long") -> str:
        if isinstance(day, datetime.datetime):
            day = day.date()
        return thai_calendar.format_date(day, style, self.lang)

    def date_with_era(self, day: datetime.date | datetime.datetime) -> str:
        """A day as its reader dates it: a Thai date is in the Buddhist Era already; an English one says so."""
        if self.lang == "th":
            return self.date(day)
        return i18n_messages.Message("%(date)s (B.E. %(year)s)", date=self.date(day),
                                     year=thai_calendar.be_year(day.year)).say(self.lang)


def _indented(text: Any) -> str:
    """A quoted text (a reason, a comment), two spaces in on every line."""
    return "\n".join(f"  {line}".rstrip() for line in str(text).splitlines())


@functools.lru_cache(maxsize=8)
def _environment(paths: tuple[str, ...]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(list(paths)), autoescape=False, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["indented"] = _indented
    env.globals["be_year"] = thai_calendar.be_year
    return env


def _template_paths() -> tuple[str, ...]:
    # CKAN's template path first, so a plugin may override a mail as it overrides a page
    paths = [str(p) for p in (tk.config.get("computed_template_paths") or [])]
    return tuple(paths + ([_OUR_TEMPLATES] if _OUR_TEMPLATES not in paths else []))


def render(template: str, languages: Sequence[str] = i18n_messages.LANGUAGES, /, **extra_vars: Any) -> str:
    """``emails/<template>`` said in ``languages`` (each a translator in ``languages``)."""
    env = _environment(_template_paths())
    site_title = " ".join(str(tk.config.get("ckan.site_title") or "").split())
    variables = dict({"site_title": site_title}, **extra_vars)
    variables["languages"] = [Translator(lang) for lang in languages]
    return env.get_template(f"emails/{template}").render(variables)


def compose(name: str, languages: Sequence[str] = i18n_messages.LANGUAGES, /, **extra_vars: Any) -> Mail:
    """The mail ``name``: ``emails/<name>_subject.txt`` (one line) and ``emails/<name>.txt``."""
    subject = " ".join(render(f"{name}_subject.txt", languages, **extra_vars).split())
    body = render(f"{name}.txt", languages, **extra_vars)
    return Mail(subject=subject, body=body)


def queue_mail(event: str, recipient_name: str, recipient_email: str, mail: Mail, title: str) -> bool:
    """Queue ``mail`` to one recipient; True once queued.

    Never raises for a queue that is down or refusing: what decided to send the
    mail has happened and must stand, so the error is logged and False returned.
    """
    rq_kwargs: dict[str, Any] = {}
    retry = retry_policy()
    if retry is not None:
        rq_kwargs["retry"] = retry
    headers = {
        # RFC 3834: keep out-of-office replies away from the portal.
        "Auto-Submitted": "auto-generated",
        "X-OIT-Event": event,
    }
    try:
        tk.enqueue_job(send_mail, kwargs={
            # a name typed with a line break would make the To: header unsendable
            "recipient_name": " ".join(str(recipient_name or "").split()), "recipient_email": recipient_email,
            "subject": mail.subject, "body": mail.body, "headers": headers,
        }, title=title, rq_kwargs=rq_kwargs)
    except Exception:
        log.exception("%s could not be queued; the mail is not sent", title)
        return False
    return True


def retry_policy() -> Optional[rq.Retry]:
    """The ``rq.Retry`` for a mail job from the config, or None for no retry.

    ``ckanext.oit.mail_retries`` (int, default 3) is how many times a failed
    send is tried again; ``ckanext.oit.mail_retry_intervals`` (seconds,
    space-separated, default "60 300 900") how long to wait before each
    retry, the last one repeating when there are more retries than
    intervals. A bad value falls back to the default, with a warning.
    """
    try:
        retries = int(tk.config.get(CONFIG_RETRIES, DEFAULT_RETRIES))
        if retries < 0:
            raise ValueError("negative")
    except (TypeError, ValueError):
        log.warning("Bad %s; using %s", CONFIG_RETRIES, DEFAULT_RETRIES)
        retries = DEFAULT_RETRIES
    if retries == 0:
        return None
    intervals = _intervals(tk.config.get(CONFIG_INTERVALS, DEFAULT_INTERVALS))
    if intervals is None:
        log.warning("Bad %s; using %r", CONFIG_INTERVALS, DEFAULT_INTERVALS)
        intervals = _intervals(DEFAULT_INTERVALS)
    assert intervals
    # RQ picks interval [len(intervals) - retries_left], so a list exactly
    # as long as the retries gives interval i to retry i.
    intervals = (intervals + [intervals[-1]] * retries)[:retries]
    return rq.Retry(max=retries, interval=intervals)


def _intervals(value: Any) -> Optional[list[int]]:
    words = value.replace(",", " ").split() if isinstance(value, str) else list(value or [])
    try:
        intervals = [int(word) for word in words]
    except (TypeError, ValueError):
        return None
    if not intervals or any(i < 0 for i in intervals):
        return None
    return intervals

