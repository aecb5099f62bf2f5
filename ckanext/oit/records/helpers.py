"""Template helpers of the records: the validation state of a dataset's tables,
in the page's language, for the dataset page, the approval page and dashboards."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit.i18n_messages import language
from ckanext.oit.records import fetch, states

COUNTED = ("loaded", "invalid", "failed")  # said with a number: rows, or problems


def _words(status: str, n: int) -> str:
    """What a state is called, with ``{num}`` for its count."""
    if status == "loaded":
        return tk.ungettext("Valid and loaded, {num} row", "Valid and loaded, {num} rows", n)
    if status == "invalid":
        return tk.ungettext("Invalid, {num} problem", "Invalid, {num} problems", n)
    if status == "failed":
        return tk.ungettext("Failed, {num} problem", "Failed, {num} problems", n)
    if status == "queued":
        return tk._("Queued for checking")
    if status == "not_validated":
        return tk._("Not validated: the portal has not checked this file")
    return status


def _said(status: str, count: int) -> str:
    return _words(status, count).replace("{num}", str(count))


def _count(state: dict[str, Any]) -> int:
    return (state.get("row_count") or 0) if state["status"] == "loaded" else state.get("problem_count") or 0


def _text(state: dict[str, Any]) -> str:
    """A state in words; a period stated to have nothing (no procurement) says so."""
    empty = state.get("empty_period")
    if empty:
        return empty["message_en"] if language() == "en" else empty["message_th"]
    return _said(state["status"], _count(state))


def oit_table_states(pkg_dict: dict[str, Any], limit: int = 20) -> list[dict[str, Any]]:
    """The validation state of each table of a dataset, read from the database.

    ``pkg_dict`` needs only its ``id`` (a package_show or package_search dict);
    the caller has already been allowed to see the dataset. Returns one dict
    per table resource, in the dataset's order (an empty list for a dataset
    without tables, e.g. a PDF link or an item with no table schema)::

        {"resource_id", "name", "status", "row_count", "problem_count",
         "problems" (the first ``limit``), "linked", "text", "doubtful",
         "empty_period" (only for a period stated to have no rows),
         "warnings" (what the file lacks, such as a column of the official form)}

    ``status`` is ``loaded``, ``invalid``, ``failed``, ``queued`` or
    ``not_validated`` (a linked file the portal has not checked); ``text`` says
    it in the page's language ("Invalid, 3 problems"); ``doubtful`` is true
    where a submission or an approval asks for confirmation. A page that shows
    these and wants them to follow a file being checked includes the snippet
    ``oit/records/table_summary.html`` (``pkg``, ``tables``) instead.
    """
    package = model.Package.get(str((pkg_dict or {}).get("id") or ""))
    if package is None:
        return []
    found = states.table_states(package, limit=limit)
    for state in found:
        state["text"] = _text(state)
        state["doubtful"] = state["status"] in states.DOUBTFUL
    return found


def oit_table_state_text(state: dict[str, Any]) -> str:
    """One table's state in the page's language (a dict of oit_table_states or
    a resource's ``oit_records``)."""
    return _text(state) if state.get("status") else ""


def oit_table_state_texts() -> dict[str, str]:
    """The words of each state, as ``data-`` attributes for the page's script
    (assets/table-state.js): ``text-<status>`` or ``text-<status>-one``/``-other``."""
    texts = {}
    for status in states.STATUSES:
        if status in COUNTED:
            texts[f"text-{status}-one"] = _words(status, 1)
            texts[f"text-{status}-other"] = _words(status, 2)
        else:
            texts[f"text-{status}"] = _words(status, 0)
    return texts


def oit_invalid_tables() -> str:
    """``confirm`` (a submission or approval with doubtful tables needs a
    confirmation) or ``refuse`` (ckanext.oit.invalid_tables)."""
    return "refuse" if tk.config.get("ckanext.oit.invalid_tables") == "refuse" else "confirm"


def oit_records_may_fetch(resource_id: str) -> bool:
    """Whether the current user may have this linked table fetched and validated now."""
    resource = model.Resource.get(resource_id or "")
    if resource is None or fetch.not_fetchable(resource) is not None:
        return False
    user = tk.current_user.name if tk.current_user.is_authenticated else ""
    try:
        tk.check_access("oit_records_fetch", {"user": user}, {"resource_id": resource.id})
    except tk.NotAuthorized:
        return False
    return True
