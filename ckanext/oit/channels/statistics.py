"""Complaint statistics (O31): counts per fiscal year by category, channel and
status, as the complaint-statistics table, in the organisation's oit-complaint
dataset for the item. The dataset is made or changed as a draft (or, once
published, as a change request) and goes public only through the approval
workflow. Counts only: nothing that could identify anyone."""
from __future__ import annotations

import csv
import datetime
import io
from collections import Counter
from typing import Any

from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import disclosure, thai_calendar
from ckanext.oit.channels import complaints
from ckanext.oit.channels.model import Complaint
from ckanext.oit.i18n_messages import LANGUAGES, Message, both
from ckanext.oit.messages import ORGANISATION_NOT_FOUND
from ckanext.oit.records import tables
from ckanext.oit.workflow import guard, states

ITEM_KEY = "complaint-statistics"
RESOURCE_MARK = "oit_channels_statistics"  # resource extra naming the generated file


def counts(org_id: str, fiscal_year: int) -> list[dict[str, Any]]:
    """Rows of the table for the complaints received in the fiscal year."""
    start = datetime.datetime.combine(thai_calendar.fiscal_year_start(fiscal_year), datetime.time())
    end = datetime.datetime.combine(thai_calendar.fiscal_year_end(fiscal_year), datetime.time()) \
        + datetime.timedelta(days=1)
    received = (model.Session.query(Complaint)
                .filter(Complaint.owner_org == org_id, Complaint.received_at >= start, Complaint.received_at < end))
    tally = Counter((c.category, c.channel, complaints.statistics_status(c)) for c in received)
    if not tally:
        return [{"fiscal_year": fiscal_year, "category": "", "channel": "", "status": "", "complaint_count": 0}]
    order = {name: i for i, name in enumerate(complaints.categories())}
    return [{"fiscal_year": fiscal_year, "category": category, "channel": channel, "status": status,
             "complaint_count": n}
            for (category, channel, status), n in sorted(tally.items(), key=lambda kv: (order.get(kv[0][0], 99), kv[0]))]


def to_csv(rows: list[dict[str, Any]]) -> bytes:
    """UTF-8 with BOM and the table's Thai titles, as offices' own files are."""
    schema = tables.get(ITEM_KEY)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([f["title"] for f in schema["fields"]])
    for row in rows:
        writer.writerow([row[f["name"]] for f in schema["fields"]])
    return out.getvalue().encode("utf-8")


def _fiscal_year(fiscal_year: int):
    return lambda lang: thai_calendar.format_fiscal_year(fiscal_year, lang)


def _notes(fiscal_year: int, total: int) -> str:
    """The dataset's description, written once for every reader: Thai, then English."""
    notes = Message("Corruption and misconduct complaints received in fiscal year %(year)s: %(total)s, "
                    "by category, channel and status (counts only, no personal data).",
                    year=fiscal_year, total=total)
    return "\n\n".join(notes.say(lang) for lang in LANGUAGES)


def generate(org_id: str, fiscal_year: int, user_name: str) -> dict[str, Any]:
    """Create or update the statistics dataset of the year, as ``user_name``
    (whose rights were checked when the generation was asked for). The
    workflow's guards still apply: a published dataset changes by change
    request, a pending one is refused."""
    org = model.Group.get(org_id)
    if org is None:
        raise tk.ObjectNotFound(ORGANISATION_NOT_FOUND.both())
    rows = counts(org.id, fiscal_year)
    total = sum(r["complaint_count"] for r in rows)
    data = to_csv(rows)
    context = lambda: {"user": user_name, "ignore_auth": True}  # noqa: E731  (a fresh context per call)
    filename = f"complaint-statistics-{fiscal_year}.csv"
    upload = lambda: FileStorage(stream=io.BytesIO(data), filename=filename, content_type="text/csv")  # noqa: E731
    existing = disclosure.find_same(org.id, ITEM_KEY, fiscal_year, disclosure.YEAR_PERIOD)
    # the file's name is stored once: in the portal's own language
    name = Message("Complaint statistics %(fiscal_year)s", fiscal_year=_fiscal_year(fiscal_year))
    fields = {"name": name.say(tk.config.get("ckan.locale_default") or "th"),
              "format": "CSV", "url": "", RESOURCE_MARK: "true"}
    if existing is None:
        dataset = tk.get_action("package_create")(context(), {
            "type": "oit-complaint", "owner_org": org.id, "item_key": ITEM_KEY,
            "fiscal_year": str(fiscal_year), "notes": _notes(fiscal_year, total), "complaint_total": str(total)})
        tk.get_action("resource_create")(context(), dict(fields, package_id=dataset["id"], upload=upload()))
        package_id = dataset["id"]
    else:
        package_id = existing.id
        status = states.status_of(existing)
        if status == states.PENDING:
            raise tk.ValidationError({"fiscal_year": [
                both("This year's statistics await approval; generate again once the director approves or returns them")]})
        current = tk.get_action("package_show")({"ignore_auth": True, "use_cache": False}, {"id": package_id})
        resource = next((r for r in current["resources"] if r.get(RESOURCE_MARK)), None)
        changed = dict(current, notes=_notes(fiscal_year, total), complaint_total=str(total))
        if resource is None:
            operations = [("resource_create", dict(fields, package_id=package_id, upload=upload()))]
        else:
            kept = {k: v for k, v in resource.items() if k != "oit_records"}
            operations = [("resource_update", dict(kept, **fields, upload=upload()))]
        operations.insert(0, ("package_update", changed))
        for action, data in operations:
            if status == states.PUBLISHED:
                # Published content changes only by approval, whoever asks (a sysadmin too).
                guard.propose_change(context(), existing, action, data)
            else:
                tk.get_action(action)(context(), data)
    shown = tk.get_action("package_show")({"ignore_auth": True, "use_cache": False}, {"id": package_id})
    return {"dataset": shown["name"], "id": shown["id"], "oit_status": shown.get("oit_status"),
            "complaint_total": total, "rows": len(rows)}
