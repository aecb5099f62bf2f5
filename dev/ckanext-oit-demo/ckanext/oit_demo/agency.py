"""Demo data for ``make run``: one agency with a director and a staff member.

The passwords are for a local demo only; they are printed at start and
written in the README.
"""
from __future__ import annotations

from typing import Any, Iterator

import ckan.plugins.toolkit as tk

ORGANIZATION = {
    "name": "sample-pesao-1",
    "title": "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาตัวอย่าง เขต 1",
    "description": (
        "หน่วยงานตัวอย่างสำหรับทดลองเผยแพร่ข้อมูลสาธารณะตามเกณฑ์ ITA/OIT "
        "(Sample Primary Educational Service Area Office 1, demo only)."
    ),
}

# name, full name, password, role in the organisation (None = sysadmin)
USERS = [
    ("oit_admin", "ผู้ดูแลระบบ OIT (OIT administrator)", "OitAdmin#2569", None),
    ("director", "ผู้อำนวยการ (Director)", "Director#2569", "admin"),
    ("staff", "เจ้าหน้าที่ผู้รับผิดชอบ (Content owner)", "Staff#2569", "editor"),
]


def _site_context() -> dict[str, Any]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def _ensure_user(name: str, fullname: str, password: str, sysadmin: bool) -> bool:
    """Create the user, or reset its password and role; True if created."""
    user_show = tk.get_action("user_show")
    data = {
        "name": name,
        "fullname": fullname,
        "email": f"{name}@oit.invalid",
        "password": password,
        "sysadmin": sysadmin,
    }
    try:
        existing = user_show(_site_context(), {"id": name})
    except tk.ObjectNotFound:
        tk.get_action("user_create")(_site_context(), data)
        return True
    # A demo may have been tinkered with: put back what the README promises.
    data["id"] = existing["id"]
    data["state"] = "active"
    tk.get_action("user_update")(_site_context(), data)
    return False


def load() -> Iterator[str]:
    for name, fullname, password, role in USERS:
        created = _ensure_user(name, fullname, password, sysadmin=role is None)
        yield f"{'created' if created else 'kept'} user {name}"

    try:
        tk.get_action("organization_show")(_site_context(), {"id": ORGANIZATION["name"]})
        yield f"kept organisation {ORGANIZATION['name']}"
    except tk.ObjectNotFound:
        tk.get_action("organization_create")(
            dict(_site_context(), user="oit_admin"), dict(ORGANIZATION)
        )
        yield f"created organisation {ORGANIZATION['name']}"

    for name, _fullname, _password, role in USERS:
        if role:
            tk.get_action("organization_member_create")(
                _site_context(),
                {"id": ORGANIZATION["name"], "username": name, "role": role},
            )
            yield f"{name} is {role} of {ORGANIZATION['name']}"


def credentials() -> list[tuple[str, str, str]]:
    return [(name, password, role or "sysadmin") for name, _f, password, role in USERS]
