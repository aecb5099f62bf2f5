"""The organisation's e-service address (its extra ``e_service_url``): checked where it
is written, so the ITAS sheet and the OIT page link only to a web address, and an
empty field takes the address away instead of keeping an empty extra."""
from __future__ import annotations

from typing import Any, Callable
from urllib.parse import urlsplit

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import compat
from ckanext.oit.i18n_messages import both

FIELD = "e_service_url"
MAX_LENGTH = 500

Action = Callable[..., Any]


def is_address(value: str) -> bool:
    """An absolute http(s) address with a host, nothing a browser would read otherwise."""
    if not value or len(value) > MAX_LENGTH or any(c.isspace() or ord(c) < 32 for c in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and value.lower().startswith(parts.scheme + "://")


def address(value: Any) -> str | None:
    """A stored value as the address to link to, or None when it is none (written before
    the check, or by hand)."""
    value = str(value or "").strip()
    return value if is_address(value) else None


def _checked(data_dict: dict[str, Any], stored: dict[str, str] | None = None) -> dict[str, Any]:
    extras = data_dict.get("extras")
    if not isinstance(extras, list):
        return data_dict
    kept, emptied, addresses = [], False, 0
    for extra in extras:
        if not isinstance(extra, dict) or extra.get("key") != FIELD:
            kept.append(extra)
            continue
        value = str(extra.get("value") or "").strip()
        if not value or extra.get("deleted"):
            emptied = True
            continue
        if not is_address(value):
            raise tk.ValidationError({FIELD: [both(
                "The e-service address must be a web address starting with https:// or http:// (at most %(n)s characters)",
                n=MAX_LENGTH)]})
        kept.append(dict(extra, value=value))
        addresses += 1
    if emptied and not addresses and FIELD in (stored or {}) and not compat.CKAN_2_12:
        # CKAN 2.11 leaves every stored extra alone when the list is empty: name this one as
        # deleted (2.12 keeps the extras the list gives, and would store the marker's value)
        kept.append({"key": FIELD, "value": "", "deleted": "on"})
    return dict(data_dict, extras=kept)


def _stored(data_dict: dict[str, Any]) -> model.Group | None:
    return model.Group.get(str(data_dict.get("id") or "")) if isinstance(data_dict, dict) else None


@tk.chained_action
def organization_create(original: Action, context, data_dict):
    return original(context, _checked(data_dict))


@tk.chained_action
def organization_update(original: Action, context, data_dict):
    # organization_patch comes through here with the stored extras merged in
    group = _stored(data_dict)
    return original(context, _checked(data_dict, group.extras if group else None))


@tk.chained_action
def group_update(original: Action, context, data_dict):
    # CKAN's group_update takes an organisation too (its admin may call it)
    group = _stored(data_dict)
    if group is None or not group.is_organization:
        return original(context, data_dict)
    return original(context, _checked(data_dict, group.extras))


def chained_actions() -> dict[str, Action]:
    return {"organization_create": organization_create, "organization_update": organization_update,
            "group_update": group_update}
