"""Record previews: a table view (CKAN's datatables_view) of the DataStore
rows on the resource page. The records loader calls this once the rows are
in; who may read them is DataStore's own check (resource_show → package_show),
so a private dataset's rows stay hidden from the public."""
from __future__ import annotations

import logging
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.oit.i18n_messages import Message

log = logging.getLogger(__name__)
VIEW_TYPE = "datatables_view"
# stored once, shown to everyone: said in the portal's default language
TITLE = Message("Data table")
DESCRIPTION = Message("The table's rows: search, sort and download them")


def _context() -> dict[str, Any]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    # the workflow's flag: a published dataset's views are otherwise the director's to change
    return {"user": site_user["name"], "ignore_auth": True, "oit_workflow": True}


def ensure_table_view(resource_id: str) -> dict[str, Any] | None:
    """The resource's table view, made if it has none; None without the plugin."""
    if not p.plugin_loaded(VIEW_TYPE):
        return None
    views = tk.get_action("resource_view_list")(_context(), {"id": resource_id})
    existing = next((v for v in views if v["view_type"] == VIEW_TYPE), None)
    if existing:
        return existing
    lang = tk.config.get("ckan.locale_default") or "th"
    view = tk.get_action("resource_view_create")(_context(), {
        "resource_id": resource_id, "view_type": VIEW_TYPE, "title": TITLE.say(lang),
        "description": DESCRIPTION.say(lang)})
    # the table first: it is what the resource page opens with
    order = [view["id"]] + [v["id"] for v in views]
    tk.get_action("resource_view_reorder")(_context(), {"id": resource_id, "order": order})
    return view


def after_records_loaded(resource_id: str) -> None:
    """Called by the records job; a missing view must not undo a good load."""
    try:
        ensure_table_view(resource_id)
    except Exception:
        log.exception("could not add the table view of resource %s", resource_id)
