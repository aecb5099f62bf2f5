"""Action API input that no action can use is refused before any action runs:
a NUL character anywhere (PostgreSQL cannot store it, so the action would end
in a 500), and ids or lists of the wrong shape. The answer is CKAN's own
validation error (HTTP 409) naming the field, in Thai and English."""
from __future__ import annotations

import json
from typing import Any

from flask import Response, request

from ckanext.oit.i18n_messages import both

STRINGS = ("id", "package_id", "resource_id", "name", "organization", "org_id", "owner_org", "object",
           "subject", "object_type", "type", "user", "username", "parent", "organization_id")
LISTS_OF_STRINGS = ("datasets", "order")
DICTS = ("resource", "package")
LISTS_OF_DICTS = ("extras",)


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def problems(data: dict[str, Any]) -> dict[str, list[str]]:
    """Field → message for each value no action can take."""
    found: dict[str, list[str]] = {}
    for key, value in data.items():
        if _has_nul(value) or _has_nul(key):
            found[str(key).replace("\x00", "")] = [both("Contains a NUL character, which cannot be accepted")]
        elif key in STRINGS and value is not None and not isinstance(value, str):
            found[key] = [both("Must be a string")]
        elif key in LISTS_OF_STRINGS and value is not None and not (
                isinstance(value, list) and all(isinstance(v, str) for v in value)):
            found[key] = [both("Must be a list of strings")]
        elif key in DICTS and value is not None and not isinstance(value, dict):
            found[key] = [both("Must be an object")]
        elif key in LISTS_OF_DICTS and value is not None and not (
                isinstance(value, list) and all(isinstance(v, dict) for v in value)):
            found[key] = [both("Must be a list of objects")]
    return found


def _request_data() -> dict[str, Any]:
    data: dict[str, Any] = dict(request.args)
    if request.method == "POST":
        body = request.get_json(silent=True)
        if isinstance(body, dict):
            data.update(body)
        else:
            data.update(request.form)
    return data


def check() -> Response | None:
    if request.endpoint != "api.action":
        return None
    found = problems(_request_data())
    if not found:
        return None
    body = {"help": request.url, "success": False, "error": dict(found, __type="Validation Error")}
    return Response(json.dumps(body, ensure_ascii=False), status=409, mimetype="application/json")


def register(app: Any) -> None:
    app.before_request(check)
