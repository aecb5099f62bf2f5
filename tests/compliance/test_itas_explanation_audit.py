"""Every change to an ITAS explanation (the text assessors read beside an
item's answer) is an audit event of the organisation (issue 12, hole 9)."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.oit import audit

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

KEY = "procurement-monthly-summary"


def explanation_events(office) -> list[dict]:
    return [audit.event_dict(e) for e in audit.events(owner_org=office.org["id"]) if e.action == "itas_explanation"]


def test_each_explanation_change_is_an_audit_event_with_before_and_after(office, app):
    org, admin = office.org["name"], office.users["admin"]["name"]
    office.act("admin", "oit_itas_explanation_update", id=org, fiscal_year="2569", item_key=KEY,
               text="อยู่ระหว่างรวบรวมเอกสาร")
    # the second change through the Action API over HTTP
    token = factories.APIToken(user=admin)["token"]
    response = app.post("/api/3/action/oit_itas_explanation_update", headers={"Authorization": token}, json={
        "id": org, "fiscal_year": "2569", "item_key": KEY, "text": "เผยแพร่ครบทุกเดือนแล้ว"})
    assert response.json["result"]["text"] == "เผยแพร่ครบทุกเดือนแล้ว"
    # saving the same text again changes nothing and records nothing
    office.act("admin", "oit_itas_explanation_update", id=org, fiscal_year="2569", item_key=KEY,
               text="เผยแพร่ครบทุกเดือนแล้ว")
    # a refused change records nothing either
    with pytest.raises(tk.NotAuthorized):
        office.act("editor", "oit_itas_explanation_update", id=org, fiscal_year="2569", item_key=KEY, text="x")

    events = explanation_events(office)
    assert [(e["actor_name"], e["owner_org"], e["package_id"], e["comment"]) for e in events] == [
        (admin, office.org["id"], None, f"{KEY} 2569")] * 2
    assert events[0]["before"] is None
    assert events[0]["after"] == {"item_key": KEY, "fiscal_year": 2569, "text": "อยู่ระหว่างรวบรวมเอกสาร"}
    assert events[1]["before"] == {"item_key": KEY, "fiscal_year": 2569, "text": "อยู่ระหว่างรวบรวมเอกสาร"}
    assert events[1]["after"] == {"item_key": KEY, "fiscal_year": 2569, "text": "เผยแพร่ครบทุกเดือนแล้ว"}
    assert audit.verify().ok
    # the organisation's trail (the admins' API) shows them
    listed = office.act("admin", "oit_audit_list", organization=org)
    assert [e["action"] for e in listed].count("itas_explanation") == 2
