"""Reads that CKAN answers from every dataset, drafts included: tags and
resource formats. Outside sysadmins, they show only what public datasets use,
so a draft's words do not reach the public before its approval."""
from __future__ import annotations

from typing import Any, Callable, Iterable

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import authz, model

Action = Callable[[dict, dict], Any]


def _sees_all(context: dict[str, Any]) -> bool:
    return bool(context.get("ignore_auth")) or (bool(context.get("user")) and authz.is_sysadmin(context["user"]))


def _public_packages() -> sa.sql.Select:
    return sa.select(model.package_table.c.id).where(
        model.package_table.c.private.is_(False), model.package_table.c.state == "active")


def public_tags(names: Iterable[str]) -> set[str]:
    """Those of ``names`` that a public, active dataset carries."""
    names = [n for n in names if isinstance(n, str)]
    if not names:
        return set()
    tag, package_tag = model.tag_table.c, model.package_tag_table.c
    query = (sa.select(tag.name).distinct()
             .join_from(model.tag_table, model.package_tag_table, package_tag.tag_id == tag.id)
             .where(tag.name.in_(names), package_tag.state == "active",
                    package_tag.package_id.in_(_public_packages())))
    return set(model.Session.execute(query).scalars())


def public_formats(formats: Iterable[str]) -> set[str]:
    wanted = {f.lower() for f in formats if isinstance(f, str)}
    if not wanted:
        return set()
    resource = model.resource_table.c
    query = (sa.select(sa.func.lower(resource.format)).distinct()
             .where(sa.func.lower(resource.format).in_(wanted), resource.state == "active",
                    resource.package_id.in_(_public_packages())))
    return set(model.Session.execute(query).scalars())


def _name(tag: Any) -> str:
    return tag.get("name") if isinstance(tag, dict) else tag


def _read(function: Callable[[Action, dict, dict], Any]) -> Action:
    chained = tk.chained_action(function)
    chained.side_effect_free = True  # CKAN copies the chain's attributes, not the original's
    return chained


def tag_list(original: Action, context, data_dict):
    tags = original(context, data_dict)
    if _sees_all(context):
        return tags
    shown = public_tags(_name(t) for t in tags)
    return [t for t in tags if _name(t) in shown]


def tag_autocomplete(original: Action, context, data_dict):
    return tag_list(original, context, data_dict)


def tag_search(original: Action, context, data_dict):
    result = original(context, data_dict)
    if _sees_all(context):
        return result
    shown = public_tags(_name(t) for t in result.get("results", []))
    results = [t for t in result.get("results", []) if _name(t) in shown]
    return dict(result, results=results, count=len(results))


def tag_show(original: Action, context, data_dict):
    result = original(context, data_dict)
    if not _sees_all(context) and not public_tags([result.get("name")]):
        raise tk.ObjectNotFound("ไม่พบคำสำคัญ / Tag not found")
    return result


def format_autocomplete(original: Action, context, data_dict):
    formats = original(context, data_dict)
    if _sees_all(context):
        return formats
    shown = public_formats(formats)
    return [f for f in formats if isinstance(f, str) and f.lower() in shown]


def chained_actions() -> dict[str, Action]:
    return {function.__name__: _read(function)
            for function in (tag_list, tag_autocomplete, tag_search, tag_show, format_autocomplete)}
