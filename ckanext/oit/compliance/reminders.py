"""`ckan oit remind`: a digest of overdue and soon-due items to each
organisation's editors and admins, never twice for the same item and period.
The mail is emails/reminder*.txt, queued as every mail of ours (notifications.mail)."""
from __future__ import annotations

import datetime
import logging
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import disclosure, thai_calendar
from ckanext.oit.compliance import monitor
from ckanext.oit.compliance.model import ReminderSent
from ckanext.oit.notifications.mail import compose, queue_mail

log = logging.getLogger(__name__)


def _due_soon(period: dict[str, Any], as_of: datetime.date, days_ahead: int) -> bool:
    due = datetime.date.fromisoformat(period["due"])
    return period["status"] in (monitor.MISSING, monitor.NOT_YET_DUE) and as_of <= due <= as_of + datetime.timedelta(days=days_ahead)


def _recipients(org_id: str) -> list[model.User]:
    return (model.Session.query(model.User).join(model.Member, model.Member.table_id == model.User.id)
            .filter(model.Member.group_id == org_id, model.Member.state == "active",
                    model.Member.table_name == "user", model.Member.capacity.in_(["editor", "admin"]),
                    model.User.state == "active", model.User.email != None, model.User.email != "")  # noqa: E711
            .all())


def _period_label(period: str, fiscal_year: int):
    return lambda lang: disclosure.period_label(period, fiscal_year, lang)


def remind(as_of: datetime.date | None = None, days_ahead: int = 7) -> list[str]:
    """Queue the digests; returns one line per organisation reminded."""
    as_of = as_of or thai_calendar.today()
    fiscal_year = thai_calendar.fiscal_year_of(as_of)
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site_user["name"], "ignore_auth": True}
    done = []
    for org in model.Session.query(model.Group).filter_by(is_organization=True, state="active"):
        shown = monitor.show(context, {"id": org.id, "name": org.name}, fiscal_year, as_of)
        lines, new = [], []
        for item in shown["items"]:
            for period in item["periods"]:
                overdue = period["status"] == monitor.OVERDUE
                if not (overdue or _due_soon(period, as_of, days_ahead)):
                    continue
                key = (org.id, item["key"], period["fiscal_year"], period["period"])
                if model.Session.get(ReminderSent, key) is not None:
                    continue
                lines.append({"code": item["code"], "name": item["name"], "overdue": overdue,
                              "period": _period_label(period["period"], period["fiscal_year"]),
                              "due": datetime.date.fromisoformat(period["due"])})
                new.append(ReminderSent(owner_org=org.id, item_key=item["key"], fiscal_year=period["fiscal_year"],
                                        period=period["period"], sent_on=as_of))
        if not lines:
            continue
        mail = compose("reminder", organisation=org.title, lines=lines)
        queued = [queue_mail("reminder", user.fullname or user.name, user.email, mail,
                             title=f"OIT reminder {org.name} to {user.name}")
                  for user in _recipients(org.id)]
        if not all(queued):
            continue  # a queue that is down: nothing is marked as sent, so the next run tries again
        model.Session.add_all(new)
        model.Session.commit()
        done.append(f"{org.name}: {len(lines)} item period(s)")
    return done
