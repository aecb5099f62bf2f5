"""People and datasets in each workflow state (the fixtures office and shared_office
of tests/conftest.py make them)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories

from ckanext.oit import thai_calendar

# "changing": published, with the editor's change request open
STATES = ("draft", "pending", "returned", "published", "withdrawn", "changing")
# "stranger": a user of no organisation; other_*: of another organisation
ROLES = ("anonymous", "stranger", "member", "editor", "admin", "other_editor", "other_admin", "sysadmin")


@dataclass
class Office:
    org: dict
    other_org: dict
    users: dict[str, dict | None]
    made_ids: list = field(default_factory=list)

    def purge_made(self) -> None:
        """Purge what this office made, so the next test can use its periods again."""
        for dataset_id in self.made_ids:
            tk.get_action("dataset_purge")({"ignore_auth": True, "user": self.users["sysadmin"]["name"]},
                                           {"id": dataset_id})
        self.made_ids.clear()
        self._made = 0

    def context(self, role: str) -> dict[str, Any]:
        user = self.users[role]
        return {"user": user["name"] if user else "", "ignore_auth": False}

    def act(self, role: str, action: str, **data):
        return tk.get_action(action)(self.context(role), data)

    def dataset(self, state: str, **extra) -> dict:
        """A monthly procurement summary in ``state``, with one resource; each
        call takes the next month (back from FY 2569) so that none clash."""
        made = getattr(self, "_made", 0)
        self._made = made + 1
        fiscal_year = 2569 - made // 12
        year, month = thai_calendar.fiscal_year_months(fiscal_year)[made % 12]
        data = dict(type="oit-procurement", owner_org=self.org["id"], item_key="procurement-monthly-summary",
                    fiscal_year=str(fiscal_year), period=f"{year}-{month:02d}",
                    resources=[{"name": "สขร.1", "url": "http://example.go.th/sor-kor-ror-1.pdf"}], **extra)
        dataset = self.act("editor", "package_create", **data)
        self.made_ids.append(dataset["id"])
        return self.move(dataset["id"], state)

    def move(self, dataset_id: str, state: str) -> dict:
        """Take a draft to ``state`` the way staff and the director do (confirming
        tables that are queued or invalid: what those tests look at is elsewhere)."""
        if state != "draft":
            self.act("editor", "oit_submit", id=dataset_id, confirm_tables=True)
        if state == "returned":
            self.act("admin", "oit_return", id=dataset_id, comment="แก้ไขวันที่สัญญา")
        elif state in ("published", "withdrawn", "changing"):
            self.act("admin", "oit_approve", id=dataset_id, confirm_tables=True)
            if state == "withdrawn":
                self.act("admin", "oit_withdraw", id=dataset_id, comment="ข้อมูลผิดพลาด")
            if state == "changing":
                self.act("editor", "package_patch", id=dataset_id, notes="ขอแก้ไขคำอธิบาย")
        return tk.get_action("package_show")({"ignore_auth": True}, {"id": dataset_id})


def reset_database(reset_db) -> None:
    """CKAN's reset plus our migrations and the audit table (as conftest's clean_db)."""
    from ckan.cli.db import _run_migrations

    reset_db()
    for plugin in ("activity", "oit"):
        _run_migrations(plugin)
    model.Session.execute(sa.text("TRUNCATE oit_audit_event RESTART IDENTITY"))
    model.Session.commit()


def new_office() -> Office:
    tag = uuid.uuid4().hex[:6]
    users = {role: factories.User(email=f"{role}-{tag}@example.go.th")
             for role in ROLES if role not in ("anonymous", "sysadmin")}
    users["sysadmin"] = factories.Sysadmin(email=f"sysadmin-{tag}@example.go.th")
    users["anonymous"] = None
    org = factories.Organization(name=f"pesao-{tag}", title="สพป.ตัวอย่าง", users=[
        {"name": users["member"]["name"], "capacity": "member"},
        {"name": users["editor"]["name"], "capacity": "editor"},
        {"name": users["admin"]["name"], "capacity": "admin"},
    ])
    other = factories.Organization(users=[{"name": users["other_admin"]["name"], "capacity": "admin"},
                                          {"name": users["other_editor"]["name"], "capacity": "editor"}])
    return Office(org=org, other_org=other, users=users)
