"""Actions of "my work": what the logged-in person has to do."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import thai_calendar
from ckanext.oit.parameters import validated
from ckanext.oit.work import todo
from ckanext.oit.work.logic import schema


@tk.side_effect_free
def oit_my_work(context, data_dict):
    """What the caller has to do, per organisation where they are an editor or admin:
    ``due`` (the disclosures overdue, or due within ``ckanext.oit.work.due_soon_days``,
    each with ``create_url``, the typed form filled in, or the ``datasets`` begun for it),
    ``drafts``, ``returned`` (with the director's ``reason``); for admins also
    ``approvals`` (``pending`` datasets, open ``change_requests``) and ``compliance``
    (counts due, late and published, the dashboard and ITAS sheet URLs); ``counts`` of
    each list, and ``todo``, what waits for the caller.

    :param fiscal_year: (optional) Buddhist Era; the current one by default
    """
    tk.check_access("oit_my_work", context, data_dict)
    data = validated(data_dict, schema.my_work(), context)
    today = thai_calendar.today()
    fiscal_year = data.get("fiscal_year") or thai_calendar.fiscal_year_of(today)
    return todo.my_work(model.User.get(context["user"]), fiscal_year, today)
