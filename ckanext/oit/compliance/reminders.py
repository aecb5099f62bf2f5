"""`ckan oit remind`: a digest of overdue and soon-due items to each
organisation's editors and admins, never twice for the same item and period.
The mail is emails/reminder*.txt, queued as every mail of ours (notifications.mail)."""
from __future__ import annotations

import datetime
import logging
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import disclosure, frameworks, thai_calendar
from ckanext.oit.compliance import monitor
from ckanext.oit.compliance.model import ReminderSent
from ckanext.oit.notifications.mail import compose, queue_mail

log = logging.getLogger(__name__)
# the ReminderSent key of the sysadmins' reminder of a provisional edition (no organisation)
EDITION_REMINDER = "oit-edition"


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


def _sysadmins() -> list[model.User]:
    return (model.Session.query(model.User).filter(
        model.User.sysadmin.is_(True), model.User.state == "active", model.User.email != None,  # noqa: E711
        model.User.email != "", model.User.name != tk.config.get("ckan.site_id")).all())


def remind_provisional(fiscal_year: int, as_of: datetime.date) -> str | None:
    """Once per fiscal year without a confirmed edition: tell the sysadmins."""
    resolution = frameworks.resolve(fiscal_year)
    key = ("", EDITION_REMINDER, fiscal_year, "provisional")
    if not resolution.provisional or model.Session.get(ReminderSent, key) is not None:
        return None
    people = _sysadmins()
    if not people:
        return None
    mail = compose("edition_provisional", fiscal_year=fiscal_year, edition=resolution.edition.edition,
                   url=tk.url_for("oit_editions.index", qualified=True, locale="default"))
    if not all([queue_mail("edition_provisional", u.fullname or u.name, u.email, mail,
                           title=f"OIT edition reminder {fiscal_year} to {u.name}") for u in people]):
        return None
    model.Session.add(ReminderSent(owner_org=key[0], item_key=key[1], fiscal_year=fiscal_year, period=key[3],
                                   sent_on=as_of))
    model.Session.commit()
    return f"sysadmins: fiscal year {fiscal_year} has no confirmed edition ({len(people)} reminded)"


def remind(as_of: datetime.date | None = None, days_ahead: int = 7) -> list[str]:
    """Queue the digests; returns one line per organisation reminded (and one for
    the sysadmins when the fiscal year has no confirmed edition)."""
    as_of = as_of or thai_calendar.today()
    fiscal_year = thai_calendar.fiscal_year_of(as_of)
    done = [line] if (line := remind_provisional(fiscal_year, as_of)) else []
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site_user["name"], "ignore_auth": True}
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
