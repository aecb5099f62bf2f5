"""Complaints and the public channels' forms: what the channels tests and the
CSRF tests file and read (the fixtures people and fresh_limits are in tests/conftest.py)."""
from __future__ import annotations

import io

from bs4 import BeautifulSoup
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories

from ckanext.oit.channels.model import Complaint

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
DESCRIPTION = "ผู้อำนวยการกองคลังเรียกรับเงินจากผู้รับจ้างซ่อมหลังคาอาคารเรียน"
CATEGORY = "การเรียกรับสินบนหรือผลประโยชน์"


def add_deputy(people, email="deputy@example.go.th") -> dict:
    """A second admin of the organisation, to confirm what the first proposes."""
    deputy = factories.User(email=email)
    tk.get_action("organization_member_create")({"ignore_auth": True}, {
        "id": people.org["id"], "username": deputy["name"], "role": "admin"})
    people.users["deputy"] = deputy
    return deputy


def pdf(name="evidence.pdf", data=PDF):
    return FileStorage(stream=io.BytesIO(data), filename=name, content_type="application/pdf")


def file_complaint(org, **extra):
    data = dict(organization=org["name"], category=CATEGORY, description=DESCRIPTION,
                incident_date="15/10/2568", incident_place="โรงเรียนบ้านตัวอย่าง", privacy_accepted="true")
    data.update(extra)
    return tk.get_action("oit_complaint_create")({"user": ""}, data)


def only_complaint() -> Complaint:
    return model.Session.query(Complaint).one()


def token_of(user) -> str:
    return factories.APIToken(user=user["name"])["token"]


def csrf(browser, url, headers=None) -> str:
    """The CSRF token of a form page; post it with the same client (app.test_client()),
    whose cookie jar keeps the session the token belongs to."""
    page = browser.get(url, headers=headers or {})
    return BeautifulSoup(page.body, "html.parser").find("input", {"name": "_csrf_token"})["value"]
