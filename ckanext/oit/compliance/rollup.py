"""Supervisors' view: the compliance of every organisation below a parent.

The hierarchy is CKAN's own (organisation membership of capacity 'parent');
with ``ckan.auth.roles_that_cascade_to_sub_groups = admin`` an admin of the
parent sees the descendants' unpublished work, and nobody else does.
"""
from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit.compliance import monitor


def set_parent(child: model.Group, parent: model.Group) -> None:
    tk.get_action("member_create")({"ignore_auth": True}, {
        "id": child.id, "object": parent.id, "object_type": "group", "capacity": "parent"})


def descendants(parent: model.Group) -> list[tuple[str, str, str, str]]:
    return parent.get_children_group_hierarchy(type="organization")


def summary(shown: dict[str, Any]) -> dict[str, Any]:
    statuses: Counter = Counter()
    categories: dict[str, Counter] = {}
    for item in shown["items"]:
        for period in item["periods"]:
            statuses[period["status"]] += 1
            counter = categories.setdefault(item["category"] or "-", Counter())
            if period["status"] == monitor.PUBLISHED or datetime.date.fromisoformat(period["due"]) < \
                    datetime.date.fromisoformat(shown["as_of"]):
                counter["due"] += 1
                counter["published"] += period["status"] == monitor.PUBLISHED
    return {"due": shown["due"], "published": shown["published"], "score": shown["score"],
            "statuses": dict(statuses),
            "categories": {code: dict(categories[code]) for code in sorted(categories, key=monitor.natural_key)}}


def rollup(context: dict[str, Any], parent: model.Group, fiscal_year: int, as_of: datetime.date) -> dict[str, Any]:
    children = []
    for org_id, name, title, parent_id in descendants(parent):
        shown = monitor.show(context, {"id": org_id, "name": name}, fiscal_year, as_of)
        children.append(dict(summary(shown), organization=name, title=title,
                             parent=model.Group.get(parent_id).name if parent_id else None))
    due = sum(c["due"] for c in children)
    published = sum(c["published"] for c in children)
    return {"organization": parent.name, "fiscal_year": fiscal_year, "as_of": as_of.isoformat(),
            "due": due, "published": published, "score": round(published / due, 4) if due else None,
            "children": sorted(children, key=lambda c: (c["score"] is None, c["score"] or 0))}
