"""Dates as Thai readers expect them: Buddhist Era years and Thai month names.

CKAN formats dates with Babel, whose Thai locale keeps the Gregorian year
(25 November CE 2025, in Thai), and the browser rewrites some of them with
moment.js the same way. In Thai mode the helpers here write the Buddhist Era
year instead; English mode is left to CKAN. Machine formats (an explicit
``date_format``, as in ``data-datetime`` attributes) are never changed.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Callable

import pytz
from flask_babel import format_timedelta

import ckan.plugins.toolkit as tk

from ckanext.oit import thai_calendar
from ckanext.oit.i18n_messages import Message, language


def oit_is_thai() -> bool:
    """True unless the page is in English (Thai is the default locale)."""
    return language() == "th"


def _display_zone() -> Any:
    return pytz.timezone(tk.config.get("ckan.display_timezone") or "UTC")


def as_display_time(moment: datetime) -> datetime:
    """A datetime in the display time zone; naive values are UTC, as CKAN stores them."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=pytz.utc)
    return moment.astimezone(_display_zone())


def _as_local(value: Any) -> datetime | None:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    if isinstance(value, date) and not isinstance(value, datetime):
        # a calendar day has no time zone to convert
        return datetime(value.year, value.month, value.day)
    if not isinstance(value, datetime):
        return None
    return as_display_time(value)


def thai_datetime(moment: datetime, with_hours: bool = False, with_seconds: bool = False,
                  style: str = "long") -> str:
    """The day in Thai with its BE year, and the time if asked (the Thai of "%(date)s, %(time)s")."""
    text = thai_calendar.format_date(moment.date(), style, "th")
    if with_seconds:
        return _date_and_time(text, f"{moment:%H:%M:%S}").say("th")
    if with_hours:
        return _date_and_time(text, f"{moment:%H:%M}").say("th")
    return text


def _date_and_time(day: str, time: str) -> Message:
    return Message("%(date)s, %(time)s", date=day, time=time)


def _thai_time_ago(moment: datetime) -> str:
    # Babel's Thai relative times are good (two days ago, in Thai); only "just now" is CKAN's.
    delta = moment - datetime.now(pytz.utc)
    if abs(delta) < timedelta(seconds=1):
        return Message("Just now").say("th")
    return format_timedelta(delta, add_direction=True)


@tk.chained_helper
def render_datetime(next_helper: Callable[..., str], datetime_: Any, date_format: str | None = None,
                    with_hours: bool = False, with_seconds: bool = False) -> str:
    if date_format or not oit_is_thai():
        return next_helper(datetime_, date_format=date_format, with_hours=with_hours, with_seconds=with_seconds)
    moment = _as_local(datetime_)
    if moment is None:
        return ""
    return thai_datetime(moment, with_hours, with_seconds)


@tk.chained_helper
def localised_nice_date(next_helper: Callable[..., str], datetime_: datetime, show_date: bool = False,
                        with_hours: bool = False, with_seconds: bool = False, format: str | None = None) -> str:
    if format or not oit_is_thai():
        return next_helper(datetime_, show_date=show_date, with_hours=with_hours,
                           with_seconds=with_seconds, format=format)
    moment = _as_local(datetime_)
    if moment is None:
        return ""
    if not show_date:
        return _thai_time_ago(moment)
    return thai_datetime(moment, with_hours, with_seconds)


def oit_format_datetime(value: Any, style: str = "short") -> str:
    """Date and time for people, in the page's language: a BE year in Thai."""
    moment = _as_local(value)
    if moment is None:
        return str(value or "")
    lang = language()
    return _date_and_time(thai_calendar.format_date(moment.date(), style, lang), f"{moment:%H:%M}").say(lang)
