"""Template helpers of "my work": the count in the header, and the period as people
type it in the new-dataset form."""
from __future__ import annotations

import re
from typing import Any

from flask import g

import ckan.plugins.toolkit as tk
from ckan.lib.search import SearchError

from ckanext.oit import disclosure_query, thai_calendar
from ckanext.oit.i18n_messages import language


def oit_my_work_todo() -> int | None:
    """How many things wait for the logged-in person (``todo`` of oit_my_work), once a
    request; None for whoever edits for no organisation (no link then)."""
    if not tk.current_user.is_authenticated:
        return None
    if "oit_my_work_todo" not in g:
        try:
            g.oit_my_work_todo = tk.get_action("oit_my_work")({"user": tk.current_user.name}, {})["todo"]
        except (tk.NotAuthorized, SearchError):
            g.oit_my_work_todo = None  # a search index that is down costs the count, not the page
    return g.oit_my_work_todo


def oit_period_input(value: Any) -> Any:
    """A stored period as a person types it in the form's language: 2025-10 is
    "Oct 2025" (its Thai short name and BE year in Thai), round-2 is "2", a whole year is left empty."""
    text = str(value or "")
    if re.fullmatch(r"\d{4}-\d{2}", text):
        year, month = (int(p) for p in text.split("-"))
        if 1 <= month <= 12:
            return thai_calendar.format_month(year, month, "short", language())
    if re.fullmatch(r"round-\d{1,2}", text):
        return text.removeprefix("round-")
    if text == disclosure_query.WHOLE_YEAR:
        return ""
    return value
