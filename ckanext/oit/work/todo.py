"""What one person has to do, per organisation where they are an editor or admin.

Staff (editors and admins): the disclosures due and overdue in a fiscal year (the
compliance monitor's status of each item and period), each with the typed form that
creates it, or the dataset already started for it; the drafts; the datasets returned
for changes with the director's reason (the comment of their last "return" audit
event). Admins (the director) also get what waits for their approval (submitted
datasets and open change requests) and the compliance summary with its pages.

Everything is searched as the person (package_search's permissions) and only in the
organisations their own membership names, so nobody sees another organisation's work.
"""
from __future__ import annotations

import datetime
from typing import Any, Iterable

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import disclosure_query, frameworks, thai_calendar
from ckanext.oit.audit.model import audit_event_table
from ckanext.oit.compliance import monitor
from ckanext.oit.compliance.due import Expected
from ckanext.oit.frameworks import Item
from ckanext.oit.roles import role_in_org

STAFF_ROLES = ("editor", "admin")
DUE, OVERDUE = "due", "overdue"
# what a found dataset carries for these lists
# (the organisation's name: Solr stores that, not owner_org)
FIELDS = ["id", "name", "title", "dataset_type", "organization", "metadata_modified",
          "extras_item_key", "extras_fiscal_year", "extras_period", "extras_oit_status"]
MAX_LISTED = 1000
# listed first: what comes back every month or round (the yearly items, all due early in
# the fiscal year, would bury them)
RECURRING = ("monthly", "round")
YEARLY_OPEN_UP_TO = 5  # more yearly entries than this are folded under their count


def memberships(user: model.User) -> list[tuple[model.Group, str]]:
    """The active organisations where ``user`` is an editor or admin, with the role,
    from their own memberships (a sysadmin's too: not every organisation of the portal)."""
    rows = (model.Session.query(model.Group, model.Member.capacity)
            .join(model.Member, model.Member.group_id == model.Group.id)
            .filter(model.Member.table_name == "user", model.Member.table_id == user.id,
                    model.Member.state == "active", model.Member.capacity.in_(STAFF_ROLES),
                    model.Group.is_organization.is_(True), model.Group.state == "active")
            .order_by(model.Group.title, model.Group.name))
    best: dict[str, tuple[model.Group, str]] = {}
    for group, role in rows:
        if group.id not in best or role == "admin":
            best[group.id] = (group, role)
    return list(best.values())


def started(expected: Expected, today: datetime.date) -> bool:
    """Whether the period of an expected disclosure has begun: a month or a round
    is written once it is under way; a yearly item at any time of its year."""
    if expected.item.cadence == "monthly":
        year, month = (int(p) for p in expected.period.split("-"))
        return datetime.date(year, month, 1) <= today
    if expected.item.cadence == "round":
        number = int(expected.period.removeprefix("round-"))
        months = tk.config.get("ckanext.oit.monitoring_round_months")
        return thai_calendar.monitoring_round(expected.fiscal_year, number, months).start <= today
    return True


def create_url(item: Item, fiscal_year: int, period: str, org_id: str) -> str:
    """The typed form of the item's dataset type, with organisation, item, fiscal year
    and period filled in (CKAN's new-dataset form takes its initial values from the
    query; the form validates them as any others when it is sent)."""
    return tk.url_for(f"{item.dataset_type}.new", owner_org=org_id, item_key=item.key,
                      fiscal_year=fiscal_year, period=period)


def dataset_url(dataset: dict[str, Any]) -> str:
    return tk.url_for(f"{dataset.get('dataset_type') or dataset.get('type')}.read", id=dataset["name"])


def _found(dataset: dict[str, Any]) -> dict[str, Any]:
    return {"id": dataset["id"], "name": dataset["name"], "title": dataset.get("title") or dataset["name"],
            "type": dataset.get("dataset_type"), "item_key": dataset.get("item_key"),
            "fiscal_year": dataset.get("fiscal_year"), "period": dataset.get("period"),
            "status": dataset.get("oit_status"), "metadata_modified": dataset.get("metadata_modified"),
            "url": dataset_url(dataset)}


def _search(context: dict[str, Any], org_ids: list[str], status: str) -> list[dict[str, Any]]:
    if not org_ids:
        return []
    found = disclosure_query.search(context, organization=org_ids, status=status, include_private=True,
                                    rows=MAX_LISTED, sort="metadata_modified desc", fl=FIELDS)["results"]
    return [dict(_found(d), organization=d.get("organization")) for d in found]


def return_reasons(package_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The last "return" audit event of each dataset: the director's reason, who, when."""
    ids = list(package_ids)
    if not ids:
        return {}
    events = audit_event_table.c
    query = (sa.select(events.package_id, events.comment, events.actor_id, events.actor_name, events.created)
             .where(events.package_id.in_(ids), events.action == "return").order_by(events.id.desc()))
    reasons: dict[str, dict[str, Any]] = {}
    for row in model.Session.execute(query):
        if row.package_id not in reasons:
            actor = model.User.get(row.actor_id) if row.actor_id else None
            reasons[row.package_id] = {
                "reason": row.comment or "", "returned_at": row.created.isoformat(),
                "returned_by": (actor.fullname or actor.name) if actor else (row.actor_name or "")}
    return reasons


def _due_list(shown: dict[str, Any], org: model.Group, as_of: datetime.date, soon: int) -> list[dict[str, Any]]:
    """The overdue periods and those due within ``soon`` days that nothing is pending,
    returned or published for: monthly and round items first, then the yearly ones,
    each most urgent first."""
    edition = frameworks.edition(shown["edition"])
    horizon = as_of + datetime.timedelta(days=soon)
    entries = []
    for shown_item in shown["items"]:
        item = edition.item_by_key(shown_item["key"]) if edition else None
        if item is None:
            continue
        for period in shown_item["periods"]:
            due = datetime.date.fromisoformat(period["due"])
            if period["status"] == monitor.OVERDUE:
                kind = OVERDUE
            elif period["status"] in (monitor.MISSING, monitor.NOT_YET_DUE) and due <= horizon:
                kind = DUE
            else:
                continue
            # a draft or withdrawn dataset already holds this disclosure: it is continued, not made again
            begun = [{"name": d["name"], "type": d["type"], "status": d["status"],
                      "url": dataset_url(d)} for d in period["datasets"]]
            entries.append({
                "item_key": item.key, "code": item.code, "order": item.order,
                "name": {"th": item.name_th, "en": item.name_en}, "category": item.category,
                "dataset_type": item.dataset_type, "recurring": item.cadence in RECURRING,
                "fiscal_year": period["fiscal_year"],
                "period": period["period"], "due": period["due"], "status": kind, "datasets": begun,
                "create_url": None if begun else create_url(item, period["fiscal_year"], period["period"], org.id),
                "landing_url": tk.url_for("oit_compliance.landing", org=org.name,
                                          fiscal_year=shown["fiscal_year"], item_key=item.key)})
    entries.sort(key=lambda e: (not e["recurring"], e["status"] != OVERDUE, e["due"], e["order"], e["period"]))
    for entry in entries:
        del entry["order"]
    return entries


def _summary(shown: dict[str, Any], org: model.Group, fiscal_year: int) -> dict[str, Any]:
    late = sum(p["status"] == monitor.OVERDUE for i in shown["items"] for p in i["periods"])
    return {"due": shown["due"], "late": late, "published": shown["published"], "score": shown["score"],
            "dashboard_url": tk.url_for("oit_compliance.dashboard", id=org.name, fiscal_year=fiscal_year),
            "itas_url": tk.url_for("oit_compliance.itas_sheet", org=org.name, fiscal_year=fiscal_year, fmt="html"),
            "itas_csv_url": tk.url_for("oit_compliance.itas_sheet", org=org.name, fiscal_year=fiscal_year, fmt="csv"),
            "itas_xlsx_url": tk.url_for("oit_compliance.itas_sheet", org=org.name, fiscal_year=fiscal_year,
                                        fmt="xlsx")}


def _change_requests(context: dict[str, Any], org: model.Group) -> list[dict[str, Any]]:
    requests = []
    for request in tk.get_action("oit_change_request_list")(dict(context), {"organization": org.id}):
        package = model.Package.get(request["package_id"])
        if package is None or package.state == model.State.DELETED or package.owner_org != org.id:
            continue  # purged, deleted or moved away since it was asked
        requests.append(dict(request, title=package.title or package.name, name=package.name, type=package.type,
                             url=tk.url_for("oit_workflow.change_request", id=request["id"]),
                             dataset_url=tk.url_for(f"{package.type}.read", id=package.name)))
    return requests


def my_work(user: model.User, fiscal_year: int, as_of: datetime.date) -> dict[str, Any]:
    context = {"user": user.name, "ignore_auth": False}
    orgs = memberships(user)
    ids = [org.id for org, _role in orgs]
    admin_ids = [org.id for org, role in orgs if role == "admin"]
    drafts = _search(context, ids, "draft")
    returned = _search(context, ids, "returned")
    # a returned dataset that staff have begun to edit is a draft again: its reason still holds
    reasons = return_reasons(d["id"] for d in returned + drafts)
    for dataset in returned + drafts:
        dataset.update(reasons.get(dataset["id"], {"reason": None, "returned_at": None, "returned_by": None}))
    pending = _search(context, admin_ids, "pending")
    soon = tk.config.get("ckanext.oit.work.due_soon_days")

    result, total = [], 0
    for org, role in orgs:
        shown = monitor.show(context, {"id": org.id, "name": org.name}, fiscal_year, as_of)
        entry: dict[str, Any] = {
            "id": org.id, "name": org.name, "title": org.title or org.name, "role": role,
            "due": _due_list(shown, org, as_of, soon),
            "drafts": [_without_org(d) for d in drafts if d["organization"] == org.name],
            "returned": [_without_org(d) for d in returned if d["organization"] == org.name],
            "new_url": tk.url_for("oit_work.choose", organization=org.name),
            "approvals": None, "compliance": None}
        if role == "admin":
            entry["approvals"] = {"pending": [_without_org(d) for d in pending if d["organization"] == org.name],
                                  "change_requests": _change_requests(context, org)}
            entry["compliance"] = _summary(shown, org, fiscal_year)
        entry["fold_yearly"] = sum(not e["recurring"] for e in entry["due"]) > YEARLY_OPEN_UP_TO
        entry["counts"] = counts(entry)
        total += entry["counts"]["todo"]
        result.append(entry)
    return {"user": user.name, "fiscal_year": fiscal_year, "as_of": as_of.isoformat(),
            "todo": total, "organizations": result}


def _without_org(dataset: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in dataset.items() if k != "organization"}


def counts(entry: dict[str, Any]) -> dict[str, int]:
    """The numbers of one organisation's lists; ``todo`` is what waits for the person:
    disclosures due or overdue, returned datasets and, for the director, approvals
    (drafts are work under way, listed but not counted)."""
    approvals = entry.get("approvals") or {"pending": [], "change_requests": []}
    found = {"overdue": sum(e["status"] == OVERDUE for e in entry["due"]),
             "due": sum(e["status"] == DUE for e in entry["due"]),
             "drafts": len(entry["drafts"]), "returned": len(entry["returned"]),
             "pending": len(approvals["pending"]), "change_requests": len(approvals["change_requests"])}
    found["todo"] = (found["overdue"] + found["due"] + found["returned"] + found["pending"]
                     + found["change_requests"])
    return found


def landing_create_urls(user_name: str, organization: model.Group, rows: list[dict[str, Any]]) -> dict:
    """For the organisation's editors, on an item's landing page: (fiscal year, period)
    -> the typed form that creates it, for each period under way that has no dataset
    yet (drafts included, so none is made twice); nothing for anybody else."""
    if not rows or not user_name or not role_in_org({"user": user_name}, organization.id, "editor")["success"]:
        return {}
    item = rows[0]["expected"].item
    years = sorted({row["expected"].fiscal_year for row in rows})
    found = disclosure_query.by_disclosure(disclosure_query.search(
        {"user": user_name, "ignore_auth": False}, organization=organization.id, item_keys=[item.key],
        fiscal_years=years, include_private=True, fl=FIELDS)["results"])
    today = thai_calendar.today()
    urls = {}
    for row in rows:
        wanted = row["expected"]
        if found.get((item.key, str(wanted.fiscal_year), wanted.period)) or not started(wanted, today):
            continue
        urls[(wanted.fiscal_year, wanted.period)] = create_url(item, wanted.fiscal_year, wanted.period,
                                                              organization.id)
    return urls
