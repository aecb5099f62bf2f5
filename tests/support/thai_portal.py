"""What the Thai-first tests share: the CKAN labels that must not stay English on a
Thai page, and one agency with a published procurement summary to show them on."""
from __future__ import annotations

import re
from typing import Any

from ckan.tests import factories
from ckan.tests.helpers import call_action

# Common CKAN labels, and some that CKAN's Thai catalogue leaves out or its JavaScript writes.
ENGLISH_LABELS = (
    "Datasets", "Organizations", "Groups", "About", "Search", "License", "Download", "Activity Stream",
    "Log in", "Register", "Dashboard", "Explore", "Resources", "Additional Info", "Additional Information",
    "Last Updated", "Created", "Format", "Followers", "News feed", "Edit", "Manage", "Add Dataset",
    "Filter Results", "Order by", "Relevance", "Name Ascending", "Last Modified", "Tags", "Formats",
    "Licenses", "Organization", "Dataset", "Follow", "Members", "Data last updated", "Metadata last updated",
    "Skip to main content", "Powered by", "Username or Email", "Password", "Forgot your password",
    "Remember me", "Popular tags", "Search data", "Activity type", "All activity types", "Changes",
    "Oit-Procurement", "Oit-procurement", "Has views", "Datastore active", "Dataset description",
    "Show more", "Show less",
)
_LABEL_RE = re.compile(r"(?<![A-Za-z])(" + "|".join(re.escape(w) for w in ENGLISH_LABELS) + r")(?![A-Za-z])")


def english_labels(text: str) -> set[str]:
    return set(_LABEL_RE.findall(text))


def thai_agency(name: str, staff: str, director: str, group: str, **user: Any) -> tuple[dict, dict]:
    """An agency (``name``) with an editor and an admin, a group, and a procurement
    summary with a CSV link that the staff submitted and the director approved."""
    factories.User(name=staff, fullname="สมชาย ใจดี", about="เจ้าหน้าที่พัสดุ", **user)
    factories.User(name=director, fullname="สมหญิง ผู้อำนวยการ", about="ผู้อำนวยการ", **user)
    org = factories.Organization(name=name, title=f"สพป.ทดสอบ {name}", description="สำนักงานเขตพื้นที่การศึกษา",
                                 users=[{"name": staff, "capacity": "editor"}, {"name": director, "capacity": "admin"}])
    factories.Group(name=group, title="กลุ่มข้อมูลจัดซื้อ", description="ข้อมูลการจัดซื้อจัดจ้าง")
    dataset = call_action("package_create", {"user": staff}, type="oit-procurement", owner_org=org["id"],
                          item_key="procurement-monthly-summary", fiscal_year="2569", period="2025-10",
                          notes="สรุปผลการจัดซื้อจัดจ้างประจำเดือน",
                          resources=[{"name": "สขร.1", "url": "http://example.go.th/sor-kor-ror-1.csv",
                                      "format": "CSV"}])
    # the CSV is a link the portal has not validated: submitted and approved all the same
    call_action("oit_submit", {"user": staff}, id=dataset["id"], confirm_tables=True)
    call_action("oit_approve", {"user": director}, id=dataset["id"], confirm_tables=True)
    return org, call_action("package_show", {"ignore_auth": True}, id=dataset["id"])
