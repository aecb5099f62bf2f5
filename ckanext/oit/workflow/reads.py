"""Reads that CKAN answers from every dataset, drafts included: tags, resource
formats, a group's members, activity streams, the DataStore's table list.
Outside sysadmins, they show only what comes from public datasets (or what the
caller may read), so a draft's words do not reach the public before approval."""
from __future__ import annotations

from typing import Any, Callable, Iterable

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import authz, model

from ckanext.oit.i18n_messages import both
from ckanext.oit.messages import LOGIN_NEEDED, SYSADMINS_ONLY

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
        raise tk.ObjectNotFound(both("Tag not found"))
    return result


def format_autocomplete(original: Action, context, data_dict):
    formats = original(context, data_dict)
    if _sees_all(context):
        return formats
    shown = public_formats(formats)
    return [f for f in formats if isinstance(f, str) and f.lower() in shown]


def member_list(original: Action, context, data_dict):
    """A group's or organisation's datasets: only those the caller may read."""
    members = original(context, data_dict)
    if _sees_all(context):
        return members
    readable = []
    for member in members:
        if str(member[1]).lower() == "package":
            try:
                tk.check_access("package_show", dict(context), {"id": member[0]})
            except (tk.NotAuthorized, tk.ObjectNotFound):
                continue
        readable.append(member)
    return readable


def datastore_search(original: Action, context, data_dict):
    """_table_metadata lists every table, drafts' too: a sysadmin's to read."""
    if data_dict.get("resource_id") == "_table_metadata" and not _sees_all(context):
        raise tk.NotAuthorized(SYSADMINS_ONLY.both())
    return original(context, data_dict)


def package_collaborator_list(original: Action, context, data_dict):
    if not context.get("user") and not context.get("ignore_auth"):
        raise tk.NotAuthorized(LOGIN_NEEDED.both())  # CKAN answers a visitor with a 500
    return original(context, data_dict)


def _activities_for(context: dict[str, Any], activities: list) -> list:
    """CKAN filters by permission labels only the activities whose type ends in
    "package"; a resource view's ("new resource view") carries the dataset's
    labels too (workflow/activity.py) and is filtered here alike."""
    if _sees_all(context):
        return activities
    from ckan.lib.plugins import get_permission_labels

    user = model.User.get(context.get("user") or "") if context.get("user") else None
    labels = set(get_permission_labels().get_user_dataset_labels(user))
    return [a for a in activities if not isinstance(a, dict) or not a.get("permission_labels")
            or labels & set(a["permission_labels"])]


def _activity_list(name: str) -> Callable[[Action, dict, dict], Any]:
    def filtered(original: Action, context, data_dict):
        return _activities_for(context, original(context, data_dict))
    filtered.__name__ = name
    return filtered


ACTIVITY_LISTS = ("user_activity_list", "dashboard_activity_list", "organization_activity_list",
                  "group_activity_list", "package_activity_list", "recently_changed_packages_activity_list")


def chained_actions(datastore: bool = True, activity: bool = True) -> dict[str, Action]:
    reads = [tag_list, tag_autocomplete, tag_search, tag_show, format_autocomplete, member_list,
             package_collaborator_list]
    if activity:
        reads.extend(_activity_list(name) for name in ACTIVITY_LISTS)
    if datastore:
        reads.append(datastore_search)
    return {function.__name__: _read(function) for function in reads}
