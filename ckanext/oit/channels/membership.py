"""CKAN's membership actions, chained so that a complaint officer's
designation lapses the moment its holder leaves the organisation, drops to
member or is deleted. The row is deleted, so being added again restores
nothing. (Access checks lapse it too, for any path not seen here.)"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit.channels import officers

Action = Any


def _organisation(value: Any) -> model.Group | None:
    group = model.Group.get(str(value or "")) if value else None
    return group if group is not None and group.is_organization else None


def _actor(context) -> model.User | None:
    return officers.user_of(context.get("user"))


def _after_member_change(original: Action, context, data_dict):
    result = original(context, data_dict)
    org = _organisation(data_dict.get("id"))
    if org is not None and data_dict.get("object_type") == "user":
        officers.check_org(org.id, _actor(context), context)
    return result


@tk.chained_action
def member_delete(original: Action, context, data_dict):
    """organization_member_delete and group_member_delete come through here."""
    return _after_member_change(original, context, data_dict)


@tk.chained_action
def member_create(original: Action, context, data_dict):
    """organization_member_create comes through here: a change of capacity to member."""
    return _after_member_change(original, context, data_dict)


@tk.chained_action
def organization_update(original: Action, context, data_dict):
    """A ``users`` list replaces the members (organization_patch comes through here)."""
    result = original(context, data_dict)
    org = _organisation((result or {}).get("id") if isinstance(result, dict) else data_dict.get("id"))
    if org is not None:
        officers.check_org(org.id, _actor(context), context)
    return result


@tk.chained_action
def user_delete(original: Action, context, data_dict):
    user = officers.user_of(data_dict.get("id"))
    result = original(context, data_dict)
    if user is not None:
        officers.check_user(user.id, _actor(context), context)
    return result


def chained_actions() -> dict[str, Action]:
    return {"member_delete": member_delete, "member_create": member_create,
            "organization_update": organization_update, "user_delete": user_delete}
