"""Auth functions of the work actions: "my work" is for the staff of an organisation."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit.messages import LOGIN_NEEDED
from ckanext.oit.roles import refusal
from ckanext.oit.work.todo import memberships


@tk.auth_allow_anonymous_access  # so that a visitor is refused in our words, in both languages
def oit_my_work(context, data_dict):
    user = model.User.get(context.get("user") or "")
    if user is None:
        return {"success": False, "msg": LOGIN_NEEDED.both()}
    if not memberships(user):
        return {"success": False, "msg": refusal("editor")}
    return {"success": True}
